/* SLH-DSA internal key generation, signing and verification (FIPS 205 Alg. 18-20). */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/slhdsa/slh_address.h"
#include "crypto/slhdsa/slh_core.h"
#include "crypto/slhdsa/slh_internal.h"

/* Alg. 18: PK.root is the root of the top XMSS tree (layer d - 1, tree 0). */
int qstp_slh_keygen(const qstp_slh_params *p, uint8_t *pk, uint8_t *sk, const uint8_t *sk_seed,
                    const uint8_t *sk_prf, const uint8_t *pk_seed)
{
    const unsigned n = p->n;
    qstp_slh_ctx c;
    uint8_t root[QSTP_SLH_N_MAX];

    qstp_slh_ctx_init(&c, p, pk_seed, sk_seed);
    qstp_slh_xmss_root(&c, root, p->d - 1, 0);
    qstp_slh_ctx_wipe(&c);
    /* The seeds are read before the outputs are written, so they may alias sk. */
    memmove(sk + n, sk_prf, n);
    memmove(sk + 2 * n, pk_seed, n);
    memmove(sk, sk_seed, n);
    memcpy(sk + 3 * n, root, n);
    memcpy(pk, sk + 2 * n, 2 * n);
    return 0;
}

/* The digest splits into the FORS message md, then idx_tree (h - h' bits) and idx_leaf (h' bits),
 * each read big-endian from whole bytes and reduced (Alg. 19 steps 7-10). */
static void slh_split_digest(const qstp_slh_params *p, const uint8_t *digest, uint64_t *idx_tree,
                             uint32_t *idx_leaf)
{
    const unsigned md_bytes = (p->k * p->a + 7) / 8;
    const unsigned tree_bits = p->h - p->hp;
    const unsigned tree_bytes = (tree_bits + 7) / 8;
    const unsigned leaf_bytes = (p->hp + 7) / 8;
    uint64_t t = 0;
    uint32_t l = 0;

    for (unsigned i = 0; i < tree_bytes; i++)
        t = (t << 8) | digest[md_bytes + i];
    for (unsigned i = 0; i < leaf_bytes; i++)
        l = (l << 8) | digest[md_bytes + tree_bytes + i];
    if (tree_bits < 64)
        t &= ((uint64_t)1 << tree_bits) - 1;
    *idx_tree = t;
    *idx_leaf = l & (((uint32_t)1 << p->hp) - 1);
}

int qstp_slh_sign_msg(const qstp_slh_params *p, uint8_t *sig, const qstp_slh_msg *m, const uint8_t *sk,
                      const uint8_t *addrnd)
{
    const unsigned n = p->n;
    const uint8_t *sk_seed = sk, *sk_prf = sk + n, *pk_seed = sk + 2 * n, *pk_root = sk + 3 * n;
    const size_t fors_bytes = (size_t)p->k * (p->a + 1) * n;
    uint8_t digest[QSTP_SLH_M_MAX];
    uint8_t pk_fors[QSTP_SLH_N_MAX];
    uint8_t root[QSTP_SLH_N_MAX];
    uint64_t idx_tree;
    uint32_t idx_leaf;
    qstp_slh_ctx c;

    /* R = PRF_msg(SK.prf, opt_rand, M); deterministic variant: opt_rand = PK.seed (Alg. 19 step 2). */
    qstp_slh_prf_msg(p, sig, sk_prf, addrnd != NULL ? addrnd : pk_seed, m);
    qstp_slh_h_msg(p, digest, sig, pk_seed, pk_root, m);
    slh_split_digest(p, digest, &idx_tree, &idx_leaf);

    qstp_slh_ctx_init(&c, p, pk_seed, sk_seed);
    qstp_slh_fors_sign(&c, sig + n, pk_fors, digest, idx_tree, idx_leaf);
    qstp_slh_ht_sign(&c, sig + n + fors_bytes, root, pk_fors, idx_tree, idx_leaf);
    qstp_slh_ctx_wipe(&c);

    /* The hypertree walk ends at the top root: if it is not PK.root the secret key is corrupt
     * (or a fault hit), and the signature would not verify; never release it. */
    if (!qstp_ct_equal(root, pk_root, n)) {
        qstp_wipe(sig, p->sig_bytes);
        return -1;
    }
    return 0;
}

int qstp_slh_verify_msg(const qstp_slh_params *p, const uint8_t *sig, size_t siglen, const qstp_slh_msg *m,
                        const uint8_t *pk)
{
    const unsigned n = p->n;
    const uint8_t *pk_seed = pk, *pk_root = pk + n;
    const size_t fors_bytes = (size_t)p->k * (p->a + 1) * n;
    uint8_t digest[QSTP_SLH_M_MAX];
    uint8_t pk_fors[QSTP_SLH_N_MAX];
    uint64_t idx_tree;
    uint32_t idx_leaf;
    qstp_slh_ctx c;
    int rc;

    if (siglen != p->sig_bytes) /* Alg. 20 step 1 */
        return -1;
    qstp_slh_h_msg(p, digest, sig, pk_seed, pk_root, m);
    slh_split_digest(p, digest, &idx_tree, &idx_leaf);

    qstp_slh_ctx_init(&c, p, pk_seed, NULL);
    qstp_slh_fors_pk_from_sig(&c, pk_fors, sig + n, digest, idx_tree, idx_leaf);
    rc = qstp_slh_ht_verify(&c, pk_fors, sig + n + fors_bytes, idx_tree, idx_leaf, pk_root);
    return rc;
}
