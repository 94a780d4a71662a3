/* quartet-media-feed.c: the video one peer gets, switched between the shared encodings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside the peer's bin, an input-selector takes one input from each of
 * the media's encodings (a tee each) and passes the chosen one on:
 *
 *   encoding tee -> ghost pad -> [probe] input-selector sink_0 \
 *   encoding tee -> ghost pad -> [probe] input-selector sink_1 --> src -> the peer's branch
 *
 * The media's rate decides which encoding fits the peer
 * (quartet-media-rate.c) and calls _quartet_media_feed_choose(); the
 * switch happens at the first keyframe of the new encoding, which the
 * choice asks for, so the remote's decoder goes from the last frame of one
 * straight to a keyframe of the other (VP8 carries the size in band). The
 * probes drop what is not chosen before it reaches the selector, on the
 * encodings' own streaming threads; upstream events (a PLI's keyframe
 * request) reach only the active encoding.
 *
 * With one encoding (or raw video, when each peer encodes its own) the
 * selector has one input and passes it through.
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media-private.h"

#include <gst/video/video.h>

struct _QuartetMediaFeed
{
  GstBin *bin; /* the peer's, which owns the selector */
  GstElement *selector;
  guint n_inputs;
  GstElement *tees[QUARTET_MEDIA_MAX_ENCODINGS];
  GstPad *inputs[QUARTET_MEDIA_MAX_ENCODINGS];   /* the selector's sink pads */
  GstPad *tee_pads[QUARTET_MEDIA_MAX_ENCODINGS]; /* once connected */
  guint wanted;                                  /* atomic: what the rate chose */
  guint current; /* atomic: what flows; changed only at a keyframe of the wanted one */
};

typedef struct
{
  QuartetMediaFeed *feed; /* a reference */
  guint index;
} Input;

static void
input_free (gpointer data)
{
  Input *input = data;

  _quartet_media_feed_unref (input->feed);
  g_free (input);
}

/* On the streaming thread of encoding @index, for every frame of every
 * peer: atomics only. */
static GstPadProbeReturn
on_input_buffer_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Input *input = user_data;
  QuartetMediaFeed *self = input->feed;

  if (input->index == (guint)g_atomic_int_get (&self->current))
    return GST_PAD_PROBE_OK; /* until the switch, the old one goes on */

  if (input->index != (guint)g_atomic_int_get (&self->wanted)
      || GST_BUFFER_FLAG_IS_SET (GST_PAD_PROBE_INFO_BUFFER (info), GST_BUFFER_FLAG_DELTA_UNIT))
    return GST_PAD_PROBE_DROP;

  /* The wanted one's keyframe: from here on it flows. The selector sends
   * its caps (the new size) ahead of it. */
  g_object_set (self->selector, "active-pad", pad, NULL);
  g_atomic_int_set (&self->current, input->index);
  return GST_PAD_PROBE_OK;
}

QuartetMediaFeed *
_quartet_media_feed_new (GstBin *bin, GstElement *const *tees, guint n_tees)
{
  QuartetMediaFeed *self;

  g_return_val_if_fail (n_tees > 0 && n_tees <= QUARTET_MEDIA_MAX_ENCODINGS, NULL);

  self = g_atomic_rc_box_new0 (QuartetMediaFeed);
  self->bin = bin;
  self->n_inputs = n_tees;
  /* Never wait for the other input's running time: it may be idle. */
  self->selector = gst_element_factory_make_full ("input-selector", "sync-streams", FALSE, NULL);
  gst_bin_add (bin, self->selector);

  for (guint i = 0; i < n_tees; i++)
    {
      Input *input = g_new0 (Input, 1);

      self->tees[i] = gst_object_ref (tees[i]);
      self->inputs[i] = gst_element_request_pad_simple (self->selector, "sink_%u");
      g_object_set (self->inputs[i], "always-ok", TRUE, NULL);
      input->feed = _quartet_media_feed_ref (self);
      input->index = i;
      gst_pad_add_probe (self->inputs[i], GST_PAD_PROBE_TYPE_BUFFER, on_input_buffer_cb, input,
                         input_free);
    }
  g_object_set (self->selector, "active-pad", self->inputs[0], NULL);
  return self;
}

QuartetMediaFeed *
_quartet_media_feed_ref (QuartetMediaFeed *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
feed_clear (QuartetMediaFeed *self)
{
  for (guint i = 0; i < self->n_inputs; i++)
    {
      gst_clear_object (&self->tees[i]);
      gst_clear_object (&self->inputs[i]);
      gst_clear_object (&self->tee_pads[i]);
    }
}

void
_quartet_media_feed_unref (QuartetMediaFeed *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify)feed_clear);
}

/* (transfer none): link the peer's branch here. */
GstElement *
_quartet_media_feed_get_element (QuartetMediaFeed *self)
{
  return self->selector;
}

/* Once the branch after the selector plays: then the encodings feed it. */
void
_quartet_media_feed_connect (QuartetMediaFeed *self)
{
  gst_element_sync_state_with_parent (self->selector);

  for (guint i = 0; i < self->n_inputs; i++)
    {
      GstPad *ghost = gst_ghost_pad_new (NULL, self->inputs[i]);

      gst_pad_set_active (ghost, TRUE);
      gst_element_add_pad (GST_ELEMENT (self->bin), ghost);
      self->tee_pads[i] = gst_element_request_pad_simple (self->tees[i], "src_%u");
      gst_pad_link (self->tee_pads[i], ghost);
    }
}

/* From any thread. The keyframe request travels up the way a PLI does. */
void
_quartet_media_feed_choose (QuartetMediaFeed *self, guint index)
{
  g_return_if_fail (index < self->n_inputs);

  if ((guint)g_atomic_int_get (&self->wanted) == index || self->inputs[index] == NULL)
    return;

  g_atomic_int_set (&self->wanted, index);
  if ((guint)g_atomic_int_get (&self->current) != index)
    gst_pad_push_event (self->inputs[index],
                        gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0));
}

/* Which encoding the peer gets now. */
guint
_quartet_media_feed_get_current (QuartetMediaFeed *self)
{
  return (guint)g_atomic_int_get (&self->current);
}

/* The encodings stop feeding this peer; the selector goes with its bin.
 * The inputs' probes hold the feed, so it lets go of the inputs here:
 * the pads and their probes go with the selector, and the feed with the
 * last of them. Nothing may be chosen any more. */
void
_quartet_media_feed_disconnect (QuartetMediaFeed *self)
{
  for (guint i = 0; i < self->n_inputs; i++)
    {
      if (self->tee_pads[i] != NULL)
        {
          g_autoptr (GstPad) peer = gst_pad_get_peer (self->tee_pads[i]);

          if (peer != NULL)
            gst_pad_unlink (self->tee_pads[i], peer);
          gst_element_release_request_pad (self->tees[i], self->tee_pads[i]);
        }
      gst_clear_object (&self->tee_pads[i]);
      gst_clear_object (&self->inputs[i]);
      gst_clear_object (&self->tees[i]);
    }
}
