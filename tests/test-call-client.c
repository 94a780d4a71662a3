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

/* A hand-made signal of Alice's video call to Bob, in @session. */
static QuartetSignal *
signal_in_alice_call (QuartetSignalType type, QuartetCallSession *session)
{
  QuartetSignal *signal = quartet_signal_new (type, quartet_call_session_get_id (session));

  signal->call_type = QUARTET_CALL_TYPE_VIDEO;
  signal->caller_id = g_strdup ("alice@localhost");
  quartet_signal_add_opponent (signal, "bob@localhost");
  return signal;
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

  forged = signal_in_alice_call (QUARTET_SIGNAL_TYPE_HANG_UP, bob_call.session);
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

static const char *
peer_state_name (QuartetPeerState state)
{
  static const char *const names[] = { "new", "connected", "failed", "disconnected", "closed" };

  g_assert_cmpuint (state, <, G_N_ELEMENTS (names));
  return names[state];
}

static void
on_peer_state_recorded_cb (QuartetCallClient *client,
                           QuartetCallSession *session,
                           const char *user_id,
                           QuartetPeerState state,
                           GPtrArray *log)
{
  g_ptr_array_add (log, g_strdup_printf ("%s %s", peer_state_name (state), user_id));
}

static void
on_user_event_recorded_cb (QuartetCallClient *client,
                           QuartetCallSession *session,
                           const char *user_id,
                           GVariant *user_info,
                           GPtrArray *log)
{
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (client);
  const char *note = NULL;

  if (user_info != NULL)
    g_variant_lookup (user_info, "note", "&s", &note);
  g_ptr_array_add (log, g_strdup_printf ("%s %s %s", g_signal_name (hint->signal_id), user_id,
                                         note ? note : "-"));
}

static void
on_call_end_recorded_cb (QuartetCallClient *client, QuartetCallSession *session, GPtrArray *log)
{
  g_ptr_array_add (log, g_strdup ("call-end"));
}

static void
on_session_state_recorded_cb (QuartetCallSession *session,
                              QuartetCallSessionState state,
                              QuartetCallSessionState old,
                              GPtrArray *log)
{
  QuartetCallSessionState property;

  g_object_get (session, "state", &property, NULL);
  g_assert_cmpint (property, ==, state);
  g_ptr_array_add (log, g_strdup_printf ("session %d -> %d", old, state));
}

static void
record_events (QuartetCallClient *client, GPtrArray *log)
{
  g_signal_connect (client, "peer-connection-state-changed", G_CALLBACK (on_peer_state_recorded_cb),
                    log);
  g_signal_connect (client, "accept", G_CALLBACK (on_user_event_recorded_cb), log);
  g_signal_connect (client, "hang-up", G_CALLBACK (on_user_event_recorded_cb), log);
  g_signal_connect (client, "call-end", G_CALLBACK (on_call_end_recorded_cb), log);
}

static gboolean
log_contains (GPtrArray *log, const char *entry)
{
  return g_ptr_array_find_with_equal_func (log, entry, g_str_equal, NULL);
}

static void
wait_for_entry (GPtrArray *log, const char *entry)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!log_contains (log, entry) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!log_contains (log, entry))
    g_error ("no \"%s\" within 30 s", entry);
}

/* The SDK's contract: accept()'s and hangUp()'s userInfo reach the other
 * side, a session is found by its id, and each peer connection is NEW
 * first and CLOSED once at its end, after the event that ended it. */
static void
test_user_info_and_peer_states (Fixture *fixture, gconstpointer data)
{
  const char *bob[] = { "bob@localhost", NULL };
  g_autoptr (GPtrArray) alice_log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) bob_log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  Event bob_call = { 0 };
  QuartetCallSession *alice_session;
  g_autofree char *alice_session_id = NULL;
  g_autofree char *dialing_to_active = g_strdup_printf (
      "session %d -> %d", QUARTET_CALL_SESSION_STATE_DIALING, QUARTET_CALL_SESSION_STATE_ACTIVE);
  g_autofree char *active_to_ended = g_strdup_printf (
      "session %d -> %d", QUARTET_CALL_SESSION_STATE_ACTIVE, QUARTET_CALL_SESSION_STATE_ENDED);
  const char *const alice_expected[] = { "new bob@localhost",
                                         dialing_to_active,
                                         "accept bob@localhost answered",
                                         "hang-up bob@localhost bye",
                                         "closed bob@localhost",
                                         active_to_ended,
                                         "call-end" };
  const char *const bob_expected[]
      = { "new alice@localhost", "closed alice@localhost", "call-end" };
  guint next = 0;

  g_assert_true (quartet_call_client_init (fixture->clients[ALICE], NULL));
  g_assert_true (quartet_call_client_init (fixture->clients[BOB], NULL));
  g_signal_connect (fixture->clients[BOB], "call", G_CALLBACK (on_user_info_event_cb), &bob_call);
  record_events (fixture->clients[ALICE], alice_log);
  record_events (fixture->clients[BOB], bob_log);

  alice_session = quartet_call_client_call (fixture->clients[ALICE], bob, QUARTET_CALL_TYPE_VIDEO,
                                            NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quartet_call_session_get_state (alice_session), ==,
                   QUARTET_CALL_SESSION_STATE_DIALING);
  g_signal_connect (alice_session, "state-changed", G_CALLBACK (on_session_state_recorded_cb),
                    alice_log);
  alice_session_id = g_strdup (quartet_call_session_get_id (alice_session));
  g_assert_true (quartet_call_client_get_session (fixture->clients[ALICE], alice_session_id)
                 == alice_session);
  quartet_test_wait_for (&bob_call.seen, 10, "Bob's phone to ring");
  g_assert_true (quartet_call_client_get_session (fixture->clients[BOB],
                                                  quartet_call_session_get_id (bob_call.session))
                 == bob_call.session);
  g_assert_null (quartet_call_client_get_session (fixture->clients[BOB], "no-such-session"));

  g_assert_true (quartet_call_client_accept (fixture->clients[BOB], bob_call.session,
                                             g_variant_new_parsed ("{'note': <'answered'>}"),
                                             &error));
  g_assert_no_error (error);
  wait_for_entry (alice_log, "accept bob@localhost answered");

  g_assert_true (quartet_call_client_hang_up (fixture->clients[BOB], bob_call.session,
                                              g_variant_new_parsed ("{'note': <'bye'>}"), &error));
  g_assert_no_error (error);
  wait_for_entry (alice_log, "call-end");
  wait_for_entry (bob_log, "call-end");

  /* CONNECTED may or may not come between: the order of the rest is fixed. */
  for (guint i = 0; i < alice_log->len && next < G_N_ELEMENTS (alice_expected); i++)
    if (g_str_equal (g_ptr_array_index (alice_log, i), alice_expected[next]))
      next++;
  g_assert_cmpuint (next, ==, G_N_ELEMENTS (alice_expected));
  next = 0;
  for (guint i = 0; i < bob_log->len && next < G_N_ELEMENTS (bob_expected); i++)
    if (g_str_equal (g_ptr_array_index (bob_log, i), bob_expected[next]))
      next++;
  g_assert_cmpuint (next, ==, G_N_ELEMENTS (bob_expected));
  for (guint i = 0; i < alice_log->len; i++)
    g_assert_false (g_str_has_prefix (g_ptr_array_index (alice_log, i), "closed")
                    && i + 3 != alice_log->len); /* one CLOSED, just before the end */
  /* Ended sessions are let go. */
  g_assert_null (quartet_call_client_get_session (fixture->clients[ALICE], alice_session_id));

  g_signal_handlers_disconnect_by_data (fixture->clients[ALICE], alice_log);
  g_signal_handlers_disconnect_by_data (fixture->clients[BOB], bob_log);
  g_signal_handlers_disconnect_by_data (fixture->clients[BOB], &bob_call);
  event_clear (&bob_call);
}

/* Bob's phone answers with an SDP the codec takes but no WebRTC stack can
 * use: Alice's peer for him fails and the call ends, instead of waiting for
 * ever with dialing stopped. */
static void
test_unusable_answer_fails_the_peer (Fixture *fixture, gconstpointer data)
{
  const char *bob[] = { "bob@localhost", NULL };
  g_autoptr (GPtrArray) alice_log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (QuartetSignal) accept = NULL;
  g_autoptr (GError) error = NULL;
  Event bob_call = { 0 };

  g_assert_true (quartet_call_client_init (fixture->clients[ALICE], NULL));
  g_assert_true (quartet_call_client_init (fixture->clients[BOB], NULL));
  g_signal_connect (fixture->clients[BOB], "call", G_CALLBACK (on_user_info_event_cb), &bob_call);
  record_events (fixture->clients[ALICE], alice_log);

  g_assert_nonnull (quartet_call_client_call (fixture->clients[ALICE], bob, QUARTET_CALL_TYPE_VIDEO,
                                              NULL, &error));
  quartet_test_wait_for (&bob_call.seen, 10, "Bob's phone to ring");

  accept = signal_in_alice_call (QUARTET_SIGNAL_TYPE_ACCEPT, bob_call.session);
  accept->sdp = g_strdup ("v=0\r\ns=no media at all\r\n");
  g_assert_true (quartet_xmpp_connection_send_signal (fixture->connections[BOB], "alice@localhost",
                                                      accept, &error));

  wait_for_entry (alice_log, "call-end");
  g_assert_true (log_contains (alice_log, "failed bob@localhost"));
  g_assert_true (log_contains (alice_log, "closed bob@localhost"));
  g_assert_false (log_contains (alice_log, "accept bob@localhost -"));

  g_signal_handlers_disconnect_by_data (fixture->clients[ALICE], alice_log);
  g_signal_handlers_disconnect_by_data (fixture->clients[BOB], &bob_call);
  event_clear (&bob_call);
}

static void
on_offer_made_cb (QuartetPeer *peer, const char *type, const char *sdp, char **out)
{
  *out = g_strdup (sdp);
}

static void
on_webrtcbin_counted_cb (GstBin *bin, GstBin *sub_bin, GstElement *element, guint *count)
{
  GstElementFactory *factory = gst_element_get_factory (element);

  if (factory != NULL && g_str_equal (GST_OBJECT_NAME (factory), "webrtcbin"))
    g_atomic_int_inc (count);
}

/* Each repair offer taken costs a new webrtcbin: Bob floods Alice (the
 * polite one, who answers them) with twenty. She makes peers for a burst
 * of them, drops the rest, and the call goes on. */
static void
test_repair_offers_are_rate_limited (Fixture *fixture, gconstpointer data)
{
  const char *bob[] = { "bob@localhost", NULL };
  g_autoptr (GPtrArray) alice_log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetPeer) maker = NULL;
  g_autofree char *offer = NULL;
  Event bob_call = { 0 };
  QuartetCallSession *alice_session;
  gboolean waited = FALSE;
  guint peers_made = 0;

  g_assert_true (quartet_call_client_init (fixture->clients[ALICE], NULL));
  g_assert_true (quartet_call_client_init (fixture->clients[BOB], NULL));
  g_signal_connect (fixture->clients[BOB], "call", G_CALLBACK (on_user_info_event_cb), &bob_call);
  record_events (fixture->clients[ALICE], alice_log);
  alice_session = quartet_call_client_call (fixture->clients[ALICE], bob, QUARTET_CALL_TYPE_VIDEO,
                                            NULL, &error);
  g_assert_no_error (error);
  quartet_test_wait_for (&bob_call.seen, 10, "Bob's phone to ring");
  g_assert_true (
      quartet_call_client_accept (fixture->clients[BOB], bob_call.session, NULL, &error));
  wait_for_entry (alice_log, "connected bob@localhost");

  /* A real offer, from a peer of Bob's made for the purpose. */
  maker = quartet_peer_new (fixture->media[BOB], "alice@localhost", TRUE, NULL, FALSE);
  g_signal_connect (maker, "local-description", G_CALLBACK (on_offer_made_cb), &offer);
  quartet_peer_create_offer (maker);
  while (offer == NULL)
    g_main_context_iteration (NULL, TRUE);
  quartet_peer_close (maker);

  g_signal_connect (quartet_media_get_pipeline (fixture->media[ALICE]), "deep-element-added",
                    G_CALLBACK (on_webrtcbin_counted_cb), &peers_made);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (QuartetSignal) update
          = signal_in_alice_call (QUARTET_SIGNAL_TYPE_UPDATE, bob_call.session);

      update->reason = g_strdup (QUARTET_SIGNAL_REASON_RECONNECT);
      update->offer_id = g_strdup_printf ("flood-%u", i);
      update->sdp_type = g_strdup ("offer");
      update->sdp = g_strdup (offer);
      g_assert_true (quartet_xmpp_connection_send_signal (fixture->connections[BOB],
                                                          "alice@localhost", update, &error));
    }
  g_timeout_add (1500, on_flag_timeout_cb, &waited);
  quartet_test_wait_for (&waited, 5, "the flood to be handled");

  g_assert_cmpuint (g_atomic_int_get (&peers_made), >=, 1);
  g_assert_cmpuint (g_atomic_int_get (&peers_made), <=, 4);
  g_assert_cmpint (quartet_call_session_get_state (alice_session), ==,
                   QUARTET_CALL_SESSION_STATE_ACTIVE);
  g_assert_false (log_contains (alice_log, "call-end"));

  g_signal_handlers_disconnect_by_data (quartet_media_get_pipeline (fixture->media[ALICE]),
                                        &peers_made);
  g_signal_handlers_disconnect_by_data (fixture->clients[ALICE], alice_log);
  g_signal_handlers_disconnect_by_data (fixture->clients[BOB], &bob_call);
  event_clear (&bob_call);
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
  ADD ("user-info-and-peer-states", test_user_info_and_peer_states);
  ADD ("unusable-answer-fails-the-peer", test_unusable_answer_fails_the_peer);
  ADD ("repair-offers-are-rate-limited", test_repair_offers_are_rate_limited);
#undef ADD

  result = g_test_run ();
  gst_deinit ();
  return result;
}
