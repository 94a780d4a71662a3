/* quartet-encoding-choice.h: which shared encoding a peer gets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QUARTET_ENCODING_MAIN 0
#define QUARTET_ENCODING_LOW 1

/* The encoding for a peer that can take @video_bps while the best peer
 * takes @best_bps; @current is what it gets now, @moved_us when it last
 * moved, @now_us a monotonic time. */
guint quartet_encoding_choose (
    guint current, guint video_bps, guint best_bps, gint64 moved_us, gint64 now_us);

G_END_DECLS
