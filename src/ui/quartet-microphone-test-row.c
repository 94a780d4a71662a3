/* quartet-microphone-test-row.c: "Test Microphone" in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Before a call, the question is "can they hear me, and how do I sound":
 * the row shows the microphone's level as you speak and plays what you
 * said back through the chosen speaker two seconds later
 * (QuartetMicrophoneTest). The microphone is open only while the test
 * runs: pressed, stopped, or the window closed.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-microphone-test-row.h"

#include <glib/gi18n.h>

#include "quartet-device-list.h"
#include "quartet.h"

/* The meter's scale, as on the call's tiles: quieter is the empty bar. */
#define METER_FLOOR_DB -60.0
#define METER_INTERVAL_MS 100

struct _QuartetMicrophoneTestRow
{
  AdwActionRow parent_instance;

  GtkLevelBar *meter;
  GtkButton *button;

  GSettings *settings;
  QuartetMicrophoneTest *test;
  guint meter_id;
};

G_DEFINE_FINAL_TYPE (QuartetMicrophoneTestRow, quartet_microphone_test_row, ADW_TYPE_ACTION_ROW)

static void
update_row (QuartetMicrophoneTestRow *self, const char *error)
{
  gboolean running = self->test != NULL;
  const char *subtitle;

  if (error != NULL)
    subtitle = error;
  else if (!running)
    subtitle = _ ("Say something and hear it two seconds later");
  else if (!quartet_microphone_test_get_playing_back (self->test))
    subtitle = _ ("Recording: say something…");
  else
    subtitle = _ ("Playing back what you said: keep talking, or stop");

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_button_set_label (self->button, running ? _ ("_Stop") : _ ("_Test"));
  gtk_widget_set_visible (GTK_WIDGET (self->meter), running);
}

static gboolean
on_meter_cb (gpointer user_data)
{
  QuartetMicrophoneTestRow *self = user_data;
  double level = quartet_microphone_test_get_level (self->test);

  gtk_level_bar_set_value (self->meter,
                           CLAMP ((level - METER_FLOOR_DB) / -METER_FLOOR_DB, 0.0, 1.0));
  return G_SOURCE_CONTINUE;
}

static void
on_playing_back_cb (QuartetMicrophoneTestRow *self)
{
  update_row (self, NULL);
}

static void
stop_test (QuartetMicrophoneTestRow *self)
{
  g_clear_handle_id (&self->meter_id, g_source_remove);
  if (self->test != NULL)
    g_signal_handlers_disconnect_by_data (self->test, self);
  g_clear_object (&self->test);
}

static void
start_test (QuartetMicrophoneTestRow *self)
{
  g_autofree char *microphone = g_settings_get_string (self->settings, "microphone");
  g_autofree char *speaker = g_settings_get_string (self->settings, "speaker");
  g_autoptr (GError) error = NULL;

  if (g_str_equal (microphone, "none"))
    {
      update_row (self, _ ("Choose a microphone above to test it"));
      return;
    }

  self->test
      = quartet_microphone_test_new (microphone, quartet_device_list_value_to_name (speaker));
  g_signal_connect_swapped (self->test, "notify::playing-back", G_CALLBACK (on_playing_back_cb),
                            self);
  if (!quartet_microphone_test_start (self->test, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The microphone could not be tested: %s"), error->message);

      stop_test (self);
      update_row (self, message);
      return;
    }

  gtk_level_bar_set_value (self->meter, 0);
  self->meter_id = g_timeout_add (METER_INTERVAL_MS, on_meter_cb, self);
  update_row (self, NULL);
}

static void
on_button_clicked_cb (QuartetMicrophoneTestRow *self)
{
  g_return_if_fail (self->settings != NULL);

  if (self->test != NULL)
    {
      stop_test (self);
      update_row (self, NULL);
    }
  else
    start_test (self);
}

void
quartet_microphone_test_row_set_settings (QuartetMicrophoneTestRow *self, GSettings *settings)
{
  g_return_if_fail (QUARTET_IS_MICROPHONE_TEST_ROW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);
}

/* Closed with the window, or hidden with its page: the microphone too. */
static void
quartet_microphone_test_row_unmap (GtkWidget *widget)
{
  QuartetMicrophoneTestRow *self = QUARTET_MICROPHONE_TEST_ROW (widget);

  stop_test (self);
  update_row (self, NULL);

  GTK_WIDGET_CLASS (quartet_microphone_test_row_parent_class)->unmap (widget);
}

static void
quartet_microphone_test_row_dispose (GObject *object)
{
  QuartetMicrophoneTestRow *self = QUARTET_MICROPHONE_TEST_ROW (object);

  stop_test (self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_MICROPHONE_TEST_ROW);

  G_OBJECT_CLASS (quartet_microphone_test_row_parent_class)->dispose (object);
}

static void
quartet_microphone_test_row_class_init (QuartetMicrophoneTestRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quartet_microphone_test_row_dispose;
  widget_class->unmap = quartet_microphone_test_row_unmap;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/quartet/Quartet/quartet-microphone-test-row.ui");
  gtk_widget_class_bind_template_child (widget_class, QuartetMicrophoneTestRow, meter);
  gtk_widget_class_bind_template_child (widget_class, QuartetMicrophoneTestRow, button);
  gtk_widget_class_bind_template_callback (widget_class, on_button_clicked_cb);
}

static void
quartet_microphone_test_row_init (QuartetMicrophoneTestRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_row (self, NULL);
}
