/* The matrix A^ kept at 23 bits per coefficient (FIPS 204 ExpandA output is in [0, q), q < 2^23):
 * 736 bytes per entry instead of 1 KiB. The one-shot signer (mldsa_sign.c) keeps ML-DSA-87's
 * whole A^ this way (40.25 KiB instead of 56 KiB) so that it is sampled once per signature, not
 * once per rejection attempt, within the 64 KiB stack budget. A is public (derived from rho in
 * pk): nothing here needs to be constant time, but nothing branches on values anyway. */
#ifndef QSTP_CRYPTO_MLDSA_APACK_H
#define QSTP_CRYPTO_MLDSA_APACK_H

#include <stdint.h>

#include "crypto/mldsa/mldsa_params.h"
#include "crypto/mldsa/mldsa_poly.h"

#define MLDSA_A23_BYTES (MLDSA_N * 23 / 8) /* 736 */

/* Coefficient i occupies bits [23 i, 23 i + 23) little-endian; every a_i must be in [0, 2^23). */
void qstp_mldsa_pack_a23(uint8_t out[MLDSA_A23_BYTES], const qstp_mldsa_poly *a);
void qstp_mldsa_unpack_a23(qstp_mldsa_poly *a, const uint8_t in[MLDSA_A23_BYTES]);

/* c += unpack_a23(a) o b * 2^-32: the same coefficients as unpack_a23 then
 * qstp_mldsa_poly_pointwise_acc_montgomery (one Montgomery reduction per product). */
void qstp_mldsa_poly_acc_a23_montgomery(qstp_mldsa_poly *c, const uint8_t a[MLDSA_A23_BYTES],
                                        const qstp_mldsa_poly *b);

/* ExpandA (Alg. 32) of the k x l matrix of p into apack (row-major, k l entries of
 * MLDSA_A23_BYTES), eight (8-way Keccak native) or four entries per SHAKE128 batch; scratch:
 * eight polynomials of the caller's working memory. */
void qstp_mldsa_expand_a23(uint8_t *apack, const qstp_mldsa_params *p,
                           const uint8_t rho[MLDSA_SEED_BYTES], qstp_mldsa_poly scratch[8]);

/* Backends (AVX2 in mldsa_apack_avx2.c; same outputs). */
void qstp_mldsa_pack_a23_portable(uint8_t out[MLDSA_A23_BYTES], const qstp_mldsa_poly *a);
void qstp_mldsa_unpack_a23_portable(qstp_mldsa_poly *a, const uint8_t in[MLDSA_A23_BYTES]);
void qstp_mldsa_poly_acc_a23_montgomery_portable(qstp_mldsa_poly *c, const uint8_t a[MLDSA_A23_BYTES],
                                                 const qstp_mldsa_poly *b);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QSTP_MLDSA_HAVE_A23_AVX2 1
void qstp_mldsa_unpack_a23_avx2(qstp_mldsa_poly *a, const uint8_t in[MLDSA_A23_BYTES]);
void qstp_mldsa_pack_a23_avx2(uint8_t out[MLDSA_A23_BYTES], const qstp_mldsa_poly *a);
void qstp_mldsa_poly_acc_a23_montgomery_avx2(qstp_mldsa_poly *c, const uint8_t a[MLDSA_A23_BYTES],
                                             const qstp_mldsa_poly *b);
#endif

#endif
