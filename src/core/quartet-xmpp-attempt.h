/* quartet-xmpp-attempt.h: how far a sign-in attempt got, and why it failed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean tcp_connected;
  gboolean tls_missing;
  gboolean sasl_failed;
  char *certificate_problem;
  char *peer_fingerprint;
} QuartetXmppAttempt;

void quartet_xmpp_attempt_reset (QuartetXmppAttempt *self);
void quartet_xmpp_attempt_note_log (QuartetXmppAttempt *self, const char *message);
gboolean quartet_xmpp_attempt_check_certificate (QuartetXmppAttempt *self,
                                                 const xmpp_tlscert_t *cert,
                                                 const char *problem,
                                                 const char *trusted_fingerprint);
GError *quartet_xmpp_attempt_describe_failure (QuartetXmppAttempt *self,
                                               const char *jid,
                                               gboolean was_connected,
                                               int error,
                                               const xmpp_stream_error_t *stream_error);

char *quartet_xmpp_normalize_fingerprint (const char *fingerprint);

G_END_DECLS
