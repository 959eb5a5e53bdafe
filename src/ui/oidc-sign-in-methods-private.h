/* oidc-sign-in-methods-private.h: the ways of showing a provider's sign-in page.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each method shows the authorization page of @request and finishes with the URL the provider
 * redirected to, or with an error (OIDC_ERROR_WINDOW_CLOSED when the user closes what it shows,
 * G_IO_ERROR_CANCELLED when @cancellable fires). A method never completes @request itself: the
 * login dialog decides, so a failed attempt can be retried with the same request. When a method
 * finishes, every window it opened is gone.
 */

#pragma once

#include <gtk/gtk.h>

#include "oidc-authorization-request.h"
#include "oidc-oauth2-auth.h"

G_BEGIN_DECLS

/* An embedded WebKitGTK window of about 450 × 730, transient for @parent. */
void  oidc_sign_in_window_run_async   (OidcAuthorizationRequest  *request,
                                       GtkWindow                 *parent,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data);
char *oidc_sign_in_window_run_finish  (GAsyncResult              *result,
                                       GError                   **error);

/* The embedded browser's part of a logout: visits @end_session_uri (when not NULL) in a hidden
 * web view with @auth's network session, then clears everything that session keeps (cookies,
 * storage, cache). */
void     oidc_web_data_logout_async   (OidcOAuth2Auth            *auth,
                                       const char                *end_session_uri,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data);
gboolean oidc_web_data_logout_finish  (OidcOAuth2Auth            *auth,
                                       GAsyncResult              *result,
                                       GError                   **error);

/* The system browser with a loopback redirect (RFC 8252), and a small window saying that
 * sign-in continues in the browser. */
void  oidc_browser_sign_in_run_async  (OidcAuthorizationRequest  *request,
                                       GtkWindow                 *parent,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data);
char *oidc_browser_sign_in_run_finish (GAsyncResult              *result,
                                       GError                   **error);

/* For tests: what opens a URI in the user's browser (gtk_show_uri_full or the portal by
 * default). */
typedef void (*OidcUriLauncher) (const char *uri,
                                 GtkWindow  *parent,
                                 gpointer    user_data);
void  oidc_browser_sign_in_set_launcher (OidcUriLauncher launcher,
                                         gpointer        user_data);

G_END_DECLS
