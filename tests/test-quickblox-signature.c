/* test-quickblox-signature.c: the QuickBlox session signature, and how the
 * API's error answers read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The expected digests were computed independently of Quartet, with openssl
 * over the string the QuickBlox SDKs sign, e.g.
 *   printf '%s' 'application_id=97&auth_key=Kx7pQ2mZ-aBcD&nonce=1234567&timestamp=1700000000&user[login]=alice&user[password]=s3cret pass' \
 *     | openssl dgst -sha1 -hmac 'Nq4sS3cr3tV4lue'
 * and pasted here.
 */
#define G_LOG_DOMAIN "test-quickblox-signature"

#include "quartet-quickblox-private.h"
#include "quartet-quickblox-signature.h"

#define SECRET "Nq4sS3cr3tV4lue"

static void
test_session_signature (void)
{
  g_autofree char *signature = quartet_quickblox_session_signature (
      SECRET, "97", "Kx7pQ2mZ-aBcD", "1234567", 1700000000, "alice", "s3cret pass");

  g_assert_cmpstr (signature, ==, "bb9c03d9775418c5c42f2afbbf601730e8bfefb2");
}

/* Values are signed as they are, not URL-encoded, whatever they hold;
 * the key is the secret's UTF-8 bytes. */
static void
test_raw_values (void)
{
  g_autofree char *signature = quartet_quickblox_session_signature (
      "üñï secret", "4242", "key", "1", 1326966962, "bob & co=1", "pässwörd&amp");

  g_assert_cmpstr (signature, ==, "f961706c952fde832d3bb0d4c4bd5aca5cbd0172");
}

/* Parameters are sorted by name, whatever order they come in. */
static void
test_sorted_by_name (void)
{
  const char *const params[] = {
    "timestamp", "1700000000", "nonce", "99", "auth_key", "Kx7pQ2mZ-aBcD",
    "application_id", "97", NULL,
  };
  g_autofree char *signature = quartet_quickblox_sign (SECRET, params);

  g_assert_cmpstr (signature, ==, "ce38987c552431167a59e10297627eff309d774d");
}

/* Any other input gives another signature: the nonce and timestamp count. */
static void
test_every_field_counts (void)
{
  g_autofree char *reference = quartet_quickblox_session_signature (
      SECRET, "97", "Kx7pQ2mZ-aBcD", "1234567", 1700000000, "alice", "s3cret pass");
  g_autofree char *other_nonce = quartet_quickblox_session_signature (
      SECRET, "97", "Kx7pQ2mZ-aBcD", "1234568", 1700000000, "alice", "s3cret pass");
  g_autofree char *other_time = quartet_quickblox_session_signature (
      SECRET, "97", "Kx7pQ2mZ-aBcD", "1234567", 1700000001, "alice", "s3cret pass");
  g_autofree char *other_secret = quartet_quickblox_session_signature (
      "x", "97", "Kx7pQ2mZ-aBcD", "1234567", 1700000000, "alice", "s3cret pass");

  g_assert_cmpstr (reference, !=, other_nonce);
  g_assert_cmpstr (reference, !=, other_time);
  g_assert_cmpstr (reference, !=, other_secret);
}

static char *
error_text (const char *json)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return _quartet_quickblox_error_text (node);
}

/* The shapes of QuickBlox's {"errors": ...}, as the messages users see. */
static void
test_error_text (void)
{
  g_autofree char *list = error_text ("[\"Unauthorized\"]");
  g_autofree char *base = error_text ("{\"base\": [\"Unexpected signature\"]}");
  g_autofree char *fields
      = error_text ("{\"login\": [\"can't be blank\"], \"base\": [\"Bad request\"]}");
  g_autofree char *nothing = error_text ("{\"base\": [42]}");
  g_autofree char *plain = error_text ("\"Token has expired\"");
  g_autofree char *long_text = NULL;
  g_autofree char *many = g_strnfill (1000, 'x');
  g_autofree char *long_json = g_strdup_printf ("[\"%s\"]", many);

  g_assert_cmpstr (list, ==, "Unauthorized");
  g_assert_cmpstr (base, ==, "Unexpected signature");
  g_assert_cmpstr (fields, ==, "login can't be blank; Bad request");
  g_assert_null (nothing);
  g_assert_cmpstr (plain, ==, "Token has expired");

  long_text = error_text (long_json);
  g_assert_cmpuint (strlen (long_text), <, 210);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/quickblox/signature/session", test_session_signature);
  g_test_add_func ("/quickblox/signature/raw-values", test_raw_values);
  g_test_add_func ("/quickblox/signature/sorted-by-name", test_sorted_by_name);
  g_test_add_func ("/quickblox/signature/every-field-counts", test_every_field_counts);
  g_test_add_func ("/quickblox/error-text", test_error_text);

  return g_test_run ();
}
