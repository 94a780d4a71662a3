/* quartet-cli-video.h: what quartet-cli sends as video: a screen through the portal, and switching
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-cli-output.h"

G_BEGIN_DECLS

typedef struct _QuartetCliVideo QuartetCliVideo;

/* @source: the camera or pattern the media was made with, what sharing
 * stops to. */
QuartetCliVideo *
quartet_cli_video_new (QuartetMedia *media, const char *source, QuartetCliOutput *output);
void quartet_cli_video_free (QuartetCliVideo *self);

/* Asks the ScreenCast portal for a screen or a window, and sends it once
 * the portal gives it (a "video-source" line either way). */
void quartet_cli_video_share_screen (QuartetCliVideo *self);
/* Asks the Camera portal for the cameras (a "camera-access" line), then
 * sends @camera ("camera" or "camera:NAME") from them; until then the
 * media sends what it was made with. */
void quartet_cli_video_use_camera_portal (QuartetCliVideo *self, const char *camera);
/* Reads one command per line from stdin: `screen`, `camera`,
 * `camera:NAME` or `pattern:N`. */
void quartet_cli_video_read_commands (QuartetCliVideo *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetCliVideo, quartet_cli_video_free)

G_END_DECLS
