/* quartet-peer.c: one webrtcbin to one remote user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A peer owns a bin inside its media's pipeline: the webrtcbin, the
 * branches that feed it from the media's tees (quartet-peer-send.c) and
 * those that decode what it receives (quartet-peer-receive.c). This file
 * runs the offer/answer exchange and maps webrtcbin's states to ours.
 *
 * webrtcbin calls us back from its own threads (promises, ICE candidates,
 * state notifications, new pads). What the user sees is carried to the
 * peer's main context through a QuartetMainQueue, which holds no reference
 * to us and drops everything once the peer is closed.
 */
#define G_LOG_DOMAIN "quartet-peer"

#include "quartet-peer.h"
#include "quartet-peer-private.h"
#include "quartet-main-queue.h"
#include "quartet-enums.h"

#include <string.h>

#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

/* Of the audio's jitter buffers, which delay playback by as much; video's
 * wait longer (see quartet-peer-receive.c). */
#define WEBRTC_LATENCY_MS 100
#define STATS_INTERVAL_MS 1000
#define RTCP_BITS_PER_SECOND 30000.0 /* see on_element_added_cb() */
#define TWCC_FEEDBACK_INTERVAL (50 * GST_MSECOND)
#define FIRST_PACKET_WAIT_MS 5 /* see on_new_jitter_buffer_cb() */
/* No RTP at all from the remote for this long: it is gone or cut off. */
#define MEDIA_TIMEOUT_US (4 * G_USEC_PER_SEC)

typedef enum
{
  OP_OFFER_CREATED,
  OP_REMOTE_OFFER_SET,
  OP_ANSWER_CREATED,
  OP_REMOTE_ANSWER_SET,
  OP_LOCAL_SET,
  OP_STATS,
} PromiseOp;

typedef struct
{
  QuartetMainQueue *main_queue;
  PromiseOp op;
  GstPromise *promise; /* once replied */
} PromiseData;

typedef struct
{
  guint mline;
  char *candidate;
} Candidate;

struct _QuartetPeer
{
  GObject parent_instance;

  QuartetMedia *media;
  char *user_id;
  gboolean with_video;
  char **ice_servers;
  gboolean relay_only;
  guint video_bandwidth_kbps; /* b=AS in our descriptions, 0: none */

  QuartetMainQueue *main_queue;
  GstElement *bin;
  GstElement *webrtcbin;
  QuartetPeerSend *send;
  QuartetPeerReceive *receive;
  QuartetPeerCongestion *congestion;
  GSource *stats_source;
  /* Ours until handled: webrtcbin 1.22 drops the operations still queued
   * when it stops without replying to their promises, and a promise freed
   * unanswered is a warning. shut_down() interrupts these first. */
  GPtrArray *pending_promises;
  gboolean negotiating;
  int closed; /* atomic: read on streaming threads */

  QuartetPeerState state;
  double rtt_ms;
  QuartetPeerRoute route;
  double receive_loss;    /* of their packets, over the last second */
  guint64 stats_received; /* what the last stats reply counted */
  gint64 stats_lost;

  /* Media liveness, see check_media_flow(). */
  guint64 media_seen;
  gint64 media_seen_us;
  gboolean media_lost;
};

G_DEFINE_FINAL_TYPE (QuartetPeer, quartet_peer, G_TYPE_OBJECT)
G_DEFINE_QUARK (quartet-peer-error-quark, quartet_peer_error)

enum
{
  PROP_0,
  PROP_MEDIA,
  PROP_USER_ID,
  PROP_WITH_VIDEO,
  PROP_ICE_SERVERS,
  PROP_RELAY_ONLY,
  PROP_STATE,
  N_PROPS
};

enum
{
  SIGNAL_LOCAL_DESCRIPTION,
  SIGNAL_LOCAL_CANDIDATE,
  SIGNAL_FIRST_VIDEO_FRAME,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void handle_promise (QuartetPeer *self, PromiseOp op, GstPromise *promise);

static void
set_state (QuartetPeer *self, QuartetPeerState state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
promise_data_free (gpointer user_data)
{
  PromiseData *data = user_data;

  g_clear_pointer (&data->promise, gst_promise_unref);
  quartet_main_queue_unref (data->main_queue);
  g_free (data);
}

static void
on_promise_main (GObject *object, gpointer user_data)
{
  PromiseData *data = user_data;
  QuartetPeer *self = QUARTET_PEER (object);

  g_ptr_array_remove_fast (self->pending_promises, data->promise);
  handle_promise (self, data->op, data->promise);
}

/* On a webrtcbin thread. */
static void
on_promise_changed_cb (GstPromise *promise, gpointer user_data)
{
  PromiseData *data = user_data;
  PromiseData *reply;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    return;

  reply = g_new0 (PromiseData, 1);
  reply->main_queue = quartet_main_queue_ref (data->main_queue);
  reply->op = data->op;
  reply->promise = gst_promise_ref (promise);
  quartet_main_queue_call (data->main_queue, on_promise_main, reply, promise_data_free);
}

static GstPromise *
new_promise (QuartetPeer *self, PromiseOp op)
{
  PromiseData *data = g_new0 (PromiseData, 1);
  GstPromise *promise;

  data->main_queue = quartet_main_queue_ref (self->main_queue);
  data->op = op;
  promise = gst_promise_new_with_change_func (on_promise_changed_cb, data, promise_data_free);
  g_ptr_array_add (self->pending_promises, gst_promise_ref (promise));
  return promise;
}

static void
candidate_free (gpointer user_data)
{
  Candidate *candidate = user_data;

  g_free (candidate->candidate);
  g_free (candidate);
}

static void
on_candidate_main (GObject *object, gpointer user_data)
{
  Candidate *candidate = user_data;

  g_signal_emit (object, signals[SIGNAL_LOCAL_CANDIDATE], 0, candidate->mline,
                 candidate->candidate);
}

static void
on_ice_candidate_cb (GstElement *webrtcbin, guint mline, char *text, QuartetPeer *self)
{
  Candidate *candidate = g_new0 (Candidate, 1);

  candidate->mline = mline;
  candidate->candidate = g_strdup (text);
  quartet_main_queue_call (self->main_queue, on_candidate_main, candidate, candidate_free);
}

static void
on_state_main (GObject *object, gpointer user_data)
{
  QuartetPeer *self = QUARTET_PEER (object);
  GstWebRTCPeerConnectionState pc;
  GstWebRTCICEConnectionState ice;
  QuartetPeerState state = QUARTET_PEER_STATE_NEW;

  g_object_get (self->webrtcbin, "connection-state", &pc, "ice-connection-state", &ice, NULL);
  g_debug ("%s: connection %d, ICE %d", self->user_id, pc, ice);

  /* connection-state is CONNECTED only once DTLS is up too, and media can
   * flow; ICE tells failures and losses as soon as it sees them. */
  if (pc == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED
      || ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    state = QUARTET_PEER_STATE_FAILED;
  else if (pc == GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED)
    state = QUARTET_PEER_STATE_CLOSED;
  else if (pc == GST_WEBRTC_PEER_CONNECTION_STATE_DISCONNECTED
           || ice == GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED)
    state = QUARTET_PEER_STATE_DISCONNECTED;
  else if (pc == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    state = self->media_lost ? QUARTET_PEER_STATE_DISCONNECTED : QUARTET_PEER_STATE_CONNECTED;

  if (state == QUARTET_PEER_STATE_CONNECTED)
    {
      _quartet_peer_send_start (self->send);
      _quartet_peer_congestion_start (self->congestion);
    }
  set_state (self, state);
}

static void
on_webrtc_state_cb (GObject *webrtcbin, GParamSpec *pspec, QuartetPeer *self)
{
  quartet_main_queue_call (self->main_queue, on_state_main, NULL, NULL);
}

static void
on_first_frame_main (GObject *object, gpointer user_data)
{
  g_signal_emit (object, signals[SIGNAL_FIRST_VIDEO_FRAME], 0);
}

static void
on_first_frame (gpointer user_data)
{
  QuartetPeer *self = user_data;

  quartet_main_queue_call (self->main_queue, on_first_frame_main, NULL, NULL);
}

static void
on_pad_added_cb (GstElement *webrtcbin, GstPad *pad, QuartetPeer *self)
{
  if (!g_atomic_int_get (&self->closed))
    _quartet_peer_receive_add_pad (self->receive, pad);
}

static void
on_media_error_cb (QuartetMedia *media, GstObject *source, GError *error, QuartetPeer *self)
{
  if (!gst_object_has_as_ancestor (source, GST_OBJECT (self->bin)))
    return;

  g_info ("%s: %s failed: %s", self->user_id, GST_OBJECT_NAME (source), error->message);
  set_state (self, QUARTET_PEER_STATE_FAILED);
}

/* The round trip in the report blocks a remote source sent us (NTP short
 * format: 1/65536 s). webrtcbin 1.22 leaves round-trip-time of its
 * remote-inbound-rtp stats at 0 when the report is about another of our
 * SSRCs than the one it looks at (with BUNDLE, audio and video share a
 * session), so we read the RTP source's own figure too. */
static double
report_block_rtt_ms (const GstStructure *inbound)
{
  const GValue *value = gst_structure_get_value (inbound, "gst-rtpsource-stats");
  gboolean have_rb = FALSE;
  guint round_trip = 0;

  if (value == NULL || !GST_VALUE_HOLDS_STRUCTURE (value)
      || !gst_structure_get (gst_value_get_structure (value), "have-rb", G_TYPE_BOOLEAN, &have_rb,
                             "rb-round-trip", G_TYPE_UINT, &round_trip, NULL)
      || !have_rb)
    return 0;
  return round_trip * 1000.0 / 65536.0;
}

typedef struct
{
  double rtt_ms;
  guint64 received; /* RTP packets, all inbound streams */
  gint64 lost;
  QuartetPeerRoute route;
} StatsReply;

/* webrtcbin lists the candidates of the selected pair only: one relayed
 * end makes the route relayed. */
static void
read_candidate_type (StatsReply *reply, const GstStructure *candidate)
{
  const char *type = gst_structure_get_string (candidate, "candidate-type");

  if (g_strcmp0 (type, "relay") == 0)
    reply->route = QUARTET_PEER_ROUTE_RELAYED;
  else if (type != NULL && reply->route == QUARTET_PEER_ROUTE_UNKNOWN)
    reply->route = QUARTET_PEER_ROUTE_DIRECT;
}

static gboolean
read_stats_cb (GQuark field, const GValue *value, gpointer user_data)
{
  StatsReply *reply = user_data;
  const GstStructure *s;
  GstWebRTCStatsType type;
  double seconds;
  guint64 received = 0;
  gint64 lost = 0;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;

  s = gst_value_get_structure (value);
  if (!gst_structure_get (s, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, NULL))
    return TRUE;
  if (type == GST_WEBRTC_STATS_LOCAL_CANDIDATE || type == GST_WEBRTC_STATS_REMOTE_CANDIDATE)
    read_candidate_type (reply, s);
  else if (type == GST_WEBRTC_STATS_REMOTE_INBOUND_RTP
           && gst_structure_get_double (s, "round-trip-time", &seconds))
    reply->rtt_ms = MAX (reply->rtt_ms, seconds * 1000.0);
  else if (type == GST_WEBRTC_STATS_INBOUND_RTP)
    {
      reply->rtt_ms = MAX (reply->rtt_ms, report_block_rtt_ms (s));
      gst_structure_get (s, "packets-received", G_TYPE_UINT64, &received, NULL);
      gst_structure_get (s, "packets-lost", G_TYPE_INT64, &lost, NULL);
      reply->received += received;
      reply->lost += MAX (lost, 0); /* duplicates count negative */
    }

  return TRUE;
}

/* The share of their packets lost since the last reply (rtpsource's
 * counts: what never came, after retransmissions). */
static void
update_receive_loss (QuartetPeer *self, const StatsReply *reply)
{
  guint64 received = reply->received - MIN (reply->received, self->stats_received);
  guint64 lost = reply->lost > self->stats_lost ? reply->lost - self->stats_lost : 0;

  self->receive_loss = received + lost > 0 ? (double)lost / (received + lost) : 0;
  self->stats_received = reply->received;
  self->stats_lost = reply->lost;
}

/* The QuickBlox SDKs' way of asking for less video: b=AS on the video
 * m-line (docs/protocol.md, "SDP: a bandwidth limit"). */
static void
add_video_bandwidth (GstSDPMessage *sdp, guint kbps)
{
  for (guint i = 0; kbps > 0 && i < gst_sdp_message_medias_len (sdp); i++)
    {
      GstSDPMedia *media = (GstSDPMedia *)gst_sdp_message_get_media (sdp, i);

      if (g_strcmp0 (gst_sdp_media_get_media (media), "video") == 0)
        gst_sdp_media_add_bandwidth (media, "AS", kbps);
    }
}

static void
set_local_description (QuartetPeer *self, GstWebRTCSessionDescription *description)
{
  g_autoptr (GstPromise) promise = NULL;
  g_autofree char *sdp = NULL;
  const char *type = gst_webrtc_sdp_type_to_string (description->type);

  add_video_bandwidth (description->sdp, self->video_bandwidth_kbps);
  promise = new_promise (self, OP_LOCAL_SET);
  sdp = gst_sdp_message_as_text (description->sdp);

  g_signal_emit_by_name (self->webrtcbin, "set-local-description", description, promise);
  /* Candidates come after this: webrtcbin gathers once the description is
   * set, and their calls queue behind us. */
  g_signal_emit (self, signals[SIGNAL_LOCAL_DESCRIPTION], 0, type, sdp);
}

static void
handle_promise (QuartetPeer *self, PromiseOp op, GstPromise *promise)
{
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *description = NULL;
  g_autoptr (GError) error = NULL;

  if (reply != NULL && gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL))
    {
      g_info ("%s: negotiation step %d failed: %s", self->user_id, op, error->message);
      if (op != OP_STATS)
        set_state (self, QUARTET_PEER_STATE_FAILED);
      return;
    }

  switch (op)
    {
    case OP_OFFER_CREATED:
    case OP_ANSWER_CREATED:
      if (reply == NULL
          || !gst_structure_get (reply, op == OP_OFFER_CREATED ? "offer" : "answer",
                                 GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &description, NULL))
        {
          g_info ("%s: webrtcbin created no description", self->user_id);
          set_state (self, QUARTET_PEER_STATE_FAILED);
          return;
        }
      set_local_description (self, description);
      gst_webrtc_session_description_free (description);
      break;

    case OP_REMOTE_OFFER_SET:
      {
        g_autoptr (GstPromise) next = new_promise (self, OP_ANSWER_CREATED);

        g_signal_emit_by_name (self->webrtcbin, "create-answer", NULL, next);
        break;
      }

    case OP_STATS:
      if (reply != NULL)
        {
          StatsReply stats = { 0 };

          gst_structure_foreach (reply, read_stats_cb, &stats);
          self->rtt_ms = stats.rtt_ms;
          self->route = stats.route;
          update_receive_loss (self, &stats);
        }
      break;

    case OP_REMOTE_ANSWER_SET:
    case OP_LOCAL_SET:
    default:
      break;
    }
}

/* GStreamer 1.22's webrtcbin cannot turn on libnice's consent freshness
 * (RFC 7675, a construct-only property of the agent it makes), so ICE never
 * notices a peer that died: its keepalives expect no answer. We watch the
 * media instead. Every SDK sends RTP all the time while connected (a muted
 * microphone sends silence, a camera that is off black frames), so a
 * silence of MEDIA_TIMEOUT_US means DISCONNECTED, and media coming back
 * means CONNECTED again. */
static void
check_media_flow (QuartetPeer *self)
{
  QuartetPeerStats stats;
  guint64 seen;
  gint64 now = g_get_monotonic_time ();

  quartet_peer_get_stats (self, &stats);
  seen = stats.video_frames + stats.audio_packets;
  if (seen != self->media_seen)
    {
      self->media_seen = seen;
      self->media_seen_us = now;
      if (self->media_lost)
        {
          g_info ("%s: media flows again", self->user_id);
          self->media_lost = FALSE;
          on_state_main (G_OBJECT (self), NULL);
        }
      return;
    }

  if (self->state == QUARTET_PEER_STATE_CONNECTED && seen > 0 && !self->media_lost
      && now - self->media_seen_us > MEDIA_TIMEOUT_US)
    {
      g_info ("%s: no media for %d s", self->user_id, (int)(MEDIA_TIMEOUT_US / G_USEC_PER_SEC));
      self->media_lost = TRUE;
      set_state (self, QUARTET_PEER_STATE_DISCONNECTED);
    }
}

static gboolean
on_stats_timeout_cb (gpointer user_data)
{
  QuartetPeer *self = user_data;

  check_media_flow (self);

  if (self->state == QUARTET_PEER_STATE_CONNECTED)
    {
      g_autoptr (GstPromise) promise = new_promise (self, OP_STATS);

      g_signal_emit_by_name (self->webrtcbin, "get-stats", NULL, promise);
    }

  return G_SOURCE_CONTINUE;
}

/* A jitter buffer that has not seen a packet holds the first for its whole
 * latency, in case an earlier one comes late: 100 ms of a call's first
 * frame and first sound (`faststart-min-packets` only counts the packets
 * behind the first: a frame later). So each starts with
 * FIRST_PACKET_WAIT_MS, and gets its stream's latency when the stream is
 * linked (quartet-peer-receive.c). */
static void
on_new_jitter_buffer_cb (
    GstElement *rtpbin, GstElement *buffer, guint session, guint ssrc, gpointer user_data)
{
  g_object_set (buffer, "latency", FIRST_PACKET_WAIT_MS, NULL);
}

/* webrtcbin makes its rtpbin when it is made. */
static void
watch_jitter_buffers (GstElement *webrtcbin)
{
  g_autoptr (GstElement) rtpbin = gst_bin_get_by_name (GST_BIN (webrtcbin), "rtpbin");

  if (rtpbin != NULL)
    g_signal_connect (rtpbin, "new-jitterbuffer", G_CALLBACK (on_new_jitter_buffer_cb), NULL);
}

/* RFC 4585 lets a receiver send feedback (a NACK, a PLI) early, but
 * rtpsession sends at most one early RTCP packet per regular RTCP
 * interval, and that interval follows the RTCP bandwidth, by default 5% of
 * what the session sends. A test pattern at 60-100 kbit/s made it about a
 * second: a NACK waited that long, its retransmission came after the jitter
 * buffer had given the packet up, and the picture froze until a keyframe.
 * A fixed budget of 30 kbit/s makes the interval some 50 ms whatever the
 * video rate; feedback is only sent when there is something to say.
 *
 * Our transport-wide congestion control reports go every
 * TWCC_FEEDBACK_INTERVAL, as libwebrtc's do. rtpsession's default, a
 * report at the end of each frame (its marker bit), stalls when a queue
 * overflows and the frames' last packets are lost: the sender heard
 * nothing for 400 ms just when its rate mattered most.
 *
 * The retransmitter gets a budget (quartet-peer-congestion.c).
 *
 * rtpsession holds a new sender's packets until `probation` of them came
 * in sequence, against stray packets on a plain RTP port: at the first,
 * one-packet rung of the ladder a call's first frame waited for the
 * second (bench/RESULTS.md, "setup against the browser"). SRTP
 * authenticates every packet: there is no stray one. */
static void
on_element_added_cb (GstBin *bin, GstBin *sub_bin, GstElement *element, gpointer user_data)
{
  QuartetPeer *self = user_data;
  GstElementFactory *factory = gst_element_get_factory (element);
  const char *name = factory != NULL ? GST_OBJECT_NAME (factory) : "";

  if (g_str_equal (name, "rtpsession"))
    {
      g_autoptr (GObject) session = NULL;

      g_object_set (element, "rtcp-fraction", RTCP_BITS_PER_SECOND, "probation", 0, NULL);
      /* Only the element's session object has it. */
      g_object_get (element, "internal-session", &session, NULL);
      g_object_set (session, "twcc-feedback-interval", TWCC_FEEDBACK_INTERVAL, NULL);
    }
  else if (g_str_equal (name, "rtprtxsend"))
    _quartet_peer_congestion_watch_retransmitter (self->congestion, element);
}

static void
quartet_peer_constructed (GObject *object)
{
  QuartetPeer *self = QUARTET_PEER (object);
  GstPipeline *pipeline = quartet_media_get_pipeline (self->media);

  G_OBJECT_CLASS (quartet_peer_parent_class)->constructed (object);

  self->bin = gst_object_ref_sink (gst_bin_new (NULL));
  /* The media tells a peer's errors from the capture's by this. */
  g_object_set_data (G_OBJECT (self->bin), "quartet-peer", self);
  self->webrtcbin = gst_element_factory_make_full ("webrtcbin", "latency", WEBRTC_LATENCY_MS, NULL);
  g_assert (self->webrtcbin != NULL); /* quartet_media_start() checked for it */
  gst_object_ref (self->webrtcbin);
  gst_util_set_object_arg (G_OBJECT (self->webrtcbin), "bundle-policy", "max-bundle");
  self->congestion = _quartet_peer_congestion_new (self->media);
  g_signal_connect (self->webrtcbin, "deep-element-added", G_CALLBACK (on_element_added_cb), self);
  watch_jitter_buffers (self->webrtcbin);
  _quartet_peer_configure_ice (self->webrtcbin, self->user_id,
                               (const char *const *)self->ice_servers, self->relay_only);
  gst_bin_add (GST_BIN (self->bin), self->webrtcbin);

  self->send = _quartet_peer_send_new (GST_BIN (self->bin), self->webrtcbin, self->media,
                                       self->congestion, self->with_video);
  self->receive = _quartet_peer_receive_new (GST_BIN (self->bin), self->media, self->with_video,
                                             on_first_frame, self);
  g_signal_connect (self->webrtcbin, "on-ice-candidate", G_CALLBACK (on_ice_candidate_cb), self);
  g_signal_connect (self->webrtcbin, "notify::connection-state", G_CALLBACK (on_webrtc_state_cb),
                    self);
  g_signal_connect (self->webrtcbin, "notify::ice-connection-state",
                    G_CALLBACK (on_webrtc_state_cb), self);
  g_signal_connect (self->webrtcbin, "pad-added", G_CALLBACK (on_pad_added_cb), self);
  g_signal_connect (self->media, "error", G_CALLBACK (on_media_error_cb), self);

  gst_bin_add (GST_BIN (pipeline), self->bin);
  gst_element_sync_state_with_parent (self->bin);

  self->stats_source = g_timeout_source_new (STATS_INTERVAL_MS);
  g_source_set_callback (self->stats_source, on_stats_timeout_cb, self, NULL);
  g_source_attach (self->stats_source, quartet_main_queue_get_context (self->main_queue));
}

/* Everything close() does but the notification; also for dispose. */
static void
shut_down (QuartetPeer *self)
{
  GstPipeline *pipeline;

  if (g_atomic_int_get (&self->closed) || self->bin == NULL)
    return;

  g_atomic_int_set (&self->closed, TRUE);
  quartet_main_queue_forget (self->main_queue);

  if (self->stats_source != NULL)
    g_source_destroy (self->stats_source);
  g_clear_pointer (&self->stats_source, g_source_unref);

  /* Stop feeding first: the tees go on for the other peers. */
  _quartet_peer_send_stop (self->send);
  _quartet_peer_congestion_stop (self->congestion);

  _quartet_peer_release_ice (self->webrtcbin);
  for (guint i = 0; i < self->pending_promises->len; i++)
    gst_promise_interrupt (g_ptr_array_index (self->pending_promises, i));
  /* This waits for webrtcbin's threads: after it, none of our callbacks run. */
  gst_element_set_state (self->webrtcbin, GST_STATE_NULL);
  g_ptr_array_set_size (self->pending_promises, 0);
  g_signal_handlers_disconnect_by_data (self->webrtcbin, self);
  g_signal_handlers_disconnect_by_data (self->media, self);

  /* The bin's streaming threads stop before its pads on the shared
   * playback mixer go: audiomixer (1.22.0) may still touch a pad released
   * while a buffer is on its way into it. Locked first, because the
   * pipeline may be finishing an asynchronous state change meanwhile (a
   * sink another peer added prerolled): its continuation sets every child
   * it holds back to PLAYING, this bin too, which would then be dropped
   * while PLAYING with its streaming threads still running. */
  gst_element_set_locked_state (self->bin, TRUE);
  gst_element_set_state (self->bin, GST_STATE_NULL);
  _quartet_peer_receive_stop (self->receive);

  pipeline = quartet_media_get_pipeline (self->media);
  if (GST_OBJECT_PARENT (self->bin) == GST_OBJECT (pipeline))
    gst_bin_remove (GST_BIN (pipeline), self->bin);
}

static void
quartet_peer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetPeer *self = QUARTET_PEER (object);

  switch (prop_id)
    {
    case PROP_MEDIA:
      g_value_set_object (value, self->media);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_WITH_VIDEO:
      g_value_set_boolean (value, self->with_video);
      break;
    case PROP_ICE_SERVERS:
      g_value_set_boxed (value, self->ice_servers);
      break;
    case PROP_RELAY_ONLY:
      g_value_set_boolean (value, self->relay_only);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_peer_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  QuartetPeer *self = QUARTET_PEER (object);

  switch (prop_id)
    {
    case PROP_MEDIA:
      self->media = g_value_dup_object (value);
      break;
    case PROP_USER_ID:
      self->user_id = g_value_dup_string (value);
      break;
    case PROP_WITH_VIDEO:
      self->with_video = g_value_get_boolean (value);
      break;
    case PROP_ICE_SERVERS:
      self->ice_servers = g_value_dup_boxed (value);
      break;
    case PROP_RELAY_ONLY:
      self->relay_only = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_peer_dispose (GObject *object)
{
  QuartetPeer *self = QUARTET_PEER (object);

  shut_down (self);
  g_clear_object (&self->webrtcbin);
  g_clear_object (&self->bin);
  g_clear_pointer (&self->send, _quartet_peer_send_free);
  g_clear_pointer (&self->congestion, _quartet_peer_congestion_free);
  g_clear_pointer (&self->receive, _quartet_peer_receive_free);
  g_clear_object (&self->media);

  G_OBJECT_CLASS (quartet_peer_parent_class)->dispose (object);
}

static void
quartet_peer_finalize (GObject *object)
{
  QuartetPeer *self = QUARTET_PEER (object);

  quartet_main_queue_forget (self->main_queue);
  quartet_main_queue_unref (self->main_queue);
  g_ptr_array_unref (self->pending_promises);
  g_strfreev (self->ice_servers);
  g_free (self->user_id);

  G_OBJECT_CLASS (quartet_peer_parent_class)->finalize (object);
}

static void
quartet_peer_class_init (QuartetPeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = quartet_peer_constructed;
  object_class->get_property = quartet_peer_get_property;
  object_class->set_property = quartet_peer_set_property;
  object_class->dispose = quartet_peer_dispose;
  object_class->finalize = quartet_peer_finalize;

  properties[PROP_MEDIA]
      = g_param_spec_object ("media", NULL, NULL, QUARTET_TYPE_MEDIA,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_ID]
      = g_param_spec_string ("user-id", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WITH_VIDEO]
      = g_param_spec_boolean ("with-video", NULL, NULL, TRUE,
                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICE_SERVERS]
      = g_param_spec_boxed ("ice-servers", NULL, NULL, G_TYPE_STRV,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RELAY_ONLY]
      = g_param_spec_boolean ("relay-only", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, QUARTET_TYPE_PEER_STATE, QUARTET_PEER_STATE_NEW,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_LOCAL_DESCRIPTION]
      = g_signal_new ("local-description", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_LOCAL_CANDIDATE]
      = g_signal_new ("local-candidate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_FIRST_VIDEO_FRAME]
      = g_signal_new ("first-video-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 0);
}

static void
quartet_peer_init (QuartetPeer *self)
{
  self->main_queue = quartet_main_queue_new (G_OBJECT (self));
  self->pending_promises = g_ptr_array_new_with_free_func ((GDestroyNotify)gst_promise_unref);
}

/* GStreamer's DTLS elements share one certificate per process, made by the
 * first of them: an RSA key pair, 0.1-0.2 s of CPU that the first call
 * would pay between the answer and its media. */
static gpointer
make_dtls_certificate_thread (gpointer user_data)
{
  GstElement *decoder = gst_element_factory_make ("dtlsdec", NULL);

  if (decoder != NULL)
    gst_object_unref (gst_object_ref_sink (decoder));
  return NULL;
}

static GMutex certificate_lock;
static gboolean certificate_started;
static GThread *certificate_thread; /* until joined */

void
quartet_peer_prepare_dtls_certificate (void)
{
  g_mutex_lock (&certificate_lock);
  if (!certificate_started)
    certificate_thread = g_thread_new ("quartet-dtls", make_dtls_certificate_thread, NULL);
  certificate_started = TRUE;
  g_mutex_unlock (&certificate_lock);
}

/* OpenSSL frees its state at exit(): a process that ended while the thread
 * still made the key crashed (seen with `listen --count 1`). */
void
quartet_peer_wait_for_dtls_certificate (void)
{
  GThread *thread;

  g_mutex_lock (&certificate_lock);
  thread = g_steal_pointer (&certificate_thread);
  g_mutex_unlock (&certificate_lock);
  if (thread != NULL)
    g_thread_join (thread);
}

QuartetPeer *
quartet_peer_new (QuartetMedia *media,
                  const char *user_id,
                  gboolean with_video,
                  const char *const *ice_servers,
                  gboolean relay_only)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (media), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  return g_object_new (QUARTET_TYPE_PEER, "media", media, "user-id", user_id, "with-video",
                       with_video, "ice-servers", ice_servers, "relay-only", relay_only, NULL);
}

const char *
quartet_peer_get_user_id (QuartetPeer *self)
{
  g_return_val_if_fail (QUARTET_IS_PEER (self), NULL);

  return self->user_id;
}

QuartetPeerState
quartet_peer_get_state (QuartetPeer *self)
{
  g_return_val_if_fail (QUARTET_IS_PEER (self), QUARTET_PEER_STATE_CLOSED);

  return self->state;
}

void
quartet_peer_set_video_bandwidth (QuartetPeer *self, guint kbps)
{
  g_return_if_fail (QUARTET_IS_PEER (self));

  self->video_bandwidth_kbps = kbps;
  _quartet_peer_send_set_own_cap (self->send, kbps * 1000);
}

void
quartet_peer_get_stats (QuartetPeer *self, QuartetPeerStats *stats)
{
  g_return_if_fail (QUARTET_IS_PEER (self));
  g_return_if_fail (stats != NULL);

  memset (stats, 0, sizeof *stats);
  _quartet_peer_receive_get_stats (self->receive, stats);
  _quartet_peer_congestion_get_estimate (self->congestion, &stats->estimate_bps, &stats->send_loss);
  stats->send_height = _quartet_peer_send_get_video_height (self->send);
  stats->rtt_ms = self->rtt_ms;
  stats->receive_loss = self->receive_loss;
  stats->route = self->route;
}

GstSample *
quartet_peer_get_last_frame (QuartetPeer *self)
{
  return quartet_peer_get_last_frame_for_width (self, 0);
}

GstSample *
quartet_peer_get_last_frame_for_width (QuartetPeer *self, guint width)
{
  g_return_val_if_fail (QUARTET_IS_PEER (self), NULL);

  return _quartet_peer_receive_get_last_frame (self->receive, width);
}

double
quartet_peer_get_audio_level (QuartetPeer *self)
{
  g_return_val_if_fail (QUARTET_IS_PEER (self), QUARTET_AUDIO_LEVEL_SILENT);

  return _quartet_peer_receive_get_audio_level (self->receive);
}

void
quartet_peer_create_offer (QuartetPeer *self)
{
  g_autoptr (GstPromise) promise = NULL;

  g_return_if_fail (QUARTET_IS_PEER (self));

  if (self->closed || self->negotiating)
    return;

  self->negotiating = TRUE;
  _quartet_peer_send_link_for_offer (self->send);

  promise = new_promise (self, OP_OFFER_CREATED);
  g_signal_emit_by_name (self->webrtcbin, "create-offer", NULL, promise);
}

static GstWebRTCSessionDescription *
parse_description (QuartetPeer *self, GstWebRTCSDPType type, const char *sdp, GError **error)
{
  GstSDPMessage *message = NULL;

  if (self->closed)
    {
      g_set_error_literal (error, QUARTET_PEER_ERROR, QUARTET_PEER_ERROR_CLOSED,
                           "The connection is closed");
      return NULL;
    }

  if (sdp == NULL || gst_sdp_message_new_from_text (sdp, &message) != GST_SDP_OK
      || gst_sdp_message_medias_len (message) == 0)
    {
      g_clear_pointer (&message, gst_sdp_message_free);
      g_set_error (error, QUARTET_PEER_ERROR, QUARTET_PEER_ERROR_INVALID_DESCRIPTION,
                   "The %s from %s is not a valid session description",
                   gst_webrtc_sdp_type_to_string (type), self->user_id);
      return NULL;
    }

  return gst_webrtc_session_description_new (type, message);
}

gboolean
quartet_peer_set_remote_offer (QuartetPeer *self, const char *sdp, GError **error)
{
  g_autoptr (GstWebRTCSessionDescription) offer = NULL;
  g_autoptr (GstPromise) promise = NULL;

  g_return_val_if_fail (QUARTET_IS_PEER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  offer = parse_description (self, GST_WEBRTC_SDP_TYPE_OFFER, sdp, error);
  if (offer == NULL)
    return FALSE;

  /* Before the remote description: webrtcbin pairs the offer's m-lines
   * with the transceivers it already has. */
  _quartet_peer_send_link_for_remote_offer (self->send, offer->sdp);
  self->negotiating = TRUE;

  promise = new_promise (self, OP_REMOTE_OFFER_SET);
  g_signal_emit_by_name (self->webrtcbin, "set-remote-description", offer, promise);
  return TRUE;
}

gboolean
quartet_peer_set_remote_answer (QuartetPeer *self, const char *sdp, GError **error)
{
  g_autoptr (GstWebRTCSessionDescription) answer = NULL;
  g_autoptr (GstPromise) promise = NULL;

  g_return_val_if_fail (QUARTET_IS_PEER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  answer = parse_description (self, GST_WEBRTC_SDP_TYPE_ANSWER, sdp, error);
  if (answer == NULL)
    return FALSE;

  _quartet_peer_send_apply_answer (self->send, answer->sdp);
  promise = new_promise (self, OP_REMOTE_ANSWER_SET);
  g_signal_emit_by_name (self->webrtcbin, "set-remote-description", answer, promise);
  return TRUE;
}

void
quartet_peer_add_remote_candidate (QuartetPeer *self, guint sdp_mline_index, const char *candidate)
{
  g_return_if_fail (QUARTET_IS_PEER (self));

  if (self->closed || candidate == NULL || *candidate == '\0')
    return;

  /* Some signaling keeps the SDP attribute prefix. */
  if (g_str_has_prefix (candidate, "a="))
    candidate += strlen ("a=");

  g_signal_emit_by_name (self->webrtcbin, "add-ice-candidate", sdp_mline_index, candidate);
}

void
quartet_peer_close (QuartetPeer *self)
{
  g_return_if_fail (QUARTET_IS_PEER (self));

  shut_down (self);
  set_state (self, QUARTET_PEER_STATE_CLOSED);
}
