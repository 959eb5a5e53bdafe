/* test-oauth2.c: the protocol against an in-process provider that misbehaves on demand.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-core.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-test-fake-provider.h"
#include "oidc-test-util.h"

typedef struct
{
  FakeProvider    *fake;
  FakeInteraction *interaction;
  OidcOAuth2Auth  *auth;
  guint            n_signed_in_notify;
} Fixture;

static void
on_signed_in_notify (GObject    *object,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  Fixture *fixture = user_data;

  fixture->n_signed_in_notify++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->fake = fake_provider_new ();
  fixture->interaction = fake_interaction_new (fixture->fake);
  fixture->auth = oidc_oauth2_auth_new (fixture->fake->issuer, fixture->fake->client_id);
  oidc_oauth2_auth_set_interaction (fixture->auth, OIDC_INTERACTION (fixture->interaction));
  oidc_oauth2_auth_set_http_timeout (fixture->auth, 2);
  /* Protocol tests leave the keyring alone; test-keyring covers it. */
  g_object_set (fixture->auth, "remember-session", FALSE, NULL);
  g_signal_connect (fixture->auth, "notify::signed-in", G_CALLBACK (on_signed_in_notify),
                    fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->auth);
  g_assert_finalize_object (fixture->interaction);
  fake_provider_free (fixture->fake);
}

static void
assert_sign_in_fails (Fixture    *fixture,
                      int         code,
                      const char *message_part)
{
  OidcTestResult result = { 0 };

  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, code);
  g_assert_null (result.token);
  if (message_part != NULL && strstr (result.error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", result.error->message, message_part);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  oidc_test_result_clear (&result);
}

static void
sign_in (Fixture *fixture)
{
  OidcTestResult result = { 0 };

  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_true (oidc_oauth2_auth_get_signed_in (fixture->auth));
  oidc_test_result_clear (&result);
}

static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  OidcTestResult result = { 0 };
  g_autofree char *first = NULL;
  GHashTable *params;

  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  first = g_steal_pointer (&result.token);
  g_assert_true (oidc_oauth2_auth_get_signed_in (fixture->auth));
  g_assert_cmpuint (fixture->n_signed_in_notify, ==, 1);

  /* The authorization request carries PKCE S256, state, nonce and the scopes. */
  params = fake_interaction_get_last_params (fixture->interaction);
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "state")), >=, 43);
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "nonce")), >=, 43);
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "openid offline_access");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "fake-client");

  /* A fresh session answers without a single request. */
  fixture->fake->n_discovery = fixture->fake->n_token = fixture->fake->n_jwks = 0;
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_cmpstr (result.token, ==, first);
  g_assert_cmpuint (fixture->fake->n_discovery + fixture->fake->n_token +
                    fixture->fake->n_jwks, ==, 0);
  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 1);
  oidc_test_result_clear (&result);
}

static void
test_fresh_secrets (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *state = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *challenge = NULL;
  GHashTable *params;
  OidcTestResult result = { 0 };
  OidcTestResult logout = { 0 };

  sign_in (fixture);
  params = fake_interaction_get_last_params (fixture->interaction);
  state = g_strdup (g_hash_table_lookup (params, "state"));
  nonce = g_strdup (g_hash_table_lookup (params, "nonce"));
  challenge = g_strdup (g_hash_table_lookup (params, "code_challenge"));

  /* Log out and in again: nothing of the first flow is reused. */
  oidc_test_logout (fixture->auth, &logout);
  g_assert_no_error (logout.error);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  params = fake_interaction_get_last_params (fixture->interaction);
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), !=, state);
  g_assert_cmpstr (g_hash_table_lookup (params, "nonce"), !=, nonce);
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge"), !=, challenge);
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
  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 0);
  g_assert_cmpuint (fixture->fake->n_discovery, ==, 0);
}

static void
test_wrong_issuer (Fixture       *fixture,
                   gconstpointer  data)
{
  fixture->fake->discovery_issuer = g_strdup ("https://evil.example");
  assert_sign_in_fails (fixture, OIDC_ERROR_CONFIGURATION, "evil.example");
  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 0);
}

static void
test_insecure_issuer (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("http://accounts.example.com", "id");
  OidcTestResult result = { 0 };

  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_CONFIGURATION);
  oidc_test_result_clear (&result);
}

static void
test_empty_client_id (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://accounts.example.com", "");
  OidcTestResult result = { 0 };

  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_CONFIGURATION);
  oidc_test_result_clear (&result);
}

static void
test_bad_signature (Fixture       *fixture,
                    gconstpointer  data)
{
  fixture->fake->sign_mode = FAKE_SIGN_BAD_SIGNATURE;
  assert_sign_in_fails (fixture, OIDC_ERROR_INVALID_ID_TOKEN, "signature");
}

static void
test_other_key (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->fake->sign_mode = FAKE_SIGN_OTHER_KEY;
  assert_sign_in_fails (fixture, OIDC_ERROR_INVALID_ID_TOKEN, "signature");
}

static void
test_alg_none (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->fake->sign_mode = FAKE_SIGN_ALG_NONE;
  assert_sign_in_fails (fixture, OIDC_ERROR_INVALID_ID_TOKEN, NULL);
}

static void
test_hmac (Fixture       *fixture,
           gconstpointer  data)
{
  fixture->fake->sign_mode = FAKE_SIGN_HS256;
  assert_sign_in_fails (fixture, OIDC_ERROR_INVALID_ID_TOKEN, NULL);
}

static void
set_wrong_aud (JsonObject *claims,
               gpointer    data)
{
  json_object_set_string_member (claims, "aud", "someone-else");
}

static void
test_wrong_audience (Fixture       *fixture,
                     gconstpointer  data)
{
  fixture->fake->edit_claims = set_wrong_aud;
  assert_sign_in_fails (fixture, OIDC_ERROR_INVALID_ID_TOKEN, "audience");
}

static void
test_expired (Fixture       *fixture,
              gconstpointer  data)
{
  fixture->fake->iat_offset = -7200;
  assert_sign_in_fails (fixture, OIDC_ERROR_INVALID_ID_TOKEN, "expired");
}

static void
set_wrong_nonce (JsonObject *claims,
                 gpointer    data)
{
  json_object_set_string_member (claims, "nonce", "replayed-nonce");
}

static void
test_wrong_nonce (Fixture       *fixture,
                  gconstpointer  data)
{
  fixture->fake->edit_claims = set_wrong_nonce;
  assert_sign_in_fails (fixture, OIDC_ERROR_INVALID_ID_TOKEN, "nonce");
}

static void
test_redirect_answers (Fixture       *fixture,
                       gconstpointer  data)
{
  static const struct {
    FakeAnswer  answer;
    int         code;
    const char *message_part;
  } cases[] = {
    { FAKE_ANSWER_WRONG_STATE, OIDC_ERROR_INVALID_RESPONSE, "state" },
    { FAKE_ANSWER_NO_STATE, OIDC_ERROR_INVALID_RESPONSE, "state" },
    { FAKE_ANSWER_WRONG_ISS, OIDC_ERROR_INVALID_RESPONSE, "iss" },
    { FAKE_ANSWER_NO_ISS, OIDC_ERROR_INVALID_RESPONSE, "iss" },
    { FAKE_ANSWER_ACCESS_DENIED, OIDC_ERROR_REJECTED, "rejected" },
    { FAKE_ANSWER_SERVER_ERROR, OIDC_ERROR_PROVIDER, "temporarily_unavailable (try later)" },
    { FAKE_ANSWER_WINDOW_CLOSED, OIDC_ERROR_WINDOW_CLOSED, NULL },
    { FAKE_ANSWER_WRONG_REDIRECT, OIDC_ERROR_INVALID_RESPONSE, "address" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      fake_interaction_set_answer (fixture->interaction, cases[i].answer);
      assert_sign_in_fails (fixture, cases[i].code, cases[i].message_part);
    }

  /* No code reached the token endpoint. */
  g_assert_cmpuint (fixture->fake->n_token, ==, 0);
}

static void
test_iss_optional_when_not_advertised (Fixture       *fixture,
                                       gconstpointer  data)
{
  fixture->fake->iss_supported = FALSE;
  fake_interaction_set_answer (fixture->interaction, FAKE_ANSWER_NO_ISS);
  sign_in (fixture);
}

static void
make_token_endpoint_insecure (JsonObject *document)
{
  json_object_set_string_member (document, "token_endpoint", "http://id.example.com/token");
}

static void
drop_jwks_uri (JsonObject *document)
{
  json_object_remove_member (document, "jwks_uri");
}

static void
test_discovery_rules (Fixture       *fixture,
                      gconstpointer  data)
{
  /* Every endpoint is HTTPS, or HTTP to this computer only. */
  fixture->fake->edit_discovery = make_token_endpoint_insecure;
  assert_sign_in_fails (fixture, OIDC_ERROR_CONFIGURATION, "token_endpoint");

  /* What a sign-in needs is there. */
  fixture->fake->edit_discovery = drop_jwks_uri;
  assert_sign_in_fails (fixture, OIDC_ERROR_CONFIGURATION, "jwks_uri");

  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 0);
}

static void
drop_id_token (JsonObject *response)
{
  json_object_remove_member (response, "id_token");
}

static void
drop_access_token (JsonObject *response)
{
  json_object_remove_member (response, "access_token");
}

static void
make_token_type_mac (JsonObject *response)
{
  json_object_set_string_member (response, "token_type", "MAC");
}

static void
make_expires_in_negative (JsonObject *response)
{
  json_object_set_int_member (response, "expires_in", -5);
}

static void
test_token_response_fields (Fixture       *fixture,
                            gconstpointer  data)
{
  static const struct {
    void       (*edit) (JsonObject *response);
    const char  *message_part;
  } cases[] = {
    { drop_id_token, "no ID token" },
    { drop_access_token, "no access token" },
    { make_token_type_mac, "Bearer" },
    { make_expires_in_negative, "expires_in" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      fixture->fake->edit_token_response = cases[i].edit;
      assert_sign_in_fails (fixture, OIDC_ERROR_INVALID_RESPONSE, cases[i].message_part);
    }
}

static void
test_token_endpoint_failures (Fixture       *fixture,
                              gconstpointer  data)
{
  static const struct {
    FakeTokenMode mode;
    int           code;
    const char   *message_part;
  } cases[] = {
    { FAKE_TOKEN_STATUS_500, OIDC_ERROR_SERVER, "500" },
    { FAKE_TOKEN_MALFORMED, OIDC_ERROR_INVALID_RESPONSE, "malformed" },
    { FAKE_TOKEN_NOT_OBJECT, OIDC_ERROR_INVALID_RESPONSE, "not an object" },
    { FAKE_TOKEN_OVERSIZED, OIDC_ERROR_INVALID_RESPONSE, "too large" },
    { FAKE_TOKEN_REDIRECT, OIDC_ERROR_INVALID_RESPONSE, "redirect" },
    { FAKE_TOKEN_INVALID_GRANT, OIDC_ERROR_PROVIDER, "invalid_grant" },
    { FAKE_TOKEN_NEVER_ANSWER, OIDC_ERROR_NETWORK, "in time" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      fixture->fake->token_mode = cases[i].mode;
      assert_sign_in_fails (fixture, cases[i].code, cases[i].message_part);
    }
}

static void
test_unreachable (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  g_autofree char *issuer = NULL;
  OidcTestResult result = { 0 };
  guint16 port;

  /* A port that was free a moment ago and has nobody listening on it now. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  issuer = g_strdup_printf ("http://127.0.0.1:%u", port);
  auth = oidc_oauth2_auth_new (issuer, "client");
  g_object_set (auth, "remember-session", FALSE, NULL);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_NETWORK);
  oidc_test_result_clear (&result);
}

/* From now on the provider issues tokens that live 10 s and were issued 8 s ago: valid, but
 * within the margin (capped at 5 s), so every call refreshes them. */
static void
make_tokens_stale (Fixture *fixture)
{
  fixture->fake->id_lifetime = 10;
  fixture->fake->access_lifetime = 0;
  fixture->fake->iat_offset = -8;
}

static void
test_margin_capped (Fixture       *fixture,
                    gconstpointer  data)
{
  OidcTestResult result = { 0 };

  /* Ten-second tokens, just issued: fresh, since the 180 s margin is capped at 5 s. */
  fixture->fake->id_lifetime = 10;
  fixture->fake->access_lifetime = 10;
  sign_in (fixture);
  fixture->fake->n_token = 0;
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_cmpuint (fixture->fake->n_token, ==, 0);
  oidc_test_result_clear (&result);
}

static void
test_access_token_expiry (Fixture       *fixture,
                          gconstpointer  data)
{
  OidcTestResult result = { 0 };

  /* The ID token lives an hour but the access token only a second: once that second has
   * passed, the session is stale all the same. */
  fixture->fake->access_lifetime = 1;
  sign_in (fixture);
  g_usleep (1100 * 1000);
  fixture->fake->n_refresh = 0;
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_cmpuint (fixture->fake->n_refresh, ==, 1);
  oidc_test_result_clear (&result);
}

static void
test_refresh (Fixture       *fixture,
              gconstpointer  data)
{
  OidcTestResult result = { 0 };
  g_autofree char *old_refresh = NULL;
  g_autofree char *new_refresh = NULL;

  make_tokens_stale (fixture);
  sign_in (fixture);
  old_refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);

  fixture->fake->n_refresh = 0;
  fixture->fake->n_discovery = 0;
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_cmpuint (fixture->fake->n_refresh, ==, 1);
  g_assert_cmpuint (fixture->fake->n_discovery, ==, 0);
  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 1);

  /* The provider rotated the refresh token; the old one is gone. */
  new_refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  g_assert_cmpstr (new_refresh, !=, old_refresh);
  oidc_test_result_clear (&result);
}

static void
set_other_subject (JsonObject *claims,
                   gpointer    data)
{
  json_object_set_string_member (claims, "sub", "mallory");
}

static void
test_refresh_other_subject (Fixture       *fixture,
                            gconstpointer  data)
{
  OidcTestResult result = { 0 };

  make_tokens_stale (fixture);
  sign_in (fixture);

  fixture->fake->edit_claims = set_other_subject;
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN);
  g_assert_nonnull (strstr (result.error->message, "subject"));
  /* The session that was good is kept. */
  g_assert_true (oidc_oauth2_auth_get_signed_in (fixture->auth));
  oidc_test_result_clear (&result);
}

static void
test_refresh_network_failure (Fixture       *fixture,
                              gconstpointer  data)
{
  OidcTestResult result = { 0 };
  g_autofree char *refresh = NULL;
  g_autofree char *after = NULL;

  make_tokens_stale (fixture);
  sign_in (fixture);
  refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);

  fixture->fake->token_mode = FAKE_TOKEN_STATUS_500;
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_SERVER);
  g_assert_true (oidc_oauth2_auth_get_signed_in (fixture->auth));

  fixture->fake->token_mode = FAKE_TOKEN_NEVER_ANSWER;
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_NETWORK);
  g_assert_true (oidc_oauth2_auth_get_signed_in (fixture->auth));

  /* The session and its refresh token survived; once the provider is back, it refreshes. */
  fixture->fake->token_mode = FAKE_TOKEN_OK;
  after = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  g_assert_cmpstr (after, ==, refresh);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 1);
  oidc_test_result_clear (&result);
}

static void
test_refresh_invalid_grant (Fixture       *fixture,
                            gconstpointer  data)
{
  OidcTestResult result = { 0 };

  make_tokens_stale (fixture);
  sign_in (fixture);

  /* The provider forgot the grant: an optional caller gets nothing and no prompt. */
  g_hash_table_remove_all (fixture->fake->refresh_tokens);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 1);

  /* Again, with a caller that may prompt: it is taken to a new sign-in. */
  make_tokens_stale (fixture);
  sign_in (fixture);
  g_hash_table_remove_all (fixture->fake->refresh_tokens);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_true (oidc_oauth2_auth_get_signed_in (fixture->auth));
  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 3);
  oidc_test_result_clear (&result);
}

static void
test_key_rotation (Fixture       *fixture,
                   gconstpointer  data)
{
  OidcTestResult result = { 0 };

  make_tokens_stale (fixture);
  sign_in (fixture);
  g_assert_cmpuint (fixture->fake->n_jwks, ==, 1);

  /* The provider rotates its key: the refreshed token names a kid we have not seen. */
  fake_provider_rotate_key (fixture->fake, "key-2");
  fixture->fake->n_jwks = 0;
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_cmpuint (fixture->fake->n_jwks, ==, 1);

  /* A second unknown kid right after is not worth another fetch: rate-limited. */
  fake_provider_rotate_key (fixture->fake, "key-3");
  fixture->fake->n_jwks = 0;
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_INVALID_ID_TOKEN);
  g_assert_cmpuint (fixture->fake->n_jwks, ==, 0);
  oidc_test_result_clear (&result);
}

static void
test_concurrent_callers (Fixture       *fixture,
                         gconstpointer  data)
{
  OidcTestResult results[100] = { 0 };

  fake_interaction_set_answer (fixture->interaction, FAKE_ANSWER_NEVER);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &results[i]);

  while (fake_interaction_get_pending (fixture->interaction) == NULL)
    g_main_context_iteration (NULL, TRUE);
  fake_interaction_answer (fixture->interaction);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      oidc_test_wait (&results[i].done);
      g_assert_no_error (results[i].error);
      g_assert_cmpstr (results[i].token, ==, results[0].token);
    }

  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 1);
  g_assert_cmpuint (fixture->fake->n_token, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_result_clear (&results[i]);
}

static void
test_concurrent_refresh (Fixture       *fixture,
                         gconstpointer  data)
{
  OidcTestResult results[50] = { 0 };

  make_tokens_stale (fixture);
  sign_in (fixture);
  fixture->fake->n_refresh = 0;

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_start_id_token (fixture->auth,
                              i % 2 ? OIDC_AUTH_REQUEST_OPTIONAL : OIDC_AUTH_REQUEST_NONE,
                              NULL, &results[i]);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      oidc_test_wait (&results[i].done);
      g_assert_no_error (results[i].error);
      g_assert_cmpstr (results[i].token, ==, results[0].token);
    }

  g_assert_cmpuint (fixture->fake->n_refresh, ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_result_clear (&results[i]);
}

static void
test_cancel_one_caller (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OidcTestResult first = { 0 };
  OidcTestResult second = { 0 };
  OidcAuthorizationRequest *request;

  fake_interaction_set_answer (fixture->interaction, FAKE_ANSWER_NEVER);
  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, cancellable, &first);
  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &second);
  while ((request = fake_interaction_get_pending (fixture->interaction)) == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_cancellable_cancel (cancellable);
  oidc_test_wait (&first.done);
  g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The other caller still waits, and the sign-in page is still up. */
  g_assert_false (second.done);
  g_assert_false (g_cancellable_is_cancelled (
    oidc_authorization_request_get_cancellable (request)));

  fake_interaction_answer (fixture->interaction);
  oidc_test_wait (&second.done);
  g_assert_no_error (second.error);
  g_assert_nonnull (second.token);
  oidc_test_result_clear (&first);
  oidc_test_result_clear (&second);
}

static void
test_cancel_every_caller (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  OidcTestResult result = { 0 };

  fake_interaction_set_answer (fixture->interaction, FAKE_ANSWER_NEVER);
  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, cancellable, &result);
  while (fake_interaction_get_pending (fixture->interaction) == NULL)
    g_main_context_iteration (NULL, TRUE);
  request = g_object_ref (fake_interaction_get_pending (fixture->interaction));

  g_cancellable_cancel (cancellable);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Nobody waits: the interaction is told to close. */
  while (!oidc_authorization_request_is_finished (request))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_cancellable_is_cancelled (oidc_authorization_request_get_cancellable (request)));

  /* A late answer is ignored. */
  fake_interaction_answer (fixture->interaction);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  oidc_test_result_clear (&result);

  /* Let the abandoned operation unwind before the fixture checks for leaks. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_new_caller_after_abandon (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OidcTestResult first = { 0 };
  OidcTestResult second = { 0 };

  fake_interaction_set_answer (fixture->interaction, FAKE_ANSWER_NEVER);
  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, cancellable, &first);
  while (fake_interaction_get_pending (fixture->interaction) == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* The only caller gives up, and another comes at once, before the abandoned sign-in has
   * unwound: it gets a sign-in of its own, not the end of the abandoned one. */
  g_cancellable_cancel (cancellable);
  oidc_test_wait (&first.done);
  g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  fake_interaction_set_answer (fixture->interaction, FAKE_ANSWER_CODE);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &second);
  fake_interaction_answer (fixture->interaction);
  g_assert_no_error (second.error);
  g_assert_nonnull (second.token);
  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 2);

  oidc_test_result_clear (&first);
  oidc_test_result_clear (&second);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_already_cancelled (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OidcTestResult result = { 0 };

  g_cancellable_cancel (cancellable);
  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, cancellable, &result);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fake_interaction_get_n_shown (fixture->interaction), ==, 0);
  oidc_test_result_clear (&result);
}

static void
test_logout (Fixture       *fixture,
             gconstpointer  data)
{
  OidcTestResult logout = { 0 };
  OidcTestResult result = { 0 };

  sign_in (fixture);
  oidc_test_start_logout (fixture->auth, NULL, &logout);
  /* The local session ends at once. */
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  g_assert_cmpuint (fixture->n_signed_in_notify, ==, 2);
  oidc_test_wait (&logout.done);
  g_assert_no_error (logout.error);
  g_assert_true (logout.ok);

  g_assert_cmpuint (fixture->fake->revoked->len, ==, 2);
  g_assert_cmpstr (fixture->fake->revoked->pdata[0], ==, "refresh_token");
  g_assert_cmpstr (fixture->fake->revoked->pdata[1], ==, "access_token");

  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  oidc_test_result_clear (&result);
}

static void
test_logout_revocation_fails (Fixture       *fixture,
                              gconstpointer  data)
{
  OidcTestResult logout = { 0 };

  sign_in (fixture);
  fixture->fake->status_revocation = 503;
  oidc_test_logout (fixture->auth, &logout);
  g_assert_error (logout.error, OIDC_ERROR, OIDC_ERROR_SERVER);
  g_assert_false (logout.ok);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  /* Both tokens were still tried. */
  g_assert_cmpuint (fixture->fake->n_revocation, ==, 2);
  g_clear_error (&logout.error);
}

static void
test_logout_revocation_unreachable (Fixture       *fixture,
                                    gconstpointer  data)
{
  OidcTestResult logout = { 0 };
  OidcTestResult result = { 0 };

  /* The revocation endpoint never answers: the local session is gone all the same, and the
   * caller learns that the provider could not be told. */
  sign_in (fixture);
  fixture->fake->revocation_hangs = TRUE;
  oidc_test_start_logout (fixture->auth, NULL, &logout);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  oidc_test_wait (&logout.done);
  g_assert_error (logout.error, OIDC_ERROR, OIDC_ERROR_NETWORK);
  g_assert_false (logout.ok);

  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);

  oidc_test_result_clear (&logout);
  oidc_test_result_clear (&result);
}

static void
test_logout_without_revocation (Fixture       *fixture,
                                gconstpointer  data)
{
  OidcTestResult logout = { 0 };

  fixture->fake->with_revocation = FALSE;
  sign_in (fixture);
  oidc_test_logout (fixture->auth, &logout);
  g_assert_no_error (logout.error);
  g_assert_true (logout.ok);
  g_assert_cmpuint (fixture->fake->n_revocation, ==, 0);
}

static void
test_logout_during_sign_in (Fixture       *fixture,
                            gconstpointer  data)
{
  OidcTestResult logout = { 0 };
  OidcTestResult result = { 0 };

  fake_interaction_set_answer (fixture->interaction, FAKE_ANSWER_NEVER);
  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &result);
  while (fake_interaction_get_pending (fixture->interaction) == NULL)
    g_main_context_iteration (NULL, TRUE);

  oidc_test_start_logout (fixture->auth, NULL, &logout);
  oidc_test_wait (&result.done);
  oidc_test_wait (&logout.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  oidc_test_result_clear (&result);

  fake_interaction_answer (fixture->interaction);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
}

static GString *captured_log;

static GLogWriterOutput
capture_log (GLogLevelFlags   log_level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  if (captured_log == NULL)
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        g_string_append (captured_log, fields[i].value);
        g_string_append_c (captured_log, '\n');
      }

  return G_LOG_WRITER_HANDLED;
}

static void
assert_not_logged (const char *secret)
{
  g_assert_nonnull (secret);
  g_assert_cmpuint (strlen (secret), >=, 4);
  if (strstr (captured_log->str, secret) != NULL)
    g_error ("A secret was logged");
}

static void
test_nothing_secret_logged (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *refresh = NULL;
  g_autofree char *access = NULL;
  g_autofree char *verifier_challenge = NULL;
  OidcTestResult logout = { 0 };
  OidcTestResult result = { 0 };
  g_autofree char *id_token = NULL;
  GHashTable *params;

  /* Every message of a sign-in, a refresh and a logout goes through the writer, debug ones
   * included. */
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);

  make_tokens_stale (fixture);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  params = fake_interaction_get_last_params (fixture->interaction);
  refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  id_token = g_steal_pointer (&result.token);
  access = oidc_oauth2_auth_dup_access_token (fixture->auth);
  oidc_test_logout (fixture->auth, &logout);

  g_assert_cmpuint (captured_log->len, >, 0);
  assert_not_logged (refresh);
  assert_not_logged (access);
  assert_not_logged (strrchr (id_token, '.') + 1);
  assert_not_logged (g_hash_table_lookup (params, "state"));
  assert_not_logged (g_hash_table_lookup (params, "nonce"));
  assert_not_logged (g_hash_table_lookup (params, "code_challenge"));
  /* The fake provider numbers its codes; none of them may show. */
  for (guint i = 1; i <= fixture->fake->serial; i++)
    {
      g_autofree char *code = g_strdup_printf ("code-%u", i);

      if (strstr (captured_log->str, code) != NULL)
        g_error ("An authorization code was logged");
    }

  g_string_free (g_steal_pointer (&captured_log), TRUE);
  oidc_test_result_clear (&result);
}

static void
test_client_secret (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  OidcTestResult result = { 0 };

  /* A client with a secret authenticates with HTTP Basic, the discovery default. */
  auth = g_object_new (OIDC_TYPE_OAUTH2_AUTH,
                       "issuer", fixture->fake->issuer,
                       "client-id", fixture->fake->client_id,
                       "client-secret", "s3cret:/+",
                       "interaction", fixture->interaction,
                       "remember-session", FALSE,
                       NULL);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  /* base64 ("fake-client:s3cret%3A%2F%2B") */
  g_assert_cmpstr (fixture->fake->last_authorization, ==,
                   "Basic ZmFrZS1jbGllbnQ6czNjcmV0JTNBJTJGJTJC");
  oidc_test_result_clear (&result);
}

static void
test_google_defaults (void)
{
  g_autoptr(OidcGoogleAuth) google = oidc_google_auth_new ("id.apps.googleusercontent.com",
                                                           "not-secret");
  OidcOAuth2Auth *auth = OIDC_OAUTH2_AUTH (google);
  const char * const expected[] = { "openid", "email", "profile", NULL };

  g_assert_cmpstr (oidc_oauth2_auth_get_issuer (auth), ==, "https://accounts.google.com");
  g_assert_cmpstr (oidc_oauth2_auth_get_client_secret (auth), ==, "not-secret");
  g_assert_true (g_strv_equal (oidc_oauth2_auth_get_scopes (auth), expected));
  g_assert_true (oidc_oauth2_auth_get_forbids_embedded (auth));
  g_assert_cmpstr (oidc_oauth2_auth_get_display_name (auth), ==, "Google");
}

static void
test_google_parameters (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char * const params[] = { "access_type", "offline", "prompt", "consent", NULL };
  GHashTable *seen;

  /* The Google flavour against the fake provider: refresh tokens come from access_type. */
  oidc_oauth2_auth_set_authorization_params (fixture->auth, params);
  oidc_oauth2_auth_set_offline_access_scope (fixture->auth, FALSE);
  sign_in (fixture);
  seen = fake_interaction_get_last_params (fixture->interaction);
  g_assert_cmpstr (g_hash_table_lookup (seen, "access_type"), ==, "offline");
  g_assert_cmpstr (g_hash_table_lookup (seen, "prompt"), ==, "consent");
  g_assert_cmpstr (g_hash_table_lookup (seen, "scope"), ==, "openid");
}

static void
test_okta_issuer (void)
{
  static const struct {
    const char *given;
    const char *issuer;
  } cases[] = {
    { "https://example.okta.com", "https://example.okta.com/oauth2/default" },
    { "https://example.okta.com/", "https://example.okta.com/oauth2/default" },
    { "https://example.okta.com/oauth2/aus1234", "https://example.okta.com/oauth2/aus1234" },
    { "https://example.okta.com:8443", "https://example.okta.com:8443/oauth2/default" },
  };
  const char * const expected[] = { "openid", "email", "profile", "offline_access", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(OidcOktaAuth) okta = oidc_okta_auth_new (cases[i].given, "client");

      g_assert_cmpstr (oidc_oauth2_auth_get_issuer (OIDC_OAUTH2_AUTH (okta)), ==,
                       cases[i].issuer);
      g_assert_true (g_strv_equal (oidc_oauth2_auth_get_scopes (OIDC_OAUTH2_AUTH (okta)),
                                   expected));
    }
}

static void
test_properties (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example", "client");
  g_autofree char *issuer = NULL;
  gboolean signed_in = TRUE;
  guint margin = 0;

  g_object_get (auth,
                "issuer", &issuer,
                "signed-in", &signed_in,
                "refresh-margin", &margin,
                NULL);
  g_assert_cmpstr (issuer, ==, "https://id.example");
  g_assert_false (signed_in);
  g_assert_cmpuint (margin, ==, 180);
  g_assert_cmpuint (oidc_oauth2_auth_get_clock_leeway (auth), ==, 60);
  g_assert_cmpstr (oidc_oauth2_auth_get_display_name (auth), ==, "id.example");
  g_assert_cmpstr (oidc_oauth2_auth_get_redirect_uri (auth), ==, "http://127.0.0.1/callback");
  g_assert_cmpint (oidc_oauth2_auth_get_sign_in_method (auth), ==,
                   OIDC_SIGN_IN_METHOD_AUTOMATIC);
}

static void
test_no_interaction (void)
{
  g_autoptr(FakeProvider) fake = fake_provider_new ();
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new (fake->issuer, fake->client_id);
  OidcTestResult result = { 0 };

  g_object_set (auth, "remember-session", FALSE, NULL);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_CONFIGURATION);
  oidc_test_result_clear (&result);
}

#define ADD(path, func) \
  g_test_add ("/Oidc/OAuth2/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("sign-in", test_sign_in);
  ADD ("fresh-secrets", test_fresh_secrets);
  ADD ("optional-without-session", test_optional_without_session);
  ADD ("wrong-issuer", test_wrong_issuer);
  g_test_add_func ("/Oidc/OAuth2/insecure-issuer", test_insecure_issuer);
  g_test_add_func ("/Oidc/OAuth2/empty-client-id", test_empty_client_id);
  g_test_add_func ("/Oidc/OAuth2/no-interaction", test_no_interaction);
  g_test_add_func ("/Oidc/OAuth2/unreachable", test_unreachable);
  ADD ("bad-signature", test_bad_signature);
  ADD ("unknown-signing-key", test_other_key);
  ADD ("alg-none", test_alg_none);
  ADD ("hmac-with-public-key", test_hmac);
  ADD ("wrong-audience", test_wrong_audience);
  ADD ("expired", test_expired);
  ADD ("wrong-nonce", test_wrong_nonce);
  ADD ("redirect-answers", test_redirect_answers);
  ADD ("iss-optional-when-not-advertised", test_iss_optional_when_not_advertised);
  ADD ("discovery-rules", test_discovery_rules);
  ADD ("token-response-fields", test_token_response_fields);
  ADD ("token-endpoint-failures", test_token_endpoint_failures);
  ADD ("margin-capped", test_margin_capped);
  ADD ("access-token-expiry", test_access_token_expiry);
  ADD ("refresh", test_refresh);
  ADD ("refresh-other-subject", test_refresh_other_subject);
  ADD ("refresh-network-failure", test_refresh_network_failure);
  ADD ("refresh-invalid-grant", test_refresh_invalid_grant);
  ADD ("key-rotation", test_key_rotation);
  ADD ("concurrent-callers", test_concurrent_callers);
  ADD ("concurrent-refresh", test_concurrent_refresh);
  ADD ("cancel-one-caller", test_cancel_one_caller);
  ADD ("cancel-every-caller", test_cancel_every_caller);
  ADD ("new-caller-after-abandon", test_new_caller_after_abandon);
  ADD ("already-cancelled", test_already_cancelled);
  ADD ("logout", test_logout);
  ADD ("logout-revocation-fails", test_logout_revocation_fails);
  ADD ("logout-revocation-unreachable", test_logout_revocation_unreachable);
  ADD ("logout-without-revocation", test_logout_without_revocation);
  ADD ("logout-during-sign-in", test_logout_during_sign_in);
  ADD ("client-secret", test_client_secret);
  ADD ("nothing-secret-logged", test_nothing_secret_logged);
  ADD ("google-parameters", test_google_parameters);
  g_test_add_func ("/Oidc/OAuth2/google-defaults", test_google_defaults);
  g_test_add_func ("/Oidc/OAuth2/okta-issuer", test_okta_issuer);
  g_test_add_func ("/Oidc/OAuth2/properties", test_properties);

  return g_test_run ();
}
