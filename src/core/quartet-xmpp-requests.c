/* quartet-xmpp-requests.c: IQ requests waiting for their answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libstrophe matches an answer to its request by id and calls a handler;
 * this turns that into GTasks, and fails the ones whose answer can no
 * longer come because the connection closed.
 */
#define G_LOG_DOMAIN "quartet-xmpp"

#include "quartet-xmpp-requests.h"
#include "quartet-xmpp-connection.h"

#define XMLNS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

struct _QuartetXmppRequests
{
  GHashTable *pending; /* id -> GTask */
};

static GHashTable *
new_pending_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

QuartetXmppRequests *
quartet_xmpp_requests_new (void)
{
  QuartetXmppRequests *self = g_new0 (QuartetXmppRequests, 1);

  self->pending = new_pending_table ();
  return self;
}

void
quartet_xmpp_requests_free (QuartetXmppRequests *self)
{
  quartet_xmpp_requests_fail_all (self);
  g_hash_table_unref (self->pending);
  g_free (self);
}

static void
free_stanza (gpointer stanza)
{
  xmpp_stanza_release (stanza);
}

/* The condition of an <iq type="error">, e.g. "service-unavailable". */
static const char *
error_condition (xmpp_stanza_t *iq)
{
  xmpp_stanza_t *error = xmpp_stanza_get_child_by_name (iq, "error");
  xmpp_stanza_t *child = error != NULL ? xmpp_stanza_get_children (error) : NULL;

  for (; child != NULL; child = xmpp_stanza_get_next (child))
    if (xmpp_stanza_is_tag (child) && g_strcmp0 (xmpp_stanza_get_ns (child), XMLNS_STANZAS) == 0)
      return xmpp_stanza_get_name (child);
  return "undefined-condition";
}

static int
on_answer_cb (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  QuartetXmppRequests *self = userdata;
  const char *id = xmpp_stanza_get_id (stanza);
  gpointer key = NULL, task_pointer = NULL;
  g_autoptr (GTask) task = NULL;

  if (id == NULL || !g_hash_table_steal_extended (self->pending, id, &key, &task_pointer))
    return 0;
  g_free (key);
  task = task_pointer;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") == 0)
    g_task_return_pointer (task, xmpp_stanza_copy (stanza), free_stanza);
  else
    g_task_return_new_error (task, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_REFUSED,
                             "The server refused the request (%s)", error_condition (stanza));
  return 0;
}

void
quartet_xmpp_requests_send (QuartetXmppRequests *self,
                            xmpp_conn_t *conn,
                            xmpp_stanza_t *iq,
                            GTask *task)
{
  char *id = g_strdup_printf ("q-%08x%08x", g_random_int (), g_random_int ());

  xmpp_stanza_set_id (iq, id);
  xmpp_id_handler_add (conn, on_answer_cb, id, self);
  xmpp_send (conn, iq);
  g_hash_table_insert (self->pending, id, task);
}

void
quartet_xmpp_requests_fail_all (QuartetXmppRequests *self)
{
  g_autoptr (GHashTable) pending = g_steal_pointer (&self->pending);
  GHashTableIter iter;
  GTask *task;

  self->pending = new_pending_table ();
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&task))
    g_task_return_new_error (task, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_CONNECTION_LOST,
                             "The connection to the server was lost before it answered");
}
