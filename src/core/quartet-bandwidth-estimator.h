/* quartet-bandwidth-estimator.h: how fast to send to one peer, from its feedback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What one feedback report says about the span it covers (RTCP receiver
 * reports for the loss, transport-wide congestion control for the rest). */
typedef struct
{
  gint64 interval_us;       /* the span this report covers */
  guint sent_bps;           /* what we sent over it */
  guint received_bps;       /* what arrived of it; 0 when unknown (no TWCC) */
  double loss;              /* the share of our packets lost, 0 to 1 */
  double delay_gradient_ms; /* how much the one-way queueing delay grew over it */
} QuartetBandwidthFeedback;

typedef struct _QuartetBandwidthEstimator QuartetBandwidthEstimator;

QuartetBandwidthEstimator *
quartet_bandwidth_estimator_new (guint start_bps, guint floor_bps, guint cap_bps);
void quartet_bandwidth_estimator_free (QuartetBandwidthEstimator *self);

void quartet_bandwidth_estimator_set_cap (QuartetBandwidthEstimator *self, guint cap_bps);
guint quartet_bandwidth_estimator_update (QuartetBandwidthEstimator *self,
                                          const QuartetBandwidthFeedback *feedback);
guint quartet_bandwidth_estimator_get_bps (QuartetBandwidthEstimator *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetBandwidthEstimator, quartet_bandwidth_estimator_free)

G_END_DECLS
