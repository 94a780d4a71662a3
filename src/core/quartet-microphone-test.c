/* quartet-microphone-test.c: hear yourself, as a settings page lets you
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   microphone ! audioconvert ! audioresample ! caps [meter]
 *     ! queue (holds 2 s) ! audioconvert ! speaker (2 s late, in sync)
 *
 * The queue lets nothing out until it holds the delay (min-threshold-time)
 * and keeps holding it, and the sink's ts-offset plays each buffer that
 * much after it was recorded, so the sink neither drops the buffers as
 * late nor drifts. Its own pipeline, not a call's: a test runs before
 * any call, with the devices the settings name.
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-microphone-test.h"

#include "quartet-audio-meter.h"
#include "quartet-main-queue.h"
#include "quartet-media-private.h"

#include <string.h>

#define TEST_CAPS "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=1"
#define TONE_VOLUME 0.1

struct _QuartetMicrophoneTest
{
  GObject parent_instance;

  char *microphone;
  char *speaker;
  GstElement *pipeline;
  QuartetAudioMeter *meter;
  QuartetMainQueue *main_queue;
  gboolean playing_back;
};

G_DEFINE_FINAL_TYPE (QuartetMicrophoneTest, quartet_microphone_test, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PLAYING_BACK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GstElement *
make_source (QuartetMicrophoneTest *self, GError **error)
{
  GstElement *tone;

  if (g_str_equal (self->microphone, "mic"))
    return _quartet_media_make_microphone (NULL, error);
  if (g_str_has_prefix (self->microphone, "mic:"))
    return _quartet_media_make_microphone (self->microphone + strlen ("mic:"), error);
  if (!g_str_equal (self->microphone, "tone"))
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "There is no microphone to test (%s)", self->microphone);
      return NULL;
    }

  tone = gst_element_factory_make_full ("audiotestsrc", "is-live", TRUE, "volume", TONE_VOLUME,
                                        NULL);
  if (tone == NULL)
    g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_MISSING_PLUGIN,
                         "audiotestsrc is missing (gstreamer1.0-plugins-base)");
  return tone;
}

static void
on_playing_back_main (GObject *object, gpointer data)
{
  QuartetMicrophoneTest *self = QUARTET_MICROPHONE_TEST (object);

  if (self->pipeline == NULL || self->playing_back)
    return;
  self->playing_back = TRUE;
  g_object_notify_by_pspec (object, properties[PROP_PLAYING_BACK]);
}

/* Once, on the queue's thread: the first recording leaves the queue, the
 * delay after it came. */
static GstPadProbeReturn
on_delayed_buffer_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  QuartetMainQueue *main_queue = user_data;

  quartet_main_queue_call (main_queue, on_playing_back_main, NULL, NULL);
  return GST_PAD_PROBE_REMOVE;
}

static GstElement *
make_delay (void)
{
  return gst_element_factory_make_full (
      "queue", "max-size-buffers", 0, "max-size-bytes", 0, "max-size-time",
      (guint64)2 * QUARTET_MICROPHONE_TEST_DELAY_MS * GST_MSECOND, "min-threshold-time",
      (guint64)QUARTET_MICROPHONE_TEST_DELAY_MS * GST_MSECOND, NULL);
}

static gboolean
build (QuartetMicrophoneTest *self, GError **error)
{
  g_autoptr (GPtrArray) elements = g_ptr_array_new ();
  g_autoptr (GstPad) recorded = NULL;
  g_autoptr (GstPad) delayed = NULL;
  GstElement *chain[7];
  gsize n = 0;

  if ((chain[n++] = make_source (self, error)) == NULL)
    return FALSE;
  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  chain[n++] = gst_element_factory_make ("audioresample", NULL);
  chain[n++] = _quartet_media_make_capsfilter (TEST_CAPS);
  chain[n++] = make_delay ();
  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  chain[n++] = _quartet_media_make_audio_sink (self->speaker);
  g_object_set (chain[n - 1], "ts-offset", (gint64)QUARTET_MICROPHONE_TEST_DELAY_MS * GST_MSECOND,
                NULL);

  self->pipeline = gst_pipeline_new ("quartet-microphone-test");
  if (!_quartet_media_add_chain (GST_BIN (self->pipeline), elements, chain, n, error))
    return FALSE;

  recorded = gst_element_get_static_pad (chain[3], "src");
  _quartet_audio_meter_watch_pad (self->meter, recorded);
  delayed = gst_element_get_static_pad (chain[4], "src");
  gst_pad_add_probe (delayed, GST_PAD_PROBE_TYPE_BUFFER, on_delayed_buffer_cb,
                     quartet_main_queue_ref (self->main_queue),
                     (GDestroyNotify)quartet_main_queue_unref);
  return TRUE;
}

gboolean
quartet_microphone_test_start (QuartetMicrophoneTest *self, GError **error)
{
  g_return_val_if_fail (QUARTET_IS_MICROPHONE_TEST (self), FALSE);

  if (self->pipeline != NULL)
    return TRUE;

  self->main_queue = quartet_main_queue_new (G_OBJECT (self));
  self->meter = _quartet_audio_meter_new ();
  if (!build (self, error)
      || gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_FAILED,
                             "The microphone or the speaker could not be opened");
      quartet_microphone_test_stop (self);
      return FALSE;
    }

  return TRUE;
}

void
quartet_microphone_test_stop (QuartetMicrophoneTest *self)
{
  g_return_if_fail (QUARTET_IS_MICROPHONE_TEST (self));

  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->pipeline);
  /* After the pipeline: its probes use them until it stopped. */
  g_clear_pointer (&self->meter, _quartet_audio_meter_free);
  if (self->main_queue != NULL)
    quartet_main_queue_forget (self->main_queue);
  g_clear_pointer (&self->main_queue, quartet_main_queue_unref);
  if (self->playing_back)
    {
      self->playing_back = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING_BACK]);
    }
}

gboolean
quartet_microphone_test_get_running (QuartetMicrophoneTest *self)
{
  g_return_val_if_fail (QUARTET_IS_MICROPHONE_TEST (self), FALSE);

  return self->pipeline != NULL;
}

gboolean
quartet_microphone_test_get_playing_back (QuartetMicrophoneTest *self)
{
  g_return_val_if_fail (QUARTET_IS_MICROPHONE_TEST (self), FALSE);

  return self->playing_back;
}

double
quartet_microphone_test_get_level (QuartetMicrophoneTest *self)
{
  g_return_val_if_fail (QUARTET_IS_MICROPHONE_TEST (self), QUARTET_AUDIO_LEVEL_SILENT);

  return self->meter != NULL ? _quartet_audio_meter_get_level (self->meter)
                             : QUARTET_AUDIO_LEVEL_SILENT;
}

static void
quartet_microphone_test_dispose (GObject *object)
{
  quartet_microphone_test_stop (QUARTET_MICROPHONE_TEST (object));

  G_OBJECT_CLASS (quartet_microphone_test_parent_class)->dispose (object);
}

static void
quartet_microphone_test_finalize (GObject *object)
{
  QuartetMicrophoneTest *self = QUARTET_MICROPHONE_TEST (object);

  g_clear_pointer (&self->microphone, g_free);
  g_clear_pointer (&self->speaker, g_free);

  G_OBJECT_CLASS (quartet_microphone_test_parent_class)->finalize (object);
}

static void
quartet_microphone_test_get_property (GObject *object,
                                      guint prop_id,
                                      GValue *value,
                                      GParamSpec *pspec)
{
  QuartetMicrophoneTest *self = QUARTET_MICROPHONE_TEST (object);

  switch (prop_id)
    {
    case PROP_PLAYING_BACK:
      g_value_set_boolean (value, self->playing_back);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_microphone_test_class_init (QuartetMicrophoneTestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = quartet_microphone_test_dispose;
  object_class->finalize = quartet_microphone_test_finalize;
  object_class->get_property = quartet_microphone_test_get_property;

  properties[PROP_PLAYING_BACK]
      = g_param_spec_boolean ("playing-back", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quartet_microphone_test_init (QuartetMicrophoneTest *self)
{
}

QuartetMicrophoneTest *
quartet_microphone_test_new (const char *microphone, const char *speaker)
{
  QuartetMicrophoneTest *self;

  g_return_val_if_fail (microphone != NULL, NULL);

  self = g_object_new (QUARTET_TYPE_MICROPHONE_TEST, NULL);
  self->microphone = g_strdup (microphone);
  self->speaker = g_strdup (speaker);
  return self;
}
