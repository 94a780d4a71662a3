/* quartet-quickblox-session.h: the app's QuickBlox sign-in, its chat connection and directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "quartet.h"

G_BEGIN_DECLS

/* What the QuickBlox sign-in form holds. The auth secret and the password
 * are never written to settings. */
typedef struct
{
  const char *api;            /* HOST[:PORT] of the REST API */
  const char *chat;           /* HOST[:PORT] of chat, or empty: from the API's host */
  const char *application_id;
  const char *auth_key;
  const char *auth_secret;
  const char *login;
  const char *password;
  const char *api_cafile;     /* trust only these CAs for the API (tests, private servers) */
  const char *server;         /* HOST[:PORT] to connect to for chat instead (tests, the demo) */
  /* chat, as for an XMPP account */
  gboolean require_tls;
  const char *cafile;
  const char *trusted_fingerprint;
} QuartetQuickbloxSignInDetails;

#define QUARTET_TYPE_QUICKBLOX_SESSION (quartet_quickblox_session_get_type ())
G_DECLARE_FINAL_TYPE (
  QuartetQuickbloxSession, quartet_quickblox_session, QUARTET, QUICKBLOX_SESSION, GObject)

char *quartet_quickblox_session_default_chat (const char *api);

QuartetQuickbloxSession *quartet_quickblox_session_new (const QuartetQuickbloxSignInDetails *details,
                                                        GError **error);

void quartet_quickblox_session_sign_in_async (QuartetQuickbloxSession *self,
                                              const char *password,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
/* Returns the chat connection, set up but not connected: (transfer full). */
QuartetXmppConnection *quartet_quickblox_session_sign_in_finish (QuartetQuickbloxSession *self,
                                                                 GAsyncResult *result,
                                                                 GError **error);

/* The application's users, a GListModel of QuartetContact (empty until loaded). */
QuartetQuickbloxDirectory *quartet_quickblox_session_get_directory (QuartetQuickbloxSession *self);
const char *quartet_quickblox_session_get_login (QuartetQuickbloxSession *self);
void quartet_quickblox_session_sign_out (QuartetQuickbloxSession *self);

G_END_DECLS
