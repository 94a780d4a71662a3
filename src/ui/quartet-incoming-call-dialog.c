/* quartet-incoming-call-dialog.c: "Bob is calling": answer, answer audio only, or decline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The responses activate the application's answer/answer-audio/decline
 * actions with the session id, the same actions the notification's buttons
 * use, so both ways of answering take one path.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-incoming-call-dialog.h"

#include <glib/gi18n.h>

struct _QuartetIncomingCallDialog
{
  AdwMessageDialog parent_instance;

  char *session_id;
};

G_DEFINE_FINAL_TYPE (QuartetIncomingCallDialog,
                     quartet_incoming_call_dialog,
                     ADW_TYPE_MESSAGE_DIALOG)

static void
quartet_incoming_call_dialog_response (AdwMessageDialog *dialog, const char *response)
{
  QuartetIncomingCallDialog *self = QUARTET_INCOMING_CALL_DIALOG (dialog);
  const char *action = NULL;

  if (g_str_equal (response, "answer"))
    action = "answer";
  else if (g_str_equal (response, "answer-audio"))
    action = "answer-audio";
  else if (g_str_equal (response, "decline"))
    action = "decline";

  /* Closing the dialog by other means (Escape) declines too: "close-response". */
  if (action != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (g_application_get_default ()), action,
                                    g_variant_new_string (self->session_id));
}

const char *
quartet_incoming_call_dialog_get_session_id (QuartetIncomingCallDialog *self)
{
  g_return_val_if_fail (QUARTET_IS_INCOMING_CALL_DIALOG (self), NULL);
  return self->session_id;
}

static void
quartet_incoming_call_dialog_finalize (GObject *object)
{
  QuartetIncomingCallDialog *self = QUARTET_INCOMING_CALL_DIALOG (object);

  g_clear_pointer (&self->session_id, g_free);

  G_OBJECT_CLASS (quartet_incoming_call_dialog_parent_class)->finalize (object);
}

static void
quartet_incoming_call_dialog_class_init (QuartetIncomingCallDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = quartet_incoming_call_dialog_finalize;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = quartet_incoming_call_dialog_response;
}

static void
quartet_incoming_call_dialog_init (QuartetIncomingCallDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  adw_message_dialog_add_responses (dialog, "decline", _("_Decline"), "answer-audio",
                                    _("Answer _Audio Only"), "answer", _("_Answer"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "decline", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "answer", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "answer");
  adw_message_dialog_set_close_response (dialog, "decline");
}

GtkWidget *
quartet_incoming_call_dialog_new (GtkWindow *parent,
                                  const char *session_id,
                                  const char *caller_name,
                                  QuartetCallType call_type)
{
  QuartetIncomingCallDialog *self;
  gboolean video = call_type == QUARTET_CALL_TYPE_VIDEO;
  g_autofree char *body = NULL;

  g_return_val_if_fail (session_id != NULL, NULL);

  self = g_object_new (QUARTET_TYPE_INCOMING_CALL_DIALOG, "transient-for", parent, "modal", TRUE,
                       "heading", video ? _("Incoming Video Call") : _("Incoming Audio Call"),
                       NULL);
  self->session_id = g_strdup (session_id);

  body = g_strdup_printf (video ? _("%s is calling you with video.") : _("%s is calling you."),
                          caller_name);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  gtk_window_set_title (GTK_WINDOW (self), body);
  /* An audio call has nothing to turn off. */
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "answer-audio", video);

  return GTK_WIDGET (self);
}

/* Call waiting: the answer ends the call on screen, and the user should
 * know before choosing. */
void
quartet_incoming_call_dialog_set_in_call (QuartetIncomingCallDialog *self)
{
  g_autofree char *body = NULL;

  g_return_if_fail (QUARTET_IS_INCOMING_CALL_DIALOG (self));

  body = g_strdup_printf ("%s\n%s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (self)),
                          _ ("Answering ends your current call."));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
}
