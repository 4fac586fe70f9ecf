/* One left-to-right walk over a Merkle tree that yields its root and one authentication path
 * (FIPS 205 xmss_node/xmss_sign, Alg. 9-10, and fors_node/fors_sign, Alg. 15-16, computed
 * together so no node is hashed twice). Memory: a stack of one node per level. */
#include <string.h>

#include "crypto/slhdsa/slh_address.h"
#include "crypto/slhdsa/slh_internal.h"

#define SLH_TREE_MAX_HEIGHT QSTP_SLH_A_MAX /* a >= h' in every set */

void qstp_slh_treehash(const qstp_slh_ctx *c, uint8_t *root, uint8_t *auth, uint32_t leaf_idx, uint32_t offset,
                       unsigned height, qstp_slh_leaf4_fn leaf4, void *info, const uint8_t adrs[32])
{
    const unsigned n = c->p->n;
    const uint32_t nleaves = (uint32_t)1 << height;
    uint8_t stack[SLH_TREE_MAX_HEIGHT * QSTP_SLH_N_MAX];
    uint8_t leaves[4 * QSTP_SLH_N_MAX];
    uint8_t cur[QSTP_SLH_N_MAX];
    uint8_t ad[32];

    memcpy(ad, adrs, 32);
    for (uint32_t j = 0; j < nleaves; j++) {
        if ((j & 3u) == 0)
            leaf4(c, leaves, j, info);
        memcpy(cur, leaves + (size_t)(j & 3u) * n, n);
        /* cur is node (z, j >> z). A left child waits on the stack; a right child is combined
         * with the waiting left one and climbs. Only the last leaf climbs to the root. */
        for (unsigned z = 0;; z++) {
            const uint32_t i = j >> z;
            if (auth != NULL && z < height && i == ((leaf_idx >> z) ^ 1u))
                memcpy(auth + (size_t)z * n, cur, n);
            if (z == height) {
                memcpy(root, cur, n);
                break;
            }
            if ((i & 1u) == 0) {
                memcpy(stack + (size_t)z * n, cur, n);
                break;
            }
            qstp_slh_adrs_set_tree_height(ad, z + 1);
            qstp_slh_adrs_set_tree_index(ad, (offset >> (z + 1)) + (i >> 1));
            qstp_slh_h(c, cur, ad, stack + (size_t)z * n, cur);
        }
    }
}
