/* test-ui-files.c: every .ui file of the app loads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gtk4-builder-tool cannot check these files: it knows neither the
 * libadwaita parents of the templates nor Quartet's own widget types. So
 * this test links the app's widget code and its GResource and builds the
 * real thing: each template by instantiating its class (a broken template
 * is a critical, fatal under G_DEBUG=fatal-criticals), every other .ui file
 * through GtkBuilder. It also checks that every .ui file in src/ui (given
 * as the first argument) is in the resource, so a file added without a
 * gresource entry fails here instead of at run time.
 *
 * GTK needs a display: tests/meson.build runs this under Xvfb
 * (tests/with-xvfb.py).
 */
#define G_LOG_DOMAIN "test-ui-files"

#include <adwaita.h>

#include "quartet-call-view.h"
#include "quartet-contact-row.h"
#include "quartet-contacts-page.h"
#include "quartet-history-row.h"
#include "quartet-participant.h"
#include "quartet-microphone-test-row.h"
#include "quartet-preferences-window.h"
#include "quartet-quickblox-form.h"
#include "quartet-sign-in-page.h"
#include "quartet-video-tile.h"
#include "quartet-window.h"

#define RESOURCE_BASE "/io/github/quartet/Quartet"

static const char *source_dir;

/* The class a <template> defines, or NULL for a plain builder file. */
static char *
template_class (const char *xml)
{
  g_autoptr (GRegex) regex = g_regex_new ("<template\\s+class=\"([A-Za-z0-9_]+)\"", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;

  if (!g_regex_match (regex, xml, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

static void
list_ui_resources (const char *path, GPtrArray *found)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) children
      = g_resources_enumerate_children (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  g_assert_no_error (error);
  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *child = g_strconcat (path, "/", children[i], NULL);

      if (g_str_has_suffix (children[i], "/"))
        {
          child[strlen (child) - 1] = '\0';
          list_ui_resources (child, found);
        }
      else if (g_str_has_suffix (children[i], ".ui"))
        g_ptr_array_add (found, g_steal_pointer (&child));
    }
}

static void
destroy_widget (GtkWidget *widget)
{
  if (GTK_IS_WINDOW (widget))
    gtk_window_destroy (GTK_WINDOW (widget));
  else
    g_object_unref (g_object_ref_sink (widget));
}

/* A widget of @type as the app makes it: some need a construct property. */
static GtkWidget *
new_widget (GType type)
{
  if (type == QUARTET_TYPE_VIDEO_TILE)
    {
      g_autoptr (QuartetParticipant) participant
          = quartet_participant_new_remote ("bob@example.org", "Bob");

      return g_object_new (type, "participant", participant, NULL);
    }
  return g_object_new (type, NULL);
}

static void
test_resource_ui (gconstpointer data)
{
  const char *path = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_autofree char *class_name = NULL;

  g_assert_no_error (error);
  class_name = template_class (g_bytes_get_data (bytes, NULL));

  if (class_name != NULL)
    {
      GType type = g_type_from_name (class_name);
      GtkWidget *widget;

      g_test_message ("%s: template of %s", path, class_name);
      g_assert_true (type != G_TYPE_INVALID);
      g_assert_true (g_type_is_a (type, GTK_TYPE_WIDGET));
      /* init() calls gtk_widget_init_template(): a template that does not
       * build (an unknown type, property or signal handler) is a critical. */
      widget = new_widget (type);
      g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (widget, type));
      destroy_widget (widget);
    }
  else
    {
      g_autoptr (GtkBuilder) builder = gtk_builder_new ();

      g_test_message ("%s: builder file", path);
      gtk_builder_add_from_resource (builder, path, &error);
      g_assert_no_error (error);
      for (GSList *l = gtk_builder_get_objects (builder); l != NULL; l = g_slist_delete_link (l, l))
        if (GTK_IS_WINDOW (l->data))
          gtk_window_destroy (GTK_WINDOW (l->data));
    }
}

static void
test_every_source_file_is_a_resource (gconstpointer data)
{
  GPtrArray *resources = (GPtrArray *)data;
  const char *subdirs[] = { "", "gtk" };
  guint checked = 0;

  for (guint s = 0; s < G_N_ELEMENTS (subdirs); s++)
    {
      g_autofree char *dir_path = g_build_filename (source_dir, subdirs[s], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GDir) dir = g_dir_open (dir_path, 0, &error);
      const char *name;

      g_assert_no_error (error);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *resource = NULL;
          gboolean found = FALSE;

          if (!g_str_has_suffix (name, ".ui"))
            continue;
          resource = *subdirs[s] != '\0'
                         ? g_strconcat (RESOURCE_BASE "/", subdirs[s], "/", name, NULL)
                         : g_strconcat (RESOURCE_BASE "/", name, NULL);
          for (guint i = 0; i < resources->len && !found; i++)
            found = g_str_equal (g_ptr_array_index (resources, i), resource);
          if (!found)
            g_test_fail_printf ("%s/%s is not in quartet.gresource.xml", dir_path, name);
          checked++;
        }
    }
  g_assert_cmpuint (checked, ==, resources->len);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GPtrArray) resources = g_ptr_array_new_with_free_func (g_free);
  int status;

  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: %s [TEST OPTIONS] SRC/UI-DIR", argv[0]);
  source_dir = argv[1];

  gtk_init ();
  adw_init ();

  /* Register the app's widget types, so that templates and files that
   * name them (the window holds the pages) find them by name. */
  g_type_ensure (QUARTET_TYPE_CALL_VIEW);
  g_type_ensure (QUARTET_TYPE_CONTACT_ROW);
  g_type_ensure (QUARTET_TYPE_CONTACTS_PAGE);
  g_type_ensure (QUARTET_TYPE_HISTORY_ROW);
  g_type_ensure (QUARTET_TYPE_MICROPHONE_TEST_ROW);
  g_type_ensure (QUARTET_TYPE_PREFERENCES_WINDOW);
  g_type_ensure (QUARTET_TYPE_QUICKBLOX_FORM);
  g_type_ensure (QUARTET_TYPE_SIGN_IN_PAGE);
  g_type_ensure (QUARTET_TYPE_VIDEO_TILE);
  g_type_ensure (QUARTET_TYPE_WINDOW);

  list_ui_resources (RESOURCE_BASE, resources);
  g_assert_cmpuint (resources->len, >, 0);

  for (guint i = 0; i < resources->len; i++)
    {
      const char *path = g_ptr_array_index (resources, i);
      g_autofree char *name = g_strconcat ("/ui-files/loads", path + strlen (RESOURCE_BASE), NULL);

      g_test_add_data_func (name, path, test_resource_ui);
    }
  g_test_add_data_func ("/ui-files/all-in-resource", resources,
                        test_every_source_file_is_a_resource);

  status = g_test_run ();
  return status;
}
