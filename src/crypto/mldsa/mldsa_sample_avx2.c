/* AVX2 rejection filters of the samplers: RejNTTPoly (FIPS 204 Alg. 30 / Alg. 14), the hot loop
 * of ExpandA in key generation, verification and signing, and RejBoundedPoly (Alg. 31, ExpandS in
 * key generation; below). Compiled with -mavx2 -mbmi2; called only after
 * qstp_cpu_has_avx2() (which includes BMI2).
 *
 * 24 bytes = eight 3-byte candidates per step: the bytes are spread to one candidate per 32-bit
 * lane (a 64-bit lane permute so that each 128-bit half sees its 12 bytes, then a byte shuffle),
 * the top bit of each third byte is masked off (Alg. 14), candidates < q are kept, and the kept
 * lanes are moved to the front with a lane permutation whose indices come from the 8-bit
 * acceptance mask (pdep/pext, no table) and stored; the count advances by popcount. Same
 * coefficients, same order, as the portable loop; A is public, so the data-dependent store
 * position is fine. */
#include "crypto/mldsa/mldsa_sample.h"

#if defined(QSTP_MLDSA_HAVE_REJ_AVX2)

#include <immintrin.h>

unsigned qstp_mldsa_rej_ntt_avx2(int32_t *a, unsigned n, const uint8_t *buf, size_t len)
{
    const __m256i idx = _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1,
                                         4, 5, 6, -1, 7, 8, 9, -1, 10, 11, 12, -1, 13, 14, 15, -1);
    const __m256i mask = _mm256_set1_epi32(0x7FFFFF);
    const __m256i q = _mm256_set1_epi32(MLDSA_Q);
    size_t i = 0;
    /* Eight candidates per step while eight more outputs fit; the 32-byte load reads 8 bytes
     * past the step (the caller's buffer has them). */
    for (; i + 24 <= len && n + 8 <= MLDSA_N; i += 24) {
        __m256i d = _mm256_loadu_si256((const __m256i *)(const void *)(buf + i));
        d = _mm256_permute4x64_epi64(d, 0x94); /* 64-bit words 0, 1 | 1, 2: bytes 0-15 | 8-23 */
        d = _mm256_and_si256(_mm256_shuffle_epi8(d, idx), mask);
        const unsigned good = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(q, d)));
        /* Indices of the set bits of good, in order, one per byte. */
        const uint64_t bytes = _pdep_u64(good, 0x0101010101010101ull) * 0xFF;
        const uint64_t order = _pext_u64(0x0706050403020100ull, bytes);
        const __m256i perm = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)order));
        _mm256_storeu_si256((__m256i *)(void *)(a + n), _mm256_permutevar8x32_epi32(d, perm));
        n += (unsigned)_mm_popcnt_u32(good);
    }
    /* The last few coefficients one candidate at a time (exactly up to 256). */
    for (; i + 3 <= len && n < MLDSA_N; i += 3) {
        uint32_t t = (uint32_t)buf[i] | ((uint32_t)buf[i + 1] << 8) | ((uint32_t)(buf[i + 2] & 0x7F) << 16);
        if (t < (uint32_t)MLDSA_Q)
            a[n++] = (int32_t)t;
    }
    return n;
}

/* RejBoundedPoly's filter (Alg. 31 / Alg. 15), eight half-byte candidates (four bytes, low
 * half first) per step: kept if < 15 (eta = 2) or < 9 (eta = 4), value 2 - (z mod 5) or 4 - z,
 * compacted as above. Which candidates are kept depends only on the rejected ones (see
 * mldsa_sample.c), so the acceptance mask is declassified and may steer the store position; the
 * values never steer anything. Stops while eight more outputs fit; *used = bytes consumed (the
 * caller finishes with the scalar loop). */
unsigned qstp_mldsa_rej_eta_avx2(int32_t *a, unsigned n, const uint8_t *buf, size_t len,
                                 unsigned eta, size_t *used)
{
    const __m256i shifts = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28);
    const __m256i nib = _mm256_set1_epi32(15);
    const __m256i bound = _mm256_set1_epi32(eta == 2 ? 15 : 9);
    const __m256i etav = _mm256_set1_epi32((int32_t)eta);
    size_t i = 0;
    for (; i + 4 <= len && n + 8 <= MLDSA_N; i += 4) {
        const uint32_t w = (uint32_t)buf[i] | ((uint32_t)buf[i + 1] << 8) |
                           ((uint32_t)buf[i + 2] << 16) | ((uint32_t)buf[i + 3] << 24);
        const __m256i z = _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32((int32_t)w), shifts), nib);
        __m256i r = z;
        if (eta == 2) { /* z mod 5 = z - 5 floor(z 205 / 1024) for z < 16 */
            const __m256i q5 = _mm256_srli_epi32(_mm256_mullo_epi32(z, _mm256_set1_epi32(205)), 10);
            r = _mm256_sub_epi32(z, _mm256_mullo_epi32(q5, _mm256_set1_epi32(5)));
        }
        const __m256i value = _mm256_sub_epi32(etav, r);
        unsigned good = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(bound, z)));
        QSTP_MLDSA_DECLASSIFY(&good, sizeof(good));
        const uint64_t bytes = _pdep_u64(good, 0x0101010101010101ull) * 0xFF;
        const uint64_t order = _pext_u64(0x0706050403020100ull, bytes);
        const __m256i perm = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)order));
        _mm256_storeu_si256((__m256i *)(void *)(a + n), _mm256_permutevar8x32_epi32(value, perm));
        n += (unsigned)_mm_popcnt_u32(good);
    }
    *used = i;
    return n;
}

#endif
