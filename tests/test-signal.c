/* test-signal.c: the QuickBlox call signal codec against docs/protocol.md
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-signal"

#include <string.h>

#include "quartet-signal.h"

static xmpp_ctx_t *ctx;

#define SESSION_ID "0b6e9f8e-7a41-4c1e-9d0a-2f8f6f1c5e11"

/* A short but real-looking offer, CRLF line ends, as GstSDP prints it. */
#define OFFER_SDP                                                                                  \
  "v=0\r\n"                                                                                        \
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"                                                 \
  "s=-\r\n"                                                                                        \
  "t=0 0\r\n"                                                                                      \
  "a=group:BUNDLE 0 1\r\n"                                                                         \
  "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"                                                            \
  "c=IN IP4 0.0.0.0\r\n"                                                                           \
  "a=mid:0\r\n"                                                                                    \
  "a=rtpmap:111 opus/48000/2\r\n"                                                                  \
  "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"                                                             \
  "c=IN IP4 0.0.0.0\r\n"                                                                           \
  "a=mid:1\r\n"                                                                                    \
  "a=rtpmap:96 VP8/90000\r\n"

#define CANDIDATE_1 "candidate:1 1 UDP 2122252543 192.168.1.20 40823 typ host"
#define CANDIDATE_2 "candidate:2 1 UDP 1686052863 203.0.113.7 40823 typ srflx raddr 0.0.0.0 rport 0"
#define CANDIDATE_3 "candidate:3 1 TCP 1518280447 192.168.1.20 9 typ host tcptype active"

/* Helpers */

static QuartetSignal *
parse_xml (const char *xml, GError **error)
{
  g_autoptr (xmpp_stanza_t) stanza = xmpp_stanza_new_from_string (ctx, xml);

  g_assert_nonnull (stanza);
  return quartet_signal_from_stanza (stanza, error);
}

static char *
stanza_to_text (xmpp_stanza_t *stanza)
{
  char *buf = NULL;
  size_t len = 0;
  char *text;

  g_assert_cmpint (xmpp_stanza_to_text (stanza, &buf, &len), ==, XMPP_EOK);
  text = g_strndup (buf, len);
  xmpp_free (ctx, buf);
  return text;
}

/* Through text, as a peer would receive it: serialised, then parsed again. */
static QuartetSignal *
round_trip (const QuartetSignal *signal)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (xmpp_stanza_t) stanza = NULL;
  g_autofree char *text = NULL;
  QuartetSignal *parsed;

  stanza = quartet_signal_to_stanza (signal, ctx, "43-97@chat.example", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stanza);
  text = stanza_to_text (stanza);

  parsed = parse_xml (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  return parsed;
}

static char *
signal_to_json_text (const QuartetSignal *signal)
{
  g_autoptr (JsonNode) node = quartet_signal_to_json (signal);

  return json_to_string (node, FALSE);
}

static void
assert_signals_equal (const QuartetSignal *a, const QuartetSignal *b)
{
  g_autofree char *json_a = signal_to_json_text (a);
  g_autofree char *json_b = signal_to_json_text (b);

  g_assert_cmpstr (json_a, ==, json_b);
  g_assert_cmpint (a->type, ==, b->type);
  g_assert_cmpstr (a->sdp, ==, b->sdp);
  g_assert_cmpuint (a->opponent_ids->len, ==, b->opponent_ids->len);
  g_assert_cmpuint (a->candidates->len, ==, b->candidates->len);
  g_assert_true ((a->user_info == NULL) == (b->user_info == NULL));
  if (a->user_info != NULL)
    g_assert_true (g_variant_equal (a->user_info, b->user_info));
}

static void
assert_error_names_field (GError *error, QuartetSignalError code, const char *field)
{
  g_autofree char *quoted = g_strdup_printf ("field '%s'", field);

  g_assert_error (error, QUARTET_SIGNAL_ERROR, (int)code);
  g_assert_nonnull (g_strstr_len (error->message, -1, quoted));
}

static void
assert_invalid (const QuartetSignal *signal, QuartetSignalError code, const char *field)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) send_error = NULL;
  g_autoptr (xmpp_stanza_t) stanza = NULL;

  g_assert_false (quartet_signal_validate (signal, &error));
  assert_error_names_field (error, code, field);

  /* Nothing invalid may reach the wire. */
  stanza = quartet_signal_to_stanza (signal, ctx, "43-97@chat.example", NULL, &send_error);
  g_assert_null (stanza);
  assert_error_names_field (send_error, code, field);
}

static QuartetSignal *
new_valid_signal (QuartetSignalType type)
{
  QuartetSignal *signal = quartet_signal_new (type, SESSION_ID);

  signal->call_type = QUARTET_CALL_TYPE_VIDEO;
  signal->caller_id = g_strdup ("42");
  quartet_signal_add_opponent (signal, "43");
  quartet_signal_add_opponent (signal, "44");

  if (type == QUARTET_SIGNAL_TYPE_CALL || type == QUARTET_SIGNAL_TYPE_ACCEPT)
    signal->sdp = g_strdup (OFFER_SDP);
  if (type == QUARTET_SIGNAL_TYPE_ICE_CANDIDATES)
    quartet_signal_add_candidate (signal, "0", 0, CANDIDATE_1);
  if (type == QUARTET_SIGNAL_TYPE_UPDATE)
    signal->user_info = g_variant_ref_sink (g_variant_new_parsed ("{'muted': <'audio'>}"));

  return signal;
}

/* The fields of a valid call, as a JS SDK peer sends them; tests swap one. */
static const struct
{
  const char *name;
  const char *xml;
} call_fields[] = {
  { "moduleIdentifier", "<moduleIdentifier>WebRTCVideoChat</moduleIdentifier>" },
  { "signalType", "<signalType>call</signalType>" },
  { "sessionID", "<sessionID>" SESSION_ID "</sessionID>" },
  { "callType", "<callType>1</callType>" },
  { "callerID", "<callerID>42</callerID>" },
  { "opponentsIDs", "<opponentsIDs><opponentID>43</opponentID><opponentID>44</opponentID>"
                    "</opponentsIDs>" },
  { "sdp", "<sdp>v=0&#13;\no=- 1 2 IN IP4 127.0.0.1&#13;\ns=-&#13;\nt=0 0&#13;\n</sdp>" },
  { "platform", "<platform>web</platform>" },
  { "userInfo", "<userInfo><name>Ada</name><bandwidth>0</bandwidth></userInfo>" },
};

/* A call stanza with @field's element replaced by @replacement (NULL drops it). */
static char *
call_xml_replacing (const char *field, const char *replacement)
{
  GString *xml = g_string_new ("<message to='43-97@chat.example' type='headline' id='1'>"
                               "<extraParams xmlns='jabber:client'>");
  gboolean found = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (call_fields); i++)
    {
      if (g_strcmp0 (field, call_fields[i].name) == 0)
        {
          found = TRUE;
          if (replacement != NULL)
            g_string_append (xml, replacement);
        }
      else
        {
          g_string_append (xml, call_fields[i].xml);
        }
    }
  g_assert_true (found || field == NULL);

  g_string_append (xml, "</extraParams></message>");
  return g_string_free (xml, FALSE);
}

static void
assert_call_rejected (const char *field,
                      const char *replacement,
                      QuartetSignalError code,
                      const char *named_field)
{
  g_autofree char *xml = call_xml_replacing (field, replacement);
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) signal = parse_xml (xml, &error);

  g_assert_null (signal);
  assert_error_names_field (error, code, named_field);
}

/* An SDP of exactly @size bytes, CRLF line ends. */
static char *
make_sdp_of_size (gsize size)
{
  GString *sdp = g_string_new ("v=0\r\n");

  while (sdp->len + 200 < size)
    {
      g_string_append (sdp, "a=x-pad:");
      for (guint i = 0; i < 90; i++)
        g_string_append_c (sdp, 'p');
      g_string_append (sdp, "\r\n");
    }

  /* Last line "a=x:" + padding + CRLF fills the rest exactly. */
  g_string_append (sdp, "a=x:");
  while (sdp->len < size - 2)
    g_string_append_c (sdp, 'q');
  g_string_append (sdp, "\r\n");

  g_assert_cmpuint (sdp->len, ==, size);
  return g_string_free (sdp, FALSE);
}

/* Tests */

static void
test_type_names (void)
{
  static const char *names[] = { "call", "accept", "reject", "hangUp", "iceCandidates", "update" };
  QuartetSignalType type = QUARTET_SIGNAL_TYPE_CALL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (quartet_signal_type_from_string (names[i], &type));
      g_assert_cmpint (type, ==, (QuartetSignalType)i);
      g_assert_cmpstr (quartet_signal_type_to_string (type), ==, names[i]);
    }

  g_assert_false (quartet_signal_type_from_string ("hangup", &type));
  g_assert_false (quartet_signal_type_from_string ("", &type));
}

static void
test_round_trip (gconstpointer data)
{
  QuartetSignalType type = GPOINTER_TO_INT (data);
  g_autoptr (QuartetSignal) signal = new_valid_signal (type);
  g_autoptr (QuartetSignal) parsed = round_trip (signal);

  assert_signals_equal (signal, parsed);
  g_assert_cmpstr (parsed->session_id, ==, SESSION_ID);
  g_assert_cmpint (parsed->call_type, ==, QUARTET_CALL_TYPE_VIDEO);
  g_assert_cmpstr (parsed->caller_id, ==, "42");
  g_assert_cmpstr (parsed->platform, ==, "linux");
}

static void
test_stanza_envelope (void)
{
  g_autoptr (QuartetSignal) signal = new_valid_signal (QUARTET_SIGNAL_TYPE_HANG_UP);
  g_autoptr (GError) error = NULL;
  g_autoptr (xmpp_stanza_t) first = NULL;
  g_autoptr (xmpp_stanza_t) second = NULL;
  g_autoptr (xmpp_stanza_t) given = NULL;
  xmpp_stanza_t *extra_params;
  const char *id;

  first = quartet_signal_to_stanza (signal, ctx, "43-97@chat.example", NULL, &error);
  g_assert_no_error (error);
  second = quartet_signal_to_stanza (signal, ctx, "43-97@chat.example", NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (xmpp_stanza_get_name (first), ==, "message");
  g_assert_cmpstr (xmpp_stanza_get_type (first), ==, "headline");
  g_assert_cmpstr (xmpp_stanza_get_to (first), ==, "43-97@chat.example");

  /* Generated ids look like the JS SDK's BSON ObjectIds and never repeat. */
  id = xmpp_stanza_get_id (first);
  g_assert_cmpuint (strlen (id), ==, 24);
  for (const char *p = id; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
  g_assert_cmpstr (id, !=, xmpp_stanza_get_id (second));

  extra_params = xmpp_stanza_get_child_by_name_and_ns (first, "extraParams", "jabber:client");
  g_assert_nonnull (extra_params);
  g_assert_nonnull (xmpp_stanza_get_child_by_name (extra_params, "moduleIdentifier"));

  given = quartet_signal_to_stanza (signal, ctx, "43-97@chat.example", "abc", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_stanza_get_id (given), ==, "abc");
}

/* Exactly the shape of the example in docs/protocol.md, layout whitespace too. */
static void
test_parse_protocol_example (void)
{
  static const char xml[]
      = "<message to=\"43-97@chat.example\" type=\"headline\" id=\"6560f2c4a1b2c3d4e5f60718\">\n"
        "  <extraParams xmlns=\"jabber:client\">\n"
        "    <moduleIdentifier>WebRTCVideoChat</moduleIdentifier>\n"
        "    <signalType>call</signalType>\n"
        "    <sessionID>0b6e9f8e-7a41-4c1e-9d0a-2f8f6f1c5e11</sessionID>\n"
        "    <callType>1</callType>\n"
        "    <callerID>42</callerID>\n"
        "    <opponentsIDs><opponentID>43</opponentID><opponentID>44</opponentID></opponentsIDs>\n"
        "    <sdp>v=0&#13;\n"
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1&#13;\n"
        "s=-&#13;\n"
        "t=0 0&#13;\n"
        "a=group:BUNDLE 0 1&#13;\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111&#13;\n"
        "c=IN IP4 0.0.0.0&#13;\n"
        "a=mid:0&#13;\n"
        "a=rtpmap:111 opus/48000/2&#13;\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96&#13;\n"
        "c=IN IP4 0.0.0.0&#13;\n"
        "a=mid:1&#13;\n"
        "a=rtpmap:96 VP8/90000&#13;\n"
        "</sdp>\n"
        "    <platform>web</platform>\n"
        "    <userInfo><name>Ada</name><bandwidth>0</bandwidth></userInfo>\n"
        "  </extraParams>\n"
        "</message>";
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) signal = parse_xml (xml, &error);
  const char *name = NULL;
  const char *bandwidth = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (signal);
  g_assert_cmpint (signal->type, ==, QUARTET_SIGNAL_TYPE_CALL);
  g_assert_cmpstr (signal->session_id, ==, SESSION_ID);
  g_assert_cmpint (signal->call_type, ==, QUARTET_CALL_TYPE_VIDEO);
  g_assert_cmpstr (signal->caller_id, ==, "42");
  g_assert_cmpuint (signal->opponent_ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (signal->opponent_ids, 0), ==, "43");
  g_assert_cmpstr (g_ptr_array_index (signal->opponent_ids, 1), ==, "44");
  g_assert_cmpstr (signal->sdp, ==, OFFER_SDP);
  g_assert_cmpstr (signal->platform, ==, "web");
  g_assert_cmpuint (signal->candidates->len, ==, 0);

  g_assert_true (g_variant_lookup (signal->user_info, "name", "&s", &name));
  g_assert_cmpstr (name, ==, "Ada");
  g_assert_true (g_variant_lookup (signal->user_info, "bandwidth", "&s", &bandwidth));
  g_assert_cmpstr (bandwidth, ==, "0");
}

#define SPECIAL_SDP "v=0\r\ns=Ada & Bob <call> \"quoted\" 'single'\r\na=x-note:1 < 2 > 0 &amp;\r\n"

static void
test_sdp_escaping (void)
{
  static const char wire_sdp[] = "<sdp>v=0&#13;\ns=Ada &amp; Bob &lt;call&gt; \"quoted\" 'single'"
                                 "&#13;\na=x-note:1 &lt; 2 &gt; 0 &amp;amp;&#13;\n</sdp>";
  g_autoptr (GError) error = NULL;
  g_autofree char *xml = call_xml_replacing ("sdp", wire_sdp);
  g_autoptr (QuartetSignal) parsed = parse_xml (xml, &error);
  g_autoptr (QuartetSignal) signal = new_valid_signal (QUARTET_SIGNAL_TYPE_CALL);
  g_autoptr (QuartetSignal) echoed = NULL;
  g_autoptr (QuartetSignal) direct = NULL;
  g_autoptr (xmpp_stanza_t) stanza = NULL;
  g_autofree char *text = NULL;

  /* Receiving: entities and &#13; decode to the exact bytes. */
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->sdp, ==, SPECIAL_SDP);

  /* Sending: the markup characters are escaped, and parsing gives the same
   * bytes back, CRs included, both from the stanza and through text. */
  g_free (signal->sdp);
  signal->sdp = g_strdup (SPECIAL_SDP);
  stanza = quartet_signal_to_stanza (signal, ctx, "43-97@chat.example", NULL, &error);
  g_assert_no_error (error);
  direct = quartet_signal_from_stanza (stanza, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (direct->sdp, ==, SPECIAL_SDP);

  text = stanza_to_text (stanza);
  g_assert_nonnull (g_strstr_len (text, -1, "Ada &amp; Bob &lt;call&gt;"));
  g_assert_nonnull (g_strstr_len (text, -1, "0 &amp;amp;"));
  echoed = round_trip (signal);
  g_assert_cmpstr (echoed->sdp, ==, SPECIAL_SDP);
}

/* libstrophe and Prosody send CR raw, so SDP arrives with LF line ends. */
static void
test_sdp_line_ends_repaired (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *xml = call_xml_replacing ("sdp", "<sdp>v=0\no=- 1 2 IN IP4 127.0.0.1\r\n"
                                                    "s=-\nt=0 0</sdp>");
  g_autoptr (QuartetSignal) signal = parse_xml (xml, &error);
  g_autoptr (QuartetSignal) lone_lf = new_valid_signal (QUARTET_SIGNAL_TYPE_CALL);
  g_autoptr (QuartetSignal) lone_cr = new_valid_signal (QUARTET_SIGNAL_TYPE_CALL);

  g_assert_no_error (error);
  g_assert_cmpstr (signal->sdp, ==, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0");

  /* We never send what the other side would read back differently. */
  g_free (lone_lf->sdp);
  lone_lf->sdp = g_strdup ("v=0\r\ns=-\n");
  assert_invalid (lone_lf, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdp");
  g_free (lone_cr->sdp);
  lone_cr->sdp = g_strdup ("v=0\rs=-\r\n");
  assert_invalid (lone_cr, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdp");
}

static void
test_sdp_size_limit (void)
{
  g_autofree char *sdp_max = make_sdp_of_size (QUARTET_SIGNAL_MAX_SDP_BYTES);
  g_autofree char *sdp_over = make_sdp_of_size (QUARTET_SIGNAL_MAX_SDP_BYTES + 1);
  g_autofree char *escaped_over = g_markup_escape_text (sdp_over, -1);
  g_autofree char *element_over = g_strconcat ("<sdp>", escaped_over, "</sdp>", NULL);
  g_autoptr (QuartetSignal) signal = new_valid_signal (QUARTET_SIGNAL_TYPE_CALL);
  g_autoptr (QuartetSignal) parsed = NULL;

  g_free (signal->sdp);
  signal->sdp = g_strdup (sdp_max);
  g_assert_true (quartet_signal_validate (signal, NULL));
  parsed = round_trip (signal);
  g_assert_cmpuint (strlen (parsed->sdp), ==, QUARTET_SIGNAL_MAX_SDP_BYTES);
  g_assert_cmpstr (parsed->sdp, ==, sdp_max);

  g_free (signal->sdp);
  signal->sdp = g_strdup (sdp_over);
  assert_invalid (signal, QUARTET_SIGNAL_ERROR_TOO_LARGE, "sdp");
  assert_call_rejected ("sdp", element_over, QUARTET_SIGNAL_ERROR_TOO_LARGE, "sdp");
}

/* The QuickBlox JS SDK's repair offer (qbRTCPeerConnection.negotiate()),
 * as its signaling provider writes it. */
#define RECONNECT_XML(description)                                                                \
  "<message to='43-97@chat.example' type='headline' id='1'>"                                     \
  "<extraParams xmlns='jabber:client'>"                                                          \
  "<reason>reconnect</reason>" description "<sessionID>" SESSION_ID "</sessionID>"               \
  "<callType>1</callType><callerID>42</callerID>"                                                \
  "<opponentsIDs><opponentID>43</opponentID></opponentsIDs>"                                     \
  "<moduleIdentifier>WebRTCVideoChat</moduleIdentifier><signalType>update</signalType>"          \
  "<platform>web</platform></extraParams></message>"

static void
test_update_reconnect (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) parsed = parse_xml (
      RECONNECT_XML ("<sessionDescription><offerId>7f0c2e6a-offer</offerId><sdp>" OFFER_SDP
                     "</sdp><type>offer</type></sessionDescription>"),
      &error);
  g_autoptr (QuartetSignal) echoed = NULL;
  g_autoptr (QuartetSignal) answer = new_valid_signal (QUARTET_SIGNAL_TYPE_UPDATE);
  g_autoptr (xmpp_stanza_t) stanza = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (parsed->type, ==, QUARTET_SIGNAL_TYPE_UPDATE);
  g_assert_cmpstr (parsed->reason, ==, QUARTET_SIGNAL_REASON_RECONNECT);
  g_assert_cmpstr (parsed->offer_id, ==, "7f0c2e6a-offer");
  g_assert_cmpstr (parsed->sdp_type, ==, "offer");
  g_assert_cmpstr (parsed->sdp, ==, OFFER_SDP);

  echoed = round_trip (parsed);
  assert_signals_equal (parsed, echoed);
  g_assert_cmpstr (echoed->offer_id, ==, parsed->offer_id);
  g_assert_cmpstr (echoed->sdp_type, ==, "offer");

  /* Our answer nests the description as the SDK reads it. */
  answer->reason = g_strdup (QUARTET_SIGNAL_REASON_RECONNECT);
  answer->offer_id = g_strdup ("7f0c2e6a-offer");
  answer->sdp_type = g_strdup ("answer");
  answer->sdp = g_strdup (OFFER_SDP);
  stanza = quartet_signal_to_stanza (answer, ctx, "43-97@chat.example", NULL, &error);
  g_assert_no_error (error);
  text = stanza_to_text (stanza);
  g_assert_nonnull (g_strstr_len (text, -1, "<sessionDescription><offerId>7f0c2e6a-offer</offerId><sdp>"));
  g_assert_nonnull (g_strstr_len (text, -1, "</sdp><type>answer</type></sessionDescription>"));
  g_assert_nonnull (g_strstr_len (text, -1, "<reason>reconnect</reason>"));
  json = signal_to_json_text (answer);
  g_assert_nonnull (g_strstr_len (json, -1, "\"sessionDescription\":{\"offerId\":\"7f0c2e6a-offer\""));

  /* An app's own update: no description, nothing required. */
  g_clear_pointer (&parsed, quartet_signal_free);
  parsed = parse_xml (RECONNECT_XML (""), &error);
  g_assert_no_error (error);
  g_assert_null (parsed->offer_id);
  g_assert_null (parsed->sdp);
}

static void
assert_reconnect_rejected (const char *description, QuartetSignalError code, const char *field)
{
  g_autofree char *xml = g_strdup_printf (RECONNECT_XML ("%s"), description);
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) signal = parse_xml (xml, &error);

  g_assert_null (signal);
  assert_error_names_field (error, code, field);
}

static void
test_update_reconnect_malformed (void)
{
  g_autoptr (QuartetSignal) hang_up = new_valid_signal (QUARTET_SIGNAL_TYPE_HANG_UP);
  g_autoptr (GString) long_id = g_string_new ("<sessionDescription><offerId>");

  assert_reconnect_rejected ("<sessionDescription><sdp>" OFFER_SDP
                             "</sdp><type>offer</type></sessionDescription>",
                             QUARTET_SIGNAL_ERROR_MISSING_FIELD, "offerId");
  assert_reconnect_rejected ("<sessionDescription><offerId>1</offerId>"
                             "<type>offer</type></sessionDescription>",
                             QUARTET_SIGNAL_ERROR_MISSING_FIELD, "sdp");
  assert_reconnect_rejected ("<sessionDescription><offerId>1</offerId><sdp>" OFFER_SDP
                             "</sdp></sessionDescription>",
                             QUARTET_SIGNAL_ERROR_MISSING_FIELD, "type");
  assert_reconnect_rejected ("<sessionDescription><offerId>1</offerId><sdp>" OFFER_SDP
                             "</sdp><type>pranswer</type></sessionDescription>",
                             QUARTET_SIGNAL_ERROR_INVALID_FIELD, "type");
  assert_reconnect_rejected ("<sessionDescription><offerId>1</offerId><sdp>nonsense</sdp>"
                             "<type>offer</type></sessionDescription>",
                             QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdp");
  assert_reconnect_rejected ("<sessionDescription><offerId>1</offerId><offerId>2</offerId>"
                             "</sessionDescription>",
                             QUARTET_SIGNAL_ERROR_INVALID_FIELD, "offerId");
  for (guint i = 0; i <= QUARTET_SIGNAL_MAX_ID_BYTES; i++)
    g_string_append_c (long_id, 'a');
  g_string_append (long_id, "</offerId><sdp>" OFFER_SDP "</sdp><type>offer</type></sessionDescription>");
  assert_reconnect_rejected (long_id->str, QUARTET_SIGNAL_ERROR_TOO_LARGE, "offerId");

  /* Only update carries them. */
  hang_up->reason = g_strdup (QUARTET_SIGNAL_REASON_RECONNECT);
  assert_invalid (hang_up, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "reason");
}

static GVariant *
new_nested_user_info (void)
{
  return g_variant_ref_sink (g_variant_new_parsed (
      "{'name': <'Ada'>, 'device': <{'os': <'linux'>, 'screen': <'1920x1080'>}>}"));
}

static void
test_user_info_nested (void)
{
  static const char wire_user_info[] = "<userInfo><name>Ada</name>"
                                       "<device><os>linux</os><screen>1920x1080</screen></device>"
                                       "</userInfo>";
  g_autoptr (GError) error = NULL;
  g_autofree char *xml = call_xml_replacing ("userInfo", wire_user_info);
  g_autoptr (QuartetSignal) parsed = parse_xml (xml, &error);
  g_autoptr (QuartetSignal) signal = new_valid_signal (QUARTET_SIGNAL_TYPE_UPDATE);
  g_autoptr (QuartetSignal) echoed = NULL;
  g_autoptr (GVariant) expected = new_nested_user_info ();
  g_autoptr (GVariant) device = NULL;
  g_autoptr (xmpp_stanza_t) stanza = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_true (g_variant_equal (parsed->user_info, expected));
  device = g_variant_lookup_value (parsed->user_info, "device", G_VARIANT_TYPE_VARDICT);
  g_assert_nonnull (device);

  g_clear_pointer (&signal->user_info, g_variant_unref);
  signal->user_info = new_nested_user_info ();
  stanza = quartet_signal_to_stanza (signal, ctx, "43-97@chat.example", NULL, &error);
  g_assert_no_error (error);
  text = stanza_to_text (stanza);
  g_assert_nonnull (g_strstr_len (text, -1, wire_user_info));

  echoed = round_trip (signal);
  g_assert_true (g_variant_equal (echoed->user_info, expected));

  json = signal_to_json_text (echoed);
  g_assert_nonnull (g_strstr_len (json, -1,
                                  "\"userInfo\":{\"name\":\"Ada\",\"device\":"
                                  "{\"os\":\"linux\",\"screen\":\"1920x1080\"}}"));
}

static void
assert_user_info_invalid (const char *text, QuartetSignalError code)
{
  g_autoptr (QuartetSignal) signal = new_valid_signal (QUARTET_SIGNAL_TYPE_UPDATE);

  g_clear_pointer (&signal->user_info, g_variant_unref);
  signal->user_info = g_variant_ref_sink (g_variant_new_parsed (text));
  assert_invalid (signal, code, "userInfo");
}

static void
test_user_info_limits (void)
{
  g_autoptr (QuartetSignal) deepest = new_valid_signal (QUARTET_SIGNAL_TYPE_UPDATE);
  g_autoptr (QuartetSignal) echoed = NULL;
  g_autoptr (GString) big = g_string_new ("<userInfo><a>");
  g_autoptr (GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autoptr (QuartetSignal) parsed = NULL;

  /* userInfo is level 1, so three maps may nest inside it. */
  g_clear_pointer (&deepest->user_info, g_variant_unref);
  deepest->user_info
      = g_variant_ref_sink (g_variant_new_parsed ("{'a': <{'b': <{'c': <{'d': <'x'>}>}>}>}"));
  echoed = round_trip (deepest);
  g_assert_true (g_variant_equal (echoed->user_info, deepest->user_info));

  assert_user_info_invalid ("{'a': <{'b': <{'c': <{'d': <{'e': <'x'>}>}>}>}>}",
                            QUARTET_SIGNAL_ERROR_TOO_LARGE);
  assert_call_rejected ("userInfo", "<userInfo><a><b><c><d><e>x</e></d></c></b></a></userInfo>",
                        QUARTET_SIGNAL_ERROR_TOO_LARGE, "userInfo");

  assert_user_info_invalid ("{'bad key': <'x'>}", QUARTET_SIGNAL_ERROR_INVALID_FIELD);
  assert_user_info_invalid ("{'1st': <'x'>}", QUARTET_SIGNAL_ERROR_INVALID_FIELD);
  assert_user_info_invalid ("{'n': <int32 5>}", QUARTET_SIGNAL_ERROR_INVALID_FIELD);
  assert_user_info_invalid ("{'empty': <@a{sv} {}>}", QUARTET_SIGNAL_ERROR_INVALID_FIELD);
  assert_user_info_invalid ("{'bell': <'\\u0007'>}", QUARTET_SIGNAL_ERROR_INVALID_FIELD);
  assert_call_rejected ("userInfo", "<userInfo><a>1</a><a>2</a></userInfo>",
                        QUARTET_SIGNAL_ERROR_INVALID_FIELD, "userInfo");

  /* 8 KiB of text in all: one byte more is refused. */
  for (guint i = 0; i < QUARTET_SIGNAL_MAX_USER_INFO_BYTES; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "</a></userInfo>");
  xml = call_xml_replacing ("userInfo", big->str);
  parsed = parse_xml (xml, &error);
  g_assert_null (parsed);
  assert_error_names_field (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, "userInfo");
}

static void
test_opponents (void)
{
  static const char *ids[] = { "43", "44", "ada@example.org", "46" };
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) parsed = NULL;

  for (guint count = 1; count <= 3; count++)
    {
      g_autoptr (QuartetSignal) signal = new_valid_signal (QUARTET_SIGNAL_TYPE_CALL);
      g_autoptr (QuartetSignal) echoed = NULL;

      g_ptr_array_set_size (signal->opponent_ids, 0);
      for (guint i = 0; i < count; i++)
        quartet_signal_add_opponent (signal, ids[i]);

      echoed = round_trip (signal);
      g_assert_cmpuint (echoed->opponent_ids->len, ==, count);
      for (guint i = 0; i < count; i++)
        g_assert_cmpstr (g_ptr_array_index (echoed->opponent_ids, i), ==, ids[i]);
    }

  for (QuartetSignalType type = QUARTET_SIGNAL_TYPE_CALL; type <= QUARTET_SIGNAL_TYPE_UPDATE;
       type++)
    {
      g_autoptr (QuartetSignal) signal = new_valid_signal (type);

      quartet_signal_add_opponent (signal, "45");
      quartet_signal_add_opponent (signal, "46");
      assert_invalid (signal, QUARTET_SIGNAL_ERROR_TOO_LARGE, "opponentsIDs");
    }

  assert_call_rejected ("opponentsIDs",
                        "<opponentsIDs><opponentID>43</opponentID><opponentID>44</opponentID>"
                        "<opponentID>45</opponentID><opponentID>46</opponentID></opponentsIDs>",
                        QUARTET_SIGNAL_ERROR_TOO_LARGE, "opponentsIDs");
  assert_call_rejected ("opponentsIDs", NULL, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "opponentsIDs");
  assert_call_rejected ("opponentsIDs",
                        "<opponentsIDs><opponentID>43</opponentID><opponentID>43</opponentID>"
                        "</opponentsIDs>",
                        QUARTET_SIGNAL_ERROR_INVALID_FIELD, "opponentsIDs");
  assert_call_rejected ("opponentsIDs", "<opponentsIDs><opponentID>007</opponentID></opponentsIDs>",
                        QUARTET_SIGNAL_ERROR_INVALID_FIELD, "opponentsIDs");

  /* Not a call: the list is optional. */
  parsed = parse_xml ("<message><extraParams xmlns='jabber:client'>"
                      "<moduleIdentifier>WebRTCVideoChat</moduleIdentifier>"
                      "<signalType>hangUp</signalType><sessionID>s1</sessionID>"
                      "</extraParams></message>",
                      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->opponent_ids->len, ==, 0);
  g_assert_null (parsed->caller_id);
  g_assert_cmpint (parsed->call_type, ==, 0);
}

static void
test_candidates_several (void)
{
  /* In the JS SDK's order: candidate, sdpMid, sdpMLineIndex. */
  static const char xml[]
      = "<message><extraParams xmlns='jabber:client'>"
        "<moduleIdentifier>WebRTCVideoChat</moduleIdentifier><signalType>iceCandidates</signalType>"
        "<sessionID>s1</sessionID><callType>2</callType><callerID>42</callerID>"
        "<opponentsIDs><opponentID>43</opponentID></opponentsIDs><platform>web</platform>"
        "<iceCandidates>"
        "<iceCandidate><candidate>" CANDIDATE_1 "</candidate><sdpMid>0</sdpMid>"
        "<sdpMLineIndex>0</sdpMLineIndex></iceCandidate>"
        "<iceCandidate><candidate>" CANDIDATE_2 "</candidate><sdpMid>audio</sdpMid>"
        "<sdpMLineIndex>1</sdpMLineIndex></iceCandidate>"
        "<iceCandidate><candidate>" CANDIDATE_3 "</candidate><sdpMid/>"
        "<sdpMLineIndex>255</sdpMLineIndex></iceCandidate>"
        "<iceCandidate><candidate></candidate><sdpMid>0</sdpMid>"
        "<sdpMLineIndex>0</sdpMLineIndex></iceCandidate>"
        "</iceCandidates></extraParams></message>";
  static const char *expected_mids[] = { "0", "audio", "" };
  static const char *expected_candidates[] = { CANDIDATE_1, CANDIDATE_2, CANDIDATE_3 };
  static const guint expected_indexes[] = { 0, 1, 255 };
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) parsed = parse_xml (xml, &error);
  g_autoptr (QuartetSignal) echoed = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (parsed->type, ==, QUARTET_SIGNAL_TYPE_ICE_CANDIDATES);
  g_assert_cmpint (parsed->call_type, ==, QUARTET_CALL_TYPE_AUDIO);

  /* The empty end-of-candidates entry (Firefox) is dropped. */
  g_assert_cmpuint (parsed->candidates->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const QuartetIceCandidate *candidate = g_ptr_array_index (parsed->candidates, i);

      g_assert_cmpstr (candidate->sdp_mid, ==, expected_mids[i]);
      g_assert_cmpuint (candidate->sdp_mline_index, ==, expected_indexes[i]);
      g_assert_cmpstr (candidate->candidate, ==, expected_candidates[i]);
    }

  echoed = round_trip (parsed);
  assert_signals_equal (parsed, echoed);
}

static char *
candidates_xml (guint count)
{
  GString *xml = g_string_new ("<iceCandidates>");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (xml,
                            "<iceCandidate><sdpMLineIndex>0</sdpMLineIndex><sdpMid>0</sdpMid>"
                            "<candidate>candidate:%u 1 UDP 1 10.0.0.1 %u typ host</candidate>"
                            "</iceCandidate>",
                            i, 1024 + i);
  g_string_append (xml, "</iceCandidates>");
  return g_string_free (xml, FALSE);
}

static char *
ice_signal_xml (const char *candidates)
{
  return g_strconcat ("<message><extraParams xmlns='jabber:client'>"
                      "<moduleIdentifier>WebRTCVideoChat</moduleIdentifier>"
                      "<signalType>iceCandidates</signalType><sessionID>s1</sessionID>",
                      candidates, "</extraParams></message>", NULL);
}

static void
assert_ice_rejected (const char *candidates, QuartetSignalError code, const char *field)
{
  g_autofree char *xml = ice_signal_xml (candidates);
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) signal = parse_xml (xml, &error);

  g_assert_null (signal);
  assert_error_names_field (error, code, field);
}

static void
test_candidates_limits (void)
{
  g_autoptr (QuartetSignal) signal = new_valid_signal (QUARTET_SIGNAL_TYPE_ICE_CANDIDATES);
  g_autoptr (QuartetSignal) echoed = NULL;
  g_autofree char *list_64 = candidates_xml (64);
  g_autofree char *list_65 = candidates_xml (65);
  g_autofree char *xml_64 = ice_signal_xml (list_64);
  g_autoptr (QuartetSignal) parsed_64 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *long_candidate = g_strnfill (QUARTET_SIGNAL_MAX_CANDIDATE_BYTES + 1, 'c');

  for (guint i = 1; i < 64; i++)
    quartet_signal_add_candidate (signal, "0", i % 2, CANDIDATE_2);
  echoed = round_trip (signal);
  g_assert_cmpuint (echoed->candidates->len, ==, 64);

  parsed_64 = parse_xml (xml_64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed_64->candidates->len, ==, 64);

  quartet_signal_add_candidate (signal, "0", 0, CANDIDATE_3);
  assert_invalid (signal, QUARTET_SIGNAL_ERROR_TOO_LARGE, "iceCandidates");
  assert_ice_rejected (list_65, QUARTET_SIGNAL_ERROR_TOO_LARGE, "iceCandidates");

  assert_ice_rejected ("", QUARTET_SIGNAL_ERROR_MISSING_FIELD, "iceCandidates");
  assert_ice_rejected ("<iceCandidates><iceCandidate><sdpMLineIndex>256</sdpMLineIndex>"
                       "<sdpMid>0</sdpMid><candidate>c</candidate></iceCandidate></iceCandidates>",
                       QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdpMLineIndex");
  assert_ice_rejected ("<iceCandidates><iceCandidate><sdpMLineIndex>-1</sdpMLineIndex>"
                       "<sdpMid>0</sdpMid><candidate>c</candidate></iceCandidate></iceCandidates>",
                       QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdpMLineIndex");
  assert_ice_rejected ("<iceCandidates><iceCandidate><sdpMLineIndex>0</sdpMLineIndex>"
                       "<candidate>c</candidate></iceCandidate></iceCandidates>",
                       QUARTET_SIGNAL_ERROR_MISSING_FIELD, "sdpMid");
  assert_ice_rejected ("<iceCandidates><iceCandidate><sdpMLineIndex>0</sdpMLineIndex>"
                       "<sdpMid>0</sdpMid><sdpMid>1</sdpMid><candidate>c</candidate>"
                       "</iceCandidate></iceCandidates>",
                       QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdpMid");

  g_ptr_array_set_size (signal->candidates, 1);
  quartet_signal_add_candidate (signal, "0", 0, long_candidate);
  assert_invalid (signal, QUARTET_SIGNAL_ERROR_TOO_LARGE, "candidate");
  g_ptr_array_set_size (signal->candidates, 1);
  quartet_signal_add_candidate (signal, "0", 0, "");
  assert_invalid (signal, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "candidate");
}

static void
test_reject_missing_and_malformed (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *long_id = g_strnfill (QUARTET_SIGNAL_MAX_ID_BYTES + 1, 'a');
  g_autofree char *long_session = g_strdup_printf ("<sessionID>%s</sessionID>", long_id);
  g_autofree char *xml = call_xml_replacing ("callType", "<callType>7</callType>");
  g_autoptr (QuartetSignal) signal = parse_xml (xml, &error);

  g_assert_null (signal);
  g_assert_error (error, QUARTET_SIGNAL_ERROR, QUARTET_SIGNAL_ERROR_INVALID_FIELD);
  g_assert_cmpstr (error->message, ==,
                   "Invalid call signal: field 'callType' has unknown value '7'");

  assert_call_rejected ("callType", "<callType>0</callType>", QUARTET_SIGNAL_ERROR_INVALID_FIELD,
                        "callType");
  assert_call_rejected ("callType", NULL, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "callType");
  assert_call_rejected ("sessionID", NULL, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "sessionID");
  assert_call_rejected ("sessionID", "<sessionID/>", QUARTET_SIGNAL_ERROR_MISSING_FIELD,
                        "sessionID");
  assert_call_rejected ("sessionID", "<sessionID>abc def</sessionID>",
                        QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sessionID");
  assert_call_rejected ("sessionID", "<sessionID>a/b</sessionID>",
                        QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sessionID");
  assert_call_rejected ("sessionID", long_session, QUARTET_SIGNAL_ERROR_TOO_LARGE, "sessionID");
  assert_call_rejected ("signalType", "<signalType>dial</signalType>",
                        QUARTET_SIGNAL_ERROR_INVALID_FIELD, "signalType");
  assert_call_rejected ("signalType", NULL, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "signalType");
  assert_call_rejected ("sdp", NULL, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "sdp");
  assert_call_rejected ("sdp", "<sdp>o=- 1 2 IN IP4 0.0.0.0</sdp>",
                        QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdp");
  assert_call_rejected ("sdp", "<sdp>v=0</sdp><sdp>v=0</sdp>", QUARTET_SIGNAL_ERROR_INVALID_FIELD,
                        "sdp");
  assert_call_rejected ("callerID", NULL, QUARTET_SIGNAL_ERROR_MISSING_FIELD, "callerID");
}

static void
test_user_id_forms (void)
{
  static const char *bad[] = {
    "0",
    "-5",
    "007",
    "a b",
    "x@y/res",
    "",
    "9007199254740992",
    "@example.org",
    "ada@",
    "ada",
    "a@b@c",
    "4.5",
    "+7",
    "a\tb@c",
    "ada lovelace@example.org",
    "ada@exa mple.org",
  };
  static const char *good[]
      = { "1", "42", "9007199254740991", "ada@example.org", "4242-97@chat.example" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (QuartetSignal) signal = new_valid_signal (QUARTET_SIGNAL_TYPE_CALL);
      g_autofree char *escaped = g_markup_escape_text (bad[i], -1);
      g_autofree char *element = g_strdup_printf ("<callerID>%s</callerID>", escaped);

      g_test_message ("bad user id '%s'", bad[i]);
      g_free (signal->caller_id);
      signal->caller_id = g_strdup (bad[i]);
      assert_invalid (signal, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "callerID");
      assert_call_rejected ("callerID", element, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "callerID");
    }

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (QuartetSignal) signal = new_valid_signal (QUARTET_SIGNAL_TYPE_CALL);
      g_autoptr (QuartetSignal) echoed = NULL;

      g_free (signal->caller_id);
      signal->caller_id = g_strdup (good[i]);
      echoed = round_trip (signal);
      g_assert_cmpstr (echoed->caller_id, ==, good[i]);
    }
}

static void
assert_not_a_signal (const char *xml)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) signal = parse_xml (xml, &error);

  g_assert_null (signal);
  g_assert_error (error, QUARTET_SIGNAL_ERROR, QUARTET_SIGNAL_ERROR_NOT_A_SIGNAL);
}

static void
test_not_a_signal (void)
{
  g_autofree char *other_module = call_xml_replacing (
      "moduleIdentifier", "<moduleIdentifier>SystemNotifications</moduleIdentifier>");
  g_autofree char *no_module = call_xml_replacing ("moduleIdentifier", NULL);
  g_autofree char *valid = call_xml_replacing (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) signal = NULL;

  assert_not_a_signal (other_module);
  assert_not_a_signal (no_module);
  assert_not_a_signal ("<message type='chat'><body>hi</body></message>");
  assert_not_a_signal ("<message><extraParams xmlns='urn:other'>"
                       "<moduleIdentifier>WebRTCVideoChat</moduleIdentifier>"
                       "<signalType>hangUp</signalType><sessionID>s1</sessionID>"
                       "</extraParams></message>");

  /* The same payload in another stanza kind. */
  assert_not_a_signal ("<iq type='set' id='1'><extraParams xmlns='jabber:client'>"
                       "<moduleIdentifier>WebRTCVideoChat</moduleIdentifier>"
                       "<signalType>hangUp</signalType><sessionID>s1</sessionID>"
                       "</extraParams></iq>");

  /* Control: the unmodified stanza is a signal. */
  signal = parse_xml (valid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signal);
}

/* What the JS SDK sends that docs/protocol.md does not describe must not hurt. */
static void
test_js_sdk_tolerance (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *busy_reject
      = call_xml_replacing ("signalType", "<signalType>reject</signalType>");
  g_autofree char *future
      = call_xml_replacing ("platform", "<platform>web</platform><reason>reconnect</reason>"
                                        "<sessionDescription><offerId>7</offerId><sdp>v=0</sdp>"
                                        "<type>offer</type></sessionDescription>");
  g_autoptr (QuartetSignal) reject = parse_xml (busy_reject, &error);
  g_autoptr (QuartetSignal) call = NULL;

  /* A busy reject echoes the caller's offer: kept out of the struct. */
  g_assert_no_error (error);
  g_assert_cmpint (reject->type, ==, QUARTET_SIGNAL_TYPE_REJECT);
  g_assert_null (reject->sdp);
  g_assert_cmpint (reject->call_type, ==, QUARTET_CALL_TYPE_VIDEO);
  g_assert_cmpstr (reject->caller_id, ==, "42");
  g_assert_cmpuint (reject->opponent_ids->len, ==, 2);

  call = parse_xml (future, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (call->sdp, ==, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
}

static void
test_fields_on_wrong_type (void)
{
  g_autoptr (QuartetSignal) reject = new_valid_signal (QUARTET_SIGNAL_TYPE_REJECT);
  g_autoptr (QuartetSignal) call = new_valid_signal (QUARTET_SIGNAL_TYPE_CALL);
  g_autoptr (QuartetSignal) accept = new_valid_signal (QUARTET_SIGNAL_TYPE_ACCEPT);

  reject->sdp = g_strdup (OFFER_SDP);
  assert_invalid (reject, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "sdp");

  quartet_signal_add_candidate (call, "0", 0, CANDIDATE_1);
  assert_invalid (call, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "iceCandidates");

  accept->call_type = 7;
  assert_invalid (accept, QUARTET_SIGNAL_ERROR_INVALID_FIELD, "callType");
}

static void
test_copy_and_json (void)
{
  g_autoptr (QuartetSignal) signal = quartet_signal_new (QUARTET_SIGNAL_TYPE_CALL, "s-1");
  g_autoptr (QuartetSignal) copy = NULL;
  g_autoptr (QuartetSignal) fresh = quartet_signal_new (QUARTET_SIGNAL_TYPE_HANG_UP, NULL);
  g_autoptr (QuartetSignal) ice = new_valid_signal (QUARTET_SIGNAL_TYPE_ICE_CANDIDATES);
  g_autofree char *json = NULL;
  g_autofree char *copy_json = NULL;
  g_autofree char *ice_json = NULL;

  signal->call_type = QUARTET_CALL_TYPE_AUDIO;
  signal->caller_id = g_strdup ("42");
  quartet_signal_add_opponent (signal, "43");
  signal->sdp = g_strdup ("v=0\r\n");
  signal->user_info = g_variant_ref_sink (g_variant_new_parsed ("{'name': <'Ada'>}"));

  json = signal_to_json_text (signal);
  g_assert_cmpstr (json, ==,
                   "{\"signalType\":\"call\",\"sessionID\":\"s-1\",\"callType\":2,"
                   "\"callerID\":\"42\",\"opponentsIDs\":[\"43\"],\"sdp\":\"v=0\\r\\n\","
                   "\"platform\":\"linux\",\"userInfo\":{\"name\":\"Ada\"}}");

  copy = g_boxed_copy (QUARTET_TYPE_SIGNAL, signal);
  g_assert_true (copy != signal);
  copy_json = signal_to_json_text (copy);
  g_assert_cmpstr (copy_json, ==, json);

  ice_json = signal_to_json_text (ice);
  g_assert_nonnull (g_strstr_len (ice_json, -1,
                                  "\"iceCandidates\":[{\"sdpMLineIndex\":0,\"sdpMid\":\"0\","
                                  "\"candidate\":\"" CANDIDATE_1 "\"}]"));

  /* A new session gets a random UUID. */
  g_assert_true (g_uuid_string_is_valid (fresh->session_id));
  g_assert_true (quartet_signal_validate (fresh, NULL));
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ctx = xmpp_ctx_new (NULL, NULL);

  for (QuartetSignalType type = QUARTET_SIGNAL_TYPE_CALL; type <= QUARTET_SIGNAL_TYPE_UPDATE;
       type++)
    {
      g_autofree char *path
          = g_strdup_printf ("/signal/round-trip/%s", quartet_signal_type_to_string (type));

      g_test_add_data_func (path, GINT_TO_POINTER (type), test_round_trip);
    }
  g_test_add_func ("/signal/type-names", test_type_names);
  g_test_add_func ("/signal/stanza-envelope", test_stanza_envelope);
  g_test_add_func ("/signal/parse/protocol-example", test_parse_protocol_example);
  g_test_add_func ("/signal/sdp/escaping", test_sdp_escaping);
  g_test_add_func ("/signal/sdp/line-ends", test_sdp_line_ends_repaired);
  g_test_add_func ("/signal/sdp/size-limit", test_sdp_size_limit);
  g_test_add_func ("/signal/user-info/nested", test_user_info_nested);
  g_test_add_func ("/signal/update/reconnect", test_update_reconnect);
  g_test_add_func ("/signal/update/reconnect-malformed", test_update_reconnect_malformed);
  g_test_add_func ("/signal/user-info/limits", test_user_info_limits);
  g_test_add_func ("/signal/opponents", test_opponents);
  g_test_add_func ("/signal/candidates/several", test_candidates_several);
  g_test_add_func ("/signal/candidates/limits", test_candidates_limits);
  g_test_add_func ("/signal/reject/missing-and-malformed", test_reject_missing_and_malformed);
  g_test_add_func ("/signal/reject/user-id-forms", test_user_id_forms);
  g_test_add_func ("/signal/reject/not-a-signal", test_not_a_signal);
  g_test_add_func ("/signal/js-sdk-tolerance", test_js_sdk_tolerance);
  g_test_add_func ("/signal/fields-on-wrong-type", test_fields_on_wrong_type);
  g_test_add_func ("/signal/copy-and-json", test_copy_and_json);

  status = g_test_run ();
  xmpp_ctx_free (ctx);
  return status;
}
