/* quartet-media-private.h: what a QuartetPeer links to inside the media's pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/video/video.h>

#include "quartet-audio-meter.h"
#include "quartet-media.h"
#include "quartet-video-ladder.h"

#include <libportal/portal.h>

G_BEGIN_DECLS

/* RTP payload types we offer; an answer uses whatever the remote offer chose. */
#define QUARTET_MEDIA_VP8_PT 96
#define QUARTET_MEDIA_OPUS_PT 97

/* The shared encodings: the main one, and one for peers that cannot take
 * its rate (quartet-media-rate.c). */
#define QUARTET_MEDIA_MAX_ENCODINGS 2

/* The video one peer sends: the media's encodings, behind a switch in the
 * peer's bin that the media's rate turns (quartet-media-feed.c). It
 * carries VP8 (video/x-vp8), or raw video when the media encodes per
 * peer: then the peer puts _quartet_media_make_video_encoder() in its own
 * branch. */
typedef struct _QuartetMediaFeed QuartetMediaFeed;

QuartetMediaFeed *_quartet_media_feed_new (GstBin *bin, GstElement *const *tees, guint n_tees);
QuartetMediaFeed *_quartet_media_feed_ref (QuartetMediaFeed *self);
void _quartet_media_feed_unref (QuartetMediaFeed *self);
GstElement *_quartet_media_feed_get_element (QuartetMediaFeed *self);
void _quartet_media_feed_connect (QuartetMediaFeed *self);
void _quartet_media_feed_choose (QuartetMediaFeed *self, guint index);
guint _quartet_media_feed_get_current (QuartetMediaFeed *self);
void _quartet_media_feed_disconnect (QuartetMediaFeed *self);

/* (transfer full) A feed whose selector is in @bin, or NULL when the media
 * has no video or has not been started. @key is what the peer reports its
 * estimates with. Link the branch to its element, then connect it; give
 * it back with _quartet_media_release_video_feed(). */
QuartetMediaFeed *
_quartet_media_request_video_feed (QuartetMedia *self, gconstpointer key, GstBin *bin);
void
_quartet_media_release_video_feed (QuartetMedia *self, gconstpointer key, QuartetMediaFeed *feed);
/* The most video the peer behind @key wants (b=AS in its SDP), 0: no limit. */
void _quartet_media_set_video_cap (QuartetMedia *self, gconstpointer key, guint video_bps);
/* The height of what the feed sends now, 0 when unknown. */
guint _quartet_media_get_video_feed_height (QuartetMedia *self, QuartetMediaFeed *feed);

/* Request pads on the media's audio tee and playback mixer, each (transfer
 * full), or NULL when the media has no such stream or has not been
 * started. Give them back with _quartet_media_release_pad(). The audio pad
 * carries Opus. The playback pad takes S16LE 48 kHz stereo, see
 * QUARTET_MEDIA_PLAYBACK_CAPS. */
GstPad *_quartet_media_request_audio_pad (QuartetMedia *self);
GstPad *_quartet_media_request_playback_pad (QuartetMedia *self);
void _quartet_media_release_pad (QuartetMedia *self, GstPad *pad);

gboolean _quartet_media_get_encode_per_peer (QuartetMedia *self);

/* Upstream force-key-unit events that reached the shared video encoders:
 * proves that a peer's PLI/FIR gets through the tee. */
guint _quartet_media_get_keyframe_requests (QuartetMedia *self);

#define QUARTET_MEDIA_OPUS_BITRATE 48000
#define QUARTET_MEDIA_PLAYBACK_CAPS                                                                \
  "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2"
/* The rate of an encoder per peer (the benchmark baseline), and where the
 * shared encoder starts before the peers' estimates come in. */
#define QUARTET_MEDIA_VIDEO_BITRATE 1000000
#define QUARTET_MEDIA_VIDEO_START_BITRATE 1000000
/* Test patterns are made at the top of the ladder; a camera gives what it
 * has up to that, and the ladder scales down from there, never up. */
#define QUARTET_MEDIA_VIDEO_MAX_HEIGHT 720
#define QUARTET_MEDIA_PATTERN_WIDTH 1280
#define QUARTET_MEDIA_PATTERN_HEIGHT 720
#define QUARTET_MEDIA_PATTERN_CAPS                                                                 \
  "video/x-raw,format=I420,width=1280,height=720,framerate=30/1,pixel-aspect-ratio=1/1"
/* A shared screen: sharpness over motion (quartet-video-ladder.c). Its
 * own size: not scaled here, where negotiation would pick the size the
 * encoders' rungs had then and the ladder, which never scales up, would
 * stay under it; each encoding's scaler takes it to its rung. At the
 * camera's 30 fps (repeated frames, a reference each) so that it links
 * where a camera was: each encoding's videorate only drops, to its rung's
 * 5 to 15 fps. */
#define QUARTET_MEDIA_SCREEN_MAX_HEIGHT 1080
#define QUARTET_MEDIA_SCREEN_CAPS "video/x-raw,format=I420,framerate=30/1"
#define QUARTET_MEDIA_CAMERA_CAPS                                                                  \
  "video/x-raw,format=I420,width=(int)[16,1280],height=(int)[16,720],framerate=30/1,"              \
  "pixel-aspect-ratio=1/1"

/* What the peers' bandwidth estimators found, from their streaming
 * threads; the shared encodings follow (quartet-media-rate.c). Without
 * them (encode per peer) they are ignored. */
void
_quartet_media_report_estimate (QuartetMedia *self, gconstpointer peer, guint bps, double loss);
void _quartet_media_forget_estimate (QuartetMedia *self, gconstpointer peer);

/* quartet-media-elements.c */
gboolean
_quartet_media_check_elements (gboolean video, gboolean camera, gboolean audio, GError **error);
gboolean _quartet_media_has_element (const char *name);
GstElement *_quartet_media_make_audio_sink (const char *speaker);
GstElement *
_quartet_media_make_pulse_element (const char *factory, const char *device, GError **error);
GstElement *_quartet_media_find_element (GstBin *bin, const char *factory);
GstElement *_quartet_media_make_microphone (const char *device, GError **error);
GstElement *_quartet_media_make_device_source (const char *device_class, GError **error);
GstElement *_quartet_media_make_test_pattern (const char *pattern, GError **error);
GstElement *_quartet_media_make_capsfilter (const char *caps_string);
GstElement *_quartet_media_make_leaky_queue (guint max_buffers);
GstElement *_quartet_media_make_video_encoder (void);
GstEvent *_quartet_media_new_peer_start_keyframe_request (void);
gboolean _quartet_media_add_chain (
    GstBin *pipeline, GPtrArray *elements, GstElement **chain, gsize n, GError **error);
GThread *_quartet_media_warm_up (void);
GstSample *_quartet_media_convert_sample (GstSample *sample,
                                          GstVideoFormat format,
                                          guint width,
                                          guint height);

/* quartet-media-rate.c */
typedef struct _QuartetMediaRate QuartetMediaRate;

QuartetMediaRate *_quartet_media_rate_new (GstElement *const *scaler_caps,
                                           GstElement *const *encoders,
                                           guint n_encodings,
                                           GstElement *audio_encoder,
                                           guint audio_bps);
void _quartet_media_rate_free (QuartetMediaRate *self);
void _quartet_media_rate_report (QuartetMediaRate *self, gconstpointer key, guint bps, double loss);
void _quartet_media_rate_forget (QuartetMediaRate *self, gconstpointer key);
void _quartet_media_rate_set_cap (QuartetMediaRate *self, gconstpointer key, guint video_bps);
void
_quartet_media_rate_add_feed (QuartetMediaRate *self, gconstpointer key, QuartetMediaFeed *feed);
void _quartet_media_rate_remove_feed (QuartetMediaRate *self, gconstpointer key);
void _quartet_media_rate_set_source_height (QuartetMediaRate *self, guint height);
void _quartet_media_rate_set_max_height (QuartetMediaRate *self, guint height);
void _quartet_media_rate_set_content (QuartetMediaRate *self, QuartetVideoContent content);
gboolean _quartet_media_rate_apply_pending (QuartetMediaRate *self, guint index);
gboolean _quartet_media_rate_get_sending (
    QuartetMediaRate *self, guint index, guint *height, guint *fps, guint *bps);

/* When sound starts at the speaker (quartet-media-voice.c). */
typedef struct _QuartetSoundOnsets QuartetSoundOnsets;

/* quartet-media-audio.c */
typedef struct
{
  /* Given: */
  QuartetAudioMeter *meter; /* measures what goes into the mute */
  const char *voice_file;   /* the test voice's, NULL for the tone */
  guint talk_turns;         /* the test voice's turns, a bit each, 0: it talks always */
  guint turn_count;
  GstElement *room;    /* what the speaker plays, to come back into the test voice's */
  guint room_delay_ms; /* "microphone" that much later; NULL: no room */
  /* Made: */
  GstElement *volume; /* mutes */
  GstElement *encoder;
  GstElement *tee; /* the peers' audio pads */
} QuartetMediaAudioCapture;

gboolean _quartet_media_can_process_voice (void);
gboolean _quartet_media_build_audio (GstBin *pipeline,
                                     GPtrArray *elements,
                                     gboolean microphone,
                                     const char *microphone_device,
                                     gboolean muted,
                                     const char *probe_name,
                                     QuartetMediaAudioCapture *capture,
                                     GError **error);
GstElement *_quartet_media_build_playback (GstBin *pipeline,
                                           GPtrArray *elements,
                                           const char *speaker,
                                           const char *recording,
                                           const char *probe_name,
                                           GstElement **played,
                                           GstElement **recorder,
                                           QuartetSoundOnsets *onsets,
                                           GError **error);

/* Gives back a pad of the playback mixer, safely while it mixes. */
void _quartet_media_release_mixer_pad (GstPad *pad);

/* quartet-media-voice.c */
QuartetSoundOnsets *_quartet_sound_onsets_new (void);
void _quartet_sound_onsets_free (QuartetSoundOnsets *self);
/* Before @sink plays: it must take S16 audio. */
void _quartet_sound_onsets_watch_sink (QuartetSoundOnsets *self, GstElement *sink);
/* (transfer full): the onsets heard since the last call, gint64 µs each. */
GArray *_quartet_sound_onsets_take (QuartetSoundOnsets *self);
/* Before the pipeline stops: the recording's WAV header gets its length. */
void _quartet_media_finish_recording (QuartetMedia *self);

GstElement *_quartet_media_make_test_voice (const char *file,
                                            guint talk_turns,
                                            guint turn_count,
                                            GError **error);
gboolean _quartet_media_build_room (GstBin *pipeline,
                                    GPtrArray *elements,
                                    GstElement *played,
                                    GstElement *microphone,
                                    guint delay_ms,
                                    GError **error);

/* quartet-media-video.c */
#define QUARTET_MEDIA_UNKNOWN_VIDEO_SOURCE                                                         \
  "Unknown video source '%s' (use pattern:N, file:PATH.y4m, camera, camera:NAME or none)"
/* @camera_portal: cameras come from it, once it allowed them (or NULL). */
GstElement *
_quartet_media_make_video_source (const char *video, XdpPortal *camera_portal, GError **error);
/* (transfer full) The Camera portal's cameras (GstDevice), listed on a
 * PipeWire remote of their own. Every connection to the portal's PipeWire
 * gets its own remote (OpenPipeWireRemote again): gst-pipewire 0.3.65
 * keeps one connection per fd and, once it is gone, a new one on the same
 * socket says hello again, and the server takes back the first one's
 * objects under the second (a double free); its provider's stop() and
 * probe() also leave hooks on a connection that lives on. */
GList *_quartet_media_list_portal_cameras (XdpPortal *portal, GError **error);
GstElement *_quartet_media_make_screen_source (int pipewire_fd, guint32 node, GError **error);
/* quartet-media-file.c */
GstElement *_quartet_media_make_file_source (const char *path, GError **error);

void _quartet_media_replace_video_source (GstPipeline *pipeline,
                                          GstElement *old,
                                          GstElement *replacement);

G_END_DECLS
