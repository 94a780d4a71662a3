/* quartet-peer-receive.c: decoding what one webrtcbin receives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each stream webrtcbin exposes (pad-added, on a streaming thread):
 *
 *   video: rtpvp8depay ! vp8dec ! appsink (I420, converted to RGB when looked at)
 *   audio: rtpopusdepay ! opusdec ! audioconvert ! audioresample ! queue -> the media's mixer
 *
 * The elements go into the peer's bin, next to its webrtcbin. The depayloader
 * waits for a keyframe and asks for one (a force-key-unit event upstream,
 * which the RTP session sends as PLI), so a receiver that joins late or
 * loses packets does not wait for the sender's next periodic keyframe.
 */
#define G_LOG_DOMAIN "quartet-peer"

#include "quartet-peer-private.h"
#include "quartet-audio-meter.h"
#include "quartet-frame-cache.h"
#include "quartet-media-private.h"
#include "quartet-playout-delay.h"

#include <gst/app/app.h>
#include <gst/rtp/rtp.h>
#include <gst/video/video.h>

#define FRAME_TIMES 128      /* more than a second of frames at any rate we expect */
#define VIDEO_LATENCY_MS 500 /* see set_jitter_buffer_latency() */
#define OPUS_CLOCK_RATE 48000
#define VIDEO_LEAD (30 * GST_MSECOND) /* see add_video_branch() */
/* opusdec with in-band FEC holds one packet back, and says so as the
 * longest an Opus packet can be; WebRTC's last 20 ms. */
#define OPUSDEC_FEC_CLAIM (120 * GST_MSECOND)
#define OPUS_PACKET (20 * GST_MSECOND)

struct _QuartetPeerReceive
{
  GstBin *bin;         /* the peer's, which owns us */
  QuartetMedia *media; /* the peer holds a reference */
  gboolean with_video;
  QuartetPeerFirstFrameFunc first_frame;
  gpointer user_data;

  /* Written on streaming threads, read on the main context. */
  GMutex lock;
  gboolean stopped;
  guint64 video_frames;
  guint64 audio_packets;
  gint64 frame_times[FRAME_TIMES]; /* monotonic µs of the latest frames, a ring */

  GPtrArray *playback_pads;  /* the media mixer's pads we feed */
  QuartetFrameCache *frames; /* the decoded ones, I420; locks itself */
  QuartetAudioMeter *meter;  /* of the decoded audio; locks itself */
};

QuartetPeerReceive *
_quartet_peer_receive_new (GstBin *bin,
                           QuartetMedia *media,
                           gboolean with_video,
                           QuartetPeerFirstFrameFunc first_frame,
                           gpointer user_data)
{
  QuartetPeerReceive *self = g_new0 (QuartetPeerReceive, 1);

  self->bin = bin;
  self->media = media;
  self->with_video = with_video;
  self->first_frame = first_frame;
  self->user_data = user_data;
  g_mutex_init (&self->lock);
  self->frames = _quartet_frame_cache_new ();
  self->meter = _quartet_audio_meter_new ();
  self->playback_pads = g_ptr_array_new_with_free_func (gst_object_unref);
  return self;
}

static GstFlowReturn
on_new_sample_cb (GstAppSink *sink, gpointer user_data)
{
  QuartetPeerReceive *self = user_data;
  g_autoptr (GstSample) pulled = gst_app_sink_pull_sample (sink);
  gint64 now = g_get_monotonic_time ();
  GstSample *sample;
  gboolean first;

  if (pulled == NULL)
    return GST_FLOW_FLUSHING;

  /* Its info says when it was decoded: the latency benchmark needs it, and
   * appsink may share the sample it gives us, so it cannot be written to. */
  sample = gst_sample_new (gst_sample_get_buffer (pulled), gst_sample_get_caps (pulled), NULL,
                           gst_structure_new ("quartet-frame", "decoded-us", G_TYPE_INT64, now,
                                              NULL));

  g_mutex_lock (&self->lock);
  first = self->video_frames == 0;
  self->frame_times[self->video_frames % FRAME_TIMES] = now;
  self->video_frames++;
  g_mutex_unlock (&self->lock);
  _quartet_frame_cache_put (self->frames, sample);

  /* A sink's first frame is shown as soon as it is decoded (a call's first
   * picture should not wait), the rest with their sound (add_video_branch()). */
  if (!gst_base_sink_get_sync (GST_BASE_SINK (sink)))
    gst_base_sink_set_sync (GST_BASE_SINK (sink), TRUE);
  if (first && self->first_frame != NULL)
    self->first_frame (self->user_data);

  return GST_FLOW_OK;
}

/* Video's jitter buffer waits half a second for a retransmission
 * (set_jitter_buffer_latency()); told to the pipeline, that would hold
 * the sound as long. So the video sink says its branch sets no latency:
 * it takes the pipeline's, which the audio sets. */
static GstPadProbeReturn
on_video_latency_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);

  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY)
    gst_query_set_latency (query, FALSE, 0, GST_CLOCK_TIME_NONE);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_audio_rtp_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  QuartetPeerReceive *self = user_data;
  guint packets = 1;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    packets = gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));

  g_mutex_lock (&self->lock);
  self->audio_packets += packets;
  g_mutex_unlock (&self->lock);

  return GST_PAD_PROBE_OK;
}

/* The latency opusdec adds for in-band FEC, corrected to what it holds:
 * one packet. Claimed whole, its 120 ms went into the pipeline's latency
 * and every sound played 100 ms later (bench/latency.py: mouth to ear
 * 167 -> 290 ms). A sender of longer packets than 20 ms would have its
 * held packet's successor reach the mixer late (then dropped, concealed):
 * browsers and the QuickBlox SDKs send 20 ms. */
static GstPadProbeReturn
on_decoder_latency_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  GstClockTime min, max;
  gboolean live;

  if (GST_QUERY_TYPE (query) != GST_QUERY_LATENCY || !gst_query_is_writable (query))
    return GST_PAD_PROBE_OK;

  gst_query_parse_latency (query, &live, &min, &max);
  if (min >= OPUSDEC_FEC_CLAIM)
    min -= OPUSDEC_FEC_CLAIM - OPUS_PACKET;
  if (GST_CLOCK_TIME_IS_VALID (max) && max >= OPUSDEC_FEC_CLAIM)
    max -= OPUSDEC_FEC_CLAIM - OPUS_PACKET;
  gst_query_set_latency (query, live, min, max);
  return GST_PAD_PROBE_OK;
}

/* Puts @chain into the bin, linked and playing, and only then links
 * webrtcbin's @pad to it: data must not meet a pad that is still flushing. */
static gboolean
add_branch (QuartetPeerReceive *self, GstPad *pad, GstElement **chain, gsize n, GstPad *out)
{
  g_autoptr (GstPad) sink = NULL;

  for (gsize i = 0; i < n; i++)
    if (chain[i] == NULL)
      {
        for (gsize j = 0; j < n; j++)
          if (chain[j] != NULL)
            gst_object_unref (gst_object_ref_sink (chain[j]));
        g_info ("A GStreamer element for a received stream is missing");
        return FALSE;
      }

  for (gsize i = 0; i < n; i++)
    gst_bin_add (self->bin, chain[i]);
  for (gsize i = 0; i + 1 < n; i++)
    if (!gst_element_link (chain[i], chain[i + 1]))
      return FALSE;

  if (out != NULL)
    {
      g_autoptr (GstPad) last = gst_element_get_static_pad (chain[n - 1], "src");
      GstPad *ghost = gst_ghost_pad_new (NULL, last);

      gst_pad_set_active (ghost, TRUE);
      gst_element_add_pad (GST_ELEMENT (self->bin), ghost);
      if (gst_pad_link (ghost, out) != GST_PAD_LINK_OK)
        return FALSE;
    }

  for (gsize i = n; i > 0; i--)
    gst_element_sync_state_with_parent (chain[i - 1]);

  sink = gst_element_get_static_pad (chain[0], "sink");
  return gst_pad_link (pad, sink) == GST_PAD_LINK_OK;
}

static GstPad *
resolve_ghost_pad (GstPad *pad)
{
  while (pad != NULL && GST_IS_GHOST_PAD (pad))
    {
      GstPad *target = gst_ghost_pad_get_target (GST_GHOST_PAD (pad));

      gst_object_unref (pad);
      pad = target;
    }
  return pad;
}

/* The rtpjitterbuffer that feeds @pad, a webrtcbin source pad: up the
 * chain inside rtpbin (jitter buffer, payload demuxer, FEC decoders) from
 * element to element by their "sink" pads. NULL if not found there. */
static GstElement *
find_jitter_buffer (GstPad *pad)
{
  GstPad *src = resolve_ghost_pad (gst_object_ref (pad));

  for (guint hops = 0; src != NULL && hops < 8; hops++)
    {
      g_autoptr (GstElement) element = gst_pad_get_parent_element (src);
      g_autoptr (GstPad) sink = NULL;

      g_clear_object (&src);
      if (element == NULL)
        break;
      if (g_str_equal (G_OBJECT_TYPE_NAME (element), "GstRtpJitterBuffer"))
        return g_steal_pointer (&element);
      sink = gst_element_get_static_pad (element, "sink");
      if (sink != NULL)
        src = resolve_ghost_pad (gst_pad_get_peer (sink));
    }

  g_clear_object (&src);
  return NULL;
}

/* On the jitter buffer's streaming thread, before it takes @info's packet:
 * the packet's transit moves the delay the buffer waits for late ones.
 * A change has the pipeline's latency, and so when the mixer plays our
 * audio, recomputed (the jitter buffer posts a latency message). */
static GstPadProbeReturn
on_audio_packet_arrived_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  QuartetPlayoutDelay *delay = user_data;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint32 timestamp;

  if (!gst_rtp_buffer_map (GST_PAD_PROBE_INFO_BUFFER (info), GST_MAP_READ, &rtp))
    return GST_PAD_PROBE_OK;
  timestamp = gst_rtp_buffer_get_timestamp (&rtp);
  gst_rtp_buffer_unmap (&rtp);

  if (quartet_playout_delay_add_packet (delay, timestamp, g_get_monotonic_time ()))
    {
      g_autoptr (GstElement) buffer = gst_pad_get_parent_element (pad);
      guint ms = quartet_playout_delay_get_ms (delay);

      g_debug ("Received audio now waits %u ms for late packets", ms);
      if (buffer != NULL)
        g_object_set (buffer, "latency", ms, NULL);
    }
  return GST_PAD_PROBE_OK;
}

/* A jitter buffer starts with a few milliseconds of latency, so that a
 * call's first packet is not held (quartet-peer.c, on_new_jitter_buffer_cb());
 * it gets its own once the stream it carries is known, here.
 *
 * Audio: a delay that follows the jitter the link shows, as a browser's
 * (quartet-playout-delay.c): 20 ms on a steady link, more on an uneven
 * one. The pipeline's latency covers it (add_audio_branch() has it
 * recomputed), so its packets play in time. It is the part of mouth to
 * ear that a link sets (the rest is about 90 ms, bench/RESULTS.md); the
 * fixed 100 ms it was set for the worst link a call might meet.
 * `do-lost`: a packet given up on is told downstream, so that Opus
 * conceals it or rebuilds it from the next one's FEC (video's buffers
 * are left as webrtcbin makes them).
 *
 * Video: a lost packet is asked for again (NACK) and comes a round trip
 * later; a jitter buffer that gives it up sooner loses the frame, and the
 * picture freezes until a keyframe. So video's buffers wait
 * VIDEO_LATENCY_MS, room for a retry on a 200 ms round trip. That costs
 * nothing while packets come in order (they are let through at once) and
 * does not delay audio: video sinks leave their branch out of the
 * pipeline's latency (on_video_latency_cb()).
 *
 * A packet is asked for only once a later one has come (a gap), as
 * libwebrtc's NACK module does. rtpjitterbuffer's default also asks for the
 * next packet when it is later than its estimate (`rtx-next-seqnum`): on a
 * link near its capacity every packet is a little late, so it asked for
 * packets that were on their way, their retransmissions filled the link,
 * the queue grew, more looked late, and within half a second the
 * bottleneck's queue overflowed and the picture froze (every few seconds at
 * 400 kbit/s and at 2 Mbit/s alike; the sender's estimate then saw loss it
 * had not caused). */
static void
set_jitter_buffer_latency (GstPad *pad, gboolean video)
{
  g_autoptr (GstElement) buffer = find_jitter_buffer (pad);
  g_autoptr (GstPad) arrivals = NULL;

  if (buffer == NULL)
    {
      g_info ("No jitter buffer found behind %s", GST_PAD_NAME (pad));
      return;
    }
  if (video)
    {
      g_object_set (buffer, "latency", VIDEO_LATENCY_MS, "rtx-next-seqnum", FALSE, NULL);
      return;
    }

  g_object_set (buffer, "latency", QUARTET_PLAYOUT_DELAY_START_MS, "do-lost", TRUE, NULL);
  arrivals = gst_element_get_static_pad (buffer, "sink");
  if (arrivals != NULL)
    gst_pad_add_probe (arrivals, GST_PAD_PROBE_TYPE_BUFFER, on_audio_packet_arrived_cb,
                       quartet_playout_delay_new (OPUS_CLOCK_RATE),
                       (GDestroyNotify)quartet_playout_delay_free);
}

static gboolean
add_video_branch (QuartetPeerReceive *self, GstPad *pad)
{
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample_cb };
  GstElement *chain[5];
  GstElement *sink;
  gsize n = 0;

  chain[n++] = gst_element_factory_make_full ("rtpvp8depay", "wait-for-keyframe", TRUE,
                                              "request-keyframe", TRUE, NULL);
  /* One thread: libvpx decodes a VP8 frame on several only when it has
   * several token partitions, and neither our encoder nor libwebrtc's
   * makes more than one; vp8dec would otherwise start a thread per core
   * for each peer, idle, with its row buffers (bench/RESULTS.md,
   * "decoder threads"). libwebrtc's own VP8 decoder runs on one thread. */
  chain[n++] = gst_element_factory_make_full ("vp8dec", "threads", 1, NULL);
  /* Lip sync: a frame is shown with the sound of its instant, at its time
   * plus the pipeline's latency, which is the audio's (both jitter buffers
   * time packets by their arrival), less VIDEO_LEAD: sound a little behind
   * its picture is what a listener meets across a room and does not
   * notice (EBU R37 allows 60 ms), sound ahead is noticed at 40; and every
   * millisecond held is one more of glass to glass. A frame decoded later
   * than that is shown at once (appsink drops nothing late).
   * async=FALSE: a sink added to a playing pipeline must not make it wait
   * for a preroll. */
  chain[n++] = sink = gst_element_factory_make_full (
      "appsink", "sync", FALSE, "ts-offset", -VIDEO_LEAD, "async", FALSE, "max-buffers", 1, "drop",
      TRUE, "enable-last-sample", FALSE, NULL);
  if (sink != NULL)
    {
      g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (sink, "sink");

      gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
      gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_QUERY_UPSTREAM | GST_PAD_PROBE_TYPE_PULL,
                         on_video_latency_cb, NULL, NULL);
    }

  set_jitter_buffer_latency (pad, TRUE);
  return add_branch (self, pad, chain, n, NULL);
}

static gboolean
add_audio_branch (QuartetPeerReceive *self, GstPad *pad)
{
  g_autoptr (GstPad) playback = _quartet_media_request_playback_pad (self->media);
  GstElement *chain[6];
  gsize n = 0;

  chain[n++] = gst_element_factory_make ("rtpopusdepay", NULL);
  if (chain[0] != NULL)
    {
      g_autoptr (GstPad) depay_sink = gst_element_get_static_pad (chain[0], "sink");

      gst_pad_add_probe (depay_sink, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                         on_audio_rtp_cb, self, NULL);
    }
  /* Concealment (plc) for a lost packet, or better, its copy at a lower
   * rate in the next packet (in-band FEC; the sender adds it at the loss
   * we report, quartet-media-rate.c). FEC holds each packet back a frame
   * in case the one before it is lost: 20 ms more mouth to ear (see
   * on_decoder_latency_cb()).
   * Of the speech at 5 % / 15 % loss, 0.1 % / 1 % is lost in drop-outs
   * with both, 2 % / 9.9 % with neither (bench/RESULTS.md, "speech over
   * loss"). */
  chain[n++] = gst_element_factory_make_full ("opusdec", "plc", TRUE, "use-inband-fec", TRUE, NULL);
  /* opusdec gives S16LE, which is all the meter reads. */
  if (chain[1] != NULL)
    {
      g_autoptr (GstPad) decoded = gst_element_get_static_pad (chain[1], "src");

      _quartet_audio_meter_watch_pad (self->meter, decoded);
      gst_pad_add_probe (decoded, GST_PAD_PROBE_TYPE_QUERY_UPSTREAM | GST_PAD_PROBE_TYPE_PULL,
                         on_decoder_latency_cb, NULL, NULL);
    }
  if (playback != NULL)
    {
      chain[n++] = gst_element_factory_make ("audioconvert", NULL);
      chain[n++] = gst_element_factory_make ("audioresample", NULL);
      chain[n++] = _quartet_media_make_capsfilter (QUARTET_MEDIA_PLAYBACK_CAPS);
      /* Leaky: webrtcbin's thread must never wait for the mixer. Our audio
       * waits here for its time, the jitter buffer's delay and more. */
      chain[n++] = gst_element_factory_make_full ("queue", "max-size-buffers", 0, "max-size-bytes",
                                                  0, "max-size-time", 500 * GST_MSECOND, NULL);
      gst_util_set_object_arg (G_OBJECT (chain[n - 1]), "leaky", "downstream");

      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->playback_pads, gst_object_ref (playback));
      g_mutex_unlock (&self->lock);
    }
  else
    {
      chain[n++] = gst_element_factory_make_full ("fakesink", "async", FALSE, "sync", FALSE, NULL);
    }

  set_jitter_buffer_latency (pad, FALSE);
  if (!add_branch (self, pad, chain, n, playback))
    return FALSE;

  /* The pipeline's latency must now cover our jitter buffer and decoder,
   * or the mixer would drop our audio as late. */
  gst_element_post_message (GST_ELEMENT (self->bin),
                            gst_message_new_latency (GST_OBJECT (self->bin)));
  return TRUE;
}

static gboolean
add_discard_branch (QuartetPeerReceive *self, GstPad *pad)
{
  GstElement *sink
      = gst_element_factory_make_full ("fakesink", "async", FALSE, "sync", FALSE, NULL);

  return add_branch (self, pad, &sink, 1, NULL);
}

/* On a streaming thread: webrtcbin has a new incoming stream. */
void
_quartet_peer_receive_add_pad (QuartetPeerReceive *self, GstPad *pad)
{
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const GstStructure *s = caps != NULL ? gst_caps_get_structure (caps, 0) : NULL;
  const char *encoding = s != NULL ? gst_structure_get_string (s, "encoding-name") : NULL;
  gboolean stopped;
  gboolean linked;

  g_mutex_lock (&self->lock);
  stopped = self->stopped;
  g_mutex_unlock (&self->lock);

  if (stopped || GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  /* An audio-only peer that declined video may get it all the same. */
  if (g_strcmp0 (encoding, "VP8") == 0 && self->with_video)
    linked = add_video_branch (self, pad);
  else if (g_strcmp0 (encoding, "OPUS") == 0)
    linked = add_audio_branch (self, pad);
  else
    linked = add_discard_branch (self, pad);

  g_debug ("Received %s stream on %s: %s", encoding ? encoding : "unknown", GST_PAD_NAME (pad),
           linked ? "linked" : "not linked");
}

static void
frame_size (GstSample *sample, QuartetPeerStats *stats)
{
  GstVideoInfo info;

  if (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)))
    {
      stats->width = GST_VIDEO_INFO_WIDTH (&info);
      stats->height = GST_VIDEO_INFO_HEIGHT (&info);
    }
}

/* Fills everything but rtt_ms, which the peer knows. */
void
_quartet_peer_receive_get_stats (QuartetPeerReceive *self, QuartetPeerStats *stats)
{
  g_autoptr (GstSample) sample = NULL;
  gint64 now = g_get_monotonic_time ();
  guint frames_in_last_second = 0;

  g_mutex_lock (&self->lock);
  stats->video_frames = self->video_frames;
  stats->audio_packets = self->audio_packets;
  for (guint i = 0; i < MIN (self->video_frames, FRAME_TIMES); i++)
    if (now - self->frame_times[i] <= G_USEC_PER_SEC)
      frames_in_last_second++;
  g_mutex_unlock (&self->lock);

  /* As decoded: converting it only to read its size cost a 720p
   * conversion a second, and the tile's own one. */
  sample = _quartet_frame_cache_get_latest (self->frames);

  stats->fps = frames_in_last_second;
  stats->audio_rms_db = _quartet_audio_meter_get_mean_level (self->meter);
  if (sample != NULL)
    frame_size (sample, stats);
}

/* The last frame in RGB, converted at most once. */
GstSample *
_quartet_peer_receive_get_last_frame (QuartetPeerReceive *self, guint width)
{
  return _quartet_frame_cache_get_rgb (self->frames, width, 0);
}

double
_quartet_peer_receive_get_audio_level (QuartetPeerReceive *self)
{
  return _quartet_audio_meter_get_level (self->meter);
}

/* Gives back the mixer pads, once the bin stopped (quartet-peer.c,
 * shut_down()): the mixer lets them go between two mixing passes. */
void
_quartet_peer_receive_stop (QuartetPeerReceive *self)
{
  g_autoptr (GPtrArray) pads = NULL;

  g_mutex_lock (&self->lock);
  self->stopped = TRUE;
  pads = g_steal_pointer (&self->playback_pads);
  self->playback_pads = g_ptr_array_new_with_free_func (gst_object_unref);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < pads->len; i++)
    _quartet_media_release_mixer_pad (g_ptr_array_index (pads, i));
}

void
_quartet_peer_receive_free (QuartetPeerReceive *self)
{
  g_clear_pointer (&self->frames, _quartet_frame_cache_free);
  g_clear_pointer (&self->meter, _quartet_audio_meter_free);
  g_clear_pointer (&self->playback_pads, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  g_free (self);
}
