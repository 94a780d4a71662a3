/* quartet-secret.c: the account password (and QuickBlox secrets) in the keyring (libsecret)
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

/* A QuickBlox application's auth secret and its user's password, each
 * under the API server, the application id and the login ("" for the
 * auth secret, which belongs to the application), told apart by "kind". */
static const SecretSchema *
get_quickblox_schema (void)
{
  static const SecretSchema schema = {
    "io.github.quartet.Quartet.QuickBlox",
    SECRET_SCHEMA_NONE,
    {
      { "api", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "application-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "login", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static const char *
kind_name (QuartetSecretKind kind)
{
  return kind == QUARTET_SECRET_AUTH_SECRET ? "auth-secret" : "password";
}

void
quartet_secret_store_quickblox (const char *api,
                                const char *application_id,
                                const char *login,
                                QuartetSecretKind kind,
                                const char *secret)
{
  g_autofree char *label = NULL;

  g_return_if_fail (api != NULL && application_id != NULL && login != NULL && secret != NULL);

  label = kind == QUARTET_SECRET_AUTH_SECRET
            ? g_strdup_printf (_("Quartet: auth secret of QuickBlox application %s"),
                               application_id)
            : g_strdup_printf (_("Quartet: QuickBlox password for %s"), login);
  secret_password_store (get_quickblox_schema (), SECRET_COLLECTION_DEFAULT, label, secret, NULL,
                         on_stored_cb, NULL, "api", api, "application-id", application_id,
                         "login", kind == QUARTET_SECRET_AUTH_SECRET ? "" : login, "kind",
                         kind_name (kind), NULL);
}

void
quartet_secret_clear_quickblox (const char *api, const char *application_id, const char *login)
{
  g_return_if_fail (api != NULL && application_id != NULL && login != NULL);

  secret_password_clear (get_quickblox_schema (), NULL, on_cleared_cb, NULL, "api", api,
                         "application-id", application_id, "kind", "auth-secret", NULL);
  secret_password_clear (get_quickblox_schema (), NULL, on_cleared_cb, NULL, "api", api,
                         "application-id", application_id, "login", login, "kind", "password",
                         NULL);
}

/* Finish with quartet_secret_lookup_password_finish(). */
void
quartet_secret_lookup_quickblox_async (const char *api,
                                       const char *application_id,
                                       const char *login,
                                       QuartetSecretKind kind,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  secret_password_lookup (get_quickblox_schema (), cancellable, callback, user_data, "api", api,
                          "application-id", application_id, "login",
                          kind == QUARTET_SECRET_AUTH_SECRET ? "" : login, "kind",
                          kind_name (kind), NULL);
}
