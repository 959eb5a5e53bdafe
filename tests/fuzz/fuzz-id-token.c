/* fuzz-id-token.c: oidc_id_token_validate of arbitrary compact strings, and of arbitrary claims
 * signed with a key of the provider's set.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-jose-private.h"
#include "oidc-error.h"
#include "oidc-test-keys.h"
#include "fuzz-common.h"

/* The values the seeds under corpus/id-token use; NOW keeps every run deterministic. */
#define ISSUER       "https://id.example.test"
#define CLIENT_ID    "stagedoor-fuzz"
#define SUBJECT      "alice"
#define NONCE        "n-0S6_WzA2Mj"
#define ACCESS_TOKEN "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
#define NOW          G_GINT64_CONSTANT (1700000000)

/* The provider's key set: an RSA key "fuzz-rsa" and a P-256 key "fuzz-ec". Input that starts
 * with "{" is taken as the claims of a token the EC key signs, since the claim rules come only
 * after the signature and random input never gets past it. */
static OidcTestKey *ec_key;
static OidcJwks    *jwks;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(OidcTestKey) rsa_key = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  fuzz_setup ();

  rsa_key = oidc_test_key_new (OIDC_TEST_KEY_RSA, "fuzz-rsa");
  ec_key = oidc_test_key_new (OIDC_TEST_KEY_P256, "fuzz-ec");
  text = oidc_test_jwks_for_keys (rsa_key, ec_key, NULL);

  root = json_from_string (text, NULL);
  jwks = oidc_jwks_new_from_json (root, NULL);
  g_assert (jwks != NULL && oidc_jwks_get_n_keys (jwks) == 2);

  return 0;
}

static void
validate (const char             *compact,
          const OidcIdTokenCheck *check)
{
  g_autoptr(OidcIdToken) token = NULL;
  g_autoptr(GError) error = NULL;
  gboolean key_missing = FALSE;

  token = oidc_id_token_validate (compact, jwks, check, &key_missing, &error);
  if (token == NULL)
    {
      g_assert_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN);
      return;
    }

  /* What validation promises about a token it accepts. */
  g_assert_no_error (error);
  g_assert (!key_missing);
  g_assert_cmpstr (token->raw, ==, compact);
  g_assert_cmpstr (token->issuer, ==, check->issuer);
  g_assert (token->subject != NULL && *token->subject != '\0');
  g_assert (check->subject == NULL || g_str_equal (token->subject, check->subject));
  g_assert (check->nonce_mode != OIDC_NONCE_REQUIRED || g_strcmp0 (token->nonce, NONCE) == 0);
  g_assert (token->nonce == NULL || g_strcmp0 (token->nonce, check->nonce) == 0);
  g_assert_cmpint (token->expires_at, >, check->now - (gint64) check->leeway);
  g_assert_cmpint (token->issued_at, <=, check->now + (gint64) check->leeway);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = fuzz_dup_string (data, size);
  g_autofree char *signed_token = NULL;
  const char *compact = input;
  const OidcIdTokenCheck sign_in = {
    .issuer = ISSUER,
    .client_id = CLIENT_ID,
    .nonce = NONCE,
    .nonce_mode = OIDC_NONCE_REQUIRED,
    .now = NOW,
    .leeway = 60,
  };
  const OidcIdTokenCheck refresh = {
    .issuer = ISSUER,
    .client_id = CLIENT_ID,
    .nonce = NULL,
    .nonce_mode = OIDC_NONCE_IF_PRESENT,
    .subject = SUBJECT,
    .access_token = ACCESS_TOKEN,
    .now = NOW,
    .leeway = 0,
  };

  if (input[0] == '{')
    {
      signed_token = oidc_test_key_sign (ec_key, "ES256",
                                         "{\"alg\":\"ES256\",\"kid\":\"fuzz-ec\",\"typ\":\"JWT\"}",
                                         input);
      compact = signed_token;
    }

  validate (compact, &sign_in);
  validate (compact, &refresh);

  return 0;
}
