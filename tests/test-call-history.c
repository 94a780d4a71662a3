/* test-call-history.c: the call history's records, its file and its bounds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a row says (missed, in, out, how long, when), and the file: kept
 * across a reload in the same order, the oldest dropped past the bound, a
 * bad record left out alone, a file that is not a history set aside and
 * never overwritten.
 */
#include <glib/gstdio.h>

#include "quartet-call-history.h"

static const char *const bob[] = { "bob@localhost", NULL };
static const char *const bob_name[] = { "Bob", NULL };
static const char *const group[] = { "bob@localhost", "carol@localhost", NULL };
static const char *const group_names[] = { "Bob", "Carol", NULL };

static QuartetCallRecord *
record_at (GDateTime *started, gboolean outgoing, QuartetCallOutcome outcome, guint duration)
{
  return quartet_call_record_new (outgoing, QUARTET_CALL_TYPE_VIDEO, outcome, bob, bob_name,
                                  started, duration);
}

static void
assert_describes (QuartetCallRecord *record, GDateTime *now, const char *expected)
{
  g_autofree char *text = quartet_call_record_describe (record, now);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_describe (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_local (2026, 12, 5, 15, 30, 0);
  g_autoptr (GDateTime) morning = g_date_time_new_local (2026, 12, 5, 9, 5, 0);
  g_autoptr (GDateTime) yesterday = g_date_time_new_local (2026, 12, 4, 23, 59, 0);
  g_autoptr (GDateTime) monday = g_date_time_new_local (2026, 11, 30, 12, 0, 0);
  g_autoptr (GDateTime) long_ago = g_date_time_new_local (2026, 11, 20, 12, 0, 0);
  g_autoptr (QuartetCallRecord) missed = record_at (morning, FALSE, QUARTET_CALL_OUTCOME_MISSED, 0);
  g_autoptr (QuartetCallRecord) out
      = record_at (yesterday, TRUE, QUARTET_CALL_OUTCOME_ANSWERED, 3723);
  g_autoptr (QuartetCallRecord) in = record_at (monday, FALSE, QUARTET_CALL_OUTCOME_ANSWERED, 72);
  g_autoptr (QuartetCallRecord) unanswered
      = record_at (long_ago, TRUE, QUARTET_CALL_OUTCOME_UNANSWERED, 0);
  g_autoptr (QuartetCallRecord) declined = quartet_call_record_new (
      FALSE, QUARTET_CALL_TYPE_AUDIO, QUARTET_CALL_OUTCOME_DECLINED, group, group_names, now, 0);
  g_autofree char *title = quartet_call_record_dup_title (declined);
  g_autofree char *date = g_date_time_format (long_ago, "%x");
  g_autofree char *expected = g_strconcat ("Outgoing video call, no answer · ", date, NULL);

  assert_describes (missed, now, "Missed video call · 09:05");
  assert_describes (out, now, "Outgoing video call, 1:02:03 · Yesterday");
  assert_describes (in, now, "Incoming video call, 1:12 · Monday");
  assert_describes (unanswered, now, expected);
  assert_describes (declined, now, "Declined audio call · 15:30");
  g_assert_cmpstr (title, ==, "Bob, Carol");

  /* Only a missed call waits to be seen. */
  g_assert_false (quartet_call_record_get_seen (missed));
  g_assert_true (quartet_call_record_get_seen (declined));
}

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = g_dir_make_tmp ("quartet-history-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  /* The history makes the directories it needs. */
  fixture->path = g_build_filename (fixture->dir, "history", "alice@localhost.ini", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autofree char *history_dir = g_path_get_dirname (fixture->path);
  g_autoptr (GDir) dir = g_dir_open (history_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (history_dir, name, NULL);

      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_rmdir (history_dir);
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* What the app's main loop does between two calls: the history is written. */
static void
run_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static QuartetCallRecord *
item (QuartetCallHistory *history, guint position)
{
  QuartetCallRecord *record = g_list_model_get_item (G_LIST_MODEL (history), position);

  g_object_unref (record); /* the history keeps it */
  return record;
}

static void
test_kept_across_a_reload (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetCallHistory) history = quartet_call_history_new ();
  g_autoptr (QuartetCallHistory) again = quartet_call_history_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (QuartetCallRecord) missed = record_at (now, FALSE, QUARTET_CALL_OUTCOME_MISSED, 0);
  g_autoptr (QuartetCallRecord) out = record_at (now, TRUE, QUARTET_CALL_OUTCOME_ANSWERED, 61);
  g_autoptr (QuartetCallRecord) in = quartet_call_record_new (
      FALSE, QUARTET_CALL_TYPE_AUDIO, QUARTET_CALL_OUTCOME_ANSWERED, group, group_names, now, 5);
  g_autofree char *contents = NULL;

  quartet_call_history_load (history, fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 0);
  quartet_call_history_add (history, out);
  quartet_call_history_add (history, missed);
  quartet_call_history_add (history, in);
  g_assert_cmpuint (quartet_call_history_get_unseen_missed (history), ==, 1);
  run_main_loop ();

  quartet_call_history_load (again, fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);
  g_assert_cmpuint (quartet_call_history_get_unseen_missed (again), ==, 1);
  /* Newest first, every field as it was. */
  g_assert_cmpuint (quartet_call_record_get_call_type (item (again, 0)), ==,
                    QUARTET_CALL_TYPE_AUDIO);
  g_assert_cmpstrv (quartet_call_record_get_user_ids (item (again, 0)), group);
  g_assert_cmpstrv (quartet_call_record_get_names (item (again, 0)), group_names);
  g_assert_cmpuint (quartet_call_record_get_outcome (item (again, 1)), ==,
                    QUARTET_CALL_OUTCOME_MISSED);
  g_assert_true (quartet_call_record_get_outgoing (item (again, 2)));
  g_assert_cmpuint (quartet_call_record_get_duration (item (again, 2)), ==, 61);
  g_assert_cmpint (g_date_time_to_unix (quartet_call_record_get_started (item (again, 2))), ==,
                   g_date_time_to_unix (now));

  quartet_call_history_mark_seen (again);
  g_assert_cmpuint (quartet_call_history_get_unseen_missed (again), ==, 0);
  run_main_loop ();
  quartet_call_history_load (history, NULL);
  quartet_call_history_load (history, fixture->path);
  g_assert_cmpuint (quartet_call_history_get_unseen_missed (history), ==, 0);

  /* Nothing secret, nothing but what a row shows. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "password"));
}

static void
test_bounded (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetCallHistory) history = quartet_call_history_new ();
  g_autoptr (QuartetCallHistory) again = quartet_call_history_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  quartet_call_history_load (history, fixture->path);
  for (guint i = 0; i < QUARTET_CALL_HISTORY_MAX + 5; i++)
    {
      g_autoptr (QuartetCallRecord) record
          = record_at (now, TRUE, QUARTET_CALL_OUTCOME_ANSWERED, i);

      quartet_call_history_add (history, record);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==,
                    QUARTET_CALL_HISTORY_MAX);
  g_assert_cmpuint (quartet_call_record_get_duration (item (history, 0)), ==,
                    QUARTET_CALL_HISTORY_MAX + 4);
  /* The five oldest went. */
  g_assert_cmpuint (quartet_call_record_get_duration (item (history, QUARTET_CALL_HISTORY_MAX - 1)),
                    ==, 5);
  run_main_loop ();
  quartet_call_history_load (again, fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, QUARTET_CALL_HISTORY_MAX);
}

static void
test_bad_record_left_out (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetCallHistory) history = quartet_call_history_new ();
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  const char *text = "[call 0]\n"
                     "direction=in\ntype=video\noutcome=exploded\nuser-ids=bob@localhost;\n"
                     "started=2026-12-05T10:00:00Z\nduration=0\n"
                     "[call 1]\n"
                     "direction=out\ntype=audio\noutcome=answered\nuser-ids=bob@localhost;\n"
                     "started=2026-12-05T09:00:00Z\nduration=12\n"
                     "[call 2]\n"
                     "direction=out\ntype=audio\noutcome=answered\nuser-ids=bob@localhost;\n"
                     "duration=12\n";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, text, -1, NULL));
  quartet_call_history_load (history, fixture->path);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 1);
  g_assert_cmpuint (quartet_call_record_get_duration (item (history, 0)), ==, 12);
  /* Without names, the ids are shown. */
  g_assert_cmpstrv (quartet_call_record_get_names (item (history, 0)), bob);
}

static void
test_broken_file_set_aside (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetCallHistory) history = quartet_call_history_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (QuartetCallRecord) record = record_at (now, FALSE, QUARTET_CALL_OUTCOME_MISSED, 0);
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *aside = g_strconcat (fixture->path, ".broken", NULL);
  g_autofree char *kept = NULL;
  const char *text = "this is [not a key file\n\x01\x02";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, text, -1, NULL));
  quartet_call_history_load (history, fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 0);

  /* A new history begins; the old file is still there for whoever wants it. */
  quartet_call_history_add (history, record);
  run_main_loop ();
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (aside, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, text);
}

static void
test_signed_out_keeps_nothing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (QuartetCallHistory) history = quartet_call_history_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (QuartetCallRecord) record = record_at (now, FALSE, QUARTET_CALL_OUTCOME_MISSED, 0);

  quartet_call_history_load (history, fixture->path);
  quartet_call_history_add (history, record);
  quartet_call_history_load (history, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 0);
  g_assert_cmpuint (quartet_call_history_get_unseen_missed (history), ==, 0);

  quartet_call_history_add (history, record);
  quartet_call_history_load (history, fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 1);
}

static void
test_path_for (void)
{
  g_autofree char *path = quartet_call_history_path_for ("alice@example.org/../x");
  g_autofree char *base = g_path_get_basename (path);

  g_assert_cmpstr (base, ==, "alice@example.org%2F..%2Fx.ini");
}

int
main (int argc, char **argv)
{
  /* The texts are checked in English, the times in a fixed zone. */
  g_setenv ("LC_ALL", "C", TRUE);
  g_setenv ("TZ", "Europe/Paris", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/call-history/describe", test_describe);
  g_test_add ("/call-history/kept-across-a-reload", Fixture, NULL, fixture_set_up,
              test_kept_across_a_reload, fixture_tear_down);
  g_test_add ("/call-history/bounded", Fixture, NULL, fixture_set_up, test_bounded,
              fixture_tear_down);
  g_test_add ("/call-history/bad-record-left-out", Fixture, NULL, fixture_set_up,
              test_bad_record_left_out, fixture_tear_down);
  g_test_add ("/call-history/broken-file-set-aside", Fixture, NULL, fixture_set_up,
              test_broken_file_set_aside, fixture_tear_down);
  g_test_add ("/call-history/signed-out-keeps-nothing", Fixture, NULL, fixture_set_up,
              test_signed_out_keeps_nothing, fixture_tear_down);
  g_test_add_func ("/call-history/path-for", test_path_for);

  return g_test_run ();
}
