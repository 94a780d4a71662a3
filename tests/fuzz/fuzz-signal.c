/* fuzz-signal.c: libFuzzer target for the call signal codec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any bytes a peer could send are parsed as a stanza and then as a signal.
 * Whatever parses must be sendable again and read back the same, so a signal
 * we accept can never be one we refuse to send, or send differently.
 */

#define G_LOG_DOMAIN "fuzz-signal"

#include <stdio.h>
#include <stdlib.h>

#include "quartet-signal.h"

/* Well above any real stanza; larger inputs only slow the fuzzer down. */
#define MAX_INPUT_BYTES (256 * 1024)

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static xmpp_ctx_t *ctx;

static G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) void fail (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  abort ();
}

static char *
signal_to_json_text (const QuartetSignal *signal)
{
  g_autoptr (JsonNode) node = quartet_signal_to_json (signal);

  return json_to_string (node, FALSE);
}

static QuartetSignal *
reparse_text (xmpp_stanza_t *stanza, GError **error)
{
  g_autoptr (xmpp_stanza_t) reparsed = NULL;
  char *buf = NULL;
  size_t len = 0;

  if (xmpp_stanza_to_text (stanza, &buf, &len) != XMPP_EOK)
    fail ("xmpp_stanza_to_text failed on a stanza we built");
  reparsed = xmpp_stanza_new_from_string (ctx, buf);
  xmpp_free (ctx, buf);
  if (reparsed == NULL)
    fail ("libstrophe cannot read back the XML of a stanza we built");

  return quartet_signal_from_stanza (reparsed, error);
}

static void
check_round_trip (const QuartetSignal *signal)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (xmpp_stanza_t) built = NULL;
  g_autoptr (QuartetSignal) again = NULL;
  g_autoptr (QuartetSignal) through_text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;

  built = quartet_signal_to_stanza (signal, ctx, "peer@example.org", "fuzz", &error);
  if (built == NULL)
    fail ("to_stanza refused a parsed signal: %s", error->message);

  again = quartet_signal_from_stanza (built, &error);
  if (again == NULL)
    fail ("from_stanza refused a stanza we built: %s", error->message);

  expected = signal_to_json_text (signal);
  actual = signal_to_json_text (again);
  if (g_strcmp0 (expected, actual) != 0)
    fail ("round trip changed the signal:\n  %s\n  %s", expected, actual);

  /* Through text, CRs outside the SDP may turn into LFs (libstrophe writes
   * them raw), so only require that what we send is readable. */
  through_text = reparse_text (built, &error);
  if (through_text == NULL)
    fail ("our own XML does not parse as a signal: %s", error->message);
}

static void
check_error (const GError *error)
{
  if (error == NULL || error->domain != QUARTET_SIGNAL_ERROR)
    fail ("from_stanza failed without a QUARTET_SIGNAL_ERROR");

  /* Every refusal other than "not for us" must say which field. */
  if (error->code != QUARTET_SIGNAL_ERROR_NOT_A_SIGNAL
      && !g_str_has_prefix (error->message, "Invalid call signal: field '"))
    fail ("error message does not name a field: %s", error->message);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  /* No logger: libstrophe stays silent about the malformed XML we feed it. */
  ctx = xmpp_ctx_new (NULL, NULL);
  if (ctx == NULL)
    fail ("xmpp_ctx_new failed");

  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (xmpp_stanza_t) stanza = NULL;
  g_autoptr (QuartetSignal) signal = NULL;
  g_autofree char *text = NULL;

  if (size > MAX_INPUT_BYTES)
    return 0;

  /* libstrophe takes a C string; an embedded NUL just ends the input early. */
  text = g_strndup ((const char *)data, size);
  stanza = xmpp_stanza_new_from_string (ctx, text);
  if (stanza == NULL)
    return 0;

  signal = quartet_signal_from_stanza (stanza, &error);
  if (signal == NULL)
    check_error (error);
  else
    check_round_trip (signal);

  return 0;
}
