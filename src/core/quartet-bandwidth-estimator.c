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
 *   What arrived is the bottleneck's rate when a queue stands: the packets
 *   that waited in it left one after the other, so their spacing is its
 *   rate (QueuedRun). A window's own arrivals mix in the packets sent
 *   before the queue began, at our faster rate: when the link fell to a
 *   seventh, the first cut only halved the estimate and the queue
 *   overflowed for another second.
 *   A queue past QUEUE_DEEP_MS in any report cuts at once, without waiting
 *   for the window to end: when the link's rate falls to a seventh, every
 *   millisecond of waiting loses another packet. The news of it comes a
 *   queue's length late already.
 * - loss-based, on the loss of the last LOSS_WINDOWS windows (a second: a
 *   window holds a few dozen packets, too few to tell 5% from 10%): under
 *   2% grow GROWTH_PER_SECOND, 2 to 10% hold (grow, while no queue stands:
 *   loss without a queue is a lossy path, not a full one, and holding
 *   there kept a call at 180p for good after an outage), over 10% cut by
 *   (1 - loss / 2).
 * - a window in which nothing arrived is an outage, not congestion: the
 *   estimate stays (a 5 s cut of the link used to bring it to the floor). libwebrtc grows by 8%
 *   a second but probes the link to jump ahead; without probes, 20%
 *   climbs back from 150 kbit/s to 720p's 1.5 Mbit/s in 13 s.
 * - one cut at most per CUT_INTERVAL_US, as libwebrtc decreases once a
 *   round trip: the windows right after a cut still show the queue and the
 *   loss that caused it, and cutting for them again took a 2 Mbit/s link's
 *   estimate to a third of the link.
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
#define LOSS_WINDOWS 4
#define QUEUE_OVERUSE_MS 30.0
#define QUEUE_DEEP_MS 100.0
#define QUEUED_RUN 16
#define QUEUED_RUN_MIN 4 /* packets, to tell the bottleneck's rate */
#define QUEUE_RISING_US (2 * G_TIME_SPAN_MILLISECOND)
#define GROWTH_PER_SECOND 0.20
#define LOSS_LOW 0.02
#define LOSS_HIGH 0.10
#define BACK_OFF_RATIO 0.85 /* of what arrives */
#define HOLD_AFTER_OVERUSE_US (G_USEC_PER_SEC)
#define CUT_INTERVAL_US (500 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  gint64 first_sent_us, last_sent_us;
  gint64 first_arrived_us, last_arrived_us;
  guint64 bytes_sent, bytes_arrived;
  guint first_arrived_size; /* a rate is the bytes after the first over the span */
  guint packets, lost;
  gint64 min_delay_us;
} Window;

/* The last packets that arrived through a standing queue, in a row: the
 * bottleneck sent them back to back, so their spacing is its rate. */
typedef struct
{
  gint64 arrived_us[QUEUED_RUN];
  guint size[QUEUED_RUN];
  guint n, next;
} QueuedRun;

struct _QuartetBandwidthEstimator
{
  double bps;
  guint floor_bps;
  guint cap_bps;       /* 0: none */
  gint64 hold_left_us; /* no growth while > 0, after an overuse */
  gint64 cut_left_us;  /* no cut while > 0, after a cut */
  double loss;

  Window window;
  QueuedRun queued;
  guint packets[LOSS_WINDOWS], lost[LOSS_WINDOWS]; /* of the last windows */
  gint64 base_delays_us[BASE_WINDOWS]; /* the smallest delay of past windows */
  guint n_windows;
  guint n_loss_windows;
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

/* The smallest one-way delay of the last BASE_WINDOWS windows and this
 * one: the path without a queue. G_MAXINT64 before the first report. */
static gint64
base_delay_us (QuartetBandwidthEstimator *self)
{
  gint64 base = self->window.min_delay_us;

  for (guint i = 0; i < MIN (self->n_windows, BASE_WINDOWS); i++)
    base = MIN (base, self->base_delays_us[i]);
  return base;
}

static void
queued_run_add (QueuedRun *run, const QuartetTwccPacket *packet, gint64 base_delay_us)
{
  if (packet->arrived_us == QUARTET_TWCC_LOST)
    return; /* it never left the bottleneck */
  if (base_delay_us == G_MAXINT64
      || packet->arrived_us - packet->sent_us - base_delay_us
             <= QUEUE_OVERUSE_MS * G_TIME_SPAN_MILLISECOND)
    {
      run->n = 0; /* the queue was empty: the bottleneck waited for this one */
      return;
    }
  run->arrived_us[run->next] = packet->arrived_us;
  run->size[run->next] = packet->size;
  run->next = (run->next + 1) % QUEUED_RUN;
  run->n = MIN (run->n + 1, QUEUED_RUN);
}

/* The bottleneck's rate, or 0 while no queue stands (or too short a run). */
static double
queued_run_bps (const QueuedRun *run)
{
  guint oldest = (run->next + QUEUED_RUN - run->n) % QUEUED_RUN;
  guint newest = (run->next + QUEUED_RUN - 1) % QUEUED_RUN;
  gint64 span = run->arrived_us[newest] - run->arrived_us[oldest];
  guint64 bytes = 0;

  if (run->n < QUEUED_RUN_MIN || span <= 0)
    return 0;
  for (guint i = 1; i < run->n; i++)
    bytes += run->size[(oldest + i) % QUEUED_RUN];
  return bytes * 8.0 * G_USEC_PER_SEC / span;
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
  if (packet->arrived_us < window->first_arrived_us)
    {
      window->first_arrived_us = packet->arrived_us;
      window->first_arrived_size = packet->size;
    }
  window->last_arrived_us = MAX (window->last_arrived_us, packet->arrived_us);
  window->bytes_arrived += packet->size;
  window->min_delay_us = MIN (window->min_delay_us, packet->arrived_us - packet->sent_us);
}

/* What got through the bottleneck in a window. The arrival times of a few
 * packets (a window that lost most of them) make a poor clock, so it is
 * never more than what we sent times the share that arrived. */
static double
window_arrived_bps (const Window *window)
{
  gint64 arrived_span, sent_span;
  double through;

  if (window->bytes_arrived == 0)
    return 0; /* and the arrival times are still their sentinels */

  sent_span = window->last_sent_us - window->first_sent_us;
  through = sent_span > 0 ? window->bytes_arrived * 8.0 * G_USEC_PER_SEC / sent_span : 0;
  arrived_span = window->last_arrived_us - window->first_arrived_us;
  if (arrived_span <= 0)
    return through;
  return MIN (through, (window->bytes_arrived - window->first_arrived_size) * 8.0 * G_USEC_PER_SEC
                           / arrived_span);
}

/* The queue standing at the bottleneck, and whether it grew since the
 * last window. */
static double
queue_delay_ms (QuartetBandwidthEstimator *self, gboolean *rising)
{
  gint64 min_delay = self->window.min_delay_us;

  *rising = self->last_min_delay_us != G_MAXINT64
            && min_delay > self->last_min_delay_us + QUEUE_RISING_US;
  self->last_min_delay_us = min_delay;

  self->base_delays_us[self->n_windows++ % BASE_WINDOWS] = min_delay;
  return (min_delay - base_delay_us (self)) / 1000.0;
}

/* Over the last LOSS_WINDOWS windows, this one included. */
static double
recent_loss (QuartetBandwidthEstimator *self)
{
  guint slot = self->n_loss_windows++ % LOSS_WINDOWS;
  guint packets = 0, lost = 0;

  self->packets[slot] = self->window.packets;
  self->lost[slot] = self->window.lost;
  for (guint i = 0; i < LOSS_WINDOWS; i++)
    {
      packets += self->packets[i];
      lost += self->lost[i];
    }
  return packets > 0 ? (double)lost / packets : 0;
}

static void
end_window (QuartetBandwidthEstimator *self)
{
  Window *window = &self->window;
  double seconds = (window->last_sent_us - window->first_sent_us) / (double)G_USEC_PER_SEC;
  gboolean rising = FALSE;
  double queue_ms;
  double link_bps = queued_run_bps (&self->queued);
  double arrived_bps = link_bps > 0 ? link_bps : window_arrived_bps (window);

  self->hold_left_us -= window->last_sent_us - window->first_sent_us;
  self->cut_left_us -= window->last_sent_us - window->first_sent_us;
  if (window->bytes_arrived == 0)
    {
      window_reset (window);
      return;
    }

  queue_ms = queue_delay_ms (self, &rising);
  self->loss = recent_loss (self);

  if ((queue_ms > QUEUE_OVERUSE_MS && rising) || queue_ms > QUEUE_DEEP_MS)
    {
      /* A measured bottleneck may cut again at once: to 85% of it, not
       * compounding. */
      if (self->cut_left_us <= 0 || link_bps > 0)
        {
          self->bps = MIN (self->bps, BACK_OFF_RATIO * (arrived_bps > 0 ? arrived_bps : self->bps));
          self->cut_left_us = CUT_INTERVAL_US;
        }
      self->hold_left_us = HOLD_AFTER_OVERUSE_US;
    }
  else if (self->loss > LOSS_HIGH)
    {
      if (self->cut_left_us <= 0)
        {
          self->bps *= 1.0 - 0.5 * self->loss;
          self->cut_left_us = CUT_INTERVAL_US;
        }
    }
  else if ((self->loss < LOSS_LOW || queue_ms < QUEUE_OVERUSE_MS / 2) && self->hold_left_us <= 0)
    self->bps *= 1.0 + GROWTH_PER_SECOND * seconds;

  clamp (self);
  window_reset (window);
}

/* The smallest delay in this report, less the base; 0 when unknown. */
static double
report_queue_ms (QuartetBandwidthEstimator *self, const QuartetTwccPacket *packets, gsize n)
{
  gint64 min_delay = G_MAXINT64;
  gint64 base = base_delay_us (self);

  for (gsize i = 0; i < n; i++)
    if (packets[i].arrived_us != QUARTET_TWCC_LOST)
      min_delay = MIN (min_delay, packets[i].arrived_us - packets[i].sent_us);

  if (min_delay == G_MAXINT64 || base == G_MAXINT64 || min_delay < base)
    return 0;
  return (min_delay - base) / 1000.0;
}

/* A queue past QUEUE_DEEP_MS cuts at once, without waiting for the window
 * to end, when the last cut is long enough ago or the bottleneck's rate
 * says the estimate is still well over it. */
static gboolean
deep_queue_cuts_now (QuartetBandwidthEstimator *self)
{
  double link_bps = queued_run_bps (&self->queued);

  return self->cut_left_us <= 0 || (link_bps > 0 && BACK_OFF_RATIO * link_bps < 0.9 * self->bps);
}

gboolean
quartet_bandwidth_estimator_add_packets (QuartetBandwidthEstimator *self,
                                         const QuartetTwccPacket *packets,
                                         gsize n_packets)
{
  gboolean deep = report_queue_ms (self, packets, n_packets) > QUEUE_DEEP_MS;
  gint64 base = base_delay_us (self);
  gboolean moved = FALSE;

  for (gsize i = 0; i < n_packets; i++)
    {
      window_add (&self->window, &packets[i]);
      queued_run_add (&self->queued, &packets[i], base);
      if (self->window.last_sent_us - self->window.first_sent_us >= WINDOW_US)
        {
          end_window (self);
          moved = TRUE;
        }
    }
  if (deep && self->window.packets > 0 && deep_queue_cuts_now (self))
    {
      end_window (self);
      moved = TRUE;
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
