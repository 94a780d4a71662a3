/* quartet-call-client-private.h: internals for tests and fuzzers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-call-client.h"

G_BEGIN_DECLS

/* What init() does once the connection is signed in: take the call signals
 * it receives. */
void _quartet_call_client_start_receiving (QuartetCallClient *self);

G_END_DECLS
