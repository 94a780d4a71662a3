/* quartet-video-tile.h: one person's video (or avatar), name and state in the call grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "quartet-participant.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_VIDEO_TILE (quartet_video_tile_get_type ())
G_DECLARE_FINAL_TYPE (QuartetVideoTile, quartet_video_tile, QUARTET, VIDEO_TILE, GtkWidget)

GtkWidget *quartet_video_tile_new (QuartetParticipant *participant);
QuartetParticipant *quartet_video_tile_get_participant (QuartetVideoTile *self);
void quartet_video_tile_set_show_statistics (QuartetVideoTile *self, gboolean show);
void quartet_video_tile_set_spotlit (QuartetVideoTile *self, gboolean spotlit);

G_END_DECLS
