/* quartet-call-quality.c: good, fair or poor, from a connection's figures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a person sees of a tile, in the terms of its figures, worst first:
 * their packets lost after retransmission (beyond a few percent VP8 shows
 * smears and Opus gaps), the round trip (past ~250 ms people talk over
 * each other, past 500 ms a conversation breaks down; ITU-T G.114's 150 ms
 * one way is the comfortable limit), and, for video that flows, the frame
 * rate decoded (under 20 fps motion stutters, under 10 it is a slide show;
 * none at all is a camera turned off, which the tile shows by itself).
 * The tile shows the worst of the last QUARTET_CALL_QUALITY_SECONDS
 * seconds: a bad second warns at once, a good one must last to reassure.
 * Pure and GTK-free: tests/test-call-layout.c checks it.
 */
#include "config.h"

#include "quartet-call-quality.h"

#include <glib/gi18n.h>

#define LOSS_FAIR 0.02
#define LOSS_POOR 0.08
#define RTT_FAIR_MS 250
#define RTT_POOR_MS 500
#define FPS_FAIR 20
#define FPS_POOR 10

static QuartetCallQuality
worse (QuartetCallQuality a, QuartetCallQuality b)
{
  return MAX (a, b); /* the enum runs from unknown to poor */
}

/* @expects_video: their video flows (a tile that shows their picture). */
QuartetCallQuality
quartet_call_quality_of_second (const QuartetPeerStats *stats, gboolean expects_video)
{
  QuartetCallQuality quality = QUARTET_CALL_QUALITY_GOOD;

  if (stats->audio_packets == 0 && stats->video_frames == 0)
    return QUARTET_CALL_QUALITY_UNKNOWN;

  if (stats->receive_loss >= LOSS_POOR)
    quality = worse (quality, QUARTET_CALL_QUALITY_POOR);
  else if (stats->receive_loss >= LOSS_FAIR)
    quality = worse (quality, QUARTET_CALL_QUALITY_FAIR);

  if (stats->rtt_ms >= RTT_POOR_MS)
    quality = worse (quality, QUARTET_CALL_QUALITY_POOR);
  else if (stats->rtt_ms >= RTT_FAIR_MS)
    quality = worse (quality, QUARTET_CALL_QUALITY_FAIR);

  if (expects_video && stats->fps > 0)
    {
      if (stats->fps < FPS_POOR)
        quality = worse (quality, QUARTET_CALL_QUALITY_POOR);
      else if (stats->fps < FPS_FAIR)
        quality = worse (quality, QUARTET_CALL_QUALITY_FAIR);
    }

  return quality;
}

/* Adds this second's verdict; returns what to show. */
QuartetCallQuality
quartet_call_quality_meter_add (QuartetCallQualityMeter *meter, QuartetCallQuality quality)
{
  QuartetCallQuality shown = QUARTET_CALL_QUALITY_UNKNOWN;

  meter->seconds[meter->next] = quality;
  meter->next = (meter->next + 1) % QUARTET_CALL_QUALITY_SECONDS;
  for (guint i = 0; i < QUARTET_CALL_QUALITY_SECONDS; i++)
    shown = worse (shown, meter->seconds[i]);
  return shown;
}

const char *
quartet_call_quality_icon_name (QuartetCallQuality quality)
{
  switch (quality)
    {
    case QUARTET_CALL_QUALITY_GOOD:
      return "network-cellular-signal-excellent-symbolic";
    case QUARTET_CALL_QUALITY_FAIR:
      return "network-cellular-signal-ok-symbolic";
    case QUARTET_CALL_QUALITY_POOR:
      return "network-cellular-signal-weak-symbolic";
    case QUARTET_CALL_QUALITY_UNKNOWN:
    default:
      return NULL;
    }
}

/* What the indicator says to a screen reader and in its tooltip. */
const char *
quartet_call_quality_label (QuartetCallQuality quality)
{
  switch (quality)
    {
    case QUARTET_CALL_QUALITY_GOOD:
      return _ ("Connection good");
    case QUARTET_CALL_QUALITY_FAIR:
      return _ ("Connection fair");
    case QUARTET_CALL_QUALITY_POOR:
      return _ ("Connection poor");
    case QUARTET_CALL_QUALITY_UNKNOWN:
    default:
      return NULL;
    }
}
