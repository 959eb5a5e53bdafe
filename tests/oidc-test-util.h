/* oidc-test-util.h: waiting for the library's asynchronous calls in tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A test starts a call with an OidcTestResult for its answer and iterates the thread-default
 * main context until the answer is there; no wait lasts longer than
 * %OIDC_TEST_TIMEOUT_SECONDS, and one that runs out aborts the test.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "oidc-core.h"

G_BEGIN_DECLS

/* The longest oidc_test_wait() waits, in seconds. */
#define OIDC_TEST_TIMEOUT_SECONDS 30

/* The answer of a call: @done once it came, then the ID token (NULL for none) or, for a logout,
 * @ok; @error when it failed. Zero-initialised, it is ready for a call. */
typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *token;
  GError   *error;
} OidcTestResult;

/* Frees what @result holds and makes it ready for the next call. */
void        oidc_test_result_clear   (OidcTestResult        *result);

/* Iterates the thread-default main context until *@done, for at most
 * %OIDC_TEST_TIMEOUT_SECONDS. */
void        oidc_test_wait           (gboolean              *done);

/* Clears @result and starts oidc_auth_api_get_id_token_async(); the answer lands in @result. */
void        oidc_test_start_id_token (OidcOAuth2Auth        *auth,
                                      OidcAuthRequestFlags   flags,
                                      GCancellable          *cancellable,
                                      OidcTestResult        *result);
/* oidc_test_start_id_token() without a cancellable, and waits for its answer. */
void        oidc_test_get_id_token   (OidcOAuth2Auth        *auth,
                                      OidcAuthRequestFlags   flags,
                                      OidcTestResult        *result);

/* Clears @result and starts oidc_auth_api_logout_async(); the answer lands in @result. */
void        oidc_test_start_logout   (OidcOAuth2Auth        *auth,
                                      GCancellable          *cancellable,
                                      OidcTestResult        *result);
/* oidc_test_start_logout() without a cancellable, and waits for its answer. */
void        oidc_test_logout         (OidcOAuth2Auth        *auth,
                                      OidcTestResult        *result);

/* The claims of a JWT such as an ID token, decoded without any check of its signature. Aborts
 * the test when @token is no JWT. */
JsonObject *oidc_test_token_claims   (const char            *token);

G_END_DECLS
