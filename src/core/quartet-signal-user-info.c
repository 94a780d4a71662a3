/* quartet-signal-user-info.c: the <userInfo> map of a call signal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * userInfo is a tree: an element with child elements is a map, any other
 * element is a string (its text). In memory it is an a{sv} whose values are
 * "s" or a nested a{sv}. Because an element without children reads back as
 * an empty string, an empty nested map has no wire form and is refused.
 */

#define G_LOG_DOMAIN "quartet-signal"

#include <string.h>

#include "quartet-signal-private.h"

#define USER_INFO_FIELD "userInfo"

typedef struct
{
  gsize used_bytes; /* keys and string values seen so far */
} UserInfoBudget;

/* Keys become element names, so they must be XML names. We only take the
 * ASCII subset without ':' (which would read as a namespace prefix). */
static gboolean
is_element_name (const char *key)
{
  if (!g_ascii_isalpha (key[0]) && key[0] != '_')
    return FALSE;

  for (const char *p = key + 1; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_key (const char *key, GError **error)
{
  g_autofree char *shown = NULL;

  if (is_element_name (key))
    return TRUE;

  shown = _quartet_signal_describe_value (key);
  _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, USER_INFO_FIELD,
                             "has key '%s', which is not an XML element name", shown);
  return FALSE;
}

static gboolean
spend_budget (UserInfoBudget *budget, gsize bytes, GError **error)
{
  budget->used_bytes += bytes;
  if (budget->used_bytes <= QUARTET_SIGNAL_MAX_USER_INFO_BYTES)
    return TRUE;

  _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, USER_INFO_FIELD,
                             "holds more than %d bytes of text",
                             QUARTET_SIGNAL_MAX_USER_INFO_BYTES);
  return FALSE;
}

static gboolean
check_depth (guint depth, GError **error)
{
  if (depth <= QUARTET_SIGNAL_MAX_USER_INFO_DEPTH)
    return TRUE;

  _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_TOO_LARGE, USER_INFO_FIELD,
                             "nests maps deeper than %d levels",
                             QUARTET_SIGNAL_MAX_USER_INFO_DEPTH);
  return FALSE;
}

static gboolean validate_map (GVariant *map, guint depth, UserInfoBudget *budget, GError **error);

static gboolean
validate_value (
    const char *key, GVariant *value, guint depth, UserInfoBudget *budget, GError **error)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *text = g_variant_get_string (value, NULL);

      return _quartet_signal_check_text (USER_INFO_FIELD, text, G_MAXSIZE, error)
             && spend_budget (budget, strlen (text), error);
    }

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT))
    {
      if (g_variant_n_children (value) == 0)
        {
          _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, USER_INFO_FIELD,
                                     "has an empty map at key '%s', which cannot be sent", key);
          return FALSE;
        }
      return validate_map (value, depth + 1, budget, error);
    }

  _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, USER_INFO_FIELD,
                             "has a value of type '%s' at key '%s'; only strings and maps",
                             g_variant_get_type_string (value), key);
  return FALSE;
}

static gboolean
validate_map (GVariant *map, guint depth, UserInfoBudget *budget, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gsize n_entries = g_variant_n_children (map);

  if (!check_depth (depth, error))
    return FALSE;

  for (gsize i = 0; i < n_entries; i++)
    {
      g_autoptr (GVariant) value = NULL;
      const char *key = NULL;

      g_variant_get_child (map, i, "{&sv}", &key, &value);

      if (!check_key (key, error))
        return FALSE;

      /* Two elements of one name would merge on most receivers. */
      if (!g_hash_table_add (seen, (gpointer)key))
        {
          _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, USER_INFO_FIELD,
                                     "has key '%s' more than once", key);
          return FALSE;
        }

      if (!spend_budget (budget, strlen (key), error)
          || !validate_value (key, value, depth, budget, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
_quartet_signal_user_info_validate (GVariant *user_info, GError **error)
{
  UserInfoBudget budget = { 0 };

  if (!g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT))
    {
      _quartet_signal_set_error (error, QUARTET_SIGNAL_ERROR_INVALID_FIELD, USER_INFO_FIELD,
                                 "has type '%s' instead of a{sv}",
                                 g_variant_get_type_string (user_info));
      return FALSE;
    }

  return validate_map (user_info, 1, &budget, error);
}

static void
append_map (GVariant *map, xmpp_stanza_t *element)
{
  xmpp_ctx_t *ctx = xmpp_stanza_get_context (element);
  gsize n_entries = g_variant_n_children (map);

  for (gsize i = 0; i < n_entries; i++)
    {
      g_autoptr (GVariant) value = NULL;
      const char *key = NULL;

      g_variant_get_child (map, i, "{&sv}", &key, &value);

      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          _quartet_signal_append_text_element (element, key, g_variant_get_string (value, NULL));
        }
      else
        {
          xmpp_stanza_t *child = _quartet_signal_new_element (ctx, key);

          append_map (value, child);
          _quartet_signal_append_element (element, child);
        }
    }
}

/* @user_info must have passed _quartet_signal_user_info_validate(). */
void
_quartet_signal_user_info_append (GVariant *user_info, xmpp_stanza_t *extra_params)
{
  xmpp_stanza_t *element;

  /* The JS SDK drops an empty userInfo too, so absent and empty are one. */
  if (g_variant_n_children (user_info) == 0)
    return;

  element = _quartet_signal_new_element (xmpp_stanza_get_context (extra_params), USER_INFO_FIELD);
  append_map (user_info, element);
  _quartet_signal_append_element (extra_params, element);
}

static GVariant *
parse_map (xmpp_stanza_t *element, guint depth, UserInfoBudget *budget, GError **error);

static GVariant *
parse_value (xmpp_stanza_t *element, guint depth, UserInfoBudget *budget, GError **error)
{
  g_autofree char *text = NULL;

  if (_quartet_signal_has_element_children (element))
    return parse_map (element, depth + 1, budget, error);

  text = _quartet_signal_element_text (element);

  /* Checked before g_variant_new_string(), which insists on UTF-8. */
  if (!_quartet_signal_check_text (USER_INFO_FIELD, text, G_MAXSIZE, error)
      || !spend_budget (budget, strlen (text), error))
    return NULL;

  return g_variant_new_take_string (g_steal_pointer (&text));
}

/* Only the limits that keep parsing cheap and safe are applied here (depth,
 * size, key syntax); quartet_signal_validate() then checks the rest. Text
 * between child elements of a map is layout and is skipped. */
static GVariant *
parse_map (xmpp_stanza_t *element, guint depth, UserInfoBudget *budget, GError **error)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  if (!check_depth (depth, error))
    return NULL;

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (element); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      const char *key = xmpp_stanza_get_name (child);
      GVariant *value;

      if (!xmpp_stanza_is_tag (child))
        continue;

      if (!check_key (key, error) || !spend_budget (budget, strlen (key), error))
        return NULL;

      value = parse_value (child, depth, budget, error);
      if (value == NULL)
        return NULL;

      g_variant_builder_add (&builder, "{sv}", key, value);
    }

  return g_variant_builder_end (&builder);
}

/* Sets *@out_user_info to NULL when the element holds no entries. */
gboolean
_quartet_signal_user_info_parse (xmpp_stanza_t *element, GVariant **out_user_info, GError **error)
{
  UserInfoBudget budget = { 0 };
  g_autoptr (GVariant) user_info = NULL;

  *out_user_info = NULL;

  user_info = parse_map (element, 1, &budget, error);
  if (user_info == NULL)
    return FALSE;

  g_variant_ref_sink (user_info);
  if (g_variant_n_children (user_info) > 0)
    *out_user_info = g_steal_pointer (&user_info);

  return TRUE;
}
