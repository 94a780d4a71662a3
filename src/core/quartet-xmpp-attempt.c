/* quartet-xmpp-attempt.c: how far a sign-in attempt got, and why it failed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libstrophe 0.12 reports a refused connection, a server without TLS and a
 * wrong password all alike, as a disconnect with no error code. What tells
 * them apart is its log and its certificate callback, so the connection
 * feeds both in here and asks for an error a user can act on at the end.
 */
#define G_LOG_DOMAIN "quartet-xmpp"

#include "quartet-xmpp-attempt.h"

#include <string.h>

#include "quartet-jid.h"
#include "quartet-xmpp-connection.h"

void
quartet_xmpp_attempt_reset (QuartetXmppAttempt *self)
{
  g_clear_pointer (&self->certificate_problem, g_free);
  g_clear_pointer (&self->peer_fingerprint, g_free);
  self->tcp_connected = FALSE;
  self->tls_missing = FALSE;
  self->sasl_failed = FALSE;
}

void
quartet_xmpp_attempt_note_log (QuartetXmppAttempt *self, const char *message)
{
  if (strstr (message, "connection successful") != NULL)
    self->tcp_connected = TRUE;
  else if (strstr (message, "TLS is not supported") != NULL)
    self->tls_missing = TRUE;
  else if (strstr (message, "auth failed") != NULL)
    self->sasl_failed = TRUE;
}

/* Upper-case hex digits only, so fingerprints compare in any notation. */
char *
quartet_xmpp_normalize_fingerprint (const char *fingerprint)
{
  GString *normalized = g_string_new (NULL);

  for (const char *p = fingerprint; p && *p; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (normalized, g_ascii_toupper (*p));

  return g_string_free (normalized, FALSE);
}

/* Colon-separated upper-case hex, as `openssl x509 -fingerprint` prints it. */
static char *
format_fingerprint (const char *fingerprint)
{
  g_autofree char *hex = quartet_xmpp_normalize_fingerprint (fingerprint);
  GString *formatted = g_string_new (NULL);

  for (gsize i = 0; hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (formatted, ':');
      g_string_append_c (formatted, hex[i]);
    }

  return g_string_free (formatted, FALSE);
}

/* Called for a certificate the system does not trust: accept it only when
 * the user pinned exactly this one, else remember why for the error. */
gboolean
quartet_xmpp_attempt_check_certificate (QuartetXmppAttempt *self,
                                        const xmpp_tlscert_t *cert,
                                        const char *problem,
                                        const char *trusted_fingerprint)
{
  const char *fingerprint = xmpp_tlscert_get_string (cert, XMPP_CERT_FINGERPRINT_SHA256);
  g_autofree char *normalized = quartet_xmpp_normalize_fingerprint (fingerprint);

  g_free (self->peer_fingerprint);
  self->peer_fingerprint = format_fingerprint (fingerprint);

  if (trusted_fingerprint != NULL && normalized[0] != '\0'
      && g_str_equal (normalized, trusted_fingerprint))
    {
      g_debug ("Accepting pinned certificate %s", self->peer_fingerprint);
      return TRUE;
    }

  g_free (self->certificate_problem);
  self->certificate_problem = g_strdup (problem ? problem : "verification failed");
  return FALSE;
}

static const char *
describe_stream_error (const xmpp_stream_error_t *stream_error)
{
  if (stream_error->text != NULL)
    return stream_error->text;

  switch (stream_error->type)
    {
    case XMPP_SE_CONFLICT:
      return "signed in from another place";
    case XMPP_SE_SYSTEM_SHUTDOWN:
      return "the server is shutting down";
    case XMPP_SE_HOST_UNKNOWN:
      return "the server does not host this domain";
    case XMPP_SE_NOT_AUTHORIZED:
      return "not authorized";
    case XMPP_SE_POLICY_VIOLATION:
      return "policy violation";
    default:
      return "stream error";
    }
}

/* Turn what libstrophe told us about a closed connection into an error a
 * user can act on. */
GError *
quartet_xmpp_attempt_describe_failure (QuartetXmppAttempt *self,
                                       const char *jid,
                                       gboolean was_connected,
                                       int error,
                                       const xmpp_stream_error_t *stream_error)
{
  g_autofree char *domain = quartet_jid_get_domain (jid);

  if (self->certificate_problem != NULL)
    return g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_CERTIFICATE,
                        "The certificate of %s is not trusted (%s). Its SHA-256 fingerprint is %s",
                        domain, self->certificate_problem,
                        self->peer_fingerprint ? self->peer_fingerprint : "unknown");

  if (self->tls_missing)
    return g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_TLS_UNAVAILABLE,
                        "The server %s does not offer an encrypted connection (TLS)", domain);

  if (self->sasl_failed)
    return g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_AUTHENTICATION,
                        "The server rejected the password for %s", jid);

  if (stream_error != NULL)
    return g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_STREAM,
                        "The server closed the connection: %s", describe_stream_error (stream_error));

  if (was_connected)
    return g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_CONNECTION_LOST,
                        "The connection to %s was lost%s%s", domain, error ? ": " : "",
                        error ? g_strerror (error) : "");

  if (error != 0 || !self->tcp_connected)
    return g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_UNREACHABLE,
                        "Could not reach the server %s: %s", domain,
                        error ? g_strerror (error) : "the connection was refused");

  return g_error_new (QUARTET_XMPP_ERROR, QUARTET_XMPP_ERROR_UNREACHABLE,
                      "The server %s closed the connection while signing in", domain);
}

