/* quartet-contact-row.c: one contact with presence, a selection check and call buttons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The call buttons activate the contacts page's contacts.video-call and
 * contacts.audio-call actions with the contact's user id; the check button
 * asks the page (through "notify::selected") to add the contact to a group
 * call, which the page may refuse.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-contact-row.h"

#include <glib/gi18n.h>

struct _QuartetContactRow
{
  AdwActionRow parent_instance;

  GtkCheckButton *check_button;
  AdwAvatar *avatar;
  GtkWidget *audio_button;
  GtkWidget *video_button;

  QuartetContact *contact;
  gboolean selected;
};

G_DEFINE_FINAL_TYPE (QuartetContactRow, quartet_contact_row, ADW_TYPE_ACTION_ROW)

enum
{
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_presence (QuartetContactRow *self)
{
  const char *login = quartet_contact_get_login (self->contact);
  gboolean available = quartet_contact_get_available (self->contact);
  g_autofree char *subtitle = NULL;

  /* A QuickBlox directory entry has a login and no presence to tell. */
  if (login != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), login);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "offline");
      return;
    }

  subtitle = g_strdup_printf ("%s · %s", available ? _("Online") : _("Offline"),
                              quartet_contact_get_jid (self->contact));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  if (available)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "offline");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "offline");
}

static void
update_name (QuartetContactRow *self)
{
  const char *name = quartet_contact_get_display_name (self->contact);
  g_autofree char *select = g_strdup_printf (_("Select %s"), name);
  g_autofree char *video = g_strdup_printf (_("Video call %s"), name);
  g_autofree char *audio = g_strdup_printf (_("Audio call %s"), name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  adw_avatar_set_text (self->avatar, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->check_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, select, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->video_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, video, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->audio_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, audio, -1);
}

static void
on_contact_notify_cb (QuartetContact *contact, GParamSpec *pspec, QuartetContactRow *self)
{
  update_name (self);
  update_presence (self);
}

static void
on_toggled_cb (QuartetContactRow *self)
{
  quartet_contact_row_set_selected (self, gtk_check_button_get_active (self->check_button));
}

static void
on_activated_cb (QuartetContactRow *self)
{
  quartet_contact_row_set_selected (self, !self->selected);
}

static void
on_video_clicked_cb (QuartetContactRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "contacts.video-call", "s",
                              quartet_contact_get_user_id (self->contact));
}

static void
on_audio_clicked_cb (QuartetContactRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "contacts.audio-call", "s",
                              quartet_contact_get_user_id (self->contact));
}

QuartetContact *
quartet_contact_row_get_contact (QuartetContactRow *self)
{
  g_return_val_if_fail (QUARTET_IS_CONTACT_ROW (self), NULL);
  return self->contact;
}

gboolean
quartet_contact_row_get_selected (QuartetContactRow *self)
{
  g_return_val_if_fail (QUARTET_IS_CONTACT_ROW (self), FALSE);
  return self->selected;
}

void
quartet_contact_row_set_selected (QuartetContactRow *self, gboolean selected)
{
  g_return_if_fail (QUARTET_IS_CONTACT_ROW (self));

  selected = !!selected;
  gtk_check_button_set_active (self->check_button, selected);
  if (self->selected == selected)
    return;

  self->selected = selected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
quartet_contact_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetContactRow *self = QUARTET_CONTACT_ROW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_boolean (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_contact_row_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  QuartetContactRow *self = QUARTET_CONTACT_ROW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      quartet_contact_row_set_selected (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_contact_row_dispose (GObject *object)
{
  QuartetContactRow *self = QUARTET_CONTACT_ROW (object);

  g_clear_object (&self->contact);

  G_OBJECT_CLASS (quartet_contact_row_parent_class)->dispose (object);
}

static void
quartet_contact_row_class_init (QuartetContactRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = quartet_contact_row_get_property;
  object_class->set_property = quartet_contact_row_set_property;
  object_class->dispose = quartet_contact_row_dispose;

  properties[PROP_SELECTED] = g_param_spec_boolean ("selected", NULL, NULL, FALSE,
                                                    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                      | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartet/Quartet/quartet-contact-row.ui");
  gtk_widget_class_bind_template_child (widget_class, QuartetContactRow, check_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactRow, audio_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactRow, video_button);
  gtk_widget_class_bind_template_callback (widget_class, on_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_video_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_audio_clicked_cb);
}

static void
quartet_contact_row_init (QuartetContactRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
quartet_contact_row_new (QuartetContact *contact, gboolean selected)
{
  QuartetContactRow *self;

  g_return_val_if_fail (QUARTET_IS_CONTACT (contact), NULL);

  self = g_object_new (QUARTET_TYPE_CONTACT_ROW, NULL);
  self->contact = g_object_ref (contact);
  self->selected = selected;
  gtk_check_button_set_active (self->check_button, selected);
  g_signal_connect_object (contact, "notify", G_CALLBACK (on_contact_notify_cb), self, 0);
  update_name (self);
  update_presence (self);
  return GTK_WIDGET (self);
}
