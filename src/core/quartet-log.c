/* quartet-log.c: secrets kept out of every log line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Our own code never logs a password or a TURN credential, but our
 * dependencies do at debug level: libnice prints "user/pass : U -- P" for
 * every relay server (with G_MESSAGES_DEBUG=all) and webrtcbin the whole
 * turn://user:pass@host URL (with GST_DEBUG=webrtc*:7). Users attach such
 * logs to bug reports. So the engine registers each secret as it gets it
 * (quartet_log_hide_secret()), and quartet_log_init(), called first thing by
 * the app and the CLI, routes GLib's and GStreamer's log output through a
 * filter that replaces every registered secret, as given and URI-escaped,
 * before it is written.
 */
#define G_LOG_DOMAIN "quartet-log"

#include "quartet-log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gst/gst.h>

#define REDACTED "[secret]"
/* Shorter strings would redact innocent text (and gain nothing). */
#define MIN_SECRET_LENGTH 4

static GMutex secrets_lock;
static GPtrArray *secrets; /* of char*, under secrets_lock; kept until exit */

static void
add_secret_locked (const char *secret)
{
  for (guint i = 0; i < secrets->len; i++)
    if (g_str_equal (g_ptr_array_index (secrets, i), secret))
      return;
  g_ptr_array_add (secrets, g_strdup (secret));
}

/* Registers @secret: from now on it is replaced in every log line, as it is
 * and URI-escaped (as it appears inside a turn:// URL). */
void
quartet_log_hide_secret (const char *secret)
{
  g_autofree char *escaped = NULL;

  if (secret == NULL || strlen (secret) < MIN_SECRET_LENGTH)
    return;

  escaped = g_uri_escape_string (secret, NULL, FALSE);
  g_mutex_lock (&secrets_lock);
  if (secrets == NULL)
    secrets = g_ptr_array_new_with_free_func (g_free);
  add_secret_locked (secret);
  add_secret_locked (escaped);
  g_mutex_unlock (&secrets_lock);
}

/* @text with every registered secret replaced; NULL if it holds none. */
char *
quartet_log_redact (const char *text)
{
  GString *redacted = NULL;

  if (text == NULL)
    return NULL;

  g_mutex_lock (&secrets_lock);
  for (guint i = 0; secrets != NULL && i < secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (secrets, i);

      if (strstr (redacted != NULL ? redacted->str : text, secret) == NULL)
        continue;
      if (redacted == NULL)
        redacted = g_string_new (text);
      g_string_replace (redacted, secret, REDACTED, 0);
    }
  g_mutex_unlock (&secrets_lock);

  return redacted != NULL ? g_string_free (redacted, FALSE) : NULL;
}

static GLogWriterOutput
write_redacted_log_cb (GLogLevelFlags log_level,
                       const GLogField *fields,
                       gsize n_fields,
                       gpointer user_data)
{
  g_autofree GLogField *copy = NULL;
  g_autofree char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0
        && (message = quartet_log_redact (fields[i].value)) != NULL)
      {
        copy = g_memdup2 (fields, n_fields * sizeof *fields);
        copy[i].value = message;
        break;
      }

  return g_log_writer_default (log_level, copy != NULL ? copy : fields, n_fields, user_data);
}

static void
write_redacted_gst_log_cb (GstDebugCategory *category,
                           GstDebugLevel level,
                           const char *file,
                           const char *function,
                           int line,
                           GObject *object,
                           GstDebugMessage *message,
                           gpointer user_data)
{
  FILE *out = user_data;
  g_autofree char *redacted_message = quartet_log_redact (gst_debug_message_get (message));
  g_autofree char *text = NULL;
  g_autofree char *redacted = NULL;

  if (redacted_message == NULL)
    {
      gst_debug_log_default (category, level, file, function, line, object, message, out);
      return;
    }

  /* The default function's line, without its colours. */
  text = gst_debug_log_get_line (category, level, file, function, line, object, message);
  redacted = quartet_log_redact (text);
  fputs (redacted != NULL ? redacted : text, out != NULL ? out : stderr);
}

/* Where GStreamer's default log function writes: $GST_DEBUG_FILE ("-" is
 * stdout, "%p" the process id), which gst_init() has just created; else
 * stderr (NULL). */
static FILE *
open_gst_debug_file (void)
{
  const char *name = g_getenv ("GST_DEBUG_FILE");
  g_autofree char *pid = NULL;
  g_autoptr (GString) path = NULL;

  if (name == NULL || *name == '\0')
    return NULL;
  if (g_str_equal (name, "-"))
    return stdout;

  pid = g_strdup_printf ("%d", (int)getpid ());
  path = g_string_new (name);
  g_string_replace (path, "%p", pid, 0);
  return fopen (path->str, "a");
}

/* Call once, first thing in main(), before any thread logs: both log
 * writers can only be replaced while nothing else uses them. Initializes
 * GStreamer. */
void
quartet_log_init (void)
{
  g_log_set_writer_func (write_redacted_log_cb, NULL, NULL);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  gst_debug_add_log_function (write_redacted_gst_log_cb, open_gst_debug_file (), NULL);
  gst_debug_remove_log_function (gst_debug_log_default);
}
