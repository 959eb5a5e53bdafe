/* oidc-test-fake-provider.h: an in-process OpenID provider that misbehaves on demand.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A loopback SoupServer in the test's main context serves discovery, a key set, a token
 * endpoint and a revocation endpoint. OidcTestFakeInteraction plays the browser: it asks the
 * fake provider for a code bound to the request's nonce and PKCE challenge and completes the
 * request with the redirect, or misbehaves as told. Real-provider behaviour is tested against
 * oidc-provider; this is for what a real provider will not do on demand.
 */

#pragma once

#include <libsoup/soup.h>

#include "oidc-core.h"
#include "oidc-test-keys.h"

G_BEGIN_DECLS

typedef enum
{
  FAKE_TOKEN_OK,
  FAKE_TOKEN_STATUS_500,
  FAKE_TOKEN_MALFORMED,
  FAKE_TOKEN_OVERSIZED,
  FAKE_TOKEN_NEVER_ANSWER,
  FAKE_TOKEN_REDIRECT,
  FAKE_TOKEN_INVALID_GRANT,
  FAKE_TOKEN_NOT_OBJECT,
} FakeTokenMode;

typedef enum
{
  FAKE_SIGN_OK,
  FAKE_SIGN_BAD_SIGNATURE,
  FAKE_SIGN_ALG_NONE,
  FAKE_SIGN_HS256,
  FAKE_SIGN_OTHER_KEY,     /* signed by a key not in the set, under the same kid */
} FakeSignMode;

typedef struct
{
  SoupServer    *server;
  char          *issuer;
  char          *client_id;

  /* What the provider serves; tests change these between calls. */
  char          *discovery_issuer;      /* NULL: the real issuer */
  gboolean       iss_supported;
  gboolean       with_revocation;
  OidcTestKey   *key;                   /* signs ID tokens */
  OidcTestKey   *other_key;
  char          *jwks;                  /* served at /jwks */
  FakeTokenMode  token_mode;
  FakeSignMode   sign_mode;
  guint          status_revocation;     /* 0: 200 */
  gboolean       revocation_hangs;      /* the revocation endpoint never answers */
  gint64         id_lifetime;           /* seconds */
  gint64         iat_offset;            /* added to iat and exp */
  gint64         access_lifetime;       /* 0: no expires_in */
  char          *subject;
  void         (*edit_claims) (JsonObject *claims, gpointer data);
  gpointer       edit_claims_data;
  /* Change the discovery document or a token response just before it is sent. */
  void         (*edit_discovery) (JsonObject *document);
  void         (*edit_token_response) (JsonObject *response);

  /* What it saw. */
  guint          n_discovery;
  guint          n_jwks;
  guint          n_token;
  guint          n_refresh;
  guint          n_revocation;
  char          *last_authorization;    /* the Authorization header of the last token request */
  GPtrArray     *revoked;               /* token_type_hint of each revocation */

  /* Codes and refresh tokens it issued: value -> nonce. */
  GHashTable    *codes;
  GHashTable    *challenges;
  GHashTable    *refresh_tokens;
  guint          serial;
  GPtrArray     *paused;
} FakeProvider;

FakeProvider *fake_provider_new           (void);
void          fake_provider_free          (FakeProvider *fake);
/* Issues a code as the authorization endpoint would, bound to @nonce and @challenge. */
char         *fake_provider_issue_code    (FakeProvider *fake,
                                           const char   *nonce,
                                           const char   *challenge);
/* Replaces the signing key by a new one under @kid and serves only the new key. */
void          fake_provider_rotate_key    (FakeProvider *fake,
                                           const char   *kid);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeProvider, fake_provider_free)

typedef enum
{
  FAKE_ANSWER_CODE,
  FAKE_ANSWER_WRONG_STATE,
  FAKE_ANSWER_NO_STATE,
  FAKE_ANSWER_WRONG_ISS,
  FAKE_ANSWER_NO_ISS,
  FAKE_ANSWER_ACCESS_DENIED,
  FAKE_ANSWER_SERVER_ERROR,
  FAKE_ANSWER_WINDOW_CLOSED,
  FAKE_ANSWER_WRONG_REDIRECT,
  FAKE_ANSWER_NEVER,        /* keeps the request; the test completes it */
} FakeAnswer;

#define FAKE_TYPE_INTERACTION (fake_interaction_get_type ())
G_DECLARE_FINAL_TYPE (FakeInteraction, fake_interaction, FAKE, INTERACTION, GObject)

FakeInteraction          *fake_interaction_new          (FakeProvider    *fake);
void                      fake_interaction_set_answer   (FakeInteraction *self,
                                                         FakeAnswer       answer);
guint                     fake_interaction_get_n_shown  (FakeInteraction *self);
/* The last request shown, when the answer is FAKE_ANSWER_NEVER. */
OidcAuthorizationRequest *fake_interaction_get_pending  (FakeInteraction *self);
/* Answers the pending request with a good code. */
void                      fake_interaction_answer       (FakeInteraction *self);
GHashTable               *fake_interaction_get_last_params (FakeInteraction *self);

G_END_DECLS
