/* quartet-quickblox-private.h: what the QuickBlox account shares with its directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "quartet-quickblox-account.h"

G_BEGIN_DECLS

/* What a request was for decides what a 401 or 422 means. */
typedef enum
{
  QUARTET_QUICKBLOX_REQUEST_SESSION, /* creating a session: the credentials */
  QUARTET_QUICKBLOX_REQUEST_TOKEN,   /* anything sent with QB-Token: the token */
} QuartetQuickbloxRequestKind;

/* quartet-quickblox-request.c */
void _quartet_quickblox_request_async (SoupSession *session,
                                       SoupMessage *message,
                                       QuartetQuickbloxRequestKind kind,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
JsonObject *_quartet_quickblox_request_finish (GAsyncResult *result, GError **error);
char *_quartet_quickblox_error_text (JsonNode *errors);
JsonObject *_quartet_quickblox_object_member (JsonObject *object, const char *name);
JsonArray *_quartet_quickblox_array_member (JsonObject *object, const char *name);

/* quartet-quickblox-account.c */
SoupSession *_quartet_quickblox_account_get_session (QuartetQuickbloxAccount *self);
char *
_quartet_quickblox_account_url (QuartetQuickbloxAccount *self, const char *path, const char *query);
void _quartet_quickblox_account_renew_async (QuartetQuickbloxAccount *self,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
gboolean _quartet_quickblox_account_renew_finish (QuartetQuickbloxAccount *self,
                                                  GAsyncResult *result,
                                                  GError **error);

/* quartet-quickblox-request.c */
void _quartet_quickblox_account_get_async (QuartetQuickbloxAccount *self,
                                           const char *path,
                                           const char *query,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
JsonObject *_quartet_quickblox_account_get_finish (QuartetQuickbloxAccount *self,
                                                   GAsyncResult *result,
                                                   GError **error);

G_END_DECLS
