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
 *   audiotestsrc wave=silence ! audiomixer ! [webrtcechoprobe] ! audioconvert ! sink
 *
 * The silence source keeps the mixer (a live aggregator) running while no
 * peer is connected.
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media-private.h"

#include <string.h>

#define CAPTURE_AUDIO_CAPS "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=1"
#define TONE_VOLUME 0.1
#define TURN_SECONDS 3

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

/* A tone that speaks in turns. By the wall clock, so that bots started
 * seconds apart, each in its own process, still take turns. */
static GstPadProbeReturn
on_tone_buffer_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  const QuartetMediaAudioCapture *turns = user_data;
  gint64 slot = g_get_real_time () / (TURN_SECONDS * G_USEC_PER_SEC);
  GstBuffer *buffer;
  GstMapInfo map;

  if (slot % turns->turns == turns->turn)
    return GST_PAD_PROBE_OK;

  /* Zero is silence in every raw format audiotestsrc makes. */
  buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  if (gst_buffer_map (buffer, &map, GST_MAP_WRITE))
    {
      memset (map.data, 0, map.size);
      gst_buffer_unmap (buffer, &map);
    }
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  return GST_PAD_PROBE_OK;
}

static GstElement *
make_tone (const QuartetMediaAudioCapture *capture)
{
  GstElement *tone = gst_element_factory_make_full ("audiotestsrc", "is-live", TRUE, "volume",
                                                    TONE_VOLUME, "samplesperbuffer", 480, NULL);

  if (tone == NULL)
    return NULL;

  gst_util_set_object_arg (G_OBJECT (tone), "wave", "sine");
  if (capture->turns > 0)
    {
      g_autoptr (GstPad) src = gst_element_get_static_pad (tone, "src");

      gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, on_tone_buffer_cb,
                         g_memdup2 (capture, sizeof *capture), g_free);
    }
  return tone;
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
  gsize n = 0;

  if (microphone)
    {
      if ((chain[n++] = _quartet_media_make_microphone (microphone_device, error)) == NULL)
        return FALSE;
    }
  else
    {
      chain[n++] = make_tone (capture);
    }

  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  chain[n++] = gst_element_factory_make ("audioresample", NULL);
  chain[n++] = _quartet_media_make_capsfilter (CAPTURE_AUDIO_CAPS);
  if (probe_name != NULL)
    chain[n++] = gst_element_factory_make_full ("webrtcdsp", "probe", probe_name, NULL);
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

  return _quartet_media_add_chain (pipeline, elements, chain, n, error);
}

/* Returns the mixer the peers' decoded audio goes into, or NULL. */
GstElement *
_quartet_media_build_playback (GstBin *pipeline,
                               GPtrArray *elements,
                               const char *speaker,
                               const char *probe_name,
                               GError **error)
{
  GstElement *chain[8];
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
  chain[n++] = gst_element_factory_make ("audioconvert", NULL);
  chain[n++] = _quartet_media_make_audio_sink (speaker);

  return _quartet_media_add_chain (pipeline, elements, chain, n, error) ? mixer : NULL;
}
