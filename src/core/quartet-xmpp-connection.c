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
 * Each attempt gets a fresh xmpp_conn_t: libstrophe's state after a failure is
 * easier to throw away than to reset.
 */
#define G_LOG_DOMAIN "quartet-xmpp"

#include "quartet-xmpp-connection.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "quartet-enums.h"
#include "quartet-jid.h"
#include "quartet-log.h"
#include "quartet-roster.h"
#include "quartet-xmpp-requests.h"
#include "quartet-strophe-source.h"
#include "quartet-xmpp-attempt.h"
#include "quartet-xmpp-resolver.h"
#include "quartet-xmpp-connection-private.h"

#define RECONNECT_MAX_DELAY_MS 30000
#define LOGIN_TICK_MS 500
#define PING_TIMEOUT_S 15
#define XMLNS_ROSTER "jabber:iq:roster"
#define XMLNS_PING "urn:xmpp:ping"

struct _QuartetXmppConnection
{
  GObject parent_instance;

  /* The account, set before connecting. */
  char *jid;
  char *password;
  char *user_id;
  char *server_host;
  guint16 server_port;
  QuartetXmppTlsMode tls_mode;
  char *cafile;
  char *trusted_fingerprint;
  guint reconnect_delay_ms;
  guint keepalive_interval_s;
  guint login_timeout_s;

  QuartetXmppState state;
  QuartetRoster *roster;
  xmpp_ctx_t *ctx;
  xmpp_log_t logger;
  xmpp_conn_t *conn;
  GSource *source;
  char *bound_jid;

  GTask *connect_task;
  GTask *disconnect_task;
  GPtrArray *disconnect_waiters; /* later disconnect_async() calls while signing out */
  QuartetXmppRequests *requests; /* IQs waiting for their answer */
  GCancellable *attempt_cancellable;
  guint login_tick_id;
  gint64 login_deadline_us;
  guint reconnect_id;
  guint reconnect_attempt;
  guint ping_id;
  guint ping_timeout_id;
  gint64 last_stanza_us; /* monotonic time of the last stanza the server sent */
  gboolean disposing;

  QuartetXmppAttempt attempt;
};

G_DEFINE_FINAL_TYPE (QuartetXmppConnection, quartet_xmpp_connection, G_TYPE_OBJECT)
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

enum
{
  SIGNAL_RECEIVED,
  INVALID_SIGNAL,
  DISCONNECTED,
  RECONNECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* libstrophe's sockopt and certificate callbacks get no user data, and the
 * certificate does not even know its xmpp_conn_t (0.12 leaves it NULL). Each
 * connection owns its own xmpp_ctx_t, so we map that back to it. Everything
 * runs on the one main thread. */
static GHashTable *connections_by_ctx;

static void start_attempt (QuartetXmppConnection *self);

static QuartetXmppConnection *
lookup_by_ctx (const xmpp_ctx_t *ctx)
{
  return ctx ? g_hash_table_lookup (connections_by_ctx, ctx) : NULL;
}

static void
set_state (QuartetXmppConnection *self, QuartetXmppState state)
{
  if (self->state == state)
    return;

  g_debug ("%s: state %d -> %d", self->jid, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* libstrophe logs the SASL exchange (the password, base64) and every stanza
 * at debug level: keep those out of our logs entirely. */
static void
on_strophe_log_cb (void *userdata,
                   xmpp_log_level_t level,
                   const char *area,
                   const char *msg)
{
  QuartetXmppConnection *self = userdata;

  quartet_xmpp_attempt_note_log (&self->attempt, msg);

  /* QUARTET_XMPP_TRACE=1 shows the stanzas too, for debugging; never the
   * SASL exchange. */
  if (g_str_equal (area, "sasl") || strstr (msg, "xmpp-sasl") != NULL)
    return;
  if ((g_str_equal (area, "conn") || strstr (msg, "SENT:") != NULL || strstr (msg, "RECV:") != NULL)
      && g_strcmp0 (g_getenv ("QUARTET_XMPP_TRACE"), "1") != 0)
    return;

  if (level >= XMPP_LEVEL_ERROR)
    g_info ("libstrophe %s: %s", area, msg);
  else
    g_debug ("libstrophe %s: %s", area, msg);
}

static void
run_strophe_loop (QuartetXmppConnection *self)
{
  /* A signal handler may drop the last reference to us; we must outlive
   * this loop, as libstrophe is still walking its connections. */
  g_object_ref (self);

  /* xmpp_run_once() reads at most 4 KiB, but OpenSSL decrypts a whole TLS
   * record (up to 16 KiB) whose rest does not make the socket readable again:
   * five runs drain it. More data on the socket wakes us up again. */
  for (guint i = 0; i < 5 && self->ctx != NULL && !self->disposing; i++)
    xmpp_run_once (self->ctx, 0);

  g_object_unref (self);
}

static gboolean
on_strophe_ready_cb (gpointer user_data)
{
  run_strophe_loop (user_data);
  return G_SOURCE_CONTINUE;
}

static void
stop_watching_socket (QuartetXmppConnection *self)
{
  if (self->source != NULL)
    g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
}

static int
on_strophe_socket_cb (xmpp_conn_t *conn, void *sock)
{
  QuartetXmppConnection *self = lookup_by_ctx (xmpp_conn_get_context (conn));

  if (self == NULL)
    return 0;

  /* Called once per address tried; the last socket is the live one. */
  stop_watching_socket (self);
  self->source = quartet_strophe_source_new (self->ctx, conn, *(int *)sock);
  g_source_set_callback (self->source, on_strophe_ready_cb, self, NULL);
  g_source_attach (self->source, NULL);

  return xmpp_sockopt_cb_keepalive (conn, sock);
}

/* Accept a certificate the system does not trust only when the user pinned
 * exactly this one; otherwise remember why, for the error we report. */
static int
on_certificate_failure_cb (const xmpp_tlscert_t *cert, const char *const errormsg)
{
  QuartetXmppConnection *self = lookup_by_ctx (xmpp_tlscert_get_ctx (cert));

  if (self == NULL)
    return 0;

  return quartet_xmpp_attempt_check_certificate (&self->attempt, cert, errormsg,
                                                 self->trusted_fingerprint);
}

static gboolean
is_fatal_error (const GError *error)
{
  return g_error_matches (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_AUTHENTICATION)
         || g_error_matches (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_CERTIFICATE)
         || g_error_matches (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_TLS_UNAVAILABLE)
         || g_error_matches (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_INVALID_ACCOUNT);
}

static void
stop_timers (QuartetXmppConnection *self)
{
  g_clear_handle_id (&self->login_tick_id, g_source_remove);
  g_clear_handle_id (&self->ping_id, g_source_remove);
  g_clear_handle_id (&self->ping_timeout_id, g_source_remove);
}

/* Never called from inside xmpp_run_once(): libstrophe walks its connection
 * list there. Releasing a live xmpp_conn_t fires its disconnect handler; it
 * is detached first so that the handler ignores it. */
static void
release_strophe_connection (QuartetXmppConnection *self)
{
  xmpp_conn_t *conn = g_steal_pointer (&self->conn);

  stop_watching_socket (self);
  stop_timers (self);

  if (conn != NULL)
    xmpp_conn_release (conn);
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

static void
handle_connection_closed (QuartetXmppConnection *self, GError *error)
{
  gboolean was_connected = self->state == QUARTET_XMPP_STATE_CONNECTED;

  stop_timers (self);
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
  schedule_reconnect (self);
}

static int
on_message_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppConnection *self = userdata;
  const char *from = xmpp_stanza_get_from (stanza);
  g_autoptr (QuartetSignal) signal = NULL;
  g_autoptr (GError) error = NULL;

  if (from == NULL)
    return 1;

  signal = quartet_signal_from_stanza (stanza, &error);
  if (g_error_matches (error, QUARTET_SIGNAL_ERROR, QUARTET_SIGNAL_ERROR_NOT_A_SIGNAL))
    return 1;

  if (error != NULL)
    {
      g_debug ("Dropping malformed call signal from %s: %s", from, error->message);
      g_signal_emit (self, signals[INVALID_SIGNAL], 0, from, error);
      return 1;
    }

  g_signal_emit (self, signals[SIGNAL_RECEIVED], 0, from, signal);
  return 1;
}

void
_quartet_xmpp_connection_receive_message (QuartetXmppConnection *self, xmpp_stanza_t *stanza)
{
  on_message_cb (NULL, stanza, self);
}

static int
on_presence_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppConnection *self = userdata;

  quartet_roster_apply_presence (self->roster, stanza);
  return 1;
}

static gboolean
is_from_own_account (QuartetXmppConnection *self, const char *from)
{
  g_autofree char *bare = NULL;

  if (from == NULL)
    return TRUE;

  bare = quartet_jid_get_bare (from);
  return g_ascii_strcasecmp (bare, self->jid) == 0;
}

static int
on_roster_push_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppConnection *self = userdata;
  xmpp_stanza_t *query = xmpp_stanza_get_child_by_ns (stanza, XMLNS_ROSTER);
  g_autoptr (xmpp_stanza_t) result = NULL;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "set") != 0 || query == NULL)
    return 1;

  /* RFC 6121 2.1.6: a push from anyone but our own account is spoofed. */
  if (!is_from_own_account (self, xmpp_stanza_get_from (stanza)))
    return 1;

  quartet_roster_apply_push (self->roster, query);

  result = xmpp_iq_new (self->ctx, "result", xmpp_stanza_get_id (stanza));
  xmpp_send (conn, result);
  return 1;
}

static int
on_ping_result_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppConnection *self = userdata;

  g_clear_handle_id (&self->ping_timeout_id, g_source_remove);
  return 0;
}

static int
on_any_stanza_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppConnection *self = userdata;

  self->last_stanza_us = g_get_monotonic_time ();
  return 1;
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
static void
finish_sign_in (QuartetXmppConnection *self)
{
  gboolean is_reconnect = self->state == QUARTET_XMPP_STATE_RECONNECTING;

  g_clear_handle_id (&self->login_tick_id, g_source_remove);
  send_initial_presence (self);

  if (self->keepalive_interval_s > 0)
    self->ping_id = g_timeout_add_seconds (self->keepalive_interval_s, on_ping_interval_cb, self);

  self->reconnect_attempt = 0;
  set_state (self, QUARTET_XMPP_STATE_CONNECTED);

  if (is_reconnect)
    g_signal_emit (self, signals[RECONNECTED], 0);
  complete_connect (self, NULL);
}

static int
on_roster_result_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppConnection *self = userdata;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") == 0)
    quartet_roster_load (self->roster, xmpp_stanza_get_child_by_ns (stanza, XMLNS_ROSTER));
  else
    g_info ("%s: the server refused the roster; continuing without contacts", self->jid);

  finish_sign_in (self);
  return 0;
}

static void
request_roster (QuartetXmppConnection *self)
{
  g_autofree char *id = g_strdup_printf ("roster-%08x", g_random_int ());
  g_autoptr (xmpp_stanza_t) iq = xmpp_iq_new (self->ctx, "get", id);
  g_autoptr (xmpp_stanza_t) query = xmpp_stanza_new (self->ctx);

  xmpp_stanza_set_name (query, "query");
  xmpp_stanza_set_ns (query, XMLNS_ROSTER);
  xmpp_stanza_add_child (iq, query);

  xmpp_id_handler_add (self->conn, on_roster_result_cb, id, self);
  xmpp_send (self->conn, iq);
}

static void
on_strophe_connection_cb (xmpp_conn_t *conn,
                          xmpp_conn_event_t event,
                          int error,
                          xmpp_stream_error_t *stream_error,
                          void *userdata)
{
  QuartetXmppConnection *self = userdata;

  if (self->disposing || conn != self->conn)
    return;

  switch (event)
    {
    case XMPP_CONN_CONNECT:
      g_free (self->bound_jid);
      self->bound_jid = g_strdup (xmpp_conn_get_bound_jid (conn));
      g_debug ("Signed in as %s", self->bound_jid);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_JID]);

      xmpp_handler_add (conn, on_any_stanza_cb, NULL, NULL, NULL, self);
      xmpp_handler_add (conn, on_message_cb, NULL, "message", NULL, self);
      xmpp_handler_add (conn, on_presence_cb, NULL, "presence", NULL, self);
      xmpp_handler_add (conn, on_roster_push_cb, XMLNS_ROSTER, "iq", "set", self);
      request_roster (self);
      break;

    case XMPP_CONN_RAW_CONNECT:
      break;

    case XMPP_CONN_DISCONNECT:
    case XMPP_CONN_FAIL:
    default:
      stop_watching_socket (self);
      handle_connection_closed (self, quartet_xmpp_attempt_describe_failure (
                                        &self->attempt, self->jid,
                                        self->state == QUARTET_XMPP_STATE_CONNECTED, error,
                                        stream_error));
      break;
    }
}

/* libstrophe checks its own timeouts only when its loop runs; and it has
 * none for a server that stalls after accepting the connection. */
static gboolean
on_login_tick_cb (gpointer user_data)
{
  QuartetXmppConnection *self = user_data;
  g_autofree char *domain = NULL;

  if (g_get_monotonic_time () < self->login_deadline_us)
    {
      if (self->source != NULL)
        quartet_strophe_source_wake (self->source);
      return G_SOURCE_CONTINUE;
    }

  self->login_tick_id = 0;
  domain = quartet_jid_get_domain (self->jid);
  g_info ("%s: no sign-in after %u s; giving up this attempt", self->jid, self->login_timeout_s);
  release_strophe_connection (self);
  handle_connection_closed (self, g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_UNREACHABLE,
                                               "The server %s did not answer in time", domain));
  return G_SOURCE_REMOVE;
}

static char *
new_resource_jid (QuartetXmppConnection *self)
{
  return g_strdup_printf ("%s/quartet-%08x", self->jid, g_random_int ());
}

static void
open_strophe_connection (QuartetXmppConnection *self, const char *address, guint16 port)
{
  g_autofree char *full_jid = new_resource_jid (self);
  long flags = XMPP_CONN_FLAG_DISABLE_SM;
  int ret;

  release_strophe_connection (self);
  quartet_xmpp_attempt_reset (&self->attempt);

  flags |= self->tls_mode == QUARTET_XMPP_TLS_OFF ? XMPP_CONN_FLAG_DISABLE_TLS
                                                  : XMPP_CONN_FLAG_MANDATORY_TLS;

  self->conn = xmpp_conn_new (self->ctx);
  xmpp_conn_set_flags (self->conn, flags);
  xmpp_conn_set_jid (self->conn, full_jid);
  xmpp_conn_set_pass (self->conn, self->password);
  xmpp_conn_set_sockopt_callback (self->conn, on_strophe_socket_cb);
  xmpp_conn_set_certfail_handler (self->conn, on_certificate_failure_cb);
  if (self->cafile != NULL)
    xmpp_conn_set_cafile (self->conn, self->cafile);

  g_debug ("%s: connecting to %s port %u", self->jid, address, port);
  ret = xmpp_connect_client (self->conn, address, port, on_strophe_connection_cb, self);
  if (ret != XMPP_EOK)
    {
      stop_watching_socket (self);
      handle_connection_closed (self,
                                g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_UNREACHABLE,
                                             "Could not connect to %s port %u", address, port));
      return;
    }

  self->login_deadline_us = g_get_monotonic_time () + self->login_timeout_s * G_USEC_PER_SEC;
  self->login_tick_id = g_timeout_add (LOGIN_TICK_MS, on_login_tick_cb, self);
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
      handle_connection_closed (self, g_steal_pointer (&error));
      return;
    }

  address = g_inet_address_to_string (g_inet_socket_address_get_address (server));
  open_strophe_connection (self, address, g_inet_socket_address_get_port (server));
}

static void
start_attempt (QuartetXmppConnection *self)
{
  g_autofree char *domain = quartet_jid_get_domain (self->jid);

  g_cancellable_cancel (self->attempt_cancellable);
  g_clear_object (&self->attempt_cancellable);
  self->attempt_cancellable = g_cancellable_new ();

  quartet_xmpp_resolve_async (domain, self->server_host, self->server_port,
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
  release_strophe_connection (self);
  if (self->ctx != NULL)
    g_hash_table_remove (connections_by_ctx, self->ctx);
  g_clear_pointer (&self->ctx, xmpp_ctx_free);
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
  g_clear_pointer (&self->server_host, g_free);
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

  /* (from, signal): a well-formed QuickBlox call signal arrived. */
  signals[SIGNAL_RECEIVED] = g_signal_new ("signal-received", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           2, G_TYPE_STRING, QUARTET_TYPE_SIGNAL);
  /* (from, error): a call signal was malformed and dropped; nothing else is affected. */
  signals[INVALID_SIGNAL] = g_signal_new ("invalid-signal", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                          G_TYPE_STRING, G_TYPE_ERROR);
  /* (error): a signed-in connection dropped; it reconnects unless the error is fatal. */
  signals[DISCONNECTED] = g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_ERROR);
  signals[RECONNECTED] = g_signal_new ("reconnected", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

/* libstrophe writes with plain send(), so a server that closed its side
 * would kill the whole process with SIGPIPE. Ignore it, unless the
 * application installed a handler of its own. */
static void
ignore_sigpipe (void)
{
  struct sigaction action;

  if (sigaction (SIGPIPE, NULL, &action) == 0 && action.sa_handler == SIG_DFL)
    signal (SIGPIPE, SIG_IGN);
}

static void
quartet_xmpp_connection_init (QuartetXmppConnection *self)
{
  if (connections_by_ctx == NULL)
    {
      ignore_sigpipe ();
      xmpp_initialize ();
      connections_by_ctx = g_hash_table_new (NULL, NULL);
    }

  self->reconnect_delay_ms = 1000;
  self->keepalive_interval_s = 30;
  self->login_timeout_s = 20;
  self->roster = quartet_roster_new ();
  self->requests = quartet_xmpp_requests_new ();
  self->logger.handler = on_strophe_log_cb;
  self->logger.userdata = self;
  self->ctx = xmpp_ctx_new (NULL, &self->logger);
  g_hash_table_insert (connections_by_ctx, self->ctx, self);
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

  g_free (self->server_host);
  self->server_host = g_strdup (host);
  self->server_port = port;
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

/* The id the call protocol knows this account by (PROTOCOL.md, Identities). */
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
      release_strophe_connection (self);
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

/* Queues @signal for @to (a bare JID, as PROTOCOL.md asks). Fails without
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

gboolean
_quartet_xmpp_connection_send_raw (QuartetXmppConnection *self, const char *xml, GError **error)
{
  g_autoptr (xmpp_stanza_t) stanza = NULL;

  g_return_val_if_fail (QUARTET_IS_XMPP_CONNECTION (self), FALSE);
  g_return_val_if_fail (xml != NULL, FALSE);

  if (self->state != QUARTET_XMPP_STATE_CONNECTED)
    {
      g_set_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_NOT_CONNECTED,
                   "Not connected to the server");
      return FALSE;
    }

  stanza = xmpp_stanza_new_from_string (self->ctx, xml);
  if (stanza == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not well-formed XML");
      return FALSE;
    }

  xmpp_send (self->conn, stanza);
  return TRUE;
}

/* Sends @iq (type get or set; its id is replaced) and completes with the
 * answer: a copy of the <iq type="result">, or QUARTET_XMPP_ERROR_REFUSED
 * for an error answer, or CONNECTION_LOST when the connection closes
 * first. */
void
_quartet_xmpp_connection_send_iq_async (QuartetXmppConnection *self,
                                        xmpp_stanza_t *iq,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, _quartet_xmpp_connection_send_iq_async);
  if (self->state != QUARTET_XMPP_STATE_CONNECTED)
    {
      g_task_return_new_error (task, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_NOT_CONNECTED,
                               "Not connected to the server");
      return;
    }

  quartet_xmpp_requests_send (self->requests, self->conn, iq, g_steal_pointer (&task));
}

/* (transfer full): the <iq type="result">; free with xmpp_stanza_release(). */
xmpp_stanza_t *
_quartet_xmpp_connection_send_iq_finish (QuartetXmppConnection *self,
                                         GAsyncResult *result,
                                         GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

xmpp_ctx_t *
_quartet_xmpp_connection_get_strophe_context (QuartetXmppConnection *self)
{
  return self->ctx;
}

void
_quartet_xmpp_connection_send_stanza (QuartetXmppConnection *self, xmpp_stanza_t *stanza)
{
  if (self->state == QUARTET_XMPP_STATE_CONNECTED)
    xmpp_send (self->conn, stanza);
}
