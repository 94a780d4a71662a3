/* quartet-test-server.c: a real Prosody for C integration tests, through tests/harness
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs tests/harness/prosody.py (path in $QUARTET_PROSODY_HARNESS), reads the
 * JSON line that describes the server, and talks to it over its stdin.
 * Closing that stdin makes the harness stop Prosody and remove its files.
 */
#define G_LOG_DOMAIN "quartet-test"

#include "quartet-test-server.h"

#define HARNESS_PYTHON "/usr/bin/python3"
#define CONNECT_TIMEOUT_S 20

static char *
read_line (QuartetTestServer *server)
{
  g_autoptr (GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (server->replies, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

QuartetTestServer *
quartet_test_server_start (const char *users, gboolean require_tls)
{
  const char *harness = g_getenv ("QUARTET_PROSODY_HARNESS");
  QuartetTestServer *server = g_new0 (QuartetTestServer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;

  g_assert_nonnull (harness);
  server->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                      &error, HARNESS_PYTHON, harness, "--roster", "--users",
                                      users, require_tls ? NULL : "--no-tls", NULL);
  g_assert_no_error (error);

  server->commands = g_object_ref (g_subprocess_get_stdin_pipe (server->process));
  server->replies = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));

  line = read_line (server);
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  server->info = json_object_ref (json_node_get_object (json_parser_get_root (parser)));

  return server;
}

void
quartet_test_server_stop (QuartetTestServer *server)
{
  g_autoptr (GError) error = NULL;

  g_output_stream_close (server->commands, NULL, NULL);
  g_subprocess_wait_check (server->process, NULL, &error);
  g_assert_no_error (error);

  g_clear_object (&server->commands);
  g_clear_object (&server->replies);
  g_clear_object (&server->process);
  g_clear_pointer (&server->info, json_object_unref);
  g_free (server);
}

/* "stop", "start", "restart" or "kill"; returns once the harness has done it. */
void
quartet_test_server_command (QuartetTestServer *server, const char *command)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_strconcat (command, "\n", NULL);
  g_autofree char *reply = NULL;

  g_output_stream_write_all (server->commands, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (server->commands, NULL, &error);
  g_assert_no_error (error);

  reply = read_line (server);
  g_assert_null (strstr (reply, "\"error\""));
}

guint16
quartet_test_server_get_port (QuartetTestServer *server)
{
  return json_object_get_int_member (server->info, "c2s_port");
}

const char *
quartet_test_server_get_cafile (QuartetTestServer *server)
{
  return json_object_get_string_member (server->info, "cafile");
}

const char *
quartet_test_server_get_fingerprint (QuartetTestServer *server)
{
  return json_object_get_string_member (server->info, "fingerprint");
}

static JsonObject *
get_account (QuartetTestServer *server, guint account)
{
  JsonArray *accounts = json_object_get_array_member (server->info, "accounts");

  g_assert_cmpuint (account, <, json_array_get_length (accounts));
  return json_array_get_object_element (accounts, account);
}

const char *
quartet_test_server_get_jid (QuartetTestServer *server, guint account)
{
  return json_object_get_string_member (get_account (server, account), "jid");
}

const char *
quartet_test_server_get_password (QuartetTestServer *server, guint account)
{
  return json_object_get_string_member (get_account (server, account), "password");
}

/* A connection to the test server for one of its accounts, trusting its certificate. */
QuartetXmppConnection *
quartet_test_server_new_connection (QuartetTestServer *server, guint account)
{
  QuartetXmppConnection *connection
    = quartet_xmpp_connection_new (quartet_test_server_get_jid (server, account),
                                   quartet_test_server_get_password (server, account));

  quartet_xmpp_connection_set_server (connection, "127.0.0.1",
                                      quartet_test_server_get_port (server));
  quartet_xmpp_connection_set_cafile (connection, quartet_test_server_get_cafile (server));
  return connection;
}

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *)user_data);
  return G_SOURCE_REMOVE;
}

void
quartet_test_wait_for (gboolean *flag, guint seconds, const char *what)
{
  guint timeout_id = g_timeout_add_seconds (seconds, on_wait_timeout_cb, (gpointer)what);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

typedef struct
{
  gboolean done;
  GError *error;
} Completion;

static void
on_connect_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Completion *completion = user_data;

  quartet_xmpp_connection_connect_finish (QUARTET_XMPP_CONNECTION (source), result,
                                          &completion->error);
  completion->done = TRUE;
}

GError *
quartet_test_connect_expecting_error (QuartetXmppConnection *connection)
{
  Completion completion = { 0 };

  quartet_xmpp_connection_connect_async (connection, NULL, on_connect_done_cb, &completion);
  quartet_test_wait_for (&completion.done, CONNECT_TIMEOUT_S, "connect");
  return completion.error;
}

void
quartet_test_connect (QuartetXmppConnection *connection)
{
  g_autoptr (GError) error = quartet_test_connect_expecting_error (connection);

  g_assert_no_error (error);
  g_assert_cmpint (quartet_xmpp_connection_get_state (connection), ==,
                   QUARTET_XMPP_STATE_CONNECTED);
}

static void
on_disconnect_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Completion *completion = user_data;

  quartet_xmpp_connection_disconnect_finish (QUARTET_XMPP_CONNECTION (source), result,
                                             &completion->error);
  completion->done = TRUE;
}

void
quartet_test_disconnect (QuartetXmppConnection *connection)
{
  Completion completion = { 0 };

  quartet_xmpp_connection_disconnect_async (connection, NULL, on_disconnect_done_cb, &completion);
  quartet_test_wait_for (&completion.done, CONNECT_TIMEOUT_S, "disconnect");
  g_assert_no_error (completion.error);
  g_assert_cmpint (quartet_xmpp_connection_get_state (connection), ==,
                   QUARTET_XMPP_STATE_DISCONNECTED);
}

static QuartetContact *
find_contact (QuartetXmppConnection *connection, const char *jid)
{
  GListModel *roster = quartet_xmpp_connection_get_roster (connection);

  for (guint i = 0; i < g_list_model_get_n_items (roster); i++)
    {
      g_autoptr (QuartetContact) contact = g_list_model_get_item (roster, i);

      if (g_str_equal (quartet_contact_get_jid (contact), jid))
        return contact;
    }

  return NULL;
}

static void
on_available_notify_cb (QuartetContact *contact, GParamSpec *pspec, gboolean *available)
{
  *available = quartet_contact_get_available (contact);
}

/* Headline messages to a bare JID reach only resources that have sent
 * presence, so tests wait for the peer's presence before signalling it
 * (the call engine re-sends `call` for the same reason). */
void
quartet_test_wait_for_contact (QuartetXmppConnection *connection, const char *jid)
{
  QuartetContact *contact = find_contact (connection, jid);
  gboolean available;

  g_assert_nonnull (contact);
  available = quartet_contact_get_available (contact);
  g_signal_connect (contact, "notify::available", G_CALLBACK (on_available_notify_cb), &available);
  quartet_test_wait_for (&available, CONNECT_TIMEOUT_S, jid);
  g_signal_handlers_disconnect_by_data (contact, &available);
}
