/* quartet-test-signaling.c: call signals between in-process clients, no server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A switchboard stands where the XMPP server would: each client's
 * QuartetTestSignaling sends to it, and it hands each signal to the
 * addressee from the main loop, in the order sent, as one XMPP stream
 * does. A test may hold what is sent and release it later, to cross two
 * signals in flight (a hang-up and an accept), and reads what was sent.
 */
#include "quartet-test-signaling.h"

struct _QuartetTestSwitchboard
{
  GPtrArray *members; /* QuartetTestSignaling, weak: each keeps the board alive */
  GPtrArray *sent;    /* QuartetTestMessage, everything, for the test to read */
  GQueue queue;       /* QuartetTestMessage, not delivered yet (owned by sent) */
  gboolean held;
  guint deliver_id;
};

struct _QuartetTestSignaling
{
  GObject parent_instance;

  QuartetTestSwitchboard *board;
  char *user_id;
  char *jid;
};

static void quartet_test_signaling_iface_init (QuartetSignalingInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QuartetTestSignaling,
                               quartet_test_signaling,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (QUARTET_TYPE_SIGNALING,
                                                      quartet_test_signaling_iface_init))

static void
message_free (QuartetTestMessage *message)
{
  g_free (message->from_user);
  g_free (message->to_user);
  quartet_signal_free (message->signal);
  g_free (message);
}

QuartetTestSwitchboard *
quartet_test_switchboard_new (void)
{
  QuartetTestSwitchboard *self = g_new0 (QuartetTestSwitchboard, 1);

  self->members = g_ptr_array_new ();
  self->sent = g_ptr_array_new_with_free_func ((GDestroyNotify)message_free);
  g_queue_init (&self->queue);
  return self;
}

void
quartet_test_switchboard_free (QuartetTestSwitchboard *self)
{
  for (guint i = 0; i < self->members->len; i++)
    QUARTET_TEST_SIGNALING (g_ptr_array_index (self->members, i))->board = NULL;
  g_clear_handle_id (&self->deliver_id, g_source_remove);
  g_queue_clear (&self->queue);
  g_ptr_array_unref (self->members);
  g_ptr_array_unref (self->sent);
  g_free (self);
}

static QuartetTestSignaling *
find_member (QuartetTestSwitchboard *self, const char *user_id)
{
  for (guint i = 0; i < self->members->len; i++)
    {
      QuartetTestSignaling *member = g_ptr_array_index (self->members, i);

      if (g_str_equal (member->user_id, user_id))
        return member;
    }
  return NULL;
}

static gboolean
deliver_cb (gpointer user_data)
{
  QuartetTestSwitchboard *self = user_data;
  QuartetTestMessage *message;

  self->deliver_id = 0;
  /* One at a time: a handler may hold the board, or send, meanwhile. */
  while (!self->held && (message = g_queue_pop_head (&self->queue)) != NULL)
    {
      QuartetTestSignaling *to = find_member (self, message->to_user);
      g_autofree char *from = g_strdup_printf ("%s/test", message->from_user);

      if (to != NULL)
        quartet_signaling_emit_signal_received (QUARTET_SIGNALING (to), from, message->signal);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_delivery (QuartetTestSwitchboard *self)
{
  if (!self->held && self->deliver_id == 0 && !g_queue_is_empty (&self->queue))
    self->deliver_id = g_idle_add (deliver_cb, self);
}

/* (transfer full): a new client's line, as the plain XMPP account @jid
 * (whose user id is its bare JID, as on a server that is not QuickBlox). */
QuartetTestSignaling *
quartet_test_switchboard_add (QuartetTestSwitchboard *self, const char *jid)
{
  QuartetTestSignaling *member = g_object_new (QUARTET_TYPE_TEST_SIGNALING, NULL);

  member->board = self;
  member->user_id = g_strdup (jid);
  member->jid = g_strdup (jid);
  g_ptr_array_add (self->members, member);
  return member;
}

/* What is sent from now on waits until quartet_test_switchboard_release(). */
void
quartet_test_switchboard_hold (QuartetTestSwitchboard *self)
{
  self->held = TRUE;
}

void
quartet_test_switchboard_release (QuartetTestSwitchboard *self)
{
  self->held = FALSE;
  schedule_delivery (self);
}

/* How many signals of @type @from_user sent to @to_user (NULL: anyone). */
guint
quartet_test_switchboard_count (QuartetTestSwitchboard *self,
                                const char *from_user,
                                const char *to_user,
                                QuartetSignalType type)
{
  guint count = 0;

  for (guint i = 0; i < self->sent->len; i++)
    {
      QuartetTestMessage *message = g_ptr_array_index (self->sent, i);

      if (g_str_equal (message->from_user, from_user)
          && (to_user == NULL || g_str_equal (message->to_user, to_user))
          && message->signal->type == type)
        count++;
    }
  return count;
}

/* (nullable): the last signal of @type that @from_user sent. */
const QuartetTestMessage *
quartet_test_switchboard_last (QuartetTestSwitchboard *self,
                               const char *from_user,
                               QuartetSignalType type)
{
  for (guint i = self->sent->len; i > 0; i--)
    {
      QuartetTestMessage *message = g_ptr_array_index (self->sent, i - 1);

      if (g_str_equal (message->from_user, from_user) && message->signal->type == type)
        return message;
    }
  return NULL;
}

static const char *
signaling_get_jid (QuartetSignaling *signaling)
{
  return QUARTET_TEST_SIGNALING (signaling)->jid;
}

static const char *
signaling_get_user_id (QuartetSignaling *signaling)
{
  return QUARTET_TEST_SIGNALING (signaling)->user_id;
}

static gboolean
signaling_is_connected (QuartetSignaling *signaling)
{
  return QUARTET_TEST_SIGNALING (signaling)->board != NULL;
}

static gboolean
signaling_send_signal (QuartetSignaling *signaling,
                       const char *to,
                       const QuartetSignal *signal,
                       GError **error)
{
  QuartetTestSignaling *self = QUARTET_TEST_SIGNALING (signaling);
  QuartetTestMessage *message;

  if (self->board == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "No switchboard");
      return FALSE;
    }

  message = g_new0 (QuartetTestMessage, 1);
  message->from_user = g_strdup (self->user_id);
  message->to_user = quartet_jid_get_user_id (to);
  message->signal = quartet_signal_copy (signal);
  g_ptr_array_add (self->board->sent, message);
  g_queue_push_tail (&self->board->queue, message);
  schedule_delivery (self->board);
  return TRUE;
}

static void
quartet_test_signaling_iface_init (QuartetSignalingInterface *iface)
{
  iface->get_jid = signaling_get_jid;
  iface->get_user_id = signaling_get_user_id;
  iface->is_connected = signaling_is_connected;
  iface->send_signal = signaling_send_signal;
}

static void
quartet_test_signaling_finalize (GObject *object)
{
  QuartetTestSignaling *self = QUARTET_TEST_SIGNALING (object);

  if (self->board != NULL)
    g_ptr_array_remove (self->board->members, self);
  g_free (self->user_id);
  g_free (self->jid);
  G_OBJECT_CLASS (quartet_test_signaling_parent_class)->finalize (object);
}

static void
quartet_test_signaling_class_init (QuartetTestSignalingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = quartet_test_signaling_finalize;
}

static void
quartet_test_signaling_init (QuartetTestSignaling *self)
{
}
