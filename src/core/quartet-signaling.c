/* quartet-signaling.c: where call signals go to and come from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The call client and its sessions speak to the other users through this
 * interface, not through the XMPP connection itself: QuartetXmppConnection
 * is the product's implementation, and the session state-machine tests
 * (tests/test-call-session.c) put a switchboard of their own in its place,
 * to deliver, hold and cross signals in milliseconds without a server.
 */
#include "quartet-signaling.h"

enum
{
  SIGNAL_RECEIVED,
  RECONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_INTERFACE (QuartetSignaling, quartet_signaling, G_TYPE_OBJECT)

static void
quartet_signaling_default_init (QuartetSignalingInterface *iface)
{
  /* (from, signal): a well-formed QuickBlox call signal arrived from the
   * full JID @from. */
  signals[SIGNAL_RECEIVED]
      = g_signal_new ("signal-received", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, QUARTET_TYPE_SIGNAL);
  /* The connection came back after a drop: what was sent meanwhile was lost. */
  signals[RECONNECTED] = g_signal_new ("reconnected", G_TYPE_FROM_INTERFACE (iface),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

/* Our own bare JID. */
const char *
quartet_signaling_get_jid (QuartetSignaling *self)
{
  g_return_val_if_fail (QUARTET_IS_SIGNALING (self), NULL);

  return QUARTET_SIGNALING_GET_IFACE (self)->get_jid (self);
}

/* Our QuickBlox user id (the JID's local part for a plain XMPP account). */
const char *
quartet_signaling_get_user_id (QuartetSignaling *self)
{
  g_return_val_if_fail (QUARTET_IS_SIGNALING (self), NULL);

  return QUARTET_SIGNALING_GET_IFACE (self)->get_user_id (self);
}

gboolean
quartet_signaling_is_connected (QuartetSignaling *self)
{
  g_return_val_if_fail (QUARTET_IS_SIGNALING (self), FALSE);

  return QUARTET_SIGNALING_GET_IFACE (self)->is_connected (self);
}

/* Sends @signal to the bare JID @to; FALSE with @error when it could not
 * leave (not connected). */
gboolean
quartet_signaling_send_signal (QuartetSignaling *self,
                               const char *to,
                               const QuartetSignal *signal,
                               GError **error)
{
  g_return_val_if_fail (QUARTET_IS_SIGNALING (self), FALSE);

  return QUARTET_SIGNALING_GET_IFACE (self)->send_signal (self, to, signal, error);
}

void
quartet_signaling_emit_signal_received (QuartetSignaling *self,
                                        const char *from,
                                        const QuartetSignal *signal)
{
  g_signal_emit (self, signals[SIGNAL_RECEIVED], 0, from, signal);
}

void
quartet_signaling_emit_reconnected (QuartetSignaling *self)
{
  g_signal_emit (self, signals[RECONNECTED], 0);
}
