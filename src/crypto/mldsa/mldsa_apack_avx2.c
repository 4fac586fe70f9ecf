/* AVX2 unpacking of the 23-bit packed A^ (mldsa_apack.h), alone and fused with the Montgomery
 * product-accumulate of the one-shot signer's A^ y. Compiled with -mavx2; called only after
 * qstp_cpu_has_avx2().
 *
 * Eight coefficients = 23 bytes. The low 128-bit lane is loaded from byte 0 of the group and
 * holds coefficients 0-3 (bits 0, 23, 46, 69: bytes 0, 2, 5, 8, shifts 0, 7, 6, 5); the high lane
 * is loaded from byte 7 and holds coefficients 4-7 (bits 92, 115, 138, 161, i.e. 36, 59, 82, 105
 * from byte 7: bytes 4, 7, 10, 13, shifts 4, 3, 2, 1). Both 16-byte loads stay inside the group
 * (7 + 16 = 23), so nothing past the entry is read. A byte shuffle gathers each coefficient's
 * four (last one: three) bytes into its 32-bit lane, a per-lane shift and a mask finish. */
#include "crypto/mldsa/mldsa_apack.h"
#include "crypto/mldsa/mldsa_poly_backend.h"

#if defined(QSTP_MLDSA_HAVE_A23_AVX2)

#include <immintrin.h>
#include <string.h>

static inline __m256i unpack8(const uint8_t *g)
{
    const __m256i idx = _mm256_setr_epi8(0, 1, 2, 3, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, /* low */
                                         4, 5, 6, 7, 7, 8, 9, 10, 10, 11, 12, 13, 13, 14, 15, -1);
    const __m256i shifts = _mm256_setr_epi32(0, 7, 6, 5, 4, 3, 2, 1);
    const __m256i mask = _mm256_set1_epi32(0x7FFFFF);
    const __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)g);
    const __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)(g + 7));
    __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    v = _mm256_shuffle_epi8(v, idx);
    return _mm256_and_si256(_mm256_srlv_epi32(v, shifts), mask);
}

/* montgomery_reduce(a_i b_i) per lane, the same arithmetic as mldsa_poly_avx2.c's mont_mul
 * (signed 32 x 32 -> 64 products of the even and the odd lanes, t = p q^-1 mod 2^32,
 * (p - t q) / 2^32), so the same representative as the portable montgomery_reduce. */
static inline __m256i odd_down(__m256i a)
{
    return _mm256_castps_si256(_mm256_movehdup_ps(_mm256_castsi256_ps(a)));
}

static inline __m256i mont_mul(__m256i a, __m256i b)
{
    const __m256i qinv = _mm256_set1_epi32(MLDSA_QINV);
    const __m256i q = _mm256_set1_epi32(MLDSA_Q);
    const __m256i pe = _mm256_mul_epi32(a, b);
    const __m256i po = _mm256_mul_epi32(odd_down(a), odd_down(b));
    const __m256i te = _mm256_mul_epi32(_mm256_mul_epi32(pe, qinv), q);
    const __m256i to = _mm256_mul_epi32(_mm256_mul_epi32(po, qinv), q);
    return _mm256_blend_epi32(odd_down(_mm256_sub_epi64(pe, te)), _mm256_sub_epi64(po, to), 0xAA);
}

void qstp_mldsa_unpack_a23_avx2(qstp_mldsa_poly *a, const uint8_t in[MLDSA_A23_BYTES])
{
    for (unsigned g = 0; g < MLDSA_N / 8; g++)
        _mm256_storeu_si256((__m256i *)(void *)(a->c + 8 * g), unpack8(in + 23 * g));
}

void qstp_mldsa_poly_acc_a23_montgomery_avx2(qstp_mldsa_poly *c, const uint8_t a[MLDSA_A23_BYTES],
                                             const qstp_mldsa_poly *b)
{
    for (unsigned g = 0; g < MLDSA_N / 8; g++) {
        __m256i *const cp = (__m256i *)(void *)(c->c + 8 * g);
        const __m256i bv = _mm256_loadu_si256((const __m256i *)(const void *)(b->c + 8 * g));
        _mm256_storeu_si256(cp, _mm256_add_epi32(_mm256_loadu_si256(cp), mont_mul(unpack8(a + 23 * g), bv)));
    }
}

/* Packing (once per signature, 56 entries for ML-DSA-87): the pairs c_2j | c_2j+1 << 23 (46 bits)
 * are formed in the 64-bit lanes, then joined into the group's three words as the portable code
 * does (bits 46, 92, 138 are not byte aligned, so that step stays scalar). */
void qstp_mldsa_pack_a23_avx2(uint8_t out[MLDSA_A23_BYTES], const qstp_mldsa_poly *a)
{
    const __m256i lo = _mm256_set1_epi64x(0x7FFFFF);
    for (unsigned g = 0; g < MLDSA_N / 8; g++, out += 23) {
        const __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(a->c + 8 * g));
        const __m256i pair = _mm256_or_si256(_mm256_and_si256(v, lo),
                                             _mm256_slli_epi64(_mm256_and_si256(_mm256_srli_epi64(v, 32), lo), 23));
        uint64_t p[4];
        _mm256_storeu_si256((__m256i *)(void *)p, pair);
        const uint64_t w0 = p[0] | p[1] << 46, w1 = p[1] >> 18 | p[2] << 28, w2 = p[2] >> 36 | p[3] << 10;
        uint8_t last[8];
        memcpy(out, &w0, 8); /* x86: little-endian */
        memcpy(out + 8, &w1, 8);
        memcpy(last, &w2, 8);
        memcpy(out + 16, last, 7);
    }
}

#endif
