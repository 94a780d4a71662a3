/* test-log.c: secrets replaced in log lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-log"

#include "quartet-log.h"

static void
test_secret_replaced_as_given_and_escaped (void)
{
  g_autofree char *plain = NULL;
  g_autofree char *in_url = NULL;

  quartet_log_hide_secret ("T7Za+zwV/Hl=");
  plain = quartet_log_redact ("user/pass : 1796016837 -- T7Za+zwV/Hl=");
  g_assert_cmpstr (plain, ==, "user/pass : 1796016837 -- [secret]");
  /* As webrtcbin prints the TURN URL it was given. */
  in_url
      = quartet_log_redact ("Adding turn server: turn://1796016837:T7Za%2BzwV%2FHl%3D@host:3478");
  g_assert_cmpstr (in_url, ==, "Adding turn server: turn://1796016837:[secret]@host:3478");
}

static void
test_every_occurrence_of_every_secret (void)
{
  g_autofree char *text = NULL;

  quartet_log_hide_secret ("hunter2!");
  quartet_log_hide_secret ("qb-token-abcdef");
  text = quartet_log_redact ("hunter2! qb-token-abcdef hunter2!");
  g_assert_cmpstr (text, ==, "[secret] [secret] [secret]");
}

static void
test_clean_text_and_short_strings_untouched (void)
{
  /* Too short to be a secret worth hiding: hiding it would garble logs. */
  quartet_log_hide_secret ("abc");
  quartet_log_hide_secret ("");
  quartet_log_hide_secret (NULL);
  g_assert_null (quartet_log_redact ("abc: nothing secret here"));
  g_assert_null (quartet_log_redact (NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/log/secret-replaced-as-given-and-escaped",
                   test_secret_replaced_as_given_and_escaped);
  g_test_add_func ("/log/every-occurrence-of-every-secret", test_every_occurrence_of_every_secret);
  g_test_add_func ("/log/clean-text-and-short-strings-untouched",
                   test_clean_text_and_short_strings_untouched);
  return g_test_run ();
}
