/* quartet-playout-delay.c: how long received audio waits for a late packet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A jitter buffer that waits too little plays a late packet as a gap
 * (concealed, but a gap); one that waits too long puts its whole wait into
 * mouth to ear. A fixed wait has to be sized for the worst link; this one
 * follows the link, as libwebrtc's NetEq does (its delay manager: a high
 * quantile of each packet's delay relative to the quickest). NetEq also
 * stretches and squeezes the sound to move to a new delay; a GStreamer
 * pipeline cannot, so a change is a skip or a short silence at the sink,
 * and the delay changes seldom: up at once when the jitter grows, since a
 * gap is worse than a skip, and down a step a second.
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-playout-delay.h"

#include <stdlib.h>
#include <string.h>

/* Ten seconds of 20 ms packets */
#define WINDOW 512
/* Packets before the first estimate: a second's */
#define FIRST_ESTIMATE 50
#define ESTIMATE_EVERY 25
/* Of the packets in the window, those that come in time. */
#define QUANTILE 0.97
/* Decoding and handing a packet over on a busy machine */
#define MARGIN_MS 10
#define FLOOR_MS 20
/* The queue before the mixer holds 500 ms (quartet-peer-receive.c). */
#define CEILING_MS 300
#define STEP_MS 10
#define FALL_INTERVAL_US G_USEC_PER_SEC

struct _QuartetPlayoutDelay
{
  guint clock_rate;
  guint32 last_timestamp;
  gint64 timestamp; /* the last one, unwrapped */
  /* Each packet's transit in µs (arrival less sampling time, on unrelated
   * clocks: only their differences mean anything), a ring. */
  gint64 transit_us[WINDOW];
  gint64 sorted_us[WINDOW];
  guint64 packets;
  gint64 quickest_us; /* the window's least transit at the last estimate */
  guint delay_ms;
  gint64 changed_us;
};

QuartetPlayoutDelay *
quartet_playout_delay_new (guint clock_rate)
{
  QuartetPlayoutDelay *self;

  g_return_val_if_fail (clock_rate > 0, NULL);

  self = g_new0 (QuartetPlayoutDelay, 1);
  self->clock_rate = clock_rate;
  self->delay_ms = QUARTET_PLAYOUT_DELAY_START_MS;
  return self;
}

void
quartet_playout_delay_free (QuartetPlayoutDelay *self)
{
  g_free (self);
}

guint
quartet_playout_delay_get_ms (QuartetPlayoutDelay *self)
{
  return self->delay_ms;
}

static int
compare_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

/* The delay that lets QUANTILE of the window's packets in, rounded up to
 * a step. */
static guint
estimate_ms (QuartetPlayoutDelay *self)
{
  gsize n = MIN (self->packets, WINDOW);
  gint64 late_us;
  guint ms;

  memcpy (self->sorted_us, self->transit_us, n * sizeof (gint64));
  qsort (self->sorted_us, n, sizeof (gint64), compare_gint64);
  self->quickest_us = self->sorted_us[0];
  late_us = self->sorted_us[(gsize)((n - 1) * QUANTILE)] - self->quickest_us;

  ms = (late_us + 999) / 1000 + MARGIN_MS;
  ms = (ms + STEP_MS - 1) / STEP_MS * STEP_MS;
  return CLAMP (ms, FLOOR_MS, CEILING_MS);
}

static gboolean
move_to (QuartetPlayoutDelay *self, guint target_ms, gint64 now_us)
{
  gboolean first = self->packets == FIRST_ESTIMATE;

  if (target_ms > self->delay_ms || (first && target_ms < self->delay_ms))
    self->delay_ms = target_ms;
  else if (target_ms < self->delay_ms && now_us - self->changed_us >= FALL_INTERVAL_US)
    self->delay_ms -= STEP_MS;
  else
    return FALSE;

  self->changed_us = now_us;
  return TRUE;
}

gboolean
quartet_playout_delay_add_packet (QuartetPlayoutDelay *self,
                                  guint32 rtp_timestamp,
                                  gint64 arrived_us)
{
  gint64 transit_us;
  gboolean nearly_late;

  if (self->packets == 0)
    self->timestamp = rtp_timestamp;
  else /* a signed step: a packet out of order steps back */
    self->timestamp += (gint32)(rtp_timestamp - self->last_timestamp);
  self->last_timestamp = rtp_timestamp;

  transit_us = arrived_us - self->timestamp * G_USEC_PER_SEC / self->clock_rate;
  self->transit_us[self->packets % WINDOW] = transit_us;
  self->packets++;

  if (self->packets < FIRST_ESTIMATE)
    return FALSE;
  /* A packet that (nearly) missed its time may be the first of many:
   * look at once, not at the next round estimate. */
  nearly_late = transit_us - self->quickest_us > (gint64)(self->delay_ms - MARGIN_MS) * 1000;
  if (self->packets != FIRST_ESTIMATE && self->packets % ESTIMATE_EVERY != 0 && !nearly_late)
    return FALSE;
  return move_to (self, estimate_ms (self), arrived_us);
}
