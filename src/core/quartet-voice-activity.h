/* quartet-voice-activity.h: who is speaking, from their audio level
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A level no sound gets below (dBFS): what a meter shows for digital
 * silence, or for a stream that stopped. */
#define QUARTET_AUDIO_LEVEL_SILENT -100.0

/* How often a session reads its participants' levels: a meter that moves
 * and a highlight that follows the talk, without a notification storm. */
#define QUARTET_VOICE_ACTIVITY_INTERVAL_MS 200

typedef enum
{
  QUARTET_VOICE_CHANGED_NOTHING = 0,
  QUARTET_VOICE_CHANGED_LEVEL = 1 << 0, /* by a step a meter shows */
  QUARTET_VOICE_CHANGED_SPEAKING = 1 << 1,
} QuartetVoiceChanges;

/* One person's level and whether they speak, with a hysteresis: speech
 * starts above a threshold, and only ends once the level stayed below a
 * lower one for a moment, so the pauses between words do not flicker. */
typedef struct
{
  double level; /* dBFS, QUARTET_AUDIO_LEVEL_SILENT .. 0 */
  gboolean speaking;
  gint64 loud_us; /* when the level was last above the lower threshold */
} QuartetVoiceActivity;

void quartet_voice_activity_init (QuartetVoiceActivity *self);
/* A new @level (dBFS) at @now_us (monotonic): what changed. */
QuartetVoiceChanges
quartet_voice_activity_update (QuartetVoiceActivity *self, double level, gint64 now_us);

G_END_DECLS
