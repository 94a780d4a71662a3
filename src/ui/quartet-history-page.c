/* quartet-history-page.c: the "Recent" list: calls made, taken and missed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account's QuartetCallHistory, one row per call as a phone shows it:
 * the people, what happened and when, and a button that calls them again
 * (the same people, audio or video as before).
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-history-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "quartet-window.h"

struct _QuartetHistoryPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkListBox *list_box;

  QuartetAccount *account;
};

G_DEFINE_FINAL_TYPE (QuartetHistoryPage, quartet_history_page, GTK_TYPE_WIDGET)

static const char *
outcome_icon (QuartetCallRecord *record)
{
  switch (quartet_call_record_get_outcome (record))
    {
    case QUARTET_CALL_OUTCOME_MISSED:
    case QUARTET_CALL_OUTCOME_DECLINED:
      return "call-missed-symbolic";
    case QUARTET_CALL_OUTCOME_ANSWERED:
    case QUARTET_CALL_OUTCOME_UNANSWERED:
    default:
      return quartet_call_record_get_outgoing (record) ? "call-outgoing-symbolic"
                                                       : "call-incoming-symbolic";
    }
}

static void
on_call_back_clicked_cb (GtkButton *button, QuartetHistoryPage *self)
{
  QuartetCallRecord *record = g_object_get_data (G_OBJECT (button), "record");
  g_autoptr (GError) error = NULL;

  if (quartet_account_place_call (self->account, quartet_call_record_get_user_ids (record),
                                  quartet_call_record_get_call_type (record), &error)
      == NULL)
    {
      g_autofree char *message = quartet_account_describe_error (error);

      quartet_window_toast (GTK_WIDGET (self), message);
    }
}

static GtkWidget *
create_call_back_button (QuartetHistoryPage *self, QuartetCallRecord *record, const char *title)
{
  gboolean video = quartet_call_record_get_call_type (record) == QUARTET_CALL_TYPE_VIDEO;
  GtkWidget *button
      = gtk_button_new_from_icon_name (video ? "camera-web-symbolic" : "call-start-symbolic");
  g_autofree char *label = g_strdup_printf (_ ("Call back %s"), title);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, video ? _ ("Video Call") : _ ("Audio Call"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "record", g_object_ref (record), g_object_unref);
  g_signal_connect (button, "clicked", G_CALLBACK (on_call_back_clicked_cb), self);
  return button;
}

static GtkWidget *
create_row_cb (gpointer item, gpointer user_data)
{
  QuartetHistoryPage *self = user_data;
  QuartetCallRecord *record = item;
  g_autofree char *title = quartet_call_record_dup_title (record);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *subtitle = quartet_call_record_describe (record, now);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (outcome_icon (record));
  GtkWidget *call_back = create_call_back_button (self, record, title);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), call_back);
  if (quartet_call_record_get_outcome (record) == QUARTET_CALL_OUTCOME_MISSED)
    gtk_widget_add_css_class (row, "missed");

  return row;
}

static void
on_items_changed_cb (
    GListModel *history, guint position, guint removed, guint added, QuartetHistoryPage *self)
{
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (history) > 0 ? "list" : "empty");
}

void
quartet_history_page_set_account (QuartetHistoryPage *self, QuartetAccount *account)
{
  GListModel *history;

  g_return_if_fail (QUARTET_IS_HISTORY_PAGE (self));
  g_return_if_fail (self->account == NULL);

  self->account = g_object_ref (account);
  history = G_LIST_MODEL (quartet_account_get_history (account));
  gtk_list_box_bind_model (self->list_box, history, create_row_cb, self, NULL);
  g_signal_connect_object (history, "items-changed", G_CALLBACK (on_items_changed_cb), self, 0);
  on_items_changed_cb (history, 0, 0, 0, self);
}

static void
quartet_history_page_dispose (GObject *object)
{
  QuartetHistoryPage *self = QUARTET_HISTORY_PAGE (object);

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_HISTORY_PAGE);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (quartet_history_page_parent_class)->dispose (object);
}

static void
quartet_history_page_class_init (QuartetHistoryPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = quartet_history_page_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/quartet/Quartet/quartet-history-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, QuartetHistoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QuartetHistoryPage, list_box);
}

static void
quartet_history_page_init (QuartetHistoryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
