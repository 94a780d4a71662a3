/* quartet-account.h: the signed-in account, its call client and its calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "quartet-call-history.h"
#include "quartet-call.h"
#include "quartet-device-list.h"
#include "quartet-quickblox-session.h"
#include "quartet.h"

G_BEGIN_DECLS

/* What the sign-in form holds; the password is never written to settings. */
typedef struct
{
  const char *server; /* HOST[:PORT], or empty to look up the domain */
  const char *jid;
  const char *password;
  gboolean require_tls;
  const char *cafile;
  const char *trusted_fingerprint;
} QuartetSignInDetails;

#define QUARTET_TYPE_ACCOUNT (quartet_account_get_type ())
G_DECLARE_FINAL_TYPE (QuartetAccount, quartet_account, QUARTET, ACCOUNT, GObject)

QuartetAccount *quartet_account_new (GSettings *settings);

/* Test and demo overrides of the camera/microphone settings (quartet_media_new's strings). */
void quartet_account_set_media_sources (QuartetAccount *self, const char *video, const char *audio);

gboolean quartet_account_parse_server (const char *server,
                                       char **host,
                                       guint16 *port,
                                       GError **error);

void quartet_account_sign_in_async (QuartetAccount *self,
                                    const QuartetSignInDetails *details,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
/* A QuickBlox user: the REST sign-in, then chat as {id}-{appId}@{chat} with
 * the session token; ends with quartet_account_sign_in_finish(). */
void quartet_account_sign_in_quickblox_async (QuartetAccount *self,
                                              const QuartetQuickbloxSignInDetails *details,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
/* On QUARTET_XMPP_ERROR_CERTIFICATE, @fingerprint is the certificate's. */
gboolean quartet_account_sign_in_finish (QuartetAccount *self,
                                         GAsyncResult *result,
                                         char **fingerprint,
                                         GError **error);
void quartet_account_sign_out (QuartetAccount *self);
gboolean quartet_account_get_signed_in (QuartetAccount *self);

/* The Camera portal's answer, for this sign-in (quartet_camera_access_request()):
 * the portal that allowed the cameras, or a refusal. */
void quartet_account_grant_camera (QuartetAccount *self, XdpPortal *portal);
void quartet_account_refuse_camera (QuartetAccount *self);
/* Whether calls send a camera (not a test pattern, not "none"). */
gboolean quartet_account_wants_camera (QuartetAccount *self);
gboolean quartet_account_get_camera_refused (QuartetAccount *self);
/* (transfer full) The devices to choose from: in a sandbox, the Camera
 * portal's cameras (quartet_media_list_portal_cameras()). */
QuartetDeviceList *quartet_account_watch_devices (QuartetAccount *self);
const char *quartet_account_get_jid (QuartetAccount *self);
/* (nullable): the contacts, once signed in. */
GListModel *quartet_account_get_roster (QuartetAccount *self);
/* (nullable): a QuickBlox account's user directory (QuartetContact items). */
GListModel *quartet_account_get_directory (QuartetAccount *self);
QuartetXmppConnection *quartet_account_get_connection (QuartetAccount *self);

QuartetCall *quartet_account_place_call (QuartetAccount *self,
                                         const char *const *user_ids,
                                         QuartetCallType call_type,
                                         GError **error);
QuartetCall *quartet_account_get_call (QuartetAccount *self);
/* The signed-in account's calls, newest first (empty when signed out). */
QuartetCallHistory *quartet_account_get_history (QuartetAccount *self);
/* The ringing call's session id, or NULL. */
const char *quartet_account_get_ringing_id (QuartetAccount *self);
QuartetCall *quartet_account_answer (QuartetAccount *self,
                                     const char *session_id,
                                     gboolean audio_only,
                                     GError **error);
gboolean quartet_account_decline (QuartetAccount *self, const char *session_id, GError **error);

/* The camera, microphone or speaker in use, as the settings name them
 * ("camera", "pattern:smpte", "mic:NAME", "speaker"...). */
char *quartet_account_dup_device (QuartetAccount *self, QuartetDeviceKind kind);
/* Uses @value from now on, in a call too (the camera changes without
 * renegotiation, the microphone's and speaker's streams move), and keeps
 * it in the settings. */
gboolean quartet_account_use_device (QuartetAccount *self,
                                     QuartetDeviceKind kind,
                                     const char *value,
                                     GError **error);

/* A sentence for the user about a sign-in or call error (quartet-account-errors.c). */
char *quartet_account_describe_error (const GError *error);

G_END_DECLS
