/* quartet-media-source.c: what the media captures and plays, switched while a call runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The camera or test pattern, a shared screen in its place (the ScreenCast
 * portal's PipeWire stream) and its content's ladder, the Camera portal's
 * cameras in a sandbox, and the microphone and speaker streams moved
 * between PulseAudio devices: all without renegotiation, every peer keeps
 * its streams (docs/architecture.md, "The media graph").
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media-fields.h"

#include <unistd.h>

/* The screen being shared, or else the camera or pattern. */
GstElement *
_quartet_media_make_current_video_source (QuartetMedia *self, GError **error)
{
  if (self->screen_fd >= 0)
    return _quartet_media_make_screen_source (self->screen_fd, self->screen_node, error);
  return _quartet_media_make_video_source (self->video, self->camera_portal, error);
}

/* A shared screen goes on the screen rungs, its still parts skipped by
 * the encoder as libwebrtc does for screen content (a static threshold:
 * vp8enc 1.22 has no VP8E_SET_SCREEN_CONTENT_MODE). An encoder per peer
 * (the benchmark baseline) is left as it is. */
void
_quartet_media_apply_video_content (QuartetMedia *self)
{
  gboolean screen = self->screen_fd >= 0;

  if (self->rate != NULL)
    _quartet_media_rate_set_content (self->rate, screen ? QUARTET_VIDEO_CONTENT_SCREEN
                                                        : QUARTET_VIDEO_CONTENT_CAMERA);
  for (guint i = 0; i < QUARTET_MEDIA_MAX_ENCODINGS; i++)
    if (self->video_encoders[i] != NULL)
      g_object_set (self->video_encoders[i], "static-threshold",
                    screen ? SCREEN_STATIC_THRESHOLD : 0, NULL);
}

gboolean
_quartet_media_is_shared_screen (QuartetMedia *self, GstObject *object)
{
  return self->screen_fd >= 0 && self->video_source != NULL
         && (object == GST_OBJECT (self->video_source)
             || gst_object_has_as_ancestor (object, GST_OBJECT (self->video_source)));
}

/* Moves the playing stream of the PulseAudio element @factory to @device;
 * before start() there is nothing to move yet. */
static gboolean
move_stream (QuartetMedia *self, const char *factory, const char *device, GError **error)
{
  g_autoptr (GstElement) element = NULL;

  if (!self->built)
    return TRUE;

  /* The default: the sound server keeps the stream where it is, and moves
   * it by itself off a device that goes away. */
  if (device == NULL)
    return TRUE;

  element = _quartet_media_find_element (GST_BIN (self->pipeline), factory);
  if (element == NULL)
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_FAILED,
                   "Only a named PulseAudio or PipeWire device can be switched to in a call");
      return FALSE;
    }

  g_object_set (element, "device", device, NULL);
  return TRUE;
}

gboolean
quartet_media_set_microphone (QuartetMedia *self, const char *device, GError **error)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);

  if (self->built && self->audio_kind != AUDIO_MIC)
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "This call sends no microphone");
      return FALSE;
    }
  if (!move_stream (self, "pulsesrc", device, error))
    return FALSE;

  g_free (self->microphone_device);
  self->microphone_device = g_strdup (device);
  return TRUE;
}

gboolean
quartet_media_set_speaker (QuartetMedia *self, const char *device, GError **error)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);

  if (!move_stream (self, "pulsesink", device, error))
    return FALSE;

  g_free (self->speaker_device);
  self->speaker_device = g_strdup (device);
  return TRUE;
}

gboolean
quartet_media_set_video_source (QuartetMedia *self, const char *video, GError **error)
{
  GstElement *replacement;

  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);
  g_return_val_if_fail (video != NULL, FALSE);

  if (g_str_equal (video, self->video))
    return TRUE;

  /* While a screen is shared, the camera to come back to. */
  if (!self->built || self->screen_fd >= 0)
    {
      g_free (self->video);
      self->video = g_strdup (video);
      return _quartet_media_parse_video (self, error);
    }

  if (self->video_source == NULL || g_str_equal (video, "none"))
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "A call cannot start or stop sending video; mute the camera instead");
      return FALSE;
    }

  replacement = _quartet_media_make_video_source (video, self->camera_portal, error);
  if (replacement == NULL)
    return FALSE;

  _quartet_media_replace_video_source (self->pipeline, self->video_source, replacement);
  self->video_source = replacement;
  g_free (self->video);
  self->video = g_strdup (video);
  _quartet_media_parse_video (self, NULL);
  return TRUE;
}

/* Sets what the source is now, and says so. */
static void
set_screen (QuartetMedia *self, int pipewire_fd, guint32 node)
{
  gboolean was_sharing = self->screen_fd >= 0;

  if (self->screen_fd >= 0)
    close (self->screen_fd);
  self->screen_fd = pipewire_fd;
  self->screen_node = node;
  _quartet_media_apply_video_content (self);
  if (was_sharing != (pipewire_fd >= 0))
    _quartet_media_notify_sharing_screen (self);
}

gboolean
quartet_media_share_screen (QuartetMedia *self, int pipewire_fd, guint32 node, GError **error)
{
  GstElement *replacement;

  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);
  g_return_val_if_fail (pipewire_fd >= 0, FALSE);

  if (self->video_kind == VIDEO_NONE || (self->built && self->video_source == NULL))
    {
      close (pipewire_fd);
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   "A call without video cannot share a screen");
      return FALSE;
    }

  if (self->built)
    {
      replacement = _quartet_media_make_screen_source (pipewire_fd, node, error);
      if (replacement == NULL)
        {
          close (pipewire_fd);
          return FALSE;
        }
      _quartet_media_replace_video_source (self->pipeline, self->video_source, replacement);
      self->video_source = replacement;
    }

  set_screen (self, pipewire_fd, node);
  return TRUE;
}

void
quartet_media_stop_sharing_screen (QuartetMedia *self)
{
  g_autoptr (GError) error = NULL;
  GstElement *replacement;

  g_return_if_fail (QUARTET_IS_MEDIA (self));

  if (self->screen_fd < 0)
    return;

  if (self->built && self->video_source != NULL)
    {
      replacement = _quartet_media_make_video_source (self->video, self->camera_portal, &error);
      if (replacement == NULL)
        {
          /* The camera went away meanwhile: black, as a muted camera. */
          g_info ("Back from the shared screen: %s", error->message);
          replacement = _quartet_media_make_video_source ("pattern:black", NULL, NULL);
        }
      _quartet_media_replace_video_source (self->pipeline, self->video_source, replacement);
      self->video_source = replacement;
    }

  set_screen (self, -1, 0);
}

gboolean
quartet_media_set_camera_portal (QuartetMedia *self, XdpPortal *portal, GError **error)
{
  GstElement *replacement;

  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);
  g_return_val_if_fail (portal == NULL || XDP_IS_PORTAL (portal), FALSE);

  g_set_object (&self->camera_portal, portal);

  /* A camera sending now is reopened through the portal (a shared screen
   * keeps going: the camera comes when it stops). */
  if (!self->built || self->video_source == NULL || self->screen_fd >= 0
      || self->video_kind != VIDEO_CAMERA)
    return TRUE;

  replacement = _quartet_media_make_video_source (self->video, self->camera_portal, error);
  if (replacement == NULL)
    return FALSE;
  _quartet_media_replace_video_source (self->pipeline, self->video_source, replacement);
  self->video_source = replacement;
  return TRUE;
}

GList *
quartet_media_list_portal_cameras (QuartetMedia *self, gboolean *from_portal)
{
  g_autoptr (GError) error = NULL;
  GList *cameras;

  g_return_val_if_fail (QUARTET_IS_MEDIA (self), NULL);

  *from_portal = self->camera_portal != NULL;
  if (self->camera_portal == NULL)
    return NULL;
  cameras = _quartet_media_list_portal_cameras (self->camera_portal, &error);
  if (error != NULL)
    g_info ("No camera from the portal: %s", error->message);
  return cameras;
}

gboolean
quartet_media_is_sharing_screen (QuartetMedia *self)
{
  g_return_val_if_fail (QUARTET_IS_MEDIA (self), FALSE);

  return self->screen_fd >= 0;
}
