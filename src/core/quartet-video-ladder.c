/* quartet-video-ladder.c: the picture size and frame rate for a send rate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * VP8 at a given rate looks best at a given size: too big and every
 * frame is smeared blocks (or the encoder drops frames to keep the rate),
 * too small and the rate buys nothing. The rungs follow libwebrtc's
 * bitrate limits for VP8 at 30 fps; only the bottom one halves the frame
 * rate. The width follows from the source's aspect ratio.
 *
 * A shared screen has its own rungs: text must stay readable and moves
 * little, so it keeps resolution (up to 1080 lines) and gives up frame
 * rate (5 to 15 fps) instead, as browsers do for screen content
 * ("detail" over "motion").
 *
 * Hysteresis keeps it from oscillating: a rung is left downwards as soon
 * as the rate falls under its `down_bps` (the picture would freeze
 * otherwise), but upwards only when the rate has stayed at the next rung's
 * `up_bps`, well above its `down_bps`, for UP_HOLD_US, and not within
 * QUIET_AFTER_DOWN_US of stepping down.
 */
#include "quartet-video-ladder.h"

#define UP_HOLD_US (2 * G_USEC_PER_SEC)
#define QUIET_AFTER_DOWN_US (5 * G_USEC_PER_SEC)
#define NEVER G_MININT64

typedef struct
{
  guint height;
  guint fps;
  guint up_bps;   /* to climb onto it */
  guint down_bps; /* under this, leave it */
} Rung;

static const Rung camera_rungs[] = {
  { 180, 15, 0, 0 },           { 270, 30, 150000, 110000 },  { 360, 30, 350000, 250000 },
  { 540, 30, 700000, 500000 }, { 720, 30, 1200000, 900000 },
};

static const Rung screen_rungs[] = {
  { 360, 5, 0, 0 },
  { 540, 5, 150000, 110000 },
  { 720, 10, 350000, 250000 },
  { 1080, 15, 900000, 650000 },
};

struct _QuartetVideoLadder
{
  const Rung *rungs;
  guint n_rungs;
  guint rung;
  guint max_height;
  gint64 up_since_us; /* when the rate reached the next rung's up_bps; NEVER: it has not */
  gint64 down_at_us;  /* the last step down, or NEVER */
};

/* The rung that sends the source whole: the lowest as high as it, or the
 * top one. A 480-line camera sends its 480 lines on the 540 rung (at its
 * rates), as a browser sends a 640x480 camera, rather than 360. */
static guint
top_rung (QuartetVideoLadder *self)
{
  for (guint i = 0; i < self->n_rungs; i++)
    if (self->rungs[i].height >= self->max_height)
      return i;
  return self->n_rungs - 1;
}

QuartetVideoLadder *
quartet_video_ladder_new (guint start_bps, guint max_height, QuartetVideoContent content)
{
  QuartetVideoLadder *self = g_new0 (QuartetVideoLadder, 1);

  self->rungs = content == QUARTET_VIDEO_CONTENT_SCREEN ? screen_rungs : camera_rungs;
  self->n_rungs = content == QUARTET_VIDEO_CONTENT_SCREEN ? G_N_ELEMENTS (screen_rungs)
                                                          : G_N_ELEMENTS (camera_rungs);
  self->max_height = max_height;
  self->up_since_us = self->down_at_us = NEVER;
  for (guint i = 1; i <= top_rung (self); i++)
    if (start_bps >= self->rungs[i].up_bps)
      self->rung = i;
  return self;
}

void
quartet_video_ladder_free (QuartetVideoLadder *self)
{
  g_free (self);
}

void
quartet_video_ladder_set_max_height (QuartetVideoLadder *self, guint max_height)
{
  self->max_height = max_height;
  self->rung = MIN (self->rung, top_rung (self));
}

gboolean
quartet_video_ladder_update (QuartetVideoLadder *self, guint video_bps, gint64 now_us)
{
  guint before = self->rung;

  if (video_bps < self->rungs[self->rung].down_bps)
    {
      while (self->rung > 0 && video_bps < self->rungs[self->rung].down_bps)
        self->rung--;
      self->down_at_us = now_us;
      self->up_since_us = NEVER;
    }
  else if (self->rung < top_rung (self) && video_bps >= self->rungs[self->rung + 1].up_bps)
    {
      if (self->up_since_us == NEVER)
        self->up_since_us = now_us;
      if (now_us - self->up_since_us >= UP_HOLD_US
          && (self->down_at_us == NEVER || now_us - self->down_at_us >= QUIET_AFTER_DOWN_US))
        {
          self->rung++;
          self->up_since_us = NEVER;
        }
    }
  else
    self->up_since_us = NEVER;

  return self->rung != before;
}

guint
quartet_video_ladder_get_height (QuartetVideoLadder *self)
{
  return MIN (self->rungs[self->rung].height, self->max_height);
}

guint
quartet_video_ladder_get_fps (QuartetVideoLadder *self)
{
  return self->rungs[self->rung].fps;
}
