/* oidc-gtk-interaction-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "oidc-gtk-interaction.h"

G_BEGIN_DECLS

/* One attempt at @request in the way its provider wants: the embedded window, or the system
 * browser for providers that forbid embedded views or were told to use it. Finishes with the
 * URL the provider redirected to; never completes @request itself. */
void  oidc_gtk_sign_in_async  (OidcAuthorizationRequest  *request,
                               GtkWindow                 *parent,
                               GCancellable              *cancellable,
                               GAsyncReadyCallback        callback,
                               gpointer                   user_data);
char *oidc_gtk_sign_in_finish (GAsyncResult              *result,
                               GError                   **error);

G_END_DECLS
