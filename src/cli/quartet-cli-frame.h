/* quartet-cli-frame.h: what a received frame shows, for bots and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* The mean colour of @frame (video/x-raw, format=RGB, as
 * quartet_peer_get_last_frame() gives it). FALSE for a NULL or other frame. */
gboolean quartet_cli_frame_average_rgb (GstSample *frame, guint8 average[3]);

G_END_DECLS
