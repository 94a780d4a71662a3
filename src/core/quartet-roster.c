/* quartet-roster.c: the account's contacts, kept from roster results, pushes and presence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of QuartetContact sorted by display name, so the UI binds it
 * to a list view as it is.
 */
#define G_LOG_DOMAIN "quartet-roster"

#include "quartet-roster.h"
#include "quartet-jid.h"

#include <string.h>

struct _QuartetRoster
{
  GObject parent_instance;

  GListStore *contacts;
};

static void quartet_roster_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QuartetRoster,
                               quartet_roster,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      quartet_roster_list_model_init))

static GType
quartet_roster_get_item_type (GListModel *model)
{
  return QUARTET_TYPE_CONTACT;
}

static guint
quartet_roster_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (QUARTET_ROSTER (model)->contacts));
}

static gpointer
quartet_roster_get_item (GListModel *model, guint position)
{
  return g_list_model_get_item (G_LIST_MODEL (QUARTET_ROSTER (model)->contacts), position);
}

static void
quartet_roster_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = quartet_roster_get_item_type;
  iface->get_n_items = quartet_roster_get_n_items;
  iface->get_item = quartet_roster_get_item;
}

static void
on_contacts_items_changed_cb (GListModel *contacts,
                              guint position,
                              guint removed,
                              guint added,
                              QuartetRoster *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
quartet_roster_dispose (GObject *object)
{
  QuartetRoster *self = QUARTET_ROSTER (object);

  if (self->contacts)
    g_signal_handlers_disconnect_by_data (self->contacts, self);
  g_clear_object (&self->contacts);

  G_OBJECT_CLASS (quartet_roster_parent_class)->dispose (object);
}

static void
quartet_roster_class_init (QuartetRosterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = quartet_roster_dispose;
}

static void
quartet_roster_init (QuartetRoster *self)
{
  self->contacts = g_list_store_new (QUARTET_TYPE_CONTACT);
  g_signal_connect (self->contacts, "items-changed", G_CALLBACK (on_contacts_items_changed_cb),
                    self);
}

QuartetRoster *
quartet_roster_new (void)
{
  return g_object_new (QUARTET_TYPE_ROSTER, NULL);
}

static int
compare_contacts (gconstpointer a, gconstpointer b, gpointer user_data)
{
  QuartetContact *ca = (QuartetContact *)a;
  QuartetContact *cb = (QuartetContact *)b;

  return g_utf8_collate (quartet_contact_get_display_name (ca),
                         quartet_contact_get_display_name (cb));
}

static gboolean
find_position (QuartetRoster *self, const char *jid, guint *position)
{
  g_autofree char *bare = quartet_jid_get_bare (jid);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetContact) contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);

      if (g_strcmp0 (quartet_contact_get_jid (contact), bare) == 0)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* (transfer none): the store keeps its reference. */
QuartetContact *
quartet_roster_lookup (QuartetRoster *self, const char *jid)
{
  g_autoptr (QuartetContact) contact = NULL;
  guint position;

  g_return_val_if_fail (QUARTET_IS_ROSTER (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  if (!find_position (self, jid, &position))
    return NULL;

  contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), position);
  return contact;
}

/* One <item jid= name= subscription=/>: add, update or (subscription="remove") drop it.
 * Updating removes and re-inserts so that the sort order follows a renamed contact. */
static void
apply_item (QuartetRoster *self, xmpp_stanza_t *item)
{
  const char *jid = xmpp_stanza_get_attribute (item, "jid");
  const char *name = xmpp_stanza_get_attribute (item, "name");
  const char *subscription = xmpp_stanza_get_attribute (item, "subscription");
  g_autoptr (QuartetContact) contact = NULL;
  guint position;

  if (!quartet_jid_is_valid (jid))
    {
      g_debug ("Ignoring roster item with invalid JID");
      return;
    }

  if (find_position (self, jid, &position))
    {
      contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), position);
      g_list_store_remove (self->contacts, position);
    }

  if (g_strcmp0 (subscription, "remove") == 0)
    return;

  if (contact == NULL)
    contact = quartet_contact_new (jid, name);
  else
    quartet_contact_set_name (contact, name);
  quartet_contact_set_subscription (contact, subscription);

  g_list_store_insert_sorted (self->contacts, contact, compare_contacts, NULL);
}

static void
apply_items (QuartetRoster *self, xmpp_stanza_t *query)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (query); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (g_strcmp0 (xmpp_stanza_get_name (child), "item") == 0)
      apply_item (self, child);
}

/* A full roster result replaces what we had, keeping known presence. */
void
quartet_roster_load (QuartetRoster *self, xmpp_stanza_t *query)
{
  g_autoptr (GHashTable) available = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n;

  g_return_if_fail (QUARTET_IS_ROSTER (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetContact) contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);

      if (quartet_contact_get_available (contact))
        g_hash_table_add (available, g_strdup (quartet_contact_get_jid (contact)));
    }

  g_list_store_remove_all (self->contacts);
  if (query != NULL)
    apply_items (self, query);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetContact) contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);

      if (g_hash_table_contains (available, quartet_contact_get_jid (contact)))
        quartet_contact_set_available (contact, TRUE);
    }
}

void
quartet_roster_apply_push (QuartetRoster *self, xmpp_stanza_t *query)
{
  g_return_if_fail (QUARTET_IS_ROSTER (self));
  g_return_if_fail (query != NULL);

  apply_items (self, query);
}

void
quartet_roster_apply_presence (QuartetRoster *self, xmpp_stanza_t *presence)
{
  const char *from = xmpp_stanza_get_from (presence);
  const char *type = xmpp_stanza_get_type (presence);
  QuartetContact *contact;

  g_return_if_fail (QUARTET_IS_ROSTER (self));

  if (from == NULL || (contact = quartet_roster_lookup (self, from)) == NULL)
    return;

  /* Subscription requests and errors say nothing about availability. */
  if (type == NULL)
    quartet_contact_set_available (contact, TRUE);
  else if (strcmp (type, "unavailable") == 0)
    quartet_contact_set_available (contact, FALSE);
}

void
quartet_roster_mark_all_unavailable (QuartetRoster *self)
{
  guint n;

  g_return_if_fail (QUARTET_IS_ROSTER (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetContact) contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);

      quartet_contact_set_available (contact, FALSE);
    }
}
