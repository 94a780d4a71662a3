/* test-bandwidth-estimator.c: the send-rate controller on feedback sequences, no media
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test plays a link to the estimator report by report: what we send
 * is the estimate, and the link decides what arrives, what is lost and how
 * the queue grows, as a bottleneck with a drop-tail queue would.
 */
#include "quartet-bandwidth-estimator.h"

#define KBPS 1000
#define REPORT_US (500 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  guint rate_bps;     /* the bottleneck; 0: none */
  double random_loss; /* lost whatever the rate */
} Link;

/* One report of the link at @sent_bps. */
static QuartetBandwidthFeedback
link_report (const Link *link, guint sent_bps)
{
  QuartetBandwidthFeedback feedback = { REPORT_US, sent_bps, sent_bps, link->random_loss, 0 };

  if (link->rate_bps > 0 && sent_bps > link->rate_bps)
    {
      double excess = (double)(sent_bps - link->rate_bps) / sent_bps;

      /* The queue grows by the excess; past a quarter second of it, the
       * excess is dropped. */
      feedback.received_bps = link->rate_bps;
      feedback.delay_gradient_ms = 1000.0 * excess * REPORT_US / G_USEC_PER_SEC;
      if (sent_bps > 1.2 * link->rate_bps)
        feedback.loss = MAX (feedback.loss, excess);
    }
  return feedback;
}

/* Runs @seconds of reports; the estimates into @out (may be NULL). */
static guint
play (QuartetBandwidthEstimator *estimator, const Link *link, double seconds, GArray *out)
{
  guint bps = quartet_bandwidth_estimator_get_bps (estimator);

  for (gint64 t = 0; t < seconds * G_USEC_PER_SEC; t += REPORT_US)
    {
      QuartetBandwidthFeedback feedback = link_report (link, bps);

      bps = quartet_bandwidth_estimator_update (estimator, &feedback);
      if (out != NULL)
        g_array_append_val (out, bps);
    }
  return bps;
}

static void
test_clean_link_grows_to_the_cap (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (300 * KBPS, 100 * KBPS, 2000 * KBPS);
  g_autoptr (GArray) estimates = g_array_new (FALSE, FALSE, sizeof (guint));
  Link link = { 0, 0 };

  g_assert_cmpuint (play (estimator, &link, 30, estimates), ==, 2000 * KBPS);
  for (guint i = 1; i < estimates->len; i++)
    g_assert_cmpuint (g_array_index (estimates, guint, i), >=,
                      g_array_index (estimates, guint, i - 1));
  /* About 10% a second: not a jump to the cap. */
  g_assert_cmpuint (g_array_index (estimates, guint, 9), <, 500 * KBPS);
}

/* From 1 Mbit/s onto a 400 kbit/s uplink: down within a second, before
 * loss piles up, then hovering under the bottleneck. */
static void
test_bottleneck_is_followed_down (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (1000 * KBPS, 100 * KBPS, 2000 * KBPS);
  g_autoptr (GArray) estimates = g_array_new (FALSE, FALSE, sizeof (guint));
  Link link = { 400 * KBPS, 0 };

  play (estimator, &link, 30, estimates);
  g_assert_cmpuint (g_array_index (estimates, guint, 1), <=, 400 * KBPS);
  for (guint i = 10; i < estimates->len; i++)
    {
      guint bps = g_array_index (estimates, guint, i);

      g_assert_cmpuint (bps, >=, 250 * KBPS);
      g_assert_cmpuint (bps, <=, 480 * KBPS);
    }

  /* The bottleneck goes: back up to the cap within 20 s. */
  link.rate_bps = 0;
  g_assert_cmpuint (play (estimator, &link, 20, NULL), ==, 2000 * KBPS);
}

static void
test_loss_bands (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (800 * KBPS, 100 * KBPS, 2000 * KBPS);
  Link moderate = { 0, 0.05 };
  Link heavy = { 0, 0.15 };

  /* 2-10%: hold. */
  g_assert_cmpuint (play (estimator, &moderate, 5, NULL), ==, 800 * KBPS);
  /* Over 10%: cut by (1 - loss / 2) a report, down to the floor. */
  g_assert_cmpuint (play (estimator, &heavy, 0.5, NULL), ==, (guint)(800 * KBPS * (1 - 0.075)));
  g_assert_cmpuint (play (estimator, &heavy, 60, NULL), ==, 100 * KBPS);
}

/* The peer's cap (its b=AS or userInfo bandwidth) holds at once. */
static void
test_cap_holds (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (1500 * KBPS, 100 * KBPS, 0);
  Link link = { 0, 0 };

  quartet_bandwidth_estimator_set_cap (estimator, 500 * KBPS);
  g_assert_cmpuint (quartet_bandwidth_estimator_get_bps (estimator), ==, 500 * KBPS);
  g_assert_cmpuint (play (estimator, &link, 10, NULL), ==, 500 * KBPS);
  quartet_bandwidth_estimator_set_cap (estimator, 0);
  g_assert_cmpuint (play (estimator, &link, 2, NULL), >, 500 * KBPS);
}

/* Without TWCC (received 0: unknown) a growing delay alone cuts. */
static void
test_delay_without_receive_rate (void)
{
  g_autoptr (QuartetBandwidthEstimator) estimator
      = quartet_bandwidth_estimator_new (1000 * KBPS, 100 * KBPS, 2000 * KBPS);
  QuartetBandwidthFeedback feedback = { REPORT_US, 1000 * KBPS, 0, 0, 25 };

  g_assert_cmpuint (quartet_bandwidth_estimator_update (estimator, &feedback), ==, 850 * KBPS);
  /* No growth right after an overuse, even on a clean report. */
  feedback.delay_gradient_ms = 0;
  g_assert_cmpuint (quartet_bandwidth_estimator_update (estimator, &feedback), ==, 850 * KBPS);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bandwidth-estimator/clean-link", test_clean_link_grows_to_the_cap);
  g_test_add_func ("/bandwidth-estimator/bottleneck", test_bottleneck_is_followed_down);
  g_test_add_func ("/bandwidth-estimator/loss-bands", test_loss_bands);
  g_test_add_func ("/bandwidth-estimator/cap", test_cap_holds);
  g_test_add_func ("/bandwidth-estimator/delay-only", test_delay_without_receive_rate);
  return g_test_run ();
}
