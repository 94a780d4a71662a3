/* quartet-xmpp-resolver.h: where to connect for an XMPP domain, without blocking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void quartet_xmpp_resolve_async (const char *domain,
                                 const char *host,
                                 guint16 port,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
GInetSocketAddress *quartet_xmpp_resolve_finish (GAsyncResult *result, GError **error);

G_END_DECLS
