/* quartet-signal.c: the QuickBlox WebRTC call signal <-> C struct codec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wire format is docs/protocol.md. What the QuickBlox JavaScript SDK really
 * does (quickblox-javascript-sdk, src/modules/webrtc/, read at bd392461) and
 * how this codec deals with it:
 *
 * - Every signal (call, accept, reject, hangUp, iceCandidates, update) carries
 *   sessionID, callType, callerID (the session initiator) and opponentsIDs, and
 *   platform "web". We require callType and callerID only on call/accept and
 *   opponentsIDs only on call, but check them whenever they are present.
 * - A busy reject is the received call's fields sent back, so it carries the
 *   caller's SDP offer. sdp (and iceCandidates) are read only on the signal
 *   types they belong to and ignored elsewhere; we never send them elsewhere.
 * - userInfo: nested JS objects become nested elements, numbers and booleans
 *   become their text. The JS parser only sees a nested map when it has more
 *   than one child node, so a one-key nested map reaches a JS peer as a string.
 *   Arrays cannot be sent by the JS SDK (their keys are not element names).
 *   call always has userInfo with "bandwidth"; empty userInfo is not sent.
 * - update: the JS app's own fields are sent at the top of extraParams (and
 *   dropped here); the SDK's repair of a broken connection sends
 *   <reason>reconnect</reason> and a nested <sessionDescription> (offerId,
 *   sdp, type), which we read and write (docs/protocol.md, "The update
 *   signal and reconnection").
 * - iceCandidate children are candidate, sdpMid, sdpMLineIndex, exactly the
 *   names of RTCIceCandidateInit. Firefox marks the end of candidates with an
 *   empty candidate string, which the SDK forwards: we drop such entries
 *   instead of failing the whole signal (a signal left with none fails).
 * - opponentID values are parsed with parseInt() by JS peers, so bare-JID
 *   user ids (plain XMPP servers) only interoperate between Quartet clients.
 * - The stanza id is a Mongo ObjectId (24 hex digits); we generate the same
 *   shape: 4 bytes of Unix time, 5 random bytes, a 3-byte counter.
 *
 * Line ends in sdp: libstrophe (and Prosody) serialise "\r" raw instead of as
 * &#13;, and XML parsers turn a raw CR into LF, so SDP usually arrives with
 * LF line ends. SDP must use CRLF (RFC 8866, 5), so parsing turns lone LF or
 * CR back into CRLF, and validation refuses lone ones on the way out: thus
 * from_stanza (to_stanza (s)) == s holds even after a trip through text.
 * Other text fields cannot be repaired that way and may lose CRs in transit.
 */

#define G_LOG_DOMAIN "quartet-signal"

#include <string.h>

#include "quartet-signal-private.h"

#define JSON_SAFE_INTEGER_MAX G_GUINT64_CONSTANT (9007199254740991) /* 2^53 - 1 */
#define MAX_SDP_MID_BYTES 64
#define DESCRIBED_VALUE_BYTES 40

/* clang-format off */
G_DEFINE_QUARK (quartet-signal-error-quark, quartet_signal_error)
/* clang-format on */

G_DEFINE_BOXED_TYPE (QuartetSignal, quartet_signal, quartet_signal_copy, quartet_signal_free)

static const char *const signal_type_names[] = {
  [QUARTET_SIGNAL_TYPE_CALL] = "call",
  [QUARTET_SIGNAL_TYPE_ACCEPT] = "accept",
  [QUARTET_SIGNAL_TYPE_REJECT] = "reject",
  [QUARTET_SIGNAL_TYPE_HANG_UP] = "hangUp",
  [QUARTET_SIGNAL_TYPE_ICE_CANDIDATES] = "iceCandidates",
  [QUARTET_SIGNAL_TYPE_UPDATE] = "update",
};

/* Helpers shared with the other quartet-signal-*.c */

void
_quartet_signal_set_error (
    GError **error, QuartetSignalError code, const char *field, const char *format, ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, QUARTET_SIGNAL_ERROR, code, "Invalid call signal: field '%s' %s", field,
               detail);
}

/* Peer-controlled text goes into log lines: keep it short and printable. */
char *
_quartet_signal_describe_value (const char *value)
{
  g_autofree char *head = g_strndup (value, DESCRIBED_VALUE_BYTES);
  g_autofree char *escaped = g_strescape (head, NULL);

  if (strlen (value) > DESCRIBED_VALUE_BYTES)
    return g_strconcat (escaped, "...", NULL);

  return g_steal_pointer (&escaped);
}

/* Anything we would send must survive an XML 1.0 parser: valid UTF-8 and no
 * characters XML cannot carry. The parser can only give us such text, so the
 * same check on both ways keeps parse and validate in agreement. */
gboolean
_quartet_signal_check_text (const char *field, const char *text, gsize max_bytes, GError **error)
{
  gsize length = strlen (text);

  if (length > max_bytes)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, field,
                                 "is %" G_GSIZE_FORMAT " bytes long, more than %" G_GSIZE_FORMAT,
                                 length, max_bytes);
      return FALSE;
    }

  if (!g_utf8_validate (text, length, NULL))
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, field,
                                 "is not valid UTF-8");
      return FALSE;
    }

  /* Byte by byte, not character by character (this runs over every SDP):
   * in valid UTF-8 a byte below 0x20 is that control character, and
   * U+FFFE and U+FFFF are the only characters encoded EF BF BE and EF BF BF. */
  for (const guchar *p = (const guchar *)text; *p != '\0'; p++)
    {
      gunichar c = 0;

      if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
        c = *p;
      else if (*p == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
        c = p[2] == 0xBE ? 0xFFFE : 0xFFFF;

      if (c != 0)
        {
          _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, field,
                                     "contains the character U+%04X, which XML cannot carry", c);
          return FALSE;
        }
    }

  return TRUE;
}

/* Construction */

const char *
quartet_signal_type_to_string (QuartetSignalType type)
{
  g_return_val_if_fail ((guint)type < G_N_ELEMENTS (signal_type_names), NULL);

  return signal_type_names[type];
}

gboolean
quartet_signal_type_from_string (const char *str, QuartetSignalType *out_type)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (signal_type_names); i++)
    {
      if (g_str_equal (str, signal_type_names[i]))
        {
          if (out_type != NULL)
            *out_type = (QuartetSignalType)i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
ice_candidate_free (QuartetIceCandidate *candidate)
{
  g_free (candidate->sdp_mid);
  g_free (candidate->candidate);
  g_free (candidate);
}

/* Fields empty, platform NULL: also where parsing starts. */
QuartetSignal *
_quartet_signal_alloc (QuartetSignalType type)
{
  QuartetSignal *self = g_new0 (QuartetSignal, 1);

  self->type = type;
  self->opponent_ids = g_ptr_array_new_with_free_func (g_free);
  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify)ice_candidate_free);

  return self;
}

QuartetSignal *
quartet_signal_new (QuartetSignalType type, const char *session_id)
{
  QuartetSignal *self = _quartet_signal_alloc (type);

  self->session_id = session_id ? g_strdup (session_id) : g_uuid_string_random ();
  self->platform = g_strdup (QUARTET_SIGNAL_PLATFORM);

  return self;
}

QuartetSignal *
quartet_signal_copy (const QuartetSignal *self)
{
  QuartetSignal *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = _quartet_signal_alloc (self->type);
  copy->session_id = g_strdup (self->session_id);
  copy->call_type = self->call_type;
  copy->caller_id = g_strdup (self->caller_id);
  copy->sdp = g_strdup (self->sdp);
  copy->platform = g_strdup (self->platform);
  copy->user_info = self->user_info ? g_variant_ref (self->user_info) : NULL;
  copy->reason = g_strdup (self->reason);
  copy->offer_id = g_strdup (self->offer_id);
  copy->sdp_type = g_strdup (self->sdp_type);

  for (guint i = 0; i < self->opponent_ids->len; i++)
    quartet_signal_add_opponent (copy, g_ptr_array_index (self->opponent_ids, i));

  for (guint i = 0; i < self->candidates->len; i++)
    {
      const QuartetIceCandidate *candidate = g_ptr_array_index (self->candidates, i);

      quartet_signal_add_candidate (copy, candidate->sdp_mid, candidate->sdp_mline_index,
                                    candidate->candidate);
    }

  return copy;
}

void
quartet_signal_free (QuartetSignal *self)
{
  if (self == NULL)
    return;

  g_free (self->session_id);
  g_free (self->caller_id);
  g_ptr_array_unref (self->opponent_ids);
  g_free (self->sdp);
  g_free (self->platform);
  g_clear_pointer (&self->user_info, g_variant_unref);
  g_ptr_array_unref (self->candidates);
  g_free (self->reason);
  g_free (self->offer_id);
  g_free (self->sdp_type);
  g_free (self);
}

void
quartet_signal_add_opponent (QuartetSignal *self, const char *user_id)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (user_id != NULL);

  g_ptr_array_add (self->opponent_ids, g_strdup (user_id));
}

void
quartet_signal_add_candidate (QuartetSignal *self,
                              const char *sdp_mid,
                              guint sdp_mline_index,
                              const char *candidate)
{
  QuartetIceCandidate *entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (candidate != NULL);

  entry = g_new0 (QuartetIceCandidate, 1);
  entry->sdp_mid = g_strdup (sdp_mid ? sdp_mid : "");
  entry->sdp_mline_index = sdp_mline_index;
  entry->candidate = g_strdup (candidate);
  g_ptr_array_add (self->candidates, entry);
}

/* Validation */

static gboolean
is_session_id (const char *session_id)
{
  for (const char *p = session_id; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_session_id (const char *session_id, GError **error)
{
  g_autofree char *shown = NULL;

  if (session_id == NULL || session_id[0] == '\0')
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "sessionID",
                                 "is missing or empty");
      return FALSE;
    }

  if (strlen (session_id) > QUARTET_SIGNAL_MAX_ID_BYTES)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, "sessionID",
                                 "is longer than %d bytes", QUARTET_SIGNAL_MAX_ID_BYTES);
      return FALSE;
    }

  if (is_session_id (session_id))
    return TRUE;

  shown = _quartet_signal_describe_value (session_id);
  _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sessionID",
                             "has value '%s' with characters outside [A-Za-z0-9._-]", shown);
  return FALSE;
}

/* A QuickBlox id: a decimal without sign or leading zero that a JS number
 * holds exactly. */
static gboolean
is_quickblox_user_id (const char *user_id)
{
  gsize length = strlen (user_id);

  if (length == 0 || length > 16 || user_id[0] == '0')
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (user_id[i]))
        return FALSE;
    }

  return g_ascii_strtoull (user_id, NULL, 10) <= JSON_SAFE_INTEGER_MAX;
}

/* localpart@domain without resource; the localpart excludes the characters
 * RFC 7622 forbids there. */
static gboolean
is_bare_jid (const char *user_id)
{
  const char *at = strchr (user_id, '@');

  if (at == NULL || at == user_id || at[1] == '\0' || strchr (at + 1, '@') != NULL
      || strchr (user_id, '/') != NULL || !g_utf8_validate (user_id, -1, NULL))
    return FALSE;

  for (const char *p = user_id; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c) || c == 0xFFFE || c == 0xFFFF)
        return FALSE;
      if (p < at && c < 0x80 && strchr ("\"&'<>:", (int)c) != NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_user_id (const char *field, const char *user_id, GError **error)
{
  g_autofree char *shown = NULL;

  if (strlen (user_id) > QUARTET_SIGNAL_MAX_ID_BYTES)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, field,
                                 "holds a user id longer than %d bytes",
                                 QUARTET_SIGNAL_MAX_ID_BYTES);
      return FALSE;
    }

  if (is_quickblox_user_id (user_id) || is_bare_jid (user_id))
    return TRUE;

  shown = _quartet_signal_describe_value (user_id);
  _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, field,
                             "has value '%s', which is neither a user number nor a bare JID",
                             shown);
  return FALSE;
}

gboolean
_quartet_signal_is_call_or_accept (QuartetSignalType type)
{
  return type == QUARTET_SIGNAL_TYPE_CALL || type == QUARTET_SIGNAL_TYPE_ACCEPT;
}

static gboolean
check_call_type (const QuartetSignal *self, GError **error)
{
  if (self->call_type == 0 && _quartet_signal_is_call_or_accept (self->type))
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "callType",
                                 "is missing");
      return FALSE;
    }

  if (self->call_type != 0 && self->call_type != QUARTET_CALL_TYPE_VIDEO
      && self->call_type != QUARTET_CALL_TYPE_AUDIO)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "callType",
                                 "has unknown value '%d'", (int)self->call_type);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_caller_id (const QuartetSignal *self, GError **error)
{
  if (self->caller_id != NULL)
    return check_user_id ("callerID", self->caller_id, error);

  if (_quartet_signal_is_call_or_accept (self->type))
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "callerID",
                                 "is missing");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_opponents (const QuartetSignal *self, GError **error)
{
  GPtrArray *ids = self->opponent_ids;

  if (ids->len > QUARTET_SIGNAL_MAX_OPPONENTS)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, "opponentsIDs",
                                 "lists %u users, more than %d", ids->len,
                                 QUARTET_SIGNAL_MAX_OPPONENTS);
      return FALSE;
    }

  if (ids->len == 0 && self->type == QUARTET_SIGNAL_TYPE_CALL)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "opponentsIDs",
                                 "is missing or empty");
      return FALSE;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);

      if (!check_user_id ("opponentsIDs", id, error))
        return FALSE;

      /* The mesh makes one peer per opponent: a repeated one has no meaning. */
      for (guint j = 0; j < i; j++)
        {
          if (g_str_equal (id, g_ptr_array_index (ids, j)))
            {
              _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "opponentsIDs",
                                         "lists user '%s' twice", id);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* Lone CR or LF, which would not survive the wire (see top of file). */
static gboolean
has_lone_line_break (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r' && p[1] != '\n')
        return TRUE;
      if (*p == '\n' && (p == text || p[-1] != '\r'))
        return TRUE;
    }

  return FALSE;
}

/* An update's sessionDescription: offerId, sdp and type, all or none. */
static gboolean
has_session_description (const QuartetSignal *self)
{
  return self->offer_id != NULL || self->sdp_type != NULL
         || (self->type == QUARTET_SIGNAL_TYPE_UPDATE && self->sdp != NULL);
}

static gboolean
check_update (const QuartetSignal *self, GError **error)
{
  const char *type_name = signal_type_names[self->type];

  if (self->type != QUARTET_SIGNAL_TYPE_UPDATE)
    {
      if (self->reason == NULL && self->offer_id == NULL && self->sdp_type == NULL)
        return TRUE;

      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD,
                                 self->reason != NULL ? "reason" : "sessionDescription",
                                 "does not belong in a '%s' signal", type_name);
      return FALSE;
    }

  if (self->reason != NULL
      && !_quartet_signal_check_text ("reason", self->reason, QUARTET_SIGNAL_MAX_ID_BYTES, error))
    return FALSE;

  if (!has_session_description (self))
    return TRUE;

  if (self->offer_id == NULL || self->sdp_type == NULL || self->sdp == NULL)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_MISSING_FIELD,
                                 self->offer_id == NULL   ? "offerId"
                                 : self->sdp_type == NULL ? "type"
                                                          : "sdp",
                                 "is missing from a sessionDescription");
      return FALSE;
    }

  if (!_quartet_signal_check_text ("offerId", self->offer_id, QUARTET_SIGNAL_MAX_ID_BYTES, error))
    return FALSE;

  if (g_strcmp0 (self->sdp_type, "offer") != 0 && g_strcmp0 (self->sdp_type, "answer") != 0)
    {
      g_autofree char *shown = _quartet_signal_describe_value (self->sdp_type);

      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "type",
                                 "has value '%s', not 'offer' or 'answer'", shown);
      return FALSE;
    }

  return TRUE;
}

static gboolean
sdp_belongs (const QuartetSignal *self)
{
  return _quartet_signal_is_call_or_accept (self->type) || has_session_description (self);
}

static gboolean
check_sdp (const QuartetSignal *self, GError **error)
{
  const char *type_name = signal_type_names[self->type];

  if (self->sdp == NULL)
    {
      if (!_quartet_signal_is_call_or_accept (self->type))
        return TRUE;

      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "sdp",
                                 "is missing from a '%s' signal", type_name);
      return FALSE;
    }

  if (!sdp_belongs (self))
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdp",
                                 "does not belong in a '%s' signal", type_name);
      return FALSE;
    }

  if (!_quartet_signal_check_text ("sdp", self->sdp, QUARTET_SIGNAL_MAX_SDP_BYTES, error))
    return FALSE;

  if (!g_str_has_prefix (self->sdp, "v=0"))
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdp",
                                 "does not start with 'v=0'");
      return FALSE;
    }

  if (has_lone_line_break (self->sdp))
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdp",
                                 "has a line break other than CRLF");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_candidate (const QuartetIceCandidate *candidate, GError **error)
{
  if (candidate->sdp_mline_index > _QUARTET_SIGNAL_MAX_SDP_MLINE_INDEX)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdpMLineIndex",
                                 "has value '%u', more than %d", candidate->sdp_mline_index,
                                 _QUARTET_SIGNAL_MAX_SDP_MLINE_INDEX);
      return FALSE;
    }

  if (candidate->sdp_mid != NULL
      && !_quartet_signal_check_text ("sdpMid", candidate->sdp_mid, MAX_SDP_MID_BYTES, error))
    return FALSE;

  if (candidate->candidate == NULL || candidate->candidate[0] == '\0')
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "candidate",
                                 "is empty");
      return FALSE;
    }

  return _quartet_signal_check_text ("candidate", candidate->candidate,
                                     QUARTET_SIGNAL_MAX_CANDIDATE_BYTES, error);
}

static gboolean
check_candidates (const QuartetSignal *self, GError **error)
{
  GPtrArray *candidates = self->candidates;

  if (self->type != QUARTET_SIGNAL_TYPE_ICE_CANDIDATES)
    {
      if (candidates->len == 0)
        return TRUE;

      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "iceCandidates",
                                 "does not belong in a '%s' signal", signal_type_names[self->type]);
      return FALSE;
    }

  if (candidates->len == 0)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "iceCandidates",
                                 "is missing or empty");
      return FALSE;
    }

  if (candidates->len > QUARTET_SIGNAL_MAX_CANDIDATES)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, "iceCandidates",
                                 "lists %u candidates, more than %d", candidates->len,
                                 QUARTET_SIGNAL_MAX_CANDIDATES);
      return FALSE;
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      if (!check_candidate (g_ptr_array_index (candidates, i), error))
        return FALSE;
    }

  return TRUE;
}

gboolean
quartet_signal_validate (const QuartetSignal *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->opponent_ids != NULL && self->candidates != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((guint)self->type >= G_N_ELEMENTS (signal_type_names))
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "signalType",
                                 "has unknown value '%d'", (int)self->type);
      return FALSE;
    }

  return check_session_id (self->session_id, error) && check_call_type (self, error)
         && check_caller_id (self, error) && check_opponents (self, error)
         && check_update (self, error) && check_sdp (self, error)
         && (self->platform == NULL
             || _quartet_signal_check_text ("platform", self->platform, QUARTET_SIGNAL_MAX_ID_BYTES,
                                            error))
         && (self->user_info == NULL || _quartet_signal_user_info_validate (self->user_info, error))
         && check_candidates (self, error);
}

/* JSON */

static void
add_string_member (JsonBuilder *builder, const char *name, const char *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_candidates_member (JsonBuilder *builder, GPtrArray *candidates)
{
  json_builder_set_member_name (builder, "iceCandidates");
  json_builder_begin_array (builder);
  for (guint i = 0; i < candidates->len; i++)
    {
      const QuartetIceCandidate *candidate = g_ptr_array_index (candidates, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "sdpMLineIndex");
      json_builder_add_int_value (builder, candidate->sdp_mline_index);
      add_string_member (builder, "sdpMid", candidate->sdp_mid ? candidate->sdp_mid : "");
      add_string_member (builder, "candidate", candidate->candidate);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

JsonNode *
quartet_signal_to_json (const QuartetSignal *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "signalType", quartet_signal_type_to_string (self->type));
  add_string_member (builder, "sessionID", self->session_id);
  if (self->call_type != 0)
    {
      json_builder_set_member_name (builder, "callType");
      json_builder_add_int_value (builder, self->call_type);
    }
  add_string_member (builder, "callerID", self->caller_id);
  if (self->opponent_ids->len > 0)
    {
      json_builder_set_member_name (builder, "opponentsIDs");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->opponent_ids->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (self->opponent_ids, i));
      json_builder_end_array (builder);
    }
  if (self->offer_id != NULL)
    {
      json_builder_set_member_name (builder, "sessionDescription");
      json_builder_begin_object (builder);
      add_string_member (builder, "offerId", self->offer_id);
      add_string_member (builder, "sdp", self->sdp);
      add_string_member (builder, "type", self->sdp_type);
      json_builder_end_object (builder);
    }
  else
    {
      add_string_member (builder, "sdp", self->sdp);
    }
  add_string_member (builder, "reason", self->reason);
  add_string_member (builder, "platform", self->platform);
  if (self->user_info != NULL && g_variant_n_children (self->user_info) > 0)
    {
      json_builder_set_member_name (builder, "userInfo");
      json_builder_add_value (builder, json_gvariant_serialize (self->user_info));
    }
  if (self->candidates->len > 0)
    add_candidates_member (builder, self->candidates);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
