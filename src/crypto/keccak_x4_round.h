/* Four Keccak-f[1600] permutations at once on 256-bit vectors: vector i holds lane i (x + 5y) of
 * states 0..3 in its four 64-bit elements. Private to src/crypto; included by keccak_x4_avx2.c
 * and keccak_x4_avx512.c after they define
 *   KX4_XOR(a, b)               a ^ b
 *   KX4_XOR5(a, b, c, d, e)     five-way XOR (theta's column parity)
 *   KX4_ROL(v, n)               rotate each element left by the constant n, 0 < n < 64
 *   KX4_CHI(a, b, c)            a ^ (~b & c)
 * so AVX2 (shifts, vpshufb for 8/56, andnot) and AVX-512VL (vprolq, vpternlogq) share the round.
 * The round is FIPS 202 §3.2 (theta, rho, pi, chi, iota) unrolled exactly as the scalar
 * QSTP_KECCAK_ROUND in keccak_round.h: B[y, 2x+3y] = ROT(A[x,y] ^ D[x], r[x,y]) with the Table 2
 * offsets; the tests compare it with the portable permutation. */
#ifndef QSTP_CRYPTO_KECCAK_X4_ROUND_H
#define QSTP_CRYPTO_KECCAK_X4_ROUND_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/keccak_round.h" /* keccak_rc[24] */
#include "crypto/simd_wipe.h"

#define KX4_ROUND(rcv) \
    do { \
        c0 = KX4_XOR5(a0, a5, a10, a15, a20); \
        c1 = KX4_XOR5(a1, a6, a11, a16, a21); \
        c2 = KX4_XOR5(a2, a7, a12, a17, a22); \
        c3 = KX4_XOR5(a3, a8, a13, a18, a23); \
        c4 = KX4_XOR5(a4, a9, a14, a19, a24); \
        d0 = KX4_XOR(c4, KX4_ROL(c1, 1)); \
        d1 = KX4_XOR(c0, KX4_ROL(c2, 1)); \
        d2 = KX4_XOR(c1, KX4_ROL(c3, 1)); \
        d3 = KX4_XOR(c2, KX4_ROL(c4, 1)); \
        d4 = KX4_XOR(c3, KX4_ROL(c0, 1)); \
        b0 = KX4_XOR(a0, d0); \
        b10 = KX4_ROL(KX4_XOR(a1, d1), 1); \
        b20 = KX4_ROL(KX4_XOR(a2, d2), 62); \
        b5 = KX4_ROL(KX4_XOR(a3, d3), 28); \
        b15 = KX4_ROL(KX4_XOR(a4, d4), 27); \
        b16 = KX4_ROL(KX4_XOR(a5, d0), 36); \
        b1 = KX4_ROL(KX4_XOR(a6, d1), 44); \
        b11 = KX4_ROL(KX4_XOR(a7, d2), 6); \
        b21 = KX4_ROL(KX4_XOR(a8, d3), 55); \
        b6 = KX4_ROL(KX4_XOR(a9, d4), 20); \
        b7 = KX4_ROL(KX4_XOR(a10, d0), 3); \
        b17 = KX4_ROL(KX4_XOR(a11, d1), 10); \
        b2 = KX4_ROL(KX4_XOR(a12, d2), 43); \
        b12 = KX4_ROL(KX4_XOR(a13, d3), 25); \
        b22 = KX4_ROL(KX4_XOR(a14, d4), 39); \
        b23 = KX4_ROL(KX4_XOR(a15, d0), 41); \
        b8 = KX4_ROL(KX4_XOR(a16, d1), 45); \
        b18 = KX4_ROL(KX4_XOR(a17, d2), 15); \
        b3 = KX4_ROL(KX4_XOR(a18, d3), 21); \
        b13 = KX4_ROL(KX4_XOR(a19, d4), 8); \
        b14 = KX4_ROL(KX4_XOR(a20, d0), 18); \
        b24 = KX4_ROL(KX4_XOR(a21, d1), 2); \
        b9 = KX4_ROL(KX4_XOR(a22, d2), 61); \
        b19 = KX4_ROL(KX4_XOR(a23, d3), 56); \
        b4 = KX4_ROL(KX4_XOR(a24, d4), 14); \
        a0 = KX4_XOR(KX4_CHI(b0, b1, b2), (rcv)); \
        a1 = KX4_CHI(b1, b2, b3); \
        a2 = KX4_CHI(b2, b3, b4); \
        a3 = KX4_CHI(b3, b4, b0); \
        a4 = KX4_CHI(b4, b0, b1); \
        a5 = KX4_CHI(b5, b6, b7); \
        a6 = KX4_CHI(b6, b7, b8); \
        a7 = KX4_CHI(b7, b8, b9); \
        a8 = KX4_CHI(b8, b9, b5); \
        a9 = KX4_CHI(b9, b5, b6); \
        a10 = KX4_CHI(b10, b11, b12); \
        a11 = KX4_CHI(b11, b12, b13); \
        a12 = KX4_CHI(b12, b13, b14); \
        a13 = KX4_CHI(b13, b14, b10); \
        a14 = KX4_CHI(b14, b10, b11); \
        a15 = KX4_CHI(b15, b16, b17); \
        a16 = KX4_CHI(b16, b17, b18); \
        a17 = KX4_CHI(b17, b18, b19); \
        a18 = KX4_CHI(b18, b19, b15); \
        a19 = KX4_CHI(b19, b15, b16); \
        a20 = KX4_CHI(b20, b21, b22); \
        a21 = KX4_CHI(b21, b22, b23); \
        a22 = KX4_CHI(b22, b23, b24); \
        a23 = KX4_CHI(b23, b24, b20); \
        a24 = KX4_CHI(b24, b20, b21); \
    } while (0)

/* 24 rounds on v[25] in place. Never inlined: its register spills must sit in its own frame,
 * below the caller's, where kx4_scrub (called next from the same caller) overwrites them. */
__attribute__((noinline)) static void kx4_permute(__m256i v[25])
{
    __m256i a0 = v[0], a1 = v[1], a2 = v[2], a3 = v[3], a4 = v[4], a5 = v[5], a6 = v[6];
    __m256i a7 = v[7], a8 = v[8], a9 = v[9], a10 = v[10], a11 = v[11], a12 = v[12];
    __m256i a13 = v[13], a14 = v[14], a15 = v[15], a16 = v[16], a17 = v[17], a18 = v[18];
    __m256i a19 = v[19], a20 = v[20], a21 = v[21], a22 = v[22], a23 = v[23], a24 = v[24];
    __m256i b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18;
    __m256i b19, b20, b21, b22, b23, b24;
    __m256i c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;

    for (int r = 0; r < 24; r += 2) {
        KX4_ROUND(_mm256_set1_epi64x((long long)keccak_rc[r]));
        KX4_ROUND(_mm256_set1_epi64x((long long)keccak_rc[r + 1]));
    }

    v[0] = a0, v[1] = a1, v[2] = a2, v[3] = a3, v[4] = a4, v[5] = a5, v[6] = a6, v[7] = a7;
    v[8] = a8, v[9] = a9, v[10] = a10, v[11] = a11, v[12] = a12, v[13] = a13, v[14] = a14;
    v[15] = a15, v[16] = a16, v[17] = a17, v[18] = a18, v[19] = a19, v[20] = a20, v[21] = a21;
    v[22] = a22, v[23] = a23, v[24] = a24;
}

/* The permutation's register spills (kx4_permute's frame: ~712 bytes with AVX2's 16 vector
 * registers, ~72 with AVX-512VL's 32) hold state lanes, which may be secret (ML-KEM noise, ML-DSA
 * masks). Called right after kx4_permute from the same frame, this function's buffer lies over
 * the addresses that frame used, and zeroes them (CONVENTIONS.md "Secrets"). */
#ifndef KX4_SCRUB_BYTES
#define KX4_SCRUB_BYTES 1024
#endif
__attribute__((noinline, unused)) static void kx4_scrub(void)
{
    /* qstp_wipe (not an inlined memset): a vectorised memset makes clang realign this frame to
     * the vector size with the buffer at its bottom, leaving the top of kx4_permute's frame. */
    unsigned char buf[KX4_SCRUB_BYTES];
    qstp_wipe(buf, sizeof buf);
}


/* Lanes i..i+3 of four states (rows r0..r3, each four consecutive lanes of one state) to four
 * lane vectors, and back: a 4x4 transpose of 64-bit elements, its own inverse. */
static inline void kx4_transpose(__m256i *o0, __m256i *o1, __m256i *o2, __m256i *o3, __m256i r0,
                                 __m256i r1, __m256i r2, __m256i r3)
{
    const __m256i t0 = _mm256_unpacklo_epi64(r0, r1); /* r0[0] r1[0] r0[2] r1[2] */
    const __m256i t1 = _mm256_unpackhi_epi64(r0, r1); /* r0[1] r1[1] r0[3] r1[3] */
    const __m256i t2 = _mm256_unpacklo_epi64(r2, r3);
    const __m256i t3 = _mm256_unpackhi_epi64(r2, r3);
    *o0 = _mm256_permute2x128_si256(t0, t2, 0x20);
    *o1 = _mm256_permute2x128_si256(t1, t3, 0x20);
    *o2 = _mm256_permute2x128_si256(t0, t2, 0x31);
    *o3 = _mm256_permute2x128_si256(t1, t3, 0x31);
}

/* Four separate states (s[state][lane]) through the vector permutation. */
static inline void kx4_permute_states(uint64_t s[4][25])
{
    __m256i v[25];
    for (int i = 0; i < 24; i += 4)
        kx4_transpose(&v[i], &v[i + 1], &v[i + 2], &v[i + 3],
                      _mm256_loadu_si256((const __m256i *)(const void *)&s[0][i]),
                      _mm256_loadu_si256((const __m256i *)(const void *)&s[1][i]),
                      _mm256_loadu_si256((const __m256i *)(const void *)&s[2][i]),
                      _mm256_loadu_si256((const __m256i *)(const void *)&s[3][i]));
    v[24] = _mm256_set_epi64x((long long)s[3][24], (long long)s[2][24], (long long)s[1][24],
                              (long long)s[0][24]);
    kx4_permute(v);
    kx4_scrub();
    for (int i = 0; i < 24; i += 4) {
        __m256i r0, r1, r2, r3;
        kx4_transpose(&r0, &r1, &r2, &r3, v[i], v[i + 1], v[i + 2], v[i + 3]);
        _mm256_storeu_si256((__m256i *)(void *)&s[0][i], r0);
        _mm256_storeu_si256((__m256i *)(void *)&s[1][i], r1);
        _mm256_storeu_si256((__m256i *)(void *)&s[2][i], r2);
        _mm256_storeu_si256((__m256i *)(void *)&s[3][i], r3);
    }
    uint64_t last[4];
    _mm256_storeu_si256((__m256i *)(void *)last, v[24]);
    s[0][24] = last[0], s[1][24] = last[1], s[2][24] = last[2], s[3][24] = last[3];
    /* v and last held the (possibly secret) states: clear them before returning. */
    for (int i = 0; i < 25; i++)
        _mm256_storeu_si256((__m256i *)(void *)&v[i], _mm256_setzero_si256());
    __asm__ __volatile__("" : : "r"(v), "r"(last) : "memory");
    last[0] = last[1] = last[2] = last[3] = 0;
    __asm__ __volatile__("" : : "r"(last) : "memory");
    qstp_simd_clear_registers();
}

/* Four interleaved states (s[lane][state]) through the vector permutation. */
static inline void kx4_permute_lanes(uint64_t s[25][4])
{
    __m256i v[25];
    for (int i = 0; i < 25; i++)
        v[i] = _mm256_loadu_si256((const __m256i *)(const void *)s[i]);
    kx4_permute(v);
    kx4_scrub();
    for (int i = 0; i < 25; i++) {
        _mm256_storeu_si256((__m256i *)(void *)s[i], v[i]);
        _mm256_storeu_si256((__m256i *)(void *)&v[i], _mm256_setzero_si256());
    }
    __asm__ __volatile__("" : : "r"(v) : "memory");
    qstp_simd_clear_registers();
}

/* As kx4_permute_lanes for public states only (matrix expansion from a public seed): no scrub
 * of the spill area and no wipe of the local copy. */
static inline void kx4_permute_lanes_public(uint64_t s[25][4])
{
    __m256i v[25];
    for (int i = 0; i < 25; i++)
        v[i] = _mm256_loadu_si256((const __m256i *)(const void *)s[i]);
    kx4_permute(v);
    for (int i = 0; i < 25; i++)
        _mm256_storeu_si256((__m256i *)(void *)s[i], v[i]);
}

#endif
