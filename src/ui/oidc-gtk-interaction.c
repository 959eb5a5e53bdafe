/* oidc-gtk-interaction.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-gtk-interaction-private.h"
#include "oidc-login-dialog-private.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-sign-in-methods-private.h"

/**
 * OidcGtkInteraction:
 *
 * The library's own way of asking the user to sign in, with GTK.
 *
 * A call with %OIDC_AUTH_REQUEST_INSTANT_POPUP opens the provider's sign-in page at once.
 * Any other call is queued in an [class@LoginDialog], transient for the application's active
 * window, where the user signs in or rejects the request.
 *
 * The sign-in page opens in an embedded web view, or in the system browser with a loopback
 * redirect (RFC 8252) for providers that forbid embedded views (Google) or whose
 * [property@OAuth2Auth:sign-in-method] says so.
 *
 * Every provider without an interaction of its own uses the default one.
 */

struct _OidcGtkInteraction
{
  GObject          parent_instance;

  GtkWindow       *parent;
  OidcLoginDialog *dialog;
  gboolean         owns_dialog;
};

static void oidc_gtk_interaction_iface_init (OidcInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OidcGtkInteraction, oidc_gtk_interaction, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OIDC_TYPE_INTERACTION,
                                                      oidc_gtk_interaction_iface_init))

enum {
  PROP_0,
  PROP_PARENT,
  PROP_DIALOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
wants_browser (OidcAuthorizationRequest *request)
{
  OidcAuthApi *provider = oidc_authorization_request_get_provider (request);
  OidcOAuth2Auth *auth;

  if (!OIDC_IS_OAUTH2_AUTH (provider))
    return FALSE;

  auth = OIDC_OAUTH2_AUTH (provider);
  switch (oidc_oauth2_auth_get_sign_in_method (auth))
    {
    case OIDC_SIGN_IN_METHOD_BROWSER:
      return TRUE;

    case OIDC_SIGN_IN_METHOD_EMBEDDED:
      return FALSE;

    case OIDC_SIGN_IN_METHOD_AUTOMATIC:
    default:
      return oidc_oauth2_auth_get_forbids_embedded (auth);
    }
}

static void
on_method_finished (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *redirected;

  if (g_task_get_task_data (task) != NULL)
    redirected = oidc_browser_sign_in_run_finish (result, &error);
  else
    redirected = oidc_sign_in_window_run_finish (result, &error);

  if (redirected == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, redirected, g_free);
}

void
oidc_gtk_sign_in_async (OidcAuthorizationRequest *request,
                        GtkWindow                *parent,
                        GCancellable             *cancellable,
                        GAsyncReadyCallback       callback,
                        gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  gboolean browser = wants_browser (request);

  g_task_set_source_tag (task, oidc_gtk_sign_in_async);
  g_task_set_task_data (task, GINT_TO_POINTER (browser), NULL);

  if (browser)
    oidc_browser_sign_in_run_async (request, parent, cancellable, on_method_finished,
                                    g_steal_pointer (&task));
  else
    oidc_sign_in_window_run_async (request, parent, cancellable, on_method_finished,
                                   g_steal_pointer (&task));
}

char *
oidc_gtk_sign_in_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GtkWindow *
find_parent (OidcGtkInteraction *self)
{
  GApplication *app;

  if (self->parent != NULL)
    return self->parent;

  app = g_application_get_default ();
  if (GTK_IS_APPLICATION (app))
    return gtk_application_get_active_window (GTK_APPLICATION (app));

  return NULL;
}

static void
on_instant_finished (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(OidcAuthorizationRequest) request = user_data;
  g_autofree char *redirected = NULL;
  g_autoptr(GError) error = NULL;

  redirected = oidc_gtk_sign_in_finish (result, &error);
  if (redirected != NULL)
    oidc_authorization_request_complete (request, redirected);
  else
    oidc_authorization_request_return_error (request, g_steal_pointer (&error));
}

static void
oidc_gtk_interaction_authorize (OidcInteraction          *interaction,
                                OidcAuthorizationRequest *request)
{
  OidcGtkInteraction *self = OIDC_GTK_INTERACTION (interaction);
  GtkWindow *parent = find_parent (self);

  /* The instant popup skips the queue: the call came from a user's action. */
  if (oidc_authorization_request_get_flags (request) & OIDC_AUTH_REQUEST_INSTANT_POPUP)
    {
      oidc_gtk_sign_in_async (request, parent,
                              oidc_authorization_request_get_cancellable (request),
                              on_instant_finished, g_object_ref (request));
      return;
    }

  if (self->dialog == NULL)
    {
      self->dialog = g_object_ref_sink (oidc_login_dialog_new ());
      self->owns_dialog = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIALOG]);
    }

  if (parent != NULL && parent != GTK_WINDOW (self->dialog))
    gtk_window_set_transient_for (GTK_WINDOW (self->dialog), parent);

  oidc_login_dialog_add_request (self->dialog, request);
}

static void
oidc_gtk_interaction_iface_init (OidcInteractionInterface *iface)
{
  iface->authorize = oidc_gtk_interaction_authorize;
}

static void
oidc_gtk_interaction_dispose (GObject *object)
{
  OidcGtkInteraction *self = OIDC_GTK_INTERACTION (object);

  g_clear_weak_pointer (&self->parent);

  /* A dialog the application gave us stays the application's. */
  if (self->dialog != NULL && self->owns_dialog)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  g_clear_object (&self->dialog);

  G_OBJECT_CLASS (oidc_gtk_interaction_parent_class)->dispose (object);
}

static void
oidc_gtk_interaction_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  OidcGtkInteraction *self = OIDC_GTK_INTERACTION (object);

  switch (prop_id)
    {
    case PROP_PARENT:
      g_value_set_object (value, self->parent);
      break;

    case PROP_DIALOG:
      g_value_set_object (value, self->dialog);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oidc_gtk_interaction_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  OidcGtkInteraction *self = OIDC_GTK_INTERACTION (object);

  switch (prop_id)
    {
    case PROP_PARENT:
      oidc_gtk_interaction_set_parent (self, g_value_get_object (value));
      break;

    case PROP_DIALOG:
      oidc_gtk_interaction_set_dialog (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
oidc_gtk_interaction_class_init (OidcGtkInteractionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = oidc_gtk_interaction_dispose;
  object_class->get_property = oidc_gtk_interaction_get_property;
  object_class->set_property = oidc_gtk_interaction_set_property;

  /**
   * OidcGtkInteraction:parent:
   *
   * The window sign-in windows are transient for; the application's active window when unset.
   */
  properties[PROP_PARENT] =
    g_param_spec_object ("parent", NULL, NULL,
                         GTK_TYPE_WINDOW,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * OidcGtkInteraction:dialog:
   *
   * The login dialog that queues requests; one of the library's own when unset.
   */
  properties[PROP_DIALOG] =
    g_param_spec_object ("dialog", NULL, NULL,
                         OIDC_TYPE_LOGIN_DIALOG,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
oidc_gtk_interaction_init (OidcGtkInteraction *self)
{
}

/**
 * oidc_gtk_interaction_get_default:
 *
 * Gets the interaction of every provider that was given none.
 *
 * Returns: (transfer none): the default interaction
 */
OidcGtkInteraction *
oidc_gtk_interaction_get_default (void)
{
  static OidcGtkInteraction *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, oidc_gtk_interaction_new ());

  return instance;
}

/**
 * oidc_gtk_interaction_new:
 *
 * Creates an interaction, for providers that need their own dialog or parent window.
 *
 * Returns: (transfer full): a new interaction
 */
OidcGtkInteraction *
oidc_gtk_interaction_new (void)
{
  return g_object_new (OIDC_TYPE_GTK_INTERACTION, NULL);
}

/**
 * oidc_gtk_interaction_get_parent:
 * @self: an interaction
 *
 * Gets the window sign-in windows are transient for.
 *
 * Returns: (transfer none) (nullable): the parent window
 */
GtkWindow *
oidc_gtk_interaction_get_parent (OidcGtkInteraction *self)
{
  g_return_val_if_fail (OIDC_IS_GTK_INTERACTION (self), NULL);

  return self->parent;
}

/**
 * oidc_gtk_interaction_set_parent:
 * @self: an interaction
 * @parent: (nullable): a window
 *
 * Sets the window sign-in windows are transient for.
 */
void
oidc_gtk_interaction_set_parent (OidcGtkInteraction *self,
                                 GtkWindow          *parent)
{
  g_return_if_fail (OIDC_IS_GTK_INTERACTION (self));
  g_return_if_fail (!parent || GTK_IS_WINDOW (parent));

  if (g_set_weak_pointer (&self->parent, parent))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARENT]);
}

/**
 * oidc_gtk_interaction_get_dialog:
 * @self: an interaction
 *
 * Gets the login dialog that queues requests.
 *
 * Returns: (transfer none) (nullable): the dialog
 */
OidcLoginDialog *
oidc_gtk_interaction_get_dialog (OidcGtkInteraction *self)
{
  g_return_val_if_fail (OIDC_IS_GTK_INTERACTION (self), NULL);

  return self->dialog;
}

/**
 * oidc_gtk_interaction_set_dialog:
 * @self: an interaction
 * @dialog: (nullable): a dialog the application created and placed
 *
 * Makes @dialog the one that queues requests.
 */
void
oidc_gtk_interaction_set_dialog (OidcGtkInteraction *self,
                                 OidcLoginDialog    *dialog)
{
  g_return_if_fail (OIDC_IS_GTK_INTERACTION (self));
  g_return_if_fail (!dialog || OIDC_IS_LOGIN_DIALOG (dialog));

  if (self->dialog == dialog)
    return;

  if (self->dialog != NULL && self->owns_dialog)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  g_clear_object (&self->dialog);
  self->owns_dialog = FALSE;
  if (dialog != NULL)
    self->dialog = g_object_ref_sink (dialog);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIALOG]);
}
