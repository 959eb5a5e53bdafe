/* oidc-version-macros.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(OIDC_INSIDE) && !defined(OIDC_COMPILATION)
#error "Only <oidc-gtk.h> can be included directly."
#endif

#include <glib.h>

/* Symbols are hidden by default; only what carries this mark is exported. */
#define _OIDC_EXTERN __attribute__ ((visibility ("default"))) extern

#define OIDC_AVAILABLE_IN_ALL _OIDC_EXTERN
