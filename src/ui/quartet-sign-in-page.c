/* quartet-sign-in-page.c: server, address, password, and what went wrong
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two kinds of account: an XMPP address, or a QuickBlox application's user
 * (QuartetQuickbloxForm holds those fields); two linked toggle buttons
 * switch between them, as libadwaita 1.2 has no view switcher that fits a
 * form. Errors are told in words the user can act on (quartet_account_describe_error);
 * an untrusted certificate shows its fingerprint and a button that pins it
 * (the pin is in GSettings: a fingerprint is no secret). With "Remember me"
 * the password goes to the keyring and the app signs in at start-up.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-sign-in-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "quartet-quickblox-form.h"
#include "quartet-secret.h"

struct _QuartetSignInPage
{
  GtkWidget parent_instance;

  GtkWidget *content; /* the template's top box: dispose_template() unparents it */
  GtkToggleButton *xmpp_button;
  GtkToggleButton *quickblox_button;
  GtkLabel *intro_label;
  GtkWidget *xmpp_group;
  QuartetQuickbloxForm *quickblox_form;
  AdwEntryRow *server_row;
  AdwEntryRow *jid_row;
  AdwEntryRow *password_row;
  GtkSwitch *tls_switch;
  GtkSwitch *remember_switch;
  GtkLabel *error_label;
  GtkWidget *fingerprint_box;
  GtkLabel *fingerprint_label;
  GtkWidget *sign_in_button;
  GtkSpinner *spinner;
  GtkLabel *sign_in_label;

  QuartetAccount *account;
  GSettings *settings;
  GCancellable *cancellable;
  char *cafile;
  char *fingerprint; /* of the certificate the last attempt did not trust */
};

G_DEFINE_FINAL_TYPE (QuartetSignInPage, quartet_sign_in_page, GTK_TYPE_WIDGET)

static void
set_busy (QuartetSignInPage *self, gboolean busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_label_set_label (self->sign_in_label, busy ? _("Signing In…") : _("_Sign In"));
  gtk_widget_set_sensitive (self->sign_in_button, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->jid_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->xmpp_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->quickblox_button), !busy);
  quartet_quickblox_form_set_busy (self->quickblox_form, busy);
}

static gboolean
is_quickblox (QuartetSignInPage *self)
{
  return gtk_toggle_button_get_active (self->quickblox_button);
}

static void
on_account_type_cb (QuartetSignInPage *self)
{
  gboolean quickblox = is_quickblox (self);

  gtk_widget_set_visible (self->xmpp_group, !quickblox);
  gtk_widget_set_visible (GTK_WIDGET (self->quickblox_form), quickblox);
  gtk_label_set_label (self->intro_label,
                       quickblox ? _("Use your login for an app built on QuickBlox, with the "
                                     "application’s credentials.")
                                 : _("Use an XMPP account, such as a QuickBlox chat account ({user "
                                     "id}-{app id}@chat.quickblox.com)."));
}

static void
show_error (QuartetSignInPage *self, const char *message, const char *fingerprint)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message ? message : "", -1);

  g_free (self->fingerprint);
  self->fingerprint = g_strdup (fingerprint);
  gtk_label_set_label (self->fingerprint_label, fingerprint ? fingerprint : "");
  gtk_widget_set_visible (self->fingerprint_box, fingerprint != NULL);
}

static void
save_settings (QuartetSignInPage *self, const char *jid, const char *password)
{
  gboolean remember = gtk_switch_get_active (self->remember_switch);

  g_settings_set_enum (self->settings, "account-type", is_quickblox (self));
  g_settings_set_boolean (self->settings, "require-tls", gtk_switch_get_active (self->tls_switch));
  g_settings_set_string (self->settings, "cafile", self->cafile ? self->cafile : "");
  g_settings_set_boolean (self->settings, "remember", remember);
  if (is_quickblox (self))
    {
      quartet_quickblox_form_save (self->quickblox_form, self->settings, remember);
      return;
    }

  g_settings_set_string (self->settings, "server",
                         gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
  g_settings_set_string (self->settings, "jid", jid);

  if (remember)
    quartet_secret_store_password (jid, password);
  else
    quartet_secret_clear_password (jid);
}

static void
on_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetSignInPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *password = NULL;

  if (!quartet_account_sign_in_finish (QUARTET_ACCOUNT (source), result, &fingerprint, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      message = quartet_account_describe_error (error);
      g_message ("Sign-in failed: %s", error->message);
      set_busy (self, FALSE);
      show_error (self, message, fingerprint);
      return;
    }

  jid = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->jid_row)));
  password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  save_settings (self, jid, password);
  set_busy (self, FALSE);
  /* The password stays only in the keyring, if anywhere. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  quartet_quickblox_form_forget_secrets (self->quickblox_form);
}

static void
sign_in_quickblox (QuartetSignInPage *self, const char *pinned)
{
  QuartetQuickbloxSignInDetails details = { 0 };

  if (!quartet_quickblox_form_get_details (self->quickblox_form, &details))
    {
      show_error (self,
                  _("Enter your login and password, the API server, and the application’s id, "
                    "auth key and auth secret."),
                  NULL);
      return;
    }

  details.require_tls = gtk_switch_get_active (self->tls_switch);
  details.cafile = self->cafile;
  details.trusted_fingerprint = pinned;

  show_error (self, NULL, NULL);
  set_busy (self, TRUE);
  quartet_account_sign_in_quickblox_async (self->account, &details, self->cancellable,
                                           on_signed_in_cb, g_object_ref (self));
}

void
quartet_sign_in_page_sign_in (QuartetSignInPage *self)
{
  g_autofree char *pinned = NULL;
  QuartetSignInDetails details = { 0 };

  g_return_if_fail (QUARTET_IS_SIGN_IN_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  pinned = g_settings_get_string (self->settings, "pinned-fingerprint");

  if (is_quickblox (self))
    {
      sign_in_quickblox (self, pinned);
      return;
    }

  details.jid = gtk_editable_get_text (GTK_EDITABLE (self->jid_row));
  details.password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (*details.jid == '\0' || *details.password == '\0')
    {
      show_error (self, _("Enter your address and password."), NULL);
      return;
    }

  details.server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  details.require_tls = gtk_switch_get_active (self->tls_switch);
  details.cafile = self->cafile;
  details.trusted_fingerprint = pinned;

  show_error (self, NULL, NULL);
  set_busy (self, TRUE);
  quartet_account_sign_in_async (self->account, &details, self->cancellable, on_signed_in_cb,
                                 g_object_ref (self));
}

static void
on_sign_in_clicked_cb (QuartetSignInPage *self)
{
  quartet_sign_in_page_sign_in (self);
}

static void
on_entry_activated_cb (QuartetSignInPage *self)
{
  quartet_sign_in_page_sign_in (self);
}

static void
on_trust_clicked_cb (QuartetSignInPage *self)
{
  if (self->fingerprint == NULL)
    return;

  g_settings_set_string (self->settings, "pinned-fingerprint", self->fingerprint);
  quartet_sign_in_page_sign_in (self);
}

static void
on_remembered_password_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetSignInPage) self = user_data;
  g_autoptr (GError) error = NULL;
  char *password = quartet_secret_lookup_password_finish (result, &error);

  if (password == NULL)
    {
      if (error != NULL)
        g_message ("No remembered password: %s", error->message);
      return;
    }

  if (*gtk_editable_get_text (GTK_EDITABLE (self->password_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  quartet_secret_free_password (password);
  quartet_sign_in_page_sign_in (self);
}

void
quartet_sign_in_page_prefill (QuartetSignInPage *self,
                              const char *server,
                              const char *jid,
                              const char *password,
                              const char *cafile)
{
  g_return_if_fail (QUARTET_IS_SIGN_IN_PAGE (self));

  if (server != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  if (jid != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->jid_row), jid);
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  if (cafile != NULL)
    {
      g_free (self->cafile);
      self->cafile = g_strdup (cafile);
    }
}

static void
on_recalled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetSignInPage) self = user_data;

  if (quartet_quickblox_form_recall_finish (QUARTET_QUICKBLOX_FORM (source), result))
    quartet_sign_in_page_sign_in (self);
}

void
quartet_sign_in_page_prefill_quickblox (QuartetSignInPage *self,
                                        const char *server,
                                        const char *api_cafile)
{
  g_return_if_fail (QUARTET_IS_SIGN_IN_PAGE (self));

  if (server != NULL)
    quartet_quickblox_form_set_chat_address (self->quickblox_form, server);
  if (api_cafile != NULL)
    quartet_quickblox_form_set_api_cafile (self->quickblox_form, api_cafile);
}

/* From the settings: the last account, and with "Remember me" its password
 * from the keyring and a sign-in at once. */
void
quartet_sign_in_page_setup (QuartetSignInPage *self, QuartetAccount *account, GSettings *settings)
{
  g_autofree char *server = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *cafile = NULL;

  g_return_if_fail (QUARTET_IS_SIGN_IN_PAGE (self));

  g_set_object (&self->account, account);
  g_set_object (&self->settings, settings);

  server = g_settings_get_string (settings, "server");
  jid = g_settings_get_string (settings, "jid");
  cafile = g_settings_get_string (settings, "cafile");
  quartet_sign_in_page_prefill (self, server, jid, NULL, *cafile ? cafile : NULL);
  gtk_switch_set_active (self->tls_switch, g_settings_get_boolean (settings, "require-tls"));
  gtk_switch_set_active (self->remember_switch, g_settings_get_boolean (settings, "remember"));
  quartet_quickblox_form_load (self->quickblox_form, settings);
  gtk_toggle_button_set_active (g_settings_get_enum (settings, "account-type") == 1
                                  ? self->quickblox_button
                                  : self->xmpp_button,
                                TRUE);

  if (!g_settings_get_boolean (settings, "remember"))
    return;
  if (is_quickblox (self))
    quartet_quickblox_form_recall_async (self->quickblox_form, self->cancellable, on_recalled_cb,
                                         g_object_ref (self));
  else if (*jid != '\0')
    quartet_secret_lookup_password_async (jid, NULL, on_remembered_password_cb,
                                          g_object_ref (self));
}

static void
quartet_sign_in_page_dispose (GObject *object)
{
  QuartetSignInPage *self = QUARTET_SIGN_IN_PAGE (object);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_SIGN_IN_PAGE);
  g_clear_object (&self->account);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (quartet_sign_in_page_parent_class)->dispose (object);
}

static void
quartet_sign_in_page_finalize (GObject *object)
{
  QuartetSignInPage *self = QUARTET_SIGN_IN_PAGE (object);

  g_clear_pointer (&self->cafile, g_free);
  g_clear_pointer (&self->fingerprint, g_free);

  G_OBJECT_CLASS (quartet_sign_in_page_parent_class)->finalize (object);
}

static void
quartet_sign_in_page_class_init (QuartetSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quartet_sign_in_page_dispose;
  object_class->finalize = quartet_sign_in_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartet/Quartet/quartet-sign-in-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, content);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, xmpp_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, quickblox_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, xmpp_group);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, quickblox_form);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, jid_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, fingerprint_box);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuartetSignInPage, sign_in_label);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_trust_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_account_type_cb);
}

static void
quartet_sign_in_page_init (QuartetSignInPage *self)
{
  g_type_ensure (QUARTET_TYPE_QUICKBLOX_FORM);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
