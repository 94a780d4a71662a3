/* setup-floor.c: the in-process floor of call setup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a call costs to set up with nothing but the media engine: every
 * participant a QuartetMedia with QuartetPeers in this one process, the
 * descriptions and ICE candidates handed from peer to peer by function
 * call instead of through XMPP. The same engine, caps and encoder settings
 * as quartet-cli uses (QuartetMedia, QuartetPeer), so bench/setup.py
 * compares real calls against it.
 *
 * A round starts every participant's media (a call starts the caller's in
 * call() and each callee's in accept()) and has the first participant
 * offer; it ends when the first participant has decoded a frame from every
 * other one (2 parties: the caller's first remote frame) and, for the
 * "last pair" figure, when everyone decodes everyone. The first round also
 * loads the plugins and makes the process's DTLS certificate, so it is run
 * and not counted.
 *
 *   bench-setup-floor [--rounds N] [--parties 2..4] [--json]
 */
#define G_LOG_DOMAIN "bench-setup-floor"

#include <stdlib.h>
#include <string.h>

#include "quartet-media.h"
#include "quartet-peer.h"

#define MAX_PARTIES 4
#define TIMEOUT_S 30

typedef struct
{
  QuartetPeer *peer;
  QuartetPeer *remote; /* gets our descriptions and candidates */
  gint64 first_frame_us;
} End;

typedef struct
{
  guint parties;
  QuartetMedia *media[MAX_PARTIES];
  End ends[MAX_PARTIES][MAX_PARTIES]; /* ends[i][j]: i's peer for j */
} Round;

static void
on_local_description_cb (QuartetPeer *peer, const char *type, const char *sdp, End *end)
{
  g_autoptr (GError) error = NULL;

  if (g_str_equal (type, "offer"))
    quartet_peer_set_remote_offer (end->remote, sdp, &error);
  else
    quartet_peer_set_remote_answer (end->remote, sdp, &error);
  if (error != NULL)
    g_error ("%s", error->message);
}

static void
on_local_candidate_cb (QuartetPeer *peer, guint mline, const char *candidate, End *end)
{
  quartet_peer_add_remote_candidate (end->remote, mline, candidate);
}

static void
on_first_video_frame_cb (QuartetPeer *peer, End *end)
{
  end->first_frame_us = g_get_monotonic_time ();
}

static QuartetMedia *
make_media (void)
{
  /* What bench/setup.py gives quartet-cli: --video pattern:ball, the
   * default tone, --no-voice-processing. */
  QuartetMedia *media = quartet_media_new ("pattern:ball", "tone");

  quartet_media_set_voice_processing (media, FALSE);
  return media;
}

static void
end_init (End *end, QuartetMedia *media, const char *user_id)
{
  memset (end, 0, sizeof *end);
  end->peer = quartet_peer_new (media, user_id, TRUE, NULL, FALSE);
  g_signal_connect (end->peer, "local-description", G_CALLBACK (on_local_description_cb), end);
  g_signal_connect (end->peer, "local-candidate", G_CALLBACK (on_local_candidate_cb), end);
  g_signal_connect (end->peer, "first-video-frame", G_CALLBACK (on_first_video_frame_cb), end);
}

/* The latest first frame of participant @i's peers, or 0 while one waits. */
static gint64
all_frames_of (Round *round, guint i)
{
  gint64 latest = 0;

  for (guint j = 0; j < round->parties; j++)
    {
      if (j == i)
        continue;
      if (round->ends[i][j].first_frame_us == 0)
        return 0;
      latest = MAX (latest, round->ends[i][j].first_frame_us);
    }

  return latest;
}

static gboolean
on_tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

/* One round: ms to the caller's last first frame, and to everyone's. */
static void
run_round (guint parties, double *caller_ms, double *last_pair_ms)
{
  static const char *const names[] = { "alice", "bob", "carol", "dave" };
  Round round = { .parties = parties };
  gint64 start, deadline, caller_us = 0, last_us = 0;
  guint tick = g_timeout_add (5, on_tick_cb, NULL);

  for (guint i = 0; i < parties; i++)
    round.media[i] = make_media ();

  start = g_get_monotonic_time ();
  for (guint i = 0; i < parties; i++)
    {
      g_autoptr (GError) error = NULL;

      if (!quartet_media_start (round.media[i], &error))
        g_error ("%s", error->message);
    }

  /* The caller offers to everyone; in the mesh, as docs/protocol.md has it, the
   * larger user id offers to the smaller. Pair by pair, i < j. */
  for (guint i = 0; i < parties; i++)
    for (guint j = i + 1; j < parties; j++)
      {
        End *a = &round.ends[i][j], *b = &round.ends[j][i];

        end_init (a, round.media[i], names[j]);
        end_init (b, round.media[j], names[i]);
        a->remote = b->peer;
        b->remote = a->peer;
      }
  for (guint i = 0; i < parties; i++)
    for (guint j = i + 1; j < parties; j++)
      quartet_peer_create_offer (i == 0 ? round.ends[i][j].peer : round.ends[j][i].peer);

  deadline = start + TIMEOUT_S * G_USEC_PER_SEC;
  while (last_us == 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No video after %d s", TIMEOUT_S);
      g_main_context_iteration (NULL, TRUE);

      caller_us = all_frames_of (&round, 0);
      last_us = caller_us;
      for (guint i = 1; i < parties && last_us != 0; i++)
        {
          gint64 t = all_frames_of (&round, i);

          last_us = t == 0 ? 0 : MAX (last_us, t);
        }
    }

  *caller_ms = (caller_us - start) / 1000.0;
  *last_pair_ms = (last_us - start) / 1000.0;

  for (guint i = 0; i < parties; i++)
    for (guint j = 0; j < parties; j++)
      if (i != j)
        {
          quartet_peer_close (round.ends[i][j].peer);
          g_clear_object (&round.ends[i][j].peer);
        }
  for (guint i = 0; i < parties; i++)
    {
      quartet_media_stop (round.media[i]);
      g_clear_object (&round.media[i]);
    }
  iterate_for (200);
  g_source_remove (tick);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median (double *values, guint n)
{
  double *sorted = g_memdup2 (values, n * sizeof *values);
  double m;

  qsort (sorted, n, sizeof *sorted, compare_doubles);
  m = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  g_free (sorted);
  return m;
}

int
main (int argc, char **argv)
{
  int rounds = 10;
  int parties = 2;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Counted rounds (default 10)", "N" },
    { "parties", 0, 0, G_OPTION_ARG_INT, &parties, "Participants, 2 to 4 (default 2)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON line with every round", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- in-process call setup floor");
  g_autoptr (GError) error = NULL;
  g_autofree double *caller = NULL;
  g_autofree double *last = NULL;
  double ignored[2];

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-setup-floor: %s\n", error->message);
      return 2;
    }
  if (rounds < 1 || parties < 2 || parties > MAX_PARTIES)
    {
      g_printerr ("bench-setup-floor: --rounds >= 1, --parties 2 to 4\n");
      return 2;
    }

  /* No sound card needed, as in the tests; quartet-cli bots are run so too. */
  g_setenv ("QUARTET_AUDIO_SINK", "fake", FALSE);
  gst_init (&argc, &argv);

  caller = g_new0 (double, rounds);
  last = g_new0 (double, rounds);
  run_round (parties, &ignored[0], &ignored[1]); /* warm-up: plugins, DTLS certificate */
  for (int i = 0; i < rounds; i++)
    run_round (parties, &caller[i], &last[i]);

  if (json)
    {
      g_autoptr (GString) line = g_string_new ("{\"parties\": ");

      g_string_append_printf (line, "%d, \"warm_up_ms\": %.1f, \"caller_ms\": [", parties,
                              ignored[0]);
      for (int i = 0; i < rounds; i++)
        g_string_append_printf (line, "%s%.1f", i ? ", " : "", caller[i]);
      g_string_append (line, "], \"last_pair_ms\": [");
      for (int i = 0; i < rounds; i++)
        g_string_append_printf (line, "%s%.1f", i ? ", " : "", last[i]);
      g_string_append_printf (line, "], \"caller_median_ms\": %.1f, \"last_pair_median_ms\": %.1f}",
                              median (caller, rounds), median (last, rounds));
      g_print ("%s\n", line->str);
    }
  else
    {
      g_print ("in-process floor, %d parties, %d rounds (first round, not counted: %.0f ms)\n",
               parties, rounds, ignored[0]);
      g_print ("  media start -> caller's first frame from everyone: median %.1f ms\n",
               median (caller, rounds));
      g_print ("  media start -> everyone decodes everyone:          median %.1f ms\n",
               median (last, rounds));
    }

  return 0;
}
