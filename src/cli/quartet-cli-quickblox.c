/* quartet-cli-quickblox.c: quartet-cli's QuickBlox sign-in and `users` command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With --quickblox-api and the application's credentials, quartet-cli signs
 * the user in over the QuickBlox REST API first, then to chat as
 * `{userId}-{appId}@{chat}` with the session token as the password, as the
 * QuickBlox SDKs do. The auth secret is read from a file, never taken on
 * the command line where other local users could read it.
 */
#define G_LOG_DOMAIN "quartet-cli"

#include <string.h>

#include "quartet-cli-quickblox.h"

GOptionGroup *
quartet_cli_quickblox_option_group (QuartetCliQuickbloxOptions *options)
{
  const GOptionEntry entries[] = {
    { "quickblox-api", 0, 0, G_OPTION_ARG_STRING, &options->api,
      "Sign in to this QuickBlox API endpoint instead of --jid (api.quickblox.com)",
      "HOST[:PORT]" },
    { "quickblox-app-id", 0, 0, G_OPTION_ARG_STRING, &options->app_id,
      "The QuickBlox application id", "N" },
    { "quickblox-auth-key", 0, 0, G_OPTION_ARG_STRING, &options->auth_key,
      "The application's auth key", "KEY" },
    { "quickblox-auth-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &options->auth_secret_file,
      "Read the application's auth secret from FILE", "FILE" },
    { "login", 0, 0, G_OPTION_ARG_STRING, &options->login,
      "The QuickBlox user's login (the password from --password-file)", "LOGIN" },
    { "quickblox-cafile", 0, 0, G_OPTION_ARG_FILENAME, &options->cafile,
      "Trust only the certificate authorities in FILE for the API (a private or test server)",
      "FILE" },
    { "quickblox-chat", 0, 0, G_OPTION_ARG_STRING, &options->chat_domain,
      "QuickBlox chat's domain (default: the API's, api… → chat…)", "DOMAIN" },
    { "search", 0, 0, G_OPTION_ARG_STRING, &options->search,
      "users: only those whose full name contains TEXT", "TEXT" },
    { "per-page", 0, 0, G_OPTION_ARG_INT, &options->per_page,
      "users: ask for N users at a time (1 to 100, default 100)", "N" },
    { NULL }
  };
  GOptionGroup *group
      = g_option_group_new ("quickblox", "QuickBlox account options:",
                            "Show the options to sign in with a QuickBlox account", options, NULL);

  g_option_group_add_entries (group, entries);
  return group;
}

void
quartet_cli_quickblox_options_clear (QuartetCliQuickbloxOptions *options)
{
  g_clear_pointer (&options->api, g_free);
  g_clear_pointer (&options->app_id, g_free);
  g_clear_pointer (&options->auth_key, g_free);
  g_clear_pointer (&options->auth_secret_file, g_free);
  g_clear_pointer (&options->login, g_free);
  g_clear_pointer (&options->cafile, g_free);
  g_clear_pointer (&options->chat_domain, g_free);
  g_clear_pointer (&options->search, g_free);
}

gboolean
quartet_cli_quickblox_options_given (const QuartetCliQuickbloxOptions *options)
{
  return options->api != NULL || options->app_id != NULL || options->auth_key != NULL
         || options->auth_secret_file != NULL || options->login != NULL;
}

/* QuickBlox names its endpoints api.quickblox.com and chat.quickblox.com
 * (apiXYZ.quickblox.com and chatXYZ.quickblox.com for a dedicated server). */
char *
quartet_cli_quickblox_chat_domain (const QuartetCliQuickbloxOptions *options)
{
  g_autofree char *host = NULL;
  const char *colon;

  if (options->chat_domain != NULL)
    return g_strdup (options->chat_domain);

  colon = strrchr (options->api, ':');
  host = colon ? g_strndup (options->api, colon - options->api) : g_strdup (options->api);
  if (g_str_has_prefix (host, "api"))
    return g_strconcat ("chat", host + strlen ("api"), NULL);
  return g_steal_pointer (&host);
}

QuartetQuickbloxAccount *
quartet_cli_quickblox_account_new (const QuartetCliQuickbloxOptions *options, GError **error)
{
  g_autoptr (QuartetQuickbloxAccount) account = NULL;
  g_autofree char *secret = NULL;
  gsize length = 0;

  if (options->api == NULL || options->app_id == NULL || options->auth_key == NULL
      || options->auth_secret_file == NULL || options->login == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "A QuickBlox account needs --quickblox-api, --quickblox-app-id, "
                   "--quickblox-auth-key, --quickblox-auth-secret-file and --login");
      return NULL;
    }

  if (!g_file_get_contents (options->auth_secret_file, &secret, &length, error))
    return NULL;
  /* As with password files, a trailing newline is not part of the secret. */
  g_strchomp (secret);

  account = quartet_quickblox_account_new (options->api, options->app_id, options->auth_key,
                                           secret);
  memset (secret, 0, length);
  if (!quartet_quickblox_account_set_cafile (account, options->cafile, error))
    return NULL;

  return g_steal_pointer (&account);
}

typedef struct
{
  QuartetQuickbloxDirectory *directory;
  QuartetCliOutput *output;
} Listing;

static void
listing_free (Listing *listing)
{
  g_clear_object (&listing->directory);
  g_free (listing);
}

static void on_page_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
load_page (GTask *task, guint page)
{
  Listing *listing = g_task_get_task_data (task);

  quartet_quickblox_directory_load_page_async (listing->directory, page,
                                               g_task_get_cancellable (task), on_page_cb, task);
}

static void
on_page_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetQuickbloxDirectory *directory = QUARTET_QUICKBLOX_DIRECTORY (source);
  Listing *listing = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  guint n_items, page;

  if (!quartet_quickblox_directory_load_page_finish (directory, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  n_items = g_list_model_get_n_items (G_LIST_MODEL (directory));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (QuartetContact) contact = g_list_model_get_item (G_LIST_MODEL (directory), i);

      quartet_cli_output_user (listing->output, contact);
    }

  page = quartet_quickblox_directory_get_page (directory);
  if (n_items > 0 && page < quartet_quickblox_directory_get_n_pages (directory))
    {
      load_page (g_steal_pointer (&task), page + 1);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Prints every user (or every match of --search), a page at a time. */
void
quartet_cli_quickblox_print_users_async (QuartetQuickbloxAccount *account,
                                         const QuartetCliQuickbloxOptions *options,
                                         QuartetCliOutput *output,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *chat_domain = quartet_cli_quickblox_chat_domain (options);
  Listing *listing = g_new0 (Listing, 1);

  g_task_set_source_tag (task, quartet_cli_quickblox_print_users_async);
  listing->directory = quartet_quickblox_directory_new (account, chat_domain);
  listing->output = output;
  quartet_quickblox_directory_set_search (listing->directory, options->search);
  quartet_quickblox_directory_set_per_page (listing->directory,
                                            options->per_page > 0 ? (guint)options->per_page
                                                                  : QUARTET_QUICKBLOX_MAX_PER_PAGE);
  g_task_set_task_data (task, listing, (GDestroyNotify)listing_free);
  load_page (task, 1);
}

gboolean
quartet_cli_quickblox_print_users_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
