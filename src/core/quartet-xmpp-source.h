/* quartet-xmpp-source.h: drives a libstrophe connection from the GLib main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

GSource *quartet_xmpp_source_new (xmpp_ctx_t *ctx, xmpp_conn_t *conn, int fd);
void quartet_xmpp_source_wake (GSource *source);

G_END_DECLS
