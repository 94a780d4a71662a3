/* quartet-history-page.h: the "Recent" list: calls made, taken and missed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "quartet-account.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_HISTORY_PAGE (quartet_history_page_get_type ())
G_DECLARE_FINAL_TYPE (QuartetHistoryPage, quartet_history_page, QUARTET, HISTORY_PAGE, GtkWidget)

void quartet_history_page_set_account (QuartetHistoryPage *self, QuartetAccount *account);

G_END_DECLS
