/* test-bandwidth-estimator.c: the send-rate controller on simulated links, no media
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test plays a link to the estimator packet by packet: we send
 * 1000-byte packets evenly at the estimate, the link is a bottleneck with
 * a drop-tail queue (as a home router's) and 20 ms of propagation, and
 * every 50 ms the receiver reports what arrived when, on a clock of its
 * own, as transport-wide congestion control feedback does: a packet is
 * reported once it has arrived, a lost one once a later one has, so the
 * news of a queue comes a queue's length late.
 */
#include "quartet-bandwidth-estimator.h"

#define KBPS 1000
#define PACKET_BYTES 1000
#define REPORT_US (50 * G_TIME_SPAN_MILLISECOND)
#define PROPAGATION_US (20 * G_TIME_SPAN_MILLISECOND)
#define QUEUE_US (250 * G_TIME_SPAN_MILLISECOND)
#define RECEIVER_CLOCK_OFFSET_US 987654321

typedef struct
{
  guint rate_bps;     /* the bottleneck; 0: none */
  double random_loss; /* lost whatever the rate */
  gint64 jitter_us;   /* added at random to each packet's delay, 0 to this */
  gint64 burst_every_us; /* a keyframe: 30 packets at once, this often; 0: none */

  /* The state of the simulation. */
  gint64 now_us;
  gint64 link_free_us; /* when the bottleneck has sent what it queued */
  gint64 next_burst_us;
  guint sent, dropped;
  GArray *in_flight; /* QuartetTwccPacket, sent and not reported yet */
  GRand *rand;
} Link;

static void
link_init (Link *link, guint rate_bps)
{
  *link = (Link){ .rate_bps = rate_bps,
                  .now_us = 1000000,
                  .in_flight = g_array_new (FALSE, FALSE, sizeof (QuartetTwccPacket)),
                  .rand = g_rand_new_with_seed (16) };
}

static void
link_clear (Link *link)
{
  g_array_unref (link->in_flight);
  g_rand_free (link->rand);
}

/* What the receiver can report now: the packets sent before the last one
 * that has arrived, those of them that never will as lost. */
static void
link_take_report (Link *link, GArray *report)
{
  gint64 now_at_receiver = link->now_us + RECEIVER_CLOCK_OFFSET_US;
  guint n = 0;

  for (guint i = 0; i < link->in_flight->len; i++)
    {
      gint64 arrived = g_array_index (link->in_flight, QuartetTwccPacket, i).arrived_us;

      if (arrived != QUARTET_TWCC_LOST && arrived > now_at_receiver)
        break;
      if (arrived != QUARTET_TWCC_LOST)
        n = i + 1;
    }
  g_array_set_size (report, 0);
  g_array_append_vals (report, link->in_flight->data, n);
  g_array_remove_range (link->in_flight, 0, n);
}

/* When the packet sent now arrives, or QUARTET_TWCC_LOST. */
static gint64
link_send (Link *link)
{
  gint64 departure = link->now_us;

  link->sent++;
  if (link->rate_bps > 0)
    {
      if (link->link_free_us - link->now_us > QUEUE_US)
        {
          link->dropped++;
          return QUARTET_TWCC_LOST;
        }
      departure = MAX (link->now_us, link->link_free_us)
                  + (gint64)PACKET_BYTES * 8 * G_USEC_PER_SEC / link->rate_bps;
      link->link_free_us = departure;
    }
  if (g_rand_double (link->rand) < link->random_loss)
    return QUARTET_TWCC_LOST;
  return departure + PROPAGATION_US + RECEIVER_CLOCK_OFFSET_US
         + (link->jitter_us > 0 ? g_rand_int_range (link->rand, 0, link->jitter_us) : 0);
}

/* Runs @seconds, one report every REPORT_US; the estimate after each
 * report into @out (may be NULL). */
static guint
play (QuartetBandwidthEstimator *estimator, Link *link, double seconds, GArray *out)
{
  gint64 end = link->now_us + (gint64)(seconds * G_USEC_PER_SEC);
  g_autoptr (GArray) report = g_array_new (FALSE, FALSE, sizeof (QuartetTwccPacket));

  while (link->now_us < end)
    {
      gint64 report_end = link->now_us + REPORT_US;
      guint bps;

      while (link->now_us < report_end)
        {
          guint n = 1;

          if (link->burst_every_us > 0 && link->now_us >= link->next_burst_us)
            {
              n = 30;
              link->next_burst_us = link->now_us + link->burst_every_us;
            }
          for (guint i = 0; i < n; i++)
            {
              QuartetTwccPacket packet = { link->now_us, link_send (link), PACKET_BYTES };

              g_array_append_val (link->in_flight, packet);
            }
          link->now_us += (gint64)PACKET_BYTES * 8 * G_USEC_PER_SEC
                          / quartet_bandwidth_estimator_get_bps (estimator);
        }
      link_take_report (link, report);
      quartet_bandwidth_estimator_add_packets (estimator, (QuartetTwccPacket *)report->data,
                                               report->len);
      bps = quartet_bandwidth_estimator_get_bps (estimator);
      if (out != NULL)
        g_array_append_val (out, bps);
    }
  return quartet_bandwidth_estimator_get_bps (estimator);
}

static guint
estimate_at (GArray *estimates, double seconds)
{
  guint report = (guint)(seconds * G_USEC_PER_SEC / REPORT_US);

  g_assert_cmpuint (report, >=, 1);
  g_assert_cmpuint (report, <=, estimates->len);
  return g_array_index (estimates, guint, report - 1);
}

static void
test_clean_link_grows_to_the_cap (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (300 * KBPS, 100 * KBPS, 2000 * KBPS);
  g_autoptr (GArray) estimates = g_array_new (FALSE, FALSE, sizeof (guint));
  Link link;

  link_init (&link, 0);
  g_assert_cmpuint (play (estimator, &link, 30, estimates), ==, 2000 * KBPS);
  for (guint i = 1; i < estimates->len; i++)
    g_assert_cmpuint (g_array_index (estimates, guint, i), >=,
                      g_array_index (estimates, guint, i - 1));
  /* About 20% a second: not a jump to the cap, but there within 20 s. */
  g_assert_cmpuint (estimate_at (estimates, 5), <, 1000 * KBPS);
  g_assert_cmpuint (estimate_at (estimates, 20), ==, 2000 * KBPS);
  link_clear (&link);
}

/* From 1 Mbit/s onto a 400 kbit/s uplink: down within a second, then
 * hovering under the bottleneck, with its queue short and nothing dropped. */
static void
test_bottleneck_is_followed_down (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (1000 * KBPS, 100 * KBPS, 2000 * KBPS);
  g_autoptr (GArray) estimates = g_array_new (FALSE, FALSE, sizeof (guint));
  guint sent, dropped;
  Link link;

  link_init (&link, 400 * KBPS);
  play (estimator, &link, 5, NULL);
  sent = link.sent;
  dropped = link.dropped;
  play (estimator, &link, 30, estimates);
  for (guint i = 0; i < estimates->len; i++)
    {
      guint bps = g_array_index (estimates, guint, i);

      g_assert_cmpuint (bps, >=, 280 * KBPS);
      g_assert_cmpuint (bps, <=, 480 * KBPS);
    }
  g_assert_cmpuint (link.dropped - dropped, <, (link.sent - sent) / 100);

  /* The bottleneck goes: back up to the cap within 20 s. */
  link.rate_bps = 0;
  g_assert_cmpuint (play (estimator, &link, 20, NULL), ==, 2000 * KBPS);
  link_clear (&link);
}

static void
test_first_second_on_a_bottleneck (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (1000 * KBPS, 100 * KBPS, 2000 * KBPS);
  Link link;

  link_init (&link, 400 * KBPS);
  g_assert_cmpuint (play (estimator, &link, 1, NULL), <=, 400 * KBPS);
  link_clear (&link);
}

/* A link whose rate falls to a seventh (a 2 Mbit/s uplink shared at once,
 * a phone moving to a weak cell): the news comes a full queue late, and
 * the first cut must take the estimate under the new rate, or the queue
 * overflows for another round of feedback (and the picture freezes). */
static void
test_link_falling_to_a_seventh (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (1500 * KBPS, 100 * KBPS, 2500 * KBPS);
  guint dropped;
  Link link;

  link_init (&link, 2000 * KBPS);
  play (estimator, &link, 10, NULL);
  link.rate_bps = 300 * KBPS;
  g_assert_cmpuint (play (estimator, &link, 0.6, NULL), <=, 300 * KBPS);
  play (estimator, &link, 0.6, NULL);
  dropped = link.dropped;
  g_assert_cmpuint (play (estimator, &link, 10, NULL), >=, 200 * KBPS);
  g_assert_cmpuint (link.dropped, ==, dropped);
  link_clear (&link);
}

static void
test_loss_bands (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (800 * KBPS, 100 * KBPS, 2000 * KBPS);
  g_autoptr (GArray) estimates = g_array_new (FALSE, FALSE, sizeof (guint));
  Link link;

  link_init (&link, 1000 * KBPS);
  /* 2-10% on a full link: around the link's rate, its queue the judge. */
  link.random_loss = 0.05;
  play (estimator, &link, 10, NULL);
  play (estimator, &link, 10, estimates);
  for (guint i = 0; i < estimates->len; i++)
    {
      g_assert_cmpuint (g_array_index (estimates, guint, i), >=, 600 * KBPS);
      g_assert_cmpuint (g_array_index (estimates, guint, i), <=, 1300 * KBPS);
    }
  /* 2-10% on a path with room: a lossy path, not a full one, grows. */
  link.rate_bps = 0;
  g_assert_cmpuint (play (estimator, &link, 10, NULL), ==, 2000 * KBPS);
  g_assert_cmpfloat (quartet_bandwidth_estimator_get_loss (estimator), <, 0.2);
  /* Over 10%: cut by (1 - loss / 2), twice a second, down to the floor. */
  link.random_loss = 0.30;
  g_assert_cmpuint (play (estimator, &link, 60, NULL), ==, 100 * KBPS);
  link_clear (&link);
}

/* The peer's cap (its b=AS or userInfo bandwidth) holds at once. */
static void
test_cap_holds (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (1500 * KBPS, 100 * KBPS, 0);
  Link link;

  link_init (&link, 0);
  quartet_bandwidth_estimator_set_cap (estimator, 500 * KBPS);
  g_assert_cmpuint (quartet_bandwidth_estimator_get_bps (estimator), ==, 500 * KBPS);
  g_assert_cmpuint (play (estimator, &link, 10, NULL), ==, 500 * KBPS);
  quartet_bandwidth_estimator_set_cap (estimator, 0);
  g_assert_cmpuint (play (estimator, &link, 2, NULL), >, 500 * KBPS);
  link_clear (&link);
}

/* Keyframe bursts and a jittery path queue some packets for a moment; that
 * is not a bottleneck, and the estimate keeps growing. */
/* A link cut for 5 s loses everything sent meanwhile; that is not a
 * reason to send slower once it is back. */
static void
test_outage_is_not_congestion (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (1500 * KBPS, 100 * KBPS, 2000 * KBPS);
  guint before;
  Link link;

  link_init (&link, 0);
  play (estimator, &link, 2, NULL);
  before = quartet_bandwidth_estimator_get_bps (estimator);
  link.random_loss = 1.0;
  g_assert_cmpuint (play (estimator, &link, 5, NULL), ==, before);
  link_clear (&link);
}

static void
test_bursts_and_jitter_are_not_congestion (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (500 * KBPS, 100 * KBPS, 2000 * KBPS);
  g_autoptr (GArray) estimates = g_array_new (FALSE, FALSE, sizeof (guint));
  Link link;

  link_init (&link, 10000 * KBPS);
  link.burst_every_us = 2 * G_USEC_PER_SEC;
  link.jitter_us = 20 * G_TIME_SPAN_MILLISECOND;
  g_assert_cmpuint (play (estimator, &link, 20, estimates), ==, 2000 * KBPS);
  for (guint i = 1; i < estimates->len; i++)
    g_assert_cmpuint (g_array_index (estimates, guint, i), >=,
                      g_array_index (estimates, guint, i - 1));
  link_clear (&link);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bandwidth-estimator/clean-link", test_clean_link_grows_to_the_cap);
  g_test_add_func ("/bandwidth-estimator/bottleneck", test_bottleneck_is_followed_down);
  g_test_add_func ("/bandwidth-estimator/first-second", test_first_second_on_a_bottleneck);
  g_test_add_func ("/bandwidth-estimator/falling-link", test_link_falling_to_a_seventh);
  g_test_add_func ("/bandwidth-estimator/loss-bands", test_loss_bands);
  g_test_add_func ("/bandwidth-estimator/cap", test_cap_holds);
  g_test_add_func ("/bandwidth-estimator/outage", test_outage_is_not_congestion);
  g_test_add_func ("/bandwidth-estimator/bursts-and-jitter",
                   test_bursts_and_jitter_are_not_congestion);
  return g_test_run ();
}
