/* quartet-cli-signal.c: quartet-cli's send-signal command, one hand-made signal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests and interop checks send single signals by hand, valid ones only:
 * the codec's own validation runs before anything is sent.
 */
#include "quartet-cli-signal.h"

#include <string.h>

void
quartet_cli_signal_options_clear (QuartetCliSignalOptions *options)
{
  g_clear_pointer (&options->to, g_free);
  g_clear_pointer (&options->type, g_free);
  g_clear_pointer (&options->session_id, g_free);
  g_clear_pointer (&options->call_type, g_free);
  g_clear_pointer (&options->opponents, g_strfreev);
  g_clear_pointer (&options->sdp_file, g_free);
  g_clear_pointer (&options->caller_id, g_free);
}

GOptionGroup *
quartet_cli_signal_option_group (QuartetCliSignalOptions *options)
{
  const GOptionEntry entries[]
      = { { "to", 0, 0, G_OPTION_ARG_STRING, &options->to, "The recipient's JID", "JID" },
          { "type", 0, 0, G_OPTION_ARG_STRING, &options->type,
            "call, accept, reject, hangUp, iceCandidates or update", "TYPE" },
          { "session-id", 0, 0, G_OPTION_ARG_STRING, &options->session_id,
            "The session id (default: a new UUID)", "ID" },
          { "call-type", 0, 0, G_OPTION_ARG_STRING, &options->call_type, "video or audio", "TYPE" },
          { "opponent", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->opponents,
            "An invited user id (repeat for each)", "ID" },
          { "sdp-file", 0, 0, G_OPTION_ARG_FILENAME, &options->sdp_file, "The SDP to carry",
            "FILE" },
          { "caller-id", 0, 0, G_OPTION_ARG_STRING, &options->caller_id,
            "The initiator's user id (default: ours)", "ID" },
          { NULL } };
  GOptionGroup *group = g_option_group_new (
      "signal", "send-signal options:", "Show the options of send-signal", options, NULL);

  g_option_group_add_entries (group, entries);
  return group;
}

static gboolean
parse_call_type (const char *text, QuartetCallType *call_type, GError **error)
{
  if (text == NULL)
    return TRUE;

  if (g_str_equal (text, "audio"))
    *call_type = QUARTET_CALL_TYPE_AUDIO;
  else if (g_str_equal (text, "video"))
    *call_type = QUARTET_CALL_TYPE_VIDEO;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--call-type is video or audio, not “%s”", text);
      return FALSE;
    }
  return TRUE;
}

/* --user-info KEY=VALUE...: a userInfo map of strings, NULL for none. */
gboolean
quartet_cli_parse_user_info (char **pairs, GVariant **user_info, GError **error)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  *user_info = NULL;
  if (pairs == NULL)
    return TRUE;

  for (char **pair = pairs; *pair != NULL; pair++)
    {
      const char *equals = strchr (*pair, '=');
      g_autofree char *key = NULL;

      if (equals == NULL || equals == *pair)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--user-info expects KEY=VALUE, not “%s”", *pair);
          return FALSE;
        }
      key = g_strndup (*pair, equals - *pair);
      g_variant_builder_add (&builder, "{sv}", key, g_variant_new_string (equals + 1));
    }

  *user_info = g_variant_ref_sink (g_variant_builder_end (&builder));
  return TRUE;
}

QuartetSignal *
quartet_cli_signal_build (const QuartetCliSignalOptions *options,
                          const char *own_user_id,
                          GVariant *user_info,
                          GError **error)
{
  g_autoptr (QuartetSignal) signal = NULL;
  QuartetSignalType type;

  if (!quartet_signal_type_from_string (options->type, &type))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown signal type “%s” (call, accept, reject, hangUp, iceCandidates, update)",
                   options->type ? options->type : "");
      return NULL;
    }

  signal = quartet_signal_new (type, options->session_id);
  if (!parse_call_type (options->call_type, &signal->call_type, error))
    return NULL;

  signal->caller_id = g_strdup (options->caller_id ? options->caller_id : own_user_id);
  for (char **id = options->opponents; id && *id; id++)
    quartet_signal_add_opponent (signal, *id);

  if (options->sdp_file != NULL
      && !g_file_get_contents (options->sdp_file, &signal->sdp, NULL, error))
    return NULL;

  if (user_info != NULL)
    signal->user_info = g_variant_ref (user_info);
  if (!quartet_signal_validate (signal, error))
    return NULL;

  return g_steal_pointer (&signal);
}
