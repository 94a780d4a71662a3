/* quartet-call-private.h: QuartetCall's fields, for the files that make it up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-call.h"
#include "quartet-participant.h"

G_BEGIN_DECLS

struct _QuartetCall
{
  GObject parent_instance;

  QuartetCallClient *client;
  QuartetMedia *media;
  QuartetCallSession *session;
  GListModel *roster;
  GListStore *participants;
  gboolean outgoing;
  GDateTime *started; /* when it was placed or answered */
  GStrv user_ids;     /* the others when the call began, for the history */
  GStrv names;

  gint64 connected_since_us; /* 0 until a first peer connects */
  guint duration;
  guint timer_id;
  gboolean ended;
  gboolean audio_muted;
  gboolean video_muted;
  gboolean audio_muted_before; /* the media's, when the call began */
  gboolean video_muted_before;
};

/* quartet-call.c */
void _quartet_call_start_timer (QuartetCall *self);
void _quartet_call_report_failure (QuartetCall *self, const char *message);
QuartetParticipant *_quartet_call_get_self (QuartetCall *self);

/* quartet-call-people.c */
void _quartet_call_watch_people (QuartetCall *self, GPtrArray *users);
void _quartet_call_update_statistics (QuartetCall *self);
void _quartet_call_send_media_state (QuartetCall *self);

G_END_DECLS
