/* test-playout-delay.c: the audio jitter buffer's delay follows the link
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "quartet-playout-delay.h"

#define RATE 48000
#define PACKET_US 20000
#define PACKET_TICKS 960

typedef struct
{
  QuartetPlayoutDelay *delay;
  guint32 first_timestamp;
  guint64 sent; /* packets */
  guint changes;
} Link;

static void
link_init (Link *link, guint32 first_timestamp)
{
  link->delay = quartet_playout_delay_new (RATE);
  link->first_timestamp = first_timestamp;
  link->sent = 0;
  link->changes = 0;
}

/* @n packets, 20 ms apart, each late by up to @jitter_us (evenly spread,
 * from @rand) on a transit of 30 ms. */
static void
link_send (Link *link, guint n, gint64 jitter_us, GRand *rand)
{
  for (guint i = 0; i < n; i++, link->sent++)
    {
      gint64 late_us = jitter_us > 0 ? g_rand_int_range (rand, 0, jitter_us) : 0;
      gint64 arrived_us = 1000000 + link->sent * PACKET_US + 30000 + late_us;
      guint32 timestamp = link->first_timestamp + (guint32)(link->sent * PACKET_TICKS);

      if (quartet_playout_delay_add_packet (link->delay, timestamp, arrived_us))
        link->changes++;
    }
}

static void
link_clear (Link *link)
{
  g_clear_pointer (&link->delay, quartet_playout_delay_free);
}

/* Loopback: the least wait there is, once a second of packets has shown
 * the link steady; until then, the start delay. */
static void
test_steady_link_waits_least (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  Link link;

  link_init (&link, 12345);
  link_send (&link, 49, 0, rand);
  g_assert_cmpuint (quartet_playout_delay_get_ms (link.delay), ==, QUARTET_PLAYOUT_DELAY_START_MS);
  g_assert_cmpuint (link.changes, ==, 0);

  link_send (&link, 500, 1000, rand);
  g_assert_cmpuint (quartet_playout_delay_get_ms (link.delay), ==, 20);
  g_assert_cmpuint (link.changes, ==, 1);
  link_clear (&link);
}

/* Packets late by up to 80 ms: the delay covers nearly all of them. */
static void
test_jittery_link_waits_for_its_packets (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);
  Link link;
  guint ms;

  link_init (&link, 0);
  link_send (&link, 1000, 80000, rand);
  ms = quartet_playout_delay_get_ms (link.delay);
  g_assert_cmpuint (ms, >=, 80);
  g_assert_cmpuint (ms, <=, 100);
  link_clear (&link);
}

/* A link that turns jittery is followed within the packets that show it;
 * once steady again the delay comes down a step a second, not at once. */
static void
test_up_at_once_down_a_step_a_second (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  Link link;
  guint changes;

  link_init (&link, 0);
  link_send (&link, 500, 0, rand);
  g_assert_cmpuint (quartet_playout_delay_get_ms (link.delay), ==, 20);

  link_send (&link, 50, 120000, rand); /* a second of a bad link */
  g_assert_cmpuint (quartet_playout_delay_get_ms (link.delay), >=, 80);

  /* The bad second stays in the window for ten seconds. */
  changes = link.changes;
  link_send (&link, 400, 0, rand);
  g_assert_cmpuint (quartet_playout_delay_get_ms (link.delay), >=, 80);
  g_assert_cmpuint (link.changes, ==, changes);

  /* Then down by 10 ms a second. */
  link_send (&link, 150, 0, rand);
  g_assert_cmpuint (quartet_playout_delay_get_ms (link.delay), >=, 60);
  link_send (&link, 600, 0, rand);
  g_assert_cmpuint (quartet_playout_delay_get_ms (link.delay), ==, 20);
  link_clear (&link);
}

/* RTP timestamps wrap at 2^32: the transit does not jump. */
static void
test_timestamp_wraps (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);
  Link link;

  link_init (&link, G_MAXUINT32 - 100 * PACKET_TICKS);
  link_send (&link, 600, 0, rand);
  g_assert_cmpuint (quartet_playout_delay_get_ms (link.delay), ==, 20);
  g_assert_cmpuint (link.changes, ==, 1);
  link_clear (&link);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/playout-delay/steady", test_steady_link_waits_least);
  g_test_add_func ("/playout-delay/jittery", test_jittery_link_waits_for_its_packets);
  g_test_add_func ("/playout-delay/up-and-down", test_up_at_once_down_a_step_a_second);
  g_test_add_func ("/playout-delay/wrap", test_timestamp_wraps);
  return g_test_run ();
}
