/* fuzz-jws.c: oidc_jws_parse on arbitrary compact strings.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-jose-private.h"
#include "oidc-error.h"
#include "fuzz-common.h"

/* An empty key set takes a parsed JWS through the checks before any key is chosen (crit, "none",
 * the allow-list, kid) without spending the time of a signature on each input. */
static OidcJwks *empty_jwks;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(JsonNode) root = NULL;

  fuzz_setup ();

  root = json_from_string ("{\"keys\": []}", NULL);
  empty_jwks = oidc_jwks_new_from_json (root, NULL);
  g_assert (empty_jwks != NULL);

  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *compact = fuzz_dup_string (data, size);
  g_autoptr(OidcJws) jws = NULL;
  g_autoptr(GError) error = NULL;
  gboolean key_missing = FALSE;

  jws = oidc_jws_parse (compact, &error);
  if (jws == NULL)
    {
      g_assert_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN);
      return 0;
    }
  g_assert_no_error (error);

  g_assert (oidc_jws_get_alg (jws) != NULL);
  g_assert (oidc_jws_get_header (jws) != NULL);
  g_assert (oidc_jws_get_payload (jws) != NULL);
  (void) oidc_jws_get_kid (jws);

  g_assert (!oidc_jws_verify (jws, empty_jwks, &key_missing, &error));
  g_assert_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN);

  return 0;
}
