/* Four independent SHAKE instances driven together (FIPS 202 §6.2), for the parallel hashing in
 * ML-KEM (matrix: SHAKE128 on rho||j||i, 34 bytes; noise: SHAKE256 PRF on sigma||N, 33 bytes),
 * ML-DSA (ExpandA: SHAKE128 on 34 bytes; ExpandS/ExpandMask: SHAKE256 on 66 bytes) and SLH-DSA.
 *
 * The four inputs have the same length and the four outputs the same length, so the four
 * sponges permute in lockstep: one qstp_keccak_f1600_x4_lanes call per block for all four (AVX2
 * or AVX-512VL when the CPU has them, else four single permutations). The state is kept
 * interleaved (lane i of instance j at s[i][j]), the vector backends' layout.
 *
 * Use:  qstp_keccak_x4_state st;
 *       qstp_shake128x4_absorb_once(&st, in0, in1, in2, in3, 34);
 *       qstp_shake128x4_squeezeblocks(out0, out1, out2, out3, nblocks, &st);  // 168 B per block
 *       ... (call squeezeblocks again for more) ...
 *       qstp_keccak_x4_wipe(&st);   // when the inputs were secret
 * Nothing allocates; outputs may not overlap each other or the state. */
#ifndef QSTP_CRYPTO_SHA3X4_H
#define QSTP_CRYPTO_SHA3X4_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/keccak.h"

typedef struct qstp_keccak_x4_state {
    _Alignas(32) uint64_t s[25][4];
} qstp_keccak_x4_state;

/* Generic form: zero the state, absorb len bytes of each in[j] (any length, whole blocks are
 * permuted on the way), pad with `domain` and pad10*1. No permutation after the padding: the
 * first squeezeblocks call permutes first (as qstp_keccak_finalize / §7.1). */
void qstp_keccak_x4_absorb_once(qstp_keccak_x4_state *st, unsigned rate, uint8_t domain,
                                const uint8_t *const in[4], size_t len);
/* Permute, write rate bytes to each out[j]; nblocks times (out[j] gets nblocks * rate bytes). */
void qstp_keccak_x4_squeezeblocks(qstp_keccak_x4_state *st, unsigned rate, uint8_t *const out[4],
                                  size_t nblocks);
void qstp_keccak_x4_wipe(qstp_keccak_x4_state *st);

/* SHAKE128 (rate 168) and SHAKE256 (rate 136). */
#define QSTP_SHAKE128X4_BLOCK QSTP_KECCAK_RATE_128
#define QSTP_SHAKE256X4_BLOCK QSTP_KECCAK_RATE_256
void qstp_shake128x4_absorb_once(qstp_keccak_x4_state *st, const uint8_t *in0, const uint8_t *in1,
                                 const uint8_t *in2, const uint8_t *in3, size_t len);
void qstp_shake128x4_squeezeblocks(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3,
                                   size_t nblocks, qstp_keccak_x4_state *st);
void qstp_shake256x4_absorb_once(qstp_keccak_x4_state *st, const uint8_t *in0, const uint8_t *in1,
                                 const uint8_t *in2, const uint8_t *in3, size_t len);
void qstp_shake256x4_squeezeblocks(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3,
                                   size_t nblocks, qstp_keccak_x4_state *st);

/* One-shot: outj = SHAKE(inj, inlen) truncated to outlen bytes (any outlen). Wipes its state. */
void qstp_shake128x4(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3, size_t outlen,
                     const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3,
                     size_t inlen);
void qstp_shake256x4(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3, size_t outlen,
                     const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3,
                     size_t inlen);

#endif
