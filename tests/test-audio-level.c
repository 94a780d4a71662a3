/* test-audio-level.c: the audio meter on real GStreamer audio, the
 * speaking decision on levels over time, and the microphone test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-audio-level"

#include "quartet-audio-meter.h"
#include "quartet-media-private.h"

#include <gst/base/base.h>
#include "quartet-microphone-test.h"
#include "quartet-voice-activity.h"

#include <stdlib.h>
#include <string.h>

#define MS ((gint64)1000)

/* Runs @description (with an element named "out") to its end, the meter on
 * out's src pad, and returns the level then. */
static double
measure (const char *description)
{
  g_autoptr (QuartetAudioMeter) meter = _quartet_audio_meter_new ();
  g_autofree char *launch = g_strdup_printf ("%s ! fakesink name=sink sync=false", description);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (launch, &error);
  g_autoptr (GstElement) out = NULL;
  g_autoptr (GstPad) pad = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) end = NULL;
  double level;

  g_assert_no_error (error);
  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  pad = gst_element_get_static_pad (out, "src");
  _quartet_audio_meter_watch_pad (meter, pad);
  g_assert_cmpfloat (_quartet_audio_meter_get_level (meter), ==, QUARTET_AUDIO_LEVEL_SILENT);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  end = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (end);
  g_assert_cmpint (GST_MESSAGE_TYPE (end), ==, GST_MESSAGE_EOS);
  level = _quartet_audio_meter_get_level (meter);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return level;
}

static void
test_meter_reads_dbfs (void)
{
  /* A sine's RMS is its peak over the square root of 2: 0.1 is -23 dBFS,
   * 0.5 is -9; in stereo as in mono. */
  double quiet = measure ("audiotestsrc num-buffers=20 samplesperbuffer=480 volume=0.1 ! "
                          "audio/x-raw,format=S16LE,rate=48000,channels=1 ! identity name=out");
  double loud = measure ("audiotestsrc num-buffers=20 samplesperbuffer=480 volume=0.5 ! "
                         "audio/x-raw,format=S16LE,rate=48000,channels=2 ! identity name=out");
  double silence = measure ("audiotestsrc num-buffers=20 wave=silence ! "
                            "audio/x-raw,format=S16LE,rate=48000,channels=2 ! identity name=out");

  g_assert_cmpfloat_with_epsilon (quiet, -23.0, 0.5);
  g_assert_cmpfloat_with_epsilon (loud, -9.0, 0.5);
  g_assert_cmpfloat (silence, ==, QUARTET_AUDIO_LEVEL_SILENT);
}

static void
test_meter_holds_then_forgets (void)
{
  g_autoptr (QuartetAudioMeter) meter = _quartet_audio_meter_new ();
  g_autoptr (GstElement) pipeline = gst_parse_launch (
      "audiotestsrc num-buffers=10 samplesperbuffer=480 volume=0.1 ! "
      "audio/x-raw,format=S16LE,rate=48000,channels=1 ! identity name=out ! fakesink sync=false",
      NULL);
  g_autoptr (GstElement) out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_autoptr (GstPad) pad = gst_element_get_static_pad (out, "src");
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) end = NULL;
  double at_end, later;

  _quartet_audio_meter_watch_pad (meter, pad);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  end = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  at_end = _quartet_audio_meter_get_level (meter);
  g_usleep (200 * MS);
  later = _quartet_audio_meter_get_level (meter);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  /* It falls 40 dB/s once nothing comes, and is silence after 0.5 s. */
  g_assert_cmpfloat (later, <, at_end - 5);
  g_assert_cmpfloat (later, >, QUARTET_AUDIO_LEVEL_SILENT);
  g_usleep (400 * MS);
  g_assert_cmpfloat (_quartet_audio_meter_get_level (meter), ==, QUARTET_AUDIO_LEVEL_SILENT);
}

static void
test_speech_starts_and_ends_with_hysteresis (void)
{
  QuartetVoiceActivity voice;
  gint64 t = 1000 * MS;

  quartet_voice_activity_init (&voice);
  /* Room noise is not speech. */
  g_assert_cmpint (quartet_voice_activity_update (&voice, -60, t), ==, QUARTET_VOICE_CHANGED_LEVEL);
  g_assert_false (voice.speaking);
  /* A voice starts it at once. */
  g_assert_true (quartet_voice_activity_update (&voice, -25, t += 200 * MS)
                 & QUARTET_VOICE_CHANGED_SPEAKING);
  g_assert_true (voice.speaking);
  /* Quieter words, between the thresholds, keep it. */
  quartet_voice_activity_update (&voice, -45, t += 200 * MS);
  g_assert_true (voice.speaking);
  /* A breath: still speaking until the hangover (400 ms) passed. */
  quartet_voice_activity_update (&voice, -70, t += 200 * MS);
  g_assert_true (voice.speaking);
  quartet_voice_activity_update (&voice, -70, t += 200 * MS);
  g_assert_false (voice.speaking);
  /* Between the thresholds does not start it again. */
  quartet_voice_activity_update (&voice, -45, t += 200 * MS);
  g_assert_false (voice.speaking);
}

static void
test_level_changes_in_steps (void)
{
  QuartetVoiceActivity voice;

  quartet_voice_activity_init (&voice);
  g_assert_cmpint (quartet_voice_activity_update (&voice, -30, 0), ==,
                   QUARTET_VOICE_CHANGED_LEVEL | QUARTET_VOICE_CHANGED_SPEAKING);
  /* Less than a step is not news... */
  g_assert_cmpint (quartet_voice_activity_update (&voice, -30.4, 0), ==,
                   QUARTET_VOICE_CHANGED_NOTHING);
  g_assert_cmpfloat (voice.level, ==, -30);
  /* ... nor is anything out of range taken as it came. */
  quartet_voice_activity_update (&voice, 6, 0);
  g_assert_cmpfloat (voice.level, ==, 0);
  quartet_voice_activity_update (&voice, -500, 0);
  g_assert_cmpfloat (voice.level, ==, QUARTET_AUDIO_LEVEL_SILENT);
  /* Silence is news from anywhere near it. */
  quartet_voice_activity_update (&voice, -99.5, 0);
  g_assert_cmpint (quartet_voice_activity_update (&voice, -100, 0), ==,
                   QUARTET_VOICE_CHANGED_NOTHING);
  voice.level = -99.5;
  g_assert_cmpint (quartet_voice_activity_update (&voice, -100, 0) & QUARTET_VOICE_CHANGED_LEVEL,
                   ==, QUARTET_VOICE_CHANGED_LEVEL);
}

static void
on_playing_back_cb (QuartetMicrophoneTest *test, GParamSpec *pspec, GMainLoop *loop)
{
  g_main_loop_quit (loop);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
test_microphone_played_back_late (void)
{
  g_autoptr (QuartetMicrophoneTest) test = quartet_microphone_test_new ("tone", NULL);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GError) error = NULL;
  guint timeout_id = g_timeout_add_seconds (10, on_timeout_cb, NULL);
  gint64 started = g_get_monotonic_time ();
  gint64 delay;

  g_signal_connect (test, "notify::playing-back", G_CALLBACK (on_playing_back_cb), loop);
  g_assert_true (quartet_microphone_test_start (test, &error));
  g_assert_no_error (error);
  g_assert_true (quartet_microphone_test_get_running (test));
  g_assert_false (quartet_microphone_test_get_playing_back (test));
  g_main_loop_run (loop);
  delay = (g_get_monotonic_time () - started) / 1000;
  g_source_remove (timeout_id);

  /* What was said comes back after the delay, while the level is read live. */
  g_assert_true (quartet_microphone_test_get_playing_back (test));
  g_assert_cmpint (delay, >=, QUARTET_MICROPHONE_TEST_DELAY_MS - 50);
  g_assert_cmpint (delay, <, QUARTET_MICROPHONE_TEST_DELAY_MS + 2000);
  g_assert_cmpfloat_with_epsilon (quartet_microphone_test_get_level (test), -23.0, 1.0);

  quartet_microphone_test_stop (test);
  g_assert_false (quartet_microphone_test_get_running (test));
  g_assert_false (quartet_microphone_test_get_playing_back (test));
  g_assert_cmpfloat (quartet_microphone_test_get_level (test), ==, QUARTET_AUDIO_LEVEL_SILENT);
}

static void
test_microphone_none_is_an_error (void)
{
  g_autoptr (QuartetMicrophoneTest) test = quartet_microphone_test_new ("none", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (quartet_microphone_test_start (test, &error));
  g_assert_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE);
  g_assert_false (quartet_microphone_test_get_running (test));
}

/* Silence for the first half second of running time, then the tone. */
static GstPadProbeReturn
on_silence_first_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  if (GST_BUFFER_PTS (buffer) >= 500 * GST_MSECOND)
    return GST_PAD_PROBE_OK;
  buffer = gst_buffer_make_writable (buffer);
  if (gst_buffer_map (buffer, &map, GST_MAP_WRITE))
    {
      memset (map.data, 0, map.size);
      gst_buffer_unmap (buffer, &map);
    }
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  return GST_PAD_PROBE_OK;
}

static void
test_onset_heard_when_played (void)
{
  g_autoptr (GstElement) pipeline = gst_parse_launch (
      "audiotestsrc name=src is-live=true samplesperbuffer=480 volume=0.1 ! "
      "audio/x-raw,format=S16LE,rate=48000,channels=2 ! fakesink name=sink sync=true",
      NULL);
  g_autoptr (GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_autoptr (GstPad) pad = gst_element_get_static_pad (src, "src");
  QuartetSoundOnsets *onsets = _quartet_sound_onsets_new ();
  g_autoptr (GstClock) clock = NULL;
  g_autoptr (GArray) heard = NULL;
  gint64 started_us;

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_silence_first_cb, NULL, NULL);
  _quartet_sound_onsets_watch_sink (onsets, sink);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gst_element_get_state (pipeline, NULL, NULL, GST_CLOCK_TIME_NONE);
  /* Running time 0, in monotonic µs. */
  clock = gst_element_get_clock (pipeline);
  started_us = g_get_monotonic_time ()
               - (gint64)(gst_clock_get_time (clock) - gst_element_get_base_time (pipeline)) / 1000;
  g_usleep (G_USEC_PER_SEC);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  /* One onset: the tone's start, half a second into the run, played that
   * much later as the sink's latency (the source's buffer, the sink's
   * processing deadline) has it. */
  heard = _quartet_sound_onsets_take (onsets);
  g_assert_cmpuint (heard->len, ==, 1);
  g_assert_cmpint (llabs (g_array_index (heard, gint64, 0) - started_us - 500000
                          - (gint64)gst_base_sink_get_latency (GST_BASE_SINK (sink)) / 1000),
                   <, 15000);
  _quartet_sound_onsets_free (onsets);
}

static void
test_voice_options_checked (void)
{
  g_autoptr (QuartetMedia) media = quartet_media_new ("none", "file:/nonexistent/voice.wav");
  g_autoptr (GError) error = NULL;

  /* Turns: I of N, I below N, N up to 16. */
  g_assert_false (quartet_media_set_talk_turns (media, "2/2", &error));
  g_assert_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE);
  g_clear_error (&error);
  g_assert_false (quartet_media_set_talk_turns (media, "0/17", &error));
  g_clear_error (&error);
  g_assert_false (quartet_media_set_talk_turns (media, "/3", &error));
  g_clear_error (&error);
  g_assert_true (quartet_media_set_talk_turns (media, "0,2/3", &error));
  g_assert_no_error (error);

  /* A voice file that is not there fails the start, and says which. */
  g_assert_false (quartet_media_start (media, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/voice.wav"));
}

int
main (int argc, char *argv[])
{
  /* The playback's sink: no sound server here. */
  g_setenv ("QUARTET_AUDIO_SINK", "fake", TRUE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audio-meter/reads-dbfs", test_meter_reads_dbfs);
  g_test_add_func ("/audio-meter/holds-then-forgets", test_meter_holds_then_forgets);
  g_test_add_func ("/voice-activity/hysteresis", test_speech_starts_and_ends_with_hysteresis);
  g_test_add_func ("/voice-activity/level-steps", test_level_changes_in_steps);
  g_test_add_func ("/microphone-test/played-back-late", test_microphone_played_back_late);
  g_test_add_func ("/microphone-test/none-is-an-error", test_microphone_none_is_an_error);
  g_test_add_func ("/test-voice/options-checked", test_voice_options_checked);
  g_test_add_func ("/test-voice/onset-heard-when-played", test_onset_heard_when_played);

  return g_test_run ();
}
