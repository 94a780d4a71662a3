/* quartet-signal.h: the QuickBlox WebRTC call signal <-> C struct codec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include <strophe.h>

G_BEGIN_DECLS

/* libstrophe has no autoptr support of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmpp_stanza_t, xmpp_stanza_release)

/* Bounds of docs/protocol.md: anything beyond them is an error for that stanza. */
#define QUARTET_SIGNAL_MAX_SDP_BYTES (64 * 1024)
#define QUARTET_SIGNAL_MAX_OPPONENTS 3
#define QUARTET_SIGNAL_MAX_CANDIDATES 64
#define QUARTET_SIGNAL_MAX_ID_BYTES 256
#define QUARTET_SIGNAL_MAX_CANDIDATE_BYTES 1024
#define QUARTET_SIGNAL_MAX_USER_INFO_BYTES (8 * 1024)
#define QUARTET_SIGNAL_MAX_USER_INFO_DEPTH 4

#define QUARTET_SIGNAL_MODULE_IDENTIFIER "WebRTCVideoChat"
#define QUARTET_SIGNAL_PLATFORM "linux"
#define QUARTET_SIGNAL_REASON_RECONNECT "reconnect"

#define QUARTET_SIGNAL_ERROR (quartet_signal_error_quark ())
#define QUARTET_TYPE_SIGNAL (quartet_signal_get_type ())

typedef enum
{
  QUARTET_SIGNAL_ERROR_NOT_A_SIGNAL,  /* no extraParams / other moduleIdentifier: ignore quietly */
  QUARTET_SIGNAL_ERROR_MISSING_FIELD, /* a field the signal type needs is absent */
  QUARTET_SIGNAL_ERROR_INVALID_FIELD, /* a field is present but malformed or unknown */
  QUARTET_SIGNAL_ERROR_TOO_LARGE,     /* a field or list exceeds its bound */
} QuartetSignalError;

typedef enum
{
  QUARTET_SIGNAL_TYPE_CALL,
  QUARTET_SIGNAL_TYPE_ACCEPT,
  QUARTET_SIGNAL_TYPE_REJECT,
  QUARTET_SIGNAL_TYPE_HANG_UP,
  QUARTET_SIGNAL_TYPE_ICE_CANDIDATES,
  QUARTET_SIGNAL_TYPE_UPDATE,
} QuartetSignalType;

typedef enum
{
  QUARTET_CALL_TYPE_VIDEO = 1,
  QUARTET_CALL_TYPE_AUDIO = 2,
} QuartetCallType;

typedef struct
{
  char *sdp_mid;
  guint sdp_mline_index;
  char *candidate;
} QuartetIceCandidate;

typedef struct
{
  QuartetSignalType type;
  char *session_id;          /* required on every signal */
  QuartetCallType call_type; /* 0 when absent (allowed on reject/hangUp/update) */
  char *caller_id;           /* the session initiator's user id, as text */
  GPtrArray *opponent_ids;   /* (element-type utf8), never NULL, may be empty */
  char *sdp;                 /* offer (call), answer (accept), an update's description */
  char *platform;            /* NULL when absent; quartet_signal_new() sets "linux" */
  GVariant *user_info;       /* a{sv} whose values are "s" or nested a{sv}; NULL when absent */
  GPtrArray *candidates;     /* (element-type QuartetIceCandidate), never NULL */
  /* update only (the reconnect protocol, docs/protocol.md): why it was
   * sent, and its sessionDescription, whose sdp is @sdp above. */
  char *reason;   /* "reconnect", or an app's own; NULL when absent */
  char *offer_id; /* NULL without a sessionDescription */
  char *sdp_type; /* "offer" or "answer"; NULL without a sessionDescription */
} QuartetSignal;

GQuark quartet_signal_error_quark (void);
GType quartet_signal_get_type (void) G_GNUC_CONST;

const char *quartet_signal_type_to_string (QuartetSignalType type);
gboolean quartet_signal_type_from_string (const char *str, QuartetSignalType *out_type);

/* @session_id may be NULL for a fresh random UUID. */
QuartetSignal *quartet_signal_new (QuartetSignalType type, const char *session_id);
QuartetSignal *quartet_signal_copy (const QuartetSignal *self);
void quartet_signal_free (QuartetSignal *self);

void quartet_signal_add_opponent (QuartetSignal *self, const char *user_id);
void quartet_signal_add_candidate (QuartetSignal *self,
                                   const char *sdp_mid,
                                   guint sdp_mline_index,
                                   const char *candidate);

/* Validate against the bounds and the per-type required fields. */
gboolean quartet_signal_validate (const QuartetSignal *self, GError **error);

/* Build a <message type="headline"> stanza; NULL with @error if the signal is
 * invalid. @id may be NULL for a freshly generated one. */
xmpp_stanza_t *quartet_signal_to_stanza (const QuartetSignal *self,
                                         xmpp_ctx_t *ctx,
                                         const char *to,
                                         const char *id,
                                         GError **error);

/* Parse a <message> stanza. QUARTET_SIGNAL_ERROR_NOT_A_SIGNAL when it is not a
 * call signal at all; other errors name the offending field. */
QuartetSignal *quartet_signal_from_stanza (xmpp_stanza_t *message, GError **error);

/* The signal as a JSON object (for quartet-cli --json and tests). */
JsonNode *quartet_signal_to_json (const QuartetSignal *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetSignal, quartet_signal_free)

G_END_DECLS
