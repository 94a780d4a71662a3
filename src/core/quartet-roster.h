/* quartet-roster.h: the account's contacts, kept from roster results, pushes and presence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <strophe.h>

#include "quartet-contact.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_ROSTER (quartet_roster_get_type ())
G_DECLARE_FINAL_TYPE (QuartetRoster, quartet_roster, QUARTET, ROSTER, GObject)

QuartetRoster *quartet_roster_new (void);

QuartetContact *quartet_roster_lookup (QuartetRoster *self, const char *jid);
void quartet_roster_load (QuartetRoster *self, xmpp_stanza_t *query);
void quartet_roster_apply_push (QuartetRoster *self, xmpp_stanza_t *query);
void quartet_roster_apply_presence (QuartetRoster *self, xmpp_stanza_t *presence);
void quartet_roster_mark_all_unavailable (QuartetRoster *self);

G_END_DECLS
