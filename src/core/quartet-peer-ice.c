/* quartet-peer-ice.c: a webrtcbin's STUN and TURN servers and ICE policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "quartet-peer"

#include "quartet-peer-private.h"
#include "quartet-log.h"

#include <string.h>

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include <nice/agent.h>

/* (transfer full) (nullable): the libnice agent inside webrtcbin's ICE. */
static NiceAgent *
get_nice_agent (GstElement *webrtcbin)
{
  g_autoptr (GstWebRTCICE) ice = NULL;
  GObject *agent = NULL;

  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (ice == NULL || g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent") == NULL)
    return NULL;

  g_object_get (ice, "agent", &agent, NULL);
  if (agent != NULL && !NICE_IS_AGENT (agent))
    g_clear_object (&agent);
  return (NiceAgent *)agent;
}

static void
on_agent_closed_cb (GObject *agent, GAsyncResult *result, gpointer user_data)
{
  g_debug ("ICE agent %p closed", (void *)agent);
  g_object_unref (agent);
}

/* TURN allocations live on until they expire unless the agent tells the
 * server it is done (a refresh with lifetime 0); GStreamer 1.22's webrtcbin
 * does not, and libnice warns about it when the agent is finalized. We
 * close the agent ourselves and keep it alive until that is answered. */
void
_quartet_peer_release_ice (GstElement *webrtcbin)
{
  NiceAgent *agent = get_nice_agent (webrtcbin);

  g_debug ("Closing the ICE agent %p", (void *)agent);
  if (agent != NULL)
    nice_agent_close_async (agent, on_agent_closed_cb, NULL);
}

/* libnice maps ports through UPnP by default: browsers do not, and it costs
 * SSDP multicast on every interface and a thread for each connection.
 *
 * It paces its connectivity checks one per 20 ms (Ta), and nominates the
 * pair only on a later tick: with a host candidate per address (IPv4, two
 * IPv6, UDP and TCP) a call on a LAN took 60-100 ms from the answer to a
 * connected pair, a third of its setup. RFC 8445 lets Ta go down to 5 ms;
 * at 5 it took 25-40 ms (bench/RESULTS.md, "setup against the browser").
 * A check's retransmission timeout stays at libnice's 500 ms floor. */
#define CHECK_PACING_MS 5

static void
tune_ice_agent (GstElement *webrtcbin)
{
  NiceAgent *agent = get_nice_agent (webrtcbin);

  if (agent != NULL)
    {
      g_object_set (agent, "upnp", FALSE, "stun-pacing-timer", CHECK_PACING_MS, NULL);
      g_object_unref (agent);
    }
}

/* The password in "turn(s)://user:pass@host:port", hidden from the logs of
 * libnice and webrtcbin, which print it at debug level. */
static void
hide_turn_password (const char *url)
{
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;

  if (g_uri_split_with_user (url, G_URI_FLAGS_HAS_PASSWORD, NULL, &user, &password, NULL, NULL,
                             NULL, NULL, NULL, NULL, NULL)
      && password != NULL)
    quartet_log_hide_secret (password);
}

/* @servers: "stun://host:port" (or "stun:host:port") and
 * "turn(s)://user:pass@host:port" URLs. A TURN URL holds credentials: it is
 * never logged. */
void
_quartet_peer_configure_ice (GstElement *webrtcbin,
                             const char *user_id,
                             const char *const *servers,
                             gboolean relay_only)
{
  gboolean have_stun = FALSE;

  for (; servers != NULL && *servers != NULL; servers++)
    {
      const char *url = *servers;

      if (g_str_has_prefix (url, "stun:"))
        {
          g_autofree char *normal = g_str_has_prefix (url, "stun://")
                                        ? g_strdup (url)
                                        : g_strconcat ("stun://", url + strlen ("stun:"), NULL);

          /* webrtcbin takes one STUN server; the first is the preferred. */
          if (!have_stun)
            g_object_set (webrtcbin, "stun-server", normal, NULL);
          have_stun = TRUE;
        }
      else if (g_str_has_prefix (url, "turn://") || g_str_has_prefix (url, "turns://"))
        {
          gboolean added = FALSE;

          hide_turn_password (url);
          g_signal_emit_by_name (webrtcbin, "add-turn-server", url, &added);
          if (!added)
            g_info ("%s: webrtcbin refused a TURN server", user_id);
        }
      else
        g_info ("%s: ignoring an ICE server URL that is neither stun:// nor turn://", user_id);
    }

  if (relay_only)
    g_object_set (webrtcbin, "ice-transport-policy", GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY, NULL);

  tune_ice_agent (webrtcbin);
}
