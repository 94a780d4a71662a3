/* quartet-media.h: local capture, encoded once and fanned out to every peer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define QUARTET_MEDIA_ERROR (quartet_media_error_quark ())

typedef enum
{
  QUARTET_MEDIA_ERROR_MISSING_PLUGIN, /* a GStreamer element is not installed */
  QUARTET_MEDIA_ERROR_NO_DEVICE,      /* no camera or microphone was found */
  QUARTET_MEDIA_ERROR_INVALID_SOURCE, /* a --video/--audio description was not understood */
  QUARTET_MEDIA_ERROR_FAILED,         /* the pipeline refused to start */
} QuartetMediaError;

#define QUARTET_TYPE_MEDIA (quartet_media_get_type ())
G_DECLARE_FINAL_TYPE (QuartetMedia, quartet_media, QUARTET, MEDIA, GObject)

GQuark quartet_media_error_quark (void);

/* @video: "pattern:N" (videotestsrc pattern N), "camera" or "none".
 * @audio: "tone", "mic" or "none". */
QuartetMedia *quartet_media_new (const char *video, const char *audio);

void quartet_media_set_encode_per_peer (QuartetMedia *self, gboolean per_peer);
void quartet_media_set_voice_processing (QuartetMedia *self, gboolean enabled);
gboolean quartet_media_start (QuartetMedia *self, GError **error);
void quartet_media_stop (QuartetMedia *self);

GstPipeline *quartet_media_get_pipeline (QuartetMedia *self);
gboolean quartet_media_has_video (QuartetMedia *self);
gboolean quartet_media_has_audio (QuartetMedia *self);

void quartet_media_set_audio_muted (QuartetMedia *self, gboolean muted);
void quartet_media_set_video_muted (QuartetMedia *self, gboolean muted);

G_END_DECLS
