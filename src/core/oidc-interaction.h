/* oidc-interaction.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include <glib-object.h>

#include "oidc-authorization-request.h"
#include "oidc-version-macros.h"

G_BEGIN_DECLS

#define OIDC_TYPE_INTERACTION (oidc_interaction_get_type ())

OIDC_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (OidcInteraction, oidc_interaction, OIDC, INTERACTION, GObject)

/**
 * OidcInteractionInterface:
 * @authorize: Shows @request's authorization page to the user. The implementation later
 *   calls [method@AuthorizationRequest.complete] with the URL the provider redirected to,
 *   or [method@AuthorizationRequest.fail]. It must stop when the request's cancellable is
 *   cancelled.
 *
 * The virtual methods of [iface@Interaction].
 */
struct _OidcInteractionInterface
{
  GTypeInterface parent_iface;

  void (*authorize) (OidcInteraction          *self,
                     OidcAuthorizationRequest *request);
};

OIDC_AVAILABLE_IN_ALL
void oidc_interaction_authorize (OidcInteraction          *self,
                                 OidcAuthorizationRequest *request);

G_END_DECLS
