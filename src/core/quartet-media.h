/* quartet-media.h: local capture, encoded once and fanned out to every peer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>
#include <libportal/portal.h>

#include "quartet-voice-activity.h"

G_BEGIN_DECLS

#define QUARTET_MEDIA_ERROR (quartet_media_error_quark ())

typedef enum
{
  QUARTET_MEDIA_ERROR_MISSING_PLUGIN, /* a GStreamer element is not installed */
  QUARTET_MEDIA_ERROR_NO_DEVICE,      /* no camera or microphone was found */
  QUARTET_MEDIA_ERROR_INVALID_SOURCE, /* a --video/--audio description was not understood */
  QUARTET_MEDIA_ERROR_FAILED,         /* the pipeline refused to start */
} QuartetMediaError;

#define QUARTET_TYPE_MEDIA (quartet_media_get_type ())
G_DECLARE_FINAL_TYPE (QuartetMedia, quartet_media, QUARTET, MEDIA, GObject)

GQuark quartet_media_error_quark (void);

/* @video: "pattern:N" (videotestsrc pattern N, a number or a name such as
 * "pattern:ball"), "pattern:clock" (the ball with the capture time painted
 * into every frame, see quartet_media_read_frame_clock()), "camera" (the
 * first one), "camera:NAME" (by display name or device path) or "none".
 * @audio: "tone", "file:PATH" (a sound file, looped: a voice for tests),
 * "mic" (the default microphone), "mic:NAME" (a PulseAudio or PipeWire
 * source by name) or "none".
 *
 * Signal "error" (GstObject *source, GError *error): an element of the
 * pipeline failed, on the media's main context. Each peer watches it for
 * the elements in its own bin; the others are the capture's. */
QuartetMedia *quartet_media_new (const char *video, const char *audio);

/* Both before quartet_media_start(), which builds the pipeline.
 * encode_per_peer (default FALSE) gives every peer its own VP8 encoder, the
 * benchmark baseline; voice processing (webrtcdsp echo cancellation, noise
 * suppression, gain control; default TRUE) is skipped with an info message
 * when gst-plugins-bad lacks it. */
void quartet_media_set_encode_per_peer (QuartetMedia *self, gboolean per_peer);
void quartet_media_set_voice_processing (QuartetMedia *self, gboolean enabled);
/* Test voices (tone, file:), before quartet_media_start(). @turns
 * "I[,J…]/N": the voice talks in turns I, J… of N turns of 3 s by the wall
 * clock and is silent in the others, so that processes started apart take
 * turns (NULL: it talks all the time). */
gboolean quartet_media_set_talk_turns (QuartetMedia *self, const char *turns, GError **error);
/* A simulated room: what the speaker plays comes back into the test
 * voice's "microphone" @delay_ms later, 6 dB down, with a short
 * reverberation, as a laptop's speakers reach its microphone; 0: none. */
void quartet_media_set_test_room (QuartetMedia *self, guint delay_ms);
/* For measuring mouth to ear, before quartet_media_start(): each time sound
 * starts at the speaker after 300 ms of silence, the g_get_monotonic_time()
 * at which the sink plays it. take() returns (transfer full) those heard
 * since it was last called, gint64 each. */
void quartet_media_set_onset_timing (QuartetMedia *self, gboolean enabled);
GArray *quartet_media_take_heard_onsets (QuartetMedia *self);
/* Before quartet_media_start(): what the speaker would play is written to
 * a WAV file at @path instead (48 kHz mono S16; NULL: played), for bots
 * and the audio tests. The file is complete once the media stops (each
 * call's replaces the last's). */
void quartet_media_set_recording (QuartetMedia *self, const char *path);
/* Within voice processing, the echo canceller alone (default TRUE), for a
 * headset, which has no echo to cancel; read at each start(), so in a call
 * it applies from the next one. */
void quartet_media_set_echo_cancellation (QuartetMedia *self, gboolean enabled);
/* The highest video sent, in lines (a metered connection's cap), 0 for
 * the machine's own; applied at once, in a call too. */
void quartet_media_set_max_video_height (QuartetMedia *self, guint height);
guint quartet_media_get_max_video_height (QuartetMedia *self);
/* Builds the pipeline (first time) and plays it. Fails with
 * QUARTET_MEDIA_ERROR_MISSING_PLUGIN naming the element and the Debian
 * package, NO_DEVICE, INVALID_SOURCE or FAILED. Start before negotiating
 * peers: their send branches link to what the media has then. */
gboolean quartet_media_start (QuartetMedia *self, GError **error);
void quartet_media_stop (QuartetMedia *self);

GstPipeline *quartet_media_get_pipeline (QuartetMedia *self);
gboolean quartet_media_has_video (QuartetMedia *self);
gboolean quartet_media_has_audio (QuartetMedia *self);

/* Without renegotiation: muted audio is silence, muted video black frames. */
void quartet_media_set_audio_muted (QuartetMedia *self, gboolean muted);
void quartet_media_set_video_muted (QuartetMedia *self, gboolean muted);
gboolean quartet_media_get_audio_muted (QuartetMedia *self);
gboolean quartet_media_get_video_muted (QuartetMedia *self);

/* Switches the camera (or test pattern) while the call runs, without
 * renegotiation: every peer keeps its stream. Fails with NO_DEVICE or
 * INVALID_SOURCE, and the old source stays. A media started without video
 * cannot get one ("none" is refused too: mute instead). While a screen is
 * shared, it is the camera that sharing stops to. */
gboolean quartet_media_set_video_source (QuartetMedia *self, const char *video, GError **error);

/* Shares a screen or a window in place of the camera, without
 * renegotiation, as QuickBlox's replaceTrack does: every peer gets it on
 * the stream that carried the camera. @pipewire_fd (transfer full) is the
 * PipeWire remote the ScreenCast portal's OpenPipeWireRemote gave, @node
 * the stream's node from its Start. The video goes on the screen ladder
 * (sharpness over motion, up to 1080 lines). Before start(), start()
 * opens the screen. Fails with MISSING_PLUGIN (no pipewiresrc) or
 * INVALID_SOURCE (a call without video); the fd is closed then.
 *
 * When the stream ends (the user stopped it from the desktop), sharing
 * stops by itself: notify::sharing-screen. */
gboolean
quartet_media_share_screen (QuartetMedia *self, int pipewire_fd, guint32 node, GError **error);
/* Back to the camera or pattern of set_video_source() (black when that
 * camera is gone). */
void quartet_media_stop_sharing_screen (QuartetMedia *self);
gboolean quartet_media_is_sharing_screen (QuartetMedia *self);

/* A sandboxed app's cameras: the Camera portal, once it allowed them
 * (quartet_camera_access_request()), or NULL. From then on "camera" and
 * "camera:NAME" are the cameras its PipeWire remotes show (by name or
 * path), not /dev/video*; a camera sending now is reopened from it at once
 * (NO_DEVICE: the old one stays). */
gboolean quartet_media_set_camera_portal (QuartetMedia *self, XdpPortal *portal, GError **error);
/* (transfer full) The Camera portal's cameras (GstDevice), for a device
 * chooser; @from_portal says whether the cameras are the portal's at all
 * (else NULL, and a chooser finds them itself). */
GList *quartet_media_list_portal_cameras (QuartetMedia *self, gboolean *from_portal);

/* The microphone and the speaker by PulseAudio name (PipeWire's
 * pipewire-pulse names its nodes the same), as GstDeviceMonitor's pulse
 * devices give them ("internal-name") and PipeWire's ("node.name").
 * Before start(), what start() opens (NULL: the server's default); after,
 * the playing stream moves there, live, in a call: FAILED where the stream
 * is not PulseAudio's (QUARTET_AUDIO_SINK=fake, pipewiresrc). */
gboolean quartet_media_set_microphone (QuartetMedia *self, const char *device, GError **error);
gboolean quartet_media_set_speaker (QuartetMedia *self, const char *device, GError **error);

/* (transfer floating): a sink that plays where calls play, for the app's
 * other sounds: @speaker by PulseAudio name, NULL for the default
 * speaker; with QUARTET_AUDIO_SINK=fake, or with no sound server, a
 * fakesink that keeps time. */
GstElement *quartet_media_make_speaker (const char *speaker);

/* (transfer full) (nullable): the last local preview frame, video/x-raw
 * format=RGB 320x240, for the self tile; NULL before the first one. */
GstSample *quartet_media_get_local_frame (QuartetMedia *self);
/* How loud the microphone (or tone) is now, in dBFS, muted or not: "you
 * are muted" is said to someone who speaks while muted. After voice
 * processing, so the far end's voice from the speaker does not count.
 * QUARTET_AUDIO_LEVEL_SILENT without audio. */
double quartet_media_get_input_level (QuartetMedia *self);

/* What the shared video encoder sends now: the ladder's height and frame
 * rate, and the target bit rate. FALSE without a shared encoder (no video,
 * or one encoder per peer, or not started). */
gboolean quartet_media_get_sending (QuartetMedia *self, guint *height, guint *fps, guint *bps);

/* For programs, once at start-up, before threads: keeps the memory that
 * video frames take from piling up in malloc's per-thread caches call after
 * call (glibc; nothing elsewhere). */
void quartet_media_tune_allocator (void);

/* For a frame that came from a "pattern:clock" source, decoded into RGB
 * (quartet_peer_get_last_frame()): sets @monotonic_us to the
 * g_get_monotonic_time() at which the sender captured it, and returns
 * TRUE; FALSE when the frame carries no such stamp. Sender and receiver
 * must share the monotonic clock: the same machine. */
gboolean quartet_media_read_frame_clock (GstSample *sample, gint64 *monotonic_us);

G_END_DECLS
