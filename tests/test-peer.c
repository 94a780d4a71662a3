/* test-peer.c: real webrtcbin peers in one process, SDP and candidates handed over directly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each participant has its own QuartetMedia showing a solid colour
 * (videotestsrc pattern 4 red, 5 green, 6 blue), so a receiver can tell by
 * the average colour of what it decodes that it sees the right sender.
 *
 * `test-peer -m perf -p /peer/perf/mesh-cpu` measures the CPU time of a
 * three-party mesh, encoding once and encoding per peer.
 */
#include <string.h>
#include <sys/resource.h>

#include <gst/gst.h>
#include <gst/video/video.h>

#include "quartet-cli-frame.h"
#include "quartet-media-private.h"
#include "quartet-peer.h"
#include "quartet-upstream-criticals.h"

/* GLib and GStreamer are built without frame pointers: ASan's fast unwinder
 * stops at g_malloc, so every leak would look the same and none could be
 * told apart. The slow one reaches the frames tests/lsan.supp names; 16
 * frames are enough for those and for ours, at half the cost of 30. */
#if defined(__SANITIZE_ADDRESS__)
#define QUARTET_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QUARTET_ASAN 1
#endif
#endif

#ifdef QUARTET_ASAN
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0:malloc_context_size=16";
}
#endif

#define RED 4
#define GREEN 5
#define BLUE 6
#define TIMEOUT_S 30
/* Video must keep flowing: a frozen picture fails, a loaded machine (the
 * sanitized leg, or other work beside the suite) does not. Frame rates
 * are measured in bench/, where a baseline of the same run is beside them. */
#define MIN_FLOWING_FPS 10.0

typedef struct
{
  QuartetPeer *peer;
  QuartetPeer *remote; /* gets our descriptions and candidates */
  guint remote_pattern;
  gint64 offer_us;
  gint64 connected_us;
  gint64 first_frame_us;
  guint first_frames;
  guint emissions; /* of any signal: none may come after close */
  char *local_sdp;
} End;

typedef gboolean (*Predicate) (gpointer data);

static gboolean
on_tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for (Predicate done, gpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;
  guint tick = g_timeout_add (10, on_tick_cb, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  guint tick = g_timeout_add (10, on_tick_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
}

static QuartetMedia *
make_media (guint pattern, gboolean per_peer, gboolean with_audio)
{
  g_autofree char *video = g_strdup_printf ("pattern:%u", pattern);
  g_autoptr (GError) error = NULL;
  QuartetMedia *media = quartet_media_new (video, with_audio ? "tone" : "none");

  quartet_media_set_encode_per_peer (media, per_peer);
  quartet_media_start (media, &error);
  g_assert_no_error (error);
  return media;
}

static void
on_local_description_cb (QuartetPeer *peer, const char *type, const char *sdp, End *end)
{
  g_autoptr (GError) error = NULL;

  end->emissions++;
  g_free (end->local_sdp);
  end->local_sdp = g_strdup (sdp);

  if (g_str_equal (type, "offer"))
    quartet_peer_set_remote_offer (end->remote, sdp, &error);
  else
    quartet_peer_set_remote_answer (end->remote, sdp, &error);
  g_assert_no_error (error);
}

static void
on_local_candidate_cb (QuartetPeer *peer, guint mline, const char *candidate, End *end)
{
  end->emissions++;
  g_assert_true (g_str_has_prefix (candidate, "candidate:"));
  quartet_peer_add_remote_candidate (end->remote, mline, candidate);
}

static void
on_first_video_frame_cb (QuartetPeer *peer, End *end)
{
  end->emissions++;
  end->first_frames++;
  end->first_frame_us = g_get_monotonic_time ();
}

static void
on_state_cb (QuartetPeer *peer, GParamSpec *pspec, End *end)
{
  end->emissions++;
  if (quartet_peer_get_state (peer) == QUARTET_PEER_STATE_CONNECTED && end->connected_us == 0)
    end->connected_us = g_get_monotonic_time ();
}

static void
end_init (End *end, QuartetMedia *media, const char *user_id, gboolean with_video)
{
  memset (end, 0, sizeof *end);
  end->peer = quartet_peer_new (media, user_id, with_video, NULL, FALSE);
  g_signal_connect (end->peer, "local-description", G_CALLBACK (on_local_description_cb), end);
  g_signal_connect (end->peer, "local-candidate", G_CALLBACK (on_local_candidate_cb), end);
  g_signal_connect (end->peer, "first-video-frame", G_CALLBACK (on_first_video_frame_cb), end);
  g_signal_connect (end->peer, "notify::state", G_CALLBACK (on_state_cb), end);
}

static void
pair (End *a, guint pattern_a, End *b, guint pattern_b)
{
  a->remote = b->peer;
  a->remote_pattern = pattern_b;
  b->remote = a->peer;
  b->remote_pattern = pattern_a;
}

static void
offer (End *offerer, End *answerer)
{
  offerer->offer_us = answerer->offer_us = g_get_monotonic_time ();
  quartet_peer_create_offer (offerer->peer);
}

/* Closes, checks that nothing is emitted afterwards, and frees. */
static void
end_clear (End *end)
{
  guint emissions;

  quartet_peer_close (end->peer);
  g_assert_cmpint (quartet_peer_get_state (end->peer), ==, QUARTET_PEER_STATE_CLOSED);
  emissions = end->emissions;
  quartet_peer_close (end->peer);
  run_for (200);
  g_assert_cmpuint (end->emissions, ==, emissions);

  g_clear_object (&end->peer);
  g_clear_pointer (&end->local_sdp, g_free);
}

typedef struct
{
  End **ends;
  guint n;
} Ends;

static gboolean
all_connected (gpointer data)
{
  Ends *ends = data;

  for (guint i = 0; i < ends->n; i++)
    if (quartet_peer_get_state (ends->ends[i]->peer) != QUARTET_PEER_STATE_CONNECTED)
      return FALSE;
  return TRUE;
}

static gboolean
all_decoding (gpointer data)
{
  Ends *ends = data;

  for (guint i = 0; i < ends->n; i++)
    if (ends->ends[i]->first_frames == 0)
      return FALSE;
  return TRUE;
}

static guint64
frames_of (End *end)
{
  QuartetPeerStats stats;

  quartet_peer_get_stats (end->peer, &stats);
  return stats.video_frames;
}

/* Decoded frames per second of each end, over @ms of media. */
static void
measure_fps (Ends *ends, guint ms, double *fps)
{
  g_autofree guint64 *before = g_new0 (guint64, ends->n);
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (guint i = 0; i < ends->n; i++)
    before[i] = frames_of (ends->ends[i]);
  run_for (ms);
  seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  for (guint i = 0; i < ends->n; i++)
    fps[i] = (frames_of (ends->ends[i]) - before[i]) / seconds;
}

/* What a tile @width pixels wide gets. */
static void
assert_frame_for_width (QuartetPeer *peer, guint width, guint want_width, guint want_height)
{
  g_autoptr (GstSample) frame = quartet_peer_get_last_frame_for_width (peer, width);
  GstVideoInfo info;

  g_assert_nonnull (frame);
  g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (frame)));
  g_assert_cmpint (GST_VIDEO_INFO_FORMAT (&info), ==, GST_VIDEO_FORMAT_RGB);
  g_assert_cmpuint (GST_VIDEO_INFO_WIDTH (&info), ==, want_width);
  g_assert_cmpuint (GST_VIDEO_INFO_HEIGHT (&info), ==, want_height);
}

static void
assert_sees_remote (End *end)
{
  QuartetPeerStats stats;
  g_autoptr (GstSample) frame = quartet_peer_get_last_frame (end->peer);
  guint dominant = end->remote_pattern - RED;
  guint8 rgb[3] = { 0, 0, 0 };

  quartet_peer_get_stats (end->peer, &stats);
  g_assert_true (quartet_cli_frame_average_rgb (frame, rgb));
  g_test_message ("%s: %" G_GUINT64_FORMAT " frames, %.0f fps, colour %u/%u/%u, %ux%u, "
                  "%" G_GUINT64_FORMAT " audio packets, rtt %.1f ms",
                  quartet_peer_get_user_id (end->peer), stats.video_frames, stats.fps, rgb[0],
                  rgb[1], rgb[2], stats.width, stats.height, stats.audio_packets, stats.rtt_ms);

  /* The 16:9 pattern, at the start rate's rung (540p) or higher: nothing
   * on loopback holds the rate back. */
  g_assert_cmpuint (stats.height, >=, 540);
  g_assert_cmpuint (stats.width, ==, stats.height * 16 / 9);
  for (guint i = 0; i < 3; i++)
    if (i == dominant)
      g_assert_cmpuint (rgb[i], >, 180);
    else
      g_assert_cmpuint (rgb[i], <, 70);
  g_assert_cmpuint (stats.audio_packets, >, 0);
  assert_frame_for_width (end->peer, 320, 320, 180);
  assert_frame_for_width (end->peer, 100000, stats.width, stats.height); /* never larger */
}

static void
assert_sdp_for_browsers (const char *sdp, gboolean video)
{
  g_autofree char *lower = g_ascii_strdown (sdp, -1);

  g_assert_nonnull (strstr (sdp, "a=group:BUNDLE"));
  g_assert_nonnull (strstr (sdp, "a=rtcp-mux"));
  g_assert_nonnull (strstr (sdp, "a=mid:"));
  g_assert_nonnull (strstr (lower, "opus/48000/2"));
  g_assert_true ((strstr (sdp, "VP8/90000") != NULL) == video);
}

/* The mean colour of what @peer shows; black before any frame. */
static void
seen_colour (QuartetPeer *peer, guint8 rgb[3])
{
  g_autoptr (GstSample) frame = quartet_peer_get_last_frame (peer);

  rgb[0] = rgb[1] = rgb[2] = 0;
  quartet_cli_frame_average_rgb (frame, rgb);
}

static gboolean
sees_black (gpointer data)
{
  guint8 rgb[3];

  seen_colour (data, rgb);
  return rgb[0] < 40 && rgb[1] < 40 && rgb[2] < 40;
}

static gboolean
sees_colour (gpointer data)
{
  return !sees_black (data);
}

static guint64
audio_packets_of (End *end)
{
  QuartetPeerStats stats;

  quartet_peer_get_stats (end->peer, &stats);
  return stats.audio_packets;
}

/* Muting changes what @media sends to @viewer without renegotiation:
 * black frames and silent audio keep flowing. */
static void
check_mute (QuartetMedia *media, End *viewer, End *sender)
{
  guint64 frames, packets;
  guint emissions = sender->emissions + viewer->emissions;

  quartet_media_set_video_muted (media, TRUE);
  quartet_media_set_audio_muted (media, TRUE);
  wait_for (sees_black, viewer->peer, "muted video to turn black");
  frames = frames_of (viewer);
  packets = audio_packets_of (viewer);
  run_for (500);
  g_assert_cmpuint (frames_of (viewer), >, frames);
  g_assert_cmpuint (audio_packets_of (viewer), >, packets);

  quartet_media_set_video_muted (media, FALSE);
  quartet_media_set_audio_muted (media, FALSE);
  wait_for (sees_colour, viewer->peer, "unmuted video to come back");
  /* No renegotiation: no new description, candidate or state. */
  g_assert_cmpuint (sender->emissions + viewer->emissions, ==, emissions);
}

static gboolean
sees_green (gpointer data)
{
  guint8 rgb[3];

  seen_colour (data, rgb);
  return rgb[1] > 180 && rgb[0] < 70 && rgb[2] < 70;
}

/* The self view shows the local source, scaled down for the tile. */
static void
assert_local_frame_is_green (QuartetMedia *media)
{
  g_autoptr (GstSample) sample = quartet_media_get_local_frame (media);
  GstVideoInfo info;
  GstMapInfo map;
  GstBuffer *buffer;
  const guint8 *pixel;

  g_assert_nonnull (sample);
  g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  g_assert_cmpint (GST_VIDEO_INFO_FORMAT (&info), ==, GST_VIDEO_FORMAT_RGB);
  g_assert_cmpint (GST_VIDEO_INFO_WIDTH (&info), ==, 320);
  g_assert_cmpint (GST_VIDEO_INFO_HEIGHT (&info), ==, 180); /* the 16:9 pattern's aspect */
  buffer = gst_sample_get_buffer (sample);
  g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
  pixel = map.data + GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) * 90 + 160 * 3;
  g_assert_cmpuint (pixel[1], >, 180);
  g_assert_cmpuint (pixel[0], <, 70);
  gst_buffer_unmap (buffer, &map);
}

/* Switching the camera mid-call: the viewer sees the new picture on the
 * same stream, without renegotiation and without a gap. */
static void
check_switch_source (QuartetMedia *media, End *viewer, End *sender)
{
  g_autoptr (GError) error = NULL;
  guint emissions = sender->emissions + viewer->emissions;
  guint64 frames;
  double fps[1];
  End *list[] = { viewer };
  Ends ends = { list, 1 };

  g_assert_false (quartet_media_set_video_source (media, "pattern:no-such", &error));
  g_assert_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE);
  g_clear_error (&error);
  g_assert_false (quartet_media_set_video_source (media, "none", &error));
  g_assert_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE);
  g_clear_error (&error);

  g_assert_true (quartet_media_set_video_source (media, "pattern:green", &error));
  g_assert_no_error (error);
  wait_for (sees_green, viewer->peer, "the switched source to arrive");
  frames = frames_of (viewer);
  measure_fps (&ends, 1000, fps);
  g_test_message ("after the switch: %.1f fps", fps[0]);
  g_assert_cmpuint (frames_of (viewer), >, frames);
  g_assert_cmpfloat (fps[0], >=, MIN_FLOWING_FPS);
  assert_local_frame_is_green (media);
  g_assert_cmpuint (sender->emissions + viewer->emissions, ==, emissions);
}

static void
run_two_party (gboolean per_peer)
{
  g_autoptr (QuartetMedia) red = make_media (RED, per_peer, TRUE);
  g_autoptr (QuartetMedia) blue = make_media (BLUE, per_peer, TRUE);
  End alice, bob;
  End *list[] = { &alice, &bob };
  Ends ends = { list, 2 };
  double fps[2];

  end_init (&alice, red, "bob", TRUE);
  end_init (&bob, blue, "alice", TRUE);
  pair (&alice, RED, &bob, BLUE);
  offer (&alice, &bob);

  wait_for (all_connected, &ends, "both peers to connect");
  wait_for (all_decoding, &ends, "both peers to decode video");
  for (guint i = 0; i < 2; i++)
    g_test_message ("%s: create_offer -> CONNECTED %.0f ms, -> first decoded frame %.0f ms",
                    quartet_peer_get_user_id (list[i]->peer),
                    (list[i]->connected_us - list[i]->offer_us) / 1000.0,
                    (list[i]->first_frame_us - list[i]->offer_us) / 1000.0);
  g_assert_cmpuint (alice.first_frames, ==, 1);
  g_assert_cmpuint (bob.first_frames, ==, 1);

  assert_sdp_for_browsers (alice.local_sdp, TRUE);
  assert_sdp_for_browsers (bob.local_sdp, TRUE);

  run_for (1000);
  measure_fps (&ends, 2000, fps);
  for (guint i = 0; i < 2; i++)
    {
      g_test_message ("%s: %.1f fps over 2 s", quartet_peer_get_user_id (list[i]->peer), fps[i]);
      g_assert_cmpfloat (fps[i], >=, MIN_FLOWING_FPS);
      assert_sees_remote (list[i]);
    }

  if (!per_peer)
    check_mute (red, &bob, &alice);
  check_switch_source (red, &bob, &alice);

  end_clear (&alice);
  end_clear (&bob);
  quartet_media_stop (red);
  quartet_media_stop (blue);
}

static void
test_two_party (void)
{
  run_two_party (FALSE);
}

static void
test_two_party_encode_per_peer (void)
{
  run_two_party (TRUE);
}

static gboolean
both_hear (gpointer data)
{
  Ends *ends = data;
  QuartetPeerStats stats;

  for (guint i = 0; i < ends->n; i++)
    {
      quartet_peer_get_stats (ends->ends[i]->peer, &stats);
      if (stats.audio_packets < 25)
        return FALSE;
    }
  return TRUE;
}

/* @video_a / @video_b: what each side asks for; either FALSE makes the call
 * audio-only. */
static void
run_audio_only (gboolean video_a, gboolean video_b)
{
  g_autoptr (QuartetMedia) red = make_media (RED, FALSE, TRUE);
  g_autoptr (QuartetMedia) blue = make_media (BLUE, FALSE, TRUE);
  End alice, bob;
  End *list[] = { &alice, &bob };
  Ends ends = { list, 2 };

  end_init (&alice, red, "bob", video_a);
  end_init (&bob, blue, "alice", video_b);
  pair (&alice, RED, &bob, BLUE);
  offer (&alice, &bob);

  wait_for (all_connected, &ends, "both peers to connect");
  wait_for (both_hear, &ends, "audio both ways");
  run_for (500);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GstSample) frame = quartet_peer_get_last_frame (list[i]->peer);

      g_assert_cmpuint (frames_of (list[i]), ==, 0);
      g_assert_cmpuint (list[i]->first_frames, ==, 0);
      g_assert_null (frame);
    }
  assert_sdp_for_browsers (alice.local_sdp, video_a);
  /* Declined video stays in the answer as an inactive m-line. */
  if (video_a && !video_b)
    g_assert_nonnull (strstr (bob.local_sdp, "a=inactive"));

  end_clear (&alice);
  end_clear (&bob);
}

static void
test_audio_only (void)
{
  run_audio_only (FALSE, FALSE);
}

static void
test_audio_only_answer (void)
{
  run_audio_only (TRUE, FALSE);
}

typedef struct
{
  QuartetMedia *media[3];
  End ends[6]; /* A-B, B-A, A-C, C-A, B-C, C-B */
  End *list[6];
  Ends all;
} Mesh;

static void
mesh_start (Mesh *mesh, const guint patterns[3], gboolean per_peer)
{
  static const char *const names[] = { "A", "B", "C" };
  static const guint pairs[3][2] = { { 0, 1 }, { 0, 2 }, { 1, 2 } };

  for (guint i = 0; i < 3; i++)
    mesh->media[i] = make_media (patterns[i], per_peer, TRUE);

  /* The first of each pair offers: A to B and C, B to C. */
  for (guint i = 0; i < 3; i++)
    {
      guint x = pairs[i][0], y = pairs[i][1];
      End *ex = &mesh->ends[2 * i], *ey = &mesh->ends[2 * i + 1];

      end_init (ex, mesh->media[x], names[y], TRUE);
      end_init (ey, mesh->media[y], names[x], TRUE);
      pair (ex, patterns[x], ey, patterns[y]);
      offer (ex, ey);
    }

  for (guint i = 0; i < 6; i++)
    mesh->list[i] = &mesh->ends[i];
  mesh->all = (Ends){ mesh->list, 6 };

  wait_for (all_connected, &mesh->all, "the mesh to connect");
  wait_for (all_decoding, &mesh->all, "everyone to decode everyone");
}

static void
mesh_clear (Mesh *mesh)
{
  for (guint i = 0; i < 6; i++)
    end_clear (&mesh->ends[i]);
  for (guint i = 0; i < 3; i++)
    {
      quartet_media_stop (mesh->media[i]);
      g_clear_object (&mesh->media[i]);
    }
}

/* What a decoder that lost packets does: a force-key-unit event upstream
 * from each of @media's VP8 depayloaders, which the RTP session turns into a
 * PLI to the sender. */
static guint
request_keyframes (QuartetMedia *media)
{
  GstIterator *iterator = gst_bin_iterate_recurse (GST_BIN (quartet_media_get_pipeline (media)));
  GValue item = G_VALUE_INIT;
  guint requests = 0;

  while (gst_iterator_next (iterator, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);
      GstElementFactory *factory = gst_element_get_factory (element);

      if (factory != NULL && g_str_equal (GST_OBJECT_NAME (factory), "rtpvp8depay"))
        {
          g_autoptr (GstPad) sink = gst_element_get_static_pad (element, "sink");

          gst_pad_push_event (sink, gst_video_event_new_upstream_force_key_unit (
                                        GST_CLOCK_TIME_NONE, TRUE, requests++));
        }
      g_value_reset (&item);
    }

  g_value_unset (&item);
  gst_iterator_free (iterator);
  return requests;
}

typedef struct
{
  QuartetMedia *media[2];
  guint before[2];
} KeyframeWait;

static gboolean
encoders_asked (gpointer data)
{
  KeyframeWait *wait = data;

  for (guint i = 0; i < 2; i++)
    if (_quartet_media_get_keyframe_requests (wait->media[i]) <= wait->before[i])
      return FALSE;
  return TRUE;
}

static void
test_mesh (void)
{
  Mesh mesh;
  double fps[6];
  KeyframeWait wait;

  mesh_start (&mesh, (const guint[]){ RED, GREEN, BLUE }, FALSE);
  run_for (1000);
  measure_fps (&mesh.all, 2000, fps);

  for (guint i = 0; i < 6; i++)
    {
      g_test_message ("%s: %.1f fps", quartet_peer_get_user_id (mesh.ends[i].peer), fps[i]);
      g_assert_cmpfloat (fps[i], >=, MIN_FLOWING_FPS);
      assert_sees_remote (&mesh.ends[i]);
    }

  /* Each peer asks the one shared encoder for a keyframe when it connects:
   * the request gets through its branch and the tee. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (_quartet_media_get_keyframe_requests (mesh.media[i]), >=, 2);

  /* A's decoders ask B and C for keyframes by PLI: webrtcbin turns the PLI
   * into a force-key-unit event that must reach B's and C's encoders. */
  wait = (KeyframeWait){ { mesh.media[1], mesh.media[2] } };
  for (guint i = 0; i < 2; i++)
    wait.before[i] = _quartet_media_get_keyframe_requests (wait.media[i]);
  g_assert_cmpuint (request_keyframes (mesh.media[0]), ==, 2);
  wait_for (encoders_asked, &wait, "keyframe requests by PLI to reach the encoders");

  mesh_clear (&mesh);
}

/* Closing while the offer is under way: nothing comes out afterwards. */
static void
test_close_early (void)
{
  g_autoptr (QuartetMedia) red = make_media (RED, FALSE, TRUE);
  g_autoptr (QuartetMedia) blue = make_media (BLUE, FALSE, TRUE);
  End alice, bob;

  end_init (&alice, red, "bob", TRUE);
  end_init (&bob, blue, "alice", TRUE);
  pair (&alice, RED, &bob, BLUE);
  offer (&alice, &bob);
  end_clear (&alice);
  run_for (300);
  end_clear (&bob);

  /* A fresh peer on the same media still works after the others left. */
  end_init (&alice, red, "carol", TRUE);
  end_init (&bob, blue, "dave", TRUE);
  pair (&alice, RED, &bob, BLUE);
  offer (&alice, &bob);
  {
    End *list[] = { &alice, &bob };
    Ends ends = { list, 2 };

    wait_for (all_decoding, &ends, "the second call to decode video");
  }
  end_clear (&alice);
  end_clear (&bob);
}

static void
test_invalid (void)
{
  g_autoptr (QuartetMedia) red = make_media (RED, FALSE, TRUE);
  g_autoptr (QuartetMedia) bad = quartet_media_new ("pattern:nonsense", "tone");
  g_autoptr (QuartetMedia) worse = quartet_media_new ("holography", "tone");
  g_autoptr (QuartetPeer) peer = quartet_peer_new (red, "bob", TRUE, NULL, FALSE);
  g_autoptr (GError) error = NULL;

  g_assert_false (quartet_media_start (bad, &error));
  g_assert_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE);
  g_clear_error (&error);
  g_assert_false (quartet_media_start (worse, &error));
  g_assert_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE);
  g_clear_error (&error);

  /* Real devices: present on a desktop, absent on a build machine. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (QuartetMedia) device
          = quartet_media_new (i == 0 ? "camera" : "none", i == 0 ? "none" : "mic");

      if (!quartet_media_start (device, &error))
        {
          g_test_message ("%s", error->message);
          g_assert_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_NO_DEVICE);
          g_clear_error (&error);
        }
      quartet_media_stop (device);
    }

  g_assert_false (quartet_peer_set_remote_offer (peer, "this is no SDP", &error));
  g_assert_error (error, QUARTET_PEER_ERROR, QUARTET_PEER_ERROR_INVALID_DESCRIPTION);
  /* End of candidates is no candidate. */
  quartet_peer_add_remote_candidate (peer, 0, "");
  quartet_peer_add_remote_candidate (peer, 0, NULL);
  /* Dispose closes. */
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Solid colours cost an encoder next to nothing: the benchmark sends
 * moving pictures (QUARTET_BENCH_PATTERN, a videotestsrc pattern number,
 * default 18, the ball). */
static void
test_perf_mesh_cpu (void)
{
  const char *env = g_getenv ("QUARTET_BENCH_PATTERN");
  guint pattern = env != NULL ? (guint)g_ascii_strtoull (env, NULL, 10) : 18;
  const guint patterns[3] = { pattern, pattern, pattern };

  for (int per_peer = 0; per_peer <= 1; per_peer++)
    {
      Mesh mesh;
      double fps[6], before, total = 0;

      mesh_start (&mesh, patterns, per_peer);
      run_for (1000);
      before = cpu_seconds ();
      measure_fps (&mesh.all, 10000, fps);
      for (guint i = 0; i < 6; i++)
        total += fps[i];
      g_test_minimized_result (
          cpu_seconds () - before, "%s: %.2f s CPU in 10 s of a 3-party mesh, %.1f fps per stream",
          per_peer ? "encode per peer" : "encode once", cpu_seconds () - before, total / 6);
      mesh_clear (&mesh);
    }
}

int
main (int argc, char **argv)
{
  int ret;

  /* Headless: no sound server in CI. */
  g_setenv ("QUARTET_AUDIO_SINK", "fake", FALSE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  quartet_tolerate_upstream_criticals ();

  g_test_add_func ("/peer/two-party", test_two_party);
  g_test_add_func ("/peer/two-party/encode-per-peer", test_two_party_encode_per_peer);
  g_test_add_func ("/peer/audio-only", test_audio_only);
  g_test_add_func ("/peer/audio-only/declined-video", test_audio_only_answer);
  g_test_add_func ("/peer/mesh", test_mesh);
  g_test_add_func ("/peer/close-early", test_close_early);
  g_test_add_func ("/peer/invalid", test_invalid);
  if (g_test_perf ())
    g_test_add_func ("/peer/perf/mesh-cpu", test_perf_mesh_cpu);

  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
