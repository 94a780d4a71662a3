/* quartet-upstream-criticals.c: criticals of our dependencies that are not fatal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test support, not part of the product. The tests run every program with
 * G_DEBUG=fatal-warnings,fatal-criticals, so that any warning or critical
 * of ours aborts. A few come from inside GStreamer 1.22 itself, now and
 * then, are harmless to the call and not ours to fix. The engine's test programs call
 * quartet_tolerate_upstream_criticals() after g_test_init(); quartet-cli and
 * the app get it from libquartet-test-preload.so, which the tests preload
 * (tests/support/quartet-test-preload.c). Everything else stays fatal.
 *
 * 1. srtpdec: when a packet reaches one of its two sink pads before that pad
 *    has a stream-start, gst_srtp_dec_push_early_events() asks
 *    gst_pad_create_stream_id() for an id, which refuses elements with
 *    several sink pads; it then makes a stream-start of the NULL id and
 *    pushes the NULL event: a chain of three criticals on one thread. The
 *    next packet carries on.
 * 2. srtpdec may push an RTCP packet on its rtcp_src before that pad has a
 *    segment: a warning ("Got data flow before segment event") from the
 *    gst_pad_push() srtpdec itself called; recognised by the message naming
 *    an srtpdec pad and by the stack, as below.
 * 3. rtpsession walks its table of sources with g_hash_table_foreach() and,
 *    inside the walk, releases the session lock (schedule_remaining_nacks()
 *    in rtp_session_on_timeout() does); a streaming thread that meets a new
 *    SSRC then adds to the table, which ends the walk early ("assertion
 *    'version == hash_table->version' failed"). That RTCP round misses a few
 *    report blocks or NACKs. The walk may run on any thread that drives the
 *    session, so the critical is recognised by who walked: the first frame
 *    below GLib's on the stack must be in GStreamer's rtpmanager plugin. The
 *    same assertion from a walk of ours stays fatal.
 */
#define _GNU_SOURCE /* dladdr() */
#include "quartet-upstream-criticals.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <string.h>

#define MAX_FRAMES 32

static const char *const srtpdec_stream_id_chain[] = {
  "gst_pad_create_stream_id_internal: assertion 'parent->numsinkpads <= 1' failed",
  "gst_event_new_stream_start: assertion 'stream_id != NULL' failed",
  "gst_pad_push_event: assertion 'GST_IS_EVENT (event)' failed",
};

#define HASH_TABLE_CHANGED_DURING_WALK                                                             \
  "g_hash_table_foreach: assertion 'version == hash_table->version' failed"
#define DATA_BEFORE_SEGMENT "Got data flow before segment event"

static GPrivate srtpdec_chain_position;
/* What the log handler decided about the message g_logv() is handling on
 * this thread; its fatal handler runs right after it. */
static GPrivate message_tolerated;
static GLogFunc default_log_handler;

/* The chain may start at any time; a follow-up only right after its
 * predecessor on the same thread. */
static gboolean
is_srtpdec_chain (const char *message)
{
  guint position = GPOINTER_TO_UINT (g_private_get (&srtpdec_chain_position));

  if (strstr (message, srtpdec_stream_id_chain[0]) != NULL)
    position = 0;
  else if (position == 0 || strstr (message, srtpdec_stream_id_chain[position]) == NULL)
    return FALSE;

  position++;
  g_private_set (
      &srtpdec_chain_position,
      GUINT_TO_POINTER (position < G_N_ELEMENTS (srtpdec_stream_id_chain) ? position : 0));
  return TRUE;
}

static const void *
module_base (const void *address)
{
  Dl_info info;

  if (dladdr (address, &info) == 0)
    return NULL;
  return info.dli_fbase;
}

static gboolean
is_module (const void *address, const char *name)
{
  Dl_info info;

  return dladdr (address, &info) != 0 && info.dli_fname != NULL
         && strstr (info.dli_fname, name) != NULL;
}

/* The stack reads, from the top: this file (and the sanitizers' hooks),
 * then GLib (g_logv, g_log, g_return_if_fail_warning, g_hash_table_foreach;
 * some of them tail calls), then, for a warning of GStreamer's, its core
 * (gst_pad_push), then the caller: whether that is in @plugin. */
static gboolean
called_from_plugin (const char *plugin)
{
  void *frames[MAX_FRAMES];
  const void *glib = module_base ((const void *)g_logv);
  int n_frames = backtrace (frames, MAX_FRAMES);
  int i = 0;

  while (i < n_frames && module_base (frames[i]) != glib)
    i++;
  while (i < n_frames && module_base (frames[i]) == glib)
    i++;
  while (i < n_frames && is_module (frames[i], "libgstreamer-1.0.so"))
    i++;

  return i < n_frames && is_module (frames[i], plugin);
}

static gboolean
is_tolerated (const char *domain, const char *message)
{
  if (message == NULL)
    return FALSE;

  if (g_strcmp0 (domain, "GStreamer") == 0 && strstr (message, DATA_BEFORE_SEGMENT) != NULL)
    return strstr (message, "<srtpdec") != NULL && called_from_plugin ("libgstsrtp");

  if (g_strcmp0 (domain, "GStreamer") == 0)
    return is_srtpdec_chain (message);

  if (g_strcmp0 (domain, "GLib") == 0 && strstr (message, HASH_TABLE_CHANGED_DURING_WALK) != NULL)
    return called_from_plugin ("libgstrtpmanager");

  return FALSE;
}

static gboolean
is_fatal_cb (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  gboolean tolerated = GPOINTER_TO_INT (g_private_get (&message_tolerated));

  g_private_set (&message_tolerated, GINT_TO_POINTER (FALSE));
  return !tolerated;
}

/* g_logv() calls this first, then the fatal handler. A tolerated critical
 * is logged as a plain one (a GLib test program's handler would otherwise
 * print "Bail out!", which fails the test in TAP), and the fatal handler is
 * installed again: GLib's test runner resets it at the start of every test
 * case, so one installed in main() is gone by the time a test runs. */
static void
log_handler_cb (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  gboolean tolerated = (level & G_LOG_FLAG_FATAL) != 0 && is_tolerated (domain, message);

  g_private_set (&message_tolerated, GINT_TO_POINTER (tolerated));
  if (tolerated)
    {
      level &= ~G_LOG_FLAG_FATAL;
      g_test_log_set_fatal_handler (is_fatal_cb, NULL);
    }
  default_log_handler (domain, level, message, data);
}

void
quartet_tolerate_upstream_criticals (void)
{
  GLogFunc previous = g_log_set_default_handler (log_handler_cb, NULL);

  /* Called twice (the preload and a test's main), keep the real one. */
  if (previous != log_handler_cb)
    default_log_handler = previous;
  g_test_log_set_fatal_handler (is_fatal_cb, NULL);
}
