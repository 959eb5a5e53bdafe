/* oidc-secret-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "oidc-secret-store-private.h"

static void
wipe_free (char *text)
{
  if (text == NULL)
    return;

  secret_password_wipe (text);
  g_free (text);
}

/* Stored sessions */

void
oidc_stored_session_free (OidcStoredSession *stored)
{
  if (stored == NULL)
    return;

  wipe_free (stored->refresh_token);
  g_free (stored->subject);
  g_free (stored->scope);
  g_free (stored->nonce);
  g_free (stored);
}

char *
oidc_stored_session_to_json (const OidcStoredSession *stored)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (stored != NULL, NULL);
  g_return_val_if_fail (stored->refresh_token != NULL, NULL);
  g_return_val_if_fail (stored->subject != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, OIDC_SECRET_STORE_VERSION);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, stored->refresh_token);
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, stored->subject);
  if (stored->scope != NULL)
    {
      json_builder_set_member_name (builder, "scope");
      json_builder_add_string_value (builder, stored->scope);
    }
  if (stored->nonce != NULL)
    {
      json_builder_set_member_name (builder, "nonce");
      json_builder_add_string_value (builder, stored->nonce);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static gboolean
get_string (JsonObject  *object,
            const char  *name,
            gboolean     required,
            char       **out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return !required;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    return FALSE;

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

OidcStoredSession *
oidc_stored_session_from_json (const char  *json,
                               gsize        length,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(OidcStoredSession) stored = g_new0 (OidcStoredSession, 1);
  JsonObject *object;
  JsonNode *root, *version;

  g_return_val_if_fail (json != NULL || length == 0, NULL);

  /* The parser's own messages may quote the text, which may hold a token: say only what is
   * wrong in general. */
  if (!g_utf8_validate (json, length, NULL) ||
      !json_parser_load_from_data (parser, json, length, NULL) ||
      !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The saved session is not valid JSON"));
      return NULL;
    }

  object = json_node_get_object (root);
  version = json_object_get_member (object, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) != OIDC_SECRET_STORE_VERSION)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The saved session has an unknown format version"));
      return NULL;
    }

  if (!get_string (object, "refresh_token", TRUE, &stored->refresh_token) ||
      !get_string (object, "subject", TRUE, &stored->subject) ||
      !get_string (object, "scope", FALSE, &stored->scope) ||
      !get_string (object, "nonce", FALSE, &stored->nonce))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The saved session lacks a field or has a malformed one"));
      return NULL;
    }

  return g_steal_pointer (&stored);
}

/* Items */

const SecretSchema *
oidc_secret_store_get_schema (void)
{
  static const SecretSchema schema = {
    OIDC_SECRET_STORE_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "application", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "issuer", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

char *
oidc_secret_store_dup_application (void)
{
  GApplication *application = g_application_get_default ();
  const char *id = application ? g_application_get_application_id (application) : NULL;

  if (id == NULL)
    id = g_get_prgname ();

  return g_strdup (id ? id : "");
}

static GHashTable *
item_attributes (const char *issuer,
                 const char *client_id)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "application", oidc_secret_store_dup_application ());
  g_hash_table_insert (attributes, (gpointer) "issuer", g_strdup (issuer));
  g_hash_table_insert (attributes, (gpointer) "client-id", g_strdup (client_id));

  return attributes;
}

/* Jobs: one queue per item, the running job at its head. */

typedef enum
{
  JOB_SAVE,
  JOB_LOAD,
  JOB_DELETE,
} JobKind;

typedef struct
{
  JobKind     kind;
  gboolean    running;
  char       *key;
  GHashTable *attributes;
  char       *label;
  char       *secret;
  GError     *load_error;
} Job;

static GHashTable *queues;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->key);
  g_hash_table_unref (job->attributes);
  g_free (job->label);
  wipe_free (job->secret);
  g_clear_error (&job->load_error);
  g_free (job);
}

static void job_run (GTask *task);

static void
queue_start_next (const char *key)
{
  GQueue *queue = g_hash_table_lookup (queues, key);
  GTask *task;
  Job *job;

  if (queue == NULL)
    return;

  if (g_queue_is_empty (queue))
    {
      g_hash_table_remove (queues, key);
      return;
    }

  task = g_queue_peek_head (queue);
  job = g_task_get_task_data (task);
  if (job->running)
    return;

  job->running = TRUE;
  job_run (task);
}

/* Takes the finished job at the head of its queue out of it, before its caller hears of the
 * result and perhaps queues the next job. */
static char *
queue_leave (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  GQueue *queue = g_hash_table_lookup (queues, job->key);

  g_assert (queue != NULL && g_queue_peek_head (queue) == task);
  g_queue_pop_head (queue);

  return g_strdup (job->key);
}

static void
job_return_error (GTask  *task,
                  GError *error)
{
  g_autofree char *key = queue_leave (task);

  g_task_return_error (task, error);
  g_object_unref (task);
  queue_start_next (key);
}

static void
job_return_boolean (GTask *task)
{
  g_autofree char *key = queue_leave (task);

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  queue_start_next (key);
}

static void
job_return_pointer (GTask          *task,
                    gpointer        result,
                    GDestroyNotify  destroy)
{
  g_autofree char *key = queue_leave (task);

  g_task_return_pointer (task, result, destroy);
  g_object_unref (task);
  queue_start_next (key);
}

static void
on_stored (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    job_return_error (task, error);
  else
    job_return_boolean (task);
}

static void
on_cleared (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  /* FIXME: gnome-keyring answers a delete in a locked collection with "nothing deleted" rather
   * than an error, so the item stays and nobody hears of it. Remove once libsecret reports it
   * (or check the collection's lock state first, which the file store cannot answer). */
  secret_password_clear_finish (result, &error);

  /* A load that found an unreadable item reports that, whether removing it worked or not. */
  if (job->load_error != NULL)
    {
      GError *load_error = g_steal_pointer (&job->load_error);

      if (error != NULL)
        {
          g_autofree char *message = g_strdup (load_error->message);

          g_clear_pointer (&load_error->message, g_free);
          load_error->message = g_strdup_printf (_("%s; removing it failed too: %s"), message,
                                                 error->message);
          g_clear_error (&error);
        }
      job_return_error (task, load_error);
    }
  else if (error != NULL)
    job_return_error (task, error);
  else
    job_return_boolean (task);
}

static void
on_retrieved (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  SecretValue *value;
  OidcStoredSession *stored;
  GError *error = NULL;
  const char *data;
  gsize length;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (object), result, &error);
  if (value == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                     _("The keyring gave no secret for the saved session"));
      job_return_error (task, error);
      return;
    }

  data = secret_value_get (value, &length);
  stored = oidc_stored_session_from_json (data, length, &error);
  secret_value_unref (value);
  if (stored != NULL)
    {
      job_return_pointer (task, stored, (GDestroyNotify) oidc_stored_session_free);
      return;
    }

  /* An item this code cannot read is worth nothing: remove it, so a new sign-in starts clean,
   * and tell the caller why there is no session. */
  job->load_error = error;
  secret_password_clearv (oidc_secret_store_get_schema (), job->attributes,
                          g_task_get_cancellable (task), on_cleared, task);
}

static void
on_searched (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GList *items;
  GError *error = NULL;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      job_return_error (task, error);
      return;
    }

  if (items == NULL)
    {
      job_return_pointer (task, NULL, NULL);
      return;
    }

  secret_retrievable_retrieve_secret (items->data, g_task_get_cancellable (task), on_retrieved,
                                      task);
  g_list_free_full (items, g_object_unref);
}

static void
job_run (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      job_return_error (task, error);
      return;
    }

  switch (job->kind)
    {
    case JOB_SAVE:
      secret_password_storev (oidc_secret_store_get_schema (), job->attributes,
                              SECRET_COLLECTION_DEFAULT, job->label, job->secret, cancellable,
                              on_stored, task);
      break;

    case JOB_LOAD:
      /* A search rather than a lookup: a locked keyring then fails with an error instead of
       * looking empty, and a desktop session asks the user to unlock it. */
      secret_password_searchv (oidc_secret_store_get_schema (), job->attributes,
                               SECRET_SEARCH_UNLOCK, cancellable, on_searched, task);
      break;

    case JOB_DELETE:
      secret_password_clearv (oidc_secret_store_get_schema (), job->attributes, cancellable,
                              on_cleared, task);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Queues a job behind the others on the same item and starts it if it is first. @label and
 * @secret (both taken) are for saving only. */
static void
job_submit (JobKind              kind,
            const char          *issuer,
            const char          *client_id,
            char                *label,
            char                *secret,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);
  g_autofree char *application = oidc_secret_store_dup_application ();
  g_autofree char *key = NULL;
  GQueue *queue;

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[oidc] keyring");

  job->kind = kind;
  job->attributes = item_attributes (issuer, client_id);
  job->key = g_strdup_printf ("%s\n%s\n%s", application, issuer, client_id);
  job->label = label;
  job->secret = secret;
  g_task_set_task_data (task, job, job_free);

  if (queues == NULL)
    queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_queue_free);

  if (!(queue = g_hash_table_lookup (queues, job->key)))
    {
      queue = g_queue_new ();
      g_hash_table_insert (queues, g_strdup (job->key), queue);
    }

  /* The queue owns the task until its job returns. */
  g_queue_push_tail (queue, task);

  key = g_strdup (job->key);
  queue_start_next (key);
}

void
oidc_secret_store_save_async (const char              *issuer,
                              const char              *client_id,
                              const char              *provider_name,
                              const OidcStoredSession *stored,
                              GCancellable            *cancellable,
                              GAsyncReadyCallback      callback,
                              gpointer                 user_data)
{
  g_autofree char *application = NULL;
  const char *application_name;
  char *label;

  g_return_if_fail (issuer != NULL);
  g_return_if_fail (client_id != NULL);
  g_return_if_fail (stored != NULL);

  /* What Seahorse lists: the provider as the sign-in dialog names it, and the application. */
  application_name = g_get_application_name ();
  if (application_name == NULL)
    application_name = application = oidc_secret_store_dup_application ();
  /* Translators: the label of a keyring item, e.g. "Sign-in to Example ID for Stagedoor". */
  label = g_strdup_printf (_("Sign-in to %s for %s"),
                           provider_name ? provider_name : issuer, application_name);

  job_submit (JOB_SAVE, issuer, client_id, label, oidc_stored_session_to_json (stored),
              cancellable, callback, user_data, oidc_secret_store_save_async);
}

gboolean
oidc_secret_store_save_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oidc_secret_store_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
oidc_secret_store_load_async (const char          *issuer,
                              const char          *client_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (issuer != NULL);
  g_return_if_fail (client_id != NULL);

  job_submit (JOB_LOAD, issuer, client_id, NULL, NULL, cancellable, callback, user_data,
              oidc_secret_store_load_async);
}

OidcStoredSession *
oidc_secret_store_load_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oidc_secret_store_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
oidc_secret_store_delete_async (const char          *issuer,
                                const char          *client_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (issuer != NULL);
  g_return_if_fail (client_id != NULL);

  job_submit (JOB_DELETE, issuer, client_id, NULL, NULL, cancellable, callback, user_data,
              oidc_secret_store_delete_async);
}

gboolean
oidc_secret_store_delete_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        oidc_secret_store_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
