/* quartet-call-participant.h: one remote user of a call session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-peer.h"
#include "quartet-signal.h"

G_BEGIN_DECLS

typedef struct _QuartetParticipant QuartetParticipant;

/* What a participant asks of its session; all on the main thread. */
typedef struct
{
  void (*send) (QuartetParticipant *participant, const QuartetSignal *signal, gpointer user_data);
  void (*offer) (QuartetParticipant *participant, const char *sdp, gpointer user_data);
  void (*answer) (QuartetParticipant *participant, const char *sdp, gpointer user_data);
  void (*candidate) (QuartetParticipant *participant,
                     const char *sdp_mid,
                     guint sdp_mline_index,
                     const char *candidate,
                     gpointer user_data);
  void (*state) (QuartetParticipant *participant, QuartetPeerState state, gpointer user_data);
  void (*video) (QuartetParticipant *participant, gpointer user_data);
  void (*not_answered) (QuartetParticipant *participant, gpointer user_data);
} QuartetParticipantEvents;

struct _QuartetParticipant
{
  char *user_id;
  char *jid;
  QuartetPeer *peer;   /* NULL until we offer or answer */
  char *pending_offer; /* their offer, until we answer it */
  gboolean gone;       /* left, rejected, not answered or closed */

  /*< private >*/
  const QuartetParticipantEvents *events;
  gpointer user_data;
  guint disconnect_timeout_ms;
  char *local_sdp;
  GPtrArray *pending_candidates;
  gboolean remote_description_set;
  QuartetSignal *dialing_call;
  guint dialing_id;
  guint answer_timeout_id;
  guint disconnect_id;
  guint connect_id; /* from the remote description until CONNECTED */
  gboolean had_peer;
  gboolean closed_reported;
};

QuartetParticipant *quartet_participant_new (const char *user_id,
                                             const char *jid,
                                             guint disconnect_timeout_ms,
                                             const QuartetParticipantEvents *events,
                                             gpointer user_data);
void quartet_participant_free (QuartetParticipant *self);

void quartet_participant_offer (QuartetParticipant *self, QuartetPeer *peer);
gboolean quartet_participant_answer (QuartetParticipant *self, QuartetPeer *peer, GError **error);
void quartet_participant_start_dialing (QuartetParticipant *self,
                                        const QuartetSignal *call,
                                        guint interval_ms,
                                        guint answer_timeout_ms);
gboolean quartet_participant_take_answer (QuartetParticipant *self, const char *sdp, GError **error);
void quartet_participant_add_remote_candidate (QuartetParticipant *self,
                                               guint sdp_mline_index,
                                               const char *candidate);
void quartet_participant_leave (QuartetParticipant *self);
void quartet_participant_report_closed (QuartetParticipant *self);

G_END_DECLS
