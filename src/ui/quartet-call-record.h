/* quartet-call-record.h: one entry of the call history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet.h"

G_BEGIN_DECLS

typedef enum
{
  QUARTET_CALL_OUTCOME_ANSWERED,   /* in or out: someone talked */
  QUARTET_CALL_OUTCOME_MISSED,     /* in: it rang out, or came while we were busy */
  QUARTET_CALL_OUTCOME_DECLINED,   /* in: we declined */
  QUARTET_CALL_OUTCOME_UNANSWERED, /* out: nobody answered */
} QuartetCallOutcome;

#define QUARTET_TYPE_CALL_RECORD (quartet_call_record_get_type ())
G_DECLARE_FINAL_TYPE (QuartetCallRecord, quartet_call_record, QUARTET, CALL_RECORD, GObject)

/* @user_ids and @names: the other people of the call, in the same order. */
QuartetCallRecord *quartet_call_record_new (gboolean outgoing,
                                            QuartetCallType call_type,
                                            QuartetCallOutcome outcome,
                                            const char *const *user_ids,
                                            const char *const *names,
                                            GDateTime *started,
                                            guint duration);

gboolean quartet_call_record_get_outgoing (QuartetCallRecord *self);
QuartetCallType quartet_call_record_get_call_type (QuartetCallRecord *self);
QuartetCallOutcome quartet_call_record_get_outcome (QuartetCallRecord *self);
const char *const *quartet_call_record_get_user_ids (QuartetCallRecord *self);
const char *const *quartet_call_record_get_names (QuartetCallRecord *self);
GDateTime *quartet_call_record_get_started (QuartetCallRecord *self);
guint quartet_call_record_get_duration (QuartetCallRecord *self);
/* A missed call stays unseen until the user looks at the history. */
gboolean quartet_call_record_get_seen (QuartetCallRecord *self);
void quartet_call_record_set_seen (QuartetCallRecord *self, gboolean seen);

/* "Bob, Carol" */
char *quartet_call_record_dup_title (QuartetCallRecord *self);
/* "Missed video call · 11:02", "Outgoing audio call, 3:12 · Yesterday",
 * relative to @now (local time). */
char *quartet_call_record_describe (QuartetCallRecord *self, GDateTime *now);

/* One record in a group of a GKeyFile, and back (NULL and @error when the
 * group is not a whole record). */
void quartet_call_record_save (QuartetCallRecord *self, GKeyFile *file, const char *group);
QuartetCallRecord *quartet_call_record_load (GKeyFile *file, const char *group, GError **error);

G_END_DECLS
