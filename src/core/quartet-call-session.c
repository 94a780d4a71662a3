/* quartet-call-session.c: one call, its participants and its state machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The call flow of docs/protocol.md. Each remote user is a QuartetCallParticipant
 * (their peer connection, timers and what arrived before we could use it);
 * the session decides who offers to whom (the initiator to everyone, then
 * the mesh rule: the larger id offers to the smaller), relays signals
 * between participants and the wire, and emits the SDK's events.
 */
#define G_LOG_DOMAIN "quartet-call"

#include "quartet-call-session.h"
#include "quartet-call-session-private.h"

#include "quartet-call-client.h"
#include "quartet-call-participant-private.h"
#include "quartet-enums.h"
#include "quartet-jid.h"
#include "quartet-rate-limiter.h"

/* Each repair offer taken costs a new webrtcbin: a participant who sends
 * them without end gets a few at once, then one every 2 s. */
#define REPAIR_OFFERS_BURST 4
#define REPAIR_OFFER_REFILL_US (2 * G_USEC_PER_SEC)

struct _QuartetCallSession
{
  GObject parent_instance;

  QuartetSignaling *signaling;
  QuartetMedia *media;
  guint dialing_interval_ms;
  guint answer_timeout_ms;
  guint disconnect_timeout_ms;
  guint repair_delay_ms;
  char **ice_servers;
  gboolean relay_only;
  guint bandwidth_kbps; /* the most video each way, 0: no limit */

  char *id;
  QuartetCallType call_type;
  char *initiator;
  char **opponents;
  char *own_user_id;
  GVariant *user_info;
  QuartetCallSessionState state;

  GHashTable *participants; /* user id -> QuartetCallParticipant */
  GHashTable *warned_senders;
  QuartetRateLimiter *repair_offers; /* by sender */
  guint ring_timeout_id;
  guint voice_id;             /* reads the levels while the call is on */
  QuartetVoiceActivity voice; /* ours */
};

G_DEFINE_FINAL_TYPE (QuartetCallSession, quartet_call_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_AUDIO_LEVEL,
  PROP_SPEAKING,
  N_PROPS
};

enum
{
  STATE_CHANGED,
  PARTICIPANT_ADDED,
  ACCEPT,
  REJECT,
  HANG_UP,
  RECEIVED_VIDEO_TRACK,
  PEER_CONNECTION_STATE_CHANGED,
  NOT_ANSWER,
  RECONNECT,
  UPDATE,
  CALL_END,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Ours from the microphone, theirs from what we decode. The QuickBlox
 * SDKs leave this to the app (the JS SDK's stats reports hand it
 * getStats()); a desktop app shows who speaks. */
static gboolean
on_voice_cb (gpointer user_data)
{
  QuartetCallSession *self = user_data;
  gint64 now = g_get_monotonic_time ();
  double level = self->media != NULL ? quartet_media_get_input_level (self->media)
                                     : QUARTET_AUDIO_LEVEL_SILENT;
  QuartetVoiceChanges changes = quartet_voice_activity_update (&self->voice, level, now);
  GHashTableIter iter;
  gpointer participant;

  if (changes & QUARTET_VOICE_CHANGED_LEVEL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_LEVEL]);
  if (changes & QUARTET_VOICE_CHANGED_SPEAKING)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEAKING]);

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, &participant))
    _quartet_call_participant_update_voice (participant, now);

  return G_SOURCE_CONTINUE;
}

static void
follow_voices (QuartetCallSession *self, QuartetCallSessionState state)
{
  if (state == QUARTET_CALL_SESSION_STATE_ACTIVE && self->voice_id == 0)
    self->voice_id = g_timeout_add (QUARTET_VOICE_ACTIVITY_INTERVAL_MS, on_voice_cb, self);
  else if (state == QUARTET_CALL_SESSION_STATE_ENDED)
    g_clear_handle_id (&self->voice_id, g_source_remove);
}

static void
set_state (QuartetCallSession *self, QuartetCallSessionState state)
{
  G_GNUC_UNUSED g_autoptr (QuartetCallSession) hold = NULL;
  QuartetCallSessionState old = self->state;

  if (old == state)
    return;

  g_debug ("session %s: state %d -> %d", self->id, old, state);
  hold = g_object_ref (self);
  self->state = state;
  follow_voices (self, state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_signal_emit (self, signals[STATE_CHANGED], 0, state, old);
}

static QuartetSignal *
new_signal (QuartetCallSession *self, QuartetSignalType type, GVariant *user_info)
{
  QuartetSignal *signal = quartet_signal_new (type, self->id);

  /* Every signal carries the session's fields, as the SDKs send them. */
  signal->call_type = self->call_type;
  signal->caller_id = g_strdup (self->initiator);
  for (char **id = self->opponents; *id != NULL; id++)
    quartet_signal_add_opponent (signal, *id);
  if (user_info != NULL)
    signal->user_info = g_variant_ref_sink (user_info);

  return signal;
}

static void
send_to (QuartetCallSession *self, QuartetCallParticipant *participant, const QuartetSignal *signal)
{
  g_autoptr (GError) error = NULL;

  /* A failure here is a dropped connection: the dialing re-send and the
   * other side's timers recover, so it is not the caller's error. */
  if (!quartet_signaling_send_signal (self->signaling, participant->jid, signal, &error))
    g_info ("session %s: could not send %s to %s: %s", self->id,
            quartet_signal_type_to_string (signal->type), participant->user_id, error->message);
}

static void
send_simple (QuartetCallSession *self,
             QuartetCallParticipant *participant,
             QuartetSignalType type,
             GVariant *user_info)
{
  g_autoptr (QuartetSignal) signal = new_signal (self, type, user_info);

  send_to (self, participant, signal);
}

static gboolean
all_participants_gone (QuartetCallSession *self)
{
  GHashTableIter iter;
  QuartetCallParticipant *participant;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&participant))
    if (!participant->gone)
      return FALSE;

  return TRUE;
}

static void
end_session (QuartetCallSession *self)
{
  G_GNUC_UNUSED g_autoptr (QuartetCallSession) hold = g_object_ref (self);
  GHashTableIter iter;
  QuartetCallParticipant *participant;

  if (self->state == QUARTET_CALL_SESSION_STATE_ENDED)
    return;

  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  set_state (self, QUARTET_CALL_SESSION_STATE_ENDED);
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&participant))
    _quartet_call_participant_leave (participant);
  /* A second walk: the handlers of CLOSED may look the participants up. */
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&participant))
    _quartet_call_participant_report_closed (participant);

  g_signal_emit (self, signals[CALL_END], 0);
}

static void
end_if_nobody_left (QuartetCallSession *self)
{
  if (all_participants_gone (self))
    end_session (self);
}

static void
on_participant_not_answered_cb (QuartetCallParticipant *participant, gpointer user_data)
{
  QuartetCallSession *self = user_data;
  G_GNUC_UNUSED g_autoptr (QuartetCallSession) hold = g_object_ref (self);

  g_debug ("session %s: %s did not answer", self->id, participant->user_id);
  send_simple (self, participant, QUARTET_SIGNAL_TYPE_HANG_UP, NULL);
  _quartet_call_participant_leave (participant);
  g_signal_emit (self, signals[NOT_ANSWER], 0, participant->user_id);
  _quartet_call_participant_report_closed (participant);
  end_if_nobody_left (self);
}

static void
on_participant_offer_cb (QuartetCallParticipant *participant, const char *sdp, gpointer user_data)
{
  QuartetCallSession *self = user_data;
  g_autoptr (QuartetSignal) call = new_signal (
    self, QUARTET_SIGNAL_TYPE_CALL,
    g_strcmp0 (self->own_user_id, self->initiator) == 0 ? self->user_info : NULL);

  call->sdp = g_strdup (sdp);
  _quartet_call_participant_start_dialing (participant, call, self->dialing_interval_ms,
                                           self->answer_timeout_ms);
}

static void
on_participant_answer_cb (QuartetCallParticipant *participant, const char *sdp, gpointer user_data)
{
  QuartetCallSession *self = user_data;
  /* accept()'s userInfo goes to the caller; the mesh's other members get
   * none, as from the QuickBlox SDKs. */
  gboolean to_initiator = g_strcmp0 (participant->user_id, self->initiator) == 0;
  g_autoptr (QuartetSignal) accept
      = new_signal (self, QUARTET_SIGNAL_TYPE_ACCEPT, to_initiator ? self->user_info : NULL);

  accept->sdp = g_strdup (sdp);
  send_to (self, participant, accept);
}

static void
on_participant_candidate_cb (QuartetCallParticipant *participant,
                             const char *sdp_mid,
                             guint sdp_mline_index,
                             const char *candidate,
                             gpointer user_data)
{
  QuartetCallSession *self = user_data;
  g_autoptr (QuartetSignal) signal = new_signal (self, QUARTET_SIGNAL_TYPE_ICE_CANDIDATES, NULL);

  quartet_signal_add_candidate (signal, sdp_mid, sdp_mline_index, candidate);
  send_to (self, participant, signal);
}

static void
on_participant_state_cb (QuartetCallParticipant *participant,
                         QuartetPeerState state,
                         gpointer user_data)
{
  QuartetCallSession *self = user_data;
  G_GNUC_UNUSED g_autoptr (QuartetCallSession) hold = g_object_ref (self);

  g_signal_emit (self, signals[PEER_CONNECTION_STATE_CHANGED], 0, participant->user_id, state);
  if (state == QUARTET_PEER_STATE_CLOSED && self->state != QUARTET_CALL_SESSION_STATE_ENDED)
    end_if_nobody_left (self);
}

static void
on_participant_video_cb (QuartetCallParticipant *participant, gpointer user_data)
{
  QuartetCallSession *self = user_data;

  g_signal_emit (self, signals[RECEIVED_VIDEO_TRACK], 0, participant->user_id);
}

static void
on_participant_send_cb (QuartetCallParticipant *participant,
                        const QuartetSignal *signal,
                        gpointer user_data)
{
  send_to (user_data, participant, signal);
}

static QuartetPeer *
new_peer (QuartetCallSession *self, const char *user_id)
{
  QuartetPeer *peer
      = quartet_peer_new (self->media, user_id, self->call_type == QUARTET_CALL_TYPE_VIDEO,
                          (const char *const *)self->ice_servers, self->relay_only);

  quartet_peer_set_video_bandwidth (peer, self->bandwidth_kbps);
  return peer;
}

static void
on_participant_repair_cb (QuartetCallParticipant *participant, gpointer user_data)
{
  QuartetCallSession *self = user_data;

  if (self->state == QUARTET_CALL_SESSION_STATE_ACTIVE && !participant->gone)
    _quartet_call_participant_restart (participant, new_peer (self, participant->user_id));
}

static void
on_participant_update_cb (QuartetCallParticipant *participant,
                          const char *type,
                          const char *sdp,
                          const char *offer_id,
                          gpointer user_data)
{
  QuartetCallSession *self = user_data;
  g_autoptr (QuartetSignal) update = new_signal (self, QUARTET_SIGNAL_TYPE_UPDATE, NULL);

  update->reason = g_strdup (QUARTET_SIGNAL_REASON_RECONNECT);
  update->offer_id = g_strdup (offer_id);
  update->sdp_type = g_strdup (type);
  update->sdp = g_strdup (sdp);
  send_to (self, participant, update);
}

static void
on_participant_reconnect_cb (QuartetCallParticipant *participant,
                             QuartetReconnectState state,
                             gpointer user_data)
{
  g_signal_emit (user_data, signals[RECONNECT], 0, participant->user_id, state);
}

static const QuartetCallParticipantEvents participant_events = {
  .send = on_participant_send_cb,
  .offer = on_participant_offer_cb,
  .answer = on_participant_answer_cb,
  .candidate = on_participant_candidate_cb,
  .state = on_participant_state_cb,
  .video = on_participant_video_cb,
  .not_answered = on_participant_not_answered_cb,
  .repair = on_participant_repair_cb,
  .update = on_participant_update_cb,
  .reconnect = on_participant_reconnect_cb,
};

static QuartetCallParticipant *
add_participant (QuartetCallSession *self, const char *user_id, const char *jid)
{
  QuartetCallParticipant *participant;
  g_autofree char *derived_jid = NULL;

  participant = g_hash_table_lookup (self->participants, user_id);
  if (participant != NULL)
    return participant;

  if (jid == NULL)
    jid = derived_jid
        = quartet_jid_for_user_id (user_id, quartet_signaling_get_jid (self->signaling));
  if (jid == NULL)
    return NULL;

  participant = _quartet_call_participant_new (user_id, jid, self->disconnect_timeout_ms,
                                               self->repair_delay_ms, &participant_events, self);
  g_hash_table_insert (self->participants, participant->user_id, participant);
  g_signal_emit (self, signals[PARTICIPANT_ADDED], 0, participant);
  return participant;
}

static void
offer_to (QuartetCallSession *self, QuartetCallParticipant *participant)
{
  if (participant->peer != NULL || participant->gone)
    return;

  _quartet_call_participant_offer (participant, new_peer (self, participant->user_id));
}

static void
answer (QuartetCallSession *self, QuartetCallParticipant *participant)
{
  g_autoptr (GError) error = NULL;

  if (participant->peer != NULL || participant->gone || participant->pending_offer == NULL)
    return;

  if (!_quartet_call_participant_answer (participant, new_peer (self, participant->user_id),
                                         &error))
    {
      g_info ("session %s: cannot answer %s: %s", self->id, participant->user_id, error->message);
      send_simple (self, participant, QUARTET_SIGNAL_TYPE_HANG_UP, NULL);
      _quartet_call_participant_leave (participant);
      _quartet_call_participant_report_closed (participant);
      end_if_nobody_left (self);
    }
}

/* The mesh rule (docs/protocol.md): once in the call, offer to every other
 * invited user whose id is smaller than ours, and answer those who already
 * offered to us. */
static void
join_mesh (QuartetCallSession *self)
{
  for (char **id = self->opponents; *id != NULL; id++)
    {
      QuartetCallParticipant *participant;

      if (g_str_equal (*id, self->own_user_id))
        continue;

      participant = add_participant (self, *id, NULL);
      if (participant == NULL)
        continue;

      if (participant->pending_offer != NULL)
        answer (self, participant);
      else if (quartet_user_id_compare (*id, self->own_user_id) < 0)
        offer_to (self, participant);
    }
}

static void
handle_call (QuartetCallSession *self,
             QuartetCallParticipant *participant,
             const QuartetSignal *signal)
{
  /* The dialing re-send repeats an offer we already have or answered. */
  if (participant->peer != NULL || participant->pending_offer != NULL)
    return;

  participant->pending_offer = g_strdup (signal->sdp);

  /* A mesh offer to a participant who already accepted the session is
   * answered at once; otherwise it waits for accept(). */
  if (self->state == QUARTET_CALL_SESSION_STATE_ACTIVE)
    answer (self, participant);
}

static void
handle_accept (QuartetCallSession *self,
               QuartetCallParticipant *participant,
               const QuartetSignal *signal)
{
  /* A bad answer fails the peer, which may end the session. */
  G_GNUC_UNUSED g_autoptr (QuartetCallSession) hold = g_object_ref (self);
  g_autoptr (GError) error = NULL;

  if (!_quartet_call_participant_take_answer (participant, signal->sdp, &error))
    {
      if (error != NULL)
        g_info ("session %s: bad answer from %s: %s", self->id, participant->user_id,
                error->message);
      return;
    }

  set_state (self, QUARTET_CALL_SESSION_STATE_ACTIVE);
  g_signal_emit (self, signals[ACCEPT], 0, participant->user_id, signal->user_info);
}

static void
handle_leaving (QuartetCallSession *self,
                QuartetCallParticipant *participant,
                const QuartetSignal *signal,
                guint event)
{
  G_GNUC_UNUSED g_autoptr (QuartetCallSession) hold = g_object_ref (self);

  if (participant->gone)
    return;

  _quartet_call_participant_leave (participant);
  g_signal_emit (self, signals[event], 0, participant->user_id, signal->user_info);
  _quartet_call_participant_report_closed (participant);

  /* While ringing, the call is the initiator's: if they leave, it is over. */
  if (self->state == QUARTET_CALL_SESSION_STATE_RINGING
      && g_str_equal (participant->user_id, self->initiator))
    end_session (self);
  else
    end_if_nobody_left (self);
}

/* The reconnect protocol (docs/protocol.md): in each pair the user with
 * the smaller id is polite and answers the other's repair offer; the
 * impolite one repairs by its own offer instead, which the polite one then
 * answers. Both sides may start at once: the impolite offer wins. */
static void
handle_update (QuartetCallSession *self,
               QuartetCallParticipant *participant,
               const QuartetSignal *signal)
{
  G_GNUC_UNUSED g_autoptr (QuartetCallSession) hold = g_object_ref (self);
  g_autoptr (GError) error = NULL;
  gboolean polite;

  /* An app's own update (the SDK's update(extension)): its userInfo is
   * the app's to read, as the SDK's onUpdateCallListener gets it. */
  if (g_strcmp0 (signal->reason, QUARTET_SIGNAL_REASON_RECONNECT) != 0)
    {
      if (!participant->gone)
        g_signal_emit (self, signals[UPDATE], 0, participant->user_id, signal->user_info);
      return;
    }

  /* A repair of a call not yet under way. */
  if (signal->offer_id == NULL || self->state != QUARTET_CALL_SESSION_STATE_ACTIVE
      || participant->gone || participant->peer == NULL)
    return;

  if (g_str_equal (signal->sdp_type, "answer"))
    {
      if (!_quartet_call_participant_take_repair_answer (participant, signal->offer_id, signal->sdp,
                                                         &error)
          && error != NULL)
        g_info ("session %s: bad repair answer from %s: %s", self->id, participant->user_id,
                error->message);
      return;
    }

  if (!quartet_rate_limiter_allow (self->repair_offers, participant->user_id,
                                   g_get_monotonic_time ()))
    {
      g_info ("session %s: too many repair offers from %s; dropping one", self->id,
              participant->user_id);
      return;
    }

  polite = quartet_user_id_compare (self->own_user_id, participant->user_id) < 0;
  if (polite)
    {
      if (!_quartet_call_participant_take_repair_offer (participant,
                                                        new_peer (self, participant->user_id),
                                                        signal->offer_id, signal->sdp, &error))
        g_info ("session %s: bad repair offer from %s: %s", self->id, participant->user_id,
                error->message);
    }
  else if (!_quartet_call_participant_awaits_repair_answer (participant))
    {
      /* Ours is not on its way (or was lost): send it now, not at our timer. */
      _quartet_call_participant_restart (participant, new_peer (self, participant->user_id));
    }
}

/* Repair offers sent while the XMPP connection was down were lost: send
 * them again as soon as it is back, not at the next retry. */
static void
on_reconnected_cb (QuartetSignaling *signaling, QuartetCallSession *self)
{
  GHashTableIter iter;
  QuartetCallParticipant *participant;

  if (self->state != QUARTET_CALL_SESSION_STATE_ACTIVE)
    return;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&participant))
    if (participant->repair_offer_id != NULL && !participant->gone)
      _quartet_call_participant_restart (participant, new_peer (self, participant->user_id));
}

gboolean
quartet_call_session_is_participant (QuartetCallSession *self, const char *user_id)
{
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), FALSE);

  return user_id != NULL
         && (g_strcmp0 (user_id, self->initiator) == 0
             || g_strv_contains ((const char *const *)self->opponents, user_id));
}

void
_quartet_call_session_handle_signal (QuartetCallSession *self,
                                     const char *from_user,
                                     const QuartetSignal *signal)
{
  QuartetCallParticipant *participant;

  if (self->state == QUARTET_CALL_SESSION_STATE_ENDED)
    return;

  /* docs/protocol.md: a sender outside the session is dropped, logged once. */
  if (!quartet_call_session_is_participant (self, from_user)
      || g_str_equal (from_user, self->own_user_id))
    {
      if (g_hash_table_add (self->warned_senders, g_strdup (from_user)))
        g_info ("session %s: dropping signals from %s, who is not part of it", self->id,
                from_user);
      return;
    }

  participant = add_participant (self, from_user, NULL);
  if (participant == NULL)
    return;

  switch (signal->type)
    {
    case QUARTET_SIGNAL_TYPE_CALL:
      handle_call (self, participant, signal);
      break;
    case QUARTET_SIGNAL_TYPE_ACCEPT:
      handle_accept (self, participant, signal);
      break;
    case QUARTET_SIGNAL_TYPE_REJECT:
      handle_leaving (self, participant, signal, REJECT);
      break;
    case QUARTET_SIGNAL_TYPE_HANG_UP:
      handle_leaving (self, participant, signal, HANG_UP);
      break;
    case QUARTET_SIGNAL_TYPE_ICE_CANDIDATES:
      for (guint i = 0; i < signal->candidates->len; i++)
        {
          QuartetIceCandidate *candidate = g_ptr_array_index (signal->candidates, i);

          _quartet_call_participant_add_remote_candidate (participant, candidate->sdp_mline_index,
                                                          candidate->candidate);
        }
      break;
    case QUARTET_SIGNAL_TYPE_UPDATE:
      handle_update (self, participant, signal);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
_quartet_call_session_start (QuartetCallSession *self)
{
  g_return_if_fail (self->state == QUARTET_CALL_SESSION_STATE_NEW);

  set_state (self, QUARTET_CALL_SESSION_STATE_DIALING);
  for (char **id = self->opponents; *id != NULL; id++)
    offer_to (self, add_participant (self, *id, NULL));
}

gboolean
_quartet_call_session_accept (QuartetCallSession *self, GVariant *user_info, GError **error)
{
  /* A failed answer may end the session before the mesh is joined. */
  G_GNUC_UNUSED g_autoptr (QuartetCallSession) hold = g_object_ref (self);
  QuartetCallParticipant *initiator;

  if (self->state != QUARTET_CALL_SESSION_STATE_RINGING)
    {
      g_set_error_literal (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_INVALID_STATE,
                           "The call is not ringing any more");
      return FALSE;
    }

  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  set_state (self, QUARTET_CALL_SESSION_STATE_ACTIVE);
  initiator = g_hash_table_lookup (self->participants, self->initiator);
  g_clear_pointer (&self->user_info, g_variant_unref);
  if (user_info != NULL)
    self->user_info = g_variant_ref_sink (user_info);

  answer (self, initiator);
  join_mesh (self);
  return TRUE;
}

/* Tell everyone who knows of us that we are out, then end. */
static void
leave_everyone (QuartetCallSession *self, QuartetSignalType type, GVariant *user_info)
{
  g_autoptr (GVariant) sunk = user_info ? g_variant_ref_sink (user_info) : NULL;
  GHashTableIter iter;
  QuartetCallParticipant *participant;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&participant))
    if (!participant->gone)
      send_simple (self, participant, type, sunk);

  end_session (self);
}

void
_quartet_call_session_reject (QuartetCallSession *self, GVariant *user_info)
{
  leave_everyone (self, QUARTET_SIGNAL_TYPE_REJECT, user_info);
}

void
_quartet_call_session_hang_up (QuartetCallSession *self, GVariant *user_info)
{
  leave_everyone (self, QUARTET_SIGNAL_TYPE_HANG_UP, user_info);
}

/* The SDK's update(extension): @user_info to everyone in the call now
 * (those still ringing get it from their next call). */
void
_quartet_call_session_update (QuartetCallSession *self, GVariant *user_info)
{
  g_autoptr (GVariant) owned = user_info ? g_variant_ref_sink (user_info) : NULL;
  GHashTableIter iter;
  QuartetCallParticipant *participant;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&participant))
    if (!participant->gone && participant->peer != NULL)
      send_simple (self, participant, QUARTET_SIGNAL_TYPE_UPDATE, owned);
}

static gboolean
on_ring_timeout_cb (gpointer user_data)
{
  QuartetCallSession *self = user_data;

  self->ring_timeout_id = 0;
  g_signal_emit (self, signals[NOT_ANSWER], 0, self->initiator);
  end_session (self);
  return G_SOURCE_REMOVE;
}

static QuartetCallSession *
new_session (QuartetSignaling *signaling, QuartetMedia *media, const QuartetCallSettings *settings)
{
  QuartetCallSession *self = g_object_new (QUARTET_TYPE_CALL_SESSION, NULL);

  self->signaling = g_object_ref (signaling);
  g_signal_connect_object (signaling, "reconnected", G_CALLBACK (on_reconnected_cb), self, 0);
  self->media = g_object_ref (media);
  self->own_user_id = g_strdup (quartet_signaling_get_user_id (signaling));
  self->dialing_interval_ms = settings->dialing_interval_ms;
  self->answer_timeout_ms = settings->answer_timeout_ms;
  self->disconnect_timeout_ms = settings->disconnect_timeout_ms;
  self->repair_delay_ms = settings->repair_delay_ms;
  self->ice_servers = g_strdupv ((char **)settings->ice_servers);
  self->relay_only = settings->relay_only;
  self->bandwidth_kbps = settings->bandwidth_kbps;
  return self;
}

/* (transfer full) @user_info (floating or not) with our session bandwidth,
 * as the SDKs' `call` carries it, unless the caller set one. */
static GVariant *
user_info_with_bandwidth (GVariant *user_info, guint kbps)
{
  g_autoptr (GVariant) sunk = user_info ? g_variant_ref_sink (user_info) : NULL;
  g_auto (GVariantDict) dict = G_VARIANT_DICT_INIT (sunk);
  g_autofree char *text = NULL;

  if (kbps == 0 || g_variant_dict_contains (&dict, "bandwidth"))
    return g_steal_pointer (&sunk);

  text = g_strdup_printf ("%u", kbps);
  g_variant_dict_insert (&dict, "bandwidth", "s", text);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/* The caller's session bandwidth (kbit/s) from its `call`, 0: none. */
static guint
user_info_get_bandwidth (GVariant *user_info)
{
  const char *text = NULL;
  guint64 kbps;

  if (user_info == NULL || !g_variant_lookup (user_info, "bandwidth", "&s", &text)
      || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT / 1000, &kbps, NULL))
    return 0;
  return (guint)kbps;
}

QuartetCallSession *
_quartet_call_session_new_outgoing (QuartetSignaling *signaling,
                                    QuartetMedia *media,
                                    const QuartetCallSettings *settings,
                                    QuartetCallType call_type,
                                    const char *const *opponents,
                                    GVariant *user_info)
{
  QuartetCallSession *self = new_session (signaling, media, settings);

  self->id = g_uuid_string_random ();
  self->call_type = call_type;
  self->initiator = g_strdup (self->own_user_id);
  self->opponents = g_strdupv ((char **)opponents);
  self->user_info = user_info_with_bandwidth (user_info, self->bandwidth_kbps);
  return self;
}

QuartetCallSession *
_quartet_call_session_new_incoming (QuartetSignaling *signaling,
                                    QuartetMedia *media,
                                    const QuartetCallSettings *settings,
                                    const QuartetSignal *call)
{
  QuartetCallSession *self = new_session (signaling, media, settings);
  QuartetCallParticipant *initiator;
  guint caller_kbps;

  self->id = g_strdup (call->session_id);
  self->call_type = call->call_type;
  self->initiator = g_strdup (call->caller_id);
  /* Both limits hold: the caller's for the whole session (the SDKs take
   * it as theirs), ours for what we send and ask for. */
  caller_kbps = user_info_get_bandwidth (call->user_info);
  if (caller_kbps > 0 && (self->bandwidth_kbps == 0 || caller_kbps < self->bandwidth_kbps))
    self->bandwidth_kbps = caller_kbps;
  self->opponents = g_new0 (char *, call->opponent_ids->len + 1);
  for (guint i = 0; i < call->opponent_ids->len; i++)
    self->opponents[i] = g_strdup (g_ptr_array_index (call->opponent_ids, i));

  initiator = add_participant (self, self->initiator, NULL);
  if (initiator != NULL)
    initiator->pending_offer = g_strdup (call->sdp);

  set_state (self, QUARTET_CALL_SESSION_STATE_RINGING);
  self->ring_timeout_id = g_timeout_add (self->answer_timeout_ms, on_ring_timeout_cb, self);
  return self;
}

static void
quartet_call_session_dispose (GObject *object)
{
  QuartetCallSession *self = QUARTET_CALL_SESSION (object);

  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  g_clear_handle_id (&self->voice_id, g_source_remove);
  g_clear_pointer (&self->participants, g_hash_table_unref);
  g_clear_object (&self->signaling);
  g_clear_object (&self->media);

  G_OBJECT_CLASS (quartet_call_session_parent_class)->dispose (object);
}

static void
quartet_call_session_finalize (GObject *object)
{
  QuartetCallSession *self = QUARTET_CALL_SESSION (object);

  g_clear_pointer (&self->warned_senders, g_hash_table_unref);
  g_clear_pointer (&self->repair_offers, quartet_rate_limiter_free);
  g_clear_pointer (&self->ice_servers, g_strfreev);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->initiator, g_free);
  g_clear_pointer (&self->opponents, g_strfreev);
  g_clear_pointer (&self->own_user_id, g_free);
  g_clear_pointer (&self->user_info, g_variant_unref);

  G_OBJECT_CLASS (quartet_call_session_parent_class)->finalize (object);
}

static void
quartet_call_session_get_property (GObject *object,
                                   guint prop_id,
                                   GValue *value,
                                   GParamSpec *pspec)
{
  QuartetCallSession *self = QUARTET_CALL_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
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
quartet_call_session_class_init (QuartetCallSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->get_property = quartet_call_session_get_property;
  object_class->dispose = quartet_call_session_dispose;
  object_class->finalize = quartet_call_session_finalize;

  properties[PROP_STATE] = g_param_spec_enum (
      "state", NULL, NULL, QUARTET_TYPE_CALL_SESSION_STATE, QUARTET_CALL_SESSION_STATE_NEW,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* How loud we are, in dBFS, muted or not (quartet_media_get_input_level()),
   * and whether we are talking: read while the call is ACTIVE, as each
   * participant's "audio-level" and "speaking" are. */
  properties[PROP_AUDIO_LEVEL] = g_param_spec_double (
      "audio-level", NULL, NULL, QUARTET_AUDIO_LEVEL_SILENT, 0.0, QUARTET_AUDIO_LEVEL_SILENT,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SPEAKING]
      = g_param_spec_boolean ("speaking", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (new state, old state), after the state property changed. */
  signals[STATE_CHANGED] = g_signal_new ("state-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 2, QUARTET_TYPE_CALL_SESSION_STATE,
                                         QUARTET_TYPE_CALL_SESSION_STATE);

  /* (participant): a remote user's connection is about to begin (we call
   * them, they call us, or the mesh joins us); bind to its properties. */
  signals[PARTICIPANT_ADDED]
      = g_signal_new ("participant-added", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, QUARTET_TYPE_CALL_PARTICIPANT);

  /* (user_id, user_info): the SDK's events, per remote user. */
  signals[ACCEPT] = g_signal_new ("accept", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[REJECT] = g_signal_new ("reject", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[HANG_UP] = g_signal_new ("hang-up", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[RECEIVED_VIDEO_TRACK] = g_signal_new ("received-video-track", type, G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                G_TYPE_STRING);
  signals[PEER_CONNECTION_STATE_CHANGED]
    = g_signal_new ("peer-connection-state-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, G_TYPE_STRING, QUARTET_TYPE_PEER_STATE);
  signals[NOT_ANSWER] = g_signal_new ("not-answer", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (user_id, QuartetReconnectState): the SDK's onReconnectListener. */
  signals[RECONNECT] = g_signal_new ("reconnect", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 2, G_TYPE_STRING, QUARTET_TYPE_RECONNECT_STATE);
  /* (user_id, user_info): an app's own update (not a repair). */
  signals[UPDATE] = g_signal_new ("update", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[CALL_END] = g_signal_new ("call-end", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
}

static void
quartet_call_session_init (QuartetCallSession *self)
{
  self->participants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->warned_senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->repair_offers = quartet_rate_limiter_new (REPAIR_OFFERS_BURST, REPAIR_OFFER_REFILL_US);
  quartet_voice_activity_init (&self->voice);
}

double
quartet_call_session_get_audio_level (QuartetCallSession *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), QUARTET_AUDIO_LEVEL_SILENT);

  return self->voice.level;
}

gboolean
quartet_call_session_get_speaking (QuartetCallSession *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), FALSE);

  return self->voice.speaking;
}

const char *
quartet_call_session_get_id (QuartetCallSession *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), NULL);

  return self->id;
}

QuartetCallType
quartet_call_session_get_call_type (QuartetCallSession *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), 0);

  return self->call_type;
}

const char *
quartet_call_session_get_initiator (QuartetCallSession *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), NULL);

  return self->initiator;
}

const char *const *
quartet_call_session_get_opponents (QuartetCallSession *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), NULL);

  return (const char *const *)self->opponents;
}

QuartetCallSessionState
quartet_call_session_get_state (QuartetCallSession *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), QUARTET_CALL_SESSION_STATE_ENDED);

  return self->state;
}

/* (transfer container) (element-type utf8): everyone in the call but us. */
GPtrArray *
quartet_call_session_get_remote_users (QuartetCallSession *self)
{
  GPtrArray *users = g_ptr_array_new ();

  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), users);

  if (g_strcmp0 (self->initiator, self->own_user_id) != 0)
    g_ptr_array_add (users, self->initiator);
  for (char **id = self->opponents; *id != NULL; id++)
    if (!g_str_equal (*id, self->own_user_id))
      g_ptr_array_add (users, *id);

  return users;
}

/* (nullable) (transfer none): the remote user @user_id of this call: their
 * connection's state, the connection itself and their video, as
 * properties to bind to. */
QuartetCallParticipant *
quartet_call_session_get_participant (QuartetCallSession *self, const char *user_id)
{
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (self), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  return g_hash_table_lookup (self->participants, user_id);
}

/* (nullable) (transfer none): the connection to @user_id, once there is one. */
QuartetPeer *
quartet_call_session_get_peer (QuartetCallSession *self, const char *user_id)
{
  QuartetCallParticipant *participant = quartet_call_session_get_participant (self, user_id);

  return participant != NULL ? participant->peer : NULL;
}
