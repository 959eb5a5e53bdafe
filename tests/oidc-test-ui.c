/* oidc-test-ui.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-test-ui.h"

static gboolean
on_wait_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
keep_polling (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
oidc_test_ui_wait_until (gboolean (*condition) (gpointer data),
                         gpointer   data)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (30, on_wait_timeout, &timed_out);
  guint poll_id = g_timeout_add (50, keep_polling, NULL);

  while (!condition (data))
    {
      if (timed_out)
        g_error ("Timed out waiting for the user interface");
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (poll_id);
  if (!timed_out)
    g_source_remove (timeout_id);
}

GtkWidget *
oidc_test_ui_find_descendant (GtkWidget *widget,
                              GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = oidc_test_ui_find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
oidc_test_ui_find_button (GtkWidget  *widget,
                          const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      g_autoptr(GString) plain = g_string_new (gtk_button_get_label (GTK_BUTTON (widget)));

      g_string_replace (plain, "_", "", 0);
      if (g_str_equal (plain->str, label))
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = oidc_test_ui_find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWindow *
oidc_test_ui_find_window_with (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (window) && oidc_test_ui_find_descendant (window, type))
        return GTK_WINDOW (window);
    }

  return NULL;
}

/* Runs in the provider's pages (oidc-provider's development interactions): tells the login
 * page and the consent page apart and acts on them as a person would with the mouse. It answers
 * "<kind> <document URL>". */
static const char user_script[] =
  "(function (intent, login) {"
  "  const field = document.querySelector('input[name=login]');"
  "  const consent = document.querySelector('input[name=prompt][value=consent]');"
  "  const abort = document.querySelector('a[href$=\"/abort\"]');"
  "  if (!field && !consent)"
  "    return 'other';"
  "  if (intent === 'cancel' && abort)"
  "    abort.click();"
  "  else if (intent === 'sign-in' && field) {"
  "    field.value = login;"
  "    document.querySelector('input[name=password]').value = 'secret';"
  "    field.form.querySelector('button[type=submit]').click();"
  "  } else if (intent === 'sign-in')"
  "    consent.form.querySelector('button[type=submit]').click();"
  "  return field ? 'login' : 'consent';"
  "})('%s', '%s') + ' ' + document.location.href";

static GPtrArray *pages_seen;

GPtrArray *
oidc_test_ui_get_pages_seen (void)
{
  if (pages_seen == NULL)
    pages_seen = g_ptr_array_new_with_free_func (g_free);

  return pages_seen;
}

static void
on_page_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  OidcTestUser *user = user_data;
  g_autoptr(JSCValue) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  char *document;

  /* Cancelled: the user left, and @user may be gone. */
  value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* A click that navigates may tear the page down before it answers: that is fine. */
  if (value == NULL)
    {
      g_test_message ("The page did not answer: %s", error->message);
      return;
    }

  /* A page read twice (the user changed their mind, or a load ended on the same document)
   * counts once. */
  page = jsc_value_to_string (value);
  document = strchr (page, ' ');
  g_assert_nonnull (document);
  *document++ = '\0';
  if (g_strcmp0 (document, user->last_document) == 0)
    return;
  g_free (user->last_document);
  user->last_document = g_strdup (document);

  g_test_message ("The user sees a %s page", page);
  g_ptr_array_add (oidc_test_ui_get_pages_seen (), g_strdup (page));
  if (g_str_equal (page, "login"))
    user->n_login_pages++;
  else if (g_str_equal (page, "consent"))
    user->n_consent_pages++;
  else
    user->n_other_pages++;
}

static void
user_read_page (OidcTestUser *user)
{
  static const char * const intents[] = { "wait", "sign-in", "cancel" };
  g_autofree char *script = g_strdup_printf (user_script, intents[user->intent], user->login);

  webkit_web_view_evaluate_javascript (user->web_view, script, -1, NULL, NULL,
                                       user->cancellable, on_page_read, user);
}

static void
on_load_changed (WebKitWebView   *web_view,
                 WebKitLoadEvent  event,
                 gpointer         user_data)
{
  const char *uri = webkit_web_view_get_uri (web_view);

  if (event == WEBKIT_LOAD_FINISHED && uri != NULL && strstr (uri, "/interaction/") != NULL)
    user_read_page (user_data);
}

void
oidc_test_user_sit_down (OidcTestUser       *user,
                         WebKitWebView      *web_view,
                         OidcTestUserIntent  intent)
{
  g_assert_null (user->web_view);

  user->intent = intent;
  user->login = user->login ? user->login : "alice";
  user->web_view = web_view;
  g_object_add_weak_pointer (G_OBJECT (web_view), (gpointer *) &user->web_view);
  user->cancellable = g_cancellable_new ();
  g_signal_connect (web_view, "load-changed", G_CALLBACK (on_load_changed), user);

  /* The page may have finished loading already. */
  if (!webkit_web_view_is_loading (web_view))
    on_load_changed (web_view, WEBKIT_LOAD_FINISHED, user);
}

void
oidc_test_user_decide (OidcTestUser       *user,
                       OidcTestUserIntent  intent)
{
  g_assert_nonnull (user->web_view);

  user->intent = intent;
  user_read_page (user);
}

void
oidc_test_user_leave (OidcTestUser *user)
{
  if (user->cancellable != NULL)
    g_cancellable_cancel (user->cancellable);
  g_clear_object (&user->cancellable);
  g_clear_pointer (&user->last_document, g_free);

  if (user->web_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (user->web_view, user);
      g_object_remove_weak_pointer (G_OBJECT (user->web_view), (gpointer *) &user->web_view);
      user->web_view = NULL;
    }
}

static void
user_free (gpointer data)
{
  OidcTestUser *user = data;

  oidc_test_user_leave (user);
  g_free (user);
}

void
oidc_test_ui_fill_forms (WebKitWebView *web_view,
                         const char    *login,
                         gboolean       cancel)
{
  OidcTestUser *user = g_new0 (OidcTestUser, 1);

  /* Interned, the login lives as long as the user, who lives as long as @web_view (replacing
   * the user of an earlier call). */
  user->login = g_intern_string (login);
  g_object_set_data_full (G_OBJECT (web_view), "oidc-test-user", user, user_free);
  oidc_test_user_sit_down (user, web_view,
                           cancel ? OIDC_TEST_USER_CANCELS : OIDC_TEST_USER_SIGNS_IN);
}

static gboolean
has_size (gpointer data)
{
  return gtk_widget_get_width (data) > 0 && gtk_widget_get_height (data) > 0;
}

typedef struct
{
  int   width;
  int   height;
  guint stable_frames;
} Settling;

static gboolean
has_settled (gpointer data)
{
  Settling *settling = g_object_get_data (data, "oidc-test-settling");

  return settling->stable_frames >= 10;
}

/* A window may still grow after it was mapped (a row added, the window manager answering):
 * it has settled once its size has not changed for some frames. */
static gboolean
watch_size (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  Settling *settling = user_data;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width == settling->width && height == settling->height)
    settling->stable_frames++;
  else
    settling->stable_frames = 0;

  settling->width = width;
  settling->height = height;
  gtk_widget_queue_draw (widget);

  return G_SOURCE_CONTINUE;
}

char *
oidc_test_ui_save_screenshot (GtkWidget  *widget,
                              const char *name)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = g_strconcat (name, ".png", NULL);
  const char *dir = g_getenv ("G_TEST_BUILDDIR");
  char *path = g_build_filename (dir ? dir : ".", file_name, NULL);
  GskRenderer *renderer;
  guint tick_id;
  int width, height;

  /* Wait until the window has its size and has kept it for some frames. */
  oidc_test_ui_wait_until (has_size, window);
  g_object_set_data_full (G_OBJECT (window), "oidc-test-settling", g_new0 (Settling, 1), g_free);
  tick_id = gtk_widget_add_tick_callback (window, watch_size,
                                          g_object_get_data (G_OBJECT (window),
                                                             "oidc-test-settling"),
                                          NULL);
  oidc_test_ui_wait_until (has_settled, window);
  gtk_widget_remove_tick_callback (window, tick_id);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved a screenshot to %s", path);

  return path;
}
