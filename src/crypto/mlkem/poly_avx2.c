/* AVX2 versions of the ML-KEM NTT, inverse NTT and base multiplication (FIPS 203 Alg. 9-12), the
 * element-wise add/sub/reduce/tomont, the mulcache, CBD_2 and the rejection step, standard
 * coefficient order (the encodings are in poly_codec_avx2.c). Bit-for-bit the same results as
 * the portable code in poly.c:
 *  - fqmul is the same high-half difference (mullo/mulhi pairs);
 *  - Barrett: floor((floor(a v / 2^16) + 2^9) / 2^10) == floor((a v + 2^25) / 2^26) exactly,
 *    so mulhi, add 512, shift 10 gives the portable rounding;
 *  - the layers with len >= 16 are plain vector butterflies; len 8, 4, 2 pair lanes inside one
 *    vector: P = V with partners swapped, then blends pick each lane's role;
 *  - basemul accumulates a0 b0 + a1 (b1 zeta) and a0 b1 + a1 b0 with vpmaddwd in 32 bits and does
 *    one Montgomery reduction per lane, as the portable code;
 *  - rej_uniform (public data) tests 16 candidates per step and packs the accepted ones with a
 *    byte shuffle from a 256-entry table (no PEXT: it is microcoded and slow on AMD Zen 1/2),
 *    then lets the portable code finish the buffer.
 * Only called after qstp_cpu_has_avx2() (see poly.c). No branch or index depends on data. */
#include <string.h>

#include "crypto/mlkem/poly_backend.h"

#if defined(QSTP_MLKEM_HAVE_AVX2)

#include <immintrin.h>

#define Q QSTP_MLKEM_Q

static inline __m256i fqmul_v(__m256i a, __m256i b)
{
    const __m256i q = _mm256_set1_epi16(Q);
    const __m256i qinv = _mm256_set1_epi16((int16_t)-3327); /* 62209 = q^-1 mod 2^16 */
    __m256i lo = _mm256_mullo_epi16(a, b);
    __m256i hi = _mm256_mulhi_epi16(a, b);
    __m256i t = _mm256_mullo_epi16(lo, qinv);
    return _mm256_sub_epi16(hi, _mm256_mulhi_epi16(t, q));
}

/* fqmul_v(a, z) with zq = z q^-1 mod 2^16 precomputed: a zq mod 2^16 is the same t as
 * (a z mod 2^16) q^-1, so the result is identical with one multiplication fewer. */
static inline __m256i fqmul_pre(__m256i a, __m256i z, __m256i zq)
{
    const __m256i t = _mm256_mullo_epi16(a, zq);
    return _mm256_sub_epi16(_mm256_mulhi_epi16(a, z), _mm256_mulhi_epi16(t, _mm256_set1_epi16(Q)));
}

/* z q^-1 mod 2^16 of a constant or a vector of zetas. */
static inline int16_t zq_of(int16_t z)
{
    return (int16_t)(uint16_t)((uint32_t)(uint16_t)z * 62209u);
}
static inline __m256i zq_v(__m256i z)
{
    return _mm256_mullo_epi16(z, _mm256_set1_epi16((int16_t)-3327)); /* -3327 = 62209 - 2^16 */
}

static inline __m256i barrett_v(__m256i a)
{
    const __m256i q = _mm256_set1_epi16(Q);
    const __m256i v = _mm256_set1_epi16(20159);
    __m256i t = _mm256_mulhi_epi16(a, v);
    t = _mm256_srai_epi16(_mm256_add_epi16(t, _mm256_set1_epi16(512)), 10);
    return _mm256_sub_epi16(a, _mm256_mullo_epi16(t, q));
}

static inline __m256i load(const int16_t *p) { return _mm256_load_si256((const __m256i *)p); }
static inline void store(int16_t *p, __m256i v) { _mm256_store_si256((__m256i *)p, v); }

/* Swap each lane with its partner at distance len (8, 4 or 2 int16 lanes). */
static inline __m256i swap_len(__m256i v, unsigned len)
{
    if (len == 8)
        return _mm256_permute4x64_epi64(v, 0x4E);
    if (len == 4)
        return _mm256_shuffle_epi32(v, 0x4E);
    return _mm256_shuffle_epi32(v, 0xB1);
}

/* Lanes with bit `len` set (the "j + len" partners) from y, the others from x. */
static inline __m256i blend_hi(__m256i x, __m256i y, unsigned len)
{
    if (len == 8)
        return _mm256_blend_epi32(x, y, 0xF0);
    if (len == 4)
        return _mm256_blend_epi16(x, y, 0xF0);
    return _mm256_blend_epi16(x, y, 0xCC);
}

/* The zeta of each lane for an in-vector layer: block b (16 lanes) holds 16 / (2 len) groups whose
 * zetas are zetas[first + dir * (groups_per_block * b + g)], consecutive in the table. They are
 * loaded together (4 or 2 of them) and spread with one byte shuffle: each 128-bit half reads its
 * groups' entries from the broadcast load (the order reversed when dir = -1). */
static inline __m256i lane_zetas(unsigned len, unsigned first, int dir, unsigned b)
{
    const int16_t *z = qstp_mlkem_zetas;
    if (len == 8)
        return _mm256_set1_epi16(z[first + dir * (int)b]);
    if (len == 4) {
        /* entries e0 = z[lo], e1 = z[lo + 1]; dir +1: groups (e0, e1), dir -1: (e1, e0) */
        const unsigned lo = dir > 0 ? first + 2 * b : first - 2 * b - 1;
        int32_t w;
        memcpy(&w, z + lo, sizeof w);
        const __m256i v = _mm256_set1_epi32(w);
        const __m256i fwd = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, /**/
                                             2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3);
        const __m256i rev = _mm256_setr_epi8(2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, /**/
                                             0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1);
        return _mm256_shuffle_epi8(v, dir > 0 ? fwd : rev);
    }
    /* len 2: entries e0..e3 = z[lo..lo+3]; dir +1: groups (e0, e1, e2, e3), dir -1: (e3 .. e0) */
    const unsigned lo = dir > 0 ? first + 4 * b : first - 4 * b - 3;
    const __m256i v = _mm256_broadcastsi128_si256(_mm_loadl_epi64((const __m128i *)(z + lo)));
    const __m256i fwd = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3, /**/
                                         4, 5, 4, 5, 4, 5, 4, 5, 6, 7, 6, 7, 6, 7, 6, 7);
    const __m256i rev = _mm256_setr_epi8(6, 7, 6, 7, 6, 7, 6, 7, 4, 5, 4, 5, 4, 5, 4, 5, /**/
                                         2, 3, 2, 3, 2, 3, 2, 3, 0, 1, 0, 1, 0, 1, 0, 1);
    return _mm256_shuffle_epi8(v, dir > 0 ? fwd : rev);
}

#define INLINE static inline __attribute__((always_inline))

/* Register-resident layers. After the first forward layer (len 128) the two halves of the
 * polynomial (8 vectors each) are independent down to the last layer, so each half is loaded
 * once, goes through layers 64 .. 2 and the final reduction in registers, and is stored once;
 * the inverse mirrors this (layers 2 .. 64 per half, then layer 128 fused with the final scaling).
 * Same butterflies, zetas and reductions in the same order as poly.c, so the same values. */

/* Cooley-Tukey butterfly on whole vectors: (a, b) = (a + z b, a - z b). */
INLINE void ct_bfly(__m256i *a, __m256i *b, int16_t z)
{
    const __m256i t = fqmul_pre(*b, _mm256_set1_epi16(z), _mm256_set1_epi16(zq_of(z)));
    *b = _mm256_sub_epi16(*a, t);
    *a = _mm256_add_epi16(*a, t);
}

/* Gentleman-Sande butterfly: (a, b) = (Barrett(a + b), z (b - a)). */
INLINE void gs_bfly(__m256i *a, __m256i *b, int16_t z)
{
    const __m256i t = *a;
    *a = barrett_v(_mm256_add_epi16(t, *b));
    *b = fqmul_pre(_mm256_sub_epi16(*b, t), _mm256_set1_epi16(z), _mm256_set1_epi16(zq_of(z)));
}

/* One in-vector layer (len 8, 4 or 2) on vector b of the polynomial. */
INLINE __m256i ntt_narrow_v(__m256i v, unsigned len, unsigned first, unsigned b)
{
    const __m256i p = swap_len(v, len);
    const __m256i lo = blend_hi(v, p, len); /* r[j] in every lane */
    const __m256i hi = blend_hi(p, v, len); /* r[j + len] in every lane */
    const __m256i z = lane_zetas(len, first, 1, b);
    const __m256i t = fqmul_pre(hi, z, zq_v(z));
    return blend_hi(_mm256_add_epi16(lo, t), _mm256_sub_epi16(lo, t), len);
}

INLINE __m256i invntt_narrow_v(__m256i v, unsigned len, unsigned first, unsigned b)
{
    const __m256i p = swap_len(v, len);
    const __m256i lo = blend_hi(v, p, len);
    const __m256i hi = blend_hi(p, v, len);
    const __m256i sum = barrett_v(_mm256_add_epi16(lo, hi));
    const __m256i z = lane_zetas(len, first, -1, b);
    const __m256i d = fqmul_pre(_mm256_sub_epi16(hi, lo), z, zq_v(z));
    return blend_hi(sum, d, len);
}

void qstp_mlkem_poly_ntt_avx2(qstp_mlkem_poly *p)
{
    int16_t *r = p->c;
    const int16_t *zt = qstp_mlkem_zetas;
    /* layer len 128 (zetas[1]) across the halves */
    for (unsigned j = 0; j < 128; j += 16) {
        __m256i a = load(r + j), b = load(r + j + 128);
        ct_bfly(&a, &b, zt[1]);
        store(r + j, a);
        store(r + j + 128, b);
    }
    for (unsigned h = 0; h < 2; h++) {
        __m256i v[8];
#pragma GCC unroll 8
        for (unsigned i = 0; i < 8; i++)
            v[i] = load(r + 128 * h + 16 * i);
        /* len 64: zetas[2 + h]; len 32: zetas[4 + 2h + g]; len 16: zetas[8 + 4h + g] */
#pragma GCC unroll 4
        for (unsigned i = 0; i < 4; i++)
            ct_bfly(&v[i], &v[i + 4], zt[2 + h]);
#pragma GCC unroll 4
        for (unsigned i = 0; i < 4; i++) { /* pairs (0,2) (1,3) (4,6) (5,7) */
            const unsigned x = (i & 2) * 2 + (i & 1);
            ct_bfly(&v[x], &v[x + 2], zt[4 + 2 * h + i / 2]);
        }
#pragma GCC unroll 4
        for (unsigned g = 0; g < 4; g++)
            ct_bfly(&v[2 * g], &v[2 * g + 1], zt[8 + 4 * h + g]);
#pragma GCC unroll 8
        for (unsigned i = 0; i < 8; i++) {
            const unsigned b = 8 * h + i;
            __m256i x = ntt_narrow_v(v[i], 8, 16, b);
            x = ntt_narrow_v(x, 4, 32, b);
            x = ntt_narrow_v(x, 2, 64, b);
            store(r + 16 * b, barrett_v(x));
        }
    }
}

void qstp_mlkem_poly_invntt_tomont_avx2(qstp_mlkem_poly *p)
{
    int16_t *r = p->c;
    const int16_t *zt = qstp_mlkem_zetas;
    for (unsigned h = 0; h < 2; h++) {
        __m256i v[8];
#pragma GCC unroll 8
        for (unsigned i = 0; i < 8; i++) {
            const unsigned b = 8 * h + i;
            __m256i x = invntt_narrow_v(load(r + 16 * b), 2, 127, b);
            x = invntt_narrow_v(x, 4, 63, b);
            v[i] = invntt_narrow_v(x, 8, 31, b);
        }
        /* len 16: zetas[15 - (4h + g)]; len 32: zetas[7 - (2h + g)]; len 64: zetas[3 - h] */
#pragma GCC unroll 4
        for (unsigned g = 0; g < 4; g++)
            gs_bfly(&v[2 * g], &v[2 * g + 1], zt[15 - (4 * h + g)]);
#pragma GCC unroll 4
        for (unsigned i = 0; i < 4; i++) {
            const unsigned x = (i & 2) * 2 + (i & 1);
            gs_bfly(&v[x], &v[x + 2], zt[7 - (2 * h + i / 2)]);
        }
#pragma GCC unroll 4
        for (unsigned i = 0; i < 4; i++)
            gs_bfly(&v[i], &v[i + 4], zt[3 - h]);
#pragma GCC unroll 8
        for (unsigned i = 0; i < 8; i++)
            store(r + 128 * h + 16 * i, v[i]);
    }
    /* layer len 128 (zetas[1]), then times R^2 / 128 (1441, as poly.c) */
    const __m256i f = _mm256_set1_epi16(1441);
    const __m256i fq = _mm256_set1_epi16(zq_of(1441));
    for (unsigned j = 0; j < 128; j += 16) {
        __m256i a = load(r + j), b = load(r + j + 128);
        gs_bfly(&a, &b, zt[1]);
        store(r + j, fqmul_pre(a, f, fq));
        store(r + j + 128, fqmul_pre(b, f, fq));
    }
}

/* Montgomery reduction of eight int32 lanes (same as poly.c montgomery_reduce); the result is
 * sign-extended in each 32-bit lane. */
static inline __m256i montgomery_reduce32_v(__m256i x)
{
    const __m256i qinv = _mm256_set1_epi32(62209);
    const __m256i q = _mm256_set1_epi32(Q);
    __m256i t = _mm256_mullo_epi32(x, qinv);
    t = _mm256_srai_epi32(_mm256_slli_epi32(t, 16), 16); /* (int16_t) of the low half */
    return _mm256_srai_epi32(_mm256_sub_epi32(x, _mm256_mullo_epi32(t, q)), 16);
}

void qstp_mlkem_polyvec_basemul_acc_avx2(qstp_mlkem_poly *r, const qstp_mlkem_poly *a,
                                         const qstp_mlkem_poly *b, const qstp_mlkem_mulcache *bc,
                                         unsigned k)
{
    /* 16 coefficients = 8 pairs per step. Bounds as in poly.c: every 32-bit sum stays below
     * q 2^15 for k <= 5. */
    for (unsigned i = 0; i < QSTP_MLKEM_N; i += 16) {
        __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
        for (unsigned j = 0; j < k; j++) {
            const __m256i av = load(a[j].c + i), bv = load(b[j].c + i);
            const __m128i c = _mm_load_si128((const __m128i *)(bc[j].c + i / 2));
            /* even lanes b0, odd lanes b1 zeta */
            const __m256i c_hi = _mm256_slli_epi32(_mm256_cvtepi16_epi32(c), 16);
            const __m256i b0c = _mm256_blend_epi16(bv, c_hi, 0xAA);
            /* b with each pair swapped: even lanes b1, odd lanes b0 */
            const __m256i bsw =
                _mm256_or_si256(_mm256_srli_epi32(bv, 16), _mm256_slli_epi32(bv, 16));
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(av, b0c)); /* a0 b0 + a1 b1 zeta */
            acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(av, bsw)); /* a0 b1 + a1 b0 */
        }
        __m256i r0 = montgomery_reduce32_v(acc0), r1 = montgomery_reduce32_v(acc1);
        store(r->c + i, _mm256_blend_epi16(r0, _mm256_slli_epi32(r1, 16), 0xAA));
    }
}

/* ---- element-wise arithmetic (same reductions as poly.c) ---- */

void qstp_mlkem_poly_add_avx2(qstp_mlkem_poly *r, const qstp_mlkem_poly *a)
{
    for (unsigned j = 0; j < QSTP_MLKEM_N; j += 16)
        store(r->c + j, _mm256_add_epi16(load(r->c + j), load(a->c + j)));
}

void qstp_mlkem_poly_sub_avx2(qstp_mlkem_poly *r, const qstp_mlkem_poly *a)
{
    for (unsigned j = 0; j < QSTP_MLKEM_N; j += 16)
        store(r->c + j, _mm256_sub_epi16(load(r->c + j), load(a->c + j)));
}

void qstp_mlkem_poly_reduce_avx2(qstp_mlkem_poly *p)
{
    for (unsigned j = 0; j < QSTP_MLKEM_N; j += 16)
        store(p->c + j, barrett_v(load(p->c + j)));
}

void qstp_mlkem_poly_tomont_avx2(qstp_mlkem_poly *p)
{
    const __m256i r2 = _mm256_set1_epi16(1353); /* 2^32 mod q, as poly.c */
    const __m256i r2q = _mm256_set1_epi16(zq_of(1353));
    for (unsigned j = 0; j < QSTP_MLKEM_N; j += 16)
        store(p->c + j, fqmul_pre(load(p->c + j), r2, r2q));
}

void qstp_mlkem_poly_mulcache_compute_avx2(qstp_mlkem_mulcache *mc, const qstp_mlkem_poly *b)
{
    /* Pair 2i: b[4i+1] zetas[64+i], pair 2i+1: b[4i+3] (-zetas[64+i]) (as poly.c). Each 64-bit
     * lane of the multiplier is the int16 lanes (0, z, 0, -z): (z << 16) - (z << 48) in 64-bit
     * arithmetic, from z zero-extended. The odd lanes of the product are the cache entries. */
    for (unsigned i = 0; i < QSTP_MLKEM_N / 32; i++) {
        __m256i half[2];
        for (unsigned h = 0; h < 2; h++) {
            const __m256i z = _mm256_cvtepu16_epi64(
                _mm_loadl_epi64((const __m128i *)(qstp_mlkem_zetas + 64 + 8 * i + 4 * h)));
            const __m256i zz = _mm256_sub_epi64(_mm256_slli_epi64(z, 16), _mm256_slli_epi64(z, 48));
            half[h] = _mm256_srai_epi32(fqmul_v(load(b->c + 32 * i + 16 * h), zz), 16);
        }
        /* packs per 128-bit lane gives entries [0..3, 8..11, 4..7, 12..15]; 0xD8 restores order */
        store(mc->c + 16 * i, _mm256_permute4x64_epi64(_mm256_packs_epi32(half[0], half[1]), 0xD8));
    }
}

void qstp_mlkem_poly_cbd2_avx2(qstp_mlkem_poly *p, const uint8_t buf[128])
{
    /* Same arithmetic as the portable CBD_2: pair sums s = (t & 0x55) + ((t >> 1) & 0x55), then
     * per byte of s the low nibble gives coefficient 2m and the high nibble 2m + 1 (a - b with a,
     * b the two 2-bit fields). 16 input bytes -> 32 coefficients per step. */
    const __m128i m55 = _mm_set1_epi8(0x55), m03 = _mm_set1_epi8(0x03);
    for (unsigned i = 0; i < 8; i++) {
        const __m128i t = _mm_loadu_si128((const __m128i *)(buf + 16 * i));
        const __m128i sum =
            _mm_add_epi8(_mm_and_si128(t, m55), _mm_and_si128(_mm_srli_epi16(t, 1), m55));
        const __m128i even = _mm_sub_epi8(_mm_and_si128(sum, m03),
                                          _mm_and_si128(_mm_srli_epi16(sum, 2), m03));
        const __m128i odd = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(sum, 4), m03),
                                         _mm_and_si128(_mm_srli_epi16(sum, 6), m03));
        store(p->c + 32 * i, _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(even, odd)));
        store(p->c + 32 * i + 16, _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(even, odd)));
    }
}

/* rej_idx[m]: byte-shuffle that packs the 16-bit lanes i with bit i of m set to the front
 * (bytes 2i, 2i+1 in order; 255 = zero).
 * Generated: for m in 0..255, for i in 0..7 if m >> i & 1. */
static const _Alignas(16) uint8_t rej_idx[256][16] = {
    {255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {6, 7, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 255, 255, 255, 255, 255, 255, 255, 255},
    {8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255},
    {6, 7, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255},
    {10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {6, 7, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 255, 255, 255, 255, 255, 255},
    {8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255},
    {6, 7, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255, 255, 255, 255},
    {12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {6, 7, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 255, 255, 255, 255, 255, 255},
    {8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255},
    {6, 7, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 255, 255, 255, 255},
    {10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {6, 7, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 255, 255, 255, 255},
    {8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {4, 5, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255},
    {6, 7, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255},
    {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 255, 255},
    {14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {6, 7, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 14, 15, 255, 255, 255, 255, 255, 255},
    {8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255},
    {6, 7, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 255, 255, 255, 255},
    {10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {6, 7, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 14, 15, 255, 255, 255, 255},
    {8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {4, 5, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255},
    {6, 7, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255},
    {4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 255, 255},
    {12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {4, 5, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {6, 7, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {4, 5, 6, 7, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 255, 255, 255, 255},
    {8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {4, 5, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255},
    {6, 7, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255},
    {4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 255, 255},
    {10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {2, 3, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {4, 5, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {6, 7, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 6, 7, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 255, 255},
    {8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255},
    {0, 1, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255},
    {6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255},
    {0, 1, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255},
    {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255},
    {0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255},
    {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
};

unsigned qstp_mlkem_rej_uniform_avx2(int16_t *c, unsigned ctr, const uint8_t *buf, size_t buflen)
{
    /* Within each 128-bit half, bytes 3g, 3g+1, 3g+2 of a 12-byte group become the words 2g, 2g+1:
     * the low half reads bytes 0..11 of buf + pos, the high half bytes 12..23 (loaded from +8). */
    const __m256i expand = _mm256_setr_epi8(0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11, /**/
                                            4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11, 12, 13, 14, 14, 15);
    const __m256i mask12 = _mm256_set1_epi16(0x0FFF);
    const __m256i q = _mm256_set1_epi16(Q);
    size_t pos = 0;

    /* ctr + 16 <= 256: both 8-lane stores (16 bytes each) stay inside c[0..256). */
    while (ctr + 16 <= QSTP_MLKEM_N && pos + 24 <= buflen) {
        const __m256i raw = _mm256_setr_m128i(_mm_loadu_si128((const __m128i *)(buf + pos)),
                                              _mm_loadu_si128((const __m128i *)(buf + pos + 8)));
        __m256i v = _mm256_shuffle_epi8(raw, expand);
        /* even words: low 12 bits; odd words: the high 12 bits (>> 4), FIPS 203 Alg. 7 steps 6-7 */
        v = _mm256_blend_epi16(_mm256_and_si256(v, mask12), _mm256_srli_epi16(v, 4), 0xAA);
        /* one byte per word (packs within each half): bits 0-7 = words 0-7, bits 16-23 = 8-15 */
        const __m256i good = _mm256_packs_epi16(_mm256_cmpgt_epi16(q, v), _mm256_setzero_si256());
        const uint32_t m = (uint32_t)_mm256_movemask_epi8(good);
        const uint32_t m_lo = m & 0xFFu, m_hi = (m >> 16) & 0xFFu;
        const __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);
        _mm_storeu_si128((__m128i *)(c + ctr),
                         _mm_shuffle_epi8(lo, _mm_load_si128((const __m128i *)rej_idx[m_lo])));
        ctr += (unsigned)_mm_popcnt_u32(m_lo);
        _mm_storeu_si128((__m128i *)(c + ctr),
                         _mm_shuffle_epi8(hi, _mm_load_si128((const __m128i *)rej_idx[m_hi])));
        ctr += (unsigned)_mm_popcnt_u32(m_hi);
        pos += 24;
    }
    return qstp_mlkem_rej_uniform_portable(c, ctr, buf + pos, buflen - pos);
}

#else
/* Not x86-64: nothing to build (ISO C forbids an empty translation unit). */
typedef int qstp_mlkem_poly_avx2_unused;
#endif
