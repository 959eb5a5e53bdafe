/* oidc-auth-api.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-auth-api.h"

/**
 * OidcAuthApi:
 *
 * One cheap call that always yields a valid OpenID Connect ID token.
 *
 * Call [method@AuthApi.get_id_token_async] each time a token is used rather than keeping
 * the token: the implementation caches it, refreshes it and signs the user in only when it must.
 * [method@AuthApi.logout_async] ends the session.
 */

G_DEFINE_INTERFACE (OidcAuthApi, oidc_auth_api, G_TYPE_OBJECT)

static void
oidc_auth_api_default_init (OidcAuthApiInterface *iface)
{
  /**
   * OidcAuthApi:signed-in:
   *
   * Whether a session exists, whether or not its tokens are still fresh.
   */
  g_object_interface_install_property (iface,
                                       g_param_spec_boolean ("signed-in", NULL, NULL,
                                                             FALSE,
                                                             (G_PARAM_READABLE |
                                                              G_PARAM_EXPLICIT_NOTIFY |
                                                              G_PARAM_STATIC_STRINGS)));
}

/**
 * oidc_auth_api_get_id_token_async:
 * @self: an auth api
 * @flags: how the request may involve the user
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the token is available
 * @user_data: data for @callback
 *
 * Gets a valid ID token, signing in or refreshing the session only when needed.
 *
 * With %OIDC_AUTH_REQUEST_OPTIONAL nothing is shown and the result is %NULL when no session
 * exists. Otherwise the call only fails if the user rejects the sign-in, the sign-in window
 * is closed, or the provider cannot complete it.
 */
void
oidc_auth_api_get_id_token_async (OidcAuthApi          *self,
                                  OidcAuthRequestFlags  flags,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_return_if_fail (OIDC_IS_AUTH_API (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  OIDC_AUTH_API_GET_IFACE (self)->get_id_token_async (self, flags, cancellable, callback,
                                                      user_data);
}

/**
 * oidc_auth_api_get_id_token_finish:
 * @self: an auth api
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [method@AuthApi.get_id_token_async].
 *
 * Returns: (transfer full) (nullable): the compact-serialised ID token, or %NULL with no
 *   error when the request was optional and there is no session
 */
char *
oidc_auth_api_get_id_token_finish (OidcAuthApi   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (OIDC_IS_AUTH_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return OIDC_AUTH_API_GET_IFACE (self)->get_id_token_finish (self, result, error);
}

/**
 * oidc_auth_api_logout_async:
 * @self: an auth api
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the session has ended
 * @user_data: data for @callback
 *
 * Ends the session: revokes its tokens at the provider and forgets them locally.
 *
 * The local session is cleared even when a step at the provider fails; such failures are
 * reported by [method@AuthApi.logout_finish].
 */
void
oidc_auth_api_logout_async (OidcAuthApi         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (OIDC_IS_AUTH_API (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  OIDC_AUTH_API_GET_IFACE (self)->logout_async (self, cancellable, callback, user_data);
}

/**
 * oidc_auth_api_logout_finish:
 * @self: an auth api
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [method@AuthApi.logout_async].
 *
 * Returns: %TRUE if every step succeeded; the local session is cleared either way
 */
gboolean
oidc_auth_api_logout_finish (OidcAuthApi   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (OIDC_IS_AUTH_API (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return OIDC_AUTH_API_GET_IFACE (self)->logout_finish (self, result, error);
}
