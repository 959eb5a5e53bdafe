/* oidc-login-dialog.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "oidc-error.h"
#include "oidc-gtk-interaction-private.h"
#include "oidc-login-dialog-private.h"
#include "oidc-oauth2-auth.h"
#include "oidc-ui-private.h"

/**
 * OidcLoginDialog:
 *
 * The modal dialog that asks the user to sign in when a call needs it.
 *
 * It shows one row per provider that waits for the user, each with a "Sign In" button, and a
 * "Reject All" button. Signing in opens the provider's sign-in page; while it is open the rows
 * are busy. A failed attempt shows its error under the row and keeps the row for another try.
 * "Reject All", Escape and closing the dialog reject every waiting call.
 *
 * The library shows a dialog of its own when needed. An application that wants to create and
 * place it itself gives it to [method@GtkInteraction.set_dialog].
 */

#define DEFAULT_PROVIDER_ICON "dialog-password-symbolic"

typedef struct _Row Row;

struct _OidcLoginDialog
{
  GtkWindow   parent_instance;

  GtkListBox *list_box;
  GtkButton  *reject_button;

  /* OidcAuthApi -> Row, in the order rows were added. */
  GPtrArray  *rows;
  Row        *busy_row;
  guint       present_id;
  guint       resize_id;
};

struct _Row
{
  OidcLoginDialog *dialog;
  OidcAuthApi     *provider;
  GPtrArray       *requests;
  GCancellable    *attempt;

  GtkWidget       *widget;
  GtkWidget       *error_label;
  GtkWidget       *button;
  GtkWidget       *spinner;
};

G_DEFINE_FINAL_TYPE (OidcLoginDialog, oidc_login_dialog, GTK_TYPE_WINDOW)

static void update_busy (OidcLoginDialog *self);

static gboolean
resize_timeout (gpointer user_data)
{
  OidcLoginDialog *self = user_data;

  self->resize_id = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));

  return G_SOURCE_REMOVE;
}

/* FIXME: GTK 4.8 on X11 keeps a window's size when its content grows while it is being
 * mapped, which clips rows that arrive in a burst. Measuring again a little later fixes it.
 * Remove once GTK older than 4.10 is no longer supported and the bug is checked gone. */
static void
queue_late_resize (OidcLoginDialog *self)
{
  g_clear_handle_id (&self->resize_id, g_source_remove);
  self->resize_id = g_timeout_add (100, resize_timeout, self);
}

static void
disconnect_request (gpointer data,
                    gpointer user_data)
{
  OidcAuthorizationRequest *request = data;

  g_signal_handlers_disconnect_by_data (oidc_authorization_request_get_cancellable (request),
                                        user_data);
}

static void
row_free (Row *row)
{
  g_ptr_array_foreach (row->requests, disconnect_request, row);
  g_ptr_array_unref (row->requests);
  g_clear_object (&row->attempt);
  g_clear_object (&row->provider);
  g_free (row);
}

/* Takes @row out of the dialog; the dialog hides when no row is left. */
static void
remove_row (OidcLoginDialog *self,
            Row             *row)
{
  if (self->busy_row == row)
    self->busy_row = NULL;

  if (row->attempt != NULL)
    g_cancellable_cancel (row->attempt);

  gtk_list_box_remove (self->list_box, row->widget);
  g_ptr_array_remove (self->rows, row);

  update_busy (self);
  queue_late_resize (self);

  if (self->rows->len == 0)
    gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static void
update_busy (OidcLoginDialog *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      gtk_widget_set_sensitive (row->button, self->busy_row == NULL);
      gtk_widget_set_visible (row->spinner, self->busy_row == row);
      gtk_spinner_set_spinning (GTK_SPINNER (row->spinner), self->busy_row == row);
    }
}

static void
on_attempt_finished (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Row *row = user_data;
  OidcLoginDialog *self;
  g_autofree char *redirected = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;

  redirected = oidc_gtk_sign_in_finish (result, &error);

  /* The row went away while the window was open (rejected, or nobody waits any more). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = row->dialog;
  g_clear_object (&row->attempt);
  self->busy_row = NULL;

  if (redirected == NULL)
    {
      g_debug ("Sign-in to a provider failed; the row stays for another try: %s",
               error->message);
      gtk_label_set_text (GTK_LABEL (row->error_label), error->message);
      gtk_widget_set_visible (row->error_label, TRUE);
      update_busy (self);
      return;
    }

  /* Everyone who waits on this provider gets the answer. */
  requests = g_ptr_array_ref (row->requests);
  g_ptr_array_foreach (requests, disconnect_request, row);
  remove_row (self, row);
  for (guint i = 0; i < requests->len; i++)
    oidc_authorization_request_complete (g_ptr_array_index (requests, i), redirected);
}

static void
on_sign_in_clicked (GtkButton *button,
                    Row       *row)
{
  OidcLoginDialog *self = row->dialog;

  if (self->busy_row != NULL)
    return;

  gtk_widget_set_visible (row->error_label, FALSE);
  self->busy_row = row;
  update_busy (self);

  g_clear_object (&row->attempt);
  row->attempt = g_cancellable_new ();
  oidc_gtk_sign_in_async (g_ptr_array_index (row->requests, 0), GTK_WINDOW (self),
                          row->attempt, on_attempt_finished, row);
}

static void
on_request_cancelled (GCancellable *cancellable,
                      Row          *row)
{
  /* The core gave up on the request (every caller went away): so does its row. */
  for (guint i = 0; i < row->requests->len; i++)
    {
      OidcAuthorizationRequest *request = g_ptr_array_index (row->requests, i);

      if (oidc_authorization_request_get_cancellable (request) != cancellable)
        continue;

      g_signal_handlers_disconnect_by_data (cancellable, row);
      g_ptr_array_remove_index (row->requests, i);
      break;
    }

  if (row->requests->len == 0)
    remove_row (row->dialog, row);
}

static const char *
provider_icon_name (OidcAuthApi *provider)
{
  /* Providers may name an icon of their own; the dialog falls back to a key. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (provider), "icon-name"))
    {
      const char *icon_name = g_object_get_data (G_OBJECT (provider), "oidc-icon-name");

      if (icon_name == NULL)
        {
          char *value = NULL;

          g_object_get (provider, "icon-name", &value, NULL);
          g_object_set_data_full (G_OBJECT (provider), "oidc-icon-name", value, g_free);
          icon_name = value;
        }

      if (icon_name != NULL)
        return icon_name;
    }

  return DEFAULT_PROVIDER_ICON;
}

static Row *
row_new (OidcLoginDialog          *self,
         OidcAuthorizationRequest *request)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *box, *labels, *name, *icon;

  row->dialog = self;
  row->provider = g_object_ref (oidc_authorization_request_get_provider (request));
  row->requests = g_ptr_array_new_with_free_func (g_object_unref);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  icon = gtk_image_new_from_icon_name (provider_icon_name (row->provider));
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 32);
  gtk_widget_add_css_class (icon, "oidc-provider-icon");
  gtk_box_append (GTK_BOX (box), icon);

  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  name = gtk_label_new (oidc_authorization_request_get_provider_name (request));
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (labels), name);

  row->error_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->error_label), 0);
  gtk_label_set_wrap (GTK_LABEL (row->error_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (row->error_label), 30);
  gtk_widget_add_css_class (row->error_label, "error");
  gtk_widget_add_css_class (row->error_label, "caption");
  gtk_widget_set_visible (row->error_label, FALSE);
  gtk_box_append (GTK_BOX (labels), row->error_label);
  gtk_box_append (GTK_BOX (box), labels);

  row->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (row->spinner, FALSE);
  gtk_box_append (GTK_BOX (box), row->spinner);

  row->button = gtk_button_new_with_mnemonic (_("_Sign In"));
  gtk_widget_set_valign (row->button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (row->button, "suggested-action");
  g_signal_connect (row->button, "clicked", G_CALLBACK (on_sign_in_clicked), row);
  gtk_box_append (GTK_BOX (box), row->button);

  row->widget = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row->widget), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row->widget), box);
  gtk_list_box_append (self->list_box, row->widget);

  g_ptr_array_add (self->rows, row);
  update_busy (self);
  queue_late_resize (self);

  return row;
}

static gboolean
present_idle (gpointer user_data)
{
  OidcLoginDialog *self = user_data;

  self->present_id = 0;
  if (self->rows->len > 0)
    gtk_window_present (GTK_WINDOW (self));

  return G_SOURCE_REMOVE;
}

static Row *
find_row (OidcLoginDialog *self,
          OidcAuthApi     *provider)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      if (row->provider == provider)
        return row;
    }

  return NULL;
}

void
oidc_login_dialog_add_request (OidcLoginDialog          *self,
                               OidcAuthorizationRequest *request)
{
  OidcAuthApi *provider;
  Row *row;

  g_return_if_fail (OIDC_IS_LOGIN_DIALOG (self));
  g_return_if_fail (OIDC_IS_AUTHORIZATION_REQUEST (request));

  if (oidc_authorization_request_is_finished (request))
    return;

  provider = oidc_authorization_request_get_provider (request);
  if (!(row = find_row (self, provider)))
    row = row_new (self, request);

  g_ptr_array_add (row->requests, g_object_ref (request));
  g_signal_connect (oidc_authorization_request_get_cancellable (request), "cancelled",
                    G_CALLBACK (on_request_cancelled), row);

  /* Calls often come in bursts: present once they are all in, so the window is sized for
   * every row from the start. */
  if (self->present_id == 0)
    self->present_id = g_idle_add_full (G_PRIORITY_DEFAULT, present_idle, self, NULL);
}

static void
reject_all (OidcLoginDialog *self)
{
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_object_unref);

  /* Take every row out first, so no request is rejected twice, then answer them. */
  while (self->rows->len > 0)
    {
      Row *row = g_ptr_array_index (self->rows, 0);

      g_ptr_array_foreach (row->requests, disconnect_request, row);
      for (guint i = 0; i < row->requests->len; i++)
        g_ptr_array_add (requests, g_object_ref (g_ptr_array_index (row->requests, i)));
      remove_row (self, row);
    }

  g_debug ("The user rejected %u sign-in requests", requests->len);
  for (guint i = 0; i < requests->len; i++)
    oidc_authorization_request_fail (g_ptr_array_index (requests, i),
                                     OIDC_ERROR, OIDC_ERROR_REJECTED,
                                     _("Sign-in failed: it was rejected by the user"));
}

static void
reject_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  reject_all (OIDC_LOGIN_DIALOG (widget));
}

static gboolean
oidc_login_dialog_close_request (GtkWindow *window)
{
  reject_all (OIDC_LOGIN_DIALOG (window));

  return GTK_WINDOW_CLASS (oidc_login_dialog_parent_class)->close_request (window);
}

static void
oidc_login_dialog_dispose (GObject *object)
{
  OidcLoginDialog *self = OIDC_LOGIN_DIALOG (object);

  g_clear_handle_id (&self->present_id, g_source_remove);
  g_clear_handle_id (&self->resize_id, g_source_remove);

  /* A dialog that goes away answers for its rows. */
  if (self->rows != NULL)
    reject_all (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), OIDC_TYPE_LOGIN_DIALOG);

  G_OBJECT_CLASS (oidc_login_dialog_parent_class)->dispose (object);
}

static void
oidc_login_dialog_finalize (GObject *object)
{
  OidcLoginDialog *self = OIDC_LOGIN_DIALOG (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (oidc_login_dialog_parent_class)->finalize (object);
}

static void
oidc_login_dialog_class_init (OidcLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = oidc_login_dialog_dispose;
  object_class->finalize = oidc_login_dialog_finalize;
  window_class->close_request = oidc_login_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/stagedoor/oidc/oidc-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OidcLoginDialog, list_box);
  gtk_widget_class_bind_template_child (widget_class, OidcLoginDialog, reject_button);

  gtk_widget_class_install_action (widget_class, "login.reject-all", NULL, reject_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "login.reject-all", NULL);
}

static void
oidc_login_dialog_init (OidcLoginDialog *self)
{
  oidc_ui_ensure_style (gtk_widget_get_display (GTK_WIDGET (self)));
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
}

/**
 * oidc_login_dialog_new:
 *
 * Creates a login dialog, for an application that places it itself.
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
 * Counts the providers that wait for the user to sign in.
 *
 * Returns: the number of rows
 */
guint
oidc_login_dialog_get_n_waiting (OidcLoginDialog *self)
{
  g_return_val_if_fail (OIDC_IS_LOGIN_DIALOG (self), 0);

  return self->rows->len;
}
