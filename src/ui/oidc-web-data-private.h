/* oidc-web-data-private.h: what the embedded browser keeps for each provider.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One WebKitNetworkSession per provider (issuer and client ID), kept on disk so the provider can
 * remember the user between sign-ins, and owned by one process-wide registry: the sign-in window
 * borrows it, a logout empties it. Web views of the library come from here too, all configured
 * alike: a WebKitWebContext of their own (never the default one), no bridge into the app, no
 * file access, no developer tools.
 */

#pragma once

#include <webkit/webkit.h>

#include "oidc-auth-api.h"
#include "oidc-oauth2-auth.h"

G_BEGIN_DECLS

#define OIDC_TYPE_WEB_DATA (oidc_web_data_get_type ())

G_DECLARE_FINAL_TYPE (OidcWebData, oidc_web_data, OIDC, WEB_DATA, GObject)

OidcWebData          *oidc_web_data_get_default         (void);
WebKitNetworkSession *oidc_web_data_get_network_session (OidcWebData    *self,
                                                         OidcOAuth2Auth *auth);
WebKitNetworkSession *oidc_web_data_get_session_for     (OidcWebData    *self,
                                                         OidcAuthApi    *provider);

/* A web view for a provider's pages, with a WebKitWebContext of its own so that its web process
 * ends with it. The view is not floating: the caller owns the reference. */
WebKitWebView        *oidc_web_data_create_web_view     (WebKitNetworkSession *session);

/* Whether a web view of the library may go to @uri: anything but plain HTTP, which is allowed
 * to loopback hosts only. */
gboolean              oidc_web_data_uri_is_allowed      (const char     *uri);
gboolean              oidc_web_data_uri_is_loopback     (const char     *uri);

/* For tests: how long a logout waits for the provider's end-session page (15 s by default). */
void                  oidc_web_data_set_logout_timeout  (guint           milliseconds);

G_END_DECLS
