/* oidc-okta-auth.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-okta-auth.h"
#include "oidc-oauth2-auth-private.h"

/**
 * OidcOktaAuth:
 *
 * Sign-in with Okta.
 *
 * The issuer is an Okta authorization server (`https://example.okta.com/oauth2/default`) or
 * an org URL (`https://example.okta.com`), which stands for its `default` authorization
 * server.
 */

struct _OidcOktaAuth
{
  OidcOAuth2Auth parent_instance;
};

G_DEFINE_FINAL_TYPE (OidcOktaAuth, oidc_okta_auth, OIDC_TYPE_OAUTH2_AUTH)

static void
oidc_okta_auth_class_init (OidcOktaAuthClass *klass)
{
}

static void
oidc_okta_auth_init (OidcOktaAuth *self)
{
  static const char * const scopes[] = { "openid", "email", "profile", "offline_access", NULL };

  oidc_oauth2_auth_set_scopes (OIDC_OAUTH2_AUTH (self), scopes);
  oidc_oauth2_auth_set_display_name (OIDC_OAUTH2_AUTH (self), "Okta");
}

/* An org URL has no path; its default authorization server lives at /oauth2/default. */
static char *
normalize_issuer (const char *issuer)
{
  g_autoptr(GUri) uri = g_uri_parse (issuer, G_URI_FLAGS_ENCODED, NULL);
  const char *path;

  if (uri == NULL)
    return g_strdup (issuer);

  path = g_uri_get_path (uri);
  if (path[0] != '\0' && g_strcmp0 (path, "/") != 0)
    return g_strdup (issuer);

  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s://%s:%d/oauth2/default", g_uri_get_scheme (uri),
                            g_uri_get_host (uri), g_uri_get_port (uri));

  return g_strdup_printf ("%s://%s/oauth2/default", g_uri_get_scheme (uri), g_uri_get_host (uri));
}

/**
 * oidc_okta_auth_new:
 * @issuer: an Okta org URL or authorization server URL
 * @client_id: the client ID of a native Okta application
 *
 * Creates sign-in with Okta.
 *
 * Returns: (transfer full): a new provider
 */
OidcOktaAuth *
oidc_okta_auth_new (const char *issuer,
                    const char *client_id)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (issuer != NULL, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);

  normalized = normalize_issuer (issuer);

  return g_object_new (OIDC_TYPE_OKTA_AUTH,
                       "issuer", normalized,
                       "client-id", client_id,
                       NULL);
}
