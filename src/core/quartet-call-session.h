/* quartet-call-session.h: one call, its participants and its state machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "quartet-call-participant.h"
#include "quartet-media.h"
#include "quartet-peer.h"
#include "quartet-signal.h"
#include "quartet-xmpp-connection.h"

G_BEGIN_DECLS

typedef enum
{
  QUARTET_CALL_SESSION_STATE_NEW,       /* created, nothing sent or answered yet */
  QUARTET_CALL_SESSION_STATE_DIALING,   /* we called; waiting for the others to answer */
  QUARTET_CALL_SESSION_STATE_RINGING,   /* we were called; waiting for accept or reject */
  QUARTET_CALL_SESSION_STATE_ACTIVE,    /* at least one peer accepted */
  QUARTET_CALL_SESSION_STATE_ENDED,     /* CALL_END was emitted */
} QuartetCallSessionState;

/* The reconnect protocol's progress for one remote user (the SDK's
 * onReconnectListener): RECONNECTING when their connection broke, then
 * RECONNECTED or FAILED (CLOSED follows FAILED). */
typedef enum
{
  QUARTET_RECONNECT_STATE_RECONNECTING,
  QUARTET_RECONNECT_STATE_RECONNECTED,
  QUARTET_RECONNECT_STATE_FAILED,
} QuartetReconnectState;

/* The timers of docs/protocol.md (Call flow), in milliseconds: the SDKs'
 * defaults, which QuartetCallClient's properties start from. */
#define QUARTET_CALL_DIALING_INTERVAL_MS 5000
#define QUARTET_CALL_ANSWER_TIMEOUT_MS 60000
#define QUARTET_CALL_DISCONNECT_TIMEOUT_MS 30000
/* How long a broken connection may come back by itself before we rebuild
 * it; the JS SDK waits 5 s (ICE_TIMEOUT), a call back sooner is better. */
#define QUARTET_CALL_REPAIR_DELAY_MS 2000

typedef struct
{
  guint dialing_interval_ms;   /* re-send `call` until answered */
  guint answer_timeout_ms;     /* NOT_ANSWER after this long */
  guint disconnect_timeout_ms; /* DISCONNECTED this long -> CLOSED */
  guint repair_delay_ms;       /* broken this long -> rebuild the connection */
  const char *const *ice_servers;
  gboolean relay_only;
  guint bandwidth_kbps; /* the most video a call may carry each way, 0: no limit */
} QuartetCallSettings;

#define QUARTET_TYPE_CALL_SESSION (quartet_call_session_get_type ())
G_DECLARE_FINAL_TYPE (QuartetCallSession, quartet_call_session, QUARTET, CALL_SESSION, GObject)

const char *quartet_call_session_get_id (QuartetCallSession *self);
QuartetCallType quartet_call_session_get_call_type (QuartetCallSession *self);
const char *quartet_call_session_get_initiator (QuartetCallSession *self);
const char *const *quartet_call_session_get_opponents (QuartetCallSession *self);
QuartetCallSessionState quartet_call_session_get_state (QuartetCallSession *self);
gboolean quartet_call_session_is_participant (QuartetCallSession *self, const char *user_id);
GPtrArray *quartet_call_session_get_remote_users (QuartetCallSession *self);
QuartetCallParticipant *quartet_call_session_get_participant (QuartetCallSession *self,
                                                              const char *user_id);
QuartetPeer *quartet_call_session_get_peer (QuartetCallSession *self, const char *user_id);
/* Ours ("audio-level", "speaking"); each participant has its own. */
double quartet_call_session_get_audio_level (QuartetCallSession *self);
gboolean quartet_call_session_get_speaking (QuartetCallSession *self);

G_END_DECLS
