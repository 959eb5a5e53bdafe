/* test-idp.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Proves the test identity provider harness (oidc-test-idp.c) against tests/idp: the flows the
 * library's tests rely on work there, step by step, without the library.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "oidc-test-idp.h"

/* RFC 7636, Appendix B. */
#define VERIFIER  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

#define REDIRECT_URI "http://127.0.0.1/callback"
#define SCOPE        "openid email profile offline_access"

static SoupSession *
new_session (void)
{
  return soup_session_new_with_options ("timeout", OIDC_TEST_IDP_TIMEOUT_SECONDS,
                                        "proxy-resolver", NULL,
                                        NULL);
}

static OidcTestIdp *
start_idp (void)
{
  g_autoptr(GError) error = NULL;
  OidcTestIdp *idp;

  idp = oidc_test_idp_start (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (idp);

  return idp;
}

static char *
build_authorization_uri (OidcTestIdp *idp,
                         const char  *redirect_uri,
                         const char  *state)
{
  g_autofree char *query = NULL;

  query = soup_form_encode ("client_id", oidc_test_idp_get_client_id (idp),
                            "redirect_uri", redirect_uri,
                            "response_type", "code",
                            "scope", SCOPE,
                            "state", state,
                            "nonce", "nonce-of-the-test",
                            "code_challenge", CHALLENGE,
                            "code_challenge_method", "S256",
                            NULL);

  return g_strconcat (oidc_test_idp_get_issuer (idp), "/auth?", query, NULL);
}

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Plays the user through oidc_test_idp_authorize_async() as the library's tests would, iterating
 * the main context; returns the redirect's query parameters. */
static GHashTable *
authorize (OidcTestIdp *idp,
           const char  *authorization_uri,
           const char  *redirect_uri,
           gboolean     cancel)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *redirect = NULL;
  g_autoptr(GHashTable) params = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;

  oidc_test_idp_authorize_async (idp, authorization_uri, redirect_uri, "alice", cancel, NULL,
                                 on_ready, &result);
  timeout_id = g_timeout_add_seconds (OIDC_TEST_IDP_TIMEOUT_SECONDS, on_timeout, &timed_out);
  while (result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("The sign-in at the test identity provider did not finish within %u s",
             OIDC_TEST_IDP_TIMEOUT_SECONDS);
  g_source_remove (timeout_id);

  redirect = oidc_test_idp_authorize_finish (idp, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (redirect, redirect_uri));

  uri = g_uri_parse (redirect, G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_uri_get_query (uri));
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&params);
}

static JsonObject *
parse_object (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The claims of a compact JWS, unverified: the signature is the library's business. */
static JsonObject *
jwt_claims (const char *jwt)
{
  g_auto(GStrv) parts = g_strsplit (jwt, ".", -1);
  g_autoptr(GString) base64 = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guchar *decoded;
  gsize length;

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  base64 = g_string_new (parts[1]);
  g_string_replace (base64, "-", "+", 0);
  g_string_replace (base64, "_", "/", 0);
  while (base64->len % 4 != 0)
    g_string_append_c (base64, '=');
  decoded = g_base64_decode (base64->str, &length);
  bytes = g_bytes_new_take (decoded, length);

  return parse_object (bytes);
}

static JsonObject *
exchange_code (OidcTestIdp *idp,
               const char  *code,
               const char  *redirect_uri)
{
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  uri = g_strconcat (oidc_test_idp_get_issuer (idp), "/token", NULL);
  message = soup_message_new_from_encoded_form (SOUP_METHOD_POST, uri,
                                                soup_form_encode ("grant_type",
                                                                  "authorization_code",
                                                                  "code", code,
                                                                  "redirect_uri", redirect_uri,
                                                                  "client_id",
                                                                  oidc_test_idp_get_client_id (idp),
                                                                  "code_verifier", VERIFIER,
                                                                  NULL));
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, SOUP_STATUS_OK);

  return parse_object (body);
}

static void
test_idp_discovery (void)
{
  g_autoptr(OidcTestIdp) idp = start_idp ();
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) discovery = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  JsonArray *methods;

  g_assert_true (g_str_has_prefix (oidc_test_idp_get_issuer (idp), "http://127.0.0.1:"));
  g_assert_false (g_str_has_suffix (oidc_test_idp_get_issuer (idp), "/"));
  g_assert_cmpstr (oidc_test_idp_get_client_id (idp), ==, OIDC_TEST_IDP_DEFAULT_CLIENT_ID);
  g_assert_cmpuint (oidc_test_idp_count (idp, "total"), ==, 0);

  uri = g_strconcat (oidc_test_idp_get_issuer (idp), "/.well-known/openid-configuration", NULL);
  message = soup_message_new (SOUP_METHOD_GET, uri);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, SOUP_STATUS_OK);

  discovery = parse_object (body);
  g_assert_cmpstr (json_object_get_string_member (discovery, "issuer"), ==,
                   oidc_test_idp_get_issuer (idp));
  g_assert_true (json_object_get_boolean_member (discovery,
                                                 "authorization_response_iss_parameter_supported"));
  g_assert_true (json_object_has_member (discovery, "revocation_endpoint"));
  g_assert_true (json_object_has_member (discovery, "end_session_endpoint"));
  methods = json_object_get_array_member (discovery, "code_challenge_methods_supported");
  g_assert_cmpuint (json_array_get_length (methods), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (methods, 0), ==, "S256");

  g_assert_cmpuint (oidc_test_idp_count (idp, "discovery"), ==, 1);
  g_assert_cmpuint (oidc_test_idp_count (idp, "total"), ==, 1);
  oidc_test_idp_reset_counts (idp);
  g_assert_cmpuint (oidc_test_idp_count (idp, "discovery"), ==, 0);
  g_assert_cmpuint (oidc_test_idp_count (idp, "total"), ==, 0);
}

static void
test_idp_code_flow (void)
{
  g_autoptr(OidcTestIdp) idp = start_idp ();
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autofree char *authorization_uri = NULL;
  g_autofree char *first_refresh = NULL;
  g_autofree char *answer = NULL;
  const char *code;

  authorization_uri = build_authorization_uri (idp, REDIRECT_URI, "state-of-the-test");
  params = authorize (idp, authorization_uri, REDIRECT_URI, FALSE);
  code = g_hash_table_lookup (params, "code");
  g_assert_nonnull (code);
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "state-of-the-test");
  g_assert_cmpstr (g_hash_table_lookup (params, "iss"), ==, oidc_test_idp_get_issuer (idp));
  g_assert_cmpuint (oidc_test_idp_count (idp, "authorization"), ==, 1);
  g_assert_cmpuint (oidc_test_idp_count (idp, "token"), ==, 0);

  tokens = exchange_code (idp, code, REDIRECT_URI);
  g_assert_true (json_object_has_member (tokens, "id_token"));
  g_assert_true (json_object_has_member (tokens, "access_token"));
  g_assert_true (json_object_has_member (tokens, "refresh_token"));
  g_assert_cmpstr (json_object_get_string_member (tokens, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (tokens, "expires_in"), ==, 3600);
  g_assert_cmpuint (oidc_test_idp_count (idp, "token"), ==, 1);

  claims = jwt_claims (json_object_get_string_member (tokens, "id_token"));
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==,
                   oidc_test_idp_get_issuer (idp));
  g_assert_cmpstr (json_object_get_string_member (claims, "aud"), ==,
                   oidc_test_idp_get_client_id (idp));
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (claims, "email"), ==, "alice@example.test");
  g_assert_cmpstr (json_object_get_string_member (claims, "name"), ==, "Alice Example");
  g_assert_cmpstr (json_object_get_string_member (claims, "nonce"), ==, "nonce-of-the-test");

  /* Every refresh rotates the refresh token: the old one works once, then never again. */
  first_refresh = g_strdup (json_object_get_string_member (tokens, "refresh_token"));
  answer = oidc_test_idp_try_refresh (idp, first_refresh);
  g_assert_null (answer);
  answer = oidc_test_idp_try_refresh (idp, first_refresh);
  g_assert_cmpstr (answer, ==, "invalid_grant");
  g_assert_cmpuint (oidc_test_idp_count (idp, "token"), ==, 3);
}

static void
test_idp_cancel (void)
{
  g_autoptr(OidcTestIdp) idp = start_idp ();
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *authorization_uri = NULL;

  authorization_uri = build_authorization_uri (idp, REDIRECT_URI, "cancelled-state");
  params = authorize (idp, authorization_uri, REDIRECT_URI, TRUE);
  g_assert_cmpstr (g_hash_table_lookup (params, "error"), ==, "access_denied");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "cancelled-state");
  g_assert_cmpstr (g_hash_table_lookup (params, "iss"), ==, oidc_test_idp_get_issuer (idp));
  g_assert_false (g_hash_table_contains (params, "code"));
}

/* RFC 8252: loopback redirect URIs of native clients match on any port; private-use scheme
 * redirects come back unresolved. */
static void
test_idp_native_redirects (void)
{
  g_autoptr(OidcTestIdp) idp = start_idp ();
  const char *redirect_uris[] = {
    "http://127.0.0.1:49152/callback",
    "io.github.stagedoor.test:/callback",
  };

  for (guint i = 0; i < G_N_ELEMENTS (redirect_uris); i++)
    {
      g_autofree char *authorization_uri = NULL;
      g_autofree char *redirect = NULL;
      g_autoptr(GHashTable) params = NULL;
      g_autoptr(JsonObject) tokens = NULL;
      g_autoptr(GError) error = NULL;

      authorization_uri = build_authorization_uri (idp, redirect_uris[i], "native");
      redirect = oidc_test_idp_authorize (idp, authorization_uri, redirect_uris[i], "bob", FALSE,
                                          &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (redirect, redirect_uris[i]));
      g_assert_cmpuint (redirect[strlen (redirect_uris[i])], ==, '?');

      params = authorize (idp, authorization_uri, redirect_uris[i], FALSE);
      tokens = exchange_code (idp, g_hash_table_lookup (params, "code"), redirect_uris[i]);
      g_assert_true (json_object_has_member (tokens, "refresh_token"));
    }
}

/* The options reach the provider. */
static void
test_idp_options (void)
{
  const OidcTestIdpOptions options = {
    .access_ttl = 7,
    .id_ttl = 9,
    .redirect_uris = "http://127.0.0.1/elsewhere",
    .client_id = "another-client",
  };
  g_autoptr(OidcTestIdp) idp = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization_uri = NULL;

  idp = oidc_test_idp_start (&options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (oidc_test_idp_get_client_id (idp), ==, "another-client");

  authorization_uri = build_authorization_uri (idp, "http://127.0.0.1/elsewhere", "s");
  params = authorize (idp, authorization_uri, "http://127.0.0.1/elsewhere", FALSE);
  tokens = exchange_code (idp, g_hash_table_lookup (params, "code"), "http://127.0.0.1/elsewhere");
  g_assert_cmpint (json_object_get_int_member (tokens, "expires_in"), ==, 7);
  claims = jwt_claims (json_object_get_string_member (tokens, "id_token"));
  g_assert_cmpint (json_object_get_int_member (claims, "exp")
                   - json_object_get_int_member (claims, "iat"), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (claims, "aud"), ==, "another-client");
}

/* A request the provider refuses to redirect ends on its error page, which the harness
 * reports. */
static void
test_idp_error_page (void)
{
  g_autoptr(OidcTestIdp) idp = start_idp ();
  g_autofree char *authorization_uri = NULL;
  g_autofree char *redirect = NULL;
  g_autoptr(GError) error = NULL;

  authorization_uri = build_authorization_uri (idp, "http://127.0.0.1/unregistered", "s");
  redirect = oidc_test_idp_authorize (idp, authorization_uri, "http://127.0.0.1/unregistered",
                                      "alice", FALSE, &error);
  g_assert_null (redirect);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "HTTP 400"));
  g_assert_nonnull (strstr (error->message, "redirect_uri did not match"));
}

/* Without `npm ci` the harness says what to run instead of failing obscurely. */
static void
test_idp_missing_packages (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("oidc-test-idp-XXXXXX", &error);
      g_autofree char *script = NULL;
      OidcTestIdp *idp;

      g_assert_no_error (error);
      script = g_build_filename (dir, "idp.mjs", NULL);
      g_file_set_contents (script, "", 0, &error);
      g_assert_no_error (error);
      g_setenv ("OIDC_TEST_IDP_DIR", dir, TRUE);

      idp = oidc_test_idp_start (NULL, &error);
      g_assert_null (idp);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "npm ci --prefix tests/idp"));

      g_remove (script);
      g_rmdir (dir);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Oidc/Idp/discovery", test_idp_discovery);
  g_test_add_func ("/Oidc/Idp/code-flow", test_idp_code_flow);
  g_test_add_func ("/Oidc/Idp/cancel", test_idp_cancel);
  g_test_add_func ("/Oidc/Idp/native-redirects", test_idp_native_redirects);
  g_test_add_func ("/Oidc/Idp/options", test_idp_options);
  g_test_add_func ("/Oidc/Idp/error-page", test_idp_error_page);
  g_test_add_func ("/Oidc/Idp/missing-packages", test_idp_missing_packages);

  return g_test_run ();
}
