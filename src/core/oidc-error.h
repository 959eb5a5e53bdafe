/* oidc-error.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include "oidc-version-macros.h"

G_BEGIN_DECLS

/**
 * OIDC_ERROR:
 *
 * The error domain of liboidc-gtk.
 */
#define OIDC_ERROR (oidc_error_quark ())

/**
 * OidcError:
 * @OIDC_ERROR_REJECTED: The user rejected the sign-in request.
 * @OIDC_ERROR_WINDOW_CLOSED: The sign-in window was closed before sign-in finished.
 * @OIDC_ERROR_NETWORK: The provider could not be reached.
 * @OIDC_ERROR_PROVIDER: The provider answered with an OAuth error; the message keeps its
 *   error code and description.
 * @OIDC_ERROR_INVALID_RESPONSE: The provider's answer was malformed, too large or unexpected.
 * @OIDC_ERROR_INVALID_ID_TOKEN: The ID token failed validation; the message names the reason.
 * @OIDC_ERROR_CONFIGURATION: The provider object or the provider's metadata is misconfigured.
 * @OIDC_ERROR_SERVER: The provider answered with a server error status.
 *
 * Error codes in the %OIDC_ERROR domain.
 */
typedef enum
{
  OIDC_ERROR_REJECTED,
  OIDC_ERROR_WINDOW_CLOSED,
  OIDC_ERROR_NETWORK,
  OIDC_ERROR_PROVIDER,
  OIDC_ERROR_INVALID_RESPONSE,
  OIDC_ERROR_INVALID_ID_TOKEN,
  OIDC_ERROR_CONFIGURATION,
  OIDC_ERROR_SERVER,
} OidcError;

OIDC_AVAILABLE_IN_ALL
GQuark oidc_error_quark (void);

G_END_DECLS
