/* quartet-upstream-criticals.c: criticals of our dependencies that are not fatal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests run every program with G_DEBUG=fatal-criticals, so that any
 * critical of ours aborts. A few come from inside GStreamer 1.22 itself, now
 * and then under load, are harmless to the call and not ours to fix; the
 * programs (quartet-cli, the app, the engine's tests) call
 * quartet_tolerate_upstream_criticals() to keep exactly those logged but
 * not fatal. Every other critical stays fatal.
 *
 * 1. srtpdec: when a packet reaches one of its two sink pads before that pad
 *    has a stream-start, gst_srtp_dec_push_early_events() asks
 *    gst_pad_create_stream_id() for an id, which refuses elements with
 *    several sink pads; it then makes a stream-start of the NULL id and
 *    pushes the NULL event: a chain of three criticals on one thread. The
 *    next packet carries on.
 * 2. rtpsession's RTCP thread: rtp_session_on_timeout() walks its table of
 *    sources while callbacks it makes release the session lock, and a
 *    streaming thread that meets a new SSRC then adds to the table, which
 *    ends the walk early ("g_hash_table_foreach: assertion 'version ==
 *    hash_table->version'"). That RTCP round misses a few report blocks.
 *    Our own code never walks a hash table off the main thread, so only
 *    that critical from another thread is tolerated.
 */
#include "quartet-upstream-criticals.h"

#include <string.h>

static const char *const srtpdec_stream_id_chain[] = {
  "gst_pad_create_stream_id_internal: assertion 'parent->numsinkpads <= 1' failed",
  "gst_event_new_stream_start: assertion 'stream_id != NULL' failed",
  "gst_pad_push_event: assertion 'GST_IS_EVENT (event)' failed",
};

#define HASH_TABLE_CHANGED_DURING_WALK                                                             \
  "g_hash_table_foreach: assertion 'version == hash_table->version' failed"

static GPrivate srtpdec_chain_position;

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

static gboolean
is_fatal_log_cb (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (message == NULL)
    return TRUE;

  if (g_strcmp0 (domain, "GStreamer") == 0)
    return !is_srtpdec_chain (message);

  if (g_strcmp0 (domain, "GLib") == 0 && strstr (message, HASH_TABLE_CHANGED_DURING_WALK) != NULL)
    return g_main_context_is_owner (g_main_context_default ());

  return TRUE;
}

void
quartet_tolerate_upstream_criticals (void)
{
  g_test_log_set_fatal_handler (is_fatal_log_cb, NULL);
}
