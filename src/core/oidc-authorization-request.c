/* oidc-authorization-request.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-authorization-request-private.h"
#include "oidc-enum-types.h"
#include "oidc-error.h"

/**
 * OidcAuthorizationRequest:
 *
 * One authorization request of a sign-in, handed to an [iface@Interaction].
 *
 * The interaction shows the page at [method@AuthorizationRequest.dup_authorization_uri] and
 * finishes the request exactly once, with [method@AuthorizationRequest.complete] when the
 * provider redirects to [property@AuthorizationRequest:redirect-uri], or with
 * [method@AuthorizationRequest.fail]. The request is cancelled through
 * [method@AuthorizationRequest.get_cancellable] when no caller waits for it any more; the
 * interaction then closes what it showed.
 *
 * An interaction that listens on a loopback port may change the redirect URI with
 * [method@AuthorizationRequest.set_redirect_uri] before it reads the authorization URI; a new
 * attempt may change it again.
 */

struct _OidcAuthorizationRequest
{
  GObject               parent_instance;

  OidcAuthApi          *provider;
  char                 *provider_name;
  OidcAuthRequestFlags  flags;
  char                **scopes;
  char                 *authorization_endpoint;
  char                **params;
  char                 *redirect_uri;

  GTask                *task;
  GMainContext         *context;
  GCancellable         *cancellable;
  GCancellable         *outer_cancellable;
  gulong                outer_cancelled_id;
  gulong                cancelled_id;
  guint                 finished : 1;
};

G_DEFINE_FINAL_TYPE (OidcAuthorizationRequest, oidc_authorization_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROVIDER,
  PROP_PROVIDER_NAME,
  PROP_FLAGS,
  PROP_SCOPES,
  PROP_REDIRECT_URI,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
oidc_authorization_request_dispose (GObject *object)
{
  OidcAuthorizationRequest *self = OIDC_AUTHORIZATION_REQUEST (object);

  if (self->outer_cancelled_id != 0)
    g_cancellable_disconnect (self->outer_cancellable, self->outer_cancelled_id);
  self->outer_cancelled_id = 0;
  g_clear_object (&self->outer_cancellable);

  if (self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;

  g_clear_object (&self->task);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->provider);

  G_OBJECT_CLASS (oidc_authorization_request_parent_class)->dispose (object);
}

static void
oidc_authorization_request_finalize (GObject *object)
{
  OidcAuthorizationRequest *self = OIDC_AUTHORIZATION_REQUEST (object);

  g_free (self->provider_name);
  g_strfreev (self->scopes);
  g_free (self->authorization_endpoint);
  g_strfreev (self->params);
  g_free (self->redirect_uri);

  G_OBJECT_CLASS (oidc_authorization_request_parent_class)->finalize (object);
}

static void
oidc_authorization_request_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  OidcAuthorizationRequest *self = OIDC_AUTHORIZATION_REQUEST (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_object (value, self->provider);
      break;

    case PROP_PROVIDER_NAME:
      g_value_set_string (value, self->provider_name);
      break;

    case PROP_FLAGS:
      g_value_set_flags (value, self->flags);
      break;

    case PROP_SCOPES:
      g_value_set_boxed (value, self->scopes);
      break;

    case PROP_REDIRECT_URI:
      g_value_set_string (value, self->redirect_uri);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oidc_authorization_request_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  OidcAuthorizationRequest *self = OIDC_AUTHORIZATION_REQUEST (object);

  switch (prop_id)
    {
    case PROP_REDIRECT_URI:
      oidc_authorization_request_set_redirect_uri (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oidc_authorization_request_class_init (OidcAuthorizationRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = oidc_authorization_request_dispose;
  object_class->finalize = oidc_authorization_request_finalize;
  object_class->get_property = oidc_authorization_request_get_property;
  object_class->set_property = oidc_authorization_request_set_property;

  /**
   * OidcAuthorizationRequest:provider:
   *
   * The provider that asks the user to sign in.
   */
  properties[PROP_PROVIDER] =
    g_param_spec_object ("provider", NULL, NULL,
                         OIDC_TYPE_AUTH_API,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * OidcAuthorizationRequest:provider-name:
   *
   * The provider's name, as a person reads it.
   */
  properties[PROP_PROVIDER_NAME] =
    g_param_spec_string ("provider-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * OidcAuthorizationRequest:flags:
   *
   * The flags of the call that started the sign-in.
   */
  properties[PROP_FLAGS] =
    g_param_spec_flags ("flags", NULL, NULL,
                        OIDC_TYPE_AUTH_REQUEST_FLAGS,
                        OIDC_AUTH_REQUEST_NONE,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * OidcAuthorizationRequest:scopes:
   *
   * The scopes the sign-in asks for.
   */
  properties[PROP_SCOPES] =
    g_param_spec_boxed ("scopes", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * OidcAuthorizationRequest:redirect-uri:
   *
   * Where the provider sends the browser when the user has answered.
   */
  properties[PROP_REDIRECT_URI] =
    g_param_spec_string ("redirect-uri", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
oidc_authorization_request_init (OidcAuthorizationRequest *self)
{
  self->cancellable = g_cancellable_new ();
}

OidcAuthorizationRequest *
oidc_authorization_request_new (OidcAuthApi          *provider,
                                const char           *provider_name,
                                OidcAuthRequestFlags  flags,
                                const char * const   *scopes,
                                const char           *authorization_endpoint,
                                const char * const   *params,
                                const char           *redirect_uri)
{
  OidcAuthorizationRequest *self;

  g_return_val_if_fail (OIDC_IS_AUTH_API (provider), NULL);
  g_return_val_if_fail (authorization_endpoint != NULL, NULL);
  g_return_val_if_fail (params != NULL && g_strv_length ((char **) params) % 2 == 0, NULL);
  g_return_val_if_fail (redirect_uri != NULL, NULL);

  self = g_object_new (OIDC_TYPE_AUTHORIZATION_REQUEST, NULL);
  self->provider = g_object_ref (provider);
  self->provider_name = g_strdup (provider_name);
  self->flags = flags;
  self->scopes = g_strdupv ((char **) scopes);
  self->authorization_endpoint = g_strdup (authorization_endpoint);
  self->params = g_strdupv ((char **) params);
  self->redirect_uri = g_strdup (redirect_uri);

  return self;
}

/**
 * oidc_authorization_request_get_provider:
 * @self: a request
 *
 * Gets the provider that asks the user to sign in.
 *
 * Returns: (transfer none): the provider
 */
OidcAuthApi *
oidc_authorization_request_get_provider (OidcAuthorizationRequest *self)
{
  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), NULL);

  return self->provider;
}

/**
 * oidc_authorization_request_get_provider_name:
 * @self: a request
 *
 * Gets the provider's name, as a person reads it.
 *
 * Returns: the name
 */
const char *
oidc_authorization_request_get_provider_name (OidcAuthorizationRequest *self)
{
  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), NULL);

  return self->provider_name;
}

/**
 * oidc_authorization_request_get_flags:
 * @self: a request
 *
 * Gets the flags of the call that started the sign-in.
 *
 * Returns: the flags
 */
OidcAuthRequestFlags
oidc_authorization_request_get_flags (OidcAuthorizationRequest *self)
{
  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), OIDC_AUTH_REQUEST_NONE);

  return self->flags;
}

/**
 * oidc_authorization_request_get_scopes:
 * @self: a request
 *
 * Gets the scopes the sign-in asks for.
 *
 * Returns: (array zero-terminated=1) (transfer none): the scopes
 */
const char * const *
oidc_authorization_request_get_scopes (OidcAuthorizationRequest *self)
{
  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), NULL);

  return (const char * const *) self->scopes;
}

/**
 * oidc_authorization_request_get_cancellable:
 * @self: a request
 *
 * Gets the cancellable that is cancelled when nobody waits for the request any more.
 *
 * Returns: (transfer none): the cancellable
 */
GCancellable *
oidc_authorization_request_get_cancellable (OidcAuthorizationRequest *self)
{
  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), NULL);

  return self->cancellable;
}

/**
 * oidc_authorization_request_get_redirect_uri:
 * @self: a request
 *
 * Gets where the provider sends the browser when the user has answered.
 *
 * Returns: the redirect URI
 */
const char *
oidc_authorization_request_get_redirect_uri (OidcAuthorizationRequest *self)
{
  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), NULL);

  return self->redirect_uri;
}

/**
 * oidc_authorization_request_set_redirect_uri:
 * @self: a request
 * @uri: the redirect URI
 *
 * Changes the redirect URI, as a loopback listener does once it knows its port.
 *
 * The authorization URI read after the change carries the new redirect URI; the answer must
 * come to the redirect URI current when it arrives.
 */
void
oidc_authorization_request_set_redirect_uri (OidcAuthorizationRequest *self,
                                             const char               *uri)
{
  g_return_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (!self->finished);

  if (g_strcmp0 (self->redirect_uri, uri) == 0)
    return;

  g_free (self->redirect_uri);
  self->redirect_uri = g_strdup (uri);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDIRECT_URI]);
}

static void
append_query_param (GString    *query,
                    const char *name,
                    const char *value)
{
  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append_uri_escaped (query, name, NULL, FALSE);
  g_string_append_c (query, '=');
  g_string_append_uri_escaped (query, value, NULL, FALSE);
}

/**
 * oidc_authorization_request_dup_authorization_uri:
 * @self: a request
 *
 * Builds the URL of the provider's authorization page.
 *
 * Returns: (transfer full): the URL to show the user
 */
char *
oidc_authorization_request_dup_authorization_uri (OidcAuthorizationRequest *self)
{
  g_autoptr(GString) query = g_string_new (NULL);

  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), NULL);

  for (guint i = 0; self->params[i] != NULL; i += 2)
    append_query_param (query, self->params[i], self->params[i + 1]);
  append_query_param (query, "redirect_uri", self->redirect_uri);

  return g_strconcat (self->authorization_endpoint,
                      strchr (self->authorization_endpoint, '?') ? "&" : "?",
                      query->str,
                      NULL);
}

static gboolean
same_endpoint (GUri *a,
               GUri *b)
{
  return g_strcmp0 (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_strcmp0 (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b) &&
         g_strcmp0 (g_uri_get_path (a), g_uri_get_path (b)) == 0;
}

/**
 * oidc_authorization_request_is_redirect:
 * @self: a request
 * @uri: a URI the browser is about to load
 *
 * Tells whether @uri is the redirect that ends the request: the same scheme, host, port and
 * path as [property@AuthorizationRequest:redirect-uri]. A web view stops such a navigation and
 * hands the URI to [method@AuthorizationRequest.complete].
 *
 * Returns: whether @uri is the redirect
 */
gboolean
oidc_authorization_request_is_redirect (OidcAuthorizationRequest *self,
                                        const char               *uri)
{
  g_autoptr(GUri) expected = NULL;
  g_autoptr(GUri) actual = NULL;

  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);

  expected = g_uri_parse (self->redirect_uri, G_URI_FLAGS_ENCODED, NULL);
  actual = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);

  return expected != NULL && actual != NULL && same_endpoint (expected, actual);
}

static GTask *
take_task (OidcAuthorizationRequest *self)
{
  if (self->task == NULL || self->finished)
    {
      g_debug ("Ignoring a second answer to the authorization request of %s",
               self->provider_name);
      return NULL;
    }

  /* The task holds the request as its source object: letting go of it here breaks the
   * cycle. */
  self->finished = TRUE;
  return g_steal_pointer (&self->task);
}

static gboolean
return_cancelled (gpointer user_data)
{
  OidcAuthorizationRequest *self = user_data;
  g_autoptr(GTask) task = take_task (self);

  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The sign-in was cancelled");

  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  OidcAuthorizationRequest *self = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  /* Finishing here would run callbacks inside the cancellable's emission, where they could
   * not disconnect from it; the task reports the cancellation from its main context instead,
   * whether or not the interaction notices. */
  g_source_set_callback (source, return_cancelled, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[oidc] authorization request cancelled");
  g_source_attach (source, self->context);
}

static void
on_outer_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  OidcAuthorizationRequest *self = user_data;

  g_cancellable_cancel (self->cancellable);
}

void
oidc_authorization_request_run_async (OidcAuthorizationRequest *self,
                                      OidcInteraction          *interaction,
                                      GCancellable             *cancellable,
                                      GAsyncReadyCallback       callback,
                                      gpointer                  user_data)
{
  g_return_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self));
  g_return_if_fail (OIDC_IS_INTERACTION (interaction));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->task, oidc_authorization_request_run_async);
  self->context = g_main_context_ref_thread_default ();

  self->cancelled_id = g_cancellable_connect (self->cancellable, G_CALLBACK (on_cancelled),
                                              self, NULL);
  if (cancellable != NULL)
    {
      self->outer_cancellable = g_object_ref (cancellable);
      self->outer_cancelled_id = g_cancellable_connect (cancellable,
                                                        G_CALLBACK (on_outer_cancelled),
                                                        self, NULL);
    }

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  g_debug ("Showing the authorization page of %s", self->provider_name);
  oidc_interaction_authorize (interaction, self);
}

char *
oidc_authorization_request_run_finish (OidcAuthorizationRequest  *self,
                                       GAsyncResult              *result,
                                       GError                   **error)
{
  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oidc_authorization_request_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * oidc_authorization_request_complete:
 * @self: a request
 * @uri: the URL the provider redirected to, with its query
 *
 * Finishes the request with the provider's answer. The provider checks it: an error answer
 * (such as the user pressing "Cancel" on the provider's page) still ends up here.
 *
 * Only the first answer counts; later ones are ignored.
 */
void
oidc_authorization_request_complete (OidcAuthorizationRequest *self,
                                     const char               *uri)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self));
  g_return_if_fail (uri != NULL);

  if (!(task = take_task (self)))
    return;

  g_task_return_pointer (task, g_strdup (uri), g_free);
}

/**
 * oidc_authorization_request_fail:
 * @self: a request
 * @domain: an error domain, usually %OIDC_ERROR
 * @code: an error code, such as %OIDC_ERROR_WINDOW_CLOSED
 * @message: the error message
 *
 * Finishes the request with an error, such as the user closing the sign-in window.
 *
 * Only the first answer counts; later ones are ignored.
 */
void
oidc_authorization_request_fail (OidcAuthorizationRequest *self,
                                 GQuark                    domain,
                                 int                       code,
                                 const char               *message)
{
  g_return_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self));
  g_return_if_fail (message != NULL);

  oidc_authorization_request_return_error (self, g_error_new_literal (domain, code, message));
}

/**
 * oidc_authorization_request_return_error:
 * @self: a request
 * @error: (transfer full): the error
 *
 * Finishes the request with an error, taking ownership of it.
 *
 * Only the first answer counts; later ones are ignored.
 */
void
oidc_authorization_request_return_error (OidcAuthorizationRequest *self,
                                         GError                   *error)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self));
  g_return_if_fail (error != NULL);

  if (!(task = take_task (self)))
    {
      g_error_free (error);
      return;
    }

  g_task_return_error (task, error);
}

/**
 * oidc_authorization_request_is_finished:
 * @self: a request
 *
 * Tells whether the request has had its answer or was cancelled.
 *
 * Returns: whether an interaction can stop showing it
 */
gboolean
oidc_authorization_request_is_finished (OidcAuthorizationRequest *self)
{
  g_return_val_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (self), TRUE);

  return self->finished || g_cancellable_is_cancelled (self->cancellable);
}
