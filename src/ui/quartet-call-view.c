/* quartet-call-view.c: the call grid and its controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One QuartetVideoTile per participant of the QuartetCall, placed by
 * quartet_call_layout_position() whenever the participants change. The
 * controls are buttons for the window's actions (win.mute, win.camera-off,
 * win.fullscreen, win.hang-up), which also carry the keyboard shortcuts.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-call-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "quartet-call-layout.h"
#include "quartet-video-tile.h"
#include "quartet-window.h"

struct _QuartetCallView
{
  GtkWidget parent_instance;

  GtkWidget *content; /* the template's top box: dispose_template() unparents it */
  GtkWidget *header_bar;
  AdwWindowTitle *title;
  GtkLabel *duration_label;
  GtkGrid *grid;

  QuartetCall *call;
  GPtrArray *tiles; /* QuartetVideoTile, in the order of the participants */
  gboolean show_statistics;
};

G_DEFINE_FINAL_TYPE (QuartetCallView, quartet_call_view, GTK_TYPE_WIDGET)

static void
clear_tiles (QuartetCallView *self)
{
  for (guint i = 0; i < self->tiles->len; i++)
    gtk_grid_remove (self->grid, g_ptr_array_index (self->tiles, i));
  g_ptr_array_set_size (self->tiles, 0);
}

/* Rebuilt from the model on every change: at most four tiles, and tiles of
 * people still in the call are reused so that their video does not blink. */
static void
on_participants_changed_cb (GListModel *participants,
                            guint position,
                            guint removed,
                            guint added,
                            QuartetCallView *self)
{
  g_autoptr (GPtrArray) old = g_steal_pointer (&self->tiles);
  guint n = MIN (g_list_model_get_n_items (participants), QUARTET_CALL_MAX_TILES);

  self->tiles = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetParticipant) participant = g_list_model_get_item (participants, i);
      GtkWidget *tile = NULL;

      for (guint j = 0; j < old->len && tile == NULL; j++)
        if (quartet_video_tile_get_participant (g_ptr_array_index (old, j)) == participant)
          tile = g_object_ref (g_ptr_array_index (old, j));

      if (tile == NULL)
        tile = g_object_ref_sink (quartet_video_tile_new (participant));
      quartet_video_tile_set_show_statistics (QUARTET_VIDEO_TILE (tile), self->show_statistics);
      g_ptr_array_add (self->tiles, tile);
    }

  for (guint j = 0; j < old->len; j++)
    gtk_grid_remove (self->grid, g_ptr_array_index (old, j));

  for (guint i = 0; i < self->tiles->len; i++)
    {
      QuartetTilePosition at = quartet_call_layout_position (self->tiles->len, i);

      gtk_grid_attach (self->grid, g_ptr_array_index (self->tiles, i), at.column, at.row,
                       at.column_span, 1);
    }
}

void
quartet_call_view_set_show_statistics (QuartetCallView *self, gboolean show)
{
  g_return_if_fail (QUARTET_IS_CALL_VIEW (self));

  self->show_statistics = !!show;
  for (guint i = 0; i < self->tiles->len; i++)
    quartet_video_tile_set_show_statistics (g_ptr_array_index (self->tiles, i), show);
}

static void
on_duration_cb (QuartetCall *call, GParamSpec *pspec, QuartetCallView *self)
{
  g_autofree char *text = quartet_call_layout_format_duration (quartet_call_get_duration (call));

  gtk_label_set_label (self->duration_label, text);
}

static void
update_title (QuartetCallView *self)
{
  gboolean video = quartet_call_get_call_type (self->call) == QUARTET_CALL_TYPE_VIDEO;

  if (!quartet_call_get_connected (self->call))
    adw_window_title_set_title (self->title, _("Calling…"));
  else
    adw_window_title_set_title (self->title, video ? _("Video Call") : _("Audio Call"));
}

static void
on_connection_failed_cb (QuartetCall *call, const char *message, QuartetCallView *self)
{
  quartet_window_toast (GTK_WIDGET (self), message);
}

static void
on_connected_cb (QuartetCall *call, GParamSpec *pspec, QuartetCallView *self)
{
  update_title (self);
}

QuartetCall *
quartet_call_view_get_call (QuartetCallView *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_VIEW (self), NULL);
  return self->call;
}

void
quartet_call_view_set_call (QuartetCallView *self, QuartetCall *call)
{
  g_return_if_fail (QUARTET_IS_CALL_VIEW (self));
  g_return_if_fail (call == NULL || QUARTET_IS_CALL (call));

  if (self->call == call)
    return;

  if (self->call != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      g_signal_handlers_disconnect_by_data (quartet_call_get_participants (self->call), self);
    }
  clear_tiles (self);
  g_set_object (&self->call, call);
  if (call == NULL)
    return;

  g_signal_connect (quartet_call_get_participants (call), "items-changed",
                    G_CALLBACK (on_participants_changed_cb), self);
  g_signal_connect (call, "notify::duration", G_CALLBACK (on_duration_cb), self);
  g_signal_connect (call, "notify::connected", G_CALLBACK (on_connected_cb), self);
  g_signal_connect (call, "connection-failed", G_CALLBACK (on_connection_failed_cb), self);
  on_participants_changed_cb (quartet_call_get_participants (call), 0, 0, 0, self);
  on_duration_cb (call, NULL, self);
  update_title (self);
}

static void
quartet_call_view_dispose (GObject *object)
{
  QuartetCallView *self = QUARTET_CALL_VIEW (object);
  quartet_call_view_set_call (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_CALL_VIEW);
  g_clear_pointer (&self->tiles, g_ptr_array_unref);

  G_OBJECT_CLASS (quartet_call_view_parent_class)->dispose (object);
}

static void
quartet_call_view_class_init (QuartetCallViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = quartet_call_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartet/Quartet/quartet-call-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, content);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, header_bar);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, title);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, duration_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, grid);
}

static void
quartet_call_view_init (QuartetCallView *self)
{
  self->tiles = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
}
