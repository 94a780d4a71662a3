/* quartet-call-quality.h: good, fair or poor, from a connection's figures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet.h"

G_BEGIN_DECLS

typedef enum
{
  QUARTET_CALL_QUALITY_UNKNOWN, /* nothing measured yet */
  QUARTET_CALL_QUALITY_GOOD,
  QUARTET_CALL_QUALITY_FAIR,
  QUARTET_CALL_QUALITY_POOR,
} QuartetCallQuality;

#define QUARTET_CALL_QUALITY_SECONDS 3

/* The last seconds' verdicts: the tile shows the worst of them. */
typedef struct
{
  QuartetCallQuality seconds[QUARTET_CALL_QUALITY_SECONDS];
  guint next;
} QuartetCallQualityMeter;

QuartetCallQuality quartet_call_quality_of_second (const QuartetPeerStats *stats,
                                                   gboolean expects_video);
QuartetCallQuality quartet_call_quality_meter_add (QuartetCallQualityMeter *meter,
                                                   QuartetCallQuality quality);
const char *quartet_call_quality_icon_name (QuartetCallQuality quality);
const char *quartet_call_quality_label (QuartetCallQuality quality);

G_END_DECLS
