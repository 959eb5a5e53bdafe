/* test-ui-dialog.c: the login dialog and the default interaction, in real windows, against the
 * real test identity provider.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libsecret/secret.h>

#include "oidc-gtk.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-secret-store-private.h"
#include "oidc-sign-in-methods-private.h"
#include "oidc-test-idp.h"
#include "oidc-test-ui.h"
#include "oidc-test-util.h"
#include "oidc-web-data-private.h"

typedef struct
{
  OidcTestIdp    *idp;
  OidcOAuth2Auth *auth;
  OidcOAuth2Auth *other;
} Fixture;

static OidcLoginDialog *
get_dialog (void)
{
  return oidc_gtk_interaction_get_dialog (oidc_gtk_interaction_get_default ());
}

static gboolean
dialog_has_rows (gpointer data)
{
  OidcLoginDialog *dialog = get_dialog ();

  return dialog != NULL && gtk_widget_get_visible (GTK_WIDGET (dialog)) &&
         oidc_login_dialog_get_n_waiting (dialog) == GPOINTER_TO_UINT (data) &&
         gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
dialog_is_hidden (gpointer data)
{
  return !gtk_widget_get_visible (GTK_WIDGET (get_dialog ()));
}

static gboolean
sign_in_window_is_open (gpointer data)
{
  return oidc_test_ui_find_window_with (WEBKIT_TYPE_WEB_VIEW) != NULL;
}

static gboolean
sign_in_window_is_gone (gpointer data)
{
  return oidc_test_ui_find_window_with (WEBKIT_TYPE_WEB_VIEW) == NULL;
}

static WebKitWebView *
wait_for_web_view (void)
{
  oidc_test_ui_wait_until (sign_in_window_is_open, NULL);

  return WEBKIT_WEB_VIEW (oidc_test_ui_find_descendant (
    GTK_WIDGET (oidc_test_ui_find_window_with (WEBKIT_TYPE_WEB_VIEW)), WEBKIT_TYPE_WEB_VIEW));
}

static void
click_sign_in (guint row)
{
  GtkWidget *list = oidc_test_ui_find_descendant (GTK_WIDGET (get_dialog ()), GTK_TYPE_LIST_BOX);
  GtkListBoxRow *list_row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), row);
  GtkWidget *button = oidc_test_ui_find_button (GTK_WIDGET (list_row), "Sign In");

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate (button);
}

static const char *
row_error (guint row)
{
  GtkWidget *list = oidc_test_ui_find_descendant (GTK_WIDGET (get_dialog ()), GTK_TYPE_LIST_BOX);
  GtkListBoxRow *list_row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), row);

  for (GtkWidget *w = oidc_test_ui_find_descendant (GTK_WIDGET (list_row), GTK_TYPE_LABEL);
       w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "error") && gtk_widget_get_visible (w))
      return gtk_label_get_text (GTK_LABEL (w));

  return NULL;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->idp = oidc_test_idp_start (NULL, &error);
  g_assert_no_error (error);

  /* No interaction is set: the library's own dialog and windows take the user through. */
  fixture->auth = oidc_oauth2_auth_new (oidc_test_idp_get_issuer (fixture->idp),
                                        oidc_test_idp_get_client_id (fixture->idp));
  oidc_oauth2_auth_set_display_name (fixture->auth, "Example Identity");
  fixture->other = g_object_new (OIDC_TYPE_OAUTH2_AUTH,
                                 "issuer", oidc_test_idp_get_issuer (fixture->idp),
                                 "client-id", OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_ID,
                                 "client-secret", OIDC_TEST_IDP_CONFIDENTIAL_CLIENT_SECRET,
                                 "display-name", "Example Workspace",
                                 NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  oidc_test_ui_wait_until (sign_in_window_is_gone, NULL);
  g_clear_object (&fixture->auth);
  g_clear_object (&fixture->other);
  oidc_test_idp_stop (fixture->idp);
}

static void
test_three_callers_one_row (Fixture       *fixture,
                            gconstpointer  data)
{
  OidcTestResult results[3] = { 0 };
  g_autofree char *shot = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &results[i]);

  /* One provider, one row, however many callers. */
  oidc_test_ui_wait_until (dialog_has_rows, GUINT_TO_POINTER (1));
  shot = oidc_test_ui_save_screenshot (GTK_WIDGET (get_dialog ()), "login-dialog");

  click_sign_in (0);
  oidc_test_ui_fill_forms (wait_for_web_view (), "alice", FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      oidc_test_wait (&results[i].done);
      g_assert_no_error (results[i].error);
      g_assert_nonnull (results[i].token);
      g_assert_cmpstr (results[i].token, ==, results[0].token);
    }

  oidc_test_ui_wait_until (dialog_is_hidden, NULL);
  g_assert_cmpuint (oidc_login_dialog_get_n_waiting (get_dialog ()), ==, 0);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "token"), ==, 1);
  /* The library's own interaction did it; the provider's property stays as the app left it. */
  g_assert_null (oidc_oauth2_auth_get_interaction (fixture->auth));

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_result_clear (&results[i]);
}

static void
test_reject_all (Fixture       *fixture,
                 gconstpointer  data)
{
  OidcTestResult first = { 0 };
  OidcTestResult second = { 0 };
  g_autofree char *shot = NULL;

  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &first);
  oidc_test_start_id_token (fixture->other, OIDC_AUTH_REQUEST_NONE, NULL, &second);
  oidc_test_ui_wait_until (dialog_has_rows, GUINT_TO_POINTER (2));
  shot = oidc_test_ui_save_screenshot (GTK_WIDGET (get_dialog ()), "login-dialog-two-providers");

  gtk_widget_activate (oidc_test_ui_find_button (GTK_WIDGET (get_dialog ()), "Reject All"));

  oidc_test_wait (&first.done);
  oidc_test_wait (&second.done);
  g_assert_error (first.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  g_assert_error (second.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (get_dialog ())));
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "authorization"), ==, 0);
  oidc_test_result_clear (&first);
  oidc_test_result_clear (&second);
}

static GtkShortcut *
find_escape_shortcut (GtkWidget *widget)
{
  g_autoptr(GtkShortcutTrigger) escape = gtk_keyval_trigger_new (GDK_KEY_Escape, 0);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  /* The class's key bindings live in a shortcut controller of the widget. */
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), escape))
            return shortcut;  /* the dialog's class keeps it alive */
        }
    }

  return NULL;
}

static void
test_close_dialog_rejects (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkShortcut *escape;
  OidcTestResult result = { 0 };

  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &result);
  oidc_test_ui_wait_until (dialog_has_rows, GUINT_TO_POINTER (1));

  gtk_window_close (GTK_WINDOW (get_dialog ()));
  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  oidc_test_result_clear (&result);

  /* Escape does the same: the dialog's shortcut for the Escape key is what runs. */
  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &result);
  oidc_test_ui_wait_until (dialog_has_rows, GUINT_TO_POINTER (1));
  escape = find_escape_shortcut (GTK_WIDGET (get_dialog ()));
  g_assert_nonnull (escape);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (escape), 0,
                                               GTK_WIDGET (get_dialog ()), NULL));
  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  oidc_test_result_clear (&result);
}

static void
test_window_closed_keeps_row (Fixture       *fixture,
                              gconstpointer  data)
{
  OidcTestResult result = { 0 };
  const char *error_text;

  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &result);
  oidc_test_ui_wait_until (dialog_has_rows, GUINT_TO_POINTER (1));

  /* The user closes the sign-in window: the error shows under the row, which stays. */
  click_sign_in (0);
  wait_for_web_view ();
  gtk_window_close (oidc_test_ui_find_window_with (WEBKIT_TYPE_WEB_VIEW));
  oidc_test_ui_wait_until (sign_in_window_is_gone, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_false (result.done);
  g_assert_cmpuint (oidc_login_dialog_get_n_waiting (get_dialog ()), ==, 1);
  error_text = row_error (0);
  g_assert_nonnull (error_text);
  g_test_message ("Error under the row: %s", error_text);
  g_free (oidc_test_ui_save_screenshot (GTK_WIDGET (get_dialog ()), "login-dialog-error"));

  /* Another try succeeds. */
  click_sign_in (0);
  oidc_test_ui_fill_forms (wait_for_web_view (), "alice", FALSE);
  oidc_test_wait (&result.done);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  oidc_test_result_clear (&result);
}

static void
test_provider_cancel_rejects (Fixture       *fixture,
                              gconstpointer  data)
{
  OidcTestResult result = { 0 };

  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &result);
  oidc_test_ui_wait_until (dialog_has_rows, GUINT_TO_POINTER (1));

  /* The user follows "Cancel" on the provider's own page. */
  click_sign_in (0);
  oidc_test_ui_fill_forms (wait_for_web_view (), "alice", TRUE);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  oidc_test_ui_wait_until (dialog_is_hidden, NULL);
  oidc_test_result_clear (&result);
}

static void
test_instant_popup (Fixture       *fixture,
                    gconstpointer  data)
{
  OidcTestResult result = { 0 };

  /* The window opens at once; no dialog. */
  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_INSTANT_POPUP, NULL, &result);
  oidc_test_ui_fill_forms (wait_for_web_view (), "alice", FALSE);
  g_assert_true (get_dialog () == NULL || !gtk_widget_get_visible (GTK_WIDGET (get_dialog ())));

  oidc_test_wait (&result.done);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  oidc_test_result_clear (&result);
}

static void
test_caller_gone_removes_row (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OidcTestResult result = { 0 };

  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, cancellable, &result);
  oidc_test_ui_wait_until (dialog_has_rows, GUINT_TO_POINTER (1));

  /* Nobody waits any more: the row goes, and with it the dialog. */
  g_cancellable_cancel (cancellable);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  oidc_test_ui_wait_until (dialog_is_hidden, NULL);
  g_assert_cmpuint (oidc_login_dialog_get_n_waiting (get_dialog ()), ==, 0);
  oidc_test_result_clear (&result);
}

static char *
lookup_keyring_item (OidcOAuth2Auth *auth)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            g_free);
  g_autoptr(GError) error = NULL;
  char *secret;

  g_hash_table_insert (attributes, (gpointer) "application",
                       oidc_secret_store_dup_application ());
  g_hash_table_insert (attributes, (gpointer) "issuer",
                       g_strdup (oidc_oauth2_auth_get_issuer (auth)));
  g_hash_table_insert (attributes, (gpointer) "client-id",
                       g_strdup (oidc_oauth2_auth_get_client_id (auth)));
  secret = secret_password_lookupv_sync (oidc_secret_store_get_schema (), attributes, NULL,
                                         &error);
  g_assert_no_error (error);

  return secret;
}

typedef struct
{
  gboolean  done;
  GList    *cookies;
} Cookies;

static void
on_cookies (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Cookies *cookies = user_data;
  g_autoptr(GError) error = NULL;

  cookies->cookies = webkit_cookie_manager_get_cookies_finish (WEBKIT_COOKIE_MANAGER (object),
                                                               result, &error);
  g_assert_no_error (error);
  cookies->done = TRUE;
}

static guint
count_provider_cookies (OidcOAuth2Auth *auth)
{
  WebKitNetworkSession *session =
    oidc_web_data_get_network_session (oidc_web_data_get_default (), auth);
  Cookies cookies = { 0 };
  guint n;

  webkit_cookie_manager_get_cookies (webkit_network_session_get_cookie_manager (session),
                                     oidc_oauth2_auth_get_issuer (auth), NULL, on_cookies,
                                     &cookies);
  oidc_test_wait (&cookies.done);
  n = g_list_length (cookies.cookies);
  g_list_free_full (cookies.cookies, (GDestroyNotify) soup_cookie_free);

  return n;
}

static void
sign_in_through_window (Fixture        *fixture,
                        OidcTestResult *result)
{
  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_INSTANT_POPUP, NULL, result);
  oidc_test_ui_fill_forms (wait_for_web_view (), "alice", FALSE);
  oidc_test_wait (&result->done);
  g_assert_no_error (result->error);
  g_assert_nonnull (result->token);
}

static void
test_logout_ends_everything (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *refresh = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *secret = NULL;
  OidcTestResult logout = { 0 };
  OidcTestResult result = { 0 };
  GPtrArray *pages = oidc_test_ui_get_pages_seen ();

  /* Sign in through the library's own window; the provider remembers the user by a cookie,
   * and the session is saved in the keyring. */
  g_ptr_array_set_size (pages, 0);
  sign_in_through_window (fixture, &result);
  g_assert_cmpuint (pages->len, >=, 1);
  g_assert_cmpstr (pages->pdata[0], ==, "login");
  refresh = oidc_oauth2_auth_dup_refresh_token (fixture->auth);
  g_assert_nonnull (refresh);
  secret = lookup_keyring_item (fixture->auth);
  g_assert_nonnull (secret);
  g_assert_cmpuint (count_provider_cookies (fixture->auth), >, 0);

  oidc_test_logout (fixture->auth, &logout);
  g_assert_no_error (logout.error);
  g_assert_true (logout.ok);

  /* Nothing is left: not at the provider, not in the keyring, not in the browser. */
  refused = oidc_test_idp_try_refresh (fixture->idp, refresh);
  g_assert_cmpstr (refused, ==, "invalid_grant");
  g_clear_pointer (&secret, g_free);
  secret = lookup_keyring_item (fixture->auth);
  g_assert_null (secret);
  g_assert_cmpuint (count_provider_cookies (fixture->auth), ==, 0);

  /* The next sign-in asks for the login again instead of reusing a provider cookie. */
  g_ptr_array_set_size (pages, 0);
  sign_in_through_window (fixture, &result);
  g_assert_cmpuint (pages->len, >=, 1);
  g_assert_cmpstr (pages->pdata[0], ==, "login");
  oidc_test_result_clear (&result);
}

static void
test_provider_remembers_user (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) again = NULL;
  GPtrArray *pages = oidc_test_ui_get_pages_seen ();
  OidcTestResult result = { 0 };

  /* Without a logout, the provider's cookie spares the user the login form: the check above
   * would mean nothing if this did not hold. */
  sign_in_through_window (fixture, &result);
  again = oidc_oauth2_auth_new (oidc_oauth2_auth_get_issuer (fixture->auth),
                                oidc_oauth2_auth_get_client_id (fixture->auth));
  oidc_oauth2_auth_set_remember_session (again, FALSE);
  g_object_unref (fixture->auth);
  fixture->auth = g_steal_pointer (&again);

  g_ptr_array_set_size (pages, 0);
  sign_in_through_window (fixture, &result);
  g_assert_cmpuint (pages->len, >=, 1);
  g_assert_cmpstr (pages->pdata[0], !=, "login");
  oidc_test_result_clear (&result);
}

static char *launched_uri;

static void
record_launch (const char *uri,
               GtkWindow  *parent,
               gpointer    user_data)
{
  g_free (launched_uri);
  launched_uri = g_strdup (uri);
}

static gboolean
browser_was_launched (gpointer data)
{
  return launched_uri != NULL;
}

/* Which way the library's own interaction takes, given the provider's sign-in method and
 * whether the provider forbids embedded views (as Google does). */
static void
assert_sign_in_goes_to (Fixture          *fixture,
                        OidcSignInMethod  method,
                        gboolean          forbids_embedded,
                        gboolean          browser)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OidcTestResult result = { 0 };

  g_clear_pointer (&launched_uri, g_free);
  oidc_browser_sign_in_set_launcher (record_launch, NULL);
  oidc_oauth2_auth_set_sign_in_method (fixture->auth, method);
  oidc_oauth2_auth_set_forbids_embedded (fixture->auth, forbids_embedded);

  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_INSTANT_POPUP, cancellable,
                            &result);
  if (browser)
    {
      g_autoptr(GUri) uri = NULL;
      g_autoptr(GHashTable) params = NULL;

      /* The system browser gets the page, with a loopback redirect of a port of our own. */
      oidc_test_ui_wait_until (browser_was_launched, NULL);
      uri = g_uri_parse (launched_uri, G_URI_FLAGS_ENCODED, NULL);
      params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
      g_assert_true (g_str_has_prefix (g_hash_table_lookup (params, "redirect_uri"),
                                       "http://127.0.0.1:"));
      g_assert_null (oidc_test_ui_find_window_with (WEBKIT_TYPE_WEB_VIEW));
    }
  else
    {
      wait_for_web_view ();
      g_assert_null (launched_uri);
    }

  g_cancellable_cancel (cancellable);
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  oidc_test_result_clear (&result);
  oidc_test_ui_wait_until (sign_in_window_is_gone, NULL);
  oidc_browser_sign_in_set_launcher (NULL, NULL);
}

static void
test_sign_in_method (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_sign_in_goes_to (fixture, OIDC_SIGN_IN_METHOD_AUTOMATIC, FALSE, FALSE);
  assert_sign_in_goes_to (fixture, OIDC_SIGN_IN_METHOD_AUTOMATIC, TRUE, TRUE);
  assert_sign_in_goes_to (fixture, OIDC_SIGN_IN_METHOD_BROWSER, FALSE, TRUE);
  assert_sign_in_goes_to (fixture, OIDC_SIGN_IN_METHOD_EMBEDDED, TRUE, FALSE);
  g_clear_pointer (&launched_uri, g_free);
}

static gboolean
own_dialog_has_row (gpointer data)
{
  OidcLoginDialog *dialog = data;

  return gtk_widget_get_mapped (GTK_WIDGET (dialog)) &&
         oidc_login_dialog_get_n_waiting (dialog) == 1;
}

static gboolean
is_toplevel (GtkWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) item = g_list_model_get_item (toplevels, i);

      if (item == window)
        return TRUE;
    }

  return FALSE;
}

static void
test_app_places_dialog (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(OidcGtkInteraction) interaction = oidc_gtk_interaction_new ();
  OidcLoginDialog *dialog = oidc_login_dialog_new ();
  GtkWidget *parent = gtk_window_new ();
  OidcTestResult result = { 0 };

  /* The application creates the dialog, makes it its own and gives it to the library. */
  gtk_window_set_title (GTK_WINDOW (parent), "Application");
  gtk_window_present (GTK_WINDOW (parent));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (parent));
  oidc_gtk_interaction_set_dialog (interaction, dialog);
  oidc_gtk_interaction_set_parent (interaction, GTK_WINDOW (parent));
  g_assert_true (oidc_gtk_interaction_get_dialog (interaction) == dialog);
  oidc_oauth2_auth_set_interaction (fixture->auth, OIDC_INTERACTION (interaction));

  oidc_test_start_id_token (fixture->auth, OIDC_AUTH_REQUEST_NONE, NULL, &result);
  oidc_test_ui_wait_until (own_dialog_has_row, dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (parent));
  /* The library's default dialog stayed out of it. */
  g_assert_true (get_dialog () == NULL || oidc_login_dialog_get_n_waiting (get_dialog ()) == 0);

  gtk_widget_activate (oidc_test_ui_find_button (GTK_WIDGET (dialog), "Reject All"));
  oidc_test_wait (&result.done);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_REJECTED);
  oidc_test_result_clear (&result);

  /* The dialog outlives the library's interaction: it is the application's. */
  oidc_oauth2_auth_set_interaction (fixture->auth, NULL);
  g_clear_object (&interaction);
  g_assert_true (is_toplevel (GTK_WINDOW (dialog)));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (dialog);
  gtk_window_destroy (GTK_WINDOW (parent));
}

#define ADD(path, func) \
  g_test_add ("/Oidc/Ui/Dialog/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("oidc-test-ui-XXXXXX", NULL);
  g_autofree char *data_home = g_build_filename (home, "data", NULL);
  g_autofree char *cache_home = g_build_filename (home, "cache", NULL);

  /* The embedded browser keeps its data under the user's data folder: a throw-away one. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);

  ADD ("three-callers-one-row", test_three_callers_one_row);
  ADD ("reject-all", test_reject_all);
  ADD ("close-dialog-rejects", test_close_dialog_rejects);
  ADD ("window-closed-keeps-row", test_window_closed_keeps_row);
  ADD ("provider-cancel-rejects", test_provider_cancel_rejects);
  ADD ("instant-popup", test_instant_popup);
  ADD ("caller-gone-removes-row", test_caller_gone_removes_row);
  ADD ("provider-remembers-user", test_provider_remembers_user);
  ADD ("logout-ends-everything", test_logout_ends_everything);
  ADD ("sign-in-method", test_sign_in_method);
  ADD ("app-places-dialog", test_app_places_dialog);

  return g_test_run ();
}
