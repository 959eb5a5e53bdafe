/* oidc-test-ui.h: driving real GTK windows and WebKit views in tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <webkit/webkit.h>

G_BEGIN_DECLS

/* Iterates the main context until @condition (polled) holds, for at most 30 s. */
void           oidc_test_ui_wait_until         (gboolean   (*condition) (gpointer data),
                                                gpointer      data);

/* The first descendant of @widget of @type, or NULL. */
GtkWidget     *oidc_test_ui_find_descendant    (GtkWidget    *widget,
                                                GType         type);
/* The first button below @widget whose label is @label (mnemonic underscores ignored). */
GtkWidget     *oidc_test_ui_find_button        (GtkWidget    *widget,
                                                const char   *label);
/* The first visible toplevel holding a widget of @type, or NULL. */
GtkWindow     *oidc_test_ui_find_window_with   (GType         type);

/* Plays the user in @web_view on the test provider's pages: fills the login form with @login
 * and confirms the consent page, each time a page of them finishes loading. With @cancel, it
 * follows the login page's "Cancel" link instead. */
void           oidc_test_ui_fill_forms         (WebKitWebView *web_view,
                                                const char    *login,
                                                gboolean       cancel);

/* What oidc_test_ui_fill_forms() found on each page it played, in order: "login", "consent",
 * "cancel" or "none". The test may clear it. */
GPtrArray     *oidc_test_ui_get_pages_seen     (void);

/* Renders @widget's window as GTK draws it and saves it as a PNG in the build directory;
 * returns the path. */
char          *oidc_test_ui_save_screenshot    (GtkWidget    *widget,
                                                const char   *name);

G_END_DECLS
