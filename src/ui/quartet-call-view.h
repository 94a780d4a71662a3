/* quartet-call-view.h: the call grid and its controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "quartet-call.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_CALL_VIEW (quartet_call_view_get_type ())
G_DECLARE_FINAL_TYPE (QuartetCallView, quartet_call_view, QUARTET, CALL_VIEW, GtkWidget)

QuartetCall *quartet_call_view_get_call (QuartetCallView *self);
void quartet_call_view_set_call (QuartetCallView *self, QuartetCall *call);
void quartet_call_view_set_show_statistics (QuartetCallView *self, gboolean show);
void quartet_call_view_set_devices_menu (QuartetCallView *self, GMenuModel *menu);

G_END_DECLS
