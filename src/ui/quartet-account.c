/* quartet-account.c: the signed-in account, its call client and its calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the window needs from the engine goes through here: sign-in
 * (XMPP, or QuickBlox through QuartetQuickbloxSession) with the settings'
 * TLS and certificate choices, and one QuartetCallClient and QuartetMedia
 * per signed-in connection. The calls themselves are in
 * quartet-account-calls.c, the preferences it follows in
 * quartet-account-settings.c.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-account-private.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (QuartetAccount, quartet_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SIGNED_IN,
  PROP_CALL,
  PROP_ICE_SERVERS_SUMMARY,
  PROP_CAMERA_REFUSED,
  N_PROPS
};

enum
{
  INCOMING_CALL,
  RINGING_STOPPED,
  MISSED_CALL,
  CONNECTION_LOST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];

static void set_camera_refused (QuartetAccount *self, gboolean refused);
static guint signals[N_SIGNALS];

gboolean
quartet_account_parse_server (const char *server, char **host, guint16 *port, GError **error)
{
  const char *colon = server ? strrchr (server, ':') : NULL;
  const char *bracket = server ? strchr (server, ']') : NULL;
  guint64 value = 0;

  *host = NULL;
  *port = 0;
  if (server == NULL || *server == '\0')
    return TRUE;

  /* "host", "host:port", "[::1]:port". */
  if (colon == NULL || (bracket != NULL && colon < bracket))
    *host = g_strdup (server);
  else if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The server’s port must be a number from 1 to 65535."));
      return FALSE;
    }
  else
    {
      *host = g_strndup (server, colon - server);
      *port = value;
    }

  if (**host == '[' && strlen (*host) > 2)
    {
      char *unbracketed = g_strndup (*host + 1, strlen (*host) - 2);

      g_free (*host);
      *host = unbracketed;
    }

  return TRUE;
}

/* "HOST[:PORT]", or a comma-separated list of them (the nodes of a cluster,
 * tried in turn); nothing: the domain's SRV records. */
static gboolean
add_servers (QuartetXmppConnection *connection, const char *servers, GError **error)
{
  g_auto (GStrv) list = g_strsplit (servers ? servers : "", ",", -1);

  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *host = NULL;
      guint16 port = 0;

      if (!quartet_account_parse_server (g_strstrip (list[i]), &host, &port, error))
        return FALSE;
      if (host != NULL)
        quartet_xmpp_connection_add_server (connection, host, port);
    }

  return TRUE;
}

typedef struct
{
  QuartetAccount *self;
  QuartetXmppConnection *connection;
  GError *error;
} ConnectionLost;

static void
connection_lost_free (ConnectionLost *lost)
{
  g_clear_object (&lost->self);
  g_clear_object (&lost->connection);
  g_clear_error (&lost->error);
  g_free (lost);
}

static gboolean
on_connection_lost_idle_cb (gpointer user_data)
{
  ConnectionLost *lost = user_data;

  /* Unless a sign-out or a new sign-in came first. */
  if (lost->self->connection == lost->connection)
    {
      quartet_account_sign_out (lost->self);
      g_signal_emit (lost->self, signals[CONNECTION_LOST], 0, lost->error);
    }
  return G_SOURCE_REMOVE;
}

static void
on_disconnected_cb (QuartetXmppConnection *connection, const GError *error, QuartetAccount *self)
{
  ConnectionLost *lost;

  /* A fatal error (password changed, token refused, certificate replaced)
   * ends the connection for good; the rest reconnect by themselves. The
   * sign-out waits for the main loop: this runs inside libstrophe's
   * handler, and dropping the last reference to the connection here freed
   * its parser under it (a crash seen when chat refused a QuickBlox token). */
  if (quartet_xmpp_connection_get_state (connection) != QUARTET_XMPP_STATE_DISCONNECTED)
    return;

  lost = g_new0 (ConnectionLost, 1);
  lost->self = g_object_ref (self);
  lost->connection = g_object_ref (connection);
  lost->error = error ? g_error_copy (error)
                      : g_error_new_literal (QUARTET_XMPP_ERROR,
                                             QUARTET_XMPP_ERROR_CONNECTION_LOST,
                                             "The connection was lost");
  g_idle_add_full (G_PRIORITY_DEFAULT, on_connection_lost_idle_cb, lost,
                   (GDestroyNotify)connection_lost_free);
}

static void
start_client (QuartetAccount *self)
{
  g_autofree char *video = g_settings_get_string (self->settings, "camera");
  g_autofree char *audio = g_settings_get_string (self->settings, "microphone");
  g_autoptr (GError) error = NULL;

  self->media = quartet_media_new (self->video_override ? self->video_override : video,
                                   self->audio_override ? self->audio_override : audio);
  _quartet_account_apply_speaker (self);
  self->client = quartet_call_client_new (self->connection, self->media);
  _quartet_account_apply_network_settings (self);
  _quartet_account_apply_call_settings (self);
  _quartet_account_discover_ice_servers (self);

  _quartet_account_watch_calls (self);
  g_signal_connect (self->connection, "disconnected", G_CALLBACK (on_disconnected_cb), self);

  /* init() only fails before sign-in, which is done. */
  if (!quartet_call_client_init (self->client, &error))
    g_warning ("Could not start the call service: %s", error->message);
}

static void
on_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetAccount *self = g_task_get_source_object (task);
  QuartetXmppConnection *connection = QUARTET_XMPP_CONNECTION (source);
  g_autoptr (GError) error = NULL;

  if (!quartet_xmpp_connection_connect_finish (connection, result, &error))
    {
      if (g_error_matches (error, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_CERTIFICATE))
        g_task_set_task_data (task,
                              g_strdup (quartet_xmpp_connection_get_peer_fingerprint (connection)),
                              g_free);
      /* The connection is kept (we are inside its callback) until the
       * next sign-in replaces it. */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  start_client (self);
  _quartet_account_load_history (self);
  self->signed_in = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_task_return_boolean (task, TRUE);
}

void
quartet_account_sign_in_async (QuartetAccount *self,
                               const QuartetSignInDetails *details,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;

  g_return_if_fail (QUARTET_IS_ACCOUNT (self));

  g_task_set_source_tag (task, quartet_account_sign_in_async);
  quartet_account_sign_out (self);

  self->connection = quartet_xmpp_connection_new (details->jid, details->password);
  if (!add_servers (self->connection, details->server, &error))
    {
      g_clear_object (&self->connection);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  quartet_xmpp_connection_set_tls_mode (self->connection, details->require_tls
                                                            ? QUARTET_XMPP_TLS_REQUIRED
                                                            : QUARTET_XMPP_TLS_OFF);
  if (details->cafile != NULL && *details->cafile != '\0')
    quartet_xmpp_connection_set_cafile (self->connection, details->cafile);
  if (details->trusted_fingerprint != NULL && *details->trusted_fingerprint != '\0')
    quartet_xmpp_connection_set_trusted_fingerprint (self->connection,
                                                     details->trusted_fingerprint);

  quartet_xmpp_connection_connect_async (self->connection, cancellable, on_connected_cb,
                                         g_steal_pointer (&task));
}

static void
on_quickblox_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetAccount *self = g_task_get_source_object (task);
  QuartetQuickbloxSession *quickblox = QUARTET_QUICKBLOX_SESSION (source);
  GCancellable *cancellable;
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetXmppConnection) connection
    = quartet_quickblox_session_sign_in_finish (quickblox, result, &error);

  if (connection == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Signed out (or in again) while the REST sign-in was under way. */
  if (quickblox != self->quickblox || self->connection != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Signed out meanwhile");
      return;
    }

  self->connection = g_steal_pointer (&connection);
  cancellable = g_task_get_cancellable (task);
  quartet_xmpp_connection_connect_async (self->connection, cancellable, on_connected_cb,
                                         g_steal_pointer (&task));
}

/* REST sign-in first (a session token), then chat with the token as the
 * password; quartet_account_sign_in_finish() ends both. */
void
quartet_account_sign_in_quickblox_async (QuartetAccount *self,
                                         const QuartetQuickbloxSignInDetails *details,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;

  g_return_if_fail (QUARTET_IS_ACCOUNT (self));

  g_task_set_source_tag (task, quartet_account_sign_in_quickblox_async);
  quartet_account_sign_out (self);

  self->quickblox = quartet_quickblox_session_new (details, &error);
  if (self->quickblox == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  quartet_quickblox_session_sign_in_async (self->quickblox, details->password, cancellable,
                                           on_quickblox_signed_in_cb, g_steal_pointer (&task));
}

gboolean
quartet_account_sign_in_finish (QuartetAccount *self,
                                GAsyncResult *result,
                                char **fingerprint,
                                GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (fingerprint != NULL)
    *fingerprint = g_strdup (g_task_get_task_data (G_TASK (result)));
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_signed_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  quartet_xmpp_connection_disconnect_finish (QUARTET_XMPP_CONNECTION (source), result, NULL);
}

/* Hangs up (sending hangUp) and signs out; the objects go at once, the
 * connection finishes closing in the background. */
void
quartet_account_sign_out (QuartetAccount *self)
{
  g_autoptr (QuartetXmppConnection) connection = g_steal_pointer (&self->connection);
  gboolean was_signed_in = self->signed_in;

  g_return_if_fail (QUARTET_IS_ACCOUNT (self));

  _quartet_account_stop_ringing (self, FALSE);
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      quartet_call_client_release (self->client);
    }
  _quartet_account_set_call (self, NULL);
  g_clear_object (&self->client);
  g_clear_object (&self->media);
  set_camera_refused (self, FALSE);
  g_clear_pointer (&self->discovered_ice_servers, g_strfreev);
  self->signed_in = FALSE;
  quartet_call_history_load (self->history, NULL);

  if (connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (connection, self);
      if (quartet_xmpp_connection_get_state (connection) != QUARTET_XMPP_STATE_DISCONNECTED)
        quartet_xmpp_connection_disconnect_async (connection, NULL, on_signed_out_cb, NULL);
    }

  if (self->quickblox != NULL)
    quartet_quickblox_session_sign_out (self->quickblox);
  g_clear_object (&self->quickblox);

  if (was_signed_in)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

void
_quartet_account_set_ice_servers_summary (QuartetAccount *self, const char *summary)
{
  if (g_strcmp0 (self->ice_servers_summary, summary) == 0)
    return;

  g_free (self->ice_servers_summary);
  self->ice_servers_summary = g_strdup (summary);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICE_SERVERS_SUMMARY]);
}

gboolean
quartet_account_get_signed_in (QuartetAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), FALSE);
  return self->signed_in;
}

const char *
quartet_account_get_jid (QuartetAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);
  return self->connection ? quartet_xmpp_connection_get_jid (self->connection) : NULL;
}

GListModel *
quartet_account_get_roster (QuartetAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);
  return self->connection ? quartet_xmpp_connection_get_roster (self->connection) : NULL;
}

GListModel *
quartet_account_get_directory (QuartetAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);
  return self->quickblox ? G_LIST_MODEL (quartet_quickblox_session_get_directory (self->quickblox))
                         : NULL;
}

QuartetXmppConnection *
quartet_account_get_connection (QuartetAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);
  return self->connection;
}

void
quartet_account_set_media_sources (QuartetAccount *self, const char *video, const char *audio)
{
  g_return_if_fail (QUARTET_IS_ACCOUNT (self));

  g_free (self->video_override);
  self->video_override = g_strdup (video);
  g_free (self->audio_override);
  self->audio_override = g_strdup (audio);
}

static void
set_camera_refused (QuartetAccount *self, gboolean refused)
{
  if (self->camera_refused == refused)
    return;
  self->camera_refused = refused;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_REFUSED]);
}

void
quartet_account_grant_camera (QuartetAccount *self, XdpPortal *portal)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (QUARTET_IS_ACCOUNT (self));

  if (self->media == NULL)
    return;
  if (!quartet_media_set_camera_portal (self->media, portal, &error))
    g_message ("The camera portal's camera could not be opened: %s", error->message);
  set_camera_refused (self, FALSE);
}

/* Calls go on without it: black frames with the camera off (the video
 * stays negotiated, as with "Answer Audio Only"), and our tile says why. */
void
quartet_account_refuse_camera (QuartetAccount *self)
{
  g_return_if_fail (QUARTET_IS_ACCOUNT (self));

  if (self->media != NULL && quartet_media_has_video (self->media))
    {
      quartet_media_set_video_source (self->media, "pattern:black", NULL);
      quartet_media_set_video_muted (self->media, TRUE);
    }
  set_camera_refused (self, TRUE);
}

QuartetDeviceList *
quartet_account_watch_devices (QuartetAccount *self)
{
  gboolean from_portal = FALSE;
  GList *cameras = NULL;
  QuartetDeviceList *devices;

  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);

  if (self->media != NULL)
    cameras = quartet_media_list_portal_cameras (self->media, &from_portal);
  devices
      = from_portal ? quartet_device_list_new_with_cameras (cameras) : quartet_device_list_new ();
  g_list_free_full (cameras, gst_object_unref);
  return devices;
}

gboolean
quartet_account_wants_camera (QuartetAccount *self)
{
  g_autofree char *video = NULL;

  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), FALSE);

  video = self->video_override ? g_strdup (self->video_override)
                               : g_settings_get_string (self->settings, "camera");
  return g_str_has_prefix (video, "camera");
}

gboolean
quartet_account_get_camera_refused (QuartetAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), FALSE);
  return self->camera_refused;
}

static void
quartet_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetAccount *self = QUARTET_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->signed_in);
      break;
    case PROP_CALL:
      g_value_set_object (value, self->call);
      break;
    case PROP_ICE_SERVERS_SUMMARY:
      g_value_set_string (value, self->ice_servers_summary);
      break;
    case PROP_CAMERA_REFUSED:
      g_value_set_boolean (value, self->camera_refused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_account_dispose (GObject *object)
{
  QuartetAccount *self = QUARTET_ACCOUNT (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  quartet_account_sign_out (self);
  g_clear_object (&self->settings);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (quartet_account_parent_class)->dispose (object);
}

static void
quartet_account_finalize (GObject *object)
{
  QuartetAccount *self = QUARTET_ACCOUNT (object);

  g_clear_pointer (&self->busy_session_ids, g_hash_table_unref);
  g_clear_pointer (&self->video_override, g_free);
  g_clear_pointer (&self->audio_override, g_free);
  g_clear_pointer (&self->ice_servers_summary, g_free);

  G_OBJECT_CLASS (quartet_account_parent_class)->finalize (object);
}

static void
quartet_account_class_init (QuartetAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->get_property = quartet_account_get_property;
  object_class->dispose = quartet_account_dispose;
  object_class->finalize = quartet_account_finalize;

  properties[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                       | G_PARAM_STATIC_STRINGS);
  properties[PROP_CALL] = g_param_spec_object ("call", NULL, NULL, QUARTET_TYPE_CALL,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                 | G_PARAM_STATIC_STRINGS);
  /* The STUN/TURN servers calls use, one per line with where each came
   * from (Preferences, the XMPP server, QuickBlox's defaults); no secrets. */
  properties[PROP_ICE_SERVERS_SUMMARY]
      = g_param_spec_string ("ice-servers-summary", NULL, NULL, NULL,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The Camera portal said no: calls go without the camera. */
  properties[PROP_CAMERA_REFUSED]
      = g_param_spec_boolean ("camera-refused", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (session_id, caller_name, QuartetCallType) */
  signals[INCOMING_CALL] = g_signal_new ("incoming-call", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING,
                                         G_TYPE_INT);
  /* (session_id, missed, caller_name): answered, declined, or it stopped ringing by itself. */
  signals[RINGING_STOPPED] = g_signal_new ("ringing-stopped", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING,
                                           G_TYPE_BOOLEAN, G_TYPE_STRING);
  /* (caller_name): someone called while we were busy. */
  signals[MISSED_CALL] = g_signal_new ("missed-call", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (error): the server ended the session for good. */
  signals[CONNECTION_LOST] = g_signal_new ("connection-lost", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
quartet_account_init (QuartetAccount *self)
{
  self->busy_session_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->history = quartet_call_history_new ();
}

QuartetAccount *
quartet_account_new (GSettings *settings)
{
  QuartetAccount *self = g_object_new (QUARTET_TYPE_ACCOUNT, NULL);

  self->settings = g_object_ref (settings);
  _quartet_account_watch_settings (self);
  return self;
}
