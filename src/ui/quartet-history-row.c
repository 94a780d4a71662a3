/* quartet-history-row.c: one call of the "Recent" list, with a button to call back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As a phone shows it: the people, what happened and when, and a button
 * that calls them again (the same people, audio or video as before). The
 * row only shows its record; "call-back" asks the page to place the call.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-history-row.h"

#include <glib/gi18n.h>

struct _QuartetHistoryRow
{
  GtkWidget parent_instance;

  GtkImage *outcome_icon;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkButton *call_back_button;

  QuartetCallRecord *record;
};

G_DEFINE_FINAL_TYPE (QuartetHistoryRow, quartet_history_row, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_RECORD,
  N_PROPS
};

enum
{
  CALL_BACK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
outcome_icon_name (QuartetCallRecord *record)
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

/* The button carries the whole row for a screen reader: GTK 4.8 gives a
 * list view's item no name of its own. */
static void
show_call_back (QuartetHistoryRow *self, const char *title, const char *subtitle)
{
  gboolean video = quartet_call_record_get_call_type (self->record) == QUARTET_CALL_TYPE_VIDEO;
  g_autofree char *label = g_strdup_printf (_ ("Call back %s"), title);

  gtk_button_set_icon_name (self->call_back_button,
                            video ? "camera-web-symbolic" : "call-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->call_back_button),
                               video ? _ ("Video Call") : _ ("Audio Call"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->call_back_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
}

static void
show_record (QuartetHistoryRow *self)
{
  g_autofree char *title = quartet_call_record_dup_title (self->record);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *subtitle = quartet_call_record_describe (self->record, now);

  gtk_image_set_from_icon_name (self->outcome_icon, outcome_icon_name (self->record));
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->subtitle_label, subtitle);
  show_call_back (self, title, subtitle);
  if (quartet_call_record_get_outcome (self->record) == QUARTET_CALL_OUTCOME_MISSED)
    gtk_widget_add_css_class (GTK_WIDGET (self), "missed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "missed");
}

static void
on_call_back_clicked_cb (QuartetHistoryRow *self)
{
  if (self->record != NULL)
    g_signal_emit (self, signals[CALL_BACK], 0, self->record);
}

GtkWidget *
quartet_history_row_new (void)
{
  return g_object_new (QUARTET_TYPE_HISTORY_ROW, NULL);
}

QuartetCallRecord *
quartet_history_row_get_record (QuartetHistoryRow *self)
{
  g_return_val_if_fail (QUARTET_IS_HISTORY_ROW (self), NULL);

  return self->record;
}

void
quartet_history_row_set_record (QuartetHistoryRow *self, QuartetCallRecord *record)
{
  g_return_if_fail (QUARTET_IS_HISTORY_ROW (self));
  g_return_if_fail (record == NULL || QUARTET_IS_CALL_RECORD (record));

  if (!g_set_object (&self->record, record))
    return;
  if (record != NULL)
    show_record (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD]);
}

static void
quartet_history_row_dispose (GObject *object)
{
  QuartetHistoryRow *self = QUARTET_HISTORY_ROW (object);
  GtkWidget *child;

  /* GTK 4.8's dispose_template() leaves the children it has no name for. */
  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_HISTORY_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->record);

  G_OBJECT_CLASS (quartet_history_row_parent_class)->dispose (object);
}

static void
quartet_history_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetHistoryRow *self = QUARTET_HISTORY_ROW (object);

  switch (prop_id)
    {
    case PROP_RECORD:
      g_value_set_object (value, self->record);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_history_row_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  QuartetHistoryRow *self = QUARTET_HISTORY_ROW (object);

  switch (prop_id)
    {
    case PROP_RECORD:
      quartet_history_row_set_record (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_history_row_class_init (QuartetHistoryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quartet_history_row_dispose;
  object_class->get_property = quartet_history_row_get_property;
  object_class->set_property = quartet_history_row_set_property;

  properties[PROP_RECORD]
      = g_param_spec_object ("record", NULL, NULL, QUARTET_TYPE_CALL_RECORD,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The user asked to call the record's people again. */
  signals[CALL_BACK] = g_signal_new ("call-back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, QUARTET_TYPE_CALL_RECORD);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartet/Quartet/quartet-history-row.ui");
  gtk_widget_class_set_css_name (widget_class, "historyrow");
  gtk_widget_class_bind_template_child (widget_class, QuartetHistoryRow, outcome_icon);
  gtk_widget_class_bind_template_child (widget_class, QuartetHistoryRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetHistoryRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, QuartetHistoryRow, call_back_button);
  gtk_widget_class_bind_template_callback (widget_class, on_call_back_clicked_cb);
}

static void
quartet_history_row_init (QuartetHistoryRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
