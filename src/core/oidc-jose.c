/* oidc-jose.c: base64url, randomness, PKCE, JWKS, JWS and ID-token validation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-jose-private.h"
#include "oidc-error.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

/* The only JWS this library verifies is the ID token, so the JWS functions report their failures
 * as OIDC_ERROR_INVALID_ID_TOKEN and word their messages about the ID token. Only the bare
 * base64url decoder and the key set, which come from other answers of the provider, use
 * OIDC_ERROR_INVALID_RESPONSE.
 *
 * Nothing here logs a token, a claim value or a signature: g_debug names the step, the issuer,
 * the algorithm and the key ID at most. */

/* Larger RSA moduli buy nothing and make every verification slow. */
#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 16384

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pubkey_t, gnutls_pubkey_deinit, NULL)

static void
datum_clear (gnutls_datum_t *datum)
{
  gnutls_free (datum->data);
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, datum_clear)

gboolean
oidc_json_has_escaped_nul (const char *data,
                           gsize       size)
{
  for (gsize i = 0; i + 6 <= size; i++)
    {
      gsize backslashes = 0;

      if (data[i] != '\\' || data[i + 1] != 'u' || memcmp (data + i + 2, "0000", 4) != 0)
        continue;

      /* An escaped backslash before it ("\\u0000") makes it plain text. */
      for (gsize j = i; j > 0 && data[j - 1] == '\\'; j--)
        backslashes++;
      if (backslashes % 2 == 0)
        return TRUE;
    }

  return FALSE;
}

/* base64url */

static int
base64url_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;

  return -1;
}

char *
oidc_base64url_encode (const guint8 *data,
                       gsize         len)
{
  char *text;
  gsize text_len;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  text = g_base64_encode (data, len);
  text_len = strlen (text);

  while (text_len > 0 && text[text_len - 1] == '=')
    text[--text_len] = '\0';

  for (gsize i = 0; i < text_len; i++)
    {
      if (text[i] == '+')
        text[i] = '-';
      else if (text[i] == '/')
        text[i] = '_';
    }

  return text;
}

GBytes *
oidc_base64url_decode (const char  *text,
                       gssize       len,
                       GError     **error)
{
  g_autofree char *standard = NULL;
  gsize text_len;
  gsize padded_len;
  gsize out_len = 0;
  int last;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text_len = len < 0 ? strlen (text) : (gsize) len;

  if (text_len == 0)
    return g_bytes_new (NULL, 0);

  /* A last group of a single character holds six bits, which is less than a byte. */
  if (text_len % 4 == 1)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                           "The base64url text has an impossible length");
      return NULL;
    }

  for (gsize i = 0; i < text_len; i++)
    {
      if (text[i] == '=')
        {
          g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                               "The base64url text is padded, which RFC 7515 forbids");
          return NULL;
        }

      if (base64url_value (text[i]) < 0)
        {
          g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                               "The base64url text contains a character outside its alphabet");
          return NULL;
        }
    }

  /* Bits left over after the last whole byte must be zero, or two texts would decode to the
   * same bytes and a signature could be altered without breaking it. */
  last = base64url_value (text[text_len - 1]);
  if ((text_len % 4 == 2 && (last & 0x0f) != 0) || (text_len % 4 == 3 && (last & 0x03) != 0))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                           "The base64url text has stray bits after its last byte");
      return NULL;
    }

  /* The text is now known to be canonical base64url, so GLib's decoder, which skips what it
   * does not know rather than failing, sees only characters it understands. */
  padded_len = text_len + (4 - text_len % 4) % 4;
  standard = g_malloc (padded_len + 1);

  for (gsize i = 0; i < padded_len; i++)
    {
      if (i >= text_len)
        standard[i] = '=';
      else if (text[i] == '-')
        standard[i] = '+';
      else if (text[i] == '_')
        standard[i] = '/';
      else
        standard[i] = text[i];
    }
  standard[padded_len] = '\0';

  g_base64_decode_inplace (standard, &out_len);

  return g_bytes_new_take (g_steal_pointer (&standard), out_len);
}

/* Randomness and PKCE */

char *
oidc_random_token (gsize n_bytes)
{
  g_autofree guint8 *bytes = NULL;
  char *token;

  if (n_bytes == 0)
    return g_strdup ("");

  bytes = g_malloc (n_bytes);

  /* Going on with predictable state, nonces and verifiers would make sign-in forgeable, and
   * GnuTLS only fails here when the system's entropy source is broken. */
  if (gnutls_rnd (GNUTLS_RND_KEY, bytes, n_bytes) != 0)
    g_error ("GnuTLS could not produce random bytes; sign-in cannot be made safe without them");

  token = oidc_base64url_encode (bytes, n_bytes);
  gnutls_memset (bytes, 0, n_bytes);

  return token;
}

/* RFC 7636 section 4.1: 43 to 128 characters from the unreserved set. */
static gboolean
is_pkce_verifier (const char *verifier)
{
  gsize len = strlen (verifier);

  if (len < 43 || len > 128)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = verifier[i];

      if (!g_ascii_isalnum (c) && c != '-' && c != '.' && c != '_' && c != '~')
        return FALSE;
    }

  return TRUE;
}

char *
oidc_pkce_s256 (const char *verifier)
{
  guint8 digest[32];

  g_return_val_if_fail (verifier != NULL, NULL);
  g_return_val_if_fail (is_pkce_verifier (verifier), NULL);

  /* The challenge cannot be sent without the hash, and SHA-256 only fails in a broken GnuTLS. */
  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, verifier, strlen (verifier), digest) != 0)
    g_error ("GnuTLS could not compute SHA-256 for the PKCE challenge");

  return oidc_base64url_encode (digest, sizeof (digest));
}

/* Algorithms and curves */

typedef enum
{
  KEY_TYPE_RSA,
  KEY_TYPE_EC,
} KeyType;

typedef struct
{
  const char         *crv;
  gnutls_ecc_curve_t  curve;
  gsize               coordinate_size;
} JwkCurve;

static const JwkCurve jwk_curves[] = {
  { "P-256", GNUTLS_ECC_CURVE_SECP256R1, 32 },
  { "P-384", GNUTLS_ECC_CURVE_SECP384R1, 48 },
  { "P-521", GNUTLS_ECC_CURVE_SECP521R1, 66 },
};

typedef struct
{
  const char                *name;
  KeyType                    key_type;
  const char                *crv;           /* EC only: the one curve RFC 7518 pairs it with */
  gnutls_sign_algorithm_t    sign;
  gnutls_digest_algorithm_t  digest;
  unsigned int               verify_flags;
} JwsAlgorithm;

/* RFC 7518 sections 3.3 to 3.5. PS* take a salt as long as the hash, which GnuTLS enforces with
 * the fixed-salt flag; ES* use GnuTLS' curve-bound identifiers so a key on another curve cannot
 * pass even if the checks below were wrong. */
static const JwsAlgorithm jws_algorithms[] = {
  { "RS256", KEY_TYPE_RSA, NULL, GNUTLS_SIGN_RSA_SHA256, GNUTLS_DIG_SHA256, 0 },
  { "RS384", KEY_TYPE_RSA, NULL, GNUTLS_SIGN_RSA_SHA384, GNUTLS_DIG_SHA384, 0 },
  { "RS512", KEY_TYPE_RSA, NULL, GNUTLS_SIGN_RSA_SHA512, GNUTLS_DIG_SHA512, 0 },
  { "PS256", KEY_TYPE_RSA, NULL, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, GNUTLS_DIG_SHA256,
    GNUTLS_VERIFY_RSA_PSS_FIXED_SALT_LENGTH },
  { "PS384", KEY_TYPE_RSA, NULL, GNUTLS_SIGN_RSA_PSS_RSAE_SHA384, GNUTLS_DIG_SHA384,
    GNUTLS_VERIFY_RSA_PSS_FIXED_SALT_LENGTH },
  { "PS512", KEY_TYPE_RSA, NULL, GNUTLS_SIGN_RSA_PSS_RSAE_SHA512, GNUTLS_DIG_SHA512,
    GNUTLS_VERIFY_RSA_PSS_FIXED_SALT_LENGTH },
  { "ES256", KEY_TYPE_EC, "P-256", GNUTLS_SIGN_ECDSA_SECP256R1_SHA256, GNUTLS_DIG_SHA256, 0 },
  { "ES384", KEY_TYPE_EC, "P-384", GNUTLS_SIGN_ECDSA_SECP384R1_SHA384, GNUTLS_DIG_SHA384, 0 },
  { "ES512", KEY_TYPE_EC, "P-521", GNUTLS_SIGN_ECDSA_SECP521R1_SHA512, GNUTLS_DIG_SHA512, 0 },
};

#define ALLOWED_ALGORITHMS "RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512"

static const JwkCurve *
find_curve (const char *crv)
{
  for (guint i = 0; i < G_N_ELEMENTS (jwk_curves); i++)
    {
      if (g_str_equal (jwk_curves[i].crv, crv))
        return &jwk_curves[i];
    }

  return NULL;
}

static const JwsAlgorithm *
find_algorithm (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (jws_algorithms); i++)
    {
      if (g_str_equal (jws_algorithms[i].name, name))
        return &jws_algorithms[i];
    }

  return NULL;
}

/* Header values come from whoever made the token, so they reach messages and logs only when
 * they look like a short algorithm name. */
static const char *
printable_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 16)
    return "(unprintable)";

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '+')
        return "(unprintable)";
    }

  return name;
}

/* JSON helpers */

/* Returns FALSE when @member is present but not a string; *value is NULL when it is absent. */
static gboolean
get_optional_string (JsonObject  *object,
                     const char  *member,
                     const char **value)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  *value = json_node_get_string (node);

  return TRUE;
}

static GBytes *
get_base64url_member (JsonObject *object,
                      const char *member)
{
  const char *text = NULL;

  if (!get_optional_string (object, member, &text) || text == NULL)
    return NULL;

  return oidc_base64url_decode (text, -1, NULL);
}

/* JWKS */

typedef struct
{
  char            *kid;
  char            *alg;
  KeyType          key_type;
  const JwkCurve  *curve;
  gsize            rsa_size;
  gnutls_pubkey_t  pubkey;
} OidcJwk;

struct _OidcJwks
{
  gatomicrefcount  ref_count;
  GPtrArray       *keys;
};

static void
oidc_jwk_free (OidcJwk *jwk)
{
  g_free (jwk->kid);
  g_free (jwk->alg);
  g_clear_pointer (&jwk->pubkey, gnutls_pubkey_deinit);
  g_free (jwk);
}

/* Integers in a JWK are big-endian and should be minimal, but some libraries keep a leading
 * zero byte; it changes nothing, so it is dropped rather than refused. */
static const guint8 *
strip_leading_zeros (GBytes *bytes,
                     gsize  *size)
{
  const guint8 *data = g_bytes_get_data (bytes, size);

  while (*size > 0 && data[0] == 0)
    {
      data++;
      (*size)--;
    }

  return data;
}

static gnutls_pubkey_t
import_rsa (JsonObject  *object,
            gsize       *rsa_size,
            char       **reason)
{
  g_auto(gnutls_pubkey_t) pubkey = NULL;
  g_autoptr(GBytes) n = NULL;
  g_autoptr(GBytes) e = NULL;
  const guint8 *n_data;
  const guint8 *e_data;
  gsize n_size;
  gsize e_size;
  gnutls_datum_t n_datum;
  gnutls_datum_t e_datum;
  unsigned int bits = 0;

  n = get_base64url_member (object, "n");
  e = get_base64url_member (object, "e");
  if (n == NULL || e == NULL)
    {
      *reason = g_strdup ("its modulus (n) or exponent (e) is missing or not base64url");
      return NULL;
    }

  n_data = strip_leading_zeros (n, &n_size);
  e_data = strip_leading_zeros (e, &e_size);

  /* An even or unit exponent makes signatures forgeable or meaningless. */
  if (e_size == 0 || (e_data[e_size - 1] & 1) == 0 || (e_size == 1 && e_data[0] == 1))
    {
      *reason = g_strdup ("its exponent (e) is not an odd number above one");
      return NULL;
    }

  /* Exponents beyond 32 bits serve no purpose and make every verification slow. */
  if (e_size > 4)
    {
      *reason = g_strdup ("its exponent (e) is implausibly large");
      return NULL;
    }

  if (n_size == 0 || n_size > RSA_MAX_BITS / 8)
    {
      *reason = g_strdup ("its modulus (n) is empty or implausibly large");
      return NULL;
    }

  n_datum = (gnutls_datum_t) { (unsigned char *) n_data, n_size };
  e_datum = (gnutls_datum_t) { (unsigned char *) e_data, e_size };

  if (gnutls_pubkey_init (&pubkey) < 0 ||
      gnutls_pubkey_import_rsa_raw (pubkey, &n_datum, &e_datum) < 0 ||
      gnutls_pubkey_verify_params (pubkey) < 0)
    {
      *reason = g_strdup ("GnuTLS refused it as an RSA public key");
      return NULL;
    }

  gnutls_pubkey_get_pk_algorithm (pubkey, &bits);
  if (bits < RSA_MIN_BITS)
    {
      *reason = g_strdup_printf ("its %u-bit modulus is shorter than the %u bits required",
                                 bits, RSA_MIN_BITS);
      return NULL;
    }

  *rsa_size = n_size;

  return g_steal_pointer (&pubkey);
}

static gnutls_pubkey_t
import_ec (JsonObject      *object,
           const JwkCurve **curve,
           char           **reason)
{
  g_auto(gnutls_pubkey_t) pubkey = NULL;
  g_autoptr(GBytes) x = NULL;
  g_autoptr(GBytes) y = NULL;
  const char *crv = NULL;
  gnutls_datum_t x_datum;
  gnutls_datum_t y_datum;
  gsize x_size;
  gsize y_size;

  if (!get_optional_string (object, "crv", &crv) || crv == NULL)
    {
      *reason = g_strdup ("it names no curve (crv)");
      return NULL;
    }

  *curve = find_curve (crv);
  if (*curve == NULL)
    {
      *reason = g_strdup_printf ("its curve “%s” is not supported", printable_name (crv));
      return NULL;
    }

  x = get_base64url_member (object, "x");
  y = get_base64url_member (object, "y");
  if (x == NULL || y == NULL)
    {
      *reason = g_strdup ("its coordinates (x, y) are missing or not base64url");
      return NULL;
    }

  /* RFC 7518 section 6.2.1.2: coordinates are exactly as long as the curve's field. */
  x_datum.data = (unsigned char *) g_bytes_get_data (x, &x_size);
  y_datum.data = (unsigned char *) g_bytes_get_data (y, &y_size);
  if (x_size != (*curve)->coordinate_size || y_size != (*curve)->coordinate_size)
    {
      *reason = g_strdup_printf ("its coordinates are not %" G_GSIZE_FORMAT " bytes long as %s "
                                 "requires", (*curve)->coordinate_size, (*curve)->crv);
      return NULL;
    }
  x_datum.size = x_size;
  y_datum.size = y_size;

  /* Importing does not check that the point is on the curve; verify_params does. */
  if (gnutls_pubkey_init (&pubkey) < 0 ||
      gnutls_pubkey_import_ecc_raw (pubkey, (*curve)->curve, &x_datum, &y_datum) < 0 ||
      gnutls_pubkey_verify_params (pubkey) < 0)
    {
      *reason = g_strdup ("its point is not on the curve");
      return NULL;
    }

  return g_steal_pointer (&pubkey);
}

/* RFC 7517 section 4.3: when "key_ops" is given, it must allow verification. */
static gboolean
key_ops_allow_verify (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "key_ops");
  JsonArray *ops;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  ops = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonNode *op = json_array_get_element (ops, i);

      if (JSON_NODE_HOLDS_VALUE (op) &&
          json_node_get_value_type (op) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (op), "verify"))
        return TRUE;
    }

  return FALSE;
}

static OidcJwk *
jwk_import (JsonNode  *node,
            char     **reason)
{
  OidcJwk *jwk;
  JsonObject *object;
  const JwsAlgorithm *algorithm = NULL;
  const char *kty = NULL;
  const char *kid = NULL;
  const char *use = NULL;
  const char *alg = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *reason = g_strdup ("it is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);

  if (!get_optional_string (object, "kty", &kty) || kty == NULL)
    {
      *reason = g_strdup ("it has no key type (kty)");
      return NULL;
    }

  if (!get_optional_string (object, "kid", &kid) ||
      !get_optional_string (object, "use", &use) ||
      !get_optional_string (object, "alg", &alg))
    {
      *reason = g_strdup ("its kid, use or alg is not a string");
      return NULL;
    }

  if (use != NULL && !g_str_equal (use, "sig"))
    {
      *reason = g_strdup_printf ("its use “%s” is not “sig”", printable_name (use));
      return NULL;
    }

  if (!key_ops_allow_verify (object))
    {
      *reason = g_strdup ("its key_ops do not include “verify”");
      return NULL;
    }

  jwk = g_new0 (OidcJwk, 1);

  if (g_str_equal (kty, "RSA"))
    {
      jwk->key_type = KEY_TYPE_RSA;
      jwk->pubkey = import_rsa (object, &jwk->rsa_size, reason);
    }
  else if (g_str_equal (kty, "EC"))
    {
      jwk->key_type = KEY_TYPE_EC;
      jwk->pubkey = import_ec (object, &jwk->curve, reason);
    }
  else
    {
      *reason = g_strdup_printf ("its key type “%s” is not supported", printable_name (kty));
    }

  if (jwk->pubkey == NULL)
    {
      oidc_jwk_free (jwk);
      return NULL;
    }

  /* A key meant for an algorithm outside the allow-list, or one that cannot go with its own
   * type or curve, can never verify an ID token. */
  if (alg != NULL)
    {
      algorithm = find_algorithm (alg);

      if (algorithm == NULL ||
          algorithm->key_type != jwk->key_type ||
          (jwk->curve != NULL && !g_str_equal (algorithm->crv, jwk->curve->crv)))
        {
          *reason = g_strdup_printf ("its algorithm “%s” is not allowed for it",
                                     printable_name (alg));
          oidc_jwk_free (jwk);
          return NULL;
        }
    }

  jwk->kid = g_strdup (kid);
  jwk->alg = g_strdup (alg);

  return jwk;
}

OidcJwks *
oidc_jwks_new_from_json (JsonNode  *root,
                         GError   **error)
{
  g_autoptr(OidcJwks) jwks = NULL;
  JsonNode *keys_node;
  JsonArray *keys;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                           "The provider's key set (JWKS) is not a JSON object");
      return NULL;
    }

  keys_node = json_object_get_member (json_node_get_object (root), "keys");
  if (keys_node == NULL || !JSON_NODE_HOLDS_ARRAY (keys_node))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                           "The provider's key set (JWKS) has no “keys” array");
      return NULL;
    }
  keys = json_node_get_array (keys_node);

  jwks = g_new0 (OidcJwks, 1);
  g_atomic_ref_count_init (&jwks->ref_count);
  jwks->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) oidc_jwk_free);

  /* One odd key must not lock users out while the provider's other keys are fine. */
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      g_autofree char *reason = NULL;
      OidcJwk *jwk = jwk_import (json_array_get_element (keys, i), &reason);

      if (jwk == NULL)
        {
          g_debug ("Skipping key %u of the provider's key set: %s", i, reason);
          continue;
        }

      g_ptr_array_add (jwks->keys, jwk);
    }

  g_debug ("Loaded %u of %u keys from the provider's key set",
           jwks->keys->len, json_array_get_length (keys));

  return g_steal_pointer (&jwks);
}

OidcJwks *
oidc_jwks_ref (OidcJwks *jwks)
{
  g_return_val_if_fail (jwks != NULL, NULL);

  g_atomic_ref_count_inc (&jwks->ref_count);

  return jwks;
}

void
oidc_jwks_unref (OidcJwks *jwks)
{
  g_return_if_fail (jwks != NULL);

  if (g_atomic_ref_count_dec (&jwks->ref_count))
    {
      g_ptr_array_unref (jwks->keys);
      g_free (jwks);
    }
}

guint
oidc_jwks_get_n_keys (OidcJwks *jwks)
{
  g_return_val_if_fail (jwks != NULL, 0);

  return jwks->keys->len;
}

/* JWS */

struct _OidcJws
{
  char       *signing_input;
  GBytes     *signature;
  JsonNode   *header;
  JsonNode   *payload;
  const char *alg;
  const char *kid;
};

static JsonNode *
parse_json_object (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *data;
  gsize size;

  data = g_bytes_get_data (bytes, &size);

  /* RFC 7515 requires UTF-8; g_utf8_validate also refuses embedded NUL bytes. json-glib
   * would cut a string at an escaped one ("\u0000"), so that "iss" could carry a tail the
   * exact comparison never sees: refuse those too. */
  if (size == 0 || size > G_MAXSSIZE || !g_utf8_validate (data, size, NULL) ||
      oidc_json_has_escaped_nul (data, size))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return NULL;

  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  return json_parser_steal_root (parser);
}

OidcJws *
oidc_jws_parse (const char  *compact,
                GError     **error)
{
  g_autoptr(OidcJws) jws = NULL;
  g_autoptr(GBytes) header = NULL;
  g_autoptr(GBytes) payload = NULL;
  const char *first_dot;
  const char *second_dot;
  JsonObject *header_object;

  g_return_val_if_fail (compact != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  first_dot = strchr (compact, '.');
  second_dot = first_dot != NULL ? strchr (first_dot + 1, '.') : NULL;
  if (second_dot == NULL || strchr (second_dot + 1, '.') != NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token is not a compact JWS: it must have exactly three "
                           "parts separated by dots");
      return NULL;
    }

  jws = g_new0 (OidcJws, 1);

  header = oidc_base64url_decode (compact, first_dot - compact, NULL);
  if (header == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's header is not valid base64url");
      return NULL;
    }

  payload = oidc_base64url_decode (first_dot + 1, second_dot - first_dot - 1, NULL);
  if (payload == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's payload is not valid base64url");
      return NULL;
    }

  jws->signature = oidc_base64url_decode (second_dot + 1, -1, NULL);
  if (jws->signature == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's signature is not valid base64url");
      return NULL;
    }

  jws->header = parse_json_object (header);
  if (jws->header == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's header is not a JSON object");
      return NULL;
    }

  jws->payload = parse_json_object (payload);
  if (jws->payload == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's payload is not a JSON object");
      return NULL;
    }

  header_object = json_node_get_object (jws->header);

  if (!get_optional_string (header_object, "alg", &jws->alg) || jws->alg == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's header names no signature algorithm (alg)");
      return NULL;
    }

  if (!get_optional_string (header_object, "kid", &jws->kid))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's key ID (kid) is not a string");
      return NULL;
    }

  jws->signing_input = g_strndup (compact, second_dot - compact);

  return g_steal_pointer (&jws);
}

void
oidc_jws_free (OidcJws *jws)
{
  if (jws == NULL)
    return;

  g_free (jws->signing_input);
  g_clear_pointer (&jws->signature, g_bytes_unref);
  g_clear_pointer (&jws->header, json_node_unref);
  g_clear_pointer (&jws->payload, json_node_unref);
  g_free (jws);
}

const char *
oidc_jws_get_alg (OidcJws *jws)
{
  g_return_val_if_fail (jws != NULL, NULL);

  return jws->alg;
}

const char *
oidc_jws_get_kid (OidcJws *jws)
{
  g_return_val_if_fail (jws != NULL, NULL);

  return jws->kid;
}

JsonObject *
oidc_jws_get_header (OidcJws *jws)
{
  g_return_val_if_fail (jws != NULL, NULL);

  return json_node_get_object (jws->header);
}

JsonObject *
oidc_jws_get_payload (OidcJws *jws)
{
  g_return_val_if_fail (jws != NULL, NULL);

  return json_node_get_object (jws->payload);
}

/* Returns NULL when @jwk may check an @algorithm signature, or why it may not. */
static char *
jwk_mismatch (const OidcJwk      *jwk,
              const JwsAlgorithm *algorithm)
{
  const char *kid = jwk->kid != NULL ? jwk->kid : "";

  if (algorithm->key_type == KEY_TYPE_RSA && jwk->key_type != KEY_TYPE_RSA)
    return g_strdup_printf ("The ID token's algorithm (alg) %s needs an RSA key, but key “%s” "
                            "is an EC key", algorithm->name, kid);

  if (algorithm->key_type == KEY_TYPE_EC && jwk->key_type != KEY_TYPE_EC)
    return g_strdup_printf ("The ID token's algorithm (alg) %s needs an EC key on %s, but key "
                            "“%s” is an RSA key", algorithm->name, algorithm->crv, kid);

  if (algorithm->key_type == KEY_TYPE_EC && !g_str_equal (algorithm->crv, jwk->curve->crv))
    return g_strdup_printf ("The ID token's algorithm (alg) %s needs a key on %s, but key “%s” "
                            "is on %s", algorithm->name, algorithm->crv, kid, jwk->curve->crv);

  if (jwk->alg != NULL && !g_str_equal (jwk->alg, algorithm->name))
    return g_strdup_printf ("The ID token's algorithm (alg) %s disagrees with the algorithm %s "
                            "that key “%s” is meant for", algorithm->name, jwk->alg, kid);

  return NULL;
}

static gboolean
jwk_verify (const OidcJwk      *jwk,
            const JwsAlgorithm *algorithm,
            OidcJws            *jws)
{
  g_auto(gnutls_datum_t) der = { NULL, 0 };
  gnutls_datum_t data;
  gnutls_datum_t signature;
  gsize signature_size;

  data.data = (unsigned char *) jws->signing_input;
  data.size = strlen (jws->signing_input);
  signature.data = (unsigned char *) g_bytes_get_data (jws->signature, &signature_size);
  signature.size = signature_size;

  if (jwk->key_type == KEY_TYPE_RSA)
    {
      /* RFC 8017 sections 8.1.2 and 8.2.2: a signature is exactly as long as the modulus;
       * anything else would let several texts stand for one signature. */
      if (signature_size != jwk->rsa_size)
        return FALSE;
    }
  else
    {
      /* RFC 7518 section 3.4: JWS carries R || S at the curve's size; GnuTLS wants DER. */
      gsize size = jwk->curve->coordinate_size;
      gnutls_datum_t r;
      gnutls_datum_t s;

      if (signature_size != 2 * size)
        return FALSE;

      r = (gnutls_datum_t) { signature.data, size };
      s = (gnutls_datum_t) { signature.data + size, size };
      if (gnutls_encode_rs_value (&der, &r, &s) < 0)
        return FALSE;

      signature = der;
    }

  return gnutls_pubkey_verify_data2 (jwk->pubkey, algorithm->sign, algorithm->verify_flags,
                                     &data, &signature) >= 0;
}

gboolean
oidc_jws_verify (OidcJws   *jws,
                 OidcJwks  *jwks,
                 gboolean  *key_missing,
                 GError   **error)
{
  g_autofree char *mismatch = NULL;
  const JwsAlgorithm *algorithm;
  guint n_named = 0;
  guint n_tried = 0;

  g_return_val_if_fail (jws != NULL, FALSE);
  g_return_val_if_fail (jwks != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (key_missing != NULL)
    *key_missing = FALSE;

  /* RFC 7515 section 4.1.11: extensions marked critical must be understood, and this library
   * understands none. */
  if (json_object_has_member (oidc_jws_get_header (jws), "crit"))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's header lists critical extensions (crit) that this "
                           "library does not understand");
      return FALSE;
    }

  if (g_str_equal (jws->alg, "none"))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token is unsigned (alg “none”), which is never accepted");
      return FALSE;
    }

  algorithm = find_algorithm (jws->alg);
  if (algorithm == NULL)
    {
      g_set_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                   "The ID token's signature algorithm (alg) “%s” is not on the allow-list ("
                   ALLOWED_ALGORITHMS ")", printable_name (jws->alg));
      return FALSE;
    }

  /* Keys come from the provider's key set only: "jwk", "jku", "x5u" and "x5c" in the header
   * are whatever the token's maker chose and are never looked at. */
  for (guint i = 0; i < jwks->keys->len; i++)
    {
      const OidcJwk *jwk = g_ptr_array_index (jwks->keys, i);
      g_autofree char *reason = NULL;

      if (jws->kid != NULL)
        {
          if (g_strcmp0 (jwk->kid, jws->kid) != 0)
            continue;
          n_named++;
        }

      reason = jwk_mismatch (jwk, algorithm);
      if (reason != NULL)
        {
          if (mismatch == NULL)
            mismatch = g_steal_pointer (&reason);
          continue;
        }

      n_tried++;
      if (jwk_verify (jwk, algorithm, jws))
        {
          g_debug ("The ID token's %s signature verifies with key “%s”",
                   algorithm->name, jwk->kid != NULL ? jwk->kid : "(no kid)");
          return TRUE;
        }
    }

  if (n_tried > 0)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's signature does not verify with the provider's key");
      return FALSE;
    }

  /* The token names a key that exists but cannot check it: fetching the set again would
   * not help, so the caller is not asked to. */
  if (n_named > 0)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN, mismatch);
      return FALSE;
    }

  if (key_missing != NULL)
    *key_missing = TRUE;

  if (jws->kid != NULL)
    {
      g_debug ("No key “%s” in the provider's key set", jws->kid);
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "No key in the provider's key set has the ID token's key ID (kid)");
    }
  else
    {
      g_set_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                   "No key in the provider's key set can check the ID token's %s signature",
                   algorithm->name);
    }

  return FALSE;
}

/* ID token */

/* Returns FALSE when @claim is present but not a NumericDate (RFC 7519 section 2): a JSON
 * number of seconds, possibly with a fraction, which is dropped. */
static gboolean
get_time_claim (JsonObject *claims,
                const char *claim,
                gboolean   *present,
                gint64     *value)
{
  JsonNode *node = json_object_get_member (claims, claim);
  GType type;

  *present = node != NULL;
  *value = 0;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *value = json_node_get_int (node);
      return TRUE;
    }

  if (type == G_TYPE_DOUBLE)
    {
      double seconds = json_node_get_double (node);

      /* Keeps the conversion defined; no real time is anywhere near these bounds. */
      if (!(seconds > -9.0e18 && seconds < 9.0e18))
        return FALSE;

      *value = (gint64) seconds;
      return TRUE;
    }

  return FALSE;
}

static gboolean
check_audience (JsonObject  *claims,
                const char  *client_id,
                GError     **error)
{
  JsonNode *aud = json_object_get_member (claims, "aud");
  const char *azp = NULL;
  gboolean has_client = FALSE;
  guint n_others = 0;

  if (aud == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token has no audience (aud)");
      return FALSE;
    }

  if (JSON_NODE_HOLDS_VALUE (aud) && json_node_get_value_type (aud) == G_TYPE_STRING)
    {
      has_client = g_str_equal (json_node_get_string (aud), client_id);
      n_others = has_client ? 0 : 1;
    }
  else if (JSON_NODE_HOLDS_ARRAY (aud))
    {
      JsonArray *array = json_node_get_array (aud);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING)
            {
              g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                                   "The ID token's audience (aud) is not a string or an array "
                                   "of strings");
              return FALSE;
            }

          if (g_str_equal (json_node_get_string (element), client_id))
            has_client = TRUE;
          else
            n_others++;
        }
    }
  else
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's audience (aud) is not a string or an array of "
                           "strings");
      return FALSE;
    }

  if (!has_client)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's audience (aud) does not include this client");
      return FALSE;
    }

  if (!get_optional_string (claims, "azp", &azp))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's authorized party (azp) is not a string");
      return FALSE;
    }

  if (azp != NULL && !g_str_equal (azp, client_id))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's authorized party (azp) is not this client");
      return FALSE;
    }

  /* OpenID Connect Core 3.1.3.7 says a client SHOULD want "azp" when there are several
   * audiences, and MUST refuse audiences it does not trust. The client keeps no list of trusted
   * audiences, so it takes the others only when "azp" says the token was issued to it. */
  if (n_others > 0 && azp == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token has several audiences (aud) but no authorized party "
                           "(azp) naming this client");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_times (JsonObject              *claims,
             const OidcIdTokenCheck  *check,
             gint64                  *issued_at,
             gint64                  *expires_at,
             GError                 **error)
{
  gboolean present;
  gint64 nbf;

  if (!get_time_claim (claims, "exp", &present, expires_at) || !present)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token has no valid expiry time (exp)");
      return FALSE;
    }

  /* RFC 7519 section 4.1.4: the token is good strictly before "exp", give or take the leeway.
   * Subtracting from "now" rather than adding to "exp" cannot overflow on hostile values. */
  if (*expires_at <= check->now - (gint64) check->leeway)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token has expired (exp)");
      return FALSE;
    }

  if (!get_time_claim (claims, "iat", &present, issued_at) || !present)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token has no valid issue time (iat)");
      return FALSE;
    }

  /* Old tokens are already bounded by "exp"; a token from the future means a clock is off by
   * more than the leeway, or the token was made for later use. */
  if (*issued_at > check->now + (gint64) check->leeway)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's issue time (iat) is in the future");
      return FALSE;
    }

  if (!get_time_claim (claims, "nbf", &present, &nbf))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's start time (nbf) is not a number");
      return FALSE;
    }

  if (present && nbf > check->now + (gint64) check->leeway)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token is not valid yet (nbf)");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_nonce (JsonObject              *claims,
             const OidcIdTokenCheck  *check,
             const char             **nonce,
             GError                 **error)
{
  if (!get_optional_string (claims, "nonce", nonce))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's nonce (nonce) is not a string");
      return FALSE;
    }

  if (*nonce == NULL)
    {
      if (check->nonce_mode == OIDC_NONCE_IF_PRESENT)
        return TRUE;

      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token has no nonce (nonce), but the sign-in request sent one");
      return FALSE;
    }

  /* On refresh without a remembered nonce, a nonce in the token cannot be matched to any
   * request, so it is refused rather than trusted. */
  if (check->nonce == NULL || !g_str_equal (*nonce, check->nonce))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's nonce (nonce) does not match the sign-in request's");
      return FALSE;
    }

  return TRUE;
}

/* OpenID Connect Core 3.1.3.8: the left half of the access token's hash, with the hash of the
 * token's own algorithm. */
static gboolean
check_at_hash (JsonObject              *claims,
               const OidcIdTokenCheck  *check,
               const JwsAlgorithm      *algorithm,
               GError                 **error)
{
  g_autofree char *expected = NULL;
  const char *at_hash = NULL;
  guint8 digest[64];
  gsize digest_size;

  if (!get_optional_string (claims, "at_hash", &at_hash))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's access token hash (at_hash) is not a string");
      return FALSE;
    }

  if (at_hash == NULL || check->access_token == NULL)
    return TRUE;

  digest_size = gnutls_hash_get_len (algorithm->digest);
  g_assert (digest_size <= sizeof (digest));

  if (gnutls_hash_fast (algorithm->digest, check->access_token,
                        strlen (check->access_token), digest) < 0)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's access token hash (at_hash) could not be computed");
      return FALSE;
    }

  expected = oidc_base64url_encode (digest, digest_size / 2);
  if (!g_str_equal (expected, at_hash))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's access token hash (at_hash) does not match the "
                           "access token");
      return FALSE;
    }

  return TRUE;
}

static char *
dup_optional_string (JsonObject *claims,
                     const char *claim)
{
  const char *value = NULL;

  if (!get_optional_string (claims, claim, &value))
    return NULL;

  return g_strdup (value);
}

OidcIdToken *
oidc_id_token_validate (const char              *compact,
                        OidcJwks                *jwks,
                        const OidcIdTokenCheck  *check,
                        gboolean                *key_missing,
                        GError                 **error)
{
  g_autoptr(OidcJws) jws = NULL;
  g_autoptr(OidcIdToken) token = NULL;
  JsonObject *claims;
  const char *issuer = NULL;
  const char *subject = NULL;
  const char *nonce = NULL;
  gint64 issued_at;
  gint64 expires_at;

  g_return_val_if_fail (compact != NULL, NULL);
  g_return_val_if_fail (jwks != NULL, NULL);
  g_return_val_if_fail (check != NULL, NULL);
  g_return_val_if_fail (check->issuer != NULL, NULL);
  g_return_val_if_fail (check->client_id != NULL, NULL);
  g_return_val_if_fail (check->nonce_mode != OIDC_NONCE_REQUIRED || check->nonce != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (key_missing != NULL)
    *key_missing = FALSE;

  /* Claims of a token whose signature has not been checked are not worth reading. */
  jws = oidc_jws_parse (compact, error);
  if (jws == NULL)
    return NULL;

  if (!oidc_jws_verify (jws, jwks, key_missing, error))
    return NULL;

  claims = oidc_jws_get_payload (jws);

  if (!get_optional_string (claims, "iss", &issuer) || issuer == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token has no issuer (iss)");
      return NULL;
    }

  if (!g_str_equal (issuer, check->issuer))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's issuer (iss) is not the provider's issuer");
      return NULL;
    }

  if (!check_audience (claims, check->client_id, error))
    return NULL;

  if (!check_times (claims, check, &issued_at, &expires_at, error))
    return NULL;

  if (!check_nonce (claims, check, &nonce, error))
    return NULL;

  if (!get_optional_string (claims, "sub", &subject) || subject == NULL || *subject == '\0')
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token has no subject (sub)");
      return NULL;
    }

  if (check->subject != NULL && !g_str_equal (subject, check->subject))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN,
                           "The ID token's subject (sub) is not the signed-in user");
      return NULL;
    }

  if (!check_at_hash (claims, check, find_algorithm (jws->alg), error))
    return NULL;

  token = g_new0 (OidcIdToken, 1);
  token->raw = g_strdup (compact);
  token->issuer = g_strdup (issuer);
  token->subject = g_strdup (subject);
  token->nonce = g_strdup (nonce);
  token->email = dup_optional_string (claims, "email");
  token->name = dup_optional_string (claims, "name");
  token->picture = dup_optional_string (claims, "picture");
  token->issued_at = issued_at;
  token->expires_at = expires_at;

  g_debug ("Validated an ID token from %s", check->issuer);

  return g_steal_pointer (&token);
}

void
oidc_id_token_free (OidcIdToken *token)
{
  if (token == NULL)
    return;

  g_free (token->raw);
  g_free (token->issuer);
  g_free (token->subject);
  g_free (token->nonce);
  g_free (token->email);
  g_free (token->name);
  g_free (token->picture);
  g_free (token);
}
