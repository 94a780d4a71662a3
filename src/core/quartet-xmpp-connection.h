/* quartet-xmpp-connection.h: one signed-in XMPP account, driven by the GLib main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "quartet-signal.h"
#include "quartet-signaling.h"

G_BEGIN_DECLS

#define QUARTET_XMPP_ERROR (quartet_xmpp_error_quark ())

typedef enum
{
  QUARTET_XMPP_ERROR_INVALID_ACCOUNT, /* the JID cannot be an account */
  QUARTET_XMPP_ERROR_UNREACHABLE,     /* name lookup, refused or timed-out connection */
  QUARTET_XMPP_ERROR_CERTIFICATE,     /* the server's certificate is not trusted */
  QUARTET_XMPP_ERROR_TLS_UNAVAILABLE, /* TLS is required but the server does not offer it */
  QUARTET_XMPP_ERROR_AUTHENTICATION,  /* wrong user name or password */
  QUARTET_XMPP_ERROR_STREAM,          /* the server ended the session with a stream error */
  QUARTET_XMPP_ERROR_CONNECTION_LOST, /* an established connection dropped */
  QUARTET_XMPP_ERROR_NOT_CONNECTED,   /* an operation needs a signed-in connection */
  QUARTET_XMPP_ERROR_REFUSED,         /* the server answered a request with an error */
  QUARTET_XMPP_ERROR_TIMED_OUT,       /* the server did not answer a request in time */
} QuartetXmppError;

typedef enum
{
  QUARTET_XMPP_TLS_REQUIRED, /* STARTTLS with certificate checking: the default */
  QUARTET_XMPP_TLS_OFF,      /* plain text: only for a local server, on explicit request */
} QuartetXmppTlsMode;

typedef enum
{
  QUARTET_XMPP_STATE_DISCONNECTED,
  QUARTET_XMPP_STATE_CONNECTING,
  QUARTET_XMPP_STATE_CONNECTED,
  QUARTET_XMPP_STATE_RECONNECTING,
} QuartetXmppState;

#define QUARTET_TYPE_XMPP_CONNECTION (quartet_xmpp_connection_get_type ())
G_DECLARE_FINAL_TYPE (QuartetXmppConnection,
                      quartet_xmpp_connection,
                      QUARTET,
                      XMPP_CONNECTION,
                      GObject)

GQuark quartet_xmpp_error_quark (void);

QuartetXmppConnection *quartet_xmpp_connection_new (const char *jid, const char *password);

void quartet_xmpp_connection_set_server (QuartetXmppConnection *self,
                                         const char *host,
                                         guint16 port);
void
quartet_xmpp_connection_add_server (QuartetXmppConnection *self, const char *host, guint16 port);
void quartet_xmpp_connection_set_tls_mode (QuartetXmppConnection *self, QuartetXmppTlsMode mode);
void quartet_xmpp_connection_set_password (QuartetXmppConnection *self, const char *password);
void quartet_xmpp_connection_set_cafile (QuartetXmppConnection *self, const char *cafile);
void quartet_xmpp_connection_set_trusted_fingerprint (QuartetXmppConnection *self,
                                                      const char *sha256_fingerprint);

const char *quartet_xmpp_connection_get_jid (QuartetXmppConnection *self);
const char *quartet_xmpp_connection_get_user_id (QuartetXmppConnection *self);
const char *quartet_xmpp_connection_get_bound_jid (QuartetXmppConnection *self);
QuartetXmppState quartet_xmpp_connection_get_state (QuartetXmppConnection *self);
const char *quartet_xmpp_connection_get_peer_fingerprint (QuartetXmppConnection *self);
GListModel *quartet_xmpp_connection_get_roster (QuartetXmppConnection *self);

void quartet_xmpp_connection_connect_async (QuartetXmppConnection *self,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
gboolean quartet_xmpp_connection_connect_finish (QuartetXmppConnection *self,
                                                 GAsyncResult *result,
                                                 GError **error);

void quartet_xmpp_connection_disconnect_async (QuartetXmppConnection *self,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
gboolean quartet_xmpp_connection_disconnect_finish (QuartetXmppConnection *self,
                                                    GAsyncResult *result,
                                                    GError **error);

gboolean quartet_xmpp_connection_send_signal (QuartetXmppConnection *self,
                                              const char *to,
                                              const QuartetSignal *signal,
                                              GError **error);

/* quartet-xmpp-services.c */
void quartet_xmpp_connection_add_contact_async (QuartetXmppConnection *self,
                                                const char *jid,
                                                const char *name,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
gboolean quartet_xmpp_connection_add_contact_finish (QuartetXmppConnection *self,
                                                     GAsyncResult *result,
                                                     GError **error);
void quartet_xmpp_connection_discover_ice_servers_async (QuartetXmppConnection *self,
                                                         GAsyncReadyCallback callback,
                                                         gpointer user_data);
char **quartet_xmpp_connection_discover_ice_servers_finish (QuartetXmppConnection *self,
                                                            GAsyncResult *result,
                                                            GError **error);

G_END_DECLS
