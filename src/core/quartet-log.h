/* quartet-log.h: secrets kept out of every log line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void quartet_log_init (void);
void quartet_log_hide_secret (const char *secret);
char *quartet_log_redact (const char *text);

G_END_DECLS
