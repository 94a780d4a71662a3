/* quartet-device-list.c: the cameras, microphones and speakers plugged in now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One GstDeviceMonitor for the three classes (with one monitor each, the
 * PulseAudio provider they share told only one of them about new devices),
 * its bus watched for devices added, removed and changed (a USB headset, a
 * webcam; a new default), sorted into one list per kind. PulseAudio
 * devices are named by their PulseAudio name, and PipeWire's by node name,
 * which PipeWire's PulseAudio server uses too: the engine opens and
 * switches to them through pulsesrc/pulsesink, live in a call.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-device-list.h"

#include <string.h>

struct _QuartetDeviceList
{
  GObject parent_instance;

  GstDeviceMonitor *monitor;
  guint bus_watch;
  GListStore *devices[QUARTET_N_DEVICE_KINDS];
};

G_DEFINE_FINAL_TYPE (QuartetDeviceList, quartet_device_list, G_TYPE_OBJECT)

static const char *const device_classes[] = { "Video/Source", "Audio/Source", "Audio/Sink" };
static const char *const value_prefixes[] = { "camera", "mic", "speaker" };

static const char *
get_string (const GstStructure *properties, const char *key)
{
  return properties != NULL ? gst_structure_get_string (properties, key) : NULL;
}

const char *
quartet_device_list_value_to_name (const char *value)
{
  const char *colon = value != NULL ? strchr (value, ':') : NULL;

  return colon != NULL && colon[1] != '\0' ? colon + 1 : NULL;
}

char *
quartet_device_list_dup_value (QuartetDeviceKind kind, GstDevice *device)
{
  g_autoptr (GstStructure) properties = gst_device_get_properties (device);
  g_autofree char *internal_name = NULL;
  const char *name;

  g_return_val_if_fail (GST_IS_DEVICE (device), NULL);

  if (kind == QUARTET_DEVICE_KIND_CAMERA)
    {
      name = get_string (properties, "api.v4l2.path");
      if (name == NULL)
        name = get_string (properties, "device.path");
      /* A PipeWire camera without a device of ours (the Camera portal's
       * remote, a libcamera one): by name, which the engine matches too. */
      if (name == NULL && g_strcmp0 (get_string (properties, "media.role"), "Camera") == 0)
        name = internal_name = gst_device_get_display_name (device);
    }
  else
    {
      /* What plays back into the speakers is no microphone. */
      if (g_strcmp0 (get_string (properties, "device.class"), "monitor") == 0)
        return NULL;
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (device), "internal-name") != NULL)
        g_object_get (device, "internal-name", &internal_name, NULL);
      name = internal_name ? internal_name : get_string (properties, "node.name");
    }

  return name != NULL ? g_strconcat (value_prefixes[kind], ":", name, NULL) : NULL;
}

GListModel *
quartet_device_list_get_devices (QuartetDeviceList *self, QuartetDeviceKind kind)
{
  g_return_val_if_fail (QUARTET_IS_DEVICE_LIST (self), NULL);
  return G_LIST_MODEL (self->devices[kind]);
}

char *
quartet_device_list_dup_default_value (QuartetDeviceList *self, QuartetDeviceKind kind)
{
  GListModel *devices = G_LIST_MODEL (self->devices[kind]);

  g_return_val_if_fail (QUARTET_IS_DEVICE_LIST (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr (GstDevice) device = g_list_model_get_item (devices, i);
      g_autoptr (GstStructure) properties = gst_device_get_properties (device);
      gboolean is_default = FALSE;

      if (properties != NULL && gst_structure_get_boolean (properties, "is-default", &is_default)
          && is_default)
        return quartet_device_list_dup_value (kind, device);
    }
  return NULL;
}

static void
add_device (QuartetDeviceList *self, GstDevice *device)
{
  for (QuartetDeviceKind kind = 0; kind < QUARTET_N_DEVICE_KINDS; kind++)
    {
      g_autofree char *value = NULL;

      if (!gst_device_has_classes (device, device_classes[kind])
          || g_list_store_find (self->devices[kind], device, NULL)
          || (value = quartet_device_list_dup_value (kind, device)) == NULL)
        continue;
      g_list_store_append (self->devices[kind], device);
    }
}

static void
remove_device (QuartetDeviceList *self, GstDevice *device)
{
  for (QuartetDeviceKind kind = 0; kind < QUARTET_N_DEVICE_KINDS; kind++)
    {
      guint position;

      if (g_list_store_find (self->devices[kind], device, &position))
        g_list_store_remove (self->devices[kind], position);
    }
}

/* A device whose properties changed (PulseAudio's new default) comes as a
 * new object in the old one's place. */
static void
replace_device (QuartetDeviceList *self, GstDevice *old_device, GstDevice *device)
{
  for (QuartetDeviceKind kind = 0; kind < QUARTET_N_DEVICE_KINDS; kind++)
    {
      guint position;

      if (g_list_store_find (self->devices[kind], old_device, &position))
        g_list_store_splice (self->devices[kind], position, 1, (gpointer *)&device, 1);
    }
}

static void
log_device (const char *what, GstDevice *device)
{
  g_autofree char *name = gst_device_get_display_name (device);
  g_autofree char *device_class = gst_device_get_device_class (device);

  g_debug ("Device %s: %s (%s)", what, name, device_class);
}

static gboolean
on_bus_message_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  QuartetDeviceList *self = user_data;
  g_autoptr (GstDevice) device = NULL;
  g_autoptr (GstDevice) old_device = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
      gst_message_parse_device_added (message, &device);
      log_device ("added", device);
      add_device (self, device);
      break;
    case GST_MESSAGE_DEVICE_REMOVED:
      gst_message_parse_device_removed (message, &device);
      log_device ("removed", device);
      remove_device (self, device);
      break;
    case GST_MESSAGE_DEVICE_CHANGED:
      gst_message_parse_device_changed (message, &device, &old_device);
      log_device ("changed", device);
      replace_device (self, old_device, device);
      break;
    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static void
quartet_device_list_dispose (GObject *object)
{
  QuartetDeviceList *self = QUARTET_DEVICE_LIST (object);

  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->monitor != NULL)
    gst_device_monitor_stop (self->monitor);
  g_clear_object (&self->monitor);
  for (guint i = 0; i < QUARTET_N_DEVICE_KINDS; i++)
    g_clear_object (&self->devices[i]);

  G_OBJECT_CLASS (quartet_device_list_parent_class)->dispose (object);
}

static void
quartet_device_list_class_init (QuartetDeviceListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = quartet_device_list_dispose;
}

static void
quartet_device_list_init (QuartetDeviceList *self)
{
  for (guint i = 0; i < QUARTET_N_DEVICE_KINDS; i++)
    self->devices[i] = g_list_store_new (GST_TYPE_DEVICE);
}

/* @portal_cameras: with @from_portal, the cameras in place of the ones a
 * monitor would find. */
static QuartetDeviceList *
device_list_new (gboolean from_portal, GList *portal_cameras)
{
  QuartetDeviceList *self = g_object_new (QUARTET_TYPE_DEVICE_LIST, NULL);
  g_autoptr (GstBus) bus = NULL;
  GList *devices;

  for (GList *l = portal_cameras; l != NULL; l = l->next)
    add_device (self, l->data);

  self->monitor = gst_device_monitor_new ();
  for (guint i = from_portal ? 1 : 0; i < QUARTET_N_DEVICE_KINDS; i++)
    gst_device_monitor_add_filter (self->monitor, device_classes[i], NULL);
  bus = gst_device_monitor_get_bus (self->monitor);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message_cb, self);

  /* No device at all (a machine without cameras) is an empty list. */
  if (!gst_device_monitor_start (self->monitor))
    return self;

  devices = gst_device_monitor_get_devices (self->monitor);
  for (GList *l = devices; l != NULL; l = l->next)
    add_device (self, l->data);
  g_list_free_full (devices, gst_object_unref);
  return self;
}

QuartetDeviceList *
quartet_device_list_new (void)
{
  return device_list_new (FALSE, NULL);
}

QuartetDeviceList *
quartet_device_list_new_with_cameras (GList *cameras)
{
  return device_list_new (TRUE, cameras);
}
