/* signaling-load.c: many concurrent call sessions through an XMPP server,
 * signaling only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signs in M accounts (QuartetXmppConnection, as the app and quartet-cli do)
 * and runs N call sessions between them at once in the QuickBlox format
 * (QuartetSignal): the caller sends `call` with an offer, the callee answers
 * `accept` and K `iceCandidates`, the caller K `iceCandidates` of its own;
 * once every session is up at the same time they hold, then the callers
 * send `hangUp`. No media: what is measured is the server's routing and
 * our signaling layer.
 *
 * Every signal is counted where it is sent and where it arrives, by
 * session, kind and sequence number, so a lost or a duplicated signal is
 * found and named, and the call-to-accept time (the caller's `call` sent to
 * its `accept` received, one clock: one process) is reported as
 * percentiles.
 *
 *   bench-signaling-load --accounts FILE --cafile PEM [--sessions N]
 *                        [--candidates K] [--rate CALLS/S] [--hold S] [--json]
 *
 * FILE has one account per line, "JID PASSWORD HOST:PORT[,HOST:PORT...]";
 * session i is between accounts 2i and 2i+1 (modulo M), so with the
 * accounts of a cluster's nodes interleaved, every session crosses nodes.
 */
#define G_LOG_DOMAIN "bench-signaling-load"

#include <stdlib.h>
#include <string.h>

#include "quartet-jid.h"
#include "quartet-xmpp-connection.h"

#define MAX_CANDIDATES 32
#define STALL_TIMEOUT_S 20 /* nothing sent or received for so long: the rest is lost */
#define SIGN_IN_TIMEOUT_S 120
/* Sign-ins under way at once: a population signs in over time, and a
 * single-threaded server (Prosody) refuses connections past its listen
 * backlog when hundreds of TLS handshakes arrive together. */
#define SIGN_INS_AT_ONCE 16

typedef enum
{
  KIND_CALL,              /* caller -> callee */
  KIND_ACCEPT,            /* callee -> caller */
  KIND_CALLER_CANDIDATES, /* caller -> callee */
  KIND_CALLEE_CANDIDATES, /* callee -> caller */
  KIND_HANG_UP,           /* caller -> callee */
  N_KINDS,
} Kind;

static const char *const kind_names[N_KINDS]
    = { "call", "accept", "caller-candidates", "callee-candidates", "hangUp" };

typedef struct _Load Load;

typedef struct
{
  Load *load;
  guint index;
  char *jid;
  QuartetXmppConnection *connection;
} Account;

typedef struct
{
  char *id;
  Account *caller;
  Account *callee;
  gint64 call_sent_us;
  gint64 accepted_us;
  guint32 sent[N_KINDS]; /* a bit per sequence number */
  guint32 seen[N_KINDS];
  gboolean up;    /* everything but the hang-up arrived */
  gboolean ended; /* the hang-up arrived */
} Session;

struct _Load
{
  /* options */
  char *accounts_file;
  char *cafile;
  guint n_sessions;
  guint candidates;
  guint rate;
  double hold_s;
  gboolean json;

  GMainLoop *loop;
  GPtrArray *accounts;  /* Account */
  GHashTable *sessions; /* id -> Session */
  Session *session_list;
  guint signed_in;
  guint signing_in; /* the next account to sign in */
  guint placed;
  guint hung_up;
  guint up;
  guint ended;
  guint sent[N_KINDS];
  guint received[N_KINDS];
  guint duplicated[N_KINDS];
  guint unexpected;
  guint invalid;
  guint send_errors;
  guint disconnections;
  double sign_in_s;
  gint64 start_us;
  gint64 all_up_us;
  gint64 hang_up_start_us;
  gint64 done_us;
  gint64 last_progress_us;
  guint sign_in_timeout_id;
  char *sdp;
  GError *error;
};

static void
account_free (Account *account)
{
  if (account->connection != NULL)
    g_signal_handlers_disconnect_by_data (account->connection, account);
  g_clear_object (&account->connection);
  g_free (account->jid);
  g_free (account);
}

/* A description of the size a browser's video offer has (about 3 KB):
 * the server routes bytes, so the size is part of the load. */
static char *
make_sdp (void)
{
  GString *sdp = g_string_new ("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n"
                               "t=0 0\r\na=group:BUNDLE 0 1\r\n");

  g_string_append (sdp, "a=setup:actpass\r\n");
  for (guint m = 0; m < 2; m++)
    {
      g_string_append_printf (sdp,
                              "m=%s 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101\r\n"
                              "c=IN IP4 0.0.0.0\r\na=mid:%u\r\na=sendrecv\r\na=rtcp-mux\r\n"
                              "a=ice-ufrag:Xk3v\r\na=ice-pwd:Q8r1nXzv0Lp2mW7tYc4sJd9e\r\n"
                              "a=fingerprint:sha-256 4F:9A:0C:21:7B:5E:33:D8:19:E2:6A:"
                              "40:8C:F1:07:B3:55:2D:9E:61:C4:18:7A:03:EE:5B:92:D7:3F:60:"
                              "A8:11\r\n",
                              m == 0 ? "audio" : "video", m);
      for (guint pt = 96; pt < 102; pt++)
        g_string_append_printf (sdp,
                                "a=rtpmap:%u %s/90000\r\na=rtcp-fb:%u nack\r\n"
                                "a=rtcp-fb:%u nack pli\r\na=rtcp-fb:%u goog-remb\r\n"
                                "a=fmtp:%u level-asymmetry-allowed=1\r\n",
                                pt, m == 0 ? "opus" : "VP8", pt, pt, pt, pt);
      g_string_append_printf (sdp, "a=ssrc:%u cname:quartet-load\r\n", 1000 + m);
    }
  return g_string_free (sdp, FALSE);
}

static void
finish (Load *load)
{
  load->done_us = g_get_monotonic_time ();
  g_main_loop_quit (load->loop);
}

static void
send_signal (Load *load, Session *session, Kind kind, guint seq, QuartetSignal *signal)
{
  gboolean from_caller
      = kind == KIND_CALL || kind == KIND_CALLER_CANDIDATES || kind == KIND_HANG_UP;
  Account *from = from_caller ? session->caller : session->callee;
  Account *to = from_caller ? session->callee : session->caller;

  g_autoptr (GError) error = NULL;

  if (!quartet_xmpp_connection_send_signal (from->connection, to->jid, signal, &error))
    {
      g_warning ("%s to %s: %s", kind_names[kind], to->jid, error->message);
      load->send_errors++;
      return;
    }
  load->sent[kind]++;
  session->sent[kind] |= 1u << seq;
  load->last_progress_us = g_get_monotonic_time ();
}

static void
send_candidates (Load *load, Session *session, Kind kind)
{
  Account *from = kind == KIND_CALLER_CANDIDATES ? session->caller : session->callee;

  for (guint seq = 0; seq < load->candidates; seq++)
    {
      g_autoptr (QuartetSignal) signal
          = quartet_signal_new (QUARTET_SIGNAL_TYPE_ICE_CANDIDATES, session->id);
      g_autofree char *candidate
          = g_strdup_printf ("candidate:%u 1 udp 2122260223 10.%u.%u.%u %u typ host", seq,
                             from->index >> 8 & 0xff, from->index & 0xff, seq, 40000 + seq);

      signal->call_type = QUARTET_CALL_TYPE_VIDEO;
      signal->caller_id = g_strdup (session->caller->jid);
      quartet_signal_add_opponent (signal, session->callee->jid);
      quartet_signal_add_candidate (signal, "0", 0, candidate);
      send_signal (load, session, kind, seq, signal);
    }
}

static void
place_call (Load *load, Session *session)
{
  g_autoptr (QuartetSignal) signal = quartet_signal_new (QUARTET_SIGNAL_TYPE_CALL, session->id);

  signal->call_type = QUARTET_CALL_TYPE_VIDEO;
  signal->caller_id = g_strdup (session->caller->jid);
  signal->sdp = g_strdup (load->sdp);
  quartet_signal_add_opponent (signal, session->callee->jid);
  session->call_sent_us = g_get_monotonic_time ();
  send_signal (load, session, KIND_CALL, 0, signal);
}

static void
answer_call (Load *load, Session *session)
{
  g_autoptr (QuartetSignal) signal = quartet_signal_new (QUARTET_SIGNAL_TYPE_ACCEPT, session->id);

  signal->call_type = QUARTET_CALL_TYPE_VIDEO;
  signal->caller_id = g_strdup (session->caller->jid);
  signal->sdp = g_strdup (load->sdp);
  quartet_signal_add_opponent (signal, session->callee->jid);
  send_signal (load, session, KIND_ACCEPT, 0, signal);
  send_candidates (load, session, KIND_CALLEE_CANDIDATES);
}

static void
hang_up (Load *load, Session *session)
{
  g_autoptr (QuartetSignal) signal = quartet_signal_new (QUARTET_SIGNAL_TYPE_HANG_UP, session->id);

  signal->caller_id = g_strdup (session->caller->jid);
  quartet_signal_add_opponent (signal, session->callee->jid);
  send_signal (load, session, KIND_HANG_UP, 0, signal);
}

/* How many calls (or hang-ups) are due @start_us after the first: they go
 * out at --rate per second, not at once. */
static guint
due_by_rate (Load *load, gint64 start_us)
{
  double elapsed_s = (g_get_monotonic_time () - start_us) / (double)G_USEC_PER_SEC;

  return MIN (load->n_sessions, (guint)(elapsed_s * load->rate) + 1);
}

static gboolean
on_hang_up_tick_cb (gpointer user_data)
{
  Load *load = user_data;

  for (guint due = due_by_rate (load, load->hang_up_start_us); load->hung_up < due; load->hung_up++)
    hang_up (load, &load->session_list[load->hung_up]);
  return load->hung_up < load->n_sessions ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
on_hold_over_cb (gpointer user_data)
{
  Load *load = user_data;

  load->hang_up_start_us = g_get_monotonic_time ();
  g_timeout_add (5, on_hang_up_tick_cb, load);
  return G_SOURCE_REMOVE;
}

static gboolean
on_call_tick_cb (gpointer user_data)
{
  Load *load = user_data;

  for (guint due = due_by_rate (load, load->start_us); load->placed < due; load->placed++)
    place_call (load, &load->session_list[load->placed]);
  return load->placed < load->n_sessions ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
session_check_up (Load *load, Session *session)
{
  guint32 all = load->candidates >= 32 ? G_MAXUINT32 : (1u << load->candidates) - 1;

  if (session->up || session->seen[KIND_CALL] == 0 || session->seen[KIND_ACCEPT] == 0
      || session->seen[KIND_CALLER_CANDIDATES] != all
      || session->seen[KIND_CALLEE_CANDIDATES] != all)
    return;

  session->up = TRUE;
  if (++load->up == load->n_sessions)
    {
      load->all_up_us = g_get_monotonic_time ();
      g_timeout_add ((guint)(load->hold_s * 1000), on_hold_over_cb, load);
    }
}

static Kind
kind_of (const QuartetSignal *signal, gboolean at_callee)
{
  switch (signal->type)
    {
    case QUARTET_SIGNAL_TYPE_CALL:
      return KIND_CALL;
    case QUARTET_SIGNAL_TYPE_ACCEPT:
      return KIND_ACCEPT;
    case QUARTET_SIGNAL_TYPE_ICE_CANDIDATES:
      return at_callee ? KIND_CALLER_CANDIDATES : KIND_CALLEE_CANDIDATES;
    case QUARTET_SIGNAL_TYPE_HANG_UP:
      return KIND_HANG_UP;
    case QUARTET_SIGNAL_TYPE_REJECT:
    case QUARTET_SIGNAL_TYPE_UPDATE:
    default:
      return N_KINDS;
    }
}

/* The sequence number a candidates signal carries ("candidate:SEQ ..."). */
static guint
sequence_of (const QuartetSignal *signal)
{
  const QuartetIceCandidate *candidate;

  if (signal->candidates->len != 1)
    return G_MAXUINT;
  candidate = g_ptr_array_index (signal->candidates, 0);
  if (!g_str_has_prefix (candidate->candidate, "candidate:"))
    return G_MAXUINT;
  return (guint)g_ascii_strtoull (candidate->candidate + strlen ("candidate:"), NULL, 10);
}

static void
on_signal_received_cb (QuartetXmppConnection *connection,
                       const char *from,
                       const QuartetSignal *signal,
                       Account *account)
{
  Load *load = account->load;
  Session *session = g_hash_table_lookup (load->sessions, signal->session_id);
  g_autofree char *from_bare = quartet_jid_get_bare (from);
  gboolean at_callee;
  Kind kind;
  guint seq = 0;

  if (session == NULL || (account != session->caller && account != session->callee))
    {
      load->unexpected++;
      return;
    }

  at_callee = account == session->callee;
  kind = kind_of (signal, at_callee);
  if (kind == KIND_CALLER_CANDIDATES || kind == KIND_CALLEE_CANDIDATES)
    seq = sequence_of (signal);
  if (kind == N_KINDS || seq >= MAX_CANDIDATES
      || !g_str_equal (from_bare, at_callee ? session->caller->jid : session->callee->jid)
      || at_callee != (kind == KIND_CALL || kind == KIND_CALLER_CANDIDATES || kind == KIND_HANG_UP))
    {
      load->unexpected++;
      return;
    }

  if (session->seen[kind] & (1u << seq))
    {
      load->duplicated[kind]++;
      return;
    }
  session->seen[kind] |= 1u << seq;
  load->received[kind]++;
  load->last_progress_us = g_get_monotonic_time ();

  switch (kind)
    {
    case KIND_CALL:
      answer_call (load, session);
      break;
    case KIND_ACCEPT:
      session->accepted_us = g_get_monotonic_time ();
      send_candidates (load, session, KIND_CALLER_CANDIDATES);
      break;
    case KIND_HANG_UP:
      session->ended = TRUE;
      if (++load->ended == load->n_sessions)
        finish (load);
      return;
    case KIND_CALLER_CANDIDATES:
    case KIND_CALLEE_CANDIDATES:
    case N_KINDS:
    default:
      break;
    }
  session_check_up (load, session);
}

static void
on_invalid_signal_cb (QuartetXmppConnection *connection,
                      const char *from,
                      const GError *error,
                      Account *account)
{
  g_warning ("%s: an invalid signal from %s: %s", account->jid, from, error->message);
  account->load->invalid++;
}

static void
on_disconnected_cb (QuartetXmppConnection *connection, const GError *error, Account *account)
{
  Load *load = account->load;

  g_warning ("%s lost its connection: %s", account->jid, error ? error->message : "?");
  load->disconnections++;
}

/* Nothing has moved for a while: what did not arrive is lost. */
static gboolean
on_watchdog_cb (gpointer user_data)
{
  Load *load = user_data;

  if (g_get_monotonic_time () - load->last_progress_us < STALL_TIMEOUT_S * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  g_warning ("nothing sent or received for %d s: giving up", STALL_TIMEOUT_S);
  finish (load);
  return G_SOURCE_REMOVE;
}

static void
start_calls (Load *load)
{
  g_clear_handle_id (&load->sign_in_timeout_id, g_source_remove);
  load->start_us = load->last_progress_us = g_get_monotonic_time ();
  g_timeout_add (5, on_call_tick_cb, load);
  g_timeout_add_seconds (1, on_watchdog_cb, load);
}

static void on_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
sign_in_next (Load *load)
{
  Account *account;

  if (load->signing_in == load->accounts->len)
    return;
  account = g_ptr_array_index (load->accounts, load->signing_in++);
  quartet_xmpp_connection_connect_async (account->connection, NULL, on_signed_in_cb, load);
}

static void
on_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;
  g_autoptr (GError) error = NULL;

  if (!quartet_xmpp_connection_connect_finish (QUARTET_XMPP_CONNECTION (source), result, &error))
    {
      if (load->error == NULL)
        load->error = g_error_new (
            error->domain, error->code, "%s: %s",
            quartet_xmpp_connection_get_jid (QUARTET_XMPP_CONNECTION (source)), error->message);
      g_main_loop_quit (load->loop);
      return;
    }

  if (++load->signed_in == load->accounts->len)
    {
      load->sign_in_s = (g_get_monotonic_time () - load->start_us) / (double)G_USEC_PER_SEC;
      start_calls (load);
      return;
    }
  sign_in_next (load);
}

static gboolean
add_servers (QuartetXmppConnection *connection, const char *list, GError **error)
{
  g_auto (GStrv) servers = g_strsplit (list, ",", -1);

  for (guint i = 0; servers[i] != NULL; i++)
    {
      const char *colon = strrchr (servers[i], ':');
      guint64 port = 0;
      g_autofree char *host = NULL;

      if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not HOST:PORT",
                       servers[i]);
          return FALSE;
        }
      host = g_strndup (servers[i], colon - servers[i]);
      quartet_xmpp_connection_add_server (connection, host, port);
    }
  return TRUE;
}

static gboolean
read_accounts (Load *load, GError **error)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (load->accounts_file, &contents, NULL, error))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (g_strstrip (lines[i]), " ", 3);
      Account *account;

      if (fields[0] == NULL || *fields[0] == '\0')
        continue;
      if (g_strv_length (fields) != 3)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s:%u: not “JID PASSWORD HOST:PORT”", load->accounts_file, i + 1);
          return FALSE;
        }

      account = g_new0 (Account, 1);
      account->load = load;
      account->index = load->accounts->len;
      account->jid = g_strdup (fields[0]);
      account->connection = quartet_xmpp_connection_new (fields[0], fields[1]);
      g_ptr_array_add (load->accounts, account);
      if (!add_servers (account->connection, fields[2], error))
        return FALSE;
      quartet_xmpp_connection_set_cafile (account->connection, load->cafile);
      g_signal_connect (account->connection, "signal-received", G_CALLBACK (on_signal_received_cb),
                        account);
      g_signal_connect (account->connection, "disconnected", G_CALLBACK (on_disconnected_cb),
                        account);
      g_signal_connect (account->connection, "invalid-signal", G_CALLBACK (on_invalid_signal_cb),
                        account);
    }

  if (load->accounts->len < 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: fewer than two accounts",
                   load->accounts_file);
      return FALSE;
    }
  return TRUE;
}

static void
make_sessions (Load *load)
{
  guint m = load->accounts->len;

  load->session_list = g_new0 (Session, load->n_sessions);
  load->sessions = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < load->n_sessions; i++)
    {
      Session *session = &load->session_list[i];

      session->id = g_uuid_string_random ();
      session->caller = g_ptr_array_index (load->accounts, (2 * i) % m);
      session->callee = g_ptr_array_index (load->accounts, (2 * i + 1) % m);
      g_hash_table_insert (load->sessions, session->id, session);
    }
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted, double p)
{
  if (sorted->len == 0)
    return 0;
  return g_array_index (sorted, double, MIN (sorted->len - 1, (guint)(p * sorted->len)));
}

/* The first sessions that missed a signal, by who sent it to whom: loss
 * that follows an account, a node or a kind points at its cause. */
static void
print_missing (Load *load)
{
  guint printed = 0;

  for (guint i = 0; i < load->n_sessions && printed < 8; i++)
    {
      Session *session = &load->session_list[i];
      g_autoptr (GString) missing = g_string_new (NULL);

      for (guint k = 0; k < N_KINDS; k++)
        if (session->sent[k] != session->seen[k])
          g_string_append_printf (missing, " %s(%x of %x)", kind_names[k], session->seen[k],
                                  session->sent[k]);
      if (missing->len == 0)
        continue;
      printed++;
      g_print ("  session %u, %s and %s, missed:%s\n", i, session->caller->jid,
               session->callee->jid, missing->str);
    }
}

static void
report (Load *load)
{
  g_autoptr (GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  guint sent = 0, received = 0, duplicated = 0;
  double duration_s = (load->done_us - load->start_us) / (double)G_USEC_PER_SEC;

  for (guint i = 0; i < load->n_sessions; i++)
    {
      Session *session = &load->session_list[i];

      if (session->accepted_us > 0)
        {
          double ms = (session->accepted_us - session->call_sent_us) / 1000.0;

          g_array_append_val (latencies, ms);
        }
    }
  g_array_sort (latencies, compare_doubles);
  for (guint k = 0; k < N_KINDS; k++)
    {
      sent += load->sent[k];
      received += load->received[k];
      duplicated += load->duplicated[k];
    }

  if (load->json)
    {
      g_print ("{\"accounts\": %u, \"sessions\": %u, \"candidates\": %u, \"rate\": %u, "
               "\"sessions_up_at_once\": %u, \"sessions_ended\": %u, \"signals_sent\": %u, "
               "\"signals_received\": %u, \"lost\": %u, \"duplicated\": %u, \"unexpected\": %u, "
               "\"send_errors\": %u, \"disconnections\": %u, \"sign_in_s\": %.2f, "
               "\"duration_s\": %.2f, "
               "\"call_to_accept_ms\": {\"p50\": %.1f, \"p95\": %.1f, \"p99\": %.1f, "
               "\"max\": %.1f}, \"lost_by_kind\": {",
               load->accounts->len, load->n_sessions, load->candidates, load->rate,
               load->all_up_us ? load->up : 0, load->ended, sent, received, sent - received,
               duplicated, load->unexpected, load->send_errors, load->disconnections,
               load->sign_in_s, duration_s, percentile (latencies, 0.5),
               percentile (latencies, 0.95), percentile (latencies, 0.99),
               percentile (latencies, 1.0));
      for (guint k = 0; k < N_KINDS; k++)
        g_print ("%s\"%s\": %u", k ? ", " : "", kind_names[k], load->sent[k] - load->received[k]);
      g_print ("}}\n");
      return;
    }

  g_print ("%u accounts signed in in %.1f s\n", load->accounts->len, load->sign_in_s);
  g_print ("%u sessions between them, %u up at once; %u ended\n", load->n_sessions,
           load->all_up_us ? load->up : 0, load->ended);
  for (guint k = 0; k < N_KINDS; k++)
    g_print ("  %-18s sent %6u  received %6u  lost %u  duplicated %u\n", kind_names[k],
             load->sent[k], load->received[k], load->sent[k] - load->received[k],
             load->duplicated[k]);
  g_print ("signals: %u sent, %u lost, %u duplicated, %u unexpected, %u invalid, %u not sent; "
           "%u disconnections; %.1f s\n",
           sent, sent - received, duplicated, load->unexpected, load->invalid, load->send_errors,
           load->disconnections, duration_s);
  print_missing (load);
  g_print ("call to accept: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           percentile (latencies, 0.5), percentile (latencies, 0.95), percentile (latencies, 0.99),
           percentile (latencies, 1.0));
}

static gboolean
on_sign_in_timeout_cb (gpointer user_data)
{
  Load *load = user_data;

  load->sign_in_timeout_id = 0;
  load->error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             "only %u of %u accounts signed in within %d s", load->signed_in,
                             load->accounts->len, SIGN_IN_TIMEOUT_S);
  g_main_loop_quit (load->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_options (Load *load, int argc, char **argv, GError **error)
{
  int n_sessions = 1000, candidates = 2, rate = 500;
  const GOptionEntry entries[]
      = { { "accounts", 0, 0, G_OPTION_ARG_FILENAME, &load->accounts_file,
            "Accounts, one per line: JID PASSWORD HOST:PORT[,HOST:PORT]", "FILE" },
          { "cafile", 0, 0, G_OPTION_ARG_FILENAME, &load->cafile, "The servers' CA", "PEM" },
          { "sessions", 0, 0, G_OPTION_ARG_INT, &n_sessions, "Call sessions at once (1000)", "N" },
          { "candidates", 0, 0, G_OPTION_ARG_INT, &candidates,
            "iceCandidates signals from each side of a session (2)", "K" },
          { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Calls (and hang-ups) placed per second (500)",
            "N" },
          { "hold", 0, 0, G_OPTION_ARG_DOUBLE, &load->hold_s,
            "Seconds all sessions stay up before the hang-ups (2)", "S" },
          { "json", 0, 0, G_OPTION_ARG_NONE, &load->json, "One JSON line", NULL },
          { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new ("- signaling load");

  load->hold_s = 2;
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (load->accounts_file == NULL || load->cafile == NULL || n_sessions < 1 || candidates < 0
      || candidates > MAX_CANDIDATES || rate < 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--accounts and --cafile are required; --sessions >= 1, "
                   "--candidates 0..%d, --rate >= 1",
                   MAX_CANDIDATES);
      return FALSE;
    }
  load->n_sessions = n_sessions;
  load->candidates = candidates;
  load->rate = rate;
  return TRUE;
}

static void
load_clear (Load *load)
{
  for (guint i = 0; load->session_list != NULL && i < load->n_sessions; i++)
    g_free (load->session_list[i].id);
  g_clear_pointer (&load->session_list, g_free);
  g_clear_pointer (&load->sessions, g_hash_table_unref);
  g_clear_pointer (&load->accounts, g_ptr_array_unref);
  g_clear_pointer (&load->loop, g_main_loop_unref);
  g_clear_pointer (&load->sdp, g_free);
  g_clear_pointer (&load->accounts_file, g_free);
  g_clear_pointer (&load->cafile, g_free);
  g_clear_error (&load->error);
}

int
main (int argc, char **argv)
{
  Load load = { 0 };
  g_autoptr (GError) error = NULL;
  int status;

  load.accounts = g_ptr_array_new_with_free_func ((GDestroyNotify)account_free);
  if (!parse_options (&load, argc, argv, &error) || !read_accounts (&load, &error))
    {
      g_printerr ("bench-signaling-load: %s\n", error->message);
      load_clear (&load);
      return 2;
    }

  load.loop = g_main_loop_new (NULL, FALSE);
  load.sdp = make_sdp ();
  make_sessions (&load);
  load.start_us = g_get_monotonic_time ();
  for (guint i = 0; i < SIGN_INS_AT_ONCE; i++)
    sign_in_next (&load);
  load.sign_in_timeout_id = g_timeout_add_seconds (SIGN_IN_TIMEOUT_S, on_sign_in_timeout_cb, &load);
  g_main_loop_run (load.loop);

  if (load.error != NULL)
    {
      g_printerr ("bench-signaling-load: %s\n", load.error->message);
      load_clear (&load);
      return 1;
    }

  report (&load);
  status = load.ended == load.n_sessions && load.unexpected == 0 && load.send_errors == 0 ? 0 : 1;
  for (guint k = 0; k < N_KINDS; k++)
    if (load.sent[k] != load.received[k] || load.duplicated[k] != 0)
      status = 1;
  load_clear (&load);
  return status;
}
