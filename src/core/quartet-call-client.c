/* quartet-call-client.c: the call API of the QuickBlox WebRTC SDK, in GObject form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client owns the sessions, routes incoming signals to them by session
 * id, turns a new `call` into a ringing session (or a busy `reject`), and
 * re-emits every session's events with the session as first argument, so
 * that one handler sees all calls, as with the SDK's callbacks.
 */
#define G_LOG_DOMAIN "quartet-call"

#include "quartet-call-client-private.h"

#include "quartet-call-session-private.h"
#include "quartet-enums.h"
#include "quartet-jid.h"
#include "quartet-rate-limiter.h"

struct _QuartetCallClient
{
  GObject parent_instance;

  QuartetSignaling *signaling; /* the XMPP connection, in the product */
  QuartetMedia *media;
  QuartetCallSettings settings;
  char **ice_servers;

  gboolean initialized;
  GHashTable *sessions;      /* id -> QuartetCallSession, until CALL_END */
  GHashTable *ended_session_ids;
  GQueue early_signals;      /* EarlySignal: for sessions whose `call` has not come yet */
  QuartetRateLimiter *new_calls; /* by caller's bare JID */
  gboolean ring_when_busy;
};

/* A caller may start a few sessions at once (redialling after a reject),
 * then one every few seconds. Beyond that a flood of `call`s from one JID
 * would ring again and again, or make us send a busy reject for each: those
 * calls are dropped unanswered. The SDK's own re-sends of one session go to
 * that session and are not counted while it lives. */
#define NEW_CALLS_BURST 5
#define NEW_CALL_REFILL_US (3 * G_USEC_PER_SEC)

/* Signals from different senders may overtake each other: a mesh offer
 * (or candidates) from another callee can arrive before the initiator's
 * `call` that creates the session. They wait here, few and briefly. */
#define EARLY_SIGNALS_MAX 32
#define EARLY_SIGNAL_LIFETIME_US (10 * G_USEC_PER_SEC)

typedef struct
{
  gint64 received_us;
  char *from_user;
  QuartetSignal *signal;
} EarlySignal;

static void
early_signal_free (EarlySignal *early)
{
  g_free (early->from_user);
  quartet_signal_free (early->signal);
  g_free (early);
}

static void
drop_stale_early_signals (QuartetCallClient *self)
{
  gint64 now = g_get_monotonic_time ();
  EarlySignal *oldest;

  while ((oldest = g_queue_peek_head (&self->early_signals)) != NULL
         && (now - oldest->received_us > EARLY_SIGNAL_LIFETIME_US
             || self->early_signals.length > EARLY_SIGNALS_MAX))
    early_signal_free (g_queue_pop_head (&self->early_signals));
}

static void
keep_early_signal (QuartetCallClient *self, const char *from_user, const QuartetSignal *signal)
{
  EarlySignal *early = g_new0 (EarlySignal, 1);

  early->received_us = g_get_monotonic_time ();
  early->from_user = g_strdup (from_user);
  early->signal = quartet_signal_copy (signal);
  g_queue_push_tail (&self->early_signals, early);
  drop_stale_early_signals (self);
}

static void
replay_early_signals (QuartetCallClient *self, QuartetCallSession *session)
{
  const char *id = quartet_call_session_get_id (session);
  GList *link = self->early_signals.head;

  drop_stale_early_signals (self);
  while (link != NULL)
    {
      GList *next = link->next;
      EarlySignal *early = link->data;

      if (g_str_equal (early->signal->session_id, id))
        {
          g_queue_delete_link (&self->early_signals, link);
          _quartet_call_session_handle_signal (session, early->from_user, early->signal);
          early_signal_free (early);
        }
      link = next;
    }
}

G_DEFINE_QUARK (quartet-call-error-quark, quartet_call_error)

/* G_DEFINE_TYPE would name the instance initializer quartet_call_client_init,
 * which is the SDK's init() here (docs/architecture.md), so the type is registered by hand. */
static gpointer quartet_call_client_parent_class;
static void quartet_call_client_class_init (QuartetCallClientClass *klass);
static void quartet_call_client_instance_init (GTypeInstance *instance, gpointer klass);

static void
quartet_call_client_class_intern_init (gpointer klass, gpointer class_data)
{
  quartet_call_client_parent_class = g_type_class_peek_parent (klass);
  quartet_call_client_class_init (klass);
}

GType
quartet_call_client_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_type_register_static_simple (
        G_TYPE_OBJECT, g_intern_static_string ("QuartetCallClient"),
        sizeof (QuartetCallClientClass), quartet_call_client_class_intern_init,
        sizeof (QuartetCallClient), quartet_call_client_instance_init, G_TYPE_FLAG_FINAL);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

enum
{
  PROP_0,
  PROP_DIALING_INTERVAL,
  PROP_ANSWER_TIMEOUT,
  PROP_DISCONNECT_TIMEOUT,
  PROP_REPAIR_DELAY,
  PROP_BANDWIDTH,
  PROP_ICE_SERVERS,
  PROP_RELAY_ONLY,
  PROP_RING_WHEN_BUSY,
  N_PROPS
};

enum
{
  CALL,
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

static gboolean
check_initialized (QuartetCallClient *self, GError **error)
{
  if (self->initialized)
    return TRUE;

  g_set_error_literal (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_NOT_CONNECTED,
                       "The call service is not connected");
  return FALSE;
}

static QuartetCallSession *
find_live_session (QuartetCallClient *self)
{
  GHashTableIter iter;
  QuartetCallSession *session;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&session))
    if (quartet_call_session_get_state (session) != QUARTET_CALL_SESSION_STATE_ENDED)
      return session;

  return NULL;
}

/* The client's events are the SDK's: each session event again, with the
 * session first. */
static void
on_session_accept_cb (QuartetCallSession *session,
                      const char *user_id,
                      GVariant *user_info,
                      gpointer user_data)
{
  g_signal_emit (user_data, signals[ACCEPT], 0, session, user_id, user_info);
}

static void
on_session_update_cb (QuartetCallSession *session,
                      const char *user_id,
                      GVariant *user_info,
                      gpointer user_data)
{
  g_signal_emit (user_data, signals[UPDATE], 0, session, user_id, user_info);
}

static void
on_session_reject_cb (QuartetCallSession *session,
                      const char *user_id,
                      GVariant *user_info,
                      gpointer user_data)
{
  g_signal_emit (user_data, signals[REJECT], 0, session, user_id, user_info);
}

static void
on_session_hang_up_cb (QuartetCallSession *session,
                       const char *user_id,
                       GVariant *user_info,
                       gpointer user_data)
{
  g_signal_emit (user_data, signals[HANG_UP], 0, session, user_id, user_info);
}

static void
on_session_video_track_cb (QuartetCallSession *session, const char *user_id, gpointer user_data)
{
  g_signal_emit (user_data, signals[RECEIVED_VIDEO_TRACK], 0, session, user_id);
}

static void
on_session_not_answer_cb (QuartetCallSession *session, const char *user_id, gpointer user_data)
{
  g_signal_emit (user_data, signals[NOT_ANSWER], 0, session, user_id);
}

static void
on_session_peer_state_cb (QuartetCallSession *session,
                          const char *user_id,
                          QuartetPeerState state,
                          gpointer user_data)
{
  g_signal_emit (user_data, signals[PEER_CONNECTION_STATE_CHANGED], 0, session, user_id, state);
}

static void
on_session_reconnect_cb (QuartetCallSession *session,
                         const char *user_id,
                         QuartetReconnectState state,
                         gpointer user_data)
{
  g_signal_emit (user_data, signals[RECONNECT], 0, session, user_id, state);
}

static void
on_session_call_end_cb (QuartetCallSession *session, gpointer user_data)
{
  QuartetCallClient *self = user_data;
  G_GNUC_UNUSED g_autoptr (QuartetCallSession) hold = g_object_ref (session);
  const char *id = quartet_call_session_get_id (session);

  /* Re-sent `call`s of an ended session must not ring again. */
  g_hash_table_add (self->ended_session_ids, g_strdup (id));
  g_signal_handlers_disconnect_by_data (session, self);
  g_hash_table_remove (self->sessions, id);

  /* An idle bot should not keep a camera and an encoder busy. */
  if (find_live_session (self) == NULL)
    quartet_media_stop (self->media);

  g_signal_emit (self, signals[CALL_END], 0, session);
}

static void
adopt_session (QuartetCallClient *self, QuartetCallSession *session)
{
  g_hash_table_insert (self->sessions, (gpointer)quartet_call_session_get_id (session), session);

  g_signal_connect (session, "accept", G_CALLBACK (on_session_accept_cb), self);
  g_signal_connect (session, "reject", G_CALLBACK (on_session_reject_cb), self);
  g_signal_connect (session, "hang-up", G_CALLBACK (on_session_hang_up_cb), self);
  g_signal_connect (session, "received-video-track", G_CALLBACK (on_session_video_track_cb), self);
  g_signal_connect (session, "not-answer", G_CALLBACK (on_session_not_answer_cb), self);
  g_signal_connect (session, "peer-connection-state-changed",
                    G_CALLBACK (on_session_peer_state_cb), self);
  g_signal_connect (session, "reconnect", G_CALLBACK (on_session_reconnect_cb), self);
  g_signal_connect (session, "update", G_CALLBACK (on_session_update_cb), self);
  g_signal_connect (session, "call-end", G_CALLBACK (on_session_call_end_cb), self);
}

/* Call waiting: in a call, a second call rings if asked, but never a
 * third while the second rings. */
static gboolean
may_ring_while_busy (QuartetCallClient *self)
{
  GHashTableIter iter;
  QuartetCallSession *session;

  if (!self->ring_when_busy)
    return FALSE;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&session))
    if (quartet_call_session_get_state (session) == QUARTET_CALL_SESSION_STATE_RINGING)
      return FALSE;
  return TRUE;
}

/* docs/protocol.md, Busy: a new session while one is live is answered with `reject`,
 * echoing the call's fields as the SDKs do. */
static void
reject_as_busy (QuartetCallClient *self, const char *from, const QuartetSignal *call)
{
  g_autoptr (QuartetSignal) reject = quartet_signal_copy (call);
  g_autoptr (GError) error = NULL;
  g_autofree char *to = quartet_jid_get_bare (from);

  reject->type = QUARTET_SIGNAL_TYPE_REJECT;
  g_clear_pointer (&reject->sdp, g_free);
  g_clear_pointer (&reject->platform, g_free);
  reject->platform = g_strdup (QUARTET_SIGNAL_PLATFORM);
  g_clear_pointer (&reject->user_info, g_variant_unref);
  reject->user_info = g_variant_ref_sink (
    g_variant_new_parsed ("{'reason': <'busy'>}"));

  g_info ("Busy: rejecting call %s from %s", call->session_id, from);
  if (!quartet_signaling_send_signal (self->signaling, to, reject, &error))
    g_info ("Could not send the busy reject: %s", error->message);
}

static void
handle_new_call (QuartetCallClient *self, const char *from, const QuartetSignal *call)
{
  const char *own_id = quartet_signaling_get_user_id (self->signaling);
  g_autofree char *from_user = quartet_jid_get_user_id (from);
  g_autofree char *from_bare = quartet_jid_get_bare (from);
  QuartetCallSession *session;

  if (g_hash_table_contains (self->ended_session_ids, call->session_id))
    return;

  if (!g_ptr_array_find_with_equal_func (call->opponent_ids, own_id, g_str_equal, NULL))
    {
      g_info ("Dropping call %s from %s: not a call to us", call->session_id, from);
      return;
    }

  /* Only the initiator rings us: another callee's mesh offer waits for it. */
  if (g_strcmp0 (from_user, call->caller_id) != 0)
    {
      keep_early_signal (self, from_user, call);
      return;
    }

  if (!quartet_rate_limiter_allow (self->new_calls, from_bare, g_get_monotonic_time ()))
    {
      g_debug ("Dropping call %s from %s: too many new calls from it", call->session_id, from);
      return;
    }

  if (find_live_session (self) != NULL && !may_ring_while_busy (self))
    {
      reject_as_busy (self, from, call);
      return;
    }

  session
      = _quartet_call_session_new_incoming (self->signaling, self->media, &self->settings, call);
  adopt_session (self, session);
  replay_early_signals (self, session);

  /* A handler may reject at once, which ends and drops the session. */
  g_object_ref (session);
  g_signal_emit (self, signals[CALL], 0, session, from_user, call->user_info);
  g_object_unref (session);
}

static void
on_signal_received_cb (QuartetSignaling *signaling,
                       const char *from,
                       QuartetSignal *signal,
                       gpointer user_data)
{
  QuartetCallClient *self = user_data;
  QuartetCallSession *session = g_hash_table_lookup (self->sessions, signal->session_id);
  g_autofree char *from_user = quartet_jid_get_user_id (from);

  if (session != NULL)
    _quartet_call_session_handle_signal (session, from_user, signal);
  else if (signal->type == QUARTET_SIGNAL_TYPE_CALL)
    handle_new_call (self, from, signal);
  else if (signal->type == QUARTET_SIGNAL_TYPE_ICE_CANDIDATES
           && !g_hash_table_contains (self->ended_session_ids, signal->session_id))
    keep_early_signal (self, from_user, signal);
  else
    g_debug ("Dropping %s for unknown session %s", quartet_signal_type_to_string (signal->type),
             signal->session_id);
}

static gboolean
check_opponents (QuartetCallClient *self, const char *const *opponent_ids, GError **error)
{
  const char *own_id = quartet_signaling_get_user_id (self->signaling);
  const char *own_jid = quartet_signaling_get_jid (self->signaling);
  guint n = opponent_ids ? g_strv_length ((char **)opponent_ids) : 0;

  if (n == 0 || n > QUARTET_SIGNAL_MAX_OPPONENTS)
    {
      g_set_error (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_INVALID_ARGUMENT,
                   "A call has one to three other people, not %u", n);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *jid = quartet_jid_for_user_id (opponent_ids[i], own_jid);

      if (jid == NULL || !quartet_jid_is_valid (jid) || g_str_equal (opponent_ids[i], own_id))
        {
          g_set_error (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_INVALID_ARGUMENT,
                       "“%s” is not someone this account can call", opponent_ids[i]);
          return FALSE;
        }

      for (guint j = 0; j < i; j++)
        if (g_str_equal (opponent_ids[i], opponent_ids[j]))
          {
            g_set_error (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_INVALID_ARGUMENT,
                         "“%s” is in the call twice", opponent_ids[i]);
            return FALSE;
          }
    }

  return TRUE;
}

static gboolean
check_session (QuartetCallClient *self, QuartetCallSession *session, GError **error)
{
  if (!check_initialized (self, error))
    return FALSE;

  if (g_hash_table_lookup (self->sessions, quartet_call_session_get_id (session)) != session)
    {
      g_set_error (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_INVALID_STATE,
                   "The call has already ended");
      return FALSE;
    }

  return TRUE;
}

static void
quartet_call_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetCallClient *self = QUARTET_CALL_CLIENT (object);

  switch (prop_id)
    {
    case PROP_DIALING_INTERVAL:
      g_value_set_uint (value, self->settings.dialing_interval_ms);
      break;
    case PROP_ANSWER_TIMEOUT:
      g_value_set_uint (value, self->settings.answer_timeout_ms);
      break;
    case PROP_DISCONNECT_TIMEOUT:
      g_value_set_uint (value, self->settings.disconnect_timeout_ms);
      break;
    case PROP_REPAIR_DELAY:
      g_value_set_uint (value, self->settings.repair_delay_ms);
      break;
    case PROP_BANDWIDTH:
      g_value_set_uint (value, self->settings.bandwidth_kbps);
      break;
    case PROP_ICE_SERVERS:
      g_value_set_boxed (value, self->ice_servers);
      break;
    case PROP_RELAY_ONLY:
      g_value_set_boolean (value, self->settings.relay_only);
      break;
    case PROP_RING_WHEN_BUSY:
      g_value_set_boolean (value, self->ring_when_busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_call_client_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  QuartetCallClient *self = QUARTET_CALL_CLIENT (object);

  switch (prop_id)
    {
    case PROP_DIALING_INTERVAL:
      self->settings.dialing_interval_ms = g_value_get_uint (value);
      break;
    case PROP_ANSWER_TIMEOUT:
      self->settings.answer_timeout_ms = g_value_get_uint (value);
      break;
    case PROP_DISCONNECT_TIMEOUT:
      self->settings.disconnect_timeout_ms = g_value_get_uint (value);
      break;
    case PROP_REPAIR_DELAY:
      self->settings.repair_delay_ms = g_value_get_uint (value);
      break;
    case PROP_BANDWIDTH:
      self->settings.bandwidth_kbps = g_value_get_uint (value);
      break;
    case PROP_ICE_SERVERS:
      g_strfreev (self->ice_servers);
      self->ice_servers = g_value_dup_boxed (value);
      self->settings.ice_servers = (const char *const *)self->ice_servers;
      break;
    case PROP_RELAY_ONLY:
      self->settings.relay_only = g_value_get_boolean (value);
      break;
    case PROP_RING_WHEN_BUSY:
      self->ring_when_busy = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_call_client_dispose (GObject *object)
{
  QuartetCallClient *self = QUARTET_CALL_CLIENT (object);

  quartet_call_client_release (self);
  g_clear_object (&self->signaling);
  g_clear_object (&self->media);

  G_OBJECT_CLASS (quartet_call_client_parent_class)->dispose (object);
}

static void
quartet_call_client_finalize (GObject *object)
{
  QuartetCallClient *self = QUARTET_CALL_CLIENT (object);

  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->ended_session_ids, g_hash_table_unref);
  g_clear_pointer (&self->ice_servers, g_strfreev);
  g_queue_clear_full (&self->early_signals, (GDestroyNotify)early_signal_free);
  g_clear_pointer (&self->new_calls, quartet_rate_limiter_free);

  G_OBJECT_CLASS (quartet_call_client_parent_class)->finalize (object);
}

static void
quartet_call_client_class_init (QuartetCallClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);
  GType session = QUARTET_TYPE_CALL_SESSION;

  object_class->get_property = quartet_call_client_get_property;
  object_class->set_property = quartet_call_client_set_property;
  object_class->dispose = quartet_call_client_dispose;
  object_class->finalize = quartet_call_client_finalize;

  /* The SDK's timers (docs/protocol.md), in milliseconds; tests shorten them. */
  properties[PROP_DIALING_INTERVAL] = g_param_spec_uint (
      "dialing-interval", NULL, NULL, 10, G_MAXUINT, QUARTET_CALL_DIALING_INTERVAL_MS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ANSWER_TIMEOUT] = g_param_spec_uint ("answer-timeout", NULL, NULL, 10, G_MAXUINT,
                                                       QUARTET_CALL_ANSWER_TIMEOUT_MS,
                                                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISCONNECT_TIMEOUT] = g_param_spec_uint (
      "disconnect-timeout", NULL, NULL, 10, G_MAXUINT, QUARTET_CALL_DISCONNECT_TIMEOUT_MS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPAIR_DELAY]
      = g_param_spec_uint ("repair-delay", NULL, NULL, 10, G_MAXUINT, QUARTET_CALL_REPAIR_DELAY_MS,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* The QuickBlox session bandwidth, kbit/s of video each way (0: no
   * limit): our calls carry it as userInfo.bandwidth and b=AS, as the SDKs'
   * do. Sessions take it when they start (docs/protocol.md, "SDP: a
   * bandwidth limit"). */
  properties[PROP_BANDWIDTH] = g_param_spec_uint ("bandwidth", NULL, NULL, 0, G_MAXUINT / 1000, 0,
                                                  G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* "stun://host:port" and "turn://user:password@host:port" URLs. */
  properties[PROP_ICE_SERVERS] = g_param_spec_boxed ("ice-servers", NULL, NULL, G_TYPE_STRV,
                                                     G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* Only relayed (TURN) candidates: peers never learn our addresses. */
  properties[PROP_RELAY_ONLY] = g_param_spec_boolean ("relay-only", NULL, NULL, FALSE,
                                                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* A call that comes during another rings too (call waiting), one at a
   * time; FALSE (the SDKs' way) answers it busy. */
  properties[PROP_RING_WHEN_BUSY] = g_param_spec_boolean (
      "ring-when-busy", NULL, NULL, FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (session, user_id, user_info): a new call rings. */
  signals[CALL] = g_signal_new ("call", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                3, session, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[ACCEPT] = g_signal_new ("accept", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 3, session, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[REJECT] = g_signal_new ("reject", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 3, session, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[HANG_UP] = g_signal_new ("hang-up", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 3, session, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[RECEIVED_VIDEO_TRACK]
    = g_signal_new ("received-video-track", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, session, G_TYPE_STRING);
  signals[PEER_CONNECTION_STATE_CHANGED]
    = g_signal_new ("peer-connection-state-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 3, session, G_TYPE_STRING, QUARTET_TYPE_PEER_STATE);
  signals[NOT_ANSWER] = g_signal_new ("not-answer", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 2, session, G_TYPE_STRING);
  signals[RECONNECT]
      = g_signal_new ("reconnect", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                      session, G_TYPE_STRING, QUARTET_TYPE_RECONNECT_STATE);
  /* (session, user_id, user_info): the SDK's onUpdateCallListener. */
  signals[UPDATE] = g_signal_new ("update", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 3, session, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[CALL_END] = g_signal_new ("call-end", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, session);
}

static void
quartet_call_client_instance_init (GTypeInstance *instance, gpointer klass)
{
  QuartetCallClient *self = QUARTET_CALL_CLIENT (instance);

  self->settings.dialing_interval_ms = QUARTET_CALL_DIALING_INTERVAL_MS;
  self->settings.answer_timeout_ms = QUARTET_CALL_ANSWER_TIMEOUT_MS;
  self->settings.disconnect_timeout_ms = QUARTET_CALL_DISCONNECT_TIMEOUT_MS;
  self->settings.repair_delay_ms = QUARTET_CALL_REPAIR_DELAY_MS;
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->ended_session_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->new_calls = quartet_rate_limiter_new (NEW_CALLS_BURST, NEW_CALL_REFILL_US);
}

QuartetCallClient *
quartet_call_client_new (QuartetXmppConnection *connection, QuartetMedia *media)
{
  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (connection), NULL);

  return quartet_call_client_new_for_signaling (QUARTET_SIGNALING (connection), media);
}

/* A client whose signals go through @signaling rather than an XMPP
 * connection: the session state-machine tests' switchboard. */
QuartetCallClient *
quartet_call_client_new_for_signaling (QuartetSignaling *signaling, QuartetMedia *media)
{
  QuartetCallClient *self;

  g_return_val_if_fail (QUARTET_IS_SIGNALING (signaling), NULL);
  g_return_val_if_fail (QUARTET_IS_MEDIA (media), NULL);

  self = g_object_new (QUARTET_TYPE_CALL_CLIENT, NULL);
  self->signaling = g_object_ref (signaling);
  self->media = g_object_ref (media);
  return self;
}

/* Registers for call signals on a signed-in connection. Event handlers may
 * be connected before. */
gboolean
quartet_call_client_init (QuartetCallClient *self, GError **error)
{
  g_return_val_if_fail (QUARTET_IS_CALL_CLIENT (self), FALSE);

  if (self->initialized)
    return TRUE;

  if (!quartet_signaling_is_connected (self->signaling))
    {
      g_set_error_literal (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_NOT_CONNECTED,
                           "The call service is not connected");
      return FALSE;
    }

  _quartet_call_client_start_receiving (self);
  quartet_peer_prepare_dtls_certificate ();
  return TRUE;
}

/* init() once the connection is up; the stanza fuzzer calls it directly,
 * with no server, and hands messages to the connection itself. */
void
_quartet_call_client_start_receiving (QuartetCallClient *self)
{
  g_signal_connect (self->signaling, "signal-received", G_CALLBACK (on_signal_received_cb), self);
  self->initialized = TRUE;
}

/* (transfer none): the new session, dialing 1 to 3 users by user id. */
QuartetCallSession *
quartet_call_client_call (QuartetCallClient *self,
                          const char *const *opponent_ids,
                          QuartetCallType call_type,
                          GVariant *user_info,
                          GError **error)
{
  QuartetCallSession *session;

  g_return_val_if_fail (QUARTET_IS_CALL_CLIENT (self), NULL);

  if (!check_initialized (self, error) || !check_opponents (self, opponent_ids, error))
    return NULL;

  if (call_type != QUARTET_CALL_TYPE_VIDEO && call_type != QUARTET_CALL_TYPE_AUDIO)
    {
      g_set_error (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_INVALID_ARGUMENT,
                   "Unknown call type %d", call_type);
      return NULL;
    }

  if (find_live_session (self) != NULL)
    {
      g_set_error_literal (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_BUSY,
                           "Already in a call: hang up first");
      return NULL;
    }

  if (!quartet_media_start (self->media, error))
    return NULL;

  session = _quartet_call_session_new_outgoing (self->signaling, self->media, &self->settings,
                                                call_type, opponent_ids, user_info);
  adopt_session (self, session);
  _quartet_call_session_start (session);
  return session;
}

gboolean
quartet_call_client_accept (QuartetCallClient *self,
                            QuartetCallSession *session,
                            GVariant *user_info,
                            GError **error)
{
  g_return_val_if_fail (QUARTET_IS_CALL_CLIENT (self), FALSE);
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (session), FALSE);

  if (!check_session (self, session, error) || !quartet_media_start (self->media, error))
    return FALSE;

  return _quartet_call_session_accept (session, user_info, error);
}

gboolean
quartet_call_client_reject (QuartetCallClient *self,
                            QuartetCallSession *session,
                            GVariant *user_info,
                            GError **error)
{
  g_return_val_if_fail (QUARTET_IS_CALL_CLIENT (self), FALSE);
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (session), FALSE);

  if (!check_session (self, session, error))
    return FALSE;

  _quartet_call_session_reject (session, user_info);
  return TRUE;
}

gboolean
quartet_call_client_hang_up (QuartetCallClient *self,
                             QuartetCallSession *session,
                             GVariant *user_info,
                             GError **error)
{
  g_return_val_if_fail (QUARTET_IS_CALL_CLIENT (self), FALSE);
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (session), FALSE);

  if (!check_session (self, session, error))
    return FALSE;

  _quartet_call_session_hang_up (session, user_info);
  return TRUE;
}

gboolean
quartet_call_client_update (QuartetCallClient *self,
                            QuartetCallSession *session,
                            GVariant *user_info,
                            GError **error)
{
  g_return_val_if_fail (QUARTET_IS_CALL_CLIENT (self), FALSE);
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (session), FALSE);

  if (!check_session (self, session, error))
    {
      if (user_info != NULL)
        g_variant_unref (g_variant_ref_sink (user_info));
      return FALSE;
    }

  _quartet_call_session_update (session, user_info);
  return TRUE;
}

/* (transfer none) (nullable): the live session with the id the events
 * carry, as the SDK's sessions are looked up by id. */
QuartetCallSession *
quartet_call_client_get_session (QuartetCallClient *self, const char *session_id)
{
  g_return_val_if_fail (QUARTET_IS_CALL_CLIENT (self), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);

  return g_hash_table_lookup (self->sessions, session_id);
}

/* Ends every live session (sending hangUp), stops listening for signals
 * and frees every pipeline. Calls after it fail as before init(). */
void
quartet_call_client_release (QuartetCallClient *self)
{
  QuartetCallSession *session;

  g_return_if_fail (QUARTET_IS_CALL_CLIENT (self));

  while ((session = find_live_session (self)) != NULL)
    _quartet_call_session_hang_up (session, NULL);
  g_hash_table_remove_all (self->sessions);

  if (self->signaling != NULL)
    g_signal_handlers_disconnect_by_data (self->signaling, self);
  if (self->media != NULL)
    quartet_media_stop (self->media);
  quartet_peer_wait_for_dtls_certificate ();
  self->initialized = FALSE;
}
