/* SLH-DSA x8 hash calls on 512-bit vectors (AVX-512F; compiled with the AVX-512 flags, run only
 * after qstp_cpu_has_avx512). Lane i of state j is 64-bit element j of vector i; the permutation
 * is the shared 8-way round of src/crypto/keccak_x8_round.h. As in the 4-way backend
 * (slh_keccak4.h), states are built from the context's lane template (PK.seed and the SHAKE
 * padding in place) in registers, and WOTS+ chain values stay in vector lanes between steps. */
#include "crypto/slhdsa/slh_hash_x8.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/keccak_x8_round.h"

/* The permutation's register spills may hold a state that absorbed SK.seed (PRF) or a secret
 * chain value. As in slh_keccak4.h, callers that hash secrets scrub once when done, from the same
 * frame that called kx8_permute (never inlined, frame about 300 bytes): kx8_scrub zeroes the
 * 1 KiB below its return address, which covers that frame whatever the compiler's layout (a
 * local buffer, as here before, can leave the top of it: R3-X8-3). */
#define slh_x8_scrub kx8_scrub

static inline uint64_t slh_x8_load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8); /* x86 is little-endian, as Keccak lanes are */
    return v;
}

/* Element j of the result = the little-endian 64-bit word at p[j] + off. */
static inline __m512i slh_x8_gather(const uint8_t *const p[8], unsigned off)
{
    return _mm512_set_epi64((long long)slh_x8_load64(p[7] + off), (long long)slh_x8_load64(p[6] + off),
                            (long long)slh_x8_load64(p[5] + off), (long long)slh_x8_load64(p[4] + off),
                            (long long)slh_x8_load64(p[3] + off), (long long)slh_x8_load64(p[2] + off),
                            (long long)slh_x8_load64(p[1] + off), (long long)slh_x8_load64(p[0] + off));
}

static inline void slh_x8_scatter(uint8_t *const p[8], unsigned off, __m512i v)
{
    uint64_t t[8];
    _mm512_storeu_si512((void *)t, v);
    for (unsigned j = 0; j < 8; j++)
        memcpy(p[j] + off, &t[j], 8);
    qstp_wipe(t, sizeof t);
}

static inline void slh_x8_template(__m512i s[25], const uint64_t tmpl[25])
{
    for (unsigned i = 0; i < 25; i++)
        s[i] = _mm512_set1_epi64((long long)tmpl[i]);
}

/* One WOTS+ chain step on eight chain values m[] (nw lanes each) kept in vectors: F with ADRS ad
 * whose hash address is `step` (ADRS bytes 28..31, the high half of lane 3, cleared in ad[3]).
 * Always inlined, so kx8_permute is called from the caller's frame and the caller's
 * slh_x8_scrub lies over its spills. */
__attribute__((always_inline)) static inline void slh_x8_chain_step(const qstp_slh_ctx *c, __m512i s[25],
                                                                    __m512i m[], const __m512i ad[4],
                                                                    unsigned nw, unsigned step)
{
    const uint64_t hash_be = (uint64_t)__builtin_bswap32(step) << 32;

    slh_x8_template(s, c->tmpl_f);
    for (unsigned i = 0; i < 3; i++)
        s[nw + i] = _mm512_xor_si512(s[nw + i], ad[i]);
    s[nw + 3] = _mm512_xor_si512(s[nw + 3], _mm512_xor_si512(ad[3], _mm512_set1_epi64((long long)hash_be)));
    for (unsigned i = 0; i < nw; i++)
        s[nw + 4 + i] = _mm512_xor_si512(s[nw + 4 + i], m[i]);
    kx8_permute(s);
    for (unsigned i = 0; i < nw; i++)
        m[i] = s[i];
}

/* As qstp_slh_f_x8: template, XOR ADRS and the n-byte inputs, permute, read n bytes. The input
 * may be SK.seed (PRF) or a secret chain value: state and spills are wiped. */
void qstp_slh_f_x8_avx512(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8],
                          const uint8_t *const in[8])
{
    const unsigned nw = c->p->n / 8;
    __m512i s[25];

    slh_x8_template(s, c->tmpl_f);
    for (unsigned i = 0; i < 4; i++)
        s[nw + i] = _mm512_xor_si512(s[nw + i], slh_x8_gather(adrs, 8 * i));
    for (unsigned i = 0; i < nw; i++)
        s[nw + 4 + i] = _mm512_xor_si512(s[nw + 4 + i], slh_x8_gather(in, 8 * i));
    kx8_permute(s);
    for (unsigned i = 0; i < nw; i++)
        slh_x8_scatter(out, 8 * i, s[i]);
    qstp_wipe(s, sizeof s);
    slh_x8_scrub();
    qstp_simd_clear_registers(); /* R3-X8-1: nor in the vector registers */
}

/* As qstp_slh_h_x8: the H template, ADRS, then left and right nodes (public values, no wipe). */
void qstp_slh_h_x8_avx512(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8],
                          const uint8_t *const left[8], const uint8_t *const right[8])
{
    const unsigned nw = c->p->n / 8;
    __m512i s[25];

    slh_x8_template(s, c->tmpl_h);
    for (unsigned i = 0; i < 4; i++)
        s[nw + i] = _mm512_xor_si512(s[nw + i], slh_x8_gather(adrs, 8 * i));
    for (unsigned i = 0; i < nw; i++) {
        s[nw + 4 + i] = _mm512_xor_si512(s[nw + 4 + i], slh_x8_gather(left, 8 * i));
        s[2 * nw + 4 + i] = _mm512_xor_si512(s[2 * nw + 4 + i], slh_x8_gather(right, 8 * i));
    }
    kx8_permute(s);
    for (unsigned i = 0; i < nw; i++)
        slh_x8_scatter(out, 8 * i, s[i]);
}

/* As qstp_slh_chain_x8: only the hash address word (ADRS bytes 28..31, the high half of ADRS
 * lane 3) changes from step to step. */
void qstp_slh_chain_x8_avx512(const qstp_slh_ctx *c, uint8_t *const val[8], const uint8_t *const adrs[8],
                              unsigned start, unsigned steps)
{
    const unsigned nw = c->p->n / 8;
    __m512i s[25], m[QSTP_SLH_N_MAX / 8], ad[4];

    for (unsigned i = 0; i < 4; i++)
        ad[i] = slh_x8_gather(adrs, 8 * i);
    /* Clear the hash address (big-endian u32 in bytes 28..31 = high 32 bits of the lane). */
    ad[3] = _mm512_and_si512(ad[3], _mm512_set1_epi64(0x00000000FFFFFFFFLL));
    for (unsigned i = 0; i < nw; i++)
        m[i] = slh_x8_gather((const uint8_t *const *)val, 8 * i);
    for (unsigned step = start; step < start + steps; step++) {
        slh_x8_chain_step(c, s, m, ad, nw, step);
    }
    for (unsigned i = 0; i < nw; i++)
        slh_x8_scatter(val, 8 * i, m[i]);
    qstp_wipe(s, sizeof s);
    qstp_wipe(m, sizeof m);
    slh_x8_scrub();
    qstp_simd_clear_registers();
}

/* As qstp_slh_chain_capture_x8: the w - 1 steps from 0, and lane j's value after at[j] steps
 * copied out on the way. at[] comes from the message digest (public), so the per-step lane mask
 * is not secret-dependent. */
void qstp_slh_chain_capture_x8_avx512(const qstp_slh_ctx *c, uint8_t *const val[8], const uint8_t *const adrs[8],
                                      uint8_t *const cap[8], const unsigned at[8])
{
    const unsigned nw = c->p->n / 8;
    const __m512i atv = _mm512_set_epi64(at[7], at[6], at[5], at[4], at[3], at[2], at[1], at[0]);
    __m512i s[25], m[QSTP_SLH_N_MAX / 8], cv[QSTP_SLH_N_MAX / 8], ad[4];
    unsigned step = 0;

    for (unsigned i = 0; i < 4; i++)
        ad[i] = slh_x8_gather(adrs, 8 * i);
    ad[3] = _mm512_and_si512(ad[3], _mm512_set1_epi64(0x00000000FFFFFFFFLL));
    for (unsigned i = 0; i < nw; i++) {
        m[i] = slh_x8_gather((const uint8_t *const *)val, 8 * i);
        cv[i] = m[i];
    }
    for (;; step++) {
        const __mmask8 k = _mm512_cmpeq_epi64_mask(atv, _mm512_set1_epi64((long long)step));
        for (unsigned i = 0; i < nw; i++)
            cv[i] = _mm512_mask_mov_epi64(cv[i], k, m[i]);
        if (step == QSTP_SLH_W - 1)
            break;
        slh_x8_chain_step(c, s, m, ad, nw, step);
    }
    for (unsigned i = 0; i < nw; i++) {
        slh_x8_scatter(val, 8 * i, m[i]);
        slh_x8_scatter(cap, 8 * i, cv[i]);
    }
    qstp_wipe(s, sizeof s);
    qstp_wipe(m, sizeof m);
    qstp_wipe(cv, sizeof cv);
    slh_x8_scrub();
    qstp_simd_clear_registers();
}

#else
typedef int qstp_slh_x8_unused; /* ISO C: no empty translation unit */
#endif
