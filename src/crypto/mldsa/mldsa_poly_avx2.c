/* AVX2 versions of the ML-DSA NTT, inverse NTT and pointwise Montgomery products (see
 * mldsa_poly_backend.h). Compiled with -mavx2; called only after qstp_cpu_has_avx2().
 *
 * Same arithmetic as mldsa_ntt.c, eight coefficients at a time: every butterfly and every
 * Montgomery reduction is the one the portable code does, so the outputs are identical. Layers with butterfly distance
 * len >= 8 work on whole vectors; the last three (len 4, 2, 1) are done per 16-coefficient
 * block with the lanes rearranged so that each butterfly's two inputs sit in the same lane of
 * two registers. Nothing depends on coefficient values (constant time). */
#include "crypto/mldsa/mldsa_poly_backend.h"

#if defined(QSTP_MLDSA_HAVE_AVX2)

#include <immintrin.h>

/* Odd 32-bit elements moved down into the even positions (a shuffle, port 5 on Intel, so that
 * it does not compete with the multiplies and shifts for ports 0 and 1). */
static inline __m256i odd_down(__m256i a)
{
    return _mm256_castps_si256(_mm256_movehdup_ps(_mm256_castsi256_ps(a)));
}

/* montgomery_reduce of the 64-bit lanes pe (even) and po (odd), results on the 32-bit lanes. */
static inline __m256i mont_reduce64(__m256i pe, __m256i po)
{
    const __m256i qinv = _mm256_set1_epi32(MLDSA_QINV);
    const __m256i q = _mm256_set1_epi32(MLDSA_Q);
    /* t = low 32 bits of (p * q^-1), as a signed value; t q has the same low 32 bits as p. */
    __m256i te = _mm256_mul_epi32(_mm256_mul_epi32(pe, qinv), q);
    __m256i to = _mm256_mul_epi32(_mm256_mul_epi32(po, qinv), q);
    /* (p - t q) / 2^32 is the high half of each 64-bit difference. */
    __m256i re = odd_down(_mm256_sub_epi64(pe, te));
    __m256i ro = _mm256_sub_epi64(po, to);
    return _mm256_blend_epi32(re, ro, 0xAA);
}

/* montgomery_reduce(a_i * b_i) on each of the eight lanes. The product of 32-bit lanes uses
 * _mm256_mul_epi32 (signed 32 x 32 -> 64 on the even lanes) twice, once on the even and once on
 * the odd lanes. */
static inline __m256i mont_mul(__m256i a, __m256i b)
{
    return mont_reduce64(_mm256_mul_epi32(a, b), _mm256_mul_epi32(odd_down(a), odd_down(b)));
}

/* The same with b the same value in every lane (a broadcast zeta): its odd lanes need no move. */
static inline __m256i mont_mul_bcast(__m256i a, __m256i b)
{
    return mont_reduce64(_mm256_mul_epi32(a, b), _mm256_mul_epi32(odd_down(a), b));
}

static inline __m256i load(const int32_t *p)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

static inline void store(int32_t *p, __m256i v)
{
    _mm256_storeu_si256((__m256i *)(void *)p, v);
}

/* Even / odd 32-bit elements of each 128-bit half of a, b: [a0 a2 b0 b2], [a1 a3 b1 b3]. */
static inline __m256i shuf_even(__m256i a, __m256i b)
{
    return _mm256_castps_si256(
        _mm256_shuffle_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), _MM_SHUFFLE(2, 0, 2, 0)));
}

static inline __m256i shuf_odd(__m256i a, __m256i b)
{
    return _mm256_castps_si256(
        _mm256_shuffle_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), _MM_SHUFFLE(3, 1, 3, 1)));
}

void qstp_mldsa_poly_ntt_avx2(qstp_mldsa_poly *p)
{
    const int32_t *z = qstp_mldsa_zetas;
    int32_t *c = p->c;
    unsigned m = 0;

    /* Layers len = 128 .. 8: Cooley-Tukey butterflies on whole vectors. */
    for (unsigned len = 128; len >= 8; len >>= 1) {
        for (unsigned start = 0; start < MLDSA_N; start += 2 * len) {
            const __m256i zeta = _mm256_set1_epi32(z[++m]);
            for (unsigned j = start; j < start + len; j += 8) {
                __m256i a = load(c + j), b = load(c + j + len);
                __m256i t = mont_mul_bcast(b, zeta);
                store(c + j + len, _mm256_sub_epi32(a, t));
                store(c + j, _mm256_add_epi32(a, t));
            }
        }
    }
    /* Layers len = 4, 2, 1 inside each block x0..x15 = c[16i .. 16i+15]. */
    for (unsigned i = 0; i < MLDSA_N / 16; i++) {
        __m256i A = load(c + 16 * i), B = load(c + 16 * i + 8);
        /* len 4: lo = (x0..3 | x8..11), hi = (x4..7 | x12..15); zetas[32 + 2i], [33 + 2i]. */
        __m256i lo = _mm256_permute2x128_si256(A, B, 0x20);
        __m256i hi = _mm256_permute2x128_si256(A, B, 0x31);
        __m256i zeta = _mm256_setr_epi32(z[32 + 2 * i], z[32 + 2 * i], z[32 + 2 * i], z[32 + 2 * i],
                                         z[33 + 2 * i], z[33 + 2 * i], z[33 + 2 * i], z[33 + 2 * i]);
        __m256i t = mont_mul(hi, zeta);
        hi = _mm256_sub_epi32(lo, t);
        lo = _mm256_add_epi32(lo, t);
        /* len 2: P = (x0 x1 x4 x5 | x8 x9 x12 x13), Q = (x2 x3 x6 x7 | x10 x11 x14 x15);
         * the group starting at 4j uses zetas[64 + 4i + j]. */
        __m256i P = _mm256_unpacklo_epi64(lo, hi), Q = _mm256_unpackhi_epi64(lo, hi);
        const int32_t *w = z + 64 + 4 * i;
        zeta = _mm256_setr_epi32(w[0], w[0], w[1], w[1], w[2], w[2], w[3], w[3]);
        t = mont_mul(Q, zeta);
        Q = _mm256_sub_epi32(P, t);
        P = _mm256_add_epi32(P, t);
        /* len 1: E = (x0 x4 x2 x6 | x8 x12 x10 x14), O = (x1 x5 x3 x7 | x9 x13 x11 x15);
         * the pair starting at 2r uses zetas[128 + 8i + r]. */
        __m256i E = shuf_even(P, Q), O = shuf_odd(P, Q);
        const int32_t *v = z + 128 + 8 * i;
        zeta = _mm256_setr_epi32(v[0], v[2], v[1], v[3], v[4], v[6], v[5], v[7]);
        t = mont_mul(O, zeta);
        O = _mm256_sub_epi32(E, t);
        E = _mm256_add_epi32(E, t);
        /* Back to natural order. */
        __m256i U = _mm256_unpacklo_epi32(E, O), V = _mm256_unpackhi_epi32(E, O);
        lo = _mm256_unpacklo_epi64(U, V);
        hi = _mm256_unpackhi_epi64(U, V);
        store(c + 16 * i, _mm256_permute2x128_si256(lo, hi, 0x20));
        store(c + 16 * i + 8, _mm256_permute2x128_si256(lo, hi, 0x31));
    }
}

void qstp_mldsa_poly_invntt_tomont_avx2(qstp_mldsa_poly *p)
{
    const int32_t *z = qstp_mldsa_zetas;
    int32_t *c = p->c;

    /* Layers len = 1, 2, 4 inside each block (Gentleman-Sande: a' = a + b, b' = (a - b) zeta
     * with zeta = -zetas[m], m counting down from 255 as in the portable code). */
    for (unsigned i = 0; i < MLDSA_N / 16; i++) {
        __m256i A = load(c + 16 * i), B = load(c + 16 * i + 8);
        /* len 1: E = (x0 x2 x8 x10 | x4 x6 x12 x14), O = (x1 x3 x9 x11 | x5 x7 x13 x15);
         * the pair starting at 2r uses -zetas[255 - 8i - r]. */
        __m256i E = shuf_even(A, B), O = shuf_odd(A, B);
        const int32_t *v = z + 255 - 8 * i; /* v[-r] */
        __m256i zeta = _mm256_setr_epi32(-v[0], -v[-1], -v[-4], -v[-5], -v[-2], -v[-3], -v[-6], -v[-7]);
        __m256i t = _mm256_sub_epi32(E, O);
        E = _mm256_add_epi32(E, O);
        O = mont_mul(t, zeta);
        A = _mm256_unpacklo_epi32(E, O);
        B = _mm256_unpackhi_epi32(E, O);
        /* len 2: P = (x0 x1 x8 x9 | x4 x5 x12 x13), Q = (x2 x3 x10 x11 | x6 x7 x14 x15);
         * the group starting at 4j uses -zetas[127 - 4i - j]. */
        __m256i P = _mm256_unpacklo_epi64(A, B), Q = _mm256_unpackhi_epi64(A, B);
        const int32_t *w = z + 127 - 4 * i;
        zeta = _mm256_setr_epi32(-w[0], -w[0], -w[-2], -w[-2], -w[-1], -w[-1], -w[-3], -w[-3]);
        t = _mm256_sub_epi32(P, Q);
        P = _mm256_add_epi32(P, Q);
        Q = mont_mul(t, zeta);
        A = _mm256_unpacklo_epi64(P, Q);
        B = _mm256_unpackhi_epi64(P, Q);
        /* len 4: lo = (x0..3 | x8..11), hi = (x4..7 | x12..15); -zetas[63 - 2i], -zetas[62 - 2i]. */
        __m256i lo = _mm256_permute2x128_si256(A, B, 0x20);
        __m256i hi = _mm256_permute2x128_si256(A, B, 0x31);
        const int32_t k0 = -z[63 - 2 * i], k1 = -z[62 - 2 * i];
        zeta = _mm256_setr_epi32(k0, k0, k0, k0, k1, k1, k1, k1);
        t = _mm256_sub_epi32(lo, hi);
        lo = _mm256_add_epi32(lo, hi);
        hi = mont_mul(t, zeta);
        store(c + 16 * i, _mm256_permute2x128_si256(lo, hi, 0x20));
        store(c + 16 * i + 8, _mm256_permute2x128_si256(lo, hi, 0x31));
    }
    /* Layers len = 8 .. 64 on whole vectors. */
    unsigned m = 32;
    for (unsigned len = 8; len < MLDSA_N / 2; len <<= 1) {
        for (unsigned start = 0; start < MLDSA_N; start += 2 * len) {
            const __m256i zeta = _mm256_set1_epi32(-z[--m]);
            for (unsigned j = start; j < start + len; j += 8) {
                __m256i a = load(c + j), b = load(c + j + len);
                store(c + j, _mm256_add_epi32(a, b));
                store(c + j + len, mont_mul_bcast(_mm256_sub_epi32(a, b), zeta));
            }
        }
    }
    /* Layer len = 128 with the scaling by F folded in, as the portable code. */
    const __m256i f = _mm256_set1_epi32(MLDSA_F), fz = _mm256_set1_epi32(MLDSA_F_ZETA1);
    for (unsigned j = 0; j < MLDSA_N / 2; j += 8) {
        __m256i a = load(c + j), b = load(c + j + MLDSA_N / 2);
        store(c + j, mont_mul_bcast(_mm256_add_epi32(a, b), f));
        store(c + j + MLDSA_N / 2, mont_mul_bcast(_mm256_sub_epi32(a, b), fz));
    }
}

void qstp_mldsa_poly_pointwise_montgomery_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                               const qstp_mldsa_poly *b)
{
    for (unsigned j = 0; j < MLDSA_N; j += 8)
        store(c->c + j, mont_mul(load(a->c + j), load(b->c + j)));
}

void qstp_mldsa_poly_pointwise_acc_montgomery_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                                   const qstp_mldsa_poly *b)
{
    for (unsigned j = 0; j < MLDSA_N; j += 8)
        store(c->c + j, _mm256_add_epi32(load(c->c + j), mont_mul(load(a->c + j), load(b->c + j))));
}

void qstp_mldsa_poly_matrix_montgomery_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                            const qstp_mldsa_poly *b, unsigned k, unsigned n)
{
    /* Row by row, A^ streaming through memory in order. The 64-bit products of the even and the
     * odd lanes are summed separately and reduced once, exactly as mont_mul reduces one product
     * (same result as the portable sum). (Moving the vector's odd lanes down once for all rows,
     * or walking all rows per column block, measured slower: more memory traffic.) */
    for (unsigned r = 0; r < k; r++) {
        const qstp_mldsa_poly *row = a + r * n;
        for (unsigned i = 0; i < MLDSA_N; i += 8) {
            __m256i se = _mm256_setzero_si256(), so = _mm256_setzero_si256();
            for (unsigned j = 0; j < n; j++) {
                const __m256i x = load(row[j].c + i), y = load(b[j].c + i);
                se = _mm256_add_epi64(se, _mm256_mul_epi32(x, y));
                so = _mm256_add_epi64(so, _mm256_mul_epi32(odd_down(x), odd_down(y)));
            }
            store(c[r].c + i, mont_reduce64(se, so));
        }
    }
}

#endif
