/* quartet-signal-stanza.c: call signals to and from <message> stanzas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only libstrophe's stanza API writes and reads the XML, so escaping is never
 * ours to get wrong. quartet-signal.c tells how the format relates to what
 * the QuickBlox JS SDK sends.
 */

#define G_LOG_DOMAIN "quartet-signal"

#include <string.h>

#include "quartet-signal-private.h"

/* Children of <extraParams> that may appear at most once. */
enum
{
  FIELD_MODULE_IDENTIFIER,
  FIELD_SIGNAL_TYPE,
  FIELD_SESSION_ID,
  FIELD_CALL_TYPE,
  FIELD_CALLER_ID,
  FIELD_OPPONENTS_IDS,
  FIELD_SDP,
  FIELD_PLATFORM,
  FIELD_USER_INFO,
  FIELD_ICE_CANDIDATES,
  FIELD_REASON,
  FIELD_SESSION_DESCRIPTION,
  N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
  "moduleIdentifier", "signalType",    "sessionID", "callType",
  "callerID",         "opponentsIDs",  "sdp",       "platform",
  "userInfo",         "iceCandidates", "reason",    "sessionDescription",
};

enum
{
  DESCRIPTION_OFFER_ID,
  DESCRIPTION_SDP,
  DESCRIPTION_TYPE,
  N_DESCRIPTION_FIELDS
};

static const char *const description_field_names[N_DESCRIPTION_FIELDS] = {
  "offerId",
  "sdp",
  "type",
};

enum
{
  CANDIDATE_SDP_MLINE_INDEX,
  CANDIDATE_SDP_MID,
  CANDIDATE_CANDIDATE,
  N_CANDIDATE_FIELDS
};

static const char *const candidate_field_names[N_CANDIDATE_FIELDS] = {
  "sdpMLineIndex",
  "sdpMid",
  "candidate",
};

/* libstrophe only fails to allocate when malloc() does; treat that the way
 * g_malloc() does. */
xmpp_stanza_t *
_quartet_signal_new_element (xmpp_ctx_t *ctx, const char *name)
{
  xmpp_stanza_t *element = xmpp_stanza_new (ctx);

  if (element == NULL || xmpp_stanza_set_name (element, name) != XMPP_EOK)
    g_error ("Out of memory building a call signal stanza");

  return element;
}

/* Takes ownership of @child. */
void
_quartet_signal_append_element (xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
  if (xmpp_stanza_add_child_ex (parent, child, 0) != XMPP_EOK)
    g_error ("Out of memory building a call signal stanza");
}

void
_quartet_signal_append_text_element (xmpp_stanza_t *parent, const char *name, const char *text)
{
  xmpp_ctx_t *ctx = xmpp_stanza_get_context (parent);
  xmpp_stanza_t *element = _quartet_signal_new_element (ctx, name);

  /* An empty element reads back as "", so no empty text node is needed. */
  if (text[0] != '\0')
    {
      xmpp_stanza_t *text_node = xmpp_stanza_new (ctx);

      if (text_node == NULL || xmpp_stanza_set_text (text_node, text) != XMPP_EOK)
        g_error ("Out of memory building a call signal stanza");
      _quartet_signal_append_element (element, text_node);
    }

  _quartet_signal_append_element (parent, element);
}

gboolean
_quartet_signal_has_element_children (xmpp_stanza_t *element)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (element); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      if (xmpp_stanza_is_tag (child))
        return TRUE;
    }

  return FALSE;
}

/* The element's own text: its text children joined, child elements skipped. */
char *
_quartet_signal_element_text (xmpp_stanza_t *element)
{
  GString *text = g_string_new (NULL);

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (element); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      if (xmpp_stanza_is_text (child))
        g_string_append (text, xmpp_stanza_get_text_ptr (child));
    }

  return g_string_free (text, FALSE);
}

/* Building */

static char *
generate_stanza_id (void)
{
  static gint counter;
  guint32 seconds = (guint32)(g_get_real_time () / G_USEC_PER_SEC);
  guint32 count = (guint32)g_atomic_int_add (&counter, 1) & 0xffffff;

  return g_strdup_printf ("%08x%08x%02x%06x", seconds, g_random_int (),
                          (guint)g_random_int_range (0, 256), count);
}

static void
append_opponents (const QuartetSignal *self, xmpp_stanza_t *extra_params)
{
  xmpp_stanza_t *list;

  if (self->opponent_ids->len == 0)
    return;

  list = _quartet_signal_new_element (xmpp_stanza_get_context (extra_params), "opponentsIDs");
  for (guint i = 0; i < self->opponent_ids->len; i++)
    _quartet_signal_append_text_element (list, "opponentID",
                                         g_ptr_array_index (self->opponent_ids, i));
  _quartet_signal_append_element (extra_params, list);
}

static void
append_candidates (const QuartetSignal *self, xmpp_stanza_t *extra_params)
{
  xmpp_ctx_t *ctx = xmpp_stanza_get_context (extra_params);
  xmpp_stanza_t *list;

  if (self->candidates->len == 0)
    return;

  list = _quartet_signal_new_element (ctx, "iceCandidates");
  for (guint i = 0; i < self->candidates->len; i++)
    {
      const QuartetIceCandidate *candidate = g_ptr_array_index (self->candidates, i);
      xmpp_stanza_t *entry = _quartet_signal_new_element (ctx, "iceCandidate");
      char index[16];

      g_snprintf (index, sizeof index, "%u", candidate->sdp_mline_index);
      _quartet_signal_append_text_element (entry, "sdpMLineIndex", index);
      _quartet_signal_append_text_element (entry, "sdpMid",
                                           candidate->sdp_mid ? candidate->sdp_mid : "");
      _quartet_signal_append_text_element (entry, "candidate", candidate->candidate);
      _quartet_signal_append_element (list, entry);
    }
  _quartet_signal_append_element (extra_params, list);
}

/* In the JS SDK's order: offerId, sdp, type. */
static void
append_session_description (const QuartetSignal *self, xmpp_stanza_t *extra_params)
{
  xmpp_stanza_t *description
      = _quartet_signal_new_element (xmpp_stanza_get_context (extra_params), "sessionDescription");

  _quartet_signal_append_text_element (description, "offerId", self->offer_id);
  _quartet_signal_append_text_element (description, "sdp", self->sdp);
  _quartet_signal_append_text_element (description, "type", self->sdp_type);
  _quartet_signal_append_element (extra_params, description);
}

static xmpp_stanza_t *
build_extra_params (const QuartetSignal *self, xmpp_ctx_t *ctx)
{
  xmpp_stanza_t *extra_params = _quartet_signal_new_element (ctx, "extraParams");

  xmpp_stanza_set_ns (extra_params, "jabber:client");
  _quartet_signal_append_text_element (extra_params, "moduleIdentifier",
                                       QUARTET_SIGNAL_MODULE_IDENTIFIER);
  _quartet_signal_append_text_element (extra_params, "signalType",
                                       quartet_signal_type_to_string (self->type));
  _quartet_signal_append_text_element (extra_params, "sessionID", self->session_id);

  if (self->call_type != 0)
    _quartet_signal_append_text_element (extra_params, "callType",
                                         self->call_type == QUARTET_CALL_TYPE_VIDEO ? "1" : "2");
  if (self->caller_id != NULL)
    _quartet_signal_append_text_element (extra_params, "callerID", self->caller_id);
  append_opponents (self, extra_params);
  if (self->offer_id != NULL)
    append_session_description (self, extra_params);
  else if (self->sdp != NULL)
    _quartet_signal_append_text_element (extra_params, "sdp", self->sdp);
  if (self->reason != NULL)
    _quartet_signal_append_text_element (extra_params, "reason", self->reason);
  if (self->platform != NULL)
    _quartet_signal_append_text_element (extra_params, "platform", self->platform);
  if (self->user_info != NULL)
    _quartet_signal_user_info_append (self->user_info, extra_params);
  append_candidates (self, extra_params);

  return extra_params;
}

/* @to may be NULL to leave the addressing to the caller. */
xmpp_stanza_t *
quartet_signal_to_stanza (
    const QuartetSignal *self, xmpp_ctx_t *ctx, const char *to, const char *id, GError **error)
{
  g_autofree char *generated_id = NULL;
  xmpp_stanza_t *message;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!quartet_signal_validate (self, error))
    return NULL;

  if (id == NULL)
    id = generated_id = generate_stanza_id ();

  message = _quartet_signal_new_element (ctx, "message");
  xmpp_stanza_set_type (message, "headline");
  if (to != NULL)
    xmpp_stanza_set_to (message, to);
  xmpp_stanza_set_id (message, id);
  _quartet_signal_append_element (message, build_extra_params (self, ctx));

  return message;
}

/* Parsing */

/* Finds the children named in @names, refusing any that appears twice. Other
 * children are left for future versions of the protocol. */
static gboolean
collect_fields (xmpp_stanza_t *parent,
                const char *const *names,
                guint n_names,
                xmpp_stanza_t **slots,
                GError **error)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (parent); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      const char *name = xmpp_stanza_get_name (child);

      if (!xmpp_stanza_is_tag (child))
        continue;

      for (guint i = 0; i < n_names; i++)
        {
          if (!g_str_equal (name, names[i]))
            continue;

          if (slots[i] != NULL)
            {
              _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, names[i],
                                         "appears more than once");
              return FALSE;
            }
          slots[i] = child;
        }
    }

  return TRUE;
}

static guint
count_children_named (xmpp_stanza_t *parent, const char *name)
{
  guint count = 0;

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (parent); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      if (xmpp_stanza_is_tag (child) && g_str_equal (xmpp_stanza_get_name (child), name))
        count++;
    }

  return count;
}

static xmpp_stanza_t *
find_call_signal_payload (xmpp_stanza_t *message, GError **error)
{
  const char *name = xmpp_stanza_get_name (message);
  xmpp_stanza_t *extra_params;
  xmpp_stanza_t *module_identifier;
  g_autofree char *module = NULL;

  if (!xmpp_stanza_is_tag (message) || !g_str_equal (name, "message"))
    {
      g_set_error (error, QUARTET_SIGNAL_ERROR, QUARTET_SIGNAL_ERROR_NOT_A_SIGNAL,
                   "Not a call signal: stanza is not a <message>");
      return NULL;
    }

  extra_params = xmpp_stanza_get_child_by_name_and_ns (message, "extraParams", "jabber:client");
  module_identifier
      = extra_params ? xmpp_stanza_get_child_by_name (extra_params, "moduleIdentifier") : NULL;
  if (module_identifier != NULL)
    module = _quartet_signal_element_text (module_identifier);

  if (g_strcmp0 (module, QUARTET_SIGNAL_MODULE_IDENTIFIER) != 0)
    {
      g_set_error (error, QUARTET_SIGNAL_ERROR, QUARTET_SIGNAL_ERROR_NOT_A_SIGNAL,
                   "Not a call signal: no extraParams with moduleIdentifier '%s'",
                   QUARTET_SIGNAL_MODULE_IDENTIFIER);
      return NULL;
    }

  if (count_children_named (message, "extraParams") > 1)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "extraParams",
                                 "appears more than once");
      return NULL;
    }

  return extra_params;
}

static gboolean
read_signal_type (xmpp_stanza_t *element, QuartetSignalType *out_type, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;

  if (element == NULL)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "signalType",
                                 "is missing");
      return FALSE;
    }

  text = _quartet_signal_element_text (element);
  if (quartet_signal_type_from_string (text, out_type))
    return TRUE;

  shown = _quartet_signal_describe_value (text);
  _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "signalType",
                             "has unknown value '%s'", shown);
  return FALSE;
}

static gboolean
read_call_type (xmpp_stanza_t *element, QuartetCallType *out_call_type, GError **error)
{
  g_autofree char *text = _quartet_signal_element_text (element);
  g_autofree char *shown = NULL;

  if (g_str_equal (text, "1") || g_str_equal (text, "2"))
    {
      *out_call_type = text[0] == '1' ? QUARTET_CALL_TYPE_VIDEO : QUARTET_CALL_TYPE_AUDIO;
      return TRUE;
    }

  shown = _quartet_signal_describe_value (text);
  _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "callType",
                             "has unknown value '%s'", shown);
  return FALSE;
}

static gboolean
read_opponents (xmpp_stanza_t *element, QuartetSignal *self, GError **error)
{
  /* Counted first so a flood of ids costs nothing. */
  guint count = count_children_named (element, "opponentID");

  if (count > QUARTET_SIGNAL_MAX_OPPONENTS)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, "opponentsIDs",
                                 "lists %u users, more than %d", count,
                                 QUARTET_SIGNAL_MAX_OPPONENTS);
      return FALSE;
    }

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (element); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      if (xmpp_stanza_is_tag (child) && g_str_equal (xmpp_stanza_get_name (child), "opponentID"))
        g_ptr_array_add (self->opponent_ids, _quartet_signal_element_text (child));
    }

  return TRUE;
}

/* CRLF after every line, whatever the wire made of the line ends. */
static char *
normalize_line_breaks (const char *text)
{
  GString *normalized = g_string_sized_new (strlen (text) + 64);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r' || *p == '\n')
        {
          g_string_append (normalized, "\r\n");
          if (p[0] == '\r' && p[1] == '\n')
            p++;
        }
      else
        {
          g_string_append_c (normalized, *p);
        }
    }

  return g_string_free (normalized, FALSE);
}

static gboolean
read_sdp (xmpp_stanza_t *element, QuartetSignal *self, GError **error)
{
  g_autofree char *text = _quartet_signal_element_text (element);

  /* Refused before normalising, which can only make it longer. */
  if (strlen (text) > QUARTET_SIGNAL_MAX_SDP_BYTES)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, "sdp",
                                 "is longer than %d bytes", QUARTET_SIGNAL_MAX_SDP_BYTES);
      return FALSE;
    }

  self->sdp = normalize_line_breaks (text);
  return TRUE;
}

static gboolean
read_sdp_mline_index (xmpp_stanza_t *element, guint *out_index, GError **error)
{
  g_autofree char *text = _quartet_signal_element_text (element);
  g_autofree char *shown = NULL;
  guint64 value = 0;

  if (g_ascii_string_to_unsigned (text, 10, 0, _QUARTET_SIGNAL_MAX_SDP_MLINE_INDEX, &value, NULL))
    {
      *out_index = (guint)value;
      return TRUE;
    }

  shown = _quartet_signal_describe_value (text);
  _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdpMLineIndex",
                             "has value '%s', not a number from 0 to %d", shown,
                             _QUARTET_SIGNAL_MAX_SDP_MLINE_INDEX);
  return FALSE;
}

/* Adds the candidate to @self unless it is an end-of-candidates marker. */
static gboolean
read_candidate (xmpp_stanza_t *element, QuartetSignal *self, GError **error)
{
  xmpp_stanza_t *fields[N_CANDIDATE_FIELDS] = { NULL };
  g_autofree char *sdp_mid = NULL;
  g_autofree char *candidate = NULL;
  guint sdp_mline_index = 0;

  if (!collect_fields (element, candidate_field_names, N_CANDIDATE_FIELDS, fields, error))
    return FALSE;

  for (guint i = 0; i < N_CANDIDATE_FIELDS; i++)
    {
      if (fields[i] == NULL)
        {
          _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_MISSING_FIELD,
                                     candidate_field_names[i], "is missing from an iceCandidate");
          return FALSE;
        }
    }

  if (!read_sdp_mline_index (fields[CANDIDATE_SDP_MLINE_INDEX], &sdp_mline_index, error))
    return FALSE;

  candidate = _quartet_signal_element_text (fields[CANDIDATE_CANDIDATE]);
  if (candidate[0] == '\0')
    return TRUE;

  sdp_mid = _quartet_signal_element_text (fields[CANDIDATE_SDP_MID]);
  quartet_signal_add_candidate (self, sdp_mid, sdp_mline_index, candidate);
  return TRUE;
}

static gboolean
read_candidates (xmpp_stanza_t *element, QuartetSignal *self, GError **error)
{
  guint count = count_children_named (element, "iceCandidate");

  if (count > QUARTET_SIGNAL_MAX_CANDIDATES)
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, "iceCandidates",
                                 "lists %u candidates, more than %d", count,
                                 QUARTET_SIGNAL_MAX_CANDIDATES);
      return FALSE;
    }

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (element); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      if (xmpp_stanza_is_tag (child) && g_str_equal (xmpp_stanza_get_name (child), "iceCandidate")
          && !read_candidate (child, self, error))
        return FALSE;
    }

  return TRUE;
}

/* Fields left out stay NULL, for validation to name. */
static gboolean
read_session_description (xmpp_stanza_t *element, QuartetSignal *self, GError **error)
{
  xmpp_stanza_t *fields[N_DESCRIPTION_FIELDS] = { NULL };

  if (!collect_fields (element, description_field_names, N_DESCRIPTION_FIELDS, fields, error))
    return FALSE;

  if (fields[DESCRIPTION_OFFER_ID] != NULL)
    self->offer_id = _quartet_signal_element_text (fields[DESCRIPTION_OFFER_ID]);
  if (fields[DESCRIPTION_TYPE] != NULL)
    self->sdp_type = _quartet_signal_element_text (fields[DESCRIPTION_TYPE]);
  if (fields[DESCRIPTION_SDP] != NULL)
    return read_sdp (fields[DESCRIPTION_SDP], self, error);

  return TRUE;
}

/* reason and sessionDescription belong to update alone (others ignore them). */
static gboolean
read_update_fields (xmpp_stanza_t **fields, QuartetSignal *self, GError **error)
{
  if (self->type != QUARTET_SIGNAL_TYPE_UPDATE)
    return TRUE;

  if (fields[FIELD_REASON] != NULL)
    self->reason = _quartet_signal_element_text (fields[FIELD_REASON]);
  if (fields[FIELD_SESSION_DESCRIPTION] != NULL)
    return read_session_description (fields[FIELD_SESSION_DESCRIPTION], self, error);

  return TRUE;
}

static gboolean
read_fields (xmpp_stanza_t **fields, QuartetSignal *self, GError **error)
{
  if (fields[FIELD_SESSION_ID] != NULL)
    self->session_id = _quartet_signal_element_text (fields[FIELD_SESSION_ID]);
  if (fields[FIELD_CALL_TYPE] != NULL
      && !read_call_type (fields[FIELD_CALL_TYPE], &self->call_type, error))
    return FALSE;
  if (fields[FIELD_CALLER_ID] != NULL)
    self->caller_id = _quartet_signal_element_text (fields[FIELD_CALLER_ID]);
  if (fields[FIELD_OPPONENTS_IDS] != NULL
      && !read_opponents (fields[FIELD_OPPONENTS_IDS], self, error))
    return FALSE;
  if (fields[FIELD_SDP] != NULL && _quartet_signal_is_call_or_accept (self->type)
      && !read_sdp (fields[FIELD_SDP], self, error))
    return FALSE;
  if (fields[FIELD_PLATFORM] != NULL)
    self->platform = _quartet_signal_element_text (fields[FIELD_PLATFORM]);
  if (fields[FIELD_USER_INFO] != NULL
      && !_quartet_signal_user_info_parse (fields[FIELD_USER_INFO], &self->user_info, error))
    return FALSE;
  if (fields[FIELD_ICE_CANDIDATES] != NULL && self->type == QUARTET_SIGNAL_TYPE_ICE_CANDIDATES
      && !read_candidates (fields[FIELD_ICE_CANDIDATES], self, error))
    return FALSE;

  return read_update_fields (fields, self, error);
}

/* Reading only gathers the fields; quartet_signal_validate() then applies the
 * very rules used before sending, so both directions accept the same set. */
QuartetSignal *
quartet_signal_from_stanza (xmpp_stanza_t *message, GError **error)
{
  xmpp_stanza_t *fields[N_FIELDS] = { NULL };
  g_autoptr (QuartetSignal) self = NULL;
  xmpp_stanza_t *extra_params;
  QuartetSignalType type;

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  extra_params = find_call_signal_payload (message, error);
  if (extra_params == NULL)
    return NULL;

  if (!collect_fields (extra_params, field_names, N_FIELDS, fields, error)
      || !read_signal_type (fields[FIELD_SIGNAL_TYPE], &type, error))
    return NULL;

  self = _quartet_signal_alloc (type);
  if (!read_fields (fields, self, error) || !quartet_signal_validate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}
