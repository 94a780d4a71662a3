/* quartet-camera-access.c: the camera asked of the Camera portal, as a sandboxed app must
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Flatpak app may not open /dev/video* behind the user's back: the
 * Camera portal asks (once; the desktop's permission store remembers) and
 * hands out a PipeWire remote that shows the cameras alone, which the
 * engine reads (quartet_media_set_camera_remote()).
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-camera-access.h"

#include <glib/gi18n.h>
#include <libportal-gtk4/portal-gtk4.h>

gboolean
quartet_camera_access_needed (void)
{
  return xdp_portal_running_under_sandbox ()
         || g_strcmp0 (g_getenv ("QUARTET_CAMERA_PORTAL"), "1") == 0;
}

static void
on_access_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  XdpPortal *portal = XDP_PORTAL (object);
  g_autoptr (GError) error = NULL;
  int fd;

  if (!xdp_portal_access_camera_finish (portal, result, &error))
    {
      g_debug ("Camera access: %s", error->message);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s",
                                 _ ("Quartet may not use the camera"));
      return;
    }

  fd = xdp_portal_open_pipewire_remote_for_camera (portal);
  if (fd < 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                             _ ("The desktop gave no camera"));
  else
    g_task_return_int (task, fd);
}

void
quartet_camera_access_request (GtkWindow *parent,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (XdpPortal) portal = xdp_portal_new ();
  XdpParent *xdp_parent = xdp_parent_new_gtk (parent);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, quartet_camera_access_request);
  /* The portal object lives as long as its request. */
  g_task_set_task_data (task, g_object_ref (portal), g_object_unref);
  xdp_portal_access_camera (portal, xdp_parent, XDP_CAMERA_FLAG_NONE, cancellable, on_access_cb,
                            task);
  xdp_parent_free (xdp_parent);
}

int
quartet_camera_access_request_finish (GAsyncResult *result, GError **error)
{
  GError *local_error = NULL;
  gssize fd;

  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);

  fd = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return -1;
    }
  return (int)fd;
}
