/* test-ui-browser.c: sign-in in the system browser with a loopback redirect (RFC 8252).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The user's browser is played by an HTTP client: the launcher hands the authorization URL to
 * the test, which follows it through the test provider's forms and then delivers the redirect
 * to the loopback listener, as a browser would.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "oidc-core.h"
#include "oidc-authorization-request-private.h"
#include "oidc-sign-in-methods-private.h"
#include "oidc-test-idp.h"
#include "oidc-test-ui.h"
#include "oidc-test-util.h"

#define APP_NAME "Stagedoor Tests"

/* The browser: what the launcher was asked to open. */

typedef struct
{
  char      *uri;
  GtkWindow *window;
  guint      n_opened;
} Browser;

static Browser browser;

static void
browser_open (const char *uri,
              GtkWindow  *parent,
              gpointer    user_data)
{
  Browser *self = user_data;

  g_free (self->uri);
  self->uri = g_strdup (uri);
  g_set_weak_pointer (&self->window, parent);
  self->n_opened++;
}

static void
browser_reset (void)
{
  g_clear_pointer (&browser.uri, g_free);
  g_clear_weak_pointer (&browser.window);
  browser.n_opened = 0;
}

static gboolean
browser_opened (gpointer data)
{
  return browser.n_opened > 0;
}

/* The user: an interaction that signs in through the system browser. */

#define BROWSER_TYPE_INTERACTION (browser_interaction_get_type ())
G_DECLARE_FINAL_TYPE (BrowserInteraction, browser_interaction, BROWSER, INTERACTION, GObject)

struct _BrowserInteraction
{
  GObject parent_instance;
};

static void browser_interaction_iface_init (OidcInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BrowserInteraction, browser_interaction, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OIDC_TYPE_INTERACTION,
                                                      browser_interaction_iface_init))

static void
on_browser_sign_in_done (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(OidcAuthorizationRequest) request = user_data;
  g_autofree char *redirected = NULL;
  g_autoptr(GError) error = NULL;

  redirected = oidc_browser_sign_in_run_finish (result, &error);
  if (redirected == NULL)
    oidc_authorization_request_return_error (request, g_steal_pointer (&error));
  else
    oidc_authorization_request_complete (request, redirected);
}

static void
browser_interaction_authorize (OidcInteraction          *interaction,
                               OidcAuthorizationRequest *request)
{
  oidc_browser_sign_in_run_async (request, NULL,
                                  oidc_authorization_request_get_cancellable (request),
                                  on_browser_sign_in_done, g_object_ref (request));
}

static void
browser_interaction_iface_init (OidcInteractionInterface *iface)
{
  iface->authorize = browser_interaction_authorize;
}

static void
browser_interaction_class_init (BrowserInteractionClass *klass)
{
}

static void
browser_interaction_init (BrowserInteraction *self)
{
}

/* Helpers */

/* What a sign-in in the browser or the clipboard answered: the redirect, or the text. */
typedef struct
{
  gboolean  done;
  char     *value;
  GError   *error;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->value, g_free);
  g_clear_error (&result->error);
  result->done = FALSE;
}

static void
on_run (GObject      *object,
        GAsyncResult *res,
        gpointer      user_data)
{
  Result *result = user_data;

  result->value = oidc_browser_sign_in_run_finish (res, &result->error);
  result->done = TRUE;
}

static char *
query_param (const char *uri,
             const char *name)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = NULL;

  g_assert_nonnull (parsed);
  g_assert_nonnull (g_uri_get_query (parsed));
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_assert_nonnull (params);

  return g_strdup (g_hash_table_lookup (params, name));
}

static guint
uri_port (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);

  g_assert_nonnull (parsed);
  g_assert_cmpint (g_uri_get_port (parsed), >, 0);

  return g_uri_get_port (parsed);
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
  GError   *error;
} Http;

static void
on_http_read (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  Http *http = user_data;

  http->body = soup_session_send_and_read_finish (SOUP_SESSION (object), res, &http->error);
  http->done = TRUE;
}

/* Sends @method @uri (with @host as its Host header, when not NULL) as a browser would, and
 * returns the status; the page is in *@body. */
static guint
http_send (const char  *method,
           const char  *uri,
           const char  *host,
           char       **body)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  Http http = { 0 };

  g_assert_nonnull (msg);
  if (host != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Host", host);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_http_read, &http);
  oidc_test_wait (&http.done);
  g_assert_no_error (http.error);

  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (http.body, NULL), g_bytes_get_size (http.body));
  g_bytes_unref (http.body);

  return soup_message_get_status (msg);
}

static void
assert_port_closed (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_null (connection);
}

static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* A request as OidcOAuth2Auth makes it, for tests that need no provider. */
static OidcAuthorizationRequest *
request_new (OidcOAuth2Auth *auth,
             const char     *redirect_uri)
{
  static const char * const scopes[] = { "openid", NULL };
  static const char * const params[] = {
    "response_type", "code",
    "client_id", "stagedoor-test",
    "scope", "openid",
    "state", "the-state",
    NULL
  };

  return oidc_authorization_request_new (OIDC_AUTH_API (auth), "Example ID",
                                         OIDC_AUTH_REQUEST_NONE, scopes,
                                         "https://id.example.test/authorize", params,
                                         redirect_uri);
}

/* Starts a sign-in on a request of its own and waits for the browser to open. */
static void
start (OidcOAuth2Auth            *auth,
       const char                *redirect_uri,
       GCancellable              *cancellable,
       OidcAuthorizationRequest **request,
       Result                    *result)
{
  browser_reset ();
  *request = request_new (auth, redirect_uri);
  oidc_browser_sign_in_run_async (*request, NULL, cancellable, on_run, result);
  oidc_test_ui_wait_until (browser_opened, NULL);
  g_assert_nonnull (browser.window);
  g_assert_false (result->done);
}

/* Tests */

static void
test_sign_in (void)
{
  static const char * const scopes[] = { "email", "profile", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(OidcTestIdp) idp = oidc_test_idp_start (NULL, &error);
  g_autoptr(BrowserInteraction) interaction = NULL;
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(GString) forged = NULL;
  g_autofree char *redirect_uri = NULL;
  g_autofree char *redirected = NULL;
  g_autofree char *state = NULL;
  g_autofree char *wrong_path = NULL;
  g_autofree char *no_state = NULL;
  g_autofree char *foreign_host = NULL;
  g_autofree char *page = NULL;
  OidcTestResult result = { 0 };
  guint port;

  g_assert_no_error (error);
  interaction = g_object_new (BROWSER_TYPE_INTERACTION, NULL);
  auth = oidc_oauth2_auth_new (oidc_test_idp_get_issuer (idp), oidc_test_idp_get_client_id (idp));
  oidc_oauth2_auth_set_interaction (auth, OIDC_INTERACTION (interaction));
  oidc_oauth2_auth_set_scopes (auth, scopes);

  browser_reset ();
  oidc_test_start_id_token (auth, OIDC_AUTH_REQUEST_NONE, NULL, &result);
  oidc_test_ui_wait_until (browser_opened, NULL);

  /* The authorization URL leads back to the listener, on the registered path. */
  redirect_uri = query_param (browser.uri, "redirect_uri");
  g_assert_true (g_str_has_prefix (redirect_uri, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (redirect_uri, "/callback"));
  port = uri_port (redirect_uri);
  state = query_param (browser.uri, "state");
  g_assert_nonnull (state);

  /* The user signs in; the provider sends the browser back with the code. */
  redirected = oidc_test_idp_authorize (idp, browser.uri, redirect_uri, "alice", FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (redirected, redirect_uri));
  g_assert_nonnull (strstr (redirected, "code="));

  /* Forgeries are refused and the wait goes on. */
  forged = g_string_new (redirected);
  g_assert_cmpuint (g_string_replace (forged, state, "forged-state", 0), ==, 1);
  g_assert_cmpuint (http_send ("GET", forged->str, NULL, NULL), ==, SOUP_STATUS_BAD_REQUEST);

  no_state = g_strdup_printf ("%s?code=abc", redirect_uri);
  g_assert_cmpuint (http_send ("GET", no_state, NULL, NULL), ==, SOUP_STATUS_BAD_REQUEST);

  wrong_path = g_strdup_printf ("http://127.0.0.1:%u/elsewhere%s", port, strchr (redirected, '?'));
  g_assert_cmpuint (http_send ("GET", wrong_path, NULL, &page), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_nonnull (strstr (page, "does not belong to a sign-in in progress"));

  foreign_host = g_strdup_printf ("evil.example:%u", port);
  g_assert_cmpuint (http_send ("GET", redirected, foreign_host, NULL), ==,
                    SOUP_STATUS_BAD_REQUEST);

  g_assert_cmpuint (http_send ("POST", redirected, NULL, NULL), ==,
                    SOUP_STATUS_METHOD_NOT_ALLOWED);

  g_assert_false (result.done);
  g_assert_nonnull (browser.window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (browser.window)));

  /* The real answer gets the page that sends the user back, and ends the wait. */
  g_clear_pointer (&page, g_free);
  g_assert_cmpuint (http_send ("GET", redirected, NULL, &page), ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (page, "return to " APP_NAME));

  oidc_test_wait (&result.done);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  claims = oidc_test_token_claims (result.token);
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==,
                   oidc_test_idp_get_issuer (idp));
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, "alice");

  /* Everything closed before the caller heard of it. */
  g_assert_null (browser.window);
  assert_port_closed (port);
  g_assert_cmpuint (browser.n_opened, ==, 1);

  oidc_test_result_clear (&result);
  g_assert_finalize_object (g_steal_pointer (&auth));
}

static void
test_answer (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  struct
  {
    const char *query;
    const char *heading;
  } cases[] = {
    { "code=abc&state=the-state&iss=https%3A%2F%2Fid.example.test", "Return to " APP_NAME },
    { "error=access_denied&state=the-state", "Sign-In Not Completed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(OidcAuthorizationRequest) request = NULL;
      g_autofree char *redirected = NULL;
      g_autofree char *page = NULL;
      Result result = { 0 };
      guint port;

      start (auth, "http://127.0.0.1/callback", NULL, &request, &result);
      port = uri_port (oidc_authorization_request_get_redirect_uri (request));

      /* The listener hands over the whole URL, query untouched, and leaves the request to
       * the caller. */
      redirected = g_strdup_printf ("%s?%s", oidc_authorization_request_get_redirect_uri (request),
                                    cases[i].query);
      g_assert_cmpuint (http_send ("GET", redirected, NULL, &page), ==, SOUP_STATUS_OK);
      g_assert_nonnull (strstr (page, cases[i].heading));

      oidc_test_wait (&result.done);
      g_assert_no_error (result.error);
      g_assert_cmpstr (result.value, ==, redirected);
      g_assert_false (oidc_authorization_request_is_finished (request));
      g_assert_null (browser.window);
      assert_port_closed (port);
      result_clear (&result);
    }
}

static void
test_redirect_uri (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  struct
  {
    const char *given;
    const char *path;
  } cases[] = {
    { "http://127.0.0.1/callback", "/callback" },
    { "http://127.0.0.1/oauth/done", "/oauth/done" },
    { "http://[::1]:8080/native", "/native" },
    { "http://localhost/cb", "/cb" },
    { "io.github.stagedoor.test:/callback", "/callback" },
    { "https://app.example.test/oauth", "/callback" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(OidcAuthorizationRequest) request = NULL;
      g_autofree char *in_url = NULL;
      g_autofree char *expected_prefix = NULL;
      const char *redirect_uri;
      Result result = { 0 };
      guint port;

      start (auth, cases[i].given, cancellable, &request, &result);

      /* The request points at the listener, and the URL opened says so. */
      redirect_uri = oidc_authorization_request_get_redirect_uri (request);
      port = uri_port (redirect_uri);
      expected_prefix = g_strdup_printf ("http://127.0.0.1:%u", port);
      g_assert_cmpstr (redirect_uri + strlen (expected_prefix), ==, cases[i].path);
      g_assert_true (g_str_has_prefix (redirect_uri, expected_prefix));
      in_url = query_param (browser.uri, "redirect_uri");
      g_assert_cmpstr (in_url, ==, redirect_uri);

      g_cancellable_cancel (cancellable);
      oidc_test_wait (&result.done);
      g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      result_clear (&result);
    }
}

static void
test_retry (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  g_autofree char *first = NULL;
  Result result = { 0 };

  start (auth, "http://127.0.0.1/native/cb", NULL, &request, &result);
  first = g_strdup (oidc_authorization_request_get_redirect_uri (request));
  gtk_window_close (browser.window);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED);
  result_clear (&result);

  /* A second attempt with the same request listens anew, on the same path. */
  browser_reset ();
  oidc_browser_sign_in_run_async (request, NULL, cancellable, on_run, &result);
  oidc_test_ui_wait_until (browser_opened, NULL);
  g_assert_true (g_str_has_suffix (oidc_authorization_request_get_redirect_uri (request),
                                   "/native/cb"));
  assert_port_closed (uri_port (first));

  g_cancellable_cancel (cancellable);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  result_clear (&result);
}

static void
test_cancel_button (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  GtkWidget *cancel;
  Result result = { 0 };
  guint port;

  start (auth, "http://127.0.0.1/callback", NULL, &request, &result);
  port = uri_port (oidc_authorization_request_get_redirect_uri (request));
  g_assert_true (gtk_window_get_modal (browser.window));

  cancel = find_actionable (GTK_WIDGET (browser.window), "window.close");
  g_assert_nonnull (cancel);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (cancel)), ==, "_Cancel");
  gtk_widget_activate (cancel);

  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED);
  g_assert_null (result.value);
  g_assert_null (browser.window);
  assert_port_closed (port);
  result_clear (&result);
}

static void
test_escape (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  Result result = { 0 };
  guint port;

  start (auth, "http://127.0.0.1/callback", NULL, &request, &result);
  port = uri_port (oidc_authorization_request_get_redirect_uri (request));

  /* What Escape and the title bar's close button do. */
  gtk_widget_activate_action (GTK_WIDGET (browser.window), "window.close", NULL);

  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED);
  g_assert_null (browser.window);
  assert_port_closed (port);
  result_clear (&result);
}

static void
test_parent (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  GtkWindow *parent = GTK_WINDOW (gtk_window_new ());
  Result result = { 0 };
  guint port;

  gtk_window_present (parent);
  browser_reset ();
  request = request_new (auth, "http://127.0.0.1/callback");
  oidc_browser_sign_in_run_async (request, parent, NULL, on_run, &result);
  oidc_test_ui_wait_until (browser_opened, NULL);
  port = uri_port (oidc_authorization_request_get_redirect_uri (request));
  g_assert_true (gtk_window_get_transient_for (browser.window) == parent);

  /* The application closes its window, and the small one goes with it. */
  gtk_window_destroy (parent);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED);
  g_assert_null (browser.window);
  assert_port_closed (port);
  result_clear (&result);
}

static void
test_cancellable (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  Result result = { 0 };
  guint port;

  start (auth, "http://127.0.0.1/callback", cancellable, &request, &result);
  port = uri_port (oidc_authorization_request_get_redirect_uri (request));

  g_cancellable_cancel (cancellable);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (browser.window);
  assert_port_closed (port);
  result_clear (&result);

  /* Cancelled before it starts: no window, no listener, no browser. */
  browser_reset ();
  oidc_browser_sign_in_run_async (request, NULL, cancellable, on_run, &result);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (browser.n_opened, ==, 0);
  result_clear (&result);
}

static void
test_request_cancelled (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  Result result = { 0 };
  guint port;

  /* Nobody waits for the request any more, say because every caller went away. */
  start (auth, "http://127.0.0.1/callback", NULL, &request, &result);
  port = uri_port (oidc_authorization_request_get_redirect_uri (request));

  g_cancellable_cancel (oidc_authorization_request_get_cancellable (request));
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (browser.window);
  assert_port_closed (port);
  result_clear (&result);
}

static void
on_text_read (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  Result *result = user_data;

  result->value = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), res, &result->error);
  result->done = TRUE;
}

static gboolean
link_copied (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (data), "copied") == 0;
}

static void
test_no_browser (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  g_autoptr(GAppInfo) handler = g_app_info_get_default_for_uri_scheme ("https");
  Result result = { 0 };
  guint port;

  /* Where a browser is installed, this test would open it. */
  if (handler != NULL)
    {
      g_test_skip ("A web browser is installed");
      return;
    }

  oidc_browser_sign_in_set_launcher (NULL, NULL);
  request = request_new (auth, "http://127.0.0.1/callback");
  oidc_browser_sign_in_run_async (request, NULL, NULL, on_run, &result);
  port = uri_port (oidc_authorization_request_get_redirect_uri (request));
  oidc_test_wait (&result.done);
  oidc_browser_sign_in_set_launcher (browser_open, &browser);

  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_CONFIGURATION);
  g_assert_true (g_str_has_prefix (result.error->message, "Could not open a web browser"));
  assert_port_closed (port);
  result_clear (&result);
}

static void
test_copy_link (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  GdkClipboard *clipboard;
  GtkWidget *copy;
  GtkStack *feedback;
  Result result = { 0 };
  Result text = { 0 };

  start (auth, "http://127.0.0.1/callback", cancellable, &request, &result);
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (browser.window));
  gdk_clipboard_set_text (clipboard, "something else");

  copy = find_actionable (GTK_WIDGET (browser.window), "browser.copy-link");
  g_assert_nonnull (copy);
  feedback = GTK_STACK (oidc_test_ui_find_descendant (copy, GTK_TYPE_STACK));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (feedback), ==, "copy");
  gtk_widget_activate (copy);

  /* The button says it did. */
  oidc_test_ui_wait_until (link_copied, feedback);

  gdk_clipboard_read_text_async (clipboard, NULL, on_text_read, &text);
  oidc_test_wait (&text.done);
  g_assert_no_error (text.error);
  g_assert_cmpstr (text.value, ==, browser.uri);
  g_assert_true (g_str_has_prefix (text.value, "https://id.example.test/authorize?"));
  result_clear (&text);

  /* Copying changes nothing else. */
  g_assert_false (result.done);
  g_cancellable_cancel (cancellable);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  result_clear (&result);
}

static void
test_screenshot (void)
{
  g_autoptr(OidcOAuth2Auth) auth = oidc_oauth2_auth_new ("https://id.example.test", "app");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  g_autofree char *path = NULL;
  Result result = { 0 };
  int width, height;

  start (auth, "http://127.0.0.1/callback", cancellable, &request, &result);
  path = oidc_test_ui_save_screenshot (GTK_WIDGET (browser.window), "browser-sign-in");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* A small window, not a page. */
  width = gtk_widget_get_width (GTK_WIDGET (browser.window));
  height = gtk_widget_get_height (GTK_WIDGET (browser.window));
  g_assert_cmpint (width, <=, 480);
  g_assert_cmpint (height, <=, 480);

  g_cancellable_cancel (cancellable);
  oidc_test_wait (&result.done);
  result_clear (&result);
}

static void
test_no_display (void)
{
  g_test_skip ("No display; run under xvfb-run or build-aux/test-session");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_set_application_name (APP_NAME);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/Oidc/UI/Browser/no-display", test_no_display);
      return g_test_run ();
    }

  oidc_browser_sign_in_set_launcher (browser_open, &browser);

  g_test_add_func ("/Oidc/UI/Browser/sign-in", test_sign_in);
  g_test_add_func ("/Oidc/UI/Browser/answer", test_answer);
  g_test_add_func ("/Oidc/UI/Browser/redirect-uri", test_redirect_uri);
  g_test_add_func ("/Oidc/UI/Browser/retry", test_retry);
  g_test_add_func ("/Oidc/UI/Browser/cancel-button", test_cancel_button);
  g_test_add_func ("/Oidc/UI/Browser/close", test_escape);
  g_test_add_func ("/Oidc/UI/Browser/parent", test_parent);
  g_test_add_func ("/Oidc/UI/Browser/cancellable", test_cancellable);
  g_test_add_func ("/Oidc/UI/Browser/request-cancelled", test_request_cancelled);
  g_test_add_func ("/Oidc/UI/Browser/no-browser", test_no_browser);
  g_test_add_func ("/Oidc/UI/Browser/copy-link", test_copy_link);
  g_test_add_func ("/Oidc/UI/Browser/screenshot", test_screenshot);

  return g_test_run ();
}
