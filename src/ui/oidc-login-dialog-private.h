/* oidc-login-dialog-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "oidc-authorization-request.h"
#include "oidc-login-dialog.h"

G_BEGIN_DECLS

/* Shows @request in a row of its provider (a row already there takes it too) and presents
 * the dialog. The dialog finishes the request: with the provider's answer once the user signs
 * in, or with a rejection. */
void oidc_login_dialog_add_request (OidcLoginDialog          *self,
                                    OidcAuthorizationRequest *request);

G_END_DECLS
