/* quartet-media.c: local capture, encoded once and fanned out to every peer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One GstPipeline holds everything of a call: the capture branches built
 * here, and one bin per QuartetPeer (its webrtcbin and branches) added by
 * the peer. Video is encoded once for all peers, or twice when one peer
 * cannot take what the others can:
 *
 *   [source] ! videobalance ! tee ! videoconvert ! tee ! queue ! videoscale ! videorate
 *                              |                     |     ! capsfilter ! vp8enc ! tee (main)
 *                              |                      `-> queue ! videoscale ! videorate
 *                              |                            ! capsfilter ! vp8enc ! tee (low)
 *                              `-> appsink (self view, scaled and converted when looked at)
 *
 * Each capsfilter holds its ladder's size and frame rate, and each vp8enc
 * the rate the slowest of its peers can take (quartet-media-rate.c); the
 * low encoding drops every frame while no peer needs it.
 *
 * Each peer takes one of the encodings through its feed (an input-selector
 * in its bin, quartet-media-feed.c) and hangs `queue ! rtpvp8pay` after it,
 * so the payload type and RTP sequence numbers stay per peer while the
 * encoders are shared. Tees and the selector forward upstream events, so a
 * force-key-unit that a peer's RTP session raises for a PLI/FIR reaches
 * the encoder the peer gets. With encode-per-peer (the benchmark baseline)
 * one tee carries raw video and each peer runs its own vp8enc.
 *
 * Audio is encoded once too, and what the peers send is mixed into one
 * playback path (quartet-media-audio.c).
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media.h"
#include "quartet-media-fields.h"

#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <gst/app/app.h>
#include <gst/video/video.h>

G_DEFINE_FINAL_TYPE (QuartetMedia, quartet_media, G_TYPE_OBJECT)
G_DEFINE_QUARK (quartet-media-error-quark, quartet_media_error)

enum
{
  PROP_0,
  PROP_SHARING_SCREEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_quartet_media_notify_sharing_screen (QuartetMedia *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING_SCREEN]);
}

enum
{
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Each media has its own echo probe, found by webrtcdsp by name. */
static guint probe_serial;

static GstPadProbeReturn
on_encoder_upstream_event_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  QuartetMedia *self = user_data;

  if (gst_video_event_is_force_key_unit (GST_PAD_PROBE_INFO_EVENT (info)))
    g_atomic_int_inc (&self->keyframe_requests);

  return GST_PAD_PROBE_OK;
}

static gboolean
add_chain (QuartetMedia *self, GstElement **chain, gsize n, GError **error)
{
  return _quartet_media_add_chain (GST_BIN (self->pipeline), self->capture, chain, n, error);
}

static void
unbuild (QuartetMedia *self)
{
  _quartet_media_finish_recording (self);
  gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_NULL);
  for (guint i = 0; i < self->capture->len; i++)
    gst_bin_remove (GST_BIN (self->pipeline), g_ptr_array_index (self->capture, i));
  g_ptr_array_set_size (self->capture, 0);
  self->video_source = self->audio_tee = self->playback_mixer = self->recorder = NULL;
  self->video_balance = self->audio_volume = self->audio_encoder = NULL;
  memset (self->video_tees, 0, sizeof self->video_tees);
  memset (self->video_encoders, 0, sizeof self->video_encoders);
  memset (self->video_scaler_caps, 0, sizeof self->video_scaler_caps);
  self->n_video_tees = 0;
  g_clear_pointer (&self->rate, _quartet_media_rate_free);
}

static void
apply_video_mute (QuartetMedia *self)
{
  if (self->video_balance != NULL)
    g_object_set (self->video_balance, "saturation", self->video_muted ? 0.0 : 1.0, "contrast",
                  self->video_muted ? 0.0 : 1.0, "brightness", self->video_muted ? -1.0 : 0.0,
                  NULL);
}

static GstFlowReturn
on_preview_sample_cb (GstAppSink *sink, gpointer user_data)
{
  QuartetMedia *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);

  _quartet_frame_cache_put (self->preview, sample);
  return GST_FLOW_OK;
}

/* What the self tile shows: what the peers get (black when muted). The sink
 * only keeps a reference to the last frame, on the capture's thread;
 * quartet_media_get_local_frame() scales and converts what it shows. */
static gboolean
build_preview (QuartetMedia *self, GstElement *preview_tee, GError **error)
{
  GstAppSinkCallbacks callbacks = { .new_sample = on_preview_sample_cb };
  GstElement *chain[1];
  gsize n = 0;

  chain[n++] = gst_element_factory_make_full ("appsink", "sync", FALSE, "async", FALSE,
                                              "max-buffers", 1, "drop", TRUE,
                                              "enable-last-sample", FALSE, NULL);
  if (chain[n - 1] != NULL)
    gst_app_sink_set_callbacks (GST_APP_SINK (chain[n - 1]), &callbacks, self, NULL);

  if (!add_chain (self, chain, n, error))
    return FALSE;
  return gst_element_link (preview_tee, chain[0]);
}

typedef struct
{
  QuartetMedia *media;
  guint index;
} EncodingInput;

/* On encoding @index's thread, as video enters its scaler: the source's
 * size whenever it is negotiated (a swapped camera may bring another; the
 * ladder never scales up), and before each frame the ladder's latest rung,
 * or no frame at all while nobody needs this encoding. */
static GstPadProbeReturn
on_scaler_input_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EncodingInput *input = user_data;
  QuartetMedia *self = input->media;
  GstEvent *event;
  GstCaps *caps;
  int height;

  if (self->rate == NULL)
    return GST_PAD_PROBE_OK;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    return _quartet_media_rate_apply_pending (self->rate, input->index) ? GST_PAD_PROBE_OK
                                                                        : GST_PAD_PROBE_DROP;

  event = GST_PAD_PROBE_INFO_EVENT (info);
  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;

  gst_event_parse_caps (event, &caps);
  if (gst_structure_get_int (gst_caps_get_structure (caps, 0), "height", &height) && height > 0)
    _quartet_media_rate_set_source_height (self->rate, (guint)height);
  return GST_PAD_PROBE_OK;
}

/* raw tee ! queue ! videoscale ! videorate ! capsfilter ! vp8enc ! tee */
static gboolean
build_encoding (QuartetMedia *self, GstElement *raw_tee, guint index, GError **error)
{
  GstElement *encoder = _quartet_media_make_video_encoder ();
  GstElement *scaler = gst_element_factory_make ("videoscale", NULL);
  EncodingInput *input = g_new0 (EncodingInput, 1);
  GstElement *chain[6];
  gsize n = 0;

  /* Scaled on the encoder's thread, after the queue. */
  chain[n++] = _quartet_media_make_leaky_queue (3);
  chain[n++] = scaler;
  /* Only ever drops frames (to 15 fps at the bottom of the ladder). */
  chain[n++] = gst_element_factory_make_full ("videorate", "drop-only", TRUE, NULL);
  chain[n++] = self->video_scaler_caps[index] = gst_element_factory_make ("capsfilter", NULL);
  chain[n++] = self->video_encoders[index] = encoder;
  chain[n++] = self->video_tees[index]
      = gst_element_factory_make_full ("tee", "allow-not-linked", TRUE, NULL);

  input->media = self;
  input->index = index;
  if (encoder != NULL && scaler != NULL)
    {
      g_autoptr (GstPad) encoder_src = gst_element_get_static_pad (encoder, "src");
      g_autoptr (GstPad) scaler_sink = gst_element_get_static_pad (scaler, "sink");

      gst_pad_add_probe (encoder_src, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
                         on_encoder_upstream_event_cb, self, NULL);
      gst_pad_add_probe (scaler_sink,
                         GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_BUFFER,
                         on_scaler_input_cb, g_steal_pointer (&input), g_free);
    }
  g_free (input);

  if (!add_chain (self, chain, n, error))
    return FALSE;
  self->n_video_tees = index + 1;
  return gst_element_link (raw_tee, chain[0]);
}

static gboolean
build_video (QuartetMedia *self, GError **error)
{
  GstElement *source = _quartet_media_make_current_video_source (self, error);
  GstElement *chain[5];
  GstElement *preview_tee, *raw_tee;
  gsize n = 0;

  if (source == NULL)
    return FALSE;

  chain[n++] = self->video_source = source;
  /* Mute turns this to black (contrast 0, brightness -1): the stream and its
   * negotiation stay, and black costs almost no bits. At its defaults it is
   * passthrough. */
  chain[n++] = self->video_balance = gst_element_factory_make ("videobalance", NULL);
  chain[n++] = preview_tee = gst_element_factory_make ("tee", NULL);
  chain[n++] = gst_element_factory_make ("videoconvert", NULL);
  chain[n++] = raw_tee = gst_element_factory_make_full ("tee", "allow-not-linked", TRUE, NULL);

  if (!add_chain (self, chain, n, error) || !build_preview (self, preview_tee, error))
    return FALSE;

  if (self->encode_per_peer)
    {
      self->video_tees[0] = raw_tee;
      self->n_video_tees = 1;
    }
  else
    for (guint i = 0; i < QUARTET_MEDIA_MAX_ENCODINGS; i++)
      if (!build_encoding (self, raw_tee, i, error))
        return FALSE;

  apply_video_mute (self);
  return TRUE;
}

static gboolean
build (QuartetMedia *self, GError **error)
{
  g_autofree char *probe_name = NULL;
  GstElement *played = NULL; /* for the test voice's room */
  gboolean room
      = self->room_delay_ms > 0 && self->audio_kind != AUDIO_NONE && self->audio_kind != AUDIO_MIC;

  if (!_quartet_media_check_elements (self->video_kind != VIDEO_NONE,
                                      self->video_kind == VIDEO_CAMERA,
                                      self->audio_kind != AUDIO_NONE, error))
    return FALSE;

  if (self->audio_kind != AUDIO_NONE && self->voice_processing
      && _quartet_media_can_process_voice ())
    probe_name = g_strdup_printf ("quartet-echo-probe-%u", g_atomic_int_add (&probe_serial, 1));

  /* The probe must exist before webrtcdsp looks for it. */
  self->playback_mixer = _quartet_media_build_playback (
      GST_BIN (self->pipeline), self->capture, self->speaker_device, self->recording, probe_name,
      room ? &played : NULL, &self->recorder, self->onsets, error);
  if (self->playback_mixer == NULL)
    return FALSE;
  if (self->video_kind != VIDEO_NONE && !build_video (self, error))
    return FALSE;
  if (self->audio_kind != AUDIO_NONE)
    {
      QuartetMediaAudioCapture audio
          = { .meter = self->input_meter,
              .voice_file = self->audio_kind == AUDIO_FILE ? self->audio + strlen ("file:") : NULL,
              .talk_turns = self->talk_turns,
              .turn_count = self->turn_count,
              .room = played,
              .room_delay_ms = self->room_delay_ms };
      gboolean built = _quartet_media_build_audio (
          GST_BIN (self->pipeline), self->capture, self->audio_kind == AUDIO_MIC,
          self->microphone_device, self->audio_muted, probe_name, &audio, error);

      self->audio_volume = audio.volume;
      self->audio_encoder = audio.encoder;
      self->audio_tee = audio.tee;
      if (!built)
        return FALSE;
    }

  if (self->video_encoders[0] != NULL)
    self->rate = _quartet_media_rate_new (
        self->video_scaler_caps, self->video_encoders, self->n_video_tees, self->audio_encoder,
        self->audio_encoder != NULL ? QUARTET_MEDIA_OPUS_BITRATE : 0);
  if (self->rate != NULL && self->max_video_height > 0)
    _quartet_media_rate_set_max_height (self->rate, self->max_video_height);
  _quartet_media_apply_video_content (self);

  self->built = TRUE;
  return TRUE;
}

gboolean
_quartet_media_parse_video (QuartetMedia *self, GError **error)
{
  if (g_str_equal (self->video, "none"))
    self->video_kind = VIDEO_NONE;
  else if (g_str_equal (self->video, "camera") || g_str_has_prefix (self->video, "camera:"))
    self->video_kind = VIDEO_CAMERA;
  else if (g_str_has_prefix (self->video, "pattern:") || g_str_has_prefix (self->video, "file:"))
    self->video_kind = VIDEO_PATTERN;
  else
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   QUARTET_MEDIA_UNKNOWN_VIDEO_SOURCE, self->video);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_audio (QuartetMedia *self, GError **error)
{
  if (g_str_equal (self->audio, "none"))
    self->audio_kind = AUDIO_NONE;
  else if (g_str_equal (self->audio, "tone"))
    self->audio_kind = AUDIO_TONE;
  else if (g_str_has_prefix (self->audio, "file:") && self->audio[5] != '\0')
    self->audio_kind = AUDIO_FILE;
  else if (g_str_equal (self->audio, "mic"))
    self->audio_kind = AUDIO_MIC;
  else if (g_str_has_prefix (self->audio, "mic:") && self->audio[4] != '\0')
    {
      self->audio_kind = AUDIO_MIC;
      g_free (self->microphone_device);
      self->microphone_device = g_strdup (self->audio + 4);
    }
  else
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "Unknown audio source '%s' (use tone, file:PATH, mic, mic:NAME or none)",
                   self->audio);
      return FALSE;
    }

  return TRUE;
}

/* Is @object inside a peer's bin? Those errors are the peer's to handle. */
static gboolean
is_peer_object (QuartetMedia *self, GstObject *object)
{
  g_autoptr (GstObject) parent = object ? gst_object_ref (object) : NULL;

  while (parent != NULL && parent != GST_OBJECT (self->pipeline))
    {
      GstObject *next;

      if (g_object_get_data (G_OBJECT (parent), "quartet-peer") != NULL)
        return TRUE;
      next = gst_object_get_parent (parent);
      gst_object_unref (parent);
      parent = next;
    }

  return FALSE;
}

static gboolean
on_bus_message_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  QuartetMedia *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        if (_quartet_media_is_shared_screen (self, GST_MESSAGE_SRC (message)))
          {
            /* The user stopped it from the desktop, or its window closed. */
            g_info ("The shared screen stopped: %s (%s)", error->message, debug);
            quartet_media_stop_sharing_screen (self);
            break;
          }
        if (is_peer_object (self, GST_MESSAGE_SRC (message)))
          g_info ("%s: %s (%s)", GST_MESSAGE_SRC_NAME (message), error->message, debug);
        else if (gst_object_has_as_ancestor (GST_MESSAGE_SRC (message),
                                             GST_OBJECT (self->pipeline)))
          g_warning ("%s: %s (%s)", GST_MESSAGE_SRC_NAME (message), error->message, debug);
        g_signal_emit (self, signals[SIGNAL_ERROR], 0, GST_MESSAGE_SRC (message), error);
        break;
      }

    case GST_MESSAGE_WARNING:
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_warning (message, &error, &debug);
        g_debug ("%s: %s (%s)", GST_MESSAGE_SRC_NAME (message), error->message, debug);
        break;
      }

    case GST_MESSAGE_LATENCY:
      /* Peers add jitter buffers and decoders while we play. */
      gst_bin_recalculate_latency (GST_BIN (self->pipeline));
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* A call's streaming threads each had a malloc arena, and what they freed
 * stays there (below the mmap threshold, see quartet_media_tune_allocator())
 * in pieces glibc keeps for the next allocation of that thread, which is
 * gone. Once the pipeline is, hand the free pages of every arena back, so
 * that a process that places call after call does not grow by them. */
static void
give_back_free_memory (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}

static void
quartet_media_dispose (GObject *object)
{
  QuartetMedia *self = QUARTET_MEDIA (object);

  /* No thread of ours outlives the media that started it. */
  g_clear_pointer (&self->warm_up, g_thread_join);

  if (self->bus_source != NULL)
    g_source_destroy (self->bus_source);
  g_clear_pointer (&self->bus_source, g_source_unref);

  if (self->pipeline != NULL)
    {
      _quartet_media_finish_recording (self);
      gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_NULL);
      g_clear_object (&self->pipeline);
      give_back_free_memory ();
    }

  G_OBJECT_CLASS (quartet_media_parent_class)->dispose (object);
}

static void
quartet_media_finalize (GObject *object)
{
  QuartetMedia *self = QUARTET_MEDIA (object);

  g_clear_pointer (&self->rate, _quartet_media_rate_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->capture, g_ptr_array_unref);
  g_clear_pointer (&self->preview, _quartet_frame_cache_free);
  g_clear_pointer (&self->input_meter, _quartet_audio_meter_free);
  g_clear_pointer (&self->onsets, _quartet_sound_onsets_free);
  g_free (self->video);
  g_free (self->audio);
  g_free (self->microphone_device);
  g_free (self->speaker_device);
  g_free (self->recording);
  if (self->screen_fd >= 0)
    close (self->screen_fd);
  g_clear_object (&self->camera_portal);

  G_OBJECT_CLASS (quartet_media_parent_class)->finalize (object);
}

static void
quartet_media_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetMedia *self = QUARTET_MEDIA (object);

  switch (prop_id)
    {
    case PROP_SHARING_SCREEN:
      g_value_set_boolean (value, quartet_media_is_sharing_screen (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_media_class_init (QuartetMediaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = quartet_media_dispose;
  object_class->finalize = quartet_media_finalize;
  object_class->get_property = quartet_media_get_property;

  /* Whether a screen is sent in place of the camera. */
  properties[PROP_SHARING_SCREEN]
      = g_param_spec_boolean ("sharing-screen", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QuartetMedia::error:
   * @source: the GstObject that failed, in the capture or in a peer's bin
   * @error: what went wrong
   *
   * An element of the pipeline posted an error. Peers watch this for their
   * own elements; errors of the capture (a camera unplugged) are for the
   * call to report.
   */
  signals[SIGNAL_ERROR]
      = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, GST_TYPE_OBJECT, G_TYPE_ERROR);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
}

static void
quartet_media_init (QuartetMedia *self)
{
  g_autoptr (GstBus) bus = NULL;

  self->voice_processing = TRUE;
  self->echo_cancellation = TRUE;
  self->screen_fd = -1;
  self->preview = _quartet_frame_cache_new ();
  self->input_meter = _quartet_audio_meter_new ();
  self->capture = g_ptr_array_new ();
  self->context = g_main_context_ref_thread_default ();
  self->pipeline = GST_PIPELINE (gst_object_ref_sink (gst_pipeline_new (NULL)));

  bus = gst_pipeline_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, G_SOURCE_FUNC (on_bus_message_cb), self, NULL);
  g_source_attach (self->bus_source, self->context);
}

QuartetMedia *
quartet_media_new (const char *video, const char *audio)
{
  QuartetMedia *self = g_object_new (QUARTET_TYPE_MEDIA, NULL);

  self->video = g_strdup (video != NULL ? video : "none");
  self->audio = g_strdup (audio != NULL ? audio : "none");
  /* An unknown description reads as "none" until start() reports it. */
  _quartet_media_parse_video (self, NULL);
  parse_audio (self, NULL);
  return self;
}

/* Before start(): the pipeline is built then. */
void
quartet_media_set_encode_per_peer (QuartetMedia *self, gboolean per_peer)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));
  g_return_if_fail (!self->built);

  self->encode_per_peer = !!per_peer;
}

void
quartet_media_set_max_video_height (QuartetMedia *self, guint height)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));

  self->max_video_height = height;
  if (self->rate != NULL)
    _quartet_media_rate_set_max_height (self->rate, height);
}

guint
quartet_media_get_max_video_height (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), 0);
  return self->max_video_height;
}

void
quartet_media_set_echo_cancellation (QuartetMedia *self, gboolean enabled)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));
  self->echo_cancellation = !!enabled;
}

/* webrtcdsp reads its settings as it starts (its setup, on the caps of a
 * pipeline going from READY to PAUSED): each start applies the choice. */
static void
apply_echo_cancellation (QuartetMedia *self)
{
  g_autoptr (GstElement) dsp = _quartet_media_find_element (GST_BIN (self->pipeline), "webrtcdsp");

  if (dsp != NULL)
    g_object_set (dsp, "echo-cancel", self->echo_cancellation, NULL);
}

/* Before start(): webrtcdsp reads its settings when it starts. */
void
quartet_media_set_voice_processing (QuartetMedia *self, gboolean enabled)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));
  g_return_if_fail (!self->built);

  self->voice_processing = !!enabled;
}

gboolean
quartet_media_start (QuartetMedia *self, GError **error)
{
  GstStateChangeReturn ret;

  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->built
      && (!_quartet_media_parse_video (self, error) || !parse_audio (self, error)
          || !build (self, error)))
    {
      /* Leave nothing half-built behind for a retry. */
      unbuild (self);
      return FALSE;
    }

  if (self->warm_up == NULL)
    self->warm_up = _quartet_media_warm_up ();
  apply_echo_cancellation (self);

  ret = gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_PLAYING);
  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr (GstBus) bus = gst_pipeline_get_bus (self->pipeline);
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr (GError) cause = NULL;

      if (message != NULL)
        gst_message_parse_error (message, &cause, NULL);
      gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_NULL);
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_FAILED,
                   "The media pipeline refused to start: %s",
                   cause != NULL ? cause->message : "unknown error");
      return FALSE;
    }

  return TRUE;
}

void
quartet_media_stop (QuartetMedia *self)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));

  _quartet_media_finish_recording (self);
  gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_NULL);
}

/* (transfer none) */
GstPipeline *
quartet_media_get_pipeline (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), NULL);

  return self->pipeline;
}

gboolean
quartet_media_has_video (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);

  return self->video_kind != VIDEO_NONE;
}

gboolean
quartet_media_has_audio (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);

  return self->audio_kind != AUDIO_NONE;
}

void
quartet_media_set_audio_muted (QuartetMedia *self, gboolean muted)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));

  self->audio_muted = !!muted;
  if (self->audio_volume != NULL)
    g_object_set (self->audio_volume, "mute", self->audio_muted, NULL);
}

void
quartet_media_set_video_muted (QuartetMedia *self, gboolean muted)
{
  g_return_if_fail (QUARTET_IS_MEDIA (self));

  self->video_muted = !!muted;
  apply_video_mute (self);
}

gboolean
quartet_media_get_audio_muted (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);

  return self->audio_muted;
}

gboolean
quartet_media_get_video_muted (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);

  return self->video_muted;
}

GstSample *
quartet_media_get_local_frame (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), NULL);

  /* A small picture is enough for the self tile; its height keeps the
   * source's aspect. */
  return _quartet_frame_cache_get_rgb (self->preview, 320, 0);
}

double
quartet_media_get_input_level (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), QUARTET_AUDIO_LEVEL_SILENT);

  return _quartet_audio_meter_get_level (self->input_meter);
}

static GstPad *
request_pad (GstElement *element)
{
  if (element == NULL)
    return NULL;

  return gst_element_request_pad_simple (element, "src_%u");
}

QuartetMediaFeed *
_quartet_media_request_video_feed (QuartetMedia *self, gconstpointer key, GstBin *bin)
{
  QuartetMediaFeed *feed;

  if (self->n_video_tees == 0)
    return NULL;

  feed = _quartet_media_feed_new (bin, self->video_tees, self->n_video_tees);
  if (self->rate != NULL)
    _quartet_media_rate_add_feed (self->rate, key, feed);
  return feed;
}

void
_quartet_media_release_video_feed (QuartetMedia *self, gconstpointer key, QuartetMediaFeed *feed)
{
  if (self->rate != NULL)
    _quartet_media_rate_remove_feed (self->rate, key);
  _quartet_media_feed_disconnect (feed);
  _quartet_media_feed_unref (feed);
}

void
_quartet_media_set_video_cap (QuartetMedia *self, gconstpointer key, guint video_bps)
{
  if (self->rate != NULL)
    _quartet_media_rate_set_cap (self->rate, key, video_bps);
}

guint
_quartet_media_get_video_feed_height (QuartetMedia *self, QuartetMediaFeed *feed)
{
  guint height, fps, bps;

  if (self->rate == NULL
      || !_quartet_media_rate_get_sending (self->rate, _quartet_media_feed_get_current (feed),
                                           &height, &fps, &bps))
    return 0;
  return height;
}

GstPad *
_quartet_media_request_audio_pad (QuartetMedia *self)
{
  return request_pad (self->audio_tee);
}

GstPad *
_quartet_media_request_playback_pad (QuartetMedia *self)
{
  if (self->playback_mixer == NULL)
    return NULL;

  return gst_element_request_pad_simple (self->playback_mixer, "sink_%u");
}

/* Tee and aggregator both allow releasing a pad while data flows. */
void
_quartet_media_release_pad (QuartetMedia *self, GstPad *pad)
{
  g_autoptr (GstElement) element = gst_pad_get_parent_element (pad);
  g_autoptr (GstPad) peer = gst_pad_get_peer (pad);

  if (peer != NULL)
    {
      if (GST_PAD_IS_SRC (pad))
        gst_pad_unlink (pad, peer);
      else
        gst_pad_unlink (peer, pad);
    }

  if (element != NULL)
    gst_element_release_request_pad (element, pad);
}

gboolean
quartet_media_get_sending (QuartetMedia *self, guint *height, guint *fps, guint *bps)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);

  if (self->rate == NULL)
    return FALSE;

  return _quartet_media_rate_get_sending (self->rate, 0, height, fps, bps);
}

void
_quartet_media_report_estimate (QuartetMedia *self, gconstpointer peer, guint bps, double loss)
{
  if (self->rate != NULL)
    _quartet_media_rate_report (self->rate, peer, bps, loss);
}

void
_quartet_media_forget_estimate (QuartetMedia *self, gconstpointer peer)
{
  if (self->rate != NULL)
    _quartet_media_rate_forget (self->rate, peer);
}

gboolean
_quartet_media_get_encode_per_peer (QuartetMedia *self)
{
  return self->encode_per_peer;
}

guint
_quartet_media_get_keyframe_requests (QuartetMedia *self)
{
  return g_atomic_int_get (&self->keyframe_requests);
}

/* Every call starts a score of GStreamer streaming threads, and glibc gives
 * threads their own malloc arenas (up to 8 per core). Video frames (460 KB
 * and more) are at first mmap()ed, but each free() of one raises glibc's
 * mmap threshold, after which frames come from the arenas and stay cached
 * there when freed: a process that places or takes calls grew by 3 to 6 MB
 * a call, to well over 100 MB (bench/memory.py). A fixed threshold keeps
 * every large block mmap()ed and given back when freed.
 *
 * What a call's threads still hold when it has ended is little (the heap
 * in use grows by ~2 KiB a call), but it is spread over as many arenas as
 * there were threads, a piece in a page keeping the whole page, which
 * malloc_trim() cannot give back: a quartet-cli taking call after call grew
 * by 32 KiB a call. Two arenas, as servers with many threads commonly run
 * glibc, hold the same pieces in fewer pages: 10 KiB a call, the GTK app
 * none over 100 calls, and the same CPU in a 4-party call (bench/RESULTS.md,
 * "session 21"). */
#define MALLOC_ARENAS 2

void
quartet_media_tune_allocator (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
  if (g_getenv ("MALLOC_ARENA_MAX") == NULL) /* a developer's experiment */
    mallopt (M_ARENA_MAX, MALLOC_ARENAS);
#endif
}
