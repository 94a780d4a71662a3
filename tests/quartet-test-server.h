/* quartet-test-server.h: a real Prosody for C integration tests, through tests/harness
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "quartet.h"

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  GOutputStream *commands;
  GDataInputStream *replies;
  JsonObject *info;
} QuartetTestServer;

QuartetTestServer *quartet_test_server_start (const char *users, gboolean require_tls);
void quartet_test_server_stop (QuartetTestServer *server);
void quartet_test_server_command (QuartetTestServer *server, const char *command);

guint16 quartet_test_server_get_port (QuartetTestServer *server);
const char *quartet_test_server_get_cafile (QuartetTestServer *server);
const char *quartet_test_server_get_fingerprint (QuartetTestServer *server);
const char *quartet_test_server_get_jid (QuartetTestServer *server, guint account);
const char *quartet_test_server_get_password (QuartetTestServer *server, guint account);

QuartetXmppConnection *quartet_test_server_new_connection (QuartetTestServer *server,
                                                           guint account);
void quartet_test_connect (QuartetXmppConnection *connection);
void quartet_test_disconnect (QuartetXmppConnection *connection);
void quartet_test_wait_for_contact (QuartetXmppConnection *connection, const char *jid);
GError *quartet_test_connect_expecting_error (QuartetXmppConnection *connection);

/* Iterate the main context until *@flag is TRUE; fail the test after @seconds. */
void quartet_test_wait_for (gboolean *flag, guint seconds, const char *what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetTestServer, quartet_test_server_stop)

G_END_DECLS
