/* oidc-authorization-request.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include <gio/gio.h>

#include "oidc-auth-api.h"
#include "oidc-version-macros.h"

G_BEGIN_DECLS

#define OIDC_TYPE_AUTHORIZATION_REQUEST (oidc_authorization_request_get_type ())

OIDC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (OidcAuthorizationRequest, oidc_authorization_request,
                      OIDC, AUTHORIZATION_REQUEST, GObject)

OIDC_AVAILABLE_IN_ALL
OidcAuthApi          *oidc_authorization_request_get_provider      (OidcAuthorizationRequest *self);
OIDC_AVAILABLE_IN_ALL
const char           *oidc_authorization_request_get_provider_name (OidcAuthorizationRequest *self);
OIDC_AVAILABLE_IN_ALL
OidcAuthRequestFlags  oidc_authorization_request_get_flags         (OidcAuthorizationRequest *self);
OIDC_AVAILABLE_IN_ALL
const char * const   *oidc_authorization_request_get_scopes        (OidcAuthorizationRequest *self);
OIDC_AVAILABLE_IN_ALL
GCancellable         *oidc_authorization_request_get_cancellable   (OidcAuthorizationRequest *self);
OIDC_AVAILABLE_IN_ALL
const char           *oidc_authorization_request_get_redirect_uri  (OidcAuthorizationRequest *self);
OIDC_AVAILABLE_IN_ALL
void     oidc_authorization_request_set_redirect_uri      (OidcAuthorizationRequest *self,
                                                           const char               *uri);
OIDC_AVAILABLE_IN_ALL
char    *oidc_authorization_request_dup_authorization_uri (OidcAuthorizationRequest *self);
OIDC_AVAILABLE_IN_ALL
gboolean oidc_authorization_request_is_redirect           (OidcAuthorizationRequest *self,
                                                           const char               *uri);
OIDC_AVAILABLE_IN_ALL
void     oidc_authorization_request_complete              (OidcAuthorizationRequest *self,
                                                           const char               *uri);
OIDC_AVAILABLE_IN_ALL
void     oidc_authorization_request_fail                  (OidcAuthorizationRequest *self,
                                                           GQuark                    domain,
                                                           int                       code,
                                                           const char               *message);
OIDC_AVAILABLE_IN_ALL
void     oidc_authorization_request_return_error          (OidcAuthorizationRequest *self,
                                                           GError                   *error);
OIDC_AVAILABLE_IN_ALL
gboolean oidc_authorization_request_is_finished           (OidcAuthorizationRequest *self);

G_END_DECLS
