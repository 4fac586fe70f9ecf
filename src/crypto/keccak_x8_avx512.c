/* Eight Keccak-f[1600] permutations in 512-bit registers with AVX-512F (built with the AVX-512
 * flags, see cmake/QstpModules.cmake; called from keccak.c only when qstp_cpu_has_avx512()).
 * The state is interleaved (s[lane][state]), so each lane vector is one aligned-or-not 64-byte
 * load: no transposition. The round is keccak_x8_round.h. */
#include <immintrin.h>

#include "crypto/keccak.h"
#include "crypto/keccak_x8_round.h"

static inline void kx8_load(__m512i v[25], uint64_t s[25][8])
{
    for (int i = 0; i < 25; i++)
        v[i] = _mm512_loadu_si512((const void *)s[i]);
}

void qstp_keccak_f1600_x8_lanes_avx512(uint64_t s[25][8])
{
    __m512i v[25];
    kx8_load(v, s);
    kx8_permute(v);
    kx8_scrub();
    for (int i = 0; i < 25; i++) {
        _mm512_storeu_si512((void *)s[i], v[i]);
        _mm512_storeu_si512((void *)&v[i], _mm512_setzero_si512());
    }
    __asm__ __volatile__("" : : "r"(v) : "memory");
    qstp_simd_clear_registers(); /* no secret lane stays in a register (R3-X8-1) */
}

/* Public inputs only (no scrub, no wipe of the local copy): see keccak.h. */
void qstp_keccak_f1600_x8_lanes_public_avx512(uint64_t s[25][8])
{
    __m512i v[25];
    kx8_load(v, s);
    kx8_permute(v);
    for (int i = 0; i < 25; i++)
        _mm512_storeu_si512((void *)s[i], v[i]);
}
