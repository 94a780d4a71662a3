/* quartet-participant.h: one person in a call, as a tile shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "quartet.h"
#include "quartet-call-quality.h"

G_BEGIN_DECLS

/* What a tile's overlay says; mapped from the session's events by QuartetCall. */
typedef enum
{
  QUARTET_PARTICIPANT_STATE_CALLING,      /* we called them; no answer yet */
  QUARTET_PARTICIPANT_STATE_CONNECTING,   /* answered; ICE/DTLS not up yet */
  QUARTET_PARTICIPANT_STATE_CONNECTED,
  QUARTET_PARTICIPANT_STATE_RECONNECTING, /* the connection dropped; it may come back */
  QUARTET_PARTICIPANT_STATE_FAILED,
} QuartetParticipantState;

#define QUARTET_TYPE_PARTICIPANT (quartet_participant_get_type ())
G_DECLARE_FINAL_TYPE (QuartetParticipant, quartet_participant, QUARTET, PARTICIPANT, GObject)

QuartetParticipant *quartet_participant_new_remote (const char *user_id, const char *name);
QuartetParticipant *quartet_participant_new_self (QuartetMedia *media, const char *name);

const char *quartet_participant_get_user_id (QuartetParticipant *self);
const char *quartet_participant_get_name (QuartetParticipant *self);
gboolean quartet_participant_get_is_self (QuartetParticipant *self);
QuartetParticipantState quartet_participant_get_state (QuartetParticipant *self);
void quartet_participant_set_state (QuartetParticipant *self, QuartetParticipantState state);
gboolean quartet_participant_get_has_video (QuartetParticipant *self);
void quartet_participant_set_has_video (QuartetParticipant *self, gboolean has_video);
gboolean quartet_participant_get_audio_muted (QuartetParticipant *self);
void quartet_participant_set_audio_muted (QuartetParticipant *self, gboolean muted);
gboolean quartet_participant_get_video_muted (QuartetParticipant *self);
void quartet_participant_set_video_muted (QuartetParticipant *self, gboolean muted);
gboolean quartet_participant_get_sharing_screen (QuartetParticipant *self);
const char *quartet_participant_get_notice (QuartetParticipant *self);
void quartet_participant_set_notice (QuartetParticipant *self, const char *notice);
void quartet_participant_set_sharing_screen (QuartetParticipant *self, gboolean sharing);
gboolean quartet_participant_get_speaking (QuartetParticipant *self);
void quartet_participant_set_speaking (QuartetParticipant *self, gboolean speaking);
double quartet_participant_get_audio_level (QuartetParticipant *self);
void quartet_participant_set_audio_level (QuartetParticipant *self, double level);
void quartet_participant_set_peer (QuartetParticipant *self, QuartetPeer *peer);
const char *quartet_participant_get_statistics (QuartetParticipant *self);
QuartetCallQuality quartet_participant_get_quality (QuartetParticipant *self);
void quartet_participant_update_statistics (QuartetParticipant *self);

/* (transfer full) (nullable): the newest frame to show, video/x-raw RGB,
 * at most @width pixels wide (0: as it came). */
GstSample *quartet_participant_get_frame (QuartetParticipant *self, guint width);

G_END_DECLS
