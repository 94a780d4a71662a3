/* quartet-jid.c: JIDs and the user ids the call protocol derives from them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/protocol.md: a QuickBlox account's JID is `{userId}-{appId}@{chatDomain}`
 * and its user id is the digits before the first '-'. Any other account's
 * user id is its bare JID, so Quartet also works on a plain XMPP server.
 */
#define G_LOG_DOMAIN "quartet-jid"

#include "quartet-jid.h"

#include <string.h>

#define MAX_JID_PART 1023

static gboolean
is_forbidden_char (gunichar c)
{
  return g_unichar_isspace (c) || g_unichar_iscntrl (c) || c == '"' || c == '&' || c == '\''
         || c == '<' || c == '>';
}

static gboolean
is_valid_part (const char *start, gsize len)
{
  const char *end = start + len;

  if (len == 0 || len > MAX_JID_PART || !g_utf8_validate (start, len, NULL))
    return FALSE;

  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    if (is_forbidden_char (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

/* localpart@domain/resource, with a mandatory localpart (accounts always have one). */
gboolean
quartet_jid_is_valid (const char *jid)
{
  const char *at, *slash;

  if (jid == NULL)
    return FALSE;

  slash = strchr (jid, '/');
  at = strchr (jid, '@');
  if (at == NULL || (slash != NULL && slash < at))
    return FALSE;

  if (!is_valid_part (jid, at - jid))
    return FALSE;

  if (slash == NULL)
    return is_valid_part (at + 1, strlen (at + 1)) && strchr (at + 1, '@') == NULL;

  return is_valid_part (at + 1, slash - at - 1) && memchr (at + 1, '@', slash - at - 1) == NULL
         && is_valid_part (slash + 1, strlen (slash + 1));
}

char *
quartet_jid_get_bare (const char *jid)
{
  const char *slash;

  g_return_val_if_fail (jid != NULL, NULL);

  slash = strchr (jid, '/');
  return slash ? g_strndup (jid, slash - jid) : g_strdup (jid);
}

char *
quartet_jid_get_domain (const char *jid)
{
  g_autofree char *bare = NULL;
  const char *at;

  g_return_val_if_fail (jid != NULL, NULL);

  bare = quartet_jid_get_bare (jid);
  at = strchr (bare, '@');
  return g_strdup (at ? at + 1 : bare);
}

/* Length of the QuickBlox user id at the start of @jid, or 0 when the
 * localpart is not of the `{digits}-{digits}` form. */
static gsize
quickblox_id_length (const char *jid)
{
  gsize digits = strspn (jid, "0123456789");
  gsize app_digits;

  if (digits == 0 || digits > 15 || jid[0] == '0' || jid[digits] != '-')
    return 0;

  app_digits = strspn (jid + digits + 1, "0123456789");
  if (app_digits == 0 || jid[digits + 1 + app_digits] != '@')
    return 0;

  return digits;
}

gboolean
quartet_jid_is_quickblox (const char *jid)
{
  g_return_val_if_fail (jid != NULL, FALSE);

  return quickblox_id_length (jid) > 0;
}

char *
quartet_jid_get_user_id (const char *jid)
{
  gsize id_len;

  g_return_val_if_fail (jid != NULL, NULL);

  id_len = quickblox_id_length (jid);
  if (id_len > 0)
    return g_strndup (jid, id_len);

  return quartet_jid_get_bare (jid);
}

static gboolean
is_numeric_id (const char *id)
{
  return id[0] != '\0' && strspn (id, "0123456789") == strlen (id);
}

/* Where to send signals for @user_id: a bare JID is its own address; a
 * numeric QuickBlox id lives in our application on our chat domain
 * (`{id}-{appId}@{domain}`, docs/protocol.md). NULL if @own_jid cannot tell. */
char *
quartet_jid_for_user_id (const char *user_id, const char *own_jid)
{
  g_autofree char *domain = NULL;
  const char *dash;

  g_return_val_if_fail (user_id != NULL, NULL);
  g_return_val_if_fail (own_jid != NULL, NULL);

  if (strchr (user_id, '@') != NULL)
    return quartet_jid_get_bare (user_id);

  if (!is_numeric_id (user_id) || !quartet_jid_is_quickblox (own_jid))
    return NULL;

  dash = strchr (own_jid, '-');
  domain = quartet_jid_get_domain (own_jid);
  return g_strdup_printf ("%s-%.*s@%s", user_id, (int)strcspn (dash + 1, "@"), dash + 1, domain);
}

/* The mesh rule's order: numbers as numbers, JIDs as strings; a number
 * sorts before a JID so that mixed sessions still agree on one order. */
int
quartet_user_id_compare (const char *a, const char *b)
{
  gboolean a_numeric = is_numeric_id (a);
  gboolean b_numeric = is_numeric_id (b);

  if (a_numeric && b_numeric)
    {
      gsize la = strlen (a), lb = strlen (b);

      /* Ids have no leading zeros, so the longer one is larger. */
      return la != lb ? (la < lb ? -1 : 1) : strcmp (a, b);
    }

  if (a_numeric != b_numeric)
    return a_numeric ? -1 : 1;

  return strcmp (a, b);
}
