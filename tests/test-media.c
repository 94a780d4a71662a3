/* test-media.c: the local media's settings reach its elements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The echo canceller is switched off and on again between two starts (two
 * calls), as Preferences does: webrtcdsp is told before each. What it
 * does to the sound is measured elsewhere (issue 22's audio tests).
 */
#include "quartet.h"

static gboolean
dsp_echo_cancel (QuartetMedia *media)
{
  GstBin *pipeline = GST_BIN (quartet_media_get_pipeline (media));
  g_autoptr (GstIterator) iterator
      = gst_bin_iterate_all_by_element_factory_name (pipeline, "webrtcdsp");
  g_auto (GValue) item = G_VALUE_INIT;
  gboolean enabled;

  g_assert_cmpint (gst_iterator_next (iterator, &item), ==, GST_ITERATOR_OK);
  g_object_get (g_value_get_object (&item), "echo-cancel", &enabled, NULL);
  return enabled;
}

static void
test_echo_cancellation_between_calls (void)
{
  g_autoptr (QuartetMedia) media = quartet_media_new ("none", "tone");
  g_autoptr (GError) error = NULL;

  if (!gst_element_factory_find ("webrtcdsp"))
    {
      g_test_skip ("webrtcdsp is not installed (gstreamer1.0-plugins-bad)");
      return;
    }

  quartet_media_set_echo_cancellation (media, FALSE);
  g_assert_true (quartet_media_start (media, &error));
  g_assert_no_error (error);
  g_assert_false (dsp_echo_cancel (media));
  quartet_media_stop (media);

  quartet_media_set_echo_cancellation (media, TRUE);
  g_assert_true (quartet_media_start (media, &error));
  g_assert_true (dsp_echo_cancel (media));
  quartet_media_stop (media);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_setenv ("QUARTET_AUDIO_SINK", "fake", TRUE);

  g_test_add_func ("/media/echo-cancellation-between-calls", test_echo_cancellation_between_calls);

  return g_test_run ();
}
