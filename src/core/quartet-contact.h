/* quartet-contact.h: one roster (or QuickBlox directory) entry with its presence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define QUARTET_TYPE_CONTACT (quartet_contact_get_type ())
G_DECLARE_FINAL_TYPE (QuartetContact, quartet_contact, QUARTET, CONTACT, GObject)

QuartetContact *quartet_contact_new (const char *jid, const char *name);

const char *quartet_contact_get_jid (QuartetContact *self);
const char *quartet_contact_get_user_id (QuartetContact *self);
const char *quartet_contact_get_name (QuartetContact *self);
void quartet_contact_set_name (QuartetContact *self, const char *name);
const char *quartet_contact_get_login (QuartetContact *self);
void quartet_contact_set_login (QuartetContact *self, const char *login);
const char *quartet_contact_get_display_name (QuartetContact *self);
const char *quartet_contact_get_subscription (QuartetContact *self);
void quartet_contact_set_subscription (QuartetContact *self, const char *subscription);
gboolean quartet_contact_get_available (QuartetContact *self);
void quartet_contact_set_available (QuartetContact *self, gboolean available);

G_END_DECLS
