/* AVX2 versions of ML-DSA's coefficient-wise helpers (add, sub, reduce32, freeze, the norm check)
 * and of Decompose / MakeHint on whole polynomials (FIPS 204 Alg. 36, 39), see
 * mldsa_poly_backend.h, and the 20-bit BitUnpack. Compiled with -mavx2; called only after qstp_cpu_has_avx2().
 *
 * Each function does, eight lanes at a time, exactly the integer arithmetic of its portable twin
 * in mldsa_poly.c / mldsa_rounding.c (same shifts, same multiply-by-magic division, same masks),
 * so the outputs are identical; tests/crypto/mldsa/test_mldsa_backend.c compares them. Nothing
 * branches on or indexes by coefficient values: comparisons produce lane masks, and the norm
 * check and hint count fold every lane before anything leaves the function. */
#include "crypto/mldsa/mldsa_poly_backend.h"

#if defined(QSTP_MLDSA_HAVE_AVX2)

#include "crypto/ct.h"

#include <immintrin.h>
#include <string.h>

static inline __m256i load(const int32_t *p)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

static inline void store(int32_t *p, __m256i v)
{
    _mm256_storeu_si256((__m256i *)(void *)p, v);
}

/* reduce32: a - ((a + 2^22) >> 23) q. */
static inline __m256i reduce32(__m256i a)
{
    const __m256i q = _mm256_set1_epi32(MLDSA_Q);
    __m256i t = _mm256_srai_epi32(_mm256_add_epi32(a, _mm256_set1_epi32(1 << 22)), 23);
    return _mm256_sub_epi32(a, _mm256_mullo_epi32(t, q));
}

/* caddq: a + q where a < 0 (mask from the sign bit). */
static inline __m256i caddq(__m256i a)
{
    return _mm256_add_epi32(a, _mm256_and_si256(_mm256_srai_epi32(a, 31), _mm256_set1_epi32(MLDSA_Q)));
}

void qstp_mldsa_poly_add_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i += 8)
        store(c->c + i, _mm256_add_epi32(load(a->c + i), load(b->c + i)));
}

void qstp_mldsa_poly_sub_avx2(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i += 8)
        store(c->c + i, _mm256_sub_epi32(load(a->c + i), load(b->c + i)));
}

void qstp_mldsa_poly_reduce_avx2(qstp_mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i += 8)
        store(a->c + i, reduce32(load(a->c + i)));
}

void qstp_mldsa_poly_freeze_avx2(qstp_mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i += 8)
        store(a->c + i, caddq(reduce32(load(a->c + i))));
}

unsigned qstp_mldsa_poly_chknorm_avx2(const qstp_mldsa_poly *a, int32_t bound)
{
    /* |x| >= bound <=> |x| > bound - 1; |x| as the portable (x ^ m) - m (abs_epi32 is the same
     * on every value a reduce32 output can take). The lanes are OR-ed; one movemask at the end. */
    const __m256i lim = _mm256_set1_epi32(bound - 1);
    __m256i bad = _mm256_setzero_si256();
    for (unsigned i = 0; i < MLDSA_N; i += 8)
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi32(_mm256_abs_epi32(load(a->c + i)), lim));
    return (unsigned)(_mm256_movemask_epi8(bad) != 0);
}

/* The magic of mldsa_rounding.c: floor(x / (2 gamma2)) = (x * M) >> 48 for 0 <= x < 2^24, with
 * M = ceil(2^48 / (2 gamma2)) < 2^32 for both gamma2 of FIPS 204. */
static inline uint32_t decompose_magic(int32_t gamma2)
{
    const uint64_t d = 2u * (uint64_t)gamma2;
    return (uint32_t)((((uint64_t)1 << 48) + d - 1) / d);
}

/* Decompose (Alg. 36) for r in [0, q): r1 and r0 as decompose_m. */
static inline void decompose8(__m256i r, __m256i magic, __m256i g2m1, __m256i twog2, __m256i m,
                              __m256i *r1, __m256i *r0)
{
    const __m256i x = _mm256_add_epi32(r, g2m1); /* r + gamma2 - 1, below 2^24 */
    /* 32 x 32 -> 64 unsigned products on the even and the odd lanes, then >> 48. */
    const __m256i pe = _mm256_srli_epi64(_mm256_mul_epu32(x, magic), 48);
    const __m256i po = _mm256_srli_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), magic), 48);
    __m256i hi = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
    __m256i lo = _mm256_sub_epi32(r, _mm256_mullo_epi32(hi, twog2));
    /* hi == m is the wrap-around r - r0 = q - 1: r1 = 0, r0 - 1 (wrap is all ones there). */
    const __m256i wrap = _mm256_cmpeq_epi32(hi, m);
    *r1 = _mm256_andnot_si256(wrap, hi);
    *r0 = _mm256_add_epi32(lo, wrap);
}

void qstp_mldsa_poly_decompose_avx2(int32_t gamma2, qstp_mldsa_poly *w1, qstp_mldsa_poly *w0,
                                    const qstp_mldsa_poly *w)
{
    const __m256i magic = _mm256_set1_epi64x((long long)decompose_magic(gamma2));
    const __m256i g2m1 = _mm256_set1_epi32(gamma2 - 1), twog2 = _mm256_set1_epi32(2 * gamma2);
    const __m256i m = _mm256_set1_epi32((MLDSA_Q - 1) / (2 * gamma2));
    for (unsigned i = 0; i < MLDSA_N; i += 8) {
        __m256i r1, r0;
        decompose8(load(w->c + i), magic, g2m1, twog2, m, &r1, &r0);
        store(w1->c + i, r1);
        if (w0)
            store(w0->c + i, r0);
    }
}

unsigned qstp_mldsa_poly_make_hint_avx2(int32_t gamma2, qstp_mldsa_poly *h, const qstp_mldsa_poly *a,
                                        const qstp_mldsa_poly *b)
{
    const __m256i magic = _mm256_set1_epi64x((long long)decompose_magic(gamma2));
    const __m256i g2m1 = _mm256_set1_epi32(gamma2 - 1), twog2 = _mm256_set1_epi32(2 * gamma2);
    const __m256i m = _mm256_set1_epi32((MLDSA_Q - 1) / (2 * gamma2));
    const __m256i one = _mm256_set1_epi32(1);
    __m256i count = _mm256_setzero_si256();
    for (unsigned i = 0; i < MLDSA_N; i += 8) {
        __m256i a1, b1, lo;
        decompose8(load(a->c + i), magic, g2m1, twog2, m, &a1, &lo);
        decompose8(load(b->c + i), magic, g2m1, twog2, m, &b1, &lo);
        /* bit = [HighBits differ] = 1 - [a1 == b1] */
        const __m256i bit = _mm256_andnot_si256(_mm256_cmpeq_epi32(a1, b1), one);
        store(h->c + i, bit);
        count = _mm256_add_epi32(count, bit);
    }
    /* Horizontal sum of the eight lane counts. */
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(count), _mm256_extracti128_si256(count, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return (unsigned)_mm_cvtsi128_si32(s);
}

/* UseHint (Alg. 40) per coefficient, as use_hint_m in mldsa_rounding.c: r1 + 1 (wrapping m to
 * 0) if r0 > 0, else r1 - 1 (wrapping -1 to m - 1), where the hint is 1; r1 where it is 0. */
void qstp_mldsa_poly_use_hint_avx2(int32_t gamma2, qstp_mldsa_poly *w1, const qstp_mldsa_poly *w,
                                   const qstp_mldsa_poly *h)
{
    const __m256i magic = _mm256_set1_epi64x((long long)decompose_magic(gamma2));
    const __m256i g2m1 = _mm256_set1_epi32(gamma2 - 1), twog2 = _mm256_set1_epi32(2 * gamma2);
    const __m256i m = _mm256_set1_epi32((MLDSA_Q - 1) / (2 * gamma2));
    const __m256i one = _mm256_set1_epi32(1), zero = _mm256_setzero_si256();
    for (unsigned i = 0; i < MLDSA_N; i += 8) {
        __m256i r1, r0;
        decompose8(load(w->c + i), magic, g2m1, twog2, m, &r1, &r0);
        __m256i up = _mm256_add_epi32(r1, one);
        up = _mm256_andnot_si256(_mm256_cmpeq_epi32(up, m), up);
        __m256i down = _mm256_sub_epi32(r1, one);
        down = _mm256_add_epi32(down, _mm256_and_si256(_mm256_srai_epi32(down, 31), m));
        const __m256i adj = _mm256_blendv_epi8(down, up, _mm256_cmpgt_epi32(r0, zero));
        const __m256i hmask = _mm256_cmpgt_epi32(load(h->c + i), zero);
        store(w1->c + i, _mm256_blendv_epi8(r1, adj, hmask));
    }
}

/* BitUnpack(in, gamma1 - 1, gamma1) for 20-bit coefficients (gamma1 = 2^19; ExpandMask and z),
 * as unpack_gamma1 in mldsa_pack.c. Eight coefficients (20 bytes) per step: the low 128-bit half
 * holds bytes 0..15, the high half bytes 10..25, so coefficient m of each half starts at byte
 * 0, 2, 5, 7 of its half, shifted by 0 or 4 bits. Reads exactly 640 bytes (the last step goes
 * through a copy so that nothing past the input is loaded). */
void qstp_mldsa_bitunpack20_avx2(qstp_mldsa_poly *a, const uint8_t in[640], int32_t b)
{
    const __m256i shuf = _mm256_setr_epi8(0, 1, 2, -1, 2, 3, 4, -1, 5, 6, 7, -1, 7, 8, 9, -1,
                                          0, 1, 2, -1, 2, 3, 4, -1, 5, 6, 7, -1, 7, 8, 9, -1);
    const __m256i shifts = _mm256_setr_epi32(0, 4, 0, 4, 0, 4, 0, 4);
    const __m256i mask = _mm256_set1_epi32(0xFFFFF), base = _mm256_set1_epi32(b);
    uint8_t last[32] = {0};
    for (unsigned g = 0; g < MLDSA_N / 8; g++) {
        const uint8_t *p = in + 20 * g;
        if (g == MLDSA_N / 8 - 1) {
            for (unsigned i = 0; i < 20; i++)
                last[i] = p[i];
            p = last;
        }
        const __m256i v = _mm256_setr_m128i(_mm_loadu_si128((const __m128i *)(const void *)p),
                                            _mm_loadu_si128((const __m128i *)(const void *)(p + 10)));
        __m256i x = _mm256_srlv_epi32(_mm256_shuffle_epi8(v, shuf), shifts);
        store(a->c + 8 * g, _mm256_sub_epi32(base, _mm256_and_si256(x, mask)));
    }
    qstp_wipe(last, sizeof last); /* it held mask bytes (secret) or signature bytes */
}

/* BitPack(a, gamma1 - 1, gamma1) for 20-bit coefficients (z; the inverse of the unpack above),
 * as qstp_mldsa_bitpack in mldsa_pack.c: v = (b - a) mod 2^20; each 64-bit lane joins its two
 * coefficients into 40 bits (v_even | v_odd << 20), a byte shuffle packs each 128-bit half's two
 * 5-byte results together, and 10 bytes per half are stored (never past the 640 bytes). */
void qstp_mldsa_bitpack20_avx2(uint8_t out[640], const qstp_mldsa_poly *a, int32_t b)
{
    const __m256i mask = _mm256_set1_epi64x(0xFFFFF), base = _mm256_set1_epi32(b);
    const __m256i shuf = _mm256_setr_epi8(0, 1, 2, 3, 4, 8, 9, 10, 11, 12, -1, -1, -1, -1, -1, -1,
                                          0, 1, 2, 3, 4, 8, 9, 10, 11, 12, -1, -1, -1, -1, -1, -1);
    uint8_t tmp[32];
    for (unsigned g = 0; g < MLDSA_N / 8; g++, out += 20) {
        const __m256i v = _mm256_sub_epi32(base, _mm256_loadu_si256((const __m256i *)(const void *)(a->c + 8 * g)));
        const __m256i pair = _mm256_or_si256(_mm256_and_si256(v, mask),
                                             _mm256_slli_epi64(_mm256_and_si256(_mm256_srli_epi64(v, 32), mask), 20));
        const __m256i x = _mm256_shuffle_epi8(pair, shuf);
        const __m128i lo = _mm256_castsi256_si128(x), hi = _mm256_extracti128_si256(x, 1);
        _mm_storeu_si128((__m128i *)(void *)tmp, lo);
        _mm_storeu_si128((__m128i *)(void *)(tmp + 16), hi);
        memcpy(out, tmp, 10);
        memcpy(out + 10, tmp + 16, 10);
    }
    qstp_wipe(tmp, sizeof tmp); /* z of a candidate that may still be rejected */
}

#endif
