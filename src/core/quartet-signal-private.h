/* quartet-signal-private.h: helpers shared by the signal codec's source files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-signal.h"

G_BEGIN_DECLS

#define _QUARTET_SIGNAL_MAX_SDP_MLINE_INDEX 255

/* quartet-signal.c */
QuartetSignal *_quartet_signal_alloc (QuartetSignalType type);
gboolean _quartet_signal_is_call_or_accept (QuartetSignalType type);

void _quartet_signal_set_error (GError **error,
                                QuartetSignalError code,
                                const char *field,
                                const char *format,
                                ...) G_GNUC_PRINTF (4, 5);

char *_quartet_signal_describe_value (const char *value);

gboolean
_quartet_signal_check_text (const char *field, const char *text, gsize max_bytes, GError **error);

/* quartet-signal-stanza.c */
xmpp_stanza_t *_quartet_signal_new_element (xmpp_ctx_t *ctx, const char *name);
void _quartet_signal_append_element (xmpp_stanza_t *parent, xmpp_stanza_t *child);
void
_quartet_signal_append_text_element (xmpp_stanza_t *parent, const char *name, const char *text);
gboolean _quartet_signal_has_element_children (xmpp_stanza_t *element);
char *_quartet_signal_element_text (xmpp_stanza_t *element);

/* userInfo: quartet-signal-user-info.c */
gboolean _quartet_signal_user_info_validate (GVariant *user_info, GError **error);
void _quartet_signal_user_info_append (GVariant *user_info, xmpp_stanza_t *extra_params);
gboolean
_quartet_signal_user_info_parse (xmpp_stanza_t *element, GVariant **out_user_info, GError **error);

G_END_DECLS
