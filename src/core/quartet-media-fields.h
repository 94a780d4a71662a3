/* quartet-media-fields.h: QuartetMedia's fields, for the files that make it up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-frame-cache.h"
#include "quartet-media-private.h"

G_BEGIN_DECLS

typedef enum
{
  VIDEO_NONE,
  VIDEO_PATTERN, /* or a file: made up, not captured */
  VIDEO_CAMERA,
} VideoKind;

/* libwebrtc's for screen content: blocks that changed less are not coded. */
#define SCREEN_STATIC_THRESHOLD 100

typedef enum
{
  AUDIO_NONE,
  AUDIO_TONE,
  AUDIO_FILE,
  AUDIO_MIC,
} AudioKind;

struct _QuartetMedia
{
  GObject parent_instance;

  char *video;
  char *audio;
  VideoKind video_kind;
  AudioKind audio_kind;
  guint talk_turns, turn_count; /* the test voice's turns (a bit each), 0: it talks always */
  guint room_delay_ms;          /* the test voice's room, 0: none */
  QuartetSoundOnsets *onsets;   /* when sound starts at the speaker, or NULL */
  char *recording;              /* a WAV file the speaker's sound goes to, or NULL */
  GstElement *recorder;         /* its wavenc, while built */
  gboolean encode_per_peer;
  gboolean voice_processing;
  guint max_video_height; /* the user's cap, 0 for none */
  gboolean echo_cancellation;
  char *microphone_device; /* PulseAudio names; NULL: the server's default */
  char *speaker_device;
  gboolean video_muted;
  gboolean audio_muted;
  int screen_fd;            /* the shared screen's PipeWire remote, or -1 */
  XdpPortal *camera_portal; /* once it allowed the cameras */
  guint32 screen_node;

  GMainContext *context;
  GstPipeline *pipeline;
  GSource *bus_source;
  gboolean built;
  GPtrArray *capture; /* the elements built by start(), owned by the pipeline */
  GThread *warm_up;

  /* Owned by the pipeline; set once it is built. */
  GstElement *video_source;
  GstElement *video_tees[QUARTET_MEDIA_MAX_ENCODINGS]; /* raw video with encode-per-peer */
  guint n_video_tees;
  GstElement *video_balance;
  GstElement *audio_tee;
  GstElement *audio_volume;
  GstElement *audio_encoder;
  GstElement *playback_mixer;
  GstElement *video_encoders[QUARTET_MEDIA_MAX_ENCODINGS]; /* the shared ones */
  GstElement *video_scaler_caps[QUARTET_MEDIA_MAX_ENCODINGS];

  QuartetMediaRate *rate; /* with shared video encoders */

  guint keyframe_requests; /* atomic: counted on the encoder's streaming thread */

  QuartetFrameCache *preview; /* as captured, from the preview sink's streaming thread */
  QuartetAudioMeter *input_meter; /* the microphone's, before the mute */
};

/* quartet-media.c */
gboolean _quartet_media_parse_video (QuartetMedia *self, GError **error);
void _quartet_media_notify_sharing_screen (QuartetMedia *self);

/* quartet-media-source.c */
GstElement *_quartet_media_make_current_video_source (QuartetMedia *self, GError **error);
void _quartet_media_apply_video_content (QuartetMedia *self);
gboolean _quartet_media_is_shared_screen (QuartetMedia *self, GstObject *object);

G_END_DECLS
