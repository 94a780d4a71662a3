/* quartet-xmpp-requests.h: IQ requests waiting for their answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <strophe.h>

G_BEGIN_DECLS

typedef struct _QuartetXmppRequests QuartetXmppRequests;

QuartetXmppRequests *quartet_xmpp_requests_new (void);
void quartet_xmpp_requests_free (QuartetXmppRequests *self);

/* Sends @iq on @conn under a fresh id. @task (transfer full) returns a copy
 * of the <iq type="result"> (free with xmpp_stanza_release()), or
 * QUARTET_XMPP_ERROR_REFUSED naming the error condition. */
void quartet_xmpp_requests_send (QuartetXmppRequests *self,
                                 xmpp_conn_t *conn,
                                 xmpp_stanza_t *iq,
                                 GTask *task);
/* The connection closed: every request fails with CONNECTION_LOST. */
void quartet_xmpp_requests_fail_all (QuartetXmppRequests *self);
void quartet_xmpp_requests_set_timeout (QuartetXmppRequests *self, guint timeout_ms);

G_END_DECLS
