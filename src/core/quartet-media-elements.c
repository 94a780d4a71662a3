/* quartet-media-elements.c: the GStreamer elements a call is made of, and whether they are
 * installed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media-private.h"

#include <string.h>

#include <gst/video/video.h>

#define KEYFRAME_INTERVAL (200 * GST_MSECOND) /* see _quartet_media_make_video_encoder() */

typedef struct
{
  const char *element;
  const char *package;
} Requirement;

/* What any call needs, whatever the local sources. */
static const Requirement call_requirements[] = {
  { "webrtcbin", "gstreamer1.0-plugins-bad" },
  { "dtlssrtpenc", "gstreamer1.0-plugins-bad" },
  { "srtpenc", "gstreamer1.0-plugins-bad" },
  { "nicesrc", "gstreamer1.0-nice" },
  { "rtpbin", "gstreamer1.0-plugins-good" },
  { "rtpvp8depay", "gstreamer1.0-plugins-good" },
  { "vp8dec", "gstreamer1.0-plugins-good" },
  { "rtpopusdepay", "gstreamer1.0-plugins-good" },
  { "opusdec", "gstreamer1.0-plugins-base" },
  { "videoconvert", "gstreamer1.0-plugins-base" },
  { "audioconvert", "gstreamer1.0-plugins-base" },
  { "audioresample", "gstreamer1.0-plugins-base" },
  { "audiomixer", "gstreamer1.0-plugins-base" },
  { "audiotestsrc", "gstreamer1.0-plugins-base" },
  { "appsink", "gstreamer1.0-plugins-base" },
  { "queue", "libgstreamer1.0-0" },
  { "tee", "libgstreamer1.0-0" },
  { "capsfilter", "libgstreamer1.0-0" },
  { "fakesink", "libgstreamer1.0-0" },
};

static const Requirement video_requirements[] = {
  { "vp8enc", "gstreamer1.0-plugins-good" },
  { "rtpvp8pay", "gstreamer1.0-plugins-good" },
  { "videobalance", "gstreamer1.0-plugins-good" },
  { "videoscale", "gstreamer1.0-plugins-base" },
};

static const Requirement camera_requirements[] = {
  { "videorate", "gstreamer1.0-plugins-base" },
};

static const Requirement audio_requirements[] = {
  { "opusenc", "gstreamer1.0-plugins-base" },
  { "rtpopuspay", "gstreamer1.0-plugins-good" },
  { "volume", "gstreamer1.0-plugins-base" },
};

static gboolean
check (const Requirement *requirements, gsize n, GError **error)
{
  for (gsize i = 0; i < n; i++)
    if (!_quartet_media_has_element (requirements[i].element))
      {
        g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_MISSING_PLUGIN,
                     "GStreamer element '%s' is missing (install %s)", requirements[i].element,
                     requirements[i].package);
        return FALSE;
      }

  return TRUE;
}

/* Everything a call with these local sources needs, checked up front so
 * that the error names the missing plugin and its Debian package. */
gboolean
_quartet_media_check_elements (gboolean video, gboolean camera, gboolean audio, GError **error)
{
  return check (call_requirements, G_N_ELEMENTS (call_requirements), error)
         && (!video || check (video_requirements, G_N_ELEMENTS (video_requirements), error))
         && (!camera || check (camera_requirements, G_N_ELEMENTS (camera_requirements), error))
         && (!audio || check (audio_requirements, G_N_ELEMENTS (audio_requirements), error));
}

gboolean
_quartet_media_has_element (const char *name)
{
  g_autoptr (GstElementFactory) factory = gst_element_factory_find (name);

  return factory != NULL;
}

/* A PulseAudio (or pipewire-pulse) server we can talk to: the tests and CI
 * run without one, where autoaudiosink would fail or fall back to ALSA. */
static gboolean
have_sound_server (void)
{
  g_autofree char *socket = NULL;

  if (g_getenv ("PULSE_SERVER") != NULL)
    return TRUE;

  socket = g_build_filename (g_get_user_runtime_dir (), "pulse", "native", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

/* pulsesrc or pulsesink on a PulseAudio device by name (PipeWire's
 * pipewire-pulse serves the same protocol, under its node names), NULL for
 * the server's default. Their "device" property moves a playing stream:
 * what lets a call change microphone or speaker live. */
GstElement *
_quartet_media_make_pulse_element (const char *factory, const char *device, GError **error)
{
  if (!check (&(Requirement){ factory, "gstreamer1.0-pulseaudio" }, 1, error))
    return NULL;

  return gst_element_factory_make_full (factory, "device", device, NULL);
}

/* (transfer full) (nullable): the first element made by @factory inside
 * @bin, at any depth (a pulsesink inside autoaudiosink too). */
GstElement *
_quartet_media_find_element (GstBin *bin, const char *factory)
{
  g_autoptr (GstIterator) iterator = gst_bin_iterate_all_by_element_factory_name (bin, factory);
  g_auto (GValue) item = G_VALUE_INIT;
  GstElement *found = NULL;

  if (gst_iterator_next (iterator, &item) == GST_ITERATOR_OK)
    found = g_value_dup_object (&item);
  return found;
}

/* QUARTET_AUDIO_SINK=fake, or no sound server: a fakesink that keeps time,
 * so the pipeline runs as it would with a sound card. QUARTET_AUDIO_SINK may
 * also name an element, such as pulsesink. A @speaker chosen by name is a
 * pulsesink on that device. */
GstElement *
_quartet_media_make_audio_sink (const char *speaker)
{
  const char *choice = g_getenv ("QUARTET_AUDIO_SINK");
  GstElement *sink = NULL;

  if (g_strcmp0 (choice, "fake") != 0 && speaker != NULL && have_sound_server ())
    sink = _quartet_media_make_pulse_element ("pulsesink", speaker, NULL);
  else if (g_strcmp0 (choice, "fake") != 0 && (choice != NULL || have_sound_server ()))
    sink = gst_element_factory_make (choice != NULL ? choice : "autoaudiosink", NULL);

  if (sink == NULL)
    sink = gst_element_factory_make_full ("fakesink", "sync", TRUE, NULL);

  return sink;
}

GstElement *
quartet_media_make_speaker (const char *speaker)
{
  return _quartet_media_make_audio_sink (speaker);
}

/* The first device of @device_class ("Video/Source", "Audio/Source") as an
 * element: pipewiresrc where the PipeWire provider is installed (it hides
 * the v4l2 and pulse providers for the same devices), else v4l2src or
 * pulsesrc. */
GstElement *
_quartet_media_make_device_source (const char *device_class, GError **error)
{
  g_autoptr (GstDeviceMonitor) monitor = gst_device_monitor_new ();
  GList *devices;
  GstElement *element = NULL;

  gst_device_monitor_add_filter (monitor, device_class, NULL);
  if (gst_device_monitor_start (monitor))
    {
      devices = gst_device_monitor_get_devices (monitor);
      for (GList *l = devices; l != NULL && element == NULL; l = l->next)
        element = gst_device_create_element (l->data, NULL);
      g_list_free_full (devices, gst_object_unref);
      gst_device_monitor_stop (monitor);
    }

  if (element == NULL)
    g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_NO_DEVICE,
                         g_str_equal (device_class, "Video/Source") ? "No camera was found"
                                                                    : "No microphone was found");
  return element;
}

/* @pattern: a videotestsrc pattern, by number ("4") or name ("red"), or
 * "busy": a zone plate in motion, detail everywhere that changes every
 * frame. Like a lively camera picture it takes all the rate it is given at
 * every size of the ladder (2.3 of 2.5 Mbit/s at 720p, 280 of 300 kbit/s
 * at 360p, at 30 fps), and its keyframes are a camera's too (1.3 KB at
 * 270p, 8 KB at 720p): what the congestion tests send. ("snow" is noise:
 * no rate is enough for it; a finer zone plate made 10 KB keyframes at
 * 270p, more than a slow link's queue takes at once.) */
GstElement *
_quartet_media_make_test_pattern (const char *pattern, GError **error)
{
  GstElement *source;
  GParamSpec *pspec;
  GEnumValue *value = NULL;

  if (!check (&(Requirement){ "videotestsrc", "gstreamer1.0-plugins-base" }, 1, error))
    return NULL;

  source = gst_element_factory_make_full ("videotestsrc", "is-live", TRUE, NULL);
  if (g_str_equal (pattern, "busy"))
    {
      g_object_set (source, "kx2", 4, "ky2", 4, "kt", 2, NULL);
      pattern = "zone-plate";
    }
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (source), "pattern");

  if (*pattern != '\0')
    {
      g_autoptr (GEnumClass) enum_class = g_type_class_ref (pspec->value_type);
      char *end;
      guint64 number = g_ascii_strtoull (pattern, &end, 10);

      value = *end == '\0' ? g_enum_get_value (enum_class, (int)MIN (number, G_MAXINT))
                           : g_enum_get_value_by_nick (enum_class, pattern);
    }

  if (value == NULL)
    {
      gst_object_unref (gst_object_ref_sink (source));
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "Unknown video test pattern '%s'", pattern);
      return NULL;
    }

  g_object_set (source, "pattern", value->value, NULL);
  return source;
}

GstElement *
_quartet_media_make_capsfilter (const char *caps_string)
{
  g_autoptr (GstCaps) caps = gst_caps_from_string (caps_string);

  return gst_element_factory_make_full ("capsfilter", "caps", caps, NULL);
}

/* Leaky: a slow consumer drops old data instead of stalling whoever pushes
 * into it (behind a tee, that is every other peer). */
GstElement *
_quartet_media_make_leaky_queue (guint max_buffers)
{
  GstElement *queue
      = gst_element_factory_make_full ("queue", "max-size-buffers", max_buffers, "max-size-bytes",
                                       0, "max-size-time", (guint64)0, NULL);

  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");
  return queue;
}

/* A peer's first keyframe asks for it with this field in its
 * force-key-unit event. */
#define PEER_START_FIELD "quartet-peer-start"

GstEvent *
_quartet_media_new_peer_start_keyframe_request (void)
{
  GstEvent *event = gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0);

  gst_structure_set (gst_event_writable_structure (event), PEER_START_FIELD, G_TYPE_BOOLEAN, TRUE,
                     NULL);
  return event;
}

static GstPadProbeReturn
on_encoder_keyframe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  if (GST_BUFFER_FLAG_IS_SET (GST_PAD_PROBE_INFO_BUFFER (info), GST_BUFFER_FLAG_DELTA_UNIT))
    return GST_PAD_PROBE_OK;
  g_object_set (GST_PAD_PARENT (pad), "min-force-key-unit-interval", KEYFRAME_INTERVAL, NULL);
  return GST_PAD_PROBE_REMOVE;
}

/* The encoder's throttle counts every keyframe, its own first too: a peer
 * whose connection came up within KEYFRAME_INTERVAL of the encoder's start
 * (every callee and caller does, ~100 ms after call()) or of another
 * keyframe waited for the rest of it, 130 ms of each call's first frame
 * (bench/RESULTS.md, "setup against the browser"). A peer's first keyframe
 * is the one request that is never a repeat, so it passes the throttle,
 * which is back at the next keyframe. */
static GstPadProbeReturn
on_encoder_keyframe_request_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  const GstStructure *structure = gst_event_get_structure (event);

  if (!gst_video_event_is_force_key_unit (event) || structure == NULL
      || !gst_structure_has_field (structure, PEER_START_FIELD))
    return GST_PAD_PROBE_OK;

  g_object_set (GST_PAD_PARENT (pad), "min-force-key-unit-interval", (guint64)0, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_encoder_keyframe_cb, NULL, NULL);
  return GST_PAD_PROBE_OK;
}

GstElement *
_quartet_media_make_video_encoder (void)
{
  GstElement *encoder = gst_element_factory_make ("vp8enc", NULL);
  g_autoptr (GstPad) src = NULL;

  if (encoder == NULL)
    return NULL;

  /* Realtime, no look-ahead, at libwebrtc's fixed speed for VP8 on a
   * desktop (-6; a negative cpu-used is a fixed speed). A positive one
   * has libvpx pick its speed to fill a share of each frame's time:
   * cpu-used 8 spent half of it, 11.5 ms on a busy 720p frame against
   * 6.5 at -6, for 0.1 to 0.8 dB more PSNR at the same rate
   * (bench/RESULTS.md, "Encoder speed").
   *
   * Keyframes only when asked for (a new peer, a PLI, a new size), as
   * libwebrtc does. A keyframe is 5 to 10 times a frame, and the one we
   * made every 2 s overflowed a slow link's queue every 2 s. Requests
   * within 200 ms give one keyframe (several peers', or a lossy link's
   * PLIs). 500 ms kept a keyframe storm off a lossy link while keyframes
   * were 10 KB, but delayed a new peer's first frame by as much, and with
   * the retransmission budget and camera-sized keyframes it is not needed.
   *
   * CBR with the rate buffer of GStreamer's webrtcsink and libwebrtc,
   * 150 ms: the rate holds over a few frames and a new target takes at
   * once. The defaults (seconds of buffer) sent 17 Mbit/s into a
   * 400 kbit/s link. No frame dropping: it thinned the first second of
   * every call (after the first keyframe) and helped no slow link once
   * keyframes were rare. */
  g_object_set (encoder, "deadline", (gint64)1, "cpu-used", -6, "lag-in-frames", 0,
                "keyframe-max-dist", G_MAXINT, "target-bitrate", QUARTET_MEDIA_VIDEO_BITRATE,
                "min-force-key-unit-interval", KEYFRAME_INTERVAL, "buffer-initial-size", 100,
                "buffer-optimal-size", 120, "buffer-size", 150, NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "end-usage", "cbr");
  gst_util_set_object_arg (G_OBJECT (encoder), "error-resilient", "default");
  src = gst_element_get_static_pad (encoder, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_encoder_keyframe_request_cb, NULL,
                     NULL);
  return encoder;
}

static gpointer
warm_up_cb (gpointer data)
{
  static const char *const elements[] = { "dtlsdec", "webrtcbin", "nicesrc", "srtpenc", "rtpbin" };

  for (gsize i = 0; i < G_N_ELEMENTS (elements); i++)
    {
      GstElement *element = gst_element_factory_make (elements[i], NULL);

      if (element != NULL)
        gst_object_unref (gst_object_ref_sink (element));
    }

  return NULL;
}

/* The first connection of a process loads the WebRTC plugins and has
 * dtlsdec generate the process's DTLS certificate, an RSA-2048 key: about
 * 0.4 s here, on the way to the first CONNECTED. A thread does it as soon
 * as the media starts, while the call is still being signaled. Returns the
 * thread the first time (to be joined), NULL afterwards. */
GThread *
_quartet_media_warm_up (void)
{
  static gsize started = 0;
  GThread *thread = NULL;

  if (g_once_init_enter (&started))
    {
      thread = g_thread_new ("quartet-warm-up", warm_up_cb, NULL);
      g_once_init_leave (&started, 1);
    }

  return thread;
}

/* (transfer full) (nullable): @sample converted (and scaled) to @format at
 * @width x @height, its info kept; NULL if it is not raw video. Frames are
 * converted when someone looks at them, not as they are decoded: a call
 * decodes 90 frames a second, a headless client looks at one a second, and
 * a window at most what it paints. */
GstSample *
_quartet_media_convert_sample (GstSample *sample, GstVideoFormat format, guint width, guint height)
{
  GstVideoConverter *converter;
  g_autoptr (GstCaps) caps = NULL;
  const GstStructure *info = gst_sample_get_info (sample);
  GstVideoInfo in_info, out_info;
  GstVideoFrame in_frame, out_frame;
  GstBuffer *out;
  GstSample *converted;

  if (!gst_video_info_from_caps (&in_info, gst_sample_get_caps (sample)))
    return NULL;

  gst_video_info_set_format (&out_info, format, width, height);
  out_info.fps_n = in_info.fps_n;
  out_info.fps_d = in_info.fps_d;
  out = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&out_info), NULL);

  if (!gst_video_frame_map (&in_frame, &in_info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      gst_buffer_unref (out);
      return NULL;
    }
  if (!gst_video_frame_map (&out_frame, &out_info, out, GST_MAP_WRITE))
    {
      gst_video_frame_unmap (&in_frame);
      gst_buffer_unref (out);
      return NULL;
    }

  converter = gst_video_converter_new (&in_info, &out_info, NULL);
  gst_video_converter_frame (converter, &in_frame, &out_frame);
  gst_video_converter_free (converter);
  gst_video_frame_unmap (&out_frame);
  gst_video_frame_unmap (&in_frame);

  caps = gst_video_info_to_caps (&out_info);
  converted = gst_sample_new (out, caps, NULL, info != NULL ? gst_structure_copy (info) : NULL);
  gst_buffer_unref (out);
  return converted;
}

/* Adds @chain to @pipeline and links it; @elements remembers them, so
 * that a failed start can take them out again. */
gboolean
_quartet_media_add_chain (
    GstBin *pipeline, GPtrArray *elements, GstElement **chain, gsize n, GError **error)
{
  for (gsize i = 0; i < n; i++)
    if (chain[i] == NULL)
      {
        for (gsize j = 0; j < n; j++)
          if (chain[j] != NULL)
            gst_object_unref (gst_object_ref_sink (chain[j]));
        g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_MISSING_PLUGIN,
                             "A GStreamer element is missing");
        return FALSE;
      }

  for (gsize i = 0; i < n; i++)
    {
      gst_bin_add (pipeline, chain[i]);
      g_ptr_array_add (elements, chain[i]);
    }
  for (gsize i = 0; i + 1 < n; i++)
    if (!gst_element_link (chain[i], chain[i + 1]))
      {
        g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_FAILED, "Cannot link %s to %s",
                     GST_ELEMENT_NAME (chain[i]), GST_ELEMENT_NAME (chain[i + 1]));
        return FALSE;
      }

  return TRUE;
}

/* @device by PulseAudio name; or with a sound server its default
 * microphone (the first device could be a monitor of the speakers), in an
 * element that can switch devices live; else the first device found. */
GstElement *
_quartet_media_make_microphone (const char *device, GError **error)
{
  if (device != NULL || (have_sound_server () && _quartet_media_has_element ("pulsesrc")))
    return _quartet_media_make_pulse_element ("pulsesrc", device, error);

  return _quartet_media_make_device_source ("Audio/Source", error);
}
