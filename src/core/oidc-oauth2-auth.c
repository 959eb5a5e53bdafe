/* oidc-oauth2-auth.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "oidc-authorization-request-private.h"
#include "oidc-enum-types.h"
#include "oidc-error.h"
#include "oidc-http-private.h"
#include "oidc-jose-private.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-provider-metadata-private.h"
#include "oidc-secret-store-private.h"

/**
 * OidcOAuth2Auth:
 *
 * Sign-in with any OpenID Connect provider.
 *
 * The provider is found through discovery at its issuer. Sign-in uses the authorization code
 * flow with PKCE; the ID token is validated against the provider's published keys. Sessions
 * live in memory; [method@AuthApi.get_id_token_async] answers from them while they are
 * fresh, refreshes them when they are not, and asks the user only when it must.
 *
 * With [property@OAuth2Auth:remember-session], the refresh token and what resuming takes
 * (subject, granted scopes) are kept in the user's keyring, one item per application, issuer
 * and client ID; ID and access tokens never leave memory. The first request for a token
 * resumes that session without showing anything, so an application that wants to know
 * whether the user is still signed in at startup asks for a token with
 * %OIDC_AUTH_REQUEST_OPTIONAL.
 *
 * An object is meant to be used from the main context it was created in.
 */

#define DEFAULT_REFRESH_MARGIN 180
#define DEFAULT_CLOCK_LEEWAY   60
#define DEFAULT_HTTP_TIMEOUT   30
#define DEFAULT_REDIRECT_URI   "http://127.0.0.1/callback"
/* An unknown "kid" makes us fetch the key set again at most this often. */
#define JWKS_REFETCH_INTERVAL  (60 * G_USEC_PER_SEC)

typedef struct
{
  OidcIdToken *id_token;
  char        *access_token;
  gint64       access_issued_at;
  gint64       access_expires_at;   /* 0 when the provider gave no lifetime */
  char        *refresh_token;
  char        *scope;
  char        *nonce;
} OidcSession;

typedef enum
{
  OPERATION_REFRESH,
  OPERATION_SIGN_IN,
} OperationKind;

/* The one refresh or sign-in in flight; every caller that needs it waits on it. */
typedef struct
{
  OidcOAuth2Auth           *self;
  OperationKind             kind;
  GCancellable             *cancellable;
  GQueue                    waiters;
  OidcAuthRequestFlags      flags;

  char                     *state;
  char                     *nonce;
  char                     *verifier;
  OidcAuthorizationRequest *request;
  char                     *redirect_uri;

  OidcSession              *base;
  JsonObject               *response;
  gboolean                  refetched_keys;

  gboolean                  restoring;  /* a refresh of the session saved in the keyring */
  OidcSession              *validated;  /* waiting for the keyring before it is handed out */
} Operation;

typedef struct
{
  Operation            *operation;
  GCancellable         *cancellable;
  gulong                cancelled_id;
  OidcAuthRequestFlags  flags;
} Waiter;

typedef struct
{
  char                  *issuer;
  char                  *client_id;
  char                  *client_secret;
  char                 **scopes;
  char                  *redirect_uri;
  char                  *display_name;
  OidcInteraction       *interaction;
  OidcInteraction       *default_interaction;
  GError                *configuration_error;
  OidcSignInMethod       sign_in_method;
  guint                  refresh_margin;
  guint                  clock_leeway;
  guint                  http_timeout;
  char                 **authorization_params;
  gboolean               offline_access_scope;
  gboolean               forbids_embedded;
  gboolean               remember_session;
  char                  *post_logout_redirect_uri;
  gboolean               end_session_in_browser;

  SoupSession           *http;
  OidcProviderMetadata  *metadata;
  OidcJwks              *jwks;
  gint64                 jwks_refetched_at;

  OidcSession           *session;
  Operation             *operation;
  gboolean               restore_attempted;
  gboolean               keyring_warned;
} OidcOAuth2AuthPrivate;

static void oidc_oauth2_auth_auth_api_init (OidcAuthApiInterface *iface);

G_DEFINE_TYPE_WITH_CODE (OidcOAuth2Auth, oidc_oauth2_auth, G_TYPE_OBJECT,
                         G_ADD_PRIVATE (OidcOAuth2Auth)
                         G_IMPLEMENT_INTERFACE (OIDC_TYPE_AUTH_API,
                                                oidc_oauth2_auth_auth_api_init))

enum {
  PROP_0,
  PROP_ISSUER,
  PROP_CLIENT_ID,
  PROP_CLIENT_SECRET,
  PROP_SCOPES,
  PROP_REDIRECT_URI,
  PROP_DISPLAY_NAME,
  PROP_INTERACTION,
  PROP_SIGN_IN_METHOD,
  PROP_REFRESH_MARGIN,
  PROP_CLOCK_LEEWAY,
  PROP_REMEMBER_SESSION,
  PROP_POST_LOGOUT_REDIRECT_URI,
  PROP_END_SESSION_IN_BROWSER,
  N_PROPS,

  PROP_SIGNED_IN = N_PROPS,
};

static GParamSpec *properties[N_PROPS];
static OidcInteractionFactory default_interaction_factory;
static OidcBrowserLogoutAsync browser_logout_async;
static OidcBrowserLogoutFinish browser_logout_finish;

static void sign_in_start (Operation *operation);

/* Sessions */

static void
oidc_session_free (OidcSession *session)
{
  if (session == NULL)
    return;

  g_clear_pointer (&session->id_token, oidc_id_token_free);
  g_free (session->access_token);
  g_free (session->refresh_token);
  g_free (session->scope);
  g_free (session->nonce);
  g_free (session);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OidcSession, oidc_session_free)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The margin never exceeds half a token's lifetime, so short-lived tokens are not refreshed
 * on every call. */
static gboolean
expiry_is_fresh (guint  margin,
                 gint64 issued_at,
                 gint64 expires_at,
                 gint64 now)
{
  gint64 lifetime = expires_at - issued_at;

  if (lifetime > 0)
    margin = MIN ((gint64) margin, lifetime / 2);

  return now + (gint64) margin < expires_at;
}

static gboolean
session_is_fresh (OidcOAuth2AuthPrivate *priv,
                  OidcSession           *session)
{
  gint64 now = now_seconds ();

  if (!expiry_is_fresh (priv->refresh_margin, session->id_token->issued_at,
                        session->id_token->expires_at, now))
    return FALSE;

  return session->access_expires_at == 0 ||
         expiry_is_fresh (priv->refresh_margin, session->access_issued_at,
                          session->access_expires_at, now);
}

static void
set_session (OidcOAuth2Auth *self,
             OidcSession    *session)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  gboolean was_signed_in = priv->session != NULL;

  g_clear_pointer (&priv->session, oidc_session_free);
  priv->session = session;

  if (was_signed_in != (session != NULL))
    g_object_notify (G_OBJECT (self), "signed-in");
}

/* Operations */

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  if (waiter->cancelled_id != 0)
    g_cancellable_disconnect (waiter->cancellable, waiter->cancelled_id);
  g_clear_object (&waiter->cancellable);
  g_free (waiter);
}

static Operation *
operation_new (OidcOAuth2Auth *self,
               OperationKind   kind)
{
  Operation *operation = g_new0 (Operation, 1);

  operation->self = g_object_ref (self);
  operation->kind = kind;
  operation->cancellable = g_cancellable_new ();
  g_queue_init (&operation->waiters);

  return operation;
}

static void
operation_free (Operation *operation)
{
  g_assert (g_queue_is_empty (&operation->waiters));

  g_clear_object (&operation->self);
  g_clear_object (&operation->cancellable);
  g_clear_object (&operation->request);
  g_free (operation->state);
  g_free (operation->nonce);
  g_free (operation->verifier);
  g_free (operation->redirect_uri);
  g_clear_pointer (&operation->base, oidc_session_free);
  g_clear_pointer (&operation->validated, oidc_session_free);
  g_clear_pointer (&operation->response, json_object_unref);
  g_free (operation);
}

static gboolean
operation_is_current (Operation *operation)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);

  return priv->operation == operation;
}

/* Removes @waiter's task from the queue; the caller then returns it. */
static GTask *
operation_take_waiter (Operation *operation,
                       GList     *link)
{
  GTask *task = link->data;
  Waiter *waiter = g_task_get_task_data (task);

  g_queue_delete_link (&operation->waiters, link);
  waiter->operation = NULL;

  return task;
}

static void
operation_detach (Operation *operation)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);

  if (priv->operation == operation)
    priv->operation = NULL;
}

/* Ends @operation: every waiter gets @id_token (a copy each) or @error. */
static void
operation_finish (Operation    *operation,
                  const char   *id_token,
                  const GError *error)
{
  operation_detach (operation);

  while (!g_queue_is_empty (&operation->waiters))
    {
      g_autoptr(GTask) task = operation_take_waiter (operation, operation->waiters.head);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (id_token), g_free);
    }

  operation_free (operation);
}

static void
operation_fail (Operation *operation,
                GError    *error)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);
  g_autoptr(GError) owned = error;

  g_debug ("%s ended with an error: %s",
           operation->kind == OPERATION_REFRESH ? "Refresh" : "Sign-in", error->message);

  /* The saved session is still there (a network failure, say): try it again next time. */
  if (operation->restoring && operation_is_current (operation))
    priv->restore_attempted = FALSE;

  operation_finish (operation, NULL, error);
}

/* An operation that was detached (by logout or dispose) has nobody to tell. */
static gboolean
operation_check_current (Operation *operation)
{
  if (operation_is_current (operation))
    return TRUE;

  g_debug ("Dropping the result of a %s that was abandoned",
           operation->kind == OPERATION_REFRESH ? "refresh" : "sign-in");
  operation_finish (operation, NULL, NULL);
  return FALSE;
}

static gboolean
waiter_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  Waiter *waiter = g_task_get_task_data (task);
  Operation *operation = waiter->operation;
  GList *link;

  if (operation == NULL || !(link = g_queue_find (&operation->waiters, task)))
    return G_SOURCE_REMOVE;

  g_object_unref (operation_take_waiter (operation, link));
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The request was cancelled"));

  /* Nobody waits for the sign-in any more: close what it shows. A refresh runs to its end,
   * since its result is worth keeping. */
  if (g_queue_is_empty (&operation->waiters) && operation->kind == OPERATION_SIGN_IN)
    {
      /* A caller that comes next starts a sign-in of its own rather than inherit the end of
       * this one. */
      g_debug ("Every caller gave up; cancelling the sign-in");
      operation_detach (operation);
      g_cancellable_cancel (operation->cancellable);
    }

  return G_SOURCE_REMOVE;
}

static void
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  /* The cancellable may be emitting from inside a caller's code; answer from the main
   * context, where the waiter can also disconnect from it. */
  g_source_set_callback (source, waiter_cancelled_idle, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[oidc] waiter cancelled");
  g_source_attach (source, g_task_get_context (task));
}

static void
operation_add_waiter (Operation *operation,
                      GTask     *task)
{
  Waiter *waiter = g_task_get_task_data (task);

  waiter->operation = operation;
  g_queue_push_tail (&operation->waiters, g_object_ref (task));

  if (waiter->cancellable != NULL)
    waiter->cancelled_id = g_cancellable_connect (waiter->cancellable,
                                                  G_CALLBACK (on_waiter_cancelled),
                                                  task, NULL);
}

/* Keyring */

typedef enum
{
  KEYRING_SAVE,
  KEYRING_LOAD,
  KEYRING_DELETE,
} KeyringStep;

/* A keyring that is locked, missing or refuses us costs the user a sign-in at the next start
 * and nothing more: say so once per provider, naming the issuer and never a token, and go on
 * in memory. */
static void
warn_keyring (OidcOAuth2Auth *self,
              KeyringStep     step,
              const GError   *error)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (priv->keyring_warned)
    {
      g_debug ("The keyring failed again for %s: %s", priv->issuer, error->message);
      return;
    }
  priv->keyring_warned = TRUE;

  switch (step)
    {
    case KEYRING_SAVE:
      g_warning ("Could not save the sign-in to %s in the keyring: %s. The session lasts "
                 "until the application quits; then the user has to sign in again.",
                 priv->issuer, error->message);
      break;

    case KEYRING_LOAD:
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        g_warning ("Could not resume the saved sign-in to %s from the keyring: %s. It was "
                   "removed; the user has to sign in again.", priv->issuer, error->message);
      else
        g_warning ("Could not resume the saved sign-in to %s from the keyring: %s. The user "
                   "has to sign in again.", priv->issuer, error->message);
      break;

    case KEYRING_DELETE:
    default:
      g_warning ("Could not remove the saved sign-in to %s from the keyring: %s",
                 priv->issuer, error->message);
      break;
    }
}

static OidcStoredSession *
stored_session_new (OidcSession *session)
{
  OidcStoredSession *stored = g_new0 (OidcStoredSession, 1);

  stored->refresh_token = g_strdup (session->refresh_token);
  stored->subject = g_strdup (session->id_token->subject);
  stored->scope = g_strdup (session->scope);
  stored->nonce = g_strdup (session->nonce);

  return stored;
}

/* What a refresh starts from when the session comes from the keyring: no ID or access token,
 * only what the refresh and the validation of its answer need. */
static OidcSession *
session_from_stored (OidcStoredSession *stored)
{
  OidcSession *session = g_new0 (OidcSession, 1);

  session->id_token = g_new0 (OidcIdToken, 1);
  session->id_token->subject = g_strdup (stored->subject);
  session->refresh_token = g_strdup (stored->refresh_token);
  session->scope = g_strdup (stored->scope);
  session->nonce = g_strdup (stored->nonce);

  return session;
}

/* Metadata and keys */

typedef void (*StepFunc) (Operation *operation,
                          GError    *error);

static void
on_discovery (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  OidcOAuth2Auth *self = g_task_get_source_object (task);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  g_autoptr(JsonObject) object_json = NULL;
  g_autoptr(GError) error = NULL;
  OidcProviderMetadata *metadata;

  if (!(object_json = oidc_http_get_json_finish (result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (!(metadata = oidc_provider_metadata_new (object_json, priv->issuer, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  g_debug ("Discovered %s", priv->issuer);
  g_clear_pointer (&priv->metadata, oidc_provider_metadata_free);
  priv->metadata = metadata;

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Issuer and client ID are construct-only: judged once, in constructed(), not on every call. */
static GError *
check_configuration (OidcOAuth2AuthPrivate *priv)
{
  if (priv->issuer == NULL || !oidc_uri_is_secure_or_loopback (priv->issuer))
    return g_error_new (OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                        _("The issuer “%s” is not an HTTPS address"),
                        priv->issuer ? priv->issuer : "");

  if (priv->client_id == NULL || *priv->client_id == '\0')
    return g_error_new_literal (OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                                _("No client ID is set"));

  return NULL;
}

static gboolean
validate_configuration (OidcOAuth2Auth  *self,
                        GError         **error)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  if (priv->configuration_error == NULL)
    return TRUE;

  g_propagate_error (error, g_error_copy (priv->configuration_error));
  return FALSE;
}

static void
ensure_metadata_async (OidcOAuth2Auth      *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, ensure_metadata_async);

  if (priv->metadata != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!validate_configuration (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  uri = oidc_provider_metadata_discovery_uri (priv->issuer);
  oidc_http_get_json_async (priv->http, uri, priv->http_timeout, cancellable, on_discovery,
                            g_steal_pointer (&task));
}

static gboolean
ensure_metadata_finish (OidcOAuth2Auth  *self,
                        GAsyncResult    *result,
                        GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Token responses */

static gboolean
get_optional_string (JsonObject  *object,
                     const char  *name,
                     const char **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    {
      g_set_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                   _("The provider's token response has an invalid “%s”"), name);
      return FALSE;
    }

  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_expires_in (JsonObject  *object,
                gint64      *out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, "expires_in");
  gint64 value = 0;

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  /* Some providers send the number as a string. */
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    value = json_node_get_int (node);
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
           g_ascii_string_to_signed (json_node_get_string (node), 10, 0, G_MAXINT32, &value,
                                     NULL))
    ;
  else
    value = -1;

  if (value <= 0 || value > G_MAXINT32)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                           _("The provider's token response has an invalid “expires_in”"));
      return FALSE;
    }

  *out = value;
  return TRUE;
}

/* Builds the session a token response describes, short of validating its ID token. */
static OidcSession *
session_from_response (JsonObject   *response,
                       OidcSession  *base,
                       const char   *nonce,
                       char        **id_token_out,
                       GError      **error)
{
  g_autoptr(OidcSession) session = g_new0 (OidcSession, 1);
  const char *access_token, *token_type, *refresh_token, *id_token, *scope;
  gint64 expires_in;

  if (!get_optional_string (response, "access_token", &access_token, error) ||
      !get_optional_string (response, "token_type", &token_type, error) ||
      !get_optional_string (response, "refresh_token", &refresh_token, error) ||
      !get_optional_string (response, "id_token", &id_token, error) ||
      !get_optional_string (response, "scope", &scope, error) ||
      !get_expires_in (response, &expires_in, error))
    return NULL;

  if (access_token == NULL)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                           _("The provider's token response has no access token"));
      return NULL;
    }

  if (token_type == NULL || g_ascii_strcasecmp (token_type, "Bearer") != 0)
    {
      g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                           _("The provider's token response is not of type Bearer"));
      return NULL;
    }

  /* OpenID Connect Core 12.2: a refresh may come without a new ID token. We need one, since
   * we hand out ID tokens; only a sign-in answer lacking one is malformed. */
  if (id_token == NULL)
    {
      if (base == NULL)
        g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                             _("The provider's token response has no ID token"));
      else
        g_set_error_literal (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                             _("The provider refreshed the session without a new ID token"));
      return NULL;
    }

  session->access_token = g_strdup (access_token);
  session->access_issued_at = now_seconds ();
  session->access_expires_at = expires_in > 0 ? session->access_issued_at + expires_in : 0;
  session->nonce = g_strdup (nonce);

  /* A refresh that rotates nothing keeps the old refresh token, and keeps the old scopes
   * unless it names new ones (RFC 6749 5.1 and 6). */
  if (refresh_token != NULL)
    session->refresh_token = g_strdup (refresh_token);
  else if (base != NULL)
    session->refresh_token = g_strdup (base->refresh_token);

  if (scope != NULL)
    session->scope = g_strdup (scope);
  else if (base != NULL)
    session->scope = g_strdup (base->scope);

  *id_token_out = g_strdup (id_token);
  return g_steal_pointer (&session);
}

static void verify_response (Operation *operation);

static void
install_session (Operation *operation)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);

  set_session (operation->self, g_steal_pointer (&operation->validated));
  operation_finish (operation, priv->session->id_token->raw, NULL);
}

static void
on_session_persisted (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Operation *operation = user_data;
  gboolean saved = operation->validated->refresh_token != NULL;
  g_autoptr(GError) error = NULL;

  if (saved)
    oidc_secret_store_save_finish (result, &error);
  else
    oidc_secret_store_delete_finish (result, &error);

  /* The session works in memory all the same. */
  if (error != NULL)
    warn_keyring (operation->self, saved ? KEYRING_SAVE : KEYRING_DELETE, error);

  if (!operation_check_current (operation))
    return;

  install_session (operation);
}

/* A new or rotated refresh token reaches the keyring before any caller sees the tokens that
 * came with it. Should the process die in between, the keyring still holds the previous
 * token: the provider either still honours it, or refuses it and the user signs in again.
 * The keyring never holds a token the provider would not know, nor half of one. */
static void
persist_session (Operation *operation)
{
  OidcOAuth2Auth *self = operation->self;
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  OidcSession *session = operation->validated;
  OidcSession *base = operation->base;
  g_autoptr(OidcStoredSession) stored = NULL;

  if (!priv->remember_session ||
      (base != NULL && g_strcmp0 (base->refresh_token, session->refresh_token) == 0 &&
       g_strcmp0 (base->scope, session->scope) == 0))
    {
      install_session (operation);
      return;
    }

  /* Neither call is cancellable: once begun, the keyring must end up holding what we believe
   * it holds. A logout meanwhile queues its delete behind this. */
  if (session->refresh_token == NULL)
    {
      /* Nothing to resume from; an item of an earlier sign-in must not come back instead. */
      g_debug ("The session of %s has no refresh token; forgetting any saved one",
               priv->issuer);
      oidc_secret_store_delete_async (priv->issuer, priv->client_id, NULL,
                                      on_session_persisted, operation);
      return;
    }

  g_debug ("Saving the session of %s in the keyring", priv->issuer);
  stored = stored_session_new (session);
  oidc_secret_store_save_async (priv->issuer, priv->client_id, priv->display_name, stored,
                                NULL, on_session_persisted, operation);
}

static void
on_jwks (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Operation *operation = user_data;
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);
  g_autoptr(JsonObject) object_json = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  OidcJwks *jwks;

  object_json = oidc_http_get_json_finish (result, &error);
  if (!operation_check_current (operation))
    return;

  if (object_json == NULL)
    {
      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  root = json_node_init_object (json_node_alloc (), object_json);
  if (!(jwks = oidc_jwks_new_from_json (root, &error)))
    {
      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  g_debug ("Fetched %u signing keys of %s", oidc_jwks_get_n_keys (jwks), priv->issuer);
  g_clear_pointer (&priv->jwks, oidc_jwks_unref);
  priv->jwks = jwks;

  verify_response (operation);
}

static void
fetch_jwks (Operation *operation)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);

  oidc_http_get_json_async (priv->http, priv->metadata->jwks_uri, priv->http_timeout,
                            operation->cancellable, on_jwks, operation);
}

/* Validates the ID token of @operation's response and makes the session of it. */
static void
verify_response (Operation *operation)
{
  OidcOAuth2Auth *self = operation->self;
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  g_autoptr(OidcSession) session = NULL;
  g_autofree char *raw = NULL;
  g_autoptr(GError) error = NULL;
  OidcIdTokenCheck check = { 0 };
  gboolean key_missing = FALSE;
  const char *nonce;

  if (priv->jwks == NULL)
    {
      fetch_jwks (operation);
      return;
    }

  nonce = operation->base != NULL ? operation->base->nonce : operation->nonce;
  if (!(session = session_from_response (operation->response, operation->base, nonce, &raw,
                                         &error)))
    {
      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  check.issuer = priv->issuer;
  check.client_id = priv->client_id;
  check.nonce = nonce;
  check.nonce_mode = operation->base != NULL ? OIDC_NONCE_IF_PRESENT : OIDC_NONCE_REQUIRED;
  check.subject = operation->base != NULL ? operation->base->id_token->subject : NULL;
  check.access_token = session->access_token;
  check.now = now_seconds ();
  check.leeway = priv->clock_leeway;

  session->id_token = oidc_id_token_validate (raw, priv->jwks, &check, &key_missing, &error);
  if (session->id_token == NULL)
    {
      gint64 now = g_get_monotonic_time ();

      /* The provider may have rotated its keys since we fetched them. */
      if (key_missing && !operation->refetched_keys &&
          (priv->jwks_refetched_at == 0 || now - priv->jwks_refetched_at >= JWKS_REFETCH_INTERVAL))
        {
          g_debug ("The ID token names an unknown key; fetching the keys of %s again",
                   priv->issuer);
          operation->refetched_keys = TRUE;
          priv->jwks_refetched_at = now;
          g_clear_pointer (&priv->jwks, oidc_jwks_unref);
          fetch_jwks (operation);
          return;
        }

      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  g_debug ("%s of %s succeeded", operation->kind == OPERATION_REFRESH ? "Refresh" : "Sign-in",
           priv->issuer);
  operation->validated = g_steal_pointer (&session);
  persist_session (operation);
}

static void
client_credentials (OidcOAuth2AuthPrivate  *priv,
                    GPtrArray              *form,
                    const char            **basic_user,
                    const char            **basic_password)
{
  char **methods = priv->metadata->token_endpoint_auth_methods_supported;

  *basic_user = NULL;
  *basic_password = NULL;

  /* Public clients name themselves; the secret of a desktop client (Google's) is not
   * confidential, but the provider still wants it, in the way it prefers: Basic is the
   * default of RFC 6749 and of Discovery. */
  if (priv->client_secret != NULL && *priv->client_secret != '\0' &&
      (methods == NULL || oidc_provider_metadata_supports (methods, "client_secret_basic")))
    {
      *basic_user = priv->client_id;
      *basic_password = priv->client_secret;
      return;
    }

  g_ptr_array_add (form, (gpointer) "client_id");
  g_ptr_array_add (form, priv->client_id);

  if (priv->client_secret != NULL && *priv->client_secret != '\0')
    {
      g_ptr_array_add (form, (gpointer) "client_secret");
      g_ptr_array_add (form, priv->client_secret);
    }
}

/* Refresh */

static void on_refused_session_deleted (GObject      *object,
                                        GAsyncResult *result,
                                        gpointer      user_data);
static void operation_give_up_session  (Operation    *operation);

static void
on_refresh_response (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Operation *operation = user_data;
  OidcOAuth2Auth *self = operation->self;
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  g_autofree char *oauth_error = NULL;
  g_autoptr(GError) error = NULL;

  operation->response = oidc_http_post_form_finish (result, &oauth_error, &error);
  if (!operation_check_current (operation))
    return;

  if (operation->response != NULL)
    {
      verify_response (operation);
      return;
    }

  if (g_strcmp0 (oauth_error, "invalid_grant") != 0)
    {
      /* The session may still be good: keep it and let the caller try again. */
      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  /* The provider no longer honours the refresh token: drop the session, and the saved copy
   * before anybody hears of it, so that no later start tries it again. */
  g_debug ("The provider refused the refresh token of %s; dropping the session", priv->issuer);
  set_session (self, NULL);
  g_clear_pointer (&operation->base, oidc_session_free);

  if (priv->remember_session)
    {
      oidc_secret_store_delete_async (priv->issuer, priv->client_id, NULL,
                                      on_refused_session_deleted, operation);
      return;
    }

  operation_give_up_session (operation);
}

static void
on_refused_session_deleted (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  Operation *operation = user_data;
  g_autoptr(GError) error = NULL;

  if (!oidc_secret_store_delete_finish (result, &error))
    warn_keyring (operation->self, KEYRING_DELETE, error);

  if (!operation_check_current (operation))
    return;

  operation_give_up_session (operation);
}

/* There is no session to refresh: optional callers get no token; the others go on to a new
 * sign-in. */
static void
operation_give_up_session (Operation *operation)
{
  for (GList *link = operation->waiters.head; link != NULL;)
    {
      GList *next = link->next;
      Waiter *waiter = g_task_get_task_data (link->data);

      if (waiter->flags & OIDC_AUTH_REQUEST_OPTIONAL)
        {
          g_autoptr(GTask) task = operation_take_waiter (operation, link);

          g_task_return_pointer (task, NULL, NULL);
        }
      link = next;
    }

  if (g_queue_is_empty (&operation->waiters))
    {
      operation_finish (operation, NULL, NULL);
      return;
    }

  operation->kind = OPERATION_SIGN_IN;
  operation->restoring = FALSE;
  sign_in_start (operation);
}

static void
on_refresh_metadata (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Operation *operation = user_data;
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);
  g_autoptr(GPtrArray) form = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *basic_user, *basic_password;
  gboolean ok;

  ok = ensure_metadata_finish (operation->self, result, &error);
  if (!operation_check_current (operation))
    return;

  if (!ok)
    {
      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  g_ptr_array_add (form, (gpointer) "grant_type");
  g_ptr_array_add (form, (gpointer) "refresh_token");
  g_ptr_array_add (form, (gpointer) "refresh_token");
  g_ptr_array_add (form, operation->base->refresh_token);
  client_credentials (priv, form, &basic_user, &basic_password);
  g_ptr_array_add (form, NULL);

  g_debug ("Refreshing the session of %s", priv->issuer);
  oidc_http_post_form_async (priv->http, priv->metadata->token_endpoint,
                             (const char * const *) form->pdata, basic_user, basic_password,
                             priv->http_timeout, operation->cancellable, on_refresh_response,
                             operation);
}

static OidcSession *
session_copy_for_refresh (OidcSession *session)
{
  OidcSession *copy = g_new0 (OidcSession, 1);

  copy->id_token = g_new0 (OidcIdToken, 1);
  copy->id_token->subject = g_strdup (session->id_token->subject);
  copy->refresh_token = g_strdup (session->refresh_token);
  copy->scope = g_strdup (session->scope);
  copy->nonce = g_strdup (session->nonce);

  return copy;
}

static void
refresh_start (Operation *operation)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);

  operation->base = session_copy_for_refresh (priv->session);
  ensure_metadata_async (operation->self, operation->cancellable, on_refresh_metadata,
                         operation);
}

/* Restore: the session an earlier run saved is refreshed before anybody gets a token of it,
 * since only the refresh token was kept. */

static void
on_restore_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Operation *operation = user_data;
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);
  g_autoptr(OidcStoredSession) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = oidc_secret_store_load_finish (result, &error);
  if (!operation_check_current (operation))
    return;

  /* A keyring that cannot be read is not tried again in this run: a locked one would ask the
   * user to unlock it on every call. */
  if (error != NULL)
    warn_keyring (operation->self, KEYRING_LOAD, error);

  if (stored == NULL)
    {
      g_debug ("No saved session of %s", priv->issuer);
      operation_give_up_session (operation);
      return;
    }

  g_debug ("Resuming the saved session of %s", priv->issuer);
  operation->base = session_from_stored (stored);
  ensure_metadata_async (operation->self, operation->cancellable, on_refresh_metadata,
                         operation);
}

static void
restore_start (Operation *operation)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);

  g_debug ("Looking for a saved session of %s", priv->issuer);
  oidc_secret_store_load_async (priv->issuer, priv->client_id, operation->cancellable,
                                on_restore_loaded, operation);
}

/* Sign-in */

static GError *
check_redirect (Operation  *operation,
                const char *redirected_uri,
                char      **code_out)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *state, *iss, *error_code, *code;

  if (!oidc_authorization_request_is_redirect (operation->request, redirected_uri) ||
      !(uri = g_uri_parse (redirected_uri, G_URI_FLAGS_ENCODED, NULL)))
    return g_error_new_literal (OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                                _("The sign-in ended at an unexpected address"));

  params = g_uri_parse_params (g_uri_get_query (uri) ? g_uri_get_query (uri) : "", -1, "&",
                               G_URI_PARAMS_WWW_FORM, NULL);
  if (params == NULL)
    return g_error_new_literal (OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                                _("The provider's answer to the sign-in is malformed"));

  /* The state binds the answer to this very sign-in; without it nothing else is trusted,
   * not even an error. */
  state = g_hash_table_lookup (params, "state");
  if (state == NULL || g_strcmp0 (state, operation->state) != 0)
    return g_error_new_literal (OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                                _("The provider's answer does not belong to this sign-in "
                                  "(state mismatch)"));

  /* RFC 9207: the answer names who sent it, which defeats mix-up attacks. */
  iss = g_hash_table_lookup (params, "iss");
  if (iss != NULL ? g_strcmp0 (iss, priv->issuer) != 0 : priv->metadata->iss_parameter_supported)
    return g_error_new_literal (OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                                _("The sign-in answer does not come from the expected provider "
                                  "(iss mismatch)"));

  error_code = g_hash_table_lookup (params, "error");
  if (error_code != NULL)
    {
      g_autofree char *safe_code = oidc_sanitize_text (error_code);
      g_autofree char *description =
        oidc_sanitize_text (g_hash_table_lookup (params, "error_description"));

      if (g_strcmp0 (error_code, "access_denied") == 0)
        return g_error_new_literal (OIDC_ERROR, OIDC_ERROR_REJECTED,
                                    _("Sign-in failed: it was rejected by the user"));

      return g_error_new (OIDC_ERROR, OIDC_ERROR_PROVIDER, _("%s refused the sign-in: %s%s%s%s"),
                          priv->display_name, safe_code, *description ? " (" : "", description,
                          *description ? ")" : "");
    }

  code = g_hash_table_lookup (params, "code");
  if (code == NULL || *code == '\0')
    return g_error_new_literal (OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                                _("The provider's answer to the sign-in has no code"));

  *code_out = g_strdup (code);
  return NULL;
}

static void
on_code_exchanged (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Operation *operation = user_data;
  g_autoptr(GError) error = NULL;

  operation->response = oidc_http_post_form_finish (result, NULL, &error);
  if (!operation_check_current (operation))
    return;

  if (operation->response == NULL)
    {
      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  verify_response (operation);
}

static void
on_authorized (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Operation *operation = user_data;
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (operation->self);
  g_autoptr(GPtrArray) form = g_ptr_array_new ();
  g_autofree char *redirected_uri = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;
  const char *basic_user, *basic_password;

  redirected_uri = oidc_authorization_request_run_finish (operation->request, result, &error);
  if (!operation_check_current (operation))
    return;

  if (redirected_uri == NULL)
    {
      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  if ((error = check_redirect (operation, redirected_uri, &code)))
    {
      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  /* The code is single-use; so is everything bound to this flow. */
  operation->redirect_uri =
    g_strdup (oidc_authorization_request_get_redirect_uri (operation->request));

  g_ptr_array_add (form, (gpointer) "grant_type");
  g_ptr_array_add (form, (gpointer) "authorization_code");
  g_ptr_array_add (form, (gpointer) "code");
  g_ptr_array_add (form, code);
  g_ptr_array_add (form, (gpointer) "redirect_uri");
  g_ptr_array_add (form, operation->redirect_uri);
  g_ptr_array_add (form, (gpointer) "code_verifier");
  g_ptr_array_add (form, operation->verifier);
  client_credentials (priv, form, &basic_user, &basic_password);
  g_ptr_array_add (form, NULL);

  g_debug ("Exchanging the authorization code of %s", priv->issuer);
  oidc_http_post_form_async (priv->http, priv->metadata->token_endpoint,
                             (const char * const *) form->pdata, basic_user, basic_password,
                             priv->http_timeout, operation->cancellable, on_code_exchanged,
                             operation);
}

static char **
requested_scopes (OidcOAuth2AuthPrivate *priv)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* Asking for an ID token always means "openid"; a refresh token, "offline_access" where
   * the provider offers it. */
  g_strv_builder_add (builder, "openid");
  g_hash_table_add (seen, (gpointer) "openid");

  for (guint i = 0; priv->scopes != NULL && priv->scopes[i] != NULL; i++)
    {
      if (*priv->scopes[i] == '\0' || !g_hash_table_add (seen, priv->scopes[i]))
        continue;
      g_strv_builder_add (builder, priv->scopes[i]);
    }

  if (priv->offline_access_scope && !g_hash_table_contains (seen, "offline_access") &&
      oidc_provider_metadata_supports (priv->metadata->scopes_supported, "offline_access"))
    g_strv_builder_add (builder, "offline_access");

  return g_strv_builder_end (builder);
}

static OidcInteraction *
get_interaction (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  if (priv->interaction != NULL)
    return priv->interaction;

  /* The library's own; the interaction property stays unset, as the application left it. */
  if (priv->default_interaction == NULL && default_interaction_factory != NULL)
    priv->default_interaction = default_interaction_factory (self);

  return priv->default_interaction;
}

static void
on_sign_in_metadata (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Operation *operation = user_data;
  OidcOAuth2Auth *self = operation->self;
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) scopes = NULL;
  g_autofree char *challenge = NULL;
  g_autoptr(GError) error = NULL;
  OidcInteraction *interaction;
  gboolean ok;

  ok = ensure_metadata_finish (self, result, &error);
  if (!operation_check_current (operation))
    return;

  if (!ok)
    {
      operation_fail (operation, g_steal_pointer (&error));
      return;
    }

  if (!(interaction = get_interaction (self)))
    {
      operation_fail (operation,
                      g_error_new_literal (OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                                           _("No way to show the sign-in page is set up")));
      return;
    }

  /* Fresh secrets for every flow, from the key-grade random source. */
  g_free (operation->state);
  g_free (operation->nonce);
  g_free (operation->verifier);
  operation->state = oidc_random_token (32);
  operation->nonce = oidc_random_token (32);
  operation->verifier = oidc_random_token (32);
  challenge = oidc_pkce_s256 (operation->verifier);
  scopes = requested_scopes (priv);

#define ADD_PARAM(name, value) \
  G_STMT_START { \
    g_ptr_array_add (params, g_strdup (name)); \
    g_ptr_array_add (params, g_strdup (value)); \
  } G_STMT_END

  ADD_PARAM ("response_type", "code");
  ADD_PARAM ("client_id", priv->client_id);
  g_ptr_array_add (params, g_strdup ("scope"));
  g_ptr_array_add (params, g_strjoinv (" ", scopes));
  ADD_PARAM ("state", operation->state);
  ADD_PARAM ("nonce", operation->nonce);
  ADD_PARAM ("code_challenge", challenge);
  ADD_PARAM ("code_challenge_method", "S256");
  for (guint i = 0; priv->authorization_params && priv->authorization_params[i]; i += 2)
    ADD_PARAM (priv->authorization_params[i], priv->authorization_params[i + 1]);
  g_ptr_array_add (params, NULL);

#undef ADD_PARAM

  g_clear_object (&operation->request);
  operation->request = oidc_authorization_request_new (OIDC_AUTH_API (self),
                                                       priv->display_name,
                                                       operation->flags,
                                                       (const char * const *) scopes,
                                                       priv->metadata->authorization_endpoint,
                                                       (const char * const *) params->pdata,
                                                       priv->redirect_uri);

  g_debug ("Asking the user to sign in to %s", priv->issuer);
  oidc_authorization_request_run_async (operation->request, interaction, operation->cancellable,
                                        on_authorized, operation);
}

static void
sign_in_start (Operation *operation)
{
  ensure_metadata_async (operation->self, operation->cancellable, on_sign_in_metadata,
                         operation);
}

/* OidcAuthApi */

static void
oidc_oauth2_auth_get_id_token_async (OidcAuthApi          *auth,
                                     OidcAuthRequestFlags  flags,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  OidcOAuth2Auth *self = OIDC_OAUTH2_AUTH (auth);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gboolean restore;
  Waiter *waiter;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oidc_oauth2_auth_get_id_token_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!validate_configuration (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The cheap path: no request at all while the session is fresh. */
  if (priv->session != NULL && session_is_fresh (priv, priv->session))
    {
      g_task_return_pointer (task, g_strdup (priv->session->id_token->raw), g_free);
      return;
    }

  /* On first use, a session an earlier run saved may be waiting in the keyring. */
  restore = priv->session == NULL && priv->operation == NULL && priv->remember_session &&
            !priv->restore_attempted;

  if ((flags & OIDC_AUTH_REQUEST_OPTIONAL) && !restore &&
      ((priv->operation != NULL && priv->operation->kind == OPERATION_SIGN_IN) ||
       (priv->operation == NULL && (priv->session == NULL ||
                                    priv->session->refresh_token == NULL))))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->flags = flags;
  waiter->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, waiter, waiter_free);

  if (priv->operation != NULL)
    {
      operation_add_waiter (priv->operation, task);
      return;
    }

  /* A refresh that starts from the keyring; like any refresh, it becomes a sign-in for the
   * callers that may be asked when there is nothing to resume. */
  if (restore)
    {
      priv->restore_attempted = TRUE;
      priv->operation = operation_new (self, OPERATION_REFRESH);
      priv->operation->restoring = TRUE;
      priv->operation->flags = flags & ~OIDC_AUTH_REQUEST_OPTIONAL;
      operation_add_waiter (priv->operation, task);
      restore_start (priv->operation);
      return;
    }

  if (priv->session != NULL && priv->session->refresh_token != NULL)
    {
      priv->operation = operation_new (self, OPERATION_REFRESH);
      priv->operation->flags = flags & ~OIDC_AUTH_REQUEST_OPTIONAL;
      operation_add_waiter (priv->operation, task);
      refresh_start (priv->operation);
      return;
    }

  /* A stale session that cannot be refreshed is worth nothing. */
  set_session (self, NULL);

  priv->operation = operation_new (self, OPERATION_SIGN_IN);
  priv->operation->flags = flags;
  operation_add_waiter (priv->operation, task);
  sign_in_start (priv->operation);
}

static char *
oidc_oauth2_auth_get_id_token_finish (OidcAuthApi   *auth,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, auth), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oidc_oauth2_auth_get_id_token_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Logout */

typedef enum
{
  LOGOUT_LOAD_SAVED,
  LOGOUT_DELETE_SAVED,
  LOGOUT_METADATA,
  LOGOUT_REVOKE_REFRESH,
  LOGOUT_REVOKE_ACCESS,
  LOGOUT_END_SESSION,
  LOGOUT_BROWSER_DATA,
  LOGOUT_DONE,
} LogoutStep;

typedef struct
{
  LogoutStep  step;
  gboolean    had_session;
  char       *refresh_token;
  char       *access_token;
  char       *id_token;          /* the hint of the end-session request */
  gboolean    have_metadata;
  char       *end_session_uri;   /* for the embedded browser to visit */
  GError     *error;
} Logout;

static void
logout_free (gpointer data)
{
  Logout *logout = data;

  g_free (logout->refresh_token);
  g_free (logout->access_token);
  g_free (logout->id_token);
  g_free (logout->end_session_uri);
  g_clear_error (&logout->error);
  g_free (logout);
}

/* Every step runs whatever an earlier one met; the caller hears of all failures at once, in
 * order, under the code of the first. */
static void
logout_note_error (Logout *logout,
                   GError *error)
{
  g_autofree char *message = NULL;

  if (logout->error == NULL)
    {
      logout->error = error;
      return;
    }

  message = g_strdup_printf ("%s; %s", logout->error->message, error->message);
  g_free (logout->error->message);
  logout->error->message = g_steal_pointer (&message);
  g_error_free (error);
}

static gboolean
has_identity (OidcOAuth2AuthPrivate *priv)
{
  return priv->issuer != NULL && priv->client_id != NULL && *priv->client_id != '\0';
}

/* Whether the library's own interaction signs in through its embedded browser. */
static gboolean
uses_embedded_browser (OidcOAuth2AuthPrivate *priv)
{
  switch (priv->sign_in_method)
    {
    case OIDC_SIGN_IN_METHOD_EMBEDDED:
      return TRUE;

    case OIDC_SIGN_IN_METHOD_BROWSER:
      return FALSE;

    case OIDC_SIGN_IN_METHOD_AUTOMATIC:
    default:
      return !priv->forbids_embedded;
    }
}

static void
append_query_param (GString    *uri,
                    char       *separator,
                    const char *name,
                    const char *value)
{
  g_string_append_c (uri, *separator);
  g_string_append_uri_escaped (uri, name, NULL, FALSE);
  g_string_append_c (uri, '=');
  g_string_append_uri_escaped (uri, value, NULL, FALSE);
  *separator = '&';
}

/* RP-Initiated Logout 1.0, section 2. */
static char *
end_session_uri (OidcOAuth2AuthPrivate *priv,
                 const char            *id_token)
{
  const char *endpoint = priv->metadata->end_session_endpoint;
  GString *uri = g_string_new (endpoint);
  char separator = strchr (endpoint, '?') ? '&' : '?';

  append_query_param (uri, &separator, "id_token_hint", id_token);
  append_query_param (uri, &separator, "client_id", priv->client_id);

  /* The state only means something to whoever receives the redirect. */
  if (priv->post_logout_redirect_uri != NULL)
    {
      g_autofree char *state = oidc_random_token (16);

      append_query_param (uri, &separator, "post_logout_redirect_uri",
                          priv->post_logout_redirect_uri);
      append_query_param (uri, &separator, "state", state);
    }

  return g_string_free (uri, FALSE);
}

static void logout_next (GTask *task);

static void
on_logout_loaded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Logout *logout = g_task_get_task_data (task);
  g_autoptr(OidcStoredSession) stored = NULL;
  GError *error = NULL;

  stored = oidc_secret_store_load_finish (result, &error);
  if (stored != NULL)
    logout->refresh_token = g_strdup (stored->refresh_token);

  /* An unparsable item was removed already: nothing is left behind. Any other failure may
   * leave the item, which the delete that follows cannot always tell. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    {
      g_prefix_error (&error, _("The keyring could not be read, so a saved sign-in may remain "
                                "in it: "));
      logout_note_error (logout, error);
    }
  else
    g_clear_error (&error);

  logout_next (task);
}

static void
on_logout_deleted (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Logout *logout = g_task_get_task_data (task);
  GError *error = NULL;

  if (!oidc_secret_store_delete_finish (result, &error))
    {
      g_prefix_error (&error, _("The saved sign-in could not be removed from the keyring: "));
      logout_note_error (logout, error);
    }

  logout_next (task);
}

static void
on_logout_metadata (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  OidcOAuth2Auth *self = g_task_get_source_object (task);
  Logout *logout = g_task_get_task_data (task);
  GError *error = NULL;

  logout->have_metadata = ensure_metadata_finish (self, result, &error);
  if (!logout->have_metadata)
    {
      g_prefix_error (&error, _("Signed out here, but the session at the provider may "
                                "remain: "));
      logout_note_error (logout, error);
    }

  logout_next (task);
}

static void
on_revoked (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Logout *logout = g_task_get_task_data (task);
  g_autoptr(JsonObject) response = NULL;
  GError *error = NULL;

  if (!(response = oidc_http_post_form_finish (result, NULL, &error)))
    logout_note_error (logout, error);

  logout_next (task);
}

static gboolean
logout_revoke (GTask      *task,
               const char *token,
               const char *hint)
{
  OidcOAuth2Auth *self = g_task_get_source_object (task);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  Logout *logout = g_task_get_task_data (task);
  g_autoptr(GPtrArray) form = g_ptr_array_new ();
  const char *basic_user, *basic_password;

  if (token == NULL || !logout->have_metadata)
    return FALSE;

  if (priv->metadata->revocation_endpoint == NULL)
    {
      g_debug ("%s has no revocation endpoint", priv->issuer);
      return FALSE;
    }

  g_ptr_array_add (form, (gpointer) "token");
  g_ptr_array_add (form, (gpointer) token);
  g_ptr_array_add (form, (gpointer) "token_type_hint");
  g_ptr_array_add (form, (gpointer) hint);
  client_credentials (priv, form, &basic_user, &basic_password);
  g_ptr_array_add (form, NULL);

  g_debug ("Revoking the %s of %s", hint, priv->issuer);
  oidc_http_post_form_async (priv->http, priv->metadata->revocation_endpoint,
                             (const char * const *) form->pdata, basic_user, basic_password,
                             priv->http_timeout, g_task_get_cancellable (task), on_revoked,
                             task);
  return TRUE;
}

static void
on_end_session_launched (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = user_data;
  Logout *logout = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_prefix_error (&error, _("The provider's sign-out page could not be opened in the "
                                "browser: "));
      logout_note_error (logout, error);
    }

  logout_next (task);
}

/* Ends the session at the provider, where that is possible and wanted. The embedded browser
 * visits the page without showing it in the next step; the system browser opens it here. */
static gboolean
logout_end_session (GTask *task)
{
  OidcOAuth2Auth *self = g_task_get_source_object (task);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  Logout *logout = g_task_get_task_data (task);
  g_autofree char *uri = NULL;

  /* Without an ID token (nothing was resumed in this run) there is no hint of whose session
   * to end; removing the browser's cookies is what is left. */
  if (!logout->have_metadata || priv->metadata->end_session_endpoint == NULL ||
      logout->id_token == NULL)
    return FALSE;

  uri = end_session_uri (priv, logout->id_token);

  if (uses_embedded_browser (priv))
    {
      if (browser_logout_async == NULL)
        g_debug ("No embedded browser to end the session of %s with", priv->issuer);
      logout->end_session_uri = g_steal_pointer (&uri);
      return FALSE;
    }

  if (!priv->end_session_in_browser)
    {
      g_debug ("Leaving the session of %s in the system browser alone", priv->issuer);
      return FALSE;
    }

  g_debug ("Ending the session of %s in the system browser", priv->issuer);
  g_app_info_launch_default_for_uri_async (uri, NULL, g_task_get_cancellable (task),
                                           on_end_session_launched, task);
  return TRUE;
}

static void
on_browser_logout (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  OidcOAuth2Auth *self = g_task_get_source_object (task);
  Logout *logout = g_task_get_task_data (task);
  GError *error = NULL;

  if (!browser_logout_finish (self, result, &error))
    logout_note_error (logout, error);

  logout_next (task);
}

/* Runs the next step of a logout; @task is owned by the steps until the last one returns it. */
static void
logout_next (GTask *task)
{
  OidcOAuth2Auth *self = g_task_get_source_object (task);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  Logout *logout = g_task_get_task_data (task);
  gboolean keyring = priv->remember_session && has_identity (priv);

  /* Each step sets the one after it before it may go asynchronous. */
  switch (logout->step)
    {
    /* Local state first, so that a logout cut short never brings the session back at the next
     * start. With nothing in memory (nothing resumed yet in this run), the keyring may hold a
     * refresh token the provider still honours: revoke that one too. Neither step is
     * cancellable: the local state goes whatever happens. */
    case LOGOUT_LOAD_SAVED:
      logout->step = LOGOUT_DELETE_SAVED;
      if (keyring && !logout->had_session)
        {
          oidc_secret_store_load_async (priv->issuer, priv->client_id, NULL, on_logout_loaded,
                                        task);
          return;
        }
      G_GNUC_FALLTHROUGH;

    case LOGOUT_DELETE_SAVED:
      logout->step = LOGOUT_METADATA;
      if (keyring)
        {
          g_debug ("Removing the saved session of %s", priv->issuer);
          oidc_secret_store_delete_async (priv->issuer, priv->client_id, NULL, on_logout_deleted,
                                          task);
          return;
        }
      G_GNUC_FALLTHROUGH;

    case LOGOUT_METADATA:
      logout->step = LOGOUT_REVOKE_REFRESH;
      if (logout->refresh_token != NULL || logout->access_token != NULL)
        {
          ensure_metadata_async (self, g_task_get_cancellable (task), on_logout_metadata, task);
          return;
        }
      G_GNUC_FALLTHROUGH;

    /* The refresh token first: revoking it ends the whole grant at most providers. */
    case LOGOUT_REVOKE_REFRESH:
      logout->step = LOGOUT_REVOKE_ACCESS;
      if (logout_revoke (task, logout->refresh_token, "refresh_token"))
        return;
      G_GNUC_FALLTHROUGH;

    case LOGOUT_REVOKE_ACCESS:
      logout->step = LOGOUT_END_SESSION;
      if (logout_revoke (task, logout->access_token, "access_token"))
        return;
      G_GNUC_FALLTHROUGH;

    case LOGOUT_END_SESSION:
      logout->step = LOGOUT_BROWSER_DATA;
      if (logout_end_session (task))
        return;
      G_GNUC_FALLTHROUGH;

    /* The UI layer visits the end-session page, if any, and forgets the provider's cookies,
     * so that the next sign-in shows the login form rather than reusing them. A previous run
     * may have left those even when this one never signed in. */
    case LOGOUT_BROWSER_DATA:
      logout->step = LOGOUT_DONE;
      if (browser_logout_async != NULL)
        {
          GCancellable *cancellable = g_task_get_cancellable (task);

          /* The cookies are local state too: a cancelled logout still forgets them, and only
           * skips the provider's page. */
          if (g_cancellable_is_cancelled (cancellable))
            {
              g_clear_pointer (&logout->end_session_uri, g_free);
              cancellable = NULL;
            }

          browser_logout_async (self, logout->end_session_uri, cancellable, on_browser_logout,
                                task);
          return;
        }
      G_GNUC_FALLTHROUGH;

    case LOGOUT_DONE:
    default:
      break;
    }

  g_debug ("Logged out of %s", priv->issuer);
  if (logout->error != NULL)
    g_task_return_error (task, g_steal_pointer (&logout->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
oidc_oauth2_auth_logout_async (OidcAuthApi         *auth,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  OidcOAuth2Auth *self = OIDC_OAUTH2_AUTH (auth);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  g_autoptr(OidcSession) session = NULL;
  g_autoptr(GTask) task = NULL;
  Logout *logout;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, oidc_oauth2_auth_logout_async);

  /* Whatever is in flight would bring the session back; abandon it. Its callers learn that
   * the user signed out. */
  if (priv->operation != NULL)
    {
      Operation *operation = priv->operation;

      priv->operation = NULL;
      g_cancellable_cancel (operation->cancellable);
      while (!g_queue_is_empty (&operation->waiters))
        {
          g_autoptr(GTask) waiter = operation_take_waiter (operation, operation->waiters.head);

          g_task_return_new_error (waiter, OIDC_ERROR, OIDC_ERROR_REJECTED,
                                   _("Sign-in was abandoned because the user signed out"));
        }
    }

  /* The local session ends now, whatever the provider and the keyring say, and nothing in this
   * run resumes it: not even an item the keyring fails to remove. */
  logout = g_new0 (Logout, 1);
  g_task_set_task_data (task, logout, logout_free);
  priv->restore_attempted = TRUE;

  session = g_steal_pointer (&priv->session);
  if (session != NULL)
    {
      logout->had_session = TRUE;
      logout->refresh_token = g_steal_pointer (&session->refresh_token);
      logout->access_token = g_steal_pointer (&session->access_token);
      logout->id_token = g_strdup (session->id_token->raw);
      g_object_notify (G_OBJECT (self), "signed-in");
    }

  logout_next (g_steal_pointer (&task));
}

static gboolean
oidc_oauth2_auth_logout_finish (OidcAuthApi   *auth,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, auth), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oidc_oauth2_auth_logout_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
oidc_oauth2_auth_auth_api_init (OidcAuthApiInterface *iface)
{
  iface->get_id_token_async = oidc_oauth2_auth_get_id_token_async;
  iface->get_id_token_finish = oidc_oauth2_auth_get_id_token_finish;
  iface->logout_async = oidc_oauth2_auth_logout_async;
  iface->logout_finish = oidc_oauth2_auth_logout_finish;
}

/* GObject */

static void
oidc_oauth2_auth_constructed (GObject *object)
{
  OidcOAuth2Auth *self = OIDC_OAUTH2_AUTH (object);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  G_OBJECT_CLASS (oidc_oauth2_auth_parent_class)->constructed (object);

  priv->configuration_error = check_configuration (priv);

  if (priv->display_name == NULL && priv->issuer != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (priv->issuer, G_URI_FLAGS_NONE, NULL);

      priv->display_name = g_strdup (uri ? g_uri_get_host (uri) : priv->issuer);
    }
}

static void
oidc_oauth2_auth_dispose (GObject *object)
{
  OidcOAuth2Auth *self = OIDC_OAUTH2_AUTH (object);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  /* An operation holds a reference on us, so none is in flight here. */
  g_assert (priv->operation == NULL);

  g_clear_object (&priv->interaction);
  g_clear_object (&priv->default_interaction);
  g_clear_object (&priv->http);

  G_OBJECT_CLASS (oidc_oauth2_auth_parent_class)->dispose (object);
}

static void
oidc_oauth2_auth_finalize (GObject *object)
{
  OidcOAuth2Auth *self = OIDC_OAUTH2_AUTH (object);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_free (priv->issuer);
  g_free (priv->client_id);
  g_free (priv->client_secret);
  g_strfreev (priv->scopes);
  g_free (priv->redirect_uri);
  g_free (priv->display_name);
  g_strfreev (priv->authorization_params);
  g_free (priv->post_logout_redirect_uri);
  g_clear_error (&priv->configuration_error);
  g_clear_pointer (&priv->metadata, oidc_provider_metadata_free);
  g_clear_pointer (&priv->jwks, oidc_jwks_unref);
  g_clear_pointer (&priv->session, oidc_session_free);

  G_OBJECT_CLASS (oidc_oauth2_auth_parent_class)->finalize (object);
}

static void
oidc_oauth2_auth_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OidcOAuth2Auth *self = OIDC_OAUTH2_AUTH (object);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ISSUER:
      g_value_set_string (value, priv->issuer);
      break;

    case PROP_CLIENT_ID:
      g_value_set_string (value, priv->client_id);
      break;

    case PROP_CLIENT_SECRET:
      g_value_set_string (value, priv->client_secret);
      break;

    case PROP_SCOPES:
      g_value_set_boxed (value, priv->scopes);
      break;

    case PROP_REDIRECT_URI:
      g_value_set_string (value, priv->redirect_uri);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, priv->display_name);
      break;

    case PROP_INTERACTION:
      g_value_set_object (value, priv->interaction);
      break;

    case PROP_SIGN_IN_METHOD:
      g_value_set_enum (value, priv->sign_in_method);
      break;

    case PROP_REFRESH_MARGIN:
      g_value_set_uint (value, priv->refresh_margin);
      break;

    case PROP_CLOCK_LEEWAY:
      g_value_set_uint (value, priv->clock_leeway);
      break;

    case PROP_REMEMBER_SESSION:
      g_value_set_boolean (value, priv->remember_session);
      break;

    case PROP_POST_LOGOUT_REDIRECT_URI:
      g_value_set_string (value, priv->post_logout_redirect_uri);
      break;

    case PROP_END_SESSION_IN_BROWSER:
      g_value_set_boolean (value, priv->end_session_in_browser);
      break;

    case PROP_SIGNED_IN:
      g_value_set_boolean (value, priv->session != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oidc_oauth2_auth_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  OidcOAuth2Auth *self = OIDC_OAUTH2_AUTH (object);
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ISSUER:
      priv->issuer = g_value_dup_string (value);
      break;

    case PROP_CLIENT_ID:
      priv->client_id = g_value_dup_string (value);
      break;

    case PROP_CLIENT_SECRET:
      priv->client_secret = g_value_dup_string (value);
      break;

    case PROP_SCOPES:
      oidc_oauth2_auth_set_scopes (self, g_value_get_boxed (value));
      break;

    case PROP_REDIRECT_URI:
      oidc_oauth2_auth_set_redirect_uri (self, g_value_get_string (value));
      break;

    case PROP_DISPLAY_NAME:
      oidc_oauth2_auth_set_display_name (self, g_value_get_string (value));
      break;

    case PROP_INTERACTION:
      oidc_oauth2_auth_set_interaction (self, g_value_get_object (value));
      break;

    case PROP_SIGN_IN_METHOD:
      oidc_oauth2_auth_set_sign_in_method (self, g_value_get_enum (value));
      break;

    case PROP_REFRESH_MARGIN:
      oidc_oauth2_auth_set_refresh_margin (self, g_value_get_uint (value));
      break;

    case PROP_CLOCK_LEEWAY:
      oidc_oauth2_auth_set_clock_leeway (self, g_value_get_uint (value));
      break;

    case PROP_REMEMBER_SESSION:
      oidc_oauth2_auth_set_remember_session (self, g_value_get_boolean (value));
      break;

    case PROP_POST_LOGOUT_REDIRECT_URI:
      oidc_oauth2_auth_set_post_logout_redirect_uri (self, g_value_get_string (value));
      break;

    case PROP_END_SESSION_IN_BROWSER:
      oidc_oauth2_auth_set_end_session_in_browser (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oidc_oauth2_auth_class_init (OidcOAuth2AuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = oidc_oauth2_auth_constructed;
  object_class->dispose = oidc_oauth2_auth_dispose;
  object_class->finalize = oidc_oauth2_auth_finalize;
  object_class->get_property = oidc_oauth2_auth_get_property;
  object_class->set_property = oidc_oauth2_auth_set_property;

  /**
   * OidcOAuth2Auth:issuer:
   *
   * The provider's issuer URL, exactly as its discovery document names it.
   */
  properties[PROP_ISSUER] =
    g_param_spec_string ("issuer", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:client-id:
   *
   * The client ID the provider registered for the application.
   */
  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:client-secret:
   *
   * The client secret, for providers that give desktop clients one. Such a secret ships with
   * the application and is not confidential.
   */
  properties[PROP_CLIENT_SECRET] =
    g_param_spec_string ("client-secret", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:scopes:
   *
   * The scopes to ask for; "openid" is always added.
   */
  properties[PROP_SCOPES] =
    g_param_spec_boxed ("scopes", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:redirect-uri:
   *
   * The redirect URI registered with the provider.
   */
  properties[PROP_REDIRECT_URI] =
    g_param_spec_string ("redirect-uri", NULL, NULL,
                         DEFAULT_REDIRECT_URI,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:display-name:
   *
   * The provider's name as the sign-in dialog shows it; the issuer's host by default.
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:interaction:
   *
   * What shows the provider's sign-in page; the library's own dialogs when unset.
   */
  properties[PROP_INTERACTION] =
    g_param_spec_object ("interaction", NULL, NULL,
                         OIDC_TYPE_INTERACTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:sign-in-method:
   *
   * Where the library's own interaction shows the sign-in page.
   */
  properties[PROP_SIGN_IN_METHOD] =
    g_param_spec_enum ("sign-in-method", NULL, NULL,
                       OIDC_TYPE_SIGN_IN_METHOD,
                       OIDC_SIGN_IN_METHOD_AUTOMATIC,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:refresh-margin:
   *
   * How many seconds before expiry a session is refreshed; never more than half a token's
   * lifetime.
   */
  properties[PROP_REFRESH_MARGIN] =
    g_param_spec_uint ("refresh-margin", NULL, NULL,
                       0, 24 * 60 * 60, DEFAULT_REFRESH_MARGIN,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:clock-leeway:
   *
   * How many seconds the clocks of this computer and the provider may disagree by.
   */
  properties[PROP_CLOCK_LEEWAY] =
    g_param_spec_uint ("clock-leeway", NULL, NULL,
                       0, 60 * 60, DEFAULT_CLOCK_LEEWAY,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:remember-session:
   *
   * Whether the session is kept in the user's keyring, to be resumed by the next run without
   * asking the user. Only the refresh token and what resuming needs are kept; ID and access
   * tokens never leave memory. When %FALSE, nothing touches the keyring, not even a logout.
   * Set it before the first request for a token.
   */
  properties[PROP_REMEMBER_SESSION] =
    g_param_spec_boolean ("remember-session", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:post-logout-redirect-uri:
   *
   * Where the provider sends the browser after ending its session at a logout; it must be
   * registered with the provider. %NULL leaves it out, and the provider shows a page of its
   * own.
   */
  properties[PROP_POST_LOGOUT_REDIRECT_URI] =
    g_param_spec_string ("post-logout-redirect-uri", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcOAuth2Auth:end-session-in-browser:
   *
   * Whether a logout opens the provider's end-session page in the system browser when the
   * user signed in there (see [property@OAuth2Auth:sign-in-method]). Without it the
   * provider's session in the system browser is left alone; a session in the embedded browser
   * is always ended, without showing a window.
   */
  properties[PROP_END_SESSION_IN_BROWSER] =
    g_param_spec_boolean ("end-session-in-browser", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_SIGNED_IN, "signed-in");
}

static void
oidc_oauth2_auth_init (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  priv->redirect_uri = g_strdup (DEFAULT_REDIRECT_URI);
  priv->refresh_margin = DEFAULT_REFRESH_MARGIN;
  priv->clock_leeway = DEFAULT_CLOCK_LEEWAY;
  priv->http_timeout = DEFAULT_HTTP_TIMEOUT;
  priv->offline_access_scope = TRUE;
  priv->remember_session = TRUE;
  priv->http = oidc_http_session_new ();
}

/**
 * oidc_oauth2_auth_new:
 * @issuer: the provider's issuer URL
 * @client_id: the client ID registered with the provider
 *
 * Creates sign-in with any OpenID Connect provider, found by discovery at @issuer.
 *
 * Returns: (transfer full): a new provider
 */
OidcOAuth2Auth *
oidc_oauth2_auth_new (const char *issuer,
                      const char *client_id)
{
  g_return_val_if_fail (issuer != NULL, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);

  return g_object_new (OIDC_TYPE_OAUTH2_AUTH,
                       "issuer", issuer,
                       "client-id", client_id,
                       NULL);
}

/**
 * oidc_oauth2_auth_get_issuer:
 * @self: a provider
 *
 * Gets the issuer URL.
 *
 * Returns: the issuer
 */
const char *
oidc_oauth2_auth_get_issuer (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return priv->issuer;
}

/**
 * oidc_oauth2_auth_get_client_id:
 * @self: a provider
 *
 * Gets the client ID.
 *
 * Returns: the client ID
 */
const char *
oidc_oauth2_auth_get_client_id (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return priv->client_id;
}

/**
 * oidc_oauth2_auth_get_client_secret:
 * @self: a provider
 *
 * Gets the client secret.
 *
 * Returns: (nullable): the client secret
 */
const char *
oidc_oauth2_auth_get_client_secret (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return priv->client_secret;
}

/**
 * oidc_oauth2_auth_get_scopes:
 * @self: a provider
 *
 * Gets the scopes to ask for.
 *
 * Returns: (array zero-terminated=1) (transfer none) (nullable): the scopes
 */
const char * const *
oidc_oauth2_auth_get_scopes (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return (const char * const *) priv->scopes;
}

/**
 * oidc_oauth2_auth_set_scopes:
 * @self: a provider
 * @scopes: (array zero-terminated=1) (nullable): the scopes
 *
 * Sets the scopes to ask for at the next sign-in.
 */
void
oidc_oauth2_auth_set_scopes (OidcOAuth2Auth     *self,
                             const char * const *scopes)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  if (priv->scopes == NULL && scopes == NULL)
    return;
  if (priv->scopes != NULL && scopes != NULL &&
      g_strv_equal ((const char * const *) priv->scopes, scopes))
    return;

  g_strfreev (priv->scopes);
  priv->scopes = g_strdupv ((char **) scopes);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCOPES]);
}

/**
 * oidc_oauth2_auth_get_redirect_uri:
 * @self: a provider
 *
 * Gets the redirect URI registered with the provider.
 *
 * Returns: the redirect URI
 */
const char *
oidc_oauth2_auth_get_redirect_uri (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return priv->redirect_uri;
}

/**
 * oidc_oauth2_auth_set_redirect_uri:
 * @self: a provider
 * @redirect_uri: (nullable): the redirect URI, or %NULL for the default
 *
 * Sets the redirect URI registered with the provider.
 */
void
oidc_oauth2_auth_set_redirect_uri (OidcOAuth2Auth *self,
                                   const char     *redirect_uri)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  if (redirect_uri == NULL)
    redirect_uri = DEFAULT_REDIRECT_URI;

  if (g_strcmp0 (priv->redirect_uri, redirect_uri) == 0)
    return;

  g_free (priv->redirect_uri);
  priv->redirect_uri = g_strdup (redirect_uri);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDIRECT_URI]);
}

/**
 * oidc_oauth2_auth_get_display_name:
 * @self: a provider
 *
 * Gets the provider's name as the sign-in dialog shows it.
 *
 * Returns: the name
 */
const char *
oidc_oauth2_auth_get_display_name (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return priv->display_name;
}

/**
 * oidc_oauth2_auth_set_display_name:
 * @self: a provider
 * @display_name: the name
 *
 * Sets the provider's name as the sign-in dialog shows it.
 */
void
oidc_oauth2_auth_set_display_name (OidcOAuth2Auth *self,
                                   const char     *display_name)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  if (display_name == NULL || g_strcmp0 (priv->display_name, display_name) == 0)
    return;

  g_free (priv->display_name);
  priv->display_name = g_strdup (display_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

/**
 * oidc_oauth2_auth_get_interaction:
 * @self: a provider
 *
 * Gets what shows the provider's sign-in page.
 *
 * Returns: (transfer none) (nullable): the interaction
 */
OidcInteraction *
oidc_oauth2_auth_get_interaction (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return priv->interaction;
}

/**
 * oidc_oauth2_auth_set_interaction:
 * @self: a provider
 * @interaction: (nullable): the interaction
 *
 * Sets what shows the provider's sign-in page.
 */
void
oidc_oauth2_auth_set_interaction (OidcOAuth2Auth  *self,
                                  OidcInteraction *interaction)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));
  g_return_if_fail (!interaction || OIDC_IS_INTERACTION (interaction));

  if (g_set_object (&priv->interaction, interaction))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERACTION]);
}

/**
 * oidc_oauth2_auth_get_sign_in_method:
 * @self: a provider
 *
 * Gets where the library's own interaction shows the sign-in page.
 *
 * Returns: the method
 */
OidcSignInMethod
oidc_oauth2_auth_get_sign_in_method (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), OIDC_SIGN_IN_METHOD_AUTOMATIC);

  return priv->sign_in_method;
}

/**
 * oidc_oauth2_auth_set_sign_in_method:
 * @self: a provider
 * @method: the method
 *
 * Sets where the library's own interaction shows the sign-in page.
 */
void
oidc_oauth2_auth_set_sign_in_method (OidcOAuth2Auth   *self,
                                     OidcSignInMethod  method)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  if (priv->sign_in_method == method)
    return;

  priv->sign_in_method = method;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_METHOD]);
}

/**
 * oidc_oauth2_auth_get_refresh_margin:
 * @self: a provider
 *
 * Gets how many seconds before expiry a session is refreshed.
 *
 * Returns: the margin in seconds
 */
guint
oidc_oauth2_auth_get_refresh_margin (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), 0);

  return priv->refresh_margin;
}

/**
 * oidc_oauth2_auth_set_refresh_margin:
 * @self: a provider
 * @seconds: the margin
 *
 * Sets how many seconds before expiry a session is refreshed. Half a token's lifetime caps it.
 */
void
oidc_oauth2_auth_set_refresh_margin (OidcOAuth2Auth *self,
                                     guint           seconds)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  if (priv->refresh_margin == seconds)
    return;

  priv->refresh_margin = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_MARGIN]);
}

/**
 * oidc_oauth2_auth_get_clock_leeway:
 * @self: a provider
 *
 * Gets the clock skew allowed when checking ID tokens.
 *
 * Returns: the leeway in seconds
 */
guint
oidc_oauth2_auth_get_clock_leeway (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), 0);

  return priv->clock_leeway;
}

/**
 * oidc_oauth2_auth_set_clock_leeway:
 * @self: a provider
 * @seconds: the leeway
 *
 * Sets the clock skew allowed when checking ID tokens.
 */
void
oidc_oauth2_auth_set_clock_leeway (OidcOAuth2Auth *self,
                                   guint           seconds)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  if (priv->clock_leeway == seconds)
    return;

  priv->clock_leeway = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_LEEWAY]);
}

/**
 * oidc_oauth2_auth_get_signed_in:
 * @self: a provider
 *
 * Tells whether a session exists, fresh or not. A session saved in the keyring by an earlier
 * run counts once it was resumed, which the first request for a token does.
 *
 * Returns: whether the user is signed in
 */
gboolean
oidc_oauth2_auth_get_signed_in (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), FALSE);

  return priv->session != NULL;
}

/**
 * oidc_oauth2_auth_get_remember_session:
 * @self: a provider
 *
 * Tells whether the session is kept in the user's keyring across restarts.
 *
 * Returns: whether the session is remembered
 */
gboolean
oidc_oauth2_auth_get_remember_session (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), FALSE);

  return priv->remember_session;
}

/**
 * oidc_oauth2_auth_set_remember_session:
 * @self: a provider
 * @remember: whether to keep the session in the keyring
 *
 * Sets whether the session is kept in the user's keyring across restarts.
 */
void
oidc_oauth2_auth_set_remember_session (OidcOAuth2Auth *self,
                                       gboolean        remember)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  remember = !!remember;
  if (priv->remember_session == remember)
    return;

  priv->remember_session = remember;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEMBER_SESSION]);
}

/**
 * oidc_oauth2_auth_get_post_logout_redirect_uri:
 * @self: a provider
 *
 * Gets where the provider sends the browser after ending its session at logout.
 *
 * Returns: (nullable): the post-logout redirect URI
 */
const char *
oidc_oauth2_auth_get_post_logout_redirect_uri (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return priv->post_logout_redirect_uri;
}

/**
 * oidc_oauth2_auth_set_post_logout_redirect_uri:
 * @self: a provider
 * @uri: (nullable): a post-logout redirect URI registered with the provider
 *
 * Sets where the provider sends the browser after ending its session at logout.
 */
void
oidc_oauth2_auth_set_post_logout_redirect_uri (OidcOAuth2Auth *self,
                                               const char     *uri)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  if (g_strcmp0 (priv->post_logout_redirect_uri, uri) == 0)
    return;

  g_free (priv->post_logout_redirect_uri);
  priv->post_logout_redirect_uri = g_strdup (uri);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POST_LOGOUT_REDIRECT_URI]);
}

/**
 * oidc_oauth2_auth_get_end_session_in_browser:
 * @self: a provider
 *
 * Tells whether a logout ends the provider's session in the system browser, for providers
 * signed in to there.
 *
 * Returns: whether the end-session page opens in the browser
 */
gboolean
oidc_oauth2_auth_get_end_session_in_browser (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), FALSE);

  return priv->end_session_in_browser;
}

/**
 * oidc_oauth2_auth_set_end_session_in_browser:
 * @self: a provider
 * @in_browser: whether to open the end-session page in the browser
 *
 * Sets whether a logout ends the provider's session in the system browser, for providers
 * signed in to there.
 */
void
oidc_oauth2_auth_set_end_session_in_browser (OidcOAuth2Auth *self,
                                             gboolean        in_browser)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  in_browser = !!in_browser;
  if (priv->end_session_in_browser == in_browser)
    return;

  priv->end_session_in_browser = in_browser;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_SESSION_IN_BROWSER]);
}

/* Private API */

void
oidc_oauth2_auth_set_default_interaction_factory (OidcInteractionFactory factory)
{
  default_interaction_factory = factory;
}

void
oidc_oauth2_auth_set_browser_logout (OidcBrowserLogoutAsync  logout_async,
                                     OidcBrowserLogoutFinish logout_finish)
{
  browser_logout_async = logout_async;
  browser_logout_finish = logout_finish;
}

char *
oidc_oauth2_auth_dup_storage_id (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);
  g_autofree char *key = NULL;
  g_autofree char *digest = NULL;

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  key = g_strdup_printf ("%s\n%s", priv->issuer ? priv->issuer : "",
                         priv->client_id ? priv->client_id : "");
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);

  return g_strndup (digest, 32);
}

void
oidc_oauth2_auth_set_authorization_params (OidcOAuth2Auth     *self,
                                           const char * const *params)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));
  g_return_if_fail (params == NULL || g_strv_length ((char **) params) % 2 == 0);

  g_strfreev (priv->authorization_params);
  priv->authorization_params = g_strdupv ((char **) params);
}

void
oidc_oauth2_auth_set_offline_access_scope (OidcOAuth2Auth *self,
                                           gboolean        enabled)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  priv->offline_access_scope = !!enabled;
}

gboolean
oidc_oauth2_auth_get_forbids_embedded (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), FALSE);

  return priv->forbids_embedded;
}

void
oidc_oauth2_auth_set_forbids_embedded (OidcOAuth2Auth *self,
                                       gboolean        forbids)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  priv->forbids_embedded = !!forbids;
}

void
oidc_oauth2_auth_set_http_timeout (OidcOAuth2Auth *self,
                                   guint           seconds)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (self));

  priv->http_timeout = seconds;
}

char *
oidc_oauth2_auth_dup_refresh_token (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return priv->session ? g_strdup (priv->session->refresh_token) : NULL;
}

char *
oidc_oauth2_auth_dup_access_token (OidcOAuth2Auth *self)
{
  OidcOAuth2AuthPrivate *priv = oidc_oauth2_auth_get_instance_private (self);

  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (self), NULL);

  return priv->session ? g_strdup (priv->session->access_token) : NULL;
}
