/* quartet-call-view.c: the call grid and its controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One QuartetVideoTile per participant of the QuartetCall, placed by
 * quartet_call_layout_position() whenever the participants change; a
 * double-click makes one tile large across the top with the others in a
 * strip below (quartet_call_layout_spotlight_position()), a double-click
 * or Escape brings the grid back. The
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
  GtkMenuButton *devices_button;
  AdwWindowTitle *title;
  GtkLabel *duration_label;
  GtkGrid *grid;

  QuartetCall *call;
  GPtrArray *tiles; /* QuartetVideoTile, in the order of the participants */
  gboolean show_statistics;
  QuartetParticipant *spotlight; /* shown large, or NULL: the grid */
};

G_DEFINE_FINAL_TYPE (QuartetCallView, quartet_call_view, GTK_TYPE_WIDGET)

static void
clear_tiles (QuartetCallView *self)
{
  for (guint i = 0; i < self->tiles->len; i++)
    gtk_grid_remove (self->grid, g_ptr_array_index (self->tiles, i));
  g_ptr_array_set_size (self->tiles, 0);
  g_clear_object (&self->spotlight);
}

static void
place_tiles (QuartetCallView *self)
{
  guint spotlight = G_MAXUINT;

  for (guint i = 0; i < self->tiles->len; i++)
    {
      GtkWidget *tile = g_ptr_array_index (self->tiles, i);

      if (gtk_widget_get_parent (tile) == GTK_WIDGET (self->grid))
        gtk_grid_remove (self->grid, tile);
      if (quartet_video_tile_get_participant (QUARTET_VIDEO_TILE (tile)) == self->spotlight)
        spotlight = i;
    }

  for (guint i = 0; i < self->tiles->len; i++)
    {
      QuartetTilePosition at
          = spotlight != G_MAXUINT
                ? quartet_call_layout_spotlight_position (self->tiles->len, spotlight, i)
                : quartet_call_layout_position (self->tiles->len, i);

      GtkWidget *tile = g_ptr_array_index (self->tiles, i);

      gtk_grid_attach (self->grid, tile, at.column, at.row, at.column_span, at.row_span);
      quartet_video_tile_set_spotlit (QUARTET_VIDEO_TILE (tile), i == spotlight);
    }
}

static void
set_spotlight (QuartetCallView *self, QuartetParticipant *participant)
{
  if (g_set_object (&self->spotlight, participant))
    place_tiles (self);
}

static void
on_tile_double_click_cb (GtkGestureClick *gesture, int n_press, double x, double y, gpointer data)
{
  QuartetCallView *self = data;
  GtkWidget *tile = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  QuartetParticipant *participant = quartet_video_tile_get_participant (QUARTET_VIDEO_TILE (tile));

  if (n_press != 2)
    return;
  set_spotlight (self, self->spotlight == participant ? NULL : participant);
}

/* "view.spotlight" (user id, "" for our own tile): a tile's button. */
static void
spotlight_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  QuartetCallView *self = QUARTET_CALL_VIEW (widget);
  const char *user_id = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < self->tiles->len; i++)
    {
      QuartetParticipant *participant
          = quartet_video_tile_get_participant (g_ptr_array_index (self->tiles, i));
      gboolean is_self = quartet_participant_get_is_self (participant);

      if ((is_self && *user_id == '\0')
          || (!is_self && g_strcmp0 (quartet_participant_get_user_id (participant), user_id) == 0))
        {
          set_spotlight (self, self->spotlight == participant ? NULL : participant);
          return;
        }
    }
}

static gboolean
on_escape_cb (GtkWidget *widget, GVariant *args, gpointer data)
{
  QuartetCallView *self = QUARTET_CALL_VIEW (widget);

  if (self->spotlight == NULL || !gtk_widget_get_mapped (widget))
    return FALSE; /* not ours: the key goes on */
  set_spotlight (self, NULL);
  return TRUE;
}

static GtkWidget *
new_tile (QuartetCallView *self, QuartetParticipant *participant)
{
  GtkWidget *tile = g_object_ref_sink (quartet_video_tile_new (participant));
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (click, "pressed", G_CALLBACK (on_tile_double_click_cb), self);
  gtk_widget_add_controller (tile, GTK_EVENT_CONTROLLER (click));
  return tile;
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
  gboolean spotlight_stays = FALSE;

  self->tiles = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetParticipant) participant = g_list_model_get_item (participants, i);
      GtkWidget *tile = NULL;

      for (guint j = 0; j < old->len && tile == NULL; j++)
        if (quartet_video_tile_get_participant (g_ptr_array_index (old, j)) == participant)
          tile = g_object_ref (g_ptr_array_index (old, j));

      if (tile == NULL)
        tile = new_tile (self, participant);
      quartet_video_tile_set_show_statistics (QUARTET_VIDEO_TILE (tile), self->show_statistics);
      g_ptr_array_add (self->tiles, tile);
      if (participant == self->spotlight)
        spotlight_stays = TRUE;
    }

  for (guint j = 0; j < old->len; j++)
    gtk_grid_remove (self->grid, g_ptr_array_index (old, j));

  /* The person shown large left: back to the grid. */
  if (!spotlight_stays)
    g_clear_object (&self->spotlight);
  place_tiles (self);
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

/* (nullable): the cameras, microphones and speakers to pick from in the call. */
void
quartet_call_view_set_devices_menu (QuartetCallView *self, GMenuModel *menu)
{
  g_return_if_fail (QUARTET_IS_CALL_VIEW (self));

  gtk_menu_button_set_menu_model (self->devices_button, menu);
  gtk_widget_set_sensitive (GTK_WIDGET (self->devices_button), menu != NULL);
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
  gtk_widget_class_install_action (widget_class, "view.spotlight", "s", spotlight_action);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, content);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, header_bar);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, devices_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, title);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, duration_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetCallView, grid);
}

static void
add_escape_shortcut (QuartetCallView *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  /* Global: Escape works wherever the focus is in the window. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                        gtk_callback_action_new (on_escape_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

static void
quartet_call_view_init (QuartetCallView *self)
{
  self->tiles = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  add_escape_shortcut (self);
}
