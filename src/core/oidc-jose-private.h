/* oidc-jose-private.h: base64url, randomness, PKCE, JWKS, JWS and ID-token validation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* base64url without padding (RFC 7515 section 2). Decoding refuses padding, characters
 * outside the alphabet and impossible lengths with OIDC_ERROR_INVALID_RESPONSE. */
char   *oidc_base64url_encode (const guint8  *data,
                               gsize          len);
GBytes *oidc_base64url_decode (const char    *text,
                               gssize         len,
                               GError       **error);

/* Whether JSON text escapes a NUL character ("\u0000"), which json-glib would silently cut a
 * string at. */
gboolean oidc_json_has_escaped_nul (const char    *data,
                                    gsize          size);

/* @n_bytes from GnuTLS' key-grade random source, base64url encoded. */
char   *oidc_random_token     (gsize          n_bytes);

/* BASE64URL(SHA256(ASCII(verifier))), RFC 7636 section 4.2. */
char   *oidc_pkce_s256        (const char    *verifier);

/* A JSON Web Key Set with the usable public keys: RSA (at least 2048 bits) and EC on P-256,
 * P-384 and P-521, whose "use" is absent or "sig". Keys of other types, or that fail to
 * import, are skipped with a g_debug. */
typedef struct _OidcJwks OidcJwks;

OidcJwks   *oidc_jwks_new_from_json (JsonNode       *root,
                                     GError        **error);
OidcJwks   *oidc_jwks_ref           (OidcJwks       *jwks);
void        oidc_jwks_unref         (OidcJwks       *jwks);
guint       oidc_jwks_get_n_keys    (OidcJwks       *jwks);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OidcJwks, oidc_jwks_unref)

/* A parsed JWS in compact serialisation. Header and payload must be JSON objects. */
typedef struct _OidcJws OidcJws;

OidcJws    *oidc_jws_parse          (const char     *compact,
                                     GError        **error);
void        oidc_jws_free           (OidcJws        *jws);
const char *oidc_jws_get_alg        (OidcJws        *jws);
const char *oidc_jws_get_kid        (OidcJws        *jws);
JsonObject *oidc_jws_get_header     (OidcJws        *jws);
JsonObject *oidc_jws_get_payload    (OidcJws        *jws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OidcJws, oidc_jws_free)

/* Verifies the signature with a key of @jwks. "alg" must be on the allow-list (RS256/384/512,
 * PS256/384/512, ES256/384/512) and agree with the key's type, curve and own "alg"; keys named
 * in the header (jwk, jku, x5u, x5c) are never used. The key is chosen by "kid" (and type);
 * without "kid" every compatible key is tried. When no key of the set could be chosen,
 * *key_missing is set to TRUE so the caller may refetch the set. */
gboolean    oidc_jws_verify         (OidcJws        *jws,
                                     OidcJwks       *jwks,
                                     gboolean       *key_missing,
                                     GError        **error);

typedef enum
{
  OIDC_NONCE_REQUIRED,      /* sign-in: the nonce claim must equal the expected one */
  OIDC_NONCE_IF_PRESENT,    /* refresh: a nonce claim, when present, must equal it */
} OidcNonceMode;

typedef struct
{
  const char    *issuer;        /* exact match on "iss" */
  const char    *client_id;     /* must be in "aud"; "azp", when present, must equal it */
  const char    *nonce;
  OidcNonceMode  nonce_mode;
  const char    *subject;       /* when set (refresh), "sub" must equal it */
  const char    *access_token;  /* when set and "at_hash" is present, it is checked */
  gint64         now;           /* seconds since the epoch */
  guint          leeway;        /* seconds of clock skew allowed on exp and iat */
} OidcIdTokenCheck;

typedef struct
{
  char   *raw;
  char   *issuer;
  char   *subject;
  char   *nonce;
  char   *email;
  char   *name;
  char   *picture;
  gint64  issued_at;
  gint64  expires_at;
} OidcIdToken;

/* OpenID Connect Core 3.1.3.7: signature, iss, aud, azp, exp, iat, nonce, sub, at_hash.
 * Every failure is OIDC_ERROR_INVALID_ID_TOKEN with a message naming the rule. */
OidcIdToken *oidc_id_token_validate (const char             *compact,
                                     OidcJwks               *jwks,
                                     const OidcIdTokenCheck *check,
                                     gboolean               *key_missing,
                                     GError                **error);
void         oidc_id_token_free     (OidcIdToken            *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OidcIdToken, oidc_id_token_free)

G_END_DECLS
