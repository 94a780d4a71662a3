/* quartet-call-client.h: the call API of the QuickBlox WebRTC SDK, in GObject form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "quartet-call-session.h"
#include "quartet-media.h"
#include "quartet-xmpp-connection.h"

G_BEGIN_DECLS

#define QUARTET_CALL_ERROR (quartet_call_error_quark ())

typedef enum
{
  QUARTET_CALL_ERROR_NOT_CONNECTED,    /* before init(), or after release() */
  QUARTET_CALL_ERROR_INVALID_ARGUMENT, /* no opponent, more than three, ourselves, a bad id */
  QUARTET_CALL_ERROR_BUSY,             /* already in a call */
  QUARTET_CALL_ERROR_INVALID_STATE,    /* e.g. accept() of a call that stopped ringing */
} QuartetCallError;

#define QUARTET_TYPE_CALL_CLIENT (quartet_call_client_get_type ())
G_DECLARE_FINAL_TYPE (QuartetCallClient, quartet_call_client, QUARTET, CALL_CLIENT, GObject)

GQuark quartet_call_error_quark (void);

QuartetCallClient *quartet_call_client_new (QuartetXmppConnection *connection, QuartetMedia *media);
QuartetCallClient *quartet_call_client_new_for_signaling (QuartetSignaling *signaling,
                                                          QuartetMedia *media);

gboolean quartet_call_client_init (QuartetCallClient *self, GError **error);
QuartetCallSession *quartet_call_client_call (QuartetCallClient *self,
                                              const char *const *opponent_ids,
                                              QuartetCallType call_type,
                                              GVariant *user_info,
                                              GError **error);
gboolean quartet_call_client_accept (QuartetCallClient *self,
                                     QuartetCallSession *session,
                                     GVariant *user_info,
                                     GError **error);
gboolean quartet_call_client_reject (QuartetCallClient *self,
                                     QuartetCallSession *session,
                                     GVariant *user_info,
                                     GError **error);
gboolean quartet_call_client_hang_up (QuartetCallClient *self,
                                      QuartetCallSession *session,
                                      GVariant *user_info,
                                      GError **error);
/* The SDK's update(extension): @user_info (a{sv} of strings, floating is
 * sunk) to everyone connected in @session; they get an "update" event. */
gboolean quartet_call_client_update (QuartetCallClient *self,
                                     QuartetCallSession *session,
                                     GVariant *user_info,
                                     GError **error);
QuartetCallSession *quartet_call_client_get_session (QuartetCallClient *self,
                                                     const char *session_id);
void quartet_call_client_release (QuartetCallClient *self);

G_END_DECLS
