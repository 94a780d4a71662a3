/* test-upstream-criticals.c: the tolerance of GStreamer's own criticals
 * (tests/support) lets exactly those through and nothing of ours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-upstream-criticals"

#include "quartet-upstream-criticals.h"

static void
insert_while_walking_cb (gpointer key, gpointer value, gpointer table)
{
  g_hash_table_insert (table, GUINT_TO_POINTER (g_hash_table_size (table) + 100), NULL);
}

/* The critical that rtpsession's walk raises, raised by a walk of ours. */
static void
walk_and_insert (void)
{
  g_autoptr (GHashTable) table = g_hash_table_new (NULL, NULL);

  g_hash_table_insert (table, GUINT_TO_POINTER (1), NULL);
  g_hash_table_insert (table, GUINT_TO_POINTER (2), NULL);
  g_hash_table_foreach (table, insert_while_walking_cb, table);
}

static void
test_our_hash_table_walk_stays_fatal (void)
{
  if (g_test_subprocess ())
    {
      walk_and_insert ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*version == hash_table->version*");
}

static void
test_srtpdec_chain_is_not_fatal (void)
{
  if (g_test_subprocess ())
    {
      g_log ("GStreamer", G_LOG_LEVEL_CRITICAL,
             "gst_pad_create_stream_id_internal: assertion 'parent->numsinkpads <= 1' failed");
      g_log ("GStreamer", G_LOG_LEVEL_CRITICAL,
             "gst_event_new_stream_start: assertion 'stream_id != NULL' failed");
      g_log ("GStreamer", G_LOG_LEVEL_CRITICAL,
             "gst_pad_push_event: assertion 'GST_IS_EVENT (event)' failed");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*GST_IS_EVENT (event)*");
  g_test_trap_assert_stdout_unmatched ("*Bail out!*");
}

/* The chain's follow-ups are only tolerated right after their predecessor. */
static void
test_srtpdec_follow_up_alone_stays_fatal (void)
{
  if (g_test_subprocess ())
    {
      g_log ("GStreamer", G_LOG_LEVEL_CRITICAL,
             "gst_pad_push_event: assertion 'GST_IS_EVENT (event)' failed");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

/* The srtpdec warning is tolerated only when srtpdec's own push raised it. */
static void
test_srtpdec_warning_from_elsewhere_stays_fatal (void)
{
  if (g_test_subprocess ())
    {
      g_log ("GStreamer", G_LOG_LEVEL_WARNING,
             "../gst/gstpad.c:4705:gst_pad_push_data:<srtpdec0:rtcp_src> Got data flow before "
             "segment event");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

static void
test_other_criticals_stay_fatal (void)
{
  if (g_test_subprocess ())
    {
      g_critical ("a critical of ours");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*a critical of ours*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Fatal as under the suite, also when run by hand. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  /* Where the test programs install it: before g_test_run(), which resets
   * the fatal handler for every test case. */
  quartet_tolerate_upstream_criticals ();

  g_test_add_func ("/upstream-criticals/our-hash-table-walk-stays-fatal",
                   test_our_hash_table_walk_stays_fatal);
  g_test_add_func ("/upstream-criticals/srtpdec-chain-is-not-fatal",
                   test_srtpdec_chain_is_not_fatal);
  g_test_add_func ("/upstream-criticals/srtpdec-follow-up-alone-stays-fatal",
                   test_srtpdec_follow_up_alone_stays_fatal);
  g_test_add_func ("/upstream-criticals/srtpdec-warning-from-elsewhere-stays-fatal",
                   test_srtpdec_warning_from_elsewhere_stays_fatal);
  g_test_add_func ("/upstream-criticals/other-criticals-stay-fatal",
                   test_other_criticals_stay_fatal);
  return g_test_run ();
}
