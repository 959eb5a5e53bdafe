/* oidc-interaction.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-interaction.h"

/**
 * OidcInteraction:
 *
 * The step of a sign-in that involves a person.
 *
 * A provider hands an [class@AuthorizationRequest] to its interaction, which shows the
 * provider's authorization page (in a dialog, an embedded web view or the system browser)
 * and answers with the URL the provider redirected to, or with an error.
 *
 * Implementations may be written in any language that GObject Introspection reaches.
 */

G_DEFINE_INTERFACE (OidcInteraction, oidc_interaction, G_TYPE_OBJECT)

static void
oidc_interaction_default_init (OidcInteractionInterface *iface)
{
}

/**
 * oidc_interaction_authorize:
 * @self: an interaction
 * @request: the request to show
 *
 * Starts the interactive part of @request.
 */
void
oidc_interaction_authorize (OidcInteraction          *self,
                            OidcAuthorizationRequest *request)
{
  g_return_if_fail (OIDC_IS_INTERACTION (self));
  g_return_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (request));

  OIDC_INTERACTION_GET_IFACE (self)->authorize (self, request);
}
