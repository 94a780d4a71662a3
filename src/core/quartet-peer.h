/* quartet-peer.h: one webrtcbin to one remote user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "quartet-media.h"
#include "quartet-voice-activity.h"

G_BEGIN_DECLS

#define QUARTET_PEER_ERROR (quartet_peer_error_quark ())

typedef enum
{
  QUARTET_PEER_ERROR_INVALID_DESCRIPTION, /* the remote SDP could not be parsed */
  QUARTET_PEER_ERROR_CLOSED,              /* the peer was closed */
} QuartetPeerError;

typedef enum
{
  QUARTET_PEER_STATE_NEW,
  QUARTET_PEER_STATE_CONNECTED,
  QUARTET_PEER_STATE_FAILED,
  QUARTET_PEER_STATE_DISCONNECTED,
  QUARTET_PEER_STATE_CLOSED,
} QuartetPeerState;

/* Which way the media goes, from the selected ICE candidate pair. */
typedef enum
{
  QUARTET_PEER_ROUTE_UNKNOWN, /* no pair selected yet */
  QUARTET_PEER_ROUTE_DIRECT,  /* host or server-reflexive candidates on both ends */
  QUARTET_PEER_ROUTE_RELAYED, /* through a TURN server, ours or theirs */
} QuartetPeerRoute;

typedef struct
{
  guint64 video_frames; /* decoded remote video frames */
  double fps;           /* decoded frames per second over the last second */
  guint64 audio_packets;/* received RTP audio packets */
  double audio_rms_db;  /* the RMS level of their decoded audio over the last second, dBFS */
  double rtt_ms;        /* round-trip time from RTCP, 0 when unknown */
  guint width, height;  /* of the last decoded frame */
  guint estimate_bps;   /* how fast we may send to them (TWCC), 0 when unknown */
  double send_loss;     /* the share of what we sent them that was lost, 0 to 1 */
  guint send_height;    /* of the video we send them now, 0 when unknown */
  double receive_loss;  /* the share of their packets lost over the last second, 0 to 1 */
  QuartetPeerRoute route;
} QuartetPeerStats;

#define QUARTET_TYPE_PEER (quartet_peer_get_type ())
G_DECLARE_FINAL_TYPE (QuartetPeer, quartet_peer, QUARTET, PEER, GObject)

/* Signals, all emitted on the main context the peer was created in (the
 * thread-default one), never after quartet_peer_close():
 *
 *   "local-description" (const char *type, const char *sdp)
 *       type is "offer" or "answer": send it to the remote user.
 *   "local-candidate" (guint sdp_mline_index, const char *candidate)
 *       a trickled ICE candidate ("candidate:..." without "a="), emitted
 *       only after the local-description it belongs to.
 *   "first-video-frame" ()
 *       once, when the first remote video frame has been decoded.
 *   "notify::state"
 *       the `state` property (QuartetPeerState) changed: CONNECTED once ICE
 *       and DTLS are up, DISCONNECTED when ICE lost the remote (it may come
 *       back), FAILED, CLOSED after quartet_peer_close().
 */

GQuark quartet_peer_error_quark (void);

/* @with_video FALSE makes an audio-only connection. @ice_servers: NULL or
 * NULL-terminated "stun://host:port" / "turn://user:pass@host:port" URLs.
 * @relay_only: only relayed (TURN) candidates, hiding our addresses. */
QuartetPeer *quartet_peer_new (QuartetMedia *media,
                               const char *user_id,
                               gboolean with_video,
                               const char *const *ice_servers,
                               gboolean relay_only);

/* Before the offer or answer: the most video (kbit/s) we send and ask the
 * remote to send (b=AS on our video m-line), 0: no limit. */
void quartet_peer_set_video_bandwidth (QuartetPeer *self, guint kbps);

const char *quartet_peer_get_user_id (QuartetPeer *self);
QuartetPeerState quartet_peer_get_state (QuartetPeer *self);
void quartet_peer_get_stats (QuartetPeer *self, QuartetPeerStats *stats);
/* (transfer full) (nullable): the last decoded remote frame, video/x-raw
 * format=RGB, for a video tile. Its info (gst_sample_get_info()) has
 * "decoded-us" (gint64): the g_get_monotonic_time() when it was decoded. */
GstSample *quartet_peer_get_last_frame (QuartetPeer *self);
/* The same, at most @width pixels wide (0: as decoded), the height in
 * proportion: a tile shows it at its own size, and a frame converted and
 * drawn at that size costs a fraction of a 720p one (bench/RESULTS.md,
 * "app-memory"). */
GstSample *quartet_peer_get_last_frame_for_width (QuartetPeer *self, guint width);

/* How loud they are now, in dBFS (QUARTET_AUDIO_LEVEL_SILENT when
 * nothing comes): the RMS of their decoded audio, held as a level meter
 * holds it (quartet-audio-meter.h). */
double quartet_peer_get_audio_level (QuartetPeer *self);

/* Offerer side: emits local-description ("offer", sdp) when ready. The
 * media must have been started: what it sends is linked now. */
void quartet_peer_create_offer (QuartetPeer *self);
/* Answerer side: takes the remote offer, emits local-description ("answer", sdp).
 * We send with the payload types the offer chose for VP8 and Opus. Only the
 * first offer/answer exchange is supported (no renegotiation). */
gboolean quartet_peer_set_remote_offer (QuartetPeer *self, const char *sdp, GError **error);
gboolean quartet_peer_set_remote_answer (QuartetPeer *self, const char *sdp, GError **error);
/* An empty or NULL @candidate (end of candidates) is ignored. */
void quartet_peer_add_remote_candidate (QuartetPeer *self,
                                        guint sdp_mline_index,
                                        const char *candidate);

/* Stops the connection and takes its elements out of the pipeline; state
 * CLOSED. Idempotent; dispose closes a peer that was not closed. */
void quartet_peer_close (QuartetPeer *self);

/* Makes the process's DTLS certificate on a worker thread, if no call made
 * it yet: init() calls it, so that the first call does not wait. */
void quartet_peer_prepare_dtls_certificate (void);
/* Waits until that thread is done; release() calls it. */
void quartet_peer_wait_for_dtls_certificate (void);

G_END_DECLS
