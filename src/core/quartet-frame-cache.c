/* quartet-frame-cache.c: the latest video frame, converted for display at most once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-frame-cache.h"
#include "quartet-media-private.h"

#include <gst/video/video.h>

struct _QuartetFrameCache
{
  GMutex lock;
  GstSample *latest; /* as it came */
  GstSample *rgb;    /* rgb_of, converted */
  GstSample *rgb_of; /* no reference: only compared with latest */
  guint rgb_width;   /* asked for (0: the frame's own) */
  guint rgb_height;
};

QuartetFrameCache *
_quartet_frame_cache_new (void)
{
  QuartetFrameCache *self = g_new0 (QuartetFrameCache, 1);

  g_mutex_init (&self->lock);
  return self;
}

void
_quartet_frame_cache_free (QuartetFrameCache *self)
{
  g_clear_pointer (&self->latest, gst_sample_unref);
  g_clear_pointer (&self->rgb, gst_sample_unref);
  g_mutex_clear (&self->lock);
  g_free (self);
}

void
_quartet_frame_cache_put (QuartetFrameCache *self, GstSample *sample)
{
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->latest, gst_sample_unref);
  self->latest = sample;
  self->rgb_of = NULL; /* stale: a new sample may get the old one's address */
  g_mutex_unlock (&self->lock);
}

GstSample *
_quartet_frame_cache_get_latest (QuartetFrameCache *self)
{
  GstSample *latest;

  g_mutex_lock (&self->lock);
  latest = self->latest != NULL ? gst_sample_ref (self->latest) : NULL;
  g_mutex_unlock (&self->lock);
  return latest;
}

GstSample *
_quartet_frame_cache_get_rgb (QuartetFrameCache *self, guint width, guint height)
{
  g_autoptr (GstSample) latest = NULL;
  guint asked_width = width, asked_height = height;
  GstVideoInfo info;
  GstSample *rgb = NULL;

  g_mutex_lock (&self->lock);
  if (self->latest != NULL && self->latest == self->rgb_of && self->rgb_width == width
      && self->rgb_height == height)
    rgb = gst_sample_ref (self->rgb);
  else if (self->latest != NULL)
    latest = gst_sample_ref (self->latest);
  g_mutex_unlock (&self->lock);

  if (rgb != NULL || latest == NULL)
    return rgb;

  /* Outside the lock: the streaming thread goes on meanwhile. */
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (latest)))
    return NULL;
  if (height == 0 && width >= (guint)GST_VIDEO_INFO_WIDTH (&info))
    width = 0; /* never made larger */
  if (width == 0 || height == 0)
    {
      /* A width alone: the height keeps the aspect ratio (and is even). */
      height = width > 0 ? (guint)((guint64)width * GST_VIDEO_INFO_HEIGHT (&info)
                                   / GST_VIDEO_INFO_WIDTH (&info) / 2 * 2)
                         : (guint)GST_VIDEO_INFO_HEIGHT (&info);
      width = width > 0 ? width : (guint)GST_VIDEO_INFO_WIDTH (&info);
    }
  rgb = _quartet_media_convert_sample (latest, GST_VIDEO_FORMAT_RGB, width, height);
  if (rgb == NULL)
    return NULL;

  g_mutex_lock (&self->lock);
  if (self->latest == latest)
    {
      g_clear_pointer (&self->rgb, gst_sample_unref);
      self->rgb = gst_sample_ref (rgb);
      self->rgb_of = latest;
      self->rgb_width = asked_width;
      self->rgb_height = asked_height;
    }
  g_mutex_unlock (&self->lock);

  return rgb;
}
