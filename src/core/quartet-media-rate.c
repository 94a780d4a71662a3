/* quartet-media-rate.c: one send rate and picture size for the shared video encoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every peer estimates how fast it can be sent to (its bandwidth estimator,
 * fed by its TWCC reports on its RTCP thread) and reports here. The shared
 * encoder follows the slowest peer: the video gets what is left of that
 * estimate after the audio, and the ladder turns the video rate into a
 * picture size and frame rate, applied as caps before the encoder (VP8
 * carries the size in band: nothing is renegotiated). Opus gets the worst
 * peer's loss, so that its in-band FEC covers it.
 *
 * Following the slowest peer is the simple first step: one weak uplink in
 * a mesh lowers what everybody gets (issue 16, part 3, is a second
 * encoding for the weak).
 *
 * Called from the peers' streaming threads: one lock, held briefly. The
 * encoder's rate may be set from any thread, but the capsfilter's caps
 * only on the thread that pushes video through it: changed meanwhile, a
 * negotiation under way fails (not-negotiated, and the video stops). So a
 * new rung waits in pending_caps for the next frame (see
 * _quartet_media_rate_apply_pending()).
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media-private.h"
#include "quartet-video-ladder.h"

#define VIDEO_FLOOR_BPS 50000
/* Of the estimate: the rest is for retransmissions (their budget is a
 * fifth of it, quartet-peer-congestion.c), so that repairing a loss does
 * not overflow the link and lose more. */
#define ESTIMATE_SHARE 0.8
#define RETUNE_RATIO 0.03 /* smaller changes are not worth reconfiguring the encoder */

struct _QuartetMediaRate
{
  GMutex lock;
  GstElement *scaler_caps; /* the capsfilter before the encoder */
  GstElement *encoder;
  GstElement *audio_encoder; /* may be NULL */
  guint audio_bps;
  guint fixed_bps;  /* 0: follow the peers */
  guint max_height; /* the ladder's top */

  GHashTable *peers; /* peer (unowned key) -> PeerReport */
  QuartetVideoLadder *ladder;
  GstCaps *pending_caps; /* for the capsfilter, at the next frame */
  guint video_bps;
  guint loss_percent;
};

typedef struct
{
  guint bps;
  double loss;
} PeerReport;

/* With the lock held. */
static void
queue_rung (QuartetMediaRate *self)
{
  GstCaps *caps = gst_caps_new_simple (
      "video/x-raw", "height", G_TYPE_INT, (int)quartet_video_ladder_get_height (self->ladder),
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, "framerate", GST_TYPE_FRACTION,
      (int)quartet_video_ladder_get_fps (self->ladder), 1, NULL);

  gst_caps_take (&self->pending_caps, caps);
}

/* On the thread that pushes the video into the scaler, before a frame. */
void
_quartet_media_rate_apply_pending (QuartetMediaRate *self)
{
  g_autoptr (GstCaps) caps = NULL;

  g_mutex_lock (&self->lock);
  caps = g_steal_pointer (&self->pending_caps);
  g_mutex_unlock (&self->lock);

  if (caps != NULL)
    g_object_set (self->scaler_caps, "caps", caps, NULL);
}

QuartetMediaRate *
_quartet_media_rate_new (GstElement *scaler_caps,
                         GstElement *encoder,
                         GstElement *audio_encoder,
                         guint audio_bps)
{
  QuartetMediaRate *self = g_new0 (QuartetMediaRate, 1);
  const char *fixed = g_getenv ("QUARTET_VIDEO_FIXED_BITRATE");
  const char *max_height = g_getenv ("QUARTET_VIDEO_MAX_HEIGHT");

  g_mutex_init (&self->lock);
  self->scaler_caps = gst_object_ref (scaler_caps);
  self->encoder = gst_object_ref (encoder);
  self->audio_encoder = audio_encoder != NULL ? gst_object_ref (audio_encoder) : NULL;
  self->audio_bps = audio_bps;
  self->peers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  /* The benchmarks' baseline: the engine before it adapted. */
  self->fixed_bps = fixed != NULL ? (guint)g_ascii_strtoull (fixed, NULL, 10) : 0;
  /* What this machine can encode and decode for every peer: until the
   * ladder also follows the CPU's load (as libwebrtc's does), a machine
   * that runs four clients of a mesh at once (the UI tests) says so here. */
  self->max_height = max_height != NULL ? (guint)g_ascii_strtoull (max_height, NULL, 10) : 0;
  if (self->max_height == 0 || self->max_height > QUARTET_MEDIA_VIDEO_MAX_HEIGHT)
    self->max_height = QUARTET_MEDIA_VIDEO_MAX_HEIGHT;
  self->video_bps = self->fixed_bps > 0 ? self->fixed_bps : QUARTET_MEDIA_VIDEO_START_BITRATE;
  self->ladder = quartet_video_ladder_new (self->video_bps, self->max_height);

  g_object_set (encoder, "target-bitrate", self->video_bps, NULL);
  queue_rung (self);
  _quartet_media_rate_apply_pending (self); /* nothing flows yet */
  return self;
}

void
_quartet_media_rate_free (QuartetMediaRate *self)
{
  g_mutex_clear (&self->lock);
  gst_object_unref (self->scaler_caps);
  gst_object_unref (self->encoder);
  g_clear_object (&self->audio_encoder);
  gst_clear_caps (&self->pending_caps);
  g_hash_table_unref (self->peers);
  quartet_video_ladder_free (self->ladder);
  g_free (self);
}

/* With the lock held: the slowest peer sets the video rate, the worst
 * loss the audio's protection. */
static void
retune (QuartetMediaRate *self)
{
  GHashTableIter iter;
  PeerReport *report;
  guint slowest = G_MAXUINT;
  double worst_loss = 0;
  guint video_bps, loss_percent;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&report))
    {
      slowest = MIN (slowest, report->bps);
      worst_loss = MAX (worst_loss, report->loss);
    }
  if (slowest == G_MAXUINT)
    return;

  loss_percent = (guint)(worst_loss * 100 + 0.5);
  if (self->audio_encoder != NULL && loss_percent != self->loss_percent)
    g_object_set (self->audio_encoder, "packet-loss-percentage", MIN (loss_percent, 100), NULL);
  self->loss_percent = loss_percent;

  if (self->fixed_bps > 0)
    return;

  video_bps = (guint)MAX ((double)VIDEO_FLOOR_BPS, ESTIMATE_SHARE * slowest - self->audio_bps);
  if (quartet_video_ladder_update (self->ladder, video_bps, g_get_monotonic_time ()))
    {
      g_info ("sending video at %u lines, %u fps (%u kbit/s)",
              quartet_video_ladder_get_height (self->ladder),
              quartet_video_ladder_get_fps (self->ladder), video_bps / 1000);
      queue_rung (self);
    }
  if (ABS ((double)video_bps - self->video_bps) > RETUNE_RATIO * self->video_bps)
    {
      self->video_bps = video_bps;
      g_object_set (self->encoder, "target-bitrate", video_bps, NULL);
    }
}

void
_quartet_media_rate_report (QuartetMediaRate *self, gconstpointer peer, guint bps, double loss)
{
  PeerReport *report;

  g_mutex_lock (&self->lock);
  report = g_hash_table_lookup (self->peers, peer);
  if (report == NULL)
    {
      report = g_new0 (PeerReport, 1);
      g_hash_table_insert (self->peers, (gpointer)peer, report);
    }
  report->bps = bps;
  report->loss = loss;
  retune (self);
  g_mutex_unlock (&self->lock);
}

void
_quartet_media_rate_forget (QuartetMediaRate *self, gconstpointer peer)
{
  g_mutex_lock (&self->lock);
  if (g_hash_table_remove (self->peers, peer))
    retune (self);
  g_mutex_unlock (&self->lock);
}

/* The source's height: the ladder never scales up. */
void
_quartet_media_rate_set_source_height (QuartetMediaRate *self, guint height)
{
  guint before;

  g_mutex_lock (&self->lock);
  before = quartet_video_ladder_get_height (self->ladder);
  quartet_video_ladder_set_max_height (self->ladder, MIN (height, self->max_height));
  if (quartet_video_ladder_get_height (self->ladder) != before)
    queue_rung (self);
  g_mutex_unlock (&self->lock);
}

void
_quartet_media_rate_get_sending (QuartetMediaRate *self, guint *height, guint *fps, guint *bps)
{
  g_mutex_lock (&self->lock);
  *height = quartet_video_ladder_get_height (self->ladder);
  *fps = quartet_video_ladder_get_fps (self->ladder);
  *bps = self->video_bps;
  g_mutex_unlock (&self->lock);
}
