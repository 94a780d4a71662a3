/* quartet-media-voice.c: the test voices that stand in for a person at a microphone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For bots, tests and benchmarks that measure what a call sounds like:
 *
 *   tone:       audiotestsrc wave=sine, at 0.1 of full scale (-23 dBFS)
 *   file:PATH:  audiotestsrc wave=silence ! caps, every buffer filled from
 *               a WAV file (decoded once, as it starts), looped
 *
 * Either talks in turns (quartet_media_set_talk_turns()): silence outside
 * them, by the wall clock, so that processes started apart still take
 * turns. With a room (quartet_media_set_test_room()) what the speaker plays
 * comes back into this "microphone", as it does on a laptop:
 *
 *   played. ! queue ! audioconvert ! audioresample ! caps (F32) ! audioecho
 *     ! volume ! audioconvert ! caps ! [its pad delayed] ! mic.
 *   voice ! mic.  audiomixer name=mic ! (the capture chain)
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media-fields.h"

#include <gst/app/app.h>
#include <gst/base/base.h>
#include <math.h>
#include <string.h>

#define VOICE_CAPS "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=1"
#define TONE_VOLUME "0.1"
#define TURN_SECONDS 3
#define MAX_TURNS 16
/* The room: speaker to microphone loses 6 dB (a laptop's are close), and
 * its walls give a short reverberation. */
#define ROOM_GAIN 0.5
#define ROOM_ECHO_MS 23
#define ROOM_ECHO_INTENSITY 0.3
#define ROOM_ECHO_FEEDBACK 0.3

typedef struct
{
  gint16 *samples; /* the file's, 48 kHz mono; NULL for the tone */
  gsize n_samples;
  gsize position;
  guint talk_turns; /* a bit each; 0: always */
  guint turn_count;
} Voice;

static void
voice_free (Voice *voice)
{
  g_free (voice->samples);
  g_free (voice);
}

static gboolean
voice_talks_now (const Voice *voice)
{
  gint64 turn = g_get_real_time () / (TURN_SECONDS * G_USEC_PER_SEC);

  return voice->turn_count == 0 || (voice->talk_turns & (1u << (turn % voice->turn_count))) != 0;
}

static void
fill_from_file (Voice *voice, gint16 *out, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      out[i] = voice->samples[voice->position];
      voice->position = (voice->position + 1) % voice->n_samples;
    }
}

/* On the source's thread: every buffer, the file's next samples, or
 * silence outside the voice's turns (the file goes on meanwhile, as a
 * person's thoughts do). */
static GstPadProbeReturn
on_voice_buffer_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Voice *voice = user_data;
  gboolean talks = voice_talks_now (voice);
  GstBuffer *buffer;
  GstMapInfo map;

  if (talks && voice->samples == NULL)
    return GST_PAD_PROBE_OK;

  buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  if (gst_buffer_map (buffer, &map, GST_MAP_WRITE))
    {
      if (voice->samples != NULL)
        fill_from_file (voice, (gint16 *)map.data, map.size / sizeof (gint16));
      if (!talks)
        memset (map.data, 0, map.size);
      gst_buffer_unmap (buffer, &map);
    }
  /* audiotestsrc marks its silence as a gap, which a mixer skips. */
  if (talks)
    GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_GAP);
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  return GST_PAD_PROBE_OK;
}

/* The whole file, decoded and resampled to VOICE_CAPS. */
static gboolean
load_file (Voice *voice, const char *path, GError **error)
{
  g_autofree char *quoted = g_strescape (path, NULL);
  g_autofree char *description = g_strdup_printf (
      "filesrc location=\"%s\" ! decodebin ! audioconvert ! audioresample ! " VOICE_CAPS
      " ! appsink name=out sync=false",
      quoted);
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, error);
  g_autoptr (GstElement) out = NULL;
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  GstSample *sample;

  if (pipeline == NULL)
    return FALSE;

  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* A file that cannot be decoded posts an error, not an end of stream:
   * a pause this long ends the reading too. */
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (out), 5 * GST_SECOND)) != NULL)
    {
      GstMapInfo map;

      if (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ))
        {
          g_byte_array_append (bytes, map.data, map.size);
          gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
        }
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  if (bytes->len < sizeof (gint16))
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "No sound could be read from %s", path);
      return FALSE;
    }

  voice->n_samples = bytes->len / sizeof (gint16);
  voice->samples = (gint16 *)g_byte_array_free (g_steal_pointer (&bytes), FALSE);
  return TRUE;
}

/* (transfer floating) a test voice: a bin with one src pad of VOICE_CAPS. */
GstElement *
_quartet_media_make_test_voice (const char *file,
                                guint talk_turns,
                                guint turn_count,
                                GError **error)
{
  g_autofree Voice *voice = g_new0 (Voice, 1);
  GstElement *bin;
  g_autoptr (GstElement) caps = NULL;
  g_autoptr (GstPad) pad = NULL;

  voice->talk_turns = talk_turns;
  voice->turn_count = turn_count;
  if (file != NULL && !load_file (voice, file, error))
    return NULL;

  bin = gst_parse_bin_from_description (
      file != NULL ? "audiotestsrc is-live=true wave=silence samplesperbuffer=480 ! capsfilter "
                     "name=caps caps=" VOICE_CAPS
                   : "audiotestsrc is-live=true wave=sine samplesperbuffer=480 volume=" TONE_VOLUME
                     " ! capsfilter name=caps caps=" VOICE_CAPS,
      TRUE, error);
  if (bin == NULL)
    {
      g_free (voice->samples);
      return NULL;
    }

  caps = gst_bin_get_by_name (GST_BIN (bin), "caps");
  pad = gst_element_get_static_pad (caps, "src");
  if (voice->samples != NULL || voice->turn_count > 0)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_voice_buffer_cb, g_steal_pointer (&voice),
                       (GDestroyNotify)voice_free);
  return bin;
}

/* Feeds what @played carries (the speaker's sound) into @microphone (an
 * audiomixer), @delay_ms later, attenuated and reverberated. */
gboolean
_quartet_media_build_room (GstBin *pipeline,
                           GPtrArray *elements,
                           GstElement *played,
                           GstElement *microphone,
                           guint delay_ms,
                           GError **error)
{
  GstElement *chain[9];
  gsize n = 0;
  g_autoptr (GstPad) src = NULL;
  g_autoptr (GstPad) sink = NULL;

  /* A second of 10 ms buffers: they wait for their delay in the mixer. */
  chain[n++] = _quartet_media_make_leaky_queue (100);
  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  chain[n++] = gst_element_factory_make ("audioresample", NULL);
  /* audioecho works in floating point. */
  chain[n++] = _quartet_media_make_capsfilter ("audio/x-raw,format=F32LE,rate=48000,channels=1");
  chain[n++] = gst_element_factory_make_full (
      "audioecho", "delay", (guint64)ROOM_ECHO_MS * GST_MSECOND, "intensity", ROOM_ECHO_INTENSITY,
      "feedback", ROOM_ECHO_FEEDBACK, NULL);
  chain[n++] = gst_element_factory_make_full ("volume", "volume", ROOM_GAIN, NULL);
  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  chain[n++] = _quartet_media_make_capsfilter (VOICE_CAPS);
  if (!_quartet_media_add_chain (pipeline, elements, chain, n, error)
      || !gst_element_link (played, chain[0]))
    return FALSE;

  src = gst_element_get_static_pad (chain[n - 1], "src");
  sink = gst_element_request_pad_simple (microphone, "sink_%u");
  gst_pad_set_offset (sink, (gint64)delay_ms * GST_MSECOND);
  if (gst_pad_link (src, sink) != GST_PAD_LINK_OK)
    {
      g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_FAILED,
                           "Cannot link the room to the microphone");
      return FALSE;
    }
  return TRUE;
}

/* The ear: when sound starts at the speaker after a silence, the monotonic
 * time at which the sink plays it. With the turn boundaries a voice starts
 * at (by the wall clock), that times mouth to ear (bench/latency.py). */
#define ONSET_SILENCE_DB -60.0
#define ONSET_SOUND_DB -40.0
#define ONSET_SILENCE_NS (300 * GST_MSECOND)

struct _QuartetSoundOnsets
{
  GMutex lock;
  GArray *heard; /* gint64 monotonic µs, not yet taken */
  /* The sink's streaming thread's only: */
  GstClockTime silent_since; /* running time, NONE while there is sound */
};

QuartetSoundOnsets *
_quartet_sound_onsets_new (void)
{
  QuartetSoundOnsets *self = g_new0 (QuartetSoundOnsets, 1);

  g_mutex_init (&self->lock);
  self->heard = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->silent_since = GST_CLOCK_TIME_NONE;
  return self;
}

void
_quartet_sound_onsets_free (QuartetSoundOnsets *self)
{
  g_array_unref (self->heard);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static double
buffer_db (GstBuffer *buffer)
{
  GstMapInfo map;
  double sum = 0;
  gsize n;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return QUARTET_AUDIO_LEVEL_SILENT;
  n = map.size / sizeof (gint16);
  for (gsize i = 0; i < n; i++)
    sum += (double)((gint16 *)map.data)[i] * ((gint16 *)map.data)[i];
  gst_buffer_unmap (buffer, &map);

  if (n == 0 || sum <= 0)
    return QUARTET_AUDIO_LEVEL_SILENT;
  return 10 * log10 (sum / n / (32768.0 * 32768.0));
}

/* When the sink plays the buffer of running time @running: base time,
 * running time and the sink's latency, on the pipeline's clock, told in
 * g_get_monotonic_time()'s terms whatever that clock is. */
static gint64
render_time_us (GstElement *sink, GstClockTime running)
{
  g_autoptr (GstClock) clock = gst_element_get_clock (sink);
  GstClockTime render;

  if (clock == NULL)
    return 0;
  render = gst_element_get_base_time (sink) + running
           + gst_base_sink_get_latency (GST_BASE_SINK (sink));
  return g_get_monotonic_time ()
         + GST_CLOCK_DIFF (gst_clock_get_time (clock), render) / GST_USECOND;
}

static GstPadProbeReturn
on_played_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  QuartetSoundOnsets *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  g_autoptr (GstEvent) event = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  g_autoptr (GstElement) sink = gst_pad_get_parent_element (pad);
  const GstSegment *segment;
  GstClockTime running;
  double level;

  if (event == NULL || sink == NULL || !GST_BUFFER_PTS_IS_VALID (buffer))
    return GST_PAD_PROBE_OK;
  gst_event_parse_segment (event, &segment);
  running = gst_segment_to_running_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
  level = buffer_db (buffer);

  if (level < ONSET_SILENCE_DB)
    {
      if (!GST_CLOCK_TIME_IS_VALID (self->silent_since))
        self->silent_since = running;
    }
  else if (level >= ONSET_SOUND_DB)
    {
      if (GST_CLOCK_TIME_IS_VALID (self->silent_since)
          && running >= self->silent_since + ONSET_SILENCE_NS)
        {
          gint64 heard = render_time_us (sink, running);

          g_mutex_lock (&self->lock);
          g_array_append_val (self->heard, heard);
          g_mutex_unlock (&self->lock);
        }
      self->silent_since = GST_CLOCK_TIME_NONE;
    }
  return GST_PAD_PROBE_OK;
}

/* @sink takes S16 audio (QUARTET_MEDIA_PLAYBACK_CAPS, converted to nothing
 * else on the way): the playback's. */
void
_quartet_sound_onsets_watch_sink (QuartetSoundOnsets *self, GstElement *sink)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (sink, "sink");

  if (GST_IS_BASE_SINK (sink) && pad != NULL)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_played_cb, self, NULL);
}

void
quartet_media_set_onset_timing (QuartetMedia *self, gboolean enabled)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));
  g_return_if_fail (!self->built);

  if (enabled && self->onsets == NULL)
    self->onsets = _quartet_sound_onsets_new ();
  else if (!enabled)
    g_clear_pointer (&self->onsets, _quartet_sound_onsets_free);
}

void
quartet_media_set_recording (QuartetMedia *self, const char *path)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));
  g_return_if_fail (!self->built);

  g_free (self->recording);
  self->recording = g_strdup (path);
}

/* wavenc writes the lengths in its header at the end of the stream, and a
 * call's media is stopped, never ended: so it is ended here first. The
 * mixer's next buffer then meets the end and stops it. */
void
_quartet_media_finish_recording (QuartetMedia *self)
{
  g_autoptr (GstPad) pad = NULL;

  if (self->recorder == NULL)
    return;
  pad = gst_element_get_static_pad (self->recorder, "sink");
  gst_pad_send_event (pad, gst_event_new_eos ());
  self->recorder = NULL;
}

GArray *
_quartet_sound_onsets_take (QuartetSoundOnsets *self)
{
  GArray *heard = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_mutex_lock (&self->lock);
  g_array_append_vals (heard, self->heard->data, self->heard->len);
  g_array_set_size (self->heard, 0);
  g_mutex_unlock (&self->lock);
  return heard;
}

GArray *
quartet_media_take_heard_onsets (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), NULL);

  return self->onsets != NULL ? _quartet_sound_onsets_take (self->onsets)
                              : g_array_new (FALSE, FALSE, sizeof (gint64));
}

static gboolean
parse_turns (const char *spec, guint *turns, guint *count)
{
  g_auto (GStrv) parts = g_strsplit (spec, "/", 2);
  g_auto (GStrv) talking = NULL;
  guint64 n, turn;

  if (g_strv_length (parts) != 2
      || !g_ascii_string_to_unsigned (parts[1], 10, 1, MAX_TURNS, &n, NULL))
    return FALSE;

  *turns = 0;
  *count = n;
  talking = g_strsplit (parts[0], ",", -1);
  for (char **t = talking; *t != NULL; t++)
    {
      if (!g_ascii_string_to_unsigned (*t, 10, 0, n - 1, &turn, NULL))
        return FALSE;
      *turns |= 1u << turn;
    }
  return *turns != 0;
}

gboolean
quartet_media_set_talk_turns (QuartetMedia *self, const char *turns, GError **error)
{
  guint talk_turns = 0, turn_count = 0;

  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);
  g_return_val_if_fail (!self->built, FALSE);

  if (turns != NULL && !parse_turns (turns, &talk_turns, &turn_count))
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "Unknown turns '%s' (use I[,J…]/N: turns from 0 to N - 1, N up to %d)", turns,
                   MAX_TURNS);
      return FALSE;
    }

  self->talk_turns = talk_turns;
  self->turn_count = turn_count;
  return TRUE;
}

void
quartet_media_set_test_room (QuartetMedia *self, guint delay_ms)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));
  g_return_if_fail (!self->built);

  self->room_delay_ms = delay_ms;
}
