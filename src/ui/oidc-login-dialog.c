#include "config.h"

#include "oidc-login-dialog.h"

struct _OidcLoginDialog
{
  GtkWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (OidcLoginDialog, oidc_login_dialog, GTK_TYPE_WINDOW)

static void
oidc_login_dialog_class_init (OidcLoginDialogClass *klass)
{
}

static void
oidc_login_dialog_init (OidcLoginDialog *self)
{
}

/**
 * oidc_login_dialog_new:
 *
 * Creates the login dialog.
 *
 * Returns: (transfer full): a new dialog
 */
OidcLoginDialog *
oidc_login_dialog_new (void)
{
  return g_object_new (OIDC_TYPE_LOGIN_DIALOG, NULL);
}

/**
 * oidc_login_dialog_get_n_waiting:
 * @self: a dialog
 *
 * Counts the providers waiting for the user.
 *
 * Returns: the number of rows
 */
guint
oidc_login_dialog_get_n_waiting (OidcLoginDialog *self)
{
  return 0;
}
