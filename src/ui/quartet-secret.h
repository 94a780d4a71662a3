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

G_END_DECLS
