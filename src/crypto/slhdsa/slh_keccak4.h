/* Four-way Keccak-f[1600] on 256-bit vectors (lane i of state j in 64-bit element j of a[i]) and
 * the SLH-DSA x4 hash calls built on it. Not a public header: hash_x4_avx2.c and
 * hash_x4_avx512.c include it after defining
 *   SLH_ROL(v, r)          rotate each 64-bit element left by the constant r (0 < r < 64)
 *   SLH_XOR5(a, b, c, d, e) five-way XOR
 *   SLH_CHI(a, b, c)       a ^ (~b & c)
 *   SLH_X4_FN(name)        the exported name for this instruction set
 * so AVX-512VL gets its native rotate and ternary logic from the same code.
 * The round is FIPS 202 §3.2 (theta, rho, pi, chi, iota) fully unrolled; the rotation offsets
 * and the lane permutation are the Table 2 / Alg. 3 values written out per lane (generated once by
 * a script from those tables, then checked against the portable permutation by the tests). */
#ifndef QSTP_CRYPTO_SLHDSA_KECCAK4_H
#define QSTP_CRYPTO_SLHDSA_KECCAK4_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/keccak.h"
#include "crypto/slhdsa/slh_hash_x4.h"

static const uint64_t slh_keccak4_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* One round from in to out (which must not overlap), one output plane at a time: B[y, 2x + 3y] =
 * ROT(A[x, y] ^ D[x], r[x, y]), then chi along the plane, so only D and one plane of B are live
 * (AVX2 has 16 vector registers). */
__attribute__((always_inline)) static inline void slh_keccak4_round(const __m256i *in, __m256i *out, uint64_t rc)
{
    __m256i c0, c1, c2, c3, c4, d0, d1, d2, d3, d4, b0, b1, b2, b3, b4;

    c0 = SLH_XOR5(in[0], in[5], in[10], in[15], in[20]);
    c1 = SLH_XOR5(in[1], in[6], in[11], in[16], in[21]);
    c2 = SLH_XOR5(in[2], in[7], in[12], in[17], in[22]);
    c3 = SLH_XOR5(in[3], in[8], in[13], in[18], in[23]);
    c4 = SLH_XOR5(in[4], in[9], in[14], in[19], in[24]);
    d0 = _mm256_xor_si256(c4, SLH_ROL(c1, 1));
    d1 = _mm256_xor_si256(c0, SLH_ROL(c2, 1));
    d2 = _mm256_xor_si256(c1, SLH_ROL(c3, 1));
    d3 = _mm256_xor_si256(c2, SLH_ROL(c4, 1));
    d4 = _mm256_xor_si256(c3, SLH_ROL(c0, 1));
    b0 = _mm256_xor_si256(in[0], d0);
    b1 = SLH_ROL(_mm256_xor_si256(in[6], d1), 44);
    b2 = SLH_ROL(_mm256_xor_si256(in[12], d2), 43);
    b3 = SLH_ROL(_mm256_xor_si256(in[18], d3), 21);
    b4 = SLH_ROL(_mm256_xor_si256(in[24], d4), 14);
    out[0] = SLH_CHI(b0, b1, b2);
    out[1] = SLH_CHI(b1, b2, b3);
    out[2] = SLH_CHI(b2, b3, b4);
    out[3] = SLH_CHI(b3, b4, b0);
    out[4] = SLH_CHI(b4, b0, b1);
    b0 = SLH_ROL(_mm256_xor_si256(in[3], d3), 28);
    b1 = SLH_ROL(_mm256_xor_si256(in[9], d4), 20);
    b2 = SLH_ROL(_mm256_xor_si256(in[10], d0), 3);
    b3 = SLH_ROL(_mm256_xor_si256(in[16], d1), 45);
    b4 = SLH_ROL(_mm256_xor_si256(in[22], d2), 61);
    out[5] = SLH_CHI(b0, b1, b2);
    out[6] = SLH_CHI(b1, b2, b3);
    out[7] = SLH_CHI(b2, b3, b4);
    out[8] = SLH_CHI(b3, b4, b0);
    out[9] = SLH_CHI(b4, b0, b1);
    b0 = SLH_ROL(_mm256_xor_si256(in[1], d1), 1);
    b1 = SLH_ROL(_mm256_xor_si256(in[7], d2), 6);
    b2 = SLH_ROL(_mm256_xor_si256(in[13], d3), 25);
    b3 = SLH_ROL(_mm256_xor_si256(in[19], d4), 8);
    b4 = SLH_ROL(_mm256_xor_si256(in[20], d0), 18);
    out[10] = SLH_CHI(b0, b1, b2);
    out[11] = SLH_CHI(b1, b2, b3);
    out[12] = SLH_CHI(b2, b3, b4);
    out[13] = SLH_CHI(b3, b4, b0);
    out[14] = SLH_CHI(b4, b0, b1);
    b0 = SLH_ROL(_mm256_xor_si256(in[4], d4), 27);
    b1 = SLH_ROL(_mm256_xor_si256(in[5], d0), 36);
    b2 = SLH_ROL(_mm256_xor_si256(in[11], d1), 10);
    b3 = SLH_ROL(_mm256_xor_si256(in[17], d2), 15);
    b4 = SLH_ROL(_mm256_xor_si256(in[23], d3), 56);
    out[15] = SLH_CHI(b0, b1, b2);
    out[16] = SLH_CHI(b1, b2, b3);
    out[17] = SLH_CHI(b2, b3, b4);
    out[18] = SLH_CHI(b3, b4, b0);
    out[19] = SLH_CHI(b4, b0, b1);
    b0 = SLH_ROL(_mm256_xor_si256(in[2], d2), 62);
    b1 = SLH_ROL(_mm256_xor_si256(in[8], d3), 55);
    b2 = SLH_ROL(_mm256_xor_si256(in[14], d4), 39);
    b3 = SLH_ROL(_mm256_xor_si256(in[15], d0), 41);
    b4 = SLH_ROL(_mm256_xor_si256(in[21], d1), 2);
    out[20] = SLH_CHI(b0, b1, b2);
    out[21] = SLH_CHI(b1, b2, b3);
    out[22] = SLH_CHI(b2, b3, b4);
    out[23] = SLH_CHI(b3, b4, b0);
    out[24] = SLH_CHI(b4, b0, b1);

    out[0] = _mm256_xor_si256(out[0], _mm256_set1_epi64x((long long)rc));
}

/* 24 rounds, alternating between a and a scratch copy (24 is even: the result ends in a). */
static void slh_keccak4_permute(__m256i a[25])
{
    /* Local copies with constant indices only, so the compiler can keep lanes in registers
     * (all 50 fit nowhere, but AVX-512VL's 32 registers hold most). */
    __m256i x[25], e[25];

    memcpy(x, a, sizeof x);
    for (unsigned round = 0; round < 24; round += 2) {
        slh_keccak4_round(x, e, slh_keccak4_rc[round]);
        slh_keccak4_round(e, x, slh_keccak4_rc[round + 1]);
    }
    memcpy(a, x, sizeof x);
}

/* x and e above may hold a state that absorbed SK.seed (PRF) or a secret chain value. Wiping them
 * inside every permutation costs ~15%, so the callers that hash secrets call this once when they
 * are done instead: called from the same frame that called slh_keccak4_permute, its frame lies
 * over the permutation's (x, e and spill slots, under 2 KiB) and zeroes it. */
__attribute__((noinline)) static void slh_keccak4_scrub(void)
{
    uint8_t z[4096];
    qstp_wipe(z, sizeof z);
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
    slh_keccak4_scrub();
}

/* As qstp_slh_h_x4: the H template, ADRS, then left and right nodes (public values, no wipe). */
void SLH_X4_FN(h_x4)(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                     const uint8_t *const left[4], const uint8_t *const right[4])
{
    const unsigned nw = c->p->n / 8;
    __m256i s[25];

    for (unsigned i = 0; i < 25; i++)
        s[i] = _mm256_set1_epi64x((long long)c->tmpl_h[i]);
    for (unsigned i = 0; i < 4; i++)
        s[nw + i] = _mm256_xor_si256(s[nw + i], slh_x4_gather(adrs, 8 * i));
    for (unsigned i = 0; i < nw; i++) {
        s[nw + 4 + i] = _mm256_xor_si256(s[nw + 4 + i], slh_x4_gather(left, 8 * i));
        s[2 * nw + 4 + i] = _mm256_xor_si256(s[2 * nw + 4 + i], slh_x4_gather(right, 8 * i));
    }
    slh_keccak4_permute(s);
    for (unsigned i = 0; i < nw; i++)
        slh_x4_scatter(out, 8 * i, s[i]);
}

/* Lane k (8k < n + 32 + inlen) of the virtual message PK.seed || ADRS_j || in_j, for the 4 j. */
static inline __m256i slh_x4_t_lane(const qstp_slh_ctx *c, const uint8_t *const adrs[4], const uint8_t *const in[4],
                                    size_t k)
{
    const size_t n = c->p->n, off = 8 * k;
    if (off < n)
        return _mm256_set1_epi64x((long long)slh_x4_load64(c->pk_seed + off));
    if (off < n + 32)
        return slh_x4_gather(adrs, (unsigned)(off - n));
    {
        const uint8_t *const p[4] = {in[0] + (off - n - 32), in[1] + (off - n - 32), in[2] + (off - n - 32),
                                     in[3] + (off - n - 32)};
        return slh_x4_gather(p, 0);
    }
}

/* As qstp_slh_t_x4: a SHAKE256 sponge over four messages of one length. Every field is a whole
 * number of lanes (n, 32 and inlen are multiples of 8), so the message is read lane by lane. */
void SLH_X4_FN(t_x4)(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                     const uint8_t *const in[4], size_t inlen)
{
    const size_t rate_lanes = QSTP_KECCAK_RATE_256 / 8;
    const size_t total = (c->p->n + 32 + inlen) / 8; /* lanes */
    size_t k = 0;
    __m256i s[25];

    for (unsigned i = 0; i < 25; i++)
        s[i] = _mm256_setzero_si256();
    for (; total - k >= rate_lanes; k += rate_lanes) {
        for (size_t i = 0; i < rate_lanes; i++)
            s[i] = _mm256_xor_si256(s[i], slh_x4_t_lane(c, adrs, in, k + i));
        slh_keccak4_permute(s);
    }
    for (size_t i = 0; i < total - k; i++)
        s[i] = _mm256_xor_si256(s[i], slh_x4_t_lane(c, adrs, in, k + i));
    s[total - k] = _mm256_xor_si256(s[total - k], _mm256_set1_epi64x(QSTP_KECCAK_DOMAIN_SHAKE));
    s[rate_lanes - 1] = _mm256_xor_si256(s[rate_lanes - 1], _mm256_set1_epi64x((long long)0x8000000000000000ULL));
    slh_keccak4_permute(s);
    for (unsigned i = 0; i < c->p->n / 8; i++)
        slh_x4_scatter(out, 8 * i, s[i]);
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
    slh_keccak4_scrub();
}

#endif
