/* oidc-test-keys.c: key pairs, JWKs and signed tokens for tests and the fake provider.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-test-keys.h"
#include "oidc-jose-private.h"

#include <stdarg.h>
#include <string.h>

#include <gnutls/crypto.h>

struct _OidcTestKey
{
  OidcTestKeyType     type;
  char               *kid;
  gnutls_ecc_curve_t  curve;
  gnutls_privkey_t    privkey;
  gnutls_pubkey_t     pubkey;
};

typedef struct
{
  const char                *name;
  gboolean                   ec;
  gnutls_sign_algorithm_t    sign;
  gnutls_digest_algorithm_t  digest;
} TestAlgorithm;

/* The plain ECDSA identifiers sign on any curve, so tests can pair an algorithm with the wrong
 * curve on purpose; the library's own checks are what such tokens are meant to meet. */
static const TestAlgorithm test_algorithms[] = {
  { "RS256", FALSE, GNUTLS_SIGN_RSA_SHA256, GNUTLS_DIG_SHA256 },
  { "RS384", FALSE, GNUTLS_SIGN_RSA_SHA384, GNUTLS_DIG_SHA384 },
  { "RS512", FALSE, GNUTLS_SIGN_RSA_SHA512, GNUTLS_DIG_SHA512 },
  { "PS256", FALSE, GNUTLS_SIGN_RSA_PSS_SHA256, GNUTLS_DIG_SHA256 },
  { "PS384", FALSE, GNUTLS_SIGN_RSA_PSS_SHA384, GNUTLS_DIG_SHA384 },
  { "PS512", FALSE, GNUTLS_SIGN_RSA_PSS_SHA512, GNUTLS_DIG_SHA512 },
  { "ES256", TRUE, GNUTLS_SIGN_ECDSA_SHA256, GNUTLS_DIG_SHA256 },
  { "ES384", TRUE, GNUTLS_SIGN_ECDSA_SHA384, GNUTLS_DIG_SHA384 },
  { "ES512", TRUE, GNUTLS_SIGN_ECDSA_SHA512, GNUTLS_DIG_SHA512 },
};

static const TestAlgorithm *
find_algorithm (const char *alg)
{
  for (guint i = 0; i < G_N_ELEMENTS (test_algorithms); i++)
    {
      if (g_str_equal (test_algorithms[i].name, alg))
        return &test_algorithms[i];
    }

  g_error ("“%s” is not an algorithm the test keys can sign with", alg);
}

static void
check_gnutls (int         result,
              const char *what)
{
  if (result < 0)
    g_error ("GnuTLS failed to %s: %s", what, gnutls_strerror (result));
}

static gboolean
is_ec (OidcTestKey *key)
{
  return key->type != OIDC_TEST_KEY_RSA && key->type != OIDC_TEST_KEY_RSA_1024;
}

static gsize
coordinate_size (gnutls_ecc_curve_t curve)
{
  switch (curve)
    {
    case GNUTLS_ECC_CURVE_SECP256R1:
      return 32;
    case GNUTLS_ECC_CURVE_SECP384R1:
      return 48;
    case GNUTLS_ECC_CURVE_SECP521R1:
      return 66;
    default:
      g_error ("The test keys do not handle GnuTLS curve %d", curve);
    }
}

static const char *
curve_name (gnutls_ecc_curve_t curve)
{
  switch (curve)
    {
    case GNUTLS_ECC_CURVE_SECP256R1:
      return "P-256";
    case GNUTLS_ECC_CURVE_SECP384R1:
      return "P-384";
    case GNUTLS_ECC_CURVE_SECP521R1:
      return "P-521";
    default:
      g_error ("The test keys do not handle GnuTLS curve %d", curve);
    }
}

OidcTestKey *
oidc_test_key_new (OidcTestKeyType  type,
                   const char      *kid)
{
  OidcTestKey *key;
  gnutls_pk_algorithm_t pk = GNUTLS_PK_ECDSA;
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
  unsigned int bits = 0;

  switch (type)
    {
    case OIDC_TEST_KEY_RSA:
      pk = GNUTLS_PK_RSA;
      bits = 2048;
      break;
    case OIDC_TEST_KEY_RSA_1024:
      pk = GNUTLS_PK_RSA;
      bits = 1024;
      break;
    case OIDC_TEST_KEY_P256:
      curve = GNUTLS_ECC_CURVE_SECP256R1;
      break;
    case OIDC_TEST_KEY_P384:
      curve = GNUTLS_ECC_CURVE_SECP384R1;
      break;
    case OIDC_TEST_KEY_P521:
      curve = GNUTLS_ECC_CURVE_SECP521R1;
      break;
    default:
      g_error ("Unknown test key type %d", type);
    }

  if (curve != GNUTLS_ECC_CURVE_INVALID)
    bits = GNUTLS_CURVE_TO_BITS (curve);

  key = g_new0 (OidcTestKey, 1);
  key->type = type;
  key->kid = g_strdup (kid);
  key->curve = curve;

  check_gnutls (gnutls_privkey_init (&key->privkey), "create a private key");
  check_gnutls (gnutls_privkey_generate (key->privkey, pk, bits, 0), "generate a key pair");
  check_gnutls (gnutls_pubkey_init (&key->pubkey), "create a public key");
  check_gnutls (gnutls_pubkey_import_privkey (key->pubkey, key->privkey, 0, 0),
                "take the public half of a key pair");

  return key;
}

void
oidc_test_key_free (OidcTestKey *key)
{
  if (key == NULL)
    return;

  g_free (key->kid);
  gnutls_privkey_deinit (key->privkey);
  gnutls_pubkey_deinit (key->pubkey);
  g_free (key);
}

const char *
oidc_test_key_get_kid (OidcTestKey *key)
{
  return key->kid;
}

const char *
oidc_test_key_get_alg (OidcTestKey *key)
{
  switch (key->type)
    {
    case OIDC_TEST_KEY_P256:
      return "ES256";
    case OIDC_TEST_KEY_P384:
      return "ES384";
    case OIDC_TEST_KEY_P521:
      return "ES512";
    case OIDC_TEST_KEY_RSA:
    case OIDC_TEST_KEY_RSA_1024:
    default:
      return "RS256";
    }
}

gnutls_pubkey_t
oidc_test_key_get_pubkey (OidcTestKey *key)
{
  return key->pubkey;
}

/* GnuTLS exports integers with a leading zero byte when the top bit is set, as in DER; JWK
 * wants them minimal (RFC 7518 section 6.3.1.1). */
static char *
encode_unsigned (const gnutls_datum_t *datum)
{
  gsize offset = 0;

  while (offset < datum->size && datum->data[offset] == 0)
    offset++;

  return oidc_base64url_encode (datum->data + offset, datum->size - offset);
}

/* EC coordinates are the curve's full size (RFC 7518 section 6.2.1.2), so short exports are
 * padded back with zeros on the left. */
static char *
encode_coordinate (const gnutls_datum_t *datum,
                   gsize                 size)
{
  g_autofree guint8 *padded = g_malloc0 (size);
  gsize offset = 0;

  while (offset < datum->size && datum->data[offset] == 0)
    offset++;

  g_assert (datum->size - offset <= size);
  memcpy (padded + size - (datum->size - offset), datum->data + offset, datum->size - offset);

  return oidc_base64url_encode (padded, size);
}

JsonObject *
oidc_test_key_to_jwk (OidcTestKey *key,
                      const char  *alg,
                      const char  *use)
{
  JsonObject *jwk = json_object_new ();

  if (is_ec (key))
    {
      g_autofree char *x_text = NULL;
      g_autofree char *y_text = NULL;
      gnutls_ecc_curve_t curve;
      gnutls_datum_t x;
      gnutls_datum_t y;

      check_gnutls (gnutls_pubkey_export_ecc_raw2 (key->pubkey, &curve, &x, &y, 0),
                    "export an EC public key");
      x_text = encode_coordinate (&x, coordinate_size (curve));
      y_text = encode_coordinate (&y, coordinate_size (curve));
      gnutls_free (x.data);
      gnutls_free (y.data);

      json_object_set_string_member (jwk, "kty", "EC");
      json_object_set_string_member (jwk, "crv", curve_name (curve));
      json_object_set_string_member (jwk, "x", x_text);
      json_object_set_string_member (jwk, "y", y_text);
    }
  else
    {
      g_autofree char *n_text = NULL;
      g_autofree char *e_text = NULL;
      gnutls_datum_t n;
      gnutls_datum_t e;

      check_gnutls (gnutls_pubkey_export_rsa_raw2 (key->pubkey, &n, &e, 0),
                    "export an RSA public key");
      n_text = encode_unsigned (&n);
      e_text = encode_unsigned (&e);
      gnutls_free (n.data);
      gnutls_free (e.data);

      json_object_set_string_member (jwk, "kty", "RSA");
      json_object_set_string_member (jwk, "n", n_text);
      json_object_set_string_member (jwk, "e", e_text);
    }

  if (key->kid != NULL)
    json_object_set_string_member (jwk, "kid", key->kid);
  if (alg != NULL)
    json_object_set_string_member (jwk, "alg", alg);
  if (use != NULL)
    json_object_set_string_member (jwk, "use", use);

  return jwk;
}

char *
oidc_test_json_to_string (JsonObject *object)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  json_generator_set_root (generator, node);

  return json_generator_to_data (generator, NULL);
}

static char *
jwks_from_array (JsonArray *keys)
{
  g_autoptr(JsonObject) root = json_object_new ();

  json_object_set_array_member (root, "keys", keys);

  return oidc_test_json_to_string (root);
}

char *
oidc_test_jwks_to_string (JsonObject *jwk,
                          ...)
{
  JsonArray *keys = json_array_new ();
  va_list args;

  va_start (args, jwk);
  for (JsonObject *next = jwk; next != NULL; next = va_arg (args, JsonObject *))
    json_array_add_object_element (keys, json_object_ref (next));
  va_end (args);

  return jwks_from_array (keys);
}

char *
oidc_test_jwks_for_keys (OidcTestKey *key,
                         ...)
{
  JsonArray *keys = json_array_new ();
  va_list args;

  va_start (args, key);
  for (OidcTestKey *next = key; next != NULL; next = va_arg (args, OidcTestKey *))
    json_array_add_object_element (keys, oidc_test_key_to_jwk (next, NULL, "sig"));
  va_end (args);

  return jwks_from_array (keys);
}

static char *
encode_text (const char *text)
{
  return oidc_base64url_encode ((const guint8 *) text, strlen (text));
}

/* JWS wants ECDSA signatures as R || S, each at the curve's size (RFC 7518 section 3.4), where
 * GnuTLS produces DER. */
static char *
encode_ecdsa_signature (OidcTestKey          *key,
                        const gnutls_datum_t *der)
{
  g_autofree guint8 *raw = NULL;
  gnutls_datum_t r;
  gnutls_datum_t s;
  gsize size;
  gsize r_offset = 0;
  gsize s_offset = 0;

  size = coordinate_size (key->curve);

  check_gnutls (gnutls_decode_rs_value (der, &r, &s), "decode an ECDSA signature");

  while (r_offset < r.size && r.data[r_offset] == 0)
    r_offset++;
  while (s_offset < s.size && s.data[s_offset] == 0)
    s_offset++;
  g_assert (r.size - r_offset <= size && s.size - s_offset <= size);

  raw = g_malloc0 (2 * size);
  memcpy (raw + size - (r.size - r_offset), r.data + r_offset, r.size - r_offset);
  memcpy (raw + 2 * size - (s.size - s_offset), s.data + s_offset, s.size - s_offset);
  gnutls_free (r.data);
  gnutls_free (s.data);

  return oidc_base64url_encode (raw, 2 * size);
}

char *
oidc_test_key_sign (OidcTestKey *key,
                    const char  *alg,
                    const char  *header_json,
                    const char  *payload_json)
{
  const TestAlgorithm *algorithm = find_algorithm (alg);
  g_autofree char *header = encode_text (header_json);
  g_autofree char *payload = encode_text (payload_json);
  g_autofree char *signing_input = g_strconcat (header, ".", payload, NULL);
  g_autofree char *signature = NULL;
  gnutls_datum_t data = { (unsigned char *) signing_input, strlen (signing_input) };
  gnutls_datum_t raw;

  if (algorithm->ec != is_ec (key))
    g_error ("A %s key cannot sign %s", is_ec (key) ? "EC" : "RSA", alg);

  check_gnutls (gnutls_privkey_sign_data2 (key->privkey, algorithm->sign,
                                           GNUTLS_PRIVKEY_FLAG_RSA_PSS_FIXED_SALT_LENGTH,
                                           &data, &raw),
                "sign a token");

  if (algorithm->ec)
    signature = encode_ecdsa_signature (key, &raw);
  else
    signature = oidc_base64url_encode (raw.data, raw.size);
  gnutls_free (raw.data);

  return g_strconcat (signing_input, ".", signature, NULL);
}

static char *
make_header (const char *alg,
             const char *kid)
{
  g_autoptr(JsonObject) header = json_object_new ();

  json_object_set_string_member (header, "alg", alg);
  if (kid != NULL)
    json_object_set_string_member (header, "kid", kid);
  json_object_set_string_member (header, "typ", "JWT");

  return oidc_test_json_to_string (header);
}

char *
oidc_test_key_sign_jwt (OidcTestKey *key,
                        const char  *alg,
                        JsonObject  *claims)
{
  g_autofree char *header = make_header (alg, key->kid);
  g_autofree char *payload = oidc_test_json_to_string (claims);

  return oidc_test_key_sign (key, alg, header, payload);
}

char *
oidc_test_forge_alg_none (const char *kid,
                          JsonObject *claims)
{
  g_autofree char *header_json = make_header ("none", kid);
  g_autofree char *payload_json = oidc_test_json_to_string (claims);
  g_autofree char *header = encode_text (header_json);
  g_autofree char *payload = encode_text (payload_json);

  return g_strconcat (header, ".", payload, ".", NULL);
}

char *
oidc_test_forge_hs256 (OidcTestKey        *key,
                       OidcTestHmacSecret  secret,
                       JsonObject         *claims)
{
  g_autofree char *header_json = make_header ("HS256", key->kid);
  g_autofree char *payload_json = oidc_test_json_to_string (claims);
  g_autofree char *header = encode_text (header_json);
  g_autofree char *payload = encode_text (payload_json);
  g_autofree char *signing_input = g_strconcat (header, ".", payload, NULL);
  g_autofree char *signature = NULL;
  g_autofree char *jwk_text = NULL;
  gnutls_datum_t exported = { NULL, 0 };
  const void *secret_data;
  gsize secret_size;
  guint8 mac[32];

  if (secret == OIDC_TEST_HMAC_SECRET_JWK)
    {
      g_autoptr(JsonObject) jwk = oidc_test_key_to_jwk (key, NULL, NULL);

      jwk_text = oidc_test_json_to_string (jwk);
      secret_data = jwk_text;
      secret_size = strlen (jwk_text);
    }
  else
    {
      gnutls_x509_crt_fmt_t format = secret == OIDC_TEST_HMAC_SECRET_DER ? GNUTLS_X509_FMT_DER
                                                                         : GNUTLS_X509_FMT_PEM;

      check_gnutls (gnutls_pubkey_export2 (key->pubkey, format, &exported),
                    "export a public key");
      secret_data = exported.data;
      secret_size = exported.size;
    }

  check_gnutls (gnutls_hmac_fast (GNUTLS_MAC_SHA256, secret_data, secret_size,
                                  signing_input, strlen (signing_input), mac),
                "compute an HMAC");
  gnutls_free (exported.data);

  signature = oidc_base64url_encode (mac, sizeof (mac));

  return g_strconcat (signing_input, ".", signature, NULL);
}

JsonObject *
oidc_test_id_token_claims (const char *issuer,
                           const char *client_id,
                           const char *subject,
                           const char *nonce,
                           const char *azp,
                           gint64      now)
{
  JsonObject *claims = json_object_new ();

  json_object_set_string_member (claims, "iss", issuer);
  json_object_set_string_member (claims, "aud", client_id);
  json_object_set_string_member (claims, "sub", subject);
  json_object_set_int_member (claims, "iat", now);
  json_object_set_int_member (claims, "exp", now + 3600);
  if (nonce != NULL)
    json_object_set_string_member (claims, "nonce", nonce);
  if (azp != NULL)
    json_object_set_string_member (claims, "azp", azp);

  return claims;
}

char *
oidc_test_at_hash (const char *alg,
                   const char *access_token)
{
  const TestAlgorithm *algorithm = find_algorithm (alg);
  guint8 digest[64];
  gsize size = gnutls_hash_get_len (algorithm->digest);

  check_gnutls (gnutls_hash_fast (algorithm->digest, access_token, strlen (access_token),
                                  digest),
                "hash an access token");

  return oidc_base64url_encode (digest, size / 2);
}
