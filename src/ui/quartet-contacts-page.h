/* quartet-contacts-page.h: the roster, search, selection for group calls, add contact
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "quartet-account.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_CONTACTS_PAGE (quartet_contacts_page_get_type ())
G_DECLARE_FINAL_TYPE (QuartetContactsPage, quartet_contacts_page, QUARTET, CONTACTS_PAGE, GtkWidget)

/* The most people one can call at once (a 2x2 grid with ourselves). */
#define QUARTET_CONTACTS_MAX_SELECTED 3

void quartet_contacts_page_set_account (QuartetContactsPage *self, QuartetAccount *account);
/* Rebinds the list to the account's roster (after each sign-in). */
void quartet_contacts_page_reload (QuartetContactsPage *self);

/* The "Recent" list, as a missed call's notification opens it. */
void quartet_contacts_page_show_recent (QuartetContactsPage *self);

G_END_DECLS
