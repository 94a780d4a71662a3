/* test-call-session.c: the call state machine, its timers and races, without a server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three call clients in one process, each with its own media (a test
 * pattern, no audio) and real peer connections, whose signals go through a
 * switchboard (quartet-test-signaling.c) instead of Prosody: each test
 * runs in well under a second, and can hold signals in flight to cross
 * them (a hang-up and an accept). What a user sees is asserted through the
 * client's events (the SDK's contract) and the sessions' state; what goes
 * over the wire through the switchboard's record. test-call-client.c and
 * test_call.py do the same against a real server.
 */
#define G_LOG_DOMAIN "quartet-test"

#include "quartet-test-signaling.h"
#include "quartet-upstream-criticals.h"

#define ALICE 0
#define BOB 1
#define CAROL 2
#define N_USERS 3
#define WAIT_S 10

static const char *const jids[N_USERS] = { "alice@localhost", "bob@localhost", "carol@localhost" };

typedef struct
{
  QuartetTestSwitchboard *board;
  QuartetTestSignaling *signaling[N_USERS];
  QuartetMedia *media[N_USERS];
  QuartetCallClient *clients[N_USERS];
  GPtrArray *events[N_USERS];        /* what each client's app was told, as text */
  QuartetCallSession *rang[N_USERS]; /* the last session that rang there */
  GVariant *reject_info[N_USERS];    /* the user info of the last reject there */
} Fixture;

static GPtrArray *
events_of (QuartetCallClient *client)
{
  return g_object_get_data (G_OBJECT (client), "test-events");
}

static void note (QuartetCallClient *client, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
note (QuartetCallClient *client, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (events_of (client), g_strdup_vprintf (format, args));
  va_end (args);
}

static void
on_call_cb (QuartetCallClient *client,
            QuartetCallSession *session,
            const char *user_id,
            GVariant *user_info,
            QuartetCallSession **rang)
{
  note (client, "call %s", user_id);
  g_set_object (rang, session);
}

static void
on_accept_cb (QuartetCallClient *client,
              QuartetCallSession *session,
              const char *user_id,
              GVariant *user_info,
              gpointer data)
{
  note (client, "accept %s", user_id);
}

static void
on_reject_cb (QuartetCallClient *client,
              QuartetCallSession *session,
              const char *user_id,
              GVariant *user_info,
              GVariant **reject_info)
{
  note (client, "reject %s", user_id);
  g_clear_pointer (reject_info, g_variant_unref);
  *reject_info = user_info != NULL ? g_variant_ref (user_info) : NULL;
}

static void
on_hang_up_cb (QuartetCallClient *client,
               QuartetCallSession *session,
               const char *user_id,
               GVariant *user_info,
               gpointer data)
{
  note (client, "hang-up %s", user_id);
}

static void
on_not_answer_cb (QuartetCallClient *client,
                  QuartetCallSession *session,
                  const char *user_id,
                  gpointer data)
{
  note (client, "not-answer %s", user_id);
}

static void
on_peer_state_cb (QuartetCallClient *client,
                  QuartetCallSession *session,
                  const char *user_id,
                  QuartetPeerState state,
                  gpointer data)
{
  g_autoptr (GEnumClass) states = g_type_class_ref (QUARTET_TYPE_PEER_STATE);

  note (client, "%s %s", g_enum_get_value (states, state)->value_nick, user_id);
}

static void
on_video_cb (QuartetCallClient *client,
             QuartetCallSession *session,
             const char *user_id,
             gpointer data)
{
  note (client, "video %s", user_id);
}

/* "update bob@localhost quartetAudioMuted=1": the userInfo's strings. */
static void
on_update_cb (QuartetCallClient *client,
              QuartetCallSession *session,
              const char *user_id,
              GVariant *user_info,
              gpointer data)
{
  g_autoptr (GString) text = g_string_new (NULL);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (user_info != NULL)
    {
      g_variant_iter_init (&iter, user_info);
      while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
        g_string_append_printf (text, " %s=%s", key, g_variant_get_string (value, NULL));
    }
  note (client, "update %s%s", user_id, text->str);
}

static void
on_call_end_cb (QuartetCallClient *client, QuartetCallSession *session, gpointer data)
{
  note (client, "call-end");
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->board = quartet_test_switchboard_new ();
  for (guint i = 0; i < N_USERS; i++)
    {
      QuartetCallClient *client;

      fixture->signaling[i] = quartet_test_switchboard_add (fixture->board, jids[i]);
      fixture->media[i] = quartet_media_new ("pattern:0", "none");
      client = fixture->clients[i] = quartet_call_client_new_for_signaling (
          QUARTET_SIGNALING (fixture->signaling[i]), fixture->media[i]);
      fixture->events[i] = g_ptr_array_new_with_free_func (g_free);
      g_object_set_data (G_OBJECT (client), "test-events", fixture->events[i]);
      g_signal_connect (client, "call", G_CALLBACK (on_call_cb), &fixture->rang[i]);
      g_signal_connect (client, "accept", G_CALLBACK (on_accept_cb), NULL);
      g_signal_connect (client, "reject", G_CALLBACK (on_reject_cb), &fixture->reject_info[i]);
      g_signal_connect (client, "hang-up", G_CALLBACK (on_hang_up_cb), NULL);
      g_signal_connect (client, "not-answer", G_CALLBACK (on_not_answer_cb), NULL);
      g_signal_connect (client, "peer-connection-state-changed", G_CALLBACK (on_peer_state_cb),
                        NULL);
      g_signal_connect (client, "received-video-track", G_CALLBACK (on_video_cb), NULL);
      g_signal_connect (client, "update", G_CALLBACK (on_update_cb), NULL);
      g_signal_connect (client, "call-end", G_CALLBACK (on_call_end_cb), NULL);
      g_assert_true (quartet_call_client_init (client, NULL));
    }
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  for (guint i = 0; i < N_USERS; i++)
    {
      quartet_call_client_release (fixture->clients[i]);
      g_clear_object (&fixture->rang[i]);
      g_clear_pointer (&fixture->reject_info[i], g_variant_unref);
      g_clear_object (&fixture->clients[i]);
      g_clear_object (&fixture->media[i]);
      g_clear_object (&fixture->signaling[i]);
      g_clear_pointer (&fixture->events[i], g_ptr_array_unref);
    }
  g_clear_pointer (&fixture->board, quartet_test_switchboard_free);
}

static gboolean
has_event (Fixture *fixture, guint user, const char *event)
{
  return g_ptr_array_find_with_equal_func (fixture->events[user], event, g_str_equal, NULL);
}

static char *
describe_events (Fixture *fixture, guint user)
{
  g_autoptr (GString) text = g_string_new (jids[user]);

  g_string_append (text, " saw:");
  for (guint i = 0; i < fixture->events[user]->len; i++)
    g_string_append_printf (text, " %s;", (char *)g_ptr_array_index (fixture->events[user], i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
wait_event (Fixture *fixture, guint user, const char *event)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  while (!has_event (fixture, user, event))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *seen = describe_events (fixture, user);

          g_error ("No “%s” within %d s; %s", event, WAIT_S, seen);
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Runs the main loop for @ms: what should not happen has had its chance. */
static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* (transfer full) */
static QuartetCallSession *
call (Fixture *fixture, guint caller, const guint *callees, guint n_callees)
{
  const char *ids[N_USERS] = { NULL };
  g_autoptr (GError) error = NULL;
  QuartetCallSession *session;

  for (guint i = 0; i < n_callees; i++)
    ids[i] = jids[callees[i]];
  session = quartet_call_client_call (fixture->clients[caller], ids, QUARTET_CALL_TYPE_VIDEO, NULL,
                                      &error);
  g_assert_no_error (error);
  return g_object_ref (session); /* the client lets it go at its end */
}

static void
accept (Fixture *fixture, guint user)
{
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (fixture->rang[user]);
  g_assert_true (
      quartet_call_client_accept (fixture->clients[user], fixture->rang[user], NULL, &error));
  g_assert_no_error (error);
}

static void
hang_up (Fixture *fixture, guint user, QuartetCallSession *session)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (quartet_call_client_hang_up (fixture->clients[user], session, NULL, &error));
  g_assert_no_error (error);
}

static void
on_participant_state_notify_cb (QuartetCallParticipant *participant,
                                GParamSpec *pspec,
                                GString *states)
{
  g_autoptr (GEnumClass) enum_class = g_type_class_ref (QUARTET_TYPE_PEER_STATE);

  g_string_append_printf (
      states, "%s%s", states->len > 0 ? " " : "",
      g_enum_get_value (enum_class, quartet_call_participant_get_peer_state (participant))
          ->value_nick);
}

/* The whole call: ringing, answered, connected with video both ways, hung
 * up; and Bob, as a participant of Alice's session, through it all. */
static void
test_answered_then_hung_up (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };
  g_autoptr (QuartetCallSession) session = call (fixture, ALICE, bob, 1);
  g_autoptr (GString) states = g_string_new (NULL);
  g_autoptr (QuartetCallParticipant) participant
      = g_object_ref (quartet_call_session_get_participant (session, jids[BOB]));

  g_assert_cmpstr (quartet_call_participant_get_user_id (participant), ==, jids[BOB]);
  g_assert_cmpstr (quartet_call_participant_get_jid (participant), ==, jids[BOB]);
  g_signal_connect (participant, "notify::peer-state", G_CALLBACK (on_participant_state_notify_cb),
                    states);

  g_assert_cmpint (quartet_call_session_get_state (session), ==,
                   QUARTET_CALL_SESSION_STATE_DIALING);
  wait_event (fixture, BOB, "call alice@localhost");
  g_assert_cmpint (quartet_call_session_get_state (fixture->rang[BOB]), ==,
                   QUARTET_CALL_SESSION_STATE_RINGING);
  g_assert_cmpstr (quartet_call_session_get_id (fixture->rang[BOB]), ==,
                   quartet_call_session_get_id (session));

  accept (fixture, BOB);
  g_assert_cmpint (quartet_call_session_get_state (fixture->rang[BOB]), ==,
                   QUARTET_CALL_SESSION_STATE_ACTIVE);
  wait_event (fixture, ALICE, "accept bob@localhost");
  g_assert_cmpint (quartet_call_session_get_state (session), ==, QUARTET_CALL_SESSION_STATE_ACTIVE);
  wait_event (fixture, ALICE, "connected bob@localhost");
  wait_event (fixture, BOB, "connected alice@localhost");
  wait_event (fixture, ALICE, "video bob@localhost");
  wait_event (fixture, BOB, "video alice@localhost");
  g_assert_cmpint (quartet_call_participant_get_peer_state (participant), ==,
                   QUARTET_PEER_STATE_CONNECTED);
  g_assert_true (quartet_call_participant_get_receiving_video (participant));
  g_assert_true (quartet_call_participant_get_peer (participant)
                 == quartet_call_session_get_peer (session, jids[BOB]));
  /* Answered: the dialing re-sends stop at once. */
  g_assert_cmpuint (quartet_test_switchboard_count (fixture->board, jids[ALICE], jids[BOB],
                                                    QUARTET_SIGNAL_TYPE_CALL),
                    ==, 1);

  hang_up (fixture, ALICE, session);
  wait_event (fixture, ALICE, "call-end");
  wait_event (fixture, BOB, "hang-up alice@localhost");
  wait_event (fixture, BOB, "call-end");
  g_assert_cmpint (quartet_call_session_get_state (session), ==, QUARTET_CALL_SESSION_STATE_ENDED);
  g_assert_cmpint (quartet_call_session_get_state (fixture->rang[BOB]), ==,
                   QUARTET_CALL_SESSION_STATE_ENDED);
  g_assert_false (has_event (fixture, ALICE, "hang-up bob@localhost"));
  g_assert_cmpstr (states->str, ==, "connected closed");
  g_assert_null (quartet_call_participant_get_peer (participant));
}

/* The SDK's update(extension): Bob's userInfo reaches Alice as an event,
 * as a QuickBlox app's onUpdateCallListener gets it, and nothing else
 * happens to the call. */
static void
test_update (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };
  g_autoptr (QuartetCallSession) session = call (fixture, ALICE, bob, 1);
  g_autoptr (GVariantBuilder) info = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GError) error = NULL;

  wait_event (fixture, BOB, "call alice@localhost");
  accept (fixture, BOB);
  wait_event (fixture, ALICE, "connected bob@localhost");

  g_variant_builder_add (info, "{sv}", "quartetAudioMuted", g_variant_new_string ("1"));
  g_assert_true (quartet_call_client_update (fixture->clients[BOB], fixture->rang[BOB],
                                             g_variant_builder_end (info), &error));
  g_assert_no_error (error);
  wait_event (fixture, ALICE, "update bob@localhost quartetAudioMuted=1");
  g_assert_cmpint (quartet_call_session_get_state (session), ==, QUARTET_CALL_SESSION_STATE_ACTIVE);
  g_assert_false (has_event (fixture, ALICE, "reconnecting bob@localhost"));

  hang_up (fixture, ALICE, session);
  wait_event (fixture, BOB, "call-end");
  /* After the end there is no one to tell. */
  g_assert_false (
      quartet_call_client_update (fixture->clients[BOB], fixture->rang[BOB], NULL, &error));
  g_assert_error (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_INVALID_STATE);
}

/* Call waiting: in a call with Alice, Bob's phone rings for Carol (it
 * would answer busy without "ring-when-busy"); he ends Alice's call and
 * takes Carol's, on the same media. */
static void
test_ring_when_busy (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };
  g_autoptr (QuartetCallSession) alice_call = call (fixture, ALICE, bob, 1);
  g_autoptr (QuartetCallSession) carol_call = NULL;
  g_autoptr (QuartetCallSession) waiting = NULL;

  g_object_set (fixture->clients[BOB], "ring-when-busy", TRUE, NULL);
  wait_event (fixture, BOB, "call alice@localhost");
  accept (fixture, BOB);
  wait_event (fixture, BOB, "connected alice@localhost");

  carol_call = call (fixture, CAROL, bob, 1);
  wait_event (fixture, BOB, "call carol@localhost");
  waiting = g_object_ref (fixture->rang[BOB]);
  g_assert_cmpint (quartet_call_session_get_state (waiting), ==,
                   QUARTET_CALL_SESSION_STATE_RINGING);
  g_assert_false (has_event (fixture, CAROL, "reject bob@localhost"));

  hang_up (fixture, BOB,
           quartet_call_client_get_session (fixture->clients[BOB],
                                            quartet_call_session_get_id (alice_call)));
  wait_event (fixture, ALICE, "hang-up bob@localhost");
  accept (fixture, BOB);
  wait_event (fixture, CAROL, "connected bob@localhost");
  wait_event (fixture, BOB, "video carol@localhost");
  hang_up (fixture, CAROL, carol_call);
  wait_event (fixture, BOB, "call-end");
}

static void
test_rejected (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };
  g_autoptr (QuartetCallSession) session = call (fixture, ALICE, bob, 1);
  g_autoptr (GError) error = NULL;
  const char *reason = NULL;

  wait_event (fixture, BOB, "call alice@localhost");
  g_assert_true (quartet_call_client_reject (fixture->clients[BOB], fixture->rang[BOB],
                                             g_variant_new_parsed ("{'reason': <'in a meeting'>}"),
                                             &error));
  g_assert_no_error (error);

  wait_event (fixture, ALICE, "reject bob@localhost");
  wait_event (fixture, ALICE, "call-end");
  wait_event (fixture, BOB, "call-end");
  g_assert_nonnull (fixture->reject_info[ALICE]);
  g_assert_true (g_variant_lookup (fixture->reject_info[ALICE], "reason", "&s", &reason));
  g_assert_cmpstr (reason, ==, "in a meeting");
  /* Nobody answered, so nobody made a peer connection. */
  g_assert_null (quartet_call_session_get_peer (session, jids[BOB]));
  g_assert_null (quartet_call_session_get_peer (fixture->rang[BOB], jids[ALICE]));
  g_assert_cmpint (quartet_call_session_get_state (session), ==, QUARTET_CALL_SESSION_STATE_ENDED);
}

/* Our answer timer: NOT_ANSWER, a hangUp to the callee (whose own timer
 * would end it much later), and the end. */
static void
test_not_answered (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };
  gint64 start = g_get_monotonic_time ();

  g_object_set (fixture->clients[ALICE], "answer-timeout", 300, "dialing-interval", 100, NULL);
  g_object_unref (call (fixture, ALICE, bob, 1));
  wait_event (fixture, BOB, "call alice@localhost");
  wait_event (fixture, ALICE, "not-answer bob@localhost");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * G_TIME_SPAN_MILLISECOND);
  wait_event (fixture, ALICE, "call-end");
  wait_event (fixture, BOB, "hang-up alice@localhost");
  wait_event (fixture, BOB, "call-end");
  /* Dialing: the call again every 100 ms, one session on Bob's side. */
  g_assert_cmpuint (quartet_test_switchboard_count (fixture->board, jids[ALICE], jids[BOB],
                                                    QUARTET_SIGNAL_TYPE_CALL),
                    >=, 2);
  g_assert_cmpuint (quartet_test_switchboard_count (fixture->board, jids[ALICE], jids[BOB],
                                                    QUARTET_SIGNAL_TYPE_HANG_UP),
                    ==, 1);
  g_assert_cmpuint (fixture->events[BOB]->len, ==, 3);
}

/* The callee's own ring timer: the dialog goes (NOT_ANSWER, as the SDK
 * reports it) and nothing is sent; the caller's timer is the caller's. */
static void
test_ringing_times_out (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };
  g_autoptr (QuartetCallSession) session = call (fixture, ALICE, bob, 1);

  g_object_set (fixture->clients[BOB], "answer-timeout", 300, NULL);
  wait_event (fixture, BOB, "call alice@localhost");
  wait_event (fixture, BOB, "not-answer alice@localhost");
  wait_event (fixture, BOB, "call-end");
  g_assert_cmpint (quartet_call_session_get_state (fixture->rang[BOB]), ==,
                   QUARTET_CALL_SESSION_STATE_ENDED);
  settle (200);
  g_assert_cmpuint (
      quartet_test_switchboard_count (fixture->board, jids[BOB], NULL, QUARTET_SIGNAL_TYPE_REJECT)
          + quartet_test_switchboard_count (fixture->board, jids[BOB], NULL,
                                            QUARTET_SIGNAL_TYPE_HANG_UP),
      ==, 0);
  g_assert_cmpint (quartet_call_session_get_state (session), ==,
                   QUARTET_CALL_SESSION_STATE_DIALING);
  hang_up (fixture, ALICE, session);
  wait_event (fixture, ALICE, "call-end");
}

/* The caller gives up while it rings: the callee's dialog goes, and a late
 * accept is an error, not a call. */
static void
test_hung_up_while_ringing (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };
  g_autoptr (QuartetCallSession) session = call (fixture, ALICE, bob, 1);
  g_autoptr (GError) error = NULL;

  wait_event (fixture, BOB, "call alice@localhost");
  hang_up (fixture, ALICE, session);
  wait_event (fixture, BOB, "hang-up alice@localhost");
  wait_event (fixture, BOB, "call-end");

  g_assert_false (
      quartet_call_client_accept (fixture->clients[BOB], fixture->rang[BOB], NULL, &error));
  g_assert_nonnull (error);
  settle (200);
  g_assert_cmpuint (quartet_test_switchboard_count (fixture->board, jids[BOB], jids[ALICE],
                                                    QUARTET_SIGNAL_TYPE_ACCEPT),
                    ==, 0);
  g_assert_false (has_event (fixture, ALICE, "accept bob@localhost"));
}

/* Bob answers while Alice's hangUp is on its way: both end, neither is left
 * with a live session or a connection, and Alice is not told of an accept
 * for a call she already ended. */
static void
test_hang_up_crosses_accept (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };
  g_autoptr (QuartetCallSession) session = call (fixture, ALICE, bob, 1);

  wait_event (fixture, BOB, "call alice@localhost");
  quartet_test_switchboard_hold (fixture->board);
  accept (fixture, BOB);
  hang_up (fixture, ALICE, session);
  quartet_test_switchboard_release (fixture->board);

  wait_event (fixture, ALICE, "call-end");
  wait_event (fixture, BOB, "hang-up alice@localhost");
  wait_event (fixture, BOB, "call-end");
  settle (300);
  g_assert_false (has_event (fixture, ALICE, "accept bob@localhost"));
  g_assert_false (has_event (fixture, ALICE, "connected bob@localhost"));
  g_assert_false (has_event (fixture, BOB, "connected alice@localhost"));
  g_assert_null (quartet_call_session_get_peer (fixture->rang[BOB], jids[ALICE]));
  g_assert_cmpint (quartet_call_session_get_state (fixture->rang[BOB]), ==,
                   QUARTET_CALL_SESSION_STATE_ENDED);
}

/* Bob declines while Alice gives up: both end once, each told of the
 * other's signal only if its own session still listened. */
static void
test_reject_crosses_hang_up (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };
  g_autoptr (QuartetCallSession) session = call (fixture, ALICE, bob, 1);

  wait_event (fixture, BOB, "call alice@localhost");
  quartet_test_switchboard_hold (fixture->board);
  g_assert_true (
      quartet_call_client_reject (fixture->clients[BOB], fixture->rang[BOB], NULL, NULL));
  hang_up (fixture, ALICE, session);
  quartet_test_switchboard_release (fixture->board);

  wait_event (fixture, ALICE, "call-end");
  wait_event (fixture, BOB, "call-end");
  settle (200);
  g_assert_false (has_event (fixture, ALICE, "reject bob@localhost"));
  g_assert_false (has_event (fixture, BOB, "hang-up alice@localhost"));
  g_assert_cmpuint (fixture->events[BOB]->len, ==, 2); /* call, call-end */
}

/* The caller's candidates arrive while the callee is still deciding: they
 * are kept for the answer, and the call connects. */
static void
test_candidates_before_the_answer (Fixture *fixture, gconstpointer data)
{
  const guint bob[] = { BOB };

  g_object_unref (call (fixture, ALICE, bob, 1));
  wait_event (fixture, BOB, "call alice@localhost");
  while (quartet_test_switchboard_count (fixture->board, jids[ALICE], jids[BOB],
                                         QUARTET_SIGNAL_TYPE_ICE_CANDIDATES)
         == 0)
    settle (10);
  settle (100); /* delivered to Bob, who has not answered */

  accept (fixture, BOB);
  wait_event (fixture, BOB, "connected alice@localhost");
  wait_event (fixture, ALICE, "connected bob@localhost");
}

/* Alice and Bob call each other at the same moment: each is busy when the
 * other's call comes, says so (docs/protocol.md, Busy), and both calls end;
 * neither rings on top of its own call. */
static void
test_glare (Fixture *fixture, gconstpointer data)
{
  const guint alice[] = { ALICE };
  const guint bob[] = { BOB };
  const char *reason = NULL;

  quartet_test_switchboard_hold (fixture->board);
  g_object_unref (call (fixture, ALICE, bob, 1));
  g_object_unref (call (fixture, BOB, alice, 1));
  quartet_test_switchboard_release (fixture->board);

  wait_event (fixture, ALICE, "reject bob@localhost");
  wait_event (fixture, BOB, "reject alice@localhost");
  wait_event (fixture, ALICE, "call-end");
  wait_event (fixture, BOB, "call-end");
  g_assert_false (has_event (fixture, ALICE, "call bob@localhost"));
  g_assert_false (has_event (fixture, BOB, "call alice@localhost"));
  g_assert_true (g_variant_lookup (fixture->reject_info[ALICE], "reason", "&s", &reason));
  g_assert_cmpstr (reason, ==, "busy");
}

/* Three people: the callees connect to each other too (the mesh), one
 * leaves and the other two stay in the call. */
static void
test_three_way_one_leaves (Fixture *fixture, gconstpointer data)
{
  const guint callees[] = { BOB, CAROL };
  g_autoptr (QuartetCallSession) session = call (fixture, ALICE, callees, 2);

  wait_event (fixture, BOB, "call alice@localhost");
  wait_event (fixture, CAROL, "call alice@localhost");
  accept (fixture, BOB);
  accept (fixture, CAROL);
  wait_event (fixture, ALICE, "connected bob@localhost");
  wait_event (fixture, ALICE, "connected carol@localhost");
  wait_event (fixture, BOB, "connected carol@localhost");
  wait_event (fixture, CAROL, "connected bob@localhost");

  hang_up (fixture, CAROL, fixture->rang[CAROL]);
  wait_event (fixture, ALICE, "hang-up carol@localhost");
  wait_event (fixture, BOB, "hang-up carol@localhost");
  wait_event (fixture, CAROL, "call-end");
  settle (200);
  g_assert_false (has_event (fixture, ALICE, "call-end"));
  g_assert_false (has_event (fixture, BOB, "call-end"));
  g_assert_cmpint (quartet_call_session_get_state (session), ==, QUARTET_CALL_SESSION_STATE_ACTIVE);

  hang_up (fixture, ALICE, session);
  wait_event (fixture, BOB, "hang-up alice@localhost");
  wait_event (fixture, BOB, "call-end");
  wait_event (fixture, ALICE, "call-end");
}

/* Carol answers first and offers Bob, whose id is smaller, the mesh's
 * third connection (docs/protocol.md, The mesh rule) while his call still
 * rings: he keeps her offer, rings once, and answers it when he accepts. */
static void
test_mesh_offer_before_the_answer (Fixture *fixture, gconstpointer data)
{
  const guint callees[] = { BOB, CAROL };
  g_autoptr (QuartetCallSession) session = call (fixture, ALICE, callees, 2);

  wait_event (fixture, BOB, "call alice@localhost");
  wait_event (fixture, CAROL, "call alice@localhost");
  accept (fixture, CAROL);
  wait_event (fixture, ALICE, "connected carol@localhost");
  settle (200);
  g_assert_cmpuint (quartet_test_switchboard_count (fixture->board, jids[CAROL], jids[BOB],
                                                    QUARTET_SIGNAL_TYPE_CALL),
                    ==, 1);
  g_assert_false (has_event (fixture, BOB, "call carol@localhost"));

  accept (fixture, BOB);
  wait_event (fixture, BOB, "connected alice@localhost");
  wait_event (fixture, BOB, "connected carol@localhost");
  wait_event (fixture, CAROL, "connected bob@localhost");
  g_assert_cmpuint (quartet_test_switchboard_count (fixture->board, jids[BOB], jids[CAROL],
                                                    QUARTET_SIGNAL_TYPE_CALL),
                    ==, 0);
  g_assert_cmpint (quartet_call_session_get_state (session), ==,
                   QUARTET_CALL_SESSION_STATE_ACTIVE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  quartet_tolerate_upstream_criticals ();

#define ADD(path, func)                                                                            \
  g_test_add ("/call-session/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("answered-then-hung-up", test_answered_then_hung_up);
  ADD ("update", test_update);
  ADD ("ring-when-busy", test_ring_when_busy);
  ADD ("rejected", test_rejected);
  ADD ("not-answered", test_not_answered);
  ADD ("ringing-times-out", test_ringing_times_out);
  ADD ("hung-up-while-ringing", test_hung_up_while_ringing);
  ADD ("hang-up-crosses-accept", test_hang_up_crosses_accept);
  ADD ("reject-crosses-hang-up", test_reject_crosses_hang_up);
  ADD ("candidates-before-the-answer", test_candidates_before_the_answer);
  ADD ("glare", test_glare);
  ADD ("three-way-one-leaves", test_three_way_one_leaves);
  ADD ("mesh-offer-before-the-answer", test_mesh_offer_before_the_answer);
#undef ADD
  return g_test_run ();
}
