/* quartet-call-participant.c: one remote user of a call session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Holds what belongs to one remote user: the peer connection, the dialing
 * re-send and answer timers while we call them, the disconnect timer, and
 * what arrives before it can be used (their offer before accept(), ICE
 * candidates before the remote description).
 *
 * It also repairs a connection that broke (docs/protocol.md, "The update
 * signal and reconnection"): after the repair delay without it
 * coming back, the session gives it a new peer to offer from, in an
 * `update`; a repair offer of theirs replaces the peer too. The disconnect
 * timer bounds the whole repair, from the moment the connection broke.
 */
#define G_LOG_DOMAIN "quartet-call"

#include "quartet-call-participant-private.h"

#include <string.h>

#include "quartet-enums.h"

/* A repair offer with no answer after this long was lost (the XMPP
 * connection broke with the network, say): it is made again, with a new
 * peer, until the disconnect timer gives up. */
#define REPAIR_ANSWER_TIMEOUT_MS 8000
/* A repair's new connection, answered, that is not up after this long
 * is rebuilt once more (the disconnect timer still bounds the whole
 * repair). While the network is away its TURN allocation fails, and a
 * connection without candidates never fails by itself: a laptop that took
 * 10 s to change networks stayed "Reconnecting" until the call ended. */
#define REPAIR_CONNECT_TIMEOUT_MS 8000
/* How long two repair offers may take to cross: a signalling round trip
 * and the time to make an answer, with room to spare. */
#define REPAIR_CROSSING_MS 2000

typedef struct
{
  guint sdp_mline_index;
  char *candidate;
} PendingCandidate;

G_DEFINE_FINAL_TYPE (QuartetCallParticipant, quartet_call_participant, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_USER_ID,
  PROP_JID,
  PROP_PEER_STATE,
  PROP_PEER,
  PROP_RECEIVING_VIDEO,
  PROP_AUDIO_LEVEL,
  PROP_SPEAKING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pending_candidate_free (PendingCandidate *pending)
{
  g_free (pending->candidate);
  g_free (pending);
}

/* (transfer full): @events go to @user_data (the session, which owns the
 * participant), on the main thread. */
QuartetCallParticipant *
_quartet_call_participant_new (const char *user_id,
                               const char *jid,
                               guint disconnect_timeout_ms,
                               guint repair_delay_ms,
                               const QuartetCallParticipantEvents *events,
                               gpointer user_data)
{
  QuartetCallParticipant *self = g_object_new (QUARTET_TYPE_CALL_PARTICIPANT, NULL);

  self->user_id = g_strdup (user_id);
  self->jid = g_strdup (jid);
  self->disconnect_timeout_ms = disconnect_timeout_ms;
  self->repair_delay_ms = repair_delay_ms;
  self->events = events;
  self->user_data = user_data;
  return self;
}

/* Tells the session, after the property has changed. */
static void
report_state (QuartetCallParticipant *self, QuartetPeerState state)
{
  if (self->peer_state != state)
    {
      self->peer_state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_STATE]);
    }
  self->events->state (self, state, self->user_data);
}

static void
set_peer (QuartetCallParticipant *self, QuartetPeer *peer)
{
  if (g_set_object (&self->peer, peer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER]);
}

static void
stop_dialing (QuartetCallParticipant *self)
{
  g_clear_handle_id (&self->dialing_id, g_source_remove);
  g_clear_handle_id (&self->answer_timeout_id, g_source_remove);
  g_clear_pointer (&self->dialing_call, quartet_signal_free);
}

static void
close_retired_peer (QuartetCallParticipant *self)
{
  if (self->retired == NULL)
    return;

  quartet_peer_close (self->retired);
  g_clear_object (&self->retired);
}

static void
close_peer (QuartetCallParticipant *self)
{
  g_clear_handle_id (&self->connect_id, g_source_remove);
  close_retired_peer (self);
  if (self->peer == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->peer, self);
  quartet_peer_close (self->peer);
  set_peer (self, NULL);
}

/* Silently: the session emits the event that explains why. */
void
_quartet_call_participant_leave (QuartetCallParticipant *self)
{
  self->gone = TRUE;
  stop_dialing (self);
  close_peer (self);
  g_clear_handle_id (&self->disconnect_id, g_source_remove);
  g_clear_handle_id (&self->repair_id, g_source_remove);
  g_clear_pointer (&self->pending_offer, g_free);
  g_clear_pointer (&self->repair_offer_id, g_free);
  g_clear_pointer (&self->answering_offer_id, g_free);
  g_ptr_array_set_size (self->pending_candidates, 0);
}

static void
quartet_call_participant_dispose (GObject *object)
{
  QuartetCallParticipant *self = QUARTET_CALL_PARTICIPANT (object);

  _quartet_call_participant_leave (self);
  G_OBJECT_CLASS (quartet_call_participant_parent_class)->dispose (object);
}

static void
quartet_call_participant_finalize (GObject *object)
{
  QuartetCallParticipant *self = QUARTET_CALL_PARTICIPANT (object);

  g_ptr_array_unref (self->pending_candidates);
  g_free (self->local_sdp);
  g_free (self->user_id);
  g_free (self->jid);
  G_OBJECT_CLASS (quartet_call_participant_parent_class)->finalize (object);
}

static void
quartet_call_participant_get_property (GObject *object,
                                       guint prop_id,
                                       GValue *value,
                                       GParamSpec *pspec)
{
  QuartetCallParticipant *self = QUARTET_CALL_PARTICIPANT (object);

  switch (prop_id)
    {
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_JID:
      g_value_set_string (value, self->jid);
      break;
    case PROP_PEER_STATE:
      g_value_set_enum (value, self->peer_state);
      break;
    case PROP_PEER:
      g_value_set_object (value, self->peer);
      break;
    case PROP_RECEIVING_VIDEO:
      g_value_set_boolean (value, self->receiving_video);
      break;
    case PROP_AUDIO_LEVEL:
      g_value_set_double (value, self->voice.level);
      break;
    case PROP_SPEAKING:
      g_value_set_boolean (value, self->voice.speaking);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_call_participant_class_init (QuartetCallParticipantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = quartet_call_participant_dispose;
  object_class->finalize = quartet_call_participant_finalize;
  object_class->get_property = quartet_call_participant_get_property;

  /* Their QuickBlox user id (the bare JID on a plain XMPP server). */
  properties[PROP_USER_ID] = g_param_spec_string ("user-id", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Where their signals go. */
  properties[PROP_JID]
      = g_param_spec_string ("jid", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* What the SDK's PEER_CONNECTION_STATE_CHANGED last said of them: NEW
   * once a connection is made, CLOSED at the end, FAILED or DISCONNECTED
   * while it is broken. */
  properties[PROP_PEER_STATE] = g_param_spec_enum (
      "peer-state", NULL, NULL, QUARTET_TYPE_PEER_STATE, QUARTET_PEER_STATE_NEW,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* (nullable): the connection to them (a new one after a repair). */
  properties[PROP_PEER]
      = g_param_spec_object ("peer", NULL, NULL, QUARTET_TYPE_PEER,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Their first video frame has been decoded (RECEIVED_VIDEO_TRACK). */
  properties[PROP_RECEIVING_VIDEO]
      = g_param_spec_boolean ("receiving-video", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* How loud they are, in dBFS (quartet-voice-activity.h), read every
   * QUARTET_VOICE_ACTIVITY_INTERVAL_MS while the call is on. */
  properties[PROP_AUDIO_LEVEL] = g_param_spec_double (
      "audio-level", NULL, NULL, QUARTET_AUDIO_LEVEL_SILENT, 0.0, QUARTET_AUDIO_LEVEL_SILENT,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* They are talking now: for the tile that shows who speaks. */
  properties[PROP_SPEAKING]
      = g_param_spec_boolean ("speaking", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quartet_call_participant_init (QuartetCallParticipant *self)
{
  self->pending_candidates
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pending_candidate_free);
  quartet_voice_activity_init (&self->voice);
}

const char *
quartet_call_participant_get_user_id (QuartetCallParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_PARTICIPANT (self), NULL);

  return self->user_id;
}

const char *
quartet_call_participant_get_jid (QuartetCallParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_PARTICIPANT (self), NULL);

  return self->jid;
}

QuartetPeerState
quartet_call_participant_get_peer_state (QuartetCallParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_PARTICIPANT (self), QUARTET_PEER_STATE_NEW);

  return self->peer_state;
}

/* (nullable) (transfer none) */
QuartetPeer *
quartet_call_participant_get_peer (QuartetCallParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_PARTICIPANT (self), NULL);

  return self->peer;
}

gboolean
quartet_call_participant_get_receiving_video (QuartetCallParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_PARTICIPANT (self), FALSE);

  return self->receiving_video;
}

double
quartet_call_participant_get_audio_level (QuartetCallParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_PARTICIPANT (self), QUARTET_AUDIO_LEVEL_SILENT);

  return self->voice.level;
}

gboolean
quartet_call_participant_get_speaking (QuartetCallParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_PARTICIPANT (self), FALSE);

  return self->voice.speaking;
}

/* Silent without a connection: one being repaired has no sound yet. */
void
_quartet_call_participant_update_voice (QuartetCallParticipant *self, gint64 now_us)
{
  double level = self->peer != NULL && !self->gone ? quartet_peer_get_audio_level (self->peer)
                                                   : QUARTET_AUDIO_LEVEL_SILENT;
  QuartetVoiceChanges changes = quartet_voice_activity_update (&self->voice, level, now_us);

  if (changes & QUARTET_VOICE_CHANGED_LEVEL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_LEVEL]);
  if (changes & QUARTET_VOICE_CHANGED_SPEAKING)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEAKING]);
}

/* As the SDKs do, every peer connection that was made ends with one CLOSED,
 * whatever ended it, after the event that says why. */
void
_quartet_call_participant_report_closed (QuartetCallParticipant *self)
{
  if (!self->had_peer || self->closed_reported)
    return;

  self->closed_reported = TRUE;
  report_state (self, QUARTET_PEER_STATE_CLOSED);
}

/* webrtcbin names candidates by m-line index only; signals also carry the
 * m-line's a=mid, which we read from our own description. */
static char *
mid_for_mline (const char *sdp, guint mline_index)
{
  g_auto (GStrv) lines = g_strsplit (sdp ? sdp : "", "\n", -1);
  int current = -1;

  for (char **line = lines; *line != NULL; line++)
    {
      if (g_str_has_prefix (*line, "m="))
        current++;
      else if (current == (int)mline_index && g_str_has_prefix (*line, "a=mid:"))
        return g_strstrip (g_strdup (*line + strlen ("a=mid:")));
    }

  return g_strdup_printf ("%u", mline_index);
}

static void
on_local_description_cb (QuartetPeer *peer, const char *type, const char *sdp, gpointer user_data)
{
  QuartetCallParticipant *self = user_data;

  g_free (self->local_sdp);
  self->local_sdp = g_strdup (sdp);

  if (g_str_equal (type, "offer") && self->repair_offer_id != NULL)
    {
      self->events->update (self, type, sdp, self->repair_offer_id, self->user_data);
    }
  else if (self->answering_offer_id != NULL)
    {
      g_autofree char *offer_id = g_steal_pointer (&self->answering_offer_id);

      self->events->update (self, type, sdp, offer_id, self->user_data);
    }
  else if (g_str_equal (type, "offer"))
    {
      self->events->offer (self, sdp, self->user_data);
    }
  else
    {
      self->events->answer (self, sdp, self->user_data);
    }
}

static void
on_local_candidate_cb (QuartetPeer *peer,
                       guint sdp_mline_index,
                       const char *candidate,
                       gpointer user_data)
{
  QuartetCallParticipant *self = user_data;
  g_autofree char *mid = mid_for_mline (self->local_sdp, sdp_mline_index);

  self->events->candidate (self, mid, sdp_mline_index, candidate, self->user_data);
}

static void
report_repair_outcome (QuartetCallParticipant *self, QuartetReconnectState outcome)
{
  if (!self->reconnecting)
    return;

  self->reconnecting = FALSE;
  self->events->reconnect (self, outcome, self->user_data);
}

static gboolean
on_disconnect_timeout_cb (gpointer user_data)
{
  QuartetCallParticipant *self = user_data;

  self->disconnect_id = 0;
  g_info ("%s stayed disconnected for %u ms; closing", self->user_id,
          self->disconnect_timeout_ms);
  _quartet_call_participant_leave (self);
  report_repair_outcome (self, QUARTET_RECONNECT_STATE_FAILED);
  _quartet_call_participant_report_closed (self);
  return G_SOURCE_REMOVE;
}

/* A connection that never worked (ICE never got through) or cannot be
 * used: the user's tile shows FAILED, then the peer is closed like one that
 * stayed disconnected. */
static void
fail (QuartetCallParticipant *self)
{
  _quartet_call_participant_leave (self);
  report_state (self, QUARTET_PEER_STATE_FAILED);
  report_repair_outcome (self, QUARTET_RECONNECT_STATE_FAILED);
  _quartet_call_participant_report_closed (self);
}

static gboolean
on_repair_cb (gpointer user_data)
{
  QuartetCallParticipant *self = user_data;

  self->repair_id = 0;
  if (self->repair_offer_id != NULL)
    g_info ("%s: our repair offer got no answer; offering again", self->user_id);
  else if (self->repair_awaits_up)
    g_info ("%s: the rebuilt connection is not up after %u ms; rebuilding it again", self->user_id,
            REPAIR_CONNECT_TIMEOUT_MS);
  else
    g_info ("%s: the connection did not come back; rebuilding it", self->user_id);
  self->events->repair (self, self->user_data);
  return G_SOURCE_REMOVE;
}

static void
arm_repair (QuartetCallParticipant *self, guint delay_ms, gboolean awaits_up)
{
  self->repair_id = g_timeout_add (delay_ms, on_repair_cb, self);
  self->repair_awaits_up = awaits_up;
}

/* The connection broke: it may come back by itself (ICE recovers on an
 * unchanged path), else it is rebuilt, again while it stays broken, until
 * the disconnect timer gives up (docs/protocol.md, Peer connection states). */
static void
begin_repair (QuartetCallParticipant *self)
{
  if (!self->reconnecting)
    {
      self->reconnecting = TRUE;
      self->events->reconnect (self, QUARTET_RECONNECT_STATE_RECONNECTING, self->user_data);
    }
  if (self->disconnect_id == 0)
    self->disconnect_id
        = g_timeout_add (self->disconnect_timeout_ms, on_disconnect_timeout_cb, self);
  /* A rebuilt connection that broke too needs no more waiting for. */
  if (self->repair_awaits_up)
    g_clear_handle_id (&self->repair_id, g_source_remove);
  if (self->repair_id == 0)
    arm_repair (self, self->repair_delay_ms, FALSE);
}

static void
end_repair (QuartetCallParticipant *self)
{
  close_retired_peer (self);
  g_clear_handle_id (&self->disconnect_id, g_source_remove);
  g_clear_handle_id (&self->repair_id, g_source_remove);
  report_repair_outcome (self, QUARTET_RECONNECT_STATE_RECONNECTED);
}

static gboolean
on_connect_timeout_cb (gpointer user_data)
{
  QuartetCallParticipant *self = user_data;

  self->connect_id = 0;
  g_info ("%s did not connect within %u ms (no usable ICE path)", self->user_id,
          self->disconnect_timeout_ms);
  fail (self);
  return G_SOURCE_REMOVE;
}

static void
on_peer_state_notify_cb (QuartetPeer *peer, GParamSpec *pspec, gpointer user_data)
{
  QuartetCallParticipant *self = user_data;
  QuartetPeerState state = quartet_peer_get_state (peer);

  switch (state)
    {
    case QUARTET_PEER_STATE_FAILED:
      if (!self->connected_once)
        {
          fail (self);
          return;
        }
      begin_repair (self);
      break;
    case QUARTET_PEER_STATE_DISCONNECTED:
      begin_repair (self);
      break;
    case QUARTET_PEER_STATE_CONNECTED:
      g_clear_handle_id (&self->connect_id, g_source_remove);
      self->connected_once = TRUE;
      end_repair (self);
      break;
    default:
      break;
    }

  report_state (self, state);
}

static void
on_first_video_frame_cb (QuartetPeer *peer, gpointer user_data)
{
  QuartetCallParticipant *self = user_data;

  if (!self->receiving_video)
    {
      self->receiving_video = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVING_VIDEO]);
    }
  self->events->video (self, self->user_data);
}

static void
attach_peer (QuartetCallParticipant *self, QuartetPeer *peer)
{
  g_assert (self->peer == NULL);

  set_peer (self, peer);
  g_object_unref (peer); /* the caller's reference, now ours */
  g_signal_connect (peer, "local-description", G_CALLBACK (on_local_description_cb), self);
  g_signal_connect (peer, "local-candidate", G_CALLBACK (on_local_candidate_cb), self);
  g_signal_connect (peer, "notify::state", G_CALLBACK (on_peer_state_notify_cb), self);
  g_signal_connect (peer, "first-video-frame", G_CALLBACK (on_first_video_frame_cb), self);
  /* NEW once per user, as the SDKs report it: a repair is the same call. */
  if (!self->had_peer)
    report_state (self, QUARTET_PEER_STATE_NEW);
  self->had_peer = TRUE;
}

/* A repair's new connection takes the broken one's place; what was meant
 * for the old one (its candidates, our repair offer to it) goes with it.
 * The old peer is closed once the new one is up, not now: it may be one
 * made a moment ago (our repair offer, which the other side's replaced),
 * still allocating on the TURN server, and an allocation that completes
 * after its agent was closed is never released (libnice warns so). */
static void
replace_peer (QuartetCallParticipant *self, QuartetPeer *peer)
{
  g_clear_handle_id (&self->repair_id, g_source_remove);
  g_clear_handle_id (&self->connect_id, g_source_remove);
  close_retired_peer (self);
  if (self->peer != NULL)
    g_signal_handlers_disconnect_by_data (self->peer, self);
  self->retired = self->peer != NULL ? g_object_ref (self->peer) : NULL;
  set_peer (self, NULL);
  self->remote_description_set = FALSE;
  g_ptr_array_set_size (self->pending_candidates, 0);
  g_clear_pointer (&self->repair_offer_id, g_free);
  g_clear_pointer (&self->answering_offer_id, g_free);
  attach_peer (self, peer);
}

static void
flush_pending_candidates (QuartetCallParticipant *self)
{
  self->remote_description_set = TRUE;
  /* Without a usable path (a relay-only policy and no reachable TURN
   * server, say) ICE may never fail by itself: give it as long as a
   * disconnected peer gets; a repair, a while before it tries again. */
  if (quartet_peer_get_state (self->peer) != QUARTET_PEER_STATE_CONNECTED)
    {
      if (self->reconnecting && self->repair_id == 0)
        arm_repair (self, REPAIR_CONNECT_TIMEOUT_MS, TRUE);
      else if (!self->reconnecting && self->connect_id == 0)
        self->connect_id = g_timeout_add (self->disconnect_timeout_ms, on_connect_timeout_cb, self);
    }

  for (guint i = 0; i < self->pending_candidates->len; i++)
    {
      PendingCandidate *pending = g_ptr_array_index (self->pending_candidates, i);

      quartet_peer_add_remote_candidate (self->peer, pending->sdp_mline_index, pending->candidate);
    }
  g_ptr_array_set_size (self->pending_candidates, 0);
}

/* (transfer full) @peer: we offer to this user. */
void
_quartet_call_participant_offer (QuartetCallParticipant *self, QuartetPeer *peer)
{
  attach_peer (self, peer);
  quartet_peer_create_offer (peer);
}

/* (transfer full) @peer: we answer this user's pending offer. */
gboolean
_quartet_call_participant_answer (QuartetCallParticipant *self, QuartetPeer *peer, GError **error)
{
  g_autofree char *offer = g_steal_pointer (&self->pending_offer);

  attach_peer (self, peer);
  if (!quartet_peer_set_remote_offer (peer, offer, error))
    return FALSE;

  flush_pending_candidates (self);
  return TRUE;
}

/* (transfer full) @peer: we rebuild the connection and offer from it. */
void
_quartet_call_participant_restart (QuartetCallParticipant *self, QuartetPeer *peer)
{
  replace_peer (self, peer);
  self->repair_offer_id = g_uuid_string_random ();
  self->repair_offer_us = g_get_monotonic_time ();
  arm_repair (self, REPAIR_ANSWER_TIMEOUT_MS, FALSE);
  quartet_peer_create_offer (peer);
}

/* Whether our repair offer may still be answered: made so recently that
 * an offer of theirs crossed it on the way (both started at once). An
 * older one was lost, like theirs to us while their connection to the
 * server was down, and both would wait for an answer that never comes. */
gboolean
_quartet_call_participant_awaits_repair_answer (QuartetCallParticipant *self)
{
  return self->repair_offer_id != NULL
         && g_get_monotonic_time () - self->repair_offer_us
                < REPAIR_CROSSING_MS * G_TIME_SPAN_MILLISECOND;
}

/* (transfer full) @peer: their repair offer, which we answer from @peer. */
gboolean
_quartet_call_participant_take_repair_offer (QuartetCallParticipant *self,
                                             QuartetPeer *peer,
                                             const char *offer_id,
                                             const char *sdp,
                                             GError **error)
{
  replace_peer (self, peer);
  self->answering_offer_id = g_strdup (offer_id);
  if (!quartet_peer_set_remote_offer (peer, sdp, error))
    {
      fail (self);
      return FALSE;
    }

  flush_pending_candidates (self);
  return TRUE;
}

/* The answer to our repair offer. FALSE without an error when it answers
 * another offer (one replaced since, or never ours). */
gboolean
_quartet_call_participant_take_repair_answer (QuartetCallParticipant *self,
                                              const char *offer_id,
                                              const char *sdp,
                                              GError **error)
{
  if (self->peer == NULL || self->gone || g_strcmp0 (offer_id, self->repair_offer_id) != 0)
    return FALSE;

  g_clear_pointer (&self->repair_offer_id, g_free);
  g_clear_handle_id (&self->repair_id, g_source_remove);
  if (!quartet_peer_set_remote_answer (self->peer, sdp, error))
    {
      fail (self);
      return FALSE;
    }

  flush_pending_candidates (self);
  return TRUE;
}

static gboolean
on_dialing_interval_cb (gpointer user_data)
{
  QuartetCallParticipant *self = user_data;

  self->events->send (self, self->dialing_call, self->user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_answer_timeout_cb (gpointer user_data)
{
  QuartetCallParticipant *self = user_data;

  self->answer_timeout_id = 0;
  stop_dialing (self);
  self->events->not_answered (self, self->user_data);
  return G_SOURCE_REMOVE;
}

/* Sends @call now, again every @interval_ms until they answer, and gives up
 * after @answer_timeout_ms. */
void
_quartet_call_participant_start_dialing (QuartetCallParticipant *self,
                                         const QuartetSignal *call,
                                         guint interval_ms,
                                         guint answer_timeout_ms)
{
  stop_dialing (self);
  self->dialing_call = quartet_signal_copy (call);
  self->events->send (self, call, self->user_data);
  self->dialing_id = g_timeout_add (interval_ms, on_dialing_interval_cb, self);
  self->answer_timeout_id = g_timeout_add (answer_timeout_ms, on_answer_timeout_cb, self);
}

/* Their `accept` to our offer. FALSE without an error when there was
 * nothing to accept (a duplicate, or an accept we did not ask for). An
 * answer that cannot be used fails this peer: dialing has stopped, and
 * nothing else would ever end it. */
gboolean
_quartet_call_participant_take_answer (QuartetCallParticipant *self,
                                       const char *sdp,
                                       GError **error)
{
  if (self->peer == NULL || self->dialing_call == NULL || self->gone)
    return FALSE;

  stop_dialing (self);
  if (!quartet_peer_set_remote_answer (self->peer, sdp, error))
    {
      fail (self);
      return FALSE;
    }

  flush_pending_candidates (self);
  return TRUE;
}

void
_quartet_call_participant_add_remote_candidate (QuartetCallParticipant *self,
                                                guint sdp_mline_index,
                                                const char *candidate)
{
  PendingCandidate *pending;

  if (self->gone)
    return;

  if (self->peer != NULL && self->remote_description_set)
    {
      quartet_peer_add_remote_candidate (self->peer, sdp_mline_index, candidate);
      return;
    }

  /* The codec bounds one signal to 64 candidates; bound what waits too. */
  if (self->pending_candidates->len >= 256)
    return;

  pending = g_new0 (PendingCandidate, 1);
  pending->sdp_mline_index = sdp_mline_index;
  pending->candidate = g_strdup (candidate);
  g_ptr_array_add (self->pending_candidates, pending);
}
