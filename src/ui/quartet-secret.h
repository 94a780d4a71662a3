/* quartet-secret.h: the account password in the keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void quartet_secret_store_password (const char *jid, const char *password);
void quartet_secret_clear_password (const char *jid);
void quartet_secret_lookup_password_async (const char *jid,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
/* (transfer full) (nullable): free with quartet_secret_free_password(). */
char *quartet_secret_lookup_password_finish (GAsyncResult *result, GError **error);
void quartet_secret_free_password (char *password);

typedef enum
{
  QUARTET_SECRET_AUTH_SECRET, /* a QuickBlox application's */
  QUARTET_SECRET_PASSWORD,    /* a QuickBlox user's */
} QuartetSecretKind;

void quartet_secret_store_quickblox (const char *api,
                                     const char *application_id,
                                     const char *login,
                                     QuartetSecretKind kind,
                                     const char *secret);
/* Clears the auth secret and the login's password. */
void quartet_secret_clear_quickblox (const char *api,
                                     const char *application_id,
                                     const char *login);
void quartet_secret_lookup_quickblox_async (const char *api,
                                            const char *application_id,
                                            const char *login,
                                            QuartetSecretKind kind,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);

G_END_DECLS
