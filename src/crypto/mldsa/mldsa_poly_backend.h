/* Internal to the mldsa module: the backends behind the mldsa_poly.h seam. mldsa_ntt.c holds the
 * portable code and the dispatch; mldsa_poly_avx2.c (compiled with -mavx2, called only after
 * qstp_cpu_has_avx2()) holds AVX2 versions of the hot functions. Each AVX2 function returns
 * exactly the same coefficients as its portable twin (same butterflies, same Montgomery
 * reductions, in the same order); test_mldsa_backend.c checks that, and runs signing with
 * QSTP_NO_ASM=1 as well. */
#ifndef QSTP_CRYPTO_MLDSA_POLY_BACKEND_H
#define QSTP_CRYPTO_MLDSA_POLY_BACKEND_H

#include "crypto/mldsa/mldsa_poly.h"

#define MLDSA_QINV 58728449 /* q^-1 mod 2^32 */
#define MLDSA_F 41978       /* R^2 / 256 mod q: undoes 256 and the R^-1 of the products */
#define MLDSA_F_ZETA1 3975713 /* F (-zetas[1]) R^-1 mod q: the inverse NTT's last layer, scaled */

/* zetas[i] = 1753^brv8(i) 2^32 mod q, centred (mldsa_ntt.c). */
extern const int32_t qstp_mldsa_zetas[MLDSA_N];

void qstp_mldsa_poly_ntt_portable(qstp_mldsa_poly *a);
void qstp_mldsa_poly_invntt_tomont_portable(qstp_mldsa_poly *a);
void qstp_mldsa_poly_pointwise_montgomery_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                                   const qstp_mldsa_poly *b);
void qstp_mldsa_poly_pointwise_acc_montgomery_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                                       const qstp_mldsa_poly *b);

void qstp_mldsa_poly_matrix_montgomery_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                                const qstp_mldsa_poly *b, unsigned k, unsigned n);

unsigned qstp_mldsa_sparse_ext_eta2_portable(int8_t ext[2 * MLDSA_N], const uint8_t in[96]);
void qstp_mldsa_poly_sparse_mul_small_portable(qstp_mldsa_poly *out, const int8_t ext[2 * MLDSA_N],
                                               const uint8_t *pos, unsigned nplus, unsigned n);

/* Coefficient-wise helpers (mldsa_poly.c) and rounding (mldsa_rounding.c): the public names in
 * mldsa_poly.h / mldsa_rounding.h dispatch to these. */
void qstp_mldsa_poly_add_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b);
void qstp_mldsa_poly_sub_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b);
void qstp_mldsa_poly_reduce_portable(qstp_mldsa_poly *a);
void qstp_mldsa_poly_freeze_portable(qstp_mldsa_poly *a);
unsigned qstp_mldsa_poly_chknorm_portable(const qstp_mldsa_poly *a, int32_t bound);
void qstp_mldsa_poly_decompose_portable(int32_t gamma2, qstp_mldsa_poly *w1, qstp_mldsa_poly *w0,
                                        const qstp_mldsa_poly *w);
void qstp_mldsa_poly_use_hint_portable(int32_t gamma2, qstp_mldsa_poly *w1, const qstp_mldsa_poly *w,
                                       const qstp_mldsa_poly *h);
unsigned qstp_mldsa_poly_make_hint_portable(int32_t gamma2, qstp_mldsa_poly *h,
                                            const qstp_mldsa_poly *a, const qstp_mldsa_poly *b);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QSTP_MLDSA_HAVE_AVX2 1
void qstp_mldsa_poly_ntt_avx2(qstp_mldsa_poly *a);
void qstp_mldsa_poly_invntt_tomont_avx2(qstp_mldsa_poly *a);
void qstp_mldsa_poly_pointwise_montgomery_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                               const qstp_mldsa_poly *b);
void qstp_mldsa_poly_pointwise_acc_montgomery_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                                   const qstp_mldsa_poly *b);
void qstp_mldsa_poly_matrix_montgomery_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                            const qstp_mldsa_poly *b, unsigned k, unsigned n);
unsigned qstp_mldsa_sparse_ext_eta2_avx2(int8_t ext[2 * MLDSA_N], const uint8_t in[96]);
void qstp_mldsa_poly_sparse_mul_small_avx2(qstp_mldsa_poly *out, const int8_t ext[2 * MLDSA_N],
                                           const uint8_t *pos, unsigned nplus, unsigned n);
void qstp_mldsa_bitunpack20_avx2(qstp_mldsa_poly *a, const uint8_t in[640], int32_t b);
void qstp_mldsa_bitpack20_avx2(uint8_t out[640], const qstp_mldsa_poly *a, int32_t b);
void qstp_mldsa_poly_add_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b);
void qstp_mldsa_poly_sub_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b);
void qstp_mldsa_poly_reduce_avx2(qstp_mldsa_poly *a);
void qstp_mldsa_poly_freeze_avx2(qstp_mldsa_poly *a);
unsigned qstp_mldsa_poly_chknorm_avx2(const qstp_mldsa_poly *a, int32_t bound);
void qstp_mldsa_poly_decompose_avx2(int32_t gamma2, qstp_mldsa_poly *w1, qstp_mldsa_poly *w0,
                                    const qstp_mldsa_poly *w);
void qstp_mldsa_poly_use_hint_avx2(int32_t gamma2, qstp_mldsa_poly *w1, const qstp_mldsa_poly *w,
                                   const qstp_mldsa_poly *h);
unsigned qstp_mldsa_poly_make_hint_avx2(int32_t gamma2, qstp_mldsa_poly *h, const qstp_mldsa_poly *a,
                                        const qstp_mldsa_poly *b);
#endif

#endif
