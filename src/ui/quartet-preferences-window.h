/* quartet-preferences-window.h: network (STUN/TURN, relay-only, TLS) and devices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "quartet-account.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_PREFERENCES_WINDOW (quartet_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (QuartetPreferencesWindow,
                      quartet_preferences_window,
                      QUARTET,
                      PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *
quartet_preferences_window_new (GtkWindow *parent, GSettings *settings, QuartetAccount *account);

G_END_DECLS
