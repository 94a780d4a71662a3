/* quartet-xmpp-services.c: requests to the server beyond signing in: adding a
 * contact, and discovering STUN/TURN servers (XEP-0215)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "quartet-xmpp"

#include <string.h>

#include "quartet-jid.h"
#include "quartet-signal.h"
#include "quartet-xmpp-connection.h"
#include "quartet-xmpp-connection-private.h"

#define XMLNS_EXTDISCO "urn:xmpp:extdisco:2"

static xmpp_stanza_t *
new_element (xmpp_ctx_t *ctx, const char *name, const char *ns)
{
  xmpp_stanza_t *element = xmpp_stanza_new (ctx);

  xmpp_stanza_set_name (element, name);
  if (ns != NULL)
    xmpp_stanza_set_ns (element, ns);
  return element;
}

static void
on_roster_set_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *answer
      = _quartet_xmpp_connection_send_iq_finish (QUARTET_XMPP_CONNECTION (source), result, &error);

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  xmpp_stanza_release (answer);
  g_task_return_boolean (task, TRUE);
}

/* Adds @jid to the roster under @name (nullable) and asks for its presence.
 * The roster push that follows adds the contact to the roster model; it
 * shows as available once the other side approves the subscription. */
void
quartet_xmpp_connection_add_contact_async (QuartetXmppConnection *self,
                                           const char *jid,
                                           const char *name,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  xmpp_ctx_t *ctx;
  g_autoptr (xmpp_stanza_t) iq = NULL;
  g_autoptr (xmpp_stanza_t) query = NULL;
  g_autoptr (xmpp_stanza_t) item = NULL;
  g_autoptr (xmpp_stanza_t) subscribe = NULL;

  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));
  g_return_if_fail (jid != NULL);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, quartet_xmpp_connection_add_contact_async);

  if (!quartet_jid_is_valid (jid) || strchr (jid, '/') != NULL)
    {
      g_task_return_new_error (task, QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_INVALID_ACCOUNT,
                               "“%s” is not an account address (name@server)", jid);
      return;
    }

  ctx = _quartet_xmpp_connection_get_strophe_context (self);
  iq = xmpp_iq_new (ctx, "set", "roster-add");
  query = new_element (ctx, "query", XMLNS_ROSTER);
  item = new_element (ctx, "item", NULL);
  xmpp_stanza_set_attribute (item, "jid", jid);
  if (name != NULL && *name != '\0')
    xmpp_stanza_set_attribute (item, "name", name);
  xmpp_stanza_add_child (query, item);
  xmpp_stanza_add_child (iq, query);

  subscribe = xmpp_presence_new (ctx);
  xmpp_stanza_set_type (subscribe, "subscribe");
  xmpp_stanza_set_to (subscribe, jid);

  _quartet_xmpp_connection_send_iq_async (self, iq, on_roster_set_cb, g_object_ref (task));
  _quartet_xmpp_connection_send_stanza (self, subscribe);
}

gboolean
quartet_xmpp_connection_add_contact_finish (QuartetXmppConnection *self,
                                            GAsyncResult *result,
                                            GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* One <service/> as a URL that QuartetPeer takes, or NULL for what
 * webrtcbin cannot use (TURN over TCP, other protocols). Credentials are
 * URI-escaped: mod_turn_external's user names hold a ':'. */
static char *
service_to_url (xmpp_stanza_t *service)
{
  const char *type = xmpp_stanza_get_attribute (service, "type");
  const char *host = xmpp_stanza_get_attribute (service, "host");
  const char *port = xmpp_stanza_get_attribute (service, "port");
  const char *transport = xmpp_stanza_get_attribute (service, "transport");
  const char *username = xmpp_stanza_get_attribute (service, "username");
  const char *password = xmpp_stanza_get_attribute (service, "password");
  g_autofree char *user = NULL;
  g_autofree char *secret = NULL;

  if (host == NULL || *host == '\0' || strpbrk (host, "/@?#") != NULL)
    return NULL;
  if (port == NULL)
    port = g_strcmp0 (type, "turns") == 0 ? "5349" : "3478";

  if (g_strcmp0 (type, "stun") == 0 && g_strcmp0 (transport, "tcp") != 0)
    return g_strdup_printf ("stun://%s:%s", host, port);

  if ((g_strcmp0 (type, "turn") != 0 && g_strcmp0 (type, "turns") != 0)
      || g_strcmp0 (transport, "tcp") == 0)
    return NULL;

  user = g_uri_escape_string (username != NULL ? username : "", NULL, FALSE);
  secret = g_uri_escape_string (password != NULL ? password : "", NULL, FALSE);
  return g_strdup_printf ("%s://%s:%s@%s:%s", type, user, secret, host, port);
}

static void
on_services_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (xmpp_stanza_t) answer
      = _quartet_xmpp_connection_send_iq_finish (QUARTET_XMPP_CONNECTION (source), result, &error);
  g_autoptr (GStrvBuilder) urls = g_strv_builder_new ();
  xmpp_stanza_t *services;

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  services = xmpp_stanza_get_child_by_ns (answer, XMLNS_EXTDISCO);
  for (xmpp_stanza_t *child = services ? xmpp_stanza_get_children (services) : NULL;
       child != NULL; child = xmpp_stanza_get_next (child))
    {
      g_autofree char *url = NULL;

      if (!xmpp_stanza_is_tag (child) || g_strcmp0 (xmpp_stanza_get_name (child), "service") != 0)
        continue;
      url = service_to_url (child);
      if (url != NULL)
        g_strv_builder_add (urls, url);
    }

  g_task_return_pointer (task, g_strv_builder_end (urls), (GDestroyNotify)g_strfreev);
}

/* Asks the server for its STUN and TURN services (XEP-0215), with
 * time-limited TURN credentials where the server hands them out (Prosody's
 * mod_turn_external). */
void
quartet_xmpp_connection_discover_ice_servers_async (QuartetXmppConnection *self,
                                                    GAsyncReadyCallback callback,
                                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  xmpp_ctx_t *ctx;
  g_autoptr (xmpp_stanza_t) iq = NULL;
  g_autoptr (xmpp_stanza_t) services = NULL;
  g_autofree char *domain = NULL;

  g_return_if_fail (QUARTET_IS_XMPP_CONNECTION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, quartet_xmpp_connection_discover_ice_servers_async);

  ctx = _quartet_xmpp_connection_get_strophe_context (self);
  domain = quartet_jid_get_domain (quartet_xmpp_connection_get_jid (self));
  iq = xmpp_iq_new (ctx, "get", "extdisco");
  xmpp_stanza_set_to (iq, domain);
  services = new_element (ctx, "services", XMLNS_EXTDISCO);
  xmpp_stanza_add_child (iq, services);

  _quartet_xmpp_connection_send_iq_async (self, iq, on_services_cb, g_object_ref (task));
}

/* (transfer full): NULL-terminated "stun://host:port" and
 * "turn://user:pass@host:port" URLs, possibly none. */
char **
quartet_xmpp_connection_discover_ice_servers_finish (QuartetXmppConnection *self,
                                                     GAsyncResult *result,
                                                     GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
