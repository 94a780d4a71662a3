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
 * It plays on the speaker the "speaker" setting names, as calls do, and
 * QUARTET_AUDIO_SINK picks the sink as in the engine (the tests set "fake").
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "quartet-ringtone.h"

#include <gst/gst.h>

#include "quartet-device-list.h"
#include "quartet.h"

#define RING_ON_MS 2000
#define RING_OFF_MS 4000

struct _QuartetRingtone
{
  GObject parent_instance;

  GSettings *settings;
  GstElement *pipeline;
  GstElement *volume;
  guint cadence_id;
  gboolean ringing; /* in the "on" part of the cadence */
};

G_DEFINE_FINAL_TYPE (QuartetRingtone, quartet_ringtone, G_TYPE_OBJECT)

static GstElement *
build_pipeline (QuartetRingtone *self)
{
  g_autofree char *speaker = g_settings_get_string (self->settings, "speaker");
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) out = NULL;
  GstElement *pipeline, *sink;

  pipeline = gst_parse_launch (
      "audiotestsrc is-live=true wave=sine freq=440 volume=0.15 ! mix. "
      "audiotestsrc is-live=true wave=sine freq=480 volume=0.15 ! mix. "
      "audiomixer name=mix ! volume name=volume mute=true ! audioconvert ! audioresample name=out",
      &error);
  if (pipeline == NULL)
    {
      g_message ("No ringtone: %s", error->message);
      return NULL;
    }

  sink = quartet_media_make_speaker (quartet_device_list_value_to_name (speaker));
  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  gst_bin_add (GST_BIN (pipeline), sink);
  gst_element_link (out, sink);
  self->volume = gst_bin_get_by_name (GST_BIN (pipeline), "volume");
  return pipeline;
}

static void
drop_pipeline (QuartetRingtone *self)
{
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->volume);
  g_clear_object (&self->pipeline);
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

/* Another speaker: the next ring plays there, and one that rings moves. */
static void
on_speaker_changed_cb (QuartetRingtone *self)
{
  gboolean playing = quartet_ringtone_get_playing (self);

  quartet_ringtone_stop (self);
  drop_pipeline (self);
  if (playing)
    quartet_ringtone_start (self);
}

static void
quartet_ringtone_dispose (GObject *object)
{
  QuartetRingtone *self = QUARTET_RINGTONE (object);

  if (self->pipeline != NULL)
    quartet_ringtone_stop (self);
  drop_pipeline (self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

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
quartet_ringtone_new (GSettings *settings)
{
  QuartetRingtone *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (QUARTET_TYPE_RINGTONE, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_swapped (settings, "changed::speaker", G_CALLBACK (on_speaker_changed_cb), self);
  return self;
}
