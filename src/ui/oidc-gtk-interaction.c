#include "config.h"

#include "oidc-gtk-interaction.h"

struct _OidcGtkInteraction
{
  GObject parent_instance;
};

static void oidc_gtk_interaction_iface_init (OidcInteractionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OidcGtkInteraction, oidc_gtk_interaction, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OIDC_TYPE_INTERACTION,
                                                      oidc_gtk_interaction_iface_init))

static void
oidc_gtk_interaction_authorize (OidcInteraction          *interaction,
                                OidcAuthorizationRequest *request)
{
}

static void
oidc_gtk_interaction_iface_init (OidcInteractionInterface *iface)
{
  iface->authorize = oidc_gtk_interaction_authorize;
}

static void
oidc_gtk_interaction_class_init (OidcGtkInteractionClass *klass)
{
}

static void
oidc_gtk_interaction_init (OidcGtkInteraction *self)
{
}

/**
 * oidc_gtk_interaction_get_default:
 *
 * Returns: (transfer none): the default interaction
 */
OidcGtkInteraction *
oidc_gtk_interaction_get_default (void)
{
  return NULL;
}

/**
 * oidc_gtk_interaction_new:
 *
 * Returns: (transfer full): a new interaction
 */
OidcGtkInteraction *
oidc_gtk_interaction_new (void)
{
  return g_object_new (OIDC_TYPE_GTK_INTERACTION, NULL);
}

/**
 * oidc_gtk_interaction_get_parent:
 * @self: an interaction
 *
 * Returns: (transfer none) (nullable): the parent
 */
GtkWindow *
oidc_gtk_interaction_get_parent (OidcGtkInteraction *self)
{
  return NULL;
}

/**
 * oidc_gtk_interaction_set_parent:
 * @self: an interaction
 * @parent: (nullable): the parent
 */
void
oidc_gtk_interaction_set_parent (OidcGtkInteraction *self,
                                 GtkWindow          *parent)
{
}

/**
 * oidc_gtk_interaction_get_dialog:
 * @self: an interaction
 *
 * Returns: (transfer none) (nullable): the dialog
 */
OidcLoginDialog *
oidc_gtk_interaction_get_dialog (OidcGtkInteraction *self)
{
  return NULL;
}

/**
 * oidc_gtk_interaction_set_dialog:
 * @self: an interaction
 * @dialog: (nullable): the dialog
 */
void
oidc_gtk_interaction_set_dialog (OidcGtkInteraction *self,
                                 OidcLoginDialog    *dialog)
{
}
