/* AVX2 twin of qstp_mldsa_poly_sparse_mul_small (mldsa_sparse.c): c * s with |c * s| <= 127,
 * 32 coefficients per register in int8 lanes, the whole polynomial in eight accumulators. For
 * each nonzero of c one unaligned load per accumulator from the extended s, added for the +1
 * positions and subtracted for the -1 ones (listed in that order). Exact integer sums, so the same output as the portable code.
 * Compiled with -mavx2; called only after qstp_cpu_has_avx2(). */
#include "crypto/mldsa/mldsa_poly_backend.h"

#if defined(QSTP_MLDSA_HAVE_AVX2)

#include <immintrin.h>

/* Eight named accumulators (an array of them ends up in memory with gcc). */
#define LD(k) _mm256_loadu_si256((const __m256i *)(const void *)(e + 32 * (k)))
#define TERM(op)                                                                                   \
    do {                                                                                           \
        a0 = op(a0, LD(0));                                                                        \
        a1 = op(a1, LD(1));                                                                        \
        a2 = op(a2, LD(2));                                                                        \
        a3 = op(a3, LD(3));                                                                        \
        a4 = op(a4, LD(4));                                                                        \
        a5 = op(a5, LD(5));                                                                        \
        a6 = op(a6, LD(6));                                                                        \
        a7 = op(a7, LD(7));                                                                        \
    } while (0)

static inline void store_widened(int32_t *o, __m256i acc)
{
    const __m128i lo = _mm256_castsi256_si128(acc), hi = _mm256_extracti128_si256(acc, 1);
    _mm256_storeu_si256((__m256i *)(void *)(o + 0), _mm256_cvtepi8_epi32(lo));
    _mm256_storeu_si256((__m256i *)(void *)(o + 8), _mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8)));
    _mm256_storeu_si256((__m256i *)(void *)(o + 16), _mm256_cvtepi8_epi32(hi));
    _mm256_storeu_si256((__m256i *)(void *)(o + 24), _mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8)));
}

void qstp_mldsa_poly_sparse_mul_small_avx2(qstp_mldsa_poly *out, const int8_t ext[2 * MLDSA_N],
                                           const uint8_t *pos, unsigned nplus, unsigned n)
{
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    unsigned t = 0;
    for (; t < nplus; t++) {
        const int8_t *e = ext + MLDSA_N - pos[t];
        TERM(_mm256_add_epi8);
    }
    for (; t < n; t++) {
        const int8_t *e = ext + MLDSA_N - pos[t];
        TERM(_mm256_sub_epi8);
    }
    /* Sign-extend to 32 bits. */
    store_widened(out->c + 0, a0);
    store_widened(out->c + 32, a1);
    store_widened(out->c + 64, a2);
    store_widened(out->c + 96, a3);
    store_widened(out->c + 128, a4);
    store_widened(out->c + 160, a5);
    store_widened(out->c + 192, a6);
    store_widened(out->c + 224, a7);
}

/* eta = 2 encoding to ext: pdep spreads each 3-byte group's eight 3-bit values into the eight
 * bytes of a 64-bit word; four words make 32 values, s = 2 - value and -s in int8 lanes. (pdep's
 * speed on AMD Zen 1/2 depends on its mask operand, a constant here, not on the secret value.) */
unsigned qstp_mldsa_sparse_ext_eta2_avx2(int8_t ext[2 * MLDSA_N], const uint8_t in[96])
{
    const __m256i two = _mm256_set1_epi8(2), four = _mm256_set1_epi8(4);
    __m256i bad = _mm256_setzero_si256();
    for (unsigned k = 0; k < MLDSA_N / 32; k++, in += 12) {
        uint64_t w[4];
        for (unsigned g = 0; g < 4; g++) {
            const uint32_t v = (uint32_t)in[3 * g] | ((uint32_t)in[3 * g + 1] << 8) |
                               ((uint32_t)in[3 * g + 2] << 16);
            w[g] = _pdep_u64(v, 0x0707070707070707ull);
        }
        const __m256i f = _mm256_setr_epi64x((long long)w[0], (long long)w[1], (long long)w[2],
                                             (long long)w[3]);
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi8(f, four));
        _mm256_storeu_si256((__m256i *)(void *)(ext + 32 * k), _mm256_sub_epi8(f, two));
        _mm256_storeu_si256((__m256i *)(void *)(ext + MLDSA_N + 32 * k), _mm256_sub_epi8(two, f));
    }
    return (unsigned)(_mm256_movemask_epi8(bad) != 0);
}

#endif
