#include "config.h"

#include "oidc-sign-in-methods-private.h"

/* FIXME: placeholder until the embedded browser's data store lands. */
void
oidc_web_data_logout_async (OidcOAuth2Auth      *auth,
                            const char          *end_session_uri,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (auth, cancellable, callback, user_data);

  g_task_return_boolean (task, TRUE);
}

gboolean
oidc_web_data_logout_finish (OidcOAuth2Auth  *auth,
                            GAsyncResult    *result,
                            GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
