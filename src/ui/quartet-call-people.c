/* quartet-call-people.c: the people of a call, as the engine tells of them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One QuartetParticipant per remote user, following the session's events
 * (who accepted, who left, who did not answer, a repair, an app's update
 * with their microphone and camera) and each one's QuartetCallParticipant
 * (the connection's state, its video), and telling the others ours.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-call-private.h"

#include <glib/gi18n.h>

static QuartetParticipant *
find_participant (QuartetCall *self, const char *user_id, guint *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->participants));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetParticipant) participant
          = g_list_model_get_item (G_LIST_MODEL (self->participants), i);

      if (!quartet_participant_get_is_self (participant)
          && g_strcmp0 (quartet_participant_get_user_id (participant), user_id) == 0)
        {
          if (position != NULL)
            *position = i;
          return participant; /* the store keeps it alive */
        }
    }

  return NULL;
}

static void
remove_participant (QuartetCall *self, const char *user_id)
{
  guint position;

  if (find_participant (self, user_id, &position) != NULL)
    g_list_store_remove (self->participants, position);
}

/* The engine's stats are cheap to read (counters and the last report). */
void
_quartet_call_update_statistics (QuartetCall *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->participants));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetParticipant) participant
          = g_list_model_get_item (G_LIST_MODEL (self->participants), i);

      quartet_participant_update_statistics (participant);
    }
}

/* docs/protocol.md, "Quartet's userInfo": our microphone and camera state
 * in an `update`, so that another Quartet shows it on our tile (a
 * QuickBlox app gets it in onUpdateCallListener and may ignore it). */
#define USER_INFO_AUDIO_MUTED "quartetAudioMuted"
#define USER_INFO_VIDEO_MUTED "quartetVideoMuted"

void
_quartet_call_send_media_state (QuartetCall *self)
{
  g_autoptr (GVariantBuilder) info = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GError) error = NULL;

  if (self->ended)
    return;

  g_variant_builder_add (info, "{sv}", USER_INFO_AUDIO_MUTED,
                         g_variant_new_string (self->audio_muted ? "1" : "0"));
  g_variant_builder_add (info, "{sv}", USER_INFO_VIDEO_MUTED,
                         g_variant_new_string (self->video_muted ? "1" : "0"));
  if (!quartet_call_client_update (self->client, self->session, g_variant_builder_end (info),
                                   &error))
    g_debug ("Could not send the media state: %s", error->message);
}

/* A flag of that userInfo: unchanged when absent (an app's own update). */
static void
read_flag (GVariant *user_info,
           const char *key,
           QuartetParticipant *participant,
           void (*set) (QuartetParticipant *, gboolean))
{
  const char *value = NULL;

  if (user_info != NULL && g_variant_lookup (user_info, key, "&s", &value))
    set (participant, g_str_equal (value, "1"));
}

static void
on_update_cb (QuartetCallSession *session,
              const char *user_id,
              GVariant *user_info,
              QuartetCall *self)
{
  QuartetParticipant *participant = find_participant (self, user_id, NULL);

  if (participant == NULL)
    return;

  read_flag (user_info, USER_INFO_AUDIO_MUTED, participant, quartet_participant_set_audio_muted);
  read_flag (user_info, USER_INFO_VIDEO_MUTED, participant, quartet_participant_set_video_muted);
}

static void
on_accept_cb (QuartetCallSession *session,
              const char *user_id,
              GVariant *user_info,
              QuartetCall *self)
{
  QuartetParticipant *participant;

  if ((participant = find_participant (self, user_id, NULL)) == NULL)
    return;

  if (quartet_participant_get_state (participant) == QUARTET_PARTICIPANT_STATE_CALLING)
    quartet_participant_set_state (participant, QUARTET_PARTICIPANT_STATE_CONNECTING);
}

/* reject, hang-up: that person has left the call. */
static void
on_left_cb (QuartetCallSession *session,
            const char *user_id,
            GVariant *user_info,
            QuartetCall *self)
{
  remove_participant (self, user_id);
}

static void
on_not_answer_cb (QuartetCallSession *session, const char *user_id, QuartetCall *self)
{
  remove_participant (self, user_id);
}

static gboolean
has_relay (QuartetCall *self)
{
  g_auto (GStrv) servers = NULL;

  g_object_get (self->client, "ice-servers", &servers, NULL);
  for (char **url = servers; url != NULL && *url != NULL; url++)
    if (g_str_has_prefix (*url, "turn"))
      return TRUE;

  return FALSE;
}

/* The tile goes with the CLOSED that follows: say why, where it stays. */
static void
report_failure (QuartetCall *self, QuartetParticipant *participant)
{
  const char *name = quartet_participant_get_name (participant);
  g_autofree char *message = NULL;

  if (has_relay (self))
    message = g_strdup_printf (_ ("The connection to %s failed"), name);
  else
    message = g_strdup_printf (_ ("No route to %s: the network blocks direct connections and no "
                                  "relay server is configured"),
                               name);
  _quartet_call_report_failure (self, message);
}

/* The tile keeps the last connection (for its statistics) when a repair
 * or the end takes it away. */
static void
on_core_peer_notify_cb (QuartetCallParticipant *core, GParamSpec *pspec, QuartetCall *self)
{
  QuartetPeer *peer = quartet_call_participant_get_peer (core);
  QuartetParticipant *participant
      = find_participant (self, quartet_call_participant_get_user_id (core), NULL);

  if (participant != NULL && peer != NULL)
    quartet_participant_set_peer (participant, peer);
}

static void
on_core_video_notify_cb (QuartetCallParticipant *core, GParamSpec *pspec, QuartetCall *self)
{
  QuartetParticipant *participant
      = find_participant (self, quartet_call_participant_get_user_id (core), NULL);

  if (participant != NULL)
    quartet_participant_set_has_video (participant,
                                       quartet_call_participant_get_receiving_video (core));
}

static void
on_core_state_notify_cb (QuartetCallParticipant *core, GParamSpec *pspec, QuartetCall *self)
{
  const char *user_id = quartet_call_participant_get_user_id (core);
  QuartetParticipant *participant;

  if ((participant = find_participant (self, user_id, NULL)) == NULL)
    return;

  switch (quartet_call_participant_get_peer_state (core))
    {
    case QUARTET_PEER_STATE_NEW:
      break;
    case QUARTET_PEER_STATE_CONNECTED:
      quartet_participant_set_state (participant, QUARTET_PARTICIPANT_STATE_CONNECTED);
      _quartet_call_start_timer (self);
      /* Whoever joins learns that we are muted. */
      if (self->audio_muted || self->video_muted)
        _quartet_call_send_media_state (self);
      break;
    case QUARTET_PEER_STATE_DISCONNECTED:
      quartet_participant_set_state (participant, QUARTET_PARTICIPANT_STATE_RECONNECTING);
      break;
    case QUARTET_PEER_STATE_FAILED:
      /* A connection that had worked is being repaired (reconnect). */
      if (quartet_participant_get_state (participant) != QUARTET_PARTICIPANT_STATE_RECONNECTING)
        {
          quartet_participant_set_state (participant, QUARTET_PARTICIPANT_STATE_FAILED);
          report_failure (self, participant);
        }
      break;
    case QUARTET_PEER_STATE_CLOSED:
      remove_participant (self, user_id);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Who speaks, and how loud, a few times a second while the call is on. */
static void
on_core_voice_notify_cb (QuartetCallParticipant *core, GParamSpec *pspec, QuartetCall *self)
{
  QuartetParticipant *participant
      = find_participant (self, quartet_call_participant_get_user_id (core), NULL);

  if (participant == NULL)
    return;
  quartet_participant_set_audio_level (participant,
                                       quartet_call_participant_get_audio_level (core));
  quartet_participant_set_speaking (participant, quartet_call_participant_get_speaking (core));
}

static void
on_own_voice_notify_cb (QuartetCallSession *session, GParamSpec *pspec, QuartetCall *self)
{
  QuartetParticipant *me = _quartet_call_get_self (self);

  if (me == NULL)
    return;
  quartet_participant_set_audio_level (me, quartet_call_session_get_audio_level (session));
  quartet_participant_set_speaking (me, quartet_call_session_get_speaking (session));
}

static void
bind_core_participant (QuartetCall *self, QuartetCallParticipant *core)
{
  g_signal_connect_object (core, "notify::peer-state", G_CALLBACK (on_core_state_notify_cb), self,
                           0);
  g_signal_connect_object (core, "notify::peer", G_CALLBACK (on_core_peer_notify_cb), self, 0);
  g_signal_connect_object (core, "notify::receiving-video", G_CALLBACK (on_core_video_notify_cb),
                           self, 0);
  g_signal_connect_object (core, "notify::audio-level", G_CALLBACK (on_core_voice_notify_cb), self,
                           0);
  g_signal_connect_object (core, "notify::speaking", G_CALLBACK (on_core_voice_notify_cb), self, 0);
  on_core_peer_notify_cb (core, NULL, self);
}

static void
on_participant_added_cb (QuartetCallSession *session,
                         QuartetCallParticipant *core,
                         QuartetCall *self)
{
  bind_core_participant (self, core);
}

/* The repair of a broken connection: the tile says so until the new
 * connection is up (its CONNECTED) or gives up (CLOSED follows). */
static void
on_reconnect_cb (QuartetCallSession *session,
                 const char *user_id,
                 QuartetReconnectState state,
                 QuartetCall *self)
{
  QuartetParticipant *participant = find_participant (self, user_id, NULL);

  if (participant != NULL && state == QUARTET_RECONNECT_STATE_RECONNECTING)
    quartet_participant_set_state (participant, QUARTET_PARTICIPANT_STATE_RECONNECTING);
}

void
_quartet_call_watch_people (QuartetCall *self, GPtrArray *users)
{
  /* The users we call, and the one who calls us, are there already; others
   * of a group call join as the mesh reaches them. */
  for (guint i = 0; i < users->len; i++)
    {
      QuartetCallParticipant *core
          = quartet_call_session_get_participant (self->session, g_ptr_array_index (users, i));

      if (core != NULL)
        bind_core_participant (self, core);
    }

  g_signal_connect_object (self->session, "accept", G_CALLBACK (on_accept_cb), self, 0);
  g_signal_connect_object (self->session, "reject", G_CALLBACK (on_left_cb), self, 0);
  g_signal_connect_object (self->session, "hang-up", G_CALLBACK (on_left_cb), self, 0);
  g_signal_connect_object (self->session, "not-answer", G_CALLBACK (on_not_answer_cb), self, 0);
  g_signal_connect_object (self->session, "participant-added", G_CALLBACK (on_participant_added_cb),
                           self, 0);
  g_signal_connect_object (self->session, "reconnect", G_CALLBACK (on_reconnect_cb), self, 0);
  g_signal_connect_object (self->session, "update", G_CALLBACK (on_update_cb), self, 0);
  g_signal_connect_object (self->session, "notify::audio-level",
                           G_CALLBACK (on_own_voice_notify_cb), self, 0);
  g_signal_connect_object (self->session, "notify::speaking", G_CALLBACK (on_own_voice_notify_cb),
                           self, 0);
}
