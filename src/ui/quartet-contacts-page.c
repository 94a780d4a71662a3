/* quartet-contacts-page.c: the roster, search, selection for group calls, add contact
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list is the connection's roster (a live GListModel of QuartetContact)
 * through a filter for the search and a sorter that puts people who are
 * online first. Rows come and go with the filter, so the selection lives
 * here, by user id, and each new row is told whether it is selected.
 *
 * A QuickBlox account lists the application's user directory instead: the
 * search asks the REST API (by full name), as the directory can be far
 * bigger than what one page holds, and the filter only leaves oneself out.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-contacts-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "quartet-contact-row.h"
#include "quartet-history-page.h"
#include "quartet-window.h"

struct _QuartetContactsPage
{
  GtkWidget parent_instance;

  GtkWidget *content; /* the template's top box: dispose_template() unparents it */
  AdwViewSwitcherTitle *title;
  AdwViewStack *view_stack;
  AdwViewStackPage *recent_page;
  QuartetHistoryPage *history_page;
  GtkSearchEntry *search_entry;
  GtkListBox *list_box;
  GtkLabel *selection_label;
  GtkWidget *video_call_button;
  GtkWidget *audio_call_button;

  GtkWidget *add_button;

  QuartetAccount *account;
  QuartetQuickbloxDirectory *directory; /* a QuickBlox account's, else NULL */
  GCancellable *load_cancellable;
  GtkCustomFilter *filter;
  GPtrArray *selected; /* user ids, in the order they were picked */
};

G_DEFINE_FINAL_TYPE (QuartetContactsPage, quartet_contacts_page, GTK_TYPE_WIDGET)

static gboolean
contains_casefold (const char *haystack, const char *needle)
{
  g_autofree char *h = g_utf8_casefold (haystack ? haystack : "", -1);

  return strstr (h, needle) != NULL;
}

static gboolean
filter_contact (gpointer item, gpointer user_data)
{
  QuartetContactsPage *self = user_data;
  QuartetContact *contact = item;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *needle = NULL;

  if (self->directory != NULL)
    {
      QuartetXmppConnection *connection = quartet_account_get_connection (self->account);

      return connection == NULL
             || g_strcmp0 (quartet_contact_get_user_id (contact),
                           quartet_xmpp_connection_get_user_id (connection))
                  != 0;
    }
  if (*text == '\0')
    return TRUE;

  needle = g_utf8_casefold (text, -1);
  return contains_casefold (quartet_contact_get_display_name (contact), needle)
         || contains_casefold (quartet_contact_get_jid (contact), needle);
}

static int
compare_contacts (gconstpointer a, gconstpointer b, gpointer user_data)
{
  QuartetContact *first = (QuartetContact *)a, *second = (QuartetContact *)b;
  int online = quartet_contact_get_available (second) - quartet_contact_get_available (first);

  if (online != 0)
    return online;
  return g_utf8_collate (quartet_contact_get_display_name (first),
                         quartet_contact_get_display_name (second));
}

static gboolean
is_selected (QuartetContactsPage *self, const char *user_id)
{
  return g_ptr_array_find_with_equal_func (self->selected, user_id, g_str_equal, NULL);
}

static void
update_selection_ui (QuartetContactsPage *self)
{
  guint n = self->selected->len;

  gtk_widget_set_sensitive (self->video_call_button, n > 0);
  gtk_widget_set_sensitive (self->audio_call_button, n > 0);
  if (n == 0)
    gtk_label_set_label (self->selection_label, _("Select up to three people for a group call"));
  else
    {
      g_autofree char *text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u person selected", "%u people selected", n), n);

      gtk_label_set_label (self->selection_label, text);
    }
}

static void
on_row_selected_cb (QuartetContactRow *row, GParamSpec *pspec, QuartetContactsPage *self)
{
  const char *user_id = quartet_contact_get_user_id (quartet_contact_row_get_contact (row));
  guint index;

  if (!quartet_contact_row_get_selected (row))
    {
      if (g_ptr_array_find_with_equal_func (self->selected, user_id, g_str_equal, &index))
        g_ptr_array_remove_index (self->selected, index);
    }
  else if (!is_selected (self, user_id))
    {
      if (self->selected->len >= QUARTET_CONTACTS_MAX_SELECTED)
        {
          quartet_contact_row_set_selected (row, FALSE);
          quartet_window_toast (GTK_WIDGET (self),
                                _("A call has at most three other people: unselect someone "
                                  "first."));
          return;
        }
      g_ptr_array_add (self->selected, g_strdup (user_id));
    }

  update_selection_ui (self);
}

static GtkWidget *
create_row_cb (gpointer item, gpointer user_data)
{
  QuartetContactsPage *self = user_data;
  QuartetContact *contact = item;
  GtkWidget *row = quartet_contact_row_new (contact,
                                            is_selected (self,
                                                         quartet_contact_get_user_id (contact)));

  g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_row_selected_cb), self, 0);
  return row;
}

static void
on_directory_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetContactsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!quartet_quickblox_directory_load_page_finish (QUARTET_QUICKBLOX_DIRECTORY (source), result,
                                                     &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = quartet_account_describe_error (error);

      g_message ("Could not load the QuickBlox users: %s", error->message);
      quartet_window_toast (GTK_WIDGET (self), message);
    }
}

/* The first page of users (QUARTET_QUICKBLOX_MAX_PER_PAGE) for the search. */
static void
load_directory (QuartetContactsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  quartet_quickblox_directory_set_search (self->directory, *text ? text : NULL);
  quartet_quickblox_directory_set_per_page (self->directory, QUARTET_QUICKBLOX_MAX_PER_PAGE);
  quartet_quickblox_directory_load_page_async (self->directory, 1, self->load_cancellable,
                                               on_directory_loaded_cb, g_object_ref (self));
}

static void
on_search_changed_cb (QuartetContactsPage *self)
{
  if (self->directory != NULL)
    load_directory (self);
  else
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
place_call (QuartetContactsPage *self, const char *const *user_ids, QuartetCallType type)
{
  g_autoptr (GError) error = NULL;

  if (quartet_account_place_call (self->account, user_ids, type, &error) == NULL)
    {
      g_autofree char *message = quartet_account_describe_error (error);

      g_message ("Could not place the call: %s", error->message);
      quartet_window_toast (GTK_WIDGET (self), message);
    }
}

static void
place_selected_call (QuartetContactsPage *self, QuartetCallType type)
{
  /* Borrowed strings: the copy must not free them (g_ptr_array_copy would
   * take the free function along). */
  g_autoptr (GPtrArray) ids = g_ptr_array_sized_new (self->selected->len + 1);

  for (guint i = 0; i < self->selected->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (self->selected, i));
  g_ptr_array_add (ids, NULL);
  place_call (self, (const char *const *)ids->pdata, type);
}

static void
on_video_call_clicked_cb (QuartetContactsPage *self)
{
  place_selected_call (self, QUARTET_CALL_TYPE_VIDEO);
}

static void
on_audio_call_clicked_cb (QuartetContactsPage *self)
{
  place_selected_call (self, QUARTET_CALL_TYPE_AUDIO);
}

static void
call_one_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const char *ids[] = { g_variant_get_string (parameter, NULL), NULL };

  place_call (QUARTET_CONTACTS_PAGE (widget), ids,
              g_str_equal (action_name, "contacts.audio-call") ? QUARTET_CALL_TYPE_AUDIO
                                                               : QUARTET_CALL_TYPE_VIDEO);
}

static void
on_contact_added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetContactsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!quartet_xmpp_connection_add_contact_finish (QUARTET_XMPP_CONNECTION (source), result,
                                                   &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not add the contact: %s"),
                                                  error->message);

      quartet_window_toast (GTK_WIDGET (self), message);
    }
}

static void
on_add_response_cb (AdwMessageDialog *dialog, const char *response, QuartetContactsPage *self)
{
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  GtkEditable *jid_entry = GTK_EDITABLE (gtk_widget_get_first_child (box));
  GtkEditable *name_entry = GTK_EDITABLE (gtk_widget_get_next_sibling (GTK_WIDGET (jid_entry)));
  const char *jid = gtk_editable_get_text (jid_entry);
  QuartetXmppConnection *connection = quartet_account_get_connection (self->account);

  if (!g_str_equal (response, "add") || connection == NULL)
    return;

  if (!quartet_jid_is_valid (jid) || strchr (jid, '@') == NULL)
    {
      quartet_window_toast (GTK_WIDGET (self), _("That is not an address: it looks like "
                                                 "name@example.org."));
      return;
    }

  quartet_xmpp_connection_add_contact_async (connection, jid, gtk_editable_get_text (name_entry),
                                              on_contact_added_cb, g_object_ref (self));
}

static void
on_add_clicked_cb (QuartetContactsPage *self)
{
  GtkWidget *dialog, *box, *jid_entry, *name_entry;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Add Contact"),
                                   _("They will be asked to share their presence with you."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  jid_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (jid_entry), _("name@example.org"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (jid_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Contact address"), -1);
  name_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (name_entry), _("Name (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (name_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Contact name"), -1);
  gtk_box_append (GTK_BOX (box), jid_entry);
  gtk_box_append (GTK_BOX (box), name_entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "add",
                                    _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_add_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
quartet_contacts_page_reload (QuartetContactsPage *self)
{
  GListModel *roster;
  GListModel *directory;
  g_autoptr (GtkFilterListModel) filtered = NULL;
  g_autoptr (GtkSortListModel) sorted = NULL;
  const char *jid;

  g_return_if_fail (QUARTET_IS_CONTACTS_PAGE (self));

  g_ptr_array_set_size (self->selected, 0);
  update_selection_ui (self);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->directory);

  roster = self->account ? quartet_account_get_roster (self->account) : NULL;
  directory = self->account ? quartet_account_get_directory (self->account) : NULL;
  gtk_widget_set_visible (self->add_button, directory == NULL);
  if (roster == NULL)
    {
      gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
      return;
    }

  if (directory != NULL)
    {
      /* In the server's order: a search result is already ranked. */
      self->directory = g_object_ref (QUARTET_QUICKBLOX_DIRECTORY (directory));
      filtered = gtk_filter_list_model_new (g_object_ref (directory),
                                            g_object_ref (GTK_FILTER (self->filter)));
      gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (filtered), create_row_cb, self,
                               NULL);
      load_directory (self);
    }
  else
    {
      filtered = gtk_filter_list_model_new (g_object_ref (roster),
                                        g_object_ref (GTK_FILTER (self->filter)));
      sorted = gtk_sort_list_model_new (
        G_LIST_MODEL (g_steal_pointer (&filtered)),
        GTK_SORTER (gtk_custom_sorter_new (compare_contacts, NULL, NULL)));
      gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (sorted), create_row_cb, self, NULL);
    }

  jid = quartet_account_get_jid (self->account);
  adw_view_switcher_title_set_subtitle (self->title, jid ? jid : "");
}

/* Missed calls count as seen once "Recent" is on screen. */
static void
mark_missed_seen_if_shown (QuartetContactsPage *self)
{
  if (self->account != NULL
      && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "recent") == 0
      && gtk_widget_get_mapped (GTK_WIDGET (self)))
    quartet_call_history_mark_seen (quartet_account_get_history (self->account));
}

static void
on_unseen_missed_cb (QuartetCallHistory *history, GParamSpec *pspec, QuartetContactsPage *self)
{
  guint unseen = quartet_call_history_get_unseen_missed (history);

  adw_view_stack_page_set_badge_number (self->recent_page, unseen);
  adw_view_stack_page_set_needs_attention (self->recent_page, unseen > 0);
  mark_missed_seen_if_shown (self);
}

static void
on_visible_page_cb (QuartetContactsPage *self)
{
  mark_missed_seen_if_shown (self);
}

void
quartet_contacts_page_set_account (QuartetContactsPage *self, QuartetAccount *account)
{
  QuartetCallHistory *history;

  g_return_if_fail (QUARTET_IS_CONTACTS_PAGE (self));
  g_return_if_fail (self->account == NULL);

  self->account = g_object_ref (account);
  history = quartet_account_get_history (account);
  quartet_history_page_set_account (self->history_page, account);
  g_signal_connect_object (history, "notify::unseen-missed", G_CALLBACK (on_unseen_missed_cb), self,
                           0);
  on_unseen_missed_cb (history, NULL, self);
  quartet_contacts_page_reload (self);
}

void
quartet_contacts_page_show_recent (QuartetContactsPage *self)
{
  g_return_if_fail (QUARTET_IS_CONTACTS_PAGE (self));
  adw_view_stack_set_visible_child_name (self->view_stack, "recent");
}

static void
quartet_contacts_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (quartet_contacts_page_parent_class)->map (widget);
  mark_missed_seen_if_shown (QUARTET_CONTACTS_PAGE (widget));
}

static void
quartet_contacts_page_dispose (GObject *object)
{
  QuartetContactsPage *self = QUARTET_CONTACTS_PAGE (object);
  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_CONTACTS_PAGE);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->directory);
  g_clear_object (&self->account);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->selected, g_ptr_array_unref);

  G_OBJECT_CLASS (quartet_contacts_page_parent_class)->dispose (object);
}

static void
quartet_contacts_page_class_init (QuartetContactsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = quartet_contacts_page_dispose;
  widget_class->map = quartet_contacts_page_map;

  g_type_ensure (QUARTET_TYPE_HISTORY_PAGE);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/quartet/Quartet/quartet-contacts-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, content);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, title);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, recent_page);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, history_page);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, video_call_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, audio_call_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetContactsPage, add_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_video_call_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_audio_call_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_page_cb);

  gtk_widget_class_install_action (widget_class, "contacts.video-call", "s", call_one_action);
  gtk_widget_class_install_action (widget_class, "contacts.audio-call", "s", call_one_action);
}

static void
quartet_contacts_page_init (QuartetContactsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->selected = g_ptr_array_new_with_free_func (g_free);
  self->filter = gtk_custom_filter_new (filter_contact, self, NULL);
}
