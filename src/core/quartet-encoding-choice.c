/* quartet-encoding-choice.c: which shared encoding a peer gets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main encoding feeds every peer that can take at least SPLIT_RATIO of
 * the best peer's video rate; a peer under that gets the low encoding,
 * which follows the weak ones (quartet-media-rate.c). A peer moves back once
 * it can take JOIN_RATIO of the best, well above SPLIT_RATIO so that a rate
 * hovering near the line does not flip it, and moves at most every
 * SWITCH_HOLD_US, for each move costs a keyframe. Pure: unit-tested in
 * tests/test-encoding-choice.c.
 */
#include "quartet-encoding-choice.h"

#define SPLIT_RATIO 0.5
#define JOIN_RATIO 0.75
#define SWITCH_HOLD_US (5 * G_USEC_PER_SEC)

guint
quartet_encoding_choose (
    guint current, guint video_bps, guint best_bps, gint64 moved_us, gint64 now_us)
{
  guint wanted = current;

  if (current == QUARTET_ENCODING_MAIN && video_bps < SPLIT_RATIO * best_bps)
    wanted = QUARTET_ENCODING_LOW;
  else if (current == QUARTET_ENCODING_LOW && video_bps >= JOIN_RATIO * best_bps)
    wanted = QUARTET_ENCODING_MAIN;

  if (wanted != current && now_us - moved_us < SWITCH_HOLD_US)
    return current;
  return wanted;
}
