/* oidc-test-fake-provider.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-jose-private.h"
#include "oidc-test-fake-provider.h"

#define OVERSIZED_BODY (2 * 1024 * 1024)

static void
send_json (SoupServerMessage *msg,
           guint              status,
           const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

static GHashTable *
read_form (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return soup_form_decode (text);
}

static void
handle_discovery (FakeProvider      *fake,
                  SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *authorize = g_strconcat (fake->issuer, "/authorize", NULL);
  g_autofree char *token = g_strconcat (fake->issuer, "/token", NULL);
  g_autofree char *jwks = g_strconcat (fake->issuer, "/jwks", NULL);
  g_autofree char *revoke = g_strconcat (fake->issuer, "/revoke", NULL);

  fake->n_discovery++;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "issuer");
  json_builder_add_string_value (builder, fake->discovery_issuer ? fake->discovery_issuer
                                                                 : fake->issuer);
  json_builder_set_member_name (builder, "authorization_endpoint");
  json_builder_add_string_value (builder, authorize);
  json_builder_set_member_name (builder, "token_endpoint");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "jwks_uri");
  json_builder_add_string_value (builder, jwks);
  if (fake->with_revocation)
    {
      json_builder_set_member_name (builder, "revocation_endpoint");
      json_builder_add_string_value (builder, revoke);
    }
  json_builder_set_member_name (builder, "scopes_supported");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "openid");
  json_builder_add_string_value (builder, "email");
  json_builder_add_string_value (builder, "offline_access");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "code_challenge_methods_supported");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "S256");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "authorization_response_iss_parameter_supported");
  json_builder_add_boolean_value (builder, fake->iss_supported);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  if (fake->edit_discovery != NULL)
    fake->edit_discovery (json_node_get_object (root));
  json = json_to_string (root, FALSE);
  send_json (msg, 200, json);
}

static char *
make_id_token (FakeProvider *fake,
               const char   *nonce,
               const char   *access_token)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC + fake->iat_offset;
  g_autoptr(JsonObject) claims = oidc_test_id_token_claims (fake->issuer, fake->client_id,
                                                            fake->subject, nonce, NULL, now);
  g_autofree char *at_hash = oidc_test_at_hash ("RS256", access_token);
  char *token;

  json_object_set_int_member (claims, "exp", now + fake->id_lifetime);
  json_object_set_string_member (claims, "at_hash", at_hash);
  if (fake->edit_claims != NULL)
    fake->edit_claims (claims, fake->edit_claims_data);

  switch (fake->sign_mode)
    {
    case FAKE_SIGN_ALG_NONE:
      return oidc_test_forge_alg_none (oidc_test_key_get_kid (fake->key), claims);

    case FAKE_SIGN_HS256:
      return oidc_test_forge_hs256 (fake->key, OIDC_TEST_HMAC_SECRET_JWK, claims);

    case FAKE_SIGN_OTHER_KEY:
      {
        g_autofree char *payload = oidc_test_json_to_string (claims);
        g_autofree char *header = g_strdup_printf ("{\"alg\":\"RS256\",\"kid\":\"%s\"}",
                                                   oidc_test_key_get_kid (fake->key));

        return oidc_test_key_sign (fake->other_key, "RS256", header, payload);
      }

    case FAKE_SIGN_BAD_SIGNATURE:
      token = oidc_test_key_sign_jwt (fake->key, "RS256", claims);
      /* Flip a bit in the middle of the signature. */
      token[strlen (token) - 10] = token[strlen (token) - 10] == 'A' ? 'B' : 'A';
      return token;

    case FAKE_SIGN_OK:
    default:
      return oidc_test_key_sign_jwt (fake->key, "RS256", claims);
    }
}

static void
send_tokens (FakeProvider      *fake,
             SoupServerMessage *msg,
             const char        *nonce)
{
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *access_token = g_strdup_printf ("at-%u", ++fake->serial);
  g_autofree char *refresh_token = g_strdup_printf ("rt-%u", ++fake->serial);
  g_autofree char *id_token = make_id_token (fake, nonce, access_token);
  g_autofree char *json = NULL;

  g_hash_table_insert (fake->refresh_tokens, g_strdup (refresh_token), g_strdup (nonce));

  json_object_set_string_member (response, "access_token", access_token);
  json_object_set_string_member (response, "token_type", "Bearer");
  json_object_set_string_member (response, "refresh_token", refresh_token);
  json_object_set_string_member (response, "id_token", id_token);
  json_object_set_string_member (response, "scope", "openid email offline_access");
  if (fake->access_lifetime > 0)
    json_object_set_int_member (response, "expires_in", fake->access_lifetime);

  if (fake->edit_token_response != NULL)
    fake->edit_token_response (response);
  root = json_node_init_object (json_node_alloc (), response);
  json = json_to_string (root, FALSE);
  send_json (msg, 200, json);
}

static void
send_oauth_error (SoupServerMessage *msg,
                  const char        *code)
{
  g_autofree char *json = g_strdup_printf ("{\"error\":\"%s\",\"error_description\":"
                                           "\"the fake provider says no\"}", code);

  send_json (msg, 400, json);
}

static void
handle_token (FakeProvider      *fake,
              SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = read_form (msg);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  const char *authorization;

  fake->n_token++;
  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");
  g_free (fake->last_authorization);
  fake->last_authorization = g_strdup (authorization);

  switch (fake->token_mode)
    {
    case FAKE_TOKEN_STATUS_500:
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "oops", 4);
      return;

    case FAKE_TOKEN_MALFORMED:
      send_json (msg, 200, "{\"access_token\": \"at\", ");
      return;

    case FAKE_TOKEN_NOT_OBJECT:
      send_json (msg, 200, "[\"access_token\"]");
      return;

    case FAKE_TOKEN_OVERSIZED:
      {
        char *big = g_malloc (OVERSIZED_BODY);

        memset (big, ' ', OVERSIZED_BODY);
        big[0] = '{';
        big[OVERSIZED_BODY - 1] = '}';
        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                          big, OVERSIZED_BODY);
        return;
      }

    case FAKE_TOKEN_NEVER_ANSWER:
      soup_server_message_pause (msg);
      g_ptr_array_add (fake->paused, g_object_ref (msg));
      return;

    case FAKE_TOKEN_REDIRECT:
      soup_server_message_set_redirect (msg, 302, "https://example.com/elsewhere");
      return;

    case FAKE_TOKEN_INVALID_GRANT:
      send_oauth_error (msg, "invalid_grant");
      return;

    case FAKE_TOKEN_OK:
    default:
      break;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      const char *code = g_hash_table_lookup (form, "code");
      const char *verifier = g_hash_table_lookup (form, "code_verifier");
      g_autofree char *nonce = NULL;
      g_autofree char *challenge = NULL;
      g_autofree char *computed = NULL;
      gpointer value;

      /* Codes are single-use. */
      if (code == NULL || !g_hash_table_lookup_extended (fake->codes, code, NULL, &value))
        {
          send_oauth_error (msg, "invalid_grant");
          return;
        }
      nonce = g_strdup (value);
      challenge = g_strdup (g_hash_table_lookup (fake->challenges, code));
      g_hash_table_remove (fake->codes, code);
      g_hash_table_remove (fake->challenges, code);

      /* PKCE: the verifier must hash to the challenge the code was issued for. */
      computed = verifier ? oidc_pkce_s256 (verifier) : NULL;
      if (g_strcmp0 (computed, challenge) != 0)
        {
          send_oauth_error (msg, "invalid_grant");
          return;
        }

      send_tokens (fake, msg, nonce);
      return;
    }

  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      const char *refresh_token = g_hash_table_lookup (form, "refresh_token");
      g_autofree char *nonce = NULL;
      gpointer value;

      /* Refresh tokens rotate: each works once. */
      fake->n_refresh++;
      if (refresh_token == NULL ||
          !g_hash_table_lookup_extended (fake->refresh_tokens, refresh_token, NULL, &value))
        {
          send_oauth_error (msg, "invalid_grant");
          return;
        }
      nonce = g_strdup (value);
      g_hash_table_remove (fake->refresh_tokens, refresh_token);

      send_tokens (fake, msg, nonce);
      return;
    }

  send_oauth_error (msg, "unsupported_grant_type");
}

static void
handle_revocation (FakeProvider      *fake,
                   SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = read_form (msg);

  fake->n_revocation++;
  g_ptr_array_add (fake->revoked, g_strdup (g_hash_table_lookup (form, "token_type_hint")));

  if (fake->revocation_hangs)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (fake->paused, g_object_ref (msg));
      return;
    }

  if (fake->status_revocation != 0)
    {
      soup_server_message_set_status (msg, fake->status_revocation, NULL);
      return;
    }

  soup_server_message_set_status (msg, 200, NULL);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  FakeProvider *fake = user_data;

  if (g_str_equal (path, "/.well-known/openid-configuration"))
    handle_discovery (fake, msg);
  else if (g_str_equal (path, "/jwks"))
    {
      fake->n_jwks++;
      send_json (msg, 200, fake->jwks);
    }
  else if (g_str_equal (path, "/token"))
    handle_token (fake, msg);
  else if (g_str_equal (path, "/revoke"))
    handle_revocation (fake, msg);
  else
    soup_server_message_set_status (msg, 404, NULL);
}

FakeProvider *
fake_provider_new (void)
{
  FakeProvider *fake = g_new0 (FakeProvider, 1);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, handle, fake, NULL);
  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fake->server);
  fake->issuer = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  fake->client_id = g_strdup ("fake-client");
  fake->subject = g_strdup ("alice");
  fake->iss_supported = TRUE;
  fake->with_revocation = TRUE;
  fake->id_lifetime = 3600;
  fake->access_lifetime = 3600;
  fake->key = oidc_test_key_new (OIDC_TEST_KEY_RSA, "key-1");
  fake->other_key = oidc_test_key_new (OIDC_TEST_KEY_RSA, "key-evil");
  fake->jwks = oidc_test_jwks_for_keys (fake->key, NULL);
  fake->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->challenges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->revoked = g_ptr_array_new_with_free_func (g_free);
  fake->paused = g_ptr_array_new_with_free_func (g_object_unref);

  return fake;
}

void
fake_provider_free (FakeProvider *fake)
{
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_ptr_array_unref (fake->paused);
  g_free (fake->issuer);
  g_free (fake->client_id);
  g_free (fake->subject);
  g_free (fake->discovery_issuer);
  g_free (fake->jwks);
  g_free (fake->last_authorization);
  oidc_test_key_free (fake->key);
  oidc_test_key_free (fake->other_key);
  g_hash_table_unref (fake->codes);
  g_hash_table_unref (fake->challenges);
  g_hash_table_unref (fake->refresh_tokens);
  g_ptr_array_unref (fake->revoked);
  g_free (fake);
}

char *
fake_provider_issue_code (FakeProvider *fake,
                          const char   *nonce,
                          const char   *challenge)
{
  char *code = g_strdup_printf ("code-%u", ++fake->serial);

  g_hash_table_insert (fake->codes, g_strdup (code), g_strdup (nonce));
  g_hash_table_insert (fake->challenges, g_strdup (code), g_strdup (challenge));
  return code;
}

void
fake_provider_rotate_key (FakeProvider *fake,
                          const char   *kid)
{
  oidc_test_key_free (fake->key);
  fake->key = oidc_test_key_new (OIDC_TEST_KEY_RSA, kid);
  g_free (fake->jwks);
  fake->jwks = oidc_test_jwks_for_keys (fake->key, NULL);
}

/* FakeInteraction */

struct _FakeInteraction
{
  GObject                   parent_instance;
  FakeProvider             *fake;
  FakeAnswer                answer;
  guint                     n_shown;
  OidcAuthorizationRequest *pending;
  GHashTable               *last_params;
};

static void fake_interaction_iface_init (OidcInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeInteraction, fake_interaction, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OIDC_TYPE_INTERACTION,
                                                      fake_interaction_iface_init))

static char *
build_answer (FakeInteraction          *self,
              OidcAuthorizationRequest *request)
{
  GHashTable *params = self->last_params;
  const char *redirect = oidc_authorization_request_get_redirect_uri (request);
  const char *state = g_hash_table_lookup (params, "state");
  g_autofree char *code = NULL;
  g_autoptr(GString) uri = g_string_new (redirect);

  g_string_append (uri, "?");

  switch (self->answer)
    {
    case FAKE_ANSWER_ACCESS_DENIED:
      g_string_append (uri, "error=access_denied&error_description=no+thanks");
      break;

    case FAKE_ANSWER_SERVER_ERROR:
      g_string_append (uri, "error=temporarily_unavailable&error_description=try+later");
      break;

    case FAKE_ANSWER_WRONG_REDIRECT:
      g_string_assign (uri, "http://127.0.0.1:1/elsewhere?");
      G_GNUC_FALLTHROUGH;

    default:
      code = fake_provider_issue_code (self->fake, g_hash_table_lookup (params, "nonce"),
                                       g_hash_table_lookup (params, "code_challenge"));
      g_string_append_printf (uri, "code=%s", code);
      break;
    }

  if (self->answer == FAKE_ANSWER_WRONG_STATE)
    g_string_append (uri, "&state=forged-state");
  else if (self->answer != FAKE_ANSWER_NO_STATE)
    {
      g_string_append (uri, "&state=");
      g_string_append_uri_escaped (uri, state, NULL, FALSE);
    }

  if (self->answer == FAKE_ANSWER_WRONG_ISS)
    g_string_append (uri, "&iss=https%3A%2F%2Fevil.example");
  else if (self->answer != FAKE_ANSWER_NO_ISS)
    {
      g_string_append (uri, "&iss=");
      g_string_append_uri_escaped (uri, self->fake->issuer, NULL, FALSE);
    }

  return g_string_free (g_steal_pointer (&uri), FALSE);
}

static gboolean
answer_idle (gpointer user_data)
{
  OidcAuthorizationRequest *request = user_data;
  FakeInteraction *self = g_object_get_data (G_OBJECT (request), "fake-interaction");
  g_autofree char *uri = NULL;

  if (self->answer == FAKE_ANSWER_WINDOW_CLOSED)
    {
      oidc_authorization_request_fail (request, OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED,
                                       "The sign-in window was closed");
      return G_SOURCE_REMOVE;
    }

  uri = build_answer (self, request);
  oidc_authorization_request_complete (request, uri);
  return G_SOURCE_REMOVE;
}

static void
fake_interaction_authorize (OidcInteraction          *interaction,
                            OidcAuthorizationRequest *request)
{
  FakeInteraction *self = FAKE_INTERACTION (interaction);
  g_autofree char *uri = oidc_authorization_request_dup_authorization_uri (request);
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);

  self->n_shown++;
  g_clear_pointer (&self->last_params, g_hash_table_unref);
  self->last_params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&",
                                          G_URI_PARAMS_WWW_FORM, NULL);

  if (self->answer == FAKE_ANSWER_NEVER)
    {
      g_set_object (&self->pending, request);
      return;
    }

  g_object_set_data (G_OBJECT (request), "fake-interaction", self);
  g_idle_add_full (G_PRIORITY_DEFAULT, answer_idle, g_object_ref (request), g_object_unref);
}

static void
fake_interaction_iface_init (OidcInteractionInterface *iface)
{
  iface->authorize = fake_interaction_authorize;
}

static void
fake_interaction_finalize (GObject *object)
{
  FakeInteraction *self = FAKE_INTERACTION (object);

  g_clear_object (&self->pending);
  g_clear_pointer (&self->last_params, g_hash_table_unref);

  G_OBJECT_CLASS (fake_interaction_parent_class)->finalize (object);
}

static void
fake_interaction_class_init (FakeInteractionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_interaction_finalize;
}

static void
fake_interaction_init (FakeInteraction *self)
{
}

FakeInteraction *
fake_interaction_new (FakeProvider *fake)
{
  FakeInteraction *self = g_object_new (FAKE_TYPE_INTERACTION, NULL);

  self->fake = fake;
  return self;
}

void
fake_interaction_set_answer (FakeInteraction *self,
                             FakeAnswer       answer)
{
  self->answer = answer;
}

guint
fake_interaction_get_n_shown (FakeInteraction *self)
{
  return self->n_shown;
}

OidcAuthorizationRequest *
fake_interaction_get_pending (FakeInteraction *self)
{
  return self->pending;
}

GHashTable *
fake_interaction_get_last_params (FakeInteraction *self)
{
  return self->last_params;
}

void
fake_interaction_answer (FakeInteraction *self)
{
  g_autoptr(OidcAuthorizationRequest) request = g_steal_pointer (&self->pending);
  g_autofree char *uri = NULL;
  FakeAnswer answer = self->answer;

  g_assert_nonnull (request);
  self->answer = FAKE_ANSWER_CODE;
  uri = build_answer (self, request);
  self->answer = answer;
  oidc_authorization_request_complete (request, uri);
}
