/* quartet-devices-menu.h: the call's menu of cameras, microphones and speakers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "quartet-account.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_DEVICES_MENU (quartet_devices_menu_get_type ())
G_DECLARE_FINAL_TYPE (QuartetDevicesMenu, quartet_devices_menu, QUARTET, DEVICES_MENU, GObject)

/* Actions "camera", "microphone", "speaker" (string state: the setting in
 * use), to insert as the "devices" group. Signal "message" (text): what
 * the user should be told (a choice that failed, a device unplugged). */
QuartetDevicesMenu *quartet_devices_menu_new (QuartetAccount *account);

GMenuModel *quartet_devices_menu_get_model (QuartetDevicesMenu *self);
GActionGroup *quartet_devices_menu_get_actions (QuartetDevicesMenu *self);

G_END_DECLS
