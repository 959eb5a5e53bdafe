/* test-ui-webview.c: the embedded sign-in window and the embedded browser's logout, in real
 * windows under Xvfb, against the real test identity provider (oidc-provider).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A test interaction opens the sign-in window for every authorization request, and a "user"
 * plays the person in front of it through the web view's JavaScript API: it types a login into
 * the provider's login form and presses its button, then presses the consent page's button, or
 * follows the provider's "Cancel" link. A SoupServer stands for the application at the redirect
 * URI and counts the requests it gets: the window must never load that URI.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "oidc-authorization-request-private.h"
#include "oidc-core.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-sign-in-methods-private.h"
#include "oidc-sign-in-window-private.h"
#include "oidc-test-idp.h"
#include "oidc-test-ui.h"
#include "oidc-test-util.h"
#include "oidc-web-data-private.h"

/* How long the web process of a closed window may take to exit. */
#define WEB_PROCESS_EXIT_SECONDS 10

static gboolean have_display;

/* The interaction: the library's sign-in window, for every request. */

#define TEST_TYPE_WINDOW_INTERACTION (test_window_interaction_get_type ())
G_DECLARE_FINAL_TYPE (TestWindowInteraction, test_window_interaction, TEST, WINDOW_INTERACTION,
                      GObject)

struct _TestWindowInteraction
{
  GObject parent_instance;
  guint   n_shown;
};

static void test_window_interaction_iface_init (OidcInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestWindowInteraction, test_window_interaction, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OIDC_TYPE_INTERACTION,
                                                      test_window_interaction_iface_init))

static void
on_window_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(OidcAuthorizationRequest) request = user_data;
  g_autofree char *uri = NULL;
  GError *error = NULL;

  uri = oidc_sign_in_window_run_finish (result, &error);
  if (uri != NULL)
    oidc_authorization_request_complete (request, uri);
  else
    oidc_authorization_request_return_error (request, error);
}

static void
test_window_interaction_authorize (OidcInteraction          *interaction,
                                   OidcAuthorizationRequest *request)
{
  TestWindowInteraction *self = TEST_WINDOW_INTERACTION (interaction);

  self->n_shown++;
  oidc_sign_in_window_run_async (request, NULL,
                                 oidc_authorization_request_get_cancellable (request),
                                 on_window_done, g_object_ref (request));
}

static void
test_window_interaction_iface_init (OidcInteractionInterface *iface)
{
  iface->authorize = test_window_interaction_authorize;
}

static void
test_window_interaction_class_init (TestWindowInteractionClass *klass)
{
}

static void
test_window_interaction_init (TestWindowInteraction *self)
{
}

/* Waiting */

static void
spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static void
on_painted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(JSCValue) value = NULL;
  g_autoptr(GError) error = NULL;

  value = webkit_web_view_call_async_javascript_function_finish (WEBKIT_WEB_VIEW (object),
                                                                 result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* Waits until the page has drawn a frame since it loaded, so that a screenshot shows it. */
static void
wait_for_page_painted (WebKitWebView *web_view)
{
  static const char body[] =
    "return new Promise ((resolve) =>"
    "  requestAnimationFrame (() => requestAnimationFrame (() => resolve (true))));";
  gboolean done = FALSE;

  webkit_web_view_call_async_javascript_function (web_view, body, -1, NULL, NULL, NULL, NULL,
                                                  on_painted, &done);
  oidc_test_wait (&done);
}

static OidcSignInWindow *
find_sign_in_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (OIDC_IS_SIGN_IN_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return OIDC_SIGN_IN_WINDOW (window);
    }

  return NULL;
}

static gboolean
sign_in_window_shown (gpointer data)
{
  return find_sign_in_window () != NULL;
}

static gboolean
no_sign_in_window (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (OIDC_IS_SIGN_IN_WINDOW (window))
        return FALSE;
    }

  return TRUE;
}

static gboolean
login_page_seen (gpointer data)
{
  OidcTestUser *user = data;

  return user->n_login_pages > 0;
}

/* Web processes */

/* The parent of process @pid, or 0. */
static pid_t
parent_of (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *after_name;
  int ppid = 0;

  /* "pid (comm) state ppid ...", where comm may hold spaces and parentheses. */
  if (!g_file_get_contents (path, &stat, NULL, NULL) ||
      (after_name = strrchr (stat, ')')) == NULL ||
      sscanf (after_name + 1, " %*c %d", &ppid) != 1)
    return 0;

  return ppid;
}

/* Whether process @pid descends from this one. */
static gboolean
descends_from_self (pid_t pid)
{
  pid_t self = getpid ();

  /* The web process is a child of this one, or lies a few levels down when WebKit's sandbox
   * (bubblewrap, with a process of its own as the namespace's init) sits in between. */
  for (guint depth = 0; depth < 8 && pid > 1; depth++)
    {
      pid = parent_of (pid);
      if (pid == self)
        return TRUE;
    }

  return FALSE;
}

/* Counts the WebKitWebProcess processes this test started. */
static guint
count_web_processes (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (proc);

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize length;
      pid_t pid;

      if (!g_ascii_isdigit (name[0]))
        continue;

      pid = atoi (name);
      path = g_strdup_printf ("/proc/%s/cmdline", name);
      if (!g_file_get_contents (path, &cmdline, &length, NULL) || length == 0)
        continue;

      /* The arguments are separated by NULs: the program's name is the first. */
      if (strstr (cmdline, "WebKitWebProcess") == NULL)
        continue;

      if (descends_from_self (pid))
        count++;
    }

  return count;
}

static void
assert_no_web_process_left (void)
{
  gint64 deadline = g_get_monotonic_time () + WEB_PROCESS_EXIT_SECONDS * G_TIME_SPAN_SECOND;
  guint count;

  while ((count = count_web_processes ()) > 0 && g_get_monotonic_time () < deadline)
    spin (100);

  g_assert_cmpuint (count, ==, 0);
}

/* The fixture: the provider, a provider object with the test interaction, and the app. */

typedef struct
{
  OidcTestIdp           *idp;
  TestWindowInteraction *interaction;
  OidcOAuth2Auth        *auth;
  SoupServer            *app;
  guint                  app_port;
  guint                  app_hits;
  char                  *redirect_uri;
} Fixture;

static void
on_app_request (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Fixture *fixture = user_data;

  /* A page that never answers, for the logout's timeout. */
  if (g_str_equal (path, "/hang"))
    {
      soup_server_message_pause (message);
      return;
    }

  g_test_message ("The app was asked for %s", path);
  fixture->app_hits++;
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "app", 3);
}

static OidcOAuth2Auth *
new_auth (Fixture *fixture)
{
  static const char * const scopes[] = { "email", "profile", NULL };
  OidcOAuth2Auth *auth;

  auth = oidc_oauth2_auth_new (oidc_test_idp_get_issuer (fixture->idp),
                               oidc_test_idp_get_client_id (fixture->idp));
  oidc_oauth2_auth_set_interaction (auth, OIDC_INTERACTION (fixture->interaction));
  oidc_oauth2_auth_set_scopes (auth, scopes);
  oidc_oauth2_auth_set_display_name (auth, "Example ID");
  oidc_oauth2_auth_set_sign_in_method (auth, OIDC_SIGN_IN_METHOD_EMBEDDED);
  oidc_oauth2_auth_set_redirect_uri (auth, fixture->redirect_uri);

  return auth;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  if (!have_display)
    return;

  fixture->idp = oidc_test_idp_start (NULL, &error);
  g_assert_no_error (error);

  fixture->app = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->app, NULL, on_app_request, fixture, NULL);
  soup_server_listen_local (fixture->app, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->app);
  fixture->app_port = g_uri_get_port (uris->data);

  /* A loopback redirect URI of the registered ones, on the app's port (RFC 8252, 7.3). */
  fixture->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/callback", fixture->app_port);

  fixture->interaction = g_object_new (TEST_TYPE_WINDOW_INTERACTION, NULL);
  fixture->auth = new_auth (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (!have_display)
    return;

  /* Let what the last step scheduled run, then check that nothing is left. */
  spin (50);
  g_assert_true (no_sign_in_window (NULL));
  g_assert_finalize_object (fixture->auth);
  g_assert_finalize_object (fixture->interaction);

  /* The app must never have seen the redirect: the window intercepts it. */
  g_assert_cmpuint (fixture->app_hits, ==, 0);

  /* Whatever the test did, no web process outlives it. */
  assert_no_web_process_left ();

  soup_server_disconnect (fixture->app);
  g_clear_object (&fixture->app);
  g_free (fixture->redirect_uri);
  oidc_test_idp_stop (fixture->idp);
}

/* Getting a token */

static void
assert_token_of (Fixture    *fixture,
                 const char *token,
                 const char *subject)
{
  g_autoptr(JsonObject) claims = NULL;

  g_assert_nonnull (token);
  claims = oidc_test_token_claims (token);
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==,
                   oidc_test_idp_get_issuer (fixture->idp));
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, subject);
  g_assert_cmpstr (json_object_get_string_member (claims, "aud"), ==,
                   oidc_test_idp_get_client_id (fixture->idp));
}

/* Starts a sign-in with @auth and waits for its window; @user then sits in front of it. */
static OidcSignInWindow *
start_sign_in (OidcOAuth2Auth     *auth,
               GCancellable       *cancellable,
               OidcTestUser       *user,
               OidcTestUserIntent  intent,
               OidcTestResult     *result)
{
  OidcSignInWindow *window;

  oidc_test_start_id_token (auth, OIDC_AUTH_REQUEST_NONE, cancellable, result);
  oidc_test_ui_wait_until (sign_in_window_shown, NULL);
  window = find_sign_in_window ();
  oidc_test_user_sit_down (user, oidc_sign_in_window_get_web_view (window), intent);

  return window;
}

/* Signs in with @auth through the window from start to end, and checks the token. */
static void
sign_in (Fixture        *fixture,
         OidcOAuth2Auth *auth,
         OidcTestUser   *user)
{
  OidcTestResult result = { 0 };

  start_sign_in (auth, NULL, user, OIDC_TEST_USER_SIGNS_IN, &result);
  oidc_test_wait (&result.done);
  oidc_test_user_leave (user);
  g_assert_no_error (result.error);
  assert_token_of (fixture, result.token, user->login);
  oidc_test_result_clear (&result);

  oidc_test_ui_wait_until (no_sign_in_window, NULL);
}

#define SKIP_WITHOUT_DISPLAY() \
  G_STMT_START { \
    if (!have_display) \
      { \
        g_test_skip ("No display: run under xvfb-run or build-aux/test-session"); \
        return; \
      } \
  } G_STMT_END

/* Tests */

static void
test_uri_policy (void)
{
  g_assert_true (oidc_web_data_uri_is_allowed ("https://accounts.example.com/auth"));
  g_assert_true (oidc_web_data_uri_is_allowed ("http://127.0.0.1:8080/auth"));
  g_assert_true (oidc_web_data_uri_is_allowed ("http://127.3.4.5/auth"));
  g_assert_true (oidc_web_data_uri_is_allowed ("http://[::1]:8080/auth"));
  g_assert_true (oidc_web_data_uri_is_allowed ("http://localhost/auth"));
  g_assert_true (oidc_web_data_uri_is_allowed ("about:blank"));

  g_assert_false (oidc_web_data_uri_is_allowed ("http://accounts.example.com/auth"));
  g_assert_false (oidc_web_data_uri_is_allowed ("http://127.0.0.1.example.com/auth"));
  g_assert_false (oidc_web_data_uri_is_allowed ("http://localhost.example.com/"));
  g_assert_false (oidc_web_data_uri_is_allowed ("http://10.0.0.1/auth"));
  g_assert_false (oidc_web_data_uri_is_allowed ("file:///etc/passwd"));
  g_assert_false (oidc_web_data_uri_is_allowed ("ftp://example.com/"));
  g_assert_false (oidc_web_data_uri_is_allowed ("not a uri"));
}

static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *expected_location = NULL;
  g_autofree char *location = NULL;
  g_autofree char *screenshot = NULL;
  OidcSignInWindow *window;
  OidcTestUser user = { 0 };
  OidcTestResult result = { 0 };
  int width, height;

  SKIP_WITHOUT_DISPLAY ();

  window = start_sign_in (fixture->auth, NULL, &user, OIDC_TEST_USER_WAITS, &result);
  oidc_test_ui_wait_until (login_page_seen, &user);

  /* The window as a person meets it: titled after the provider, about 450 × 730, with the
   * provider's host above the page and a clear word that plain HTTP is not secure. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Sign in to Example ID");
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 450);
  g_assert_cmpint (height, ==, 730);

  expected_location = g_strdup_printf ("Not secure · 127.0.0.1:%u",
                                       oidc_test_idp_get_port (fixture->idp));
  location = oidc_sign_in_window_dup_location_text (window);
  g_assert_cmpstr (location, ==, expected_location);
  g_assert_cmpint (oidc_sign_in_window_get_security (window), ==, OIDC_CONNECTION_NOT_SECURE);

  /* The window has a web process of its own while it is open. */
  g_assert_cmpuint (count_web_processes (), >=, 1);

  wait_for_page_painted (oidc_sign_in_window_get_web_view (window));
  screenshot = oidc_test_ui_save_screenshot (GTK_WIDGET (window), "sign-in-window");
  g_assert_true (g_file_test (screenshot, G_FILE_TEST_IS_REGULAR));

  oidc_test_user_decide (&user, OIDC_TEST_USER_SIGNS_IN);
  oidc_test_wait (&result.done);
  oidc_test_user_leave (&user);
  g_assert_no_error (result.error);
  assert_token_of (fixture, result.token, "alice");
  g_assert_cmpuint (user.n_login_pages, ==, 1);
  g_assert_cmpuint (user.n_consent_pages, ==, 1);
  g_assert_cmpuint (fixture->interaction->n_shown, ==, 1);

  /* The window went before the caller heard of the token. */
  g_assert_true (no_sign_in_window (NULL));
  oidc_test_result_clear (&result);
}

static void
test_custom_scheme_redirect (Fixture       *fixture,
                             gconstpointer  data)
{
  OidcTestUser user = { 0 };

  SKIP_WITHOUT_DISPLAY ();

  /* WebKit cannot load this scheme: only the window's interception makes the sign-in work. */
  oidc_oauth2_auth_set_redirect_uri (fixture->auth, "io.github.stagedoor.test:/callback");
  sign_in (fixture, fixture->auth, &user);
  g_assert_cmpuint (user.n_login_pages, ==, 1);
}

static void
test_no_web_process_left (Fixture       *fixture,
                          gconstpointer  data)
{
  OidcTestUser user = { 0 };

  SKIP_WITHOUT_DISPLAY ();

  /* Every test ends with no web process left (see fixture_tear_down()). */
  g_assert_cmpuint (count_web_processes (), ==, 0);
  sign_in (fixture, fixture->auth, &user);
  assert_no_web_process_left ();
}

static void
test_window_closed (Fixture       *fixture,
                    gconstpointer  data)
{
  OidcSignInWindow *window;
  OidcTestUser user = { 0 };
  OidcTestResult result = { 0 };

  SKIP_WITHOUT_DISPLAY ();

  window = start_sign_in (fixture->auth, NULL, &user, OIDC_TEST_USER_WAITS, &result);
  oidc_test_ui_wait_until (login_page_seen, &user);
  oidc_test_user_leave (&user);

  gtk_window_close (GTK_WINDOW (window));
  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED);
  g_assert_null (result.token);
  g_assert_false (oidc_oauth2_auth_get_signed_in (fixture->auth));
  g_assert_true (no_sign_in_window (NULL));
  assert_no_web_process_left ();
  oidc_test_result_clear (&result);
}

static void
test_cancel_link (Fixture       *fixture,
                  gconstpointer  data)
{
  OidcTestUser user = { 0 };
  OidcTestResult result = { 0 };

  SKIP_WITHOUT_DISPLAY ();

  start_sign_in (fixture->auth, NULL, &user, OIDC_TEST_USER_CANCELS, &result);
  oidc_test_wait (&result.done);
  oidc_test_user_leave (&user);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  g_assert_cmpuint (user.n_login_pages, ==, 1);
  g_assert_true (no_sign_in_window (NULL));
  oidc_test_result_clear (&result);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OidcTestUser user = { 0 };
  OidcTestResult result = { 0 };

  SKIP_WITHOUT_DISPLAY ();

  start_sign_in (fixture->auth, cancellable, &user, OIDC_TEST_USER_WAITS, &result);
  oidc_test_ui_wait_until (login_page_seen, &user);
  oidc_test_user_leave (&user);

  g_cancellable_cancel (cancellable);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  oidc_test_ui_wait_until (no_sign_in_window, NULL);
  assert_no_web_process_left ();
  oidc_test_result_clear (&result);
}

static gboolean
navigation_blocked (gpointer data)
{
  return oidc_sign_in_window_get_blocked_uri (data) != NULL;
}

static void
test_insecure_page_refused (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *screenshot = NULL;
  OidcSignInWindow *window;
  WebKitWebView *web_view;
  GtkWidget *revealer;
  OidcTestUser user = { 0 };
  OidcTestResult result = { 0 };

  SKIP_WITHOUT_DISPLAY ();

  window = start_sign_in (fixture->auth, NULL, &user, OIDC_TEST_USER_WAITS, &result);
  oidc_test_ui_wait_until (login_page_seen, &user);
  oidc_test_user_leave (&user);
  web_view = oidc_sign_in_window_get_web_view (window);

  /* The page sends the browser to a plain-HTTP host that is not this computer. */
  webkit_web_view_evaluate_javascript (web_view,
                                       "window.location.href = 'http://example.com/login';",
                                       -1, NULL, NULL, NULL, NULL, NULL);
  oidc_test_ui_wait_until (navigation_blocked, window);
  g_assert_cmpstr (oidc_sign_in_window_get_blocked_uri (window), ==, "http://example.com/login");

  /* The page stays, and the window says why nothing happened. */
  spin (300);
  g_assert_true (g_str_has_prefix (webkit_web_view_get_uri (web_view),
                                   oidc_test_idp_get_issuer (fixture->idp)));
  revealer = oidc_test_ui_find_descendant (GTK_WIDGET (window), GTK_TYPE_REVEALER);
  g_assert_nonnull (revealer);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  wait_for_page_painted (web_view);
  screenshot = oidc_test_ui_save_screenshot (GTK_WIDGET (window), "sign-in-window-blocked");

  /* The banner's close button puts it away. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.dismiss-banner",
                                             NULL));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));

  gtk_window_close (GTK_WINDOW (window));
  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_WINDOW_CLOSED);
  oidc_test_result_clear (&result);
}

/* The embedded browser's part of a logout */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  GList    *cookies;
} WebDataResult;

static void
on_cookies (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  WebDataResult *result = user_data;

  result->cookies = webkit_cookie_manager_get_cookies_finish (WEBKIT_COOKIE_MANAGER (object),
                                                              res, &result->error);
  result->done = TRUE;
}

/* Counts the cookies @auth's network session would send to the provider. */
static guint
count_provider_cookies (Fixture        *fixture,
                        OidcOAuth2Auth *auth)
{
  WebKitNetworkSession *session;
  WebDataResult result = { 0 };
  g_autofree char *uri = NULL;
  guint count;

  session = oidc_web_data_get_network_session (oidc_web_data_get_default (), auth);
  uri = g_strconcat (oidc_test_idp_get_issuer (fixture->idp), "/", NULL);
  webkit_cookie_manager_get_cookies (webkit_network_session_get_cookie_manager (session), uri,
                                     NULL, on_cookies, &result);
  oidc_test_wait (&result.done);
  g_assert_no_error (result.error);

  count = g_list_length (result.cookies);
  g_list_free_full (result.cookies, (GDestroyNotify) soup_cookie_free);

  return count;
}

static void
on_logout (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  WebDataResult *result = user_data;

  result->ok = oidc_web_data_logout_finish (OIDC_OAUTH2_AUTH (object), res, &result->error);
  result->done = TRUE;
}

static void
web_data_logout (OidcOAuth2Auth *auth,
                 const char     *end_session_uri,
                 WebDataResult  *result)
{
  oidc_web_data_logout_async (auth, end_session_uri, NULL, on_logout, result);
  oidc_test_wait (&result->done);
}

static char *
dup_discovered (Fixture    *fixture,
                const char *member)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  JsonObject *discovery;

  uri = g_strconcat (oidc_test_idp_get_issuer (fixture->idp),
                     "/.well-known/openid-configuration", NULL);
  message = soup_message_new ("GET", uri);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                              &error);
  g_assert_no_error (error);

  discovery = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (discovery, member));

  return g_strdup (json_object_get_string_member (discovery, member));
}

typedef struct
{
  gboolean  done;
  char     *uri;
  GError   *error;
} WindowResult;

static void
on_window_run (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  WindowResult *window_result = user_data;

  window_result->uri = oidc_sign_in_window_run_finish (result, &window_result->error);
  window_result->done = TRUE;
}

/* The S256 code challenge of @verifier (RFC 7636), which the provider requires. */
static char *
dup_code_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *encoded = NULL;
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  GString *challenge;

  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &digest_length);
  encoded = g_base64_encode (digest, digest_length);
  challenge = g_string_new (encoded);
  g_string_replace (challenge, "+", "-", 0);
  g_string_replace (challenge, "/", "_", 0);
  g_string_replace (challenge, "=", "", 0);

  return g_string_free (challenge, FALSE);
}

/* Shows the sign-in window for a bare authorization request of @auth (the contract of the
 * sign-in methods, without the core, so that no session kept in the keyring gets in the way),
 * lets @user sign in, and checks the provider's answer. */
static void
run_window (Fixture        *fixture,
            OidcOAuth2Auth *auth,
            OidcTestUser   *user)
{
  static const char * const scopes[] = { "openid", NULL };
  g_autofree char *endpoint = dup_discovered (fixture, "authorization_endpoint");
  g_autofree char *challenge = dup_code_challenge ("a-verifier-of-43-characters-or-more-as-"
                                                   "rfc-7636-wants");
  const char * const query[] = {
    "client_id", oidc_test_idp_get_client_id (fixture->idp),
    "response_type", "code",
    "scope", "openid",
    "state", "test-state",
    "code_challenge", challenge,
    "code_challenge_method", "S256",
    NULL
  };
  g_autoptr(OidcAuthorizationRequest) request = NULL;
  g_autoptr(GUri) answer = NULL;
  g_autoptr(GHashTable) params = NULL;
  WindowResult result = { 0 };

  request = oidc_authorization_request_new (OIDC_AUTH_API (auth), "Example ID",
                                            OIDC_AUTH_REQUEST_NONE, scopes, endpoint, query,
                                            fixture->redirect_uri);
  oidc_sign_in_window_run_async (request, NULL, NULL, on_window_run, &result);
  oidc_test_ui_wait_until (sign_in_window_shown, NULL);
  oidc_test_user_sit_down (user, oidc_sign_in_window_get_web_view (find_sign_in_window ()),
                           OIDC_TEST_USER_SIGNS_IN);
  oidc_test_wait (&result.done);
  oidc_test_user_leave (user);
  g_assert_no_error (result.error);
  g_assert_true (no_sign_in_window (NULL));

  /* The provider answered with a code for this very request. */
  g_assert_true (oidc_authorization_request_is_redirect (request, result.uri));
  answer = g_uri_parse (result.uri, G_URI_FLAGS_ENCODED, NULL);
  g_assert_nonnull (answer);
  params = g_uri_parse_params (g_uri_get_query (answer), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (params);
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "test-state");
  g_assert_nonnull (g_hash_table_lookup (params, "code"));
  g_free (result.uri);
}

static void
test_logout_clears_browser_data (Fixture       *fixture,
                                 gconstpointer  data)
{
  WebDataResult logout = { 0 };
  OidcTestUser first_user = { 0 };
  OidcTestUser second_user = { 0 };
  OidcTestUser third_user = { 0 };

  SKIP_WITHOUT_DISPLAY ();

  /* The provider keeps a session cookie in the provider's network session... */
  sign_in (fixture, fixture->auth, &first_user);
  g_assert_cmpuint (first_user.n_login_pages, ==, 1);
  g_assert_cmpuint (count_provider_cookies (fixture, fixture->auth), >, 0);

  /* ...so the next sign-in to the same provider skips the login form. */
  run_window (fixture, fixture->auth, &second_user);
  g_assert_cmpuint (second_user.n_login_pages, ==, 0);

  /* The logout forgets it, and the login form is back. */
  web_data_logout (fixture->auth, NULL, &logout);
  g_assert_no_error (logout.error);
  g_assert_true (logout.ok);
  g_assert_cmpuint (count_provider_cookies (fixture, fixture->auth), ==, 0);

  run_window (fixture, fixture->auth, &third_user);
  g_assert_cmpuint (third_user.n_login_pages, ==, 1);
}

static void
test_logout_end_session (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *post_logout = NULL;
  g_autofree char *end_session_uri = NULL;
  g_autoptr(GString) query = g_string_new (NULL);
  WebDataResult logout = { 0 };
  OidcTestUser first_user = { 0 };
  OidcTestUser second_user = { 0 };
  OidcTestResult result = { 0 };

  SKIP_WITHOUT_DISPLAY ();

  sign_in (fixture, fixture->auth, &first_user);
  oidc_test_get_id_token (fixture->auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);

  /* RP-initiated logout, as the core builds it: the provider's end-session endpoint with the ID
   * token as hint and a post-logout redirect URI of the app, which must not be loaded. */
  endpoint = dup_discovered (fixture, "end_session_endpoint");
  g_assert_true (g_str_has_prefix (endpoint, oidc_test_idp_get_issuer (fixture->idp)));
  post_logout = g_strdup_printf ("http://127.0.0.1:%u/logout", fixture->app_port);
  g_string_append (query, "id_token_hint=");
  g_string_append_uri_escaped (query, result.token, NULL, FALSE);
  g_string_append (query, "&post_logout_redirect_uri=");
  g_string_append_uri_escaped (query, post_logout, NULL, FALSE);
  g_string_append (query, "&client_id=");
  g_string_append_uri_escaped (query, oidc_test_idp_get_client_id (fixture->idp), NULL, FALSE);
  end_session_uri = g_strconcat (endpoint, "?", query->str, NULL);
  oidc_test_result_clear (&result);

  oidc_test_idp_reset_counts (fixture->idp);
  web_data_logout (fixture->auth, end_session_uri, &logout);
  g_assert_no_error (logout.error);
  g_assert_true (logout.ok);

  /* The provider ended its session (the confirmation was posted), the browser never went back
   * to the app, and the session's cookies are gone. */
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "end_session"), ==, 1);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "end_session_confirm"), ==, 1);
  g_assert_cmpuint (fixture->app_hits, ==, 0);
  g_assert_cmpuint (count_provider_cookies (fixture, fixture->auth), ==, 0);
  assert_no_web_process_left ();

  run_window (fixture, fixture->auth, &second_user);
  g_assert_cmpuint (second_user.n_login_pages, ==, 1);
}

static void
test_logout_timeout (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *hang = NULL;
  WebDataResult logout = { 0 };
  OidcTestUser user = { 0 };

  SKIP_WITHOUT_DISPLAY ();

  sign_in (fixture, fixture->auth, &user);
  g_assert_cmpuint (count_provider_cookies (fixture, fixture->auth), >, 0);

  /* An end-session page that never answers is abandoned and reported, and the browser data is
   * cleared all the same. */
  oidc_web_data_set_logout_timeout (1000);
  hang = g_strdup_printf ("http://127.0.0.1:%u/hang", fixture->app_port);
  web_data_logout (fixture->auth, hang, &logout);
  oidc_web_data_set_logout_timeout (0);

  g_assert_error (logout.error, OIDC_ERROR, OIDC_ERROR_NETWORK);
  g_assert_false (logout.ok);
  g_assert_cmpuint (count_provider_cookies (fixture, fixture->auth), ==, 0);
  g_clear_error (&logout.error);
  assert_no_web_process_left ();
}

#define ADD(path, func) \
  g_test_add ("/Oidc/UiWebView/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }

  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  int status;

  /* The browser data goes to folders of the test's own, never to the real home. (Not
   * G_TEST_OPTION_ISOLATE_DIRS: it also hides XDG_DATA_DIRS, and with it the icon theme the
   * screenshots should show.) */
  home = g_dir_make_tmp ("test-ui-webview-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      static const char * const names[] = { "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME" };
      g_autofree char *dir = g_build_filename (home, names[i] + strlen ("XDG_"), NULL);

      g_setenv (names[i], dir, TRUE);
    }

  /* The web and GPU processes outlive the tests, and would write their shader caches into the
   * folders removed below. */
  g_setenv ("MESA_SHADER_CACHE_DISABLE", "true", TRUE);

  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();

  g_test_add_func ("/Oidc/UiWebView/uri-policy", test_uri_policy);
  ADD ("sign-in", test_sign_in);
  ADD ("custom-scheme-redirect", test_custom_scheme_redirect);
  ADD ("no-web-process-left", test_no_web_process_left);
  ADD ("window-closed", test_window_closed);
  ADD ("cancel-link", test_cancel_link);
  ADD ("cancelled", test_cancelled);
  ADD ("insecure-page-refused", test_insecure_page_refused);
  ADD ("logout-clears-browser-data", test_logout_clears_browser_data);
  ADD ("logout-end-session", test_logout_end_session);
  ADD ("logout-timeout", test_logout_timeout);

  status = g_test_run ();
  remove_tree (home);

  return status;
}
