/* quartet-secret.c: the account password in the keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Passwords never go to GSettings (which is a plain file). Storing and
 * clearing are fire-and-forget: without a keyring (a test session, a bare
 * window manager) the app still works, it just cannot remember.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-secret.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.quartet.Quartet.Password",
    SECRET_SCHEMA_NONE,
    {
      { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static void
on_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_message ("Could not keep the password in the keyring: %s", error->message);
}

void
quartet_secret_store_password (const char *jid, const char *password)
{
  g_autofree char *label = g_strdup_printf (_("Quartet password for %s"), jid);

  g_return_if_fail (jid != NULL && password != NULL);

  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, password, NULL,
                         on_stored_cb, NULL, "jid", jid, NULL);
}

static void
on_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_message ("Could not remove the password from the keyring: %s", error->message);
}

void
quartet_secret_clear_password (const char *jid)
{
  g_return_if_fail (jid != NULL);

  secret_password_clear (get_schema (), NULL, on_cleared_cb, NULL, "jid", jid, NULL);
}

void
quartet_secret_lookup_password_async (const char *jid,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  secret_password_lookup (get_schema (), cancellable, callback, user_data, "jid", jid, NULL);
}

char *
quartet_secret_lookup_password_finish (GAsyncResult *result, GError **error)
{
  return secret_password_lookup_finish (result, error);
}

void
quartet_secret_free_password (char *password)
{
  secret_password_free (password);
}
