/* quartet-quickblox-form.c: the QuickBlox part of the sign-in page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application's credentials (API server, chat server, application id,
 * auth key, auth secret) and the user's login and password. What is no
 * secret goes to GSettings; the auth secret and the password go to the
 * keyring only, and only with "Remember me". The sign-in page owns the
 * rest: the button, the spinner, the errors, the chat's TLS choices.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-quickblox-form.h"

#include <adwaita.h>

#include "quartet-secret.h"

struct _QuartetQuickbloxForm
{
  GtkWidget parent_instance;

  GtkWidget *group;
  AdwEntryRow *login_row;
  AdwEntryRow *password_row;
  AdwEntryRow *api_row;
  AdwEntryRow *chat_row;
  AdwEntryRow *app_id_row;
  AdwEntryRow *auth_key_row;
  AdwEntryRow *auth_secret_row;

  char *api_cafile;
  char *chat_address;
};

G_DEFINE_FINAL_TYPE (QuartetQuickbloxForm, quartet_quickblox_form, GTK_TYPE_WIDGET)

enum
{
  ACTIVATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_text (AdwEntryRow *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
on_entry_activated_cb (QuartetQuickbloxForm *self)
{
  g_signal_emit (self, signals[ACTIVATE], 0);
}

void
quartet_quickblox_form_load (QuartetQuickbloxForm *self, GSettings *settings)
{
  g_autofree char *api = g_settings_get_string (settings, "quickblox-api");
  g_autofree char *chat = g_settings_get_string (settings, "quickblox-chat");
  g_autofree char *app_id = g_settings_get_string (settings, "quickblox-application-id");
  g_autofree char *auth_key = g_settings_get_string (settings, "quickblox-auth-key");
  g_autofree char *login = g_settings_get_string (settings, "quickblox-login");
  g_autofree char *cafile = g_settings_get_string (settings, "quickblox-cafile");

  g_return_if_fail (QUARTET_IS_QUICKBLOX_FORM (self));

  set_text (self->api_row, api);
  set_text (self->chat_row, chat);
  set_text (self->app_id_row, app_id);
  set_text (self->auth_key_row, auth_key);
  set_text (self->login_row, login);
  /* A --quickblox-cafile on the command line wins over the setting. */
  if (self->api_cafile == NULL && *cafile != '\0')
    self->api_cafile = g_strdup (cafile);
}

void
quartet_quickblox_form_save (QuartetQuickbloxForm *self, GSettings *settings, gboolean remember)
{
  const char *api = text_of (self->api_row);
  const char *app_id = text_of (self->app_id_row);
  const char *login = text_of (self->login_row);

  g_return_if_fail (QUARTET_IS_QUICKBLOX_FORM (self));

  g_settings_set_string (settings, "quickblox-api", api);
  g_settings_set_string (settings, "quickblox-chat", text_of (self->chat_row));
  g_settings_set_string (settings, "quickblox-application-id", app_id);
  g_settings_set_string (settings, "quickblox-auth-key", text_of (self->auth_key_row));
  g_settings_set_string (settings, "quickblox-login", login);
  g_settings_set_string (settings, "quickblox-cafile", self->api_cafile ? self->api_cafile : "");

  if (remember)
    {
      quartet_secret_store_quickblox (api, app_id, login, QUARTET_SECRET_AUTH_SECRET,
                                      text_of (self->auth_secret_row));
      quartet_secret_store_quickblox (api, app_id, login, QUARTET_SECRET_PASSWORD,
                                      text_of (self->password_row));
    }
  else
    quartet_secret_clear_quickblox (api, app_id, login);
}

void
quartet_quickblox_form_set_api_cafile (QuartetQuickbloxForm *self, const char *cafile)
{
  g_return_if_fail (QUARTET_IS_QUICKBLOX_FORM (self));

  g_free (self->api_cafile);
  self->api_cafile = g_strdup (cafile);
}

void
quartet_quickblox_form_set_chat_address (QuartetQuickbloxForm *self, const char *server)
{
  g_return_if_fail (QUARTET_IS_QUICKBLOX_FORM (self));

  g_free (self->chat_address);
  self->chat_address = g_strdup (server);
}

gboolean
quartet_quickblox_form_get_details (QuartetQuickbloxForm *self,
                                    QuartetQuickbloxSignInDetails *details)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_FORM (self), FALSE);

  details->api = text_of (self->api_row);
  details->chat = text_of (self->chat_row);
  details->application_id = text_of (self->app_id_row);
  details->auth_key = text_of (self->auth_key_row);
  details->auth_secret = text_of (self->auth_secret_row);
  details->login = text_of (self->login_row);
  details->password = text_of (self->password_row);
  details->api_cafile = self->api_cafile;
  details->server = self->chat_address;

  return *details->api != '\0' && *details->application_id != '\0' && *details->auth_key != '\0'
         && *details->auth_secret != '\0' && *details->login != '\0'
         && *details->password != '\0';
}

void
quartet_quickblox_form_set_busy (QuartetQuickbloxForm *self, gboolean busy)
{
  g_return_if_fail (QUARTET_IS_QUICKBLOX_FORM (self));
  gtk_widget_set_sensitive (self->group, !busy);
}

/* After a sign-in the secrets stay only in the keyring, if anywhere. */
void
quartet_quickblox_form_forget_secrets (QuartetQuickbloxForm *self)
{
  g_return_if_fail (QUARTET_IS_QUICKBLOX_FORM (self));

  set_text (self->password_row, NULL);
  set_text (self->auth_secret_row, NULL);
}

/* -- recalling the secrets from the keyring ------------------------------ */

static void recall_next (GTask *task);

static void
on_secret_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetQuickbloxForm *self = g_task_get_source_object (task);
  QuartetSecretKind kind = GPOINTER_TO_INT (g_task_get_task_data (task));
  AdwEntryRow *row = kind == QUARTET_SECRET_AUTH_SECRET ? self->auth_secret_row
                                                        : self->password_row;
  g_autoptr (GError) error = NULL;
  char *secret = quartet_secret_lookup_password_finish (result, &error);

  if (secret == NULL)
    {
      if (error != NULL)
        g_message ("No remembered QuickBlox secret: %s", error->message);
      g_task_return_boolean (task, FALSE);
      return;
    }

  if (*text_of (row) == '\0')
    set_text (row, secret);
  quartet_secret_free_password (secret);

  if (kind == QUARTET_SECRET_AUTH_SECRET)
    {
      g_task_set_task_data (task, GINT_TO_POINTER (QUARTET_SECRET_PASSWORD), NULL);
      recall_next (g_steal_pointer (&task));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
recall_next (GTask *task)
{
  QuartetQuickbloxForm *self = g_task_get_source_object (task);

  quartet_secret_lookup_quickblox_async (text_of (self->api_row), text_of (self->app_id_row),
                                         text_of (self->login_row),
                                         GPOINTER_TO_INT (g_task_get_task_data (task)),
                                         g_task_get_cancellable (task), on_secret_cb, task);
}

void
quartet_quickblox_form_recall_async (QuartetQuickbloxForm *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task;

  g_return_if_fail (QUARTET_IS_QUICKBLOX_FORM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quartet_quickblox_form_recall_async);
  g_task_set_task_data (task, GINT_TO_POINTER (QUARTET_SECRET_AUTH_SECRET), NULL);
  recall_next (task);
}

gboolean
quartet_quickblox_form_recall_finish (QuartetQuickbloxForm *self, GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
quartet_quickblox_form_dispose (GObject *object)
{
  QuartetQuickbloxForm *self = QUARTET_QUICKBLOX_FORM (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_QUICKBLOX_FORM);

  G_OBJECT_CLASS (quartet_quickblox_form_parent_class)->dispose (object);
}

static void
quartet_quickblox_form_finalize (GObject *object)
{
  QuartetQuickbloxForm *self = QUARTET_QUICKBLOX_FORM (object);

  g_clear_pointer (&self->api_cafile, g_free);
  g_clear_pointer (&self->chat_address, g_free);

  G_OBJECT_CLASS (quartet_quickblox_form_parent_class)->finalize (object);
}

static void
quartet_quickblox_form_class_init (QuartetQuickbloxFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quartet_quickblox_form_dispose;
  object_class->finalize = quartet_quickblox_form_finalize;

  /* Enter in any field: sign in. */
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/quartet/Quartet/quartet-quickblox-form.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, QuartetQuickbloxForm, group);
  gtk_widget_class_bind_template_child (widget_class, QuartetQuickbloxForm, login_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetQuickbloxForm, password_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetQuickbloxForm, api_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetQuickbloxForm, chat_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetQuickbloxForm, app_id_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetQuickbloxForm, auth_key_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetQuickbloxForm, auth_secret_row);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);
}

static void
quartet_quickblox_form_init (QuartetQuickbloxForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
