/* quartet-xmpp-source.c: drives a libstrophe connection from the GLib main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libstrophe's own loop (xmpp_run) blocks in select(). Instead we watch the
 * connection's socket (handed to us by the sockopt callback) with a GSource
 * and call xmpp_run_once() with a zero timeout only when the socket is ready,
 * so the XMPP connection shares the one main loop with GStreamer and GTK and
 * nothing polls.
 */
#define G_LOG_DOMAIN "quartet-xmpp"

#include "quartet-xmpp-source.h"

/* xmpp_run_once() reads at most 4 KiB per call, but OpenSSL decrypts a whole
 * TLS record (up to 16 KiB) at once, and what it has buffered does not make
 * the socket readable again. Running the loop five times per wake-up drains
 * the largest record; more data still on the socket wakes us up again. */
#define RUNS_PER_WAKEUP 5

typedef struct
{
  GSource source;
  xmpp_ctx_t *ctx;
  xmpp_conn_t *conn;
  gpointer fd_tag;
  GIOCondition events; /* what fd_tag watches now */
} QuartetXmppSource;

static gboolean
xmpp_source_prepare (GSource *source, int *timeout)
{
  QuartetXmppSource *self = (QuartetXmppSource *)source;
  GIOCondition events = G_IO_IN | G_IO_ERR | G_IO_HUP;

  /* A non-blocking connect() completes as writable; afterwards we only
   * want writability while libstrophe has queued data it could not send. */
  if (!xmpp_conn_is_connected (self->conn) || xmpp_conn_send_queue_len (self->conn) > 0)
    events |= G_IO_OUT;

  /* Only on a change: g_source_modify_unix_fd() wakes the main context up,
   * and doing that in every prepare made the loop spin (thousands of
   * iterations a second, an eighth of a call's CPU, and a busy idle client). */
  if (events != self->events)
    {
      g_source_modify_unix_fd (source, self->fd_tag, events);
      self->events = events;
    }
  *timeout = -1;
  return FALSE;
}

static gboolean
xmpp_source_check (GSource *source)
{
  QuartetXmppSource *self = (QuartetXmppSource *)source;

  return g_source_query_unix_fd (source, self->fd_tag) != 0;
}

static gboolean
xmpp_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  QuartetXmppSource *self = (QuartetXmppSource *)source;

  g_source_set_ready_time (source, -1);

  /* The connection handler may destroy this source from inside
   * xmpp_run_once(); stop as soon as it does. */
  for (guint i = 0; i < RUNS_PER_WAKEUP && !g_source_is_destroyed (source); i++)
    xmpp_run_once (self->ctx, 0);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs xmpp_source_funcs = {
  .prepare = xmpp_source_prepare,
  .check = xmpp_source_check,
  .dispatch = xmpp_source_dispatch,
};

GSource *
quartet_xmpp_source_new (xmpp_ctx_t *ctx, xmpp_conn_t *conn, int fd)
{
  GSource *source;
  QuartetXmppSource *self;

  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (fd >= 0, NULL);

  source = g_source_new (&xmpp_source_funcs, sizeof (QuartetXmppSource));
  self = (QuartetXmppSource *)source;
  self->ctx = ctx;
  self->conn = conn;
  self->events = G_IO_IN | G_IO_OUT | G_IO_ERR | G_IO_HUP;
  self->fd_tag = g_source_add_unix_fd (source, fd, self->events);
  g_source_set_static_name (source, "[quartet] libstrophe");

  return source;
}

/* Run the libstrophe loop soon: for data just queued with xmpp_send(), and
 * for its timed handlers. */
void
quartet_xmpp_source_wake (GSource *source)
{
  g_return_if_fail (source != NULL);

  g_source_set_ready_time (source, 0);
}
