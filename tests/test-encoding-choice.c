/* test-encoding-choice.c: which shared encoding a peer gets, no media
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "quartet-encoding-choice.h"

#define KBPS 1000
#define SECOND G_USEC_PER_SEC
#define LONG_AGO (-100 * SECOND)

static void
test_alike_peers_share_the_main_encoding (void)
{
  /* The best peer itself, and one at half its rate. */
  g_assert_cmpuint (
      quartet_encoding_choose (QUARTET_ENCODING_MAIN, 2000 * KBPS, 2000 * KBPS, LONG_AGO, 0), ==,
      QUARTET_ENCODING_MAIN);
  g_assert_cmpuint (
      quartet_encoding_choose (QUARTET_ENCODING_MAIN, 1000 * KBPS, 2000 * KBPS, LONG_AGO, 0), ==,
      QUARTET_ENCODING_MAIN);
}

static void
test_a_weak_peer_gets_the_low_encoding (void)
{
  g_assert_cmpuint (
      quartet_encoding_choose (QUARTET_ENCODING_MAIN, 300 * KBPS, 2000 * KBPS, LONG_AGO, 0), ==,
      QUARTET_ENCODING_LOW);
}

/* Between half and three quarters of the best, a peer stays where it is. */
static void
test_hysteresis (void)
{
  g_assert_cmpuint (
      quartet_encoding_choose (QUARTET_ENCODING_LOW, 1200 * KBPS, 2000 * KBPS, LONG_AGO, 0), ==,
      QUARTET_ENCODING_LOW);
  g_assert_cmpuint (
      quartet_encoding_choose (QUARTET_ENCODING_MAIN, 1200 * KBPS, 2000 * KBPS, LONG_AGO, 0), ==,
      QUARTET_ENCODING_MAIN);
  g_assert_cmpuint (
      quartet_encoding_choose (QUARTET_ENCODING_LOW, 1500 * KBPS, 2000 * KBPS, LONG_AGO, 0), ==,
      QUARTET_ENCODING_MAIN);
}

/* Each move costs a keyframe: none within 5 s of the last. */
static void
test_moves_are_held_apart (void)
{
  g_assert_cmpuint (
      quartet_encoding_choose (QUARTET_ENCODING_LOW, 2000 * KBPS, 2000 * KBPS, 0, 4 * SECOND), ==,
      QUARTET_ENCODING_LOW);
  g_assert_cmpuint (
      quartet_encoding_choose (QUARTET_ENCODING_LOW, 2000 * KBPS, 2000 * KBPS, 0, 5 * SECOND), ==,
      QUARTET_ENCODING_MAIN);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/encoding-choice/alike", test_alike_peers_share_the_main_encoding);
  g_test_add_func ("/encoding-choice/weak", test_a_weak_peer_gets_the_low_encoding);
  g_test_add_func ("/encoding-choice/hysteresis", test_hysteresis);
  g_test_add_func ("/encoding-choice/held-apart", test_moves_are_held_apart);
  return g_test_run ();
}
