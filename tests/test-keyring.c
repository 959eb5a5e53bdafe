/* test-keyring.c: sessions that survive a restart, against a real keyring and oidc-provider.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tests/meson.build runs this program twice:
 *
 *  - `keyring` talks to the Secret Service: the gnome-keyring-daemon that build-aux/test-session
 *    starts, unlocked, in a private D-Bus session. Without it the program fails at once. It
 *    locks and unlocks that keyring, so it runs alone (is_parallel: false).
 *  - `keyring-file` passes --backend=file: libsecret's own file store, which is what a Flatpak
 *    app gets (there its master password comes from the secret portal; here from
 *    SECRET_FILE_TEST_PASSWORD, which Debian's libsecret 0.20.5 requires outside a sandbox).
 *
 * A "restart" is a new provider object, or a new process: the program runs itself with --child
 * to resume a session, and the crash test kills such children while they refresh.
 */

#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>

#include "oidc-core.h"
#include "oidc-oauth2-auth-private.h"
#include "oidc-secret-store-private.h"
#include "oidc-test-form-interaction.h"
#include "oidc-test-idp.h"
#include "oidc-test-util.h"

#define PROGRAM_NAME  "test-keyring"
#define PROVIDER_NAME "Example ID"

/* The password build-aux/test-session gives the keyring it creates. */
#define TEST_SESSION_KEYRING_PASSWORD "test"

/* The crash test: this many kills, spread evenly over a little more than a resume lasts. */
#define N_KILLS 40

typedef enum
{
  BACKEND_SERVICE,
  BACKEND_FILE,
} Backend;

static Backend  backend;
static char    *tmpdir;
static char    *keyring_file;

/* The UI layer's part of a logout, played by the test: it records what it is given and loads
 * the end-session page the way the hidden web view would start to, so that the provider judges
 * the request. Clearing cookies is the UI layer's, tested with it. */

typedef struct
{
  guint  n_calls;
  char  *uri;
  guint  status;
  char  *body;
} BrowserLogout;

static BrowserLogout browser_logout;
static SoupSession  *browser_session;

static void
browser_logout_reset (void)
{
  g_clear_pointer (&browser_logout.uri, g_free);
  g_clear_pointer (&browser_logout.body, g_free);
  memset (&browser_logout, 0, sizeof browser_logout);
}

static void
on_end_session_page (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  browser_logout.status = soup_message_get_status (message);
  browser_logout.body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_task_return_boolean (task, TRUE);
}

static void
test_browser_logout_async (OidcOAuth2Auth      *auth,
                           const char          *end_session_uri,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (auth, cancellable, callback, user_data);
  SoupMessage *message;

  browser_logout.n_calls++;
  g_free (browser_logout.uri);
  browser_logout.uri = g_strdup (end_session_uri);

  if (end_session_uri == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  message = soup_message_new ("GET", end_session_uri);
  g_assert_nonnull (message);
  g_task_set_task_data (task, message, g_object_unref);
  soup_session_send_and_read_async (browser_session, message, G_PRIORITY_DEFAULT, cancellable,
                                    on_end_session_page, g_steal_pointer (&task));
}

static gboolean
test_browser_logout_finish (OidcOAuth2Auth  *auth,
                            GAsyncResult    *result,
                            GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The library's warnings. GLib's expected messages would fail on libsecret's own info
 * messages meanwhile, so the library's warnings get a handler of their own, which keeps them
 * when a test expects them and lets them abort otherwise. */

static GPtrArray *warnings;

static void
on_oidc_warning (const char     *log_domain,
                 GLogLevelFlags  log_level,
                 const char     *message,
                 gpointer        user_data)
{
  if (warnings == NULL)
    {
      g_log_default_handler (log_domain, log_level, message, user_data);
      return;
    }

  g_ptr_array_add (warnings, g_strdup (message));
}

static gboolean
on_fatal_log (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  return warnings == NULL || g_strcmp0 (log_domain, "Oidc") != 0 ||
         !(log_level & G_LOG_LEVEL_WARNING);
}

static void
expect_warning (void)
{
  g_assert_null (warnings);
  warnings = g_ptr_array_new_with_free_func (g_free);

  /* GLib resets the handler for every test case. */
  g_test_log_set_fatal_handler (on_fatal_log, NULL);
}

/* Exactly one warning came since expect_warning(), and it matches @pattern. */
static void
assert_warned (const char *pattern)
{
  g_autoptr(GPtrArray) seen = g_steal_pointer (&warnings);

  g_assert_nonnull (seen);
  g_assert_cmpuint (seen->len, ==, 1);
  if (!g_pattern_match_simple (pattern, seen->pdata[0]))
    g_error ("The warning “%s” does not match “%s”", (char *) seen->pdata[0], pattern);
  g_test_message ("Warned: %s", (char *) seen->pdata[0]);
}

/* The keyring, seen through libsecret directly */

static void
forget_cached_keyring (void)
{
  /* libsecret reads the file store once per process and keeps it; other processes (the
   * children) write it meanwhile. Dropping libsecret's backend makes it read the file again. */
  if (backend == BACKEND_FILE)
    secret_service_disconnect ();
}

static GHashTable *
item_attributes (const char *issuer,
                 const char *client_id)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "application", (gpointer) PROGRAM_NAME);
  g_hash_table_insert (attributes, (gpointer) "issuer", (gpointer) issuer);
  g_hash_table_insert (attributes, (gpointer) "client-id", (gpointer) client_id);

  return attributes;
}

typedef struct
{
  char       *label;
  GHashTable *attributes;
  char       *secret;
  JsonObject *json;      /* the secret, when it is a JSON object */
} Item;

static void
item_free (Item *item)
{
  g_free (item->label);
  g_hash_table_unref (item->attributes);
  g_free (item->secret);
  g_clear_pointer (&item->json, json_object_unref);
  g_free (item);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Item, item_free)

/* The item of @issuer and @client_id, or NULL; there is never more than one. */
static Item *
find_item (const char *issuer,
           const char *client_id)
{
  g_autoptr(GHashTable) attributes = item_attributes (issuer, client_id);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GError) error = NULL;
  SecretRetrievable *retrievable;
  GList *items;
  Item *item;

  forget_cached_keyring ();
  items = secret_password_searchv_sync (oidc_secret_store_get_schema (), attributes,
                                        SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK |
                                        SECRET_SEARCH_LOAD_SECRETS, NULL, &error);
  g_assert_no_error (error);
  if (items == NULL)
    return NULL;

  g_assert_cmpuint (g_list_length (items), ==, 1);
  retrievable = items->data;
  value = secret_retrievable_retrieve_secret_sync (retrievable, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (value);

  item = g_new0 (Item, 1);
  item->label = secret_retrievable_get_label (retrievable);
  item->attributes = secret_retrievable_get_attributes (retrievable);
  item->secret = g_strdup (secret_value_get_text (value));
  g_assert_nonnull (item->secret);
  if (json_parser_load_from_data (parser, item->secret, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    item->json = json_object_ref (json_node_get_object (json_parser_get_root (parser)));

  g_list_free_full (items, g_object_unref);
  return item;
}

static char *
dup_stored_refresh_token (const char *issuer,
                          const char *client_id)
{
  g_autoptr(Item) item = find_item (issuer, client_id);

  if (item == NULL)
    return NULL;

  g_assert_nonnull (item->json);
  return g_strdup (json_object_get_string_member (item->json, "refresh_token"));
}

static void
store_raw (const char *issuer,
           const char *client_id,
           const char *secret)
{
  g_autoptr(GHashTable) attributes = item_attributes (issuer, client_id);
  g_autoptr(GError) error = NULL;

  forget_cached_keyring ();
  secret_password_storev_sync (oidc_secret_store_get_schema (), attributes,
                               SECRET_COLLECTION_DEFAULT, "garbage", secret, NULL, &error);
  g_assert_no_error (error);
}

static void
delete_item (const char *issuer,
             const char *client_id)
{
  g_autoptr(GHashTable) attributes = item_attributes (issuer, client_id);
  g_autoptr(GError) error = NULL;

  forget_cached_keyring ();
  secret_password_clearv_sync (oidc_secret_store_get_schema (), attributes, NULL, &error);
  g_assert_no_error (error);
}

/* Locking the login keyring of the test session, and unlocking it without a prompt through
 * gnome-keyring's own interface for that (no prompter runs in the test session). */

static SecretCollection *
get_default_collection (void)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;
  SecretCollection *collection;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);

  return collection;
}

static void
lock_keyring (void)
{
  g_autoptr(SecretCollection) collection = get_default_collection ();
  g_autoptr(GError) error = NULL;
  GList objects = { collection, NULL, NULL };

  g_assert_cmpint (secret_service_lock_sync (NULL, &objects, NULL, NULL, &error), ==, 1);
  g_assert_no_error (error);
}

static void
unlock_keyring (void)
{
  g_autoptr(SecretCollection) collection = get_default_collection ();
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) opened = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *session;
  GVariant *secret;

  /* The secret travels in a "plain" session of this very connection. */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  opened = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets",
                                        "/org/freedesktop/secrets",
                                        "org.freedesktop.Secret.Service", "OpenSession",
                                        g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                        G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                        NULL, &error);
  g_assert_no_error (error);
  g_variant_get (opened, "(v&o)", NULL, &session);

  secret = g_variant_new ("(o@ay@ays)", session,
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                     TEST_SESSION_KEYRING_PASSWORD,
                                                     strlen (TEST_SESSION_KEYRING_PASSWORD), 1),
                          "text/plain");
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets",
                                       "/org/freedesktop/secrets",
                                       "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                       "UnlockWithMasterPassword",
                                       g_variant_new ("(o@(oayays))",
                                                      g_dbus_proxy_get_object_path (
                                                        G_DBUS_PROXY (collection)),
                                                      secret),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* The file store at a path where no file can be: a keyring that cannot be opened. */
static void
break_file_keyring (gboolean broken)
{
  g_setenv ("SECRET_FILE_TEST_PATH", broken ? "/dev/null/keyrings/default.keyring" : keyring_file,
            TRUE);
  secret_service_disconnect ();
}

/* Fixture */

typedef struct
{
  OidcTestIdp             *idp;
  OidcTestFormInteraction *interaction;
  char                    *issuer;
  char                    *client_id;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  OidcTestIdpOptions options = { .access_ttl = GPOINTER_TO_UINT (data),
                                 .id_ttl = GPOINTER_TO_UINT (data) };
  g_autoptr(GError) error = NULL;

  fixture->idp = oidc_test_idp_start (&options, &error);
  g_assert_no_error (error);
  fixture->issuer = g_strdup (oidc_test_idp_get_issuer (fixture->idp));
  fixture->client_id = g_strdup (oidc_test_idp_get_client_id (fixture->idp));
  fixture->interaction = oidc_test_form_interaction_new (fixture->idp);
  browser_logout_reset ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  delete_item (fixture->issuer, fixture->client_id);
  g_assert_finalize_object (fixture->interaction);
  oidc_test_idp_stop (fixture->idp);
  g_free (fixture->issuer);
  g_free (fixture->client_id);
  browser_logout_reset ();
}

static guint n_signed_in_notify;

static void
on_signed_in_notify (GObject    *object,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  n_signed_in_notify++;
}

/* A provider as an application makes it at startup: remember-session is the default. */
static OidcOAuth2Auth *
new_auth (Fixture *fixture)
{
  static const char * const scopes[] = { "email", "profile", NULL };
  OidcOAuth2Auth *auth;

  auth = oidc_oauth2_auth_new (fixture->issuer, fixture->client_id);
  oidc_oauth2_auth_set_interaction (auth, OIDC_INTERACTION (fixture->interaction));
  oidc_oauth2_auth_set_scopes (auth, scopes);
  oidc_oauth2_auth_set_display_name (auth, PROVIDER_NAME);
  n_signed_in_notify = 0;
  g_signal_connect (auth, "notify::signed-in", G_CALLBACK (on_signed_in_notify), NULL);

  return auth;
}

static char *
sign_in (Fixture        *fixture,
         OidcOAuth2Auth *auth)
{
  guint n_shown = oidc_test_form_interaction_get_n_shown (fixture->interaction);
  OidcTestResult result = { 0 };

  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==,
                    n_shown + 1);
  g_assert_true (oidc_oauth2_auth_get_signed_in (auth));

  return g_steal_pointer (&result.token);
}

/* Signs in with a provider that is then dropped, as an earlier run of the application would;
 * returns the refresh token it left in the keyring. */
static char *
sign_in_earlier_run (Fixture *fixture)
{
  g_autoptr(OidcOAuth2Auth) auth = new_auth (fixture);
  g_autofree char *token = sign_in (fixture, auth);
  char *refresh = oidc_oauth2_auth_dup_refresh_token (auth);

  g_assert_nonnull (refresh);
  g_assert_finalize_object (g_steal_pointer (&auth));

  return refresh;
}

/* Tests */

static void
assert_item_holds (Item       *item,
                   Fixture    *fixture,
                   const char *refresh_token,
                   const char *nonce,
                   const char *id_token,
                   const char *access_token)
{
  g_autofree char *label = g_strdup_printf ("Sign-in to %s for %s", PROVIDER_NAME,
                                            PROGRAM_NAME);

  /* What libsecret matches it by, and what Seahorse shows. */
  g_assert_cmpstr (item->label, ==, label);
  g_assert_cmpstr (g_hash_table_lookup (item->attributes, "application"), ==, PROGRAM_NAME);
  g_assert_cmpstr (g_hash_table_lookup (item->attributes, "issuer"), ==, fixture->issuer);
  g_assert_cmpstr (g_hash_table_lookup (item->attributes, "client-id"), ==,
                   fixture->client_id);
  if (backend == BACKEND_SERVICE)
    g_assert_cmpstr (g_hash_table_lookup (item->attributes, "xdg:schema"), ==,
                     OIDC_SECRET_STORE_SCHEMA_NAME);

  /* What resuming takes, and nothing more. */
  g_assert_nonnull (item->json);
  g_assert_cmpint (json_object_get_int_member (item->json, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (item->json, "refresh_token"), ==,
                   refresh_token);
  g_assert_cmpstr (json_object_get_string_member (item->json, "subject"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (item->json, "nonce"), ==, nonce);
  g_assert_nonnull (strstr (json_object_get_string_member (item->json, "scope"), "openid"));
  g_assert_false (json_object_has_member (item->json, "id_token"));
  g_assert_false (json_object_has_member (item->json, "access_token"));
  g_assert_null (strstr (item->secret, strrchr (id_token, '.') + 1));
  g_assert_null (strstr (item->secret, access_token));
}

static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = new_auth (fixture);
  g_autoptr(Item) item = NULL;
  g_autoptr(Item) rotated = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(JsonObject) first_claims = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *first_refresh = NULL;
  g_autofree char *second_refresh = NULL;
  g_autofree char *error_code = NULL;
  OidcTestResult results[10] = { 0 };

  /* The first run signs in; the keyring then holds the refresh token, not the others. */
  g_assert_null (find_item (fixture->issuer, fixture->client_id));
  id_token = sign_in (fixture, auth);
  first_refresh = oidc_oauth2_auth_dup_refresh_token (auth);
  access_token = oidc_oauth2_auth_dup_access_token (auth);
  item = find_item (fixture->issuer, fixture->client_id);
  g_assert_nonnull (item);
  first_claims = oidc_test_token_claims (id_token);
  assert_item_holds (item, fixture, first_refresh,
                     json_object_get_string_member (first_claims, "nonce"), id_token,
                     access_token);
  g_assert_finalize_object (g_steal_pointer (&auth));

  /* The next run: nothing is signed in until the first request, which every caller of the
   * moment shares, which asks nothing of the user, and which makes one refresh. */
  auth = new_auth (fixture);
  g_assert_false (oidc_oauth2_auth_get_signed_in (auth));
  oidc_test_idp_reset_counts (fixture->idp);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_start_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, NULL, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      oidc_test_wait (&results[i].done);
      g_assert_no_error (results[i].error);
      g_assert_nonnull (results[i].token);
      g_assert_cmpstr (results[i].token, ==, results[0].token);
    }
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "token"), ==, 1);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "authorization"), ==, 0);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 1);
  g_assert_true (oidc_oauth2_auth_get_signed_in (auth));
  g_assert_cmpuint (n_signed_in_notify, ==, 1);

  claims = oidc_test_token_claims (results[0].token);
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, "alice");
  g_assert_cmpstr (results[0].token, !=, id_token);

  /* The refresh rotated the token, and the keyring followed. */
  second_refresh = oidc_oauth2_auth_dup_refresh_token (auth);
  g_assert_cmpstr (second_refresh, !=, first_refresh);
  g_free (access_token);
  access_token = oidc_oauth2_auth_dup_access_token (auth);
  rotated = find_item (fixture->issuer, fixture->client_id);
  g_assert_nonnull (rotated);
  assert_item_holds (rotated, fixture, second_refresh,
                     json_object_get_string_member (first_claims, "nonce"), results[0].token,
                     access_token);

  /* The session is fresh now: no more requests. */
  oidc_test_idp_reset_counts (fixture->idp);
  oidc_test_result_clear (&results[1]);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &results[1]);
  g_assert_cmpstr (results[1].token, ==, results[0].token);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "total"), ==, 0);

  /* The first refresh token is dead. (Replaying it revokes the grant, so this comes last.) */
  error_code = oidc_test_idp_try_refresh (fixture->idp, first_refresh);
  g_assert_cmpstr (error_code, ==, "invalid_grant");

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    oidc_test_result_clear (&results[i]);
}

static void
test_rotation_saved (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = new_auth (fixture);
  g_autofree char *first = NULL;
  g_autofree char *rotated = NULL;
  g_autofree char *stored = NULL;
  OidcTestResult result = { 0 };

  /* Tokens live 4 s, so the margin is 2 s: after 2.5 s the session needs a refresh, within
   * the same run. Its rotation reaches the keyring too. */
  g_free (sign_in (fixture, auth));
  first = oidc_oauth2_auth_dup_refresh_token (auth);
  g_usleep (2500 * 1000);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);

  rotated = oidc_oauth2_auth_dup_refresh_token (auth);
  g_assert_cmpstr (rotated, !=, first);
  stored = dup_stored_refresh_token (fixture->issuer, fixture->client_id);
  g_assert_cmpstr (stored, ==, rotated);
  oidc_test_result_clear (&result);
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  g_autofree char *refresh = sign_in_earlier_run (fixture);
  g_autofree char *error_code = NULL;
  g_autofree char *stored = NULL;
  OidcTestResult result = { 0 };

  /* Somebody else used the stored token, so the provider has rotated it away. */
  error_code = oidc_test_idp_try_refresh (fixture->idp, refresh);
  g_assert_null (error_code);

  /* Reusing it now ends the grant: no token, no error, no prompt, no item. */
  auth = new_auth (fixture);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  g_assert_false (oidc_oauth2_auth_get_signed_in (auth));
  g_assert_cmpuint (n_signed_in_notify, ==, 0);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 1);
  g_assert_null (find_item (fixture->issuer, fixture->client_id));

  /* A caller that may ask the user gets a new sign-in, which is saved again. */
  g_free (sign_in (fixture, auth));
  g_free (refresh);
  refresh = oidc_oauth2_auth_dup_refresh_token (auth);
  stored = dup_stored_refresh_token (fixture->issuer, fixture->client_id);
  g_assert_cmpstr (stored, ==, refresh);
  oidc_test_result_clear (&result);
}

static void
test_refused_then_sign_in (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  g_autofree char *refresh = sign_in_earlier_run (fixture);
  g_autofree char *error_code = NULL;
  g_autofree char *stored = NULL;
  OidcTestResult result = { 0 };

  error_code = oidc_test_idp_try_refresh (fixture->idp, refresh);
  g_assert_null (error_code);

  /* A caller that may ask: the refused restore turns into one sign-in. */
  auth = new_auth (fixture);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_NONE, &result);
  g_assert_no_error (result.error);
  g_assert_nonnull (result.token);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 2);
  g_assert_cmpuint (n_signed_in_notify, ==, 1);

  g_free (refresh);
  refresh = oidc_oauth2_auth_dup_refresh_token (auth);
  stored = dup_stored_refresh_token (fixture->issuer, fixture->client_id);
  g_assert_cmpstr (stored, ==, refresh);
  oidc_test_result_clear (&result);
}

static void
test_network_failure (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  g_autofree char *refresh = sign_in_earlier_run (fixture);
  g_autofree char *stored = NULL;
  OidcTestResult result = { 0 };

  /* The provider is unreachable at the next start: the caller hears so, and the saved session
   * stays for a later try. */
  g_clear_pointer (&fixture->idp, oidc_test_idp_stop);
  oidc_test_form_interaction_set_idp (fixture->interaction, NULL);

  auth = new_auth (fixture);
  oidc_oauth2_auth_set_http_timeout (auth, 5);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_NETWORK);
  g_assert_false (oidc_oauth2_auth_get_signed_in (auth));
  stored = dup_stored_refresh_token (fixture->issuer, fixture->client_id);
  g_assert_cmpstr (stored, ==, refresh);

  /* It is tried again on the next request. */
  oidc_test_result_clear (&result);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_error (result.error, OIDC_ERROR, OIDC_ERROR_NETWORK);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 1);

  delete_item (fixture->issuer, fixture->client_id);
  oidc_test_result_clear (&result);
}

static void
test_remember_session_off (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = new_auth (fixture);
  g_autofree char *refresh = NULL;
  g_autofree char *stored = NULL;
  OidcTestResult result = { 0 };

  g_object_set (auth, "remember-session", FALSE, NULL);
  g_free (sign_in (fixture, auth));
  g_assert_null (find_item (fixture->issuer, fixture->client_id));
  g_assert_finalize_object (g_steal_pointer (&auth));

  /* Nor is anything looked for, even when something is there. */
  refresh = sign_in_earlier_run (fixture);
  auth = new_auth (fixture);
  g_object_set (auth, "remember-session", FALSE, NULL);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);

  /* And a logout leaves the keyring alone. */
  oidc_test_logout (auth, &result);
  g_assert_no_error (result.error);
  stored = dup_stored_refresh_token (fixture->issuer, fixture->client_id);
  g_assert_cmpstr (stored, ==, refresh);
  oidc_test_result_clear (&result);
}

static void
test_logout (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = new_auth (fixture);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *error_code = NULL;
  g_autofree char *expected_endpoint = NULL;
  OidcTestResult result = { 0 };

  g_object_set (auth, "post-logout-redirect-uri", "http://127.0.0.1/logout", NULL);
  id_token = sign_in (fixture, auth);
  refresh = oidc_oauth2_auth_dup_refresh_token (auth);
  g_assert_nonnull (find_item (fixture->issuer, fixture->client_id));

  oidc_test_idp_reset_counts (fixture->idp);
  oidc_test_start_logout (auth, NULL, &result);
  /* The local session ends at once. */
  g_assert_false (oidc_oauth2_auth_get_signed_in (auth));
  oidc_test_wait (&result.done);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);

  /* Both tokens were revoked, and the provider no longer honours the refresh token. */
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "revocation"), ==, 2);
  error_code = oidc_test_idp_try_refresh (fixture->idp, refresh);
  g_assert_cmpstr (error_code, ==, "invalid_grant");

  /* The keyring forgot the session. */
  g_assert_null (find_item (fixture->issuer, fixture->client_id));

  /* The embedded browser was given the provider's end-session page, which the provider
   * accepts: it asks to confirm rather than showing an error. */
  g_assert_cmpuint (browser_logout.n_calls, ==, 1);
  g_assert_nonnull (browser_logout.uri);
  uri = g_uri_parse (browser_logout.uri, G_URI_FLAGS_ENCODED, NULL);
  g_assert_nonnull (uri);
  expected_endpoint = g_strdup_printf ("%s/session/end", fixture->issuer);
  g_assert_true (g_str_has_prefix (browser_logout.uri, expected_endpoint));
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "id_token_hint"), ==, id_token);
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, fixture->client_id);
  g_assert_cmpstr (g_hash_table_lookup (params, "post_logout_redirect_uri"), ==,
                   "http://127.0.0.1/logout");
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "state")), >=, 16);
  if (browser_logout.status != 200)
    g_error ("The provider refused the end-session request (%u): %s", browser_logout.status,
             browser_logout.body);
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "end_session"), ==, 1);

  /* FIXME: the issue also asks that the embedded browser's cookies for the provider are gone
   * and that the next interactive sign-in shows the login form. Both belong to the UI layer's
   * browser-logout hook (src/ui/oidc-web-data.c), which this core-only test replaces; they are
   * to be tested with it, in the UI tests. */

  /* Nothing comes back, in this run or the next. */
  oidc_test_result_clear (&result);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  g_assert_finalize_object (g_steal_pointer (&auth));
  auth = new_auth (fixture);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 1);
  oidc_test_result_clear (&result);
}

static void
test_logout_before_resume (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  g_autofree char *refresh = sign_in_earlier_run (fixture);
  g_autofree char *error_code = NULL;
  OidcTestResult result = { 0 };

  /* The next run logs out before it ever asked for a token: what the earlier run left is
   * revoked and removed all the same, and the browser's data is cleared. */
  auth = new_auth (fixture);
  oidc_test_idp_reset_counts (fixture->idp);
  oidc_test_logout (auth, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);
  g_assert_cmpuint (n_signed_in_notify, ==, 0);
  g_assert_null (find_item (fixture->issuer, fixture->client_id));
  g_assert_cmpuint (oidc_test_idp_count (fixture->idp, "revocation"), ==, 1);
  error_code = oidc_test_idp_try_refresh (fixture->idp, refresh);
  g_assert_cmpstr (error_code, ==, "invalid_grant");

  /* No ID token, so no end-session page; the cookies go all the same. */
  g_assert_cmpuint (browser_logout.n_calls, ==, 1);
  g_assert_null (browser_logout.uri);

  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_no_error (result.error);
  g_assert_null (result.token);
  oidc_test_result_clear (&result);
}

static void
test_logout_cancelled (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = new_auth (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OidcTestResult result = { 0 };

  /* A cancelled logout skips what it can at the provider, never the local state: the session,
   * the keyring item and the browser's data. */
  g_free (sign_in (fixture, auth));
  g_cancellable_cancel (cancellable);
  oidc_test_start_logout (auth, cancellable, &result);
  g_assert_false (oidc_oauth2_auth_get_signed_in (auth));
  oidc_test_wait (&result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (find_item (fixture->issuer, fixture->client_id));
  g_assert_cmpuint (browser_logout.n_calls, ==, 1);
  g_assert_null (browser_logout.uri);
  oidc_test_result_clear (&result);
}

static char *
read_opened_uri (gboolean wait)
{
  g_autofree char *path = g_build_filename (tmpdir, "opened-uri", NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  char *contents = NULL;

  while (!g_file_get_contents (path, &contents, NULL, NULL))
    {
      if (!wait || g_get_monotonic_time () > deadline)
        return NULL;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
    }

  g_unlink (path);
  return g_strchomp (contents);
}

static void
test_logout_in_browser (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = new_auth (fixture);
  g_autofree char *opened = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *expected_endpoint = NULL;
  OidcTestResult result = { 0 };

  /* Signed in in the system browser, with the option left off: that session is left alone. */
  oidc_oauth2_auth_set_sign_in_method (auth, OIDC_SIGN_IN_METHOD_BROWSER);
  g_free (sign_in (fixture, auth));
  oidc_test_logout (auth, &result);
  g_assert_no_error (result.error);
  g_assert_cmpuint (browser_logout.n_calls, ==, 1);
  g_assert_null (browser_logout.uri);
  g_assert_null (read_opened_uri (FALSE));

  /* With it, the system browser (a script here, made the default for http in main()) opens
   * the provider's end-session page. */
  g_object_set (auth, "end-session-in-browser", TRUE, NULL);
  id_token = sign_in (fixture, auth);
  browser_logout_reset ();
  oidc_test_logout (auth, &result);
  g_assert_no_error (result.error);
  g_assert_cmpuint (browser_logout.n_calls, ==, 1);
  g_assert_null (browser_logout.uri);
  opened = read_opened_uri (TRUE);
  g_assert_nonnull (opened);
  expected_endpoint = g_strdup_printf ("%s/session/end?id_token_hint=%s&client_id=%s",
                                       fixture->issuer, id_token, fixture->client_id);
  g_assert_cmpstr (opened, ==, expected_endpoint);
  g_assert_null (find_item (fixture->issuer, fixture->client_id));
  oidc_test_result_clear (&result);
}

static void
test_garbage_item (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char * const garbage[] = {
    "this is not JSON",
    "[\"version\", 1]",
    "{\"version\": 2, \"refresh_token\": \"r\", \"subject\": \"alice\"}",
    "{\"version\": 1, \"subject\": \"alice\"}",
    "{\"version\": 1, \"refresh_token\": 7, \"subject\": \"alice\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(OidcOAuth2Auth) auth = new_auth (fixture);
      g_autofree char *pattern = NULL;
      g_autofree char *token = NULL;
      g_autofree char *refresh = NULL;
      g_autofree char *stored = NULL;
      OidcTestResult result = { 0 };

      /* An item this code cannot read: one clear warning, no session, no item left. */
      store_raw (fixture->issuer, fixture->client_id, garbage[i]);
      pattern = g_strdup_printf ("*Could not resume the saved sign-in to %s from the keyring:*",
                                 fixture->issuer);
      expect_warning ();
      oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
      assert_warned (pattern);
      g_assert_no_error (result.error);
      g_assert_null (result.token);
      g_assert_null (find_item (fixture->issuer, fixture->client_id));

      /* Signing in works, and replaces it with a good one. */
      token = sign_in (fixture, auth);
      refresh = oidc_oauth2_auth_dup_refresh_token (auth);
      stored = dup_stored_refresh_token (fixture->issuer, fixture->client_id);
      g_assert_cmpstr (stored, ==, refresh);
      delete_item (fixture->issuer, fixture->client_id);
      oidc_test_result_clear (&result);
    }
}

/* Service backend: the login keyring is locked. */
static void
test_locked_keyring (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  g_autofree char *refresh = sign_in_earlier_run (fixture);
  g_autofree char *pattern = NULL;
  g_autofree char *stored = NULL;
  OidcTestResult result = { 0 };

  /* The next run finds the keyring locked (and no prompter to unlock it): one warning, no
   * session, and a sign-in that works in memory, without a second warning for the save. */
  lock_keyring ();
  auth = new_auth (fixture);
  pattern = g_strdup_printf ("*Could not resume the saved sign-in to %s from the keyring:*",
                             fixture->issuer);
  expect_warning ();
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  assert_warned (pattern);
  g_assert_no_error (result.error);
  g_assert_null (result.token);

  g_free (sign_in (fixture, auth));
  g_assert_cmpuint (oidc_test_form_interaction_get_n_shown (fixture->interaction), ==, 2);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_nonnull (result.token);
  g_assert_finalize_object (g_steal_pointer (&auth));

  /* The item is as the earlier run left it. */
  unlock_keyring ();
  stored = dup_stored_refresh_token (fixture->issuer, fixture->client_id);
  g_assert_cmpstr (stored, ==, refresh);

  /* Locked with nothing in it: the save is what fails, and says so. */
  delete_item (fixture->issuer, fixture->client_id);
  lock_keyring ();
  auth = new_auth (fixture);
  g_free (pattern);
  pattern = g_strdup_printf ("*Could not save the sign-in to %s in the keyring:*",
                             fixture->issuer);
  expect_warning ();
  g_free (sign_in (fixture, auth));
  assert_warned (pattern);
  unlock_keyring ();
  g_assert_null (find_item (fixture->issuer, fixture->client_id));
  oidc_test_result_clear (&result);
}

/* File backend: the store cannot be opened at all. */
static void
test_missing_keyring (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(OidcOAuth2Auth) auth = new_auth (fixture);
  g_autofree char *pattern = NULL;
  g_autofree char *first = NULL;
  OidcTestResult result = { 0 };

  break_file_keyring (TRUE);
  pattern = g_strdup_printf ("*Could not resume the saved sign-in to %s from the keyring:*",
                             fixture->issuer);
  expect_warning ();
  first = sign_in (fixture, auth);
  assert_warned (pattern);

  /* The session works in memory. */
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  g_assert_cmpstr (result.token, ==, first);
  oidc_test_logout (auth, &result);
  g_assert_nonnull (result.error);
  g_test_message ("Logout: %s", result.error->message);
  g_assert_nonnull (strstr (result.error->message, "keyring"));
  g_assert_false (oidc_oauth2_auth_get_signed_in (auth));

  break_file_keyring (FALSE);
  g_assert_null (find_item (fixture->issuer, fixture->client_id));
  oidc_test_result_clear (&result);
}

static void
test_stored_format (void)
{
  static const char * const refused[] = {
    "",
    "null",
    "{}",
    "{\"version\": \"1\", \"refresh_token\": \"r\", \"subject\": \"s\"}",
    "{\"version\": 1, \"refresh_token\": \"\", \"subject\": \"s\"}",
    "{\"version\": 1, \"refresh_token\": \"r\"}",
    "{\"version\": 1, \"refresh_token\": \"r\", \"subject\": \"s\", \"nonce\": 1}",
    "{\"version\": 1, \"refresh_token\": \"SECRET-TOKEN\", \"subject\": 1}",
    "{\"version\": 1, \"refresh_token\": \"SECRET-TOKEN\"",
  };
  OidcStoredSession session = {
    .refresh_token = (char *) "r/+=\"\\",
    .subject = (char *) "alice",
    .scope = (char *) "openid offline_access",
    .nonce = NULL,
  };
  g_autoptr(OidcStoredSession) parsed = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  json = oidc_stored_session_to_json (&session);
  parsed = oidc_stored_session_from_json (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->refresh_token, ==, session.refresh_token);
  g_assert_cmpstr (parsed->subject, ==, "alice");
  g_assert_cmpstr (parsed->scope, ==, session.scope);
  g_assert_null (parsed->nonce);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(OidcStoredSession) none = NULL;

      none = oidc_stored_session_from_json (refused[i], strlen (refused[i]), &error);
      g_assert_null (none);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_null (strstr (error->message, "SECRET-TOKEN"));
      g_clear_error (&error);
    }

  g_assert_null (oidc_stored_session_from_json ("{\"\xff\"}", 5, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* The crash test */

typedef enum
{
  OUTCOME_TOKEN,
  OUTCOME_NONE,
} Outcome;

/* Runs a child that resumes the session; with @kill_after_us >= 0 it is killed that long after
 * it started to. Returns whether it got to the end, and then its outcome. */
static gboolean
run_child (Fixture *fixture,
           gint64   kill_after_us,
           gint64  *duration_us,
           Outcome *outcome)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autofree char *started = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            "/proc/self/exe", "--child", fixture->issuer, fixture->client_id,
                            NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  /* Process start-up is not what is measured: the child says when it asks for a token. */
  started = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (started, ==, "started");
  start = g_get_monotonic_time ();

  if (kill_after_us >= 0)
    {
      g_usleep (kill_after_us);
      g_subprocess_send_signal (child, SIGKILL);
    }

  answer = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  if (duration_us != NULL)
    *duration_us = g_get_monotonic_time () - start;

  if (g_subprocess_get_if_signaled (child))
    {
      /* Killed: that must be ours, not an abort or a crash. */
      g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
      g_assert_cmpint (kill_after_us, >=, 0);
      return FALSE;
    }

  g_assert_true (g_subprocess_get_if_exited (child));
  if (g_subprocess_get_exit_status (child) != 0 || answer == NULL)
    g_error ("The child failed (status %d): %s", g_subprocess_get_exit_status (child),
             answer ? answer : "(no answer)");

  if (g_str_equal (answer, "token"))
    *outcome = OUTCOME_TOKEN;
  else if (g_str_equal (answer, "none"))
    *outcome = OUTCOME_NONE;
  else
    g_error ("The child answered “%s”", answer);

  return TRUE;
}

/* A killed child's last request may still be in the provider's hands: wait until the provider
 * has answered everything it got, so that the next process does not race with it. */
static guint
settled_token_count (Fixture *fixture)
{
  guint count = oidc_test_idp_count (fixture->idp, "token");
  guint previous;

  do
    {
      previous = count;
      g_usleep (50 * 1000);
      count = oidc_test_idp_count (fixture->idp, "token");
    }
  while (count != previous);

  return count;
}

/*
 * A child resumes the saved session: keyring, discovery, keys, refresh (which the provider
 * rotates), keyring again, answer. It is killed at delays spread from 0 to a quarter more than
 * a resume lasts; then a new process resumes. What may be found then:
 *
 *  - the child finished, or was killed after saving the rotation: the keyring holds the new
 *    token, and the next process resumes with it;
 *  - it was killed before its refresh reached the provider: the keyring holds the old token,
 *    still good, and the next process resumes with it;
 *  - it was killed after the provider rotated the token and before the keyring had the new one:
 *    the old token is refused (and the provider revokes the grant, since it was reused), so
 *    the next process gets no token, no error, and removes the item.
 *
 * Never an error, a crash, a warning (the children make warnings fatal) or an item that is not
 * whole.
 */
static void
test_crash (Fixture       *fixture,
            gconstpointer  data)
{
  guint n_finished = 0, n_saved_new = 0, n_old_resumed = 0, n_old_refused = 0;
  gint64 duration = 0, start = g_get_monotonic_time ();
  Outcome outcome;

  /* How long a resume lasts, from the keyring through the refresh to the saved rotation. */
  g_free (sign_in_earlier_run (fixture));
  for (guint i = 0; i < 3; i++)
    {
      gint64 run;

      g_assert_true (run_child (fixture, -1, &run, &outcome));
      g_assert_cmpint (outcome, ==, OUTCOME_TOKEN);
      duration = MAX (duration, run);
    }
  g_test_message ("A resume lasts up to %" G_GINT64_FORMAT " ms", duration / 1000);

  for (guint i = 0; i < N_KILLS; i++)
    {
      gint64 delay = duration * 5 / 4 * i / (N_KILLS - 1);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_autofree char *resumed = NULL;
      g_autoptr(Item) item = NULL;
      gboolean finished, reached_provider;
      guint n_token;

      before = dup_stored_refresh_token (fixture->issuer, fixture->client_id);
      if (before == NULL)
        before = sign_in_earlier_run (fixture);

      n_token = settled_token_count (fixture);
      finished = run_child (fixture, delay, NULL, &outcome);
      if (finished)
        g_assert_cmpint (outcome, ==, OUTCOME_TOKEN);
      reached_provider = settled_token_count (fixture) > n_token;

      /* Whenever it died, the item is whole: the old token or the new one. */
      item = find_item (fixture->issuer, fixture->client_id);
      g_assert_nonnull (item);
      g_assert_nonnull (item->json);
      g_assert_false (json_object_has_member (item->json, "id_token"));
      g_assert_false (json_object_has_member (item->json, "access_token"));
      after = g_strdup (json_object_get_string_member (item->json, "refresh_token"));
      g_assert_nonnull (after);

      /* A new process either resumes or cleanly asks for a sign-in. */
      g_assert_true (run_child (fixture, -1, NULL, &outcome));
      resumed = dup_stored_refresh_token (fixture->issuer, fixture->client_id);
      if (outcome == OUTCOME_TOKEN)
        {
          g_assert_nonnull (resumed);
          g_assert_cmpstr (resumed, !=, after);
        }
      else
        g_assert_null (resumed);

      if (finished)
        {
          g_assert_cmpstr (after, !=, before);
          n_finished++;
        }
      else if (g_strcmp0 (after, before) != 0)
        {
          /* The rotation was saved before the kill: that token is good. */
          g_assert_true (reached_provider);
          g_assert_cmpint (outcome, ==, OUTCOME_TOKEN);
          n_saved_new++;
        }
      else if (!reached_provider)
        {
          /* Killed before its refresh reached the provider: the old token is good. */
          g_assert_cmpint (outcome, ==, OUTCOME_TOKEN);
          n_old_resumed++;
        }
      else if (outcome == OUTCOME_TOKEN)
        {
          /* Killed while its request was on the way: the provider saw one but did not rotate
           * (a request cut short); the old token is good. */
          n_old_resumed++;
        }
      else
        {
          /* Killed after the provider rotated the token and before the keyring had the new
           * one. */
          n_old_refused++;
        }
    }

  g_test_message ("%u kills over 0 to %" G_GINT64_FORMAT " ms in %" G_GINT64_FORMAT " s: "
                  "%u after the child finished, %u after the rotation was saved (resumed), "
                  "%u before the provider rotated (resumed), %u between the rotation and its "
                  "saving (signed out cleanly)",
                  N_KILLS, duration * 5 / 4 / 1000,
                  (g_get_monotonic_time () - start) / G_USEC_PER_SEC, n_finished, n_saved_new,
                  n_old_resumed, n_old_refused);
}

/* The child of the crash test: a new run of the application resuming its session. It prints
 * "started" when it asks for the token, then "token" or "none"; anything else fails. */
static int
child_main (const char *issuer,
            const char *client_id)
{
  g_autoptr(OidcOAuth2Auth) auth = NULL;
  OidcTestResult result = { 0 };

  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);

  auth = oidc_oauth2_auth_new (issuer, client_id);
  oidc_oauth2_auth_set_display_name (auth, PROVIDER_NAME);

  g_print ("started\n");
  fflush (stdout);
  oidc_test_get_id_token (auth, OIDC_AUTH_REQUEST_OPTIONAL, &result);
  if (result.error != NULL)
    {
      g_print ("error: %s\n", result.error->message);
      return 1;
    }

  g_print ("%s\n", result.token ? "token" : "none");
  oidc_test_result_clear (&result);
  return 0;
}

/* Setup */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
write_file (const char *path,
            const char *contents,
            int         mode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_chmod (path, mode);
}

/* The system browser: a script, the default handler of http in a private XDG directory. */
static void
set_up_browser (void)
{
  g_autofree char *data = g_build_filename (tmpdir, "data", NULL);
  g_autofree char *config = g_build_filename (tmpdir, "config", NULL);
  g_autofree char *script = g_build_filename (tmpdir, "browser.sh", NULL);
  g_autofree char *desktop = g_build_filename (data, "applications", "test-browser.desktop",
                                               NULL);
  g_autofree char *mimeapps = g_build_filename (config, "mimeapps.list", NULL);
  g_autofree char *script_text = NULL;
  g_autofree char *desktop_text = NULL;

  script_text = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$1\" > '%s/opened-uri.tmp'\n"
                                 "mv '%s/opened-uri.tmp' '%s/opened-uri'\n",
                                 tmpdir, tmpdir, tmpdir);
  write_file (script, script_text, 0700);
  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                                  "Exec=%s %%u\nNoDisplay=true\n"
                                  "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
                                  script);
  write_file (desktop, desktop_text, 0600);
  write_file (mimeapps, "[Default Applications]\n"
                        "x-scheme-handler/http=test-browser.desktop\n"
                        "x-scheme-handler/https=test-browser.desktop\n", 0600);

  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
}

/* The Secret Service must be there: CI runs this inside build-aux/test-session, and a keyring
 * test that skips would prove nothing. */
static void
require_secret_service (void)
{
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  if (service != NULL)
    collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                   SECRET_COLLECTION_NONE, NULL, &error);
  if (collection == NULL || secret_collection_get_locked (collection))
    g_error ("No unlocked keyring on the session bus (%s). Run the tests inside "
             "build-aux/test-session.", error ? error->message : "the default collection is "
             "missing or locked");
}

#define ADD_TTL(path, ttl, func) \
  g_test_add ("/Oidc/Keyring/" path, Fixture, GUINT_TO_POINTER (ttl), fixture_set_up, func, \
              fixture_tear_down)
#define ADD(path, func) ADD_TTL (path, 0, func)

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_set_prgname (PROGRAM_NAME);

  if (argc == 4 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], argv[3]);

  if (argc >= 2 && g_str_equal (argv[1], "--backend=file"))
    {
      backend = BACKEND_FILE;
      memmove (&argv[1], &argv[2], (argc - 1) * sizeof (char *));
      argc--;
    }

  tmpdir = g_dir_make_tmp ("stagedoor-test-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  set_up_browser ();

  if (backend == BACKEND_FILE)
    {
      /* Set before libsecret first runs, and inherited by the children. */
      keyring_file = g_build_filename (tmpdir, "keyrings", "default.keyring", NULL);
      g_setenv ("SECRET_BACKEND", "file", TRUE);
      g_setenv ("SECRET_FILE_TEST_PATH", keyring_file, TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", "stagedoor-test", TRUE);
    }

  g_test_init (&argc, &argv, NULL);
  g_log_set_handler ("Oidc", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL, on_oidc_warning, NULL);

  if (backend == BACKEND_SERVICE)
    require_secret_service ();

  browser_session = soup_session_new ();
  oidc_oauth2_auth_set_browser_logout (test_browser_logout_async, test_browser_logout_finish);

  g_test_add_func ("/Oidc/Keyring/stored-format", test_stored_format);
  ADD ("restart", test_restart);
  ADD_TTL ("rotation-saved", 4, test_rotation_saved);
  ADD ("refused", test_refused);
  ADD ("refused-then-sign-in", test_refused_then_sign_in);
  ADD ("network-failure", test_network_failure);
  ADD ("remember-session-off", test_remember_session_off);
  ADD ("logout", test_logout);
  ADD ("logout-before-resume", test_logout_before_resume);
  ADD ("logout-cancelled", test_logout_cancelled);
  ADD ("logout-in-browser", test_logout_in_browser);
  ADD ("garbage-item", test_garbage_item);
  if (backend == BACKEND_SERVICE)
    ADD ("locked-keyring", test_locked_keyring);
  else
    ADD ("missing-keyring", test_missing_keyring);
  ADD ("crash", test_crash);

  status = g_test_run ();

  g_clear_object (&browser_session);
  remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (keyring_file);

  return status;
}
