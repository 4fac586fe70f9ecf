/* AVX2 backend of the SLH-DSA x4 hash calls (compiled with -mavx2; run after qstp_cpu_has_avx2). */
#include "crypto/slhdsa/slh_hash_x4.h"

#if defined(__x86_64__)
#define SLH_ROL(v, r) _mm256_or_si256(_mm256_slli_epi64((v), (r)), _mm256_srli_epi64((v), 64 - (r)))
#define SLH_XOR5(a, b, c, d, e)                                                                         \
    _mm256_xor_si256(_mm256_xor_si256(_mm256_xor_si256((a), (b)), _mm256_xor_si256((c), (d))), (e))
#define SLH_CHI(a, b, c) _mm256_xor_si256((a), _mm256_andnot_si256((b), (c)))
#define SLH_X4_FN(name) qstp_slh_##name##_avx2
#include "crypto/slhdsa/slh_keccak4.h"
#else
typedef int qstp_slh_x4_unused; /* ISO C: no empty translation unit */
#endif
