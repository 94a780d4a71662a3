/* quartet-xmpp-resolver.c: where to connect for an XMPP domain, without blocking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libstrophe would look up SRV records and host names synchronously, which
 * would freeze the main loop (and the UI) on a slow resolver. We resolve with
 * GResolver first and hand libstrophe a literal address.
 */
#define G_LOG_DOMAIN "quartet-xmpp"

#include "quartet-xmpp-resolver.h"

#include "quartet-xmpp-connection.h"

#define DEFAULT_PORT 5222

typedef struct
{
  char *host;
  guint16 port;
} Target;

static void
target_free (Target *target)
{
  g_free (target->host);
  g_free (target);
}

static void
on_address_resolved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Target *target = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autolist (GInetAddress) addresses = NULL;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (error != NULL)
    {
      g_task_return_new_error (task, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_UNREACHABLE,
                               "Could not find the server %s: %s", target->host, error->message);
      return;
    }

  g_task_return_pointer (task, g_inet_socket_address_new (addresses->data, target->port),
                         g_object_unref);
}

static void
resolve_host (GTask *task, const char *host, guint16 port)
{
  Target *target = g_new0 (Target, 1);

  target->host = g_strdup (host);
  target->port = port;
  g_task_set_task_data (task, target, (GDestroyNotify)target_free);

  g_resolver_lookup_by_name_async (g_resolver_get_default (), host,
                                   g_task_get_cancellable (task), on_address_resolved_cb, task);
}

static void
on_service_resolved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  GList *targets;

  targets = g_resolver_lookup_service_finish (G_RESOLVER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (targets == NULL)
    {
      /* RFC 6120 3.2.2: without SRV records, the domain itself on 5222. */
      resolve_host (task, g_task_get_task_data (task), DEFAULT_PORT);
      return;
    }

  resolve_host (task, g_srv_target_get_hostname (targets->data),
                g_srv_target_get_port (targets->data));
  g_resolver_free_targets (targets);
}

/* @host and @port as the user gave them; with no @host, the domain's
 * _xmpp-client._tcp SRV records decide. @port 0 means 5222. */
void
quartet_xmpp_resolve_async (const char *domain,
                            const char *host,
                            guint16 port,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, quartet_xmpp_resolve_async);

  if (host != NULL)
    {
      resolve_host (task, host, port ? port : DEFAULT_PORT);
      return;
    }

  /* The domain rides along as task data until a host replaces it. */
  g_task_set_task_data (task, g_strdup (domain), g_free);
  g_resolver_lookup_service_async (g_resolver_get_default (), "xmpp-client", "tcp", domain,
                                   cancellable, on_service_resolved_cb, task);
}

GInetSocketAddress *
quartet_xmpp_resolve_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
