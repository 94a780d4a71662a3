/* quartet-xmpp-connection-private.h: internals for tests and the rest of the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-xmpp-connection.h"

G_BEGIN_DECLS

/* Sends one stanza as is, without validation: for tests that play a
 * hostile or broken peer. */
gboolean _quartet_xmpp_connection_send_raw (QuartetXmppConnection *self,
                                            const char *xml,
                                            GError **error);

G_END_DECLS
