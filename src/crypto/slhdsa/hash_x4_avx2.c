/* AVX2 backend of the SLH-DSA x4 hash calls (compiled with -mavx2; run after qstp_cpu_has_avx2). */
#include "crypto/slhdsa/slh_hash_x4.h"

#if defined(__x86_64__)
#include <immintrin.h>

/* AVX2 has no 64-bit rotate: shift left, shift right, OR. Rotations by 8 and 56 are byte moves
 * (one vpshufb), and a rotation by 1 shifts left with an add (which runs on more ports). */
static inline __m256i slh_rol_avx2(__m256i v, int r)
{
    if (r == 8)
        return _mm256_shuffle_epi8(v, _mm256_set_epi8(14, 13, 12, 11, 10, 9, 8, 15, 6, 5, 4, 3, 2, 1, 0, 7, 14, 13,
                                                      12, 11, 10, 9, 8, 15, 6, 5, 4, 3, 2, 1, 0, 7));
    if (r == 56)
        return _mm256_shuffle_epi8(v, _mm256_set_epi8(8, 15, 14, 13, 12, 11, 10, 9, 0, 7, 6, 5, 4, 3, 2, 1, 8, 15,
                                                      14, 13, 12, 11, 10, 9, 0, 7, 6, 5, 4, 3, 2, 1));
    if (r == 1)
        return _mm256_or_si256(_mm256_add_epi64(v, v), _mm256_srli_epi64(v, 63));
    return _mm256_or_si256(_mm256_slli_epi64(v, r), _mm256_srli_epi64(v, 64 - r));
}
#define KX4_ROL(v, r) slh_rol_avx2((v), (r))
#define KX4_XOR(a, b) _mm256_xor_si256((a), (b))
#define KX4_XOR5(a, b, c, d, e)                                                                         \
    _mm256_xor_si256(_mm256_xor_si256(_mm256_xor_si256((a), (b)), _mm256_xor_si256((c), (d))), (e))
#define KX4_CHI(a, b, c) _mm256_xor_si256((a), _mm256_andnot_si256((b), (c)))
#define SLH_X4_FN(name) qstp_slh_##name##_avx2
#include "crypto/slhdsa/slh_keccak4.h"
#else
typedef int qstp_slh_x4_unused; /* ISO C: no empty translation unit */
#endif
