/* test-video-ladder.c: picture sizes for send rates, and no oscillation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "quartet-video-ladder.h"

#define KBPS 1000
#define SECOND G_USEC_PER_SEC

static void
test_start_rung_follows_the_start_rate (void)
{
  g_autoptr (QuartetVideoLadder) low
      = quartet_video_ladder_new (100 * KBPS, 720, QUARTET_VIDEO_CONTENT_CAMERA);
  g_autoptr (QuartetVideoLadder) mid
      = quartet_video_ladder_new (800 * KBPS, 720, QUARTET_VIDEO_CONTENT_CAMERA);
  g_autoptr (QuartetVideoLadder) high
      = quartet_video_ladder_new (2500 * KBPS, 720, QUARTET_VIDEO_CONTENT_CAMERA);

  g_assert_cmpuint (quartet_video_ladder_get_height (low), ==, 180);
  g_assert_cmpuint (quartet_video_ladder_get_fps (low), ==, 15);
  g_assert_cmpuint (quartet_video_ladder_get_height (mid), ==, 540);
  g_assert_cmpuint (quartet_video_ladder_get_fps (mid), ==, 30);
  g_assert_cmpuint (quartet_video_ladder_get_height (high), ==, 720);
}

/* A 480-line camera is never scaled up to 540 or 720, nor down to 360
 * when the rate is there: its 480 lines go out on the 540 rung. */
static void
test_never_above_the_source (void)
{
  g_autoptr (QuartetVideoLadder) ladder
      = quartet_video_ladder_new (2500 * KBPS, 480, QUARTET_VIDEO_CONTENT_CAMERA);

  g_assert_cmpuint (quartet_video_ladder_get_height (ladder), ==, 480);
  g_assert_cmpuint (quartet_video_ladder_get_fps (ladder), ==, 30);
  for (gint64 t = 0; t < 30 * SECOND; t += SECOND / 4)
    quartet_video_ladder_update (ladder, 2500 * KBPS, t);
  g_assert_cmpuint (quartet_video_ladder_get_height (ladder), ==, 480);

  /* Short of the 540 rung's rate it is the 360 one. */
  quartet_video_ladder_update (ladder, 400 * KBPS, 31 * SECOND);
  g_assert_cmpuint (quartet_video_ladder_get_height (ladder), ==, 360);

  /* A 240-line camera sends 240 lines at 30 fps (the 270 rung), not 180 at 15. */
  quartet_video_ladder_set_max_height (ladder, 240);
  for (gint64 t = 40 * SECOND; t < 60 * SECOND; t += SECOND / 4)
    quartet_video_ladder_update (ladder, 2500 * KBPS, t);
  g_assert_cmpuint (quartet_video_ladder_get_height (ladder), ==, 240);
  g_assert_cmpuint (quartet_video_ladder_get_fps (ladder), ==, 30);

  /* Tiny sources go out as they are. */
  quartet_video_ladder_set_max_height (ladder, 120);
  g_assert_cmpuint (quartet_video_ladder_get_height (ladder), ==, 120);
}

static void
test_down_at_once_up_one_step_at_a_time (void)
{
  g_autoptr (QuartetVideoLadder) ladder
      = quartet_video_ladder_new (2500 * KBPS, 720, QUARTET_VIDEO_CONTENT_CAMERA);
  gint64 t = 0;

  g_assert_true (quartet_video_ladder_update (ladder, 250 * KBPS, t));
  g_assert_cmpuint (quartet_video_ladder_get_height (ladder), ==, 360);

  /* The rate comes back: nothing for the quiet time, then a rung per hold. */
  for (; t < 4 * SECOND; t += SECOND / 4)
    g_assert_false (quartet_video_ladder_update (ladder, 2500 * KBPS, t));
  for (; t < 6 * SECOND; t += SECOND / 4)
    quartet_video_ladder_update (ladder, 2500 * KBPS, t);
  g_assert_cmpuint (quartet_video_ladder_get_height (ladder), ==, 540);
  for (; t < 8 * SECOND + 1; t += SECOND / 4)
    quartet_video_ladder_update (ladder, 2500 * KBPS, t);
  g_assert_cmpuint (quartet_video_ladder_get_height (ladder), ==, 720);
}

/* A rate that hovers around a threshold, as an estimate under a
 * bottleneck does, changes the rung at most once. */
static void
test_hovering_rate_does_not_oscillate (void)
{
  g_autoptr (QuartetVideoLadder) ladder
      = quartet_video_ladder_new (1000 * KBPS, 720, QUARTET_VIDEO_CONTENT_CAMERA);
  guint changes = 0;

  for (gint64 t = 0; t < 60 * SECOND; t += SECOND / 4)
    {
      guint bps = (t / (SECOND / 2)) % 2 ? 1250 * KBPS : 850 * KBPS;

      changes += quartet_video_ladder_update (ladder, bps, t);
    }
  g_assert_cmpuint (changes, <=, 1);
}

/* A shared screen keeps its lines and gives up frames: at a rate that
 * sends a camera at 540 lines and 30 fps, the screen goes at 1080 lines
 * and 15 fps; short of rate it is 360 lines at 5 fps, never below. */
static void
test_screen_keeps_resolution (void)
{
  g_autoptr (QuartetVideoLadder) camera
      = quartet_video_ladder_new (1000 * KBPS, 1080, QUARTET_VIDEO_CONTENT_CAMERA);
  g_autoptr (QuartetVideoLadder) screen
      = quartet_video_ladder_new (1000 * KBPS, 1080, QUARTET_VIDEO_CONTENT_SCREEN);

  g_assert_cmpuint (quartet_video_ladder_get_height (camera), ==, 540);
  g_assert_cmpuint (quartet_video_ladder_get_fps (camera), ==, 30);
  g_assert_cmpuint (quartet_video_ladder_get_height (screen), ==, 1080);
  g_assert_cmpuint (quartet_video_ladder_get_fps (screen), ==, 15);

  quartet_video_ladder_update (screen, 60 * KBPS, 0);
  g_assert_cmpuint (quartet_video_ladder_get_height (screen), ==, 360);
  g_assert_cmpuint (quartet_video_ladder_get_fps (screen), ==, 5);

  /* The user's cap applies to screens too. */
  quartet_video_ladder_set_max_height (screen, 720);
  for (gint64 t = SECOND; t < 30 * SECOND; t += SECOND / 4)
    quartet_video_ladder_update (screen, 2500 * KBPS, t);
  g_assert_cmpuint (quartet_video_ladder_get_height (screen), ==, 720);
  g_assert_cmpuint (quartet_video_ladder_get_fps (screen), ==, 10);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/video-ladder/start", test_start_rung_follows_the_start_rate);
  g_test_add_func ("/video-ladder/source-size", test_never_above_the_source);
  g_test_add_func ("/video-ladder/down-and-up", test_down_at_once_up_one_step_at_a_time);
  g_test_add_func ("/video-ladder/no-oscillation", test_hovering_rate_does_not_oscillate);
  g_test_add_func ("/video-ladder/screen", test_screen_keeps_resolution);
  return g_test_run ();
}
