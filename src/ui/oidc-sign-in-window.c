#include "config.h"

#include "oidc-sign-in-methods-private.h"

/* FIXME: placeholder until the embedded sign-in window lands. */
void
oidc_sign_in_window_run_async (OidcAuthorizationRequest *request,
                               GtkWindow                *parent,
                               GCancellable             *cancellable,
                               GAsyncReadyCallback       callback,
                               gpointer                  user_data)
{
  g_task_report_new_error (NULL, callback, user_data, oidc_sign_in_window_run_async,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Not yet");
}

char *
oidc_sign_in_window_run_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
