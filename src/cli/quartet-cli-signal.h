/* quartet-cli-signal.h: quartet-cli's send-signal command, one hand-made signal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet.h"

G_BEGIN_DECLS

typedef struct
{
  char *to;
  char *type;
  char *session_id;
  char *call_type;
  char **opponents;
  char *sdp_file;
  char *caller_id;
} QuartetCliSignalOptions;

void quartet_cli_signal_options_clear (QuartetCliSignalOptions *options);
GOptionGroup *quartet_cli_signal_option_group (QuartetCliSignalOptions *options);

gboolean quartet_cli_parse_user_info (char **pairs, GVariant **user_info, GError **error);

/* The signal the options describe, validated as the codec would; the
 * caller id defaults to @own_user_id. */
QuartetSignal *quartet_cli_signal_build (const QuartetCliSignalOptions *options,
                                         const char *own_user_id,
                                         GVariant *user_info,
                                         GError **error);

G_END_DECLS
