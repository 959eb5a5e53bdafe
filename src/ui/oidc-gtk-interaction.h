/* oidc-gtk-interaction.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include <gtk/gtk.h>

#include "oidc-interaction.h"
#include "oidc-login-dialog.h"

G_BEGIN_DECLS

#define OIDC_TYPE_GTK_INTERACTION (oidc_gtk_interaction_get_type ())

OIDC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (OidcGtkInteraction, oidc_gtk_interaction, OIDC, GTK_INTERACTION, GObject)

OIDC_AVAILABLE_IN_ALL
OidcGtkInteraction *oidc_gtk_interaction_get_default (void);
OIDC_AVAILABLE_IN_ALL
OidcGtkInteraction *oidc_gtk_interaction_new         (void);
OIDC_AVAILABLE_IN_ALL
GtkWindow          *oidc_gtk_interaction_get_parent  (OidcGtkInteraction *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_gtk_interaction_set_parent  (OidcGtkInteraction *self,
                                                      GtkWindow          *parent);
OIDC_AVAILABLE_IN_ALL
OidcLoginDialog    *oidc_gtk_interaction_get_dialog  (OidcGtkInteraction *self);
OIDC_AVAILABLE_IN_ALL
void                oidc_gtk_interaction_set_dialog  (OidcGtkInteraction *self,
                                                      OidcLoginDialog    *dialog);

G_END_DECLS
