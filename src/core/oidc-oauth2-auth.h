/* oidc-oauth2-auth.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include <gio/gio.h>

#include "oidc-auth-api.h"
#include "oidc-interaction.h"
#include "oidc-version-macros.h"

G_BEGIN_DECLS

/**
 * OidcSignInMethod:
 * @OIDC_SIGN_IN_METHOD_AUTOMATIC: The system browser where the provider forbids embedded
 *   views (Google), an embedded window otherwise.
 * @OIDC_SIGN_IN_METHOD_EMBEDDED: An embedded web view.
 * @OIDC_SIGN_IN_METHOD_BROWSER: The system browser with a loopback redirect (RFC 8252).
 *
 * Where the provider's sign-in page is shown.
 */
typedef enum
{
  OIDC_SIGN_IN_METHOD_AUTOMATIC,
  OIDC_SIGN_IN_METHOD_EMBEDDED,
  OIDC_SIGN_IN_METHOD_BROWSER,
} OidcSignInMethod;

#define OIDC_TYPE_OAUTH2_AUTH (oidc_oauth2_auth_get_type ())

OIDC_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (OidcOAuth2Auth, oidc_oauth2_auth, OIDC, OAUTH2_AUTH, GObject)

/**
 * OidcOAuth2AuthClass:
 *
 * The class of [class@OAuth2Auth]; providers with their own defaults derive from it.
 */
struct _OidcOAuth2AuthClass
{
  GObjectClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

OIDC_AVAILABLE_IN_ALL
OidcOAuth2Auth     *oidc_oauth2_auth_new                (const char         *issuer,
                                                         const char         *client_id);
OIDC_AVAILABLE_IN_ALL
const char         *oidc_oauth2_auth_get_issuer         (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
const char         *oidc_oauth2_auth_get_client_id      (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
const char         *oidc_oauth2_auth_get_client_secret  (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
const char * const *oidc_oauth2_auth_get_scopes         (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_scopes         (OidcOAuth2Auth     *self,
                                                         const char * const *scopes);
OIDC_AVAILABLE_IN_ALL
const char         *oidc_oauth2_auth_get_redirect_uri   (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_redirect_uri   (OidcOAuth2Auth     *self,
                                                         const char         *redirect_uri);
OIDC_AVAILABLE_IN_ALL
const char         *oidc_oauth2_auth_get_display_name   (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_display_name   (OidcOAuth2Auth     *self,
                                                         const char         *display_name);
OIDC_AVAILABLE_IN_ALL
OidcInteraction    *oidc_oauth2_auth_get_interaction    (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_interaction    (OidcOAuth2Auth     *self,
                                                         OidcInteraction    *interaction);
OIDC_AVAILABLE_IN_ALL
OidcSignInMethod    oidc_oauth2_auth_get_sign_in_method (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_sign_in_method (OidcOAuth2Auth     *self,
                                                         OidcSignInMethod    method);
OIDC_AVAILABLE_IN_ALL
guint               oidc_oauth2_auth_get_refresh_margin (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_refresh_margin (OidcOAuth2Auth     *self,
                                                         guint               seconds);
OIDC_AVAILABLE_IN_ALL
guint               oidc_oauth2_auth_get_clock_leeway   (OidcOAuth2Auth     *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_clock_leeway   (OidcOAuth2Auth     *self,
                                                         guint               seconds);
OIDC_AVAILABLE_IN_ALL
gboolean            oidc_oauth2_auth_get_remember_session         (OidcOAuth2Auth *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_remember_session         (OidcOAuth2Auth *self,
                                                                   gboolean        remember);
OIDC_AVAILABLE_IN_ALL
const char         *oidc_oauth2_auth_get_post_logout_redirect_uri (OidcOAuth2Auth *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_post_logout_redirect_uri (OidcOAuth2Auth *self,
                                                                   const char     *uri);
OIDC_AVAILABLE_IN_ALL
gboolean            oidc_oauth2_auth_get_end_session_in_browser   (OidcOAuth2Auth *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_oauth2_auth_set_end_session_in_browser   (OidcOAuth2Auth *self,
                                                                   gboolean        in_browser);
OIDC_AVAILABLE_IN_ALL
gboolean            oidc_oauth2_auth_get_signed_in      (OidcOAuth2Auth     *self);

G_END_DECLS
