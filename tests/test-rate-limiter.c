/* test-rate-limiter.c: the token buckets that limit `call` floods
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-rate-limiter"

#include "quartet-rate-limiter.h"

#define SECOND ((gint64)G_USEC_PER_SEC)

static guint
count_allowed (QuartetRateLimiter *limiter, const char *key, guint attempts, gint64 now_us)
{
  guint allowed = 0;

  for (guint i = 0; i < attempts; i++)
    allowed += quartet_rate_limiter_allow (limiter, key, now_us);
  return allowed;
}

static void
test_burst_then_refill (void)
{
  g_autoptr (QuartetRateLimiter) limiter = quartet_rate_limiter_new (5, 3 * SECOND);

  g_assert_cmpuint (count_allowed (limiter, "mallory@x", 1000, 0), ==, 5);
  /* Not yet a whole token back. */
  g_assert_false (quartet_rate_limiter_allow (limiter, "mallory@x", 2 * SECOND));
  g_assert_true (quartet_rate_limiter_allow (limiter, "mallory@x", 3 * SECOND));
  g_assert_false (quartet_rate_limiter_allow (limiter, "mallory@x", 3 * SECOND));
  /* A long pause refills up to the burst, not beyond. */
  g_assert_cmpuint (count_allowed (limiter, "mallory@x", 100, 3600 * SECOND), ==, 5);
}

static void
test_senders_are_independent (void)
{
  g_autoptr (QuartetRateLimiter) limiter = quartet_rate_limiter_new (2, SECOND);

  g_assert_cmpuint (count_allowed (limiter, "mallory@x", 10, 0), ==, 2);
  g_assert_cmpuint (count_allowed (limiter, "alice@x", 10, 0), ==, 2);
}

static void
test_steady_redialling_is_never_limited (void)
{
  g_autoptr (QuartetRateLimiter) limiter = quartet_rate_limiter_new (5, 3 * SECOND);

  /* The SDK re-sends an unanswered `call` every 5 s. */
  for (gint64 t = 0; t < 600 * SECOND; t += 5 * SECOND)
    g_assert_true (quartet_rate_limiter_allow (limiter, "bob@x", t));
}

static void
test_clock_going_back_refills_nothing (void)
{
  g_autoptr (QuartetRateLimiter) limiter = quartet_rate_limiter_new (1, SECOND);

  g_assert_true (quartet_rate_limiter_allow (limiter, "a@x", 100 * SECOND));
  g_assert_false (quartet_rate_limiter_allow (limiter, "a@x", 0));
}

static void
test_many_senders_are_forgotten_once_quiet (void)
{
  g_autoptr (QuartetRateLimiter) limiter = quartet_rate_limiter_new (3, SECOND);

  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *key = g_strdup_printf ("user%u@x", i);

      g_assert_true (quartet_rate_limiter_allow (limiter, key, (gint64)i * SECOND));
    }
  /* Only those whose bucket has not refilled yet are remembered. */
  g_assert_cmpuint (quartet_rate_limiter_get_n_keys (limiter), <=, 66);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limiter/burst-then-refill", test_burst_then_refill);
  g_test_add_func ("/rate-limiter/senders-are-independent", test_senders_are_independent);
  g_test_add_func ("/rate-limiter/steady-redialling", test_steady_redialling_is_never_limited);
  g_test_add_func ("/rate-limiter/clock-going-back", test_clock_going_back_refills_nothing);
  g_test_add_func ("/rate-limiter/many-senders-forgotten",
                   test_many_senders_are_forgotten_once_quiet);

  return g_test_run ();
}
