/* Zeroing of the vector registers after a secret path (CONVENTIONS.md "Secrets"). Private to
 * src/crypto; include it only from files built with the AVX2 or AVX-512 flags. One copy serves
 * the 4-way round (keccak_x4_round.h), the SLH-DSA x4 hashes (slhdsa/slh_keccak4.h) and the
 * 8-way round (keccak_x8_round.h, hash_x8_avx512.c). */
#ifndef QSTP_CRYPTO_SIMD_WIPE_H
#define QSTP_CRYPTO_SIMD_WIPE_H

/* A round leaves state lanes in the vector registers, and vzeroupper at return clears only bits
 * 128+ of ymm0-15: the low halves, and zmm16-31 in an AVX-512 build, would keep secret lanes
 * until the next XSAVE (a signal frame, the dynamic linker's lazy binding) writes them to memory
 * (R3-X8-1, R3-X8-2). vzeroall covers ymm0-15; an AVX-512 build also uses zmm16-31, zeroed first.
 * About 20 instructions against a 24-round permutation; always inlined so that it runs in the
 * secret path's own frame with no call. */
#define QSTP_SIMD_ZERO(n) "vpxord %%zmm" #n ", %%zmm" #n ", %%zmm" #n "\n\t"
static inline __attribute__((always_inline, unused)) void qstp_simd_clear_registers(void)
{
#if defined(__AVX512F__)
    __asm__ __volatile__(QSTP_SIMD_ZERO(16) QSTP_SIMD_ZERO(17) QSTP_SIMD_ZERO(18) QSTP_SIMD_ZERO(19)
                         QSTP_SIMD_ZERO(20) QSTP_SIMD_ZERO(21) QSTP_SIMD_ZERO(22) QSTP_SIMD_ZERO(23)
                         QSTP_SIMD_ZERO(24) QSTP_SIMD_ZERO(25) QSTP_SIMD_ZERO(26) QSTP_SIMD_ZERO(27)
                         QSTP_SIMD_ZERO(28) QSTP_SIMD_ZERO(29) QSTP_SIMD_ZERO(30) QSTP_SIMD_ZERO(31) "vzeroall"
                         :
                         :
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                           "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18",
                           "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27",
                           "xmm28", "xmm29", "xmm30", "xmm31");
#else
    __asm__ __volatile__("vzeroall"
                         :
                         :
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                           "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#endif
}
#undef QSTP_SIMD_ZERO

#endif
