/* Polynomial arithmetic for ML-KEM (FIPS 203 §4.2.1, §4.3): the backend seam.
 *
 * Everything that touches polynomial coefficients in bulk (NTT, inverse NTT, base multiplication,
 * reductions, compression, byte (de)serialisation, CBD sampling, message encoding) is behind this
 * header. poly.c holds the portable implementation and the dispatch: every function here except
 * the CBD with eta = 3 runs from poly_avx2.c / poly_codec_avx2.c when qstp_cpu_has_avx2()
 * (crypto/cpu.h; QSTP_NO_ASM=1 forces portable). More backends plug in the same way
 * (poly_backend.h); no other file of the module changes. The AVX2 code keeps the standard
 * coefficient order and returns exactly
 * the portable values; a future backend may keep its own order inside the NTT domain as long as
 * ntt, invntt, mulcache and basemul agree with each other and the byte functions see the
 * standard order (the tests then compare values mod q).
 *
 * Representation: int16_t coefficients, "reduced" means |c| < q unless a function says otherwise.
 * Montgomery factor R = 2^16. */
#ifndef QSTP_CRYPTO_MLKEM_POLY_H
#define QSTP_CRYPTO_MLKEM_POLY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mlkem/params.h"

typedef struct {
    _Alignas(32) int16_t c[QSTP_MLKEM_N];
} qstp_mlkem_poly;

/* b_{2i+1} * zeta^(2 brv(i) + 1) for each degree-1 pair: precomputed once per NTT-domain operand
 * that is multiplied several times (the "mulcache" of mlkem-native). */
typedef struct {
    _Alignas(32) int16_t c[QSTP_MLKEM_N / 2];
} qstp_mlkem_mulcache;

/* ---- arithmetic ---- */
/* Forward NTT (Alg. 9), input |c| < q (or small), output Barrett-reduced, bit-reversed order. */
void qstp_mlkem_poly_ntt(qstp_mlkem_poly *p);
/* Inverse NTT (Alg. 10) times R (cancels the R^-1 left by basemul).
 * Input |c| < q; output |c| < q. */
void qstp_mlkem_poly_invntt_tomont(qstp_mlkem_poly *p);
void qstp_mlkem_poly_mulcache_compute(qstp_mlkem_mulcache *mc, const qstp_mlkem_poly *b);
/* r = R^-1 * sum_{i<k} a[i] o b[i] (MultiplyNTTs, Alg. 11/12, accumulated). a: coefficients in
 * [-4095, 4095] (decoded keys need no reduction); b: output of ntt; bc: b's mulcache.
 * Output |c| < q. */
void qstp_mlkem_polyvec_basemul_acc(qstp_mlkem_poly *r, const qstp_mlkem_poly *a,
                                    const qstp_mlkem_poly *b, const qstp_mlkem_mulcache *bc,
                                    unsigned k);
/* p = p * R mod q (out of Montgomery), output |c| < q. */
void qstp_mlkem_poly_tomont(qstp_mlkem_poly *p);
/* Barrett reduction to the centred representative, |c| <= (q-1)/2. */
void qstp_mlkem_poly_reduce(qstp_mlkem_poly *p);
void qstp_mlkem_poly_add(qstp_mlkem_poly *r, const qstp_mlkem_poly *a); /* r += a, no reduction */
void qstp_mlkem_poly_sub(qstp_mlkem_poly *r, const qstp_mlkem_poly *a); /* r -= a, no reduction */

/* ---- encodings (inputs: |c| < q; outputs canonical) ---- */
/* ByteEncode_12 (Alg. 5) of the canonical representatives. */
void qstp_mlkem_poly_tobytes(uint8_t out[QSTP_MLKEM_POLYBYTES], const qstp_mlkem_poly *p);
/* ByteDecode_12 (Alg. 6) WITHOUT reduction mod q: values in [0, 4095]. */
void qstp_mlkem_poly_frombytes(qstp_mlkem_poly *p, const uint8_t in[QSTP_MLKEM_POLYBYTES]);
/* 1 if every 12-bit value in the encoding is < q (the §7.2 modulus check), else 0. Public data. */
int qstp_mlkem_poly_bytes_reduced(const uint8_t in[QSTP_MLKEM_POLYBYTES]);
/* ByteEncode_d(Compress_d(p)) for d in {4, 5, 10, 11}; writes 32 d bytes. */
void qstp_mlkem_poly_compress(uint8_t *out, const qstp_mlkem_poly *p, unsigned d);
/* Decompress_d(ByteDecode_d(in)) for d in {4, 5, 10, 11}; reads 32 d bytes; output in [0, q). */
void qstp_mlkem_poly_decompress(qstp_mlkem_poly *p, const uint8_t *in, unsigned d);
/* Decompress_1(ByteDecode_1(m)) (Alg. 14 step 20), constant time. */
void qstp_mlkem_poly_frommsg(qstp_mlkem_poly *p, const uint8_t msg[32]);
/* ByteEncode_1(Compress_1(p)) (Alg. 15 step 7), constant time. */
void qstp_mlkem_poly_tomsg(uint8_t msg[32], const qstp_mlkem_poly *p);

/* ---- sampling ---- */
/* SamplePolyCBD_eta (Alg. 8) from 64 eta bytes of PRF output; eta in {2, 3}. */
void qstp_mlkem_poly_cbd(qstp_mlkem_poly *p, const uint8_t *buf, unsigned eta);
/* Rejection step of SampleNTT (Alg. 7): consume buflen bytes (a multiple of 3) of XOF output,
 * append accepted values (< q) to p->c[ctr..]; returns the new count (<= 256). Public data only. */
unsigned qstp_mlkem_rej_uniform(int16_t *c, unsigned ctr, const uint8_t *buf, size_t buflen);

#endif
