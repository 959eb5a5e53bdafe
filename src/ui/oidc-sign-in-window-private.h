/* oidc-sign-in-window-private.h: the embedded sign-in window.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The window is made and run by oidc_sign_in_window_run_async() (oidc-sign-in-methods-private.h);
 * what is here lets tests look at it.
 */

#pragma once

#include <gtk/gtk.h>
#include <webkit/webkit.h>

G_BEGIN_DECLS

/* What the window says about the connection to the page it shows. */
typedef enum
{
  OIDC_CONNECTION_UNKNOWN,
  OIDC_CONNECTION_SECURE,
  OIDC_CONNECTION_NOT_SECURE,
} OidcConnectionSecurity;

#define OIDC_TYPE_SIGN_IN_WINDOW (oidc_sign_in_window_get_type ())

G_DECLARE_FINAL_TYPE (OidcSignInWindow, oidc_sign_in_window, OIDC, SIGN_IN_WINDOW, GtkWindow)

WebKitWebView          *oidc_sign_in_window_get_web_view      (OidcSignInWindow *self);
OidcConnectionSecurity  oidc_sign_in_window_get_security      (OidcSignInWindow *self);
char                   *oidc_sign_in_window_dup_location_text (OidcSignInWindow *self);
const char             *oidc_sign_in_window_get_blocked_uri   (OidcSignInWindow *self);

G_END_DECLS
