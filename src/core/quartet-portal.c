/* quartet-portal.c: a screen and the camera, asked of the desktop's portals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As every sandboxed app must, and as GNOME's apps do, through libportal.
 * A screen: CreateSession, SelectSources (a monitor or a window, the
 * cursor drawn in), Start with the caller's window as the dialog's parent,
 * then OpenPipeWireRemote; the session lives as long as the cast, and
 * closing it is what takes the desktop's "sharing" indicator away. The
 * camera: AccessCamera, then the Camera portal's PipeWire remote, which
 * shows the cameras alone. The app makes the parent from its window
 * (libportal-gtk4); quartet-cli has none.
 */
#define G_LOG_DOMAIN "quartet-portal"

#include "quartet-portal.h"

#include <unistd.h>

struct _QuartetScreenCast
{
  GObject parent_instance;

  XdpPortal *portal;
  XdpSession *session; /* while a cast runs, or is being started */
};

G_DEFINE_FINAL_TYPE (QuartetScreenCast, quartet_screen_cast, G_TYPE_OBJECT)

enum
{
  ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  int fd;
  guint32 node;
} Stream;

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  if (stream->fd >= 0)
    close (stream->fd);
  g_free (stream);
}

static void
on_session_closed_cb (XdpSession *session, QuartetScreenCast *self)
{
  g_signal_emit (self, signals[ENDED], 0);
}

static void
forget_session (QuartetScreenCast *self)
{
  if (self->session == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->session, self);
  xdp_session_close (self->session);
  g_clear_object (&self->session);
}

/* The first stream's PipeWire node, or 0. */
static guint32
first_stream_node (XdpSession *session)
{
  GVariant *streams = xdp_session_get_streams (session);
  guint32 node = 0;

  if (streams != NULL && g_variant_n_children (streams) > 0)
    g_variant_get_child (streams, 0, "(u@a{sv})", &node, NULL);
  return node;
}

static void
on_session_started_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetScreenCast *self = g_task_get_source_object (task);
  XdpSession *session = XDP_SESSION (object);
  GError *error = NULL;
  Stream *stream;

  if (!xdp_session_start_finish (session, result, &error))
    {
      if (session == self->session)
        forget_session (self);
      g_task_return_error (task, error);
      return;
    }

  stream = g_new0 (Stream, 1);
  stream->node = first_stream_node (session);
  stream->fd = xdp_session_open_pipewire_remote (session);
  if (stream->node == 0 || stream->fd < 0)
    {
      stream_free (stream);
      forget_session (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "The desktop gave no screen to share");
      return;
    }
  g_task_return_pointer (task, stream, stream_free);
}

static void
on_session_created_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetScreenCast *self = g_task_get_source_object (task);
  XdpParent *parent = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;
  XdpSession *session;

  session = xdp_portal_create_screencast_session_finish (XDP_PORTAL (object), result, &error);
  if (session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  forget_session (self);
  self->session = session;
  g_signal_connect (session, "closed", G_CALLBACK (on_session_closed_cb), self);
  cancellable = g_task_get_cancellable (task);
  xdp_session_start (session, parent, cancellable, on_session_started_cb, g_steal_pointer (&task));
}

void
quartet_screen_cast_start (QuartetScreenCast *self,
                           XdpParent *parent,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task;

  g_return_if_fail (QUARTET_IS_SCREEN_CAST (self));

  /* Made when first needed: a program without a session bus (a bot)
   * may never share. */
  if (self->portal == NULL)
    self->portal = xdp_portal_new ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quartet_screen_cast_start);
  if (parent != NULL)
    g_task_set_task_data (task, parent, (GDestroyNotify)xdp_parent_free);
  xdp_portal_create_screencast_session (self->portal, XDP_OUTPUT_MONITOR | XDP_OUTPUT_WINDOW,
                                        XDP_SCREENCAST_FLAG_NONE, XDP_CURSOR_MODE_EMBEDDED,
                                        XDP_PERSIST_MODE_NONE, NULL, cancellable,
                                        on_session_created_cb, task);
}

gboolean
quartet_screen_cast_start_finish (
    QuartetScreenCast *self, GAsyncResult *result, int *pipewire_fd, guint32 *node, GError **error)
{
  Stream *stream;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  stream = g_task_propagate_pointer (G_TASK (result), error);
  if (stream == NULL)
    return FALSE;

  *pipewire_fd = stream->fd;
  *node = stream->node;
  stream->fd = -1;
  stream_free (stream);
  return TRUE;
}

void
quartet_screen_cast_stop (QuartetScreenCast *self)
{
  g_return_if_fail (QUARTET_IS_SCREEN_CAST (self));
  forget_session (self);
}

static void
quartet_screen_cast_dispose (GObject *object)
{
  QuartetScreenCast *self = QUARTET_SCREEN_CAST (object);

  forget_session (self);
  g_clear_object (&self->portal);

  G_OBJECT_CLASS (quartet_screen_cast_parent_class)->dispose (object);
}

static void
quartet_screen_cast_class_init (QuartetScreenCastClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = quartet_screen_cast_dispose;

  signals[ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
}

static void
quartet_screen_cast_init (QuartetScreenCast *self)
{
}

QuartetScreenCast *
quartet_screen_cast_new (void)
{
  return g_object_new (QUARTET_TYPE_SCREEN_CAST, NULL);
}

gboolean
quartet_camera_access_needed (void)
{
  return xdp_portal_running_under_sandbox ()
         || g_strcmp0 (g_getenv ("QUARTET_CAMERA_PORTAL"), "1") == 0;
}

static void
on_camera_access_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  XdpPortal *portal = XDP_PORTAL (object);
  g_autoptr (GError) error = NULL;

  if (!xdp_portal_access_camera_finish (portal, result, &error))
    {
      g_debug ("Camera access: %s", error->message);
      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                 "The camera is not allowed");
      return;
    }

  g_task_return_pointer (task, g_object_ref (portal), g_object_unref);
}

void
quartet_camera_access_request (XdpParent *parent,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (XdpPortal) portal = xdp_portal_new ();
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, quartet_camera_access_request);
  /* The portal object lives as long as its request. */
  g_task_set_task_data (task, g_object_ref (portal), g_object_unref);
  xdp_portal_access_camera (portal, parent, XDP_CAMERA_FLAG_NONE, cancellable, on_camera_access_cb,
                            task);
  if (parent != NULL)
    xdp_parent_free (parent);
}

XdpPortal *
quartet_camera_access_request_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
