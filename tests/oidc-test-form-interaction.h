/* oidc-test-form-interaction.h: the user of the real test identity provider, without a browser.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An OidcInteraction that answers every authorization request with
 * oidc_test_idp_authorize_async(): it fills the provider's login form as "alice" and agrees on
 * the consent page, or follows the login page's Cancel link when told to, then completes the
 * request with the provider's redirect or fails it with the harness's error.
 */

#pragma once

#include "oidc-core.h"
#include "oidc-test-idp.h"

G_BEGIN_DECLS

#define OIDC_TEST_TYPE_FORM_INTERACTION (oidc_test_form_interaction_get_type ())
G_DECLARE_FINAL_TYPE (OidcTestFormInteraction, oidc_test_form_interaction, OIDC_TEST,
                      FORM_INTERACTION, GObject)

/* An interaction that signs in at @idp, which must outlive it or be unset first. */
OidcTestFormInteraction *oidc_test_form_interaction_new         (OidcTestIdp             *idp);
void                     oidc_test_form_interaction_set_idp     (OidcTestFormInteraction *self,
                                                                 OidcTestIdp             *idp);
/* With @cancel, the user follows the login page's Cancel link instead of signing in. */
void                     oidc_test_form_interaction_set_cancel  (OidcTestFormInteraction *self,
                                                                 gboolean                 cancel);
/* How many authorization requests the interaction was given. */
guint                    oidc_test_form_interaction_get_n_shown (OidcTestFormInteraction *self);

G_END_DECLS
