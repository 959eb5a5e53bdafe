/* oidc-ui-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Adds the library's style sheet to @display once, below the application's own. Every rule in
 * it is scoped to the library's widgets. */
void oidc_ui_ensure_style (GdkDisplay *display);

G_END_DECLS
