/* quartet-cli-call.c: quartet-cli's calls, through QuartetCallClient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `listen` turns quartet-cli into a bot that answers (or rejects, or lets
 * ring) incoming calls; `call` places one. Every engine event becomes an
 * output line, plus a stats line per remote user every second.
 */
#define G_LOG_DOMAIN "quartet-cli"

#include "quartet-cli-call.h"
#include "quartet-cli-video.h"

#include <string.h>

struct _QuartetCliCall
{
  const QuartetCliCallOptions *options;
  QuartetXmppConnection *connection;
  QuartetCliOutput *output;
  QuartetCliCallDone done;
  gpointer user_data;

  QuartetMedia *media;
  QuartetCliVideo *video;
  QuartetCallClient *client;
  guint stats_id;
  guint hang_up_id;
  guint answer_id;
  guint latency_id;
  GHashTable *last_decoded; /* user id -> (gint64 *) decoded-us of the last frame read */
  QuartetCallSession *ringing;  /* weak: the session auto-answer will accept */
  gboolean placed;              /* this is the `call` command */
  gboolean went_through;        /* someone accepted and connected */
  char **users;                 /* whom `call` calls */
  int calls_left;               /* --repeat: calls still to place after this one */
  guint next_call_id;
  int exit_code;                /* the worst of the calls so far */
};

static gboolean
parse_auto_answer_cb (const char *name, const char *value, gpointer data, GError **error)
{
  QuartetCliCallOptions *options = data;
  guint64 ms = 0;

  if (value != NULL && !g_ascii_string_to_unsigned (value, 10, 0, 600000, &ms, error))
    return FALSE;

  options->auto_answer_ms = ms;
  return TRUE;
}

GOptionGroup *
quartet_cli_call_option_group (QuartetCliCallOptions *options)
{
  const GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_STRING, &options->video,
      "pattern:N (test pattern N), file:PATH (a .y4m video, looped), camera, screen (through "
      "the ScreenCast portal) or none (default pattern:0)",
      "SOURCE" },
    { "camera-portal", 0, 0, G_OPTION_ARG_NONE, &options->camera_portal,
      "Open the camera through the desktop's Camera portal, as a sandboxed app must", NULL },
    { "video-commands", 0, 0, G_OPTION_ARG_NONE, &options->video_commands,
      "Read video sources from stdin, one per line, during calls: screen, camera, camera:NAME, "
      "pattern:N",
      NULL },
    { "audio", 0, 0, G_OPTION_ARG_STRING, &options->audio,
      "tone, file:PATH (a sound file, looped), mic, mic:NAME or none (default tone)", "SOURCE" },
    { "encode-per-peer", 0, 0, G_OPTION_ARG_NONE, &options->encode_per_peer,
      "One video encoder per peer instead of one shared (benchmark baseline)", NULL },
    { "talk", 0, 0, G_OPTION_ARG_STRING, &options->talk,
      "The tone or file talks only in turns I, J… of N turns of 3 s (by the wall clock)",
      "I[,J…]/N" },
    { "room", 0, 0, G_OPTION_ARG_INT, &options->room,
      "What we play comes back into the tone or file MS later, as in a room (echo tests)", "MS" },
    { "hear-onsets", 0, 0, G_OPTION_ARG_NONE, &options->hear_onsets,
      "Print when sound starts at the speaker after a silence (mouth-to-ear benchmarks)", NULL },
    { "record-audio", 0, 0, G_OPTION_ARG_FILENAME, &options->record_audio,
      "Write what the speaker would play to a WAV file instead (the last call's)", "PATH" },
    { "muted", 0, 0, G_OPTION_ARG_NONE, &options->muted,
      "Start with the microphone muted (silence is sent)", NULL },
    { "no-echo-cancellation", 0, 0, G_OPTION_ARG_NONE, &options->no_echo_cancellation,
      "Voice processing without its echo canceller (as with a headset)", NULL },
    { "no-voice-processing", 0, 0, G_OPTION_ARG_NONE, &options->no_voice_processing,
      "No echo cancellation, noise suppression or gain control", NULL },
    { "answer-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &options->answer_timeout,
      "Seconds to wait for an answer (default 60)", "S" },
    { "dialing-interval", 0, 0, G_OPTION_ARG_DOUBLE, &options->dialing_interval,
      "Seconds between call re-sends (default 5)", "S" },
    { "disconnect-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &options->disconnect_timeout,
      "Seconds a disconnected peer may stay so (default 30)", "S" },
    { "repair-delay", 0, 0, G_OPTION_ARG_DOUBLE, &options->repair_delay,
      "Seconds a broken connection may come back by itself before it is rebuilt (default 2)", "S" },
    { "bandwidth", 0, 0, G_OPTION_ARG_INT, &options->bandwidth,
      "The most video a call carries each way, in kbit/s, as QuickBlox's session bandwidth "
      "(default 0: no limit)",
      "KBPS" },
    { "stun", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->stun, "A STUN server (repeatable)",
      "stun://HOST:PORT" },
    { "turn", 0, 0, G_OPTION_ARG_STRING, &options->turn, "A TURN server", "turn://HOST:PORT" },
    { "turn-user", 0, 0, G_OPTION_ARG_STRING, &options->turn_user, "TURN user name", "USER" },
    { "turn-password", 0, 0, G_OPTION_ARG_STRING, &options->turn_password, "TURN password",
      "PASSWORD" },
    { "relay-only", 0, 0, G_OPTION_ARG_NONE, &options->relay_only,
      "Only relayed connections: peers never learn our addresses", NULL },
    { "auto-answer", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, parse_auto_answer_cb,
      "listen: answer incoming calls, after MS milliseconds", "MS" },
    { "reject", 0, 0, G_OPTION_ARG_NONE, &options->reject, "listen: reject incoming calls", NULL },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &options->duration,
      "Hang up S seconds after the call connects (default: never for listen, 10 for call)", "S" },
    { "audio-only", 0, 0, G_OPTION_ARG_NONE, &options->audio_only, "call: an audio call", NULL },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &options->repeat,
      "call: place the call N times, one after the other, in this one process", "N" },
    { "send-update", 0, 0, G_OPTION_ARG_NONE, &options->send_update,
      "Once connected, send an update (the SDK's update(extension)) with --user-info", NULL },
    { "frame-latency", 0, 0, G_OPTION_ARG_NONE, &options->frame_latency,
      "Print each received frame's capture-to-decode time (senders use --video pattern:clock)",
      NULL },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("call", "Call options:", "Show the call options",
                                            options, NULL);

  options->auto_answer_ms = -1;
  g_option_group_add_entries (group, entries);
  return group;
}

void
quartet_cli_call_options_clear (QuartetCliCallOptions *options)
{
  g_clear_pointer (&options->video, g_free);
  g_clear_pointer (&options->audio, g_free);
  g_clear_pointer (&options->record_audio, g_free);
  g_clear_pointer (&options->talk, g_free);
  g_clear_pointer (&options->stun, g_strfreev);
  g_clear_pointer (&options->turn, g_free);
  g_clear_pointer (&options->turn_user, g_free);
  if (options->turn_password != NULL)
    memset (options->turn_password, 0, strlen (options->turn_password));
  g_clear_pointer (&options->turn_password, g_free);
  g_clear_pointer (&options->user_info, g_variant_unref);
}

static char **
build_ice_servers (const QuartetCliCallOptions *options, const char *const *discovered)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (options->stun == NULL && options->turn == NULL && discovered != NULL)
    g_strv_builder_addv (builder, (const char **)discovered);

  for (char **stun = options->stun; stun && *stun; stun++)
    g_strv_builder_add (builder, *stun);

  if (options->turn != NULL)
    {
      const char *host = strstr (options->turn, "://");
      g_autofree char *user = g_uri_escape_string (options->turn_user ? options->turn_user : "",
                                                   NULL, FALSE);
      g_autofree char *password = g_uri_escape_string (
        options->turn_password ? options->turn_password : "", NULL, FALSE);

      g_autofree char *url = g_strdup_printf ("turn://%s:%s@%s", user, password,
                                              host ? host + 3 : options->turn);

      g_strv_builder_add (builder, url);
    }

  return g_strv_builder_end (builder);
}

static guint
seconds_to_ms (double seconds, guint fallback)
{
  return seconds > 0 ? (guint)(seconds * 1000) : fallback;
}

static gboolean
on_stats_cb (gpointer user_data)
{
  QuartetCliCall *self = user_data;
  g_autoptr (GPtrArray) users = NULL;
  g_autoptr (GArray) heard = NULL;
  guint height, fps, bps;

  if (self->ringing == NULL)
    return G_SOURCE_CONTINUE;

  if (quartet_media_get_sending (self->media, &height, &fps, &bps))
    quartet_cli_output_sending (self->output, self->ringing, height, fps, bps);
  heard = quartet_media_take_heard_onsets (self->media);
  for (guint i = 0; i < heard->len; i++)
    quartet_cli_output_heard (self->output, self->ringing, g_array_index (heard, gint64, i));

  users = quartet_call_session_get_remote_users (self->ringing);
  for (guint i = 0; i < users->len; i++)
    {
      const char *user_id = g_ptr_array_index (users, i);
      QuartetPeer *peer = quartet_call_session_get_peer (self->ringing, user_id);
      g_autoptr (GstSample) frame = NULL;
      QuartetPeerStats stats;

      if (peer == NULL)
        continue;
      quartet_peer_get_stats (peer, &stats);
      frame = quartet_peer_get_last_frame (peer);
      quartet_cli_output_stats (self->output, self->ringing, user_id, &stats, frame);
    }

  return G_SOURCE_CONTINUE;
}

/* Polled, but without bias: the sample says when it was decoded, and a
 * frame stays the last one for 33 ms at 30 fps, far longer than the period. */
#define LATENCY_POLL_MS 3

static gboolean
on_latency_poll_cb (gpointer user_data)
{
  QuartetCliCall *self = user_data;
  g_autoptr (GPtrArray) users = NULL;

  if (self->ringing == NULL)
    return G_SOURCE_CONTINUE;

  users = quartet_call_session_get_remote_users (self->ringing);
  for (guint i = 0; i < users->len; i++)
    {
      const char *user_id = g_ptr_array_index (users, i);
      QuartetPeer *peer = quartet_call_session_get_peer (self->ringing, user_id);
      g_autoptr (GstSample) frame = peer != NULL ? quartet_peer_get_last_frame (peer) : NULL;
      const GstStructure *info = frame != NULL ? gst_sample_get_info (frame) : NULL;
      gint64 decoded_us, captured_us;
      gint64 *last;

      if (info == NULL || !gst_structure_get_int64 (info, "decoded-us", &decoded_us))
        continue;

      last = g_hash_table_lookup (self->last_decoded, user_id);
      if (last == NULL)
        {
          last = g_new0 (gint64, 1);
          g_hash_table_insert (self->last_decoded, g_strdup (user_id), last);
        }
      if (*last == decoded_us)
        continue;
      *last = decoded_us;

      if (quartet_media_read_frame_clock (frame, &captured_us))
        quartet_cli_output_frame_latency (self->output, self->ringing, user_id,
                                          (decoded_us - captured_us) / 1000.0);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_hang_up_cb (gpointer user_data)
{
  QuartetCliCall *self = user_data;
  g_autoptr (GError) error = NULL;

  self->hang_up_id = 0;
  if (self->ringing != NULL
      && !quartet_call_client_hang_up (self->client, self->ringing, self->options->user_info,
                                       &error))
    g_printerr ("quartet-cli: %s\n", error->message);
  return G_SOURCE_REMOVE;
}

static void
schedule_hang_up (QuartetCliCall *self)
{
  double duration = self->options->duration;

  if (duration <= 0 && self->placed)
    duration = 10;
  if (duration > 0 && self->hang_up_id == 0)
    self->hang_up_id = g_timeout_add (duration * 1000, on_hang_up_cb, self);
}

static void
on_reconnect_cb (QuartetCallClient *client,
                 QuartetCallSession *session,
                 const char *user_id,
                 QuartetReconnectState state,
                 QuartetCliCall *self)
{
  quartet_cli_output_reconnect (self->output, session, user_id, state);
}

static void
on_peer_state_cb (QuartetCallClient *client,
                  QuartetCallSession *session,
                  const char *user_id,
                  QuartetPeerState state,
                  QuartetCliCall *self)
{
  quartet_cli_output_peer_state (self->output, session, user_id, state);
  if (state == QUARTET_PEER_STATE_CONNECTED)
    {
      g_autoptr (GError) error = NULL;

      self->went_through = TRUE;
      schedule_hang_up (self);
      if (self->options->send_update
          && !quartet_call_client_update (client, session, self->options->user_info, &error))
        g_printerr ("Could not send the update: %s\n", error->message);
    }
}

static void
on_user_info_event_cb (QuartetCallClient *client,
                       QuartetCallSession *session,
                       const char *user_id,
                       GVariant *user_info,
                       QuartetCliCall *self)
{
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (client);
  const char *event = g_signal_name (hint->signal_id);

  quartet_cli_output_call_event (self->output, event, session, user_id, user_info);
}

static void
on_user_event_cb (QuartetCallClient *client,
                  QuartetCallSession *session,
                  const char *user_id,
                  QuartetCliCall *self)
{
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (client);

  quartet_cli_output_call_event (self->output, g_signal_name (hint->signal_id), session, user_id,
                                 NULL);
}

static void
on_participant_speaking_cb (QuartetCallParticipant *participant,
                            GParamSpec *pspec,
                            QuartetCliCall *self)
{
  if (self->ringing != NULL)
    quartet_cli_output_speaking (self->output, self->ringing,
                                 quartet_call_participant_get_user_id (participant),
                                 quartet_call_participant_get_speaking (participant),
                                 quartet_call_participant_get_audio_level (participant));
}

static void
on_own_speaking_cb (QuartetCallSession *session, GParamSpec *pspec, QuartetCliCall *self)
{
  quartet_cli_output_speaking (self->output, session, NULL,
                               quartet_call_session_get_speaking (session),
                               quartet_call_session_get_audio_level (session));
}

static void
on_participant_added_cb (QuartetCallSession *session,
                         QuartetCallParticipant *participant,
                         QuartetCliCall *self)
{
  g_signal_connect (participant, "notify::speaking", G_CALLBACK (on_participant_speaking_cb), self);
}

/* "speaking" events: who talks, for bots and tests. The session and its
 * participants are the client's, which we outlive. */
static void
follow_voices (QuartetCliCall *self, QuartetCallSession *session)
{
  g_autoptr (GPtrArray) users = quartet_call_session_get_remote_users (session);

  g_signal_connect (session, "notify::speaking", G_CALLBACK (on_own_speaking_cb), self);
  g_signal_connect (session, "participant-added", G_CALLBACK (on_participant_added_cb), self);
  /* A call we place has its participants already. */
  for (guint i = 0; i < users->len; i++)
    {
      QuartetCallParticipant *participant
          = quartet_call_session_get_participant (session, g_ptr_array_index (users, i));

      if (participant != NULL)
        on_participant_added_cb (session, participant, self);
    }
}

static gboolean place_call (QuartetCliCall *self, GError **error);

/* Time for the remote to take its side of the last call down. */
#define NEXT_CALL_DELAY_MS 500

static gboolean
on_next_call_cb (gpointer user_data)
{
  QuartetCliCall *self = user_data;
  g_autoptr (GError) error = NULL;

  self->next_call_id = 0;
  if (!place_call (self, &error))
    {
      g_printerr ("quartet-cli: %s\n", error->message);
      self->done (1, self->user_data);
    }
  return G_SOURCE_REMOVE;
}

static void
on_call_end_cb (QuartetCallClient *client, QuartetCallSession *session, QuartetCliCall *self)
{
  quartet_cli_output_call_event (self->output, "call-end", session, NULL, NULL);
  g_clear_handle_id (&self->hang_up_id, g_source_remove);
  g_clear_handle_id (&self->answer_id, g_source_remove);
  if (self->ringing == session)
    self->ringing = NULL;

  if (!self->placed)
    return;

  if (!self->went_through)
    self->exit_code = 1;
  self->went_through = FALSE;
  if (self->calls_left > 0)
    self->next_call_id = g_timeout_add (NEXT_CALL_DELAY_MS, on_next_call_cb, self);
  else
    self->done (self->exit_code, self->user_data);
}

static gboolean
on_answer_cb (gpointer user_data)
{
  QuartetCliCall *self = user_data;
  g_autoptr (GError) error = NULL;

  self->answer_id = 0;
  if (self->ringing != NULL
      && !quartet_call_client_accept (self->client, self->ringing, self->options->user_info,
                                      &error))
    g_printerr ("quartet-cli: %s\n", error->message);
  return G_SOURCE_REMOVE;
}

static void
on_call_cb (QuartetCallClient *client,
            QuartetCallSession *session,
            const char *user_id,
            GVariant *user_info,
            QuartetCliCall *self)
{
  g_autoptr (GError) error = NULL;

  quartet_cli_output_set_call_start (self->output, g_get_monotonic_time ());
  quartet_cli_output_call_event (self->output, "call", session, user_id, user_info);
  self->ringing = session;
  follow_voices (self, session);

  if (self->options->reject)
    {
      if (!quartet_call_client_reject (client, session, self->options->user_info, &error))
        g_printerr ("quartet-cli: %s\n", error->message);
    }
  else if (self->options->auto_answer_ms >= 0)
    self->answer_id = g_timeout_add (self->options->auto_answer_ms, on_answer_cb, self);
}

QuartetCliCall *
quartet_cli_call_new (const QuartetCliCallOptions *options,
                      const char *const *discovered_ice_servers,
                      QuartetXmppConnection *connection,
                      QuartetCliOutput *output,
                      QuartetCliCallDone done,
                      gpointer user_data)
{
  QuartetCliCall *self = g_new0 (QuartetCliCall, 1);
  g_auto (GStrv) ice_servers = build_ice_servers (options, discovered_ice_servers);
  gboolean sharing_screen = g_strcmp0 (options->video, "screen") == 0;
  /* A screen is shared once the portal gives it: a pattern until then; a
   * camera through the portal, once it is allowed: black until then. */
  const char *camera = options->video != NULL && !sharing_screen ? options->video : "pattern:0";
  gboolean camera_portal = options->camera_portal && g_str_has_prefix (camera, "camera");

  self->options = options;
  self->connection = g_object_ref (connection);
  self->output = output;
  self->done = done;
  self->user_data = user_data;

  self->media = quartet_media_new (camera_portal ? "pattern:black" : camera,
                                   options->audio ? options->audio : "tone");
  self->video = quartet_cli_video_new (self->media, camera, output);
  if (camera_portal)
    quartet_cli_video_use_camera_portal (self->video, camera);
  if (sharing_screen)
    quartet_cli_video_share_screen (self->video);
  if (options->video_commands)
    quartet_cli_video_read_commands (self->video);
  quartet_media_set_encode_per_peer (self->media, options->encode_per_peer);
  quartet_media_set_voice_processing (self->media, !options->no_voice_processing);
  quartet_media_set_echo_cancellation (self->media, !options->no_echo_cancellation);
  quartet_media_set_audio_muted (self->media, options->muted);
  quartet_media_set_test_room (self->media, (guint)CLAMP (options->room, 0, 10000));
  quartet_media_set_onset_timing (self->media, options->hear_onsets);
  quartet_media_set_recording (self->media, options->record_audio);

  self->client = quartet_call_client_new (connection, self->media);
  g_object_set (
      self->client, "dialing-interval",
      seconds_to_ms (options->dialing_interval, QUARTET_CALL_DIALING_INTERVAL_MS), "answer-timeout",
      seconds_to_ms (options->answer_timeout, QUARTET_CALL_ANSWER_TIMEOUT_MS), "disconnect-timeout",
      seconds_to_ms (options->disconnect_timeout, QUARTET_CALL_DISCONNECT_TIMEOUT_MS),
      "repair-delay", seconds_to_ms (options->repair_delay, QUARTET_CALL_REPAIR_DELAY_MS),
      "ice-servers", ice_servers, "relay-only", options->relay_only, "bandwidth",
      (guint)CLAMP (options->bandwidth, 0, G_MAXINT / 1000), NULL);

  g_signal_connect (self->client, "call", G_CALLBACK (on_call_cb), self);
  g_signal_connect (self->client, "accept", G_CALLBACK (on_user_info_event_cb), self);
  g_signal_connect (self->client, "reject", G_CALLBACK (on_user_info_event_cb), self);
  g_signal_connect (self->client, "hang-up", G_CALLBACK (on_user_info_event_cb), self);
  g_signal_connect (self->client, "update", G_CALLBACK (on_user_info_event_cb), self);
  g_signal_connect (self->client, "received-video-track", G_CALLBACK (on_user_event_cb), self);
  g_signal_connect (self->client, "not-answer", G_CALLBACK (on_user_event_cb), self);
  g_signal_connect (self->client, "peer-connection-state-changed", G_CALLBACK (on_peer_state_cb),
                    self);
  g_signal_connect (self->client, "reconnect", G_CALLBACK (on_reconnect_cb), self);
  g_signal_connect (self->client, "call-end", G_CALLBACK (on_call_end_cb), self);

  self->stats_id = g_timeout_add_seconds (1, on_stats_cb, self);
  self->last_decoded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (options->frame_latency)
    self->latency_id = g_timeout_add (LATENCY_POLL_MS, on_latency_poll_cb, self);
  return self;
}

gboolean
quartet_cli_call_listen (QuartetCliCall *self, GError **error)
{
  return quartet_media_set_talk_turns (self->media, self->options->talk, error)
         && quartet_call_client_init (self->client, error);
}

static gboolean
place_call (QuartetCliCall *self, GError **error)
{
  QuartetCallSession *session;

  self->calls_left--;
  quartet_cli_output_set_call_start (self->output, g_get_monotonic_time ());
  session = quartet_call_client_call (self->client, (const char *const *)self->users,
                                      self->options->audio_only ? QUARTET_CALL_TYPE_AUDIO
                                                                : QUARTET_CALL_TYPE_VIDEO,
                                      self->options->user_info, error);
  if (session == NULL)
    return FALSE;

  self->ringing = session;
  follow_voices (self, session);
  quartet_cli_output_call_event (self->output, "dialing", session, NULL, NULL);
  return TRUE;
}

gboolean
quartet_cli_call_place (QuartetCliCall *self, const char *const *users, GError **error)
{
  if (!quartet_media_set_talk_turns (self->media, self->options->talk, error)
      || !quartet_call_client_init (self->client, error))
    return FALSE;

  self->placed = TRUE;
  self->users = g_strdupv ((char **)users);
  self->calls_left = MAX (self->options->repeat, 1);
  return place_call (self, error);
}

/* Hangs up what is live (sending hangUp) before the program signs out. */
void
quartet_cli_call_release (QuartetCliCall *self)
{
  if (self->client != NULL)
    quartet_call_client_release (self->client);
}

void
quartet_cli_call_free (QuartetCliCall *self)
{
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_clear_handle_id (&self->latency_id, g_source_remove);
  g_clear_handle_id (&self->next_call_id, g_source_remove);
  g_clear_pointer (&self->users, g_strfreev);
  g_clear_handle_id (&self->hang_up_id, g_source_remove);
  g_clear_handle_id (&self->answer_id, g_source_remove);
  g_clear_pointer (&self->last_decoded, g_hash_table_unref);
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      quartet_call_client_release (self->client);
    }
  g_clear_object (&self->client);
  g_clear_pointer (&self->video, quartet_cli_video_free);
  g_clear_object (&self->media);
  g_clear_object (&self->connection);
  g_free (self);
}
