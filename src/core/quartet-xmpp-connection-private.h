/* quartet-xmpp-connection-private.h: internals for tests and the rest of the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <strophe.h>

#include "quartet-xmpp-connection.h"

G_BEGIN_DECLS

/* Sends one stanza as is, without validation: for tests that play a
 * hostile or broken peer. */
gboolean _quartet_xmpp_connection_send_raw (QuartetXmppConnection *self,
                                            const char *xml,
                                            GError **error);

/* Handles one <message> as if the server had just delivered it: lets the
 * stanza fuzzer drive the whole receiving path without a server. */
void _quartet_xmpp_connection_receive_message (QuartetXmppConnection *self, xmpp_stanza_t *stanza);

/* For the rest of the core (XEP-0215 discovery, roster edits). */
xmpp_ctx_t *_quartet_xmpp_connection_get_strophe_context (QuartetXmppConnection *self);
/* Dropped when not signed in. */
void _quartet_xmpp_connection_send_stanza (QuartetXmppConnection *self, xmpp_stanza_t *stanza);
void _quartet_xmpp_connection_send_iq_async (QuartetXmppConnection *self,
                                             xmpp_stanza_t *iq,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
xmpp_stanza_t *_quartet_xmpp_connection_send_iq_finish (QuartetXmppConnection *self,
                                                        GAsyncResult *result,
                                                        GError **error);

G_END_DECLS
