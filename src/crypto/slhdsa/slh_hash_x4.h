/* SIMD backends of the x4 hash seam (slh_hash.h). Each runs only after its CPUID check
 * (crypto/cpu.h); hash_shake.c dispatches. Same results as the portable code, which the tests
 * compare against (QSTP_NO_ASM=1). */
#ifndef QSTP_CRYPTO_SLHDSA_HASH_X4_H
#define QSTP_CRYPTO_SLHDSA_HASH_X4_H

#include "crypto/slhdsa/slh_hash.h"

void qstp_slh_f_x4_avx2(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                        const uint8_t *const in[4]);
void qstp_slh_h_x4_avx2(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                        const uint8_t *const left[4], const uint8_t *const right[4]);
void qstp_slh_t_x4_avx2(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                        const uint8_t *const in[4], size_t inlen);
void qstp_slh_chain_x4_avx2(const qstp_slh_ctx *c, uint8_t *const val[4], const uint8_t *const adrs[4],
                            unsigned start, unsigned steps);
void qstp_slh_f_x4_avx512(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                          const uint8_t *const in[4]);
void qstp_slh_h_x4_avx512(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                        const uint8_t *const left[4], const uint8_t *const right[4]);
void qstp_slh_t_x4_avx512(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                        const uint8_t *const in[4], size_t inlen);
void qstp_slh_chain_x4_avx512(const qstp_slh_ctx *c, uint8_t *const val[4], const uint8_t *const adrs[4],
                              unsigned start, unsigned steps);

#endif
