/* quartet-cli-call.h: quartet-cli's calls, through QuartetCallClient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-cli-output.h"
#include "quartet.h"

G_BEGIN_DECLS

typedef struct
{
  char *video;
  gboolean video_commands; /* read video sources from stdin */
  gboolean camera_portal;  /* cameras through the Camera portal */
  char *audio;
  gboolean encode_per_peer;
  gboolean no_voice_processing;
  gboolean no_echo_cancellation;
  gboolean muted;
  gboolean hear_onsets;
  char *record_audio; /* a WAV file instead of the speaker */
  char *talk;
  int room;
  double answer_timeout;
  double dialing_interval;
  double disconnect_timeout;
  double repair_delay;
  int bandwidth; /* kbit/s of video each way, 0: no limit */
  char **stun;
  char *turn;
  char *turn_user;
  char *turn_password;
  gboolean relay_only;
  int auto_answer_ms; /* -1: do not answer */
  gboolean reject;
  double duration;
  gboolean audio_only;
  gboolean frame_latency;
  gboolean send_update; /* once connected, an update with user_info */
  int repeat; /* call: place the call this many times, one after the other */
  GVariant *user_info; /* --user-info, set by quartet-cli.c: for call, accept, reject, hangUp */
} QuartetCliCallOptions;

void quartet_cli_call_options_clear (QuartetCliCallOptions *options);
GOptionGroup *quartet_cli_call_option_group (QuartetCliCallOptions *options);

typedef struct _QuartetCliCall QuartetCliCall;

/* Called once a `call` command is over, with its exit code. */
typedef void (*QuartetCliCallDone) (int exit_code, gpointer user_data);

/* @discovered_ice_servers: from the XMPP server, used when the options
 * name no STUN or TURN server. */
QuartetCliCall *quartet_cli_call_new (const QuartetCliCallOptions *options,
                                      const char *const *discovered_ice_servers,
                                      QuartetXmppConnection *connection,
                                      QuartetCliOutput *output,
                                      QuartetCliCallDone done,
                                      gpointer user_data);
void quartet_cli_call_free (QuartetCliCall *self);

gboolean quartet_cli_call_listen (QuartetCliCall *self, GError **error);
gboolean quartet_cli_call_place (QuartetCliCall *self, const char *const *users, GError **error);
void quartet_cli_call_release (QuartetCliCall *self);

G_END_DECLS
