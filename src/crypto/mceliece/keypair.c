/* Classic McEliece key generation (round-4 spec "SeededKeyGen" and the key formats),
 * following the reference's use of randomness so the NIST KATs reproduce:
 *   delta <- 32 random bytes (one rng call); loop:
 *     E = SHAKE256(64 || delta, n/8 + 4*2^m + 2t + 32); the last 32 bytes are the next delta;
 *     f from the 2t bytes before them -> g (retry if deg < t);
 *     a_i from the 4*2^m bytes before those -> field ordering (retry if not distinct);
 *     systematic form of H (retry if the left block is singular);
 *     s = the first n/8 bytes.
 *   sk = delta || c = 0xFFFFFFFF (8 bytes LE) || g (2t bytes LE) || control bits || s.
 * All large working memory is the caller's workspace. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mceliece/mc_internal.h"
#include "crypto/sha3.h"

#define MAX_ATTEMPTS 1000 /* expected about 3.4 (pk_gen) x 1.0 (genpoly); never reached in practice */

typedef struct {
    uint8_t *r;      /* SHAKE256 output, rlen bytes */
    uint16_t *pi;    /* 2^m: the field ordering as a permutation */
    mc_gf *L;        /* 2^m: alpha_i = bitrev(pi(i)) */
    uint16_t *qtmp;  /* 2 * 2^m: control-bit recursion */
    uint64_t *big;   /* pk_gen work, or sort buffers, or the genpoly matrix (in turn) */
    size_t rlen, total;
} layout;

static size_t align8(size_t x) { return (x + 7) & ~(size_t)7; }

static int make_layout(layout *ly, const mc_params *P, uint8_t *base)
{
    size_t q = (size_t)1 << P->m, off = 0;
    size_t bigwords = qstp_mceliece_pk_gen_words(P);
    size_t gpwords = qstp_mceliece_genpoly_words(P);
    if (bigwords < 2 * q)
        bigwords = 2 * q;
    if (bigwords < gpwords)
        bigwords = gpwords;
    ly->rlen = P->n / 8 + 4 * q + 2 * (size_t)P->t + 32;
    /* the caller's pointer may have any alignment: work from the next multiple of 8 */
    if (base != NULL)
        base += (size_t)((8 - ((uintptr_t)base & 7)) & 7);
    ly->big = base ? (uint64_t *)(void *)base : NULL;
    off += bigwords * 8;
    ly->r = base ? base + off : NULL;
    off = align8(off + ly->rlen);
    ly->pi = base ? (uint16_t *)(void *)(base + off) : NULL;
    off += q * 2;
    ly->L = base ? (mc_gf *)(void *)(base + off) : NULL;
    off += q * 2;
    ly->qtmp = base ? (uint16_t *)(void *)(base + off) : NULL;
    off += 2 * q * 2;
    ly->total = off;
    return 0;
}

size_t qstp_mceliece_keygen_workspace_size(qstp_mceliece_param p)
{
    layout ly;
    const mc_params *P = qstp_mceliece_params(p);
    if (P == NULL)
        return 0;
    make_layout(&ly, P, NULL);
    return ly.total + 7; /* slack for aligning an arbitrary pointer */
}

static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Field ordering (spec "FieldOrdering"): sort (a_i, i); fail if two a_i are equal. */
static int field_ordering(uint16_t *pi, mc_gf *L, const uint8_t *abytes, const mc_params *P,
                          uint64_t *buf)
{
    const size_t q = (size_t)1 << P->m;
    uint64_t dup = 0;
    for (size_t i = 0; i < q; i++)
        buf[i] = ((uint64_t)load32(abytes + 4 * i) << 31) | i;
    qstp_mceliece_sort_u64(buf, q);
    for (size_t i = 1; i < q; i++)
        dup |= qstp_ct_mask_eq_u64(buf[i - 1] >> 31, buf[i] >> 31);
    for (size_t i = 0; i < q; i++) {
        pi[i] = (uint16_t)(buf[i] & (q - 1));
        L[i] = mc_bitrev(pi[i], P->m);
    }
    MC_DECLASSIFY(&dup, sizeof dup); /* rejection */
    return dup ? -1 : 0;
}

int qstp_mceliece_keypair(qstp_mceliece_param p, uint8_t *pk, uint8_t *sk, void *workspace,
                          size_t wslen, qstp_rng_fn rng, void *rng_ctx)
{
    const mc_params *P = qstp_mceliece_params(p);
    layout ly;
    uint8_t seed[33];
    mc_gf f[MC_T_MAX], g[MC_T_MAX];
    int ret = -1;

    if (P == NULL || pk == NULL || sk == NULL || rng == NULL)
        return -1;
    if (workspace == NULL || wslen < qstp_mceliece_keygen_workspace_size(p)) {
        memset(pk, 0, P->pk_bytes);
        memset(sk, 0, P->sk_bytes);
        return -1;
    }
    make_layout(&ly, P, (uint8_t *)workspace);

    seed[0] = 64; /* domain byte of the seed expansion (SeededKeyGen) */
    if (rng(rng_ctx, seed + 1, 32) != 0)
        goto done;

    for (unsigned attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const size_t q = (size_t)1 << P->m, nb = P->n / 8;
        const uint8_t *fbytes = ly.r + ly.rlen - 32 - 2 * (size_t)P->t;
        uint8_t *skp;

        qstp_shake256(ly.r, ly.rlen, seed, sizeof seed);
        memcpy(sk, seed + 1, 32);
        memcpy(seed + 1, ly.r + ly.rlen - 32, 32);

        for (unsigned i = 0; i < P->t; i++)
            f[i] = (mc_gf)((fbytes[2 * i] | (fbytes[2 * i + 1] << 8)) & (q - 1));
        if (qstp_mceliece_genpoly(g, f, P, ly.big) != 0)
            continue;
        if (field_ordering(ly.pi, ly.L, ly.r + nb, P, ly.big) != 0)
            continue;
        if (qstp_mceliece_pk_gen(pk, g, ly.L, P, ly.big) != 0)
            continue;

        skp = sk + 32;
        mc_store64(skp, 0xFFFFFFFFu); /* c: the pivots are the first mt columns */
        skp += 8;
        for (unsigned i = 0; i < P->t; i++) {
            skp[2 * i] = (uint8_t)g[i];
            skp[2 * i + 1] = (uint8_t)(g[i] >> 8);
        }
        skp += P->irr_bytes;
        qstp_mceliece_controlbits(skp, ly.pi, P->m, ly.big, ly.qtmp);
        /* The network must reproduce pi (the reference re-checks too); L is free scratch now. */
        qstp_mceliece_perm_from_controlbits(ly.L, skp, P->m);
        {
            int same = qstp_ct_equal(ly.L, ly.pi, q * sizeof(uint16_t));
            MC_DECLASSIFY(&same, sizeof same); /* self-check; never fails */
            if (!same)
                goto done;
        }
        skp += P->cond_bytes;
        memcpy(skp, ly.r, nb);
        ret = 0;
        break;
    }

done:
    if (ret != 0) {
        memset(pk, 0, P->pk_bytes);
        qstp_wipe(sk, P->sk_bytes);
    }
    qstp_wipe(seed, sizeof seed);
    qstp_wipe(f, sizeof f);
    qstp_wipe(g, sizeof g);
    qstp_wipe(workspace, wslen < ly.total + 7 ? wslen : ly.total + 7);
    return ret;
}
