/* quartet-call.h: one call as the window shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "quartet.h"

#include "quartet-call-record.h"

G_BEGIN_DECLS

#define QUARTET_TYPE_CALL (quartet_call_get_type ())
G_DECLARE_FINAL_TYPE (QuartetCall, quartet_call, QUARTET, CALL, GObject)

QuartetCall *quartet_call_new (QuartetCallClient *client,
                               QuartetMedia *media,
                               QuartetCallSession *session,
                               GListModel *roster,
                               const char *self_name,
                               gboolean outgoing);

QuartetCallSession *quartet_call_get_session (QuartetCall *self);
QuartetCallType quartet_call_get_call_type (QuartetCall *self);
/* (element-type QuartetParticipant): ourselves first, then one per remote user. */
GListModel *quartet_call_get_participants (QuartetCall *self);
guint quartet_call_get_duration (QuartetCall *self);
gboolean quartet_call_get_connected (QuartetCall *self);
gboolean quartet_call_get_ended (QuartetCall *self);

gboolean quartet_call_get_audio_muted (QuartetCall *self);
void quartet_call_set_audio_muted (QuartetCall *self, gboolean muted);
gboolean quartet_call_get_video_muted (QuartetCall *self);
void quartet_call_set_video_muted (QuartetCall *self, gboolean muted);

/* Why we send no camera (the Camera portal refused it), on our tile. */
void quartet_call_set_camera_notice (QuartetCall *self, const char *notice);

/* A screen from the ScreenCast portal in place of the camera, for the rest
 * of the call or until stopped (quartet_media_share_screen(); the fd is
 * taken). notify::sharing-screen says when it starts and stops. */
gboolean quartet_call_get_sharing_screen (QuartetCall *self);
gboolean
quartet_call_share_screen (QuartetCall *self, int pipewire_fd, guint32 node, GError **error);
void quartet_call_stop_sharing_screen (QuartetCall *self);

/* What the history keeps of this call, once it has ended. */
QuartetCallRecord *quartet_call_make_record (QuartetCall *self);

gboolean quartet_call_hang_up (QuartetCall *self, GError **error);

/* The roster's name for @user_id, or @user_id itself. */
char *quartet_call_lookup_name (GListModel *roster, const char *user_id);

G_END_DECLS
