/* quartet-video-ladder.h: the picture size and frame rate for a send rate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _QuartetVideoLadder QuartetVideoLadder;

typedef enum
{
  QUARTET_VIDEO_CONTENT_CAMERA, /* motion: frame rate first */
  QUARTET_VIDEO_CONTENT_SCREEN, /* detail: resolution first */
} QuartetVideoContent;

/* Starts on the highest rung @start_bps affords, none taller than
 * @max_height (the source's: we never scale up). */
QuartetVideoLadder *
quartet_video_ladder_new (guint start_bps, guint max_height, QuartetVideoContent content);
void quartet_video_ladder_free (QuartetVideoLadder *self);

void quartet_video_ladder_set_max_height (QuartetVideoLadder *self, guint max_height);
/* The video rate now (@now_us: a monotonic time); TRUE when the rung changed. */
gboolean quartet_video_ladder_update (QuartetVideoLadder *self, guint video_bps, gint64 now_us);
guint quartet_video_ladder_get_height (QuartetVideoLadder *self);
guint quartet_video_ladder_get_fps (QuartetVideoLadder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetVideoLadder, quartet_video_ladder_free)

G_END_DECLS
