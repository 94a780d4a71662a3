/* test-xmpp-connection.c: QuartetXmppConnection against a real Prosody
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test starts its own server through tests/harness, with accounts
 * alice, bob, carol (mutual contacts) and a QuickBlox-style 4242-97.
 */
#define G_LOG_DOMAIN "quartet-test"

#include "quartet-test-server.h"
#include "quartet-xmpp-connection-private.h"

#define USERS "alice,bob,carol,4242-97"
#define ALICE 0
#define BOB 1
#define QUICKBLOX_USER 3

typedef struct
{
  QuartetTestServer *server;
  QuartetXmppConnection *alice;
  QuartetXmppConnection *bob;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = quartet_test_server_start (USERS, TRUE);
  fixture->alice = quartet_test_server_new_connection (fixture->server, ALICE);
  fixture->bob = quartet_test_server_new_connection (fixture->server, BOB);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->alice);
  g_clear_object (&fixture->bob);
  g_clear_pointer (&fixture->server, quartet_test_server_stop);
}

typedef struct
{
  gboolean received;
  char *from;
  QuartetSignal *signal;
  GError *error;
} Received;

static void
received_clear (Received *received)
{
  g_clear_pointer (&received->from, g_free);
  g_clear_pointer (&received->signal, quartet_signal_free);
  g_clear_error (&received->error);
  received->received = FALSE;
}

static void
on_signal_received_cb (QuartetXmppConnection *connection,
                       const char *from,
                       QuartetSignal *signal,
                       Received *received)
{
  received_clear (received);
  received->from = g_strdup (from);
  received->signal = quartet_signal_copy (signal);
  received->received = TRUE;
}

static void
on_invalid_signal_cb (QuartetXmppConnection *connection,
                      const char *from,
                      const GError *error,
                      Received *received)
{
  received_clear (received);
  received->from = g_strdup (from);
  received->error = g_error_copy (error);
  received->received = TRUE;
}

static QuartetContact *
find_contact (GListModel *roster, const char *jid)
{
  for (guint i = 0; i < g_list_model_get_n_items (roster); i++)
    {
      g_autoptr (QuartetContact) contact = g_list_model_get_item (roster, i);

      if (g_str_equal (quartet_contact_get_jid (contact), jid))
        return contact;
    }

  return NULL;
}

static void
test_login_over_tls_fetches_roster (Fixture *fixture, gconstpointer data)
{
  GListModel *roster = quartet_xmpp_connection_get_roster (fixture->alice);
  QuartetContact *bob;

  quartet_test_connect (fixture->alice);

  g_assert_true (g_str_has_prefix (quartet_xmpp_connection_get_bound_jid (fixture->alice),
                                   "alice@localhost/quartet-"));
  g_assert_cmpstr (quartet_xmpp_connection_get_user_id (fixture->alice), ==, "alice@localhost");

  /* The other three accounts, sorted by name. */
  g_assert_cmpuint (g_list_model_get_n_items (roster), ==, 3);
  bob = find_contact (roster, "bob@localhost");
  g_assert_nonnull (bob);
  g_assert_cmpstr (quartet_contact_get_name (bob), ==, "Bob");
  g_assert_cmpstr (quartet_contact_get_subscription (bob), ==, "both");
  g_assert_false (quartet_contact_get_available (bob));
  g_assert_nonnull (find_contact (roster, "4242-97@localhost"));

  quartet_test_disconnect (fixture->alice);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  char **urls;
  GError *error;
} AsyncResult;

static void
on_contact_added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *outcome = user_data;

  outcome->ok = quartet_xmpp_connection_add_contact_finish (QUARTET_XMPP_CONNECTION (source),
                                                            result, &outcome->error);
  outcome->done = TRUE;
}

static void
on_ice_servers_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *outcome = user_data;

  outcome->urls = quartet_xmpp_connection_discover_ice_servers_finish (
      QUARTET_XMPP_CONNECTION (source), result, &outcome->error);
  outcome->done = TRUE;
}

/* The contact is in the roster model as soon as the server's push says so,
 * with the name given and no subscription yet; a bad address is refused
 * before anything is sent. */
static void
test_add_contact (Fixture *fixture, gconstpointer data)
{
  GListModel *roster = quartet_xmpp_connection_get_roster (fixture->alice);
  AsyncResult outcome = { 0 };
  QuartetContact *zed;

  quartet_test_connect (fixture->alice);
  g_assert_cmpuint (g_list_model_get_n_items (roster), ==, 3);

  quartet_xmpp_connection_add_contact_async (fixture->alice, "zed@localhost", "Zed",
                                             on_contact_added_cb, &outcome);
  quartet_test_wait_for (&outcome.done, 10, "the roster set to be answered");
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);
  g_assert_cmpuint (g_list_model_get_n_items (roster), ==, 4);
  zed = find_contact (roster, "zed@localhost");
  g_assert_nonnull (zed);
  g_assert_cmpstr (quartet_contact_get_name (zed), ==, "Zed");
  g_assert_cmpstr (quartet_contact_get_subscription (zed), ==, "none");

  outcome = (AsyncResult){ 0 };
  quartet_xmpp_connection_add_contact_async (fixture->alice, "not an address", NULL,
                                             on_contact_added_cb, &outcome);
  quartet_test_wait_for (&outcome.done, 10, "the bad address to be refused");
  g_assert_error (outcome.error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_INVALID_ACCOUNT);
  g_clear_error (&outcome.error);
  g_assert_cmpuint (g_list_model_get_n_items (roster), ==, 4);

  quartet_test_disconnect (fixture->alice);
}

/* A server without mod_turn_external refuses XEP-0215 with an error: the
 * caller goes on without STUN/TURN. (tests/test_relay.py covers a server
 * that has it, with a real coturn.) */
static void
test_ice_discovery_refused (Fixture *fixture, gconstpointer data)
{
  AsyncResult outcome = { 0 };

  quartet_test_connect (fixture->alice);
  quartet_xmpp_connection_discover_ice_servers_async (fixture->alice, on_ice_servers_cb, &outcome);
  quartet_test_wait_for (&outcome.done, 10, "the discovery to be answered");
  g_assert_null (outcome.urls);
  g_assert_error (outcome.error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_REFUSED);
  g_test_message ("%s", outcome.error->message);
  g_clear_error (&outcome.error);
  quartet_test_disconnect (fixture->alice);
}

/* A server that stalls with the connection open (here: stopped with
 * SIGSTOP) answers nothing: the request fails by itself, and once the server
 * is back the next one is answered (the late answer of the first, if any,
 * finds nobody waiting). */
static void
test_unanswered_request_times_out (Fixture *fixture, gconstpointer data)
{
  AsyncResult outcome = { 0 };
  gint64 start;

  quartet_test_connect (fixture->alice);
  _quartet_xmpp_connection_set_request_timeout (fixture->alice, 500);

  quartet_test_server_command (fixture->server, "pause");
  start = g_get_monotonic_time ();
  quartet_xmpp_connection_discover_ice_servers_async (fixture->alice, on_ice_servers_cb, &outcome);
  quartet_test_wait_for (&outcome.done, 10, "the request to time out");
  g_assert_error (outcome.error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 500 * 1000);
  g_clear_error (&outcome.error);

  quartet_test_server_command (fixture->server, "resume");
  _quartet_xmpp_connection_set_request_timeout (fixture->alice, 10 * 1000);
  outcome = (AsyncResult){ 0 };
  quartet_xmpp_connection_discover_ice_servers_async (fixture->alice, on_ice_servers_cb, &outcome);
  quartet_test_wait_for (&outcome.done, 10, "the discovery to be answered");
  g_assert_error (outcome.error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_REFUSED);
  g_clear_error (&outcome.error);
  quartet_test_disconnect (fixture->alice);
}

static void
test_quickblox_jid_user_id (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetXmppConnection) connection
    = quartet_test_server_new_connection (fixture->server, QUICKBLOX_USER);
  QuartetContact *contact;

  quartet_test_connect (connection);
  g_assert_cmpstr (quartet_xmpp_connection_get_user_id (connection), ==, "4242");

  /* And as a contact, seen from alice. */
  quartet_test_connect (fixture->alice);
  contact = find_contact (quartet_xmpp_connection_get_roster (fixture->alice),
                          "4242-97@localhost");
  g_assert_cmpstr (quartet_contact_get_user_id (contact), ==, "4242");

  quartet_test_disconnect (connection);
  quartet_test_disconnect (fixture->alice);
}

static void
on_available_notify_cb (QuartetContact *contact, GParamSpec *pspec, gboolean *changed)
{
  *changed = TRUE;
}

static void
test_presence_follows_contacts (Fixture *fixture, gconstpointer data)
{
  QuartetContact *bob;
  gboolean changed = FALSE;

  quartet_test_connect (fixture->alice);
  bob = find_contact (quartet_xmpp_connection_get_roster (fixture->alice), "bob@localhost");
  g_signal_connect (bob, "notify::available", G_CALLBACK (on_available_notify_cb), &changed);

  quartet_test_connect (fixture->bob);
  quartet_test_wait_for (&changed, 10, "bob to come online");
  g_assert_true (quartet_contact_get_available (bob));

  changed = FALSE;
  quartet_test_disconnect (fixture->bob);
  quartet_test_wait_for (&changed, 10, "bob to go offline");
  g_assert_false (quartet_contact_get_available (bob));

  g_signal_handlers_disconnect_by_data (bob, &changed);
  quartet_test_disconnect (fixture->alice);
}

static QuartetSignal *
new_call_signal (void)
{
  QuartetSignal *signal = quartet_signal_new (QUARTET_SIGNAL_TYPE_CALL,
                                              "0b6e9f8e-7a41-4c1e-9d0a-2f8f6f1c5e11");

  signal->call_type = QUARTET_CALL_TYPE_VIDEO;
  signal->caller_id = g_strdup ("alice@localhost");
  signal->sdp = g_strdup ("v=0\r\no=- 42 2 IN IP4 127.0.0.1\r\ns=<&>\r\nt=0 0\r\n");
  quartet_signal_add_opponent (signal, "bob@localhost");
  quartet_signal_add_opponent (signal, "carol@localhost");
  return signal;
}

static void
test_call_signal_exchange (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetSignal) sent = new_call_signal ();
  g_autoptr (GError) error = NULL;
  Received received = { 0 };

  quartet_test_connect (fixture->alice);
  quartet_test_connect (fixture->bob);
  quartet_test_wait_for_contact (fixture->alice, "bob@localhost");
  g_signal_connect (fixture->bob, "signal-received", G_CALLBACK (on_signal_received_cb),
                    &received);

  quartet_xmpp_connection_send_signal (fixture->alice, "bob@localhost", sent, &error);
  g_assert_no_error (error);
  quartet_test_wait_for (&received.received, 10, "the call signal");

  g_assert_cmpstr (received.from, ==, quartet_xmpp_connection_get_bound_jid (fixture->alice));
  g_assert_cmpint (received.signal->type, ==, QUARTET_SIGNAL_TYPE_CALL);
  g_assert_cmpstr (received.signal->session_id, ==, sent->session_id);
  g_assert_cmpint (received.signal->call_type, ==, QUARTET_CALL_TYPE_VIDEO);
  g_assert_cmpstr (received.signal->caller_id, ==, "alice@localhost");
  g_assert_cmpstr (received.signal->sdp, ==, sent->sdp);
  g_assert_cmpstr (received.signal->platform, ==, "linux");
  g_assert_cmpuint (received.signal->opponent_ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (received.signal->opponent_ids, 1), ==, "carol@localhost");

  received_clear (&received);
  quartet_test_disconnect (fixture->alice);
  quartet_test_disconnect (fixture->bob);
}

/* A large SDP arrives in several TLS records: nothing may stall. */
static void
test_large_signal_is_not_stalled (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetSignal) sent = new_call_signal ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) sdp = g_string_new ("v=0\r\n");
  Received received = { 0 };

  while (sdp->len < 60 * 1024)
    g_string_append (sdp, "a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host\r\n");
  g_free (sent->sdp);
  sent->sdp = g_strdup (sdp->str);

  quartet_test_connect (fixture->alice);
  quartet_test_connect (fixture->bob);
  quartet_test_wait_for_contact (fixture->alice, "bob@localhost");
  g_signal_connect (fixture->bob, "signal-received", G_CALLBACK (on_signal_received_cb),
                    &received);

  quartet_xmpp_connection_send_signal (fixture->alice, "bob@localhost", sent, &error);
  g_assert_no_error (error);
  quartet_test_wait_for (&received.received, 10, "the large call signal");
  g_assert_cmpstr (received.signal->sdp, ==, sdp->str);

  received_clear (&received);
  quartet_test_disconnect (fixture->alice);
  quartet_test_disconnect (fixture->bob);
}

/* A malformed signal is reported and dropped; the next one still arrives. */
static void
test_malformed_signal_affects_only_itself (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetSignal) good = new_call_signal ();
  g_autoptr (GError) error = NULL;
  Received received = { 0 };
  const char *bad = "<message to='bob@localhost' type='headline' id='bad1'>"
                    "<extraParams xmlns='jabber:client'>"
                    "<moduleIdentifier>WebRTCVideoChat</moduleIdentifier>"
                    "<signalType>call</signalType><sessionID>s1</sessionID>"
                    "<callType>7</callType><callerID>alice@localhost</callerID>"
                    "<opponentsIDs><opponentID>bob@localhost</opponentID></opponentsIDs>"
                    "<sdp>v=0</sdp></extraParams></message>";

  quartet_test_connect (fixture->alice);
  quartet_test_connect (fixture->bob);
  quartet_test_wait_for_contact (fixture->alice, "bob@localhost");
  g_signal_connect (fixture->bob, "signal-received", G_CALLBACK (on_signal_received_cb),
                    &received);
  g_signal_connect (fixture->bob, "invalid-signal", G_CALLBACK (on_invalid_signal_cb), &received);

  _quartet_xmpp_connection_send_raw (fixture->alice, bad, &error);
  g_assert_no_error (error);
  quartet_test_wait_for (&received.received, 10, "the malformed signal");
  g_assert_error (received.error, QUARTET_SIGNAL_ERROR, QUARTET_SIGNAL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (received.error->message, "callType"));
  g_assert_null (received.signal);

  received_clear (&received);
  quartet_xmpp_connection_send_signal (fixture->alice, "bob@localhost", good, &error);
  g_assert_no_error (error);
  quartet_test_wait_for (&received.received, 10, "the good signal after the bad one");
  g_assert_nonnull (received.signal);
  g_assert_cmpint (quartet_xmpp_connection_get_state (fixture->bob), ==,
                   QUARTET_XMPP_STATE_CONNECTED);

  received_clear (&received);
  quartet_test_disconnect (fixture->alice);
  quartet_test_disconnect (fixture->bob);
}

static void
test_wrong_password (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetXmppConnection) connection = quartet_xmpp_connection_new ("alice@localhost",
                                                                              "not-the-password");
  g_autoptr (GError) error = NULL;

  quartet_xmpp_connection_set_server (connection, "127.0.0.1",
                                      quartet_test_server_get_port (fixture->server));
  quartet_xmpp_connection_set_cafile (connection, quartet_test_server_get_cafile (fixture->server));

  error = quartet_test_connect_expecting_error (connection);
  g_assert_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_AUTHENTICATION);
  g_assert_null (strstr (error->message, "not-the-password"));
  g_assert_cmpint (quartet_xmpp_connection_get_state (connection), ==,
                   QUARTET_XMPP_STATE_DISCONNECTED);
}

static void
test_unreachable_server (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* The harness is stopped: nothing listens on its port any more. */
  quartet_test_server_command (fixture->server, "stop");
  error = quartet_test_connect_expecting_error (fixture->alice);
  g_assert_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_UNREACHABLE);
  quartet_test_server_command (fixture->server, "start");
}

static void
test_untrusted_certificate_then_pinned (Fixture *fixture, gconstpointer data)
{
  const char *fingerprint = quartet_test_server_get_fingerprint (fixture->server);
  g_autoptr (GError) error = NULL;

  /* Without the test CA the self-signed certificate must be refused... */
  quartet_xmpp_connection_set_cafile (fixture->alice, NULL);
  error = quartet_test_connect_expecting_error (fixture->alice);
  g_assert_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, fingerprint));
  g_assert_cmpstr (quartet_xmpp_connection_get_peer_fingerprint (fixture->alice), ==, fingerprint);

  /* ...and accepted once the user trusts exactly that fingerprint. */
  quartet_xmpp_connection_set_trusted_fingerprint (fixture->alice, fingerprint);
  quartet_test_connect (fixture->alice);
  quartet_test_disconnect (fixture->alice);

  /* A different pinned fingerprint does not open the door. */
  quartet_xmpp_connection_set_trusted_fingerprint (fixture->alice, "00:11:22");
  g_clear_error (&error);
  error = quartet_test_connect_expecting_error (fixture->alice);
  g_assert_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_CERTIFICATE);
}

static void
test_plain_connection_when_allowed (void)
{
  g_autoptr (QuartetTestServer) server = quartet_test_server_start ("alice,bob", FALSE);
  g_autoptr (QuartetXmppConnection) connection = quartet_test_server_new_connection (server, 0);

  quartet_xmpp_connection_set_tls_mode (connection, QUARTET_XMPP_TLS_OFF);
  quartet_test_connect (connection);
  quartet_test_disconnect (connection);
}

static void
on_disconnected_cb (QuartetXmppConnection *connection, const GError *error, gboolean *seen)
{
  g_assert_nonnull (error);
  *seen = TRUE;
}

static void
on_reconnected_cb (QuartetXmppConnection *connection, gboolean *seen)
{
  *seen = TRUE;
}

/* The server goes away under a signed-in client: it says so, comes back by
 * itself, and works as before. */
static void
test_reconnects_after_server_restart (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetSignal) signal = new_call_signal ();
  g_autoptr (GError) error = NULL;
  gboolean disconnected = FALSE, reconnected = FALSE;
  Received received = { 0 };

  /* Under ASan's slow unwinder, the clients' TLS handshakes with a freshly
   * restarted server can stall for good, which the plain build never does;
   * not understood yet. The plain build runs this test. */
  if (g_getenv ("QUARTET_SANITIZED") != NULL)
    {
      g_test_skip ("TLS handshakes after a server crash stall under the sanitizers");
      return;
    }

  g_signal_connect (fixture->alice, "disconnected", G_CALLBACK (on_disconnected_cb),
                    &disconnected);
  g_signal_connect (fixture->alice, "reconnected", G_CALLBACK (on_reconnected_cb), &reconnected);
  quartet_test_connect (fixture->alice);
  quartet_test_connect (fixture->bob);

  /* Retry fast, and give up on a stalled attempt well within the wait below. */
  g_object_set (fixture->alice, "reconnect-delay", 200, "login-timeout", 4, NULL);
  g_object_set (fixture->bob, "reconnect-delay", 200, "login-timeout", 4, NULL);

  quartet_test_server_command (fixture->server, "kill");
  quartet_test_wait_for (&disconnected, 10, "the disconnected signal");
  g_assert_false (reconnected);
  g_assert_cmpint (quartet_xmpp_connection_get_state (fixture->alice), ==,
                   QUARTET_XMPP_STATE_RECONNECTING);

  /* Down for a while: retries fail quietly with backoff. */
  g_usleep (G_USEC_PER_SEC);
  quartet_test_server_command (fixture->server, "start");
  quartet_test_wait_for (&reconnected, 15, "the reconnected signal");
  g_assert_cmpint (quartet_xmpp_connection_get_state (fixture->alice), ==,
                   QUARTET_XMPP_STATE_CONNECTED);

  /* Both ends are back and signals flow again. */
  g_signal_connect (fixture->bob, "signal-received", G_CALLBACK (on_signal_received_cb),
                    &received);
  while (quartet_xmpp_connection_get_state (fixture->bob) != QUARTET_XMPP_STATE_CONNECTED)
    g_main_context_iteration (NULL, TRUE);
  quartet_test_wait_for_contact (fixture->alice, "bob@localhost");
  quartet_xmpp_connection_send_signal (fixture->alice, "bob@localhost", signal, &error);
  g_assert_no_error (error);
  quartet_test_wait_for (&received.received, 10, "a signal after reconnecting");

  received_clear (&received);
  g_signal_handlers_disconnect_by_data (fixture->alice, &disconnected);
  g_signal_handlers_disconnect_by_data (fixture->alice, &reconnected);
  quartet_test_disconnect (fixture->alice);
  quartet_test_disconnect (fixture->bob);
}

static gboolean
on_quiet_period_over_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Signing out is final: no reconnect, and sending is refused. */
static void
test_disconnect_is_final (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetSignal) signal = new_call_signal ();
  g_autoptr (GError) error = NULL;
  gboolean over = FALSE;

  g_object_set (fixture->alice, "reconnect-delay", 50, NULL);
  quartet_test_connect (fixture->alice);
  quartet_test_disconnect (fixture->alice);

  g_timeout_add (500, on_quiet_period_over_cb, &over);
  quartet_test_wait_for (&over, 5, "a quiet period");
  g_assert_cmpint (quartet_xmpp_connection_get_state (fixture->alice), ==,
                   QUARTET_XMPP_STATE_DISCONNECTED);

  g_assert_false (
    quartet_xmpp_connection_send_signal (fixture->alice, "bob@localhost", signal, &error));
  g_assert_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_NOT_CONNECTED);
}

/* A server that accepts the connection and then says nothing. */
static void
test_stalled_server_times_out (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (QuartetXmppConnection) connection = quartet_xmpp_connection_new ("alice@localhost",
                                                                              "secret");
  g_autoptr (GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);

  quartet_xmpp_connection_set_server (
    connection, "127.0.0.1", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_object_set (connection, "login-timeout", 1, NULL);

  error = quartet_test_connect_expecting_error (connection);
  g_assert_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "did not answer in time"));
}

static void
test_invalid_account (void)
{
  g_autoptr (QuartetXmppConnection) connection = quartet_xmpp_connection_new ("no-at-sign", "x");
  g_autoptr (GError) error = quartet_test_connect_expecting_error (connection);

  g_assert_error (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_INVALID_ACCOUNT);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/xmpp-connection/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("login-over-tls-fetches-roster", test_login_over_tls_fetches_roster);
  ADD ("quickblox-jid-user-id", test_quickblox_jid_user_id);
  ADD ("add-contact", test_add_contact);
  ADD ("ice-discovery-refused", test_ice_discovery_refused);
  ADD ("unanswered-request-times-out", test_unanswered_request_times_out);
  ADD ("presence-follows-contacts", test_presence_follows_contacts);
  ADD ("call-signal-exchange", test_call_signal_exchange);
  ADD ("large-signal-is-not-stalled", test_large_signal_is_not_stalled);
  ADD ("malformed-signal-affects-only-itself", test_malformed_signal_affects_only_itself);
  ADD ("wrong-password", test_wrong_password);
  ADD ("unreachable-server", test_unreachable_server);
  ADD ("untrusted-certificate-then-pinned", test_untrusted_certificate_then_pinned);
  ADD ("reconnects-after-server-restart", test_reconnects_after_server_restart);
  ADD ("disconnect-is-final", test_disconnect_is_final);
#undef ADD

  g_test_add_func ("/xmpp-connection/plain-connection-when-allowed",
                   test_plain_connection_when_allowed);
  g_test_add_func ("/xmpp-connection/invalid-account", test_invalid_account);
  g_test_add_func ("/xmpp-connection/stalled-server-times-out", test_stalled_server_times_out);

  return g_test_run ();
}
