/* fuzz-redirect.c: the redirect that ends a sign-in, as far as the library's API reaches.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * check_redirect in oidc-oauth2-auth.c is static and runs only inside a sign-in, so this takes
 * the library functions it is made of through the same steps: whether the address is the
 * redirect (oidc_authorization_request_is_redirect), its query split as GLib splits it, and
 * every value made safe to show (oidc_sanitize_text), as the error and its description are.
 */

#include "config.h"

#include "oidc-authorization-request-private.h"
#include "oidc-http-private.h"
#include "oidc-oauth2-auth.h"
#include "fuzz-common.h"

static OidcAuthorizationRequest *request;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  static const char * const scopes[] = { "openid", NULL };
  static const char * const params[] = {
    "response_type", "code",
    "client_id", "stagedoor-fuzz",
    "state", "the-state",
    NULL
  };
  g_autoptr(OidcOAuth2Auth) auth = NULL;

  fuzz_setup ();

  auth = oidc_oauth2_auth_new ("https://id.example.test", "stagedoor-fuzz");
  request = oidc_authorization_request_new (OIDC_AUTH_API (auth), "Example ID",
                                            OIDC_AUTH_REQUEST_NONE, scopes,
                                            "https://id.example.test/authorize", params,
                                            "http://127.0.0.1:8400/callback");

  return 0;
}

static void
check_sanitized (const char *text)
{
  g_autofree char *safe = oidc_sanitize_text (text);
  gunichar c;

  g_assert (g_utf8_validate (safe, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (safe, -1), <=, 200);

  for (const char *p = safe; *p != '\0'; p = g_utf8_next_char (p))
    {
      c = g_utf8_get_char (p);
      g_assert (c == ' ' || g_unichar_isprint (c));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *uri_text = fuzz_dup_string (data, size);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GUri) uri = NULL;
  GHashTableIter iter;
  gpointer name;
  gpointer value;

  /* The text itself reaches a message when it is not valid. */
  check_sanitized (uri_text);

  if (!oidc_authorization_request_is_redirect (request, uri_text))
    return 0;

  uri = g_uri_parse (uri_text, G_URI_FLAGS_ENCODED, NULL);
  g_assert (uri != NULL);

  params = g_uri_parse_params (g_uri_get_query (uri) ? g_uri_get_query (uri) : "", -1, "&",
                               G_URI_PARAMS_WWW_FORM, NULL);
  if (params == NULL)
    return 0;

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      check_sanitized (name);
      check_sanitized (value);
    }

  return 0;
}
