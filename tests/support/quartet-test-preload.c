/* quartet-test-preload.c: test support for quartet-cli and the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests start quartet-cli and the app with this module in LD_PRELOAD
 * (with_test_support() in tests/quartet_cli_test.py), so that the few
 * criticals GStreamer itself raises are not fatal under
 * G_DEBUG=fatal-criticals, without the product carrying test code.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "quartet-upstream-criticals.h"

#include <errno.h>
#include <stdlib.h>

/* The module may reach a Quartet program through others (valgrind's shell
 * script and launcher): it acts in Quartet's programs only. */
static gboolean
is_quartet_program (void)
{
  return g_str_equal (program_invocation_short_name, "quartet-cli")
         || g_str_equal (program_invocation_short_name, "quartet");
}

__attribute__ ((constructor)) static void
quartet_test_preload_init (void)
{
  if (!is_quartet_program ())
    return;

  quartet_tolerate_upstream_criticals ();
  /* Not for the programs this one starts: under AddressSanitizer that is
   * llvm-symbolizer, which cannot load an instrumented module, and without
   * symbols no leak suppression matches. */
  unsetenv ("LD_PRELOAD");
}
