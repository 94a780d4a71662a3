/* main.c: quartet, the GNOME app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <locale.h>

#include "quartet-application.h"
#include "quartet-log.h"
#include "quartet-media.h"

int
main (int argc, char *argv[])
{
  g_autoptr (QuartetApplication) app = NULL;
  const char *localedir;
  int status;

  /* The catalogues are installed in LOCALEDIR. An uninstalled build has
   * them in <build>/po/<lang>/LC_MESSAGES/quartet.mo instead: the tests
   * (and `meson devenv`) point QUARTET_LOCALEDIR at <build>/po, so that
   * `LANGUAGE=de` shows the German built from this tree. */
  quartet_media_tune_allocator ();
  localedir = g_getenv ("QUARTET_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Initializes GStreamer too (its own options are not offered: the app's
   * are enough), and keeps passwords out of its and libnice's debug logs. */
  quartet_log_init ();

  app = quartet_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  g_clear_object (&app);
  gst_deinit ();
  return status;
}
