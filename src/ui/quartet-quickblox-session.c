/* quartet-quickblox-session.c: the app's QuickBlox sign-in, its chat connection and directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A QuickBlox user signs in over the REST API first (QuartetQuickbloxAccount:
 * a signed session, a token that it renews before it ends), then to chat as
 * `{userId}-{appId}@{chat}` with the token as the password, as the QuickBlox
 * SDKs and quartet-cli do. Each renewed token becomes the connection's
 * password, so a reconnect signs in with a token chat still accepts. The
 * directory of the application's users replaces the roster on the contacts
 * page: QuickBlox apps keep their people there, not in XMPP rosters.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-quickblox-session.h"

#include <string.h>

#include "quartet-account.h"

struct _QuartetQuickbloxSession
{
  GObject parent_instance;

  QuartetQuickbloxAccount *account;
  QuartetQuickbloxDirectory *directory;
  QuartetXmppConnection *connection; /* weak: the QuartetAccount owns it */
  char *login;
  char *chat_domain;
  char *chat_host;
  guint16 chat_port;
  QuartetXmppTlsMode tls_mode;
  char *cafile;
  char *trusted_fingerprint;
};

G_DEFINE_FINAL_TYPE (QuartetQuickbloxSession, quartet_quickblox_session, G_TYPE_OBJECT)

/* QuickBlox names its endpoints api.quickblox.com and chat.quickblox.com
 * (apiXYZ… and chatXYZ… for a dedicated server), as quartet-cli assumes. */
char *
quartet_quickblox_session_default_chat (const char *api)
{
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (!quartet_account_parse_server (api, &host, &port, NULL) || host == NULL)
    return g_strdup ("");
  if (g_str_has_prefix (host, "api"))
    return g_strconcat ("chat", host + strlen ("api"), NULL);
  return g_steal_pointer (&host);
}

static void
on_token_cb (QuartetQuickbloxAccount *account, GParamSpec *pspec, QuartetQuickbloxSession *self)
{
  const char *token = quartet_quickblox_account_get_token (account);

  /* A sign-out clears the token: the connection keeps its last one. */
  if (self->connection != NULL && token != NULL)
    quartet_xmpp_connection_set_password (self->connection, token);
}

static void
on_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetQuickbloxSession *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *jid = NULL;
  QuartetXmppConnection *connection;

  if (!quartet_quickblox_account_sign_in_finish (self->account, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  jid = quartet_quickblox_account_get_chat_jid (self->account, self->chat_domain);
  connection = quartet_xmpp_connection_new (jid, quartet_quickblox_account_get_token (self->account));
  quartet_xmpp_connection_set_server (connection, self->chat_host, self->chat_port);
  quartet_xmpp_connection_set_tls_mode (connection, self->tls_mode);
  if (self->cafile != NULL)
    quartet_xmpp_connection_set_cafile (connection, self->cafile);
  if (self->trusted_fingerprint != NULL)
    quartet_xmpp_connection_set_trusted_fingerprint (connection, self->trusted_fingerprint);

  g_clear_weak_pointer (&self->connection);
  g_set_weak_pointer (&self->connection, connection);
  g_task_return_pointer (task, connection, g_object_unref);
}

void
quartet_quickblox_session_sign_in_async (QuartetQuickbloxSession *self,
                                         const char *password,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  GTask *task;

  g_return_if_fail (QUARTET_IS_QUICKBLOX_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quartet_quickblox_session_sign_in_async);
  quartet_quickblox_account_sign_in_async (self->account, self->login, password, cancellable,
                                           on_signed_in_cb, task);
}

QuartetXmppConnection *
quartet_quickblox_session_sign_in_finish (QuartetQuickbloxSession *self,
                                          GAsyncResult *result,
                                          GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

QuartetQuickbloxDirectory *
quartet_quickblox_session_get_directory (QuartetQuickbloxSession *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_SESSION (self), NULL);
  return self->directory;
}

const char *
quartet_quickblox_session_get_login (QuartetQuickbloxSession *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_SESSION (self), NULL);
  return self->login;
}

/* Stops the renewal and forgets the token; the connection is the account's to close. */
void
quartet_quickblox_session_sign_out (QuartetQuickbloxSession *self)
{
  g_return_if_fail (QUARTET_IS_QUICKBLOX_SESSION (self));

  g_clear_weak_pointer (&self->connection);
  if (self->account != NULL)
    quartet_quickblox_account_sign_out (self->account);
}

static void
quartet_quickblox_session_dispose (GObject *object)
{
  QuartetQuickbloxSession *self = QUARTET_QUICKBLOX_SESSION (object);

  if (self->account != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->account, self);
      quartet_quickblox_session_sign_out (self);
    }
  g_clear_object (&self->directory);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (quartet_quickblox_session_parent_class)->dispose (object);
}

static void
quartet_quickblox_session_finalize (GObject *object)
{
  QuartetQuickbloxSession *self = QUARTET_QUICKBLOX_SESSION (object);

  g_clear_pointer (&self->login, g_free);
  g_clear_pointer (&self->chat_domain, g_free);
  g_clear_pointer (&self->chat_host, g_free);
  g_clear_pointer (&self->cafile, g_free);
  g_clear_pointer (&self->trusted_fingerprint, g_free);

  G_OBJECT_CLASS (quartet_quickblox_session_parent_class)->finalize (object);
}

static void
quartet_quickblox_session_class_init (QuartetQuickbloxSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = quartet_quickblox_session_dispose;
  object_class->finalize = quartet_quickblox_session_finalize;
}

static void
quartet_quickblox_session_init (QuartetQuickbloxSession *self)
{
}

static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

/* Checks what can be checked before a request; the REST API checks the rest. */
QuartetQuickbloxSession *
quartet_quickblox_session_new (const QuartetQuickbloxSignInDetails *details, GError **error)
{
  g_autoptr (QuartetQuickbloxSession) self = NULL;
  g_autofree char *chat = NULL;

  g_return_val_if_fail (details != NULL, NULL);

  self = g_object_new (QUARTET_TYPE_QUICKBLOX_SESSION, NULL);
  chat = is_empty (details->chat) ? quartet_quickblox_session_default_chat (details->api)
                                  : g_strdup (details->chat);
  if (!quartet_account_parse_server (chat, &self->chat_host, &self->chat_port, error))
    return NULL;
  /* The chat JID's domain is the chat server's name: HOST of HOST[:PORT].
   * Without a port, the domain's SRV records say where to connect. */
  self->chat_domain = g_strdup (self->chat_host ? self->chat_host : "");
  if (self->chat_port == 0)
    g_clear_pointer (&self->chat_host, g_free);
  /* Like quartet-cli's --server with --quickblox-chat: the domain stays. */
  if (!is_empty (details->server))
    {
      g_clear_pointer (&self->chat_host, g_free);
      if (!quartet_account_parse_server (details->server, &self->chat_host, &self->chat_port,
                                         error))
        return NULL;
    }

  self->account = quartet_quickblox_account_new (details->api, details->application_id,
                                                 details->auth_key, details->auth_secret);
  if (!is_empty (details->api_cafile)
      && !quartet_quickblox_account_set_cafile (self->account, details->api_cafile, error))
    return NULL;

  self->login = g_strdup (details->login);
  self->tls_mode = details->require_tls ? QUARTET_XMPP_TLS_REQUIRED : QUARTET_XMPP_TLS_OFF;
  self->cafile = is_empty (details->cafile) ? NULL : g_strdup (details->cafile);
  self->trusted_fingerprint
    = is_empty (details->trusted_fingerprint) ? NULL : g_strdup (details->trusted_fingerprint);
  self->directory = quartet_quickblox_directory_new (self->account, self->chat_domain);
  g_signal_connect (self->account, "notify::token", G_CALLBACK (on_token_cb), self);

  return g_steal_pointer (&self);
}
