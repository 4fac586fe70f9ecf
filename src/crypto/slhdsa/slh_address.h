/* ADRS, the 32-byte hash address (FIPS 205 §4.2, §4.3). SHAKE sets use the full 32-byte form.
 * Layout: layer (4) | tree (12) | type (4) | keypair (4) | chain or tree height (4) |
 * hash or tree index (4), all big-endian. */
#ifndef QSTP_CRYPTO_SLHDSA_ADDRESS_H
#define QSTP_CRYPTO_SLHDSA_ADDRESS_H

#include <stdint.h>
#include <string.h>

enum {
    QSTP_SLH_WOTS_HASH = 0,
    QSTP_SLH_WOTS_PK = 1,
    QSTP_SLH_TREE = 2,
    QSTP_SLH_FORS_TREE = 3,
    QSTP_SLH_FORS_ROOTS = 4,
    QSTP_SLH_WOTS_PRF = 5,
    QSTP_SLH_FORS_PRF = 6
};

static inline void qstp_slh_adrs_put32(uint8_t a[32], unsigned off, uint32_t v)
{
    a[off] = (uint8_t)(v >> 24);
    a[off + 1] = (uint8_t)(v >> 16);
    a[off + 2] = (uint8_t)(v >> 8);
    a[off + 3] = (uint8_t)v;
}

static inline void qstp_slh_adrs_set_layer(uint8_t a[32], uint32_t layer)
{
    qstp_slh_adrs_put32(a, 0, layer);
}

/* The 12-byte tree field: the index is at most 64 bits, so the top 4 bytes are zero. */
static inline void qstp_slh_adrs_set_tree(uint8_t a[32], uint64_t tree)
{
    qstp_slh_adrs_put32(a, 4, 0);
    qstp_slh_adrs_put32(a, 8, (uint32_t)(tree >> 32));
    qstp_slh_adrs_put32(a, 12, (uint32_t)tree);
}

/* setTypeAndClear: the type changes the meaning of the last three words, so they are zeroed. */
static inline void qstp_slh_adrs_set_type(uint8_t a[32], uint32_t type)
{
    qstp_slh_adrs_put32(a, 16, type);
    memset(a + 20, 0, 12);
}

static inline void qstp_slh_adrs_set_keypair(uint8_t a[32], uint32_t kp)
{
    qstp_slh_adrs_put32(a, 20, kp);
}

static inline void qstp_slh_adrs_set_chain(uint8_t a[32], uint32_t i)
{
    qstp_slh_adrs_put32(a, 24, i);
}

static inline void qstp_slh_adrs_set_hash(uint8_t a[32], uint32_t i)
{
    qstp_slh_adrs_put32(a, 28, i);
}

static inline void qstp_slh_adrs_set_tree_height(uint8_t a[32], uint32_t z)
{
    qstp_slh_adrs_put32(a, 24, z);
}

static inline void qstp_slh_adrs_set_tree_index(uint8_t a[32], uint32_t i)
{
    qstp_slh_adrs_put32(a, 28, i);
}

#endif
