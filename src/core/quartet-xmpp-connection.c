/* quartet-xmpp-connection.c: one signed-in XMPP account, driven by the GLib main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A connection goes DISCONNECTED -> CONNECTING -> CONNECTED. Once it has been
 * connected, a dropped connection is not an error for the caller: it emits
 * `disconnected`, goes RECONNECTING, retries with exponential backoff and
 * emits `reconnected` when it is signed in again. Only a deliberate
 * disconnect, a wrong password or an untrusted certificate end it for good.
 *
 * This file is the GObject, its public API and that state machine with its
 * timers (reconnect backoff, keepalive ping). The libstrophe side, from the
 * xmpp_ctx_t to the stanza handlers, is in quartet-xmpp-strophe.c; the two
 * share the instance struct through quartet-xmpp-connection-private.h.
 */
#define G_LOG_DOMAIN "quartet-xmpp"

#include "quartet-xmpp-connection.h"

#include <string.h>

#include "quartet-enums.h"
#include "quartet-jid.h"
#include "quartet-log.h"
#include "quartet-roster.h"
#include "quartet-xmpp-requests.h"
#include "quartet-xmpp-attempt.h"
#include "quartet-xmpp-resolver.h"
#include "quartet-xmpp-connection-private.h"

#define RECONNECT_MAX_DELAY_MS 30000
#define PING_TIMEOUT_S 15
#define XMLNS_PING "urn:xmpp:ping"

static void quartet_xmpp_connection_signaling_init (QuartetSignalingInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QuartetXmppConnection,
                               quartet_xmpp_connection,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (QUARTET_TYPE_SIGNALING,
                                                      quartet_xmpp_connection_signaling_init))
G_DEFINE_QUARK (quartet-xmpp-error-quark, quartet_xmpp_error)

enum
{
  PROP_0,
  PROP_JID,
  PROP_PASSWORD,
  PROP_USER_ID,
  PROP_BOUND_JID,
  PROP_STATE,
  PROP_TLS_MODE,
  PROP_RECONNECT_DELAY,
  PROP_KEEPALIVE_INTERVAL,
  PROP_LOGIN_TIMEOUT,
  N_PROPS
};

/* signal-received and reconnected are QuartetSignaling's. */
enum
{
  INVALID_SIGNAL,
  DISCONNECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_attempt (QuartetXmppConnection *self);

static void
set_state (QuartetXmppConnection *self, QuartetXmppState state)
{
  if (self->state == state)
    return;

  g_debug ("%s: state %d -> %d", self->jid, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* For the libstrophe side, which sees neither properties[] nor signals[]. */
void
_quartet_xmpp_connection_set_bound_jid (QuartetXmppConnection *self, const char *bound_jid)
{
  g_free (self->bound_jid);
  self->bound_jid = g_strdup (bound_jid);
  g_debug ("Signed in as %s", self->bound_jid);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_JID]);
}

void
_quartet_xmpp_connection_emit_signal_received (QuartetXmppConnection *self,
                                               const char *from,
                                               QuartetSignal *signal)
{
  quartet_signaling_emit_signal_received (QUARTET_SIGNALING (self), from, signal);
}

void
_quartet_xmpp_connection_emit_invalid_signal (QuartetXmppConnection *self,
                                              const char *from,
                                              const GError *error)
{
  g_signal_emit (self, signals[INVALID_SIGNAL], 0, from, error);
}

static gboolean
is_fatal_error (const GError *error)
{
  return g_error_matches (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_AUTHENTICATION)
         || g_error_matches (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_CERTIFICATE)
         || g_error_matches (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_TLS_UNAVAILABLE)
         || g_error_matches (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_INVALID_ACCOUNT);
}

void
_quartet_xmpp_connection_stop_timers (QuartetXmppConnection *self)
{
  g_clear_handle_id (&self->login_tick_id, g_source_remove);
  g_clear_handle_id (&self->ping_id, g_source_remove);
  g_clear_handle_id (&self->ping_timeout_id, g_source_remove);
}

static void
complete_connect (QuartetXmppConnection *self, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->connect_task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
complete_disconnect (QuartetXmppConnection *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->disconnect_task);
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->disconnect_waiters);

  if (task != NULL)
    g_task_return_boolean (task, TRUE);
  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
}

typedef struct
{
  char *host;
  guint16 port;
} QuartetXmppServer;

static void
quartet_xmpp_server_free (QuartetXmppServer *server)
{
  g_free (server->host);
  g_free (server);
}

/* The nodes of a cluster are one service to the user: when the one we used
 * cannot be reached or drops us, the next one in the list is tried. */
static gboolean
move_to_next_server (QuartetXmppConnection *self)
{
  QuartetXmppServer *next;

  if (self->servers->len < 2)
    return FALSE;

  self->server_index = (self->server_index + 1) % self->servers->len;
  next = g_ptr_array_index (self->servers, self->server_index);
  g_info ("%s: trying the next server, %s:%u", self->jid, next->host,
          next->port ? next->port : 5222);
  return TRUE;
}

static gboolean
on_reconnect_timeout_cb (gpointer user_data)
{
  QuartetXmppConnection *self = user_data;

  self->reconnect_id = 0;
  start_attempt (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (QuartetXmppConnection *self)
{
  guint delay = self->reconnect_delay_ms;

  for (guint i = 0; i < self->reconnect_attempt && delay < RECONNECT_MAX_DELAY_MS; i++)
    delay *= 2;
  delay = MIN (delay, RECONNECT_MAX_DELAY_MS);
  /* +-20 % so that many clients of a restarted server do not return at once. */
  delay = delay * g_random_double_range (0.8, 1.2);

  self->reconnect_attempt++;
  g_debug ("%s: reconnecting in %u ms (attempt %u)", self->jid, delay, self->reconnect_attempt);
  set_state (self, QUARTET_XMPP_STATE_RECONNECTING);
  self->reconnect_id = g_timeout_add (delay, on_reconnect_timeout_cb, self);
}

void
_quartet_xmpp_connection_handle_closed (QuartetXmppConnection *self, GError *error)
{
  gboolean was_connected = self->state == QUARTET_XMPP_STATE_CONNECTED;

  _quartet_xmpp_connection_stop_timers (self);
  quartet_xmpp_requests_fail_all (self->requests);
  g_clear_pointer (&self->bound_jid, g_free);
  quartet_roster_mark_all_unavailable (self->roster);

  if (self->disconnect_task != NULL || self->state == QUARTET_XMPP_STATE_DISCONNECTED)
    {
      g_clear_error (&error);
      set_state (self, QUARTET_XMPP_STATE_DISCONNECTED);
      complete_disconnect (self);
      return;
    }

  /* Signing in: every server of the list gets its chance before it fails. */
  if (self->connect_task != NULL && !is_fatal_error (error)
      && self->servers_tried + 1 < self->servers->len && move_to_next_server (self))
    {
      self->servers_tried++;
      g_clear_error (&error);
      start_attempt (self);
      return;
    }

  if (self->connect_task != NULL || is_fatal_error (error))
    {
      set_state (self, QUARTET_XMPP_STATE_DISCONNECTED);
      if (self->connect_task == NULL)
        g_signal_emit (self, signals[DISCONNECTED], 0, error);
      complete_connect (self, g_steal_pointer (&error));
      g_clear_error (&error);
      return;
    }

  if (was_connected)
    g_signal_emit (self, signals[DISCONNECTED], 0, error);
  g_clear_error (&error);
  move_to_next_server (self);
  schedule_reconnect (self);
}

static int
on_ping_result_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppConnection *self = userdata;

  g_clear_handle_id (&self->ping_timeout_id, g_source_remove);
  return 0;
}

static gboolean
on_ping_timeout_cb (gpointer user_data)
{
  QuartetXmppConnection *self = user_data;

  /* Stanzas still coming mean a live server: our pong is only queued behind
   * them (a burst someone sent us, which we read slower than it came). */
  if (g_get_monotonic_time () - self->last_stanza_us < PING_TIMEOUT_S * G_USEC_PER_SEC)
    {
      g_debug ("%s: no pong yet, but the server is sending; waiting", self->jid);
      return G_SOURCE_CONTINUE;
    }

  self->ping_timeout_id = 0;
  g_info ("%s: the server did not answer a ping in %d s; reconnecting", self->jid, PING_TIMEOUT_S);
  xmpp_disconnect (self->conn);
  return G_SOURCE_REMOVE;
}

/* XEP-0199 pings find a silently dead connection (a suspended laptop, a
 * NAT that forgot us) long before TCP would. */
static gboolean
on_ping_interval_cb (gpointer user_data)
{
  QuartetXmppConnection *self = user_data;
  g_autofree char *id = NULL;
  g_autoptr (xmpp_stanza_t) iq = NULL;
  g_autoptr (xmpp_stanza_t) ping = NULL;
  g_autofree char *domain = quartet_jid_get_domain (self->jid);

  if (self->ping_timeout_id != 0)
    return G_SOURCE_CONTINUE;

  id = g_strdup_printf ("ping-%08x", g_random_int ());
  iq = xmpp_iq_new (self->ctx, "get", id);
  xmpp_stanza_set_to (iq, domain);
  ping = xmpp_stanza_new (self->ctx);
  xmpp_stanza_set_name (ping, "ping");
  xmpp_stanza_set_ns (ping, XMLNS_PING);
  xmpp_stanza_add_child (iq, ping);

  xmpp_id_handler_add (self->conn, on_ping_result_cb, id, self);
  xmpp_send (self->conn, iq);
  self->ping_timeout_id = g_timeout_add_seconds (PING_TIMEOUT_S, on_ping_timeout_cb, self);
  return G_SOURCE_CONTINUE;
}

static void
send_initial_presence (QuartetXmppConnection *self)
{
  g_autoptr (xmpp_stanza_t) presence = xmpp_presence_new (self->ctx);

  xmpp_send (self->conn, presence);
}

/* Signed in and the roster is known: the connection is ready for calls. */
void
_quartet_xmpp_connection_finish_sign_in (QuartetXmppConnection *self)
{
  gboolean is_reconnect = self->state == QUARTET_XMPP_STATE_RECONNECTING;

  g_clear_handle_id (&self->login_tick_id, g_source_remove);
  send_initial_presence (self);

  if (self->keepalive_interval_s > 0)
    self->ping_id = g_timeout_add_seconds (self->keepalive_interval_s, on_ping_interval_cb, self);

  self->reconnect_attempt = 0;
  set_state (self, QUARTET_XMPP_STATE_CONNECTED);

  if (is_reconnect)
    quartet_signaling_emit_reconnected (QUARTET_SIGNALING (self));
  complete_connect (self, NULL);
}

static void
on_server_resolved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetXmppConnection) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetSocketAddress) server = quartet_xmpp_resolve_finish (result, &error);
  g_autofree char *address = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (server == NULL)
    {
      _quartet_xmpp_connection_handle_closed (self, g_steal_pointer (&error));
      return;
    }

  address = g_inet_address_to_string (g_inet_socket_address_get_address (server));
  _quartet_xmpp_connection_open_strophe (self, address, g_inet_socket_address_get_port (server));
}

static void
start_attempt (QuartetXmppConnection *self)
{
  g_autofree char *domain = quartet_jid_get_domain (self->jid);
  QuartetXmppServer *server = NULL;

  g_cancellable_cancel (self->attempt_cancellable);
  g_clear_object (&self->attempt_cancellable);
  self->attempt_cancellable = g_cancellable_new ();

  if (self->servers->len > 0)
    server = g_ptr_array_index (self->servers, self->server_index);
  quartet_xmpp_resolve_async (domain, server ? server->host : NULL, server ? server->port : 0,
                              self->attempt_cancellable, on_server_resolved_cb,
                              g_object_ref (self));
}

static void
quartet_xmpp_connection_get_property (GObject *object,
                                      guint prop_id,
                                      GValue *value,
                                      GParamSpec *pspec)
{
  QuartetXmppConnection *self = QUARTET_XMPP_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_JID:
      g_value_set_string (value, self->jid);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_BOUND_JID:
      g_value_set_string (value, self->bound_jid);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_TLS_MODE:
      g_value_set_enum (value, self->tls_mode);
      break;
    case PROP_RECONNECT_DELAY:
      g_value_set_uint (value, self->reconnect_delay_ms);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, self->keepalive_interval_s);
      break;
    case PROP_LOGIN_TIMEOUT:
      g_value_set_uint (value, self->login_timeout_s);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_xmpp_connection_set_property (GObject *object,
                                      guint prop_id,
                                      const GValue *value,
                                      GParamSpec *pspec)
{
  QuartetXmppConnection *self = QUARTET_XMPP_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_JID:
      self->jid = g_value_dup_string (value);
      break;
    case PROP_PASSWORD:
      self->password = g_value_dup_string (value);
      quartet_log_hide_secret (self->password);
      break;
    case PROP_TLS_MODE:
      quartet_xmpp_connection_set_tls_mode (self, g_value_get_enum (value));
      break;
    case PROP_RECONNECT_DELAY:
      self->reconnect_delay_ms = g_value_get_uint (value);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      self->keepalive_interval_s = g_value_get_uint (value);
      break;
    case PROP_LOGIN_TIMEOUT:
      self->login_timeout_s = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_xmpp_connection_constructed (GObject *object)
{
  QuartetXmppConnection *self = QUARTET_XMPP_CONNECTION (object);

  G_OBJECT_CLASS (quartet_xmpp_connection_parent_class)->constructed (object);

  /* An account is a bare JID; a resource is ours to choose per attempt. */
  if (self->jid != NULL)
    {
      char *bare = quartet_jid_get_bare (self->jid);

      g_free (self->jid);
      self->jid = bare;
      self->user_id = quartet_jid_get_user_id (self->jid);
    }
}

static void
quartet_xmpp_connection_dispose (GObject *object)
{
  QuartetXmppConnection *self = QUARTET_XMPP_CONNECTION (object);

  self->disposing = TRUE;
  g_cancellable_cancel (self->attempt_cancellable);
  g_clear_object (&self->attempt_cancellable);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  _quartet_xmpp_connection_dispose_strophe (self);
  g_clear_object (&self->roster);

  G_OBJECT_CLASS (quartet_xmpp_connection_parent_class)->dispose (object);
}

static void
quartet_xmpp_connection_finalize (GObject *object)
{
  QuartetXmppConnection *self = QUARTET_XMPP_CONNECTION (object);

  g_assert (self->connect_task == NULL);
  g_assert (self->disconnect_task == NULL);

  g_clear_pointer (&self->jid, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->servers, g_ptr_array_unref);
  g_clear_pointer (&self->cafile, g_free);
  g_clear_pointer (&self->trusted_fingerprint, g_free);
  g_clear_pointer (&self->bound_jid, g_free);
  g_clear_pointer (&self->requests, quartet_xmpp_requests_free);
  quartet_xmpp_attempt_reset (&self->attempt);

  G_OBJECT_CLASS (quartet_xmpp_connection_parent_class)->finalize (object);
}

static void
quartet_xmpp_connection_class_init (QuartetXmppConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = quartet_xmpp_connection_get_property;
  object_class->set_property = quartet_xmpp_connection_set_property;
  object_class->constructed = quartet_xmpp_connection_constructed;
  object_class->dispose = quartet_xmpp_connection_dispose;
  object_class->finalize = quartet_xmpp_connection_finalize;

  properties[PROP_JID] = g_param_spec_string ("jid", NULL, NULL, NULL,
                                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                                | G_PARAM_STATIC_STRINGS);
  properties[PROP_PASSWORD] = g_param_spec_string ("password", NULL, NULL, NULL,
                                                   G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY
                                                     | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_ID]
    = g_param_spec_string ("user-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BOUND_JID]
    = g_param_spec_string ("bound-jid", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE]
    = g_param_spec_enum ("state", NULL, NULL, QUARTET_TYPE_XMPP_STATE,
                         QUARTET_XMPP_STATE_DISCONNECTED,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TLS_MODE]
    = g_param_spec_enum ("tls-mode", NULL, NULL, QUARTET_TYPE_XMPP_TLS_MODE,
                         QUARTET_XMPP_TLS_REQUIRED,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The first reconnect waits this long; each failed attempt doubles it, up to 30 s. */
  properties[PROP_RECONNECT_DELAY]
    = g_param_spec_uint ("reconnect-delay", NULL, NULL, 10, RECONNECT_MAX_DELAY_MS, 1000,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEEPALIVE_INTERVAL]
    = g_param_spec_uint ("keepalive-interval", NULL, NULL, 0, 3600, 30,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* A server that accepts the connection but never finishes signing us in
   * is given up on after this long (then retried, when reconnecting). */
  properties[PROP_LOGIN_TIMEOUT]
    = g_param_spec_uint ("login-timeout", NULL, NULL, 1, 600, 20,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (from, error): a call signal was malformed and dropped; nothing else is affected. */
  signals[INVALID_SIGNAL] = g_signal_new ("invalid-signal", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                          G_TYPE_STRING, G_TYPE_ERROR);
  /* (error): a signed-in connection dropped; it reconnects unless the error is fatal. */
  signals[DISCONNECTED]
      = g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
quartet_xmpp_connection_init (QuartetXmppConnection *self)
{
  self->reconnect_delay_ms = 1000;
  self->keepalive_interval_s = 30;
  self->login_timeout_s = 20;
  self->roster = quartet_roster_new ();
  self->requests = quartet_xmpp_requests_new ();
  self->servers = g_ptr_array_new_with_free_func ((GDestroyNotify)quartet_xmpp_server_free);
  _quartet_xmpp_connection_init_strophe (self);
}

QuartetXmppConnection *
quartet_xmpp_connection_new (const char *jid, const char *password)
{
  g_return_val_if_fail (jid != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  return g_object_new (QUARTET_TYPE_XMPP_CONNECTION, "jid", jid, "password", password, NULL);
}

/* @host may be NULL to look up the domain's SRV records; @port 0 means 5222. */
void
quartet_xmpp_connection_set_server (QuartetXmppConnection *self, const char *host, guint16 port)
{
  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));

  g_ptr_array_set_size (self->servers, 0);
  self->server_index = 0;
  if (host != NULL)
    quartet_xmpp_connection_add_server (self, host, port);
}

/* One more server of the same service (another node of a cluster), tried
 * when those before it cannot be reached, and in turn after a drop. */
void
quartet_xmpp_connection_add_server (QuartetXmppConnection *self, const char *host, guint16 port)
{
  QuartetXmppServer *server;

  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));
  g_return_if_fail (host != NULL);

  server = g_new0 (QuartetXmppServer, 1);
  server->host = g_strdup (host);
  server->port = port;
  g_ptr_array_add (self->servers, server);
}

void
quartet_xmpp_connection_set_tls_mode (QuartetXmppConnection *self, QuartetXmppTlsMode mode)
{
  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));

  if (self->tls_mode == mode)
    return;

  self->tls_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_MODE]);
}

/* The password for the next sign-in (reconnects included); the current
 * session goes on. A QuickBlox account's chat password is its session
 * token, which is renewed every two hours. */
void
quartet_xmpp_connection_set_password (QuartetXmppConnection *self, const char *password)
{
  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));
  g_return_if_fail (password != NULL);

  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
  quartet_log_hide_secret (password);
}

/* A PEM file of extra certificate authorities to trust, beside the system's. */
void
quartet_xmpp_connection_set_cafile (QuartetXmppConnection *self, const char *cafile)
{
  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));

  g_free (self->cafile);
  self->cafile = g_strdup (cafile);
}

/* Trust exactly the certificate with this SHA-256 fingerprint (in any
 * hex notation), as a user does after checking a local server's. */
void
quartet_xmpp_connection_set_trusted_fingerprint (QuartetXmppConnection *self,
                                                 const char *sha256_fingerprint)
{
  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));

  g_free (self->trusted_fingerprint);
  self->trusted_fingerprint
    = sha256_fingerprint ? quartet_xmpp_normalize_fingerprint (sha256_fingerprint) : NULL;
}

const char *
quartet_xmpp_connection_get_jid (QuartetXmppConnection *self)
{
  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), NULL);

  return self->jid;
}

/* The id the call protocol knows this account by (docs/protocol.md, Identities). */
const char *
quartet_xmpp_connection_get_user_id (QuartetXmppConnection *self)
{
  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), NULL);

  return self->user_id;
}

const char *
quartet_xmpp_connection_get_bound_jid (QuartetXmppConnection *self)
{
  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), NULL);

  return self->bound_jid;
}

QuartetXmppState
quartet_xmpp_connection_get_state (QuartetXmppConnection *self)
{
  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), QUARTET_XMPP_STATE_DISCONNECTED);

  return self->state;
}

/* After a QUARTET_XMPP_ERROR_CERTIFICATE: the fingerprint to show the user. */
const char *
quartet_xmpp_connection_get_peer_fingerprint (QuartetXmppConnection *self)
{
  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), NULL);

  return self->attempt.peer_fingerprint;
}

/* (transfer none): a GListModel of QuartetContact, kept up to date. */
GListModel *
quartet_xmpp_connection_get_roster (QuartetXmppConnection *self)
{
  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), NULL);

  return G_LIST_MODEL (self->roster);
}

void
quartet_xmpp_connection_connect_async (QuartetXmppConnection *self,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quartet_xmpp_connection_connect_async);

  if (!quartet_jid_is_valid (self->jid))
    {
      g_task_return_new_error (task, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_INVALID_ACCOUNT,
                               "“%s” is not an account address (name@server)",
                               self->jid ? self->jid : "");
      return;
    }

  if (self->state != QUARTET_XMPP_STATE_DISCONNECTED || self->connect_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Already connected or connecting");
      return;
    }

  self->connect_task = g_steal_pointer (&task);
  self->reconnect_attempt = 0;
  self->servers_tried = 0;
  set_state (self, QUARTET_XMPP_STATE_CONNECTING);
  start_attempt (self);
}

gboolean
quartet_xmpp_connection_connect_finish (QuartetXmppConnection *self,
                                        GAsyncResult *result,
                                        GError **error)
{
  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
send_unavailable_presence (QuartetXmppConnection *self)
{
  g_autoptr (xmpp_stanza_t) presence = xmpp_presence_new (self->ctx);

  xmpp_stanza_set_type (presence, "unavailable");
  xmpp_send (self->conn, presence);
}

/* Signs out cleanly: unavailable presence, the stream closed, and no
 * reconnect. Completes when the server has closed its side. */
void
quartet_xmpp_connection_disconnect_async (QuartetXmppConnection *self,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quartet_xmpp_connection_disconnect_async);

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_cancellable_cancel (self->attempt_cancellable);
  complete_connect (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                       "Signed out before the connection was ready"));

  /* Already signing out: what was queued before (a hangUp, say) must still
   * reach the server, so this one waits for the same end. */
  if (self->disconnect_task != NULL)
    {
      if (self->disconnect_waiters == NULL)
        self->disconnect_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (self->disconnect_waiters, g_steal_pointer (&task));
      return;
    }

  if (self->conn == NULL || !xmpp_conn_is_connected (self->conn))
    {
      _quartet_xmpp_connection_release_strophe (self);
      set_state (self, QUARTET_XMPP_STATE_DISCONNECTED);
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->disconnect_task = g_steal_pointer (&task);
  if (self->state == QUARTET_XMPP_STATE_CONNECTED)
    send_unavailable_presence (self);
  xmpp_disconnect (self->conn);
}

gboolean
quartet_xmpp_connection_disconnect_finish (QuartetXmppConnection *self,
                                           GAsyncResult *result,
                                           GError **error)
{
  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Queues @signal for @to (a bare JID, as docs/protocol.md asks). Fails without
 * sending anything when the signal is invalid or we are not signed in. */
gboolean
quartet_xmpp_connection_send_signal (QuartetXmppConnection *self,
                                     const char *to,
                                     const QuartetSignal *signal,
                                     GError **error)
{
  g_autoptr (xmpp_stanza_t) stanza = NULL;

  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), FALSE);
  g_return_val_if_fail (to != NULL, FALSE);
  g_return_val_if_fail (signal != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state != QUARTET_XMPP_STATE_CONNECTED)
    {
      g_set_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_NOT_CONNECTED,
                   "Not connected to the server");
      return FALSE;
    }

  if (!quartet_jid_is_valid (to))
    {
      g_set_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_INVALID_ACCOUNT,
                   "“%s” is not an account address (name@server)", to);
      return FALSE;
    }

  stanza = quartet_signal_to_stanza (signal, self->ctx, to, NULL, error);
  if (stanza == NULL)
    return FALSE;

  xmpp_send (self->conn, stanza);
  return TRUE;
}

static const char *
signaling_get_jid (QuartetSignaling *signaling)
{
  return quartet_xmpp_connection_get_jid (QUARTET_XMPP_CONNECTION (signaling));
}

static const char *
signaling_get_user_id (QuartetSignaling *signaling)
{
  return quartet_xmpp_connection_get_user_id (QUARTET_XMPP_CONNECTION (signaling));
}

static gboolean
signaling_is_connected (QuartetSignaling *signaling)
{
  return QUARTET_XMPP_CONNECTION (signaling)->state == QUARTET_XMPP_STATE_CONNECTED;
}

static gboolean
signaling_send_signal (QuartetSignaling *signaling,
                       const char *to,
                       const QuartetSignal *signal,
                       GError **error)
{
  return quartet_xmpp_connection_send_signal (QUARTET_XMPP_CONNECTION (signaling), to, signal,
                                              error);
}

static void
quartet_xmpp_connection_signaling_init (QuartetSignalingInterface *iface)
{
  iface->get_jid = signaling_get_jid;
  iface->get_user_id = signaling_get_user_id;
  iface->is_connected = signaling_is_connected;
  iface->send_signal = signaling_send_signal;
}
