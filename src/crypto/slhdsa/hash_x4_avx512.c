/* AVX-512VL backend of the SLH-DSA x4 hash calls: the same 4-way code on 256-bit vectors with the
 * native 64-bit rotate (vprolq) and ternary logic (vpternlogq: 0x96 = a ^ b ^ c,
 * 0xD2 = a ^ (~b & c)). Compiled with -mavx512f/bw/vl; run after qstp_cpu_has_avx512. */
#include "crypto/slhdsa/slh_hash_x4.h"

#if defined(__x86_64__)
#define KX4_ROL(v, r) _mm256_rol_epi64((v), (r))
#define KX4_XOR(a, b) _mm256_xor_si256((a), (b))
#define KX4_XOR5(a, b, c, d, e)                                                                         \
    _mm256_ternarylogic_epi64(_mm256_ternarylogic_epi64((a), (b), (c), 0x96), (d), (e), 0x96)
#define KX4_CHI(a, b, c) _mm256_ternarylogic_epi64((a), (b), (c), 0xD2)
#define SLH_X4_FN(name) qstp_slh_##name##_avx512
#include "crypto/slhdsa/slh_keccak4.h"
#else
typedef int qstp_slh_x4_unused; /* ISO C: no empty translation unit */
#endif
