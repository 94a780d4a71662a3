/* quartet-call-participant.h: one remote user of a call session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "quartet-peer.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_CALL_PARTICIPANT (quartet_call_participant_get_type ())
G_DECLARE_FINAL_TYPE (
    QuartetCallParticipant, quartet_call_participant, QUARTET, CALL_PARTICIPANT, GObject)

const char *quartet_call_participant_get_user_id (QuartetCallParticipant *self);
const char *quartet_call_participant_get_jid (QuartetCallParticipant *self);
QuartetPeerState quartet_call_participant_get_peer_state (QuartetCallParticipant *self);
QuartetPeer *quartet_call_participant_get_peer (QuartetCallParticipant *self);
gboolean quartet_call_participant_get_receiving_video (QuartetCallParticipant *self);
double quartet_call_participant_get_audio_level (QuartetCallParticipant *self);
gboolean quartet_call_participant_get_speaking (QuartetCallParticipant *self);

G_END_DECLS
