/* One left-to-right walk over a Merkle tree that yields its root and one authentication path
 * (FIPS 205 xmss_node/xmss_sign, Alg. 9-10, and fors_node/fors_sign, Alg. 15-16, computed
 * together so no node is hashed twice).
 *
 * Leaves come in chunks of 2^c (c = min(height, 5)), computed by one callback so it can fill
 * eight lanes; the bottom c levels of each chunk are hashed level by level, eight or four H
 * calls at a time (qstp_slh_h_x8 / _x4, as qstp_slh_lanes says), and the chunk's root joins a
 * classic treehash stack (one node per level) for the levels above. Memory: 32 leaves + the
 * stack, about 1.5 KiB at n = 32. */
#include <string.h>

#include "crypto/slhdsa/slh_address.h"
#include "crypto/slhdsa/slh_internal.h"

#define SLH_TREE_MAX_HEIGHT QSTP_SLH_A_MAX /* a >= h' in every set */
#define SLH_CHUNK_LOG 5u

/* Copies the level-z node with tree-local index want into auth[z] if it is one of the cnt nodes
 * base, base + 1, ... held in nodes. */
static void slh_auth_capture(uint8_t *auth, unsigned n, unsigned z, uint32_t want, uint32_t base, uint32_t cnt,
                             const uint8_t *nodes)
{
    if (auth != NULL && want >= base && want - base < cnt)
        memcpy(auth + (size_t)z * n, nodes + (size_t)(want - base) * n, n);
}

/* w (8 or 4) parents t .. t + w - 1 at height z from their children in buf, with tree index
 * first + t + k; written over buf[t + k] (all children are read before anything is written). */
static void slh_parents(const qstp_slh_ctx *c, uint8_t *buf, uint8_t ad[8][32], unsigned w, uint32_t t, unsigned z,
                        uint32_t first)
{
    const unsigned n = c->p->n;
    uint8_t *out[8];
    const uint8_t *l[8], *r[8], *ads[8];

    for (unsigned k = 0; k < w; k++) {
        out[k] = buf + (size_t)(t + k) * n;
        l[k] = buf + (size_t)(2 * (t + k)) * n;
        r[k] = l[k] + n;
        qstp_slh_adrs_set_tree_height(ad[k], z);
        qstp_slh_adrs_set_tree_index(ad[k], first + t + k);
        ads[k] = ad[k];
    }
    if (w == 8)
        qstp_slh_h_x8(c, out, ads, l, r);
    else
        qstp_slh_h_x4(c, out, ads, l, r);
}

void qstp_slh_treehash(const qstp_slh_ctx *c, uint8_t *root, uint8_t *auth, uint32_t leaf_idx, uint32_t offset,
                       unsigned height, qstp_slh_leaves_fn leaves, void *info, const uint8_t adrs[32])
{
    const unsigned n = c->p->n;
    const unsigned clog = height < SLH_CHUNK_LOG ? height : SLH_CHUNK_LOG;
    const uint32_t chunk = (uint32_t)1 << clog;
    const uint32_t nleaves = (uint32_t)1 << height;
    uint8_t stack[SLH_TREE_MAX_HEIGHT * QSTP_SLH_N_MAX];
    uint8_t buf[(1u << SLH_CHUNK_LOG) * QSTP_SLH_N_MAX];
    const unsigned lanes = qstp_slh_lanes(c);
    uint8_t ad[8][32];

    for (unsigned j = 0; j < 8; j++)
        memcpy(ad[j], adrs, 32);
    for (uint32_t j0 = 0; j0 < nleaves; j0 += chunk) {
        uint32_t cnt = chunk;

        leaves(c, buf, j0, chunk, info);
        /* Bottom levels inside the chunk: nodes (z, base + t) for t < cnt, in buf. */
        for (unsigned z = 0; z < clog; z++) {
            const uint32_t base = j0 >> z, pairs = cnt / 2;
            uint32_t t = 0;

            slh_auth_capture(auth, n, z, (leaf_idx >> z) ^ 1u, base, cnt, buf);
            /* Parent t = H(child 2t, child 2t + 1), written over buf[t]: a call reads all its
             * children before writing, and later calls read only beyond what was written. */
            for (unsigned w = lanes; w >= 4; w /= 2)
                for (; t + w <= pairs; t += w)
                    slh_parents(c, buf, ad, w, t, z + 1, (offset >> (z + 1)) + (base >> 1));
            for (; t < pairs; t++) {
                qstp_slh_adrs_set_tree_height(ad[0], z + 1);
                qstp_slh_adrs_set_tree_index(ad[0], (offset >> (z + 1)) + (base >> 1) + t);
                qstp_slh_h(c, buf + (size_t)t * n, ad[0], buf + (size_t)(2 * t) * n, buf + (size_t)(2 * t + 1) * n);
            }
            cnt = pairs;
        }
        /* buf[0] is node (clog, j0 >> clog). A left child waits on the stack; a right child is
         * combined with the waiting left one and climbs. Only the last chunk climbs to the root. */
        for (unsigned z = clog;; z++) {
            const uint32_t i = j0 >> z;
            slh_auth_capture(auth, n, z, z < height ? (leaf_idx >> z) ^ 1u : UINT32_MAX, i, 1, buf);
            if (z == height) {
                memcpy(root, buf, n);
                break;
            }
            if ((i & 1u) == 0) {
                memcpy(stack + (size_t)z * n, buf, n);
                break;
            }
            qstp_slh_adrs_set_tree_height(ad[0], z + 1);
            qstp_slh_adrs_set_tree_index(ad[0], (offset >> (z + 1)) + (i >> 1));
            qstp_slh_h(c, buf, ad[0], stack + (size_t)z * n, buf);
        }
    }
}
