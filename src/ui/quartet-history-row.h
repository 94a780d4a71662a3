/* quartet-history-row.h: one call of the "Recent" list, with a button to call back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "quartet-call-record.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_HISTORY_ROW (quartet_history_row_get_type ())
G_DECLARE_FINAL_TYPE (QuartetHistoryRow, quartet_history_row, QUARTET, HISTORY_ROW, GtkWidget)

GtkWidget *quartet_history_row_new (void);
QuartetCallRecord *quartet_history_row_get_record (QuartetHistoryRow *self);
/* The list view recycles rows: a row shows @record until it is given
 * another (NULL: none, while the row waits to be reused). */
void quartet_history_row_set_record (QuartetHistoryRow *self, QuartetCallRecord *record);

G_END_DECLS
