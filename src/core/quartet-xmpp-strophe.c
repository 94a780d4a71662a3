/* quartet-xmpp-strophe.c: the libstrophe side of a QuartetXmppConnection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything libstrophe calls back into: its log, the socket it opens (which
 * the GLib main loop then watches), a certificate it cannot verify, the
 * connection's events and the stanzas the server sends. What a sign-in, a
 * failure or a drop means for the caller is decided by the state machine in
 * quartet-xmpp-connection.c, which these callbacks report to. Also here: the
 * xmpp_ctx_t, each attempt's xmpp_conn_t, and the stanzas that tests and the
 * rest of the core send through the connection.
 *
 * Each attempt gets a fresh xmpp_conn_t: libstrophe's state after a failure is
 * easier to throw away than to reset.
 */
#define G_LOG_DOMAIN "quartet-xmpp"

#include "quartet-xmpp-connection-private.h"

#include <signal.h>
#include <string.h>

#include "quartet-jid.h"
#include "quartet-roster.h"
#include "quartet-xmpp-source.h"
#include "quartet-xmpp-attempt.h"

#define LOGIN_TICK_MS 500

/* libstrophe's sockopt and certificate callbacks get no user data, and the
 * certificate does not even know its xmpp_conn_t (0.12 leaves it NULL). Each
 * connection owns its own xmpp_ctx_t, so we map that back to it. Everything
 * runs on the one main thread. */
static GHashTable *connections_by_ctx;

static QuartetXmppConnection *
lookup_by_ctx (const xmpp_ctx_t *ctx)
{
  return ctx ? g_hash_table_lookup (connections_by_ctx, ctx) : NULL;
}

/* libstrophe logs the SASL exchange (the password, base64) and every stanza
 * at debug level: keep those out of our logs entirely. */
static void
on_strophe_log_cb (void *userdata, xmpp_log_level_t level, const char *area, const char *msg)
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
  self->source = quartet_xmpp_source_new (self->ctx, conn, *(int *)sock);
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

/* Never called from inside xmpp_run_once(): libstrophe walks its connection
 * list there. Releasing a live xmpp_conn_t fires its disconnect handler; it
 * is detached first so that the handler ignores it. */
void
_quartet_xmpp_connection_release_strophe (QuartetXmppConnection *self)
{
  xmpp_conn_t *conn = g_steal_pointer (&self->conn);

  stop_watching_socket (self);
  _quartet_xmpp_connection_stop_timers (self);

  if (conn != NULL)
    xmpp_conn_release (conn);
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
      _quartet_xmpp_connection_emit_invalid_signal (self, from, error);
      return 1;
    }

  _quartet_xmpp_connection_emit_signal_received (self, from, signal);
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
on_any_stanza_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppConnection *self = userdata;

  self->last_stanza_us = g_get_monotonic_time ();
  return 1;
}

static int
on_roster_result_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppConnection *self = userdata;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") == 0)
    quartet_roster_load (self->roster, xmpp_stanza_get_child_by_ns (stanza, XMLNS_ROSTER));
  else
    g_info ("%s: the server refused the roster; continuing without contacts", self->jid);

  _quartet_xmpp_connection_finish_sign_in (self);
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
      _quartet_xmpp_connection_set_bound_jid (self, xmpp_conn_get_bound_jid (conn));

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
      _quartet_xmpp_connection_handle_closed (
          self, quartet_xmpp_attempt_describe_failure (&self->attempt, self->jid,
                                                       self->state == QUARTET_XMPP_STATE_CONNECTED,
                                                       error, stream_error));
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
        quartet_xmpp_source_wake (self->source);
      return G_SOURCE_CONTINUE;
    }

  self->login_tick_id = 0;
  domain = quartet_jid_get_domain (self->jid);
  g_info ("%s: no sign-in after %u s; giving up this attempt", self->jid, self->login_timeout_s);
  _quartet_xmpp_connection_release_strophe (self);
  _quartet_xmpp_connection_handle_closed (
      self, g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_UNREACHABLE,
                         "The server %s did not answer in time", domain));
  return G_SOURCE_REMOVE;
}

static char *
new_resource_jid (QuartetXmppConnection *self)
{
  return g_strdup_printf ("%s/quartet-%08x", self->jid, g_random_int ());
}

void
_quartet_xmpp_connection_open_strophe (QuartetXmppConnection *self,
                                       const char *address,
                                       guint16 port)
{
  g_autofree char *full_jid = new_resource_jid (self);
  long flags = XMPP_CONN_FLAG_DISABLE_SM;
  int ret;

  _quartet_xmpp_connection_release_strophe (self);
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
      _quartet_xmpp_connection_handle_closed (
          self, g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_UNREACHABLE,
                             "Could not connect to %s port %u", address, port));
      return;
    }

  self->login_deadline_us = g_get_monotonic_time () + self->login_timeout_s * G_USEC_PER_SEC;
  self->login_tick_id = g_timeout_add (LOGIN_TICK_MS, on_login_tick_cb, self);
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

void
_quartet_xmpp_connection_init_strophe (QuartetXmppConnection *self)
{
  if (connections_by_ctx == NULL)
    {
      ignore_sigpipe ();
      xmpp_initialize ();
      connections_by_ctx = g_hash_table_new (NULL, NULL);
    }

  self->logger.handler = on_strophe_log_cb;
  self->logger.userdata = self;
  self->ctx = xmpp_ctx_new (NULL, &self->logger);
  g_hash_table_insert (connections_by_ctx, self->ctx, self);
}

void
_quartet_xmpp_connection_dispose_strophe (QuartetXmppConnection *self)
{
  _quartet_xmpp_connection_release_strophe (self);
  if (self->ctx != NULL)
    g_hash_table_remove (connections_by_ctx, self->ctx);
  g_clear_pointer (&self->ctx, xmpp_ctx_free);
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

void
_quartet_xmpp_connection_set_request_timeout (QuartetXmppConnection *self, guint timeout_ms)
{
  quartet_xmpp_requests_set_timeout (self->requests, timeout_ms);
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
