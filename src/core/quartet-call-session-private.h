/* quartet-call-session-private.h: what QuartetCallClient drives a session with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-call-session.h"
#include "quartet-signaling.h"

G_BEGIN_DECLS

QuartetCallSession *_quartet_call_session_new_outgoing (QuartetSignaling *signaling,
                                                        QuartetMedia *media,
                                                        const QuartetCallSettings *settings,
                                                        QuartetCallType call_type,
                                                        const char *const *opponents,
                                                        GVariant *user_info);
QuartetCallSession *_quartet_call_session_new_incoming (QuartetSignaling *signaling,
                                                        QuartetMedia *media,
                                                        const QuartetCallSettings *settings,
                                                        const QuartetSignal *call);

void _quartet_call_session_start (QuartetCallSession *self);
gboolean _quartet_call_session_accept (QuartetCallSession *self,
                                       GVariant *user_info,
                                       GError **error);
void _quartet_call_session_reject (QuartetCallSession *self, GVariant *user_info);
void _quartet_call_session_hang_up (QuartetCallSession *self, GVariant *user_info);
void _quartet_call_session_update (QuartetCallSession *self, GVariant *user_info);
void _quartet_call_session_handle_signal (QuartetCallSession *self,
                                          const char *from_user,
                                          const QuartetSignal *signal);

G_END_DECLS
