/* oidc-http-private.h: bounded JSON requests to a provider.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The most a provider's answer may weigh: discovery documents and key sets are a few KiB. */
#define OIDC_HTTP_MAX_BODY (256 * 1024)

/* Whether @uri may be talked to: https, or http to a loopback host. */
gboolean     oidc_uri_is_secure_or_loopback (const char          *uri);
gboolean     oidc_host_is_loopback          (const char          *host);

SoupSession *oidc_http_session_new          (void);

/* GET @uri and parse a JSON object. Redirects, error statuses, bodies over
 * OIDC_HTTP_MAX_BODY, malformed JSON and answers slower than @timeout seconds all fail. */
void         oidc_http_get_json_async       (SoupSession         *session,
                                             const char          *uri,
                                             guint                timeout,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
JsonObject  *oidc_http_get_json_finish      (GAsyncResult        *result,
                                             GError             **error);

/* POST an application/x-www-form-urlencoded body of alternating names and values to an OAuth
 * endpoint, with HTTP Basic client authentication when @basic_user is set. An OAuth error
 * answer fails with OIDC_ERROR_PROVIDER and sets *oauth_error to its "error" code. An empty
 * 200 answer (as revocation gives) yields an empty object. */
void         oidc_http_post_form_async      (SoupSession         *session,
                                             const char          *uri,
                                             const char * const  *form,
                                             const char          *basic_user,
                                             const char          *basic_password,
                                             guint                timeout,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
JsonObject  *oidc_http_post_form_finish     (GAsyncResult        *result,
                                             char               **oauth_error,
                                             GError             **error);

/* Makes text from a provider safe to show: printable characters only, at most 200 of them. */
char        *oidc_sanitize_text             (const char          *text);

G_END_DECLS
