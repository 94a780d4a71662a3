/* quartet-quickblox-form.h: the QuickBlox part of the sign-in page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "quartet-quickblox-session.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_QUICKBLOX_FORM (quartet_quickblox_form_get_type ())
G_DECLARE_FINAL_TYPE (QuartetQuickbloxForm, quartet_quickblox_form, QUARTET, QUICKBLOX_FORM, GtkWidget)

void quartet_quickblox_form_load (QuartetQuickbloxForm *self, GSettings *settings);
void quartet_quickblox_form_save (QuartetQuickbloxForm *self, GSettings *settings, gboolean remember);
void quartet_quickblox_form_set_api_cafile (QuartetQuickbloxForm *self, const char *cafile);
/* Where to connect for chat instead of the chat server's address (tests, the demo). */
void quartet_quickblox_form_set_chat_address (QuartetQuickbloxForm *self, const char *server);
/* Fills @details with strings owned by the form; FALSE if a field the user must give is empty. */
gboolean quartet_quickblox_form_get_details (QuartetQuickbloxForm *self,
                                             QuartetQuickbloxSignInDetails *details);
void quartet_quickblox_form_set_busy (QuartetQuickbloxForm *self, gboolean busy);
void quartet_quickblox_form_forget_secrets (QuartetQuickbloxForm *self);

/* The auth secret and password from the keyring into the form; TRUE if both were there. */
void quartet_quickblox_form_recall_async (QuartetQuickbloxForm *self,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean quartet_quickblox_form_recall_finish (QuartetQuickbloxForm *self, GAsyncResult *result);

G_END_DECLS
