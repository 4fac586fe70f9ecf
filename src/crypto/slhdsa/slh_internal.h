/* Internal SLH-DSA building blocks: WOTS+ (wots.c, FIPS 205 §5), the Merkle tree walk shared by
 * XMSS and FORS (treehash.c), XMSS and the hypertree (xmss.c, §6, §7), FORS (fors.c, §8).
 * All addresses are 32-byte ADRS (slh_address.h); all node values are n bytes. */
#ifndef QSTP_CRYPTO_SLHDSA_INTERNAL_H
#define QSTP_CRYPTO_SLHDSA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/slhdsa/slh_hash.h"

/* ---- WOTS+ ---- */
/* The len base-w digits of an n-byte message plus checksum (Alg. 7 steps 1-6). */
void qstp_slh_wots_digits(const qstp_slh_params *p, unsigned digits[QSTP_SLH_LEN_MAX], const uint8_t *msg);
/* wots_pkGen (Alg. 6) up to the chain ends: writes the len n-byte values that T_len compresses
 * into the WOTS+ public key, for the key pair in adrs (layer, tree, type WOTS_HASH, keypair set).
 * If digits is not NULL, also writes the WOTS+ signature of those digits to sig (len n bytes):
 * chain i's value after digits[i] steps is an intermediate of pkGen, so signing costs nothing
 * extra (Alg. 7). */
void qstp_slh_wots_chains(const qstp_slh_ctx *c, uint8_t *tmp, const uint8_t adrs[32], const unsigned *digits,
                          uint8_t *sig);
/* The chain ends of wots_pkGen for `count` key pairs at once (keypairs[l], l < count, in the
 * layer and tree of adrs): tmp[l] gets len n-byte values. All count * len chains form one job
 * list cut into batches of qstp_slh_lanes(c) (PRF then the w - 1 chain steps in vector lanes),
 * so eight-lane batches are full whatever len is. If digits is not NULL, key pair keypairs[0]
 * is also signed: sig gets its WOTS+ signature of those digits (len n bytes), captured on the
 * way (qstp_slh_chain_capture_x8; meant for 8 lanes, correct but slower with 4). */
void qstp_slh_wots_chain_ends(const qstp_slh_ctx *c, uint8_t *const tmp[], const uint8_t adrs[32],
                              const uint32_t *keypairs, unsigned count, const unsigned *digits, uint8_t *sig);
/* The WOTS_PK address T_len uses for the key pair in adrs (Alg. 6 steps 10-12). */
void qstp_slh_wots_pk_adrs(uint8_t pkad[32], const uint8_t adrs[32]);
/* wots_pkFromSig (Alg. 8). */
void qstp_slh_wots_pk_from_sig(const qstp_slh_ctx *c, uint8_t *pk, const uint8_t *sig, const uint8_t *msg,
                               const uint8_t adrs[32]);

/* ---- Merkle tree walk ---- */
/* Computes count consecutive leaves first, first + 1, ... (tree-local indices) into out
 * (count n bytes); count is a power of two >= 4 (the treehash chunk). */
typedef void (*qstp_slh_leaves_fn)(const qstp_slh_ctx *c, uint8_t *out, uint32_t first, uint32_t count,
                                   void *info);
/* Root (and, if auth != NULL, the authentication path of leaf leaf_idx, height n-byte nodes) of
 * a tree of 2^height leaves (height >= 2). adrs has its type (TREE or FORS_TREE), layer, tree and
 * keypair set; internal node z, i gets tree height z and tree index (offset >> z) + i, where
 * offset is the global index of leaf 0 (FIPS 205 Alg. 9, 14). */
void qstp_slh_treehash(const qstp_slh_ctx *c, uint8_t *root, uint8_t *auth, uint32_t leaf_idx, uint32_t offset,
                       unsigned height, qstp_slh_leaves_fn leaves, void *info, const uint8_t adrs[32]);

/* ---- XMSS and hypertree ---- */
/* Root of the XMSS tree (layer, tree). */
void qstp_slh_xmss_root(const qstp_slh_ctx *c, uint8_t *root, uint32_t layer, uint64_t tree);
/* ht_sign (Alg. 12): signs the n-byte msg; writes d (len + h') n bytes and the top root. */
void qstp_slh_ht_sign(const qstp_slh_ctx *c, uint8_t *sig, uint8_t *root, const uint8_t *msg, uint64_t idx_tree,
                      uint32_t idx_leaf);
/* ht_verify (Alg. 13): 0 if the signature leads to pk_root. */
int qstp_slh_ht_verify(const qstp_slh_ctx *c, const uint8_t *msg, const uint8_t *sig, uint64_t idx_tree,
                       uint32_t idx_leaf, const uint8_t *pk_root);

/* ---- FORS ---- */
/* fors_sign (Alg. 16) and, from the same tree walks, the FORS public key (Alg. 17's output). */
void qstp_slh_fors_sign(const qstp_slh_ctx *c, uint8_t *sig, uint8_t *pk, const uint8_t *md, uint64_t idx_tree,
                        uint32_t idx_leaf);
/* fors_pkFromSig (Alg. 17). */
void qstp_slh_fors_pk_from_sig(const qstp_slh_ctx *c, uint8_t *pk, const uint8_t *sig, const uint8_t *md,
                               uint64_t idx_tree, uint32_t idx_leaf);

#endif
