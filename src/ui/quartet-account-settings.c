/* quartet-account-settings.c: the preferences a signed-in account follows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * STUN/TURN servers and relay-only mode go to the call client as they
 * change (the TURN password from the keyring), and a new camera to the
 * media, so that Preferences take effect without signing in again.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-account-private.h"

#include <string.h>

#include "quartet-secret.h"

static void
set_ice_servers (QuartetAccount *self, const char *turn_password)
{
  g_auto (GStrv) stun = g_settings_get_strv (self->settings, "stun-servers");
  g_autofree char *turn = g_settings_get_string (self->settings, "turn-server");
  g_autofree char *turn_user = g_settings_get_string (self->settings, "turn-user");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) servers = NULL;

  for (char **url = stun; *url != NULL; url++)
    if (**url != '\0')
      g_strv_builder_add (builder, *url);

  if (*turn != '\0')
    {
      const char *host = strstr (turn, "://");
      g_autofree char *user = g_uri_escape_string (turn_user, NULL, FALSE);
      g_autofree char *password = g_uri_escape_string (turn_password ? turn_password : "", NULL,
                                                       FALSE);
      g_autofree char *url = g_strdup_printf ("turn://%s:%s@%s", user, password,
                                              host ? host + 3 : turn);

      g_strv_builder_add (builder, url);
    }

  servers = g_strv_builder_end (builder);
  g_object_set (self->client, "ice-servers", servers, "relay-only",
                g_settings_get_boolean (self->settings, "relay-only"), NULL);
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
  if (self->media == NULL || self->video_override != NULL || !quartet_media_has_video (self->media))
    return;

  if (g_str_equal (video, "none"))
    quartet_media_set_video_muted (self->media, TRUE);
  else if (!quartet_media_set_video_source (self->media, video, &error))
    g_message ("Could not switch the camera: %s", error->message);
}

void
_quartet_account_apply_network_settings (QuartetAccount *self)
{
  on_network_settings_changed_cb (self->settings, NULL, self);
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
}
