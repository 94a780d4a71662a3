/* fuzz-stanza.c: libFuzzer target for whole incoming-stanza handling
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One input is a conversation: records separated by NUL bytes (which no XML
 * holds), each either a <message> stanza, delivered to the connection as if
 * the server had sent it, or one of the user's actions on the call that
 * rings ("!reject", "!hangup") or "!run" (let due timers and idles run).
 * Every stanza goes the whole way a real one goes: libstrophe's parser, the
 * connection's message handler, the signal codec, the call client's routing
 * (sessions, early signals, the busy reject, the rate limit) and the
 * session's state machine. Nothing is answered, so no webrtcbin is built:
 * the media side has its own tests.
 *
 * We are user 43 of application 97, as in the seeds (tests/fuzz/corpus-
 * stanza), which a `call` from 42 rings. After each input the client is
 * released and everything freed, so LeakSanitizer sees what one
 * conversation leaves behind.
 */

#define G_LOG_DOMAIN "fuzz-stanza"

#include <string.h>

#include "quartet-call-client-private.h"
#include "quartet-xmpp-connection-private.h"

/* Real stanzas are well under this; longer inputs only slow the fuzzer. */
#define MAX_INPUT_BYTES (256 * 1024)
#define MAX_RECORDS 64

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static xmpp_ctx_t *ctx;
static QuartetMedia *media;
/* One for all inputs: making one sets up TLS, which would cost more than
 * the conversation. Each input gets a fresh call client, whose release()
 * leaves the connection as it found it. */
static QuartetXmppConnection *connection;

typedef struct
{
  QuartetXmppConnection *connection;
  QuartetCallClient *client;
  QuartetCallSession *ringing; /* the last session that rang */
} Conversation;

static void
on_call_cb (QuartetCallClient *client,
            QuartetCallSession *session,
            const char *user_id,
            GVariant *user_info,
            Conversation *conversation)
{
  g_set_object (&conversation->ringing, session);
}

static void
do_action (Conversation *conversation, const char *action)
{
  g_autoptr (GError) error = NULL;

  if (g_str_equal (action, "!run"))
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      return;
    }

  if (conversation->ringing == NULL)
    return;

  /* Refusals (a session already ended) are fine; only crashes and leaks count. */
  if (g_str_equal (action, "!reject"))
    quartet_call_client_reject (conversation->client, conversation->ringing, NULL, &error);
  else if (g_str_equal (action, "!hangup"))
    quartet_call_client_hang_up (conversation->client, conversation->ringing, NULL, &error);
}

static void
deliver (Conversation *conversation, const char *text)
{
  g_autoptr (xmpp_stanza_t) stanza = xmpp_stanza_new_from_string (ctx, text);

  /* The server only ever hands us well-formed <message> elements. */
  if (stanza == NULL || g_strcmp0 (xmpp_stanza_get_name (stanza), "message") != 0)
    return;

  _quartet_xmpp_connection_receive_message (conversation->connection, stanza);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  Conversation conversation = { 0 };
  g_autofree char *text = NULL;
  const char *record;
  const char *end;
  guint n_records = 0;

  if (size > MAX_INPUT_BYTES)
    return -1;

  /* A final NUL ends the last record too. */
  text = g_malloc (size + 1);
  memcpy (text, data, size);
  text[size] = '\0';
  end = text + size;

  conversation.connection = connection;
  conversation.client = quartet_call_client_new (conversation.connection, media);
  g_signal_connect (conversation.client, "call", G_CALLBACK (on_call_cb), &conversation);
  _quartet_call_client_start_receiving (conversation.client);

  for (record = text; record <= end && n_records < MAX_RECORDS; record += strlen (record) + 1)
    {
      n_records++;
      if (record[0] == '!')
        do_action (&conversation, record);
      else if (record[0] != '\0')
        deliver (&conversation, record);
    }

  quartet_call_client_release (conversation.client);
  g_clear_object (&conversation.ringing);
  g_clear_object (&conversation.client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  gst_init (argc, argv);
  xmpp_initialize ();
  ctx = xmpp_ctx_new (NULL, NULL);
  /* Never started: nothing is answered, so nothing captures or encodes. */
  media = quartet_media_new ("none", "none");
  connection = quartet_xmpp_connection_new ("43-97@chat.example", "unused");
  return 0;
}
