/* Eight SHAKE sponges in lockstep over the interleaved x8 state (see sha3x8.h; FIPS 202 §4,
 * §6.2). Bytes enter and leave each instance's state as the little-endian concatenation of its
 * lanes (QSTP-WIRE §7.1), as qstp_keccak_xor_bytes / qstp_keccak_extract_bytes do for one. */
#include "crypto/sha3x8.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/endian.h"

void qstp_keccak_x8_absorb_once(qstp_keccak_x8_state *st, unsigned rate, uint8_t domain,
                                const uint8_t *const in[8], size_t len)
{
    size_t off = 0;

    memset(st, 0, sizeof(*st));
    for (; len - off >= rate; off += rate) {
        for (unsigned i = 0; i < rate / 8; i++)
            for (unsigned j = 0; j < 8; j++)
                st->s[i][j] ^= qstp_load64_le(in[j] + off + 8 * i);
        qstp_keccak_f1600_x8_lanes(st->s);
    }
    /* The tail (< rate bytes) with the domain byte and the final 0x80 (pad10*1, FIPS 202 §5.1).
     * The tail may be secret (seeds): the staging block is wiped. */
    uint8_t block[QSTP_KECCAK_RATE_MAX];
    const size_t tail = len - off;
    for (unsigned j = 0; j < 8; j++) {
        memset(block, 0, rate);
        if (tail > 0)
            memcpy(block, in[j] + off, tail);
        block[tail] ^= domain;
        block[rate - 1] ^= 0x80;
        for (unsigned i = 0; i < rate / 8; i++)
            st->s[i][j] ^= qstp_load64_le(block + 8 * i);
    }
    qstp_wipe(block, sizeof(block));
}

void qstp_keccak_x8_squeezeblocks(qstp_keccak_x8_state *st, unsigned rate, uint8_t *const out[8],
                                  size_t nblocks)
{
    for (size_t b = 0; b < nblocks; b++) {
        qstp_keccak_f1600_x8_lanes(st->s);
        for (unsigned i = 0; i < rate / 8; i++)
            for (unsigned j = 0; j < 8; j++)
                qstp_store64_le(out[j] + b * rate + 8 * i, st->s[i][j]);
    }
}

void qstp_keccak_x8_wipe(qstp_keccak_x8_state *st)
{
    qstp_wipe(st, sizeof(*st));
}

/* Whole blocks straight into the outputs, the last partial block through a staging buffer. */
static void shake_x8(unsigned rate, uint8_t *const out[8], size_t outlen, const uint8_t *const in[8],
                     size_t inlen)
{
    qstp_keccak_x8_state st;
    const size_t whole = outlen / rate, rest = outlen % rate;

    qstp_keccak_x8_absorb_once(&st, rate, QSTP_KECCAK_DOMAIN_SHAKE, in, inlen);
    qstp_keccak_x8_squeezeblocks(&st, rate, out, whole);
    if (rest > 0) {
        uint8_t block[8][QSTP_KECCAK_RATE_MAX];
        uint8_t *bp[8];
        for (unsigned j = 0; j < 8; j++)
            bp[j] = block[j];
        qstp_keccak_x8_squeezeblocks(&st, rate, bp, 1);
        for (unsigned j = 0; j < 8; j++)
            memcpy(out[j] + whole * rate, block[j], rest);
        qstp_wipe(block, sizeof(block));
    }
    qstp_keccak_x8_wipe(&st);
}

void qstp_shake128x8(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen)
{
    shake_x8(QSTP_KECCAK_RATE_128, out, outlen, in, inlen);
}

void qstp_shake256x8(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen)
{
    shake_x8(QSTP_KECCAK_RATE_256, out, outlen, in, inlen);
}
