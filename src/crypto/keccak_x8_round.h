/* Eight Keccak-f[1600] permutations at once on 512-bit vectors with AVX-512F: vector i holds lane
 * i (x + 5y) of states 0..7 in its eight 64-bit elements. Private to src/crypto; included by
 * keccak_x8_avx512.c and the SLH-DSA x8 backend (slhdsa/hash_x8_avx512.c), which keeps its
 * states in registers around the permutation. Build with the AVX-512 flags only.
 *
 * The round is FIPS 202 §3.2 (theta, rho, pi, chi, iota) in the same unrolled order as
 * keccak_x4_round.h and the scalar QSTP_KECCAK_ROUND: B[y, 2x+3y] = ROT(A[x,y] ^ D[x], r[x,y])
 * with the Table 2 offsets. vprolq rotates in one instruction; vpternlogq does theta's five-way
 * parity in two (0x96 = a ^ b ^ c) and chi in one (0xD2 = a ^ (~b & c), truth-table index
 * 4a + 2b + c). The tests compare it with the portable permutation. Rho-pi is written column
 * by column (D[x], then the five lanes that use it), which keeps fewer values live: gcc 12
 * spills less (346 -> 341 ns per call), clang 14 is unchanged. */
#ifndef QSTP_CRYPTO_KECCAK_X8_ROUND_H
#define QSTP_CRYPTO_KECCAK_X8_ROUND_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "crypto/keccak_round.h" /* keccak_rc[24] */
#include "crypto/simd_wipe.h"

#define KX8_XOR(a, b) _mm512_xor_si512((a), (b))
#define KX8_XOR5(a, b, c, d, e) \
    _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64((a), (b), (c), 0x96), (d), (e), 0x96)
#define KX8_ROL(v, n) _mm512_rol_epi64((v), (n))
#define KX8_CHI(a, b, c) _mm512_ternarylogic_epi64((a), (b), (c), 0xD2)
/* a ^ d, rotated: theta's last step fused with rho. */
#define KX8_XR(a, d, n) KX8_ROL(KX8_XOR((a), (d)), (n))

#define KX8_ROUND(rcv) \
    do { \
        c0 = KX8_XOR5(a0, a5, a10, a15, a20); \
        c1 = KX8_XOR5(a1, a6, a11, a16, a21); \
        c2 = KX8_XOR5(a2, a7, a12, a17, a22); \
        c3 = KX8_XOR5(a3, a8, a13, a18, a23); \
        c4 = KX8_XOR5(a4, a9, a14, a19, a24); \
        d0 = KX8_XOR(c4, KX8_ROL(c1, 1)); \
        b0 = KX8_XOR(a0, d0); \
        b16 = KX8_XR(a5, d0, 36); \
        b7 = KX8_XR(a10, d0, 3); \
        b23 = KX8_XR(a15, d0, 41); \
        b14 = KX8_XR(a20, d0, 18); \
        d1 = KX8_XOR(c0, KX8_ROL(c2, 1)); \
        b10 = KX8_XR(a1, d1, 1); \
        b1 = KX8_XR(a6, d1, 44); \
        b17 = KX8_XR(a11, d1, 10); \
        b8 = KX8_XR(a16, d1, 45); \
        b24 = KX8_XR(a21, d1, 2); \
        d2 = KX8_XOR(c1, KX8_ROL(c3, 1)); \
        b20 = KX8_XR(a2, d2, 62); \
        b11 = KX8_XR(a7, d2, 6); \
        b2 = KX8_XR(a12, d2, 43); \
        b18 = KX8_XR(a17, d2, 15); \
        b9 = KX8_XR(a22, d2, 61); \
        d3 = KX8_XOR(c2, KX8_ROL(c4, 1)); \
        b5 = KX8_XR(a3, d3, 28); \
        b21 = KX8_XR(a8, d3, 55); \
        b12 = KX8_XR(a13, d3, 25); \
        b3 = KX8_XR(a18, d3, 21); \
        b19 = KX8_XR(a23, d3, 56); \
        d4 = KX8_XOR(c3, KX8_ROL(c0, 1)); \
        b15 = KX8_XR(a4, d4, 27); \
        b6 = KX8_XR(a9, d4, 20); \
        b22 = KX8_XR(a14, d4, 39); \
        b13 = KX8_XR(a19, d4, 8); \
        b4 = KX8_XR(a24, d4, 14); \
        a0 = KX8_XOR(KX8_CHI(b0, b1, b2), (rcv)); \
        a1 = KX8_CHI(b1, b2, b3); \
        a2 = KX8_CHI(b2, b3, b4); \
        a3 = KX8_CHI(b3, b4, b0); \
        a4 = KX8_CHI(b4, b0, b1); \
        a5 = KX8_CHI(b5, b6, b7); \
        a6 = KX8_CHI(b6, b7, b8); \
        a7 = KX8_CHI(b7, b8, b9); \
        a8 = KX8_CHI(b8, b9, b5); \
        a9 = KX8_CHI(b9, b5, b6); \
        a10 = KX8_CHI(b10, b11, b12); \
        a11 = KX8_CHI(b11, b12, b13); \
        a12 = KX8_CHI(b12, b13, b14); \
        a13 = KX8_CHI(b13, b14, b10); \
        a14 = KX8_CHI(b14, b10, b11); \
        a15 = KX8_CHI(b15, b16, b17); \
        a16 = KX8_CHI(b16, b17, b18); \
        a17 = KX8_CHI(b17, b18, b19); \
        a18 = KX8_CHI(b18, b19, b15); \
        a19 = KX8_CHI(b19, b15, b16); \
        a20 = KX8_CHI(b20, b21, b22); \
        a21 = KX8_CHI(b21, b22, b23); \
        a22 = KX8_CHI(b22, b23, b24); \
        a23 = KX8_CHI(b23, b24, b20); \
        a24 = KX8_CHI(b24, b20, b21); \
    } while (0)

/* 24 rounds on v[25] in place. Never inlined: its register spills must sit in its own frame,
 * below the caller's, where kx8_scrub (called next from the same caller) overwrites them. */
__attribute__((noinline)) static void kx8_permute(__m512i v[25])
{
    __m512i a0 = v[0], a1 = v[1], a2 = v[2], a3 = v[3], a4 = v[4], a5 = v[5], a6 = v[6];
    __m512i a7 = v[7], a8 = v[8], a9 = v[9], a10 = v[10], a11 = v[11], a12 = v[12];
    __m512i a13 = v[13], a14 = v[14], a15 = v[15], a16 = v[16], a17 = v[17], a18 = v[18];
    __m512i a19 = v[19], a20 = v[20], a21 = v[21], a22 = v[22], a23 = v[23], a24 = v[24];
    __m512i b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18;
    __m512i b19, b20, b21, b22, b23, b24;
    __m512i c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;

    for (int r = 0; r < 24; r += 2) {
        KX8_ROUND(_mm512_set1_epi64((long long)keccak_rc[r]));
        KX8_ROUND(_mm512_set1_epi64((long long)keccak_rc[r + 1]));
    }

    v[0] = a0, v[1] = a1, v[2] = a2, v[3] = a3, v[4] = a4, v[5] = a5, v[6] = a6, v[7] = a7;
    v[8] = a8, v[9] = a9, v[10] = a10, v[11] = a11, v[12] = a12, v[13] = a13, v[14] = a14;
    v[15] = a15, v[16] = a16, v[17] = a17, v[18] = a18, v[19] = a19, v[20] = a20, v[21] = a21;
    v[22] = a22, v[23] = a23, v[24] = a24;
}

/* The permutation's register spills (32 zmm registers for 25 state + 10 theta + 25 rho/pi
 * values: a few 64-byte slots; its frame is about 300 bytes with gcc 12 and clang 14) may hold
 * secret lanes. Called right after kx8_permute from the same frame, this function zeroes the
 * KX8_SCRUB_BYTES below its own return address, where that frame was (CONVENTIONS.md
 * "Secrets"). R3-X8-3: it used to zero a local buffer instead, and clang realigns a frame with a
 * large buffer to 64 bytes and puts the buffer at its bottom, so the 64-127 bytes right below the
 * return address, where kx8_permute keeps its spills, were left (test_review_x8_residue found 14
 * state words there). The stores go below the stack pointer from asm, so no compiler layout can
 * leave a gap; only this function's saved frame pointer, if it keeps one, sits in between. */
#ifndef KX8_SCRUB_BYTES
#define KX8_SCRUB_BYTES 1024
#endif
__attribute__((noinline, unused)) static void kx8_scrub(void)
{
    void *d;
    unsigned long c;
    __asm__ __volatile__("lea -%c[n](%%rsp), %%rdi\n\t"
                         "mov %[n], %%ecx\n\t"
                         "xor %%eax, %%eax\n\t"
                         "rep stosb"
                         : "=&D"(d), "=&c"(c)
                         : [n] "i"(KX8_SCRUB_BYTES)
                         : "rax", "memory", "cc");
}


#endif
