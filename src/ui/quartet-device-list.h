/* quartet-device-list.h: the cameras, microphones and speakers plugged in now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  QUARTET_DEVICE_KIND_CAMERA,
  QUARTET_DEVICE_KIND_MICROPHONE,
  QUARTET_DEVICE_KIND_SPEAKER,
} QuartetDeviceKind;

#define QUARTET_N_DEVICE_KINDS 3

#define QUARTET_TYPE_DEVICE_LIST (quartet_device_list_get_type ())
G_DECLARE_FINAL_TYPE (QuartetDeviceList, quartet_device_list, QUARTET, DEVICE_LIST, GObject)

/* Watches the devices (GstDeviceMonitor, on the thread-default main
 * context) until disposed. With @cameras (GstDevice, transfer none): the
 * Camera portal's (in a sandbox), as they are now, in place of the
 * cameras the monitor would find (not hot-plugged while the list lives). */
QuartetDeviceList *quartet_device_list_new (void);
QuartetDeviceList *quartet_device_list_new_with_cameras (GList *cameras);

/* A GListModel of GstDevice of @kind, kept up to date as devices come and
 * go; only devices the engine can be told to use. */
GListModel *quartet_device_list_get_devices (QuartetDeviceList *self, QuartetDeviceKind kind);

/* The setting that names @device for the engine: "camera:PATH",
 * "mic:NAME", "speaker:NAME"; NULL for a device it cannot address (and
 * for a speakers' monitor, which is no microphone). */
char *quartet_device_list_dup_value (QuartetDeviceKind kind, GstDevice *device);
/* "mic:NAME", "speaker:NAME" -> NAME; "mic", "speaker" -> NULL (the default). */
const char *quartet_device_list_value_to_name (const char *value);
/* (nullable): the value of the system's default device of @kind, when known. */
char *quartet_device_list_dup_default_value (QuartetDeviceList *self, QuartetDeviceKind kind);

G_END_DECLS
