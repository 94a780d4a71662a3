/* quartet-voice-activity.c: who is speaking, from their audio level
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The level comes from QuartetAudioMeter: RMS over 20 ms, held and falling
 * at 40 dB/s. Speech into a desktop microphone, after webrtcdsp's gain
 * control, is around -30 to -20 dBFS; its noise suppression leaves the
 * room below -55. The thresholds sit between the two.
 */
#include "quartet-voice-activity.h"

#define SPEECH_STARTS_DB -40.0
#define SPEECH_CONTINUES_DB -48.0
/* The pauses between words and sentences: the held level covers the
 * shortest; this covers a breath. */
#define HANGOVER_US (G_USEC_PER_SEC * 4 / 10)
/* A meter moves in steps it can show: a finer change is not news. */
#define LEVEL_STEP_DB 1.0

void
quartet_voice_activity_init (QuartetVoiceActivity *self)
{
  self->level = QUARTET_AUDIO_LEVEL_SILENT;
  self->speaking = FALSE;
  self->loud_us = 0;
}

static gboolean
decide_speaking (QuartetVoiceActivity *self, double level, gint64 now_us)
{
  if (level >= SPEECH_CONTINUES_DB)
    self->loud_us = now_us;

  if (!self->speaking)
    return level >= SPEECH_STARTS_DB;
  return level >= SPEECH_CONTINUES_DB || now_us - self->loud_us < HANGOVER_US;
}

QuartetVoiceChanges
quartet_voice_activity_update (QuartetVoiceActivity *self, double level, gint64 now_us)
{
  QuartetVoiceChanges changes = QUARTET_VOICE_CHANGED_NOTHING;
  gboolean speaking;

  level = CLAMP (level, QUARTET_AUDIO_LEVEL_SILENT, 0.0);
  /* Silence is always news, however small the step to it. */
  if (ABS (level - self->level) >= LEVEL_STEP_DB
      || (level != self->level && level == QUARTET_AUDIO_LEVEL_SILENT))
    {
      self->level = level;
      changes |= QUARTET_VOICE_CHANGED_LEVEL;
    }

  speaking = decide_speaking (self, level, now_us);
  if (speaking != self->speaking)
    {
      self->speaking = speaking;
      changes |= QUARTET_VOICE_CHANGED_SPEAKING;
    }

  return changes;
}
