/* quartet-incoming-call-dialog.h: "Bob is calling": answer, answer audio only, or decline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "quartet.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_INCOMING_CALL_DIALOG (quartet_incoming_call_dialog_get_type ())
G_DECLARE_FINAL_TYPE (QuartetIncomingCallDialog,
                      quartet_incoming_call_dialog,
                      QUARTET,
                      INCOMING_CALL_DIALOG,
                      AdwMessageDialog)

GtkWidget *quartet_incoming_call_dialog_new (GtkWindow *parent,
                                             const char *session_id,
                                             const char *caller_name,
                                             QuartetCallType call_type);
const char *quartet_incoming_call_dialog_get_session_id (QuartetIncomingCallDialog *self);

void quartet_incoming_call_dialog_set_in_call (QuartetIncomingCallDialog *self);

G_END_DECLS
