/* oidc-sign-in-window.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "oidc-error.h"
#include "oidc-sign-in-methods-private.h"
#include "oidc-sign-in-window-private.h"
#include "oidc-ui-private.h"
#include "oidc-web-data-private.h"

/*
 * OidcSignInWindow:
 *
 * A small window with a web view that shows a provider's authorization page, and above it the
 * host the page comes from and whether the connection is secure, so that a person can tell the
 * real provider from a look-alike.
 *
 * The view's only way out is the redirect URI: its navigation is stopped before anything is
 * loaded and the URL goes back to the caller. Plain HTTP is refused except to this computer. The
 * view has a web context of its own, so its web process ends when the window goes, and the
 * provider's network session from OidcWebData, so the provider can remember the user.
 */

struct _OidcSignInWindow
{
  GtkWindow                 parent_instance;

  OidcAuthorizationRequest *request;
  WebKitWebView            *web_view;
  GTask                    *task;
  GSource                  *cancelled_source;
  char                     *blocked_uri;
  char                     *committed_host;
  OidcConnectionSecurity    security;

  /* What the window finishes with, once it has gone. */
  char                     *result_uri;
  GError                   *result_error;
  guint                     finish_id;

  /* Template widgets */
  GtkLabel                 *title_label;
  GtkBox                   *location_box;
  GtkImage                 *security_image;
  GtkLabel                 *security_label;
  GtkLabel                 *host_label;
  GtkRevealer              *blocked_revealer;
  GtkLabel                 *blocked_label;
  GtkOverlay               *overlay;
  GtkProgressBar           *progress_bar;
};

G_DEFINE_FINAL_TYPE (OidcSignInWindow, oidc_sign_in_window, GTK_TYPE_WINDOW)

static void
tear_down_web_view (OidcSignInWindow *self)
{
  if (self->cancelled_source != NULL)
    g_source_destroy (self->cancelled_source);
  g_clear_pointer (&self->cancelled_source, g_source_unref);

  if (self->web_view == NULL)
    return;

  /* Ours is the last reference once the overlay lets go: the view, its web context and its web
   * process go now rather than whenever the window is finalized. */
  g_signal_handlers_disconnect_by_data (self->web_view, self);
  gtk_overlay_set_child (self->overlay, NULL);
  g_clear_object (&self->web_view);
}

static void
return_result (OidcSignInWindow *self,
               GTask            *task)
{
  if (self->result_uri != NULL)
    g_task_return_pointer (task, g_steal_pointer (&self->result_uri), g_free);
  else if (self->result_error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->result_error));
  else
    g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED, "%s",
                             _("Sign-in failed: the sign-in window was closed"));
}

static gboolean
on_finish_idle (gpointer user_data)
{
  OidcSignInWindow *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  self->finish_id = 0;

  /* Everything goes before the caller hears of it: the caller may open the next window. */
  tear_down_web_view (self);
  gtk_window_destroy (GTK_WINDOW (self));

  return_result (self, task);

  return G_SOURCE_REMOVE;
}

/* Ends the sign-in with @uri or @error (both taken). The window hides at once and goes from the
 * main loop, outside the signal emission of the web view that led here. */
static void
oidc_sign_in_window_finish (OidcSignInWindow *self,
                            char             *uri,
                            GError           *error)
{
  if (self->task == NULL || self->finish_id != 0)
    {
      g_free (uri);
      g_clear_error (&error);
      return;
    }

  self->result_uri = uri;
  self->result_error = error;

  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  self->finish_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, on_finish_idle,
                                     g_object_ref (self), g_object_unref);
}

/* The location */

static char *
dup_display_host (GUri *uri)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);
  int default_port = -1;
  g_autofree char *bracketed = NULL;

  if (host == NULL || *host == '\0')
    return NULL;

  /* The host as the URL has it: an internationalized name stays in its ASCII form, so that a
   * look-alike of the provider's name shows as the different name it is. */
  if (strchr (host, ':') != NULL)
    host = bracketed = g_strdup_printf ("[%s]", host);

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    default_port = 443;
  else if (g_ascii_strcasecmp (scheme, "http") == 0)
    default_port = 80;

  if (port == -1 || port == default_port)
    return g_strdup (host);

  return g_strdup_printf ("%s:%d", host, port);
}

static void
show_security (OidcSignInWindow       *self,
               OidcConnectionSecurity  security)
{
  const char *host = gtk_label_get_text (self->host_label);
  g_autofree char *tooltip = NULL;
  const char *image_label = NULL;

  self->security = security;

  gtk_widget_remove_css_class (GTK_WIDGET (self->security_image), "oidc-not-secure");

  switch (security)
    {
    case OIDC_CONNECTION_SECURE:
      gtk_image_set_from_icon_name (self->security_image, "channel-secure-symbolic");
      gtk_widget_set_visible (GTK_WIDGET (self->security_image), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->security_label), FALSE);
      image_label = _("Secure connection");
      /* Translators: %s is a host name, like accounts.example.com */
      tooltip = g_strdup_printf (_("Your connection to %s is secure"), host);
      break;

    case OIDC_CONNECTION_NOT_SECURE:
      gtk_image_set_from_icon_name (self->security_image, "channel-insecure-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->security_image), "oidc-not-secure");
      gtk_widget_set_visible (GTK_WIDGET (self->security_image), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->security_label), TRUE);
      /* Translators: %s is a host name, like accounts.example.com */
      tooltip = g_strdup_printf (_("Your connection to %s is not encrypted"), host);
      break;

    case OIDC_CONNECTION_UNKNOWN:
    default:
      gtk_widget_set_visible (GTK_WIDGET (self->security_image), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->security_label), FALSE);
      break;
    }

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->location_box), tooltip);

  /* The lock says "secure" to those who see it; say it to a screen reader too. (Not secure is
   * written out beside it.) */
  if (image_label != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->security_image),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, image_label,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->security_image),
                                   GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/* Shows the host of @uri, the page being loaded or shown. */
static void
show_location (OidcSignInWindow *self,
               const char       *uri)
{
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *host = NULL;

  if (uri != NULL)
    parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  if (parsed != NULL)
    host = dup_display_host (parsed);

  gtk_label_set_text (self->host_label, host ? host : "");
  gtk_widget_set_visible (GTK_WIDGET (self->location_box), host != NULL);

  /* Plain HTTP is never secure; HTTPS is once the page from this host has committed with a
   * valid certificate. Until then, say nothing rather than something wrong. */
  if (host == NULL)
    show_security (self, OIDC_CONNECTION_UNKNOWN);
  else if (g_ascii_strcasecmp (g_uri_get_scheme (parsed), "http") == 0)
    show_security (self, OIDC_CONNECTION_NOT_SECURE);
  else if (g_strcmp0 (host, self->committed_host) != 0)
    show_security (self, OIDC_CONNECTION_UNKNOWN);
  else
    show_security (self, self->security);
}

static void
on_uri_changed (WebKitWebView    *view,
                GParamSpec       *pspec,
                OidcSignInWindow *self)
{
  show_location (self, webkit_web_view_get_uri (view));
}

static void
on_progress_changed (WebKitWebView    *view,
                     GParamSpec       *pspec,
                     OidcSignInWindow *self)
{
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 webkit_web_view_get_estimated_load_progress (view));
}

static void
on_load_changed (WebKitWebView    *view,
                 WebKitLoadEvent   event,
                 OidcSignInWindow *self)
{
  const char *uri = webkit_web_view_get_uri (view);
  g_autoptr(GUri) parsed = NULL;
  GTlsCertificate *certificate = NULL;
  GTlsCertificateFlags errors = 0;

  switch (event)
    {
    case WEBKIT_LOAD_STARTED:
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
      break;

    case WEBKIT_LOAD_COMMITTED:
      parsed = uri ? g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL) : NULL;
      g_free (self->committed_host);
      self->committed_host = parsed ? dup_display_host (parsed) : NULL;
      show_location (self, uri);

      if (parsed == NULL || self->committed_host == NULL)
        show_security (self, OIDC_CONNECTION_UNKNOWN);
      else if (g_ascii_strcasecmp (g_uri_get_scheme (parsed), "https") == 0 &&
               webkit_web_view_get_tls_info (view, &certificate, &errors) &&
               certificate != NULL && errors == 0)
        show_security (self, OIDC_CONNECTION_SECURE);
      else
        show_security (self, OIDC_CONNECTION_NOT_SECURE);
      break;

    case WEBKIT_LOAD_FINISHED:
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
      break;

    case WEBKIT_LOAD_REDIRECTED:
    default:
      break;
    }
}

/* Navigation */

static void
show_blocked (OidcSignInWindow *self,
              const char       *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *host = parsed ? dup_display_host (parsed) : NULL;
  g_autofree char *text = NULL;

  g_free (self->blocked_uri);
  self->blocked_uri = g_strdup (uri);

  if (host != NULL)
    /* Translators: %s is a host name, like accounts.example.com */
    text = g_strdup_printf (_("Blocked a page from %s: its connection is not secure. "
                              "Sign-in pages must use HTTPS."), host);
  else
    text = g_strdup (_("Blocked a page that is not secure. Sign-in pages must use HTTPS."));

  gtk_label_set_text (self->blocked_label, text);
  gtk_revealer_set_reveal_child (self->blocked_revealer, TRUE);
}

static void
open_in_browser (OidcSignInWindow *self,
                 const char       *uri)
{
  /* FIXME: gtk_show_uri() is deprecated from GTK 4.10 for GtkUriLauncher; switch when the
   * library requires GTK 4.10. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static gboolean
decide_navigation (OidcSignInWindow               *self,
                   WebKitNavigationPolicyDecision *decision,
                   gboolean                        new_window)
{
  WebKitNavigationAction *action;
  const char *uri;

  action = webkit_navigation_policy_decision_get_navigation_action (decision);
  uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));

  /* The provider's answer: it goes to the caller and is never loaded, whether it comes as a
   * link, a form, a script or a server redirect, and whatever its scheme. */
  if (oidc_authorization_request_is_redirect (self->request, uri))
    {
      g_debug ("Intercepted the redirect of the sign-in to %s",
               oidc_authorization_request_get_provider_name (self->request));
      webkit_policy_decision_ignore (WEBKIT_POLICY_DECISION (decision));
      oidc_sign_in_window_finish (self, g_strdup (uri), NULL);
      return TRUE;
    }

  if (!oidc_web_data_uri_is_allowed (uri))
    {
      g_debug ("Refused a page that is not secure in the sign-in to %s",
               oidc_authorization_request_get_provider_name (self->request));
      webkit_policy_decision_ignore (WEBKIT_POLICY_DECISION (decision));
      show_blocked (self, uri);
      return TRUE;
    }

  /* The window holds one page. A link the person opens in a new window (a privacy policy, a
   * help page) goes to their browser; a pop-up a script opens goes nowhere. */
  if (new_window)
    {
      if (webkit_navigation_action_is_user_gesture (action) &&
          g_str_has_prefix (uri, "https://"))
        open_in_browser (self, uri);
      webkit_policy_decision_ignore (WEBKIT_POLICY_DECISION (decision));
      return TRUE;
    }

  return FALSE;
}

static gboolean
on_decide_policy (WebKitWebView            *view,
                  WebKitPolicyDecision     *decision,
                  WebKitPolicyDecisionType  type,
                  OidcSignInWindow         *self)
{
  if (self->finish_id != 0)
    {
      webkit_policy_decision_ignore (decision);
      return TRUE;
    }

  switch (type)
    {
    case WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION:
      return decide_navigation (self, WEBKIT_NAVIGATION_POLICY_DECISION (decision), FALSE);

    case WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION:
      return decide_navigation (self, WEBKIT_NAVIGATION_POLICY_DECISION (decision), TRUE);

    case WEBKIT_POLICY_DECISION_TYPE_RESPONSE:
      /* What the view cannot show would be downloaded: a sign-in has nothing to download. */
      if (webkit_response_policy_decision_is_mime_type_supported (
            WEBKIT_RESPONSE_POLICY_DECISION (decision)))
        return FALSE;
      webkit_policy_decision_ignore (decision);
      return TRUE;

    default:
      return FALSE;
    }
}

static gboolean
on_load_failed (WebKitWebView    *view,
                WebKitLoadEvent   event,
                const char       *failing_uri,
                GError           *error,
                OidcSignInWindow *self)
{
  /* A navigation the policy stopped (the redirect, a refused page) fails this way; nothing to
   * show for it. Any other failure gets WebKit's error page. */
  return g_error_matches (error, WEBKIT_POLICY_ERROR,
                          WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE);
}

static void
on_web_process_terminated (WebKitWebView                     *view,
                           WebKitWebProcessTerminationReason  reason,
                           OidcSignInWindow                  *self)
{
  g_debug ("The web process of the sign-in window stopped (reason %d)", reason);
  oidc_sign_in_window_finish (self, NULL,
                              g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                   _("Sign-in failed: the sign-in page stopped "
                                                     "unexpectedly. Try again.")));
}

static void
on_web_view_close (WebKitWebView    *view,
                   OidcSignInWindow *self)
{
  /* The page called window.close(): as if the person closed the window. */
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  OidcSignInWindow *self = user_data;

  g_clear_pointer (&self->cancelled_source, g_source_unref);
  oidc_sign_in_window_finish (self, NULL,
                              g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                   _("The sign-in was cancelled")));

  return G_SOURCE_REMOVE;
}

/* GtkWindow */

static gboolean
oidc_sign_in_window_close_request (GtkWindow *window)
{
  OidcSignInWindow *self = OIDC_SIGN_IN_WINDOW (window);

  if (self->task == NULL)
    return GTK_WINDOW_CLASS (oidc_sign_in_window_parent_class)->close_request (window);

  oidc_sign_in_window_finish (self, NULL,
                              g_error_new_literal (OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED,
                                                   _("Sign-in failed: the sign-in window was "
                                                     "closed")));

  /* oidc_sign_in_window_finish() destroys the window. */
  return TRUE;
}

static void
dismiss_banner (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  OidcSignInWindow *self = OIDC_SIGN_IN_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->blocked_revealer, FALSE);
}

static void
oidc_sign_in_window_dispose (GObject *object)
{
  OidcSignInWindow *self = OIDC_SIGN_IN_WINDOW (object);

  tear_down_web_view (self);

  /* Destroyed from outside, with its parent for one: the caller still hears of it. */
  if (self->task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->task);

      g_clear_handle_id (&self->finish_id, g_source_remove);
      return_result (self, task);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), OIDC_TYPE_SIGN_IN_WINDOW);
  g_clear_object (&self->request);

  G_OBJECT_CLASS (oidc_sign_in_window_parent_class)->dispose (object);
}

static void
oidc_sign_in_window_finalize (GObject *object)
{
  OidcSignInWindow *self = OIDC_SIGN_IN_WINDOW (object);

  g_free (self->blocked_uri);
  g_free (self->committed_host);
  g_free (self->result_uri);
  g_clear_error (&self->result_error);

  G_OBJECT_CLASS (oidc_sign_in_window_parent_class)->finalize (object);
}

static void
oidc_sign_in_window_class_init (OidcSignInWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = oidc_sign_in_window_dispose;
  object_class->finalize = oidc_sign_in_window_finalize;

  window_class->close_request = oidc_sign_in_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stagedoor/oidc/"
                                               "oidc-sign-in-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OidcSignInWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, OidcSignInWindow, location_box);
  gtk_widget_class_bind_template_child (widget_class, OidcSignInWindow, security_image);
  gtk_widget_class_bind_template_child (widget_class, OidcSignInWindow, security_label);
  gtk_widget_class_bind_template_child (widget_class, OidcSignInWindow, host_label);
  gtk_widget_class_bind_template_child (widget_class, OidcSignInWindow, blocked_revealer);
  gtk_widget_class_bind_template_child (widget_class, OidcSignInWindow, blocked_label);
  gtk_widget_class_bind_template_child (widget_class, OidcSignInWindow, overlay);
  gtk_widget_class_bind_template_child (widget_class, OidcSignInWindow, progress_bar);

  gtk_widget_class_install_action (widget_class, "sign-in.dismiss-banner", NULL, dismiss_banner);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
oidc_sign_in_window_init (OidcSignInWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  oidc_ui_ensure_style (gtk_widget_get_display (GTK_WIDGET (self)));
}

static void
oidc_sign_in_window_start (OidcSignInWindow         *self,
                           OidcAuthorizationRequest *request,
                           GtkWindow                *parent,
                           GTask                    *task)
{
  OidcWebData *web_data = oidc_web_data_get_default ();
  WebKitNetworkSession *session;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *title = NULL;
  g_autofree char *uri = NULL;

  self->request = g_object_ref (request);
  self->task = g_object_ref (task);

  if (oidc_authorization_request_get_provider_name (request) != NULL)
    /* Translators: %s is the name of an identity provider, like Google or Example ID */
    title = g_strdup_printf (_("Sign in to %s"),
                             oidc_authorization_request_get_provider_name (request));
  else
    title = g_strdup (_("Sign In"));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (self->title_label, title);

  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_modal (GTK_WINDOW (self), TRUE);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
    }

  session = oidc_web_data_get_session_for (web_data,
                                           oidc_authorization_request_get_provider (request));
  self->web_view = oidc_web_data_create_web_view (session);
  gtk_widget_set_vexpand (GTK_WIDGET (self->web_view), TRUE);
  gtk_overlay_set_child (self->overlay, GTK_WIDGET (self->web_view));

  g_signal_connect_object (self->web_view, "decide-policy",
                           G_CALLBACK (on_decide_policy), self, 0);
  g_signal_connect_object (self->web_view, "load-changed",
                           G_CALLBACK (on_load_changed), self, 0);
  g_signal_connect_object (self->web_view, "load-failed",
                           G_CALLBACK (on_load_failed), self, 0);
  g_signal_connect_object (self->web_view, "notify::uri",
                           G_CALLBACK (on_uri_changed), self, 0);
  g_signal_connect_object (self->web_view, "notify::estimated-load-progress",
                           G_CALLBACK (on_progress_changed), self, 0);
  g_signal_connect_object (self->web_view, "web-process-terminated",
                           G_CALLBACK (on_web_process_terminated), self, 0);
  g_signal_connect_object (self->web_view, "close",
                           G_CALLBACK (on_web_view_close), self, 0);

  /* A source rather than a handler: it runs from the main loop, where the window can go. */
  if (cancellable != NULL)
    {
      self->cancelled_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancelled_source, G_SOURCE_FUNC (on_cancelled), self, NULL);
      g_source_set_static_name (self->cancelled_source, "[oidc] sign-in window cancelled");
      g_source_attach (self->cancelled_source, g_task_get_context (task));
    }

  uri = oidc_authorization_request_dup_authorization_uri (request);
  g_debug ("Opening the sign-in window of %s",
           oidc_authorization_request_get_provider_name (request));
  show_location (self, uri);
  webkit_web_view_load_uri (self->web_view, uri);

  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->web_view));
}

/**
 * oidc_sign_in_window_run_async:
 * @request: the authorization request to show
 * @parent: (nullable): the window the sign-in window is transient for
 * @cancellable: (nullable): a #GCancellable; cancelling it closes the window
 * @callback: called when the window has gone
 * @user_data: data for @callback
 *
 * Shows @request's authorization page in a new window titled after the provider, and waits for
 * the provider to redirect to the request's redirect URI. The window goes when this finishes,
 * whichever way.
 */
void
oidc_sign_in_window_run_async (OidcAuthorizationRequest *request,
                               GtkWindow                *parent,
                               GCancellable             *cancellable,
                               GAsyncReadyCallback       callback,
                               gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *uri = NULL;
  OidcSignInWindow *self;

  g_return_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (request));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* No source object: the window must not outlive its own closing for the caller's sake. */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, oidc_sign_in_window_run_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  uri = oidc_authorization_request_dup_authorization_uri (request);
  if (!oidc_web_data_uri_is_allowed (uri))
    {
      g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                               _("Sign-in failed: the sign-in page of %s is not secure"),
                               oidc_authorization_request_get_provider_name (request));
      return;
    }

  /* GTK holds the window until it is destroyed. */
  self = g_object_new (OIDC_TYPE_SIGN_IN_WINDOW, NULL);
  oidc_sign_in_window_start (self, request, parent, task);
}

/**
 * oidc_sign_in_window_run_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes oidc_sign_in_window_run_async().
 *
 * Returns: (transfer full): the URL the provider redirected to, with its query
 */
char *
oidc_sign_in_window_run_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oidc_sign_in_window_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* For tests */

WebKitWebView *
oidc_sign_in_window_get_web_view (OidcSignInWindow *self)
{
  g_return_val_if_fail (OIDC_IS_SIGN_IN_WINDOW (self), NULL);

  return self->web_view;
}

OidcConnectionSecurity
oidc_sign_in_window_get_security (OidcSignInWindow *self)
{
  g_return_val_if_fail (OIDC_IS_SIGN_IN_WINDOW (self), OIDC_CONNECTION_UNKNOWN);

  return self->security;
}

/* The location as the window shows it, such as "Not secure · 127.0.0.1:8080". */
char *
oidc_sign_in_window_dup_location_text (OidcSignInWindow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (OIDC_IS_SIGN_IN_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->location_box)))
    return g_strdup ("");

  if (gtk_widget_get_visible (GTK_WIDGET (self->security_label)))
    g_string_append_printf (text, "%s · ", gtk_label_get_text (self->security_label));
  g_string_append (text, gtk_label_get_text (self->host_label));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

const char *
oidc_sign_in_window_get_blocked_uri (OidcSignInWindow *self)
{
  g_return_val_if_fail (OIDC_IS_SIGN_IN_WINDOW (self), NULL);

  return self->blocked_uri;
}
