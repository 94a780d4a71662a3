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
#include <execinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

/* The module may reach a Quartet program through others (valgrind's shell
 * script and launcher): it acts in Quartet's programs only. */
static gboolean
is_quartet_program (void)
{
  return g_str_equal (program_invocation_short_name, "quartet-cli")
         || g_str_equal (program_invocation_short_name, "quartet");
}

/* A crash in a test leaves only "exited (-11)" in the harness's log: the
 * frames go to stderr, which the harness prints, then the signal does what
 * it would have (a core where they are kept). Only async-signal-safe calls,
 * with backtrace() loaded before any crash. AddressSanitizer has its own
 * report, which this would replace. */
G_GNUC_UNUSED static void
on_fatal_signal_cb (int signo)
{
  static const char header[] = "quartet-test-preload: fatal signal; the stack:\n";
  void *frames[64];
  int n = backtrace (frames, G_N_ELEMENTS (frames));

  if (write (STDERR_FILENO, header, sizeof header - 1) < 0)
    _exit (128 + signo);
  backtrace_symbols_fd (frames, n, STDERR_FILENO);
  signal (signo, SIG_DFL);
  raise (signo);
}

static void
print_stack_on_crash (void)
{
#ifndef SANITIZED
  const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
  void *warm_up[1];

  backtrace (warm_up, 1); /* loads libgcc now, not in the handler */
  for (gsize i = 0; i < G_N_ELEMENTS (fatal); i++)
    signal (fatal[i], on_fatal_signal_cb);
#endif
}

__attribute__ ((constructor)) static void
quartet_test_preload_init (void)
{
  if (!is_quartet_program ())
    return;

  print_stack_on_crash ();

  quartet_tolerate_upstream_criticals ();
  /* Not for the programs this one starts: under AddressSanitizer that is
   * llvm-symbolizer, which cannot load an instrumented module, and without
   * symbols no leak suppression matches. */
  unsetenv ("LD_PRELOAD");
}
