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

/* Runs in the provider's pages: the login form of oidc-provider's development interactions,
 * then its consent form. */
static const char fill_script[] =
  "(function () {"
  "  const login = document.querySelector('input[name=login]');"
  "  const form = document.querySelector('form');"
  "  if (!form) return 'none';"
  "  if (login) {"
  "    login.value = %s;"
  "    document.querySelector('input[name=password]').value = 'secret';"
  "  }"
  "  form.submit();"
  "  return login ? 'login' : 'consent';"
  "})()";

static const char cancel_script[] =
  "(function () {"
  "  const link = document.querySelector('a[href*=\"/abort\"]');"
  "  if (!link) return 'none';"
  "  window.location.href = link.href;"
  "  return 'cancel';"
  "})()";

static GPtrArray *pages_seen;

GPtrArray *
oidc_test_ui_get_pages_seen (void)
{
  if (pages_seen == NULL)
    pages_seen = g_ptr_array_new_with_free_func (g_free);

  return pages_seen;
}

static void
on_script_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(JSCValue) value = NULL;
  g_autoptr(GError) error = NULL;

  value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (object), result, &error);
  if (value != NULL && jsc_value_is_string (value))
    g_ptr_array_add (oidc_test_ui_get_pages_seen (), jsc_value_to_string (value));
}

static void
on_load_changed (WebKitWebView   *web_view,
                 WebKitLoadEvent  event,
                 gpointer         user_data)
{
  const char *login = g_object_get_data (G_OBJECT (web_view), "oidc-test-login");
  gboolean cancel = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (web_view), "oidc-test-cancel"));
  g_autofree char *quoted = NULL;
  g_autofree char *script = NULL;
  const char *uri = webkit_web_view_get_uri (web_view);

  if (event != WEBKIT_LOAD_FINISHED || uri == NULL || strstr (uri, "/interaction/") == NULL)
    return;

  quoted = g_strdup_printf ("'%s'", login);
  script = cancel ? g_strdup (cancel_script) : g_strdup_printf (fill_script, quoted);
  webkit_web_view_evaluate_javascript (web_view, script, -1, NULL, NULL, NULL, on_script_done,
                                       NULL);
}

void
oidc_test_ui_fill_forms (WebKitWebView *web_view,
                         const char    *login,
                         gboolean       cancel)
{
  g_object_set_data_full (G_OBJECT (web_view), "oidc-test-login", g_strdup (login), g_free);
  g_object_set_data (G_OBJECT (web_view), "oidc-test-cancel", GINT_TO_POINTER (cancel));
  g_signal_connect (web_view, "load-changed", G_CALLBACK (on_load_changed), NULL);

  /* The page may have finished loading already. */
  if (!webkit_web_view_is_loading (web_view))
    on_load_changed (web_view, WEBKIT_LOAD_FINISHED, NULL);
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
