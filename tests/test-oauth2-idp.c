/* test-oauth2-idp.c: the whole protocol against a real OpenID provider (oidc-provider).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "oidc-core.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-test-idp.h"

/* The user: an interaction that fills the provider's login and consent forms over HTTP. */

#define FORM_TYPE_INTERACTION (form_interaction_get_type ())
G_DECLARE_FINAL_TYPE (FormInteraction, form_interaction, FORM, INTERACTION, GObject)

struct _FormInteraction
{
  GObject      parent_instance;
  OidcTestIdp *idp;
  guint        n_shown;
  gboolean     cancel;
};

static void form_interaction_iface_init (OidcInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FormInteraction, form_interaction, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OIDC_TYPE_INTERACTION,
                                                      form_interaction_iface_init))

static void
on_forms_filled (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OidcAuthorizationRequest) request = user_data;
  OidcTestIdp *idp = g_object_get_data (G_OBJECT (request), "test-idp");
  g_autofree char *redirected = NULL;
  g_autoptr(GError) error = NULL;

  redirected = oidc_test_idp_authorize_finish (idp, result, &error);
  if (redirected == NULL)
    oidc_authorization_request_return_error (request, g_steal_pointer (&error));
  else
    oidc_authorization_request_complete (request, redirected);
}

static void
form_interaction_authorize (OidcInteraction          *interaction,
                            OidcAuthorizationRequest *request)
{
  FormInteraction *self = FORM_INTERACTION (interaction);
  g_autofree char *uri = oidc_authorization_request_dup_authorization_uri (request);

  self->n_shown++;
  g_object_set_data (G_OBJECT (request), "test-idp", self->idp);
  oidc_test_idp_authorize_async (self->idp, uri,
                                 oidc_authorization_request_get_redirect_uri (request),
                                 "alice", self->cancel,
                                 oidc_authorization_request_get_cancellable (request),
                                 on_forms_filled, g_object_ref (request));
}

static void
form_interaction_iface_init (OidcInteractionInterface *iface)
{
  iface->authorize = form_interaction_authorize;
}

static void
form_interaction_class_init (FormInteractionClass *klass)
{
}

static void
form_interaction_init (FormInteraction *self)
{
}

/* Fixture */

typedef struct
{
  OidcTestIdp     *idp;
  FormInteraction *interaction;
  OidcOAuth2Auth  *auth;
} Fixture;

typedef struct
{
  gboolean  done;
  char     *token;
  GError   *error;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->token, g_free);
  g_clear_error (&result->error);
  result->done = FALSE;
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("Timed out waiting for the library");
  return G_SOURCE_REMOVE;
}

static void
wait_for (gboolean *done)
{
  guint id = g_timeout_add_seconds (OIDC_TEST_IDP_TIMEOUT_SECONDS, on_timeout, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
on_token (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  Result *result = user_data;

  result->token = oidc_auth_api_get_id_token_finish (OIDC_AUTH_API (object), res,
                                                     &result->error);
  result->done = TRUE;
}

static void
get_token (Fixture              *fixture,
           OidcAuthRequestFlags  flags,
           Result               *result)
{
  result_clear (result);
  oidc_auth_api_get_id_token_async (OIDC_AUTH_API (fixture->auth), flags, NULL, on_token,
                                    result);
  wait_for (&result->done);
}

static void
start (Fixture *fixture,
       guint    ttl)
{
  static const char * const scopes[] = { "email", "profile", NULL };
  OidcTestIdpOptions options = { .access_ttl = ttl, .id_ttl = ttl };
  g_autoptr(GError) error = NULL;

  fixture->idp = oidc_test_idp_start (&options, &error);
  g_assert_no_error (error);

  fixture->interaction = g_object_new (FORM_TYPE_INTERACTION, NULL);
  fixture->interaction->idp = fixture->idp;
  fixture->auth = oidc_oauth2_auth_new (oidc_test_idp_get_issuer (fixture->idp),
                                        oidc_test_idp_get_client_id (fixture->idp));
  oidc_oauth2_auth_set_interaction (fixture->auth, OIDC_INTERACTION (fixture->interaction));
  oidc_oauth2_auth_set_scopes (fixture->auth, scopes);
  /* These tests leave the keyring alone; test-keyring covers it. */
  g_object_set (fixture->auth, "remember-session", FALSE, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  start (fixture, GPOINTER_TO_UINT (data));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->auth);
  g_assert_finalize_object (fixture->interaction);
  oidc_test_idp_stop (fixture->idp);
}

static JsonObject *
token_claims (const char *token)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) b64 = NULL;
  g_autofree guchar *json = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
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

static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonObject) claims = NULL;
  g_autofree char *first = NULL;
  Result result = { 0 };
  guint total;

  get_token (fixture, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_true (oidc_oauth2_auth_get_signed_in (fixture->auth));

  claims = token_claims (result.token);
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==,
                   oidc_test_idp_get_issuer (fixture->idp));
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (claims, "email"), ==, "alice@example.test");
  first = g_steal_pointer (&result.token);

  /* The second call is answered from the session: the provider sees nothing. */
  total = oidc_test_idp_count (fixture->idp, "total");
  get_token (fixture, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (result.token, ==, first);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "total"), ==, total);
  g_assert_cmpuint (fixture->interaction->n_shown, ==, 1);
  result_clear (&result);
}

static void
test_optional_without_session (Fixture       *fixture,
                               gconstpointer  data)
{
  Result result = { 0 };

  get_token (fixture, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  g_assert_cmpuint (fixture->interaction->n_shown, ==, 0);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "total"), ==, 0);
}

static void
test_rejected (Fixture       *fixture,
               gconstpointer  data)
{
  Result result = { 0 };

  /* The user follows the "Cancel" link of the provider's login page. */
  fixture->interaction->cancel = TRUE;
  get_token (fixture, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  result_clear (&result);
}

static void
test_refresh_and_rotation (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *old_refresh = NULL;
  g_autofree char *new_refresh = NULL;
  g_autofree char *error_code = NULL;
  Result result = { 0 };

  /* Tokens live 4 s, so the margin is 2 s: after 2.5 s the session needs a refresh. */
  get_token (fixture, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  first = g_steal_pointer (&result.token);
  old_refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  g_assert_nonnull (old_refresh);

  g_usleep (2500 * 1000);
  oidc_test_idp_reset_counts (fixture->idp);
  get_token (fixture, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_cmpstr (result.token, !=, first);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "token"), ==, 1);
  g_assert_cmpuint (fixture->interaction->n_shown, ==, 1);

  /* The provider rotated the refresh token, and we keep the new one. */
  new_refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  g_assert_nonnull (new_refresh);
  g_assert_cmpstr (new_refresh, !=, old_refresh);

  /* The old one is dead. (Replaying it also revokes the grant, so this comes last.) */
  error_code = oidc_test_idp_try_refresh (fixture->idp, old_refresh);
  g_assert_cmpstr (error_code, ==, "invalid_grant");
  result_clear (&result);
}

static void
test_concurrent_callers (Fixture       *fixture,
                         gconstpointer  data)
{
  Result results[100] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_auth_api_get_id_token_async (OIDC_AUTH_API (fixture->auth), OIDC_AUTH_REQUEST_NONE,
                                      NULL, on_token, &results[i]);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      wait_for (&results[i].done);
      g_assert_no_error (results[i].error);
      g_assert_nonnull (results[i].token);
      g_assert_cmpstr (results[i].token, ==, results[0].token);
    }

  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "token"), ==, 1);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "authorization"), ==, 1);
  g_assert_cmpuint (fixture->interaction->n_shown, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    result_clear (&results[i]);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} LogoutResult;

static void
on_logout (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  LogoutResult *result = user_data;

  result->ok = oidc_auth_api_logout_finish (OIDC_AUTH_API (object), res, &result->error);
  result->done = TRUE;
}

static void
test_logout (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *refresh = NULL;
  g_autofree char *error_code = NULL;
  LogoutResult logout = { 0 };
  Result result = { 0 };

  get_token (fixture, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  g_assert_nonnull (refresh);

  oidc_test_idp_reset_counts (fixture->idp);
  oidc_auth_api_logout_async (OIDC_AUTH_API (fixture->auth), NULL, on_logout, &logout);
  wait_for (&logout.done);
  g_assert_no_error (logout.error);
  g_assert_true (logout.ok);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "revocation"), ==, 2);

  /* The provider no longer honours the refresh token. */
  error_code = oidc_test_idp_try_refresh (fixture->idp, refresh);
  g_assert_cmpstr (error_code, ==, "invalid_grant");

  get_token (fixture, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  result_clear (&result);
}

static void
test_confidential_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OidcTestIdp) idp = oidc_test_idp_start (NULL, &error);
  g_autoptr(FormInteraction) interaction = g_object_new (FORM_TYPE_INTERACTION, NULL);
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  Result result = { 0 };

  g_assert_no_error (error);
  interaction->idp = idp;

  /* Like a Google desktop client: a secret that ships with the app, sent with HTTP Basic. */
  auth = g_object_new (OIDC_TYPE_OAUTH2_AUTH,
                       "issuer", oidc_test_idp_get_issuer (idp),
                       "client-id", OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_ID,
                       "client-secret", OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_SECRET,
                       "interaction", interaction,
                       "remember-session", FALSE,
                       NULL);
  oidc_auth_api_get_id_token_async (OIDC_AUTH_API (auth), OIDC_AUTH_REQUEST_NONE, NULL,
                                    on_token, &result);
  wait_for (&result.done);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  result_clear (&result);
}

#define ADD(path, ttl, func) \
  g_test_add ("/Oidc/OAuth2Idp/" path, Fixture, GUINT_TO_POINTER (ttl), fixture_set_up, func, \
              fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("sign-in", 0, test_sign_in);
  ADD ("optional-without-session", 0, test_optional_without_session);
  ADD ("rejected", 0, test_rejected);
  ADD ("refresh-and-rotation", 4, test_refresh_and_rotation);
  ADD ("concurrent-callers", 0, test_concurrent_callers);
  ADD ("logout", 0, test_logout);
  g_test_add_func ("/Oidc/OAuth2Idp/confidential-client", test_confidential_client);

  return g_test_run ();
}
