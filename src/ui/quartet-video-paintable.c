/* quartet-video-paintable.c: a GdkPaintable showing the newest frame of a GstSample source
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This GStreamer has no gtk4paintablesink, so frames reach GTK as
 * GdkMemoryTextures: the engine's appsinks keep the last decoded RGB
 * sample, a tile polls it once per frame clock tick and hands it here. A
 * buffer already shown is not copied again, so a tile ticking at 60 Hz over
 * a 30 fps stream uploads 30 frames a second. Nothing here waits on
 * GStreamer: fetching a sample only takes a reference.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "quartet-video-paintable.h"

#include <gst/video/video.h>

struct _QuartetVideoPaintable
{
  GObject parent_instance;

  GdkTexture *texture;
  GstBuffer *shown;   /* a reference, so the pointer cannot be reused by another frame */
  guint64 frame_count;
  gboolean mirrored;
};

static void quartet_video_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QuartetVideoPaintable,
                               quartet_video_paintable,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      quartet_video_paintable_iface_init))

static void
quartet_video_paintable_snapshot (GdkPaintable *paintable,
                                  GdkSnapshot *snapshot,
                                  double width,
                                  double height)
{
  QuartetVideoPaintable *self = QUARTET_VIDEO_PAINTABLE (paintable);

  if (self->texture == NULL)
    return;

  if (!self->mirrored)
    {
      gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
      return;
    }

  gtk_snapshot_save (GTK_SNAPSHOT (snapshot));
  gtk_snapshot_translate (GTK_SNAPSHOT (snapshot), &GRAPHENE_POINT_INIT (width, 0));
  gtk_snapshot_scale (GTK_SNAPSHOT (snapshot), -1, 1);
  gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
  gtk_snapshot_restore (GTK_SNAPSHOT (snapshot));
}

/* Shown as in a mirror (our own camera, as people expect of a preview);
 * only the drawing, never the frames. */
void
quartet_video_paintable_set_mirrored (QuartetVideoPaintable *self, gboolean mirrored)
{
  g_return_if_fail (QUARTET_IS_VIDEO_PAINTABLE (self));

  if (self->mirrored == !!mirrored)
    return;

  self->mirrored = !!mirrored;
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

static int
quartet_video_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  QuartetVideoPaintable *self = QUARTET_VIDEO_PAINTABLE (paintable);

  return self->texture ? gdk_texture_get_width (self->texture) : 0;
}

static int
quartet_video_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  QuartetVideoPaintable *self = QUARTET_VIDEO_PAINTABLE (paintable);

  return self->texture ? gdk_texture_get_height (self->texture) : 0;
}

static double
quartet_video_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  QuartetVideoPaintable *self = QUARTET_VIDEO_PAINTABLE (paintable);

  if (self->texture == NULL)
    return 0;
  return (double)gdk_texture_get_width (self->texture) / gdk_texture_get_height (self->texture);
}

static void
quartet_video_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = quartet_video_paintable_snapshot;
  iface->get_intrinsic_width = quartet_video_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = quartet_video_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = quartet_video_paintable_get_intrinsic_aspect_ratio;
}

static void
unmap_video_frame (gpointer data)
{
  GstVideoFrame *frame = data;

  gst_video_frame_unmap (frame);
  g_free (frame);
}

/* Wraps the frame's pixels without a copy: the texture keeps the buffer
 * mapped (and referenced) for as long as it lives. The buffer is the RGB
 * conversion made for this tile, or a pool's, which then makes another. */
static GdkTexture *
texture_from_sample (GstSample *sample, GstBuffer *buffer)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstVideoInfo info;
  GstVideoFrame *frame;
  g_autoptr (GBytes) bytes = NULL;
  gsize stride;

  if (caps == NULL || !gst_video_info_from_caps (&info, caps)
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB)
    {
      g_debug ("Not showing a frame that is not RGB video");
      return NULL;
    }

  frame = g_new (GstVideoFrame, 1);
  if (!gst_video_frame_map (frame, &info, buffer, GST_MAP_READ))
    {
      g_free (frame);
      return NULL;
    }

  stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (frame, 0),
                                      stride * GST_VIDEO_FRAME_HEIGHT (frame), unmap_video_frame,
                                      frame);
  return gdk_memory_texture_new (GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                 GDK_MEMORY_R8G8B8, bytes, stride);
}

gboolean
quartet_video_paintable_set_sample (QuartetVideoPaintable *self, GstSample *sample)
{
  GstBuffer *buffer;
  GdkTexture *texture;
  gboolean size_changed;

  g_return_val_if_fail (QUARTET_IS_VIDEO_PAINTABLE (self), FALSE);

  buffer = sample ? gst_sample_get_buffer (sample) : NULL;
  if (buffer == self->shown)
    return FALSE;

  texture = buffer ? texture_from_sample (sample, buffer) : NULL;
  if (buffer != NULL && texture == NULL)
    return FALSE;

  size_changed = self->texture == NULL || texture == NULL
                 || gdk_texture_get_width (self->texture) != gdk_texture_get_width (texture)
                 || gdk_texture_get_height (self->texture) != gdk_texture_get_height (texture);

  g_clear_object (&self->texture);
  self->texture = texture;
  gst_clear_buffer (&self->shown);
  self->shown = buffer ? gst_buffer_ref (buffer) : NULL;
  if (texture != NULL)
    self->frame_count++;

  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  return TRUE;
}

gboolean
quartet_video_paintable_has_frame (QuartetVideoPaintable *self)
{
  g_return_val_if_fail (QUARTET_IS_VIDEO_PAINTABLE (self), FALSE);
  return self->texture != NULL;
}

guint64
quartet_video_paintable_get_frame_count (QuartetVideoPaintable *self)
{
  g_return_val_if_fail (QUARTET_IS_VIDEO_PAINTABLE (self), 0);
  return self->frame_count;
}

static void
quartet_video_paintable_dispose (GObject *object)
{
  QuartetVideoPaintable *self = QUARTET_VIDEO_PAINTABLE (object);

  g_clear_object (&self->texture);
  gst_clear_buffer (&self->shown);

  G_OBJECT_CLASS (quartet_video_paintable_parent_class)->dispose (object);
}

static void
quartet_video_paintable_class_init (QuartetVideoPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = quartet_video_paintable_dispose;
}

static void
quartet_video_paintable_init (QuartetVideoPaintable *self)
{
}

QuartetVideoPaintable *
quartet_video_paintable_new (void)
{
  return g_object_new (QUARTET_TYPE_VIDEO_PAINTABLE, NULL);
}
