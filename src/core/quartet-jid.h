/* quartet-jid.h: JIDs and the user ids the call protocol derives from them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean quartet_jid_is_valid (const char *jid);
char *quartet_jid_get_bare (const char *jid);
char *quartet_jid_get_domain (const char *jid);
char *quartet_jid_get_user_id (const char *jid);
gboolean quartet_jid_is_quickblox (const char *jid);
char *quartet_jid_for_user_id (const char *user_id, const char *own_jid);
int quartet_user_id_compare (const char *a, const char *b);

G_END_DECLS
