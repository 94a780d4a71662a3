/* quartet-playout-delay.h: how long received audio waits for a late packet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The delay an audio jitter buffer should have, from the jitter the link
 * showed lately, as a browser's NetEq finds it: short on a steady link,
 * longer on one whose packets come unevenly. Each packet's transit (when it
 * came less when it was sampled, by its RTP timestamp) is compared with the
 * quickest of the last few seconds; the delay covers all but the latest
 * 3 % of them. It rises at once and falls a step at a time. */
typedef struct _QuartetPlayoutDelay QuartetPlayoutDelay;

/* Until a second of packets has come, and for a stream with no history */
#define QUARTET_PLAYOUT_DELAY_START_MS 60

QuartetPlayoutDelay *quartet_playout_delay_new (guint clock_rate);
void quartet_playout_delay_free (QuartetPlayoutDelay *self);

/* A packet of the stream, in any order, as it comes: @arrived_us on any
 * steady clock. Returns TRUE when the delay changed. */
gboolean quartet_playout_delay_add_packet (QuartetPlayoutDelay *self,
                                           guint32 rtp_timestamp,
                                           gint64 arrived_us);
guint quartet_playout_delay_get_ms (QuartetPlayoutDelay *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetPlayoutDelay, quartet_playout_delay_free)

G_END_DECLS
