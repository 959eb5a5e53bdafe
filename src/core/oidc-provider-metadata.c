/* oidc-provider-metadata.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "oidc-error.h"
#include "oidc-http-private.h"
#include "oidc-provider-metadata-private.h"

char *
oidc_provider_metadata_discovery_uri (const char *issuer)
{
  gsize len = strlen (issuer);

  /* Discovery 4.1: the issuer's trailing slash, if any, is removed before appending. */
  if (len > 0 && issuer[len - 1] == '/')
    len--;

  return g_strdup_printf ("%.*s/.well-known/openid-configuration", (int) len, issuer);
}

void
oidc_provider_metadata_free (OidcProviderMetadata *metadata)
{
  if (metadata == NULL)
    return;

  g_free (metadata->issuer);
  g_free (metadata->authorization_endpoint);
  g_free (metadata->token_endpoint);
  g_free (metadata->jwks_uri);
  g_free (metadata->userinfo_endpoint);
  g_free (metadata->revocation_endpoint);
  g_free (metadata->end_session_endpoint);
  g_strfreev (metadata->scopes_supported);
  g_strfreev (metadata->token_endpoint_auth_methods_supported);
  g_strfreev (metadata->code_challenge_methods_supported);
  g_free (metadata);
}

gboolean
oidc_provider_metadata_supports (char       **list,
                                 const char  *value)
{
  return list != NULL && g_strv_contains ((const char * const *) list, value);
}

static gboolean
get_string (JsonObject  *object,
            const char  *name,
            gboolean     required,
            gboolean     is_endpoint,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                       _("The provider's configuration lacks “%s”"), name);
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                   _("The provider's configuration has a “%s” that is not a string"), name);
      return FALSE;
    }

  if (is_endpoint && !oidc_uri_is_secure_or_loopback (json_node_get_string (node)))
    {
      g_set_error (error, OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                   _("The provider's “%s” is not an HTTPS address"), name);
      return FALSE;
    }

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static char **
get_string_list (JsonObject *object,
                 const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  builder = g_strv_builder_new ();
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }

  return g_strv_builder_end (builder);
}

OidcProviderMetadata *
oidc_provider_metadata_new (JsonObject  *object,
                            const char  *expected_issuer,
                            GError     **error)
{
  g_autoptr(OidcProviderMetadata) metadata = g_new0 (OidcProviderMetadata, 1);
  JsonNode *iss_supported;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (expected_issuer != NULL, NULL);

  if (!get_string (object, "issuer", TRUE, FALSE, &metadata->issuer, error))
    return NULL;

  /* Discovery 4.3: anything but the very same string means a mix-up or an impostor. */
  if (g_strcmp0 (metadata->issuer, expected_issuer) != 0)
    {
      g_autofree char *safe = oidc_sanitize_text (metadata->issuer);

      g_set_error (error, OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                   _("The provider calls itself “%s” instead of “%s”"),
                   safe, expected_issuer);
      return NULL;
    }

  if (!get_string (object, "authorization_endpoint", TRUE, TRUE,
                   &metadata->authorization_endpoint, error) ||
      !get_string (object, "token_endpoint", TRUE, TRUE, &metadata->token_endpoint, error) ||
      !get_string (object, "jwks_uri", TRUE, TRUE, &metadata->jwks_uri, error) ||
      !get_string (object, "userinfo_endpoint", FALSE, TRUE, &metadata->userinfo_endpoint,
                   error) ||
      !get_string (object, "revocation_endpoint", FALSE, TRUE, &metadata->revocation_endpoint,
                   error) ||
      !get_string (object, "end_session_endpoint", FALSE, TRUE,
                   &metadata->end_session_endpoint, error))
    return NULL;

  metadata->scopes_supported = get_string_list (object, "scopes_supported");
  metadata->token_endpoint_auth_methods_supported =
    get_string_list (object, "token_endpoint_auth_methods_supported");
  metadata->code_challenge_methods_supported =
    get_string_list (object, "code_challenge_methods_supported");

  if (metadata->code_challenge_methods_supported != NULL &&
      !oidc_provider_metadata_supports (metadata->code_challenge_methods_supported, "S256"))
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                           _("The provider does not support PKCE with S256"));
      return NULL;
    }

  iss_supported = json_object_get_member (object, "authorization_response_iss_parameter_supported");
  metadata->iss_parameter_supported = iss_supported != NULL &&
                                      JSON_NODE_HOLDS_VALUE (iss_supported) &&
                                      json_node_get_value_type (iss_supported) == G_TYPE_BOOLEAN &&
                                      json_node_get_boolean (iss_supported);

  return g_steal_pointer (&metadata);
}
