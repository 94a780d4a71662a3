/* quartet-media-file.c: a YUV4MPEG2 file as a live camera, over and over
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "file:PATH" sends the frames of an uncompressed .y4m file (I420, as
 * `y4menc` writes and Chromium's --use-file-for-fake-video-capture reads)
 * in a loop at the file's frame rate. It is what a benchmark hands both
 * Quartet and a browser so that both encode the same pictures and neither
 * spends its time painting them (a test pattern is drawn anew every
 * frame; a camera's frames come from its driver).
 *
 * The file is mapped, not read: every frame is a read-only GstBuffer over
 * the mapping, so the clients of one machine share one copy in the page
 * cache, and nothing is copied on the way to the encoder.
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/app/app.h>
#include <gst/video/video.h>

#define Y4M_MAGIC "YUV4MPEG2 "
#define Y4M_FRAME "FRAME"

typedef struct
{
  GMappedFile *file;
  GArray *frames; /* gsize: each frame's offset in the file */
  gsize frame_size;
  int fps_n, fps_d;
  guint64 sent;
  GstClockTime first_pts; /* GST_CLOCK_TIME_NONE until the first frame */
} Y4mFile;

static void
y4m_file_free (gpointer data)
{
  Y4mFile *self = data;

  g_clear_pointer (&self->file, g_mapped_file_unref);
  g_clear_pointer (&self->frames, g_array_unref);
  g_free (self);
}

/* The header's parameters: "W1280 H720 F30:1 Ip A1:1 C420jpeg". Only
 * 4:2:0 at 8 bits is I420; interlacing and aspect ratio are ignored. */
static gboolean
parse_header (const char *header, int *width, int *height, int *fps_n, int *fps_d, GError **error)
{
  g_auto (GStrv) words = g_strsplit (header, " ", -1);

  *width = *height = 0;
  *fps_n = 30;
  *fps_d = 1;
  for (char **word = words; *word != NULL; word++)
    switch (**word)
      {
      case 'W':
        *width = atoi (*word + 1);
        break;
      case 'H':
        *height = atoi (*word + 1);
        break;
      case 'F':
        if (sscanf (*word + 1, "%d:%d", fps_n, fps_d) != 2 || *fps_n <= 0 || *fps_d <= 0)
          *fps_n = 0;
        break;
      case 'C':
        if (!g_str_has_prefix (*word + 1, "420") || strstr (*word, "p1") != NULL)
          {
            g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                         "Only 4:2:0 video files can be sent, not %s", *word + 1);
            return FALSE;
          }
        break;
      default:
        break;
      }

  if (*width < 16 || *height < 16 || *width > 4096 || *height > 4096 || *fps_n == 0)
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "Not a picture size and frame rate: '%s'", header);
      return FALSE;
    }
  return TRUE;
}

/* Finds every frame: "FRAME[ params]\n" and frame_size bytes. A truncated
 * last frame is left out. */
static gboolean
index_frames (Y4mFile *self, const char *data, gsize length, gsize offset, GError **error)
{
  while (offset + strlen (Y4M_FRAME) < length)
    {
      const char *line_end;

      if (memcmp (data + offset, Y4M_FRAME, strlen (Y4M_FRAME)) != 0)
        break;
      line_end = memchr (data + offset, '\n', MIN (length - offset, 256));
      if (line_end == NULL || (gsize)(line_end + 1 - data) + self->frame_size > length)
        break;
      offset = line_end + 1 - data;
      g_array_append_val (self->frames, offset);
      offset += self->frame_size;
    }

  if (self->frames->len == 0)
    {
      g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                           "The video file has no whole frame");
      return FALSE;
    }
  return TRUE;
}

static Y4mFile *
y4m_file_open (const char *path, GstVideoInfo *info, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, &local_error);
  g_autofree char *header = NULL;
  Y4mFile *self;
  const char *data, *header_end;
  gsize length;
  int width, height, fps_n, fps_d;

  if (file == NULL)
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "Cannot read the video file: %s", local_error->message);
      return NULL;
    }

  data = g_mapped_file_get_contents (file);
  length = g_mapped_file_get_length (file);
  header_end = data != NULL ? memchr (data, '\n', MIN (length, 1024)) : NULL;
  if (header_end == NULL || length < strlen (Y4M_MAGIC)
      || memcmp (data, Y4M_MAGIC, strlen (Y4M_MAGIC)) != 0)
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "%s is not a YUV4MPEG2 (.y4m) video file", path);
      return NULL;
    }

  header = g_strndup (data + strlen (Y4M_MAGIC), header_end - data - strlen (Y4M_MAGIC));
  if (!parse_header (header, &width, &height, &fps_n, &fps_d, error))
    return NULL;

  gst_video_info_set_format (info, GST_VIDEO_FORMAT_I420, width, height);
  GST_VIDEO_INFO_FPS_N (info) = fps_n;
  GST_VIDEO_INFO_FPS_D (info) = fps_d;

  self = g_new0 (Y4mFile, 1);
  self->frames = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->frame_size = GST_VIDEO_INFO_SIZE (info);
  self->fps_n = fps_n;
  self->fps_d = fps_d;
  self->first_pts = GST_CLOCK_TIME_NONE;
  if (!index_frames (self, data, length, header_end + 1 - data, error))
    {
      y4m_file_free (self);
      return NULL;
    }
  self->file = g_steal_pointer (&file);
  return self;
}

/* On appsrc's thread, whenever its queue has room: the next frame, timed
 * from the moment the first was sent. clocksync holds each until its
 * time, as a camera delivers them. */
static void
on_need_data_cb (GstAppSrc *source, guint length, gpointer user_data)
{
  Y4mFile *self = user_data;
  gsize offset = g_array_index (self->frames, gsize, self->sent % self->frames->len);
  GstBuffer *buffer;
  GstClockTime duration = gst_util_uint64_scale (GST_SECOND, self->fps_d, self->fps_n);

  if (self->first_pts == GST_CLOCK_TIME_NONE)
    {
      self->first_pts = gst_element_get_current_running_time (GST_ELEMENT (source));
      if (self->first_pts == GST_CLOCK_TIME_NONE)
        self->first_pts = 0;
    }

  buffer = gst_buffer_new_wrapped_full (
      GST_MEMORY_FLAG_READONLY, (gpointer)g_mapped_file_get_contents (self->file),
      g_mapped_file_get_length (self->file), offset, self->frame_size,
      g_mapped_file_ref (self->file), (GDestroyNotify)g_mapped_file_unref);
  GST_BUFFER_PTS (buffer)
      = self->first_pts + gst_util_uint64_scale (self->sent * GST_SECOND, self->fps_d, self->fps_n);
  GST_BUFFER_DURATION (buffer) = duration;
  self->sent++;
  gst_app_src_push_buffer (source, buffer);
}

GstElement *
_quartet_media_make_file_source (const char *path, GError **error)
{
  GstAppSrcCallbacks callbacks = { .need_data = on_need_data_cb };
  g_autoptr (GstCaps) caps = NULL;
  GstVideoInfo info;
  GstElement *source, *sync, *bin;
  g_autoptr (GstPad) src = NULL;
  Y4mFile *file;

  if (!_quartet_media_has_element ("appsrc") || !_quartet_media_has_element ("clocksync"))
    {
      g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_MISSING_PLUGIN,
                           "Sending a video file needs the GStreamer elements appsrc and "
                           "clocksync (Debian packages gstreamer1.0-plugins-base and "
                           "libgstreamer1.0-0)");
      return NULL;
    }

  file = y4m_file_open (path, &info, error);
  if (file == NULL)
    return NULL;

  caps = gst_video_info_to_caps (&info);
  source = gst_element_factory_make_full ("appsrc", "is-live", TRUE, "format", GST_FORMAT_TIME,
                                          "caps", caps, "max-buffers", (guint64)1, NULL);
  gst_app_src_set_callbacks (GST_APP_SRC (source), &callbacks, file, y4m_file_free);
  sync = gst_element_factory_make ("clocksync", NULL);

  bin = gst_bin_new ("video-source");
  gst_bin_add_many (GST_BIN (bin), source, sync, NULL);
  gst_element_link (source, sync);
  src = gst_element_get_static_pad (sync, "src");
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", src));
  return bin;
}
