/* quartet-ringtone.c: the sound of an incoming call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A two-tone ring (440 Hz + 480 Hz, the North American ring cadence: two
 * seconds on, four off) synthesised by GStreamer, so there is no sound file
 * to ship or download. The cadence is a GLib timeout toggling a volume
 * element's mute: the pipeline stays in PLAYING, so starting and stopping
 * never waits on the sound server.
 *
 * QUARTET_AUDIO_SINK picks the sink as in the engine (the tests set "fake").
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "quartet-ringtone.h"

#include <gst/gst.h>

#define RING_ON_MS 2000
#define RING_OFF_MS 4000

struct _QuartetRingtone
{
  GObject parent_instance;

  GstElement *pipeline;
  GstElement *volume;
  guint cadence_id;
  gboolean ringing; /* in the "on" part of the cadence */
};

G_DEFINE_FINAL_TYPE (QuartetRingtone, quartet_ringtone, G_TYPE_OBJECT)

static GstElement *
build_pipeline (QuartetRingtone *self)
{
  const char *sink = g_getenv ("QUARTET_AUDIO_SINK");
  g_autofree char *description = NULL;
  g_autoptr (GError) error = NULL;
  GstElement *pipeline;

  if (sink == NULL || *sink == '\0')
    sink = "autoaudiosink";
  else if (g_str_equal (sink, "fake"))
    sink = "fakesink sync=true";

  description = g_strdup_printf (
    "audiotestsrc is-live=true wave=sine freq=440 volume=0.15 ! mix. "
    "audiotestsrc is-live=true wave=sine freq=480 volume=0.15 ! mix. "
    "audiomixer name=mix ! volume name=volume mute=true ! audioconvert ! audioresample ! %s",
    sink);
  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL)
    {
      g_message ("No ringtone: %s", error->message);
      return NULL;
    }

  self->volume = gst_bin_get_by_name (GST_BIN (pipeline), "volume");
  return pipeline;
}

static gboolean
on_cadence_cb (gpointer user_data)
{
  QuartetRingtone *self = user_data;

  self->ringing = !self->ringing;
  g_object_set (self->volume, "mute", !self->ringing, NULL);
  self->cadence_id = g_timeout_add (self->ringing ? RING_ON_MS : RING_OFF_MS, on_cadence_cb, self);
  return G_SOURCE_REMOVE;
}

void
quartet_ringtone_start (QuartetRingtone *self)
{
  g_return_if_fail (QUARTET_IS_RINGTONE (self));

  if (self->cadence_id != 0)
    return;

  if (self->pipeline == NULL && (self->pipeline = build_pipeline (self)) == NULL)
    return;

  self->ringing = FALSE;
  gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  on_cadence_cb (self);
}

void
quartet_ringtone_stop (QuartetRingtone *self)
{
  g_return_if_fail (QUARTET_IS_RINGTONE (self));

  g_clear_handle_id (&self->cadence_id, g_source_remove);
  self->ringing = FALSE;
  if (self->pipeline != NULL)
    {
      g_object_set (self->volume, "mute", TRUE, NULL);
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
    }
}

gboolean
quartet_ringtone_get_playing (QuartetRingtone *self)
{
  g_return_val_if_fail (QUARTET_IS_RINGTONE (self), FALSE);
  return self->cadence_id != 0;
}

static void
quartet_ringtone_dispose (GObject *object)
{
  QuartetRingtone *self = QUARTET_RINGTONE (object);

  if (self->pipeline != NULL)
    quartet_ringtone_stop (self);
  g_clear_object (&self->volume);
  g_clear_object (&self->pipeline);

  G_OBJECT_CLASS (quartet_ringtone_parent_class)->dispose (object);
}

static void
quartet_ringtone_class_init (QuartetRingtoneClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = quartet_ringtone_dispose;
}

static void
quartet_ringtone_init (QuartetRingtone *self)
{
}

QuartetRingtone *
quartet_ringtone_new (void)
{
  return g_object_new (QUARTET_TYPE_RINGTONE, NULL);
}
