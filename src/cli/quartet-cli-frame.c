/* quartet-cli-frame.c: what a received frame shows, for bots and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * quartet-cli reports the mean colour of each remote user's last frame in
 * its stats lines: with a test pattern of one colour per sender, that tells
 * who is seen, which the tests and benchmarks check. test-peer links this
 * too. The engine itself has no use for it.
 */
#include "quartet-cli-frame.h"

#include <gst/video/video.h>

#define COLOUR_STEP 4 /* every 4th pixel of every 4th row: plenty for a mean */

gboolean
quartet_cli_frame_average_rgb (GstSample *frame, guint8 average[3])
{
  GstVideoInfo info;
  GstVideoFrame mapped;
  guint64 sum[3] = { 0, 0, 0 };
  guint64 count = 0;
  const guint8 *data;
  gsize stride;

  if (frame == NULL || !gst_video_info_from_caps (&info, gst_sample_get_caps (frame))
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB
      || !gst_video_frame_map (&mapped, &info, gst_sample_get_buffer (frame), GST_MAP_READ))
    return FALSE;

  data = GST_VIDEO_FRAME_PLANE_DATA (&mapped, 0);
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&mapped, 0);
  for (int y = 0; y < GST_VIDEO_FRAME_HEIGHT (&mapped); y += COLOUR_STEP)
    for (int x = 0; x < GST_VIDEO_FRAME_WIDTH (&mapped); x += COLOUR_STEP)
      {
        const guint8 *pixel = data + y * stride + x * 3;

        sum[0] += pixel[0];
        sum[1] += pixel[1];
        sum[2] += pixel[2];
        count++;
      }
  gst_video_frame_unmap (&mapped);

  for (guint i = 0; i < 3; i++)
    average[i] = count > 0 ? sum[i] / count : 0;
  return count > 0;
}
