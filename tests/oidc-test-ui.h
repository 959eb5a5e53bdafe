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

/* The person in front of a web view showing the test provider's pages. Each time one of them
 * finishes loading, the user reads it and acts on it as their intent says, with the mouse. */
typedef enum
{
  OIDC_TEST_USER_WAITS,     /* looks, touches nothing */
  OIDC_TEST_USER_SIGNS_IN,  /* fills the login form, agrees to the consent page */
  OIDC_TEST_USER_CANCELS,   /* follows the page's "Cancel" link */
} OidcTestUserIntent;

/* Zero-initialised, a user signs in as "alice"; set @login before oidc_test_user_sit_down()
 * for another. The counts tell the pages read, each document once. */
typedef struct
{
  OidcTestUserIntent  intent;
  const char         *login;
  guint               n_login_pages;
  guint               n_consent_pages;
  guint               n_other_pages;

  /*< private >*/
  WebKitWebView      *web_view;
  GCancellable       *cancellable;
  char               *last_document;
} OidcTestUser;

/* @user starts to act on the pages of @web_view, the one already there included. */
void           oidc_test_user_sit_down         (OidcTestUser       *user,
                                                WebKitWebView      *web_view,
                                                OidcTestUserIntent  intent);
/* @user changes their mind and acts on the page they are looking at. */
void           oidc_test_user_decide           (OidcTestUser       *user,
                                                OidcTestUserIntent  intent);
/* @user stops acting and drops what they hold; the counts stay. */
void           oidc_test_user_leave            (OidcTestUser       *user);

/* A user who signs in as @login in @web_view, or follows the "Cancel" link with @cancel, and
 * stays with @web_view until it goes. */
void           oidc_test_ui_fill_forms         (WebKitWebView      *web_view,
                                                const char         *login,
                                                gboolean            cancel);

/* What every user read on each page, in order: "login", "consent" or "other". The test may
 * clear it. */
GPtrArray     *oidc_test_ui_get_pages_seen     (void);

/* Renders @widget's window as GTK draws it and saves it as a PNG in the build directory;
 * returns the path. */
char          *oidc_test_ui_save_screenshot    (GtkWidget    *widget,
                                                const char   *name);

G_END_DECLS
