/* oidc-gtk.h: the one header of liboidc-gtk-1.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "oidc-core.h"

#define OIDC_INSIDE
# include "oidc-gtk-interaction.h"
# include "oidc-login-dialog.h"
#undef OIDC_INSIDE
