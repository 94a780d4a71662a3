/* quartet.h: the public API of libquartet, the GTK-free call engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-call-client.h"
#include "quartet-call-participant.h"
#include "quartet-call-session.h"
#include "quartet-contact.h"
#include "quartet-enums.h"
#include "quartet-jid.h"
#include "quartet-log.h"
#include "quartet-media.h"
#include "quartet-microphone-test.h"
#include "quartet-peer.h"
#include "quartet-portal.h"
#include "quartet-quickblox-account.h"
#include "quartet-quickblox-directory.h"
#include "quartet-signal.h"
#include "quartet-signaling.h"
#include "quartet-voice-activity.h"
#include "quartet-xmpp-connection.h"
