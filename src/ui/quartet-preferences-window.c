/* quartet-preferences-window.c: network (STUN/TURN, relay-only, TLS) and devices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything is bound to GSettings and takes effect at once (QuartetAccount
 * follows the network keys and the camera); only the TURN password goes to
 * the keyring, under the TURN server's URL. Cameras are listed with a
 * GstDeviceMonitor each time the window opens.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-preferences-window.h"

#include <glib/gi18n.h>
#include <gst/gst.h>

#include "quartet-device-list.h"
#include "quartet-microphone-test-row.h"
#include "quartet-secret.h"

struct _QuartetPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwComboRow *camera_row;
  AdwComboRow *microphone_row;
  AdwComboRow *speaker_row;
  QuartetMicrophoneTestRow *microphone_test_row;
  AdwComboRow *video_quality_row;
  GtkSwitch *background_switch;
  GtkSwitch *echo_switch;
  GtkSwitch *busy_switch;
  GtkSpinButton *answer_timeout_button;
  GtkSwitch *relay_only_switch;
  GtkSwitch *tls_switch;
  AdwActionRow *pinned_row;
  GtkWidget *forget_button;
  AdwActionRow *servers_row;
  AdwEntryRow *stun_row;
  AdwEntryRow *turn_row;
  AdwEntryRow *turn_user_row;
  AdwEntryRow *turn_password_row;

  GSettings *settings;
  GPtrArray *camera_values;     /* the "camera" setting for each camera_row item */
  GPtrArray *microphone_values; /* the "microphone" setting for each microphone_row item */
  GPtrArray *speaker_values;    /* the "speaker" setting for each speaker_row item */
};

G_DEFINE_FINAL_TYPE (QuartetPreferencesWindow,
                     quartet_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

static void
add_choice (GtkStringList *list, GPtrArray *values, const char *label, const char *value)
{
  gtk_string_list_append (list, label);
  g_ptr_array_add (values, g_strdup (value));
}

/* The devices the engine can be told to use, as plugged in now (cameras:
 * the Camera portal's in a sandbox). */
static void
list_devices (QuartetDeviceList *devices,
              QuartetDeviceKind kind,
              GtkStringList *list,
              GPtrArray *values)
{
  GListModel *model = quartet_device_list_get_devices (devices, kind);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GstDevice) device = g_list_model_get_item (model, i);
      g_autofree char *name = gst_device_get_display_name (device);
      g_autofree char *value = quartet_device_list_dup_value (kind, device);

      if (value != NULL)
        add_choice (list, values, name, value);
    }
}

static void
select_value (AdwComboRow *row, GPtrArray *values, const char *value)
{
  guint index = 0;

  if (g_ptr_array_find_with_equal_func (values, value, g_str_equal, &index))
    adw_combo_row_set_selected (row, index);
}

static void
save_choice (QuartetPreferencesWindow *self, AdwComboRow *row, GPtrArray *values, const char *key)
{
  guint index = adw_combo_row_get_selected (row);

  if (index < values->len)
    g_settings_set_string (self->settings, key, g_ptr_array_index (values, index));
}

static void
on_camera_selected_cb (QuartetPreferencesWindow *self)
{
  save_choice (self, self->camera_row, self->camera_values, "camera");
}

static void
on_speaker_selected_cb (QuartetPreferencesWindow *self)
{
  save_choice (self, self->speaker_row, self->speaker_values, "speaker");
}

static void
on_microphone_selected_cb (QuartetPreferencesWindow *self)
{
  save_choice (self, self->microphone_row, self->microphone_values, "microphone");
}

static void
setup_devices (QuartetPreferencesWindow *self, QuartetAccount *account)
{
  g_autoptr (QuartetDeviceList) devices = quartet_account_watch_devices (account);
  g_autoptr (GtkStringList) cameras = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) microphones = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) speakers = gtk_string_list_new (NULL);
  g_autofree char *camera = g_settings_get_string (self->settings, "camera");
  g_autofree char *microphone = g_settings_get_string (self->settings, "microphone");
  g_autofree char *speaker = g_settings_get_string (self->settings, "speaker");

  add_choice (cameras, self->camera_values, _("Default camera"), "camera");
  list_devices (devices, QUARTET_DEVICE_KIND_CAMERA, cameras, self->camera_values);
  add_choice (cameras, self->camera_values, _("Test pattern"), "pattern:smpte");
  add_choice (cameras, self->camera_values, _("No camera"), "none");
  adw_combo_row_set_model (self->camera_row, G_LIST_MODEL (cameras));
  select_value (self->camera_row, self->camera_values, camera);

  add_choice (microphones, self->microphone_values, _("Default microphone"), "mic");
  list_devices (devices, QUARTET_DEVICE_KIND_MICROPHONE, microphones, self->microphone_values);
  add_choice (microphones, self->microphone_values, _("Test tone"), "tone");
  add_choice (microphones, self->microphone_values, _("No microphone"), "none");
  adw_combo_row_set_model (self->microphone_row, G_LIST_MODEL (microphones));
  select_value (self->microphone_row, self->microphone_values, microphone);

  add_choice (speakers, self->speaker_values, _ ("Default speaker"), "speaker");
  list_devices (devices, QUARTET_DEVICE_KIND_SPEAKER, speakers, self->speaker_values);
  adw_combo_row_set_model (self->speaker_row, G_LIST_MODEL (speakers));
  select_value (self->speaker_row, self->speaker_values, speaker);

  g_signal_connect_swapped (self->camera_row, "notify::selected",
                            G_CALLBACK (on_camera_selected_cb), self);
  g_signal_connect_swapped (self->microphone_row, "notify::selected",
                            G_CALLBACK (on_microphone_selected_cb), self);
  g_signal_connect_swapped (self->speaker_row, "notify::selected",
                            G_CALLBACK (on_speaker_selected_cb), self);
  quartet_microphone_test_row_set_settings (self->microphone_test_row, self->settings);
}

/* "stun://a:1, stun://b:2" <-> ["stun://a:1", "stun://b:2"] */
static gboolean
strv_to_text (GValue *value, GVariant *variant, gpointer user_data)
{
  g_autofree const char **urls = g_variant_get_strv (variant, NULL);
  g_autofree char *text = g_strjoinv (", ", (char **)urls);

  g_value_set_string (value, text);
  return TRUE;
}

static GVariant *
text_to_strv (const GValue *value, const GVariantType *type, gpointer user_data)
{
  g_auto (GStrv) parts = g_strsplit (g_value_get_string (value), ",", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) urls = NULL;

  for (char **part = parts; *part != NULL; part++)
    if (*g_strstrip (*part) != '\0')
      g_strv_builder_add (builder, *part);

  urls = g_strv_builder_end (builder);
  return g_variant_new_strv ((const char *const *)urls, -1);
}

/* The "video-quality" nicks, in the order of the row's choices. */
static const char *const video_qualities[] = { "auto", "720p", "480p", "360p" };

static gboolean
quality_to_selected (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (video_qualities); i++)
    if (g_str_equal (nick, video_qualities[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
selected_to_quality (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint selected = g_value_get_uint (value);

  return selected < G_N_ELEMENTS (video_qualities)
             ? g_variant_new_string (video_qualities[selected])
             : NULL;
}

/* GSettings maps a "u" key to a uint property only; the spin button's is a double. */
static gboolean
seconds_to_value (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
value_to_seconds (const GValue *value, const GVariantType *type, gpointer user_data)
{
  return g_variant_new_uint32 ((guint32)g_value_get_double (value));
}

static void
update_pinned (QuartetPreferencesWindow *self)
{
  g_autofree char *pinned = g_settings_get_string (self->settings, "pinned-fingerprint");

  adw_action_row_set_subtitle (self->pinned_row, *pinned ? pinned : _("None"));
  gtk_widget_set_sensitive (self->forget_button, *pinned != '\0');
}

static void
on_forget_clicked_cb (QuartetPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "pinned-fingerprint", "");
  update_pinned (self);
}

static void
on_turn_password_apply_cb (QuartetPreferencesWindow *self)
{
  g_autofree char *turn = g_settings_get_string (self->settings, "turn-server");
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->turn_password_row));

  if (*turn == '\0')
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Enter the TURN server first")));
      return;
    }

  if (*password != '\0')
    quartet_secret_store_password (turn, password);
  else
    quartet_secret_clear_password (turn);
  /* Have the account fetch it again. */
  g_settings_set_string (self->settings, "turn-user",
                         gtk_editable_get_text (GTK_EDITABLE (self->turn_user_row)));
  gtk_editable_set_text (GTK_EDITABLE (self->turn_password_row), "");
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("TURN password saved in the keyring")));
}

static void
quartet_preferences_window_dispose (GObject *object)
{
  QuartetPreferencesWindow *self = QUARTET_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->camera_values, g_ptr_array_unref);
  g_clear_pointer (&self->microphone_values, g_ptr_array_unref);
  g_clear_pointer (&self->speaker_values, g_ptr_array_unref);

  G_OBJECT_CLASS (quartet_preferences_window_parent_class)->dispose (object);
}

static void
quartet_preferences_window_class_init (QuartetPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = quartet_preferences_window_dispose;

  g_type_ensure (QUARTET_TYPE_MICROPHONE_TEST_ROW);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/quartet/Quartet/quartet-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, camera_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, microphone_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, speaker_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow,
                                        microphone_test_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, video_quality_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, echo_switch);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, busy_switch);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow,
                                        answer_timeout_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, relay_only_switch);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, pinned_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, forget_button);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, servers_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, stun_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, turn_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, turn_user_row);
  gtk_widget_class_bind_template_child (widget_class, QuartetPreferencesWindow, turn_password_row);
  gtk_widget_class_bind_template_callback (widget_class, on_forget_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_turn_password_apply_cb);
}

static void
quartet_preferences_window_init (QuartetPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->camera_values = g_ptr_array_new_with_free_func (g_free);
  self->microphone_values = g_ptr_array_new_with_free_func (g_free);
  self->speaker_values = g_ptr_array_new_with_free_func (g_free);
}

static gboolean
summary_to_subtitle (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  const char *summary = g_value_get_string (from);

  g_value_set_string (to, summary != NULL ? summary
                                          : _ ("None: calls can only go direct. Add a TURN server "
                                               "below, or use an XMPP server that offers one."));
  return TRUE;
}

/* A sandboxed Quartet whose camera the desktop refused says so where the
 * camera is chosen, and where to allow it. */
static gboolean
camera_refused_to_subtitle (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_set_string (to, g_value_get_boolean (from)
                              ? _ ("Not allowed: let Quartet use the camera in the system "
                                   "settings (Privacy, Camera), then sign in again")
                              : NULL);
  return TRUE;
}

GtkWidget *
quartet_preferences_window_new (GtkWindow *parent, GSettings *settings, QuartetAccount *account)
{
  QuartetPreferencesWindow *self
    = g_object_new (QUARTET_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);

  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "relay-only", self->relay_only_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "require-tls", self->tls_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "turn-server", self->turn_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "turn-user", self->turn_user_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "stun-servers", self->stun_row, "text",
                                G_SETTINGS_BIND_DEFAULT, strv_to_text, text_to_strv, NULL, NULL);
  g_settings_bind (settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "echo-cancellation", self->echo_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "ring-when-busy", self->busy_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "video-quality", self->video_quality_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, quality_to_selected, selected_to_quality,
                                NULL, NULL);
  g_settings_bind_with_mapping (settings, "answer-timeout", self->answer_timeout_button, "value",
                                G_SETTINGS_BIND_DEFAULT, seconds_to_value, value_to_seconds, NULL,
                                NULL);
  /* Signed in or not: the servers follow the account's. */
  g_object_bind_property_full (account, "ice-servers-summary", self->servers_row, "subtitle",
                               G_BINDING_SYNC_CREATE, summary_to_subtitle, NULL, NULL, NULL);
  g_object_bind_property_full (account, "camera-refused", self->camera_row, "subtitle",
                               G_BINDING_SYNC_CREATE, camera_refused_to_subtitle, NULL, NULL, NULL);
  update_pinned (self);
  setup_devices (self, account);
  return GTK_WIDGET (self);
}
