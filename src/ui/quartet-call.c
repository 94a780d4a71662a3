/* quartet-call.c: one call as the window shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The adapter between the engine and the call view (as CallsUiCallData is
 * in GNOME Calls): it keeps one QuartetParticipant per person with the
 * state a tile shows (following the engine in quartet-call-people.c), our
 * own microphone and camera, the call timer, and what the history keeps of
 * the call. The widgets never see the engine's objects.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-call-private.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <unistd.h>

G_DEFINE_FINAL_TYPE (QuartetCall, quartet_call, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DURATION,
  PROP_CONNECTED,
  PROP_AUDIO_MUTED,
  PROP_VIDEO_MUTED,
  PROP_SHARING_SCREEN,
  N_PROPS
};

enum
{
  ENDED,
  CONNECTION_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

char *
quartet_call_lookup_name (GListModel *roster, const char *user_id)
{
  guint n = roster ? g_list_model_get_n_items (roster) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetContact) contact = g_list_model_get_item (roster, i);

      if (g_strcmp0 (quartet_contact_get_user_id (contact), user_id) == 0)
        return g_strdup (quartet_contact_get_display_name (contact));
    }

  return g_strdup (user_id);
}

static gboolean
on_timer_cb (gpointer user_data)
{
  QuartetCall *self = user_data;
  guint duration = (g_get_monotonic_time () - self->connected_since_us) / G_USEC_PER_SEC;

  if (duration != self->duration)
    {
      self->duration = duration;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
      _quartet_call_update_statistics (self);
    }

  return G_SOURCE_CONTINUE;
}

/* The call's time counts from the first connected peer, as on a phone. */
void
_quartet_call_start_timer (QuartetCall *self)
{
  if (self->connected_since_us != 0)
    return;

  self->connected_since_us = g_get_monotonic_time ();
  self->timer_id = g_timeout_add (250, on_timer_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
on_call_end_cb (QuartetCallSession *session, QuartetCall *self)
{
  /* The next call starts as this one did, not muted because this one was,
   * and with the camera. */
  quartet_media_set_audio_muted (self->media, self->audio_muted_before);
  quartet_media_set_video_muted (self->media, self->video_muted_before);
  quartet_media_stop_sharing_screen (self->media);
  self->ended = TRUE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->session, self);
  g_list_store_remove_all (self->participants);

  g_signal_emit (self, signals[ENDED], 0);
}

void
_quartet_call_report_failure (QuartetCall *self, const char *message)
{
  g_signal_emit (self, signals[CONNECTION_FAILED], 0, message);
}

QuartetCallSession *
quartet_call_get_session (QuartetCall *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), NULL);
  return self->session;
}

QuartetCallType
quartet_call_get_call_type (QuartetCall *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), QUARTET_CALL_TYPE_VIDEO);
  return quartet_call_session_get_call_type (self->session);
}

GListModel *
quartet_call_get_participants (QuartetCall *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), NULL);
  return G_LIST_MODEL (self->participants);
}

guint
quartet_call_get_duration (QuartetCall *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), 0);
  return self->duration;
}

gboolean
quartet_call_get_connected (QuartetCall *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), FALSE);
  return self->connected_since_us != 0;
}

gboolean
quartet_call_get_ended (QuartetCall *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), TRUE);
  return self->ended;
}

/* (transfer none) (nullable): ours, the first tile; the store keeps it. */
QuartetParticipant *
_quartet_call_get_self (QuartetCall *self)
{
  g_autoptr (QuartetParticipant) first = g_list_model_get_item (G_LIST_MODEL (self->participants),
                                                                0);

  return first != NULL && quartet_participant_get_is_self (first) ? first : NULL;
}

gboolean
quartet_call_get_audio_muted (QuartetCall *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), FALSE);
  return self->audio_muted;
}

void
quartet_call_set_audio_muted (QuartetCall *self, gboolean muted)
{
  QuartetParticipant *me;

  g_return_if_fail (QUARTET_IS_CALL (self));

  muted = !!muted;
  if (self->audio_muted == muted)
    return;

  self->audio_muted = muted;
  quartet_media_set_audio_muted (self->media, muted);
  if ((me = _quartet_call_get_self (self)) != NULL)
    quartet_participant_set_audio_muted (me, muted);
  _quartet_call_send_media_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_MUTED]);
}

gboolean
quartet_call_get_video_muted (QuartetCall *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), FALSE);
  return self->video_muted;
}

void
quartet_call_set_video_muted (QuartetCall *self, gboolean muted)
{
  QuartetParticipant *me;

  g_return_if_fail (QUARTET_IS_CALL (self));

  muted = !!muted;
  if (self->video_muted == muted)
    return;

  self->video_muted = muted;
  quartet_media_set_video_muted (self->media, muted);
  if ((me = _quartet_call_get_self (self)) != NULL)
    quartet_participant_set_video_muted (me, muted);
  _quartet_call_send_media_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_MUTED]);
}

void
quartet_call_set_camera_notice (QuartetCall *self, const char *notice)
{
  QuartetParticipant *me;

  g_return_if_fail (QUARTET_IS_CALL (self));

  if ((me = _quartet_call_get_self (self)) != NULL)
    quartet_participant_set_notice (me, notice);
}

gboolean
quartet_call_get_sharing_screen (QuartetCall *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), FALSE);
  return quartet_media_is_sharing_screen (self->media);
}

gboolean
quartet_call_share_screen (QuartetCall *self, int pipewire_fd, guint32 node, GError **error)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), FALSE);

  if (self->ended)
    {
      close (pipewire_fd);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _ ("The call has ended"));
      return FALSE;
    }
  return quartet_media_share_screen (self->media, pipewire_fd, node, error);
}

void
quartet_call_stop_sharing_screen (QuartetCall *self)
{
  g_return_if_fail (QUARTET_IS_CALL (self));
  quartet_media_stop_sharing_screen (self->media);
}

/* The media started or stopped sending a screen (also by itself, when the
 * stream ended): our tile and the controls follow. */
static void
on_sharing_screen_cb (QuartetMedia *media, GParamSpec *pspec, QuartetCall *self)
{
  QuartetParticipant *me = _quartet_call_get_self (self);

  if (me != NULL)
    quartet_participant_set_sharing_screen (me, quartet_media_is_sharing_screen (media));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING_SCREEN]);
}

QuartetCallRecord *
quartet_call_make_record (QuartetCall *self)
{
  QuartetCallOutcome outcome = QUARTET_CALL_OUTCOME_ANSWERED;

  g_return_val_if_fail (QUARTET_IS_CALL (self), NULL);

  /* An incoming call we answered counts as answered even if the media
   * never came up: the user took it. */
  if (self->outgoing && !quartet_call_get_connected (self))
    outcome = QUARTET_CALL_OUTCOME_UNANSWERED;

  return quartet_call_record_new (self->outgoing, quartet_call_get_call_type (self), outcome,
                                  (const char *const *)self->user_ids,
                                  (const char *const *)self->names, self->started, self->duration);
}

gboolean
quartet_call_hang_up (QuartetCall *self, GError **error)
{
  g_return_val_if_fail (QUARTET_IS_CALL (self), FALSE);

  if (self->ended)
    return TRUE;

  return quartet_call_client_hang_up (self->client, self->session, NULL, error);
}

static void
quartet_call_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetCall *self = QUARTET_CALL (object);

  switch (prop_id)
    {
    case PROP_DURATION:
      g_value_set_uint (value, self->duration);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, quartet_call_get_connected (self));
      break;
    case PROP_AUDIO_MUTED:
      g_value_set_boolean (value, self->audio_muted);
      break;
    case PROP_VIDEO_MUTED:
      g_value_set_boolean (value, self->video_muted);
      break;
    case PROP_SHARING_SCREEN:
      g_value_set_boolean (value, quartet_media_is_sharing_screen (self->media));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_call_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  QuartetCall *self = QUARTET_CALL (object);

  switch (prop_id)
    {
    case PROP_AUDIO_MUTED:
      quartet_call_set_audio_muted (self, g_value_get_boolean (value));
      break;
    case PROP_VIDEO_MUTED:
      quartet_call_set_video_muted (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_call_dispose (GObject *object)
{
  QuartetCall *self = QUARTET_CALL (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->media != NULL)
    g_signal_handlers_disconnect_by_data (self->media, self);
  if (self->participants != NULL)
    g_list_store_remove_all (self->participants);
  g_clear_object (&self->participants);
  g_clear_object (&self->client);
  g_clear_object (&self->media);
  g_clear_object (&self->session);
  g_clear_object (&self->roster);

  G_OBJECT_CLASS (quartet_call_parent_class)->dispose (object);
}

static void
quartet_call_finalize (GObject *object)
{
  QuartetCall *self = QUARTET_CALL (object);

  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->user_ids, g_strfreev);
  g_clear_pointer (&self->names, g_strfreev);

  G_OBJECT_CLASS (quartet_call_parent_class)->finalize (object);
}

static void
quartet_call_class_init (QuartetCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = quartet_call_get_property;
  object_class->set_property = quartet_call_set_property;
  object_class->dispose = quartet_call_dispose;
  object_class->finalize = quartet_call_finalize;

  /* Seconds since the first peer connected. */
  properties[PROP_DURATION] = g_param_spec_uint ("duration", NULL, NULL, 0, G_MAXUINT, 0,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTED] = g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUDIO_MUTED] = g_param_spec_boolean ("audio-muted", NULL, NULL, FALSE, rw);
  properties[PROP_VIDEO_MUTED] = g_param_spec_boolean ("video-muted", NULL, NULL, FALSE, rw);
  /* A screen is sent in place of the camera. */
  properties[PROP_SHARING_SCREEN]
      = g_param_spec_boolean ("sharing-screen", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* CALL_END arrived: the view closes. */
  signals[ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  /* (message): a person's connection failed for good, and why. */
  signals[CONNECTION_FAILED]
      = g_signal_new ("connection-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
quartet_call_init (QuartetCall *self)
{
  self->participants = g_list_store_new (QUARTET_TYPE_PARTICIPANT);
}

QuartetCall *
quartet_call_new (QuartetCallClient *client,
                  QuartetMedia *media,
                  QuartetCallSession *session,
                  GListModel *roster,
                  const char *self_name,
                  gboolean outgoing)
{
  QuartetCall *self;
  g_autoptr (QuartetParticipant) me = NULL;
  g_autoptr (GPtrArray) users = NULL;
  gboolean video;

  g_return_val_if_fail (QUARTET_IS_CALL_CLIENT (client), NULL);
  g_return_val_if_fail (QUARTET_IS_MEDIA (media), NULL);
  g_return_val_if_fail (QUARTET_IS_CALL_SESSION (session), NULL);

  self = g_object_new (QUARTET_TYPE_CALL, NULL);
  self->client = g_object_ref (client);
  self->media = g_object_ref (media);
  self->session = g_object_ref (session);
  self->roster = roster ? g_object_ref (roster) : NULL;
  video = quartet_call_session_get_call_type (session) == QUARTET_CALL_TYPE_VIDEO;
  /* The media is the account's and outlives the call: the toggles start
   * from what it does now (the camera is off for good when Preferences say
   * "no camera"), and what the user toggles ends with the call. */
  self->audio_muted = self->audio_muted_before = quartet_media_get_audio_muted (media);
  self->video_muted = self->video_muted_before = quartet_media_get_video_muted (media);

  me = quartet_participant_new_self (media, self_name);
  quartet_participant_set_has_video (me, video && quartet_media_has_video (media));
  quartet_participant_set_audio_muted (me, self->audio_muted);
  quartet_participant_set_video_muted (me, self->video_muted);
  g_list_store_append (self->participants, me);

  users = quartet_call_session_get_remote_users (session);
  self->outgoing = outgoing;
  self->started = g_date_time_new_now_utc ();
  self->user_ids = g_new0 (char *, users->len + 1);
  self->names = g_new0 (char *, users->len + 1);
  for (guint i = 0; i < users->len; i++)
    {
      self->user_ids[i] = g_strdup (g_ptr_array_index (users, i));
      self->names[i] = quartet_call_lookup_name (roster, self->user_ids[i]);
    }

  for (guint i = 0; i < users->len && i < 3; i++)
    {
      const char *user_id = self->user_ids[i];
      const char *name = self->names[i];
      g_autoptr (QuartetParticipant) participant = quartet_participant_new_remote (user_id, name);

      /* Until a frame arrives the tile shows the avatar. */
      quartet_participant_set_state (participant, outgoing ? QUARTET_PARTICIPANT_STATE_CALLING
                                                           : QUARTET_PARTICIPANT_STATE_CONNECTING);
      g_list_store_append (self->participants, participant);
    }
  _quartet_call_watch_people (self, users);
  g_signal_connect_object (session, "call-end", G_CALLBACK (on_call_end_cb), self, 0);
  g_signal_connect (media, "notify::sharing-screen", G_CALLBACK (on_sharing_screen_cb), self);

  return self;
}
