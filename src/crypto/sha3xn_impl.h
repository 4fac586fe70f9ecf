/* The SHAKE sponge steps of sha3x4.c and sha3x8.c, written once for any lane count (FIPS 202
 * §4, §5.1, §6.2). Internal: include only from those two files.
 *
 * The state is the interleaved one of sha3x4.h / sha3x8.h (a struct of one uint64_t[25][lanes])
 * seen flat: lane i of instance j at s[i * lanes + j]. Bytes enter and leave each instance's state as the little-endian
 * concatenation of its lanes (QSTP-WIRE §7.1), as qstp_keccak_xor_bytes /
 * qstp_keccak_extract_bytes do for one. The functions are static inline and each file calls them
 * with a constant lane count and permutation, so the compiler specialises them to the code each
 * file had by itself (same instruction counts). */
#ifndef QSTP_CRYPTO_SHA3XN_IMPL_H
#define QSTP_CRYPTO_SHA3XN_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/endian.h"
#include "crypto/keccak.h"

/* The loops over the lanes are unrolled whole, as the compilers did in the per-file code with a
 * literal 4 or 8 (without it gcc keeps the x4 squeeze loop rolled: +3% instructions there). */
#define QSTP_SHA3XN_UNROLL _Pragma("GCC unroll 8")

/* Keccak-f[1600] on all `lanes` interleaved states at once; state is the caller's state object
 * (qstp_keccak_x4_state / _x8_state), passed through untouched. */
typedef void (*qstp_sha3xn_permute_fn)(void *state);

/* Zero the state, absorb len bytes of each in[j] (whole blocks permuted on the way), then the
 * tail with `domain` and pad10*1; no permutation after the padding (the first squeeze permutes
 * first). rate is a multiple of 8, at most QSTP_KECCAK_RATE_MAX. */
static inline void qstp_sha3xn_absorb_once(void *state, unsigned lanes, qstp_sha3xn_permute_fn permute,
                                           unsigned rate, uint8_t domain, const uint8_t *const *in,
                                           size_t len)
{
    uint64_t *const s = (uint64_t *)state;
    size_t off = 0;

    memset(s, 0, 25 * lanes * sizeof(uint64_t));
    for (; len - off >= rate; off += rate) {
        for (unsigned i = 0; i < rate / 8; i++)
            QSTP_SHA3XN_UNROLL
            for (unsigned j = 0; j < lanes; j++)
                s[i * lanes + j] ^= qstp_load64_le(in[j] + off + 8 * i);
        permute(state);
    }
    /* The tail (< rate bytes) with the domain byte and the final 0x80 (pad10*1, FIPS 202 §5.1).
     * The tail may be secret (PRF seeds): the staging block is wiped. */
    uint8_t block[QSTP_KECCAK_RATE_MAX];
    const size_t tail = len - off;
    for (unsigned j = 0; j < lanes; j++) {
        memset(block, 0, rate);
        if (tail > 0)
            memcpy(block, in[j] + off, tail);
        block[tail] ^= domain;
        block[rate - 1] ^= 0x80;
        for (unsigned i = 0; i < rate / 8; i++)
            s[i * lanes + j] ^= qstp_load64_le(block + 8 * i);
    }
    qstp_wipe(block, sizeof(block));
}

/* Permute, write rate bytes to each out[j]; nblocks times (out[j] gets nblocks * rate bytes). */
static inline void qstp_sha3xn_squeezeblocks(void *state, unsigned lanes, qstp_sha3xn_permute_fn permute,
                                             unsigned rate, uint8_t *const *out, size_t nblocks)
{
    const uint64_t *const s = (const uint64_t *)state;

    for (size_t b = 0; b < nblocks; b++) {
        permute(state);
        for (unsigned i = 0; i < rate / 8; i++)
            QSTP_SHA3XN_UNROLL
            for (unsigned j = 0; j < lanes; j++)
                qstp_store64_le(out[j] + b * rate + 8 * i, s[i * lanes + j]);
    }
}

/* One-shot SHAKE on a caller's state (left wiped): out[j] = SHAKE(in[j], inlen) truncated to
 * outlen bytes. Whole blocks go straight into the outputs; the last partial block of each
 * instance goes through a staging block, wiped. */
static inline void qstp_sha3xn_shake(void *state, unsigned lanes, qstp_sha3xn_permute_fn permute,
                                     unsigned rate, uint8_t *const *out, size_t outlen,
                                     const uint8_t *const *in, size_t inlen)
{
    const uint64_t *const s = (const uint64_t *)state;
    const size_t whole = outlen / rate, rest = outlen % rate;

    qstp_sha3xn_absorb_once(state, lanes, permute, rate, QSTP_KECCAK_DOMAIN_SHAKE, in, inlen);
    qstp_sha3xn_squeezeblocks(state, lanes, permute, rate, out, whole);
    if (rest > 0) {
        uint8_t block[QSTP_KECCAK_RATE_MAX];
        permute(state);
        for (unsigned j = 0; j < lanes; j++) {
            for (unsigned i = 0; i < rate / 8; i++)
                qstp_store64_le(block + 8 * i, s[i * lanes + j]);
            memcpy(out[j] + whole * rate, block, rest);
        }
        qstp_wipe(block, sizeof(block));
    }
    qstp_wipe(state, 25 * lanes * sizeof(uint64_t));
}

#endif
