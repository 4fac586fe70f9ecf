/* AVX-512 backend of the x8 hash seam (slh_hash.h): eight F / H calls and eight WOTS+ chains on
 * 512-bit vectors (hash_x8_avx512.c). Runs only after qstp_cpu_has_avx512() (ctx->x8 == 1);
 * hash_shake.c dispatches, and falls back to two x4 calls otherwise. Same results as the
 * portable code, which the tests compare against. */
#ifndef QSTP_CRYPTO_SLHDSA_HASH_X8_H
#define QSTP_CRYPTO_SLHDSA_HASH_X8_H

#include "crypto/slhdsa/slh_hash.h"

void qstp_slh_f_x8_avx512(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8],
                          const uint8_t *const in[8]);
void qstp_slh_h_x8_avx512(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8],
                          const uint8_t *const left[8], const uint8_t *const right[8]);
void qstp_slh_chain_x8_avx512(const qstp_slh_ctx *c, uint8_t *const val[8], const uint8_t *const adrs[8],
                              unsigned start, unsigned steps);
void qstp_slh_chain_capture_x8_avx512(const qstp_slh_ctx *c, uint8_t *const val[8], const uint8_t *const adrs[8],
                                      uint8_t *const cap[8], const unsigned at[8]);

#endif
