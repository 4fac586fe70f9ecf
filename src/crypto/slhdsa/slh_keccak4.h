/* Four-way Keccak-f[1600] on 256-bit vectors (lane i of state j in 64-bit element j of a[i]) and
 * the SLH-DSA x4 hash calls built on it. Not a public header: hash_x4_avx2.c and
 * hash_x4_avx512.c include it after defining
 *   SLH_ROL(v, r)          rotate each 64-bit element left by the constant r (0 < r < 64)
 *   SLH_XOR5(a, b, c, d, e) five-way XOR
 *   SLH_CHI(a, b, c)       a ^ (~b & c)
 *   SLH_X4_FN(name)        the exported name for this instruction set
 * so AVX-512VL gets its native rotate and ternary logic from the same code.
 * The round is FIPS 202 §3.2 (theta, rho, pi, chi, iota) fully unrolled; the rotation offsets
 * and the lane permutation are the Table 2 / Alg. 3 values written out per lane. */
#ifndef QSTP_CRYPTO_SLHDSA_KECCAK4_H
#define QSTP_CRYPTO_SLHDSA_KECCAK4_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/slhdsa/slh_hash_x4.h"

static const uint64_t slh_keccak4_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

static inline void slh_keccak4_permute(__m256i a[25])
{
    __m256i c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    __m256i b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20,
        b21, b22, b23, b24;

    for (unsigned round = 0; round < 24; round++) {
        c0 = SLH_XOR5(a[0], a[5], a[10], a[15], a[20]);
        c1 = SLH_XOR5(a[1], a[6], a[11], a[16], a[21]);
        c2 = SLH_XOR5(a[2], a[7], a[12], a[17], a[22]);
        c3 = SLH_XOR5(a[3], a[8], a[13], a[18], a[23]);
        c4 = SLH_XOR5(a[4], a[9], a[14], a[19], a[24]);
        d0 = _mm256_xor_si256(c4, SLH_ROL(c1, 1));
        d1 = _mm256_xor_si256(c0, SLH_ROL(c2, 1));
        d2 = _mm256_xor_si256(c1, SLH_ROL(c3, 1));
        d3 = _mm256_xor_si256(c2, SLH_ROL(c4, 1));
        d4 = _mm256_xor_si256(c3, SLH_ROL(c0, 1));
        b0 = _mm256_xor_si256(a[0], d0);
        b1 = SLH_ROL(_mm256_xor_si256(a[6], d1), 44);
        b2 = SLH_ROL(_mm256_xor_si256(a[12], d2), 43);
        b3 = SLH_ROL(_mm256_xor_si256(a[18], d3), 21);
        b4 = SLH_ROL(_mm256_xor_si256(a[24], d4), 14);
        b5 = SLH_ROL(_mm256_xor_si256(a[3], d3), 28);
        b6 = SLH_ROL(_mm256_xor_si256(a[9], d4), 20);
        b7 = SLH_ROL(_mm256_xor_si256(a[10], d0), 3);
        b8 = SLH_ROL(_mm256_xor_si256(a[16], d1), 45);
        b9 = SLH_ROL(_mm256_xor_si256(a[22], d2), 61);
        b10 = SLH_ROL(_mm256_xor_si256(a[1], d1), 1);
        b11 = SLH_ROL(_mm256_xor_si256(a[7], d2), 6);
        b12 = SLH_ROL(_mm256_xor_si256(a[13], d3), 25);
        b13 = SLH_ROL(_mm256_xor_si256(a[19], d4), 8);
        b14 = SLH_ROL(_mm256_xor_si256(a[20], d0), 18);
        b15 = SLH_ROL(_mm256_xor_si256(a[4], d4), 27);
        b16 = SLH_ROL(_mm256_xor_si256(a[5], d0), 36);
        b17 = SLH_ROL(_mm256_xor_si256(a[11], d1), 10);
        b18 = SLH_ROL(_mm256_xor_si256(a[17], d2), 15);
        b19 = SLH_ROL(_mm256_xor_si256(a[23], d3), 56);
        b20 = SLH_ROL(_mm256_xor_si256(a[2], d2), 62);
        b21 = SLH_ROL(_mm256_xor_si256(a[8], d3), 55);
        b22 = SLH_ROL(_mm256_xor_si256(a[14], d4), 39);
        b23 = SLH_ROL(_mm256_xor_si256(a[15], d0), 41);
        b24 = SLH_ROL(_mm256_xor_si256(a[21], d1), 2);
        a[0] = SLH_CHI(b0, b1, b2);
        a[1] = SLH_CHI(b1, b2, b3);
        a[2] = SLH_CHI(b2, b3, b4);
        a[3] = SLH_CHI(b3, b4, b0);
        a[4] = SLH_CHI(b4, b0, b1);
        a[5] = SLH_CHI(b5, b6, b7);
        a[6] = SLH_CHI(b6, b7, b8);
        a[7] = SLH_CHI(b7, b8, b9);
        a[8] = SLH_CHI(b8, b9, b5);
        a[9] = SLH_CHI(b9, b5, b6);
        a[10] = SLH_CHI(b10, b11, b12);
        a[11] = SLH_CHI(b11, b12, b13);
        a[12] = SLH_CHI(b12, b13, b14);
        a[13] = SLH_CHI(b13, b14, b10);
        a[14] = SLH_CHI(b14, b10, b11);
        a[15] = SLH_CHI(b15, b16, b17);
        a[16] = SLH_CHI(b16, b17, b18);
        a[17] = SLH_CHI(b17, b18, b19);
        a[18] = SLH_CHI(b18, b19, b15);
        a[19] = SLH_CHI(b19, b15, b16);
        a[20] = SLH_CHI(b20, b21, b22);
        a[21] = SLH_CHI(b21, b22, b23);
        a[22] = SLH_CHI(b22, b23, b24);
        a[23] = SLH_CHI(b23, b24, b20);
        a[24] = SLH_CHI(b24, b20, b21);
        a[0] = _mm256_xor_si256(a[0], _mm256_set1_epi64x((long long)slh_keccak4_rc[round]));
    }
}

static inline uint64_t slh_x4_load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8); /* x86 is little-endian, as Keccak lanes are */
    return v;
}

/* Element j of the result = the little-endian 64-bit word at p[j] + off. */
static inline __m256i slh_x4_gather(const uint8_t *const p[4], unsigned off)
{
    return _mm256_set_epi64x((long long)slh_x4_load64(p[3] + off), (long long)slh_x4_load64(p[2] + off),
                             (long long)slh_x4_load64(p[1] + off), (long long)slh_x4_load64(p[0] + off));
}

static inline void slh_x4_scatter(uint8_t *const p[4], unsigned off, __m256i v)
{
    uint64_t t[4];
    _mm256_storeu_si256((__m256i *)t, v);
    for (unsigned j = 0; j < 4; j++)
        memcpy(p[j] + off, &t[j], 8);
    qstp_wipe(t, sizeof t);
}

/* As qstp_slh_f_x4: template with PK.seed and padding, XOR ADRS and the n-byte inputs. */
void SLH_X4_FN(f_x4)(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                     const uint8_t *const in[4])
{
    const unsigned nw = c->p->n / 8;
    __m256i s[25];

    for (unsigned i = 0; i < 25; i++)
        s[i] = _mm256_set1_epi64x((long long)c->tmpl_f[i]);
    for (unsigned i = 0; i < 4; i++)
        s[nw + i] = _mm256_xor_si256(s[nw + i], slh_x4_gather(adrs, 8 * i));
    for (unsigned i = 0; i < nw; i++)
        s[nw + 4 + i] = _mm256_xor_si256(s[nw + 4 + i], slh_x4_gather(in, 8 * i));
    slh_keccak4_permute(s);
    for (unsigned i = 0; i < nw; i++)
        slh_x4_scatter(out, 8 * i, s[i]);
    qstp_wipe(s, sizeof s);
}

/* As qstp_slh_chain_x4: the chain values stay in vector lanes between steps; only the hash
 * address word (ADRS bytes 28..31, the high half of ADRS lane 3) changes. */
void SLH_X4_FN(chain_x4)(const qstp_slh_ctx *c, uint8_t *const val[4], const uint8_t *const adrs[4],
                         unsigned start, unsigned steps)
{
    const unsigned nw = c->p->n / 8;
    __m256i s[25], m[QSTP_SLH_N_MAX / 8], ad[4];

    for (unsigned i = 0; i < 4; i++)
        ad[i] = slh_x4_gather(adrs, 8 * i);
    /* Clear the hash address (big-endian u32 in bytes 28..31 = high 32 bits of the lane). */
    ad[3] = _mm256_and_si256(ad[3], _mm256_set1_epi64x(0x00000000FFFFFFFFLL));
    for (unsigned i = 0; i < nw; i++)
        m[i] = slh_x4_gather((const uint8_t *const *)val, 8 * i);
    for (unsigned step = start; step < start + steps; step++) {
        const uint64_t hash_be = (uint64_t)__builtin_bswap32(step) << 32;
        for (unsigned i = 0; i < 25; i++)
            s[i] = _mm256_set1_epi64x((long long)c->tmpl_f[i]);
        for (unsigned i = 0; i < 3; i++)
            s[nw + i] = _mm256_xor_si256(s[nw + i], ad[i]);
        s[nw + 3] = _mm256_xor_si256(s[nw + 3], _mm256_xor_si256(ad[3], _mm256_set1_epi64x((long long)hash_be)));
        for (unsigned i = 0; i < nw; i++)
            s[nw + 4 + i] = _mm256_xor_si256(s[nw + 4 + i], m[i]);
        slh_keccak4_permute(s);
        for (unsigned i = 0; i < nw; i++)
            m[i] = s[i];
    }
    for (unsigned i = 0; i < nw; i++)
        slh_x4_scatter(val, 8 * i, m[i]);
    qstp_wipe(s, sizeof s);
    qstp_wipe(m, sizeof m);
}

#endif
