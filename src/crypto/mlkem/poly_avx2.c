/* AVX2 versions of the ML-KEM NTT, inverse NTT and base multiplication (FIPS 203 Alg. 9-12),
 * standard coefficient order. Bit-for-bit the same results as the portable code in poly.c:
 *  - fqmul is the same high-half difference (mullo/mulhi pairs);
 *  - Barrett: floor((floor(a v / 2^16) + 2^9) / 2^10) == floor((a v + 2^25) / 2^26) exactly,
 *    so mulhi, add 512, shift 10 gives the portable rounding;
 *  - the layers with len >= 16 are plain vector butterflies; len 8, 4, 2 pair lanes inside one
 *    vector: P = V with partners swapped, then blends pick each lane's role;
 *  - basemul accumulates a0 b0 + a1 (b1 zeta) and a0 b1 + a1 b0 with vpmaddwd in 32 bits and does
 *    one Montgomery reduction per lane, as the portable code;
 *  - rej_uniform (public data) tests 16 candidates per step and packs the accepted ones with a
 *    byte shuffle built by PEXT, then lets the portable code finish the buffer.
 * Only called after qstp_cpu_has_avx2() (see poly.c). No branch or index depends on data. */
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
 * zetas are zetas[first + dir * (groups_per_block * b + g)]. */
static inline __m256i lane_zetas(unsigned len, unsigned first, int dir, unsigned b)
{
    const int16_t *z = qstp_mlkem_zetas;
    if (len == 8)
        return _mm256_set1_epi16(z[first + dir * (int)b]);
    if (len == 4) {
        const int16_t z0 = z[first + dir * (int)(2 * b)], z1 = z[first + dir * (int)(2 * b + 1)];
        return _mm256_setr_epi16(z0, z0, z0, z0, z0, z0, z0, z0, z1, z1, z1, z1, z1, z1, z1, z1);
    }
    const int16_t z0 = z[first + dir * (int)(4 * b)], z1 = z[first + dir * (int)(4 * b + 1)],
                  z2 = z[first + dir * (int)(4 * b + 2)], z3 = z[first + dir * (int)(4 * b + 3)];
    return _mm256_setr_epi16(z0, z0, z0, z0, z1, z1, z1, z1, z2, z2, z2, z2, z3, z3, z3, z3);
}

#define INLINE static inline __attribute__((always_inline))

INLINE void ntt_layer_wide(int16_t *r, unsigned len, unsigned k)
{
    for (unsigned start = 0; start < QSTP_MLKEM_N; start += 2 * len) {
        const __m256i zeta = _mm256_set1_epi16(qstp_mlkem_zetas[k++]);
        for (unsigned j = start; j < start + len; j += 16) {
            __m256i a = load(r + j), b = load(r + j + len);
            __m256i t = fqmul_v(zeta, b);
            store(r + j + len, _mm256_sub_epi16(a, t));
            store(r + j, _mm256_add_epi16(a, t));
        }
    }
}

INLINE void ntt_layer_narrow(int16_t *r, unsigned len, unsigned first)
{
    for (unsigned b = 0; b < QSTP_MLKEM_N / 16; b++) {
        __m256i v = load(r + 16 * b), p = swap_len(v, len);
        __m256i lo = blend_hi(v, p, len); /* r[j] in every lane */
        __m256i hi = blend_hi(p, v, len); /* r[j + len] in every lane */
        __m256i t = fqmul_v(lane_zetas(len, first, 1, b), hi);
        store(r + 16 * b, blend_hi(_mm256_add_epi16(lo, t), _mm256_sub_epi16(lo, t), len));
    }
}

void qstp_mlkem_poly_ntt_avx2(qstp_mlkem_poly *p)
{
    int16_t *r = p->c;
    ntt_layer_wide(r, 128, 1);
    ntt_layer_wide(r, 64, 2);
    ntt_layer_wide(r, 32, 4);
    ntt_layer_wide(r, 16, 8);
    ntt_layer_narrow(r, 8, 16);
    ntt_layer_narrow(r, 4, 32);
    ntt_layer_narrow(r, 2, 64);
    for (unsigned j = 0; j < QSTP_MLKEM_N; j += 16)
        store(r + j, barrett_v(load(r + j)));
}

INLINE void invntt_layer_narrow(int16_t *r, unsigned len, unsigned first)
{
    for (unsigned b = 0; b < QSTP_MLKEM_N / 16; b++) {
        __m256i v = load(r + 16 * b), p = swap_len(v, len);
        __m256i lo = blend_hi(v, p, len);
        __m256i hi = blend_hi(p, v, len);
        __m256i s = barrett_v(_mm256_add_epi16(lo, hi));
        __m256i d = fqmul_v(lane_zetas(len, first, -1, b), _mm256_sub_epi16(hi, lo));
        store(r + 16 * b, blend_hi(s, d, len));
    }
}

INLINE void invntt_layer_wide(int16_t *r, unsigned len, unsigned k)
{
    for (unsigned start = 0; start < QSTP_MLKEM_N; start += 2 * len) {
        const __m256i zeta = _mm256_set1_epi16(qstp_mlkem_zetas[k--]);
        for (unsigned j = start; j < start + len; j += 16) {
            __m256i a = load(r + j), b = load(r + j + len);
            store(r + j, barrett_v(_mm256_add_epi16(a, b)));
            store(r + j + len, fqmul_v(zeta, _mm256_sub_epi16(b, a)));
        }
    }
}

void qstp_mlkem_poly_invntt_tomont_avx2(qstp_mlkem_poly *p)
{
    int16_t *r = p->c;
    const __m256i f = _mm256_set1_epi16(1441); /* R^2 / 128 mod q, as poly.c */
    invntt_layer_narrow(r, 2, 127);
    invntt_layer_narrow(r, 4, 63);
    invntt_layer_narrow(r, 8, 31);
    invntt_layer_wide(r, 16, 15);
    invntt_layer_wide(r, 32, 7);
    invntt_layer_wide(r, 64, 3);
    invntt_layer_wide(r, 128, 1);
    for (unsigned j = 0; j < QSTP_MLKEM_N; j += 16)
        store(r + j, fqmul_v(load(r + j), f));
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
        const __m256i good = _mm256_cmpgt_epi16(q, v);
        const uint32_t m = (uint32_t)_pext_u32((uint32_t)_mm256_movemask_epi8(good), 0x55555555u);
        for (unsigned half = 0; half < 2; half++) {
            const uint32_t m8 = (m >> (8 * half)) & 0xFFu;
            /* byte l of sel = index of the l-th accepted word */
            const uint64_t spread = _pdep_u64(m8, 0x0101010101010101ULL) * 0xFFu;
            const uint64_t sel = _pext_u64(0x0706050403020100ULL, spread);
            __m128i idx = _mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)sel));
            idx = _mm_add_epi16(_mm_mullo_epi16(idx, _mm_set1_epi16(0x0202)), _mm_set1_epi16(0x0100));
            const __m128i words = half ? _mm256_extracti128_si256(v, 1) : _mm256_castsi256_si128(v);
            _mm_storeu_si128((__m128i *)(c + ctr), _mm_shuffle_epi8(words, idx));
            ctr += (unsigned)_mm_popcnt_u32(m8);
        }
        pos += 24;
    }
    return qstp_mlkem_rej_uniform_portable(c, ctr, buf + pos, buflen - pos);
}

#else
/* Not x86-64: nothing to build (ISO C forbids an empty translation unit). */
typedef int qstp_mlkem_poly_avx2_unused;
#endif
