/* oidc-http.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "oidc-error.h"
#include "oidc-http-private.h"
#include "oidc-jose-private.h"

#define READ_CHUNK 16384

typedef struct
{
  SoupMessage  *message;
  char         *host;
  GCancellable *cancellable;
  GCancellable *outer_cancellable;
  gulong        outer_cancelled_id;
  GSource      *timeout_source;
  GInputStream *stream;
  GByteArray   *body;
  char         *oauth_error;
  guint         is_form : 1;
  guint         timed_out : 1;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  if (request->outer_cancelled_id != 0)
    g_cancellable_disconnect (request->outer_cancellable, request->outer_cancelled_id);
  g_clear_object (&request->outer_cancellable);

  if (request->timeout_source != NULL)
    g_source_destroy (request->timeout_source);
  g_clear_pointer (&request->timeout_source, g_source_unref);

  g_clear_object (&request->message);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request->host);
  g_free (request->oauth_error);
  g_free (request);
}

gboolean
oidc_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
oidc_uri_is_secure_or_loopback (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  const char *scheme;

  if (uri == NULL || !(parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL)))
    return FALSE;

  scheme = g_uri_get_scheme (parsed);
  if (g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    return FALSE;

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;

  return g_ascii_strcasecmp (scheme, "http") == 0 &&
         oidc_host_is_loopback (g_uri_get_host (parsed));
}

char *
oidc_sanitize_text (const char *text)
{
  GString *out = g_string_new (NULL);
  guint n_chars = 0;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_string_free (out, FALSE);

  for (const char *p = text; *p != '\0' && n_chars < 200; p = g_utf8_next_char (p), n_chars++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_isprint (c) ? c : ' ');
    }

  return g_string_free (out, FALSE);
}

SoupSession *
oidc_http_session_new (void)
{
  g_autofree char *user_agent = g_strdup_printf ("liboidc-gtk/%s", PACKAGE_VERSION);

  return soup_session_new_with_options ("user-agent", user_agent,
                                        "max-conns-per-host", 4,
                                        NULL);
}

static gboolean
on_timeout (gpointer user_data)
{
  Request *request = user_data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  g_clear_pointer (&request->timeout_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

static void
on_outer_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  Request *request = user_data;

  g_cancellable_cancel (request->cancellable);
}

static void
return_transport_error (GTask  *task,
                        GError *error)
{
  Request *request = g_task_get_task_data (task);

  if (request->outer_cancellable != NULL && g_cancellable_is_cancelled (request->outer_cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The request was cancelled"));
  else if (request->timed_out)
    g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_NETWORK,
                             _("%s did not answer in time. Check your connection and try again."),
                             request->host);
  else
    g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_NETWORK,
                             _("Could not reach %s: %s"), request->host, error->message);
}

static JsonObject *
parse_object (GByteArray  *body,
              const char  *host,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  /* json-glib cuts a string at an escaped NUL: an "issuer" could carry a tail that the exact
   * comparison never sees. */
  if (oidc_json_has_escaped_nul ((const char *) body->data, body->len))
    {
      g_set_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                   _("%s answered with JSON that hides a NUL character"), host);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, (const char *) body->data, body->len, &local_error))
    {
      g_set_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                   _("%s answered with malformed JSON: %s"), host, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                   _("%s answered with JSON that is not an object"), host);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static void
finish_request (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  guint status = soup_message_get_status (request->message);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) parse_error = NULL;

  g_debug ("%s answered HTTP %u with %u bytes", request->host, status, request->body->len);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                               _("%s answered with a redirect, which is not allowed here"),
                               request->host);
      return;
    }

  if (request->is_form && request->body->len == 0 && SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_pointer (task, json_object_new (), (GDestroyNotify) json_object_unref);
      return;
    }

  if (request->body->len > 0)
    object = parse_object (request->body, request->host, &parse_error);

  if (request->is_form && (status == 400 || status == 401) && object != NULL &&
      json_object_has_member (object, "error") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "error")) &&
      json_node_get_value_type (json_object_get_member (object, "error")) == G_TYPE_STRING)
    {
      const char *code = json_object_get_string_member (object, "error");
      g_autofree char *safe_code = oidc_sanitize_text (code);
      g_autofree char *description =
        oidc_sanitize_text (json_object_get_string_member_with_default (object,
                                                                        "error_description",
                                                                        ""));

      request->oauth_error = g_strdup (code);
      g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_PROVIDER,
                               _("%s refused the request: %s%s%s%s"),
                               request->host, safe_code,
                               *description ? " (" : "", description, *description ? ")" : "");
      return;
    }

  if (SOUP_STATUS_IS_SERVER_ERROR (status))
    {
      g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_SERVER,
                               _("%s had a server error (HTTP %u). Try again later."),
                               request->host, status);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                               _("%s answered with HTTP %u"), request->host, status);
      return;
    }

  if (object == NULL)
    {
      if (parse_error == NULL)
        g_set_error (&parse_error, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                     _("%s answered with an empty body"), request->host);
      g_task_return_error (task, g_steal_pointer (&parse_error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (!(bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error)))
    {
      return_transport_error (task, error);
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      g_input_stream_close (request->stream, NULL, NULL);
      finish_request (task);
      return;
    }

  if (request->body->len + g_bytes_get_size (bytes) > OIDC_HTTP_MAX_BODY)
    {
      g_cancellable_cancel (request->cancellable);
      g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                               _("%s answered with more than %u KiB, which is too large"),
                               request->host, OIDC_HTTP_MAX_BODY / 1024);
      return;
    }

  g_byte_array_append (request->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_input_stream_read_bytes_async (request->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   request->cancellable, on_read, g_steal_pointer (&task));
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset length;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      return_transport_error (task, error);
      return;
    }

  headers = soup_message_get_response_headers (request->message);
  length = soup_message_headers_get_content_length (headers);
  if (length > OIDC_HTTP_MAX_BODY)
    {
      g_cancellable_cancel (request->cancellable);
      g_task_return_new_error (task, OIDC_ERROR, OIDC_ERROR_INVALID_RESPONSE,
                               _("%s answered with more than %u KiB, which is too large"),
                               request->host, OIDC_HTTP_MAX_BODY / 1024);
      return;
    }

  g_input_stream_read_bytes_async (request->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   request->cancellable, on_read, g_steal_pointer (&task));
}

static void
start_request (SoupSession         *session,
               SoupMessage         *message,
               gboolean             is_form,
               guint                timeout,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  request = g_new0 (Request, 1);
  request->message = g_object_ref (message);
  request->host = g_strdup (g_uri_get_host (soup_message_get_uri (message)));
  request->cancellable = g_cancellable_new ();
  request->body = g_byte_array_new ();
  request->is_form = is_form;
  g_task_set_task_data (task, request, request_free);

  if (cancellable != NULL)
    {
      request->outer_cancellable = g_object_ref (cancellable);
      request->outer_cancelled_id = g_cancellable_connect (cancellable,
                                                           G_CALLBACK (on_outer_cancelled),
                                                           request, NULL);
    }

  /* A deadline for the whole exchange: an I/O timeout alone lets a server that trickles
   * bytes keep the caller waiting for ever. */
  request->timeout_source = g_timeout_source_new_seconds (MAX (timeout, 1));
  g_source_set_callback (request->timeout_source, on_timeout, request, NULL);
  g_source_set_static_name (request->timeout_source, "[oidc] http deadline");
  g_source_attach (request->timeout_source, g_task_get_context (task));

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");

  g_debug ("%s %s%s", soup_message_get_method (message), request->host,
           g_uri_get_path (soup_message_get_uri (message)));

  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, request->cancellable,
                           on_sent, g_steal_pointer (&task));
}

static SoupMessage *
new_message (const char  *method,
             const char  *uri,
             GError     **error)
{
  SoupMessage *message;

  if (!oidc_uri_is_secure_or_loopback (uri) ||
      !(message = soup_message_new (method, uri)))
    {
      g_set_error (error, OIDC_ERROR, OIDC_ERROR_CONFIGURATION,
                   _("Refusing to contact “%s”: only HTTPS, or HTTP to this computer, "
                     "is allowed"),
                   uri);
      return NULL;
    }

  return message;
}

void
oidc_http_get_json_async (SoupSession         *session,
                          const char          *uri,
                          guint                timeout,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (uri != NULL);

  if (!(message = new_message (SOUP_METHOD_GET, uri, &error)))
    {
      g_task_report_error (NULL, callback, user_data, oidc_http_get_json_async,
                           g_steal_pointer (&error));
      return;
    }

  start_request (session, message, FALSE, timeout, cancellable, callback, user_data,
                 oidc_http_get_json_async);
}

JsonObject *
oidc_http_get_json_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
form_encode (const char * const *form)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; form[i] != NULL && form[i + 1] != NULL; i += 2)
    {
      if (body->len > 0)
        g_string_append_c (body, '&');
      g_string_append_uri_escaped (body, form[i], NULL, FALSE);
      g_string_append_c (body, '=');
      g_string_append_uri_escaped (body, form[i + 1], NULL, FALSE);
    }

  return g_string_free (body, FALSE);
}

void
oidc_http_post_form_async (SoupSession         *session,
                           const char          *uri,
                           const char * const  *form,
                           const char          *basic_user,
                           const char          *basic_password,
                           guint                timeout,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  char *encoded;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (form != NULL);

  if (!(message = new_message (SOUP_METHOD_POST, uri, &error)))
    {
      g_task_report_error (NULL, callback, user_data, oidc_http_post_form_async,
                           g_steal_pointer (&error));
      return;
    }

  encoded = form_encode (form);
  body = g_bytes_new_take (encoded, strlen (encoded));
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", body);

  if (basic_user != NULL)
    {
      /* RFC 6749 section 2.3.1: both halves are form-encoded before they are joined. */
      g_autofree char *user = g_uri_escape_string (basic_user, NULL, FALSE);
      g_autofree char *password = g_uri_escape_string (basic_password ? basic_password : "",
                                                       NULL, FALSE);
      g_autofree char *joined = g_strconcat (user, ":", password, NULL);
      g_autofree char *b64 = g_base64_encode ((const guchar *) joined, strlen (joined));
      g_autofree char *header = g_strconcat ("Basic ", b64, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", header);
      explicit_bzero (joined, strlen (joined));
    }

  start_request (session, message, TRUE, timeout, cancellable, callback, user_data,
                 oidc_http_post_form_async);
}

JsonObject *
oidc_http_post_form_finish (GAsyncResult  *result,
                            char         **oauth_error,
                            GError       **error)
{
  Request *request;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (oauth_error != NULL)
    *oauth_error = request != NULL ? g_strdup (request->oauth_error) : NULL;

  return g_task_propagate_pointer (G_TASK (result), error);
}
