/* quartet-application.c: the app: settings, account, incoming calls, actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An incoming call shows QuartetIncomingCallDialog and plays the ringtone;
 * when the window is not focused a GNotification with Answer and Decline
 * buttons is sent too. Both answer through the app.answer,
 * app.answer-audio and app.decline actions, whose parameter is the session
 * id (so a stale notification cannot answer a newer call).
 *
 * The command line can fill in the sign-in form, for the demo and the
 * tests: --server, --jid, --cafile, --no-tls, --video, --audio, --sign-in,
 * and --quickblox-cafile for a QuickBlox API with a private certificate
 * (--server is then where QuickBlox chat is reached);
 * the password is taken from $QUARTET_PASSWORD only together with those
 * (meant for tests and the throwaway demo server, never for real accounts:
 * the environment of a process is visible to the same user).
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-application.h"

#include <glib/gi18n.h>

#include "quartet-account.h"
#include "quartet-incoming-call-dialog.h"
#include "quartet-preferences-window.h"
#include "quartet-ringtone.h"
#include "quartet-window.h"

#define INCOMING_NOTIFICATION "incoming-call"
#define MISSED_NOTIFICATION "missed-call"

struct _QuartetApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  QuartetAccount *account;
  QuartetRingtone *ringtone;
  GtkWidget *incoming_dialog; /* weak */

  /* from the command line */
  char *server;
  char *jid;
  char *cafile;
  char *quickblox_cafile;
  char *video;
  char *audio;
  gboolean no_tls;
  gboolean sign_in;
};

G_DEFINE_FINAL_TYPE (QuartetApplication, quartet_application, ADW_TYPE_APPLICATION)

static QuartetWindow *
get_window (QuartetApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return QUARTET_IS_WINDOW (window) ? QUARTET_WINDOW (window) : NULL;
}

static void
toast (QuartetApplication *self, const char *message)
{
  QuartetWindow *window = get_window (self);

  if (window != NULL)
    quartet_window_toast (GTK_WIDGET (window), message);
}

static gboolean
window_has_focus (QuartetApplication *self)
{
  QuartetWindow *window = get_window (self);

  /* A window closed into the background may still call itself active. */
  return window != NULL && gtk_widget_get_visible (GTK_WIDGET (window))
         && gtk_window_is_active (GTK_WINDOW (window));
}

static void
on_incoming_call_cb (QuartetAccount *account,
                     const char *session_id,
                     const char *caller_name,
                     int call_type,
                     QuartetApplication *self)
{
  QuartetWindow *window = get_window (self);
  gboolean video = call_type == QUARTET_CALL_TYPE_VIDEO;

  if (self->incoming_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->incoming_dialog));
  self->incoming_dialog = quartet_incoming_call_dialog_new (GTK_WINDOW (window), session_id,
                                                            caller_name, call_type);
  g_object_add_weak_pointer (G_OBJECT (self->incoming_dialog),
                             (gpointer *)&self->incoming_dialog);
  if (quartet_account_get_call (account) != NULL)
    quartet_incoming_call_dialog_set_in_call (QUARTET_INCOMING_CALL_DIALOG (self->incoming_dialog));
  gtk_window_present (GTK_WINDOW (self->incoming_dialog));
  quartet_ringtone_start (self->ringtone);

  if (!window_has_focus (self))
    {
      g_autoptr (GNotification) notification = NULL;
      g_autofree char *body = g_strdup_printf (video ? _("%s is calling you with video.")
                                                     : _("%s is calling you."),
                                               caller_name);

      notification = g_notification_new (video ? _("Incoming Video Call")
                                                : _("Incoming Audio Call"));
      g_notification_set_body (notification, body);
      g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
      g_notification_set_category (notification, "call.incoming");
      g_notification_set_default_action (notification, "app.activate");
      g_notification_add_button_with_target (notification, _("Answer"), "app.answer", "s",
                                             session_id);
      g_notification_add_button_with_target (notification, _("Decline"), "app.decline", "s",
                                             session_id);
      g_application_send_notification (G_APPLICATION (self), INCOMING_NOTIFICATION, notification);
    }
}

static void
on_ringing_stopped_cb (QuartetAccount *account,
                       const char *session_id,
                       gboolean missed,
                       const char *caller_name,
                       QuartetApplication *self)
{
  quartet_ringtone_stop (self->ringtone);
  g_application_withdraw_notification (G_APPLICATION (self), INCOMING_NOTIFICATION);
  if (self->incoming_dialog != NULL
      && g_strcmp0 (quartet_incoming_call_dialog_get_session_id (
                      QUARTET_INCOMING_CALL_DIALOG (self->incoming_dialog)),
                    session_id)
           == 0)
    gtk_window_destroy (GTK_WINDOW (self->incoming_dialog));

  if (missed)
    {
      g_autofree char *message = g_strdup_printf (_("Missed call from %s"), caller_name);

      toast (self, message);
      if (!window_has_focus (self))
        {
          g_autoptr (GNotification) notification = g_notification_new (_("Missed Call"));

          g_notification_set_body (notification, message);
          g_notification_set_default_action (notification, "app.show-recent");
          g_application_send_notification (G_APPLICATION (self), MISSED_NOTIFICATION,
                                           notification);
        }
    }
}

static void
answer (QuartetApplication *self, GVariant *parameter, gboolean audio_only)
{
  g_autoptr (GError) error = NULL;

  if (quartet_account_answer (self->account, g_variant_get_string (parameter, NULL), audio_only,
                              &error)
      == NULL)
    {
      g_autofree char *message = quartet_account_describe_error (error);

      g_message ("Could not answer: %s", error->message);
      toast (self, message);
    }

  if (get_window (self) != NULL)
    gtk_window_present (GTK_WINDOW (get_window (self)));
}

static void
activate_answer (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  answer (user_data, parameter, FALSE);
}

static void
activate_answer_audio (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  answer (user_data, parameter, TRUE);
}

static void
activate_decline (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  QuartetApplication *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!quartet_account_decline (self->account, g_variant_get_string (parameter, NULL), &error))
    g_message ("Could not decline: %s", error->message);
}

static void
activate_show_recent (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  QuartetApplication *self = user_data;

  g_application_activate (G_APPLICATION (self));
  quartet_window_show_recent (get_window (self));
}

static void
activate_preferences (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  QuartetApplication *self = user_data;
  GtkWidget *window = quartet_preferences_window_new (GTK_WINDOW (get_window (self)),
                                                      self->settings, self->account);

  gtk_window_present (GTK_WINDOW (window));
}

static void
activate_about (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  QuartetApplication *self = user_data;
  const char *developers[] = { _("The Quartet authors"), NULL };

  adw_show_about_window (GTK_WINDOW (get_window (self)), "application-name", _("Quartet"),
                         "application-icon", APPLICATION_ID, "version", PACKAGE_VERSION,
                         "comments", _("Video calls with up to three other people"),
                         "license-type", GTK_LICENSE_GPL_3_0, "developers", developers, NULL);
}

static void
activate_sign_out (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  QuartetApplication *self = user_data;

  /* Signing out on purpose also forgets the remembered sign-in. */
  g_settings_set_boolean (self->settings, "remember", FALSE);
  quartet_account_sign_out (self->account);
}

static void
activate_quit (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  QuartetApplication *self = user_data;

  quartet_account_sign_out (self->account);
  g_application_quit (G_APPLICATION (self));
}

static int
quartet_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  QuartetApplication *self = QUARTET_APPLICATION (application);

  g_variant_dict_lookup (options, "server", "s", &self->server);
  g_variant_dict_lookup (options, "jid", "s", &self->jid);
  g_variant_dict_lookup (options, "cafile", "^ay", &self->cafile);
  g_variant_dict_lookup (options, "quickblox-cafile", "^ay", &self->quickblox_cafile);
  g_variant_dict_lookup (options, "video", "s", &self->video);
  g_variant_dict_lookup (options, "audio", "s", &self->audio);
  g_variant_dict_lookup (options, "no-tls", "b", &self->no_tls);
  g_variant_dict_lookup (options, "sign-in", "b", &self->sign_in);

  return -1; /* go on: activate */
}

static void
quartet_application_startup (GApplication *application)
{
  QuartetApplication *self = QUARTET_APPLICATION (application);
  const GActionEntry entries[] = {
    { "answer", activate_answer, "s" },      { "answer-audio", activate_answer_audio, "s" },
    { "decline", activate_decline, "s" },    { "show-recent", activate_show_recent },
    { "preferences", activate_preferences }, { "about", activate_about },
    { "sign-out", activate_sign_out },       { "quit", activate_quit },
  };
  struct
  {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "win.mute", { "<Control>d", NULL } },
    { "win.camera-off", { "<Control>e", NULL } },
    { "win.hang-up", { "<Control>h", NULL } },
    { "win.fullscreen", { "F11", NULL } },
    { "win.statistics", { "<Control>i", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.share-screen", { "<Control><Shift>s", NULL } },
  };

  G_APPLICATION_CLASS (quartet_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->settings = g_settings_new (APPLICATION_ID);
  self->account = quartet_account_new (self->settings);
  self->ringtone = quartet_ringtone_new (self->settings);
  if (self->video != NULL || self->audio != NULL)
    quartet_account_set_media_sources (self->account, self->video, self->audio);

  g_signal_connect (self->account, "incoming-call", G_CALLBACK (on_incoming_call_cb), self);
  g_signal_connect (self->account, "ringing-stopped", G_CALLBACK (on_ringing_stopped_cb), self);
}

static void
quartet_application_activate (GApplication *application)
{
  QuartetApplication *self = QUARTET_APPLICATION (application);
  QuartetWindow *window = get_window (self);
  const char *password = NULL;
  QuartetSignInPage *page;

  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  if (self->no_tls)
    g_settings_set_boolean (self->settings, "require-tls", FALSE);
  window = quartet_window_new (ADW_APPLICATION (self), self->account, self->settings);
  page = quartet_window_get_sign_in_page (window);

  if (self->jid != NULL)
    password = g_getenv ("QUARTET_PASSWORD");
  quartet_sign_in_page_prefill (page, self->server, self->jid, password, self->cafile);
  /* --server is where chat is for a QuickBlox account too, as in quartet-cli. */
  quartet_sign_in_page_prefill_quickblox (page, self->server, self->quickblox_cafile);
  if (self->sign_in)
    quartet_sign_in_page_sign_in (page);

  gtk_window_present (GTK_WINDOW (window));
}

static void
quartet_application_shutdown (GApplication *application)
{
  QuartetApplication *self = QUARTET_APPLICATION (application);

  if (self->account != NULL)
    quartet_account_sign_out (self->account);
  if (self->ringtone != NULL)
    quartet_ringtone_stop (self->ringtone);

  G_APPLICATION_CLASS (quartet_application_parent_class)->shutdown (application);
}

static void
quartet_application_dispose (GObject *object)
{
  QuartetApplication *self = QUARTET_APPLICATION (object);

  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);
  g_clear_object (&self->ringtone);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (quartet_application_parent_class)->dispose (object);
}

static void
quartet_application_finalize (GObject *object)
{
  QuartetApplication *self = QUARTET_APPLICATION (object);

  g_free (self->server);
  g_free (self->jid);
  g_free (self->cafile);
  g_free (self->quickblox_cafile);
  g_free (self->video);
  g_free (self->audio);

  G_OBJECT_CLASS (quartet_application_parent_class)->finalize (object);
}

static void
quartet_application_class_init (QuartetApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = quartet_application_dispose;
  object_class->finalize = quartet_application_finalize;
  app_class->handle_local_options = quartet_application_handle_local_options;
  app_class->startup = quartet_application_startup;
  app_class->activate = quartet_application_activate;
  app_class->shutdown = quartet_application_shutdown;
}

static void
quartet_application_init (QuartetApplication *self)
{
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, NULL, N_("Fill in the server (HOST[:PORT])"),
      N_("HOST[:PORT]") },
    { "jid", 'j', 0, G_OPTION_ARG_STRING, NULL,
      N_("Fill in the account address; the password is read from $QUARTET_PASSWORD "
         "(for tests only)"),
      N_("JID") },
    { "cafile", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Also trust the certificate authorities in FILE (PEM)"), N_("FILE") },
    { "quickblox-cafile", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Trust only the certificate authorities in FILE (PEM) for the QuickBlox API"),
      N_("FILE") },
    { "no-tls", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Sign in without encryption (local test servers only)"), NULL },
    { "sign-in", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Sign in at once with what was filled in"),
      NULL },
    { "video", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Video to send instead of the camera setting: camera, pattern:N, file:PATH.y4m or "
         "none"),
      N_("SOURCE") },
    { "audio", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Audio to send instead of the microphone setting: mic, tone or none"), N_("SOURCE") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

QuartetApplication *
quartet_application_new (void)
{
  return g_object_new (QUARTET_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                       G_APPLICATION_DEFAULT_FLAGS, "resource-base-path",
                       "/io/github/quartet/Quartet", NULL);
}
