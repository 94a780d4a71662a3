/* quartet-sign-in-page.h: server, address, password, and what went wrong
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "quartet-account.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_SIGN_IN_PAGE (quartet_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (QuartetSignInPage, quartet_sign_in_page, QUARTET, SIGN_IN_PAGE, GtkWidget)

void quartet_sign_in_page_setup (QuartetSignInPage *self,
                                 QuartetAccount *account,
                                 GSettings *settings);
/* Fills the form; NULL leaves a field as it is. */
void quartet_sign_in_page_prefill (QuartetSignInPage *self,
                                   const char *server,
                                   const char *jid,
                                   const char *password,
                                   const char *cafile);
/* From the command line (tests, the demo): where QuickBlox chat is reached
 * (@server, HOST[:PORT]) and the API's certificate authorities; NULL leaves
 * either as it is. */
void quartet_sign_in_page_prefill_quickblox (QuartetSignInPage *self,
                                             const char *server,
                                             const char *api_cafile);
void quartet_sign_in_page_sign_in (QuartetSignInPage *self);

G_END_DECLS
