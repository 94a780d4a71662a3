/* quartet-microphone-test.h: hear yourself, as a settings page lets you
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "quartet-voice-activity.h"

G_BEGIN_DECLS

/* How long after you say something you hear it: long enough to stop
 * talking and listen, short enough to feel like an echo of what you said. */
#define QUARTET_MICROPHONE_TEST_DELAY_MS 2000

#define QUARTET_TYPE_MICROPHONE_TEST (quartet_microphone_test_get_type ())
G_DECLARE_FINAL_TYPE (
    QuartetMicrophoneTest, quartet_microphone_test, QUARTET, MICROPHONE_TEST, GObject)

/* @microphone as the media's audio source ("mic", "mic:NAME", "tone");
 * @speaker a device name, NULL for the default.
 *
 * Property "playing-back" (boolean): what was recorded plays now, on the
 * thread-default main context of quartet_microphone_test_start(). */
QuartetMicrophoneTest *quartet_microphone_test_new (const char *microphone, const char *speaker);

gboolean quartet_microphone_test_start (QuartetMicrophoneTest *self, GError **error);
/* Idempotent; dispose stops a test that runs. */
void quartet_microphone_test_stop (QuartetMicrophoneTest *self);
gboolean quartet_microphone_test_get_running (QuartetMicrophoneTest *self);
gboolean quartet_microphone_test_get_playing_back (QuartetMicrophoneTest *self);
/* How loud the microphone is now, in dBFS, as it records. */
double quartet_microphone_test_get_level (QuartetMicrophoneTest *self);

G_END_DECLS
