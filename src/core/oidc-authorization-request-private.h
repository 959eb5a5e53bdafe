/* oidc-authorization-request-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "oidc-authorization-request.h"
#include "oidc-interaction.h"

G_BEGIN_DECLS

/* @params are the query parameters of the authorization URL, in order, as a NULL-terminated
 * list of alternating names and values; redirect_uri is added from the request's own. */
OidcAuthorizationRequest *
oidc_authorization_request_new        (OidcAuthApi               *provider,
                                       const char                *provider_name,
                                       OidcAuthRequestFlags       flags,
                                       const char * const        *scopes,
                                       const char                *authorization_endpoint,
                                       const char * const        *params,
                                       const char                *redirect_uri);
void  oidc_authorization_request_run_async  (OidcAuthorizationRequest  *self,
                                             OidcInteraction           *interaction,
                                             GCancellable              *cancellable,
                                             GAsyncReadyCallback        callback,
                                             gpointer                   user_data);
char *oidc_authorization_request_run_finish (OidcAuthorizationRequest  *self,
                                             GAsyncResult              *result,
                                             GError                   **error);

G_END_DECLS
