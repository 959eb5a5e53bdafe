/* oidc-auth-api.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include <gio/gio.h>

#include "oidc-version-macros.h"

G_BEGIN_DECLS

/**
 * OidcAuthRequestFlags:
 * @OIDC_AUTH_REQUEST_NONE: Sign in through the queued login dialog when needed.
 * @OIDC_AUTH_REQUEST_OPTIONAL: Never prompt; answer %NULL when there is no session.
 * @OIDC_AUTH_REQUEST_INSTANT_POPUP: Skip the login dialog and open the sign-in window at once.
 *
 * How a request for a token may involve the user.
 */
typedef enum /*< flags >*/
{
  OIDC_AUTH_REQUEST_NONE          = 0,
  OIDC_AUTH_REQUEST_OPTIONAL      = 1 << 0,
  OIDC_AUTH_REQUEST_INSTANT_POPUP = 1 << 1,
} OidcAuthRequestFlags;

#define OIDC_TYPE_AUTH_API (oidc_auth_api_get_type ())

OIDC_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (OidcAuthApi, oidc_auth_api, OIDC, AUTH_API, GObject)

/**
 * OidcAuthApiInterface:
 * @get_id_token_async: Starts getting a valid ID token.
 * @get_id_token_finish: Finishes a call to @get_id_token_async.
 * @logout_async: Starts ending the session.
 * @logout_finish: Finishes a call to @logout_async.
 *
 * The virtual methods of [iface@AuthApi].
 */
struct _OidcAuthApiInterface
{
  GTypeInterface parent_iface;

  void     (*get_id_token_async)  (OidcAuthApi          *self,
                                   OidcAuthRequestFlags  flags,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  char    *(*get_id_token_finish) (OidcAuthApi          *self,
                                   GAsyncResult         *result,
                                   GError              **error);
  void     (*logout_async)        (OidcAuthApi          *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  gboolean (*logout_finish)       (OidcAuthApi          *self,
                                   GAsyncResult         *result,
                                   GError              **error);
};

OIDC_AVAILABLE_IN_ALL
void     oidc_auth_api_get_id_token_async  (OidcAuthApi          *self,
                                            OidcAuthRequestFlags  flags,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
OIDC_AVAILABLE_IN_ALL
char    *oidc_auth_api_get_id_token_finish (OidcAuthApi          *self,
                                            GAsyncResult         *result,
                                            GError              **error);
OIDC_AVAILABLE_IN_ALL
void     oidc_auth_api_logout_async        (OidcAuthApi          *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
OIDC_AVAILABLE_IN_ALL
gboolean oidc_auth_api_logout_finish       (OidcAuthApi          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
