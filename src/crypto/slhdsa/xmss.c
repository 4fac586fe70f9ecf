/* XMSS trees and the hypertree (FIPS 205 §6, §7). */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/slhdsa/slh_address.h"
#include "crypto/slhdsa/slh_internal.h"

typedef struct {
    uint32_t layer;
    uint64_t tree;
    uint32_t sign_leaf;     /* leaf whose WOTS+ signature is wanted, if digits != NULL */
    const unsigned *digits; /* base-w digits of the message signed at sign_leaf */
    uint8_t *wots_sig;
} slh_xmss_leaf_info;

/* Chain ends of up to 8 leaves at a time: 4 * 67 * 32 bytes (four leaves at n = 32) or
 * 8 * 51 * 24 (eight at n = 24), whichever is larger. */
#define SLH_XMSS_TMP (8u * 51u * 24u)

/* Leaves are WOTS+ public keys: ADRS type WOTS_HASH, key pair = leaf index (Alg. 9 steps 2-3).
 * A group of leaves at a time (eight with 8 lanes when their chain ends fit SLH_XMSS_TMP, i.e.
 * n = 16 or 24, so the job list has no 4-way tail; else four): the chains of the group form one
 * job list (qstp_slh_wots_chain_ends). With 8 lanes the signed leaf's chains are in it too and
 * capture the signature on the way; with 4 its chains are walked step by step
 * (qstp_slh_wots_chains). The chain sets are compressed by T_x4 calls. */
static void slh_xmss_leaves(const qstp_slh_ctx *c, uint8_t *out, uint32_t first, uint32_t count, void *vinfo)
{
    const slh_xmss_leaf_info *info = (const slh_xmss_leaf_info *)vinfo;
    const unsigned n = c->p->n;
    const size_t per = (size_t)c->p->len * n; /* chain-end bytes per leaf */
    const unsigned lanes = qstp_slh_lanes(c);
    const uint32_t group = (lanes == 8 && 8 * per <= SLH_XMSS_TMP && count % 8 == 0) ? 8u : 4u;
    uint8_t tmp[SLH_XMSS_TMP];
    uint8_t ad[32] = {0}, pkad[8][32];

    qstp_slh_adrs_set_layer(ad, info->layer);
    qstp_slh_adrs_set_tree(ad, info->tree);
    qstp_slh_adrs_set_type(ad, QSTP_SLH_WOTS_HASH);
    for (uint32_t g = first; g < first + count; g += group) {
        uint8_t *kp_tmp[8];
        uint32_t kp[8];
        unsigned nkp = 0;
        const unsigned *digits = NULL;

        for (uint32_t j = 0; j < group; j++) {
            const uint32_t leaf = g + j;
            uint8_t *t = tmp + j * per;
            qstp_slh_adrs_set_keypair(ad, leaf);
            qstp_slh_wots_pk_adrs(pkad[j], ad);
            if (info->digits != NULL && leaf == info->sign_leaf && lanes == 8) {
                /* The signed key pair goes first in the job list (see wots_chain_ends). */
                if (nkp > 0) {
                    kp_tmp[nkp] = kp_tmp[0];
                    kp[nkp] = kp[0];
                }
                kp_tmp[0] = t;
                kp[0] = leaf;
                nkp++;
                digits = info->digits;
            } else if (info->digits != NULL && leaf == info->sign_leaf) {
                qstp_slh_wots_chains(c, t, ad, info->digits, info->wots_sig);
            } else {
                kp_tmp[nkp] = t;
                kp[nkp++] = leaf;
            }
        }
        qstp_slh_wots_chain_ends(c, kp_tmp, ad, kp, nkp, digits, digits != NULL ? info->wots_sig : NULL);
        for (uint32_t j = 0; j < group; j += 4) {
            uint8_t *const outs[4] = {out, out + n, out + 2 * n, out + 3 * n};
            const uint8_t *const ins[4] = {tmp + j * per, tmp + (j + 1) * per, tmp + (j + 2) * per,
                                           tmp + (j + 3) * per};
            const uint8_t *const pkads[4] = {pkad[j], pkad[j + 1], pkad[j + 2], pkad[j + 3]};
            qstp_slh_t_x4(c, outs, pkads, ins, per);
            out += 4 * (size_t)n;
        }
    }
}

static void slh_tree_adrs(uint8_t ad[32], uint32_t layer, uint64_t tree)
{
    memset(ad, 0, 32);
    qstp_slh_adrs_set_layer(ad, layer);
    qstp_slh_adrs_set_tree(ad, tree);
    qstp_slh_adrs_set_type(ad, QSTP_SLH_TREE);
}

void qstp_slh_xmss_root(const qstp_slh_ctx *c, uint8_t *root, uint32_t layer, uint64_t tree)
{
    slh_xmss_leaf_info info = {layer, tree, 0, NULL, NULL};
    uint8_t ad[32];

    slh_tree_adrs(ad, layer, tree);
    qstp_slh_treehash(c, root, NULL, 0, 0, c->p->hp, slh_xmss_leaves, &info, ad);
}

/* xmss_sign (Alg. 10) whose tree walk also gives the root, so ht_sign needs no xmss_pkFromSig. */
static void slh_xmss_sign(const qstp_slh_ctx *c, uint8_t *sig, uint8_t *root, const uint8_t *msg, uint32_t layer,
                          uint64_t tree, uint32_t idx_leaf)
{
    const qstp_slh_params *p = c->p;
    unsigned digits[QSTP_SLH_LEN_MAX];
    slh_xmss_leaf_info info;
    uint8_t ad[32];

    qstp_slh_wots_digits(p, digits, msg);
    info.layer = layer;
    info.tree = tree;
    info.sign_leaf = idx_leaf;
    info.digits = digits;
    info.wots_sig = sig;
    slh_tree_adrs(ad, layer, tree);
    qstp_slh_treehash(c, root, sig + (size_t)p->len * p->n, idx_leaf, 0, p->hp, slh_xmss_leaves, &info, ad);
}

void qstp_slh_ht_sign(const qstp_slh_ctx *c, uint8_t *sig, uint8_t *root, const uint8_t *msg, uint64_t idx_tree,
                      uint32_t idx_leaf)
{
    const qstp_slh_params *p = c->p;
    const size_t xmss_bytes = (size_t)(p->len + p->hp) * p->n;
    uint8_t node[QSTP_SLH_N_MAX];

    memcpy(node, msg, p->n);
    for (uint32_t j = 0; j < p->d; j++) {
        slh_xmss_sign(c, sig + j * xmss_bytes, node, node, j, idx_tree, idx_leaf);
        /* Next layer: the leaf is the low h' bits of the tree index (Alg. 12 steps 9-10). */
        idx_leaf = (uint32_t)(idx_tree & (((uint64_t)1 << p->hp) - 1));
        idx_tree >>= p->hp;
    }
    memcpy(root, node, p->n);
}

/* xmss_pkFromSig (Alg. 11). */
static void slh_xmss_pk_from_sig(const qstp_slh_ctx *c, uint8_t *root, uint32_t idx, const uint8_t *sig,
                                 const uint8_t *msg, uint32_t layer, uint64_t tree)
{
    const qstp_slh_params *p = c->p;
    const unsigned n = p->n;
    const uint8_t *auth = sig + (size_t)p->len * n;
    uint8_t ad[32] = {0};
    uint8_t node[QSTP_SLH_N_MAX];

    qstp_slh_adrs_set_layer(ad, layer);
    qstp_slh_adrs_set_tree(ad, tree);
    qstp_slh_adrs_set_type(ad, QSTP_SLH_WOTS_HASH);
    qstp_slh_adrs_set_keypair(ad, idx);
    qstp_slh_wots_pk_from_sig(c, node, sig, msg, ad);

    qstp_slh_adrs_set_type(ad, QSTP_SLH_TREE);
    for (unsigned k = 0; k < p->hp; k++) {
        qstp_slh_adrs_set_tree_height(ad, k + 1);
        qstp_slh_adrs_set_tree_index(ad, idx >> (k + 1));
        if (((idx >> k) & 1u) == 0)
            qstp_slh_h(c, node, ad, node, auth + (size_t)k * n);
        else
            qstp_slh_h(c, node, ad, auth + (size_t)k * n, node);
    }
    memcpy(root, node, n);
}

int qstp_slh_ht_verify(const qstp_slh_ctx *c, const uint8_t *msg, const uint8_t *sig, uint64_t idx_tree,
                       uint32_t idx_leaf, const uint8_t *pk_root)
{
    const qstp_slh_params *p = c->p;
    const size_t xmss_bytes = (size_t)(p->len + p->hp) * p->n;
    uint8_t node[QSTP_SLH_N_MAX];

    memcpy(node, msg, p->n);
    for (uint32_t j = 0; j < p->d; j++) {
        slh_xmss_pk_from_sig(c, node, idx_leaf, sig + j * xmss_bytes, node, j, idx_tree);
        idx_leaf = (uint32_t)(idx_tree & (((uint64_t)1 << p->hp) - 1));
        idx_tree >>= p->hp;
    }
    return qstp_ct_equal(node, pk_root, p->n) ? 0 : -1;
}
