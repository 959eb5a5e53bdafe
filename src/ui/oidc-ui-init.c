/* oidc-ui-init.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-oauth2-auth-private.h"
#include "oidc-sign-in-methods-private.h"

static OidcInteraction *
default_interaction (OidcOAuth2Auth *auth)
{
  /* FIXME: the GTK interaction (login dialog, sign-in window, browser) takes over here. */
  return NULL;
}

/* The core knows nothing of GTK; loading the library's UI layer gives it its dialogs. */
__attribute__ ((constructor)) static void
oidc_ui_init (void)
{
  oidc_oauth2_auth_set_default_interaction_factory (default_interaction);
  oidc_oauth2_auth_set_browser_logout (oidc_web_data_logout_async, oidc_web_data_logout_finish);
}
