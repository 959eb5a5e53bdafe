/* oidc-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "oidc-error.h"

G_DEFINE_QUARK (oidc-error-quark, oidc_error)
