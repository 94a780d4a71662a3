/* quartet-account-settings.c: the preferences a signed-in account follows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * STUN/TURN servers and relay-only mode go to the call client as they
 * change (the TURN password from the keyring), and a new camera to the
 * media, so that Preferences take effect without signing in again; so do
 * the video quality cap and how long calls ring.
 *
 * Calls use the servers of Preferences and those the XMPP server names
 * (XEP-0215, with time-limited TURN credentials where it hands them out);
 * a QuickBlox account with none of either uses what QuickBlox apps use by
 * default, so that two users behind NATs see each other out of the box.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-account-private.h"

#include <glib/gi18n.h>

#include "quartet-secret.h"

/* What QuickBlox SDK apps use when they are given none (the JS SDK 2.23's
 * qbConfig.js, webrtc.iceServers): QuickBlox's public relay. */
static const char *const quickblox_ice_servers[] = {
  "stun://turn.quickblox.com:3478",
  "turn://quickblox:baccb97ba2d92d71e26eb9886da5f1e0@turn.quickblox.com:3478",
  NULL,
};

/* "turn://relay.example.org:3478 (from the server)": never the credentials. */
static void
add_server (GStrvBuilder *servers, GString *summary, const char *url, const char *source)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_strv_builder_add (servers, url);
  if (summary->len > 0)
    g_string_append_c (summary, '\n');
  if (uri != NULL)
    g_string_append_printf (summary, "%s://%s:%d", g_uri_get_scheme (uri), g_uri_get_host (uri),
                            g_uri_get_port (uri));
  else
    g_string_append (summary, _ ("an unreadable address"));
  g_string_append_printf (summary, " (%s)", source);
}

static void
set_ice_servers (QuartetAccount *self, const char *turn_password)
{
  g_auto (GStrv) stun = g_settings_get_strv (self->settings, "stun-servers");
  g_autofree char *turn = g_settings_get_string (self->settings, "turn-server");
  g_autofree char *turn_user = g_settings_get_string (self->settings, "turn-user");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GString) summary = g_string_new (NULL);
  g_auto (GStrv) servers = NULL;

  for (char **url = stun; *url != NULL; url++)
    if (**url != '\0')
      add_server (builder, summary, *url, _ ("Preferences"));

  if (*turn != '\0')
    {
      const char *host = strstr (turn, "://");
      g_autofree char *user = g_uri_escape_string (turn_user, NULL, FALSE);
      g_autofree char *password = g_uri_escape_string (turn_password ? turn_password : "", NULL,
                                                       FALSE);
      g_autofree char *url = g_strdup_printf ("turn://%s:%s@%s", user, password,
                                              host ? host + 3 : turn);

      add_server (builder, summary, url, _ ("Preferences"));
    }

  for (char **url = self->discovered_ice_servers; url != NULL && *url != NULL; url++)
    add_server (builder, summary, *url, _ ("from the server"));

  if (summary->len == 0 && self->quickblox != NULL)
    for (const char *const *url = quickblox_ice_servers; *url != NULL; url++)
      add_server (builder, summary, *url, _ ("QuickBlox default"));

  servers = g_strv_builder_end (builder);
  g_object_set (self->client, "ice-servers", servers, "relay-only",
                g_settings_get_boolean (self->settings, "relay-only"), NULL);
  _quartet_account_set_ice_servers_summary (self, summary->len > 0 ? summary->str : NULL);
}

static void
on_turn_password_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetAccount) self = user_data;
  char *password = quartet_secret_lookup_password_finish (result, NULL);

  if (password != NULL && self->client != NULL)
    set_ice_servers (self, password);
  quartet_secret_free_password (password);
}

static void
on_network_settings_changed_cb (GSettings *settings, const char *key, QuartetAccount *self)
{
  g_autofree char *turn = NULL;

  if (self->client == NULL)
    return;

  set_ice_servers (self, NULL);
  /* The TURN password lives in the keyring, under the TURN server's URL. */
  turn = g_settings_get_string (settings, "turn-server");
  if (*turn != '\0')
    quartet_secret_lookup_password_async (turn, NULL, on_turn_password_cb, g_object_ref (self));
}

static void
on_camera_changed_cb (GSettings *settings, const char *key, QuartetAccount *self)
{
  g_autofree char *video = g_settings_get_string (settings, "camera");
  g_autoptr (GError) error = NULL;

  /* The engine can switch between video sources mid-call, not start
   * sending video where it sent none: that waits for the next sign-in. */
  if (self->media == NULL || self->video_override != NULL || self->using_device
      || !quartet_media_has_video (self->media))
    return;

  if (g_str_equal (video, "none"))
    quartet_media_set_video_muted (self->media, TRUE);
  else if (!quartet_media_set_video_source (self->media, video, &error))
    g_message ("Could not switch the camera: %s", error->message);
}

/* Applied at once: the media steps its ladders down (or lets them climb
 * again); the client rings calls for the new time, and the echo canceller
 * follows, from the next call. */
static void
on_call_settings_changed_cb (GSettings *settings, const char *key, QuartetAccount *self)
{
  static const guint heights[] = { 0, 720, 480, 360 }; /* by "video-quality" value */
  guint quality = (guint)g_settings_get_enum (settings, "video-quality");

  if (self->media != NULL)
    {
      quartet_media_set_max_video_height (self->media,
                                          quality < G_N_ELEMENTS (heights) ? heights[quality] : 0);
      quartet_media_set_echo_cancellation (self->media,
                                           g_settings_get_boolean (settings, "echo-cancellation"));
    }
  if (self->client != NULL)
    g_object_set (self->client, "answer-timeout",
                  g_settings_get_uint (settings, "answer-timeout") * 1000, "ring-when-busy",
                  g_settings_get_boolean (settings, "ring-when-busy"), NULL);
}

void
_quartet_account_apply_call_settings (QuartetAccount *self)
{
  on_call_settings_changed_cb (self->settings, NULL, self);
}

void
_quartet_account_apply_speaker (QuartetAccount *self)
{
  g_autofree char *speaker = g_settings_get_string (self->settings, "speaker");

  quartet_media_set_speaker (self->media, quartet_device_list_value_to_name (speaker), NULL);
}

char *
quartet_account_dup_device (QuartetAccount *self, QuartetDeviceKind kind)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);

  switch (kind)
    {
    case QUARTET_DEVICE_KIND_CAMERA:
      return self->video_override ? g_strdup (self->video_override)
                                  : g_settings_get_string (self->settings, "camera");
    case QUARTET_DEVICE_KIND_MICROPHONE:
      return self->audio_override ? g_strdup (self->audio_override)
                                  : g_settings_get_string (self->settings, "microphone");
    case QUARTET_DEVICE_KIND_SPEAKER:
    default:
      return g_settings_get_string (self->settings, "speaker");
    }
}

static gboolean
apply_device (QuartetAccount *self, QuartetDeviceKind kind, const char *value, GError **error)
{
  if (self->media == NULL)
    return TRUE; /* the next sign-in opens it */

  switch (kind)
    {
    case QUARTET_DEVICE_KIND_CAMERA:
      return quartet_media_set_video_source (self->media, value, error);
    case QUARTET_DEVICE_KIND_MICROPHONE:
      return quartet_media_set_microphone (self->media, quartet_device_list_value_to_name (value),
                                           error);
    case QUARTET_DEVICE_KIND_SPEAKER:
    default:
      return quartet_media_set_speaker (self->media, quartet_device_list_value_to_name (value),
                                        error);
    }
}

gboolean
quartet_account_use_device (QuartetAccount *self,
                            QuartetDeviceKind kind,
                            const char *value,
                            GError **error)
{
  static const char *const keys[] = { "camera", "microphone", "speaker" };

  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!apply_device (self, kind, value, error))
    return FALSE;

  /* The user chose: a --video or --audio given at start-up no longer holds. */
  if (kind == QUARTET_DEVICE_KIND_CAMERA)
    g_clear_pointer (&self->video_override, g_free);
  else if (kind == QUARTET_DEVICE_KIND_MICROPHONE)
    g_clear_pointer (&self->audio_override, g_free);

  self->using_device = TRUE;
  g_settings_set_string (self->settings, keys[kind], value);
  self->using_device = FALSE;
  return TRUE;
}

void
_quartet_account_apply_network_settings (QuartetAccount *self)
{
  on_network_settings_changed_cb (self->settings, NULL, self);
}

static void
on_ice_servers_discovered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetAccount) self = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) servers = quartet_xmpp_connection_discover_ice_servers_finish (
      QUARTET_XMPP_CONNECTION (source), result, &error);

  /* Unless a sign-out or another sign-in came first. */
  if (QUARTET_XMPP_CONNECTION (source) != self->connection || self->client == NULL)
    return;

  if (servers == NULL)
    {
      g_info ("The server names no STUN or TURN service: %s", error->message);
      return;
    }

  g_strfreev (self->discovered_ice_servers);
  self->discovered_ice_servers = g_steal_pointer (&servers);
  _quartet_account_apply_network_settings (self);
}

void
_quartet_account_discover_ice_servers (QuartetAccount *self)
{
  quartet_xmpp_connection_discover_ice_servers_async (
      self->connection, on_ice_servers_discovered_cb, g_object_ref (self));
}

void
_quartet_account_watch_settings (QuartetAccount *self)
{
  GSettings *settings = self->settings;

  g_signal_connect (settings, "changed::stun-servers",
                    G_CALLBACK (on_network_settings_changed_cb), self);
  g_signal_connect (settings, "changed::turn-server", G_CALLBACK (on_network_settings_changed_cb),
                    self);
  g_signal_connect (settings, "changed::turn-user", G_CALLBACK (on_network_settings_changed_cb),
                    self);
  g_signal_connect (settings, "changed::relay-only", G_CALLBACK (on_network_settings_changed_cb),
                    self);
  g_signal_connect (settings, "changed::camera", G_CALLBACK (on_camera_changed_cb), self);
  g_signal_connect (settings, "changed::video-quality", G_CALLBACK (on_call_settings_changed_cb),
                    self);
  g_signal_connect (settings, "changed::answer-timeout", G_CALLBACK (on_call_settings_changed_cb),
                    self);
  g_signal_connect (settings, "changed::echo-cancellation",
                    G_CALLBACK (on_call_settings_changed_cb), self);
  g_signal_connect (settings, "changed::ring-when-busy", G_CALLBACK (on_call_settings_changed_cb),
                    self);
}
