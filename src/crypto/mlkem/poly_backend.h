/* Internal to the mlkem module: the backends behind the poly.h seam. poly.c holds the portable
 * code and the dispatch; poly_avx2.c (compiled with -mavx2, called only after qstp_cpu_has_avx2())
 * holds the AVX2 versions of the hot functions. Each AVX2 function returns exactly the same
 * coefficients as its portable twin (same butterflies, same reductions); the tests check that and
 * run the KATs with QSTP_NO_ASM=1 as well. */
#ifndef QSTP_CRYPTO_MLKEM_POLY_BACKEND_H
#define QSTP_CRYPTO_MLKEM_POLY_BACKEND_H

#include "crypto/mlkem/poly.h"

/* zetas[i] = 17^brv7(i) 2^16 mod q, centred (poly.c). */
extern const int16_t qstp_mlkem_zetas[128];

void qstp_mlkem_poly_ntt_portable(qstp_mlkem_poly *p);
void qstp_mlkem_poly_invntt_tomont_portable(qstp_mlkem_poly *p);
void qstp_mlkem_polyvec_basemul_acc_portable(qstp_mlkem_poly *r, const qstp_mlkem_poly *a,
                                             const qstp_mlkem_poly *b,
                                             const qstp_mlkem_mulcache *bc, unsigned k);
unsigned qstp_mlkem_rej_uniform_portable(int16_t *c, unsigned ctr, const uint8_t *buf,
                                         size_t buflen);
void qstp_mlkem_poly_cbd_portable(qstp_mlkem_poly *p, const uint8_t *buf, unsigned eta);
void qstp_mlkem_poly_mulcache_compute_portable(qstp_mlkem_mulcache *mc, const qstp_mlkem_poly *b);
void qstp_mlkem_poly_tomont_portable(qstp_mlkem_poly *p);
void qstp_mlkem_poly_reduce_portable(qstp_mlkem_poly *p);
void qstp_mlkem_poly_add_portable(qstp_mlkem_poly *r, const qstp_mlkem_poly *a);
void qstp_mlkem_poly_sub_portable(qstp_mlkem_poly *r, const qstp_mlkem_poly *a);
void qstp_mlkem_poly_tobytes_portable(uint8_t out[QSTP_MLKEM_POLYBYTES], const qstp_mlkem_poly *p);
void qstp_mlkem_poly_frombytes_portable(qstp_mlkem_poly *p, const uint8_t in[QSTP_MLKEM_POLYBYTES]);
int qstp_mlkem_poly_bytes_reduced_portable(const uint8_t in[QSTP_MLKEM_POLYBYTES]);
void qstp_mlkem_poly_compress_portable(uint8_t *out, const qstp_mlkem_poly *p, unsigned d);
void qstp_mlkem_poly_decompress_portable(qstp_mlkem_poly *p, const uint8_t *in, unsigned d);
void qstp_mlkem_poly_frommsg_portable(qstp_mlkem_poly *p, const uint8_t msg[32]);
void qstp_mlkem_poly_tomsg_portable(uint8_t msg[32], const qstp_mlkem_poly *p);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QSTP_MLKEM_HAVE_AVX2 1
void qstp_mlkem_poly_ntt_avx2(qstp_mlkem_poly *p);
void qstp_mlkem_poly_invntt_tomont_avx2(qstp_mlkem_poly *p);
void qstp_mlkem_polyvec_basemul_acc_avx2(qstp_mlkem_poly *r, const qstp_mlkem_poly *a,
                                         const qstp_mlkem_poly *b, const qstp_mlkem_mulcache *bc,
                                         unsigned k);
unsigned qstp_mlkem_rej_uniform_avx2(int16_t *c, unsigned ctr, const uint8_t *buf, size_t buflen);
void qstp_mlkem_poly_cbd2_avx2(qstp_mlkem_poly *p, const uint8_t buf[128]);
void qstp_mlkem_poly_mulcache_compute_avx2(qstp_mlkem_mulcache *mc, const qstp_mlkem_poly *b);
void qstp_mlkem_poly_tomont_avx2(qstp_mlkem_poly *p);
void qstp_mlkem_poly_reduce_avx2(qstp_mlkem_poly *p);
void qstp_mlkem_poly_add_avx2(qstp_mlkem_poly *r, const qstp_mlkem_poly *a);
void qstp_mlkem_poly_sub_avx2(qstp_mlkem_poly *r, const qstp_mlkem_poly *a);
/* poly_codec_avx2.c: compress/decompress fall back to the portable code for d not in
 * {4, 5, 10, 11}. */
void qstp_mlkem_poly_tobytes_avx2(uint8_t out[QSTP_MLKEM_POLYBYTES], const qstp_mlkem_poly *p);
void qstp_mlkem_poly_frombytes_avx2(qstp_mlkem_poly *p, const uint8_t in[QSTP_MLKEM_POLYBYTES]);
int qstp_mlkem_poly_bytes_reduced_avx2(const uint8_t in[QSTP_MLKEM_POLYBYTES]);
void qstp_mlkem_poly_compress_avx2(uint8_t *out, const qstp_mlkem_poly *p, unsigned d);
void qstp_mlkem_poly_decompress_avx2(qstp_mlkem_poly *p, const uint8_t *in, unsigned d);
void qstp_mlkem_poly_frommsg_avx2(qstp_mlkem_poly *p, const uint8_t msg[32]);
void qstp_mlkem_poly_tomsg_avx2(uint8_t msg[32], const qstp_mlkem_poly *p);
#endif

#endif
