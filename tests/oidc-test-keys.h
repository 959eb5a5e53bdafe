/* oidc-test-keys.h: key pairs, JWKs and signed tokens for tests and the fake provider.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything here is for tests only: keys are made fresh in memory and never stored. Functions
 * abort the test with g_error when GnuTLS fails or they are misused, so callers need not check
 * for NULL. Returned strings and objects belong to the caller; JsonObject arguments are only
 * read.
 *
 * A typical ID token:
 *
 *   g_autoptr(OidcTestKey) key = oidc_test_key_new (OIDC_TEST_KEY_RSA, "key-1");
 *   g_autofree char *jwks = oidc_test_jwks_for_keys (key, NULL);
 *   g_autoptr(JsonObject) claims = oidc_test_id_token_claims (issuer, client_id, "alice",
 *                                                             nonce, NULL, now);
 *   g_autofree char *id_token = oidc_test_key_sign_jwt (key, "RS256", claims);
 */

#pragma once

#include <json-glib/json-glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>

G_BEGIN_DECLS

typedef enum
{
  OIDC_TEST_KEY_RSA,        /* RSA, 2048 bits; signs RS* and PS* */
  OIDC_TEST_KEY_RSA_1024,   /* RSA, 1024 bits: too short, a key set must skip it */
  OIDC_TEST_KEY_P256,       /* EC on P-256; signs ES256 */
  OIDC_TEST_KEY_P384,       /* EC on P-384; signs ES384 */
  OIDC_TEST_KEY_P521,       /* EC on P-521; signs ES512 */
} OidcTestKeyType;

/* What an attacker might use as the HMAC secret when turning an RSA key into an HS256 key. */
typedef enum
{
  OIDC_TEST_HMAC_SECRET_JWK,  /* the public JWK as compact JSON text */
  OIDC_TEST_HMAC_SECRET_DER,  /* the SubjectPublicKeyInfo in DER */
  OIDC_TEST_HMAC_SECRET_PEM,  /* the SubjectPublicKeyInfo in PEM */
} OidcTestHmacSecret;

typedef struct _OidcTestKey OidcTestKey;

/* A fresh key pair; @kid may be NULL for a key without a key ID. */
OidcTestKey    *oidc_test_key_new          (OidcTestKeyType     type,
                                            const char         *kid);
void            oidc_test_key_free         (OidcTestKey        *key);
const char     *oidc_test_key_get_kid      (OidcTestKey        *key);
/* The algorithm the key naturally signs with: RS256, ES256, ES384 or ES512. */
const char     *oidc_test_key_get_alg      (OidcTestKey        *key);
/* The public half, owned by @key; for comparing against GnuTLS directly. */
gnutls_pubkey_t oidc_test_key_get_pubkey   (OidcTestKey        *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OidcTestKey, oidc_test_key_free)

/* The public key as a JWK: kty, kid (when the key has one), n and e or crv, x and y, and
 * "alg" and "use" when given. Tests may change it before putting it in a set. */
JsonObject     *oidc_test_key_to_jwk       (OidcTestKey        *key,
                                            const char         *alg,
                                            const char         *use);

/* {"keys": [...]} with a copy of each JWK, in order. The list ends with NULL. */
char           *oidc_test_jwks_to_string   (JsonObject         *jwk,
                                            ...) G_GNUC_NULL_TERMINATED;
/* {"keys": [...]} with each key's JWK, "use": "sig" and no "alg", so an RSA key in it checks
 * both RS* and PS* tokens. The list ends with NULL. */
char           *oidc_test_jwks_for_keys    (OidcTestKey        *key,
                                            ...) G_GNUC_NULL_TERMINATED;

/* A compact JWS of @header_json and @payload_json, both used verbatim, signed with @key by
 * @alg (RS256/384/512, PS256/384/512 or ES256/384/512). The header need not name @alg, so
 * tests can make tokens that lie about their algorithm; an EC signature is R || S at the size
 * of @key's curve. */
char           *oidc_test_key_sign         (OidcTestKey        *key,
                                            const char         *alg,
                                            const char         *header_json,
                                            const char         *payload_json);
/* A signed JWT of @claims with the header {"alg": @alg, "kid": key's kid, "typ": "JWT"}. */
char           *oidc_test_key_sign_jwt     (OidcTestKey        *key,
                                            const char         *alg,
                                            JsonObject         *claims);

/* Forgeries: {"alg": "none"} (with @kid when not NULL) and an empty signature. */
char           *oidc_test_forge_alg_none   (const char         *kid,
                                            JsonObject         *claims);
/* Forgeries: {"alg": "HS256", "kid": key's kid}, with @key's public key as HMAC secret. */
char           *oidc_test_forge_hs256      (OidcTestKey        *key,
                                            OidcTestHmacSecret  secret,
                                            JsonObject         *claims);

/* The claims of a valid ID token: iss, aud (a single string), sub, iat = @now and
 * exp = @now + 3600, with nonce and azp when not NULL. Tests change one to break one rule. */
JsonObject     *oidc_test_id_token_claims  (const char         *issuer,
                                            const char         *client_id,
                                            const char         *subject,
                                            const char         *nonce,
                                            const char         *azp,
                                            gint64              now);
/* The at_hash claim for @access_token in a token signed with @alg. */
char           *oidc_test_at_hash          (const char         *alg,
                                            const char         *access_token);
/* Compact JSON text of @object. */
char           *oidc_test_json_to_string   (JsonObject         *object);

G_END_DECLS
