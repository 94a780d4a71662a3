/* quartet-quickblox-directory.c: the users of a QuickBlox application, a page at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of QuartetContact holding one page of the application's
 * users, so the UI binds it to a list view as it does the roster. Each
 * contact's JID is the user's chat JID `{id}-{appId}@{chat}`, so its user
 * id is the QuickBlox id that calls take.
 *
 * Without a search the page comes from `GET /users.json`; with one from
 * `GET /users/by_full_name.json?full_name=...`, the search the QuickBlox
 * REST API documents (and the JS SDK's `users.get({full_name})` uses): the
 * users whose full name contains the text. Both answer
 * `{"current_page", "per_page", "total_entries", "items": [{"user": {...}}]}`.
 */
#define G_LOG_DOMAIN "quartet-quickblox"

#include "quartet-contact.h"
#include "quartet-quickblox-directory.h"
#include "quartet-quickblox-private.h"

#define DEFAULT_PER_PAGE 50

struct _QuartetQuickbloxDirectory
{
  GObject parent_instance;

  QuartetQuickbloxAccount *account;
  char *chat_domain;
  GListStore *contacts;

  char *search;
  guint per_page;
  guint page;
  guint total_entries;

  /* The load under way: a newer one replaces it. */
  GCancellable *loading;
};

static void quartet_quickblox_directory_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QuartetQuickbloxDirectory,
                               quartet_quickblox_directory,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      quartet_quickblox_directory_list_model_init))

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_CHAT_DOMAIN,
  PROP_SEARCH,
  PROP_PER_PAGE,
  PROP_PAGE,
  PROP_TOTAL_ENTRIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
quartet_quickblox_directory_get_item_type (GListModel *model)
{
  return QUARTET_TYPE_CONTACT;
}

static guint
quartet_quickblox_directory_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (QUARTET_QUICKBLOX_DIRECTORY (model)->contacts));
}

static gpointer
quartet_quickblox_directory_get_item (GListModel *model, guint position)
{
  return g_list_model_get_item (G_LIST_MODEL (QUARTET_QUICKBLOX_DIRECTORY (model)->contacts),
                                position);
}

static void
quartet_quickblox_directory_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = quartet_quickblox_directory_get_item_type;
  iface->get_n_items = quartet_quickblox_directory_get_n_items;
  iface->get_item = quartet_quickblox_directory_get_item;
}

static void
on_contacts_items_changed_cb (GListModel *contacts,
                              guint position,
                              guint removed,
                              guint added,
                              QuartetQuickbloxDirectory *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static guint
uint_member (JsonObject *object, const char *name)
{
  gint64 value = json_object_get_int_member_with_default (object, name, 0);

  return CLAMP (value, 0, G_MAXUINT);
}

static QuartetContact *
contact_from_item (QuartetQuickbloxDirectory *self, JsonNode *item)
{
  JsonObject *user;
  gint64 id;
  g_autofree char *jid = NULL;
  QuartetContact *contact;

  if (!JSON_NODE_HOLDS_OBJECT (item))
    return NULL;
  user = _quartet_quickblox_object_member (json_node_get_object (item), "user");
  if (user == NULL)
    return NULL;
  id = json_object_get_int_member_with_default (user, "id", 0);
  if (id <= 0)
    return NULL;

  jid = g_strdup_printf ("%" G_GINT64_FORMAT "-%s@%s", id,
                         quartet_quickblox_account_get_application_id (self->account),
                         self->chat_domain);
  contact = quartet_contact_new (
      jid, json_object_get_string_member_with_default (user, "full_name", NULL));
  quartet_contact_set_login (contact,
                             json_object_get_string_member_with_default (user, "login", NULL));
  return contact;
}

static void
take_page (QuartetQuickbloxDirectory *self, JsonObject *answer)
{
  JsonArray *items = _quartet_quickblox_array_member (answer, "items");
  g_autoptr (GPtrArray) contacts = g_ptr_array_new_with_free_func (g_object_unref);
  guint page = uint_member (answer, "current_page");
  guint total = uint_member (answer, "total_entries");

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      QuartetContact *contact = contact_from_item (self, json_array_get_element (items, i));

      if (contact != NULL)
        g_ptr_array_add (contacts, contact);
      if (contacts->len >= QUARTET_QUICKBLOX_MAX_PER_PAGE)
        break;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->page != page)
    {
      self->page = page;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
    }
  if (self->total_entries != total)
    {
      self->total_entries = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_ENTRIES]);
    }
  g_list_store_splice (self->contacts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->contacts)),
                       contacts->pdata, contacts->len);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_page_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  QuartetQuickbloxDirectory *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) answer
      = _quartet_quickblox_account_get_finish (QUARTET_QUICKBLOX_ACCOUNT (source), result, &error);

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A newer load took over; its page is the one to show. */
  if (g_task_return_error_if_cancelled (task))
    return;

  take_page (self, answer);
  g_task_return_boolean (task, TRUE);
}

static void
on_cancelled_cb (GCancellable *cancellable, GCancellable *loading)
{
  g_cancellable_cancel (loading);
}

/* Shows page @page (from 1) of the users, or of those whose full name
 * contains the search text. */
void
quartet_quickblox_directory_load_page_async (QuartetQuickbloxDirectory *self,
                                             guint page,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *page_text = g_strdup_printf ("%u", MAX (page, 1));
  g_autofree char *per_page_text = g_strdup_printf ("%u", self->per_page);
  g_autofree char *query = NULL;

  g_return_if_fail (QUARTET_IS_QUICKBLOX_DIRECTORY (self));

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  self->loading = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_cb), g_object_ref (self->loading),
                           g_object_unref);

  task = g_task_new (self, self->loading, callback, user_data);
  g_task_set_source_tag (task, quartet_quickblox_directory_load_page_async);

  if (self->search != NULL)
    query = soup_form_encode ("full_name", self->search, "page", page_text, "per_page",
                              per_page_text, NULL);
  else
    query = soup_form_encode ("page", page_text, "per_page", per_page_text, NULL);

  _quartet_quickblox_account_get_async (self->account,
                                        self->search ? "/users/by_full_name.json" : "/users.json",
                                        query, self->loading, on_page_cb, g_steal_pointer (&task));
}

gboolean
quartet_quickblox_directory_load_page_finish (QuartetQuickbloxDirectory *self,
                                              GAsyncResult *result,
                                              GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
quartet_quickblox_directory_get_property (GObject *object,
                                          guint prop_id,
                                          GValue *value,
                                          GParamSpec *pspec)
{
  QuartetQuickbloxDirectory *self = QUARTET_QUICKBLOX_DIRECTORY (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_CHAT_DOMAIN:
      g_value_set_string (value, self->chat_domain);
      break;
    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;
    case PROP_PER_PAGE:
      g_value_set_uint (value, self->per_page);
      break;
    case PROP_PAGE:
      g_value_set_uint (value, self->page);
      break;
    case PROP_TOTAL_ENTRIES:
      g_value_set_uint (value, self->total_entries);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_quickblox_directory_set_property (GObject *object,
                                          guint prop_id,
                                          const GValue *value,
                                          GParamSpec *pspec)
{
  QuartetQuickbloxDirectory *self = QUARTET_QUICKBLOX_DIRECTORY (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    case PROP_CHAT_DOMAIN:
      self->chat_domain = g_value_dup_string (value);
      break;
    case PROP_SEARCH:
      quartet_quickblox_directory_set_search (self, g_value_get_string (value));
      break;
    case PROP_PER_PAGE:
      quartet_quickblox_directory_set_per_page (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_quickblox_directory_dispose (GObject *object)
{
  QuartetQuickbloxDirectory *self = QUARTET_QUICKBLOX_DIRECTORY (object);

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  if (self->contacts != NULL)
    g_signal_handlers_disconnect_by_data (self->contacts, self);
  g_clear_object (&self->contacts);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (quartet_quickblox_directory_parent_class)->dispose (object);
}

static void
quartet_quickblox_directory_finalize (GObject *object)
{
  QuartetQuickbloxDirectory *self = QUARTET_QUICKBLOX_DIRECTORY (object);

  g_clear_pointer (&self->chat_domain, g_free);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (quartet_quickblox_directory_parent_class)->finalize (object);
}

static void
quartet_quickblox_directory_class_init (QuartetQuickbloxDirectoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags readwrite
      = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags readable = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = quartet_quickblox_directory_get_property;
  object_class->set_property = quartet_quickblox_directory_set_property;
  object_class->dispose = quartet_quickblox_directory_dispose;
  object_class->finalize = quartet_quickblox_directory_finalize;

  properties[PROP_ACCOUNT]
      = g_param_spec_object ("account", NULL, NULL, QUARTET_TYPE_QUICKBLOX_ACCOUNT, construct);
  properties[PROP_CHAT_DOMAIN] = g_param_spec_string ("chat-domain", NULL, NULL, NULL, construct);
  properties[PROP_SEARCH] = g_param_spec_string ("search", NULL, NULL, NULL, readwrite);
  properties[PROP_PER_PAGE] = g_param_spec_uint (
      "per-page", NULL, NULL, 1, QUARTET_QUICKBLOX_MAX_PER_PAGE, DEFAULT_PER_PAGE, readwrite);
  properties[PROP_PAGE] = g_param_spec_uint ("page", NULL, NULL, 0, G_MAXUINT, 0, readable);
  properties[PROP_TOTAL_ENTRIES]
      = g_param_spec_uint ("total-entries", NULL, NULL, 0, G_MAXUINT, 0, readable);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quartet_quickblox_directory_init (QuartetQuickbloxDirectory *self)
{
  self->per_page = DEFAULT_PER_PAGE;
  self->contacts = g_list_store_new (QUARTET_TYPE_CONTACT);
  g_signal_connect (self->contacts, "items-changed", G_CALLBACK (on_contacts_items_changed_cb),
                    self);
}

/* The users of @account's application; contacts get JIDs on @chat_domain
 * (QuickBlox chat's domain, e.g. chat.quickblox.com). Empty until a page
 * is loaded. */
QuartetQuickbloxDirectory *
quartet_quickblox_directory_new (QuartetQuickbloxAccount *account, const char *chat_domain)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_ACCOUNT (account), NULL);
  g_return_val_if_fail (chat_domain != NULL, NULL);

  return g_object_new (QUARTET_TYPE_QUICKBLOX_DIRECTORY, "account", account, "chat-domain",
                       chat_domain, NULL);
}

const char *
quartet_quickblox_directory_get_search (QuartetQuickbloxDirectory *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_DIRECTORY (self), NULL);

  return self->search;
}

/* Takes effect with the next load; NULL or "" lists every user. */
void
quartet_quickblox_directory_set_search (QuartetQuickbloxDirectory *self, const char *search)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (QUARTET_IS_QUICKBLOX_DIRECTORY (self));

  stripped = search ? g_strstrip (g_strdup (search)) : NULL;
  if (stripped != NULL && *stripped == '\0')
    g_clear_pointer (&stripped, g_free);
  if (g_strcmp0 (self->search, stripped) == 0)
    return;

  g_free (self->search);
  self->search = g_steal_pointer (&stripped);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

guint
quartet_quickblox_directory_get_per_page (QuartetQuickbloxDirectory *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_DIRECTORY (self), 0);

  return self->per_page;
}

/* Takes effect with the next load. */
void
quartet_quickblox_directory_set_per_page (QuartetQuickbloxDirectory *self, guint per_page)
{
  g_return_if_fail (QUARTET_IS_QUICKBLOX_DIRECTORY (self));

  per_page = CLAMP (per_page, 1, QUARTET_QUICKBLOX_MAX_PER_PAGE);
  if (self->per_page == per_page)
    return;

  self->per_page = per_page;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PER_PAGE]);
}

/* The page shown, from 1; 0 before the first load. */
guint
quartet_quickblox_directory_get_page (QuartetQuickbloxDirectory *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_DIRECTORY (self), 0);

  return self->page;
}

/* How many users (or matches of the search) there are on all pages. */
guint
quartet_quickblox_directory_get_total_entries (QuartetQuickbloxDirectory *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_DIRECTORY (self), 0);

  return self->total_entries;
}

guint
quartet_quickblox_directory_get_n_pages (QuartetQuickbloxDirectory *self)
{
  g_return_val_if_fail (QUARTET_IS_QUICKBLOX_DIRECTORY (self), 0);

  return (self->total_entries + self->per_page - 1) / self->per_page;
}
