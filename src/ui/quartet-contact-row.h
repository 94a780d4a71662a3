/* quartet-contact-row.h: one contact with presence, a selection check and call buttons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "quartet.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_CONTACT_ROW (quartet_contact_row_get_type ())
G_DECLARE_FINAL_TYPE (QuartetContactRow, quartet_contact_row, QUARTET, CONTACT_ROW, AdwActionRow)

GtkWidget *quartet_contact_row_new (QuartetContact *contact, gboolean selected);
QuartetContact *quartet_contact_row_get_contact (QuartetContactRow *self);
gboolean quartet_contact_row_get_selected (QuartetContactRow *self);
void quartet_contact_row_set_selected (QuartetContactRow *self, gboolean selected);

G_END_DECLS
