/* oidc-login-dialog.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include <gtk/gtk.h>

#include "oidc-version-macros.h"

G_BEGIN_DECLS

#define OIDC_TYPE_LOGIN_DIALOG (oidc_login_dialog_get_type ())

OIDC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (OidcLoginDialog, oidc_login_dialog, OIDC, LOGIN_DIALOG, GtkWindow)

OIDC_AVAILABLE_IN_ALL
OidcLoginDialog *oidc_login_dialog_new       (void);
OIDC_AVAILABLE_IN_ALL
guint            oidc_login_dialog_get_n_waiting (OidcLoginDialog *self);

G_END_DECLS
