/* oidc-browser-sign-in.c: sign-in in the system browser with a loopback redirect (RFC 8252).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "oidc-error.h"
#include "oidc-http-private.h"
#include "oidc-sign-in-methods-private.h"

/*
 * One OidcBrowserSignIn is one attempt: the small window saying that sign-in continues in the
 * browser, and the loopback listener that waits for the browser to come back. The listener
 * lives exactly as long as the window; whichever way the attempt ends (the answer, the window
 * closed, the cancellable), both go away before the caller hears of it.
 */

#define DEFAULT_REDIRECT_PATH "/callback"

/* How long "Copy Link" says the link was copied. */
#define COPIED_FEEDBACK_MS 2000

#define OIDC_TYPE_BROWSER_SIGN_IN (oidc_browser_sign_in_get_type ())
G_DECLARE_FINAL_TYPE (OidcBrowserSignIn, oidc_browser_sign_in, OIDC, BROWSER_SIGN_IN, GtkWindow)

struct _OidcBrowserSignIn
{
  GtkWindow                 parent_instance;

  GtkImage                 *icon;
  GtkLabel                 *body_label;
  GtkStack                 *copy_stack;

  GTask                    *task;
  SoupServer               *server;
  SoupServerMessage        *answer;
  char                     *authorization_uri;
  char                     *redirect_uri;
  char                     *redirected_uri;
  char                     *expected_host;
  char                     *expected_path;
  char                     *state;
  GCancellable             *launch_cancellable;
  GSource                  *cancelled_source;
  GSource                  *request_cancelled_source;
  guint                     answered_id;
  guint                     copied_id;
};

G_DEFINE_FINAL_TYPE (OidcBrowserSignIn, oidc_browser_sign_in, GTK_TYPE_WINDOW)

static OidcUriLauncher uri_launcher;
static gpointer        uri_launcher_data;

/* Ending the attempt */

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Closes the port and drops every watch. Safe to call more than once. */
static void
oidc_browser_sign_in_stop (OidcBrowserSignIn *self)
{
  g_cancellable_cancel (self->launch_cancellable);
  clear_source (&self->cancelled_source);
  clear_source (&self->request_cancelled_source);
  g_clear_handle_id (&self->answered_id, g_source_remove);
  g_clear_handle_id (&self->copied_id, g_source_remove);

  if (self->answer != NULL)
    g_signal_handlers_disconnect_by_data (self->answer, self);
  g_clear_object (&self->answer);

  if (self->server != NULL)
    {
      g_debug ("Closing the loopback listener on %s", self->expected_host);
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

/* Takes @error; with %NULL, finishes with the URL the browser came back to. */
static void
oidc_browser_sign_in_finish (OidcBrowserSignIn *self,
                             GError            *error)
{
  g_autoptr(OidcBrowserSignIn) hold = g_object_ref (self);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autofree char *redirected_uri = g_steal_pointer (&self->redirected_uri);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }

  /* The caller must find everything closed when it hears of the end. */
  oidc_browser_sign_in_stop (self);
  gtk_window_destroy (GTK_WINDOW (self));

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&redirected_uri), g_free);
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  OidcBrowserSignIn *self = user_data;

  g_debug ("The browser sign-in was cancelled");
  oidc_browser_sign_in_finish (self,
                               g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    _("The sign-in was cancelled")));

  return G_SOURCE_REMOVE;
}

/* A cancellable may fire in any thread; its source brings the news to our main context. */
static GSource *
watch_cancellable (OidcBrowserSignIn *self,
                   GCancellable      *cancellable)
{
  GSource *source = g_cancellable_source_new (cancellable);

  g_source_set_callback (source, G_SOURCE_FUNC (on_cancelled), self, NULL);
  g_source_set_static_name (source, "[oidc] browser sign-in cancelled");
  g_source_attach (source, g_task_get_context (self->task));

  return source;
}

/* The loopback listener */

static char *
build_page (const char *heading,
            const char *message)
{
  g_autofree char *heading_html = g_markup_escape_text (heading, -1);
  g_autofree char *message_html = g_markup_escape_text (message, -1);

  return g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html>\n"
                          "<head>\n"
                          "<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width\">\n"
                          "<meta name=\"color-scheme\" content=\"light dark\">\n"
                          "<title>%s</title>\n"
                          "<style>\n"
                          "body { font-family: system-ui, sans-serif; margin: 0;"
                          " min-height: 100vh; display: flex; align-items: center;"
                          " justify-content: center; }\n"
                          "main { max-width: 28em; padding: 2em; text-align: center; }\n"
                          "h1 { font-size: 1.5em; }\n"
                          "p { line-height: 1.5; opacity: .8; }\n"
                          "</style>\n"
                          "</head>\n"
                          "<body>\n"
                          "<main>\n"
                          "<h1>%s</h1>\n"
                          "<p>%s</p>\n"
                          "</main>\n"
                          "</body>\n"
                          "</html>\n",
                          heading_html, heading_html, message_html);
}

static void
set_page (SoupServerMessage *msg,
          guint              status,
          const char        *heading,
          const char        *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  char *page = build_page (heading, message);

  /* The page follows a URL that carries the authorization code: it must not be kept, framed,
   * or leak that URL onwards. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; "
                                "frame-ancestors 'none'");
  soup_message_headers_replace (headers, "Connection", "close");

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    page, strlen (page));
}

static void
refuse (SoupServerMessage *msg,
        guint              status,
        const char        *reason)
{
  g_debug ("Refused a request to the loopback listener: %s", reason);

  if (status == SOUP_STATUS_METHOD_NOT_ALLOWED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Allow", "GET");

  set_page (msg, status,
            _("Page Not Available"),
            _("This address does not belong to a sign-in in progress."));
}

static gboolean
on_answered_idle (gpointer user_data)
{
  OidcBrowserSignIn *self = user_data;

  self->answered_id = 0;
  g_debug ("The browser came back to the loopback listener");
  oidc_browser_sign_in_finish (self, NULL);

  return G_SOURCE_REMOVE;
}

static void
on_answer_finished (SoupServerMessage *msg,
                    gpointer           user_data)
{
  OidcBrowserSignIn *self = user_data;

  /* The page is written (or the browser went away): only now may the server close. Not from
   * inside libsoup's own call, which still uses the server after this signal. */
  if (self->answered_id == 0)
    {
      self->answered_id = g_idle_add (on_answered_idle, self);
      g_source_set_name_by_id (self->answered_id, "[oidc] browser came back");
    }
}

static void
accept_answer (OidcBrowserSignIn *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *app_name = g_get_application_name ();
  g_autofree char *message = NULL;
  g_autofree char *heading = NULL;

  self->answer = g_object_ref (msg);
  self->redirected_uri = g_strconcat (self->redirect_uri, "?", g_uri_get_query (uri), NULL);
  g_signal_connect (msg, "finished", G_CALLBACK (on_answer_finished), self);

  if (app_name == NULL)
    app_name = _("the application");

  /* Whether the provider says yes or no, the application has the last word: the page only
   * sends the user back there. */
  if (g_hash_table_contains (query, "error"))
    {
      heading = g_strdup (_("Sign-In Not Completed"));
      /* Translators: %s is the name of the application that asked to sign in. */
      message = g_strdup_printf (_("You can close this tab and return to %s."), app_name);
    }
  else
    {
      /* Translators: %s is the name of the application that asked to sign in. */
      heading = g_strdup_printf (_("Return to %s"), app_name);
      /* Translators: %s is the name of the application that asked to sign in. */
      message = g_strdup_printf (_("The browser has done its part of the sign-in. You can close "
                                   "this tab and return to %s."), app_name);
    }

  set_page (msg, SOUP_STATUS_OK, heading, message);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  OidcBrowserSignIn *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *host = soup_message_headers_get_one (headers, "Host");
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;

  /* Each check keeps the wait going: a stray page, another program on this machine or a web
   * page rebinding a name to 127.0.0.1 must not end the sign-in, only the real answer. */
  if (self->task == NULL || self->answer != NULL)
    refuse (msg, SOUP_STATUS_NOT_FOUND, "the answer has already come");
  else if (host == NULL || g_ascii_strcasecmp (host, self->expected_host) != 0)
    refuse (msg, SOUP_STATUS_BAD_REQUEST, "foreign Host header");
  else if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_GET) != 0)
    refuse (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "not a GET request");
  else if (g_strcmp0 (path, self->expected_path) != 0)
    refuse (msg, SOUP_STATUS_NOT_FOUND, "unexpected path");
  else if (state == NULL || g_strcmp0 (state, self->state) != 0)
    refuse (msg, SOUP_STATUS_BAD_REQUEST, "missing or foreign state");
  else
    accept_answer (self, msg, query);
}

/* The path the provider knows for this client: the one of a loopback redirect URI it was
 * given, or the conventional one. */
static char *
dup_redirect_path (OidcAuthorizationRequest *request)
{
  const char *current = oidc_authorization_request_get_redirect_uri (request);
  g_autoptr(GUri) uri = NULL;

  if (current == NULL ||
      !(uri = g_uri_parse (current, G_URI_FLAGS_ENCODED, NULL)) ||
      g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 ||
      !oidc_host_is_loopback (g_uri_get_host (uri)))
    return g_strdup (DEFAULT_REDIRECT_PATH);

  return g_strdup (g_uri_get_path (uri));
}

static gboolean
oidc_browser_sign_in_listen (OidcBrowserSignIn         *self,
                             OidcAuthorizationRequest  *request,
                             GError                   **error)
{
  g_autoptr(GError) ipv4_error = NULL;
  g_autofree char *path = NULL;
  GSList *uris;
  const char *host;
  guint port;

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);

  /* RFC 8252, section 8.3: a loopback IP literal, never "localhost", and a port of the
   * system's choosing. */
  if (soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &ipv4_error))
    host = "127.0.0.1";
  else if (soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV6_ONLY, error))
    host = "[::1]";
  else
    return FALSE;

  if (ipv4_error != NULL)
    g_debug ("No IPv4 loopback (%s); listening on IPv6", ipv4_error->message);

  uris = soup_server_get_uris (self->server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  path = dup_redirect_path (request);
  self->expected_host = g_strdup_printf ("%s:%u", host, port);
  self->expected_path = g_strdup (*path != '\0' ? path : "/");
  self->redirect_uri = g_strdup_printf ("http://%s%s", self->expected_host, path);

  g_debug ("Listening for the browser on %s", self->expected_host);
  return TRUE;
}

/* Launching the browser */

static void
on_browser_launched (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(OidcBrowserSignIn) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean launched;

#if GTK_CHECK_VERSION (4, 10, 0)
  launched = gtk_uri_launcher_launch_finish (GTK_URI_LAUNCHER (object), result, &error);
#else
  launched = gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error);
#endif

  /* The attempt ended while the browser was starting. */
  if (g_cancellable_is_cancelled (self->launch_cancellable))
    return;

  if (launched)
    {
      g_debug ("Opened the authorization page in the browser");
      return;
    }

  g_debug ("Could not open the browser: %s", error->message);

  /* The OpenURI portal lets the user choose the browser; choosing none is like closing the
   * window. Any other failure means this system has no browser to open. */
#if GTK_CHECK_VERSION (4, 10, 0)
  if (g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) ||
      g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
#else
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
#endif
    oidc_browser_sign_in_finish (self,
                                 g_error_new_literal (OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED,
                                                      _("No web browser was chosen to sign "
                                                        "in with")));
  else
    oidc_browser_sign_in_finish (self,
                                 g_error_new (OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                                              /* Translators: %s is the system's reason. */
                                              _("Could not open a web browser: %s. Make "
                                                "sure a default web browser is set, then "
                                                "try again."),
                                              error->message));
}

static void
oidc_browser_sign_in_launch (OidcBrowserSignIn *self)
{
  if (uri_launcher != NULL)
    {
      uri_launcher (self->authorization_uri, GTK_WINDOW (self), uri_launcher_data);
      return;
    }

  /* Both go through the OpenURI portal inside Flatpak, and ask the portal to put the browser
   * in front of our window, which is why the window is shown first. */
#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (self->authorization_uri);

    gtk_uri_launcher_launch (launcher, GTK_WINDOW (self), self->launch_cancellable,
                             on_browser_launched, g_object_ref (self));
  }
#else
  gtk_show_uri_full (GTK_WINDOW (self), self->authorization_uri, GDK_CURRENT_TIME,
                     self->launch_cancellable, on_browser_launched, g_object_ref (self));
#endif
}

/* The window */

static void
restore_copy_label (gpointer user_data)
{
  OidcBrowserSignIn *self = user_data;

  self->copied_id = 0;
  gtk_stack_set_visible_child_name (self->copy_stack, "copy");
}

static void
copy_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  OidcBrowserSignIn *self = OIDC_BROWSER_SIGN_IN (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->authorization_uri);

  gtk_stack_set_visible_child_name (self->copy_stack, "copied");
  g_clear_handle_id (&self->copied_id, g_source_remove);
  self->copied_id = g_timeout_add_once (COPIED_FEEDBACK_MS, restore_copy_label, self);
}

static gboolean
oidc_browser_sign_in_close_request (GtkWindow *window)
{
  OidcBrowserSignIn *self = OIDC_BROWSER_SIGN_IN (window);

  g_debug ("The browser sign-in window was closed");
  oidc_browser_sign_in_finish (self,
                               g_error_new_literal (OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED,
                                                    _("The sign-in window was closed before "
                                                      "sign-in finished")));

  /* Finishing destroyed the window already. */
  return GDK_EVENT_STOP;
}

static void
oidc_browser_sign_in_dispose (GObject *object)
{
  OidcBrowserSignIn *self = OIDC_BROWSER_SIGN_IN (object);

  /* Destroyed by someone else, such as an application closing all its windows. */
  if (self->task != NULL)
    oidc_browser_sign_in_finish (self,
                                 g_error_new_literal (OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED,
                                                      _("The sign-in window was closed before "
                                                        "sign-in finished")));

  oidc_browser_sign_in_stop (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), OIDC_TYPE_BROWSER_SIGN_IN);

  G_OBJECT_CLASS (oidc_browser_sign_in_parent_class)->dispose (object);
}

static void
oidc_browser_sign_in_finalize (GObject *object)
{
  OidcBrowserSignIn *self = OIDC_BROWSER_SIGN_IN (object);

  g_clear_object (&self->launch_cancellable);
  g_free (self->authorization_uri);
  g_free (self->redirect_uri);
  g_free (self->redirected_uri);
  g_free (self->expected_host);
  g_free (self->expected_path);
  g_free (self->state);

  G_OBJECT_CLASS (oidc_browser_sign_in_parent_class)->finalize (object);
}

static void
oidc_browser_sign_in_class_init (OidcBrowserSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = oidc_browser_sign_in_dispose;
  object_class->finalize = oidc_browser_sign_in_finalize;

  window_class->close_request = oidc_browser_sign_in_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stagedoor/oidc/"
                                               "oidc-browser-sign-in.ui");
  gtk_widget_class_bind_template_child (widget_class, OidcBrowserSignIn, icon);
  gtk_widget_class_bind_template_child (widget_class, OidcBrowserSignIn, body_label);
  gtk_widget_class_bind_template_child (widget_class, OidcBrowserSignIn, copy_stack);

  gtk_widget_class_install_action (widget_class, "browser.copy-link", NULL, copy_link_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
oidc_browser_sign_in_init (OidcBrowserSignIn *self)
{
  /* Icon themes have renamed the browser icon over time; fall back to the generic one. */
  static const char * const icon_names[] = {
    "web-browser-symbolic",
    "internet-web-browser-symbolic",
    "applications-internet-symbolic",
    "network-workgroup-symbolic",
    NULL
  };
  g_autoptr(GIcon) icon = g_themed_icon_new_from_names ((char **) icon_names, -1);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_image_set_from_gicon (self->icon, icon);

  self->launch_cancellable = g_cancellable_new ();
}

static char *
dup_query_param (const char *uri,
                 const char *name)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = NULL;

  if (parsed == NULL || g_uri_get_query (parsed) == NULL)
    return NULL;

  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (params == NULL)
    return NULL;

  return g_strdup (g_hash_table_lookup (params, name));
}

static char *
dup_provider_name (OidcAuthorizationRequest *request,
                   const char               *authorization_uri)
{
  const char *name = oidc_authorization_request_get_provider_name (request);
  g_autoptr(GUri) uri = NULL;

  if (name != NULL && *name != '\0')
    return g_strdup (name);

  uri = g_uri_parse (authorization_uri, G_URI_FLAGS_ENCODED, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    return g_strdup (g_uri_get_host (uri));

  return g_strdup (_("your account"));
}

/* The sign-in method */

/**
 * oidc_browser_sign_in_run_async:
 * @request: the authorization request to show
 * @parent: (nullable): the window the small window is transient for
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the browser came back, or the attempt failed
 * @user_data: data for @callback
 *
 * Listens on a loopback port, points @request's redirect URI at it, opens the authorization
 * page in the user's browser and shows a small window until the browser comes back.
 */
void
oidc_browser_sign_in_run_async (OidcAuthorizationRequest *request,
                                GtkWindow                *parent,
                                GCancellable             *cancellable,
                                GAsyncReadyCallback       callback,
                                gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *provider_name = NULL;
  g_autofree char *body = NULL;
  OidcBrowserSignIn *self;

  g_return_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (request));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, oidc_browser_sign_in_run_async);
  g_task_set_name (task, "[oidc] browser sign-in");

  if (g_task_return_error_if_cancelled (task))
    return;

  if (oidc_authorization_request_is_finished (request))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The sign-in was cancelled"));
      return;
    }

  /* GTK owns the window until it is destroyed; the window owns the task until it ends. */
  self = g_object_new (OIDC_TYPE_BROWSER_SIGN_IN, NULL);
  self->task = g_steal_pointer (&task);

  if (!oidc_browser_sign_in_listen (self, request, &error))
    {
      oidc_browser_sign_in_finish (self,
                                   g_error_new (OIDC_ERROR, OIDC_ERROR_NETWORK,
                                                /* Translators: %s is the system's reason. */
                                                _("Could not wait for the browser to come "
                                                  "back: %s"),
                                                error->message));
      return;
    }

  /* The authorization URL must carry the listener's address, so it is read only now. */
  oidc_authorization_request_set_redirect_uri (request, self->redirect_uri);
  self->authorization_uri = oidc_authorization_request_dup_authorization_uri (request);
  self->state = dup_query_param (self->authorization_uri, "state");
  if (self->state == NULL)
    {
      oidc_browser_sign_in_finish (self,
                                   g_error_new_literal (OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                                                        _("The sign-in request has no state "
                                                          "to recognize the answer by")));
      return;
    }

  self->cancelled_source = cancellable != NULL ? watch_cancellable (self, cancellable) : NULL;
  self->request_cancelled_source =
    watch_cancellable (self, oidc_authorization_request_get_cancellable (request));

  provider_name = dup_provider_name (request, self->authorization_uri);
  /* Translators: %s is the name of the provider, such as "Google". */
  body = g_strdup_printf (_("Sign in to %s in the browser window that opened. This window "
                            "closes when you are done."),
                          provider_name);
  gtk_label_set_text (self->body_label, body);

  gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_window_present (GTK_WINDOW (self));

  oidc_browser_sign_in_launch (self);
}

/**
 * oidc_browser_sign_in_run_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes oidc_browser_sign_in_run_async().
 *
 * Returns: (transfer full): the URL the browser came back to, with its query
 */
char *
oidc_browser_sign_in_run_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oidc_browser_sign_in_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * oidc_browser_sign_in_set_launcher:
 * @launcher: (nullable): what opens a URI, or %NULL for the user's browser
 * @user_data: data for @launcher
 *
 * Replaces what opens the authorization page, for tests.
 */
void
oidc_browser_sign_in_set_launcher (OidcUriLauncher launcher,
                                   gpointer        user_data)
{
  uri_launcher = launcher;
  uri_launcher_data = user_data;
}
