/* test-oauth2-idp.c: the whole protocol against a real OpenID provider (oidc-provider).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "oidc-core.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-test-form-interaction.h"
#include "oidc-test-idp.h"
#include "oidc-test-util.h"

/* Fixture */

typedef struct
{
  OidcTestIdp             *idp;
  OidcTestFormInteraction *interaction;
  OidcOAuth2Auth          *auth;
} Fixture;

static void
start (Fixture *fixture,
       guint    ttl)
{
  static const char * const scopes[] = { "email", "profile", NULL };
  OidcTestIdpOptions options = { .access_ttl = ttl, .id_ttl = ttl };
  g_autoptr(GError) error = NULL;

  fixture->idp = oidc_test_idp_start (&options, &error);
  g_assert_no_error (error);

  fixture->interaction = oidc_test_form_interaction_new (fixture->idp);
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

static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonObject) claims = NULL;
  g_autofree char *first = NULL;
  OidcTestResult result = { 0 };
  guint total;

  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_true (oidc_oauth2_auth_get_signed_in (fixture->auth));

  claims = oidc_test_token_claims (result.token);
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==,
                   oidc_test_idp_get_issuer (fixture->idp));
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (claims, "email"), ==, "alice@example.test");
  first = g_steal_pointer (&result.token);

  /* The second call is answered from the session: the provider sees nothing. */
  total = oidc_test_idp_count (fixture->idp, "total");
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (result.token, ==, first);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "total"), ==, total);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 1);
  oidc_test_result_clear (&result);
}

static void
test_optional_without_session (Fixture       *fixture,
                               gconstpointer  data)
{
  OidcTestResult result = { 0 };

  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 0);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "total"), ==, 0);
}

static void
test_rejected (Fixture       *fixture,
               gconstpointer  data)
{
  OidcTestResult result = { 0 };

  /* The user follows the "Cancel" link of the provider's login page. */
  oidc_test_form_interaction_set_cancel (fixture->interaction, TRUE);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  oidc_test_result_clear (&result);
}

static void
test_refresh_and_rotation (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *old_refresh = NULL;
  g_autofree char *new_refresh = NULL;
  g_autofree char *error_code = NULL;
  OidcTestResult result = { 0 };

  /* Tokens live 4 s, so the margin is 2 s: after 2.5 s the session needs a refresh. */
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  first = g_steal_pointer (&result.token);
  old_refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  g_assert_nonnull (old_refresh);

  g_usleep (2500 * 1000);
  oidc_test_idp_reset_counts (fixture->idp);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_cmpstr (result.token, !=, first);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "token"), ==, 1);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 1);

  /* The provider rotated the refresh token, and we keep the new one. */
  new_refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  g_assert_nonnull (new_refresh);
  g_assert_cmpstr (new_refresh, !=, old_refresh);

  /* The old one is dead. (Replaying it also revokes the grant, so this comes last.) */
  error_code = oidc_test_idp_try_refresh (fixture->idp, old_refresh);
  g_assert_cmpstr (error_code, ==, "invalid_grant");
  oidc_test_result_clear (&result);
}

static void
test_concurrent_callers (Fixture       *fixture,
                         gconstpointer  data)
{
  OidcTestResult results[100] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &results[i]);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      oidc_test_wait (&results[i].done);
      g_assert_no_error (results[i].error);
      g_assert_nonnull (results[i].token);
      g_assert_cmpstr (results[i].token, ==, results[0].token);
    }

  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "token"), ==, 1);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "authorization"), ==, 1);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_result_clear (&results[i]);
}

static void
test_logout (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *refresh = NULL;
  g_autofree char *error_code = NULL;
  OidcTestResult logout = { 0 };
  OidcTestResult result = { 0 };

  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  g_assert_nonnull (refresh);

  oidc_test_idp_reset_counts (fixture->idp);
  oidc_test_logout (fixture->auth, &logout);
  g_assert_no_error (logout.error);
  g_assert_true (logout.ok);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "revocation"), ==, 2);

  /* The provider no longer honours the refresh token. */
  error_code = oidc_test_idp_try_refresh (fixture->idp, refresh);
  g_assert_cmpstr (error_code, ==, "invalid_grant");

  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  oidc_test_result_clear (&result);
}

static void
test_confidential_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OidcTestIdp) idp = oidc_test_idp_start (NULL, &error);
  g_autoptr(OidcTestFormInteraction) interaction = oidc_test_form_interaction_new (idp);
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  OidcTestResult result = { 0 };

  g_assert_no_error (error);

  /* Like a Google desktop client: a secret that ships with the app, sent with HTTP Basic. */
  auth = g_object_new (OIDC_TYPE_OAUTH2_AUTH,
                       "issuer", oidc_test_idp_get_issuer (idp),
                       "client-id", OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_ID,
                       "client-secret", OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_SECRET,
                       "interaction", interaction,
                       "remember-session", FALSE,
                       NULL);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  oidc_test_result_clear (&result);
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
