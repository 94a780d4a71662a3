/* quartet-devices-menu.c: the call's menu of cameras, microphones and speakers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One section per kind, one radio item per device plugged in now
 * (QuartetDeviceList), kept up to date as devices come and go. A choice
 * goes to the account, which switches live; a device in use that is
 * unplugged gives way to the system's default (the sound server moves the
 * stream by itself; a camera's picture stops, so the camera turns off) and
 * the user is told.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-devices-menu.h"

#include <glib/gi18n.h>

#define N_KINDS QUARTET_N_DEVICE_KINDS

struct _QuartetDevicesMenu
{
  GObject parent_instance;

  QuartetAccount *account;
  QuartetDeviceList *devices;
  GListModel *lists[N_KINDS]; /* the devices' */
  GMenu *sections[N_KINDS];
  GMenu *menu;
  GSimpleActionGroup *actions;
  GHashTable *names[N_KINDS]; /* value -> display name, of the devices listed */
};

G_DEFINE_FINAL_TYPE (QuartetDevicesMenu, quartet_devices_menu, G_TYPE_OBJECT)

enum
{
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const action_names[] = { "camera", "microphone", "speaker" };
/* The settings' words for "the default" of each kind. */
static const char *const default_values[] = { "camera", "mic", "speaker" };

static GAction *
get_action (QuartetDevicesMenu *self, QuartetDeviceKind kind)
{
  return g_action_map_lookup_action (G_ACTION_MAP (self->actions), action_names[kind]);
}

/* The item to check: the device in use, the default one for "the default". */
static void
update_state (QuartetDevicesMenu *self, QuartetDeviceKind kind)
{
  g_autofree char *value = quartet_account_dup_device (self->account, kind);
  g_autofree char *default_value = NULL;

  if (g_str_equal (value, default_values[kind])
      && (default_value = quartet_device_list_dup_default_value (self->devices, kind)) != NULL)
    {
      g_free (value);
      value = g_steal_pointer (&default_value);
    }

  g_simple_action_set_state (G_SIMPLE_ACTION (get_action (self, kind)),
                             g_variant_new_string (value));
}

static void
add_item (GMenu *section, const char *label, const char *action, const char *value)
{
  g_autofree char *detailed = g_strdup_printf ("devices.%s", action);
  g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, detailed, g_variant_new_string (value));
  g_menu_append_item (section, item);
}

static void
rebuild_section (QuartetDevicesMenu *self, QuartetDeviceKind kind)
{
  static const char *const none_found[]
      = { N_ ("No camera found"), N_ ("No microphone found"), N_ ("No speaker found") };
  GListModel *devices = self->lists[kind];
  guint n = g_list_model_get_n_items (devices);

  g_menu_remove_all (self->sections[kind]);
  g_hash_table_remove_all (self->names[kind]);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GstDevice) device = g_list_model_get_item (devices, i);
      char *value = quartet_device_list_dup_value (kind, device);
      char *name = gst_device_get_display_name (device);

      add_item (self->sections[kind], name, action_names[kind], value);
      g_hash_table_insert (self->names[kind], value, name);
    }
  /* As in Preferences: a picture to send without a camera. */
  if (kind == QUARTET_DEVICE_KIND_CAMERA)
    add_item (self->sections[kind], _ ("Test pattern"), action_names[kind], "pattern:smpte");
  else if (n == 0)
    g_menu_append (self->sections[kind], _ (none_found[kind]), NULL);
}

/* A device in use went away: back to the default, and say so. */
static void
handle_unplugged (QuartetDevicesMenu *self, QuartetDeviceKind kind, const char *name)
{
  QuartetCall *call = quartet_account_get_call (self->account);
  g_autofree char *message = NULL;

  switch (kind)
    {
    case QUARTET_DEVICE_KIND_CAMERA:
      message = g_strdup_printf (_ ("%s was unplugged: your camera is off"), name);
      if (call != NULL)
        quartet_call_set_video_muted (call, TRUE);
      break;
    case QUARTET_DEVICE_KIND_MICROPHONE:
      message = g_strdup_printf (_ ("%s was unplugged: the default microphone is used"), name);
      quartet_account_use_device (self->account, kind, default_values[kind], NULL);
      break;
    case QUARTET_DEVICE_KIND_SPEAKER:
    default:
      message = g_strdup_printf (_ ("%s was unplugged: the default speaker is used"), name);
      quartet_account_use_device (self->account, kind, default_values[kind], NULL);
      break;
    }
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

static void
on_devices_changed_cb (GListModel *list, guint position, guint removed, guint added, gpointer data)
{
  QuartetDevicesMenu *self = data;
  QuartetDeviceKind kind = QUARTET_DEVICE_KIND_CAMERA;
  g_autofree char *in_use = NULL;
  g_autofree char *lost_name = NULL;

  while (self->lists[kind] != list)
    kind++;

  in_use = quartet_account_dup_device (self->account, kind);
  lost_name = g_strdup (g_hash_table_lookup (self->names[kind], in_use));
  rebuild_section (self, kind);
  if (lost_name != NULL && !g_hash_table_contains (self->names[kind], in_use))
    handle_unplugged (self, kind, lost_name);
  update_state (self, kind);
}

static void
on_device_chosen_cb (GSimpleAction *action, GVariant *value, gpointer data)
{
  QuartetDevicesMenu *self = data;
  QuartetDeviceKind kind = QUARTET_DEVICE_KIND_CAMERA;
  g_autoptr (GError) error = NULL;

  while (!g_str_equal (action_names[kind], g_action_get_name (G_ACTION (action))))
    kind++;

  if (quartet_account_use_device (self->account, kind, g_variant_get_string (value, NULL), &error))
    g_simple_action_set_state (action, value);
  else
    {
      g_autofree char *message = g_strdup_printf (_ ("Could not switch: %s"), error->message);

      g_message ("%s", message);
      g_signal_emit (self, signals[MESSAGE], 0, message);
    }
}

GMenuModel *
quartet_devices_menu_get_model (QuartetDevicesMenu *self)
{
  g_return_val_if_fail (QUARTET_IS_DEVICES_MENU (self), NULL);
  return G_MENU_MODEL (self->menu);
}

GActionGroup *
quartet_devices_menu_get_actions (QuartetDevicesMenu *self)
{
  g_return_val_if_fail (QUARTET_IS_DEVICES_MENU (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

static void
quartet_devices_menu_dispose (GObject *object)
{
  QuartetDevicesMenu *self = QUARTET_DEVICES_MENU (object);

  for (guint i = 0; i < N_KINDS; i++)
    {
      if (self->lists[i] != NULL)
        g_signal_handlers_disconnect_by_data (self->lists[i], self);
      self->lists[i] = NULL;
      g_clear_object (&self->sections[i]);
      g_clear_pointer (&self->names[i], g_hash_table_unref);
    }
  g_clear_object (&self->devices);
  g_clear_object (&self->menu);
  g_clear_object (&self->actions);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (quartet_devices_menu_parent_class)->dispose (object);
}

static void
quartet_devices_menu_class_init (QuartetDevicesMenuClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = quartet_devices_menu_dispose;

  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
quartet_devices_menu_init (QuartetDevicesMenu *self)
{
}

QuartetDevicesMenu *
quartet_devices_menu_new (QuartetAccount *account)
{
  static const char *const titles[] = { N_ ("Camera"), N_ ("Microphone"), N_ ("Speaker") };
  QuartetDevicesMenu *self = g_object_new (QUARTET_TYPE_DEVICES_MENU, NULL);

  self->account = g_object_ref (account);
  self->menu = g_menu_new ();
  self->actions = g_simple_action_group_new ();
  self->devices = quartet_account_watch_devices (account);
  for (QuartetDeviceKind kind = 0; kind < N_KINDS; kind++)
    {
      g_autoptr (GSimpleAction) action = g_simple_action_new_stateful (
          action_names[kind], G_VARIANT_TYPE_STRING, g_variant_new_string (""));

      g_signal_connect (action, "activate", G_CALLBACK (on_device_chosen_cb), self);
      g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (action));

      self->names[kind] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      self->lists[kind] = quartet_device_list_get_devices (self->devices, kind);
      self->sections[kind] = g_menu_new ();
      g_menu_append_section (self->menu, _ (titles[kind]), G_MENU_MODEL (self->sections[kind]));
      g_signal_connect (self->lists[kind], "items-changed", G_CALLBACK (on_devices_changed_cb),
                        self);
      rebuild_section (self, kind);
      update_state (self, kind);
    }
  return self;
}
