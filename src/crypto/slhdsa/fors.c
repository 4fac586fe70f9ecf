/* FORS few-time signatures (FIPS 205 §8). */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/slhdsa/slh_address.h"
#include "crypto/slhdsa/slh_internal.h"

/* base_2b(md, a, k) (Alg. 4): k big-endian a-bit indices. The digest is public. */
static void slh_fors_indices(const qstp_slh_params *p, uint32_t idx[QSTP_SLH_K_MAX], const uint8_t *md)
{
    uint32_t total = 0;
    unsigned bits = 0;
    size_t in = 0;

    for (unsigned i = 0; i < p->k; i++) {
        while (bits < p->a) {
            total = (total << 8) | md[in++];
            bits += 8;
        }
        bits -= p->a;
        idx[i] = (total >> bits) & (((uint32_t)1 << p->a) - 1);
        total &= ((uint32_t)1 << bits) - 1; /* keep only unread bits so total never overflows */
    }
}

/* ADRS of FORS tree idx_tree, key pair idx_leaf, with the given type (Alg. 19 steps 12-14). */
static void slh_fors_adrs(uint8_t ad[32], uint64_t idx_tree, uint32_t idx_leaf, uint32_t type)
{
    memset(ad, 0, 32);
    qstp_slh_adrs_set_tree(ad, idx_tree);
    qstp_slh_adrs_set_type(ad, type);
    qstp_slh_adrs_set_keypair(ad, idx_leaf);
}

typedef struct {
    uint64_t idx_tree;
    uint32_t idx_leaf;
    uint32_t offset;   /* i 2^a: global index of this tree's leaf 0 */
    uint32_t sign_idx; /* tree-local index of the revealed secret */
    uint8_t *sk_out;
} slh_fors_leaf_info;

/* Leaf = F(PK.seed, ADRS, sk), sk = fors_skGen (Alg. 14, Alg. 15 steps 1-5); eight leaves per
 * PRF/F pass when the context has 8 lanes, else four. */
static void slh_fors_leaves(const qstp_slh_ctx *c, uint8_t *out, uint32_t first, uint32_t count, void *vinfo)
{
    const slh_fors_leaf_info *info = (const slh_fors_leaf_info *)vinfo;
    const unsigned n = c->p->n;
    const uint32_t w = (qstp_slh_lanes(c) == 8 && count % 8 == 0) ? 8u : 4u;
    uint8_t ad[8][32];
    uint8_t sk[8][QSTP_SLH_N_MAX];
    uint8_t *sko[8], *lo[8];
    const uint8_t *ski[8], *ads[8];

    for (uint32_t g = first; g < first + count; g += w) {
        for (unsigned j = 0; j < w; j++) {
            slh_fors_adrs(ad[j], info->idx_tree, info->idx_leaf, QSTP_SLH_FORS_PRF);
            qstp_slh_adrs_set_tree_index(ad[j], info->offset + g + j);
            sko[j] = sk[j];
            ski[j] = sk[j];
            ads[j] = ad[j];
            lo[j] = out + (size_t)(g - first + j) * n;
        }
        if (w == 8)
            qstp_slh_prf_x8(c, sko, ads);
        else
            qstp_slh_prf_x4(c, sko, ads);
        for (unsigned j = 0; j < w; j++) {
            if (g + j == info->sign_idx)
                memcpy(info->sk_out, sk[j], n);
            qstp_slh_adrs_put32(ad[j], 16, QSTP_SLH_FORS_TREE); /* height 0, same index */
        }
        if (w == 8)
            qstp_slh_f_x8(c, lo, ads, ski);
        else
            qstp_slh_f_x4(c, lo, ads, ski);
    }
    qstp_wipe(sk, sizeof sk);
}

void qstp_slh_fors_sign(const qstp_slh_ctx *c, uint8_t *sig, uint8_t *pk, const uint8_t *md, uint64_t idx_tree,
                        uint32_t idx_leaf)
{
    const qstp_slh_params *p = c->p;
    const unsigned n = p->n;
    uint32_t idx[QSTP_SLH_K_MAX];
    uint8_t roots[QSTP_SLH_K_MAX * QSTP_SLH_N_MAX];
    uint8_t ad[32];
    slh_fors_leaf_info info;

    slh_fors_indices(p, idx, md);
    info.idx_tree = idx_tree;
    info.idx_leaf = idx_leaf;
    slh_fors_adrs(ad, idx_tree, idx_leaf, QSTP_SLH_FORS_TREE);
    for (unsigned i = 0; i < p->k; i++) {
        uint8_t *s = sig + (size_t)i * (p->a + 1) * n; /* sk || AUTH (a nodes) */
        info.offset = (uint32_t)i << p->a;
        info.sign_idx = idx[i];
        info.sk_out = s;
        qstp_slh_treehash(c, roots + (size_t)i * n, s + n, idx[i], info.offset, p->a, slh_fors_leaves, &info, ad);
    }
    slh_fors_adrs(ad, idx_tree, idx_leaf, QSTP_SLH_FORS_ROOTS);
    qstp_slh_t(c, pk, ad, roots, (size_t)p->k * n);
}

/* fors_pkFromSig (Alg. 17) with the k trees climbed side by side: eight (AVX-512) or four at a
 * time, one F for the leaves then one H_x8 / H_x4 per level. Spare lanes repeat the batch's last
 * tree and their results are dropped. The indices come from the message digest (public). */
void qstp_slh_fors_pk_from_sig(const qstp_slh_ctx *c, uint8_t *pk, const uint8_t *sig, const uint8_t *md,
                               uint64_t idx_tree, uint32_t idx_leaf)
{
    const qstp_slh_params *p = c->p;
    const unsigned n = p->n;
    uint32_t idx[QSTP_SLH_K_MAX];
    uint8_t roots[QSTP_SLH_K_MAX * QSTP_SLH_N_MAX];
    uint8_t ad[8][32], node[8][QSTP_SLH_N_MAX];
    uint8_t *outs[8];
    const uint8_t *ads[8], *l[8], *r[8];

    slh_fors_indices(p, idx, md);
    for (unsigned j = 0; j < 8; j++) {
        slh_fors_adrs(ad[j], idx_tree, idx_leaf, QSTP_SLH_FORS_TREE);
        ads[j] = ad[j];
        outs[j] = node[j];
    }
    for (unsigned i0 = 0; i0 < p->k;) {
        const unsigned w = (qstp_slh_lanes(c) == 8 && p->k - i0 > 4) ? 8u : 4u;
        unsigned tree[8];
        uint32_t g[8];

        for (unsigned j = 0; j < w; j++) {
            tree[j] = i0 + j < p->k ? i0 + j : p->k - 1;
            g[j] = ((uint32_t)tree[j] << p->a) + idx[tree[j]]; /* global leaf index */
            qstp_slh_adrs_set_tree_height(ad[j], 0);
            qstp_slh_adrs_set_tree_index(ad[j], g[j]);
            l[j] = sig + (size_t)tree[j] * (p->a + 1) * n; /* the revealed sk */
        }
        if (w == 8)
            qstp_slh_f_x8(c, outs, ads, l);
        else
            qstp_slh_f_x4(c, outs, ads, l);
        for (unsigned z = 0; z < p->a; z++) {
            for (unsigned j = 0; j < w; j++) {
                const uint8_t *auth = sig + (size_t)tree[j] * (p->a + 1) * n + n + (size_t)z * n;
                qstp_slh_adrs_set_tree_height(ad[j], z + 1);
                qstp_slh_adrs_set_tree_index(ad[j], g[j] >> (z + 1));
                const int right = (idx[tree[j]] >> z) & 1u;
                l[j] = right ? auth : node[j];
                r[j] = right ? node[j] : auth;
            }
            if (w == 8)
                qstp_slh_h_x8(c, outs, ads, l, r);
            else
                qstp_slh_h_x4(c, outs, ads, l, r);
        }
        for (unsigned j = 0; j < w && i0 + j < p->k; j++)
            memcpy(roots + (size_t)(i0 + j) * n, node[j], n);
        i0 += w;
    }
    slh_fors_adrs(ad[0], idx_tree, idx_leaf, QSTP_SLH_FORS_ROOTS);
    qstp_slh_t(c, pk, ad[0], roots, (size_t)p->k * n);
}
