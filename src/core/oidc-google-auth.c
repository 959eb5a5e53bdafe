/* oidc-google-auth.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-google-auth.h"
#include "oidc-oauth2-auth-private.h"

/**
 * OidcGoogleAuth:
 *
 * Sign-in with a Google account.
 *
 * Google gives desktop clients a client secret that ships with the application and is not
 * confidential. It hands out refresh tokens for `access_type=offline` with `prompt=consent`
 * rather than for the `offline_access` scope, and it refuses embedded web views, so the
 * automatic sign-in method opens the system browser.
 */

#define GOOGLE_ISSUER "https://accounts.google.com"

struct _OidcGoogleAuth
{
  OidcOAuth2Auth parent_instance;
};

G_DEFINE_FINAL_TYPE (OidcGoogleAuth, oidc_google_auth, OIDC_TYPE_OAUTH2_AUTH)

static void
oidc_google_auth_class_init (OidcGoogleAuthClass *klass)
{
}

static void
oidc_google_auth_init (OidcGoogleAuth *self)
{
  static const char * const scopes[] = { "openid", "email", "profile", NULL };
  static const char * const params[] = { "access_type", "offline", "prompt", "consent", NULL };
  OidcOAuth2Auth *auth = OIDC_OAUTH2_AUTH (self);

  oidc_oauth2_auth_set_scopes (auth, scopes);
  oidc_oauth2_auth_set_authorization_params (auth, params);
  oidc_oauth2_auth_set_offline_access_scope (auth, FALSE);
  oidc_oauth2_auth_set_forbids_embedded (auth, TRUE);
  oidc_oauth2_auth_set_display_name (auth, "Google");
}

/**
 * oidc_google_auth_new:
 * @client_id: the OAuth client ID of a Google "Desktop app" client
 * @client_secret: (nullable): its client secret
 *
 * Creates sign-in with a Google account.
 *
 * Returns: (transfer full): a new provider
 */
OidcGoogleAuth *
oidc_google_auth_new (const char *client_id,
                      const char *client_secret)
{
  g_return_val_if_fail (client_id != NULL, NULL);

  return g_object_new (OIDC_TYPE_GOOGLE_AUTH,
                       "issuer", GOOGLE_ISSUER,
                       "client-id", client_id,
                       "client-secret", client_secret,
                       NULL);
}
