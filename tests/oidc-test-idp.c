/* oidc-test-idp.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "oidc-test-idp.h"

/* Steps of a sign-in: authorization request, login page, login, resume, consent page, consent,
 * resume and the final redirect make eight; allow some slack, never a loop. */
#define AUTHORIZE_MAX_STEPS 16
#define STOP_GRACE_SECONDS  10
#define NPM_HINT            "run `npm ci --prefix tests/idp`"

struct _OidcTestIdp
{
  GSubprocess *process;
  SoupSession *session;
  char        *issuer;
  char        *client_id;
  guint        port;
};

/* Waiting */

static gboolean
on_wait_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the thread-default main context until *done is set or @seconds pass; returns *done. */
static gboolean
iterate_until (const gboolean *done,
               guint           seconds)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  g_autoptr(GSource) timeout = NULL;
  gboolean timed_out = FALSE;

  timeout = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (timeout, on_wait_timeout, &timed_out, NULL);
  g_source_attach (timeout, context);

  while (!*done && !timed_out)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);
  return *done;
}

/* Once cancelled, a GIO operation completes at the next iterations; wait for that so that its
 * callback never sees freed stack data. */
static void
cancel_and_drain (GCancellable   *cancellable,
                  const gboolean *done)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_cancellable_cancel (cancellable);
  while (!*done)
    g_main_context_iteration (context, TRUE);
}

typedef struct
{
  GAsyncResult *result;
  gboolean      done;
} Waiter;

static void
on_waiter_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

/* Small helpers */

static char *
html_unescape (const char *text)
{
  static const struct
  {
    const char *entity;
    char        character;
  } entities[] = {
    { "&amp;", '&' }, { "&quot;", '"' }, { "&#39;", '\'' }, { "&#x27;", '\'' },
    { "&#34;", '"' }, { "&lt;", '<' }, { "&gt;", '>' },
  };
  GString *out = g_string_sized_new (strlen (text));

  while (*text != '\0')
    {
      gboolean replaced = FALSE;

      if (*text == '&')
        {
          for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
            {
              gsize length = strlen (entities[i].entity);

              if (strncmp (text, entities[i].entity, length) == 0)
                {
                  g_string_append_c (out, entities[i].character);
                  text += length;
                  replaced = TRUE;
                  break;
                }
            }
        }

      if (!replaced)
        g_string_append_c (out, *text++);
    }

  return g_string_free (out, FALSE);
}

/* The readable text of an HTML page, shortened, for error messages. */
static char *
page_text (const char *html)
{
  g_autoptr(GRegex) tags = g_regex_new ("<head.*?</head>|<[^>]*>", G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
  g_autofree char *text = g_regex_replace_literal (tags, html, -1, 0, " ", 0, NULL);
  g_autofree char *spaced = g_regex_replace_literal (spaces, text, -1, 0, " ", 0, NULL);
  g_autofree char *plain = html_unescape (g_strstrip (spaced));

  if (g_utf8_strlen (plain, -1) > 300)
    {
      g_autofree char *head = g_utf8_substring (plain, 0, 300);

      return g_strconcat (head, "…", NULL);
    }

  return g_steal_pointer (&plain);
}

/* The first capture of @pattern in @html, HTML-unescaped, or NULL. */
static char *
find_in_page (const char *html,
              const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *found = NULL;

  g_assert (regex != NULL);
  if (!g_regex_match (regex, html, 0, &match))
    return NULL;

  found = g_match_info_fetch (match, 1);
  return html_unescape (found);
}

static char *
resolve_uri (const char  *base,
             const char  *reference,
             GError     **error)
{
  return g_uri_resolve_relative (base, reference, G_URI_FLAGS_ENCODED, error);
}

/* A session that talks to the provider directly, whatever proxy the environment names. */
static SoupSession *
new_session (void)
{
  return soup_session_new_with_options ("timeout", OIDC_TEST_IDP_TIMEOUT_SECONDS,
                                        "user-agent", "oidc-test-idp",
                                        "proxy-resolver", NULL,
                                        NULL);
}

/* Sends @message synchronously; aborts the test when the provider does not answer. */
static GBytes *
send_sync (OidcTestIdp *idp,
           SoupMessage *message,
           const char  *what)
{
  g_autoptr(GError) error = NULL;
  GBytes *body;

  body = soup_session_send_and_read (idp->session, message, NULL, &error);
  if (body == NULL)
    g_error ("The test identity provider did not answer %s: %s", what, error->message);

  return body;
}

/* Starting and stopping */

typedef struct
{
  char     *line;
  GError   *error;
  gboolean  done;
} ReadyLine;

static void
on_ready_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ReadyLine *ready = user_data;

  ready->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                           NULL, &ready->error);
  ready->done = TRUE;
}

static gboolean
parse_ready_line (OidcTestIdp  *idp,
                  const char   *line,
                  GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (!json_parser_load_from_data (parser, line, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The test identity provider printed “%s” instead of its ready line", line);
      return FALSE;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  idp->issuer = g_strdup (json_object_get_string_member_with_default (object, "issuer", ""));
  idp->port = json_object_get_int_member_with_default (object, "port", 0);
  if (!g_str_has_prefix (idp->issuer, "http://127.0.0.1:") || idp->port == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The test identity provider's ready line “%s” lacks an issuer or port",
                   line);
      return FALSE;
    }

  return TRUE;
}

/* Finds node and idp.mjs, or says what to install. */
static gboolean
find_programs (char   **node,
               char   **script,
               char   **dir,
               GError **error)
{
  const char *idp_dir = g_getenv ("OIDC_TEST_IDP_DIR");
  const char *node_env = g_getenv ("OIDC_TEST_NODE");
  g_autofree char *modules = NULL;

  if (idp_dir == NULL || *idp_dir == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "OIDC_TEST_IDP_DIR is not set: run the tests through `meson test`, or set it "
                   "to the tests/idp folder");
      return FALSE;
    }

  *node = node_env != NULL && *node_env != '\0' ? g_strdup (node_env)
                                                : g_find_program_in_path ("node");
  if (*node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "Node.js (node) is not in PATH: the test identity provider needs it; install "
                   "nodejs and npm, then " NPM_HINT);
      return FALSE;
    }

  *script = g_build_filename (idp_dir, "idp.mjs", NULL);
  if (!g_file_test (*script, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s does not exist: OIDC_TEST_IDP_DIR must name the tests/idp folder", *script);
      return FALSE;
    }

  modules = g_build_filename (idp_dir, "node_modules", "oidc-provider", "package.json", NULL);
  if (!g_file_test (modules, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The test identity provider's packages are not installed in %s/node_modules: "
                   NPM_HINT, idp_dir);
      return FALSE;
    }

  *dir = g_strdup (idp_dir);
  return TRUE;
}

static void
set_or_unset (GSubprocessLauncher *launcher,
              const char          *variable,
              const char          *value)
{
  if (value != NULL)
    g_subprocess_launcher_setenv (launcher, variable, value, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, variable);
}

static char *
ttl_string (guint seconds)
{
  return seconds > 0 ? g_strdup_printf ("%u", seconds) : NULL;
}

OidcTestIdp *
oidc_test_idp_start (const OidcTestIdpOptions  *options,
                     GError                   **error)
{
  static const OidcTestIdpOptions defaults = { 0 };
  g_autoptr(OidcTestIdp) idp = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autofree char *node = NULL;
  g_autofree char *script = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *access_ttl = NULL;
  g_autofree char *id_ttl = NULL;
  g_autofree char *line = NULL;
  ReadyLine ready = { NULL, NULL, FALSE };

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;

  if (!find_programs (&node, &script, &dir, error))
    return NULL;

  access_ttl = ttl_string (options->access_ttl);
  id_ttl = ttl_string (options->id_ttl);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  g_subprocess_launcher_setenv (launcher, "OIDC_TEST_PORT", "0", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "OIDC_TEST_IGNORE_STDIN");
  set_or_unset (launcher, "OIDC_TEST_ACCESS_TTL", access_ttl);
  set_or_unset (launcher, "OIDC_TEST_ID_TTL", id_ttl);
  set_or_unset (launcher, "OIDC_TEST_REDIRECT_URIS", options->redirect_uris);
  set_or_unset (launcher, "OIDC_TEST_CLIENT_ID", options->client_id);

  idp = g_new0 (OidcTestIdp, 1);
  idp->client_id = g_strdup (options->client_id != NULL ? options->client_id
                                                        : OIDC_TEST_IDP_DEFAULT_CLIENT_ID);
  idp->process = g_subprocess_launcher_spawn (launcher, error, node, script, NULL);
  if (idp->process == NULL)
    return NULL;

  /* The provider prints one line on stdout when it listens; its other messages go to our
   * stderr, where the test log keeps them. */
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (idp->process));
  cancellable = g_cancellable_new ();
  g_data_input_stream_read_line_async (output, G_PRIORITY_DEFAULT, cancellable,
                                       on_ready_line, &ready);
  if (!iterate_until (&ready.done, OIDC_TEST_IDP_TIMEOUT_SECONDS))
    {
      cancel_and_drain (cancellable, &ready.done);
      g_clear_error (&ready.error);
      g_clear_pointer (&ready.line, g_free);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "The test identity provider did not get ready within %u s",
                   OIDC_TEST_IDP_TIMEOUT_SECONDS);
      return NULL;
    }

  line = g_steal_pointer (&ready.line);
  if (ready.error != NULL)
    {
      g_propagate_prefixed_error (error, ready.error,
                                  "Cannot read the test identity provider's output: ");
      return NULL;
    }
  if (line == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                   "The test identity provider exited before it was ready; its messages are "
                   "above in the test log");
      return NULL;
    }
  if (!parse_ready_line (idp, line, error))
    return NULL;

  idp->session = new_session ();
  g_test_message ("Test identity provider ready at %s", idp->issuer);

  return g_steal_pointer (&idp);
}

static gboolean
wait_for_exit (GSubprocess *process,
               guint        seconds)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Waiter waiter = { NULL, FALSE };
  gboolean exited;

  g_subprocess_wait_async (process, cancellable, on_waiter_ready, &waiter);
  exited = iterate_until (&waiter.done, seconds);
  if (!exited)
    cancel_and_drain (cancellable, &waiter.done);

  exited = g_subprocess_wait_finish (process, waiter.result, NULL);
  g_clear_object (&waiter.result);
  return exited;
}

void
oidc_test_idp_stop (OidcTestIdp *idp)
{
  if (idp == NULL)
    return;

  if (idp->process != NULL)
    {
      g_subprocess_send_signal (idp->process, SIGTERM);
      if (!wait_for_exit (idp->process, STOP_GRACE_SECONDS))
        {
          g_test_message ("The test identity provider ignored SIGTERM; killing it");
          g_subprocess_force_exit (idp->process);
          if (!wait_for_exit (idp->process, OIDC_TEST_IDP_TIMEOUT_SECONDS))
            g_warning ("The test identity provider did not exit even when killed");
        }
    }

  g_clear_object (&idp->process);
  g_clear_object (&idp->session);
  g_free (idp->issuer);
  g_free (idp->client_id);
  g_free (idp);
}

/* Getters */

const char *
oidc_test_idp_get_issuer (OidcTestIdp *idp)
{
  g_return_val_if_fail (idp != NULL, NULL);

  return idp->issuer;
}

guint
oidc_test_idp_get_port (OidcTestIdp *idp)
{
  g_return_val_if_fail (idp != NULL, 0);

  return idp->port;
}

const char *
oidc_test_idp_get_client_id (OidcTestIdp *idp)
{
  g_return_val_if_fail (idp != NULL, NULL);

  return idp->client_id;
}

/* Test endpoints and the token endpoint */

guint
oidc_test_idp_count (OidcTestIdp *idp,
                     const char  *endpoint)
{
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *stats;

  g_return_val_if_fail (idp != NULL, 0);
  g_return_val_if_fail (endpoint != NULL, 0);

  uri = g_strconcat (idp->issuer, "/test/stats", NULL);
  message = soup_message_new (SOUP_METHOD_GET, uri);
  body = send_sync (idp, message, "GET /test/stats");
  if (soup_message_get_status (message) != SOUP_STATUS_OK
      || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                      g_bytes_get_size (body), &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    g_error ("GET /test/stats answered HTTP %u without a JSON object",
             soup_message_get_status (message));

  stats = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (stats, endpoint))
    g_error ("The test identity provider counts no endpoint named “%s”", endpoint);

  return (guint) json_object_get_int_member (stats, endpoint);
}

void
oidc_test_idp_reset_counts (OidcTestIdp *idp)
{
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (idp != NULL);

  uri = g_strconcat (idp->issuer, "/test/reset", NULL);
  message = soup_message_new (SOUP_METHOD_POST, uri);
  body = send_sync (idp, message, "POST /test/reset");
  if (soup_message_get_status (message) != SOUP_STATUS_NO_CONTENT)
    g_error ("POST /test/reset answered HTTP %u", soup_message_get_status (message));
}

char *
oidc_test_idp_try_refresh (OidcTestIdp *idp,
                           const char  *refresh_token)
{
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  guint status;

  g_return_val_if_fail (idp != NULL, NULL);
  g_return_val_if_fail (refresh_token != NULL, NULL);

  uri = g_strconcat (idp->issuer, "/token", NULL);
  message = soup_message_new_from_encoded_form (SOUP_METHOD_POST, uri,
                                                soup_form_encode ("grant_type", "refresh_token",
                                                                  "client_id", idp->client_id,
                                                                  "refresh_token", refresh_token,
                                                                  NULL));
  body = soup_session_send_and_read (idp->session, message, NULL, &error);
  if (body == NULL)
    return g_strdup_printf ("transport error: %s", error->message);

  status = soup_message_get_status (message);
  if (status == SOUP_STATUS_OK)
    return NULL;

  if (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *answer = json_node_get_object (json_parser_get_root (parser));
      const char *code = json_object_get_string_member_with_default (answer, "error", NULL);

      if (code != NULL)
        return g_strdup (code);
    }

  return g_strdup_printf ("HTTP %u", status);
}

/* Playing the user */

typedef struct
{
  SoupSession *session;
  SoupMessage *message;
  char        *uri;
  char        *redirect_uri;
  char        *login;
  gboolean     cancel;
  guint        steps;
} Authorize;

static void
authorize_free (gpointer data)
{
  Authorize *authorize = data;

  g_clear_object (&authorize->session);
  g_clear_object (&authorize->message);
  g_free (authorize->uri);
  g_free (authorize->redirect_uri);
  g_free (authorize->login);
  g_free (authorize);
}

static void on_authorize_response (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data);

/* Loads @uri (takes it), POSTing @form (takes it) if not NULL, or returns @uri when it is the
 * redirect URI. */
static void
authorize_step (GTask *task,
                char  *uri,
                char  *form)
{
  Authorize *authorize = g_task_get_task_data (task);

  g_free (authorize->uri);
  authorize->uri = uri;

  if (g_str_has_prefix (uri, authorize->redirect_uri))
    {
      g_free (form);
      g_task_return_pointer (task, g_strdup (uri), g_free);
      g_object_unref (task);
      return;
    }

  if (++authorize->steps > AUTHORIZE_MAX_STEPS)
    {
      g_free (form);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "No redirect to %s after %u steps; the last was to %s",
                               authorize->redirect_uri, AUTHORIZE_MAX_STEPS, uri);
      g_object_unref (task);
      return;
    }

  g_clear_object (&authorize->message);
  if (form != NULL)
    authorize->message = soup_message_new_from_encoded_form (SOUP_METHOD_POST, uri, form);
  else
    authorize->message = soup_message_new (SOUP_METHOD_GET, uri);
  if (authorize->message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Cannot load “%s”: not an HTTP URI", uri);
      g_object_unref (task);
      return;
    }

  /* Redirects are the steps of the flow: handle them here, and never load the redirect URI. */
  soup_message_add_flags (authorize->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (authorize->session, authorize->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_authorize_response, task);
}

/* Decides what the user does on an interaction page of the provider. */
static void
authorize_page (GTask      *task,
                const char *html)
{
  Authorize *authorize = g_task_get_task_data (task);
  g_autofree char *action = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GError) error = NULL;
  char *form;

  if (authorize->cancel)
    {
      g_autofree char *abort = find_in_page (html, "<a\\s[^>]*href=\"([^\"]*)\"[^>]*>"
                                                   "\\s*\\[\\s*Cancel\\s*\\]");

      if (abort == NULL || !(target = resolve_uri (authorize->uri, abort, &error)))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                   "No Cancel link on the page at %s", authorize->uri);
          g_object_unref (task);
          return;
        }

      authorize_step (task, g_steal_pointer (&target), NULL);
      return;
    }

  action = find_in_page (html, "<form\\s[^>]*action=\"([^\"]*)\"");
  prompt = find_in_page (html, "<input\\s[^>]*name=\"prompt\"[^>]*value=\"([^\"]*)\"");
  if (action != NULL)
    target = resolve_uri (authorize->uri, action, &error);

  if (target != NULL && g_strcmp0 (prompt, "login") == 0)
    form = soup_form_encode ("prompt", "login",
                             "login", authorize->login,
                             "password", "any password",
                             NULL);
  else if (target != NULL && g_strcmp0 (prompt, "consent") == 0)
    form = soup_form_encode ("prompt", "consent", NULL);
  else
    {
      g_autofree char *text = page_text (html);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "Unexpected page at %s: %s", authorize->uri, text);
      g_object_unref (task);
      return;
    }

  authorize_step (task, g_steal_pointer (&target), form);
}

static void
on_authorize_response (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  Authorize *authorize = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *html = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  status = soup_message_get_status (authorize->message);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (authorize->message);
      const char *location = soup_message_headers_get_one (headers, "Location");
      char *next;

      if (location == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                   "HTTP %u from %s without a Location", status, authorize->uri);
          g_object_unref (task);
          return;
        }

      /* The redirect URI may use a private-use scheme: hand it back as the provider sent it. */
      if (g_str_has_prefix (location, authorize->redirect_uri))
        next = g_strdup (location);
      else if (!(next = resolve_uri (authorize->uri, location, &error)))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }

      authorize_step (task, next, NULL);
      return;
    }

  html = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *text = page_text (html);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "HTTP %u from %s: %s", status, authorize->uri, text);
      g_object_unref (task);
      return;
    }

  authorize_page (task, html);
}

void
oidc_test_idp_authorize_async (OidcTestIdp         *idp,
                               const char          *authorization_uri,
                               const char          *redirect_uri,
                               const char          *login,
                               gboolean             cancel,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Authorize *authorize;
  g_autoptr(SoupCookieJar) jar = NULL;

  g_return_if_fail (idp != NULL);
  g_return_if_fail (authorization_uri != NULL);
  g_return_if_fail (redirect_uri != NULL && *redirect_uri != '\0');
  g_return_if_fail (login != NULL || cancel);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, oidc_test_idp_authorize_async);

  /* A browser of its own: a fresh session and cookie jar, so no sign-in is remembered. */
  authorize = g_new0 (Authorize, 1);
  authorize->session = new_session ();
  jar = soup_cookie_jar_new ();
  soup_session_add_feature (authorize->session, SOUP_SESSION_FEATURE (jar));
  authorize->redirect_uri = g_strdup (redirect_uri);
  authorize->login = g_strdup (login);
  authorize->cancel = cancel;
  g_task_set_task_data (task, authorize, authorize_free);

  authorize_step (task, g_strdup (authorization_uri), NULL);
}

char *
oidc_test_idp_authorize_finish (OidcTestIdp   *idp,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (idp != NULL, NULL);
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == oidc_test_idp_authorize_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
oidc_test_idp_authorize (OidcTestIdp  *idp,
                         const char   *authorization_uri,
                         const char   *redirect_uri,
                         const char   *login,
                         gboolean      cancel,
                         GError      **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Waiter waiter = { NULL, FALSE };
  char *redirect;

  g_return_val_if_fail (idp != NULL, NULL);

  oidc_test_idp_authorize_async (idp, authorization_uri, redirect_uri, login, cancel, cancellable,
                                 on_waiter_ready, &waiter);
  if (!iterate_until (&waiter.done, OIDC_TEST_IDP_TIMEOUT_SECONDS))
    {
      cancel_and_drain (cancellable, &waiter.done);
      g_clear_object (&waiter.result);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "Signing in at the test identity provider took longer than %u s",
                   OIDC_TEST_IDP_TIMEOUT_SECONDS);
      return NULL;
    }

  redirect = oidc_test_idp_authorize_finish (idp, waiter.result, error);
  g_clear_object (&waiter.result);
  return redirect;
}
