/* quartet-quickblox-account.c: a user signed in to a QuickBlox application over its REST API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing in creates a QuickBlox session (`POST /session.json`, signed with
 * the application's auth secret) and keeps its token: the REST API wants it
 * in a `QB-Token` header, and QuickBlox chat takes it as the password of the
 * user's chat JID `{userId}-{appId}@{chat}`. A token lives two hours, so a
 * new session is created before the old one ends (`notify::token` tells the
 * XMPP connection the password to use when it reconnects), and a request
 * that finds its token expired anyway gets one more try with a new session.
 *
 * The auth secret, the password and the token are never logged.
 */
#define G_LOG_DOMAIN "quartet-quickblox"

#include <string.h>

#include "quartet-quickblox-account.h"
#include "quartet-log.h"
#include "quartet-quickblox-private.h"
#include "quartet-quickblox-signature.h"

/* Renew this long before the token ends, or after 4/5 of a shorter life. */
#define REFRESH_MARGIN_MS (10 * 60 * 1000)
/* After a failed renewal, try again this much later while the token lasts. */
#define REFRESH_RETRY_MS (30 * 1000)
#define REQUEST_TIMEOUT_S 30

struct _QuartetQuickbloxAccount
{
  GObject parent_instance;

  char *api;
  char *application_id;
  char *auth_key;
  char *auth_secret;
  SoupSession *session;

  /* Kept while signed in, to create the next session. */
  char *login;
  char *password;

  char *token;
  guint64 user_id;
  GDateTime *expiry;

  guint refresh_id;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (QuartetQuickbloxAccount, quartet_quickblox_account, G_TYPE_OBJECT)

G_DEFINE_QUARK (quartet-quickblox-error-quark, quartet_quickblox_error)

enum
{
  PROP_0,
  PROP_API,
  PROP_APPLICATION_ID,
  PROP_AUTH_KEY,
  PROP_AUTH_SECRET,
  PROP_TOKEN,
  PROP_USER_ID,
  PROP_TOKEN_EXPIRY,
  N_PROPS
};

enum
{
  SIGNAL_REFRESH_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_refresh (QuartetQuickbloxAccount *self, gint64 delay_ms);

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static gboolean
check_settings (QuartetQuickbloxAccount *self, GError **error)
{
  g_autofree char *url = g_strdup_printf ("https://%s/", self->api ? self->api : "");
  guint64 number;

  if (self->api == NULL || *self->api == '\0' || strpbrk (self->api, "/?#@ ") != NULL
      || !g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL))
    {
      g_set_error (error, QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_INVALID_SETTINGS,
                   "“%s” is not a QuickBlox API endpoint (HOST or HOST:PORT)",
                   self->api ? self->api : "");
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (self->application_id, 10, 1, G_MAXINT64, &number, NULL))
    {
      g_set_error (error, QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_INVALID_SETTINGS,
                   "The QuickBlox application id is a number, not “%s”",
                   self->application_id ? self->application_id : "");
      return FALSE;
    }
  if (self->auth_key == NULL || *self->auth_key == '\0' || self->auth_secret == NULL
      || *self->auth_secret == '\0')
    {
      g_set_error (error, QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_INVALID_SETTINGS,
                   "A QuickBlox application needs its auth key and auth secret");
      return FALSE;
    }
  return TRUE;
}

char *
_quartet_quickblox_account_url (QuartetQuickbloxAccount *self, const char *path, const char *query)
{
  return g_strdup_printf ("https://%s%s%s%s", self->api, path, query ? "?" : "",
                          query ? query : "");
}

/* The server says when the token ends (QB-Token-ExpirationDate, as the JS
 * SDK reads it); older servers do not, and then it is two hours. */
static GDateTime *
token_expiry (SoupMessage *message)
{
  const char *header = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                     "QB-Token-ExpirationDate");
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *expiry = header ? g_date_time_new_from_iso8601 (header, utc) : NULL;
  g_autoptr (GDateTime) now = NULL;

  if (expiry != NULL)
    return expiry;

  now = g_date_time_new_now_utc ();
  return g_date_time_add_seconds (now, QUARTET_QUICKBLOX_TOKEN_LIFETIME_S);
}

static gboolean
take_session (QuartetQuickbloxAccount *self, JsonObject *answer, SoupMessage *message)
{
  JsonObject *session = _quartet_quickblox_object_member (answer, "session");
  const char *token;
  gint64 user_id;

  if (session == NULL)
    return FALSE;
  token = json_object_get_string_member_with_default (session, "token", NULL);
  user_id = json_object_get_int_member_with_default (session, "user_id", 0);
  if (token == NULL || *token == '\0' || user_id <= 0)
    return FALSE;

  clear_secret (&self->token);
  self->token = g_strdup (token);
  quartet_log_hide_secret (token);
  g_clear_pointer (&self->expiry, g_date_time_unref);
  self->expiry = token_expiry (message);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->user_id != (guint64)user_id)
    {
      self->user_id = user_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_EXPIRY]);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

static gint64
ms_until_expiry (QuartetQuickbloxAccount *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return self->expiry ? g_date_time_difference (self->expiry, now) / 1000 : 0;
}

static void
on_session_created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetQuickbloxAccount *self = g_task_get_source_object (task);
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) answer = _quartet_quickblox_request_finish (result, &error);
  gint64 lifetime_ms;

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!take_session (self, answer, message))
    {
      g_task_return_new_error (task, QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_SERVER,
                               "The QuickBlox API answered the sign-in without a session");
      return;
    }

  lifetime_ms = ms_until_expiry (self);
  g_debug ("QuickBlox user %" G_GUINT64_FORMAT " has a session for %" G_GINT64_FORMAT " s",
           self->user_id, lifetime_ms / 1000);
  schedule_refresh (self, lifetime_ms - MIN (REFRESH_MARGIN_MS, lifetime_ms / 5));
  g_task_return_boolean (task, TRUE);
}

/* POST /session.json for the kept login and password. */
static void
create_session_async (QuartetQuickbloxAccount *self,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *nonce = g_strdup_printf ("%d", g_random_int_range (1, G_MAXINT32));
  gint64 timestamp = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *timestamp_text = g_strdup_printf ("%" G_GINT64_FORMAT, timestamp);
  g_autofree char *signature = NULL;
  g_autofree char *url = _quartet_quickblox_account_url (self, "/session.json", NULL);
  SoupMessage *message;

  g_task_set_source_tag (task, create_session_async);
  signature = quartet_quickblox_session_signature (self->auth_secret, self->application_id,
                                                   self->auth_key, nonce, timestamp, self->login,
                                                   self->password);
  message = soup_message_new_from_encoded_form (
      "POST", url,
      soup_form_encode ("application_id", self->application_id, "auth_key", self->auth_key, "nonce",
                        nonce, "timestamp", timestamp_text, "user[login]", self->login,
                        "user[password]", self->password, "signature", signature, NULL));
  g_task_set_task_data (task, message, g_object_unref);

  _quartet_quickblox_request_async (self->session, message, QUARTET_QUICKBLOX_REQUEST_SESSION,
                                    cancellable, on_session_created_cb, g_object_ref (task));
}

static gboolean
create_session_finish (QuartetQuickbloxAccount *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_refreshed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  QuartetQuickbloxAccount *self = QUARTET_QUICKBLOX_ACCOUNT (source);
  g_autoptr (GError) error = NULL;
  gint64 left_ms;

  if (create_session_finish (self, result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_info ("Could not renew the QuickBlox session: %s", error->message);
  g_signal_emit (self, signals[SIGNAL_REFRESH_FAILED], 0, error);
  left_ms = ms_until_expiry (self);
  if (left_ms > 0)
    schedule_refresh (self, MIN (REFRESH_RETRY_MS, left_ms / 2));
}

static gboolean
on_refresh_timeout_cb (gpointer user_data)
{
  QuartetQuickbloxAccount *self = user_data;

  self->refresh_id = 0;
  create_session_async (self, self->cancellable, on_refreshed_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (QuartetQuickbloxAccount *self, gint64 delay_ms)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  /* A token that is over already (or about to be) is renewed when a
   * request finds it expired, not in a busy loop here. */
  if (delay_ms <= 0)
    return;
  self->refresh_id = g_timeout_add (MIN (delay_ms, G_MAXUINT), on_refresh_timeout_cb, self);
}

static void
quartet_quickblox_account_get_property (GObject *object,
                                        guint prop_id,
                                        GValue *value,
                                        GParamSpec *pspec)
{
  QuartetQuickbloxAccount *self = QUARTET_QUICKBLOX_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_API:
      g_value_set_string (value, self->api);
      break;
    case PROP_APPLICATION_ID:
      g_value_set_string (value, self->application_id);
      break;
    case PROP_AUTH_KEY:
      g_value_set_string (value, self->auth_key);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_USER_ID:
      g_value_set_uint64 (value, self->user_id);
      break;
    case PROP_TOKEN_EXPIRY:
      g_value_set_boxed (value, self->expiry);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_quickblox_account_set_property (GObject *object,
                                        guint prop_id,
                                        const GValue *value,
                                        GParamSpec *pspec)
{
  QuartetQuickbloxAccount *self = QUARTET_QUICKBLOX_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_API:
      self->api = g_value_dup_string (value);
      break;
    case PROP_APPLICATION_ID:
      self->application_id = g_value_dup_string (value);
      break;
    case PROP_AUTH_KEY:
      self->auth_key = g_value_dup_string (value);
      break;
    case PROP_AUTH_SECRET:
      self->auth_secret = g_value_dup_string (value);
      quartet_log_hide_secret (self->auth_secret);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_quickblox_account_dispose (GObject *object)
{
  QuartetQuickbloxAccount *self = QUARTET_QUICKBLOX_ACCOUNT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (quartet_quickblox_account_parent_class)->dispose (object);
}

static void
quartet_quickblox_account_finalize (GObject *object)
{
  QuartetQuickbloxAccount *self = QUARTET_QUICKBLOX_ACCOUNT (object);

  g_clear_pointer (&self->api, g_free);
  g_clear_pointer (&self->application_id, g_free);
  g_clear_pointer (&self->auth_key, g_free);
  clear_secret (&self->auth_secret);
  clear_secret (&self->login);
  clear_secret (&self->password);
  clear_secret (&self->token);
  g_clear_pointer (&self->expiry, g_date_time_unref);

  G_OBJECT_CLASS (quartet_quickblox_account_parent_class)->finalize (object);
}

static void
quartet_quickblox_account_class_init (QuartetQuickbloxAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags readable = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = quartet_quickblox_account_get_property;
  object_class->set_property = quartet_quickblox_account_set_property;
  object_class->dispose = quartet_quickblox_account_dispose;
  object_class->finalize = quartet_quickblox_account_finalize;

  properties[PROP_API]
      = g_param_spec_string ("api", NULL, NULL, NULL, G_PARAM_READWRITE | construct);
  properties[PROP_APPLICATION_ID]
      = g_param_spec_string ("application-id", NULL, NULL, NULL, G_PARAM_READWRITE | construct);
  properties[PROP_AUTH_KEY]
      = g_param_spec_string ("auth-key", NULL, NULL, NULL, G_PARAM_READWRITE | construct);
  /* Write-only: nothing reads the secret back out of the account. */
  properties[PROP_AUTH_SECRET]
      = g_param_spec_string ("auth-secret", NULL, NULL, NULL, G_PARAM_WRITABLE | construct);
  properties[PROP_TOKEN] = g_param_spec_string ("token", NULL, NULL, NULL, readable);
  properties[PROP_USER_ID]
      = g_param_spec_uint64 ("user-id", NULL, NULL, 0, G_MAXUINT64, 0, readable);
  properties[PROP_TOKEN_EXPIRY]
      = g_param_spec_boxed ("token-expiry", NULL, NULL, G_TYPE_DATE_TIME, readable);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A renewal failed; the token still works until its expiry. */
  signals[SIGNAL_REFRESH_FAILED]
      = g_signal_new ("refresh-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
quartet_quickblox_account_init (QuartetQuickbloxAccount *self)
{
  self->cancellable = g_cancellable_new ();
  self->session
      = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_S, "user-agent", "Quartet", NULL);
}

/* @api: the REST endpoint, HOST or HOST:PORT (api.quickblox.com, or the
 * one of a dedicated QuickBlox server); the rest are the application's
 * credentials from the QuickBlox dashboard. */
QuartetQuickbloxAccount *
quartet_quickblox_account_new (const char *api,
                               const char *application_id,
                               const char *auth_key,
                               const char *auth_secret)
{
  g_return_val_if_fail (api != NULL, NULL);
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (QUARTET_TYPE_QUICKBLOX_ACCOUNT, "api", api, "application-id", application_id,
                       "auth-key", auth_key, "auth-secret", auth_secret, NULL);
}

/* Trusts the certificate authorities in @cafile (PEM) for the API instead
 * of the system's: for a private or test server. NULL: the system's again. */
gboolean
quartet_quickblox_account_set_cafile (QuartetQuickbloxAccount *self,
                                      const char *cafile,
                                      GError **error)
{
  g_autoptr (GTlsDatabase) database = NULL;

  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (self), FALSE);

  if (cafile != NULL)
    {
      database = g_tls_file_database_new (cafile, error);
      if (database == NULL)
        return FALSE;
    }
  soup_session_set_tls_database (self->session, database);
  return TRUE;
}

const char *
quartet_quickblox_account_get_api (QuartetQuickbloxAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (self), NULL);

  return self->api;
}

const char *
quartet_quickblox_account_get_application_id (QuartetQuickbloxAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (self), NULL);

  return self->application_id;
}

/* The session token, also the chat password; NULL when signed out. */
const char *
quartet_quickblox_account_get_token (QuartetQuickbloxAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (self), NULL);

  return self->token;
}

/* The signed-in user's QuickBlox id, 0 before the first sign-in. */
guint64
quartet_quickblox_account_get_user_id (QuartetQuickbloxAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (self), 0);

  return self->user_id;
}

/* (transfer none) (nullable): when the token ends, unless renewed first. */
GDateTime *
quartet_quickblox_account_get_token_expiry (QuartetQuickbloxAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (self), NULL);

  return self->expiry;
}

/* `{userId}-{appId}@{chat_domain}`: the XMPP account of the signed-in user. */
char *
quartet_quickblox_account_get_chat_jid (QuartetQuickbloxAccount *self, const char *chat_domain)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (self), NULL);
  g_return_val_if_fail (chat_domain != NULL, NULL);
  g_return_val_if_fail (self->user_id != 0, NULL);

  return g_strdup_printf ("%" G_GUINT64_FORMAT "-%s@%s", self->user_id, self->application_id,
                          chat_domain);
}

static void
on_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetQuickbloxAccount *self = QUARTET_QUICKBLOX_ACCOUNT (source);
  g_autoptr (GError) error = NULL;

  if (!create_session_finish (self, result, &error))
    {
      /* Nothing of a failed sign-in stays behind. */
      clear_secret (&self->login);
      clear_secret (&self->password);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Creates a session for @login and @password; the account keeps them to
 * renew the session until quartet_quickblox_account_sign_out(). */
void
quartet_quickblox_account_sign_in_async (QuartetQuickbloxAccount *self,
                                         const char *login,
                                         const char *password,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (self));
  g_return_if_fail (login != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quartet_quickblox_account_sign_in_async);

  if (!check_settings (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (*login == '\0' || *password == '\0')
    {
      g_task_return_new_error (task, QUARTET_QUICKBLOX_ERROR,
                               QUARTET_QUICKBLOX_ERROR_AUTHENTICATION,
                               "A QuickBlox user signs in with a login and a password");
      return;
    }

  quartet_quickblox_account_sign_out (self);
  self->login = g_strdup (login);
  self->password = g_strdup (password);
  quartet_log_hide_secret (password);
  /* Without the caller's cancellable, a sign-out cancels the sign-in. */
  create_session_async (self, cancellable ? cancellable : self->cancellable, on_signed_in_cb,
                        g_steal_pointer (&task));
}

gboolean
quartet_quickblox_account_sign_in_finish (QuartetQuickbloxAccount *self,
                                          GAsyncResult *result,
                                          GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Forgets the session and the credentials; requests under way fail. The
 * session is left to expire on the server, as the SDKs do on logout
 * without a network. */
void
quartet_quickblox_account_sign_out (QuartetQuickbloxAccount *self)
{
  g_return_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  clear_secret (&self->login);
  clear_secret (&self->password);
  if (self->token != NULL)
    {
      clear_secret (&self->token);
      g_clear_pointer (&self->expiry, g_date_time_unref);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_EXPIRY]);
    }
}

SoupSession *
_quartet_quickblox_account_get_session (QuartetQuickbloxAccount *self)
{
  return self->session;
}

/* A new session for the kept credentials, for a request whose token
 * expired; fails with NOT_SIGNED_IN after a sign-out. */
void
_quartet_quickblox_account_renew_async (QuartetQuickbloxAccount *self,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  if (self->login == NULL)
    {
      g_task_report_new_error (self, callback, user_data, _quartet_quickblox_account_renew_async,
                               QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_NOT_SIGNED_IN,
                               "Not signed in to QuickBlox");
      return;
    }
  create_session_async (self, self->cancellable, callback, user_data);
}

gboolean
_quartet_quickblox_account_renew_finish (QuartetQuickbloxAccount *self,
                                         GAsyncResult *result,
                                         GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
