/* quartet-xmpp-requests.c: IQ requests waiting for their answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libstrophe matches an answer to its request by id and calls a handler;
 * this turns that into GTasks, and fails the ones whose answer can no
 * longer come because the connection closed, or that a server took too long
 * to answer (a server that stalls with the connection open would otherwise
 * leave, say, a call waiting for its TURN credentials for ever).
 */
#define G_LOG_DOMAIN "quartet-xmpp"

#include "quartet-xmpp-requests.h"
#include "quartet-xmpp-connection.h"

#define XMLNS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

#define DEFAULT_TIMEOUT_MS (30 * 1000)

struct _QuartetXmppRequests
{
  GHashTable *pending; /* id -> Pending */
  guint timeout_ms;
};

typedef struct
{
  QuartetXmppRequests *requests;
  xmpp_conn_t *conn; /* the attempt's; it outlives us: fail_all() runs first */
  char *id;
  GTask *task;
  GSource *timeout;
} Pending;

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  if (pending->timeout != NULL)
    g_source_destroy (pending->timeout);
  g_clear_pointer (&pending->timeout, g_source_unref);
  g_clear_object (&pending->task);
  g_free (pending->id);
  g_free (pending);
}

static GHashTable *
new_pending_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, pending_free);
}

QuartetXmppRequests *
quartet_xmpp_requests_new (void)
{
  QuartetXmppRequests *self = g_new0 (QuartetXmppRequests, 1);

  self->pending = new_pending_table ();
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  return self;
}

/* For the tests: the default is 30 s. */
void
quartet_xmpp_requests_set_timeout (QuartetXmppRequests *self, guint timeout_ms)
{
  self->timeout_ms = timeout_ms;
}

/* (transfer full): the request of @id, no longer pending; NULL if none. */
static GTask *
take_task (QuartetXmppRequests *self, const char *id)
{
  Pending *pending = id != NULL ? g_hash_table_lookup (self->pending, id) : NULL;
  GTask *task;

  if (pending == NULL)
    return NULL;
  task = g_steal_pointer (&pending->task);
  g_hash_table_remove (self->pending, id);
  return task;
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
  g_autoptr (GTask) task = take_task (self, xmpp_stanza_get_id (stanza));

  if (task == NULL)
    return 0;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") == 0)
    g_task_return_pointer (task, xmpp_stanza_copy (stanza), free_stanza);
  else
    g_task_return_new_error (task, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_REFUSED,
                             "The server refused the request (%s)", error_condition (stanza));
  return 0;
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  Pending *pending = user_data;
  QuartetXmppRequests *self = pending->requests;
  g_autofree char *id = g_strdup (pending->id);
  g_autoptr (GTask) task = NULL;

  /* A late answer finds no handler. */
  xmpp_id_handler_delete (pending->conn, on_answer_cb, id);
  g_clear_pointer (&pending->timeout, g_source_unref);
  task = take_task (self, id);
  g_task_return_new_error (task, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_TIMED_OUT,
                           "The server did not answer in time");
  return G_SOURCE_REMOVE;
}

/* Sends @iq with a fresh id; @task (transfer full) returns its answer. */
void
quartet_xmpp_requests_send (QuartetXmppRequests *self,
                            xmpp_conn_t *conn,
                            xmpp_stanza_t *iq,
                            GTask *task)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->requests = self;
  pending->conn = conn;
  pending->id = g_strdup_printf ("q-%08x%08x", g_random_int (), g_random_int ());
  pending->task = task;
  pending->timeout = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (pending->timeout, on_timeout_cb, pending, NULL);
  g_source_attach (pending->timeout, g_main_context_get_thread_default ());

  xmpp_stanza_set_id (iq, pending->id);
  xmpp_id_handler_add (conn, on_answer_cb, pending->id, self);
  xmpp_send (conn, iq);
  g_hash_table_insert (self->pending, pending->id, pending);
}

void
quartet_xmpp_requests_fail_all (QuartetXmppRequests *self)
{
  g_autoptr (GHashTable) pending = g_steal_pointer (&self->pending);
  GHashTableIter iter;
  Pending *request;

  self->pending = new_pending_table ();
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&request))
    g_task_return_new_error (request->task, QUARTET_XMPP_ERROR,
                             QUARTET_XMPP_ERROR_CONNECTION_LOST,
                             "The connection to the server was lost before it answered");
}
