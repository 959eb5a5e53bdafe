/* oidc-test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-test-util.h"

void
oidc_test_result_clear (OidcTestResult *result)
{
  g_clear_pointer (&result->token, g_free);
  g_clear_error (&result->error);
  result->done = FALSE;
  result->ok = FALSE;
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("Timed out waiting for an operation to finish");
  return G_SOURCE_REMOVE;
}

void
oidc_test_wait (gboolean *done)
{
  guint timeout_id = g_timeout_add_seconds (OIDC_TEST_TIMEOUT_SECONDS, on_timeout, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

static void
on_id_token (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  OidcTestResult *result = user_data;

  result->token = oidc_auth_api_get_id_token_finish (OIDC_AUTH_API (object), res,
                                                     &result->error);
  result->done = TRUE;
}

void
oidc_test_start_id_token (OidcOAuth2Auth       *auth,
                          OidcAuthRequestFlags  flags,
                          GCancellable         *cancellable,
                          OidcTestResult       *result)
{
  oidc_test_result_clear (result);
  oidc_auth_api_get_id_token_async (OIDC_AUTH_API (auth), flags, cancellable, on_id_token,
                                    result);
}

void
oidc_test_get_id_token (OidcOAuth2Auth       *auth,
                        OidcAuthRequestFlags  flags,
                        OidcTestResult       *result)
{
  oidc_test_start_id_token (auth, flags, NULL, result);
  oidc_test_wait (&result->done);
}

static void
on_logout (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  OidcTestResult *result = user_data;

  result->ok = oidc_auth_api_logout_finish (OIDC_AUTH_API (object), res, &result->error);
  result->done = TRUE;
}

void
oidc_test_start_logout (OidcOAuth2Auth *auth,
                        GCancellable   *cancellable,
                        OidcTestResult *result)
{
  oidc_test_result_clear (result);
  oidc_auth_api_logout_async (OIDC_AUTH_API (auth), cancellable, on_logout, result);
}

void
oidc_test_logout (OidcOAuth2Auth *auth,
                  OidcTestResult *result)
{
  oidc_test_start_logout (auth, NULL, result);
  oidc_test_wait (&result->done);
}

JsonObject *
oidc_test_token_claims (const char *token)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) b64 = NULL;
  g_autofree guchar *json = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_cmpuint (g_strv_length (parts), ==, 3);

  /* base64url without padding, as JWS has it, to the alphabet GLib decodes. */
  b64 = g_string_new (parts[1]);
  g_string_replace (b64, "-", "+", 0);
  g_string_replace (b64, "_", "/", 0);
  while (b64->len % 4)
    g_string_append_c (b64, '=');
  json = g_base64_decode (b64->str, &len);

  json_parser_load_from_data (parser, (const char *) json, len, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}
