/* SLH-DSA x4 hash calls on 256-bit vectors (lane i of state j in 64-bit element j of a vector).
 * Not a public header: hash_x4_avx2.c and hash_x4_avx512.c include it after defining the
 * element operations of the shared 4-way round (src/crypto/keccak_x4_round.h):
 *   KX4_XOR(a, b), KX4_XOR5(a, b, c, d, e), KX4_ROL(v, r) (constant 0 < r < 64), KX4_CHI(a, b, c)
 *   = a ^ (~b & c), and SLH_X4_FN(name), the exported name for this instruction set. */
#ifndef QSTP_CRYPTO_SLHDSA_KECCAK4_H
#define QSTP_CRYPTO_SLHDSA_KECCAK4_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/keccak.h"
#include "crypto/simd_wipe.h"
#include "crypto/slhdsa/slh_hash_x4.h"

/* The permutation is the shared 4-way round of src/crypto/keccak_x4_round.h (the one behind
 * qstp_keccak_f1600_x4): this file only adds the SLH-DSA state building around it, so chain
 * values and templates stay in vector registers between permutations instead of going through
 * memory in the interleaved layout (about 1.4x faster than calling qstp_keccak_f1600_x4_lanes). */
#include "crypto/keccak_x4_round.h"

static void slh_keccak4_permute(__m256i a[25])
{
    kx4_permute(a);
}

/* The permutation's register spills may hold a state that absorbed SK.seed (PRF) or a secret
 * chain value. Wiping inside every permutation costs ~15%, so the callers that hash secrets call
 * this once when they are done instead: called from the same frame that called
 * slh_keccak4_permute, its frame lies over the permutation's spill slots and zeroes them. */
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
    qstp_simd_clear_registers();
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
    qstp_simd_clear_registers();
}

#endif
