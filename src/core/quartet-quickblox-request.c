/* quartet-quickblox-request.c: one QuickBlox REST request, its answer as JSON,
 * its failure as an error a user can act on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * QuickBlox answers errors as `{"errors": ...}`: a list of messages
 * (`["Unauthorized"]`) or messages per field (`{"base": ["Unexpected
 * signature"]}`). The server's words go into the error message, since they
 * say what is wrong better than a status code; what the user should check
 * depends on what the request was for (QuartetQuickbloxRequestKind).
 */
#define G_LOG_DOMAIN "quartet-quickblox"

#include "quartet-quickblox-private.h"

/* The server's words are shown to the user: a bounded piece of them. */
#define MAX_ERROR_TEXT 200

typedef struct
{
  SoupMessage *message;
  QuartetQuickbloxRequestKind kind;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->message);
  g_free (request);
}

static void
append_error_strings (GString *text, const char *field, JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        append_error_strings (text, field, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (text->len > 0)
        g_string_append (text, "; ");
      /* "base" holds messages about the request as a whole. */
      if (field != NULL && g_strcmp0 (field, "base") != 0)
        g_string_append_printf (text, "%s ", field);
      g_string_append (text, json_node_get_string (node));
    }
}

/* "Unauthorized", "Unexpected signature", "login can't be blank; ...":
 * the messages of an `errors` member, or NULL if it holds none. */
char *
_quartet_quickblox_error_text (JsonNode *errors)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (errors == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (errors))
    {
      JsonObject *fields = json_node_get_object (errors);
      /* In the server's order, which iterators do not keep. */
      g_autoptr (GList) names = json_object_get_members (fields);

      for (GList *l = names; l != NULL; l = l->next)
        append_error_strings (text, l->data, json_object_get_member (fields, l->data));
    }
  else
    append_error_strings (text, NULL, errors);

  if (text->len == 0)
    return NULL;
  if (text->len > MAX_ERROR_TEXT)
    {
      g_string_truncate (text, MAX_ERROR_TEXT);
      g_string_append (text, "…");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* json-glib's getters are critical about members of another type; the
 * server's answer is not ours to trust. NULL unless @name is an object. */
JsonObject *
_quartet_quickblox_object_member (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
_quartet_quickblox_array_member (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonNode *
parse_body (GBytes *body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);

  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  return json_parser_steal_root (parser);
}

static GError *
error_for_status (Request *request, JsonNode *root)
{
  guint status = soup_message_get_status (request->message);
  JsonNode *errors = NULL;
  g_autofree char *server_text = NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    errors = json_object_get_member (json_node_get_object (root), "errors");
  server_text = _quartet_quickblox_error_text (errors);
  if (server_text == NULL)
    server_text = g_strdup (soup_message_get_reason_phrase (request->message));

  if (request->kind == QUARTET_QUICKBLOX_REQUEST_SESSION && status == SOUP_STATUS_UNAUTHORIZED)
    return g_error_new (QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_AUTHENTICATION,
                        "Wrong QuickBlox login or password (the server said “%s”)", server_text);

  if (request->kind == QUARTET_QUICKBLOX_REQUEST_SESSION
      && status == SOUP_STATUS_UNPROCESSABLE_ENTITY)
    return g_error_new (QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_APPLICATION,
                        "QuickBlox refused the sign-in (the server said “%s”): check the "
                        "application id, auth key and auth secret",
                        server_text);

  if (request->kind == QUARTET_QUICKBLOX_REQUEST_TOKEN && status == SOUP_STATUS_UNAUTHORIZED)
    {
      /* QuickBlox says "Token has expired"; anything else is a token it
       * does not know at all (a session it ended). */
      if (g_strrstr (server_text, "xpired") != NULL)
        return g_error_new (QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_TOKEN_EXPIRED,
                            "The QuickBlox session has expired (the server said “%s”): "
                            "sign in again",
                            server_text);
      return g_error_new (QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_NOT_SIGNED_IN,
                          "QuickBlox no longer accepts this session (the server said “%s”): "
                          "sign in again",
                          server_text);
    }

  return g_error_new (QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_SERVER,
                      "The QuickBlox API answered %u (%s)", status, server_text);
}

static GError *
error_for_transport (Request *request, GError *error)
{
  GUri *uri = soup_message_get_uri (request->message);
  const char *host = g_uri_get_host (uri);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == G_TLS_ERROR)
    {
      if (error->code == G_TLS_ERROR_BAD_CERTIFICATE)
        return g_error_new (QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_TLS,
                            "The certificate of the QuickBlox API at %s is not trusted (%s)", host,
                            error->message);
      return g_error_new (QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_TLS,
                          "Could not talk securely with the QuickBlox API at %s (%s)", host,
                          error->message);
    }

  return g_error_new (QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_UNREACHABLE,
                      "Could not reach the QuickBlox API at %s port %d (%s)", host,
                      g_uri_get_port (uri), error->message);
}

static void
on_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonNode) root = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error_for_transport (request, error));
      return;
    }

  root = parse_body (body);
  status = soup_message_get_status (request->message);
  g_debug ("%s %s: %u", soup_message_get_method (request->message),
           g_uri_get_path (soup_message_get_uri (request->message)), status);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, error_for_status (request, root));
      return;
    }

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_SERVER,
                               "The QuickBlox API sent an answer that is not a JSON object");
      return;
    }

  g_task_return_pointer (task, json_object_ref (json_node_get_object (root)),
                         (GDestroyNotify)json_object_unref);
}

/* Sends @message and reads its whole answer (they are small: a session, a
 * page of users). */
void
_quartet_quickblox_request_async (SoupSession *session,
                                  SoupMessage *message,
                                  QuartetQuickbloxRequestKind kind,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  g_task_set_source_tag (task, _quartet_quickblox_request_async);
  request->message = g_object_ref (message);
  request->kind = kind;
  g_task_set_task_data (task, request, (GDestroyNotify)request_free);

  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "QuickBlox-REST-API-Version", "0.1.1");
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, cancellable, on_sent_cb,
                                    task);
}

/* (transfer full): the answer's JSON object. */
JsonObject *
_quartet_quickblox_request_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char *path;
  char *query;
  gboolean renewed;
} Get;

static void
get_free (Get *get)
{
  g_free (get->path);
  g_free (get->query);
  g_free (get);
}

static void send_get (GTask *task);

static void
on_renewed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!_quartet_quickblox_account_renew_finish (QUARTET_QUICKBLOX_ACCOUNT (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  send_get (g_steal_pointer (&task));
}

static void
on_get_answer_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Get *get = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  JsonObject *answer = _quartet_quickblox_request_finish (result, &error);

  if (answer != NULL)
    {
      g_task_return_pointer (task, answer, (GDestroyNotify)json_object_unref);
      return;
    }

  /* A token can expire between two renewals (a suspended laptop): one new
   * session, one more try; a token that expires at once stays an error. */
  if (!get->renewed
      && g_error_matches (error, QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_TOKEN_EXPIRED))
    {
      QuartetQuickbloxAccount *account = g_task_get_source_object (task);

      get->renewed = TRUE;
      g_debug ("The QuickBlox token expired; creating a new session");
      _quartet_quickblox_account_renew_async (account, on_renewed_cb, g_steal_pointer (&task));
      return;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
send_get (GTask *task)
{
  QuartetQuickbloxAccount *account = g_task_get_source_object (task);
  Get *get = g_task_get_task_data (task);
  const char *token = quartet_quickblox_account_get_token (account);
  g_autofree char *url = NULL;
  g_autoptr (SoupMessage) message = NULL;

  if (token == NULL)
    {
      g_task_return_new_error (task, QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_NOT_SIGNED_IN,
                               "Not signed in to QuickBlox");
      g_object_unref (task);
      return;
    }

  url = _quartet_quickblox_account_url (account, get->path, get->query);
  message = soup_message_new ("GET", url);
  if (message == NULL)
    {
      g_task_return_new_error (
          task, QUARTET_QUICKBLOX_ERROR, QUARTET_QUICKBLOX_ERROR_INVALID_SETTINGS,
          "“%s” is not a QuickBlox API endpoint", quartet_quickblox_account_get_api (account));
      g_object_unref (task);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (message), "QB-Token", token);
  _quartet_quickblox_request_async (_quartet_quickblox_account_get_session (account), message,
                                    QUARTET_QUICKBLOX_REQUEST_TOKEN, g_task_get_cancellable (task),
                                    on_get_answer_cb, task);
}

/* GET @path?@query (form-encoded, nullable) with the session's token. */
void
_quartet_quickblox_account_get_async (QuartetQuickbloxAccount *self,
                                      const char *path,
                                      const char *query,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Get *get = g_new0 (Get, 1);

  g_task_set_source_tag (task, _quartet_quickblox_account_get_async);
  get->path = g_strdup (path);
  get->query = g_strdup (query);
  g_task_set_task_data (task, get, (GDestroyNotify)get_free);
  send_get (task);
}

/* (transfer full): the answer's JSON object. */
JsonObject *
_quartet_quickblox_account_get_finish (QuartetQuickbloxAccount *self,
                                       GAsyncResult *result,
                                       GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
