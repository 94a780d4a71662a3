/* quartet-media-audio.c: the audio a call sends and plays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   source ! audioconvert ! audioresample ! [webrtcdsp] ! volume ! queue ! opusenc ! tee
 *
 * The input meter reads what goes into `volume`, which mutes.
 *
 * Received audio from every peer is mixed into one playback path, so that
 * webrtcechoprobe sees all of what the speaker plays:
 *
 *   audiotestsrc wave=silence ! audiomixer ! [webrtcechoprobe] ! [tee] ! audioconvert ! sink
 *
 * (the tee only for a test voice's room, quartet-media-voice.c)
 *
 * The silence source keeps the mixer (a live aggregator) running while no
 * peer is connected.
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media-private.h"

#define CAPTURE_AUDIO_CAPS "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=1"

/* webrtcdsp needs a webrtcechoprobe of the given name to exist before it
 * starts; both are optional (gst-plugins-bad), so without them we go on
 * without voice processing. */
gboolean
_quartet_media_can_process_voice (void)
{
  static gsize warned = 0;

  if (_quartet_media_has_element ("webrtcdsp") && _quartet_media_has_element ("webrtcechoprobe"))
    return TRUE;

  if (g_once_init_enter (&warned))
    {
      g_info ("webrtcdsp is missing (install gstreamer1.0-plugins-bad): "
              "no echo cancellation or noise suppression");
      g_once_init_leave (&warned, 1);
    }
  return FALSE;
}

/* With a room, the test voice's "microphone" is a mixer (the first element
 * of the capture chain) of the voice and the room's echo
 * (quartet-media-voice.c). */
static gboolean
build_room (GstBin *pipeline,
            GPtrArray *elements,
            GstElement *voice,
            GstElement *microphone,
            QuartetMediaAudioCapture *capture,
            GError **error)
{
  if (!_quartet_media_add_chain (pipeline, elements, &voice, 1, error))
    return FALSE;
  if (!gst_element_link (voice, microphone))
    {
      g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_FAILED,
                           "Cannot link the test voice");
      return FALSE;
    }
  return _quartet_media_build_room (pipeline, elements, capture->room, microphone,
                                    capture->room_delay_ms, error);
}

/* The microphone (or a tone), processed when @probe_name names an echo
 * probe, encoded once into @capture->tee. */
gboolean
_quartet_media_build_audio (GstBin *pipeline,
                            GPtrArray *elements,
                            gboolean microphone,
                            const char *microphone_device,
                            gboolean muted,
                            const char *probe_name,
                            QuartetMediaAudioCapture *capture,
                            GError **error)
{
  GstElement *chain[10];
  GstElement *voice = NULL; /* a test voice, when the room mixes it in */
  gsize n = 0;

  if (microphone)
    {
      if ((chain[n++] = _quartet_media_make_microphone (microphone_device, error)) == NULL)
        return FALSE;
    }
  else
    {
      voice = _quartet_media_make_test_voice (capture->voice_file, capture->talk_turns,
                                              capture->turn_count, error);
      if (voice == NULL)
        return FALSE;
      if (capture->room != NULL)
        chain[n++] = gst_element_factory_make ("audiomixer", NULL);
      else
        chain[n++] = g_steal_pointer (&voice);
    }

  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  chain[n++] = gst_element_factory_make ("audioresample", NULL);
  chain[n++] = _quartet_media_make_capsfilter (CAPTURE_AUDIO_CAPS);
  /* Delay-agnostic: the echo's delay found from the signals, not from the
   * latencies the sound server reports. Left to those, the canceller
   * cancelled nothing in tests/test_audio.py's room (bench/RESULTS.md,
   * "audio"). */
  if (probe_name != NULL)
    chain[n++] = gst_element_factory_make_full ("webrtcdsp", "probe", probe_name, "delay-agnostic",
                                                TRUE, NULL);
  chain[n++] = capture->volume = gst_element_factory_make_full ("volume", "mute", muted, NULL);
  if (capture->volume != NULL)
    {
      g_autoptr (GstPad) unmuted = gst_element_get_static_pad (capture->volume, "sink");

      _quartet_audio_meter_watch_pad (capture->meter, unmuted);
    }
  chain[n++] = _quartet_media_make_leaky_queue (3);
  /* In-band FEC: the peers' loss (quartet-media-rate.c) sets how much. */
  chain[n++] = capture->encoder = gst_element_factory_make_full (
      "opusenc", "bitrate", QUARTET_MEDIA_OPUS_BITRATE, "inband-fec", TRUE, NULL);
  if (capture->encoder != NULL)
    gst_util_set_object_arg (G_OBJECT (capture->encoder), "audio-type", "voice");
  chain[n++] = capture->tee = gst_element_factory_make_full ("tee", "allow-not-linked", TRUE, NULL);

  if (!_quartet_media_add_chain (pipeline, elements, chain, n, error))
    {
      if (voice != NULL)
        gst_object_unref (gst_object_ref_sink (voice));
      return FALSE;
    }
  return voice == NULL || build_room (pipeline, elements, voice, chain[0], capture, error);
}

/* Returns the mixer the peers' decoded audio goes into, or NULL. */
GstElement *
_quartet_media_build_playback (GstBin *pipeline,
                               GPtrArray *elements,
                               const char *speaker,
                               const char *recording,
                               const char *probe_name,
                               GstElement **played,
                               GstElement **recorder,
                               QuartetSoundOnsets *onsets,
                               GError **error)
{
  GstElement *chain[11];
  GstElement *silence, *mixer;
  gsize n = 0;

  chain[n++] = silence = gst_element_factory_make_full ("audiotestsrc", "is-live", TRUE,
                                                        "samplesperbuffer", 480, NULL);
  if (silence != NULL)
    gst_util_set_object_arg (G_OBJECT (silence), "wave", "silence");
  chain[n++] = _quartet_media_make_capsfilter (QUARTET_MEDIA_PLAYBACK_CAPS);
  chain[n++] = mixer = gst_element_factory_make ("audiomixer", NULL);
  if (mixer != NULL)
    gst_util_set_object_arg (G_OBJECT (mixer), "start-time-selection", "first");
  chain[n++] = _quartet_media_make_capsfilter (QUARTET_MEDIA_PLAYBACK_CAPS);
  if (probe_name != NULL)
    chain[n++] = gst_element_factory_make ("webrtcechoprobe", probe_name);
  if (played != NULL)
    chain[n++] = *played = gst_element_factory_make ("tee", NULL);
  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  if (recording != NULL)
    {
      chain[n++] = _quartet_media_make_capsfilter ("audio/x-raw,channels=1");
      chain[n++] = *recorder = gst_element_factory_make ("wavenc", NULL);
      /* In time, as a sound card would take it. */
      chain[n++]
          = gst_element_factory_make_full ("filesink", "location", recording, "sync", TRUE, NULL);
    }
  else
    {
      chain[n++] = _quartet_media_make_audio_sink (speaker);
    }
  if (onsets != NULL)
    _quartet_sound_onsets_watch_sink (onsets, chain[n - 1]);

  return _quartet_media_add_chain (pipeline, elements, chain, n, error) ? mixer : NULL;
}

static void
release_now (GstElement *mixer, GstPad *pad)
{
  g_autoptr (GstPad) peer = gst_pad_get_peer (pad);

  if (peer != NULL)
    gst_pad_unlink (peer, pad);
  gst_element_release_request_pad (mixer, pad);
}

/* On the mixer's own thread, between two mixing passes: its output is
 * pushed only once it has mixed, with no lock held. */
static GstPadProbeReturn
on_mixed_cb (GstPad *src, GstPadProbeInfo *info, gpointer user_data)
{
  g_autoptr (GstElement) mixer = gst_pad_get_parent_element (src);

  if (mixer != NULL)
    release_now (mixer, user_data);
  return GST_PAD_PROBE_REMOVE;
}

/* audiomixer (GStreamer before 1.22.7, gstreamer#3052) walks its sink pads
 * while it mixes without a reference, and lets go of its lock to mix each
 * one: a pad released then is freed under it, and the process crashed
 * (rarely, on a loaded machine, as a peer left). So a pad of a running
 * mixer is released from its src pad's buffer probe, when it is not
 * mixing; a mixer that does not run is not mixing either. */
void
_quartet_media_release_mixer_pad (GstPad *pad)
{
  g_autoptr (GstElement) mixer = gst_pad_get_parent_element (pad);
  g_autoptr (GstPad) src = NULL;
  GstState state, pending;

  if (mixer == NULL)
    return;

  gst_element_get_state (mixer, &state, &pending, 0);
  if (state != GST_STATE_PLAYING || pending != GST_STATE_VOID_PENDING)
    {
      release_now (mixer, pad);
      return;
    }

  /* The probe holds the pad, not the mixer: the mixer holds the probe. */
  src = gst_element_get_static_pad (mixer, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, on_mixed_cb,
                     gst_object_ref (pad), gst_object_unref);
}
