/* fuzz-metadata.c: oidc_provider_metadata_new on arbitrary JSON objects.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-error.h"
#include "oidc-http-private.h"
#include "oidc-provider-metadata-private.h"
#include "fuzz-common.h"

/* The issuer the seeds under corpus/metadata name. */
#define ISSUER "https://id.example.test"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_setup ();

  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(OidcProviderMetadata) metadata = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return 0;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;

  metadata = oidc_provider_metadata_new (json_node_get_object (root), ISSUER, &error);
  if (metadata == NULL)
    {
      g_assert (error != NULL && error->domain == OIDC_ERROR);
      return 0;
    }
  g_assert_no_error (error);

  /* What the sign-in relies on once the document is accepted. */
  g_assert_cmpstr (metadata->issuer, ==, ISSUER);
  g_assert (oidc_uri_is_secure_or_loopback (metadata->authorization_endpoint));
  g_assert (oidc_uri_is_secure_or_loopback (metadata->token_endpoint));
  g_assert (oidc_uri_is_secure_or_loopback (metadata->jwks_uri));
  g_assert (metadata->userinfo_endpoint == NULL ||
            oidc_uri_is_secure_or_loopback (metadata->userinfo_endpoint));
  g_assert (metadata->revocation_endpoint == NULL ||
            oidc_uri_is_secure_or_loopback (metadata->revocation_endpoint));
  g_assert (metadata->end_session_endpoint == NULL ||
            oidc_uri_is_secure_or_loopback (metadata->end_session_endpoint));
  g_assert (metadata->code_challenge_methods_supported == NULL ||
            oidc_provider_metadata_supports (metadata->code_challenge_methods_supported,
                                             "S256"));
  (void) oidc_provider_metadata_supports (metadata->scopes_supported, "openid");
  (void) oidc_provider_metadata_supports (metadata->token_endpoint_auth_methods_supported,
                                          "client_secret_basic");

  return 0;
}
