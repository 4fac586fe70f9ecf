/* Polynomial arithmetic in R_q = Z_q[X]/(X^256 + 1), q = 8380417 (FIPS 204 §7.5, Appendix B).
 *
 * This header is the seam for a vector backend (AVX2): every operation the sign/verify/keygen
 * code does on whole polynomials goes through these functions, so a faster file can replace the
 * portable bodies behind a run-time CPU check without touching the algorithm code.
 *
 * Representation: signed 32-bit coefficients. NTT-domain products use Montgomery reduction with
 * R = 2^32; qstp_mldsa_poly_invntt_tomont multiplies by R so that
 * invntt_tomont(pointwise_montgomery(ntt(a), ntt(b))) = a * b exactly (mod q).
 * Coefficient bounds each function needs are stated next to it. Nothing here branches on or
 * indexes by coefficient values (all of it is constant time). */
#ifndef QSTP_CRYPTO_MLDSA_POLY_H
#define QSTP_CRYPTO_MLDSA_POLY_H

#include <stdint.h>

#include "crypto/mldsa/mldsa_params.h"

typedef struct {
    int32_t c[MLDSA_N];
} qstp_mldsa_poly;

/* a * 2^-32 mod q for |a| < 2^31 q; result in (-q, q). */
int32_t qstp_mldsa_montgomery_reduce(int64_t a);
/* a mod q into [-6283008, 6283008] for a <= 2^31 - 2^22 - 1. */
int32_t qstp_mldsa_reduce32(int32_t a);
/* a + q if a < 0 (maps (-q, q) to [0, q)). */
int32_t qstp_mldsa_caddq(int32_t a);

/* Forward NTT (FIPS 204 Alg. 41), in place. Input |a_i| < q; output |a_i| < 9q. */
void qstp_mldsa_poly_ntt(qstp_mldsa_poly *a);
/* Inverse NTT (Alg. 42) times R = 2^32, in place. Input |a_i| < q; output |a_i| < q. */
void qstp_mldsa_poly_invntt_tomont(qstp_mldsa_poly *a);
/* c = a o b * 2^-32 (coefficient-wise in the NTT domain); |a_i b_i| < 2^31 q. Output |c_i| < q. */
void qstp_mldsa_poly_pointwise_montgomery(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                          const qstp_mldsa_poly *b);
/* c += a o b * 2^-32. */
void qstp_mldsa_poly_pointwise_acc_montgomery(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                              const qstp_mldsa_poly *b);

/* Matrix times vector in the NTT domain: c[r] = sum_{j < n} a[r n + j] o b[j] * 2^-32 for
 * r < k, with ONE Montgomery reduction per coefficient (products summed exactly in 64 bits): A^ y
 * of the signer, for |a_i| < q, |b_i| < 9q, n <= 7 (|sum| < 63 q^2 < 2^31 q). Output |c_i| < q;
 * congruent to, but not always the same representative as, a chain of pointwise_acc calls. */
void qstp_mldsa_poly_matrix_montgomery(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                       const qstp_mldsa_poly *b, unsigned k, unsigned n);

/* Challenge times a short polynomial in the normal domain (mldsa_sparse.c). ext: s extended
 * with its negation (qstp_mldsa_poly_sparse_ext: ext[m] = -s[m], ext[256 + m] = s[m]); pos: the
 * n nonzero positions of c, the nplus with +1 first (qstp_mldsa_poly_challenge_positions). Exact result, valid
 * when n * max|s_i| <= 127 (beta <= 127: ML-DSA-44 and -87, not -65). */
void qstp_mldsa_poly_sparse_ext(int8_t ext[2 * MLDSA_N], const qstp_mldsa_poly *s);
/* The same ext straight from an eta = 2 encoding (96 bytes of sk, s = 2 - 3-bit value): what
 * the one-shot signer does for every s1/s2 polynomial it uses. Returns 1 if a value exceeds 4 (a
 * malformed key, as qstp_mldsa_unpack_eta), constant time. */
unsigned qstp_mldsa_sparse_ext_eta2(int8_t ext[2 * MLDSA_N], const uint8_t in[96]);
unsigned qstp_mldsa_poly_challenge_positions(uint8_t pos[MLDSA_N], unsigned *nplus,
                                             const qstp_mldsa_poly *c);
void qstp_mldsa_poly_sparse_mul_small(qstp_mldsa_poly *out, const int8_t ext[2 * MLDSA_N],
                                      const uint8_t *pos, unsigned nplus, unsigned n);

void qstp_mldsa_poly_add(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b);
void qstp_mldsa_poly_sub(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b);
/* a_i <<= d (times 2^13); input in [0, 2^10). */
void qstp_mldsa_poly_shiftl(qstp_mldsa_poly *a);
/* reduce32 on every coefficient. */
void qstp_mldsa_poly_reduce(qstp_mldsa_poly *a);
/* reduce32 then caddq: every coefficient into [0, q). */
void qstp_mldsa_poly_freeze(qstp_mldsa_poly *a);
/* 1 if some |a_i| >= bound, else 0, for coefficients reduced by reduce32 and bound <= (q-1)/8.
 * Constant time: looks at every coefficient and never reveals which one failed. */
unsigned qstp_mldsa_poly_chknorm(const qstp_mldsa_poly *a, int32_t bound);

#endif
