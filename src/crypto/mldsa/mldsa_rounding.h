/* ML-DSA rounding (FIPS 204 §7.4, Alg. 35-40): Power2Round, Decompose, HighBits/LowBits,
 * MakeHint and UseHint. Inputs are standard representatives in [0, q). All of these are
 * constant time (multiply-shift instead of a division whose timing could depend on the value). */
#ifndef QSTP_CRYPTO_MLDSA_ROUNDING_H
#define QSTP_CRYPTO_MLDSA_ROUNDING_H

#include <stdint.h>

#include "crypto/mldsa/mldsa_poly.h"

/* Alg. 35: r = r1 2^13 + r0 with r0 in (-2^12, 2^12]. */
void qstp_mldsa_power2round(int32_t r, int32_t *r1, int32_t *r0);
/* Alg. 36 for gamma2 in {(q-1)/88, (q-1)/32}: r = r1 2 gamma2 + r0 (mod q), r0 in (-gamma2, gamma2]
 * except the wrap-around case r - r0 = q - 1 (r1 = 0, r0 - 1). */
void qstp_mldsa_decompose(int32_t gamma2, int32_t r, int32_t *r1, int32_t *r0);
/* Alg. 40: the high bits of r adjusted by hint bit h (0 or 1). */
int32_t qstp_mldsa_use_hint(int32_t gamma2, int32_t r, unsigned h);

/* Polynomial forms (coefficients in [0, q)). */
void qstp_mldsa_poly_power2round(qstp_mldsa_poly *t1, qstp_mldsa_poly *t0, const qstp_mldsa_poly *t);
/* w1 = HighBits(w); w0 (may be NULL) = LowBits(w). */
void qstp_mldsa_poly_decompose(int32_t gamma2, qstp_mldsa_poly *w1, qstp_mldsa_poly *w0,
                               const qstp_mldsa_poly *w);
/* h_i = [HighBits(a_i) != HighBits(b_i)] (Alg. 39 MakeHint(z, r) with r = a, r + z = b);
 * returns the number of ones. Constant time. */
unsigned qstp_mldsa_poly_make_hint(int32_t gamma2, qstp_mldsa_poly *h, const qstp_mldsa_poly *a,
                                   const qstp_mldsa_poly *b);
/* w1_i = UseHint(h_i, w_i). */
void qstp_mldsa_poly_use_hint(int32_t gamma2, qstp_mldsa_poly *w1, const qstp_mldsa_poly *w,
                              const qstp_mldsa_poly *h);

#endif
