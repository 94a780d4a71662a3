/* quartet-call-record.c: one entry of the call history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Who (user ids, and the names they had then: a caller may not be a
 * contact), when, in or out, audio or video, how long, and how it ended.
 * Never a secret: the history file is plain text.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-call-record.h"

#include <glib/gi18n.h>

struct _QuartetCallRecord
{
  GObject parent_instance;

  gboolean outgoing;
  QuartetCallType call_type;
  QuartetCallOutcome outcome;
  GStrv user_ids;
  GStrv names;
  GDateTime *started;
  guint duration;
  gboolean seen;
};

G_DEFINE_FINAL_TYPE (QuartetCallRecord, quartet_call_record, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SEEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The words of the history file, indexed by QuartetCallOutcome. */
static const char *const outcome_words[] = { "answered", "missed", "declined", "unanswered" };

QuartetCallRecord *
quartet_call_record_new (gboolean outgoing,
                         QuartetCallType call_type,
                         QuartetCallOutcome outcome,
                         const char *const *user_ids,
                         const char *const *names,
                         GDateTime *started,
                         guint duration)
{
  QuartetCallRecord *self;

  g_return_val_if_fail (user_ids != NULL && names != NULL, NULL);
  g_return_val_if_fail (g_strv_length ((GStrv)user_ids) == g_strv_length ((GStrv)names), NULL);
  g_return_val_if_fail (started != NULL, NULL);

  self = g_object_new (QUARTET_TYPE_CALL_RECORD, NULL);
  self->outgoing = outgoing;
  self->call_type = call_type;
  self->outcome = outcome;
  self->user_ids = g_strdupv ((GStrv)user_ids);
  self->names = g_strdupv ((GStrv)names);
  self->started = g_date_time_ref (started);
  self->duration = duration;
  /* Only a missed call asks to be seen. */
  self->seen = outcome != QUARTET_CALL_OUTCOME_MISSED;
  return self;
}

gboolean
quartet_call_record_get_outgoing (QuartetCallRecord *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), FALSE);
  return self->outgoing;
}

QuartetCallType
quartet_call_record_get_call_type (QuartetCallRecord *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), QUARTET_CALL_TYPE_VIDEO);
  return self->call_type;
}

QuartetCallOutcome
quartet_call_record_get_outcome (QuartetCallRecord *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), QUARTET_CALL_OUTCOME_ANSWERED);
  return self->outcome;
}

const char *const *
quartet_call_record_get_user_ids (QuartetCallRecord *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), NULL);
  return (const char *const *)self->user_ids;
}

const char *const *
quartet_call_record_get_names (QuartetCallRecord *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), NULL);
  return (const char *const *)self->names;
}

GDateTime *
quartet_call_record_get_started (QuartetCallRecord *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), NULL);
  return self->started;
}

guint
quartet_call_record_get_duration (QuartetCallRecord *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), 0);
  return self->duration;
}

gboolean
quartet_call_record_get_seen (QuartetCallRecord *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), TRUE);
  return self->seen;
}

void
quartet_call_record_set_seen (QuartetCallRecord *self, gboolean seen)
{
  g_return_if_fail (QUARTET_IS_CALL_RECORD (self));

  seen = !!seen;
  if (self->seen == seen)
    return;
  self->seen = seen;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEEN]);
}

char *
quartet_call_record_dup_title (QuartetCallRecord *self)
{
  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), NULL);
  return g_strjoinv (", ", self->names);
}

static char *
format_duration (guint seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);
}

static GDateTime *
local_midnight (GDateTime *time)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (time);

  return g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                                g_date_time_get_day_of_month (local), 0, 0, 0);
}

/* As a phone's call log: the time today, then "Yesterday", the weekday
 * within a week, the date before that. */
static char *
describe_when (GDateTime *started, GDateTime *now)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (started);
  g_autoptr (GDateTime) day = local_midnight (started);
  g_autoptr (GDateTime) today = local_midnight (now);
  /* Rounded: a day with a daylight-saving change is 23 or 25 hours. */
  gint64 days = (g_date_time_difference (today, day) + G_TIME_SPAN_HOUR * 12) / G_TIME_SPAN_DAY;

  if (days <= 0)
    return g_date_time_format (local, "%H:%M");
  if (days == 1)
    return g_strdup (_ ("Yesterday"));
  if (days < 7)
    return g_date_time_format (local, "%A");
  return g_date_time_format (local, "%x");
}

static char *
describe_what (QuartetCallRecord *self)
{
  gboolean video = self->call_type == QUARTET_CALL_TYPE_VIDEO;
  g_autofree char *duration = NULL;

  switch (self->outcome)
    {
    case QUARTET_CALL_OUTCOME_MISSED:
      return g_strdup (video ? _ ("Missed video call") : _ ("Missed audio call"));
    case QUARTET_CALL_OUTCOME_DECLINED:
      return g_strdup (video ? _ ("Declined video call") : _ ("Declined audio call"));
    case QUARTET_CALL_OUTCOME_UNANSWERED:
      return g_strdup (video ? _ ("Outgoing video call, no answer")
                             : _ ("Outgoing audio call, no answer"));
    case QUARTET_CALL_OUTCOME_ANSWERED:
    default:
      duration = format_duration (self->duration);
      if (self->outgoing)
        return g_strdup_printf (
            video ? _ ("Outgoing video call, %s") : _ ("Outgoing audio call, %s"), duration);
      return g_strdup_printf (video ? _ ("Incoming video call, %s") : _ ("Incoming audio call, %s"),
                              duration);
    }
}

char *
quartet_call_record_describe (QuartetCallRecord *self, GDateTime *now)
{
  g_autofree char *what = NULL;
  g_autofree char *when = NULL;

  g_return_val_if_fail (QUARTET_IS_CALL_RECORD (self), NULL);

  what = describe_what (self);
  when = describe_when (self->started, now);
  return g_strdup_printf ("%s · %s", what, when);
}

void
quartet_call_record_save (QuartetCallRecord *self, GKeyFile *file, const char *group)
{
  g_autofree char *started = g_date_time_format (self->started, "%Y-%m-%dT%H:%M:%S%:z");

  g_key_file_set_string (file, group, "direction", self->outgoing ? "out" : "in");
  g_key_file_set_string (file, group, "type",
                         self->call_type == QUARTET_CALL_TYPE_VIDEO ? "video" : "audio");
  g_key_file_set_string (file, group, "outcome", outcome_words[self->outcome]);
  g_key_file_set_string_list (file, group, "user-ids", (const char *const *)self->user_ids,
                              g_strv_length (self->user_ids));
  g_key_file_set_string_list (file, group, "names", (const char *const *)self->names,
                              g_strv_length (self->names));
  g_key_file_set_string (file, group, "started", started);
  g_key_file_set_uint64 (file, group, "duration", self->duration);
  g_key_file_set_boolean (file, group, "seen", self->seen);
}

static gboolean
parse_word (const char *value,
            const char *const *words,
            guint n_words,
            guint *index,
            const char *key,
            GError **error)
{
  for (guint i = 0; value != NULL && i < n_words; i++)
    if (g_str_equal (value, words[i]))
      {
        *index = i;
        return TRUE;
      }

  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s is not one of ours",
               key);
  return FALSE;
}

QuartetCallRecord *
quartet_call_record_load (GKeyFile *file, const char *group, GError **error)
{
  static const char *const directions[] = { "in", "out" };
  static const char *const types[] = { "audio", "video" };
  g_autofree char *direction = g_key_file_get_string (file, group, "direction", NULL);
  g_autofree char *type = g_key_file_get_string (file, group, "type", NULL);
  g_autofree char *outcome = g_key_file_get_string (file, group, "outcome", NULL);
  g_autofree char *started_text = g_key_file_get_string (file, group, "started", NULL);
  g_auto (GStrv) user_ids = g_key_file_get_string_list (file, group, "user-ids", NULL, NULL);
  g_auto (GStrv) names = g_key_file_get_string_list (file, group, "names", NULL, NULL);
  g_autoptr (GDateTime) started = NULL;
  g_autoptr (GError) local_error = NULL;
  guint64 duration;
  guint outgoing, video, how;
  QuartetCallRecord *self;

  if (!parse_word (direction, directions, G_N_ELEMENTS (directions), &outgoing, "direction", error)
      || !parse_word (type, types, G_N_ELEMENTS (types), &video, "type", error)
      || !parse_word (outcome, outcome_words, G_N_ELEMENTS (outcome_words), &how, "outcome", error))
    return NULL;

  duration = g_key_file_get_uint64 (file, group, "duration", &local_error);
  if (local_error != NULL || duration > G_MAXUINT)
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "duration is not a number of seconds");
      return NULL;
    }
  started = started_text ? g_date_time_new_from_iso8601 (started_text, NULL) : NULL;
  if (started == NULL || user_ids == NULL || user_ids[0] == NULL)
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "a time and the people are needed");
      return NULL;
    }
  /* Names are for show: without them the ids will do. */
  if (names == NULL || g_strv_length (names) != g_strv_length (user_ids))
    {
      g_strfreev (names);
      names = g_strdupv (user_ids);
    }

  self = quartet_call_record_new (
      outgoing, video ? QUARTET_CALL_TYPE_VIDEO : QUARTET_CALL_TYPE_AUDIO, how,
      (const char *const *)user_ids, (const char *const *)names, started, duration);
  self->seen = !g_key_file_has_key (file, group, "seen", NULL)
               || g_key_file_get_boolean (file, group, "seen", NULL);
  return self;
}

static void
quartet_call_record_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetCallRecord *self = QUARTET_CALL_RECORD (object);

  switch (prop_id)
    {
    case PROP_SEEN:
      g_value_set_boolean (value, self->seen);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_call_record_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  QuartetCallRecord *self = QUARTET_CALL_RECORD (object);

  switch (prop_id)
    {
    case PROP_SEEN:
      quartet_call_record_set_seen (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_call_record_finalize (GObject *object)
{
  QuartetCallRecord *self = QUARTET_CALL_RECORD (object);

  g_clear_pointer (&self->user_ids, g_strfreev);
  g_clear_pointer (&self->names, g_strfreev);
  g_clear_pointer (&self->started, g_date_time_unref);

  G_OBJECT_CLASS (quartet_call_record_parent_class)->finalize (object);
}

static void
quartet_call_record_class_init (QuartetCallRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = quartet_call_record_get_property;
  object_class->set_property = quartet_call_record_set_property;
  object_class->finalize = quartet_call_record_finalize;

  properties[PROP_SEEN]
      = g_param_spec_boolean ("seen", NULL, NULL, TRUE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quartet_call_record_init (QuartetCallRecord *self)
{
}
