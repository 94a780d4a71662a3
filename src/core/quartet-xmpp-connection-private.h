/* quartet-xmpp-connection-private.h: internals for tests and the rest of the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <strophe.h>

#include "quartet-roster.h"
#include "quartet-xmpp-attempt.h"
#include "quartet-xmpp-connection.h"
#include "quartet-xmpp-requests.h"

G_BEGIN_DECLS

#define XMLNS_ROSTER "jabber:iq:roster"

/* Sends one stanza as is, without validation: for tests that play a
 * hostile or broken peer. */
gboolean _quartet_xmpp_connection_send_raw (QuartetXmppConnection *self,
                                            const char *xml,
                                            GError **error);

/* Handles one <message> as if the server had just delivered it: lets the
 * stanza fuzzer drive the whole receiving path without a server. */
void _quartet_xmpp_connection_receive_message (QuartetXmppConnection *self, xmpp_stanza_t *stanza);

/* For the rest of the core (XEP-0215 discovery, roster edits). */
xmpp_ctx_t *_quartet_xmpp_connection_get_strophe_context (QuartetXmppConnection *self);
/* Dropped when not signed in. */
void _quartet_xmpp_connection_send_stanza (QuartetXmppConnection *self, xmpp_stanza_t *stanza);
/* For the tests: how long an IQ request waits for its answer (30 s). */
void _quartet_xmpp_connection_set_request_timeout (QuartetXmppConnection *self, guint timeout_ms);
void _quartet_xmpp_connection_send_iq_async (QuartetXmppConnection *self,
                                             xmpp_stanza_t *iq,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
xmpp_stanza_t *_quartet_xmpp_connection_send_iq_finish (QuartetXmppConnection *self,
                                                        GAsyncResult *result,
                                                        GError **error);

/* Below: only for the two halves of QuartetXmppConnection, the GObject and
 * its state machine (quartet-xmpp-connection.c) and the libstrophe side
 * (quartet-xmpp-strophe.c). Both use these fields; nothing else should. */
struct _QuartetXmppConnection
{
  GObject parent_instance;

  /* The account, set before connecting. */
  char *jid;
  char *password;
  char *user_id;
  /* Where to connect (QuartetXmppServer), empty for the domain's SRV
   * records: one server, or the nodes of a cluster, tried in turn. */
  GPtrArray *servers;
  guint server_index;
  guint servers_tried; /* in this sign-in, before any answered */
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

/* quartet-xmpp-connection.c: what the libstrophe callbacks report. */
void _quartet_xmpp_connection_set_bound_jid (QuartetXmppConnection *self, const char *bound_jid);
void _quartet_xmpp_connection_emit_signal_received (QuartetXmppConnection *self,
                                                    const char *from,
                                                    QuartetSignal *signal);
void _quartet_xmpp_connection_emit_invalid_signal (QuartetXmppConnection *self,
                                                   const char *from,
                                                   const GError *error);
/* Signed in and the roster is known: the connection is ready for calls. */
void _quartet_xmpp_connection_finish_sign_in (QuartetXmppConnection *self);
/* The attempt failed or the connection closed: reconnects, or ends for
 * good. Takes @error (nullable). */
void _quartet_xmpp_connection_handle_closed (QuartetXmppConnection *self, GError *error);
/* The sign-in and keepalive timers. */
void _quartet_xmpp_connection_stop_timers (QuartetXmppConnection *self);

/* quartet-xmpp-strophe.c: what the GObject drives libstrophe with. */

/* The xmpp_ctx_t and its log (and, for the first connection, libstrophe). */
void _quartet_xmpp_connection_init_strophe (QuartetXmppConnection *self);
/* Releases the xmpp_conn_t and frees the xmpp_ctx_t. */
void _quartet_xmpp_connection_dispose_strophe (QuartetXmppConnection *self);
/* Starts an attempt on a fresh xmpp_conn_t. It ends in
 * _quartet_xmpp_connection_finish_sign_in() or, failed, in
 * _quartet_xmpp_connection_handle_closed(). */
void _quartet_xmpp_connection_open_strophe (QuartetXmppConnection *self,
                                            const char *address,
                                            guint16 port);
/* Drops the xmpp_conn_t, if any (its handler ignores the disconnect that
 * fires), and stops the timers. Never from inside xmpp_run_once(). */
void _quartet_xmpp_connection_release_strophe (QuartetXmppConnection *self);

G_END_DECLS
