/* quartet-cli-output.c: what quartet-cli prints, as text or one JSON object per line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With --json every event is one line of JSON with an "event" member, flushed
 * at once, so that tests and bots can read stdout line by line.
 */
#define G_LOG_DOMAIN "quartet-cli"

#include "quartet-cli-output.h"
#include "quartet-cli-frame.h"

#include <stdio.h>

struct _QuartetCliOutput
{
  gboolean json;
  GList *watched_contacts;
  gint64 call_start_us; /* monotonic; 0 before the first call */
};

QuartetCliOutput *
quartet_cli_output_new (gboolean json)
{
  QuartetCliOutput *self = g_new0 (QuartetCliOutput, 1);

  self->json = json;
  return self;
}

/* Call events then carry "t_ms", the milliseconds since @monotonic_us
 * (when call() was called, or the call came in), and every call event
 * "mono_ms", the monotonic clock that all processes of a machine share:
 * the benchmarks time call setup from them. */
void
quartet_cli_output_set_call_start (QuartetCliOutput *self, gint64 monotonic_us)
{
  self->call_start_us = monotonic_us;
}

/* Signing out marks every contact offline; that is not news to print. */
void
quartet_cli_output_stop_presence (QuartetCliOutput *self)
{
  for (GList *l = self->watched_contacts; l != NULL; l = l->next)
    g_signal_handlers_disconnect_by_data (l->data, self);
  g_list_free_full (g_steal_pointer (&self->watched_contacts), g_object_unref);
}

void
quartet_cli_output_free (QuartetCliOutput *self)
{
  quartet_cli_output_stop_presence (self);
  g_free (self);
}

static JsonBuilder *
begin_event (const char *event)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);
  return builder;
}

static void
print_event (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  g_print ("%s\n", line);
  fflush (stdout);
}

static void
add_string_member (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_error_members (JsonBuilder *builder, const GError *error)
{
  add_string_member (builder, "error", error->message);
  add_string_member (builder, "domain", g_quark_to_string (error->domain));
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, error->code);
}

static void
print_connected_event (const char *event, QuartetXmppConnection *connection)
{
  g_autoptr (JsonBuilder) builder = begin_event (event);

  add_string_member (builder, "jid", quartet_xmpp_connection_get_jid (connection));
  add_string_member (builder, "bound_jid", quartet_xmpp_connection_get_bound_jid (connection));
  add_string_member (builder, "user_id", quartet_xmpp_connection_get_user_id (connection));
  print_event (builder);
}

void
quartet_cli_output_connected (QuartetCliOutput *self, QuartetXmppConnection *connection)
{
  if (self->json)
    print_connected_event ("connected", connection);
  else
    g_print ("Signed in as %s (user id %s)\n", quartet_xmpp_connection_get_bound_jid (connection),
             quartet_xmpp_connection_get_user_id (connection));
}

static void
on_contact_available_cb (QuartetContact *contact, GParamSpec *pspec, QuartetCliOutput *self)
{
  gboolean available = quartet_contact_get_available (contact);

  if (self->json)
    {
      g_autoptr (JsonBuilder) builder = begin_event ("presence");

      add_string_member (builder, "jid", quartet_contact_get_jid (contact));
      json_builder_set_member_name (builder, "available");
      json_builder_add_boolean_value (builder, available);
      print_event (builder);
    }
  else
    g_print ("%s is %s\n", quartet_contact_get_display_name (contact),
             available ? "online" : "offline");
}

/* One user of a QuickBlox directory: always a JSON line (the `users`
 * command's output is for scripts), {"id": 4242, "login": ..., "full_name": ...}. */
void
quartet_cli_output_user (QuartetCliOutput *self, QuartetContact *contact)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder,
                              g_ascii_strtoll (quartet_contact_get_user_id (contact), NULL, 10));
  add_string_member (builder, "login", quartet_contact_get_login (contact));
  add_string_member (builder, "full_name", quartet_contact_get_name (contact));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  g_print ("%s\n", line);
  fflush (stdout);
}

static void
add_contact (JsonBuilder *builder, QuartetContact *contact)
{
  json_builder_begin_object (builder);
  add_string_member (builder, "jid", quartet_contact_get_jid (contact));
  add_string_member (builder, "user_id", quartet_contact_get_user_id (contact));
  add_string_member (builder, "name", quartet_contact_get_name (contact));
  add_string_member (builder, "subscription", quartet_contact_get_subscription (contact));
  json_builder_set_member_name (builder, "available");
  json_builder_add_boolean_value (builder, quartet_contact_get_available (contact));
  json_builder_end_object (builder);
}

/* Prints the contacts, then their presence changes as they come. */
void
quartet_cli_output_roster (QuartetCliOutput *self, GListModel *roster)
{
  g_autoptr (JsonBuilder) builder = begin_event ("roster");
  guint n = g_list_model_get_n_items (roster);

  json_builder_set_member_name (builder, "contacts");
  json_builder_begin_array (builder);

  if (!self->json)
    g_print ("%u contact%s\n", n, n == 1 ? "" : "s");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (QuartetContact) contact = g_list_model_get_item (roster, i);

      add_contact (builder, contact);
      if (!self->json)
        /* Presence arrives just after the roster; changes are printed as they come. */
        g_print ("  %s <%s>\n", quartet_contact_get_display_name (contact),
                 quartet_contact_get_jid (contact));

      g_signal_connect (contact, "notify::available", G_CALLBACK (on_contact_available_cb), self);
      self->watched_contacts = g_list_prepend (self->watched_contacts, g_object_ref (contact));
    }

  json_builder_end_array (builder);
  if (self->json)
    print_event (builder);
}

static void
print_signal_event (const char *event,
                    const char *peer_member,
                    const char *peer,
                    const QuartetSignal *signal)
{
  g_autoptr (JsonBuilder) builder = begin_event (event);

  add_string_member (builder, peer_member, peer);
  json_builder_set_member_name (builder, "signal");
  json_builder_add_value (builder, quartet_signal_to_json (signal));
  print_event (builder);
}

void
quartet_cli_output_signal (QuartetCliOutput *self, const char *from, const QuartetSignal *signal)
{
  if (self->json)
    print_signal_event ("signal", "from", from, signal);
  else
    g_print ("%s from %s (session %s)\n", quartet_signal_type_to_string (signal->type), from,
             signal->session_id);
}

void
quartet_cli_output_sent (QuartetCliOutput *self, const char *to, const QuartetSignal *signal)
{
  if (self->json)
    print_signal_event ("sent", "to", to, signal);
  else
    g_print ("Sent %s to %s (session %s)\n", quartet_signal_type_to_string (signal->type), to,
             signal->session_id);
}

void
quartet_cli_output_invalid_signal (QuartetCliOutput *self, const char *from, const GError *error)
{
  if (self->json)
    {
      g_autoptr (JsonBuilder) builder = begin_event ("invalid-signal");

      add_string_member (builder, "from", from);
      add_error_members (builder, error);
      print_event (builder);
    }
  else
    g_print ("Dropped a malformed signal from %s: %s\n", from, error->message);
}

void
quartet_cli_output_disconnected (QuartetCliOutput *self, const GError *error)
{
  if (self->json)
    {
      g_autoptr (JsonBuilder) builder = begin_event ("disconnected");

      add_error_members (builder, error);
      print_event (builder);
    }
  else
    g_print ("Disconnected: %s\n", error->message);
}

void
quartet_cli_output_reconnected (QuartetCliOutput *self, QuartetXmppConnection *connection)
{
  if (self->json)
    print_connected_event ("reconnected", connection);
  else
    g_print ("Reconnected as %s\n", quartet_xmpp_connection_get_bound_jid (connection));
}

static JsonBuilder *
begin_call_event (QuartetCliOutput *self,
                  const char *event, QuartetCallSession *session, const char *user_id)
{
  JsonBuilder *builder = begin_event (event);
  gint64 now = g_get_monotonic_time ();

  add_string_member (builder, "session", quartet_call_session_get_id (session));
  if (user_id != NULL)
    add_string_member (builder, "user", user_id);
  if (self->call_start_us != 0)
    {
      json_builder_set_member_name (builder, "t_ms");
      json_builder_add_double_value (builder, (now - self->call_start_us) / 1000.0);
    }
  json_builder_set_member_name (builder, "mono_ms");
  json_builder_add_double_value (builder, now / 1000.0);
  return builder;
}

void
quartet_cli_output_call_event (QuartetCliOutput *self,
                               const char *event,
                               QuartetCallSession *session,
                               const char *user_id,
                               GVariant *user_info)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!self->json)
    {
      g_print ("%s%s%s (session %s)\n", event, user_id ? " " : "", user_id ? user_id : "",
               quartet_call_session_get_id (session));
      return;
    }

  builder = begin_call_event (self, event, session, user_id);
  if (user_info != NULL)
    {
      json_builder_set_member_name (builder, "userInfo");
      json_builder_add_value (builder, json_gvariant_serialize (user_info));
    }
  print_event (builder);
}

static const char *
peer_state_to_string (QuartetPeerState state)
{
  switch (state)
    {
    case QUARTET_PEER_STATE_NEW:
      return "new";
    case QUARTET_PEER_STATE_CONNECTED:
      return "connected";
    case QUARTET_PEER_STATE_FAILED:
      return "failed";
    case QUARTET_PEER_STATE_DISCONNECTED:
      return "disconnected";
    case QUARTET_PEER_STATE_CLOSED:
    default:
      return "closed";
    }
}

static void
print_user_state (QuartetCliOutput *self,
                  const char *event,
                  QuartetCallSession *session,
                  const char *user_id,
                  const char *state)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!self->json)
    {
      g_print ("%s: %s\n", user_id, state);
      return;
    }

  builder = begin_call_event (self, event, session, user_id);
  add_string_member (builder, "state", state);
  print_event (builder);
}

void
quartet_cli_output_peer_state (QuartetCliOutput *self,
                               QuartetCallSession *session,
                               const char *user_id,
                               QuartetPeerState state)
{
  print_user_state (self, "peer-connection-state-changed", session, user_id,
                    peer_state_to_string (state));
}

/* The QuickBlox SDK's ReconnectionState names. */
static const char *
reconnect_state_to_string (QuartetReconnectState state)
{
  switch (state)
    {
    case QUARTET_RECONNECT_STATE_RECONNECTING:
      return "reconnecting";
    case QUARTET_RECONNECT_STATE_RECONNECTED:
      return "reconnected";
    case QUARTET_RECONNECT_STATE_FAILED:
    default:
      return "failed";
    }
}

void
quartet_cli_output_reconnect (QuartetCliOutput *self,
                              QuartetCallSession *session,
                              const char *user_id,
                              QuartetReconnectState state)
{
  print_user_state (self, "reconnect", session, user_id, reconnect_state_to_string (state));
}

static void
add_number_member (JsonBuilder *builder, const char *name, double value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

/* Sound started at our speaker, played at @heard_us (monotonic). */
void
quartet_cli_output_heard (QuartetCliOutput *self, QuartetCallSession *session, gint64 heard_us)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!self->json)
    {
      g_print ("heard sound at %.1f ms\n", heard_us / 1000.0);
      return;
    }

  builder = begin_call_event (self, "heard", session, NULL);
  add_number_member (builder, "heard_ms", heard_us / 1000.0);
  print_event (builder);
}

/* @user_id NULL: ourselves. The level as it was when speech started or ended. */
void
quartet_cli_output_speaking (QuartetCliOutput *self,
                             QuartetCallSession *session,
                             const char *user_id,
                             gboolean speaking,
                             double level)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!self->json)
    {
      g_print ("%s %s (%.0f dBFS)\n", user_id != NULL ? user_id : "we",
               speaking ? "speak" : "stopped speaking", level);
      return;
    }

  builder = begin_call_event (self, "speaking", session, user_id);
  json_builder_set_member_name (builder, "speaking");
  json_builder_add_boolean_value (builder, speaking);
  add_number_member (builder, "level", level);
  print_event (builder);
}

void
quartet_cli_output_stats (QuartetCliOutput *self,
                          QuartetCallSession *session,
                          const char *user_id,
                          const QuartetPeerStats *stats,
                          GstSample *frame)
{
  g_autoptr (JsonBuilder) builder = NULL;
  guint8 average_rgb[3] = { 0, 0, 0 };

  if (!self->json)
    return;

  builder = begin_call_event (self, "stats", session, user_id);
  json_builder_set_member_name (builder, "video_frames");
  json_builder_add_int_value (builder, stats->video_frames);
  add_number_member (builder, "fps", stats->fps);
  json_builder_set_member_name (builder, "audio_packets");
  json_builder_add_int_value (builder, stats->audio_packets);
  add_number_member (builder, "audio_rms_db", stats->audio_rms_db);
  add_number_member (builder, "rtt_ms", stats->rtt_ms);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, stats->width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, stats->height);
  json_builder_set_member_name (builder, "estimate_kbps");
  json_builder_add_int_value (builder, stats->estimate_bps / 1000);
  add_number_member (builder, "send_loss", stats->send_loss);
  add_number_member (builder, "receive_loss", stats->receive_loss);
  json_builder_set_member_name (builder, "send_height");
  json_builder_add_int_value (builder, stats->send_height);
  json_builder_set_member_name (builder, "route");
  json_builder_add_string_value (builder, stats->route == QUARTET_PEER_ROUTE_RELAYED  ? "relayed"
                                          : stats->route == QUARTET_PEER_ROUTE_DIRECT ? "direct"
                                                                                      : "unknown");
  json_builder_set_member_name (builder, "average_rgb");
  json_builder_begin_array (builder);
  quartet_cli_frame_average_rgb (frame, average_rgb);
  for (guint i = 0; i < 3; i++)
    json_builder_add_int_value (builder, average_rgb[i]);
  json_builder_end_array (builder);
  print_event (builder);
}

/* What our main shared encoding sends, once a second during a call (a
 * peer that cannot take it gets the low one: its stats' send_height). */
void
quartet_cli_output_sending (
    QuartetCliOutput *self, QuartetCallSession *session, guint height, guint fps, guint bps)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!self->json)
    return;

  builder = begin_call_event (self, "sending", session, NULL);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, height);
  json_builder_set_member_name (builder, "fps");
  json_builder_add_int_value (builder, fps);
  json_builder_set_member_name (builder, "kbps");
  json_builder_add_int_value (builder, bps / 1000);
  print_event (builder);
}

void
quartet_cli_output_frame_latency (QuartetCliOutput *self,
                                  QuartetCallSession *session,
                                  const char *user_id,
                                  double latency_ms)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!self->json)
    {
      g_print ("%s: frame %.1f ms after capture\n", user_id, latency_ms);
      return;
    }

  builder = begin_call_event (self, "frame-latency", session, user_id);
  add_number_member (builder, "latency_ms", latency_ms);
  print_event (builder);
}

void
quartet_cli_output_video_source (QuartetCliOutput *self, const char *source, const GError *error)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!self->json)
    {
      if (error != NULL)
        g_printerr ("quartet-cli: cannot send %s: %s\n", source, error->message);
      else
        g_print ("Sending %s\n", source);
      return;
    }

  builder = begin_event ("video-source");
  add_string_member (builder, "source", source);
  if (error != NULL)
    add_error_members (builder, error);
  print_event (builder);
}

void
quartet_cli_output_camera_access (QuartetCliOutput *self, const GError *error)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!self->json)
    {
      if (error != NULL)
        g_printerr ("quartet-cli: no camera: %s\n", error->message);
      return;
    }

  builder = begin_event ("camera-access");
  json_builder_set_member_name (builder, "granted");
  json_builder_add_boolean_value (builder, error == NULL);
  if (error != NULL)
    add_error_members (builder, error);
  print_event (builder);
}

void
quartet_cli_output_memory (QuartetCliOutput *self, const QuartetCliMemory *memory)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!self->json)
    {
      if (memory->heap_kib >= 0)
        g_print ("Memory: %.1f MiB resident, %.1f MiB of heap in use\n", memory->rss_kib / 1024.0,
                 memory->heap_kib / 1024.0);
      else
        g_print ("Memory: %.1f MiB resident\n", memory->rss_kib / 1024.0);
      return;
    }

  builder = begin_event ("memory");
  json_builder_set_member_name (builder, "rss_kib");
  json_builder_add_int_value (builder, (gint64)memory->rss_kib);
  json_builder_set_member_name (builder, "heap_kib");
  if (memory->heap_kib >= 0)
    json_builder_add_int_value (builder, memory->heap_kib);
  else
    json_builder_add_null_value (builder);
  print_event (builder);
}
