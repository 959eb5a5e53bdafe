/* oidc-core.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define OIDC_INSIDE
# include "oidc-version-macros.h"
# include "oidc-enum-types.h"
# include "oidc-error.h"
# include "oidc-auth-api.h"
# include "oidc-authorization-request.h"
# include "oidc-interaction.h"
# include "oidc-oauth2-auth.h"
# include "oidc-google-auth.h"
# include "oidc-okta-auth.h"
#undef OIDC_INSIDE
