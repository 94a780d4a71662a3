/* quartet-peer-congestion.c: how fast one peer can be sent to, and keeping to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What we send carries the transport-wide congestion control header
 * extension (quartet-peer-send.c puts it in the branches' caps): webrtcbin's
 * rtpfunnel numbers every packet, the remote reports when each arrived,
 * and rtpsession hands each report back up the video branch as an upstream
 * event. The bandwidth estimator reads them there, on the thread that
 * reads the remote's RTCP, and the media follows its estimate
 * (quartet-media-rate.c).
 *
 * Retransmissions are budgeted too. On a link that drops a third of what
 * we send, the remote asks again for every lost packet, several times
 * within its jitter buffer's wait, and rtprtxsend answers each request:
 * retransmissions alone then filled a 400 kbit/s uplink, were dropped in
 * turn, and the picture froze for 20 s however low the encoder went. Like
 * libwebrtc's retransmission rate limiter, a token bucket lets
 * retransmissions take RTX_SHARE of the estimate and drops the rest; the
 * remote's jitter buffer gives those packets up and asks for a keyframe.
 */
#define G_LOG_DOMAIN "quartet-peer"

#include "quartet-peer-private.h"
#include "quartet-bandwidth-estimator.h"
#include "quartet-media-private.h"

#include <gst/rtp/rtp.h>

#define ESTIMATE_FLOOR_BPS 100000
#define ESTIMATE_CAP_BPS 2500000 /* libwebrtc's for 720p VP8 */
#define RTX_SHARE 0.2
#define RTX_BURST_US (500 * G_TIME_SPAN_MILLISECOND) /* of the budget, saved up */
#define RTX_BURST_MIN_BYTES 4000                     /* a few packets, at any rate */

struct _QuartetPeerCongestion
{
  QuartetMedia *media; /* the peer holds a reference */
  int active;          /* atomic: between start() and stop() */

  /* On the thread that reads the remote's RTCP. */
  QuartetBandwidthEstimator *estimator;
  guint estimate_bps;  /* atomic copies, for the stats */
  guint loss_permille; /* atomic */

  /* On the thread that sends retransmissions. */
  GMutex lock;
  guint32 media_ssrcs[2]; /* what is not one of these is a retransmission */
  double rtx_tokens;      /* bytes */
  gint64 rtx_refilled_us;
};

QuartetPeerCongestion *
_quartet_peer_congestion_new (QuartetMedia *media)
{
  QuartetPeerCongestion *self = g_new0 (QuartetPeerCongestion, 1);

  self->media = media;
  self->estimator = quartet_bandwidth_estimator_new (QUARTET_MEDIA_VIDEO_START_BITRATE,
                                                     ESTIMATE_FLOOR_BPS, ESTIMATE_CAP_BPS);
  g_mutex_init (&self->lock);
  return self;
}

void
_quartet_peer_congestion_free (QuartetPeerCongestion *self)
{
  quartet_bandwidth_estimator_free (self->estimator);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* (transfer full) The packets of a TWCC report, as rtpsession gives them:
 * times in nanoseconds, GST_CLOCK_TIME_NONE for a packet that was lost. */
static GArray *
read_twcc_packets (const GstStructure *report)
{
  const GValue *value = gst_structure_get_value (report, "packets");
  GArray *packets = g_array_new (FALSE, FALSE, sizeof (QuartetTwccPacket));

  /* rtpsession 1.22 gives a GValueArray, deprecated since GLib 2.32. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GValueArray *array = value != NULL && G_VALUE_HOLDS (value, g_value_array_get_type ())
                           ? g_value_get_boxed (value)
                           : NULL;

  for (guint i = 0; array != NULL && i < array->n_values; i++)
    {
      const GValue *item = &array->values[i];
      const GstStructure *s
          = GST_VALUE_HOLDS_STRUCTURE (item) ? gst_value_get_structure (item) : NULL;
      guint64 local = GST_CLOCK_TIME_NONE, remote = GST_CLOCK_TIME_NONE;
      guint size = 0;
      gboolean lost = FALSE;
      QuartetTwccPacket packet;

      if (s == NULL
          || !gst_structure_get (s, "local-ts", G_TYPE_UINT64, &local, "remote-ts", G_TYPE_UINT64,
                                 &remote, "size", G_TYPE_UINT, &size, "lost", G_TYPE_BOOLEAN, &lost,
                                 NULL)
          || !GST_CLOCK_TIME_IS_VALID (local))
        continue; /* not one of ours, or not sent yet when the report came */

      packet.sent_us = (gint64)(local / GST_USECOND);
      packet.arrived_us = lost || !GST_CLOCK_TIME_IS_VALID (remote)
                              ? QUARTET_TWCC_LOST
                              : (gint64)(remote / GST_USECOND);
      packet.size = size;
      g_array_append_val (packets, packet);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  return packets;
}

static GstPadProbeReturn
on_twcc_report_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  QuartetPeerCongestion *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  const GstStructure *report = gst_event_get_structure (event);
  g_autoptr (GArray) packets = NULL;
  guint bps;
  double loss;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CUSTOM_UPSTREAM || report == NULL
      || !gst_structure_has_name (report, "RTPTWCCPackets"))
    return GST_PAD_PROBE_OK;
  if (!g_atomic_int_get (&self->active))
    return GST_PAD_PROBE_DROP;

  packets = read_twcc_packets (report);
  if (quartet_bandwidth_estimator_add_packets (
          self->estimator, (const QuartetTwccPacket *)packets->data, packets->len))
    {
      bps = quartet_bandwidth_estimator_get_bps (self->estimator);
      loss = quartet_bandwidth_estimator_get_loss (self->estimator);
      g_atomic_int_set (&self->estimate_bps, bps);
      g_atomic_int_set (&self->loss_permille, (guint)(loss * 1000));
      _quartet_media_report_estimate (self->media, self, bps, loss);
    }
  return GST_PAD_PROBE_DROP; /* nobody upstream reads it */
}

/* @pad: where the video branch meets webrtcbin. */
void
_quartet_peer_congestion_watch_reports (QuartetPeerCongestion *self, GstPad *pad)
{
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_twcc_report_cb, self, NULL);
}

void
_quartet_peer_congestion_add_media_ssrc (QuartetPeerCongestion *self, guint32 ssrc)
{
  g_mutex_lock (&self->lock);
  self->media_ssrcs[self->media_ssrcs[0] == 0 ? 0 : 1] = ssrc;
  g_mutex_unlock (&self->lock);
}

/* With the lock held: may @bytes of retransmission go now? */
static gboolean
take_rtx_tokens (QuartetPeerCongestion *self, gsize bytes)
{
  guint bps = g_atomic_int_get (&self->estimate_bps);
  double rate = (bps > 0 ? bps : QUARTET_MEDIA_VIDEO_START_BITRATE) * RTX_SHARE / 8.0;
  gint64 now = g_get_monotonic_time ();

  if (self->rtx_refilled_us > 0)
    self->rtx_tokens
        = MIN (MAX (rate * RTX_BURST_US / G_USEC_PER_SEC, RTX_BURST_MIN_BYTES),
               self->rtx_tokens + rate * (now - self->rtx_refilled_us) / G_USEC_PER_SEC);
  self->rtx_refilled_us = now;

  if (self->rtx_tokens < bytes)
    return FALSE;
  self->rtx_tokens -= bytes;
  return TRUE;
}

static GstPadProbeReturn
on_rtx_output_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  QuartetPeerCongestion *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint32 ssrc;
  gboolean keep;

  if (!gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return GST_PAD_PROBE_OK;
  ssrc = gst_rtp_buffer_get_ssrc (&rtp);
  gst_rtp_buffer_unmap (&rtp);

  g_mutex_lock (&self->lock);
  keep = ssrc == self->media_ssrcs[0] || ssrc == self->media_ssrcs[1]
         || take_rtx_tokens (self, gst_buffer_get_size (buffer));
  g_mutex_unlock (&self->lock);

  return keep ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

/* @rtxsend: the rtprtxsend webrtcbin made. Our payloaders push single
 * buffers, and rtprtxsend sends its retransmissions one by one. */
void
_quartet_peer_congestion_watch_retransmitter (QuartetPeerCongestion *self, GstElement *rtxsend)
{
  g_autoptr (GstPad) src = gst_element_get_static_pad (rtxsend, "src");

  if (src != NULL)
    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, on_rtx_output_cb, self, NULL);
}

void
_quartet_peer_congestion_start (QuartetPeerCongestion *self)
{
  g_atomic_int_set (&self->active, TRUE);
}

void
_quartet_peer_congestion_stop (QuartetPeerCongestion *self)
{
  g_atomic_int_set (&self->active, FALSE);
  _quartet_media_forget_estimate (self->media, self);
}

/* 0 before the first TWCC report (or without TWCC). */
void
_quartet_peer_congestion_get_estimate (QuartetPeerCongestion *self, guint *bps, double *loss)
{
  *bps = g_atomic_int_get (&self->estimate_bps);
  *loss = g_atomic_int_get (&self->loss_permille) / 1000.0;
}
