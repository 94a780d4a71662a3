/* quartet-camera-access.h: the camera asked of the Camera portal, as a sandboxed app must
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* In a sandbox (Flatpak), where /dev/video* is not ours to open; also
 * when QUARTET_CAMERA_PORTAL=1 says so (the tests, outside one). */
gboolean quartet_camera_access_needed (void);

/* AccessCamera (the desktop asks the user once, and remembers), then the
 * portal's PipeWire remote. The answer: that remote's fd (transfer full),
 * or -1 with G_IO_ERROR_PERMISSION_DENIED when the camera is not allowed. */
void quartet_camera_access_request (GtkWindow *parent,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
int quartet_camera_access_request_finish (GAsyncResult *result, GError **error);

G_END_DECLS
