/* test-jose.c: base64url, randomness, PKCE, JWKS, JWS and ID-token validation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "oidc-jose-private.h"
#include "oidc-error.h"
#include "oidc-test-keys.h"

#define ISSUER       "https://id.example.org"
#define CLIENT_ID    "stagedoor-test"
#define SUBJECT      "248289761001"
#define NONCE        "n-0S6_WzA2Mj"
#define ACCESS_TOKEN "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
#define NOW          G_GINT64_CONSTANT (1700000000)
#define LEEWAY       60

/* Key generation is slow, so the keys are made once for all cases. The standard set holds
 * rsa_key and the three EC keys; other_rsa_key is the attacker's key in most cases. */
static OidcTestKey *rsa_key;
static OidcTestKey *other_rsa_key;
static OidcTestKey *p256_key;
static OidcTestKey *p384_key;
static OidcTestKey *p521_key;
static OidcJwks    *standard_jwks;

/* Helpers */

static OidcJwks *
jwks_from_string (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  OidcJwks *jwks;

  root = json_from_string (text, &error);
  g_assert_no_error (error);

  jwks = oidc_jwks_new_from_json (root, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jwks);

  return jwks;
}

static JsonObject *
valid_claims (void)
{
  return oidc_test_id_token_claims (ISSUER, CLIENT_ID, SUBJECT, NONCE, NULL, NOW);
}

static OidcIdTokenCheck
valid_check (void)
{
  OidcIdTokenCheck check = {
    .issuer = ISSUER,
    .client_id = CLIENT_ID,
    .nonce = NONCE,
    .nonce_mode = OIDC_NONCE_REQUIRED,
    .now = NOW,
    .leeway = LEEWAY,
  };

  return check;
}

static char *
encode_text (const char *text)
{
  return oidc_base64url_encode ((const guint8 *) text, strlen (text));
}

static char *
header_to_string (const char *alg,
                  const char *kid)
{
  g_autoptr(JsonObject) header = json_object_new ();

  json_object_set_string_member (header, "alg", alg);
  if (kid != NULL)
    json_object_set_string_member (header, "kid", kid);

  return oidc_test_json_to_string (header);
}

/* Signs @claims with @key by @sign_alg under a header naming @alg and @kid, which may lie. */
static char *
sign_with_header (OidcTestKey *key,
                  const char  *sign_alg,
                  const char  *alg,
                  const char  *kid,
                  JsonObject  *claims)
{
  g_autofree char *header = header_to_string (alg, kid);
  g_autofree char *payload = oidc_test_json_to_string (claims);

  return oidc_test_key_sign (key, sign_alg, header, payload);
}

static void
assert_accepted (const char             *token,
                 OidcJwks               *jwks,
                 const OidcIdTokenCheck *check)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OidcIdToken) id_token = NULL;
  gboolean key_missing = TRUE;

  id_token = oidc_id_token_validate (token, jwks, check, &key_missing, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id_token);
  g_assert_false (key_missing);
}

/* Returns whether the key was reported missing. */
static gboolean
assert_rejected (const char             *token,
                 OidcJwks               *jwks,
                 const OidcIdTokenCheck *check,
                 const char             *rule)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OidcIdToken) id_token = NULL;
  gboolean key_missing = FALSE;

  id_token = oidc_id_token_validate (token, jwks, check, &key_missing, &error);
  g_assert_null (id_token);
  g_assert_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN);

  g_test_message ("Rejected: %s", error->message);
  if (strstr (error->message, rule) == NULL)
    g_test_fail_printf ("The message “%s” does not name the rule “%s”",
                        error->message, rule);

  return key_missing;
}

/* base64url */

typedef struct
{
  const char *data;
  const char *text;
} Base64Vector;

/* RFC 4648 section 10 without padding, and bytes that use the two url-safe characters
 * (RFC 7515 appendix C). */
static const Base64Vector base64_vectors[] = {
  { "", "" },
  { "f", "Zg" },
  { "fo", "Zm8" },
  { "foo", "Zm9v" },
  { "foob", "Zm9vYg" },
  { "fooba", "Zm9vYmE" },
  { "foobar", "Zm9vYmFy" },
  { "\x03\xec\xff\xe0\xc1", "A-z_4ME" },
  { "\xfb\xff", "-_8" },
};

static void
test_base64url_encode (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (base64_vectors); i++)
    {
      const Base64Vector *vector = &base64_vectors[i];
      g_autofree char *text = NULL;

      text = oidc_base64url_encode ((const guint8 *) vector->data, strlen (vector->data));
      g_assert_cmpstr (text, ==, vector->text);
    }
}

static void
test_base64url_decode (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (base64_vectors); i++)
    {
      const Base64Vector *vector = &base64_vectors[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      gsize size;
      const guint8 *data;

      bytes = oidc_base64url_decode (vector->text, -1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (bytes);

      data = g_bytes_get_data (bytes, &size);
      g_assert_cmpmem (data, size, vector->data, strlen (vector->data));
    }
}

static void
test_base64url_explicit_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  /* Only the first four characters count; the rest would be refused as a bad length. */
  bytes = oidc_base64url_decode ("Zm9vYmFyZ", 4, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "foo", 3);
}

static void
test_base64url_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  bytes = oidc_base64url_decode ("", -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);

  text = oidc_base64url_encode (NULL, 0);
  g_assert_cmpstr (text, ==, "");
}

static void
assert_base64url_refused (const char *text,
                          gssize      len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = oidc_base64url_decode (text, len, &error);
  g_assert_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE);
  g_assert_null (bytes);
}

static void
test_base64url_padding (void)
{
  assert_base64url_refused ("Zg==", -1);
  assert_base64url_refused ("Zm8=", -1);
  assert_base64url_refused ("Zm9vYg==", -1);
  assert_base64url_refused ("====", -1);
}

static void
test_base64url_alphabet (void)
{
  /* The standard alphabet's two characters are the ones base64url replaces. */
  assert_base64url_refused ("Zm9+", -1);
  assert_base64url_refused ("Zm9/", -1);
  assert_base64url_refused ("Zm 9v", -1);
  assert_base64url_refused ("Zm9v\n", -1);
  assert_base64url_refused ("Zm.9", -1);
  assert_base64url_refused ("Zm9\xc3\xa9", -1);
  assert_base64url_refused ("Zm\0v", 4);
}

static void
test_base64url_length (void)
{
  assert_base64url_refused ("Z", -1);
  assert_base64url_refused ("Zm9vY", -1);
  assert_base64url_refused ("Zm9vYmFyZ", -1);
}

static void
test_base64url_stray_bits (void)
{
  /* "Zg" and "Zm8" are canonical; "Zh" and "Zm9" end with bits no byte holds. */
  assert_base64url_refused ("Zh", -1);
  assert_base64url_refused ("Zm9", -1);
}

/* Randomness and PKCE */

static void
test_random_token (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *empty = oidc_random_token (0);

  g_assert_cmpstr (empty, ==, "");

  for (guint i = 0; i < 256; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      char *token = oidc_random_token (32);

      /* 32 bytes are 43 characters of base64url without padding. */
      g_assert_cmpuint (strlen (token), ==, 43);
      bytes = oidc_base64url_decode (token, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, 32);

      g_assert_false (g_hash_table_contains (seen, token));
      g_hash_table_add (seen, token);
    }

  for (gsize n_bytes = 1; n_bytes <= 64; n_bytes++)
    {
      g_autofree char *token = oidc_random_token (n_bytes);

      g_assert_cmpuint (strlen (token), ==, (n_bytes * 4 + 2) / 3);
    }
}

static void
test_pkce_rfc7636 (void)
{
  g_autofree char *challenge = NULL;

  /* RFC 7636 appendix B. */
  challenge = oidc_pkce_s256 ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_pkce_random_verifier (void)
{
  g_autofree char *verifier = oidc_random_token (32);
  g_autofree char *challenge = oidc_pkce_s256 (verifier);

  g_assert_cmpuint (strlen (challenge), ==, 43);
}

static void
test_pkce_invalid_verifier (void)
{
  g_autofree char *challenge = NULL;

  /* RFC 7636 section 4.1 wants at least 43 characters; asking for less is a programming
   * error. */
  g_test_expect_message ("Oidc", G_LOG_LEVEL_CRITICAL, "*is_pkce_verifier*");
  challenge = oidc_pkce_s256 ("too-short");
  g_test_assert_expected_messages ();
  g_assert_null (challenge);
}

/* JWS parsing */

static void
test_jws_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *token = oidc_test_key_sign_jwt (rsa_key, "RS256", claims);
  g_autoptr(OidcJws) jws = NULL;

  jws = oidc_jws_parse (token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jws);

  g_assert_cmpstr (oidc_jws_get_alg (jws), ==, "RS256");
  g_assert_cmpstr (oidc_jws_get_kid (jws), ==, "rsa-1");
  g_assert_cmpstr (json_object_get_string_member (oidc_jws_get_header (jws), "typ"), ==, "JWT");
  g_assert_cmpstr (json_object_get_string_member (oidc_jws_get_payload (jws), "iss"), ==,
                   ISSUER);
}

typedef struct
{
  const char *name;
  const char *compact;       /* used as it is when not NULL */
  const char *header_json;   /* otherwise these two are encoded */
  const char *payload_json;
} MalformedJws;

/* "eyJhbGciOiJSUzI1NiJ9" is {"alg":"RS256"}, "e30" is {} and "c2ln" is a stand-in signature. */
static const MalformedJws malformed_jws[] = {
  { "empty", "" },
  { "one-part", "eyJhbGciOiJSUzI1NiJ9" },
  { "two-parts", "eyJhbGciOiJSUzI1NiJ9.e30" },
  { "four-parts", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln.c2ln" },
  { "bad-base64-header", "eyJhbGciOiJSUzI1NiJ9*.e30.c2ln" },
  { "padded-header", "eyJhbGciOiJSUzI1NiJ9=.e30.c2ln" },
  { "bad-base64-payload", "eyJhbGciOiJSUzI1NiJ9.e3+0.c2ln" },
  { "bad-base64-signature", "eyJhbGciOiJSUzI1NiJ9.e30.c2l/" },
  { "header-array", NULL, "[\"alg\", \"RS256\"]", "{}" },
  { "header-not-json", NULL, "alg: RS256", "{}" },
  { "header-empty", NULL, "", "{}" },
  { "header-invalid-utf8", NULL, "{\"alg\":\"RS256\",\"x\":\"\xff\"}", "{}" },
  { "payload-string", NULL, "{\"alg\":\"RS256\"}", "\"claims\"" },
  { "payload-empty", NULL, "{\"alg\":\"RS256\"}", "" },
  { "alg-missing", NULL, "{\"kid\":\"rsa-1\"}", "{}" },
  { "alg-not-string", NULL, "{\"alg\":256}", "{}" },
  { "alg-null", NULL, "{\"alg\":null}", "{}" },
  { "kid-not-string", NULL, "{\"alg\":\"RS256\",\"kid\":7}", "{}" },
};

static void
test_jws_parse_malformed (gconstpointer data)
{
  const MalformedJws *test = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OidcJws) jws = NULL;
  g_autofree char *compact = NULL;

  if (test->compact != NULL)
    {
      compact = g_strdup (test->compact);
    }
  else
    {
      g_autofree char *header = encode_text (test->header_json);
      g_autofree char *payload = encode_text (test->payload_json);

      compact = g_strconcat (header, ".", payload, ".c2ln", NULL);
    }

  jws = oidc_jws_parse (compact, &error);
  g_assert_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN);
  g_assert_null (jws);
  g_test_message ("Refused: %s", error->message);
}

/* Signature verification */

static OidcTestKey *
key_for_alg (const char *alg)
{
  if (g_str_equal (alg, "ES256"))
    return p256_key;
  if (g_str_equal (alg, "ES384"))
    return p384_key;
  if (g_str_equal (alg, "ES512"))
    return p521_key;

  return rsa_key;
}

static void
test_jws_verify (gconstpointer data)
{
  const char *alg = data;
  OidcTestKey *key = key_for_alg (alg);
  OidcIdTokenCheck check = valid_check ();
  g_autofree char *at_hash = oidc_test_at_hash (alg, ACCESS_TOKEN);
  /* One ECDSA signature in 128 has R or S with a leading zero byte, which must survive the
   * conversion to and from DER, so EC keys sign many times. */
  guint n_tokens = g_str_has_prefix (alg, "ES") ? 64 : 2;

  check.access_token = ACCESS_TOKEN;

  for (guint i = 0; i < n_tokens; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) claims = valid_claims ();
      g_autofree char *token = NULL;
      g_autoptr(OidcJws) jws = NULL;
      gboolean key_missing = TRUE;

      json_object_set_string_member (claims, "at_hash", at_hash);
      json_object_set_int_member (claims, "i", i);
      token = oidc_test_key_sign_jwt (key, alg, claims);

      jws = oidc_jws_parse (token, &error);
      g_assert_no_error (error);
      g_assert_true (oidc_jws_verify (jws, standard_jwks, &key_missing, &error));
      g_assert_no_error (error);
      g_assert_false (key_missing);

      assert_accepted (token, standard_jwks, &check);
    }
}

static void
test_jws_verify_ecdsa_leading_zero (void)
{
  OidcIdTokenCheck check = valid_check ();

  /* R or S below 2^248 starts with a zero byte in JWS but loses it in DER. Signing until that
   * happens makes the case certain rather than likely: each try has one chance in 128. */
  for (guint i = 0; i < 8192; i++)
    {
      g_autoptr(JsonObject) claims = valid_claims ();
      g_autofree char *token = NULL;
      g_autoptr(GBytes) signature = NULL;
      const guint8 *data;

      json_object_set_int_member (claims, "i", i);
      token = oidc_test_key_sign_jwt (p256_key, "ES256", claims);
      signature = oidc_base64url_decode (strrchr (token, '.') + 1, -1, NULL);
      g_assert_cmpuint (g_bytes_get_size (signature), ==, 64);
      data = g_bytes_get_data (signature, NULL);

      if (data[0] == 0 || data[32] == 0)
        {
          g_test_message ("Signature %u has a leading zero in %s", i, data[0] == 0 ? "R" : "S");
          assert_accepted (token, standard_jwks, &check);
          return;
        }
    }

  g_test_fail_printf ("No ES256 signature with a leading zero byte came up");
}

static char *
flip_signature_byte (const char *token)
{
  const char *dot = strrchr (token, '.');
  g_autoptr(GBytes) signature = oidc_base64url_decode (dot + 1, -1, NULL);
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (signature, NULL),
                                       g_bytes_get_size (signature));
  g_autofree char *text = NULL;

  data[g_bytes_get_size (signature) / 2] ^= 0x01;
  text = oidc_base64url_encode (data, g_bytes_get_size (signature));

  return g_strdup_printf ("%.*s.%s", (int) (dot - token), token, text);
}

static void
test_id_token_bad_signature (gconstpointer data)
{
  const char *alg = data;
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *token = oidc_test_key_sign_jwt (key_for_alg (alg), alg, claims);
  g_autofree char *forged = flip_signature_byte (token);

  g_assert_false (assert_rejected (forged, standard_jwks, &check, "signature"));
}

static void
test_id_token_truncated_signature (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *token = oidc_test_key_sign_jwt (rsa_key, "RS256", claims);
  g_autofree char *unsigned_token = NULL;

  /* Kept signing input, no signature: this is not alg "none" and must not pass as it. */
  unsigned_token = g_strndup (token, strrchr (token, '.') - token + 1);
  assert_rejected (unsigned_token, standard_jwks, &check, "signature");
}

static void
test_id_token_alg_none (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *with_kid = oidc_test_forge_alg_none ("rsa-1", claims);
  g_autofree char *without_kid = oidc_test_forge_alg_none (NULL, claims);

  assert_rejected (with_kid, standard_jwks, &check, "“none”");
  assert_rejected (without_kid, standard_jwks, &check, "“none”");
}

static void
test_id_token_hs256_public_key (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  OidcTestHmacSecret secrets[] = {
    OIDC_TEST_HMAC_SECRET_JWK, OIDC_TEST_HMAC_SECRET_DER, OIDC_TEST_HMAC_SECRET_PEM,
  };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_autofree char *token = oidc_test_forge_hs256 (rsa_key, secrets[i], claims);

      assert_rejected (token, standard_jwks, &check, "allow-list");
    }
}

static void
test_id_token_alg_key_type_mismatch (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *rs_on_ec = sign_with_header (p256_key, "ES256", "RS256", "ec-p256", claims);
  g_autofree char *es_on_rsa = sign_with_header (rsa_key, "RS256", "ES256", "rsa-1", claims);

  /* The key exists, so asking for the set again would not help. */
  g_assert_false (assert_rejected (rs_on_ec, standard_jwks, &check, "needs an RSA key"));
  g_assert_false (assert_rejected (es_on_rsa, standard_jwks, &check, "needs an EC key"));
}

static void
test_id_token_alg_curve_mismatch (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *token = sign_with_header (p384_key, "ES256", "ES256", "ec-p384", claims);

  g_assert_false (assert_rejected (token, standard_jwks, &check, "needs a key on P-256"));
}

static void
test_id_token_alg_not_allowed (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  const char *algs[] = { "RS1", "HS512", "ES256K", "EdDSA", "None", "rs256", "" };

  for (guint i = 0; i < G_N_ELEMENTS (algs); i++)
    {
      g_autofree char *token = sign_with_header (rsa_key, "RS256", algs[i], "rsa-1", claims);

      assert_rejected (token, standard_jwks, &check, "allow-list");
    }
}

static void
test_id_token_jwk_alg_mismatch (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autoptr(JsonObject) rs512_jwk = oidc_test_key_to_jwk (rsa_key, "RS512", "sig");
  g_autoptr(JsonObject) rs256_jwk = oidc_test_key_to_jwk (rsa_key, "RS256", "sig");
  g_autofree char *rs512_text = oidc_test_jwks_to_string (rs512_jwk, NULL);
  g_autofree char *rs256_text = oidc_test_jwks_to_string (rs256_jwk, NULL);
  g_autoptr(OidcJwks) rs512_jwks = jwks_from_string (rs512_text);
  g_autoptr(OidcJwks) rs256_jwks = jwks_from_string (rs256_text);
  g_autofree char *token = oidc_test_key_sign_jwt (rsa_key, "RS256", claims);

  g_assert_false (assert_rejected (token, rs512_jwks, &check, "disagrees"));
  assert_accepted (token, rs256_jwks, &check);
}

static void
test_id_token_header_keys_ignored (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autoptr(JsonObject) attacker_jwk = oidc_test_key_to_jwk (other_rsa_key, "RS256", "sig");
  g_autoptr(JsonObject) header = json_object_new ();
  g_autofree char *payload_json = oidc_test_json_to_string (claims);
  g_autofree char *header_json = NULL;
  g_autofree char *real_kid = NULL;
  g_autofree char *attacker_kid = NULL;

  /* The attacker names the real key but signs with their own, offering it every way JWS
   * allows; none of them may be followed. */
  json_object_set_string_member (header, "alg", "RS256");
  json_object_set_string_member (header, "kid", "rsa-1");
  json_object_set_object_member (header, "jwk", json_object_ref (attacker_jwk));
  json_object_set_string_member (header, "jku", "https://attacker.example/jwks.json");
  json_object_set_string_member (header, "x5u", "https://attacker.example/key.pem");
  header_json = oidc_test_json_to_string (header);
  real_kid = oidc_test_key_sign (other_rsa_key, "RS256", header_json, payload_json);
  g_assert_false (assert_rejected (real_kid, standard_jwks, &check, "signature"));

  /* Naming their own key only makes the set look stale. */
  json_object_set_string_member (header, "kid", oidc_test_key_get_kid (other_rsa_key));
  g_free (header_json);
  header_json = oidc_test_json_to_string (header);
  attacker_kid = oidc_test_key_sign (other_rsa_key, "RS256", header_json, payload_json);
  g_assert_true (assert_rejected (attacker_kid, standard_jwks, &check, "(kid)"));
}

static void
test_id_token_unknown_kid (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *token = sign_with_header (rsa_key, "RS256", "RS256", "rotated", claims);

  g_assert_true (assert_rejected (token, standard_jwks, &check, "(kid)"));
}

static void
test_id_token_no_kid (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *both_text = oidc_test_jwks_for_keys (rsa_key, other_rsa_key, NULL);
  g_autofree char *ec_text = oidc_test_jwks_for_keys (p256_key, p384_key, NULL);
  g_autoptr(OidcJwks) both_jwks = jwks_from_string (both_text);
  g_autoptr(OidcJwks) ec_jwks = jwks_from_string (ec_text);
  g_autofree char *by_second = sign_with_header (other_rsa_key, "PS256", "PS256", NULL, claims);
  g_autofree char *by_p384 = sign_with_header (p384_key, "ES384", "ES384", NULL, claims);
  g_autofree char *by_stranger = NULL;

  /* Every compatible key is tried, in order, until one verifies. */
  assert_accepted (by_second, both_jwks, &check);
  assert_accepted (by_p384, standard_jwks, &check);

  by_stranger = sign_with_header (other_rsa_key, "RS256", "RS256", NULL, claims);
  g_assert_false (assert_rejected (by_stranger, standard_jwks, &check, "signature"));

  /* No key that could check it: the set may have changed. */
  g_assert_true (assert_rejected (by_second, ec_jwks, &check, "PS256"));
}

static void
test_id_token_crit (void)
{
  OidcIdTokenCheck check = valid_check ();
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *payload_json = oidc_test_json_to_string (claims);
  g_autofree char *token = NULL;

  token = oidc_test_key_sign (rsa_key, "RS256",
                              "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"crit\":[\"exp\"],"
                              "\"exp\":1700000000}",
                              payload_json);
  assert_rejected (token, standard_jwks, &check, "(crit)");
}

static void
test_id_token_malformed (void)
{
  OidcIdTokenCheck check = valid_check ();

  assert_rejected ("not a token", standard_jwks, &check, "three parts");
  assert_rejected ("e30.e30.", standard_jwks, &check, "(alg)");
}

static void
test_id_token_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autoptr(OidcIdToken) id_token = NULL;
  g_autofree char *token = NULL;
  OidcIdTokenCheck check = valid_check ();
  gboolean key_missing = TRUE;

  json_object_set_string_member (claims, "email", "alice@example.org");
  json_object_set_string_member (claims, "picture", "https://example.org/alice.png");
  json_object_set_int_member (claims, "name", 42);
  token = oidc_test_key_sign_jwt (rsa_key, "RS256", claims);

  id_token = oidc_id_token_validate (token, standard_jwks, &check, &key_missing, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id_token);
  g_assert_false (key_missing);

  g_assert_cmpstr (id_token->raw, ==, token);
  g_assert_cmpstr (id_token->issuer, ==, ISSUER);
  g_assert_cmpstr (id_token->subject, ==, SUBJECT);
  g_assert_cmpstr (id_token->nonce, ==, NONCE);
  g_assert_cmpstr (id_token->email, ==, "alice@example.org");
  g_assert_cmpstr (id_token->picture, ==, "https://example.org/alice.png");
  /* A profile claim of the wrong type is left out rather than failing sign-in. */
  g_assert_null (id_token->name);
  g_assert_cmpint (id_token->issued_at, ==, NOW);
  g_assert_cmpint (id_token->expires_at, ==, NOW + 3600);
}

/* ID-token claims: each case breaks exactly one rule of a valid token, or bends one without
 * breaking it. */

typedef struct
{
  const char  *name;
  void       (*change) (JsonObject       *claims,
                        OidcIdTokenCheck *check);
  const char  *rule;    /* named in the message; NULL when the token must pass */
} ClaimCase;

static void
change_iss_wrong (JsonObject       *claims,
                  OidcIdTokenCheck *check)
{
  json_object_set_string_member (claims, "iss", "https://id.example.org/");
}

static void
change_iss_missing (JsonObject       *claims,
                    OidcIdTokenCheck *check)
{
  json_object_remove_member (claims, "iss");
}

static void
change_aud_other (JsonObject       *claims,
                  OidcIdTokenCheck *check)
{
  json_object_set_string_member (claims, "aud", "someone-else");
}

static void
change_aud_missing (JsonObject       *claims,
                    OidcIdTokenCheck *check)
{
  json_object_remove_member (claims, "aud");
}

static void
change_aud_not_string (JsonObject       *claims,
                       OidcIdTokenCheck *check)
{
  json_object_set_int_member (claims, "aud", 42);
}

static void
set_audiences (JsonObject *claims,
               const char *first,
               const char *second)
{
  JsonArray *aud = json_array_new ();

  json_array_add_string_element (aud, first);
  if (second != NULL)
    json_array_add_string_element (aud, second);
  json_object_set_array_member (claims, "aud", aud);
}

static void
change_aud_array_with_client (JsonObject       *claims,
                              OidcIdTokenCheck *check)
{
  set_audiences (claims, CLIENT_ID, NULL);
}

static void
change_aud_array_without_client (JsonObject       *claims,
                                 OidcIdTokenCheck *check)
{
  set_audiences (claims, "someone-else", "another");
}

static void
change_aud_multiple_with_azp (JsonObject       *claims,
                              OidcIdTokenCheck *check)
{
  set_audiences (claims, "https://api.example.org", CLIENT_ID);
  json_object_set_string_member (claims, "azp", CLIENT_ID);
}

static void
change_aud_multiple_without_azp (JsonObject       *claims,
                                 OidcIdTokenCheck *check)
{
  set_audiences (claims, "https://api.example.org", CLIENT_ID);
}

static void
change_azp_wrong (JsonObject       *claims,
                  OidcIdTokenCheck *check)
{
  json_object_set_string_member (claims, "azp", "someone-else");
}

static void
change_azp_client (JsonObject       *claims,
                   OidcIdTokenCheck *check)
{
  json_object_set_string_member (claims, "azp", CLIENT_ID);
}

static void
change_exp_past (JsonObject       *claims,
                 OidcIdTokenCheck *check)
{
  json_object_set_int_member (claims, "iat", NOW - 7200);
  json_object_set_int_member (claims, "exp", NOW - LEEWAY - 1);
}

static void
change_exp_at_leeway (JsonObject       *claims,
                      OidcIdTokenCheck *check)
{
  json_object_set_int_member (claims, "iat", NOW - 7200);
  json_object_set_int_member (claims, "exp", NOW - LEEWAY);
}

static void
change_exp_within_leeway (JsonObject       *claims,
                          OidcIdTokenCheck *check)
{
  json_object_set_int_member (claims, "iat", NOW - 7200);
  json_object_set_int_member (claims, "exp", NOW - LEEWAY + 1);
}

static void
change_exp_missing (JsonObject       *claims,
                    OidcIdTokenCheck *check)
{
  json_object_remove_member (claims, "exp");
}

static void
change_exp_string (JsonObject       *claims,
                   OidcIdTokenCheck *check)
{
  json_object_set_string_member (claims, "exp", "1700003600");
}

static void
change_exp_fraction (JsonObject       *claims,
                     OidcIdTokenCheck *check)
{
  json_object_set_double_member (claims, "exp", NOW + 3600.5);
}

static void
change_iat_missing (JsonObject       *claims,
                    OidcIdTokenCheck *check)
{
  json_object_remove_member (claims, "iat");
}

static void
change_iat_future (JsonObject       *claims,
                   OidcIdTokenCheck *check)
{
  json_object_set_int_member (claims, "iat", NOW + LEEWAY + 1);
}

static void
change_iat_future_within_leeway (JsonObject       *claims,
                                 OidcIdTokenCheck *check)
{
  json_object_set_int_member (claims, "iat", NOW + LEEWAY);
}

static void
change_nbf_future (JsonObject       *claims,
                   OidcIdTokenCheck *check)
{
  json_object_set_int_member (claims, "nbf", NOW + LEEWAY + 1);
}

static void
change_nonce_wrong (JsonObject       *claims,
                    OidcIdTokenCheck *check)
{
  json_object_set_string_member (claims, "nonce", "n-replayed");
}

static void
change_nonce_missing (JsonObject       *claims,
                      OidcIdTokenCheck *check)
{
  json_object_remove_member (claims, "nonce");
}

static void
change_nonce_absent_if_present (JsonObject       *claims,
                                OidcIdTokenCheck *check)
{
  json_object_remove_member (claims, "nonce");
  check->nonce_mode = OIDC_NONCE_IF_PRESENT;
}

static void
change_nonce_same_if_present (JsonObject       *claims,
                              OidcIdTokenCheck *check)
{
  check->nonce_mode = OIDC_NONCE_IF_PRESENT;
}

static void
change_nonce_wrong_if_present (JsonObject       *claims,
                               OidcIdTokenCheck *check)
{
  json_object_set_string_member (claims, "nonce", "n-replayed");
  check->nonce_mode = OIDC_NONCE_IF_PRESENT;
}

static void
change_nonce_unexpected_if_present (JsonObject       *claims,
                                    OidcIdTokenCheck *check)
{
  check->nonce_mode = OIDC_NONCE_IF_PRESENT;
  check->nonce = NULL;
}

static void
change_sub_missing (JsonObject       *claims,
                    OidcIdTokenCheck *check)
{
  json_object_remove_member (claims, "sub");
}

static void
change_sub_differs (JsonObject       *claims,
                    OidcIdTokenCheck *check)
{
  check->subject = "someone-else";
}

static void
change_sub_same (JsonObject       *claims,
                 OidcIdTokenCheck *check)
{
  check->subject = SUBJECT;
}

static void
change_at_hash_wrong (JsonObject       *claims,
                      OidcIdTokenCheck *check)
{
  g_autofree char *at_hash = oidc_test_at_hash ("RS256", "another-access-token");

  json_object_set_string_member (claims, "at_hash", at_hash);
  check->access_token = ACCESS_TOKEN;
}

static void
change_at_hash_right (JsonObject       *claims,
                      OidcIdTokenCheck *check)
{
  g_autofree char *at_hash = oidc_test_at_hash ("RS256", ACCESS_TOKEN);

  json_object_set_string_member (claims, "at_hash", at_hash);
  check->access_token = ACCESS_TOKEN;
}

static void
change_at_hash_absent (JsonObject       *claims,
                       OidcIdTokenCheck *check)
{
  check->access_token = ACCESS_TOKEN;
}

static void
change_at_hash_unchecked (JsonObject       *claims,
                          OidcIdTokenCheck *check)
{
  g_autofree char *at_hash = oidc_test_at_hash ("RS256", "another-access-token");

  json_object_set_string_member (claims, "at_hash", at_hash);
}

static const ClaimCase claim_cases[] = {
  { "iss-wrong", change_iss_wrong, "(iss)" },
  { "iss-missing", change_iss_missing, "(iss)" },
  { "aud-other", change_aud_other, "(aud) does not include this client" },
  { "aud-missing", change_aud_missing, "(aud)" },
  { "aud-not-string", change_aud_not_string, "(aud)" },
  { "aud-array-with-client", change_aud_array_with_client, NULL },
  { "aud-array-without-client", change_aud_array_without_client, "(aud)" },
  { "aud-multiple-with-azp", change_aud_multiple_with_azp, NULL },
  { "aud-multiple-without-azp", change_aud_multiple_without_azp, "(azp)" },
  { "azp-wrong", change_azp_wrong, "(azp)" },
  { "azp-client", change_azp_client, NULL },
  { "exp-past", change_exp_past, "(exp)" },
  { "exp-at-leeway", change_exp_at_leeway, "(exp)" },
  { "exp-within-leeway", change_exp_within_leeway, NULL },
  { "exp-missing", change_exp_missing, "(exp)" },
  { "exp-string", change_exp_string, "(exp)" },
  { "exp-fraction", change_exp_fraction, NULL },
  { "iat-missing", change_iat_missing, "(iat)" },
  { "iat-future", change_iat_future, "(iat)" },
  { "iat-future-within-leeway", change_iat_future_within_leeway, NULL },
  { "nbf-future", change_nbf_future, "(nbf)" },
  { "nonce-wrong", change_nonce_wrong, "(nonce)" },
  { "nonce-missing", change_nonce_missing, "(nonce)" },
  { "nonce-absent-if-present", change_nonce_absent_if_present, NULL },
  { "nonce-same-if-present", change_nonce_same_if_present, NULL },
  { "nonce-wrong-if-present", change_nonce_wrong_if_present, "(nonce)" },
  { "nonce-unexpected-if-present", change_nonce_unexpected_if_present, "(nonce)" },
  { "sub-missing", change_sub_missing, "(sub)" },
  { "sub-differs", change_sub_differs, "(sub)" },
  { "sub-same", change_sub_same, NULL },
  { "at-hash-wrong", change_at_hash_wrong, "(at_hash)" },
  { "at-hash-right", change_at_hash_right, NULL },
  { "at-hash-absent", change_at_hash_absent, NULL },
  { "at-hash-unchecked", change_at_hash_unchecked, NULL },
};

static void
test_id_token_claim (gconstpointer data)
{
  const ClaimCase *test = data;
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *token = NULL;
  OidcIdTokenCheck check = valid_check ();

  test->change (claims, &check);
  token = oidc_test_key_sign_jwt (rsa_key, "RS256", claims);

  if (test->rule == NULL)
    assert_accepted (token, standard_jwks, &check);
  else
    g_assert_false (assert_rejected (token, standard_jwks, &check, test->rule));
}

/* Key sets */

static void
assert_n_keys (const char *jwks_text,
               guint       n_keys)
{
  g_autoptr(OidcJwks) jwks = jwks_from_string (jwks_text);

  g_assert_cmpuint (oidc_jwks_get_n_keys (jwks), ==, n_keys);
}

static void
test_jwks_standard (void)
{
  g_assert_cmpuint (oidc_jwks_get_n_keys (standard_jwks), ==, 4);
}

static void
test_jwks_unknown_kty (void)
{
  g_autoptr(JsonObject) rsa = oidc_test_key_to_jwk (rsa_key, NULL, NULL);
  g_autoptr(JsonObject) okp = json_object_new ();
  g_autoptr(JsonObject) oct = json_object_new ();
  g_autofree char *text = NULL;

  json_object_set_string_member (okp, "kty", "OKP");
  json_object_set_string_member (okp, "crv", "Ed25519");
  json_object_set_string_member (okp, "x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  json_object_set_string_member (oct, "kty", "oct");
  json_object_set_string_member (oct, "k", "c2VjcmV0");
  text = oidc_test_jwks_to_string (okp, oct, rsa, NULL);

  assert_n_keys (text, 1);
}

static void
test_jwks_use_enc (void)
{
  g_autoptr(JsonObject) enc = oidc_test_key_to_jwk (rsa_key, NULL, "enc");
  g_autoptr(JsonObject) encrypt_only = oidc_test_key_to_jwk (p384_key, NULL, NULL);
  g_autoptr(JsonObject) sig = oidc_test_key_to_jwk (p256_key, NULL, "sig");
  g_autoptr(JsonObject) verify = oidc_test_key_to_jwk (p521_key, NULL, NULL);
  JsonArray *ops = json_array_new ();
  JsonArray *verify_ops = json_array_new ();
  g_autofree char *text = NULL;

  json_array_add_string_element (ops, "encrypt");
  json_object_set_array_member (encrypt_only, "key_ops", ops);
  json_array_add_string_element (verify_ops, "verify");
  json_object_set_array_member (verify, "key_ops", verify_ops);
  text = oidc_test_jwks_to_string (enc, encrypt_only, sig, verify, NULL);

  assert_n_keys (text, 2);
}

static void
test_jwks_small_rsa (void)
{
  g_autoptr(OidcTestKey) small = oidc_test_key_new (OIDC_TEST_KEY_RSA_1024, "small");
  g_autofree char *text = oidc_test_jwks_for_keys (small, NULL);
  g_autoptr(OidcJwks) jwks = jwks_from_string (text);
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *token = oidc_test_key_sign_jwt (small, "RS256", claims);
  OidcIdTokenCheck check = valid_check ();

  g_assert_cmpuint (oidc_jwks_get_n_keys (jwks), ==, 0);
  g_assert_true (assert_rejected (token, jwks, &check, "(kid)"));
}

static void
test_jwks_huge_exponent (void)
{
  g_autoptr(JsonObject) jwk = oidc_test_key_to_jwk (rsa_key, NULL, NULL);
  static const guint8 five_bytes[] = { 0x01, 0x00, 0x00, 0x00, 0x01 };
  g_autofree char *e = oidc_base64url_encode (five_bytes, sizeof five_bytes);
  g_autofree char *text = NULL;

  /* An odd exponent, but of 33 bits: it only makes every verification slow. */
  json_object_set_string_member (jwk, "e", e);
  text = oidc_test_jwks_to_string (jwk, NULL);

  assert_n_keys (text, 0);
}

static void
test_escaped_nul_detection (void)
{
  static const struct {
    const char *json;
    gboolean    has_nul;
  } cases[] = {
    { "{\"iss\":\"a\\u0000b\"}", TRUE },
    { "{\"iss\":\"a\\\\u0000b\"}", FALSE },   /* an escaped backslash, then text */
    { "{\"iss\":\"a\\\\\\u0000b\"}", TRUE },  /* an escaped backslash, then the escape */
    { "{\"iss\":\"u0000\"}", FALSE },
    { "{\"iss\":\"\\u00001\"}", TRUE },
    { "\\u000", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (oidc_json_has_escaped_nul (cases[i].json, strlen (cases[i].json)), ==,
                     cases[i].has_nul);
}

static void
test_id_token_escaped_nul (void)
{
  g_autofree char *jwks_text = oidc_test_jwks_for_keys (rsa_key, NULL);
  g_autoptr(OidcJwks) jwks = jwks_from_string (jwks_text);
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *header = header_to_string ("RS256", oidc_test_key_get_kid (rsa_key));
  g_autofree char *payload = oidc_test_json_to_string (claims);
  g_autoptr(GString) forged = g_string_new (payload);
  g_autofree char *quoted_issuer = g_strdup_printf ("\"%s\"", ISSUER);
  g_autofree char *hidden_tail = g_strdup_printf ("\"%s\\u0000.evil.example\"", ISSUER);
  g_autofree char *token = NULL;
  OidcIdTokenCheck check = valid_check ();

  /* json-glib would read the issuer as ISSUER alone; the token must not pass for it. */
  g_assert_cmpuint (g_string_replace (forged, quoted_issuer, hidden_tail, 1), ==, 1);
  token = oidc_test_key_sign (rsa_key, "RS256", header, forged->str);

  assert_rejected (token, jwks, &check, "JSON");
}

static char *
get_and_change_base64url (JsonObject *jwk,
                          const char *member,
                          gssize      flip_at)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *data = NULL;
  gsize size;

  bytes = oidc_base64url_decode (json_object_get_string_member (jwk, member), -1, NULL);
  size = g_bytes_get_size (bytes);
  data = g_memdup2 (g_bytes_get_data (bytes, NULL), size);
  if (flip_at >= 0)
    data[flip_at] ^= 0x01;
  else
    size--;

  return oidc_base64url_encode (data, size);
}

static void
test_jwks_malformed_entries (void)
{
  g_autoptr(JsonObject) good = oidc_test_key_to_jwk (p256_key, NULL, "sig");
  g_autoptr(JsonObject) no_kty = oidc_test_key_to_jwk (p256_key, NULL, NULL);
  g_autoptr(JsonObject) rsa_no_n = oidc_test_key_to_jwk (rsa_key, NULL, NULL);
  g_autoptr(JsonObject) rsa_bad_n = oidc_test_key_to_jwk (rsa_key, NULL, NULL);
  g_autoptr(JsonObject) rsa_even_e = oidc_test_key_to_jwk (rsa_key, NULL, NULL);
  g_autoptr(JsonObject) rsa_kid_number = oidc_test_key_to_jwk (rsa_key, NULL, NULL);
  g_autoptr(JsonObject) ec_short_x = oidc_test_key_to_jwk (p256_key, NULL, NULL);
  g_autoptr(JsonObject) ec_off_curve = oidc_test_key_to_jwk (p256_key, NULL, NULL);
  g_autoptr(JsonObject) ec_unknown_curve = oidc_test_key_to_jwk (p256_key, NULL, NULL);
  g_autoptr(JsonObject) ec_wrong_alg = oidc_test_key_to_jwk (p256_key, "ES384", NULL);
  g_autoptr(JsonObject) ec_rsa_alg = oidc_test_key_to_jwk (p256_key, "RS256", NULL);
  g_autoptr(JsonObject) ec_enc_alg = oidc_test_key_to_jwk (p256_key, "ECDH-ES", NULL);
  g_autoptr(JsonObject) use_number = oidc_test_key_to_jwk (p256_key, NULL, NULL);
  g_autofree char *short_x = get_and_change_base64url (ec_short_x, "x", -1);
  g_autofree char *off_curve_y = get_and_change_base64url (ec_off_curve, "y", 31);
  g_autofree char *keys = NULL;
  g_autofree char *text = NULL;

  json_object_remove_member (no_kty, "kty");
  json_object_remove_member (rsa_no_n, "n");
  json_object_set_string_member (rsa_bad_n, "n", "not+base64url");
  json_object_set_string_member (rsa_even_e, "e", "AQAA");
  json_object_set_int_member (rsa_kid_number, "kid", 5);
  json_object_set_string_member (ec_short_x, "x", short_x);
  json_object_set_string_member (ec_off_curve, "y", off_curve_y);
  json_object_set_string_member (ec_unknown_curve, "crv", "P-192");
  json_object_set_int_member (use_number, "use", 1);

  keys = oidc_test_jwks_to_string (no_kty, rsa_no_n, rsa_bad_n, rsa_even_e, rsa_kid_number,
                                   ec_short_x, ec_off_curve, ec_unknown_curve, ec_wrong_alg,
                                   ec_rsa_alg, ec_enc_alg, use_number, good, NULL);

  /* Entries that are not objects at all, ahead of the rest. */
  g_assert_true (g_str_has_prefix (keys, "{\"keys\":["));
  text = g_strconcat ("{\"keys\":[42,\"key\",null,[],", keys + strlen ("{\"keys\":["), NULL);

  assert_n_keys (text, 1);
}

static void
test_jwks_rsa_leading_zero (void)
{
  g_autoptr(JsonObject) jwk = oidc_test_key_to_jwk (rsa_key, NULL, NULL);
  g_autoptr(GBytes) n = NULL;
  g_autoptr(GByteArray) padded = g_byte_array_new ();
  g_autofree char *padded_n = NULL;
  g_autofree char *text = NULL;
  g_autoptr(OidcJwks) jwks = NULL;
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *token = NULL;
  OidcIdTokenCheck check = valid_check ();
  const guint8 zero = 0;

  /* Some libraries keep a sign byte on the modulus; it changes nothing and is accepted. */
  n = oidc_base64url_decode (json_object_get_string_member (jwk, "n"), -1, NULL);
  g_byte_array_append (padded, &zero, 1);
  g_byte_array_append (padded, g_bytes_get_data (n, NULL), g_bytes_get_size (n));
  padded_n = oidc_base64url_encode (padded->data, padded->len);
  json_object_set_string_member (jwk, "n", padded_n);
  json_object_set_string_member (jwk, "kid", "rsa-1");
  text = oidc_test_jwks_to_string (jwk, NULL);
  jwks = jwks_from_string (text);

  token = oidc_test_key_sign_jwt (rsa_key, "RS256", claims);
  assert_accepted (token, jwks, &check);
}

static void
test_jwks_not_object (void)
{
  const char *roots[] = {
    "[]", "\"keys\"", "42", "null", "{}", "{\"keys\":{}}", "{\"keys\":\"none\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = json_from_string (roots[i], NULL);
      g_autoptr(OidcJwks) jwks = NULL;

      g_assert_nonnull (root);
      jwks = oidc_jwks_new_from_json (root, &error);
      g_assert_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE);
      g_assert_null (jwks);
    }
}

static void
test_jwks_empty (void)
{
  g_autoptr(OidcJwks) jwks = jwks_from_string ("{\"keys\":[]}");
  g_autoptr(JsonObject) claims = valid_claims ();
  g_autofree char *token = oidc_test_key_sign_jwt (rsa_key, "RS256", claims);
  OidcIdTokenCheck check = valid_check ();

  g_assert_cmpuint (oidc_jwks_get_n_keys (jwks), ==, 0);
  g_assert_true (assert_rejected (token, jwks, &check, "(kid)"));
}

static void
test_jwks_ref (void)
{
  OidcJwks *jwks = jwks_from_string ("{\"keys\":[]}");

  g_assert_true (oidc_jwks_ref (jwks) == jwks);
  oidc_jwks_unref (jwks);
  g_assert_cmpuint (oidc_jwks_get_n_keys (jwks), ==, 0);
  oidc_jwks_unref (jwks);
}

static const char *all_algs[] = {
  "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
};

int
main (int   argc,
      char *argv[])
{
  g_autofree char *standard_text = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  rsa_key = oidc_test_key_new (OIDC_TEST_KEY_RSA, "rsa-1");
  other_rsa_key = oidc_test_key_new (OIDC_TEST_KEY_RSA, "rsa-2");
  p256_key = oidc_test_key_new (OIDC_TEST_KEY_P256, "ec-p256");
  p384_key = oidc_test_key_new (OIDC_TEST_KEY_P384, "ec-p384");
  p521_key = oidc_test_key_new (OIDC_TEST_KEY_P521, "ec-p521");
  standard_text = oidc_test_jwks_for_keys (rsa_key, p256_key, p384_key, p521_key, NULL);
  standard_jwks = jwks_from_string (standard_text);

  g_test_add_func ("/Oidc/Jose/base64url/encode", test_base64url_encode);
  g_test_add_func ("/Oidc/Jose/base64url/decode", test_base64url_decode);
  g_test_add_func ("/Oidc/Jose/base64url/explicit-length", test_base64url_explicit_length);
  g_test_add_func ("/Oidc/Jose/base64url/empty", test_base64url_empty);
  g_test_add_func ("/Oidc/Jose/base64url/padding", test_base64url_padding);
  g_test_add_func ("/Oidc/Jose/base64url/alphabet", test_base64url_alphabet);
  g_test_add_func ("/Oidc/Jose/base64url/length", test_base64url_length);
  g_test_add_func ("/Oidc/Jose/base64url/stray-bits", test_base64url_stray_bits);

  g_test_add_func ("/Oidc/Jose/random-token", test_random_token);
  g_test_add_func ("/Oidc/Jose/pkce/rfc7636", test_pkce_rfc7636);
  g_test_add_func ("/Oidc/Jose/pkce/random-verifier", test_pkce_random_verifier);
  g_test_add_func ("/Oidc/Jose/pkce/invalid-verifier", test_pkce_invalid_verifier);

  g_test_add_func ("/Oidc/Jose/jws/parse", test_jws_parse);
  for (guint i = 0; i < G_N_ELEMENTS (malformed_jws); i++)
    {
      g_autofree char *path = g_strconcat ("/Oidc/Jose/jws/parse-malformed/",
                                           malformed_jws[i].name, NULL);

      g_test_add_data_func (path, &malformed_jws[i], test_jws_parse_malformed);
    }

  for (guint i = 0; i < G_N_ELEMENTS (all_algs); i++)
    {
      g_autofree char *verify = g_strconcat ("/Oidc/Jose/jws/verify/", all_algs[i], NULL);
      g_autofree char *bad = g_strconcat ("/Oidc/Jose/id-token/bad-signature/", all_algs[i],
                                          NULL);

      g_test_add_data_func (verify, all_algs[i], test_jws_verify);
      g_test_add_data_func (bad, all_algs[i], test_id_token_bad_signature);
    }

  g_test_add_func ("/Oidc/Jose/jws/verify/ecdsa-leading-zero",
                   test_jws_verify_ecdsa_leading_zero);

  g_test_add_func ("/Oidc/Jose/id-token/valid", test_id_token_valid);
  g_test_add_func ("/Oidc/Jose/id-token/malformed", test_id_token_malformed);
  g_test_add_func ("/Oidc/Jose/id-token/truncated-signature", test_id_token_truncated_signature);
  g_test_add_func ("/Oidc/Jose/id-token/alg-none", test_id_token_alg_none);
  g_test_add_func ("/Oidc/Jose/id-token/hs256-public-key", test_id_token_hs256_public_key);
  g_test_add_func ("/Oidc/Jose/id-token/alg-key-type-mismatch",
                   test_id_token_alg_key_type_mismatch);
  g_test_add_func ("/Oidc/Jose/id-token/alg-curve-mismatch", test_id_token_alg_curve_mismatch);
  g_test_add_func ("/Oidc/Jose/id-token/alg-not-allowed", test_id_token_alg_not_allowed);
  g_test_add_func ("/Oidc/Jose/id-token/jwk-alg-mismatch", test_id_token_jwk_alg_mismatch);
  g_test_add_func ("/Oidc/Jose/id-token/header-keys-ignored", test_id_token_header_keys_ignored);
  g_test_add_func ("/Oidc/Jose/id-token/unknown-kid", test_id_token_unknown_kid);
  g_test_add_func ("/Oidc/Jose/id-token/no-kid", test_id_token_no_kid);
  g_test_add_func ("/Oidc/Jose/id-token/crit", test_id_token_crit);
  for (guint i = 0; i < G_N_ELEMENTS (claim_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/Oidc/Jose/id-token/claims/", claim_cases[i].name,
                                           NULL);

      g_test_add_data_func (path, &claim_cases[i], test_id_token_claim);
    }

  g_test_add_func ("/Oidc/Jose/jwks/standard", test_jwks_standard);
  g_test_add_func ("/Oidc/Jose/jwks/unknown-kty", test_jwks_unknown_kty);
  g_test_add_func ("/Oidc/Jose/jwks/use-enc", test_jwks_use_enc);
  g_test_add_func ("/Oidc/Jose/jwks/small-rsa", test_jwks_small_rsa);
  g_test_add_func ("/Oidc/Jose/jwks/huge-exponent", test_jwks_huge_exponent);
  g_test_add_func ("/Oidc/Jose/json/escaped-nul", test_escaped_nul_detection);
  g_test_add_func ("/Oidc/Jose/id-token/escaped-nul", test_id_token_escaped_nul);
  g_test_add_func ("/Oidc/Jose/jwks/malformed-entries", test_jwks_malformed_entries);
  g_test_add_func ("/Oidc/Jose/jwks/rsa-leading-zero", test_jwks_rsa_leading_zero);
  g_test_add_func ("/Oidc/Jose/jwks/not-object", test_jwks_not_object);
  g_test_add_func ("/Oidc/Jose/jwks/empty", test_jwks_empty);
  g_test_add_func ("/Oidc/Jose/jwks/ref", test_jwks_ref);

  ret = g_test_run ();

  oidc_jwks_unref (standard_jwks);
  oidc_test_key_free (rsa_key);
  oidc_test_key_free (other_rsa_key);
  oidc_test_key_free (p256_key);
  oidc_test_key_free (p384_key);
  oidc_test_key_free (p521_key);

  return ret;
}
