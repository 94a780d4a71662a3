/* quartet-audio-meter.c: how loud a stream of audio is, as a level meter shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pad probe, not GStreamer's `level` element: its measurements arrive as
 * bus messages, which the peer's bin would have to route back to whoever
 * shows them, while the only thing anyone asks is "how loud now", a few
 * times a second. The sums are a multiply-add per sample on the thread
 * that decodes it anyway.
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-audio-meter.h"

#include <gst/audio/audio.h>
#include <math.h>

#define BLOCK_MS 20
#define FALL_DB_PER_SECOND 40.0
/* A stream that stops (a peer gone, a device unplugged) reads as silence
 * after this long, not as its last syllable held. */
#define STALE_US (G_USEC_PER_SEC / 2)
/* The blocks of the last second, for its mean level. */
#define SECOND_BLOCKS (1000 / BLOCK_MS)

struct _QuartetAudioMeter
{
  GMutex lock;
  /* The block being summed: a streaming thread's only. */
  double sum_squares;
  guint64 samples;
  guint64 block_samples;
  /* The held level, and when it was last set. */
  double level;
  gint64 level_us;
  /* The mean square of the latest blocks, and when each ended: a ring. */
  double block_power[SECOND_BLOCKS];
  gint64 block_end_us[SECOND_BLOCKS];
  guint64 blocks;
};

QuartetAudioMeter *
_quartet_audio_meter_new (void)
{
  QuartetAudioMeter *self = g_new0 (QuartetAudioMeter, 1);

  g_mutex_init (&self->lock);
  self->level = QUARTET_AUDIO_LEVEL_SILENT;
  return self;
}

void
_quartet_audio_meter_free (QuartetAudioMeter *self)
{
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* @power: a mean square of samples. */
static double
power_to_db (double power)
{
  /* Full scale is 32768; the square's RMS is full scale, hence 0 dB. */
  if (power <= 0)
    return QUARTET_AUDIO_LEVEL_SILENT;
  return MAX (10.0 * log10 (power / (32768.0 * 32768.0)), QUARTET_AUDIO_LEVEL_SILENT);
}

/* The held level as it has fallen by @now_us. Called with the lock held. */
static double
held_level (QuartetAudioMeter *self, gint64 now_us)
{
  double fallen;

  if (self->level_us == 0 || now_us - self->level_us > STALE_US)
    return QUARTET_AUDIO_LEVEL_SILENT;

  fallen = self->level - FALL_DB_PER_SECOND * (now_us - self->level_us) / G_USEC_PER_SEC;
  return MAX (fallen, QUARTET_AUDIO_LEVEL_SILENT);
}

static void
end_block (QuartetAudioMeter *self)
{
  double power = self->sum_squares / self->samples;
  gint64 now = g_get_monotonic_time ();
  guint slot;

  g_mutex_lock (&self->lock);
  self->level = MAX (power_to_db (power), held_level (self, now));
  self->level_us = now;
  slot = self->blocks++ % SECOND_BLOCKS;
  self->block_power[slot] = power;
  self->block_end_us[slot] = now;
  g_mutex_unlock (&self->lock);

  self->sum_squares = 0;
  self->samples = 0;
}

static void
measure (QuartetAudioMeter *self, const gint16 *samples, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      self->sum_squares += (double)samples[i] * samples[i];
      if (++self->samples >= self->block_samples)
        end_block (self);
    }
}

static GstPadProbeReturn
on_buffer_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  QuartetAudioMeter *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  /* Set from the caps, which come before the first buffer. */
  if (self->block_samples == 0 || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;

  measure (self, (const gint16 *)map.data, map.size / sizeof (gint16));
  gst_buffer_unmap (buffer, &map);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_caps_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  QuartetAudioMeter *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstAudioInfo audio;
  GstCaps *caps;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;

  gst_event_parse_caps (event, &caps);
  if (!gst_audio_info_from_caps (&audio, caps)
      || GST_AUDIO_INFO_FORMAT (&audio) != GST_AUDIO_FORMAT_S16LE)
    {
      g_warning ("Audio meter on %s: not S16LE audio", GST_PAD_NAME (pad));
      self->block_samples = 0;
      return GST_PAD_PROBE_OK;
    }

  self->block_samples
      = (guint64)GST_AUDIO_INFO_RATE (&audio) * GST_AUDIO_INFO_CHANNELS (&audio) * BLOCK_MS / 1000;
  self->sum_squares = 0;
  self->samples = 0;
  return GST_PAD_PROBE_OK;
}

void
_quartet_audio_meter_watch_pad (QuartetAudioMeter *self, GstPad *pad)
{
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_caps_cb, self, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer_cb, self, NULL);
}

double
_quartet_audio_meter_get_mean_level (QuartetAudioMeter *self)
{
  gint64 now = g_get_monotonic_time ();
  double power = 0;
  guint n = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < MIN (self->blocks, SECOND_BLOCKS); i++)
    if (now - self->block_end_us[i] <= G_USEC_PER_SEC)
      {
        power += self->block_power[i];
        n++;
      }
  g_mutex_unlock (&self->lock);

  return n > 0 ? power_to_db (power / n) : QUARTET_AUDIO_LEVEL_SILENT;
}

double
_quartet_audio_meter_get_level (QuartetAudioMeter *self)
{
  double level;

  g_mutex_lock (&self->lock);
  level = held_level (self, g_get_monotonic_time ());
  g_mutex_unlock (&self->lock);
  return level;
}
