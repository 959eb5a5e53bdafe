/* bench-oidc.c: what the cheap paths cost, as ratios against the floors they stand on.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Prints ratios, never fails on timing: run it with `meson test --benchmark` or by hand.
 */

#include "config.h"

#include <gnutls/abstract.h>

#include "oidc-core.h"
#include "oidc-jose-private.h"
#include "oidc-test-fake-provider.h"
#include "oidc-test-util.h"

#define ROUNDS       20000
#define ISSUER       "https://id.example.org"
#define CLIENT_ID    "stagedoor-bench"
#define NONCE        "n-0S6_WzA2Mj"
#define N_WARMUP     100
#define N_ITERATIONS 2000

static void
on_empty (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  OidcTestResult *result = user_data;

  g_free (result->token);
  result->token = g_task_propagate_pointer (G_TASK (res), NULL);
  result->done = TRUE;
}

/* The floor: a GTask that returns a copy of a string, through the main loop. */
static double
empty_task_round_trip (GObject    *source,
                       const char *value)
{
  OidcTestResult result = { 0 };
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(GTask) task = g_task_new (source, NULL, on_empty, &result);

      result.done = FALSE;
      g_task_return_pointer (task, g_strdup (value), g_free);
      g_clear_object (&task);
      oidc_test_wait (&result.done);
    }

  oidc_test_result_clear (&result);
  return (double) (g_get_monotonic_time () - start) / ROUNDS;
}

static double
cached_round_trip (OidcOAuth2Auth *auth)
{
  OidcTestResult result = { 0 };
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < ROUNDS; i++)
    {
      oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
      g_assert_no_error (result.error);
    }

  oidc_test_result_clear (&result);
  return (double) (g_get_monotonic_time () - start) / ROUNDS;
}

/* Full validation of an RS256 ID token against GnuTLS verifying its signature alone. */
static void
validation_ratio (void)
{
  g_autoptr(OidcTestKey) key = NULL;
  g_autoptr(OidcJwks) jwks = NULL;
  g_autoptr(JsonNode) jwks_root = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jwks_text = NULL;
  g_autofree char *token = NULL;
  g_autofree char *signing_input = NULL;
  gnutls_datum_t data;
  gnutls_datum_t signature_datum;
  gsize signature_size;
  guint n_iterations = N_ITERATIONS;
  gint64 now;
  gint64 start;
  double validate_us;
  double verify_us;
  OidcIdTokenCheck check = {
    .issuer = ISSUER,
    .client_id = CLIENT_ID,
    .nonce = NONCE,
    .nonce_mode = OIDC_NONCE_REQUIRED,
    .leeway = 60,
  };

  key = oidc_test_key_new (OIDC_TEST_KEY_RSA, "bench");
  jwks_text = oidc_test_jwks_for_keys (key, NULL);
  jwks_root = json_from_string (jwks_text, &error);
  g_assert_no_error (error);
  jwks = oidc_jwks_new_from_json (jwks_root, &error);
  g_assert_no_error (error);

  now = g_get_real_time () / G_USEC_PER_SEC;
  check.now = now;
  claims = oidc_test_id_token_claims (ISSUER, CLIENT_ID, "248289761001", NONCE, NULL, now);
  token = oidc_test_key_sign_jwt (key, "RS256", claims);

  /* The same bytes GnuTLS checks inside oidc_id_token_validate, for the bare comparison. */
  signing_input = g_strndup (token, strrchr (token, '.') - token);
  signature = oidc_base64url_decode (strrchr (token, '.') + 1, -1, &error);
  g_assert_no_error (error);
  data.data = (unsigned char *) signing_input;
  data.size = strlen (signing_input);
  signature_datum.data = (unsigned char *) g_bytes_get_data (signature, &signature_size);
  signature_datum.size = signature_size;

  for (guint i = 0; i < N_WARMUP; i++)
    {
      g_autoptr(OidcIdToken) id_token = oidc_id_token_validate (token, jwks, &check, NULL,
                                                                &error);

      g_assert_no_error (error);
      g_assert_cmpint (gnutls_pubkey_verify_data2 (oidc_test_key_get_pubkey (key),
                                                   GNUTLS_SIGN_RSA_SHA256, 0, &data,
                                                   &signature_datum), >=, 0);
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_iterations; i++)
    {
      g_autoptr(OidcIdToken) id_token = oidc_id_token_validate (token, jwks, &check, NULL,
                                                                NULL);

      if (id_token == NULL)
        g_error ("The benchmark's ID token stopped validating");
    }
  validate_us = (double) (g_get_monotonic_time () - start) / n_iterations;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_iterations; i++)
    {
      if (gnutls_pubkey_verify_data2 (oidc_test_key_get_pubkey (key), GNUTLS_SIGN_RSA_SHA256, 0,
                                      &data, &signature_datum) < 0)
        g_error ("The benchmark's signature stopped verifying");
    }
  verify_us = (double) (g_get_monotonic_time () - start) / n_iterations;

  g_print ("id-token-validation/gnutls-verify: %.2fx (%.1f us vs %.1f us)\n",
           validate_us / MAX (verify_us, 0.001), validate_us, verify_us);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FakeProvider) fake = fake_provider_new ();
  g_autoptr(FakeInteraction) interaction = fake_interaction_new (fake);
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new (fake->issuer, fake->client_id);
  OidcTestResult result = { 0 };
  double floor_us, cached_us;

  /* Sign in once; every call after is answered from the session. */
  oidc_oauth2_auth_set_interaction (auth, OIDC_INTERACTION (interaction));
  oidc_oauth2_auth_set_remember_session (auth, FALSE);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);

  /* Warm both paths, then measure each twice, interleaved, and keep the best. */
  empty_task_round_trip (G_OBJECT (auth), result.token);
  cached_round_trip (auth);
  floor_us = MIN (empty_task_round_trip (G_OBJECT (auth), result.token),
                  empty_task_round_trip (G_OBJECT (auth), result.token));
  cached_us = MIN (cached_round_trip (auth), cached_round_trip (auth));
  g_assert_cmpuint (fake->n_token, ==, 1);

  g_print ("cached-get-id-token/empty-gtask: %.2fx (%.2f us vs %.2f us)\n",
           cached_us / floor_us, cached_us, floor_us);

  oidc_test_result_clear (&result);

  validation_ratio ();
  return 0;
}
