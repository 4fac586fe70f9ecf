/* Four Keccak-f[1600] permutations in 256-bit registers with AVX-512VL (built with the AVX-512
 * flags, see cmake/QstpModules.cmake; called from keccak.c only when qstp_cpu_has_avx512()).
 * vprolq rotates in one instruction; vpternlogq does the five-way XOR in two and chi in one. */
#include <immintrin.h>

#include "crypto/keccak.h"

#define KX4_ROL(v, n) _mm256_rol_epi64((v), (n))
#define KX4_XOR(a, b) _mm256_xor_si256((a), (b))
/* 0x96 = a ^ b ^ c */
#define KX4_XOR5(a, b, c, d, e) \
    _mm256_ternarylogic_epi64(_mm256_ternarylogic_epi64((a), (b), (c), 0x96), (d), (e), 0x96)
/* 0xD2 = a ^ (~b & c) (truth table over a:b:c, bit index 4a + 2b + c) */
#define KX4_CHI(a, b, c) _mm256_ternarylogic_epi64((a), (b), (c), 0xD2)
#define KX4_SCRUB_BYTES 256 /* 32 registers: the round spills little */

#include "crypto/keccak_x4_round.h"

void qstp_keccak_f1600_x4_avx512(uint64_t s[4][25]);
void qstp_keccak_f1600_x4_lanes_avx512(uint64_t s[25][4]);
void qstp_keccak_f1600_x4_lanes_public_avx512(uint64_t s[25][4]);

void qstp_keccak_f1600_x4_avx512(uint64_t s[4][25])
{
    kx4_permute_states(s);
}

void qstp_keccak_f1600_x4_lanes_avx512(uint64_t s[25][4])
{
    kx4_permute_lanes(s);
}

void qstp_keccak_f1600_x4_lanes_public_avx512(uint64_t s[25][4])
{
    kx4_permute_lanes_public(s);
}
