/* oidc-provider-metadata-private.h: OpenID Provider metadata (OpenID Connect Discovery 1.0).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char     *issuer;
  char     *authorization_endpoint;
  char     *token_endpoint;
  char     *jwks_uri;
  char     *userinfo_endpoint;
  char     *revocation_endpoint;
  char     *end_session_endpoint;
  char    **scopes_supported;
  char    **token_endpoint_auth_methods_supported;
  char    **code_challenge_methods_supported;
  gboolean  iss_parameter_supported;
} OidcProviderMetadata;

/* The discovery URL of @issuer: "/.well-known/openid-configuration" after its path. */
char                 *oidc_provider_metadata_discovery_uri (const char            *issuer);

/* Validates a discovery document: its issuer equals @expected_issuer exactly, the endpoints a
 * sign-in needs are present, and every endpoint is HTTPS (or HTTP on a loopback host). */
OidcProviderMetadata *oidc_provider_metadata_new           (JsonObject            *object,
                                                            const char            *expected_issuer,
                                                            GError               **error);
void                  oidc_provider_metadata_free          (OidcProviderMetadata  *metadata);
gboolean              oidc_provider_metadata_supports      (char                 **list,
                                                            const char            *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OidcProviderMetadata, oidc_provider_metadata_free)

G_END_DECLS
