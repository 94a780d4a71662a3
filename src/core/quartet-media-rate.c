/* quartet-media-rate.c: the send rates and picture sizes of the shared video encodings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every peer estimates how fast it can be sent to (its bandwidth estimator,
 * fed by its TWCC reports on its RTCP thread) and reports here. Each
 * encoding follows the slowest peer it feeds: the video gets what is left
 * of that estimate after the audio, and the encoding's ladder turns the
 * video rate into a picture size and frame rate, applied as caps before
 * its encoder (VP8 carries the size in band: nothing is renegotiated).
 * Opus gets the worst peer's loss, so that its in-band FEC covers it.
 *
 * Two encodings, so that one weak peer does not set everybody's picture:
 * a peer well under the best peer's rate gets the low encoding
 * (quartet-encoding-choice.c), which follows the weak ones and is not
 * encoded at all while nobody needs it. Why two encodings and not temporal
 * layers or an encoder per peer: docs/architecture.md, "One weak peer".
 *
 * Called from the peers' streaming threads: one lock, held briefly. The
 * encoder's rate may be set from any thread, but the capsfilter's caps
 * only on the thread that pushes video through it: changed meanwhile, a
 * negotiation under way fails (not-negotiated, and the video stops). So a
 * new rung waits in pending_caps for the next frame (see
 * _quartet_media_rate_apply_pending()).
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-encoding-choice.h"
#include "quartet-media-private.h"
#include "quartet-video-ladder.h"

#define VIDEO_FLOOR_BPS 50000
/* Of the estimate: the rest is for retransmissions (their budget is a
 * fifth of it, quartet-peer-congestion.c), so that repairing a loss does
 * not overflow the link and lose more. */
#define ESTIMATE_SHARE 0.8
#define RETUNE_RATIO 0.03 /* smaller changes are not worth reconfiguring the encoder */

typedef struct
{
  GstElement *scaler_caps; /* the capsfilter before the encoder */
  GstElement *encoder;
  QuartetVideoLadder *ladder;
  GstCaps *pending_caps; /* for the capsfilter, at the next frame */
  guint video_bps;
  guint users; /* the peers it feeds; the low one idles at 0 */
} Encoding;

typedef struct
{
  gboolean reported;
  guint bps;
  double loss;
  guint cap_bps;          /* the most video the peer wants (b=AS in its SDP), 0: no limit */
  QuartetMediaFeed *feed; /* a reference, or NULL */
  guint encoding;
  gint64 moved_us; /* when it last changed encodings */
} Peer;

struct _QuartetMediaRate
{
  GMutex lock;
  GstElement *audio_encoder; /* may be NULL */
  guint audio_bps;
  guint fixed_bps;     /* 0: follow the peers */
  guint max_height;    /* the ladders' top: the machine's, or the user's lower cap */
  guint user_max_height; /* 0: none */
  guint env_max_height;  /* QUARTET_VIDEO_MAX_HEIGHT, 0: none */
  guint source_height;   /* 0 until known */
  QuartetVideoContent content;

  Encoding encodings[QUARTET_MEDIA_MAX_ENCODINGS];
  guint n_encodings;
  GHashTable *peers; /* key (unowned) -> Peer */
  guint loss_percent;
};

static void
peer_free (gpointer data)
{
  Peer *peer = data;

  g_clear_pointer (&peer->feed, _quartet_media_feed_unref);
  g_free (peer);
}

/* With the lock held. */
static void
queue_rung (Encoding *encoding)
{
  GstCaps *caps = gst_caps_new_simple (
      "video/x-raw", "height", G_TYPE_INT, (int)quartet_video_ladder_get_height (encoding->ladder),
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, "framerate", GST_TYPE_FRACTION,
      (int)quartet_video_ladder_get_fps (encoding->ladder), 1, NULL);

  gst_caps_take (&encoding->pending_caps, caps);
}

/* On the thread that pushes the video into encoding @index's scaler,
 * before a frame: FALSE when nobody needs that encoding (drop the frame). */
gboolean
_quartet_media_rate_apply_pending (QuartetMediaRate *self, guint index)
{
  Encoding *encoding = &self->encodings[index];
  g_autoptr (GstCaps) caps = NULL;
  gboolean used;

  g_mutex_lock (&self->lock);
  caps = g_steal_pointer (&encoding->pending_caps);
  used = index == 0 || encoding->users > 0;
  g_mutex_unlock (&self->lock);

  if (caps != NULL)
    g_object_set (encoding->scaler_caps, "caps", caps, NULL);
  return used;
}

/* With the lock held (or before anything flows): the top of the ladders,
 * of the content's (a screen may go higher than a camera), the machine's
 * and the user's. */
static void
update_max_height (QuartetMediaRate *self)
{
  guint top = self->content == QUARTET_VIDEO_CONTENT_SCREEN ? QUARTET_MEDIA_SCREEN_MAX_HEIGHT
                                                            : QUARTET_MEDIA_VIDEO_MAX_HEIGHT;

  if (self->env_max_height > 0)
    top = MIN (top, self->env_max_height);
  if (self->user_max_height > 0)
    top = MIN (top, self->user_max_height);
  self->max_height = top;
}

/* With the lock held (or before anything flows). */
static void
start_encoding (QuartetMediaRate *self, Encoding *encoding, guint video_bps)
{
  g_clear_pointer (&encoding->ladder, quartet_video_ladder_free);
  encoding->ladder = quartet_video_ladder_new (
      video_bps,
      self->source_height > 0 ? MIN (self->source_height, self->max_height) : self->max_height,
      self->content);
  encoding->video_bps = video_bps;
  g_object_set (encoding->encoder, "target-bitrate", video_bps, NULL);
  queue_rung (encoding);
}

/* The low encoding idles at the ladder's bottom: its encoder is set up
 * for the size its caps say even while it drops every frame, and at 720p
 * that is 30 MB of libvpx (the token buffer alone 22 MB), at 270p a tenth. */
static guint
initial_bps (QuartetMediaRate *self, guint index)
{
  if (self->fixed_bps > 0)
    return self->fixed_bps;
  return index == 0 ? QUARTET_MEDIA_VIDEO_START_BITRATE : VIDEO_FLOOR_BPS;
}

QuartetMediaRate *
_quartet_media_rate_new (GstElement *const *scaler_caps,
                         GstElement *const *encoders,
                         guint n_encodings,
                         GstElement *audio_encoder,
                         guint audio_bps)
{
  QuartetMediaRate *self = g_new0 (QuartetMediaRate, 1);
  const char *fixed = g_getenv ("QUARTET_VIDEO_FIXED_BITRATE");
  const char *max_height = g_getenv ("QUARTET_VIDEO_MAX_HEIGHT");

  g_mutex_init (&self->lock);
  self->audio_encoder = audio_encoder != NULL ? gst_object_ref (audio_encoder) : NULL;
  self->audio_bps = audio_bps;
  self->peers = g_hash_table_new_full (NULL, NULL, NULL, peer_free);
  /* The benchmarks' baseline: the engine before it adapted. */
  self->fixed_bps = fixed != NULL ? (guint)g_ascii_strtoull (fixed, NULL, 10) : 0;
  /* What this machine can encode and decode for every peer: until the
   * ladder also follows the CPU's load (as libwebrtc's does), a machine
   * that runs four clients of a mesh at once (the UI tests) says so here. */
  self->env_max_height = max_height != NULL ? (guint)g_ascii_strtoull (max_height, NULL, 10) : 0;
  update_max_height (self);

  /* A fixed rate is one encoding for all. */
  self->n_encodings = self->fixed_bps > 0 ? 1 : n_encodings;
  for (guint i = 0; i < n_encodings; i++)
    {
      Encoding *encoding = &self->encodings[i];

      encoding->scaler_caps = gst_object_ref (scaler_caps[i]);
      encoding->encoder = gst_object_ref (encoders[i]);
      start_encoding (self, encoding, initial_bps (self, i));
      _quartet_media_rate_apply_pending (self, i); /* nothing flows yet */
    }
  return self;
}

void
_quartet_media_rate_free (QuartetMediaRate *self)
{
  for (guint i = 0; i < QUARTET_MEDIA_MAX_ENCODINGS; i++)
    {
      Encoding *encoding = &self->encodings[i];

      gst_clear_object (&encoding->scaler_caps);
      gst_clear_object (&encoding->encoder);
      gst_clear_caps (&encoding->pending_caps);
      g_clear_pointer (&encoding->ladder, quartet_video_ladder_free);
    }
  g_mutex_clear (&self->lock);
  g_clear_object (&self->audio_encoder);
  g_hash_table_unref (self->peers);
  g_free (self);
}

/* With the lock held: the video rate a peer can take, of its estimate
 * and its cap. */
static guint
video_bps_of (QuartetMediaRate *self, Peer *peer)
{
  guint video_bps
      = (guint)MAX ((double)VIDEO_FLOOR_BPS, ESTIMATE_SHARE * peer->bps - self->audio_bps);

  return peer->cap_bps > 0 ? MIN (video_bps, MAX (peer->cap_bps, VIDEO_FLOOR_BPS)) : video_bps;
}

/* With the lock held: the encoding a peer should get, given the video rate
 * of the best peer. */
static guint
choose_encoding (QuartetMediaRate *self, Peer *peer, guint best_bps, gint64 now)
{
  if (self->n_encodings < 2 || peer->feed == NULL)
    return QUARTET_ENCODING_MAIN;
  return quartet_encoding_choose (peer->encoding, video_bps_of (self, peer), best_bps,
                                  peer->moved_us, now);
}

/* With the lock held: @encoding follows @video_bps, what the slowest of
 * its peers can take. */
static void
follow (QuartetMediaRate *self, Encoding *encoding, guint video_bps, gint64 now)
{
  if (quartet_video_ladder_update (encoding->ladder, video_bps, now))
    {
      g_info ("%s encoding at %u lines, %u fps (%u kbit/s)",
              encoding == &self->encodings[0] ? "main" : "low",
              quartet_video_ladder_get_height (encoding->ladder),
              quartet_video_ladder_get_fps (encoding->ladder), video_bps / 1000);
      queue_rung (encoding);
    }
  if (ABS ((double)video_bps - encoding->video_bps) > RETUNE_RATIO * encoding->video_bps)
    {
      encoding->video_bps = video_bps;
      g_object_set (encoding->encoder, "target-bitrate", video_bps, NULL);
    }
}

/* With the lock held: the worst loss sets the audio's protection; each
 * peer gets the encoding that fits it, and each encoding the rate of its
 * slowest peer. */
static void
retune (QuartetMediaRate *self)
{
  gint64 now = g_get_monotonic_time ();
  guint slowest[QUARTET_MEDIA_MAX_ENCODINGS] = { G_MAXUINT, G_MAXUINT };
  guint users[QUARTET_MEDIA_MAX_ENCODINGS] = { 0 };
  GHashTableIter iter;
  Peer *peer;
  guint best = 0, loss_percent;
  double worst_loss = 0;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&peer))
    if (peer->reported)
      {
        best = MAX (best, video_bps_of (self, peer));
        worst_loss = MAX (worst_loss, peer->loss);
      }
  if (best == 0)
    return;

  loss_percent = (guint)(worst_loss * 100 + 0.5);
  if (self->audio_encoder != NULL && loss_percent != self->loss_percent)
    g_object_set (self->audio_encoder, "packet-loss-percentage", MIN (loss_percent, 100), NULL);
  self->loss_percent = loss_percent;

  if (self->fixed_bps > 0)
    return;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&peer))
    {
      guint encoding = peer->reported ? choose_encoding (self, peer, best, now) : peer->encoding;

      if (encoding != peer->encoding)
        {
          peer->encoding = encoding;
          peer->moved_us = now;
        }
      users[encoding]++;
      if (peer->reported)
        slowest[encoding] = MIN (slowest[encoding], video_bps_of (self, peer));
    }

  for (guint i = 0; i < self->n_encodings; i++)
    {
      Encoding *encoding = &self->encodings[i];

      if (users[i] > 0 && encoding->users == 0 && i > 0)
        start_encoding (self, encoding, slowest[i] != G_MAXUINT ? slowest[i] : VIDEO_FLOOR_BPS);
      encoding->users = users[i];
      if (slowest[i] != G_MAXUINT)
        follow (self, encoding, slowest[i], now);
    }

  /* Each asks its new encoding for a keyframe, now that it runs. */
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&peer))
    if (peer->feed != NULL)
      _quartet_media_feed_choose (peer->feed, peer->encoding);
}

/* With the lock held. */
static Peer *
lookup_peer (QuartetMediaRate *self, gconstpointer key)
{
  Peer *peer = g_hash_table_lookup (self->peers, key);

  if (peer == NULL)
    {
      peer = g_new0 (Peer, 1);
      peer->moved_us = G_MININT64 / 2;
      g_hash_table_insert (self->peers, (gpointer)key, peer);
    }
  return peer;
}

void
_quartet_media_rate_report (QuartetMediaRate *self, gconstpointer key, guint bps, double loss)
{
  Peer *peer;

  g_mutex_lock (&self->lock);
  peer = lookup_peer (self, key);
  peer->reported = TRUE;
  peer->bps = bps;
  peer->loss = loss;
  retune (self);
  g_mutex_unlock (&self->lock);
}

/* The peer's estimate no longer counts (it stopped). */
void
_quartet_media_rate_forget (QuartetMediaRate *self, gconstpointer key)
{
  Peer *peer;

  g_mutex_lock (&self->lock);
  peer = g_hash_table_lookup (self->peers, key);
  if (peer != NULL)
    {
      peer->reported = FALSE;
      if (peer->feed == NULL)
        g_hash_table_remove (self->peers, key);
      retune (self);
    }
  g_mutex_unlock (&self->lock);
}

/* The most video the peer wants, 0: no limit. */
void
_quartet_media_rate_set_cap (QuartetMediaRate *self, gconstpointer key, guint video_bps)
{
  Peer *peer;

  g_mutex_lock (&self->lock);
  peer = lookup_peer (self, key);
  peer->cap_bps = video_bps;
  retune (self);
  g_mutex_unlock (&self->lock);
}

void
_quartet_media_rate_add_feed (QuartetMediaRate *self, gconstpointer key, QuartetMediaFeed *feed)
{
  Peer *peer;

  g_mutex_lock (&self->lock);
  peer = lookup_peer (self, key);
  g_clear_pointer (&peer->feed, _quartet_media_feed_unref);
  peer->feed = _quartet_media_feed_ref (feed);
  peer->encoding = 0;
  g_mutex_unlock (&self->lock);
}

void
_quartet_media_rate_remove_feed (QuartetMediaRate *self, gconstpointer key)
{
  Peer *peer;

  g_mutex_lock (&self->lock);
  peer = g_hash_table_lookup (self->peers, key);
  if (peer != NULL)
    {
      g_clear_pointer (&peer->feed, _quartet_media_feed_unref);
      if (!peer->reported)
        g_hash_table_remove (self->peers, key);
      retune (self);
    }
  g_mutex_unlock (&self->lock);
}

/* With the lock held: a lower top steps every ladder down at once. */
static void
apply_max_height (QuartetMediaRate *self)
{
  guint top
      = self->source_height > 0 ? MIN (self->source_height, self->max_height) : self->max_height;

  for (guint i = 0; i < self->n_encodings; i++)
    {
      Encoding *encoding = &self->encodings[i];
      guint before = quartet_video_ladder_get_height (encoding->ladder);

      quartet_video_ladder_set_max_height (encoding->ladder, top);
      if (quartet_video_ladder_get_height (encoding->ladder) != before)
        queue_rung (encoding);
    }
}

/* The source's height: the ladders never scale up. */
void
_quartet_media_rate_set_source_height (QuartetMediaRate *self, guint height)
{
  g_mutex_lock (&self->lock);
  self->source_height = height;
  apply_max_height (self);
  g_mutex_unlock (&self->lock);
}

/* The user's cap (a metered connection), 0 for none; never above what
 * the machine was given. */
void
_quartet_media_rate_set_max_height (QuartetMediaRate *self, guint height)
{
  g_mutex_lock (&self->lock);
  self->user_max_height = height;
  update_max_height (self);
  apply_max_height (self);
  g_mutex_unlock (&self->lock);
}

/* A camera or a shared screen: every ladder starts over on the other
 * content's rungs, at its encoding's rate. */
void
_quartet_media_rate_set_content (QuartetMediaRate *self, QuartetVideoContent content)
{
  g_mutex_lock (&self->lock);
  if (content != self->content)
    {
      self->content = content;
      update_max_height (self);
      for (guint i = 0; i < self->n_encodings; i++)
        start_encoding (self, &self->encodings[i], self->encodings[i].video_bps);
    }
  g_mutex_unlock (&self->lock);
}

/* What encoding @index sends; FALSE when it is idle. */
gboolean
_quartet_media_rate_get_sending (
    QuartetMediaRate *self, guint index, guint *height, guint *fps, guint *bps)
{
  Encoding *encoding = &self->encodings[index];
  gboolean used;

  g_mutex_lock (&self->lock);
  used = index < self->n_encodings && (index == 0 || encoding->users > 0);
  if (used)
    {
      *height = quartet_video_ladder_get_height (encoding->ladder);
      *fps = quartet_video_ladder_get_fps (encoding->ladder);
      *bps = encoding->video_bps;
    }
  g_mutex_unlock (&self->lock);
  return used;
}
