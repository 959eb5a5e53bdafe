/* oidc-ui-init.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-gtk-interaction.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-sign-in-methods-private.h"
#include "oidc-ui-private.h"

void
oidc_ui_ensure_style (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "oidc-ui-style") != NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/stagedoor/oidc/oidc-ui.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION - 1);
  g_object_set_data_full (G_OBJECT (display), "oidc-ui-style", g_steal_pointer (&provider),
                          g_object_unref);
}

static OidcInteraction *
default_interaction (OidcOAuth2Auth *auth)
{
  /* Without a display there is nobody to ask; the caller gets a configuration error. */
  if (!gtk_is_initialized () || gdk_display_get_default () == NULL)
    return NULL;

  return g_object_ref (OIDC_INTERACTION (oidc_gtk_interaction_get_default ()));
}

/* The core knows nothing of GTK; loading the library's UI layer gives it its dialogs. */
__attribute__ ((constructor)) static void
oidc_ui_init (void)
{
  oidc_oauth2_auth_set_default_interaction_factory (default_interaction);
  oidc_oauth2_auth_set_browser_logout (oidc_web_data_logout_async, oidc_web_data_logout_finish);
}
