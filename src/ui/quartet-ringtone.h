/* quartet-ringtone.h: the sound of an incoming call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define QUARTET_TYPE_RINGTONE (quartet_ringtone_get_type ())
G_DECLARE_FINAL_TYPE (QuartetRingtone, quartet_ringtone, QUARTET, RINGTONE, GObject)

/* Plays on the speaker @settings' "speaker" names. */
QuartetRingtone *quartet_ringtone_new (GSettings *settings);
void quartet_ringtone_start (QuartetRingtone *self);
void quartet_ringtone_stop (QuartetRingtone *self);
gboolean quartet_ringtone_get_playing (QuartetRingtone *self);

G_END_DECLS
