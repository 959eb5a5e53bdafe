/* oidc-secret-store-private.h: the resumable part of a session, kept in the user's keyring.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

/* The schema of the items: one item per application, issuer and client ID, which are its
 * attributes ("application", "issuer", "client-id"). No attribute holds anything secret. */
#define OIDC_SECRET_STORE_SCHEMA_NAME "io.github.stagedoor.Oidc.Session"

/* The format of the secret, a JSON object; a reader rejects every other version. */
#define OIDC_SECRET_STORE_VERSION 1

/* What resuming a session takes: never an ID or access token, which stay in memory. The
 * nonce of the original sign-in is kept because a refreshed ID token may repeat it, and the
 * validator then requires it to match. */
typedef struct
{
  char *refresh_token;
  char *subject;
  char *scope;      /* the granted scopes, space-separated; may be NULL */
  char *nonce;      /* may be NULL */
} OidcStoredSession;

void                oidc_stored_session_free         (OidcStoredSession        *stored);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OidcStoredSession, oidc_stored_session_free)

/* The secret of an item: {"version": 1, "refresh_token": …, "subject": …, "scope": …,
 * "nonce": …}. Parsing fails with G_IO_ERROR_INVALID_DATA on anything else, without quoting
 * the text, which may hold a token. */
char               *oidc_stored_session_to_json      (const OidcStoredSession  *stored);
OidcStoredSession  *oidc_stored_session_from_json    (const char               *json,
                                                      gsize                     length,
                                                      GError                  **error);

const SecretSchema *oidc_secret_store_get_schema     (void);

/* The "application" attribute: the default GApplication's ID, else the program name. */
char               *oidc_secret_store_dup_application (void);

/* Saving, loading and deleting go through libsecret's password API, so the same code serves
 * the Secret Service (gnome-keyring, KWallet) and the file store libsecret uses inside
 * Flatpak. Calls on one item run one at a time, in the order they were made, so that a delete
 * is never overtaken by a save made before it. They complete in the thread-default main
 * context of the call; use one context. */

/* Replaces the item with @stored, labelled for Seahorse after @provider_name. */
void                oidc_secret_store_save_async     (const char               *issuer,
                                                      const char               *client_id,
                                                      const char               *provider_name,
                                                      const OidcStoredSession  *stored,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
gboolean            oidc_secret_store_save_finish    (GAsyncResult             *result,
                                                      GError                  **error);

/* Finds the item. No item gives NULL without an error. An item that cannot be read (a
 * locked keyring) is an error; one that cannot be parsed is deleted, then reported with
 * G_IO_ERROR_INVALID_DATA. */
void                oidc_secret_store_load_async     (const char               *issuer,
                                                      const char               *client_id,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
OidcStoredSession  *oidc_secret_store_load_finish    (GAsyncResult             *result,
                                                      GError                  **error);

/* Deletes the item; deleting none is no error. */
void                oidc_secret_store_delete_async   (const char               *issuer,
                                                      const char               *client_id,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
gboolean            oidc_secret_store_delete_finish  (GAsyncResult             *result,
                                                      GError                  **error);

G_END_DECLS
