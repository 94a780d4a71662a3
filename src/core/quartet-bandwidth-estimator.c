/* quartet-bandwidth-estimator.c: how fast to send to one peer, from its feedback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A controller in the spirit of Google Congestion Control (the IETF draft
 * draft-ietf-rmcat-gcc, libwebrtc), small enough to test on recorded
 * feedback without GStreamer:
 *
 * - delay-based, first: when the queueing delay grows, or less arrives than
 *   we send, a queue is building at the bottleneck: cut to 85% of what
 *   arrives (or of the estimate, without TWCC), before any loss, and do not
 *   grow again for a moment;
 * - loss-based: under 2% grow 10% a second (back from 400 kbit/s to
 *   2 Mbit/s within 20 s), 2 to 10% hold, over 10%
 *   cut by (1 - loss / 2);
 * - never far above what arrives (1.5 times), never under the floor (audio
 *   and a small picture must get through) nor over the peer's cap (its
 *   b=AS or userInfo bandwidth, or ours).
 *
 * Nothing here is wired to the media yet (issue 16): the engine still
 * sends at its fixed rate.
 */
#include "quartet-bandwidth-estimator.h"

#define GROWTH_PER_SECOND 0.10
#define LOSS_LOW 0.02
#define LOSS_HIGH 0.10
#define OVERUSE_DELAY_MS 10.0
#define BEHIND_RATIO 0.9    /* received < 90% of sent: a queue is building */
#define BACK_OFF_RATIO 0.85 /* of what arrives */
#define HOLD_AFTER_OVERUSE_US (G_USEC_PER_SEC)
#define ABOVE_RECEIVED_RATIO 1.5

struct _QuartetBandwidthEstimator
{
  double bps;
  guint floor_bps;
  guint cap_bps;       /* 0: none */
  gint64 hold_left_us; /* no growth while > 0, after an overuse */
};

static void
clamp (QuartetBandwidthEstimator *self)
{
  if (self->cap_bps > 0 && self->bps > self->cap_bps)
    self->bps = self->cap_bps;
  if (self->bps < self->floor_bps)
    self->bps = self->floor_bps;
}

QuartetBandwidthEstimator *
quartet_bandwidth_estimator_new (guint start_bps, guint floor_bps, guint cap_bps)
{
  QuartetBandwidthEstimator *self = g_new0 (QuartetBandwidthEstimator, 1);

  self->bps = start_bps;
  self->floor_bps = floor_bps;
  self->cap_bps = cap_bps;
  clamp (self);
  return self;
}

void
quartet_bandwidth_estimator_free (QuartetBandwidthEstimator *self)
{
  g_free (self);
}

/* @cap_bps 0 lifts the cap. */
void
quartet_bandwidth_estimator_set_cap (QuartetBandwidthEstimator *self, guint cap_bps)
{
  self->cap_bps = cap_bps;
  clamp (self);
}

static gboolean
is_overuse (const QuartetBandwidthFeedback *feedback)
{
  return feedback->delay_gradient_ms > OVERUSE_DELAY_MS
         || (feedback->received_bps > 0
             && feedback->received_bps < BEHIND_RATIO * feedback->sent_bps);
}

static void
apply_loss (QuartetBandwidthEstimator *self, const QuartetBandwidthFeedback *feedback)
{
  double seconds = feedback->interval_us / (double)G_USEC_PER_SEC;

  if (feedback->loss > LOSS_HIGH)
    self->bps *= 1.0 - 0.5 * feedback->loss;
  else if (feedback->loss < LOSS_LOW && self->hold_left_us <= 0)
    self->bps *= 1.0 + GROWTH_PER_SECOND * seconds;
}

/* The estimate after one more report, in bits per second. */
guint
quartet_bandwidth_estimator_update (QuartetBandwidthEstimator *self,
                                    const QuartetBandwidthFeedback *feedback)
{
  g_return_val_if_fail (feedback->interval_us > 0, quartet_bandwidth_estimator_get_bps (self));

  self->hold_left_us -= feedback->interval_us;
  if (is_overuse (feedback))
    {
      double arrived = feedback->received_bps > 0 ? feedback->received_bps : self->bps;

      self->bps = MIN (self->bps, BACK_OFF_RATIO * arrived);
      self->hold_left_us = HOLD_AFTER_OVERUSE_US;
    }
  else
    {
      apply_loss (self, feedback);
    }

  if (feedback->received_bps > 0)
    self->bps = MIN (self->bps, ABOVE_RECEIVED_RATIO * feedback->received_bps);
  clamp (self);
  return quartet_bandwidth_estimator_get_bps (self);
}

guint
quartet_bandwidth_estimator_get_bps (QuartetBandwidthEstimator *self)
{
  return (guint)self->bps;
}
