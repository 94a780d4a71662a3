/* quartet-bandwidth-estimator.c: how fast to send to one peer, from its feedback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A controller in the spirit of Google Congestion Control (the IETF draft
 * draft-ietf-rmcat-gcc, libwebrtc), fed with the packets of the peer's
 * transport-wide congestion control reports and small enough to test on
 * recorded or simulated reports without GStreamer.
 *
 * The reports are cut into windows of WINDOW_US of sending. Per window:
 *
 * - delay-based, first: the smallest one-way delay of the window, less the
 *   smallest of the last BASE_WINDOWS windows, is the queue standing at the
 *   bottleneck (the clocks' offset cancels out). When it is over
 *   QUEUE_OVERUSE_MS and still growing, or over QUEUE_DEEP_MS, we send more
 *   than the path carries: cut to 85% of what arrived, before any loss, and
 *   do not grow again for a moment. Taking the window's smallest delay
 *   ignores the bursts of a keyframe.
 * - loss-based: under 2% grow GROWTH_PER_SECOND (from 300 kbit/s to 2 Mbit/s
 *   in some 17 s), 2 to 10% hold, over 10% cut by (1 - loss / 2).
 * - never under the floor (audio and a small picture must get through) nor
 *   over the cap (the peer's b=AS or userInfo bandwidth, or ours).
 *
 * Unlike libwebrtc the estimate may grow while we send less than it (a
 * still picture): here the estimate also picks the picture size, and a
 * still camera must not be sent at the bottom of the ladder. The price is
 * one cut when the picture gets busy on a link slower than the estimate.
 */
#include "quartet-bandwidth-estimator.h"

#define WINDOW_US (250 * G_TIME_SPAN_MILLISECOND)
#define BASE_WINDOWS 40 /* 10 s of windows */
#define QUEUE_OVERUSE_MS 30.0
#define QUEUE_DEEP_MS 100.0
#define QUEUE_RISING_US (2 * G_TIME_SPAN_MILLISECOND)
#define GROWTH_PER_SECOND 0.12
#define LOSS_LOW 0.02
#define LOSS_HIGH 0.10
#define BACK_OFF_RATIO 0.85 /* of what arrives */
#define HOLD_AFTER_OVERUSE_US (G_USEC_PER_SEC)

typedef struct
{
  gint64 first_sent_us, last_sent_us;
  gint64 first_arrived_us, last_arrived_us;
  guint64 bytes_sent, bytes_arrived;
  guint packets, lost;
  gint64 min_delay_us;
} Window;

struct _QuartetBandwidthEstimator
{
  double bps;
  guint floor_bps;
  guint cap_bps;       /* 0: none */
  gint64 hold_left_us; /* no growth while > 0, after an overuse */
  double loss;

  Window window;
  gint64 base_delays_us[BASE_WINDOWS]; /* the smallest delay of past windows */
  guint n_windows;
  gint64 last_min_delay_us;
};

static void
clamp (QuartetBandwidthEstimator *self)
{
  if (self->cap_bps > 0 && self->bps > self->cap_bps)
    self->bps = self->cap_bps;
  if (self->bps < self->floor_bps)
    self->bps = self->floor_bps;
}

static void
window_reset (Window *window)
{
  *window = (Window){ .first_sent_us = G_MININT64,
                      .last_sent_us = G_MININT64,
                      .first_arrived_us = G_MAXINT64,
                      .last_arrived_us = G_MININT64,
                      .min_delay_us = G_MAXINT64 };
}

QuartetBandwidthEstimator *
quartet_bandwidth_estimator_new (guint start_bps, guint floor_bps, guint cap_bps)
{
  QuartetBandwidthEstimator *self = g_new0 (QuartetBandwidthEstimator, 1);

  self->bps = start_bps;
  self->floor_bps = floor_bps;
  self->cap_bps = cap_bps;
  self->last_min_delay_us = G_MAXINT64;
  window_reset (&self->window);
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

static void
window_add (Window *window, const QuartetTwccPacket *packet)
{
  if (window->first_sent_us == G_MININT64)
    window->first_sent_us = packet->sent_us;
  window->last_sent_us = MAX (window->last_sent_us, packet->sent_us);
  window->bytes_sent += packet->size;
  window->packets++;

  if (packet->arrived_us == QUARTET_TWCC_LOST)
    {
      window->lost++;
      return;
    }
  window->first_arrived_us = MIN (window->first_arrived_us, packet->arrived_us);
  window->last_arrived_us = MAX (window->last_arrived_us, packet->arrived_us);
  window->bytes_arrived += packet->size;
  window->min_delay_us = MIN (window->min_delay_us, packet->arrived_us - packet->sent_us);
}

static double
window_arrived_bps (const Window *window)
{
  gint64 span = window->last_arrived_us - window->first_arrived_us;

  if (window->bytes_arrived == 0 || span <= 0)
    return 0;
  return window->bytes_arrived * 8.0 * G_USEC_PER_SEC / span;
}

/* The queue standing at the bottleneck, and whether it grew since the
 * last window. */
static double
queue_delay_ms (QuartetBandwidthEstimator *self, gboolean *rising)
{
  gint64 min_delay = self->window.min_delay_us;
  gint64 base = min_delay;

  *rising = self->last_min_delay_us != G_MAXINT64
            && min_delay > self->last_min_delay_us + QUEUE_RISING_US;
  self->last_min_delay_us = min_delay;

  self->base_delays_us[self->n_windows++ % BASE_WINDOWS] = min_delay;
  for (guint i = 0; i < MIN (self->n_windows, BASE_WINDOWS); i++)
    base = MIN (base, self->base_delays_us[i]);

  return (min_delay - base) / 1000.0;
}

static void
end_window (QuartetBandwidthEstimator *self)
{
  Window *window = &self->window;
  double seconds = (window->last_sent_us - window->first_sent_us) / (double)G_USEC_PER_SEC;
  gboolean rising = FALSE;
  double queue_ms = window->min_delay_us == G_MAXINT64 ? 0 : queue_delay_ms (self, &rising);
  double arrived_bps = window_arrived_bps (window);

  self->loss = (double)window->lost / window->packets;
  self->hold_left_us -= window->last_sent_us - window->first_sent_us;

  if ((queue_ms > QUEUE_OVERUSE_MS && rising) || queue_ms > QUEUE_DEEP_MS)
    {
      self->bps = MIN (self->bps, BACK_OFF_RATIO * (arrived_bps > 0 ? arrived_bps : self->bps));
      self->hold_left_us = HOLD_AFTER_OVERUSE_US;
    }
  else if (self->loss > LOSS_HIGH)
    self->bps *= 1.0 - 0.5 * self->loss;
  else if (self->loss < LOSS_LOW && self->hold_left_us <= 0)
    self->bps *= 1.0 + GROWTH_PER_SECOND * seconds;

  clamp (self);
  window_reset (window);
}

gboolean
quartet_bandwidth_estimator_add_packets (QuartetBandwidthEstimator *self,
                                         const QuartetTwccPacket *packets,
                                         gsize n_packets)
{
  gboolean moved = FALSE;

  for (gsize i = 0; i < n_packets; i++)
    {
      window_add (&self->window, &packets[i]);
      if (self->window.last_sent_us - self->window.first_sent_us >= WINDOW_US)
        {
          end_window (self);
          moved = TRUE;
        }
    }
  return moved;
}

guint
quartet_bandwidth_estimator_get_bps (QuartetBandwidthEstimator *self)
{
  return (guint)self->bps;
}

double
quartet_bandwidth_estimator_get_loss (QuartetBandwidthEstimator *self)
{
  return self->loss;
}
