/* quartet-portal.h: a screen and the camera, asked of the desktop's portals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libportal/portal.h>

G_BEGIN_DECLS

#define QUARTET_TYPE_SCREEN_CAST (quartet_screen_cast_get_type ())
G_DECLARE_FINAL_TYPE (QuartetScreenCast, quartet_screen_cast, QUARTET, SCREEN_CAST, GObject)

QuartetScreenCast *quartet_screen_cast_new (void);

/* The ScreenCast portal: a screen or a window, the cursor drawn in. Its
 * dialog goes over @parent (transfer full, nullable: a program without a
 * window). The answer: the PipeWire remote to read the stream from
 * (transfer full) and its node, for quartet_media_share_screen();
 * G_IO_ERROR_CANCELLED when the user closed the dialog. One cast at a
 * time: a new one ends the last. */
void quartet_screen_cast_start (QuartetScreenCast *self,
                                XdpParent *parent,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean quartet_screen_cast_start_finish (
    QuartetScreenCast *self, GAsyncResult *result, int *pipewire_fd, guint32 *node, GError **error);
/* Ends the portal's session (the desktop's "sharing" indicator goes). */
void quartet_screen_cast_stop (QuartetScreenCast *self);

/* Signal "ended": the desktop ended the cast (the user stopped it from
 * the shell's indicator). */

/* In a sandbox (Flatpak), where /dev/video* is not ours to open; also
 * when QUARTET_CAMERA_PORTAL=1 says so (the tests, outside one). */
gboolean quartet_camera_access_needed (void);

/* The Camera portal: AccessCamera (the desktop asks the user once, and
 * remembers). The answer: the portal (transfer full), which opens the
 * cameras' PipeWire remotes from then on (quartet_media_set_camera_portal()),
 * or NULL with G_IO_ERROR_PERMISSION_DENIED when the camera is not
 * allowed. @parent as above. */
void quartet_camera_access_request (XdpParent *parent,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
XdpPortal *quartet_camera_access_request_finish (GAsyncResult *result, GError **error);

G_END_DECLS
