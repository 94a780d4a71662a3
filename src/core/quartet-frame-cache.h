/* quartet-frame-cache.h: the latest video frame, converted for display at most once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* A streaming thread puts every frame in; the main thread asks for the
 * latest in RGB only when it shows one (a tile repaints at its own pace,
 * stats once a second), so most frames are never converted, and none twice. */
typedef struct _QuartetFrameCache QuartetFrameCache;

QuartetFrameCache *_quartet_frame_cache_new (void);
void _quartet_frame_cache_free (QuartetFrameCache *self);

/* From any thread; takes @sample. */
void _quartet_frame_cache_put (QuartetFrameCache *self, GstSample *sample);
/* (transfer full) (nullable): the latest frame as it came. */
GstSample *_quartet_frame_cache_get_latest (QuartetFrameCache *self);
/* (transfer full) (nullable): the latest frame in RGB, at @width x @height
 * (0, 0: its own size; @width, 0: that width and the same aspect ratio,
 * never wider than the frame). One conversion is kept, for one size. */
GstSample *_quartet_frame_cache_get_rgb (QuartetFrameCache *self, guint width, guint height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetFrameCache, _quartet_frame_cache_free)

G_END_DECLS
