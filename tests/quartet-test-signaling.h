/* quartet-test-signaling.h: call signals between in-process clients, no server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet.h"

G_BEGIN_DECLS

typedef struct _QuartetTestSwitchboard QuartetTestSwitchboard;

/* One signal that went through the switchboard. */
typedef struct
{
  char *from_user; /* the sender's user id */
  char *to_user;
  QuartetSignal *signal;
} QuartetTestMessage;

#define QUARTET_TYPE_TEST_SIGNALING (quartet_test_signaling_get_type ())
G_DECLARE_FINAL_TYPE (
    QuartetTestSignaling, quartet_test_signaling, QUARTET, TEST_SIGNALING, GObject)

QuartetTestSwitchboard *quartet_test_switchboard_new (void);
void quartet_test_switchboard_free (QuartetTestSwitchboard *self);
QuartetTestSignaling *quartet_test_switchboard_add (QuartetTestSwitchboard *self, const char *jid);
void quartet_test_switchboard_hold (QuartetTestSwitchboard *self);
void quartet_test_switchboard_release (QuartetTestSwitchboard *self);
guint quartet_test_switchboard_count (QuartetTestSwitchboard *self,
                                      const char *from_user,
                                      const char *to_user,
                                      QuartetSignalType type);
const QuartetTestMessage *quartet_test_switchboard_last (QuartetTestSwitchboard *self,
                                                         const char *from_user,
                                                         QuartetSignalType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetTestSwitchboard, quartet_test_switchboard_free)

G_END_DECLS
