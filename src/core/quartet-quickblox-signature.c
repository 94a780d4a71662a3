/* quartet-quickblox-signature.c: the HMAC-SHA1 signature of a QuickBlox session request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * QuickBlox proves that a session request comes from the application by a
 * signature over its parameters: HMAC-SHA1 keyed with the application's auth
 * secret, over the parameters sorted by name and joined as
 * `name=value&name=value`, nested ones named `user[login]`. The values go in
 * as they are, not URL-encoded: that is what the public SDKs sign (the JS
 * SDK's signMessage, the PHP examples' urldecode(http_build_query())), so a
 * login with a space or an '&' signs the same way there and here.
 *
 * Pure and without I/O, so that the unit test can check it against vectors
 * computed with openssl.
 */
#define G_LOG_DOMAIN "quartet-quickblox"

#include <string.h>

#include "quartet-quickblox-signature.h"

typedef struct
{
  const char *name;
  const char *value;
} Param;

static int
compare_params (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Param *)a)->name, ((const Param *)b)->name);
}

/* @params: NULL-terminated pairs, name then value ("nonce", "123", ...).
 * Returns the lowercase hex digest, as the REST API expects it. */
char *
quartet_quickblox_sign (const char *auth_secret, const char *const *params)
{
  g_autoptr (GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Param));
  g_autoptr (GString) message = g_string_new (NULL);
  g_autoptr (GHmac) hmac = NULL;
  char *digest;

  g_return_val_if_fail (auth_secret != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);

  for (gsize i = 0; params[i] != NULL; i += 2)
    {
      Param param = { params[i], params[i + 1] };

      g_return_val_if_fail (param.value != NULL, NULL);
      g_array_append_val (sorted, param);
    }
  g_array_sort (sorted, compare_params);

  for (guint i = 0; i < sorted->len; i++)
    {
      const Param *param = &g_array_index (sorted, Param, i);

      if (i > 0)
        g_string_append_c (message, '&');
      g_string_append_printf (message, "%s=%s", param->name, param->value);
    }

  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *)auth_secret, strlen (auth_secret));
  g_hmac_update (hmac, (const guchar *)message->str, message->len);
  digest = g_strdup (g_hmac_get_string (hmac));

  /* The message holds the user's password: do not leave it in freed memory. */
  memset (message->str, 0, message->len);
  return digest;
}

/* The signature of `POST /session.json` for a user session. */
char *
quartet_quickblox_session_signature (const char *auth_secret,
                                     const char *application_id,
                                     const char *auth_key,
                                     const char *nonce,
                                     gint64 timestamp,
                                     const char *login,
                                     const char *password)
{
  g_autofree char *timestamp_text = g_strdup_printf ("%" G_GINT64_FORMAT, timestamp);
  /* One name and its value a line. */
  /* clang-format off */
  const char *const params[] = {
    "application_id", application_id,
    "auth_key", auth_key,
    "nonce", nonce,
    "timestamp", timestamp_text,
    "user[login]", login,
    "user[password]", password,
    NULL,
  };
  /* clang-format on */

  return quartet_quickblox_sign (auth_secret, params);
}
