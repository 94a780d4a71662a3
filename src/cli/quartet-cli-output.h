/* quartet-cli-output.h: what quartet-cli prints, as text or one JSON object per line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet.h"
#include "quartet-cli-memory.h"

G_BEGIN_DECLS

typedef struct _QuartetCliOutput QuartetCliOutput;

QuartetCliOutput *quartet_cli_output_new (gboolean json);
void quartet_cli_output_free (QuartetCliOutput *self);
void quartet_cli_output_stop_presence (QuartetCliOutput *self);
void quartet_cli_output_set_call_start (QuartetCliOutput *self, gint64 monotonic_us);

void quartet_cli_output_connected (QuartetCliOutput *self, QuartetXmppConnection *connection);
void quartet_cli_output_roster (QuartetCliOutput *self, GListModel *roster);
void quartet_cli_output_user (QuartetCliOutput *self, QuartetContact *contact);
void quartet_cli_output_signal (QuartetCliOutput *self,
                                const char *from,
                                const QuartetSignal *signal);
void quartet_cli_output_sent (QuartetCliOutput *self, const char *to, const QuartetSignal *signal);
void quartet_cli_output_invalid_signal (QuartetCliOutput *self,
                                        const char *from,
                                        const GError *error);
void quartet_cli_output_disconnected (QuartetCliOutput *self, const GError *error);
void quartet_cli_output_reconnected (QuartetCliOutput *self, QuartetXmppConnection *connection);

void quartet_cli_output_call_event (QuartetCliOutput *self,
                                    const char *event,
                                    QuartetCallSession *session,
                                    const char *user_id,
                                    GVariant *user_info);
void quartet_cli_output_reconnect (QuartetCliOutput *self,
                                   QuartetCallSession *session,
                                   const char *user_id,
                                   QuartetReconnectState state);
void
quartet_cli_output_heard (QuartetCliOutput *self, QuartetCallSession *session, gint64 heard_us);
void quartet_cli_output_speaking (QuartetCliOutput *self,
                                  QuartetCallSession *session,
                                  const char *user_id,
                                  gboolean speaking,
                                  double level);
void quartet_cli_output_peer_state (QuartetCliOutput *self,
                                    QuartetCallSession *session,
                                    const char *user_id,
                                    QuartetPeerState state);
/* @frame: that user's last frame, whose mean colour the line reports. */
void quartet_cli_output_sending (
    QuartetCliOutput *self, QuartetCallSession *session, guint height, guint fps, guint bps);
void quartet_cli_output_stats (QuartetCliOutput *self,
                               QuartetCallSession *session,
                               const char *user_id,
                               const QuartetPeerStats *stats,
                               GstSample *frame);
/* --frame-latency: one received frame's capture-to-decode time. */
void quartet_cli_output_frame_latency (QuartetCliOutput *self,
                                       QuartetCallSession *session,
                                       const char *user_id,
                                       double latency_ms);

/* What the video now sends ("screen", "camera", "pattern:N"), or why it
 * could not (@error: the old source stays). */
void
quartet_cli_output_video_source (QuartetCliOutput *self, const char *source, const GError *error);

/* The Camera portal's answer: granted (@error NULL) or why not. */
void quartet_cli_output_camera_access (QuartetCliOutput *self, const GError *error);

/* SIGUSR1: what the process holds (bench/memory.py). */
void quartet_cli_output_memory (QuartetCliOutput *self, const QuartetCliMemory *memory);

G_END_DECLS
