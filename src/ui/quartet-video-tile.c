/* quartet-video-tile.c: one person's video (or avatar), name and state in the call grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tile follows its QuartetParticipant through notify:: handlers and
 * pulls frames from it on the frame clock: a tick fetches the newest
 * sample (a reference, never a wait) and QuartetVideoPaintable uploads it
 * only when it is a new buffer.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-video-tile.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "quartet-call-layout.h"
#include "quartet-video-paintable.h"

struct _QuartetVideoTile
{
  GtkWidget parent_instance;

  GtkWidget *overlay;
  GtkStack *stack;
  AdwAvatar *avatar;
  GtkPicture *picture;
  GtkWidget *state_box;
  GtkSpinner *spinner;
  GtkLabel *state_label;
  GtkLabel *name_label;
  GtkWidget *mic_off_icon;
  GtkWidget *camera_off_icon;
  GtkImage *quality_icon;
  GtkLabel *statistics_label;
  GtkWidget *spotlight_button;
  GtkWidget *sharing_banner;
  GtkWidget *speaking_icon;
  GtkWidget *muted_box;
  GtkLevelBar *muted_meter;

  QuartetParticipant *participant;
  gboolean show_statistics;
  QuartetVideoPaintable *paintable;
  guint tick_id;
  gint64 new_frame_us; /* when the picture last changed */
  gboolean stale;      /* no new frame for STALE_AFTER_US */
};

/* A remote picture that stops (their camera went off without a word, as a
 * QuickBlox JS peer's does, or the network broke) is not left frozen:
 * after this long the tile shows their avatar, until frames come again. */
#define STALE_AFTER_US (2 * G_USEC_PER_SEC)

/* The meter's scale: quieter than this is the empty bar. */
#define METER_FLOOR_DB -60.0

G_DEFINE_FINAL_TYPE (QuartetVideoTile, quartet_video_tile, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PARTICIPANT,
  PROP_SHOW_STATISTICS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
shows_video (QuartetVideoTile *self)
{
  return quartet_participant_get_has_video (self->participant)
         && !quartet_participant_get_video_muted (self->participant)
         && quartet_video_paintable_has_frame (self->paintable) && !self->stale;
}

static void
update_page (QuartetVideoTile *self)
{
  gtk_stack_set_visible_child_name (self->stack, shows_video (self) ? "video" : "avatar");
}

static gboolean
on_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  QuartetVideoTile *self = QUARTET_VIDEO_TILE (widget);
  g_autoptr (GstSample) sample = NULL;
  gboolean had_frame = quartet_video_paintable_has_frame (self->paintable);
  gboolean was_stale = self->stale;
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  /* The streams are 30 fps and not in step with each other: taking new
   * frames on every other tick of the 60 Hz clock, in all tiles at once,
   * redraws the grid 30 times a second instead of up to 60, which halves
   * the drawing without losing a frame. */
  if (self->participant == NULL || !quartet_participant_get_has_video (self->participant)
      || gdk_frame_clock_get_frame_counter (clock) % 2 != 0)
    return G_SOURCE_CONTINUE;

  /* At the tile's size: a 720p frame converted and copied for a tile of a
   * third of that cost four times the memory and was scaled down again
   * when drawn. */
  sample = quartet_participant_get_frame (
      self->participant,
      (guint)(gtk_widget_get_width (widget) * gtk_widget_get_scale_factor (widget)));
  if (sample != NULL && quartet_video_paintable_set_sample (self->paintable, sample))
    self->new_frame_us = now;

  /* Our own preview never goes stale: a camera that is off says so. */
  self->stale = !quartet_participant_get_is_self (self->participant) && had_frame
                && now - self->new_frame_us > STALE_AFTER_US;
  if (had_frame != quartet_video_paintable_has_frame (self->paintable) || was_stale != self->stale)
    update_page (self);

  return G_SOURCE_CONTINUE;
}

static void
update_state (QuartetVideoTile *self)
{
  QuartetParticipantState state = quartet_participant_get_state (self->participant);
  const char *label = quartet_call_layout_state_label (state);
  gboolean busy = quartet_call_layout_state_is_busy (state);

  /* Ours has no connection state, but may say why there is no camera. */
  if (label == NULL)
    label = quartet_participant_get_notice (self->participant);

  gtk_label_set_label (self->state_label, label ? label : "");
  gtk_widget_set_visible (self->state_box, label != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy && label != NULL);
  /* The last picture stays, dimmed, while the connection is repaired. */
  if (state == QUARTET_PARTICIPANT_STATE_RECONNECTING)
    gtk_widget_add_css_class (GTK_WIDGET (self), "reconnecting");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "reconnecting");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  label ? label : _("Connected"), -1);
}

/* Whoever speaks gets a frame and a "Speaking" icon by their name; we,
 * when we speak into a muted microphone, a meter that says so instead. */
static void
update_speaking (QuartetVideoTile *self)
{
  gboolean speaking = quartet_participant_get_speaking (self->participant);
  gboolean muted = quartet_participant_get_audio_muted (self->participant);
  gboolean talking_muted = speaking && muted && quartet_participant_get_is_self (self->participant);

  if (speaking && !muted)
    gtk_widget_add_css_class (GTK_WIDGET (self), "speaking");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "speaking");
  gtk_widget_set_visible (self->speaking_icon, speaking && !muted);
  gtk_widget_set_visible (self->muted_box, talking_muted);
}

static void
update_meter (QuartetVideoTile *self)
{
  double level = quartet_participant_get_audio_level (self->participant);

  if (gtk_widget_get_visible (self->muted_box))
    gtk_level_bar_set_value (self->muted_meter,
                             CLAMP ((level - METER_FLOOR_DB) / -METER_FLOOR_DB, 0.0, 1.0));
}

static void
update_icons (QuartetVideoTile *self)
{
  gboolean sharing = quartet_participant_get_sharing_screen (self->participant);

  gtk_widget_set_visible (self->mic_off_icon,
                          quartet_participant_get_audio_muted (self->participant));
  gtk_widget_set_visible (self->camera_off_icon,
                          quartet_participant_get_video_muted (self->participant));
  gtk_widget_set_visible (self->sharing_banner, sharing);
  /* Our own picture as a mirror shows it: raising the right hand raises
   * the hand on the right. The others see it the right way round, and a
   * shared screen is shown as they see it, its text readable. */
  quartet_video_paintable_set_mirrored (
      self->paintable, quartet_participant_get_is_self (self->participant) && !sharing);
  update_page (self);
  update_speaking (self);
  update_meter (self);
}

/* Only for the others: our own tile has no connection to describe. */
static void
update_statistics (QuartetVideoTile *self)
{
  const char *text = quartet_participant_get_statistics (self->participant);

  gtk_label_set_label (self->statistics_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->statistics_label),
                          self->show_statistics && text != NULL);
}

/* The bars beside their name, and what they mean in words. */
static void
update_quality (QuartetVideoTile *self)
{
  QuartetCallQuality quality = quartet_participant_get_quality (self->participant);
  const char *label = quartet_call_quality_label (quality);

  gtk_image_set_from_icon_name (self->quality_icon, quartet_call_quality_icon_name (quality));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->quality_icon), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->quality_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label ? label : "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->quality_icon), label != NULL);
}

static void
on_participant_notify_cb (QuartetParticipant *participant, GParamSpec *pspec, QuartetVideoTile *self)
{
  /* Once a second: leave the rest (and its accessibility events) alone. */
  if (g_str_equal (pspec->name, "statistics"))
    {
      update_statistics (self);
      return;
    }
  if (g_str_equal (pspec->name, "quality"))
    {
      update_quality (self);
      return;
    }
  /* Five times a second while someone talks: the meter alone. */
  if (g_str_equal (pspec->name, "audio-level"))
    {
      update_meter (self);
      return;
    }
  if (g_str_equal (pspec->name, "speaking"))
    {
      update_speaking (self);
      update_meter (self);
      return;
    }
  update_state (self);
  update_icons (self);
}

static void
set_participant (QuartetVideoTile *self, QuartetParticipant *participant)
{
  const char *name = quartet_participant_get_name (participant);
  g_autofree char *shown = NULL;

  g_assert (self->participant == NULL);
  self->participant = g_object_ref (participant);

  shown = quartet_participant_get_is_self (participant) ? g_strdup_printf (_("%s (you)"), name)
                                                        : g_strdup (name);
  gtk_label_set_label (self->name_label, shown);
  adw_avatar_set_text (self->avatar, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, shown, -1);

  g_signal_connect_object (participant, "notify", G_CALLBACK (on_participant_notify_cb), self, 0);
  update_state (self);
  update_icons (self);
  update_statistics (self);
  update_quality (self);
}

void
quartet_video_tile_set_show_statistics (QuartetVideoTile *self, gboolean show)
{
  g_return_if_fail (QUARTET_IS_VIDEO_TILE (self));

  show = !!show;
  if (self->show_statistics == show)
    return;

  self->show_statistics = show;
  if (self->participant != NULL)
    update_statistics (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_STATISTICS]);
}

/* The keyboard's way to what a double-click does (the call view's
 * "view.spotlight" action, with this person's user id; "" for ours). */
static void
on_spotlight_clicked_cb (QuartetVideoTile *self)
{
  const char *user_id = quartet_participant_get_is_self (self->participant)
                            ? ""
                            : quartet_participant_get_user_id (self->participant);

  gtk_widget_activate_action (GTK_WIDGET (self), "view.spotlight", "s", user_id);
}

/* Large in the spotlight, or in the grid: the button says what it does. */
void
quartet_video_tile_set_spotlit (QuartetVideoTile *self, gboolean spotlit)
{
  g_autofree char *label = NULL;

  g_return_if_fail (QUARTET_IS_VIDEO_TILE (self));

  if (spotlit)
    label = g_strdup (_ ("Back to the grid"));
  else
    label = g_strdup_printf (_ ("Show %s large"), quartet_participant_get_name (self->participant));
  gtk_button_set_icon_name (GTK_BUTTON (self->spotlight_button),
                            spotlit ? "view-restore-symbolic" : "view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (self->spotlight_button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spotlight_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

QuartetParticipant *
quartet_video_tile_get_participant (QuartetVideoTile *self)
{
  g_return_val_if_fail (QUARTET_IS_VIDEO_TILE (self), NULL);
  return self->participant;
}

static void
quartet_video_tile_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetVideoTile *self = QUARTET_VIDEO_TILE (object);

  switch (prop_id)
    {
    case PROP_PARTICIPANT:
      g_value_set_object (value, self->participant);
      break;
    case PROP_SHOW_STATISTICS:
      g_value_set_boolean (value, self->show_statistics);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_video_tile_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  QuartetVideoTile *self = QUARTET_VIDEO_TILE (object);

  switch (prop_id)
    {
    case PROP_PARTICIPANT:
      set_participant (self, g_value_get_object (value));
      break;
    case PROP_SHOW_STATISTICS:
      quartet_video_tile_set_show_statistics (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_video_tile_dispose (GObject *object)
{
  QuartetVideoTile *self = QUARTET_VIDEO_TILE (object);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_VIDEO_TILE);
  g_clear_object (&self->participant);
  g_clear_object (&self->paintable);

  G_OBJECT_CLASS (quartet_video_tile_parent_class)->dispose (object);
}

static void
quartet_video_tile_class_init (QuartetVideoTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = quartet_video_tile_get_property;
  object_class->set_property = quartet_video_tile_set_property;
  object_class->dispose = quartet_video_tile_dispose;

  properties[PROP_PARTICIPANT]
    = g_param_spec_object ("participant", NULL, NULL, QUARTET_TYPE_PARTICIPANT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The connection's figures over the picture (win.statistics, Ctrl+I). */
  properties[PROP_SHOW_STATISTICS]
      = g_param_spec_boolean ("show-statistics", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartet/Quartet/quartet-video-tile.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "videotile");
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, overlay);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, stack);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, avatar);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, picture);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, state_box);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, state_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, mic_off_icon);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, camera_off_icon);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, statistics_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, quality_icon);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, spotlight_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, sharing_banner);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, speaking_icon);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, muted_box);
  gtk_widget_class_bind_template_child (widget_class, QuartetVideoTile, muted_meter);
  gtk_widget_class_bind_template_callback (widget_class, on_spotlight_clicked_cb);
}

static void
quartet_video_tile_init (QuartetVideoTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->paintable = quartet_video_paintable_new ();
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->paintable));
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick_cb, NULL, NULL);
}

GtkWidget *
quartet_video_tile_new (QuartetParticipant *participant)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (participant), NULL);

  return g_object_new (QUARTET_TYPE_VIDEO_TILE, "participant", participant, NULL);
}
