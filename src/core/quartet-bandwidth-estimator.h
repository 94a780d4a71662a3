/* quartet-bandwidth-estimator.h: how fast to send to one peer, from its feedback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One packet of a transport-wide congestion control report: when we sent
 * it (our clock) and when it arrived (the receiver's clock, unrelated to
 * ours but running at the same speed). */
typedef struct
{
  gint64 sent_us;
  gint64 arrived_us; /* QUARTET_TWCC_LOST when it never arrived */
  guint size;        /* bytes */
} QuartetTwccPacket;

#define QUARTET_TWCC_LOST G_MININT64

typedef struct _QuartetBandwidthEstimator QuartetBandwidthEstimator;

QuartetBandwidthEstimator *
quartet_bandwidth_estimator_new (guint start_bps, guint floor_bps, guint cap_bps);
void quartet_bandwidth_estimator_free (QuartetBandwidthEstimator *self);

void quartet_bandwidth_estimator_set_cap (QuartetBandwidthEstimator *self, guint cap_bps);
/* Reports in sending order; returns TRUE when they completed a window and
 * so may have moved the estimate. */
gboolean quartet_bandwidth_estimator_add_packets (QuartetBandwidthEstimator *self,
                                                  const QuartetTwccPacket *packets,
                                                  gsize n_packets);
guint quartet_bandwidth_estimator_get_bps (QuartetBandwidthEstimator *self);
/* The share of packets lost in the last window, 0 to 1. */
double quartet_bandwidth_estimator_get_loss (QuartetBandwidthEstimator *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetBandwidthEstimator, quartet_bandwidth_estimator_free)

G_END_DECLS
