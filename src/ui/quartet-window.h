/* quartet-window.h: the main window: sign-in, contacts, or the call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "quartet-account.h"
#include "quartet-sign-in-page.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_WINDOW (quartet_window_get_type ())
G_DECLARE_FINAL_TYPE (QuartetWindow, quartet_window, QUARTET, WINDOW, AdwApplicationWindow)

QuartetWindow *quartet_window_new (AdwApplication *application,
                                   QuartetAccount *account,
                                   GSettings *settings);
QuartetSignInPage *quartet_window_get_sign_in_page (QuartetWindow *self);
/* Contacts' "Recent" list (shown once no call is on screen). */
void quartet_window_show_recent (QuartetWindow *self);

/* Shows @title in the toast overlay of @widget's window. */
void quartet_window_toast (GtkWidget *widget, const char *title);

G_END_DECLS
