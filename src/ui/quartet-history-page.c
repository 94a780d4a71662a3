/* quartet-history-page.c: the "Recent" list: calls made, taken and missed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account's QuartetCallHistory in a list view, newest first, one
 * QuartetHistoryRow per call. A row's button, or activating the row
 * (Enter, a double click), calls its people back.
 *
 * The list shows the newest ROWS_AT_A_TIME calls and grows by as many
 * whenever the user scrolls near its end. GTK 4.8's list view makes rows
 * for up to 200 items, shown or not, at about 35 KiB each: a full history
 * (500 calls) cost the idle app 7 MiB that way, and few users ever scroll
 * that far.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-history-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "quartet-history-row.h"
#include "quartet-window.h"

#define ROWS_AT_A_TIME 40

struct _QuartetHistoryPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkScrolledWindow *scrolled_window;
  GtkListView *list_view;

  QuartetAccount *account;
  GtkSliceListModel *newest;
  guint grow_id;
};

G_DEFINE_FINAL_TYPE (QuartetHistoryPage, quartet_history_page, GTK_TYPE_WIDGET)

static void
call_back (QuartetHistoryPage *self, QuartetCallRecord *record)
{
  g_autoptr (GError) error = NULL;

  if (quartet_account_place_call (self->account, quartet_call_record_get_user_ids (record),
                                  quartet_call_record_get_call_type (record), &error)
      == NULL)
    {
      g_autofree char *message = quartet_account_describe_error (error);

      quartet_window_toast (GTK_WIDGET (self), message);
    }
}

static void
on_activate_cb (QuartetHistoryPage *self, guint position)
{
  g_autoptr (QuartetCallRecord) record
      = g_list_model_get_item (G_LIST_MODEL (self->newest), position);

  if (record != NULL)
    call_back (self, record);
}

static gboolean
grow_cb (gpointer user_data)
{
  QuartetHistoryPage *self = user_data;

  self->grow_id = 0;
  gtk_slice_list_model_set_size (self->newest,
                                 gtk_slice_list_model_get_size (self->newest) + ROWS_AT_A_TIME);
  return G_SOURCE_REMOVE;
}

/* Within a page of the end: show older calls before the user gets there.
 * Not at once: the list view tells its adjustment while it lays itself
 * out, and rows added then would be placed before they are measured. */
static void
on_scrolled_cb (GtkAdjustment *adjustment, QuartetHistoryPage *self)
{
  double page = gtk_adjustment_get_page_size (adjustment);
  double bottom = gtk_adjustment_get_value (adjustment) + page;

  if (self->newest == NULL || self->grow_id != 0 || page <= 0
      || bottom + page < gtk_adjustment_get_upper (adjustment))
    return;
  if (gtk_slice_list_model_get_size (self->newest)
      < g_list_model_get_n_items (gtk_slice_list_model_get_model (self->newest)))
    self->grow_id = g_idle_add (grow_cb, self);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, QuartetHistoryPage *self)
{
  GtkWidget *row = quartet_history_row_new ();

  g_signal_connect_object (row, "call-back", G_CALLBACK (call_back), self, G_CONNECT_SWAPPED);
  gtk_list_item_set_child (item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, QuartetHistoryPage *self)
{
  quartet_history_row_set_record (QUARTET_HISTORY_ROW (gtk_list_item_get_child (item)),
                                  gtk_list_item_get_item (item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, QuartetHistoryPage *self)
{
  quartet_history_row_set_record (QUARTET_HISTORY_ROW (gtk_list_item_get_child (item)), NULL);
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
  g_autoptr (GtkNoSelection) selection = NULL;

  g_return_if_fail (QUARTET_IS_HISTORY_PAGE (self));
  g_return_if_fail (self->account == NULL);

  self->account = g_object_ref (account);
  history = G_LIST_MODEL (quartet_account_get_history (account));
  self->newest = gtk_slice_list_model_new (g_object_ref (history), 0, ROWS_AT_A_TIME);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->newest)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (history, "items-changed", G_CALLBACK (on_items_changed_cb), self, 0);
  on_items_changed_cb (history, 0, 0, 0, self);
}

static void
quartet_history_page_dispose (GObject *object)
{
  QuartetHistoryPage *self = QUARTET_HISTORY_PAGE (object);

  g_clear_handle_id (&self->grow_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_HISTORY_PAGE);
  g_clear_object (&self->newest);
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
  gtk_widget_class_bind_template_child (widget_class, QuartetHistoryPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, QuartetHistoryPage, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_cb);
}

static void
quartet_history_page_init (QuartetHistoryPage *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkAdjustment *scrolled = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);

  scrolled = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (scrolled, "value-changed", G_CALLBACK (on_scrolled_cb), self, 0);
  g_signal_connect_object (scrolled, "changed", G_CALLBACK (on_scrolled_cb), self, 0);
}
