/* Randomness. Crypto functions that need randomness take a qstp_rng_fn so the caller decides where
 * it comes from: the OS (qstp_random_os), a test DRBG, or the protocol environment. */
#ifndef QSTP_CRYPTO_RANDOM_H
#define QSTP_CRYPTO_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Fill out with len random bytes. Returns 0 on success, negative on failure (never partial). */
typedef int (*qstp_rng_fn)(void *ctx, uint8_t *out, size_t len);

/* getrandom(2). ctx is ignored (may be NULL). Returns 0, or -1 if the OS cannot supply bytes;
 * there is no fallback. */
int qstp_random_os(void *ctx, uint8_t *out, size_t len);

#endif
