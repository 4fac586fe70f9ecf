/* Four Keccak-f[1600] permutations in AVX2 registers (built with -mavx2, see
 * cmake/QstpModules.cmake; called from keccak.c only when qstp_cpu_has_avx2()).
 * Rotations are two shifts and an OR, except by 8 and 56, which move whole bytes and are one
 * vpshufb; chi's ~b & c is vpandn. */
#include <immintrin.h>

#include "crypto/keccak.h"

/* Byte shuffles for the rotations by 8 and 56 (within each 64-bit element, both 128-bit halves). */
#define KX4_ROT8_IDX \
    _mm256_setr_epi8(7, 0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14, 7, 0, 1, 2, 3, 4, 5, 6, 15, \
                     8, 9, 10, 11, 12, 13, 14)
#define KX4_ROT56_IDX \
    _mm256_setr_epi8(1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8, 1, 2, 3, 4, 5, 6, 7, 0, 9, \
                     10, 11, 12, 13, 14, 15, 8)

/* n is a constant, so the compiler keeps only one branch. */
#define KX4_ROL(v, n) \
    ((n) == 8    ? _mm256_shuffle_epi8((v), KX4_ROT8_IDX) \
     : (n) == 56 ? _mm256_shuffle_epi8((v), KX4_ROT56_IDX) \
                 : _mm256_or_si256(_mm256_slli_epi64((v), (n)), _mm256_srli_epi64((v), 64 - (n))))
#define KX4_XOR(a, b) _mm256_xor_si256((a), (b))
#define KX4_XOR5(a, b, c, d, e) \
    _mm256_xor_si256(_mm256_xor_si256(_mm256_xor_si256((a), (b)), _mm256_xor_si256((c), (d))), (e))
#define KX4_CHI(a, b, c) _mm256_xor_si256((a), _mm256_andnot_si256((b), (c)))

#include "crypto/keccak_x4_round.h"

void qstp_keccak_f1600_x4_avx2(uint64_t s[4][25]);
void qstp_keccak_f1600_x4_lanes_avx2(uint64_t s[25][4]);
void qstp_keccak_f1600_x4_lanes_public_avx2(uint64_t s[25][4]);

void qstp_keccak_f1600_x4_avx2(uint64_t s[4][25])
{
    kx4_permute_states(s);
}

void qstp_keccak_f1600_x4_lanes_avx2(uint64_t s[25][4])
{
    kx4_permute_lanes(s);
}

void qstp_keccak_f1600_x4_lanes_public_avx2(uint64_t s[25][4])
{
    kx4_permute_lanes_public(s);
}
