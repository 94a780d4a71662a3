/* quartet-quickblox-signature.h: the HMAC-SHA1 signature of a QuickBlox session request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *quartet_quickblox_sign (const char *auth_secret, const char *const *params);

char *quartet_quickblox_session_signature (const char *auth_secret,
                                           const char *application_id,
                                           const char *auth_key,
                                           const char *nonce,
                                           gint64 timestamp,
                                           const char *login,
                                           const char *password);

G_END_DECLS
