/* The SLH-DSA hash seam (FIPS 205 §11.1, SHAKE instantiation): F, H, T_l, PRF, PRF_msg, H_msg.
 *
 * F, H and PRF are SHAKE256(PK.seed || ADRS || X) with |X| = n or 2n, i.e. at most 128 bytes:
 * always one Keccak block. n and |ADRS| are multiples of 8, so every field is whole lanes; the
 * context keeps a lane template with PK.seed and the SHAKE padding already in place, and a call
 * only XORs in ADRS and X, permutes once and reads n bytes. No sponge buffering, no copies.
 *
 * The _x4 entry points hash four independent inputs at once. Portable: four states through
 * qstp_keccak_f1600_x4. On x86-64 they dispatch (ctx->x4, chosen at ctx init from crypto/cpu.h)
 * to a 4-way Keccak on 256-bit vectors, AVX2 or AVX-512VL (hash_x4_*.c, slh_keccak4.h); chain_x4
 * keeps whole WOTS+ chains in vector lanes. Every caller that has four independent hashes (WOTS+
 * chains, FORS leaves, the bottom tree levels, WOTS+ public-key compression) uses them.
 * The _x8 entry points do the same for eight inputs: on AVX-512 (ctx->x8) one pass over 512-bit
 * vectors (hash_x8_avx512.c, the 8-way round of keccak_x8_round.h), else two x4 calls; WOTS+
 * key generation, FORS leaves and the bottom tree levels use them when qstp_slh_lanes says 8.
 * Inputs and outputs may alias (in == out). */
#ifndef QSTP_CRYPTO_SLHDSA_HASH_H
#define QSTP_CRYPTO_SLHDSA_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/slhdsa/slh_params.h"

typedef struct qstp_slh_ctx {
    const qstp_slh_params *p;
    uint64_t tmpl_f[25]; /* PK.seed lanes + padding for |input| = 2n + 32 (F, PRF) */
    uint64_t tmpl_h[25]; /* PK.seed lanes + padding for |input| = 3n + 32 (H) */
    uint8_t pk_seed[QSTP_SLH_N_MAX];
    uint8_t sk_seed[QSTP_SLH_N_MAX]; /* secret; zero in a verify-only context */
    unsigned x4;                     /* x4 backend: 0 portable, 1 AVX2, 2 AVX-512VL (cpu.h) */
    unsigned x8;                     /* 1: the _x8 calls run on AVX-512 zmm; 0: as two _x4 calls */
} qstp_slh_ctx;

/* sk_seed may be NULL (verification). Wipe with qstp_slh_ctx_wipe. */
void qstp_slh_ctx_init(qstp_slh_ctx *c, const qstp_slh_params *p, const uint8_t *pk_seed,
                       const uint8_t *sk_seed);
void qstp_slh_ctx_wipe(qstp_slh_ctx *c);

/* F(PK.seed, ADRS, M1), M1 of n bytes. */
void qstp_slh_f(const qstp_slh_ctx *c, uint8_t *out, const uint8_t adrs[32], const uint8_t *in);
void qstp_slh_f_x4(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                   const uint8_t *const in[4]);
/* Four WOTS+ chains (Alg. 5) at once: val[j] <- F applied steps times, with hash addresses
 * start .. start + steps - 1 in adrs[j] (whose hash-address field is ignored). */
void qstp_slh_chain_x4(const qstp_slh_ctx *c, uint8_t *const val[4], const uint8_t *const adrs[4], unsigned start,
                       unsigned steps);
/* H(PK.seed, ADRS, left || right), each n bytes. */
void qstp_slh_h(const qstp_slh_ctx *c, uint8_t *out, const uint8_t adrs[32], const uint8_t *left,
                const uint8_t *right);
/* PRF(PK.seed, SK.seed, ADRS) = SHAKE256(PK.seed || ADRS || SK.seed). */
/* Four independent H calls. */
void qstp_slh_h_x4(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                   const uint8_t *const left[4], const uint8_t *const right[4]);
void qstp_slh_prf(const qstp_slh_ctx *c, uint8_t *out, const uint8_t adrs[32]);
void qstp_slh_prf_x4(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4]);
/* The 8-way forms (FIPS 205 hashes unchanged): one 8-lane AVX-512 pass when c->x8, else two
 * x4 calls. qstp_slh_lanes says which width pays: 8 when c->x8, else 4 (so a caller with a
 * short batch does not pad four lanes it does not need). */
unsigned qstp_slh_lanes(const qstp_slh_ctx *c);
void qstp_slh_f_x8(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8],
                   const uint8_t *const in[8]);
void qstp_slh_prf_x8(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8]);
void qstp_slh_h_x8(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8],
                   const uint8_t *const left[8], const uint8_t *const right[8]);
void qstp_slh_chain_x8(const qstp_slh_ctx *c, uint8_t *const val[8], const uint8_t *const adrs[8], unsigned start,
                       unsigned steps);
/* Eight whole WOTS+ chains (0 .. w - 1 steps, as chain_x8 with start 0) that also copy lane j's
 * value after at[j] steps (0 <= at[j] <= w - 1) to cap[j]: a WOTS+ signature value (Alg. 7)
 * taken on the way to the chain end. cap[j] may not alias val[j]. */
void qstp_slh_chain_capture_x8(const qstp_slh_ctx *c, uint8_t *const val[8], const uint8_t *const adrs[8],
                               uint8_t *const cap[8], const unsigned at[8]);
/* T_l(PK.seed, ADRS, M), M of inlen = l n bytes. */
void qstp_slh_t(const qstp_slh_ctx *c, uint8_t *out, const uint8_t adrs[32], const uint8_t *in, size_t inlen);
/* Four T_l calls on inputs of the same length inlen (a multiple of n). */
void qstp_slh_t_x4(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                   const uint8_t *const in[4], size_t inlen);

/* PRF_msg(SK.prf, opt_rand, M) = SHAKE256(SK.prf || opt_rand || M, 8n). */
void qstp_slh_prf_msg(const qstp_slh_params *p, uint8_t *out, const uint8_t *sk_prf, const uint8_t *opt_rand,
                      const qstp_slh_msg *m);
/* H_msg(R, PK.seed, PK.root, M) = SHAKE256(R || PK.seed || PK.root || M, 8m). */
void qstp_slh_h_msg(const qstp_slh_params *p, uint8_t *out, const uint8_t *r, const uint8_t *pk_seed,
                    const uint8_t *pk_root, const qstp_slh_msg *m);

#endif
