/* oidc-google-auth.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include "oidc-oauth2-auth.h"

G_BEGIN_DECLS

#define OIDC_TYPE_GOOGLE_AUTH (oidc_google_auth_get_type ())

OIDC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (OidcGoogleAuth, oidc_google_auth, OIDC, GOOGLE_AUTH, OidcOAuth2Auth)

OIDC_AVAILABLE_IN_ALL
OidcGoogleAuth *oidc_google_auth_new (const char *client_id,
                                      const char *client_secret);

G_END_DECLS
