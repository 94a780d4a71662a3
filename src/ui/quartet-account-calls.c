/* quartet-account-calls.c: the account's calls: placed, ringing, answered, missed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ringing call, the current QuartetCall, and the calls that came in
 * while busy (the engine rejects those by itself; we only tell the user).
 * People are named from the roster, or for a QuickBlox account from the
 * application's directory.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-account-private.h"

#include <glib/gi18n.h>
#include <string.h>

/* Where the people in a call are named from: the directory for a
 * QuickBlox account (user ids are QuickBlox numbers there), else the roster. */
static GListModel *
get_people (QuartetAccount *self)
{
  GListModel *directory = quartet_account_get_directory (self);

  return directory ? directory : quartet_account_get_roster (self);
}

void
_quartet_account_set_call (QuartetAccount *self, QuartetCall *call)
{
  if (self->call == call)
    return;

  g_set_object (&self->call, call);
  g_object_notify (G_OBJECT (self), "call");
}

void
_quartet_account_load_history (QuartetAccount *self)
{
  const char *jid = quartet_account_get_jid (self);
  g_autofree char *bare = jid ? g_strndup (jid, strcspn (jid, "/")) : NULL;
  g_autofree char *path = bare ? quartet_call_history_path_for (bare) : NULL;

  quartet_call_history_load (self->history, path);
}

QuartetCallHistory *
quartet_account_get_history (QuartetAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);
  return self->history;
}

static void
on_call_ended_cb (QuartetCall *call, QuartetAccount *self)
{
  g_autoptr (QuartetCallRecord) record = quartet_call_make_record (call);

  quartet_call_history_add (self->history, record);
  if (self->call == call)
    _quartet_account_set_call (self, NULL);
}

/* A call that rang here and was not taken; a call that came while we
 * were busy is one too. */
static void
add_incoming_record (QuartetAccount *self,
                     GPtrArray *user_ids,
                     QuartetCallType call_type,
                     QuartetCallOutcome outcome,
                     GDateTime *started)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (QuartetCallRecord) record = NULL;

  for (guint i = 0; i < user_ids->len; i++)
    g_ptr_array_add (names,
                     quartet_call_lookup_name (get_people (self), g_ptr_array_index (user_ids, i)));
  g_ptr_array_add (user_ids, NULL);
  g_ptr_array_add (names, NULL);

  record = quartet_call_record_new (FALSE, call_type, outcome, (const char *const *)user_ids->pdata,
                                    (const char *const *)names->pdata, started, 0);
  quartet_call_history_add (self->history, record);
}

static void
track_call (QuartetAccount *self, QuartetCall *call)
{
  if (self->camera_refused)
    quartet_call_set_camera_notice (call, _ ("Quartet may not use the camera"));
  g_signal_connect_object (call, "ended", G_CALLBACK (on_call_ended_cb), self, 0);
  _quartet_account_set_call (self, call);
}

void
_quartet_account_stop_ringing (QuartetAccount *self, gboolean missed)
{
  g_autoptr (QuartetCallSession) session = g_steal_pointer (&self->ringing);
  g_autofree char *name = g_steal_pointer (&self->ringing_name);
  g_autoptr (GDateTime) since = g_steal_pointer (&self->ringing_since);

  if (session != NULL && (missed || self->ringing_declined))
    {
      g_autoptr (GPtrArray) user_ids = quartet_call_session_get_remote_users (session);

      add_incoming_record (self, user_ids, quartet_call_session_get_call_type (session),
                           missed ? QUARTET_CALL_OUTCOME_MISSED : QUARTET_CALL_OUTCOME_DECLINED,
                           since);
    }
  if (session != NULL)
    g_signal_emit_by_name (self, "ringing-stopped", quartet_call_session_get_id (session), missed,
                           name);
}

static void
on_incoming_call_cb (QuartetCallClient *client,
                     QuartetCallSession *session,
                     const char *user_id,
                     GVariant *user_info,
                     QuartetAccount *self)
{
  g_clear_object (&self->ringing);
  g_clear_pointer (&self->ringing_name, g_free);
  g_clear_pointer (&self->ringing_since, g_date_time_unref);
  self->ringing = g_object_ref (session);
  self->ringing_name = quartet_call_lookup_name (get_people (self), user_id);
  self->ringing_since = g_date_time_new_now_utc ();
  self->ringing_handled = FALSE;
  self->ringing_declined = FALSE;

  g_signal_emit_by_name (self, "incoming-call", quartet_call_session_get_id (session),
                         self->ringing_name, (int)quartet_call_session_get_call_type (session));
}

/* NOT_ANSWER, the caller's HANG_UP, our REJECT: the ringing session ends. */
static void
on_call_end_cb (QuartetCallClient *client, QuartetCallSession *session, QuartetAccount *self)
{
  if (session == self->ringing)
    _quartet_account_stop_ringing (self, !self->ringing_handled);
}

static void
record_busy_call (QuartetAccount *self, const QuartetSignal *signal)
{
  const char *own_id = quartet_xmpp_connection_get_user_id (self->connection);
  g_autoptr (GPtrArray) user_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  /* Calling back a group call calls the whole group but us. */
  g_ptr_array_add (user_ids, g_strdup (signal->caller_id));
  for (guint i = 0; i < signal->opponent_ids->len; i++)
    {
      const char *id = g_ptr_array_index (signal->opponent_ids, i);

      if (g_strcmp0 (id, own_id) != 0 && g_strcmp0 (id, signal->caller_id) != 0)
        g_ptr_array_add (user_ids, g_strdup (id));
    }
  add_incoming_record (self, user_ids, signal->call_type, QUARTET_CALL_OUTCOME_MISSED, now);
}

/* The engine answers a call that comes while we are in one with a busy
 * reject and no event (unless it rings: "ring-when-busy"), so the UI
 * watches the signals for it. Re-sent `call`s of the same session are told
 * once. */
static void
on_signal_received_cb (QuartetXmppConnection *connection,
                       const char *from,
                       QuartetSignal *signal,
                       QuartetAccount *self)
{
  QuartetCallSession *live = self->ringing;
  g_autofree char *name = NULL;

  if (self->call != NULL && !quartet_call_get_ended (self->call))
    live = quartet_call_get_session (self->call);

  if (signal->type != QUARTET_SIGNAL_TYPE_CALL || live == NULL
      || g_strcmp0 (signal->session_id, quartet_call_session_get_id (live)) == 0
      || g_strcmp0 (signal->session_id, quartet_account_get_ringing_id (self)) == 0)
    return;
  /* Call waiting: the engine rings it (one at a time), it is not missed. */
  if (self->ringing == NULL && g_settings_get_boolean (self->settings, "ring-when-busy"))
    return;
  if (!g_hash_table_add (self->busy_session_ids, g_strdup (signal->session_id)))
    return;

  name = quartet_call_lookup_name (get_people (self), signal->caller_id);
  record_busy_call (self, signal);
  g_signal_emit_by_name (self, "missed-call", name);
}

void
_quartet_account_watch_calls (QuartetAccount *self)
{
  g_signal_connect (self->client, "call", G_CALLBACK (on_incoming_call_cb), self);
  g_signal_connect (self->client, "call-end", G_CALLBACK (on_call_end_cb), self);
  g_signal_connect (self->connection, "signal-received", G_CALLBACK (on_signal_received_cb), self);
}

static char *
own_name (QuartetAccount *self)
{
  const char *jid = quartet_account_get_jid (self);
  const char *at = jid ? strchr (jid, '@') : NULL;
  g_autofree char *local = NULL;

  /* A QuickBlox chat JID is numbers ({id}-{appId}): the login reads better. */
  if (self->quickblox != NULL)
    local = g_strdup (quartet_quickblox_session_get_login (self->quickblox));
  else
    local = at ? g_strndup (jid, at - jid) : g_strdup (jid ? jid : "");

  /* "alice" reads as a name: "Alice". */
  if (*local != '\0')
    {
      g_autofree char *first = g_utf8_strup (local, g_utf8_next_char (local) - local);

      return g_strconcat (first, g_utf8_next_char (local), NULL);
    }
  return g_strdup (_("You"));
}

QuartetCall *
quartet_account_place_call (QuartetAccount *self,
                            const char *const *user_ids,
                            QuartetCallType call_type,
                            GError **error)
{
  QuartetCallSession *session;
  g_autoptr (QuartetCall) call = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);

  if (self->client == NULL)
    {
      g_set_error_literal (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_NOT_CONNECTED,
                           _("Sign in first."));
      return NULL;
    }

  session = quartet_call_client_call (self->client, user_ids, call_type, NULL, error);
  if (session == NULL)
    return NULL;

  name = own_name (self);
  call = quartet_call_new (self->client, self->media, session,
                           get_people (self), name, TRUE);
  track_call (self, call);
  return call;
}

QuartetCall *
quartet_account_get_call (QuartetAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);
  return self->call;
}

const char *
quartet_account_get_ringing_id (QuartetAccount *self)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);
  return self->ringing ? quartet_call_session_get_id (self->ringing) : NULL;
}

static gboolean
check_ringing (QuartetAccount *self, const char *session_id, GError **error)
{
  if (self->ringing != NULL && g_strcmp0 (session_id, quartet_account_get_ringing_id (self)) == 0)
    return TRUE;

  g_set_error_literal (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_INVALID_STATE,
                       _("The call has already ended."));
  return FALSE;
}

QuartetCall *
quartet_account_answer (QuartetAccount *self,
                        const char *session_id,
                        gboolean audio_only,
                        GError **error)
{
  g_autoptr (QuartetCall) call = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), NULL);

  if (!check_ringing (self, session_id, error))
    return NULL;

  /* Call waiting: the call on screen ends first (the engine has one media
   * for both). */
  if (self->call != NULL && !quartet_call_get_ended (self->call))
    quartet_call_hang_up (self->call, NULL);

  if (!quartet_call_client_accept (self->client, self->ringing, NULL, error))
    return NULL;

  name = own_name (self);
  call = quartet_call_new (self->client, self->media, self->ringing,
                           get_people (self), name, FALSE);
  /* "Answer audio only": the offer is for video, so we send black frames
   * with the camera off rather than renegotiate; nothing is sent before
   * the connection is up, a moment after this. */
  if (audio_only)
    quartet_call_set_video_muted (call, TRUE);

  self->ringing_handled = TRUE;
  _quartet_account_stop_ringing (self, FALSE);
  track_call (self, call);
  return call;
}

gboolean
quartet_account_decline (QuartetAccount *self, const char *session_id, GError **error)
{
  g_return_val_if_fail (QUARTET_IS_ACCOUNT (self), FALSE);

  if (!check_ringing (self, session_id, error))
    return FALSE;

  self->ringing_handled = TRUE;
  self->ringing_declined = TRUE;
  /* CALL_END follows and stops the ringing. */
  return quartet_call_client_reject (self->client, self->ringing, NULL, error);
}
