/* quartet-video-paintable.h: a GdkPaintable showing the newest frame of a GstSample source
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define QUARTET_TYPE_VIDEO_PAINTABLE (quartet_video_paintable_get_type ())
G_DECLARE_FINAL_TYPE (QuartetVideoPaintable,
                      quartet_video_paintable,
                      QUARTET,
                      VIDEO_PAINTABLE,
                      GObject)

QuartetVideoPaintable *quartet_video_paintable_new (void);

/* Shows @sample (video/x-raw, format=RGB) unless it holds the buffer already
 * shown; returns whether the picture changed. NULL clears the picture. */
gboolean quartet_video_paintable_set_sample (QuartetVideoPaintable *self, GstSample *sample);
gboolean quartet_video_paintable_has_frame (QuartetVideoPaintable *self);
guint64 quartet_video_paintable_get_frame_count (QuartetVideoPaintable *self);
void quartet_video_paintable_set_mirrored (QuartetVideoPaintable *self, gboolean mirrored);

G_END_DECLS
