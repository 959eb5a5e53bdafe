/* oidc-web-data.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "oidc-error.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-sign-in-methods-private.h"
#include "oidc-http-private.h"
#include "oidc-web-data-private.h"

/* The folder under the user's data and cache directories that holds the browser data of each
 * provider, one subfolder per storage ID. */
#define WEB_DATA_FOLDER "oidc"

/* How long a logout waits for the provider's end-session page to send it on. */
#define DEFAULT_LOGOUT_TIMEOUT_MS (15 * 1000)

/* After the end-session page has loaded, how long to wait for it to move on by itself (a
 * confirmation form submitted by a script, a redirect by a timer) before taking it as done. */
#define LOGOUT_SETTLE_MS 1000

struct _OidcWebData
{
  GObject               parent_instance;

  /* Storage ID → WebKitNetworkSession */
  GHashTable           *sessions;
  /* For providers that are not OidcOAuth2Auth: nothing to remember them by, so nothing kept. */
  WebKitNetworkSession *ephemeral_session;
};

G_DEFINE_FINAL_TYPE (OidcWebData, oidc_web_data, G_TYPE_OBJECT)

static guint logout_timeout_ms = DEFAULT_LOGOUT_TIMEOUT_MS;

static void
oidc_web_data_dispose (GObject *object)
{
  OidcWebData *self = OIDC_WEB_DATA (object);

  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_object (&self->ephemeral_session);

  G_OBJECT_CLASS (oidc_web_data_parent_class)->dispose (object);
}

static void
oidc_web_data_class_init (OidcWebDataClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = oidc_web_data_dispose;
}

static void
oidc_web_data_init (OidcWebData *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * oidc_web_data_get_default:
 *
 * Gets the registry of the process. It lives as long as the process, like the network process
 * that holds its sessions.
 *
 * Returns: (transfer none): the registry
 */
OidcWebData *
oidc_web_data_get_default (void)
{
  static OidcWebData *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, g_object_new (OIDC_TYPE_WEB_DATA, NULL));

  return instance;
}

/* The application's folder name: its ID when it has one, else the program's name. */
static char *
dup_app_folder_name (void)
{
  GApplication *app = g_application_get_default ();
  const char *name = NULL;
  g_autofree char *folder = NULL;

  if (app != NULL)
    name = g_application_get_application_id (app);
  if (name == NULL)
    name = g_get_prgname ();
  if (name == NULL || *name == '\0')
    name = "liboidc-gtk";

  /* A program's name may be the path it was started by. */
  folder = g_path_get_basename (name);
  if (g_str_equal (folder, ".") || g_str_equal (folder, G_DIR_SEPARATOR_S))
    {
      g_free (folder);
      folder = g_strdup ("liboidc-gtk");
    }

  return g_steal_pointer (&folder);
}

static void
on_download_started (WebKitNetworkSession *session,
                     WebKitDownload       *download,
                     gpointer              user_data)
{
  /* A sign-in page has nothing to download, and a download would write where the page says. */
  g_debug ("Refusing a download from a sign-in page");
  webkit_download_cancel (download);
}

static void
configure_session (WebKitNetworkSession *session)
{
  webkit_network_session_set_tls_errors_policy (session, WEBKIT_TLS_ERRORS_POLICY_FAIL);
  /* Passwords of HTTP authentication stay in memory: the provider remembers the user by its
   * cookies, not by a password the library would keep. */
  webkit_network_session_set_persistent_credential_storage_enabled (session, FALSE);
  g_signal_connect (session, "download-started", G_CALLBACK (on_download_started), NULL);
}

static WebKitNetworkSession *
create_session (const char *storage_id)
{
  g_autofree char *app = dup_app_folder_name ();
  g_autofree char *data_dir = NULL;
  g_autofree char *cache_dir = NULL;
  WebKitNetworkSession *session;

  data_dir = g_build_filename (g_get_user_data_dir (), app, WEB_DATA_FOLDER, storage_id, NULL);
  cache_dir = g_build_filename (g_get_user_cache_dir (), app, WEB_DATA_FOLDER, storage_id, NULL);

  /* Cookies are credentials: only the user may read them. WebKit would create the folders with
   * the umask's permissions. */
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    g_warning ("Could not create %s: %s", data_dir, g_strerror (errno));
  if (g_mkdir_with_parents (cache_dir, 0700) != 0)
    g_warning ("Could not create %s: %s", cache_dir, g_strerror (errno));

  g_debug ("Browser data of provider %s in %s", storage_id, data_dir);

  session = webkit_network_session_new (data_dir, cache_dir);
  configure_session (session);

  return session;
}

/**
 * oidc_web_data_get_network_session:
 * @self: the registry
 * @auth: a provider
 *
 * Gets the network session of @auth, creating it on first use. Providers with the same issuer
 * and client ID share one.
 *
 * Returns: (transfer none): the session
 */
WebKitNetworkSession *
oidc_web_data_get_network_session (OidcWebData    *self,
                                   OidcOAuth2Auth *auth)
{
  g_autofree char *storage_id = NULL;
  WebKitNetworkSession *session;

  g_return_val_if_fail (OIDC_IS_WEB_DATA (self), NULL);
  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (auth), NULL);

  storage_id = oidc_oauth2_auth_dup_storage_id (auth);
  session = g_hash_table_lookup (self->sessions, storage_id);
  if (session == NULL)
    {
      session = create_session (storage_id);
      g_hash_table_insert (self->sessions, g_steal_pointer (&storage_id), session);
    }

  return session;
}

/**
 * oidc_web_data_get_session_for:
 * @self: the registry
 * @provider: a provider
 *
 * Gets the network session for @provider's pages: its own when it is an [class@OAuth2Auth],
 * else one that keeps nothing on disk.
 *
 * Returns: (transfer none): the session
 */
WebKitNetworkSession *
oidc_web_data_get_session_for (OidcWebData *self,
                               OidcAuthApi *provider)
{
  g_return_val_if_fail (OIDC_IS_WEB_DATA (self), NULL);
  g_return_val_if_fail (OIDC_IS_AUTH_API (provider), NULL);

  if (OIDC_IS_OAUTH2_AUTH (provider))
    return oidc_web_data_get_network_session (self, OIDC_OAUTH2_AUTH (provider));

  if (self->ephemeral_session == NULL)
    {
      self->ephemeral_session = webkit_network_session_new_ephemeral ();
      configure_session (self->ephemeral_session);
    }

  return self->ephemeral_session;
}

/* Web views */

static void
on_context_menu (WebKitWebView       *view,
                 WebKitContextMenu   *menu,
                 WebKitHitTestResult *hit_test_result,
                 gpointer             user_data)
{
  static const WebKitContextMenuAction refused[] = {
    WEBKIT_CONTEXT_MENU_ACTION_OPEN_LINK_IN_NEW_WINDOW,
    WEBKIT_CONTEXT_MENU_ACTION_DOWNLOAD_LINK_TO_DISK,
    WEBKIT_CONTEXT_MENU_ACTION_OPEN_IMAGE_IN_NEW_WINDOW,
    WEBKIT_CONTEXT_MENU_ACTION_DOWNLOAD_IMAGE_TO_DISK,
    WEBKIT_CONTEXT_MENU_ACTION_OPEN_FRAME_IN_NEW_WINDOW,
    WEBKIT_CONTEXT_MENU_ACTION_OPEN_VIDEO_IN_NEW_WINDOW,
    WEBKIT_CONTEXT_MENU_ACTION_OPEN_AUDIO_IN_NEW_WINDOW,
    WEBKIT_CONTEXT_MENU_ACTION_DOWNLOAD_VIDEO_TO_DISK,
    WEBKIT_CONTEXT_MENU_ACTION_DOWNLOAD_AUDIO_TO_DISK,
    WEBKIT_CONTEXT_MENU_ACTION_INSPECT_ELEMENT,
  };
  GList *items = g_list_copy (webkit_context_menu_get_items (menu));

  /* The window has no second window to open and nowhere to download to. */
  for (const GList *l = items; l != NULL; l = l->next)
    {
      WebKitContextMenuItem *item = l->data;
      WebKitContextMenuAction action = webkit_context_menu_item_get_stock_action (item);

      for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
        {
          if (action == refused[i])
            {
              webkit_context_menu_remove (menu, item);
              break;
            }
        }
    }

  g_list_free (items);
}

static gboolean
on_permission_request (WebKitWebView           *view,
                       WebKitPermissionRequest *request,
                       gpointer                 user_data)
{
  /* Camera, location, notifications, pointer lock, clipboard: a sign-in page gets none. */
  webkit_permission_request_deny (request);
  return TRUE;
}

/**
 * oidc_web_data_create_web_view:
 * @session: the provider's network session
 *
 * Creates a web view for a provider's pages. It has a WebKitWebContext of its own, so its web
 * process ends when the view goes; no script message handler, URI scheme or web process
 * extension gives its pages a way into the application; and file access, developer tools,
 * clipboard access and pop-up windows are off.
 *
 * Returns: (transfer full): a new web view, not floating
 */
WebKitWebView *
oidc_web_data_create_web_view (WebKitNetworkSession *session)
{
  g_autoptr(WebKitWebContext) context = NULL;
  g_autoptr(WebKitSettings) settings = NULL;
  g_autoptr(WebKitUserContentManager) content = NULL;
  WebKitWebView *view;

  g_return_val_if_fail (WEBKIT_IS_NETWORK_SESSION (session), NULL);

  context = webkit_web_context_new ();
  content = webkit_user_content_manager_new ();
  settings = webkit_settings_new_with_settings ("enable-developer-extras", FALSE,
                                                "allow-file-access-from-file-urls", FALSE,
                                                "allow-universal-access-from-file-urls", FALSE,
                                                "allow-top-navigation-to-data-urls", FALSE,
                                                "javascript-can-access-clipboard", FALSE,
                                                "javascript-can-open-windows-automatically", FALSE,
                                                "enable-back-forward-navigation-gestures", FALSE,
                                                "enable-page-cache", FALSE,
                                                "enable-fullscreen", FALSE,
                                                "enable-webrtc", FALSE,
                                                "enable-media-stream", FALSE,
                                                "enable-webaudio", FALSE,
                                                "enable-encrypted-media", FALSE,
                                                "enable-write-console-messages-to-stdout", FALSE,
                                                NULL);

  view = g_object_new (WEBKIT_TYPE_WEB_VIEW,
                       "web-context", context,
                       "network-session", session,
                       "user-content-manager", content,
                       "settings", settings,
                       NULL);
  g_object_ref_sink (view);

  g_signal_connect (view, "context-menu", G_CALLBACK (on_context_menu), NULL);
  g_signal_connect (view, "permission-request", G_CALLBACK (on_permission_request), NULL);

  return view;
}

/**
 * oidc_web_data_uri_is_loopback:
 * @uri: a URI
 *
 * Tells whether @uri names this computer: `localhost` or a loopback address.
 *
 * Returns: whether the host of @uri is a loopback host
 */
gboolean
oidc_web_data_uri_is_loopback (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);

  return parsed != NULL && oidc_host_is_loopback (g_uri_get_host (parsed));
}

/**
 * oidc_web_data_uri_is_allowed:
 * @uri: a URI a web view is about to load
 *
 * Tells whether a web view of the library may load @uri: HTTPS, and plain HTTP to this
 * computer only; `about:`, `data:` and `blob:` for what pages make of their own.
 *
 * Returns: whether @uri may be loaded
 */
gboolean
oidc_web_data_uri_is_allowed (const char *uri)
{
  g_autofree char *scheme = g_uri_parse_scheme (uri);

  if (scheme == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (scheme, "https") == 0 ||
      g_ascii_strcasecmp (scheme, "about") == 0 ||
      g_ascii_strcasecmp (scheme, "data") == 0 ||
      g_ascii_strcasecmp (scheme, "blob") == 0)
    return TRUE;

  if (g_ascii_strcasecmp (scheme, "http") == 0)
    return oidc_web_data_uri_is_loopback (uri);

  return FALSE;
}

void
oidc_web_data_set_logout_timeout (guint milliseconds)
{
  logout_timeout_ms = milliseconds > 0 ? milliseconds : DEFAULT_LOGOUT_TIMEOUT_MS;
}

/* Logout */

typedef struct
{
  WebKitNetworkSession *session;
  WebKitWebView        *view;
  GUri                 *post_logout_redirect;
  char                 *issuer;
  GError               *visit_error;
  GSource              *cancelled_source;
  guint                 timeout_id;
  guint                 settle_id;
  guint                 done_id;
  gboolean              visiting;
} Logout;

static void
logout_free (Logout *logout)
{
  g_assert (logout->view == NULL);
  g_assert (logout->cancelled_source == NULL);
  g_assert (logout->timeout_id == 0);
  g_assert (logout->settle_id == 0);
  g_assert (logout->done_id == 0);

  g_clear_object (&logout->session);
  g_clear_pointer (&logout->post_logout_redirect, g_uri_unref);
  g_free (logout->issuer);
  g_clear_error (&logout->visit_error);
  g_free (logout);
}

static void
on_data_cleared (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Logout *logout = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!webkit_website_data_manager_clear_finish (WEBKIT_WEBSITE_DATA_MANAGER (object), result,
                                                 &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_debug ("Could not clear the browser data of %s: %s", logout->issuer, error->message);
      g_prefix_error (&error, _("Could not forget what the sign-in page stored: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Cleared the browser data of %s", logout->issuer);

  /* The local state is gone in any case; what failed at the provider is still worth telling. */
  if (logout->visit_error != NULL)
    g_task_return_error (task, g_steal_pointer (&logout->visit_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
clear_data (GTask *task)
{
  Logout *logout = g_task_get_task_data (task);
  WebKitWebsiteDataManager *manager;

  if (g_task_return_error_if_cancelled (task))
    return;

  manager = webkit_network_session_get_website_data_manager (logout->session);
  webkit_website_data_manager_clear (manager, WEBKIT_WEBSITE_DATA_ALL, 0,
                                     g_task_get_cancellable (task),
                                     on_data_cleared, g_object_ref (task));
}

/* Holds the reference the visit held on @user_data. */
static gboolean
on_visit_done (gpointer user_data)
{
  GTask *task = user_data;
  Logout *logout = g_task_get_task_data (task);

  logout->done_id = 0;

  /* The view goes now, outside its own signal emissions; its web context and web process go
   * with it. */
  g_clear_object (&logout->view);

  clear_data (task);

  return G_SOURCE_REMOVE;
}

/* Ends the visit of the end-session page: @error (taken) says why it went wrong, if it did. */
static void
finish_visit (GTask  *task,
              GError *error)
{
  Logout *logout = g_task_get_task_data (task);

  if (!logout->visiting)
    {
      g_clear_error (&error);
      return;
    }

  logout->visiting = FALSE;
  g_clear_handle_id (&logout->timeout_id, g_source_remove);
  g_clear_handle_id (&logout->settle_id, g_source_remove);
  if (logout->cancelled_source != NULL)
    g_source_destroy (logout->cancelled_source);
  g_clear_pointer (&logout->cancelled_source, g_source_unref);
  g_signal_handlers_disconnect_by_data (logout->view, task);

  if (error != NULL)
    g_debug ("The end-session page of %s: %s", logout->issuer, error->message);
  else
    g_debug ("Visited the end-session page of %s", logout->issuer);
  logout->visit_error = error;

  /* The idle takes over the visit's reference on the task. */
  logout->done_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_visit_done, task, g_object_unref);
}

static gboolean
on_visit_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Logout *logout = g_task_get_task_data (task);
  guint seconds;

  logout->timeout_id = 0;
  seconds = (logout_timeout_ms + 999) / 1000;
  finish_visit (task, g_error_new (OIDC_ERROR, OIDC_ERROR_NETWORK,
                                   g_dngettext (GETTEXT_PACKAGE,
                                                "The provider did not end its session within "
                                                "%u second",
                                                "The provider did not end its session within "
                                                "%u seconds",
                                                seconds),
                                   seconds));

  return G_SOURCE_REMOVE;
}

static gboolean
on_visit_settled (gpointer user_data)
{
  GTask *task = user_data;
  Logout *logout = g_task_get_task_data (task);

  logout->settle_id = 0;
  finish_visit (task, NULL);

  return G_SOURCE_REMOVE;
}

static gboolean
is_post_logout_redirect (Logout     *logout,
                         const char *uri)
{
  g_autoptr(GUri) actual = NULL;
  GUri *expected = logout->post_logout_redirect;

  if (expected == NULL)
    return FALSE;

  actual = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);

  return actual != NULL &&
         g_strcmp0 (g_uri_get_scheme (actual), g_uri_get_scheme (expected)) == 0 &&
         g_strcmp0 (g_uri_get_host (actual), g_uri_get_host (expected)) == 0 &&
         g_uri_get_port (actual) == g_uri_get_port (expected) &&
         g_strcmp0 (g_uri_get_path (actual), g_uri_get_path (expected)) == 0;
}

static gboolean
on_logout_decide_policy (WebKitWebView            *view,
                         WebKitPolicyDecision     *decision,
                         WebKitPolicyDecisionType  type,
                         gpointer                  user_data)
{
  GTask *task = user_data;
  Logout *logout = g_task_get_task_data (task);
  WebKitNavigationAction *action;
  const char *uri;

  if (type == WEBKIT_POLICY_DECISION_TYPE_RESPONSE)
    {
      if (webkit_response_policy_decision_is_mime_type_supported (
            WEBKIT_RESPONSE_POLICY_DECISION (decision)))
        return FALSE;

      webkit_policy_decision_ignore (decision);
      return TRUE;
    }

  action = webkit_navigation_policy_decision_get_navigation_action (
    WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));

  /* The page moves on: it has not settled yet. */
  g_clear_handle_id (&logout->settle_id, g_source_remove);

  if (is_post_logout_redirect (logout, uri))
    {
      /* The provider is done and sends the browser back to the app, which is not there to
       * answer: stop here. */
      g_debug ("The end-session page of %s sent the browser back to the app", logout->issuer);
      webkit_policy_decision_ignore (decision);
      finish_visit (task, NULL);
      return TRUE;
    }

  if (type == WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION || !oidc_web_data_uri_is_allowed (uri))
    {
      g_debug ("The end-session page of %s tried to leave for a page the library refuses",
               logout->issuer);
      webkit_policy_decision_ignore (decision);
      return TRUE;
    }

  return FALSE;
}

static void
on_logout_load_changed (WebKitWebView   *view,
                        WebKitLoadEvent  event,
                        gpointer         user_data)
{
  GTask *task = user_data;
  Logout *logout = g_task_get_task_data (task);

  if (event == WEBKIT_LOAD_STARTED)
    {
      g_clear_handle_id (&logout->settle_id, g_source_remove);
    }
  else if (event == WEBKIT_LOAD_FINISHED)
    {
      g_clear_handle_id (&logout->settle_id, g_source_remove);
      logout->settle_id = g_timeout_add (LOGOUT_SETTLE_MS, on_visit_settled, task);
    }
}

static gboolean
on_logout_load_failed (WebKitWebView   *view,
                       WebKitLoadEvent  event,
                       const char      *failing_uri,
                       GError          *error,
                       gpointer         user_data)
{
  GTask *task = user_data;

  /* What the policy stopped is not a failure: the redirect back to the app, or a refused
   * page, which the settle timer or the timeout deal with. */
  if (g_error_matches (error, WEBKIT_POLICY_ERROR,
                       WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE) ||
      g_error_matches (error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED))
    return TRUE;

  finish_visit (task, g_error_new (OIDC_ERROR, OIDC_ERROR_NETWORK,
                                   _("Could not end the session at the provider: %s"),
                                   error->message));
  return TRUE;
}

static void
on_logout_web_process_terminated (WebKitWebView                     *view,
                                  WebKitWebProcessTerminationReason  reason,
                                  gpointer                           user_data)
{
  GTask *task = user_data;

  finish_visit (task, g_error_new_literal (OIDC_ERROR, OIDC_ERROR_NETWORK,
                                           _("Could not end the session at the provider: "
                                             "its page stopped unexpectedly")));
}

static gboolean
on_logout_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;

  finish_visit (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The logout was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
visit_end_session_page (GTask      *task,
                        const char *end_session_uri)
{
  Logout *logout = g_task_get_task_data (task);
  g_autoptr(GUri) parsed = g_uri_parse (end_session_uri, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = NULL;
  const char *post_logout_redirect;

  if (parsed != NULL && g_uri_get_query (parsed) != NULL)
    params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params != NULL &&
      (post_logout_redirect = g_hash_table_lookup (params, "post_logout_redirect_uri")) != NULL)
    logout->post_logout_redirect = g_uri_parse (post_logout_redirect, G_URI_FLAGS_ENCODED, NULL);

  if (!oidc_web_data_uri_is_allowed (end_session_uri))
    {
      logout->visit_error = g_error_new_literal (OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                                                 _("Could not end the session at the provider: "
                                                   "its logout page is not secure"));
      clear_data (task);
      return;
    }

  g_debug ("Ending the session of %s at the provider", logout->issuer);

  /* Never shown: the view is in no window. The visit holds a reference on the task until
   * finish_visit() hands it on. */
  logout->view = oidc_web_data_create_web_view (logout->session);
  logout->visiting = TRUE;
  g_object_ref (task);

  g_signal_connect (logout->view, "decide-policy",
                    G_CALLBACK (on_logout_decide_policy), task);
  g_signal_connect (logout->view, "load-changed",
                    G_CALLBACK (on_logout_load_changed), task);
  g_signal_connect (logout->view, "load-failed",
                    G_CALLBACK (on_logout_load_failed), task);
  g_signal_connect (logout->view, "web-process-terminated",
                    G_CALLBACK (on_logout_web_process_terminated), task);
  /* A source rather than a handler: it runs from the main loop, where the visit can end. */
  if (g_task_get_cancellable (task) != NULL)
    {
      logout->cancelled_source = g_cancellable_source_new (g_task_get_cancellable (task));
      g_source_set_callback (logout->cancelled_source, G_SOURCE_FUNC (on_logout_cancelled),
                             task, NULL);
      g_source_set_static_name (logout->cancelled_source, "[oidc] logout cancelled");
      g_source_attach (logout->cancelled_source, g_task_get_context (task));
    }

  logout->timeout_id = g_timeout_add (logout_timeout_ms, on_visit_timeout, task);
  webkit_web_view_load_uri (logout->view, end_session_uri);
}

/**
 * oidc_web_data_logout_async:
 * @auth: a provider
 * @end_session_uri: (nullable): the provider's end-session URL with its parameters, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * The embedded browser's part of a logout. When @end_session_uri is given, visits it in a web
 * view that is never shown, with @auth's network session, so the provider ends its own session;
 * the visit is done when the page sends the browser to the URI's `post_logout_redirect_uri`
 * (which is not loaded) or when it has loaded and stays, and it is abandoned after 15 seconds.
 * Then clears everything the network session keeps: cookies, storage and cache.
 */
void
oidc_web_data_logout_async (OidcOAuth2Auth      *auth,
                            const char          *end_session_uri,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Logout *logout;

  g_return_if_fail (OIDC_IS_OAUTH2_AUTH (auth));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (auth, cancellable, callback, user_data);
  g_task_set_source_tag (task, oidc_web_data_logout_async);

  logout = g_new0 (Logout, 1);
  logout->session = g_object_ref (oidc_web_data_get_network_session (oidc_web_data_get_default (),
                                                                     auth));
  logout->issuer = g_strdup (oidc_oauth2_auth_get_issuer (auth));
  g_task_set_task_data (task, logout, (GDestroyNotify) logout_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (end_session_uri != NULL)
    visit_end_session_page (task, end_session_uri);
  else
    clear_data (task);
}

/**
 * oidc_web_data_logout_finish:
 * @auth: a provider
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes oidc_web_data_logout_async(). The browser data is cleared even when the visit of the
 * end-session page failed; the error then says what went wrong there.
 *
 * Returns: whether every step succeeded
 */
gboolean
oidc_web_data_logout_finish (OidcOAuth2Auth  *auth,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (OIDC_IS_OAUTH2_AUTH (auth), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, auth), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oidc_web_data_logout_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
