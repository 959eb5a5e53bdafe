/* oidc-test-idp.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The real test identity provider (tests/idp, oidc-provider on Node.js) for GLib test programs.
 *
 * oidc_test_idp_start() spawns `node $OIDC_TEST_IDP_DIR/idp.mjs` (tests/meson.build sets the
 * variable; $OIDC_TEST_NODE overrides the node found in PATH) on a free loopback port and waits
 * for it to be ready. The provider registers two clients with the redirect URIs of the options:
 *
 *  - the public native client oidc_test_idp_get_client_id() (token_endpoint_auth_method none);
 *  - the confidential native client %OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_ID with the secret
 *    %OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_SECRET (client_secret_basic).
 *
 * Both may use the authorization_code and refresh_token grants. PKCE with S256 is required,
 * refresh tokens are issued on every code exchange and rotated on every use (reusing a rotated
 * refresh token revokes the whole grant). A loopback redirect URI of either client matches with
 * any port (RFC 8252, section 7.3). The subject is the login typed into the provider's login
 * form, with the claims email `<login>@example.test`, email_verified and name `<Login> Example`,
 * in the ID Token as well as from the userinfo endpoint.
 *
 * All functions run in the test thread. The asynchronous ones complete in the thread-default
 * main context and the harness iterates that context while it waits, so sources of the code under
 * test are dispatched meanwhile. No wait lasts longer than %OIDC_TEST_IDP_TIMEOUT_SECONDS: a wait
 * that runs out fails with a message saying what did not happen. The provider exits when this
 * process does, even on a crash, since it watches its stdin.
 */

/* The longest any wait of the harness lasts, in seconds. */
#define OIDC_TEST_IDP_TIMEOUT_SECONDS 30

/* The redirect URIs registered when the options leave them NULL. */
#define OIDC_TEST_IDP_DEFAULT_REDIRECT_URIS \
  "http://127.0.0.1/callback,io.github.stagedoor.test:/callback"
#define OIDC_TEST_IDP_DEFAULT_CLIENT_ID          "stagedoor-test"
#define OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_ID     "stagedoor-secret"
#define OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_SECRET "not-so-secret"

/**
 * OidcTestIdpOptions:
 * @access_ttl: lifetime of access tokens in seconds, or 0 for 3600
 * @id_ttl: lifetime of ID tokens in seconds, or 0 for 3600
 * @redirect_uris: comma-separated redirect URIs of both clients, or %NULL for
 *   %OIDC_TEST_IDP_DEFAULT_REDIRECT_URIS
 * @client_id: client_id of the public client, or %NULL for %OIDC_TEST_IDP_DEFAULT_CLIENT_ID
 *
 * How to run the provider. A zero-initialised struct, like a %NULL pointer, means the defaults.
 */
typedef struct
{
  guint       access_ttl;
  guint       id_ttl;
  const char *redirect_uris;
  const char *client_id;
} OidcTestIdpOptions;

typedef struct _OidcTestIdp OidcTestIdp;

/**
 * oidc_test_idp_start:
 * @options: (nullable): how to run the provider
 * @error: return location for a #GError
 *
 * Spawns the provider and waits until it listens.
 *
 * Fails with %G_IO_ERROR_NOT_FOUND when node, idp.mjs or its node_modules are missing (the
 * message says to run `npm ci --prefix tests/idp`), and with another #GIOError when the provider
 * exits or stays silent for %OIDC_TEST_IDP_TIMEOUT_SECONDS.
 *
 * Returns: (transfer full): the running provider, to be given to oidc_test_idp_stop()
 */
OidcTestIdp *oidc_test_idp_start            (const OidcTestIdpOptions *options,
                                             GError                  **error);

/**
 * oidc_test_idp_stop:
 * @idp: (nullable) (transfer full): a provider
 *
 * Sends SIGTERM to the provider (SIGKILL if it lingers), waits for it to exit and frees @idp.
 */
void         oidc_test_idp_stop             (OidcTestIdp *idp);

/**
 * oidc_test_idp_get_issuer:
 * @idp: a provider
 *
 * Gets the issuer, `http://127.0.0.1:PORT` without a trailing slash. The discovery document is
 * at `ISSUER/.well-known/openid-configuration`.
 *
 * Returns: the issuer identifier
 */
const char  *oidc_test_idp_get_issuer       (OidcTestIdp *idp);
/**
 * oidc_test_idp_get_port:
 * @idp: a provider
 *
 * Gets the loopback port the provider listens on.
 *
 * Returns: the port
 */
guint        oidc_test_idp_get_port         (OidcTestIdp *idp);
/**
 * oidc_test_idp_get_client_id:
 * @idp: a provider
 *
 * Gets the client_id of the public native client.
 *
 * Returns: the client_id
 */
const char  *oidc_test_idp_get_client_id    (OidcTestIdp *idp);

/**
 * oidc_test_idp_count:
 * @idp: a provider
 * @endpoint: an endpoint name
 *
 * Counts the requests the provider answered at @endpoint since it started or since
 * oidc_test_idp_reset_counts(), as `GET /test/stats` tells. The names are `discovery`, `jwks`,
 * `authorization` (requests a client sends to the authorization endpoint), `resume` (the
 * browser's returns to it after the login and consent pages), `pushed_authorization_request`,
 * `token`, `revocation`, `userinfo`, `end_session`, `end_session_confirm`, `end_session_success`
 * and `total`, their sum. The login and consent pages and the test endpoints are not counted.
 * Aborts the test when the provider does not answer or @endpoint is no such name.
 *
 * Returns: the number of requests
 */
guint        oidc_test_idp_count            (OidcTestIdp *idp,
                                             const char  *endpoint);
/**
 * oidc_test_idp_reset_counts:
 * @idp: a provider
 *
 * Zeroes all the counts of oidc_test_idp_count() (`POST /test/reset`). Aborts the test when the
 * provider does not answer.
 */
void         oidc_test_idp_reset_counts     (OidcTestIdp *idp);

/**
 * oidc_test_idp_authorize_async:
 * @idp: a provider
 * @authorization_uri: a complete authorization request URI
 * @redirect_uri: the redirect_uri that @authorization_uri carries
 * @login: the login to type into the login form; it becomes the subject
 * @cancel: whether to follow the login page's Cancel link instead of signing in
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the provider redirected to @redirect_uri
 * @user_data: data for @callback
 *
 * Plays the user in a browser of its own, with a fresh cookie jar: follows @authorization_uri
 * and the provider's redirects, fills the login form with @login and any password, agrees on the
 * consent page, and stops at the first redirect to a URI that starts with @redirect_uri, without
 * loading it. With @cancel it follows the Cancel link of the login page instead, and the
 * provider redirects with `error=access_denied`.
 */
void         oidc_test_idp_authorize_async  (OidcTestIdp         *idp,
                                             const char          *authorization_uri,
                                             const char          *redirect_uri,
                                             const char          *login,
                                             gboolean             cancel,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/**
 * oidc_test_idp_authorize_finish:
 * @idp: a provider
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes oidc_test_idp_authorize_async(). Fails when the provider answered with an error page,
 * a page the harness does not know, or no redirect to the redirect URI within a few steps.
 *
 * Returns: (transfer full): the URI the provider redirected to, with its code or error
 */
char        *oidc_test_idp_authorize_finish (OidcTestIdp   *idp,
                                             GAsyncResult  *result,
                                             GError       **error);
/**
 * oidc_test_idp_authorize:
 * @idp: a provider
 * @authorization_uri: a complete authorization request URI
 * @redirect_uri: the redirect_uri that @authorization_uri carries
 * @login: the login to type into the login form
 * @cancel: whether to follow the login page's Cancel link instead of signing in
 * @error: return location for a #GError
 *
 * Runs oidc_test_idp_authorize_async() to its end, iterating the thread-default main context
 * for at most %OIDC_TEST_IDP_TIMEOUT_SECONDS.
 *
 * Returns: (transfer full): the URI the provider redirected to
 */
char        *oidc_test_idp_authorize        (OidcTestIdp   *idp,
                                             const char    *authorization_uri,
                                             const char    *redirect_uri,
                                             const char    *login,
                                             gboolean       cancel,
                                             GError       **error);

/**
 * oidc_test_idp_try_refresh:
 * @idp: a provider
 * @refresh_token: a refresh token of the public client
 *
 * Sends a refresh_token grant for the public client straight to the token endpoint, blocking.
 * A successful grant rotates @refresh_token away; its new tokens are dropped.
 *
 * Returns: (transfer full) (nullable): %NULL when the provider accepted @refresh_token, else the
 *   OAuth error code it answered, such as `invalid_grant`, or `HTTP <status>` or
 *   `transport error: <message>` when there was none
 */
char        *oidc_test_idp_try_refresh      (OidcTestIdp *idp,
                                             const char  *refresh_token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OidcTestIdp, oidc_test_idp_stop)

G_END_DECLS
