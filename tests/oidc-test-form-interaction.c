/* oidc-test-form-interaction.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-test-form-interaction.h"

struct _OidcTestFormInteraction
{
  GObject      parent_instance;
  OidcTestIdp *idp;
  guint        n_shown;
  gboolean     cancel;
};

static void oidc_test_form_interaction_iface_init (OidcInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OidcTestFormInteraction, oidc_test_form_interaction,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OIDC_TYPE_INTERACTION,
                                                      oidc_test_form_interaction_iface_init))

static void
on_forms_filled (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OidcAuthorizationRequest) request = user_data;
  OidcTestIdp *idp = g_object_get_data (G_OBJECT (request), "test-idp");
  g_autofree char *redirected = NULL;
  g_autoptr(GError) error = NULL;

  redirected = oidc_test_idp_authorize_finish (idp, result, &error);
  if (redirected == NULL)
    oidc_authorization_request_return_error (request, g_steal_pointer (&error));
  else
    oidc_authorization_request_complete (request, redirected);
}

static void
oidc_test_form_interaction_authorize (OidcInteraction          *interaction,
                                      OidcAuthorizationRequest *request)
{
  OidcTestFormInteraction *self = OIDC_TEST_FORM_INTERACTION (interaction);
  g_autofree char *uri = oidc_authorization_request_dup_authorization_uri (request);

  self->n_shown++;
  g_object_set_data (G_OBJECT (request), "test-idp", self->idp);
  oidc_test_idp_authorize_async (self->idp, uri,
                                 oidc_authorization_request_get_redirect_uri (request),
                                 "alice", self->cancel,
                                 oidc_authorization_request_get_cancellable (request),
                                 on_forms_filled, g_object_ref (request));
}

static void
oidc_test_form_interaction_iface_init (OidcInteractionInterface *iface)
{
  iface->authorize = oidc_test_form_interaction_authorize;
}

static void
oidc_test_form_interaction_class_init (OidcTestFormInteractionClass *klass)
{
}

static void
oidc_test_form_interaction_init (OidcTestFormInteraction *self)
{
}

OidcTestFormInteraction *
oidc_test_form_interaction_new (OidcTestIdp *idp)
{
  OidcTestFormInteraction *self = g_object_new (OIDC_TEST_TYPE_FORM_INTERACTION, NULL);

  self->idp = idp;

  return self;
}

void
oidc_test_form_interaction_set_idp (OidcTestFormInteraction *self,
                                    OidcTestIdp             *idp)
{
  g_assert (OIDC_TEST_IS_FORM_INTERACTION (self));

  self->idp = idp;
}

void
oidc_test_form_interaction_set_cancel (OidcTestFormInteraction *self,
                                       gboolean                 cancel)
{
  g_assert (OIDC_TEST_IS_FORM_INTERACTION (self));

  self->cancel = cancel;
}

guint
oidc_test_form_interaction_get_n_shown (OidcTestFormInteraction *self)
{
  g_assert (OIDC_TEST_IS_FORM_INTERACTION (self));

  return self->n_shown;
}
