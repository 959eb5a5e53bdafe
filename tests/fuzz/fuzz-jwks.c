/* fuzz-jwks.c: oidc_jwks_new_from_json on arbitrary JSON, and the keys it keeps at work.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-jose-private.h"
#include "oidc-error.h"
#include "oidc-test-keys.h"
#include "fuzz-common.h"

/* Tokens signed once by keys of each type, with the key IDs of the seeds, so that a key set
 * from the input meets verification: its key type, curve, size and "alg" against a token's. */
static GPtrArray *tokens;

static void
add_token (OidcTestKeyType  type,
           const char      *kid,
           const char      *alg)
{
  g_autoptr(OidcTestKey) key = oidc_test_key_new (type, kid);
  g_autofree char *header = g_strdup_printf ("{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid);
  g_autofree char *compact = oidc_test_key_sign (key, alg, header, "{\"sub\":\"fuzz\"}");
  OidcJws *jws = oidc_jws_parse (compact, NULL);

  g_assert (jws != NULL);
  g_ptr_array_add (tokens, jws);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_setup ();

  tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) oidc_jws_free);
  add_token (OIDC_TEST_KEY_RSA, "rsa", "RS256");
  add_token (OIDC_TEST_KEY_RSA, "rsa", "PS384");
  add_token (OIDC_TEST_KEY_P256, "p256", "ES256");
  add_token (OIDC_TEST_KEY_P384, "p384", "ES384");
  add_token (OIDC_TEST_KEY_P521, "p521", "ES512");

  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(OidcJwks) jwks = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return 0;

  root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;

  jwks = oidc_jwks_new_from_json (root, &error);
  if (jwks == NULL)
    {
      g_assert_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE);
      return 0;
    }
  g_assert_no_error (error);

  oidc_jwks_unref (oidc_jwks_ref (jwks));

  /* The key set is the input's, not the signer's: no token may verify with it. */
  for (guint i = 0; i < tokens->len; i++)
    {
      g_autoptr(GError) verify_error = NULL;
      gboolean key_missing = FALSE;

      g_assert (!oidc_jws_verify (g_ptr_array_index (tokens, i), jwks, &key_missing,
                                  &verify_error));
      g_assert_error (verify_error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN);
    }

  return 0;
}
