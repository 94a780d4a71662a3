/* quartet-participant.c: one person in a call, as a tile shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plain model object: QuartetCall sets its state from the engine's events
 * and QuartetVideoTile shows it. The tile pulls frames through
 * quartet_participant_get_frame(), so the tile never needs to know whether
 * it shows the local preview or a remote peer.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "quartet-participant.h"

#include <glib/gi18n.h>

#include "quartet-ui-enums.h"

struct _QuartetParticipant
{
  GObject parent_instance;

  char *user_id;
  char *name;
  gboolean is_self;
  QuartetParticipantState state;
  gboolean has_video;
  gboolean audio_muted;
  gboolean video_muted;
  gboolean sharing_screen; /* ours only: a screen is sent in place of the camera */
  gboolean speaking;
  double audio_level;      /* dBFS, as the engine says */
  char *notice;            /* ours only: why there is no camera, or NULL */
  char *statistics;
  QuartetCallQuality quality;
  QuartetCallQualityMeter quality_meter;

  QuartetMedia *media; /* the local preview, for ourselves */
  QuartetPeer *peer;   /* the remote frames, for the others */
};

G_DEFINE_FINAL_TYPE (QuartetParticipant, quartet_participant, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_USER_ID,
  PROP_NAME,
  PROP_IS_SELF,
  PROP_STATE,
  PROP_HAS_VIDEO,
  PROP_AUDIO_MUTED,
  PROP_VIDEO_MUTED,
  PROP_SHARING_SCREEN,
  PROP_NOTICE,
  PROP_STATISTICS,
  PROP_QUALITY,
  PROP_SPEAKING,
  PROP_AUDIO_LEVEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_boolean (QuartetParticipant *self, gboolean *field, gboolean value, guint prop)
{
  value = !!value;
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

const char *
quartet_participant_get_user_id (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), NULL);
  return self->user_id;
}

const char *
quartet_participant_get_name (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), NULL);
  return self->name;
}

gboolean
quartet_participant_get_is_self (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), FALSE);
  return self->is_self;
}

QuartetParticipantState
quartet_participant_get_state (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), QUARTET_PARTICIPANT_STATE_FAILED);
  return self->state;
}

void
quartet_participant_set_state (QuartetParticipant *self, QuartetParticipantState state)
{
  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

gboolean
quartet_participant_get_has_video (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), FALSE);
  return self->has_video;
}

void
quartet_participant_set_has_video (QuartetParticipant *self, gboolean has_video)
{
  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));
  set_boolean (self, &self->has_video, has_video, PROP_HAS_VIDEO);
}

gboolean
quartet_participant_get_audio_muted (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), FALSE);
  return self->audio_muted;
}

void
quartet_participant_set_audio_muted (QuartetParticipant *self, gboolean muted)
{
  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));
  set_boolean (self, &self->audio_muted, muted, PROP_AUDIO_MUTED);
}

gboolean
quartet_participant_get_video_muted (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), FALSE);
  return self->video_muted;
}

gboolean
quartet_participant_get_sharing_screen (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), FALSE);
  return self->sharing_screen;
}

void
quartet_participant_set_sharing_screen (QuartetParticipant *self, gboolean sharing)
{
  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));
  set_boolean (self, &self->sharing_screen, sharing, PROP_SHARING_SCREEN);
}

gboolean
quartet_participant_get_speaking (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), FALSE);

  return self->speaking;
}

void
quartet_participant_set_speaking (QuartetParticipant *self, gboolean speaking)
{
  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));

  set_boolean (self, &self->speaking, speaking, PROP_SPEAKING);
}

double
quartet_participant_get_audio_level (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), QUARTET_AUDIO_LEVEL_SILENT);

  return self->audio_level;
}

void
quartet_participant_set_audio_level (QuartetParticipant *self, double level)
{
  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));

  level = CLAMP (level, QUARTET_AUDIO_LEVEL_SILENT, 0.0);
  if (level == self->audio_level)
    return;

  self->audio_level = level;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_LEVEL]);
}

const char *
quartet_participant_get_notice (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), NULL);
  return self->notice;
}

void
quartet_participant_set_notice (QuartetParticipant *self, const char *notice)
{
  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));

  if (g_strcmp0 (self->notice, notice) == 0)
    return;
  g_free (self->notice);
  self->notice = g_strdup (notice);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTICE]);
}

void
quartet_participant_set_video_muted (QuartetParticipant *self, gboolean muted)
{
  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));
  set_boolean (self, &self->video_muted, muted, PROP_VIDEO_MUTED);
}

void
quartet_participant_set_peer (QuartetParticipant *self, QuartetPeer *peer)
{
  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));
  g_return_if_fail (peer == NULL || QUARTET_IS_PEER (peer));

  g_set_object (&self->peer, peer);
}

const char *
quartet_participant_get_statistics (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), NULL);

  return self->statistics;
}

static char *
format_rate (guint bps)
{
  if (bps >= 1000000)
    /* Translators: a network speed, megabits per second */
    return g_strdup_printf (_ ("%.1f Mbit/s"), bps / 1e6);
  /* Translators: a network speed, kilobits per second */
  return g_strdup_printf (_ ("%u kbit/s"), bps / 1000);
}

/* What we receive from them, and what we send them. */
static char *
format_figures (const QuartetPeerStats *stats)
{
  g_autofree char *receiving = NULL;
  g_autofree char *sending = NULL;
  g_autofree char *rate = stats->estimate_bps > 0 ? format_rate (stats->estimate_bps) : NULL;

  if (stats->height > 0)
    /* Translators: the picture received: width×height, frames per second */
    receiving = g_strdup_printf (_ ("Receiving %u×%u at %.0f fps"), stats->width, stats->height,
                                 stats->fps);
  else
    receiving = g_strdup (_ ("Receiving no video"));

  /* A round trip under a millisecond (or not measured yet) says nothing. */
  if (rate == NULL)
    return g_steal_pointer (&receiving);
  else if (stats->send_height > 0 && stats->rtt_ms >= 1)
    /* Translators: the picture sent (its height, e.g. 720p), how fast the
     * link to them is, and its round trip */
    sending = g_strdup_printf (_ ("Sending %up, link %s, %.0f ms"), stats->send_height, rate,
                               stats->rtt_ms);
  else if (stats->send_height > 0)
    /* Translators: the picture sent (its height, e.g. 720p), how fast the link to them is */
    sending = g_strdup_printf (_ ("Sending %up, link %s"), stats->send_height, rate);
  else if (stats->rtt_ms >= 1)
    /* Translators: how fast the link to them is, and its round trip */
    sending = g_strdup_printf (_ ("Link %s, %.0f ms"), rate, stats->rtt_ms);
  else
    /* Translators: how fast the link to them is */
    sending = g_strdup_printf (_ ("Link %s"), rate);

  return g_strdup_printf ("%s\n%s", receiving, sending);
}

/* Up to three lines: what we receive from them, what we send them, and
 * which way it goes. */
static char *
format_statistics (const QuartetPeerStats *stats)
{
  g_autofree char *figures = format_figures (stats);

  switch (stats->route)
    {
    case QUARTET_PEER_ROUTE_DIRECT:
      return g_strdup_printf ("%s\n%s", figures, _ ("Direct connection"));
    case QUARTET_PEER_ROUTE_RELAYED:
      return g_strdup_printf ("%s\n%s", figures, _ ("Through a relay server"));
    case QUARTET_PEER_ROUTE_UNKNOWN:
    default:
      return g_steal_pointer (&figures);
    }
}

QuartetCallQuality
quartet_participant_get_quality (QuartetParticipant *self)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), QUARTET_CALL_QUALITY_UNKNOWN);

  return self->quality;
}

static void
update_quality (QuartetParticipant *self, const QuartetPeerStats *stats)
{
  QuartetCallQuality second = quartet_call_quality_of_second (stats, self->has_video);
  QuartetCallQuality quality = quartet_call_quality_meter_add (&self->quality_meter, second);

  if (quality == self->quality)
    return;

  self->quality = quality;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUALITY]);
}

/* Once a second while the call is on: the connection's figures. */
void
quartet_participant_update_statistics (QuartetParticipant *self)
{
  QuartetPeerStats stats;
  g_autofree char *text = NULL;

  g_return_if_fail (QUARTET_IS_PARTICIPANT (self));

  if (self->peer == NULL)
    return;

  quartet_peer_get_stats (self->peer, &stats);
  update_quality (self, &stats);
  text = format_statistics (&stats);
  if (g_strcmp0 (text, self->statistics) == 0)
    return;

  g_free (self->statistics);
  self->statistics = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATISTICS]);
}

GstSample *
quartet_participant_get_frame (QuartetParticipant *self, guint width)
{
  g_return_val_if_fail (QUARTET_IS_PARTICIPANT (self), NULL);

  if (self->media != NULL)
    return quartet_media_get_local_frame (self->media);
  if (self->peer != NULL)
    return quartet_peer_get_last_frame_for_width (self->peer, width);
  return NULL;
}

static void
quartet_participant_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetParticipant *self = QUARTET_PARTICIPANT (object);

  switch (prop_id)
    {
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_IS_SELF:
      g_value_set_boolean (value, self->is_self);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_HAS_VIDEO:
      g_value_set_boolean (value, self->has_video);
      break;
    case PROP_AUDIO_MUTED:
      g_value_set_boolean (value, self->audio_muted);
      break;
    case PROP_VIDEO_MUTED:
      g_value_set_boolean (value, self->video_muted);
      break;
    case PROP_SHARING_SCREEN:
      g_value_set_boolean (value, self->sharing_screen);
      break;
    case PROP_NOTICE:
      g_value_set_string (value, self->notice);
      break;
    case PROP_STATISTICS:
      g_value_set_string (value, self->statistics);
      break;
    case PROP_QUALITY:
      g_value_set_enum (value, self->quality);
      break;
    case PROP_SPEAKING:
      g_value_set_boolean (value, self->speaking);
      break;
    case PROP_AUDIO_LEVEL:
      g_value_set_double (value, self->audio_level);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_participant_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  QuartetParticipant *self = QUARTET_PARTICIPANT (object);

  switch (prop_id)
    {
    case PROP_USER_ID:
      self->user_id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_STATE:
      quartet_participant_set_state (self, g_value_get_enum (value));
      break;
    case PROP_HAS_VIDEO:
      quartet_participant_set_has_video (self, g_value_get_boolean (value));
      break;
    case PROP_AUDIO_MUTED:
      quartet_participant_set_audio_muted (self, g_value_get_boolean (value));
      break;
    case PROP_VIDEO_MUTED:
      quartet_participant_set_video_muted (self, g_value_get_boolean (value));
      break;
    case PROP_SHARING_SCREEN:
      quartet_participant_set_sharing_screen (self, g_value_get_boolean (value));
      break;
    case PROP_NOTICE:
      quartet_participant_set_notice (self, g_value_get_string (value));
      break;
    case PROP_SPEAKING:
      quartet_participant_set_speaking (self, g_value_get_boolean (value));
      break;
    case PROP_AUDIO_LEVEL:
      quartet_participant_set_audio_level (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_participant_dispose (GObject *object)
{
  QuartetParticipant *self = QUARTET_PARTICIPANT (object);

  g_clear_object (&self->media);
  g_clear_object (&self->peer);

  G_OBJECT_CLASS (quartet_participant_parent_class)->dispose (object);
}

static void
quartet_participant_finalize (GObject *object)
{
  QuartetParticipant *self = QUARTET_PARTICIPANT (object);

  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->statistics, g_free);
  g_clear_pointer (&self->notice, g_free);

  G_OBJECT_CLASS (quartet_participant_parent_class)->finalize (object);
}

static void
quartet_participant_class_init (QuartetParticipantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = quartet_participant_get_property;
  object_class->set_property = quartet_participant_set_property;
  object_class->dispose = quartet_participant_dispose;
  object_class->finalize = quartet_participant_finalize;

  properties[PROP_USER_ID] = g_param_spec_string ("user-id", NULL, NULL, NULL, construct);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, construct);
  properties[PROP_IS_SELF] = g_param_spec_boolean ("is-self", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE]
    = g_param_spec_enum ("state", NULL, NULL, QUARTET_TYPE_PARTICIPANT_STATE,
                         QUARTET_PARTICIPANT_STATE_CALLING, rw);
  properties[PROP_HAS_VIDEO] = g_param_spec_boolean ("has-video", NULL, NULL, FALSE, rw);
  properties[PROP_AUDIO_MUTED] = g_param_spec_boolean ("audio-muted", NULL, NULL, FALSE, rw);
  properties[PROP_VIDEO_MUTED] = g_param_spec_boolean ("video-muted", NULL, NULL, FALSE, rw);
  properties[PROP_SHARING_SCREEN] = g_param_spec_boolean ("sharing-screen", NULL, NULL, FALSE, rw);
  /* Said on our tile: why there is no camera (the portal refused it). */
  properties[PROP_NOTICE] = g_param_spec_string ("notice", NULL, NULL, NULL, rw);
  /* What the connection carries, for a person who wonders why the picture
   * is small or choppy; NULL until known. */
  properties[PROP_STATISTICS] = g_param_spec_string ("statistics", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Good, fair or poor: the worst of the last seconds (quartet-call-quality.c). */
  properties[PROP_QUALITY] = g_param_spec_enum (
      "quality", NULL, NULL, QUARTET_TYPE_CALL_QUALITY, QUARTET_CALL_QUALITY_UNKNOWN,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Talking now (ours: muted or not, for "You are muted"). */
  properties[PROP_SPEAKING] = g_param_spec_boolean ("speaking", NULL, NULL, FALSE, rw);
  /* How loud, in dBFS: QUARTET_AUDIO_LEVEL_SILENT .. 0. */
  properties[PROP_AUDIO_LEVEL] = g_param_spec_double (
      "audio-level", NULL, NULL, QUARTET_AUDIO_LEVEL_SILENT, 0.0, QUARTET_AUDIO_LEVEL_SILENT, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quartet_participant_init (QuartetParticipant *self)
{
  self->audio_level = QUARTET_AUDIO_LEVEL_SILENT;
}

QuartetParticipant *
quartet_participant_new_remote (const char *user_id, const char *name)
{
  g_return_val_if_fail (user_id != NULL, NULL);

  return g_object_new (QUARTET_TYPE_PARTICIPANT, "user-id", user_id, "name",
                       name ? name : user_id, NULL);
}

/* Ourselves: always "connected", and the frames are the local preview. */
QuartetParticipant *
quartet_participant_new_self (QuartetMedia *media, const char *name)
{
  QuartetParticipant *self;

  g_return_val_if_fail (media == NULL || QUARTET_IS_MEDIA (media), NULL);

  self = g_object_new (QUARTET_TYPE_PARTICIPANT, "user-id", "", "name", name, "state",
                       QUARTET_PARTICIPANT_STATE_CONNECTED, NULL);
  self->is_self = TRUE;
  self->media = media ? g_object_ref (media) : NULL;
  return self;
}
