/* quartet-test-preload.c: test support for quartet-cli and the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests start quartet-cli and the app with this module in LD_PRELOAD
 * (tests/harness/suite_logs.py: with_test_support()), so that the few
 * criticals GStreamer itself raises are not fatal under
 * G_DEBUG=fatal-criticals, without the product carrying test code.
 */
#include "quartet-upstream-criticals.h"

#include <stdlib.h>

__attribute__ ((constructor)) static void
quartet_test_preload_init (void)
{
  quartet_tolerate_upstream_criticals ();
  /* Not for the programs this one starts: under AddressSanitizer that is
   * llvm-symbolizer, which cannot load an instrumented module, and without
   * symbols no leak suppression matches. */
  unsetenv ("LD_PRELOAD");
}
