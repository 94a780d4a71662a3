/* quartet-peer-send.c: what one webrtcbin sends, taken from the media's tees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   media feed (input-selector) ! queue [! vp8enc] ! rtpvp8pay ! capsfilter -> webrtcbin sink_%u
 *   media tee -> ghost pad -> queue ! rtpopuspay ! capsfilter -> webrtcbin sink_%u
 *
 * The feed picks the media's encoding that fits this peer
 * (quartet-media-feed.c).
 *
 * The branches are linked once the payload types are known: ours when we
 * offer, the offer's when we answer, because webrtcbin 1.22 answers with the
 * intersection of the offer's caps and the transceiver's, payload type
 * included, and sends what its sink pad gets without rewriting it.
 *
 * Each branch sends with an SSRC we choose and put in its caps, so that the
 * SDP announces what is sent. Left to itself, webrtcbin 1.22 takes the SSRC
 * from the caps its sink pad has seen, and an answer made before the first
 * caps arrived announced no SSRC for a stream, or (with retransmission on)
 * only the RTX SSRC it made up for an "SSRC 0": a browser then treats the
 * real stream as unsignalled and never shows it. Both sink pads carry one
 * msid, so a browser puts the audio and the video in one MediaStream.
 *
 * Both branches carry the transport-wide congestion control header
 * extension, its id ours when we offer, the offer's when we answer: with
 * it in their caps, webrtcbin's rtpfunnel numbers every packet, and the
 * remote's reports come back up the video branch (quartet-peer-congestion.c).
 *
 * A gate on each branch drops everything until the connection is up: until
 * then webrtcbin blocks its sink pads, and frames stuck there would reach
 * the remote late and out of order. When the gate opens it asks the
 * encoder for a keyframe and lets video through from that keyframe on, so
 * the remote's first frame decodes cleanly.
 */
#define G_LOG_DOMAIN "quartet-peer"

#include "quartet-peer-private.h"
#include "quartet-media-private.h"

#include <string.h>

#include <gst/video/video.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#define RTP_MTU 1200 /* what browsers use: leaves room for TURN and VPN headers */
#define TWCC_URI "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
#define TWCC_OFFER_ID 3 /* as Chrome's offers have it */

typedef enum
{
  GATE_CLOSED,   /* drop everything */
  GATE_KEYFRAME, /* drop until a keyframe (raw video and audio have no delta frames) */
  GATE_OPEN,
} Gate;

typedef struct
{
  int gate;         /* atomic: read on the tee's streaming thread */
  gboolean refused; /* the answer does not want it */
  GstPad *tee_pad;  /* audio */
  QuartetMediaFeed *feed; /* video */
  GstPad *key_pad; /* where our keyframe requests start: just before webrtcbin */
} Branch;

struct _QuartetPeerSend
{
  GstBin *bin;           /* the peer's, which owns us */
  GstElement *webrtcbin; /* in that bin */
  QuartetMedia *media;   /* the peer holds a reference */
  gboolean with_video;
  gboolean linked;
  char *stream_id;    /* the msid of both our tracks */
  Branch branches[2]; /* audio, video */
  guint twcc_id;      /* the TWCC header extension's, 0: none */
  guint own_cap_bps;  /* the most video we send (our b=AS), 0: no limit */
  guint remote_cap_bps;              /* the most the remote wants (its b=AS), 0: no limit */
  gboolean capped;                   /* a cap went to the media */
  QuartetPeerCongestion *congestion; /* the peer's */
};

QuartetPeerSend *
_quartet_peer_send_new (GstBin *bin,
                        GstElement *webrtcbin,
                        QuartetMedia *media,
                        QuartetPeerCongestion *congestion,
                        gboolean with_video)
{
  QuartetPeerSend *self = g_new0 (QuartetPeerSend, 1);

  self->congestion = congestion;
  self->bin = bin;
  self->webrtcbin = webrtcbin;
  self->media = media;
  self->with_video = with_video;
  self->stream_id = g_uuid_string_random ();
  return self;
}

/* What we put in the SDP. An offer asks for keyframes by PLI or FIR and
 * for retransmissions; an answer takes those from the offer (webrtcbin
 * keeps the fields only the offer has), so it names only the codec. @ssrc
 * is what we send with, 0 for a stream we only receive. */
static GstCaps *
make_rtp_caps (GstWebRTCKind kind, int pt, guint32 ssrc, guint twcc_id, gboolean offer)
{
  GstCaps *caps;

  if (kind == GST_WEBRTC_KIND_AUDIO)
    caps = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio",
                                "encoding-name", G_TYPE_STRING, "OPUS", "payload", G_TYPE_INT, pt,
                                "clock-rate", G_TYPE_INT, 48000, "encoding-params", G_TYPE_STRING,
                                "2", NULL);
  else
    caps = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video",
                                "encoding-name", G_TYPE_STRING, "VP8", "payload", G_TYPE_INT, pt,
                                "clock-rate", G_TYPE_INT, 90000, NULL);
  if (ssrc != 0)
    gst_caps_set_simple (caps, "ssrc", G_TYPE_UINT, ssrc, NULL);
  if (twcc_id > 0)
    {
      g_autofree char *field = g_strdup_printf ("extmap-%u", twcc_id);

      gst_caps_set_simple (caps, field, G_TYPE_STRING, TWCC_URI, NULL);
    }
  if (kind == GST_WEBRTC_KIND_VIDEO && offer)
    gst_caps_set_simple (caps, "rtcp-fb-nack", G_TYPE_BOOLEAN, TRUE, "rtcp-fb-nack-pli",
                         G_TYPE_BOOLEAN, TRUE, "rtcp-fb-ccm-fir", G_TYPE_BOOLEAN, TRUE, NULL);
  return caps;
}

static void
add_transceiver (QuartetPeerSend *self, GstWebRTCRTPTransceiverDirection direction, GstCaps *caps)
{
  GstWebRTCRTPTransceiver *transceiver = NULL;

  g_signal_emit_by_name (self->webrtcbin, "add-transceiver", direction, caps, &transceiver);
  g_clear_object (&transceiver);
}

/* On the tee's thread: called for every buffer of every peer, keep it cheap. */
static GstPadProbeReturn
on_gate_buffer_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Branch *branch = user_data;

  switch (g_atomic_int_get (&branch->gate))
    {
    case GATE_OPEN:
      return GST_PAD_PROBE_OK;

    case GATE_KEYFRAME:
      if (GST_BUFFER_FLAG_IS_SET (GST_PAD_PROBE_INFO_BUFFER (info), GST_BUFFER_FLAG_DELTA_UNIT))
        return GST_PAD_PROBE_DROP;
      g_atomic_int_set (&branch->gate, GATE_OPEN);
      return GST_PAD_PROBE_OK;

    case GATE_CLOSED:
    default:
      return GST_PAD_PROBE_DROP;
    }
}

/* Without anything to send, a receive-only transceiver. */
static void
link_branch (QuartetPeerSend *self, GstWebRTCKind kind, int pt, gboolean offer)
{
  gboolean video = kind == GST_WEBRTC_KIND_VIDEO;
  Branch *branch = &self->branches[video ? 1 : 0];
  g_autoptr (GstPad) tee_pad = video ? NULL : _quartet_media_request_audio_pad (self->media);
  QuartetMediaFeed *feed
      = video ? _quartet_media_request_video_feed (self->media, self->congestion, self->bin) : NULL;
  guint32 ssrc = g_random_int_range (1, G_MAXINT32);
  g_autoptr (GstCaps) caps = make_rtp_caps (kind, pt, ssrc, self->twcc_id, FALSE);
  g_autoptr (GstCaps) preferences = make_rtp_caps (kind, pt, ssrc, self->twcc_id, offer);
  g_autoptr (GstPad) queue_sink = NULL;
  g_autoptr (GstPad) webrtc_sink = NULL;
  g_autoptr (GstWebRTCRTPTransceiver) transceiver = NULL;
  GstPadTemplate *template;
  GstElement *chain[4];
  GstPad *ghost;
  gsize n = 0;

  if (tee_pad == NULL && feed == NULL)
    {
      g_autoptr (GstCaps) receive_only = make_rtp_caps (kind, pt, 0, self->twcc_id, offer);

      add_transceiver (self, GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, receive_only);
      return;
    }

  if (video && _quartet_media_get_encode_per_peer (self->media))
    {
      chain[n++] = _quartet_media_make_leaky_queue (2);
      chain[n++] = _quartet_media_make_video_encoder ();
    }
  else
    chain[n++] = _quartet_media_make_leaky_queue (video ? 5 : 10);
  /* After the gate the branch never waits: the queue leaks rather than let
   * a slow peer stall the shared tee. */

  chain[n] = gst_element_factory_make_full (video ? "rtpvp8pay" : "rtpopuspay", "pt", pt, "mtu",
                                            RTP_MTU, "ssrc", ssrc, NULL);
  if (video)
    gst_util_set_object_arg (G_OBJECT (chain[n]), "picture-id-mode", "15-bit");
  n++;
  chain[n++] = gst_element_factory_make_full ("capsfilter", "caps", caps, NULL);

  for (gsize i = 0; i < n; i++)
    gst_bin_add (self->bin, chain[i]);
  for (gsize i = 0; i + 1 < n; i++)
    gst_element_link (chain[i], chain[i + 1]);

  template
      = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self->webrtcbin), "sink_%u");
  webrtc_sink = gst_element_request_pad (self->webrtcbin, template, NULL, caps);
  g_object_set (webrtc_sink, "msid", self->stream_id, NULL);
  g_object_get (webrtc_sink, "transceiver", &transceiver, NULL);
  g_object_set (transceiver, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                "codec-preferences", preferences, NULL);
  if (video)
    g_object_set (transceiver, "do-nack", TRUE, NULL);

  branch->key_pad = gst_element_get_static_pad (chain[n - 1], "src");
  gst_pad_link (branch->key_pad, webrtc_sink);
  _quartet_peer_congestion_add_media_ssrc (self->congestion, ssrc);
  if (video && self->twcc_id > 0)
    _quartet_peer_congestion_watch_reports (self->congestion, branch->key_pad);

  /* Playing before the tee feeds it: a tee stops for every peer when one
   * of its pads returns FLUSHING. */
  for (gsize i = n; i > 0; i--)
    gst_element_sync_state_with_parent (chain[i - 1]);

  queue_sink = gst_element_get_static_pad (chain[0], "sink");
  gst_pad_add_probe (queue_sink, GST_PAD_PROBE_TYPE_BUFFER, on_gate_buffer_cb, branch, NULL);
  if (feed != NULL)
    {
      gst_element_link (_quartet_media_feed_get_element (feed), chain[0]);
      _quartet_media_feed_connect (feed);
      branch->feed = feed;
      return;
    }

  ghost = gst_ghost_pad_new (NULL, queue_sink);
  gst_pad_set_active (ghost, TRUE);
  gst_element_add_pad (GST_ELEMENT (self->bin), ghost);
  gst_pad_link (tee_pad, ghost);
  branch->tee_pad = g_steal_pointer (&tee_pad);
}

/* The most video the remote wants, in bits/s, 0: no limit. The QuickBlox
 * SDKs put the session's `bandwidth` (kbit/s) on the video m-line of both
 * descriptions: b=AS (kbit/s), or b=TIAS (bit/s) for Firefox. */
static guint
find_video_cap (const GstSDPMessage *sdp)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);

      if (g_strcmp0 (gst_sdp_media_get_media (media), "video") != 0)
        continue;
      for (guint j = 0; j < gst_sdp_media_bandwidths_len (media); j++)
        {
          const GstSDPBandwidth *bandwidth = gst_sdp_media_get_bandwidth (media, j);

          if (g_strcmp0 (bandwidth->bwtype, "TIAS") == 0)
            return bandwidth->bandwidth;
          if (g_strcmp0 (bandwidth->bwtype, "AS") == 0)
            return (guint)MIN ((guint64)bandwidth->bandwidth * 1000, G_MAXUINT);
        }
      return 0;
    }
  return 0;
}

/* The tighter of the two limits goes to the media's rate (again once
 * linked: the media may have started since). */
static void
apply_caps (QuartetPeerSend *self)
{
  guint cap = self->own_cap_bps;

  if (self->remote_cap_bps > 0 && (cap == 0 || self->remote_cap_bps < cap))
    cap = self->remote_cap_bps;
  if (cap == 0 && !self->capped)
    return; /* nothing to lift */
  self->capped = cap > 0;
  _quartet_media_set_video_cap (self->media, self->congestion, cap);
}

void
_quartet_peer_send_set_own_cap (QuartetPeerSend *self, guint video_bps)
{
  if (self->own_cap_bps == video_bps)
    return;
  self->own_cap_bps = video_bps;
  apply_caps (self);
}

/* The offerer: audio, then video when asked for, with our payload types. */
void
_quartet_peer_send_link_for_offer (QuartetPeerSend *self)
{
  if (self->linked)
    return;

  self->linked = TRUE;
  apply_caps (self);
  self->twcc_id = TWCC_OFFER_ID;
  link_branch (self, GST_WEBRTC_KIND_AUDIO, QUARTET_MEDIA_OPUS_PT, TRUE);
  if (self->with_video)
    link_branch (self, GST_WEBRTC_KIND_VIDEO, QUARTET_MEDIA_VP8_PT, TRUE);
}

/* The first payload type the remote offered for @encoding in @media, or -1. */
static int
find_payload_type (const GstSDPMedia *media, const char *encoding)
{
  for (guint i = 0; i < gst_sdp_media_formats_len (media); i++)
    {
      const char *format = gst_sdp_media_get_format (media, i);
      int pt = (int)g_ascii_strtoll (format, NULL, 10);
      g_autoptr (GstCaps) caps = gst_sdp_media_get_caps_from_media (media, pt);
      const char *name;

      if (caps == NULL)
        continue;
      name = gst_structure_get_string (gst_caps_get_structure (caps, 0), "encoding-name");
      if (g_ascii_strcasecmp (name ? name : "", encoding) == 0)
        return pt;
    }

  return -1;
}

/* The id the offer gives the TWCC header extension, or 0. */
static guint
find_twcc_id (const GstSDPMessage *offer)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (offer); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (offer, i);

      for (guint j = 0; j < gst_sdp_media_attributes_len (media); j++)
        {
          const GstSDPAttribute *attribute = gst_sdp_media_get_attribute (media, j);
          char *uri = NULL;
          guint64 id;

          /* "extmap:<id>[/<direction>] <uri>" */
          if (g_strcmp0 (attribute->key, "extmap") != 0 || attribute->value == NULL)
            continue;
          id = g_ascii_strtoull (attribute->value, &uri, 10);
          uri = strchr (uri, ' ');
          if (id > 0 && id < 15 && uri != NULL && g_str_equal (g_strstrip (uri + 1), TWCC_URI))
            return (guint)id;
        }
    }
  return 0;
}

/* The answerer: what the offer has, with its payload types. */
void
_quartet_peer_send_link_for_remote_offer (QuartetPeerSend *self, const GstSDPMessage *offer)
{
  gboolean audio_done = FALSE, video_done = FALSE;

  if (self->linked)
    return;

  self->linked = TRUE;
  self->remote_cap_bps = find_video_cap (offer);
  apply_caps (self);
  self->twcc_id = find_twcc_id (offer);
  for (guint i = 0; i < gst_sdp_message_medias_len (offer); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (offer, i);
      const char *kind = gst_sdp_media_get_media (media);
      int pt;

      /* Port 0 rejects an m-line, unless it is bundle-only (as webrtcbin's
       * max-bundle offers put every m-line after the first). */
      if (gst_sdp_media_get_port (media) == 0
          && gst_sdp_media_get_attribute_val (media, "bundle-only") == NULL)
        continue;

      if (g_strcmp0 (kind, "audio") == 0 && !audio_done
          && (pt = find_payload_type (media, "OPUS")) >= 0)
        {
          link_branch (self, GST_WEBRTC_KIND_AUDIO, pt, FALSE);
          audio_done = TRUE;
        }
      else if (g_strcmp0 (kind, "video") == 0 && !video_done
               && (pt = find_payload_type (media, "VP8")) >= 0)
        {
          g_autoptr (GstCaps) caps
              = make_rtp_caps (GST_WEBRTC_KIND_VIDEO, pt, 0, self->twcc_id, FALSE);

          /* An audio-only peer declines the video the offer brings. */
          if (self->with_video)
            link_branch (self, GST_WEBRTC_KIND_VIDEO, pt, FALSE);
          else
            add_transceiver (self, GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE, caps);
          video_done = TRUE;
        }
    }
}

/* The remote's answer may decline a stream we offered (inactive, or only
 * sending itself): webrtcbin 1.22 would send it all the same. */
void
_quartet_peer_send_apply_answer (QuartetPeerSend *self, const GstSDPMessage *answer)
{
  self->remote_cap_bps = find_video_cap (answer);
  apply_caps (self);
  for (guint i = 0; i < gst_sdp_message_medias_len (answer); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (answer, i);
      gboolean video = g_strcmp0 (gst_sdp_media_get_media (media), "video") == 0;

      if (!video && g_strcmp0 (gst_sdp_media_get_media (media), "audio") != 0)
        continue;

      if ((gst_sdp_media_get_port (media) == 0
           && gst_sdp_media_get_attribute_val (media, "bundle-only") == NULL)
          || gst_sdp_media_get_attribute_val (media, "inactive") != NULL
          || gst_sdp_media_get_attribute_val (media, "sendonly") != NULL)
        self->branches[video ? 1 : 0].refused = TRUE;
    }
}

/* The connection is up: open the gates, video from a fresh keyframe. */
void
_quartet_peer_send_start (QuartetPeerSend *self)
{
  Branch *audio = &self->branches[0];
  Branch *video = &self->branches[1];

  if (!audio->refused)
    g_atomic_int_set (&audio->gate, GATE_OPEN);

  if (video->feed == NULL || video->refused
      || !g_atomic_int_compare_and_exchange (&video->gate, GATE_CLOSED, GATE_KEYFRAME))
    return;

  /* It travels up the way a remote's PLI does: payloader, queue, feed, tee;
   * unlike a PLI, the encoder does not throttle it. */
  gst_pad_send_event (video->key_pad, _quartet_media_new_peer_start_keyframe_request ());
}

/* Stops feeding this peer; the tees go on for the others. */
void
_quartet_peer_send_stop (QuartetPeerSend *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->branches); i++)
    {
      Branch *branch = &self->branches[i];

      g_atomic_int_set (&branch->gate, GATE_CLOSED);
      if (branch->tee_pad != NULL)
        _quartet_media_release_pad (self->media, branch->tee_pad);
      g_clear_object (&branch->tee_pad);
      if (branch->feed != NULL)
        _quartet_media_release_video_feed (self->media, self->congestion,
                                           g_steal_pointer (&branch->feed));
    }
}

/* The height of the video this peer gets now, 0 when unknown. */
guint
_quartet_peer_send_get_video_height (QuartetPeerSend *self)
{
  QuartetMediaFeed *feed = self->branches[1].feed;

  return feed != NULL ? _quartet_media_get_video_feed_height (self->media, feed) : 0;
}

void
_quartet_peer_send_free (QuartetPeerSend *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->branches); i++)
    {
      g_clear_object (&self->branches[i].tee_pad);
      g_clear_object (&self->branches[i].key_pad);
    }
  g_free (self->stream_id);
  g_free (self);
}
