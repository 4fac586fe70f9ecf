/* The Keccak-f[1600] permutation body, shared by keccak.c (portable build) and keccak_avx2.c
 * (the same C compiled with BMI1/BMI2, where ANDN and RORX shorten every round by about a third).
 * Private to src/crypto. */
#ifndef QSTP_CRYPTO_KECCAK_ROUND_H
#define QSTP_CRYPTO_KECCAK_ROUND_H

#include <stdint.h>

#define ROL64(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* One round with the 25 lanes in local variables a0..a24 (lane x + 5y), θ ρ π χ ι fully
 * unrolled: B[y, 2x+3y] = ROT(A[x,y] ^ D[x], r[x,y]), A[x,y] = B[x,y] ^ (~B[x+1,y] & B[x+2,y]).
 * The ρ offsets are the FIPS 202 Table 2 values. */
#define QSTP_KECCAK_ROUND(rc) \
    do { \
        c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20; \
        c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21; \
        c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22; \
        c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23; \
        c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24; \
        d0 = c4 ^ ROL64(c1, 1); \
        d1 = c0 ^ ROL64(c2, 1); \
        d2 = c1 ^ ROL64(c3, 1); \
        d3 = c2 ^ ROL64(c4, 1); \
        d4 = c3 ^ ROL64(c0, 1); \
        b0 = (a0 ^ d0); \
        b10 = ROL64((a1 ^ d1), 1); \
        b20 = ROL64((a2 ^ d2), 62); \
        b5 = ROL64((a3 ^ d3), 28); \
        b15 = ROL64((a4 ^ d4), 27); \
        b16 = ROL64((a5 ^ d0), 36); \
        b1 = ROL64((a6 ^ d1), 44); \
        b11 = ROL64((a7 ^ d2), 6); \
        b21 = ROL64((a8 ^ d3), 55); \
        b6 = ROL64((a9 ^ d4), 20); \
        b7 = ROL64((a10 ^ d0), 3); \
        b17 = ROL64((a11 ^ d1), 10); \
        b2 = ROL64((a12 ^ d2), 43); \
        b12 = ROL64((a13 ^ d3), 25); \
        b22 = ROL64((a14 ^ d4), 39); \
        b23 = ROL64((a15 ^ d0), 41); \
        b8 = ROL64((a16 ^ d1), 45); \
        b18 = ROL64((a17 ^ d2), 15); \
        b3 = ROL64((a18 ^ d3), 21); \
        b13 = ROL64((a19 ^ d4), 8); \
        b14 = ROL64((a20 ^ d0), 18); \
        b24 = ROL64((a21 ^ d1), 2); \
        b9 = ROL64((a22 ^ d2), 61); \
        b19 = ROL64((a23 ^ d3), 56); \
        b4 = ROL64((a24 ^ d4), 14); \
        a0 = b0 ^ (~b1 & b2); \
        a1 = b1 ^ (~b2 & b3); \
        a2 = b2 ^ (~b3 & b4); \
        a3 = b3 ^ (~b4 & b0); \
        a4 = b4 ^ (~b0 & b1); \
        a5 = b5 ^ (~b6 & b7); \
        a6 = b6 ^ (~b7 & b8); \
        a7 = b7 ^ (~b8 & b9); \
        a8 = b8 ^ (~b9 & b5); \
        a9 = b9 ^ (~b5 & b6); \
        a10 = b10 ^ (~b11 & b12); \
        a11 = b11 ^ (~b12 & b13); \
        a12 = b12 ^ (~b13 & b14); \
        a13 = b13 ^ (~b14 & b10); \
        a14 = b14 ^ (~b10 & b11); \
        a15 = b15 ^ (~b16 & b17); \
        a16 = b16 ^ (~b17 & b18); \
        a17 = b17 ^ (~b18 & b19); \
        a18 = b18 ^ (~b19 & b15); \
        a19 = b19 ^ (~b15 & b16); \
        a20 = b20 ^ (~b21 & b22); \
        a21 = b21 ^ (~b22 & b23); \
        a22 = b22 ^ (~b23 & b24); \
        a23 = b23 ^ (~b24 & b20); \
        a24 = b24 ^ (~b20 & b21); \
        a0 ^= (rc); \
    } while (0)


static inline void keccak_f1600_rounds(uint64_t s[25])
{
    uint64_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4], a5 = s[5], a6 = s[6];
    uint64_t a7 = s[7], a8 = s[8], a9 = s[9], a10 = s[10], a11 = s[11], a12 = s[12];
    uint64_t a13 = s[13], a14 = s[14], a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18];
    uint64_t a19 = s[19], a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
    uint64_t b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18;
    uint64_t b19, b20, b21, b22, b23, b24;
    uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;

    for (int r = 0; r < 24; r += 2) {
        QSTP_KECCAK_ROUND(keccak_rc[r]);
        QSTP_KECCAK_ROUND(keccak_rc[r + 1]);
    }

    s[0] = a0, s[1] = a1, s[2] = a2, s[3] = a3, s[4] = a4, s[5] = a5, s[6] = a6, s[7] = a7;
    s[8] = a8, s[9] = a9, s[10] = a10, s[11] = a11, s[12] = a12, s[13] = a13, s[14] = a14;
    s[15] = a15, s[16] = a16, s[17] = a17, s[18] = a18, s[19] = a19, s[20] = a20, s[21] = a21;
    s[22] = a22, s[23] = a23, s[24] = a24;
}

#endif
