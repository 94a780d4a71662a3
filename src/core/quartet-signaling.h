/* quartet-signaling.h: where call signals go to and come from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "quartet-signal.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_SIGNALING (quartet_signaling_get_type ())
G_DECLARE_INTERFACE (QuartetSignaling, quartet_signaling, QUARTET, SIGNALING, GObject)

struct _QuartetSignalingInterface
{
  GTypeInterface parent_iface;

  const char *(*get_jid) (QuartetSignaling *self);
  const char *(*get_user_id) (QuartetSignaling *self);
  gboolean (*is_connected) (QuartetSignaling *self);
  gboolean (*send_signal) (QuartetSignaling *self,
                           const char *to,
                           const QuartetSignal *signal,
                           GError **error);
};

const char *quartet_signaling_get_jid (QuartetSignaling *self);
const char *quartet_signaling_get_user_id (QuartetSignaling *self);
gboolean quartet_signaling_is_connected (QuartetSignaling *self);
gboolean quartet_signaling_send_signal (QuartetSignaling *self,
                                        const char *to,
                                        const QuartetSignal *signal,
                                        GError **error);

/* For implementations: the interface's signals. */
void quartet_signaling_emit_signal_received (QuartetSignaling *self,
                                             const char *from,
                                             const QuartetSignal *signal);
void quartet_signaling_emit_reconnected (QuartetSignaling *self);

G_END_DECLS
