/* quartet-peer.h: one webrtcbin to one remote user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "quartet-media.h"

G_BEGIN_DECLS

typedef enum
{
  QUARTET_PEER_STATE_NEW,
  QUARTET_PEER_STATE_CONNECTED,
  QUARTET_PEER_STATE_FAILED,
  QUARTET_PEER_STATE_DISCONNECTED,
  QUARTET_PEER_STATE_CLOSED,
} QuartetPeerState;

typedef struct
{
  guint64 video_frames; /* decoded remote video frames */
  double fps;           /* decoded frames per second over the last second */
  guint64 audio_packets;/* received RTP audio packets */
  double rtt_ms;        /* round-trip time from RTCP, 0 when unknown */
  guint8 average_rgb[3];/* mean colour of the last decoded frame */
  guint width, height;  /* of the last decoded frame */
} QuartetPeerStats;

#define QUARTET_TYPE_PEER (quartet_peer_get_type ())
G_DECLARE_FINAL_TYPE (QuartetPeer, quartet_peer, QUARTET, PEER, GObject)

/* @with_video FALSE makes an audio-only connection. @ice_servers: NULL or
 * NULL-terminated "stun://host:port" / "turn://user:pass@host:port" URLs.
 * @relay_only: only relayed (TURN) candidates, hiding our addresses. */
QuartetPeer *quartet_peer_new (QuartetMedia *media,
                               const char *user_id,
                               gboolean with_video,
                               const char *const *ice_servers,
                               gboolean relay_only);

const char *quartet_peer_get_user_id (QuartetPeer *self);
QuartetPeerState quartet_peer_get_state (QuartetPeer *self);
void quartet_peer_get_stats (QuartetPeer *self, QuartetPeerStats *stats);

/* Offerer side: emits local-description ("offer", sdp) when ready. */
void quartet_peer_create_offer (QuartetPeer *self);
/* Answerer side: takes the remote offer, emits local-description ("answer", sdp). */
gboolean quartet_peer_set_remote_offer (QuartetPeer *self, const char *sdp, GError **error);
gboolean quartet_peer_set_remote_answer (QuartetPeer *self, const char *sdp, GError **error);
void quartet_peer_add_remote_candidate (QuartetPeer *self,
                                        guint sdp_mline_index,
                                        const char *candidate);

/* Stops the connection and takes its elements out of the pipeline; state CLOSED. */
void quartet_peer_close (QuartetPeer *self);

G_END_DECLS
