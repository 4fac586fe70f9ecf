/* Decoding for decapsulation (round-4 spec "Decode" and "Decap"; Berlekamp-Massey and root
 * finding as in the reference's decrypt). Given C0 (mt bits), v = (C0, 0, ..., 0) in F_2^n:
 *   s_j = sum_i v_i alpha_i^j / g(alpha_i)^2, j < 2t      (the syndrome for g^2)
 *   sigma = Berlekamp-Massey(s), reversed into the locator whose roots are the error positions
 *   e_i = [sigma(alpha_i) == 0]
 *   success iff weight(e) == t and the syndrome of e equals s.
 * Everything secret (support, g, e) is handled bitsliced over all n positions, 64 at a time, and
 * BM runs a fixed number of steps with masks, so time depends only on the parameter set. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mceliece/mc_internal.h"

typedef struct {
    uint64_t alpha[MC_NW_MAX][MC_M_MAX]; /* support, bitsliced per block of 64 positions */
    union {
        uint16_t pi[MC_Q_MAX];                  /* only while building alpha */
        uint64_t ginv2[MC_NW_MAX][MC_M_MAX]; /* 1/g(alpha)^2 */
    } u;
} support_t;

#define SYND_CHUNK 32u /* syndromes accumulated per pass */

/* s[0..2t-1] = sum over positions of state * alpha^j, where state[w] starts as
 * v[w] & 1/g(alpha)^2 for block w (v the bit vector whose syndrome we want). The lane sums are
 * accumulated bitsliced across all blocks and reduced to bits (parities) once per j; state is
 * advanced in place, SYND_CHUNK powers at a time. */
static void syndrome(mc_gf *s, uint64_t (*state)[MC_M_MAX], size_t nblocks, const support_t *S,
                     const mc_params *P)
{
    const unsigned m = P->m, t2 = 2 * P->t;
    uint64_t acc[SYND_CHUNK][MC_M_MAX];
    for (unsigned j0 = 0; j0 < t2; j0 += SYND_CHUNK) {
        const unsigned cnt = t2 - j0 < SYND_CHUNK ? t2 - j0 : SYND_CHUNK;
        memset(acc, 0, sizeof acc);
        for (size_t w = 0; w < nblocks; w++)
            qstp_mceliece_vec_accumulate_powers(acc, state[w], S->alpha[w], cnt, m);
        for (unsigned j = 0; j < cnt; j++) {
            mc_gf x = 0;
            for (unsigned b = 0; b < m; b++)
                x |= (mc_gf)(mc_parity64(acc[j][b]) << b);
            s[j0 + j] = x;
        }
    }
    qstp_wipe(acc, sizeof acc);
}

/* Berlekamp-Massey over GF(2^m) on 2t syndromes, constant time; out[0..t] = the locator
 * reversed (out[i] = C[t-i]), so its roots are the alpha_i of the error positions. */
static void berlekamp_massey(mc_gf *out, const mc_gf *s, const mc_params *P)
{
    const unsigned t = P->t, m = P->m;
    mc_gf C[MC_T_MAX + 1], B[MC_T_MAX + 1], T[MC_T_MAX + 1];
    mc_gf b = 1;
    uint32_t L = 0;
    for (unsigned i = 0; i <= t; i++)
        C[i] = B[i] = 0;
    C[0] = 1;
    B[1] = 1; /* B holds x * (previous C) */
    for (unsigned N = 0; N < 2 * t; N++) {
        mc_gf d = 0, f, mne, mle;
        unsigned top = N < t ? N : t;
        for (unsigned i = 0; i <= top; i++)
            d ^= mc_gf_mul(C[i], s[N - i], m);
        mne = (mc_gf)~mc_gf_iszero(d);                                   /* d != 0 */
        mle = (mc_gf)(0u - (((uint32_t)N - 2 * L) >> 31 ^ 1u)) & mne; /* 2L <= N and d != 0 */
        for (unsigned i = 0; i <= t; i++)
            T[i] = C[i];
        f = mc_gf_mul(d, qstp_mceliece_gf_inv(b, m), m);
        for (unsigned i = 0; i <= t; i++)
            C[i] ^= mc_gf_mul(f, B[i], m) & mne;
        {
            uint32_t mle32 = 0u - (uint32_t)(mle & 1u);
            L = (L & ~mle32) | ((N + 1 - L) & mle32);
        }
        for (unsigned i = 0; i <= t; i++)
            B[i] = (mc_gf)((B[i] & ~mle) | (T[i] & mle));
        b = (mc_gf)((b & ~mle) | (d & mle));
        for (unsigned i = t; i >= 1; i--)
            B[i] = B[i - 1];
        B[0] = 0;
    }
    for (unsigned i = 0; i <= t; i++)
        out[i] = C[t - i];
    qstp_wipe(C, sizeof C);
    qstp_wipe(B, sizeof B);
    qstp_wipe(T, sizeof T);
}

static void build_support(support_t *S, const uint8_t *sk_g, const mc_params *P, mc_gf *g)
{
    const unsigned m = P->m, t = P->t;
    const size_t W = (P->n + 63) / 64;
    mc_gf gfull[MC_T_MAX + 1];
    for (unsigned i = 0; i < t; i++)
        gfull[i] = (mc_gf)((sk_g[2 * i] | (sk_g[2 * i + 1] << 8)) & ((1u << m) - 1));
    gfull[t] = 1;
    memcpy(g, gfull, (t + 1) * sizeof(mc_gf));
    /* alpha_i = bitrev(pi(i)), pi from the control bits (spec: the private key stores the field
     * ordering as Benes control bits) */
    qstp_mceliece_perm_from_controlbits(S->u.pi, sk_g + P->irr_bytes, m);
    for (size_t w = 0; w < W; w++) {
        mc_gf x[64];
        for (unsigned j = 0; j < 64; j++)
            x[j] = mc_bitrev(S->u.pi[64 * w + j], m);
        qstp_mceliece_vec_from_scalars(S->alpha[w], x, m);
    }
    for (size_t w = 0; w < W; w++) {
        uint64_t gv[MC_M_MAX];
        qstp_mceliece_vec_eval(gv, gfull, t, S->alpha[w], m);
        qstp_mceliece_vec_sq(gv, gv, m);
        qstp_mceliece_vec_inv(S->u.ginv2[w], gv, m);
    }
    qstp_wipe(gfull, sizeof gfull);
}

int qstp_mceliece_decrypt(uint8_t *e, const uint8_t *c0, const uint8_t *sk_g, const mc_params *P)
{
    const unsigned m = P->m, t = P->t;
    const size_t W = (P->n + 63) / 64, WR = (P->mt + 63) / 64;
    support_t S;
    uint64_t v[MC_NW_MAX], ev[MC_NW_MAX];
    uint64_t st[(MC_MT_MAX + 63) / 64][MC_M_MAX]; /* syndrome state for C0's blocks */
    mc_gf g[MC_T_MAX + 1], s[2 * MC_T_MAX], s2[2 * MC_T_MAX], loc[MC_T_MAX + 1];
    uint64_t weight = 0, diff = 0;
    uint8_t cb[MC_MT_MAX / 8 + 8];
    int ok;

    build_support(&S, sk_g, P, g);

    /* v = C0 padded with zeros; bits past mt (6960119's padding) are ignored */
    memset(cb, 0, sizeof cb);
    memcpy(cb, c0, P->synd_bytes);
    if (P->mt % 8)
        cb[P->synd_bytes - 1] &= (uint8_t)((1u << (P->mt % 8)) - 1);
    for (size_t w = 0; w < W; w++)
        v[w] = w < WR ? mc_load64(cb + 8 * w) : 0;

    for (size_t w = 0; w < WR; w++)
        for (unsigned b = 0; b < m; b++)
            st[w][b] = S.u.ginv2[w][b] & v[w];
    syndrome(s, st, WR, &S, P);
    berlekamp_massey(loc, s, P);

    for (size_t w = 0; w < W; w++) {
        uint64_t val[MC_M_MAX], z = 0, keep = ~(uint64_t)0;
        if (64 * (w + 1) > P->n)
            keep = ((uint64_t)1 << (P->n % 64)) - 1;
        qstp_mceliece_vec_eval(val, loc, t, S.alpha[w], m);
        for (unsigned b = 0; b < m; b++)
            z |= val[b];
        ev[w] = ~z & keep;
        /* popcount without table or branch */
        {
            uint64_t x = ev[w];
            x = x - ((x >> 1) & 0x5555555555555555u);
            x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
            x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
            weight += (x * 0x0101010101010101u) >> 56;
        }
    }
    for (size_t w = 0; w < W; w++) /* last use of 1/g^2: advance it in place */
        for (unsigned b = 0; b < m; b++)
            S.u.ginv2[w][b] &= ev[w];
    syndrome(s2, S.u.ginv2, W, &S, P);

    for (unsigned j = 0; j < 2 * t; j++)
        diff |= (uint64_t)(s[j] ^ s2[j]);
    diff |= weight ^ t;
    ok = (int)(1u & ~(qstp_ct_mask_nonzero_u64(diff)));

    for (size_t w = 0; w < W; w++) {
        size_t nb = P->n / 8 - 8 * w; /* n/8 is not always a multiple of 8 (3488, 6688, 6960) */
        mc_store64(cb, ev[w]);
        memcpy(e + 8 * w, cb, nb < 8 ? nb : 8);
    }

    qstp_wipe(&S, sizeof S);
    qstp_wipe(v, sizeof v);
    qstp_wipe(st, sizeof st);
    qstp_wipe(ev, sizeof ev);
    qstp_wipe(g, sizeof g);
    qstp_wipe(s, sizeof s);
    qstp_wipe(s2, sizeof s2);
    qstp_wipe(loc, sizeof loc);
    qstp_wipe(cb, sizeof cb);
    return ok;
}
