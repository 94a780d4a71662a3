/* quartet-cli-video.c: what quartet-cli sends as video: a screen through the portal, and switching
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A screen is asked of the ScreenCast portal as a sandboxed app must
 * (CreateSession, SelectSources, Start, OpenPipeWireRemote, through
 * libportal), so that bots and tests share the way the app does. Without
 * a window there is no parent for the portal's dialog. The camera can be
 * asked of the Camera portal the same way, as a sandboxed app must.
 */
#include "quartet-cli-video.h"

#include <gio/gunixinputstream.h>
#include <unistd.h>

struct _QuartetCliVideo
{
  QuartetMedia *media;
  QuartetCliOutput *output;
  char *source;         /* the camera or pattern */
  char *pending_camera; /* to open once the Camera portal allows it */
  QuartetScreenCast *screen_cast;
  GCancellable *cancellable;
  GDataInputStream *input;
};

/* Whether an answer comes after quartet_cli_video_free() cancelled it
 * (self is gone then). A user who cancels the portal's dialog is
 * G_IO_ERROR_CANCELLED too, but on a cancellable that is not. */
static gboolean
program_is_going (GAsyncResult *result)
{
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  return cancellable != NULL && g_cancellable_is_cancelled (cancellable);
}

/* The media stopped sending the screen: its stream ended, or the portal
 * closed the session (the user stopped it from the desktop). */
static void
on_sharing_screen_cb (QuartetMedia *media, GParamSpec *pspec, QuartetCliVideo *self)
{
  if (quartet_media_is_sharing_screen (media))
    return;

  quartet_screen_cast_stop (self->screen_cast);
  quartet_cli_output_video_source (self->output, self->source, NULL);
}

static void
on_screen_cast_ended_cb (QuartetScreenCast *screen_cast, QuartetCliVideo *self)
{
  quartet_media_stop_sharing_screen (self->media);
}

static void
on_screen_cast_started_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  QuartetCliVideo *self = user_data;
  g_autoptr (GError) error = NULL;
  guint32 node;
  int fd;

  if (!quartet_screen_cast_start_finish (QUARTET_SCREEN_CAST (object), result, &fd, &node, &error))
    {
      if (!program_is_going (result))
        quartet_cli_output_video_source (self->output, "screen", error);
      return;
    }

  quartet_media_share_screen (self->media, fd, node, &error);
  quartet_cli_output_video_source (self->output, "screen", error);
  if (error != NULL)
    quartet_screen_cast_stop (self->screen_cast);
}

void
quartet_cli_video_share_screen (QuartetCliVideo *self)
{
  quartet_screen_cast_start (self->screen_cast, NULL, self->cancellable, on_screen_cast_started_cb,
                             self);
}

static void switch_to (QuartetCliVideo *self, const char *source);

static void
on_camera_access_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  QuartetCliVideo *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *camera = NULL;
  g_autoptr (XdpPortal) portal = quartet_camera_access_request_finish (result, &error);

  if (portal == NULL && program_is_going (result))
    return;
  if (portal != NULL)
    quartet_media_set_camera_portal (self->media, portal, NULL);
  quartet_cli_output_camera_access (self->output, error);

  /* What was asked for: the camera now that there is one to open. */
  camera = g_steal_pointer (&self->pending_camera);
  if (error == NULL && camera != NULL)
    switch_to (self, camera);
}

void
quartet_cli_video_use_camera_portal (QuartetCliVideo *self, const char *camera)
{
  g_free (self->pending_camera);
  self->pending_camera = g_strdup (camera);
  quartet_camera_access_request (NULL, self->cancellable, on_camera_access_cb, self);
}

static void
switch_to (QuartetCliVideo *self, const char *source)
{
  g_autoptr (GError) error = NULL;

  if (g_str_equal (source, "screen"))
    {
      quartet_cli_video_share_screen (self);
      return;
    }

  if (!quartet_media_set_video_source (self->media, source, &error))
    {
      quartet_cli_output_video_source (self->output, source, error);
      return;
    }

  g_free (self->source);
  self->source = g_strdup (source);
  if (quartet_media_is_sharing_screen (self->media))
    quartet_media_stop_sharing_screen (self->media); /* says so */
  else
    quartet_cli_output_video_source (self->output, source, NULL);
}

static void
on_line_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  QuartetCliVideo *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                    &error);
  if (line == NULL)
    {
      /* The end of the input, or a cancelled read at exit. */
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr ("quartet-cli: stdin: %s\n", error->message);
      return;
    }

  g_strstrip (line);
  if (line[0] != '\0')
    switch_to (self, line);
  quartet_cli_video_read_commands (self);
}

void
quartet_cli_video_read_commands (QuartetCliVideo *self)
{
  if (self->input == NULL)
    {
      g_autoptr (GInputStream) stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      self->input = g_data_input_stream_new (stdin_stream);
    }

  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_line_cb, self);
}

QuartetCliVideo *
quartet_cli_video_new (QuartetMedia *media, const char *source, QuartetCliOutput *output)
{
  QuartetCliVideo *self = g_new0 (QuartetCliVideo, 1);

  self->media = g_object_ref (media);
  self->source = g_strdup (source);
  self->output = output;
  self->cancellable = g_cancellable_new ();
  self->screen_cast = quartet_screen_cast_new ();
  g_signal_connect (self->screen_cast, "ended", G_CALLBACK (on_screen_cast_ended_cb), self);
  g_signal_connect (media, "notify::sharing-screen", G_CALLBACK (on_sharing_screen_cb), self);
  return self;
}

void
quartet_cli_video_free (QuartetCliVideo *self)
{
  g_cancellable_cancel (self->cancellable);
  g_signal_handlers_disconnect_by_data (self->media, self);
  g_signal_handlers_disconnect_by_data (self->screen_cast, self);
  g_clear_object (&self->screen_cast);
  g_clear_object (&self->input);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->media);
  g_free (self->source);
  g_free (self->pending_camera);
  g_free (self);
}
