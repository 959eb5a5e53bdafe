/* oidc-okta-auth.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include "oidc-oauth2-auth.h"

G_BEGIN_DECLS

#define OIDC_TYPE_OKTA_AUTH (oidc_okta_auth_get_type ())

OIDC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (OidcOktaAuth, oidc_okta_auth, OIDC, OKTA_AUTH, OidcOAuth2Auth)

OIDC_AVAILABLE_IN_ALL
OidcOktaAuth *oidc_okta_auth_new (const char *issuer,
                                  const char *client_id);

G_END_DECLS
