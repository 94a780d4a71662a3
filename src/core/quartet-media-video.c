/* quartet-media-video.c: the local video source, and switching it while a call runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A video source is a bin with one "src" pad that produces raw I420 at
 * 30 fps (a test pattern at QUARTET_MEDIA_PATTERN_CAPS, a camera with the
 * converters it needs, at its own size up to 1280x720, or a .y4m file,
 * quartet-media-file.c). Whatever it gives, the scaler before the encoder
 * makes the ladder's size of it, so a source can be swapped under a
 * running encoder without renegotiating any peer.
 */
#define G_LOG_DOMAIN "quartet-media"

#include "quartet-media-private.h"

#include <string.h>
#include <unistd.h>

#include <gst/video/video.h>

/* How often a still screen's last frame is sent again. */
#define SCREEN_KEEPALIVE_MS 250

/* "pattern:clock": the top CLOCK_ROWS rows of every frame carry the
 * monotonic time it was captured, for the latency benchmark. Bit i of the
 * time in microseconds is the i-th block of CLOCK_BLOCK x CLOCK_BLOCK
 * pixels from the left, white for 1; the second row of blocks repeats the
 * bits inverted, so a reader can tell a stamp from a picture. The blocks
 * span the pattern's width; scaled down by the ladder they stay 8 pixels
 * or more, which VP8 carries unharmed. */
#define CLOCK_BLOCK (QUARTET_MEDIA_PATTERN_WIDTH / CLOCK_BITS)
#define CLOCK_BITS 40 /* 12 days of microseconds; readers compare modulo 2^40 */
#define CLOCK_ROWS (2 * CLOCK_BLOCK)
#define CLOCK_WHITE 235 /* limited-range luma */
#define CLOCK_BLACK 16

/* Does @device answer to @name: its display name, or one of the paths the
 * v4l2 and PipeWire providers publish? */
static gboolean
device_has_name (GstDevice *device, const char *name)
{
  static const char *const path_keys[] = { "device.path", "api.v4l2.path", "object.path" };
  g_autofree char *display_name = gst_device_get_display_name (device);
  g_autoptr (GstStructure) properties = gst_device_get_properties (device);

  if (g_strcmp0 (display_name, name) == 0)
    return TRUE;

  for (gsize i = 0; properties != NULL && i < G_N_ELEMENTS (path_keys); i++)
    if (g_strcmp0 (gst_structure_get_string (properties, path_keys[i]), name) == 0)
      return TRUE;

  return FALSE;
}

/* pipewiresrc 0.3.65 offers its stream's clock, and a pipeline picks a
 * source's clock: then time stops when the stream does (a still screen,
 * an ended cast, a camera that hangs) and the clock goes away with the
 * source when it is switched; a hang-up then waited forever. The pipeline
 * keeps the system's, or the one it had. */
static void
refuse_clock (GstElement *element)
{
  GST_OBJECT_FLAG_UNSET (element, GST_ELEMENT_FLAG_PROVIDE_CLOCK);
}

static gboolean
is_camera_role (GstDevice *device)
{
  g_autoptr (GstStructure) properties = gst_device_get_properties (device);

  return properties != NULL
         && g_strcmp0 (gst_structure_get_string (properties, "media.role"), "Camera") == 0;
}

static void
close_fd (gpointer data)
{
  close (GPOINTER_TO_INT (data));
}

GList *
_quartet_media_list_portal_cameras (XdpPortal *portal, GError **error)
{
  g_autoptr (GstPluginFeature) feature
      = GST_PLUGIN_FEATURE (gst_device_provider_factory_find ("pipewiredeviceprovider"));
  g_autoptr (GstPluginFeature) factory = NULL;
  g_autoptr (GstDeviceProvider) provider = NULL;
  GList *devices, *cameras = NULL;
  int fd;

  /* Loaded: its type exists once its plugin does. */
  if (feature != NULL)
    factory = gst_plugin_feature_load (feature);
  if (factory == NULL || !_quartet_media_has_element ("pipewiresrc"))
    {
      g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_MISSING_PLUGIN,
                           "The camera portal needs GStreamer's PipeWire plugin (Debian "
                           "package gstreamer1.0-pipewire)");
      return NULL;
    }
  fd = xdp_portal_open_pipewire_remote_for_camera (portal);
  if (fd < 0)
    {
      g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_NO_DEVICE,
                           "The camera portal gave no PipeWire remote");
      return NULL;
    }

  /* Our own provider: the factory's is the one every GstDeviceMonitor
   * shares (the devices menu's, for microphones). A probe, not start():
   * 0.3.65's stop() destroys its registry without its thread's lock. */
  provider = g_object_ref_sink (g_object_new (
      gst_device_provider_factory_get_device_provider_type (GST_DEVICE_PROVIDER_FACTORY (factory)),
      NULL));
  g_object_set (provider, "fd", fd, NULL);
  devices = gst_device_provider_get_devices (provider);
  close (fd);

  for (GList *l = devices; l != NULL; l = l->next)
    if (gst_device_has_classes (l->data, "Video/Source"))
      cameras = g_list_append (cameras, gst_object_ref (l->data));
  g_list_free_full (devices, gst_object_unref);
  return cameras;
}

/* A camera's pipewiresrc gets a PipeWire connection of its own, a new
 * remote from the portal, closed with the element. */
static gboolean
connect_portal_camera (GstElement *element, XdpPortal *portal, GError **error)
{
  int fd = xdp_portal_open_pipewire_remote_for_camera (portal);

  if (fd < 0)
    {
      g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_NO_DEVICE,
                           "The camera portal gave no PipeWire remote");
      return FALSE;
    }
  g_object_set (element, "fd", fd, NULL);
  g_object_set_data_full (G_OBJECT (element), "quartet-portal-fd", GINT_TO_POINTER (fd), close_fd);
  return TRUE;
}

/* (transfer floating) a source element for the camera called @name, or the
 * first camera when @name is NULL: one of the Camera portal's when
 * @camera_portal allowed them, else any the device monitor finds (v4l2, or
 * PipeWire outside a sandbox). */
static GstElement *
make_camera (const char *name, XdpPortal *camera_portal, GError **error)
{
  g_autoptr (GstDeviceMonitor) monitor = NULL;
  GstElement *element = NULL;
  GList *devices = NULL;

  if (camera_portal != NULL)
    {
      g_autoptr (GError) local_error = NULL;

      devices = _quartet_media_list_portal_cameras (camera_portal, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  else if (name == NULL)
    {
      element = _quartet_media_make_device_source ("Video/Source", error);
      if (element != NULL)
        refuse_clock (element);
      return element;
    }
  else
    {
      monitor = gst_device_monitor_new ();
      gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
      if (gst_device_monitor_start (monitor))
        {
          devices = gst_device_monitor_get_devices (monitor);
          gst_device_monitor_stop (monitor);
        }
    }

  /* Cameras first: PipeWire also lists other video sources (a screen being
   * cast, a virtual camera's feed) as Video/Source; its cameras say
   * media.role=Camera. */
  for (int pass = 0; pass < 2 && element == NULL; pass++)
    for (GList *l = devices; l != NULL && element == NULL; l = l->next)
      if (gst_device_has_classes (l->data, "Video/Source")
          && (pass == 1 || is_camera_role (l->data))
          && (name == NULL || device_has_name (l->data, name)))
        element = gst_device_create_element (l->data, NULL);

  if (element != NULL)
    refuse_clock (element);
  if (element != NULL && camera_portal != NULL
      && !connect_portal_camera (element, camera_portal, error))
    {
      gst_object_unref (gst_object_ref_sink (element));
      return NULL;
    }
  g_list_free_full (devices, gst_object_unref);

  if (element == NULL && name != NULL)
    g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_NO_DEVICE,
                 "The camera '%s' was not found", name);
  else if (element == NULL)
    g_set_error_literal (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_NO_DEVICE,
                         "No camera was found");
  return element;
}

static void
paint_block (GstVideoFrame *frame, guint column, guint row, gboolean white)
{
  guint8 *y = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  gsize stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);

  for (guint line = row * CLOCK_BLOCK; line < (row + 1) * CLOCK_BLOCK; line++)
    memset (y + line * stride + column * CLOCK_BLOCK, white ? CLOCK_WHITE : CLOCK_BLACK,
            CLOCK_BLOCK);
}

/* On the source's streaming thread, as the frame leaves the (live) test
 * source: that is when a camera would have captured it. */
static GstPadProbeReturn
on_clock_frame_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstBuffer *buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  guint64 now = (guint64)g_get_monotonic_time ();
  GstVideoInfo video_info;
  GstVideoFrame frame;

  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  gst_video_info_set_format (&video_info, GST_VIDEO_FORMAT_I420, QUARTET_MEDIA_PATTERN_WIDTH,
                             QUARTET_MEDIA_PATTERN_HEIGHT);
  if (!gst_video_frame_map (&frame, &video_info, buffer, GST_MAP_WRITE))
    return GST_PAD_PROBE_OK;

  for (guint bit = 0; bit < CLOCK_BITS; bit++)
    {
      gboolean one = (now >> bit) & 1;

      paint_block (&frame, bit, 0, one);
      paint_block (&frame, bit, 1, !one);
    }
  /* Grey chroma: the blocks are black and white whatever the pattern. */
  for (guint plane = 1; plane < 3; plane++)
    for (guint line = 0; line < CLOCK_ROWS / 2; line++)
      memset ((guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&frame, plane)
                  + line * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, plane),
              128, GST_VIDEO_FRAME_COMP_WIDTH (&frame, plane));

  gst_video_frame_unmap (&frame);
  return GST_PAD_PROBE_OK;
}

gboolean
quartet_media_read_frame_clock (GstSample *sample, gint64 *monotonic_us)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  guint64 stamp = 0;
  gboolean valid = TRUE;
  double scale; /* the frame's size to the pattern's */

  g_return_val_if_fail (sample != NULL, FALSE);

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB
      || GST_VIDEO_INFO_WIDTH (&info) < QUARTET_MEDIA_PATTERN_WIDTH / 4
      || !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return FALSE;

  scale = GST_VIDEO_INFO_WIDTH (&info) / (double)QUARTET_MEDIA_PATTERN_WIDTH;
  for (guint bit = 0; bit < CLOCK_BITS && valid; bit++)
    {
      const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
      gsize stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
      gsize x = (gsize)((bit * CLOCK_BLOCK + CLOCK_BLOCK / 2) * scale) * 3 + 1; /* green */
      gsize first_row = (gsize)(CLOCK_BLOCK / 2 * scale);
      gsize second_row = (gsize)((CLOCK_BLOCK + CLOCK_BLOCK / 2) * scale);
      gboolean one = data[first_row * stride + x] > 128;
      gboolean inverted = data[second_row * stride + x] > 128;

      valid = one != inverted;
      stamp |= (guint64)one << bit;
    }

  gst_video_frame_unmap (&frame);
  if (valid && monotonic_us != NULL)
    {
      guint64 mask = (G_GUINT64_CONSTANT (1) << CLOCK_BITS) - 1;
      guint64 now = (guint64)g_get_monotonic_time ();

      /* The latest time at or before now whose low bits are the stamp's. */
      *monotonic_us = (gint64)(now - ((now - stamp) & mask));
    }
  return valid;
}

GstElement *
_quartet_media_make_video_source (const char *video, XdpPortal *camera_portal, GError **error)
{
  gboolean clock = g_str_equal (video, "pattern:clock");
  gboolean camera = g_str_equal (video, "camera") || g_str_has_prefix (video, "camera:");
  GstElement *chain[5];
  GstElement *bin;
  g_autoptr (GstPad) src = NULL;
  gsize n = 0;

  if (g_str_has_prefix (video, "file:"))
    return _quartet_media_make_file_source (video + strlen ("file:"), error);

  if (camera)
    chain[n++] = make_camera (video[strlen ("camera")] == ':' ? video + strlen ("camera:") : NULL,
                              camera_portal, error);
  else if (clock)
    chain[n++] = _quartet_media_make_test_pattern ("ball", error);
  else if (g_str_has_prefix (video, "pattern:"))
    chain[n++] = _quartet_media_make_test_pattern (video + strlen ("pattern:"), error);
  else
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_INVALID_SOURCE,
                   QUARTET_MEDIA_UNKNOWN_VIDEO_SOURCE, video);
      return NULL;
    }
  if (chain[0] == NULL)
    return NULL;

  if (camera)
    {
      /* A camera offers what it offers: convert it, and scale it down only
       * when it is bigger than the ladder's top. */
      chain[n++] = gst_element_factory_make ("videoconvert", NULL);
      chain[n++] = gst_element_factory_make ("videoscale", NULL);
      chain[n++] = gst_element_factory_make ("videorate", NULL);
    }
  chain[n++] = _quartet_media_make_capsfilter (camera ? QUARTET_MEDIA_CAMERA_CAPS
                                                      : QUARTET_MEDIA_PATTERN_CAPS);

  bin = gst_bin_new ("video-source");
  for (gsize i = 0; i < n; i++)
    gst_bin_add (GST_BIN (bin), chain[i]);
  for (gsize i = 0; i + 1 < n; i++)
    gst_element_link (chain[i], chain[i + 1]);

  src = gst_element_get_static_pad (chain[n - 1], "src");
  if (clock)
    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, on_clock_frame_cb, NULL, NULL);
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", src));
  return bin;
}

/* The stream the ScreenCast portal started, read from the PipeWire remote
 * it opened (pipewiresrc connects through a duplicate of @pipewire_fd,
 * which stays the caller's). A screen sends frames when it changes: the
 * last one is sent again meanwhile, so that a still screen is still seen
 * by a peer that joins or loses a frame. Frames are copied out of
 * PipeWire's few buffers: ours wait in queues. */
GstElement *
_quartet_media_make_screen_source (int pipewire_fd, guint32 node, GError **error)
{
  g_autofree char *path = g_strdup_printf ("%u", node);
  GstElement *chain[4];
  GstElement *bin;
  g_autoptr (GstPad) src = NULL;

  if (!_quartet_media_has_element ("pipewiresrc"))
    {
      g_set_error (error, QUARTET_MEDIA_ERROR, QUARTET_MEDIA_ERROR_MISSING_PLUGIN,
                   "Sharing a screen needs the GStreamer element pipewiresrc (Debian package "
                   "gstreamer1.0-pipewire)");
      return NULL;
    }

  chain[0] = gst_element_factory_make_full ("pipewiresrc", "name", "screen", "fd", pipewire_fd,
                                            "path", path, "do-timestamp", TRUE, "keepalive-time",
                                            SCREEN_KEEPALIVE_MS, "always-copy", TRUE, NULL);
  refuse_clock (chain[0]);
  chain[1] = gst_element_factory_make ("videoconvert", NULL);
  chain[2] = gst_element_factory_make ("videorate", NULL);
  chain[3] = _quartet_media_make_capsfilter (QUARTET_MEDIA_SCREEN_CAPS);

  bin = gst_bin_new ("screen-source");
  for (gsize i = 0; i < G_N_ELEMENTS (chain); i++)
    gst_bin_add (GST_BIN (bin), chain[i]);
  gst_element_link_many (chain[0], chain[1], chain[2], chain[3], NULL);

  src = gst_element_get_static_pad (chain[3], "src");
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", src));
  return bin;
}

static GstPadProbeReturn
drop_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  return GST_PAD_PROBE_DROP;
}

static GstPadProbeReturn
drop_stream_start_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_STREAM_START)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

/* Puts @replacement (a bin from _quartet_media_make_video_source(), not
 * yet in the pipeline) where @old is, while the pipeline plays.
 *
 * The old source's output is dropped from now on, so that it never pushes
 * into an unlinked pad (which would be a "not-linked" error), and it is
 * stopped before it is unlinked. The new
 * source counts its time from zero when it starts; its pad offset moves
 * that to the pipeline's running time, so the encoder and every peer's RTP
 * timestamps go on without a jump. Downstream it is the same stream: its
 * stream-start is dropped (a new one would make tees and encoders start
 * over), its segment and identical caps pass. */
void
_quartet_media_replace_video_source (GstPipeline *pipeline,
                                     GstElement *old,
                                     GstElement *replacement)
{
  g_autoptr (GstPad) old_src = gst_element_get_static_pad (old, "src");
  g_autoptr (GstPad) new_src = gst_element_get_static_pad (replacement, "src");
  g_autoptr (GstPad) downstream = gst_pad_get_peer (old_src);
  g_autoptr (GstClock) clock = gst_pipeline_get_clock (pipeline);
  GstClockTime now = gst_clock_get_time (clock);
  GstClockTime running_time = now - gst_element_get_base_time (GST_ELEMENT (pipeline));

  /* Stopped before it is unlinked: stopping waits for a push under way,
   * which unlinked midway met the new source's caps downstream
   * (not-negotiated, seen under load). */
  gst_pad_add_probe (old_src, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM, drop_cb, NULL, NULL);
  gst_element_set_locked_state (old, TRUE);
  gst_element_set_state (old, GST_STATE_NULL);
  if (downstream != NULL)
    gst_pad_unlink (old_src, downstream);
  gst_bin_remove (GST_BIN (pipeline), old);

  gst_bin_add (GST_BIN (pipeline), replacement);
  gst_pad_set_offset (new_src, (gint64)running_time);
  gst_pad_add_probe (new_src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, drop_stream_start_cb, NULL,
                     NULL);
  if (downstream != NULL)
    gst_pad_link (new_src, downstream);
  gst_element_set_start_time (replacement, GST_CLOCK_TIME_NONE);
  gst_element_set_base_time (replacement, now);
  gst_element_sync_state_with_parent (replacement);
}
