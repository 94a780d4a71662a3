/* test-call-layout.c: the call grid's rules, without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout by count (1x1, 1x2, 2x2 with the third tile spanning the bottom
 * row), the overlay text of each state, the duration format, and
 * QuartetParticipant's notifications that tiles redraw from.
 */
#include "quartet-call-layout.h"
#include "quartet-participant.h"

static void
test_grid_size (void)
{
  const struct
  {
    guint tiles, columns, rows;
  } cases[] = { { 1, 1, 1 }, { 2, 2, 1 }, { 3, 2, 2 }, { 4, 2, 2 }, { 0, 1, 1 }, { 9, 2, 2 } };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint columns = 0, rows = 0;

      quartet_call_layout_grid_size (cases[i].tiles, &columns, &rows);
      g_assert_cmpuint (columns, ==, cases[i].columns);
      g_assert_cmpuint (rows, ==, cases[i].rows);
    }
}

static void
assert_position (guint tiles, guint index, guint column, guint row, guint span)
{
  QuartetTilePosition position = quartet_call_layout_position (tiles, index);

  g_assert_cmpuint (position.column, ==, column);
  g_assert_cmpuint (position.row, ==, row);
  g_assert_cmpuint (position.column_span, ==, span);
}

static void
test_positions (void)
{
  assert_position (1, 0, 0, 0, 1);

  assert_position (2, 0, 0, 0, 1);
  assert_position (2, 1, 1, 0, 1);

  assert_position (3, 0, 0, 0, 1);
  assert_position (3, 1, 1, 0, 1);
  assert_position (3, 2, 0, 1, 2); /* no empty quarter */

  assert_position (4, 0, 0, 0, 1);
  assert_position (4, 1, 1, 0, 1);
  assert_position (4, 2, 0, 1, 1);
  assert_position (4, 3, 1, 1, 1);
}

/* Every cell of the grid is covered exactly once, for every count. */
static void
test_positions_cover_grid (void)
{
  for (guint tiles = 1; tiles <= QUARTET_CALL_MAX_TILES; tiles++)
    {
      guint columns, rows, covered[2][2] = { { 0 } };

      quartet_call_layout_grid_size (tiles, &columns, &rows);
      for (guint i = 0; i < tiles; i++)
        {
          QuartetTilePosition p = quartet_call_layout_position (tiles, i);

          g_assert_cmpuint (p.column + p.column_span, <=, columns);
          g_assert_cmpuint (p.row, <, rows);
          for (guint c = p.column; c < p.column + p.column_span; c++)
            covered[p.row][c]++;
        }
      for (guint r = 0; r < rows; r++)
        for (guint c = 0; c < columns; c++)
          g_assert_cmpuint (covered[r][c], ==, 1);
    }
}

static void
test_state_labels (void)
{
  g_assert_cmpstr (quartet_call_layout_state_label (QUARTET_PARTICIPANT_STATE_CALLING), ==,
                   "Calling…");
  g_assert_cmpstr (quartet_call_layout_state_label (QUARTET_PARTICIPANT_STATE_CONNECTING), ==,
                   "Connecting…");
  g_assert_cmpstr (quartet_call_layout_state_label (QUARTET_PARTICIPANT_STATE_RECONNECTING), ==,
                   "Reconnecting…");
  g_assert_cmpstr (quartet_call_layout_state_label (QUARTET_PARTICIPANT_STATE_FAILED), ==,
                   "Failed");
  /* Connected: the video speaks for itself. */
  g_assert_null (quartet_call_layout_state_label (QUARTET_PARTICIPANT_STATE_CONNECTED));

  g_assert_true (quartet_call_layout_state_is_busy (QUARTET_PARTICIPANT_STATE_CALLING));
  g_assert_true (quartet_call_layout_state_is_busy (QUARTET_PARTICIPANT_STATE_RECONNECTING));
  g_assert_false (quartet_call_layout_state_is_busy (QUARTET_PARTICIPANT_STATE_FAILED));
  g_assert_false (quartet_call_layout_state_is_busy (QUARTET_PARTICIPANT_STATE_CONNECTED));
}

static void
test_duration (void)
{
  const struct
  {
    guint seconds;
    const char *text;
  } cases[] = { { 0, "0:00" }, { 7, "0:07" }, { 754, "12:34" }, { 3723, "1:02:03" } };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = quartet_call_layout_format_duration (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
on_notify_cb (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_participant (void)
{
  g_autoptr (QuartetParticipant) bob = quartet_participant_new_remote ("bob@localhost", "Bob");
  g_autoptr (QuartetParticipant) me = quartet_participant_new_self (NULL, "Alice");
  guint notified = 0;

  g_assert_cmpstr (quartet_participant_get_name (bob), ==, "Bob");
  g_assert_false (quartet_participant_get_is_self (bob));
  g_assert_cmpint (quartet_participant_get_state (bob), ==, QUARTET_PARTICIPANT_STATE_CALLING);
  g_assert_true (quartet_participant_get_is_self (me));
  g_assert_cmpint (quartet_participant_get_state (me), ==, QUARTET_PARTICIPANT_STATE_CONNECTED);
  g_assert_null (quartet_participant_get_frame (bob, 0)); /* no peer yet */

  g_signal_connect (bob, "notify", G_CALLBACK (on_notify_cb), &notified);
  quartet_participant_set_state (bob, QUARTET_PARTICIPANT_STATE_CONNECTING);
  quartet_participant_set_state (bob, QUARTET_PARTICIPANT_STATE_CONNECTING);
  g_assert_cmpuint (notified, ==, 1); /* only on change */
  quartet_participant_set_video_muted (bob, TRUE);
  quartet_participant_set_has_video (bob, TRUE);
  g_assert_cmpuint (notified, ==, 3);
}

/* One tile large across the top, the others below it in their order. */
static void
test_spotlight_positions (void)
{
  QuartetTilePosition at;

  at = quartet_call_layout_spotlight_position (1, 0, 0);
  g_assert_cmpuint (at.column_span, ==, 1);
  g_assert_cmpuint (at.row_span, ==, 1);

  for (guint n = 2; n <= QUARTET_CALL_MAX_TILES; n++)
    for (guint spotlight = 0; spotlight < n; spotlight++)
      {
        gboolean column_taken[QUARTET_CALL_MAX_TILES] = { FALSE };

        for (guint i = 0; i < n; i++)
          {
            at = quartet_call_layout_spotlight_position (n, spotlight, i);
            if (i == spotlight)
              {
                g_assert_cmpuint (at.column, ==, 0);
                g_assert_cmpuint (at.row, ==, 0);
                g_assert_cmpuint (at.column_span, ==, n - 1);
                g_assert_cmpuint (at.row_span, >, 1);
                continue;
              }
            g_assert_cmpuint (
                at.row, ==,
                quartet_call_layout_spotlight_position (n, spotlight, spotlight).row_span);
            g_assert_cmpuint (at.column_span, ==, 1);
            g_assert_cmpuint (at.row_span, ==, 1);
            g_assert_cmpuint (at.column, <, n - 1);
            g_assert_false (column_taken[at.column]);
            column_taken[at.column] = TRUE;
          }
      }

  /* The others keep their order: in a 4-party call with the third large,
   * the first, second and fourth go left to right. */
  g_assert_cmpuint (quartet_call_layout_spotlight_position (4, 2, 0).column, ==, 0);
  g_assert_cmpuint (quartet_call_layout_spotlight_position (4, 2, 1).column, ==, 1);
  g_assert_cmpuint (quartet_call_layout_spotlight_position (4, 2, 3).column, ==, 2);
}

/* A second of a call that flows: audio and 30 fps of video, nothing lost,
 * a short round trip. */
static QuartetPeerStats
flowing_second (void)
{
  return (QuartetPeerStats){
    .video_frames = 300, .fps = 30, .audio_packets = 500, .rtt_ms = 40, .width = 640, .height = 360
  };
}

static void
test_quality_of_a_second (void)
{
  QuartetPeerStats stats = { 0 };

  /* Nothing has come yet: no verdict, no icon. */
  g_assert_cmpint (quartet_call_quality_of_second (&stats, TRUE), ==, QUARTET_CALL_QUALITY_UNKNOWN);
  g_assert_null (quartet_call_quality_label (QUARTET_CALL_QUALITY_UNKNOWN));
  g_assert_null (quartet_call_quality_icon_name (QUARTET_CALL_QUALITY_UNKNOWN));

  stats = flowing_second ();
  g_assert_cmpint (quartet_call_quality_of_second (&stats, TRUE), ==, QUARTET_CALL_QUALITY_GOOD);
  stats.receive_loss = 0.03;
  g_assert_cmpint (quartet_call_quality_of_second (&stats, TRUE), ==, QUARTET_CALL_QUALITY_FAIR);
  stats.receive_loss = 0.10;
  g_assert_cmpint (quartet_call_quality_of_second (&stats, TRUE), ==, QUARTET_CALL_QUALITY_POOR);

  stats = flowing_second ();
  stats.rtt_ms = 300;
  g_assert_cmpint (quartet_call_quality_of_second (&stats, TRUE), ==, QUARTET_CALL_QUALITY_FAIR);
  stats.rtt_ms = 600;
  g_assert_cmpint (quartet_call_quality_of_second (&stats, TRUE), ==, QUARTET_CALL_QUALITY_POOR);

  /* A stuttering picture is poor, but only where a picture is expected:
   * an audio call (or a camera off) decodes no frames, and that is fine. */
  stats = flowing_second ();
  stats.fps = 15;
  g_assert_cmpint (quartet_call_quality_of_second (&stats, TRUE), ==, QUARTET_CALL_QUALITY_FAIR);
  stats.fps = 4;
  g_assert_cmpint (quartet_call_quality_of_second (&stats, TRUE), ==, QUARTET_CALL_QUALITY_POOR);
  g_assert_cmpint (quartet_call_quality_of_second (&stats, FALSE), ==, QUARTET_CALL_QUALITY_GOOD);
  stats.fps = 0; /* their camera went off */
  g_assert_cmpint (quartet_call_quality_of_second (&stats, TRUE), ==, QUARTET_CALL_QUALITY_GOOD);
  g_assert_cmpstr (quartet_call_quality_label (QUARTET_CALL_QUALITY_POOR), ==, "Connection poor");
}

/* A bad second shows at once and stays until three good ones have passed. */
static void
test_quality_meter (void)
{
  QuartetCallQualityMeter meter = { 0 };

  g_assert_cmpint (quartet_call_quality_meter_add (&meter, QUARTET_CALL_QUALITY_UNKNOWN), ==,
                   QUARTET_CALL_QUALITY_UNKNOWN);
  g_assert_cmpint (quartet_call_quality_meter_add (&meter, QUARTET_CALL_QUALITY_GOOD), ==,
                   QUARTET_CALL_QUALITY_GOOD);
  g_assert_cmpint (quartet_call_quality_meter_add (&meter, QUARTET_CALL_QUALITY_POOR), ==,
                   QUARTET_CALL_QUALITY_POOR);
  g_assert_cmpint (quartet_call_quality_meter_add (&meter, QUARTET_CALL_QUALITY_GOOD), ==,
                   QUARTET_CALL_QUALITY_POOR);
  g_assert_cmpint (quartet_call_quality_meter_add (&meter, QUARTET_CALL_QUALITY_GOOD), ==,
                   QUARTET_CALL_QUALITY_POOR);
  g_assert_cmpint (quartet_call_quality_meter_add (&meter, QUARTET_CALL_QUALITY_FAIR), ==,
                   QUARTET_CALL_QUALITY_FAIR);
  g_assert_cmpint (quartet_call_quality_meter_add (&meter, QUARTET_CALL_QUALITY_GOOD), ==,
                   QUARTET_CALL_QUALITY_FAIR);
  g_assert_cmpint (quartet_call_quality_meter_add (&meter, QUARTET_CALL_QUALITY_GOOD), ==,
                   QUARTET_CALL_QUALITY_FAIR);
  g_assert_cmpint (quartet_call_quality_meter_add (&meter, QUARTET_CALL_QUALITY_GOOD), ==,
                   QUARTET_CALL_QUALITY_GOOD);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/call-layout/grid-size", test_grid_size);
  g_test_add_func ("/call-layout/positions", test_positions);
  g_test_add_func ("/call-layout/positions-cover-grid", test_positions_cover_grid);
  g_test_add_func ("/call-layout/state-labels", test_state_labels);
  g_test_add_func ("/call-layout/duration", test_duration);
  g_test_add_func ("/call-layout/participant", test_participant);
  g_test_add_func ("/call-layout/spotlight", test_spotlight_positions);
  g_test_add_func ("/call-quality/second", test_quality_of_a_second);
  g_test_add_func ("/call-quality/meter", test_quality_meter);

  return g_test_run ();
}
