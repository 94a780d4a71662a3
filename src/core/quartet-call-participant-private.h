/* quartet-call-participant-private.h: what a session drives its participants with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The instance struct is shared with quartet-call-session.c, which reads
 * the participant's identity and progress directly; the app sees only the
 * properties of quartet-call-participant.h.
 */
#pragma once

#include "quartet-call-participant.h"
#include "quartet-call-session.h"
#include "quartet-signal.h"

G_BEGIN_DECLS

/* What a participant asks of its session; all on the main thread. */
typedef struct
{
  void (*send) (QuartetCallParticipant *participant,
                const QuartetSignal *signal,
                gpointer user_data);
  void (*offer) (QuartetCallParticipant *participant, const char *sdp, gpointer user_data);
  void (*answer) (QuartetCallParticipant *participant, const char *sdp, gpointer user_data);
  void (*candidate) (QuartetCallParticipant *participant,
                     const char *sdp_mid,
                     guint sdp_mline_index,
                     const char *candidate,
                     gpointer user_data);
  void (*state) (QuartetCallParticipant *participant, QuartetPeerState state, gpointer user_data);
  void (*video) (QuartetCallParticipant *participant, gpointer user_data);
  void (*not_answered) (QuartetCallParticipant *participant, gpointer user_data);
  /* The reconnect protocol: time to offer anew (the session answers with
   * _quartet_call_participant_restart()); a description of a repair to send
   * in an `update`; and the repair's progress. */
  void (*repair) (QuartetCallParticipant *participant, gpointer user_data);
  void (*update) (QuartetCallParticipant *participant,
                  const char *type,
                  const char *sdp,
                  const char *offer_id,
                  gpointer user_data);
  void (*reconnect) (QuartetCallParticipant *participant,
                     QuartetReconnectState state,
                     gpointer user_data);
} QuartetCallParticipantEvents;

struct _QuartetCallParticipant
{
  GObject parent_instance;

  char *user_id;
  char *jid;
  QuartetPeer *peer;      /* NULL until we offer or answer */
  char *pending_offer;    /* their offer, until we answer it */
  gboolean gone;          /* left, rejected, not answered or closed */
  char *repair_offer_id;  /* our repair offer, until its answer comes */
  gint64 repair_offer_us; /* when we made it (monotonic) */

  /*< private >*/
  const QuartetCallParticipantEvents *events;
  gpointer user_data;
  guint disconnect_timeout_ms;
  guint repair_delay_ms;
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
  gboolean connected_once;     /* only a call that worked is repaired */
  gboolean reconnecting;       /* RECONNECTING reported, the outcome not yet */
  guint repair_id;             /* the wait before we rebuild the connection */
  gboolean repair_awaits_up;   /* repair_id waits for a rebuilt, answered one */
  char *answering_offer_id;    /* their repair offer, until we answer it */
  QuartetPeer *retired;        /* the peer a repair replaced, until the new one is up */
  QuartetPeerState peer_state; /* as last reported to the session */
  gboolean receiving_video;
  QuartetVoiceActivity voice;
};

QuartetCallParticipant *_quartet_call_participant_new (const char *user_id,
                                                       const char *jid,
                                                       guint disconnect_timeout_ms,
                                                       guint repair_delay_ms,
                                                       const QuartetCallParticipantEvents *events,
                                                       gpointer user_data);

void _quartet_call_participant_offer (QuartetCallParticipant *self, QuartetPeer *peer);
gboolean
_quartet_call_participant_answer (QuartetCallParticipant *self, QuartetPeer *peer, GError **error);
void _quartet_call_participant_start_dialing (QuartetCallParticipant *self,
                                              const QuartetSignal *call,
                                              guint interval_ms,
                                              guint answer_timeout_ms);
gboolean _quartet_call_participant_take_answer (QuartetCallParticipant *self,
                                                const char *sdp,
                                                GError **error);
void _quartet_call_participant_add_remote_candidate (QuartetCallParticipant *self,
                                                     guint sdp_mline_index,
                                                     const char *candidate);
void _quartet_call_participant_restart (QuartetCallParticipant *self, QuartetPeer *peer);
gboolean _quartet_call_participant_awaits_repair_answer (QuartetCallParticipant *self);
gboolean _quartet_call_participant_take_repair_offer (QuartetCallParticipant *self,
                                                      QuartetPeer *peer,
                                                      const char *offer_id,
                                                      const char *sdp,
                                                      GError **error);
gboolean _quartet_call_participant_take_repair_answer (QuartetCallParticipant *self,
                                                       const char *offer_id,
                                                       const char *sdp,
                                                       GError **error);
void _quartet_call_participant_leave (QuartetCallParticipant *self);
/* Reads how loud they are now (a session does, a few times a second). */
void _quartet_call_participant_update_voice (QuartetCallParticipant *self, gint64 now_us);
void _quartet_call_participant_report_closed (QuartetCallParticipant *self);

G_END_DECLS
