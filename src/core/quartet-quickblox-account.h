/* quartet-quickblox-account.h: a user signed in to a QuickBlox application over its REST API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define QUARTET_QUICKBLOX_ERROR (quartet_quickblox_error_quark ())

typedef enum
{
  QUARTET_QUICKBLOX_ERROR_INVALID_SETTINGS, /* an API host or application id that cannot be */
  QUARTET_QUICKBLOX_ERROR_UNREACHABLE,      /* name lookup, refused or timed-out connection */
  QUARTET_QUICKBLOX_ERROR_TLS,              /* the API's certificate is not trusted, TLS failed */
  QUARTET_QUICKBLOX_ERROR_AUTHENTICATION,   /* wrong login or password */
  QUARTET_QUICKBLOX_ERROR_APPLICATION,      /* app id, auth key or auth secret refused */
  QUARTET_QUICKBLOX_ERROR_TOKEN_EXPIRED,    /* the session token is no longer valid */
  QUARTET_QUICKBLOX_ERROR_NOT_SIGNED_IN,    /* an operation needs a session */
  QUARTET_QUICKBLOX_ERROR_SERVER,           /* any other error answer, or an unreadable one */
} QuartetQuickbloxError;

/* QuickBlox session tokens live two hours (since the last request). */
#define QUARTET_QUICKBLOX_TOKEN_LIFETIME_S (2 * 60 * 60)

#define QUARTET_TYPE_QUICKBLOX_ACCOUNT (quartet_quickblox_account_get_type ())
G_DECLARE_FINAL_TYPE (
    QuartetQuickbloxAccount, quartet_quickblox_account, QUARTET, QUICKBLOX_ACCOUNT, GObject)

GQuark quartet_quickblox_error_quark (void);

QuartetQuickbloxAccount *quartet_quickblox_account_new (const char *api,
                                                        const char *application_id,
                                                        const char *auth_key,
                                                        const char *auth_secret);

gboolean quartet_quickblox_account_set_cafile (QuartetQuickbloxAccount *self,
                                               const char *cafile,
                                               GError **error);

const char *quartet_quickblox_account_get_api (QuartetQuickbloxAccount *self);
const char *quartet_quickblox_account_get_application_id (QuartetQuickbloxAccount *self);
const char *quartet_quickblox_account_get_token (QuartetQuickbloxAccount *self);
guint64 quartet_quickblox_account_get_user_id (QuartetQuickbloxAccount *self);
GDateTime *quartet_quickblox_account_get_token_expiry (QuartetQuickbloxAccount *self);
char *quartet_quickblox_account_get_chat_jid (QuartetQuickbloxAccount *self,
                                              const char *chat_domain);

void quartet_quickblox_account_sign_in_async (QuartetQuickbloxAccount *self,
                                              const char *login,
                                              const char *password,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
gboolean quartet_quickblox_account_sign_in_finish (QuartetQuickbloxAccount *self,
                                                   GAsyncResult *result,
                                                   GError **error);
void quartet_quickblox_account_sign_out (QuartetQuickbloxAccount *self);

G_END_DECLS
