/* test-call-client.c: QuartetCallClient's rules, against a real Prosody
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API contract (errors before init(), bounds on opponents), busy reject,
 * and that signals from outside a session are dropped. Media flows are
 * tested end to end with quartet-cli processes in test_call.py.
 */
#define G_LOG_DOMAIN "quartet-test"

#include "quartet-test-server.h"
#include "quartet-upstream-criticals.h"

#define ALICE 0
#define BOB 1
#define CAROL 2

typedef struct
{
  QuartetTestServer *server;
  QuartetXmppConnection *connections[3];
  QuartetMedia *media[3];
  QuartetCallClient *clients[3];
} Fixture;

typedef struct
{
  gboolean seen;
  QuartetCallSession *session;
  char *user_id;
  GVariant *user_info;
} Event;

static void
event_clear (Event *event)
{
  g_clear_object (&event->session);
  g_clear_pointer (&event->user_id, g_free);
  g_clear_pointer (&event->user_info, g_variant_unref);
  event->seen = FALSE;
}

static void
on_user_info_event_cb (QuartetCallClient *client,
                       QuartetCallSession *session,
                       const char *user_id,
                       GVariant *user_info,
                       Event *event)
{
  event_clear (event);
  g_set_object (&event->session, session);
  event->user_id = g_strdup (user_id);
  event->user_info = user_info ? g_variant_ref (user_info) : NULL;
  event->seen = TRUE;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = quartet_test_server_start ("alice,bob,carol", TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (fixture->clients); i++)
    {
      fixture->connections[i] = quartet_test_server_new_connection (fixture->server, i);
      quartet_test_connect (fixture->connections[i]);
      fixture->media[i] = quartet_media_new ("pattern:0", "none");
      fixture->clients[i] = quartet_call_client_new (fixture->connections[i], fixture->media[i]);
    }

  quartet_test_wait_for_contact (fixture->connections[ALICE], "bob@localhost");
  quartet_test_wait_for_contact (fixture->connections[ALICE], "carol@localhost");
  quartet_test_wait_for_contact (fixture->connections[CAROL], "bob@localhost");
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (fixture->clients); i++)
    {
      quartet_call_client_release (fixture->clients[i]);
      g_clear_object (&fixture->clients[i]);
      g_clear_object (&fixture->media[i]);
      quartet_test_disconnect (fixture->connections[i]);
      g_clear_object (&fixture->connections[i]);
    }
  g_clear_pointer (&fixture->server, quartet_test_server_stop);
}

static void
test_calls_fail_before_init (Fixture *fixture, gconstpointer data)
{
  const char *bob[] = { "bob@localhost", NULL };
  g_autoptr (GError) error = NULL;

  g_assert_null (quartet_call_client_call (fixture->clients[ALICE], bob, QUARTET_CALL_TYPE_VIDEO,
                                           NULL, &error));
  g_assert_error (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, "The call service is not connected");

  /* And again after release(). */
  g_clear_error (&error);
  g_assert_true (quartet_call_client_init (fixture->clients[ALICE], &error));
  quartet_call_client_release (fixture->clients[ALICE]);
  g_assert_null (quartet_call_client_call (fixture->clients[ALICE], bob, QUARTET_CALL_TYPE_VIDEO,
                                           NULL, &error));
  g_assert_error (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_NOT_CONNECTED);
}

static void
on_any_call_cb (QuartetCallClient *client,
                QuartetCallSession *session,
                const char *user_id,
                GVariant *user_info,
                gboolean *rang)
{
  *rang = TRUE;
}

static gboolean
on_flag_timeout_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_opponent_bounds (Fixture *fixture, gconstpointer data)
{
  const char *four[] = { "bob@localhost", "carol@localhost", "dave@localhost", "eve@localhost",
                         NULL };
  const char *none[] = { NULL };
  const char *self[] = { "alice@localhost", NULL };
  const char *twice[] = { "bob@localhost", "bob@localhost", NULL };
  const char *const *bad[] = { four, none, self, twice };
  gboolean rang = FALSE, waited = FALSE;

  g_assert_true (quartet_call_client_init (fixture->clients[ALICE], NULL));
  g_assert_true (quartet_call_client_init (fixture->clients[BOB], NULL));
  g_signal_connect (fixture->clients[BOB], "call", G_CALLBACK (on_any_call_cb), &rang);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_null (quartet_call_client_call (fixture->clients[ALICE], bad[i],
                                               QUARTET_CALL_TYPE_VIDEO, NULL, &error));
      g_assert_error (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_INVALID_ARGUMENT);
    }

  /* Nothing went out: Bob's phone stays quiet. */
  g_timeout_add (1000, on_flag_timeout_cb, &waited);
  quartet_test_wait_for (&waited, 5, "a quiet second");
  g_assert_false (rang);
}

/* Bob is ringing from Alice; Carol's call gets a busy reject. */
static void
test_second_call_is_rejected_busy (Fixture *fixture, gconstpointer data)
{
  const char *bob[] = { "bob@localhost", NULL };
  Event bob_call = { 0 }, carol_reject = { 0 };
  g_autoptr (GError) error = NULL;
  const char *reason = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fixture->clients); i++)
    g_assert_true (quartet_call_client_init (fixture->clients[i], NULL));
  g_signal_connect (fixture->clients[BOB], "call", G_CALLBACK (on_user_info_event_cb), &bob_call);
  g_signal_connect (fixture->clients[CAROL], "reject", G_CALLBACK (on_user_info_event_cb),
                    &carol_reject);

  g_assert_nonnull (quartet_call_client_call (fixture->clients[ALICE], bob,
                                              QUARTET_CALL_TYPE_VIDEO, NULL, &error));
  quartet_test_wait_for (&bob_call.seen, 10, "Bob's phone to ring");
  g_assert_cmpstr (bob_call.user_id, ==, "alice@localhost");

  g_assert_nonnull (quartet_call_client_call (fixture->clients[CAROL], bob,
                                              QUARTET_CALL_TYPE_VIDEO, NULL, &error));
  quartet_test_wait_for (&carol_reject.seen, 10, "the busy reject");
  g_assert_cmpstr (carol_reject.user_id, ==, "bob@localhost");
  g_assert_nonnull (carol_reject.user_info);
  g_assert_true (g_variant_lookup (carol_reject.user_info, "reason", "&s", &reason));
  g_assert_cmpstr (reason, ==, "busy");

  g_signal_handlers_disconnect_by_data (fixture->clients[BOB], &bob_call);
  g_signal_handlers_disconnect_by_data (fixture->clients[CAROL], &carol_reject);
  event_clear (&bob_call);
  event_clear (&carol_reject);
}

/* Carol, who is not in Alice and Bob's session, sends a hangUp for it:
 * it is dropped and the call rings on. */
static void
test_signal_from_outsider_is_dropped (Fixture *fixture, gconstpointer data)
{
  const char *bob[] = { "bob@localhost", NULL };
  Event bob_call = { 0 }, bob_hang_up = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) forged = NULL;
  gboolean waited = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (fixture->clients); i++)
    g_assert_true (quartet_call_client_init (fixture->clients[i], NULL));
  g_signal_connect (fixture->clients[BOB], "call", G_CALLBACK (on_user_info_event_cb), &bob_call);
  g_signal_connect (fixture->clients[BOB], "hang-up", G_CALLBACK (on_user_info_event_cb),
                    &bob_hang_up);

  g_assert_nonnull (quartet_call_client_call (fixture->clients[ALICE], bob,
                                              QUARTET_CALL_TYPE_VIDEO, NULL, &error));
  quartet_test_wait_for (&bob_call.seen, 10, "Bob's phone to ring");

  forged = quartet_signal_new (QUARTET_SIGNAL_TYPE_HANG_UP,
                               quartet_call_session_get_id (bob_call.session));
  forged->call_type = QUARTET_CALL_TYPE_VIDEO;
  forged->caller_id = g_strdup ("alice@localhost");
  quartet_signal_add_opponent (forged, "bob@localhost");
  g_assert_true (quartet_xmpp_connection_send_signal (fixture->connections[CAROL], "bob@localhost",
                                                      forged, &error));

  g_timeout_add (1000, on_flag_timeout_cb, &waited);
  quartet_test_wait_for (&waited, 5, "a second for the forged signal");
  g_assert_false (bob_hang_up.seen);
  g_assert_cmpint (quartet_call_session_get_state (bob_call.session), ==,
                   QUARTET_CALL_SESSION_STATE_RINGING);

  g_signal_handlers_disconnect_by_data (fixture->clients[BOB], &bob_call);
  g_signal_handlers_disconnect_by_data (fixture->clients[BOB], &bob_hang_up);
  event_clear (&bob_call);
  event_clear (&bob_hang_up);
}

int
main (int argc, char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);
  quartet_tolerate_upstream_criticals ();
  gst_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/call-client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("calls-fail-before-init", test_calls_fail_before_init);
  ADD ("opponent-bounds", test_opponent_bounds);
  ADD ("second-call-is-rejected-busy", test_second_call_is_rejected_busy);
  ADD ("signal-from-outsider-is-dropped", test_signal_from_outsider_is_dropped);
#undef ADD

  result = g_test_run ();
  gst_deinit ();
  return result;
}
