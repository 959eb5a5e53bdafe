/* oidc-oauth2-auth-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "oidc-oauth2-auth.h"

G_BEGIN_DECLS

typedef OidcInteraction *(*OidcInteractionFactory) (OidcOAuth2Auth *auth);

/* The UI layer installs the interaction used by providers that were given none. */
void      oidc_oauth2_auth_set_default_interaction_factory (OidcInteractionFactory  factory);

/* The UI layer's part of a logout: visit @end_session_uri (RP-initiated logout, when not
 * NULL) with the provider's embedded browser without showing it, then forget everything that
 * browser keeps for the provider (cookies, storage, cache). */
typedef void     (*OidcBrowserLogoutAsync)  (OidcOAuth2Auth       *auth,
                                             const char           *end_session_uri,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
typedef gboolean (*OidcBrowserLogoutFinish) (OidcOAuth2Auth       *auth,
                                             GAsyncResult         *result,
                                             GError              **error);

void      oidc_oauth2_auth_set_browser_logout              (OidcBrowserLogoutAsync  logout_async,
                                                            OidcBrowserLogoutFinish logout_finish);

/* A stable name for what is kept per provider (keyring item, browser data): a digest of the
 * issuer and the client ID, safe as a file name. */
char     *oidc_oauth2_auth_dup_storage_id                  (OidcOAuth2Auth         *self);

/* For subclasses: extra query parameters of the authorization URL (alternating names and
 * values), and whether "offline_access" is asked for when the provider lists it. */
void      oidc_oauth2_auth_set_authorization_params        (OidcOAuth2Auth         *self,
                                                            const char * const     *params);
void      oidc_oauth2_auth_set_offline_access_scope        (OidcOAuth2Auth         *self,
                                                            gboolean                enabled);
gboolean  oidc_oauth2_auth_get_forbids_embedded            (OidcOAuth2Auth         *self);
void      oidc_oauth2_auth_set_forbids_embedded            (OidcOAuth2Auth         *self,
                                                            gboolean                forbids);

/* For tests. */
void      oidc_oauth2_auth_set_http_timeout                (OidcOAuth2Auth         *self,
                                                            guint                   seconds);
char     *oidc_oauth2_auth_dup_refresh_token               (OidcOAuth2Auth         *self);
char     *oidc_oauth2_auth_dup_access_token                (OidcOAuth2Auth         *self);

G_END_DECLS
