/* fuzz-base64url.c: oidc_base64url_decode on arbitrary text, and its round trip.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "oidc-jose-private.h"
#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_setup ();

  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GBytes) decoded_nul = NULL;
  g_autoptr(GBytes) round_trip = NULL;
  g_autofree char *text = fuzz_dup_string (data, size);
  g_autofree char *encoded = NULL;
  g_autofree char *reencoded = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *bytes;
  gsize n_bytes;

  /* With an explicit length the decoder gets the input's exact bytes, without a NUL after
   * them, so AddressSanitizer catches any read past the end. */
  decoded = oidc_base64url_decode ((const char *) data, size, &error);
  g_assert ((decoded == NULL) == (error != NULL));
  g_clear_error (&error);

  /* The NUL-terminated form must agree with it whenever the input has no NUL byte. */
  decoded_nul = oidc_base64url_decode (text, -1, &error);
  g_assert ((decoded_nul == NULL) == (error != NULL));
  if (strlen (text) == size)
    g_assert ((decoded == NULL) == (decoded_nul == NULL) &&
              (decoded == NULL || g_bytes_equal (decoded, decoded_nul)));

  /* The decoder only accepts canonical text, so what it accepts must encode back to itself;
   * anything else would let two texts stand for one signature. */
  if (decoded != NULL)
    {
      bytes = g_bytes_get_data (decoded, &n_bytes);
      reencoded = oidc_base64url_encode (bytes, n_bytes);
      g_assert (strlen (reencoded) == size && memcmp (reencoded, data, size) == 0);
    }

  /* And any bytes must survive encoding and decoding. */
  encoded = oidc_base64url_encode (data, size);
  round_trip = oidc_base64url_decode (encoded, -1, NULL);
  g_assert (round_trip != NULL);
  bytes = g_bytes_get_data (round_trip, &n_bytes);
  g_assert (n_bytes == size && (size == 0 || memcmp (bytes, data, size) == 0));

  return 0;
}
