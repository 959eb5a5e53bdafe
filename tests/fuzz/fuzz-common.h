/* fuzz-common.h: what the libFuzzer targets of tests/fuzz share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

/* The entry points libFuzzer calls; declared here for -Wmissing-prototypes. */
int  LLVMFuzzerInitialize   (int            *argc,
                             char         ***argv);
int  LLVMFuzzerTestOneInput (const uint8_t  *data,
                             size_t          size);

/* Makes GLib's checks fatal, so a g_return_if_fail or a warning that an input reaches is a
 * finding, and hands GSlice's allocations to malloc, so AddressSanitizer sees them. Call it
 * from LLVMFuzzerInitialize before anything else of GLib. */
static inline void
fuzz_setup (void)
{
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_setenv ("G_DEBUG", "gc-friendly", TRUE);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

/* The input as a C string; an embedded NUL byte ends it early, as it would in the library. */
static inline char *
fuzz_dup_string (const uint8_t *data,
                 size_t         size)
{
  return g_strndup ((const char *) data, size);
}

G_END_DECLS
