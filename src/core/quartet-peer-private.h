/* quartet-peer-private.h: the sending and receiving halves of a QuartetPeer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/sdp/sdp.h>

#include "quartet-peer.h"

G_BEGIN_DECLS

/* The branches that decode what one webrtcbin receives, and their counters.
 * add_pad() and the counters run on GStreamer streaming threads; everything
 * else on the peer's main context. */
typedef struct _QuartetPeerReceive QuartetPeerReceive;

/* Called on a streaming thread, once, when the first frame was decoded. */
typedef void (*QuartetPeerFirstFrameFunc) (gpointer user_data);

QuartetPeerReceive *_quartet_peer_receive_new (GstBin *bin,
                                               QuartetMedia *media,
                                               gboolean with_video,
                                               QuartetPeerFirstFrameFunc first_frame,
                                               gpointer user_data);
void _quartet_peer_receive_add_pad (QuartetPeerReceive *self, GstPad *pad);
void _quartet_peer_receive_get_stats (QuartetPeerReceive *self, QuartetPeerStats *stats);
GstSample *_quartet_peer_receive_get_last_frame (QuartetPeerReceive *self, guint width);
double _quartet_peer_receive_get_audio_level (QuartetPeerReceive *self);
/* After the webrtcbin stopped: no more pads or data arrive. */
void _quartet_peer_receive_stop (QuartetPeerReceive *self);
void _quartet_peer_receive_free (QuartetPeerReceive *self);

/* The send rate one peer can take, from its TWCC reports, and the budget
 * of its retransmissions. Used from streaming threads; new/free, start/stop
 * on the main context. */
typedef struct _QuartetPeerCongestion QuartetPeerCongestion;

QuartetPeerCongestion *_quartet_peer_congestion_new (QuartetMedia *media);
void _quartet_peer_congestion_watch_reports (QuartetPeerCongestion *self, GstPad *pad);
void _quartet_peer_congestion_add_media_ssrc (QuartetPeerCongestion *self, guint32 ssrc);
void _quartet_peer_congestion_watch_retransmitter (QuartetPeerCongestion *self,
                                                   GstElement *rtxsend);
void _quartet_peer_congestion_start (QuartetPeerCongestion *self);
void _quartet_peer_congestion_stop (QuartetPeerCongestion *self);
void _quartet_peer_congestion_get_estimate (QuartetPeerCongestion *self, guint *bps, double *loss);
void _quartet_peer_congestion_free (QuartetPeerCongestion *self);

/* The branches that feed one webrtcbin from the media's tees. Main context only. */
typedef struct _QuartetPeerSend QuartetPeerSend;

QuartetPeerSend *_quartet_peer_send_new (GstBin *bin,
                                         GstElement *webrtcbin,
                                         QuartetMedia *media,
                                         QuartetPeerCongestion *congestion,
                                         gboolean with_video);
void _quartet_peer_send_link_for_offer (QuartetPeerSend *self);
void _quartet_peer_send_link_for_remote_offer (QuartetPeerSend *self, const GstSDPMessage *offer);
void _quartet_peer_send_apply_answer (QuartetPeerSend *self, const GstSDPMessage *answer);
/* Once connected: until then nothing is sent. */
void _quartet_peer_send_start (QuartetPeerSend *self);
void _quartet_peer_send_stop (QuartetPeerSend *self);
guint _quartet_peer_send_get_video_height (QuartetPeerSend *self);
void _quartet_peer_send_set_own_cap (QuartetPeerSend *self, guint video_bps);
void _quartet_peer_send_free (QuartetPeerSend *self);

/* Before webrtcbin stops: frees the TURN allocations on the server. */
void _quartet_peer_release_ice (GstElement *webrtcbin);
void _quartet_peer_configure_ice (GstElement *webrtcbin,
                                  const char *user_id,
                                  const char *const *servers,
                                  gboolean relay_only);

G_END_DECLS
