/* quartet-call-history.c: the calls made and missed, newest first, kept in a file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GKeyFile per account, one group per call, newest first. Not SQLite:
 * at most QUARTET_CALL_HISTORY_MAX small records, read once at sign-in and
 * written whole (and atomically, g_file_set_contents() renames over the
 * old file) after each call, need no query engine and no new dependency;
 * and the user can read the file. It holds user ids, names and times,
 * never a secret.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-call-history.h"

#include <errno.h>
#include <glib/gstdio.h>

struct _QuartetCallHistory
{
  GObject parent_instance;

  GPtrArray *records; /* newest first */
  char *path;
  guint unseen_missed;
  guint save_id; /* a write is due */
};

static void quartet_call_history_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QuartetCallHistory,
                               quartet_call_history,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      quartet_call_history_list_model_init))

enum
{
  PROP_0,
  PROP_UNSEEN_MISSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
quartet_call_history_get_item_type (GListModel *model)
{
  return QUARTET_TYPE_CALL_RECORD;
}

static guint
quartet_call_history_get_n_items (GListModel *model)
{
  return QUARTET_CALL_HISTORY (model)->records->len;
}

static gpointer
quartet_call_history_get_item (GListModel *model, guint position)
{
  QuartetCallHistory *self = QUARTET_CALL_HISTORY (model);

  if (position >= self->records->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->records, position));
}

static void
quartet_call_history_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = quartet_call_history_get_item_type;
  iface->get_n_items = quartet_call_history_get_n_items;
  iface->get_item = quartet_call_history_get_item;
}

static void
count_unseen (QuartetCallHistory *self)
{
  guint unseen = 0;

  for (guint i = 0; i < self->records->len; i++)
    unseen += !quartet_call_record_get_seen (g_ptr_array_index (self->records, i));

  if (unseen == self->unseen_missed)
    return;
  self->unseen_missed = unseen;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNSEEN_MISSED]);
}

/* After each change: a history that cannot be written still shows, and
 * the log says why once per change. */
static void
save (QuartetCallHistory *self)
{
  g_autoptr (GKeyFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (self->path == NULL)
    return;

  file = g_key_file_new ();
  for (guint i = 0; i < self->records->len; i++)
    {
      g_autofree char *group = g_strdup_printf ("call %u", i);

      quartet_call_record_save (g_ptr_array_index (self->records, i), file, group);
    }
  data = g_key_file_to_data (file, &length, NULL);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (self->path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                    &error))
    g_message ("The call history could not be kept in %s: %s", self->path,
               error ? error->message : g_strerror (errno));
}

static gboolean
on_save_cb (gpointer data)
{
  QuartetCallHistory *self = data;

  self->save_id = 0;
  save (self);
  return G_SOURCE_REMOVE;
}

/* Changes that come together (a call and its end) are written once, from
 * the main loop; a load or the end writes what is due first. */
static void
schedule_save (QuartetCallHistory *self)
{
  if (self->path != NULL && self->save_id == 0)
    self->save_id = g_idle_add (on_save_cb, self);
}

static void
save_now (QuartetCallHistory *self)
{
  if (self->save_id != 0)
    {
      g_clear_handle_id (&self->save_id, g_source_remove);
      save (self);
    }
}

static void
set_aside (const char *path, const GError *error)
{
  g_autofree char *aside = g_strconcat (path, ".broken", NULL);

  g_message ("%s is not a call history (%s): it is kept as %s and a new one begins", path,
             error->message, aside);
  if (g_rename (path, aside) != 0)
    g_message ("Could not rename %s: %s", path, g_strerror (errno));
}

static void
read_records (QuartetCallHistory *self)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) groups = NULL;

  if (!g_key_file_load_from_file (file, self->path, G_KEY_FILE_NONE, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        set_aside (self->path, error);
      return;
    }

  /* A record that does not read (a hand edit, an older version) is left
   * out alone; the others stay. */
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL && self->records->len < QUARTET_CALL_HISTORY_MAX; i++)
    {
      g_autoptr (GError) record_error = NULL;
      QuartetCallRecord *record = quartet_call_record_load (file, groups[i], &record_error);

      if (record == NULL)
        g_message ("%s: [%s] left out: %s", self->path, groups[i], record_error->message);
      else
        g_ptr_array_add (self->records, record);
    }
}

void
quartet_call_history_load (QuartetCallHistory *self, const char *path)
{
  guint removed;

  g_return_if_fail (QUARTET_IS_CALL_HISTORY (self));

  if (g_strcmp0 (self->path, path) == 0)
    return;

  g_debug ("Call history: %s", path ? path : "(none)");
  save_now (self);
  removed = self->records->len;
  g_ptr_array_set_size (self->records, 0);
  g_free (self->path);
  self->path = g_strdup (path);
  if (path != NULL)
    read_records (self);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->records->len);
  count_unseen (self);
}

const char *
quartet_call_history_get_path (QuartetCallHistory *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_HISTORY (self), NULL);
  return self->path;
}

void
quartet_call_history_add (QuartetCallHistory *self, QuartetCallRecord *record)
{
  guint removed = 0;

  g_return_if_fail (QUARTET_IS_CALL_HISTORY (self));
  g_return_if_fail (QUARTET_IS_CALL_RECORD (record));

  g_ptr_array_insert (self->records, 0, g_object_ref (record));
  if (self->records->len > QUARTET_CALL_HISTORY_MAX)
    {
      removed = self->records->len - QUARTET_CALL_HISTORY_MAX;
      g_ptr_array_set_size (self->records, QUARTET_CALL_HISTORY_MAX);
    }

  /* Past the bound the oldest go: one inserted at the top, some removed at the end. */
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), self->records->len, removed, 0);
  count_unseen (self);
  schedule_save (self);
}

guint
quartet_call_history_get_unseen_missed (QuartetCallHistory *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_HISTORY (self), 0);
  return self->unseen_missed;
}

void
quartet_call_history_mark_seen (QuartetCallHistory *self)
{
  g_return_if_fail (QUARTET_IS_CALL_HISTORY (self));

  if (self->unseen_missed == 0)
    return;

  for (guint i = 0; i < self->records->len; i++)
    quartet_call_record_set_seen (g_ptr_array_index (self->records, i), TRUE);
  count_unseen (self);
  schedule_save (self);
}

char *
quartet_call_history_path_for (const char *account_jid)
{
  /* A bare JID has no '/', but a hand-typed one might: escape all but '@'. */
  g_autofree char *name = g_uri_escape_string (account_jid, "@", FALSE);
  g_autofree char *file = g_strconcat (name, ".ini", NULL);

  return g_build_filename (g_get_user_data_dir (), "quartet", "history", file, NULL);
}

static void
quartet_call_history_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetCallHistory *self = QUARTET_CALL_HISTORY (object);

  switch (prop_id)
    {
    case PROP_UNSEEN_MISSED:
      g_value_set_uint (value, self->unseen_missed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_call_history_finalize (GObject *object)
{
  QuartetCallHistory *self = QUARTET_CALL_HISTORY (object);

  save_now (self);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (quartet_call_history_parent_class)->finalize (object);
}

static void
quartet_call_history_class_init (QuartetCallHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = quartet_call_history_get_property;
  object_class->finalize = quartet_call_history_finalize;

  /* Missed calls the user has not looked at: the badge on "Recent". */
  properties[PROP_UNSEEN_MISSED] = g_param_spec_uint ("unseen-missed", NULL, NULL, 0, G_MAXUINT, 0,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quartet_call_history_init (QuartetCallHistory *self)
{
  self->records = g_ptr_array_new_with_free_func (g_object_unref);
}

QuartetCallHistory *
quartet_call_history_new (void)
{
  return g_object_new (QUARTET_TYPE_CALL_HISTORY, NULL);
}
