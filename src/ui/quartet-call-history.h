/* quartet-call-history.h: the calls made and missed, newest first, kept in a file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-call-record.h"

G_BEGIN_DECLS

/* The oldest calls go beyond this many. */
#define QUARTET_CALL_HISTORY_MAX 500

#define QUARTET_TYPE_CALL_HISTORY (quartet_call_history_get_type ())
G_DECLARE_FINAL_TYPE (QuartetCallHistory, quartet_call_history, QUARTET, CALL_HISTORY, GObject)

/* A GListModel of QuartetCallRecord, newest first; empty until loaded. */
QuartetCallHistory *quartet_call_history_new (void);

/* Shows the calls kept in @path (a missing file is an empty history) and
 * keeps new ones there (written from the main loop after a change, and at
 * once before another load or the end); NULL empties the list and keeps
 * nothing. A file that is not a history is set aside as PATH.broken,
 * never overwritten. */
void quartet_call_history_load (QuartetCallHistory *self, const char *path);
const char *quartet_call_history_get_path (QuartetCallHistory *self);

void quartet_call_history_add (QuartetCallHistory *self, QuartetCallRecord *record);
guint quartet_call_history_get_unseen_missed (QuartetCallHistory *self);
void quartet_call_history_mark_seen (QuartetCallHistory *self);

/* Where an account's history is kept: under the user data directory. */
char *quartet_call_history_path_for (const char *account_jid);

G_END_DECLS
