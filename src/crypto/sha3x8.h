/* Eight independent SHAKE instances driven together (FIPS 202 §6.2): the 8-way form of sha3x4.h,
 * for callers with eight same-length hashes at once (SLH-DSA tree hashing, batched sampling).
 *
 * The eight inputs have the same length and the eight outputs the same length, so the sponges
 * permute in lockstep: one qstp_keccak_f1600_x8_lanes call per block for all eight (AVX-512F on
 * 512-bit registers when the CPU has it, else two 4-way calls). The state is interleaved (lane i
 * of instance j at s[i][j]), one 64-byte vector per lane.
 *
 * Use:  qstp_keccak_x8_state st;
 *       qstp_keccak_x8_absorb_once(&st, QSTP_KECCAK_RATE_256, QSTP_KECCAK_DOMAIN_SHAKE, in, len);
 *       qstp_keccak_x8_squeezeblocks(&st, QSTP_KECCAK_RATE_256, out, nblocks);
 *       qstp_keccak_x8_wipe(&st);   // when the inputs were secret
 * or the one-shot qstp_shake128x8 / qstp_shake256x8. Nothing allocates; outputs may not overlap
 * each other or the state. */
#ifndef QSTP_CRYPTO_SHA3X8_H
#define QSTP_CRYPTO_SHA3X8_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/keccak.h"

typedef struct qstp_keccak_x8_state {
    _Alignas(64) uint64_t s[25][8];
} qstp_keccak_x8_state;

/* Zero the state, absorb len bytes of each in[j] (whole blocks are permuted on the way), pad
 * with `domain` and pad10*1. No permutation after the padding: the first squeezeblocks call
 * permutes first (as qstp_keccak_finalize, QSTP-WIRE §7.1). rate is a multiple of 8, <= 168. */
void qstp_keccak_x8_absorb_once(qstp_keccak_x8_state *st, unsigned rate, uint8_t domain,
                                const uint8_t *const in[8], size_t len);
/* Permute, write rate bytes to each out[j]; nblocks times (out[j] gets nblocks * rate bytes). */
void qstp_keccak_x8_squeezeblocks(qstp_keccak_x8_state *st, unsigned rate, uint8_t *const out[8],
                                  size_t nblocks);
void qstp_keccak_x8_wipe(qstp_keccak_x8_state *st);

/* One-shot: out[j] = SHAKE(in[j], inlen) truncated to outlen bytes (any outlen). Wipes its
 * state and staging buffers. */
void qstp_shake128x8(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen);
void qstp_shake256x8(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen);

#endif
