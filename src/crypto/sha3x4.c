/* Four SHAKE sponges in lockstep over the interleaved x4 state (see sha3x4.h; FIPS 202 §4, §6.2).
 * Bytes enter and leave each instance's state as the little-endian concatenation of its lanes
 * (QSTP-WIRE §7.1), exactly as qstp_keccak_xor_bytes / qstp_keccak_extract_bytes do for one. */
#include "crypto/sha3x4.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/endian.h"

/* XOR one whole block (rate bytes, a multiple of 8) of each input into the state. */
static void xor_block(qstp_keccak_x4_state *st, unsigned rate, const uint8_t *const in[4], size_t off)
{
    for (unsigned i = 0; i < rate / 8; i++)
        for (unsigned j = 0; j < 4; j++)
            st->s[i][j] ^= qstp_load64_le(in[j] + off + 8 * i);
}

void qstp_keccak_x4_absorb_once(qstp_keccak_x4_state *st, unsigned rate, uint8_t domain,
                                const uint8_t *const in[4], size_t len)
{
    size_t off = 0;

    memset(st, 0, sizeof(*st));
    for (; len - off >= rate; off += rate) {
        xor_block(st, rate, in, off);
        qstp_keccak_f1600_x4_lanes(st->s);
    }
    /* The tail (< rate bytes) with the domain byte and the final 0x80 (pad10*1, FIPS 202 §5.1).
     * The tail may be secret (PRF seeds): the staging block is wiped. */
    uint8_t block[QSTP_KECCAK_RATE_MAX];
    const size_t tail = len - off;
    for (unsigned j = 0; j < 4; j++) {
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

void qstp_keccak_x4_squeezeblocks(qstp_keccak_x4_state *st, unsigned rate, uint8_t *const out[4],
                                  size_t nblocks)
{
    for (size_t b = 0; b < nblocks; b++) {
        qstp_keccak_f1600_x4_lanes(st->s);
        for (unsigned i = 0; i < rate / 8; i++)
            for (unsigned j = 0; j < 4; j++)
                qstp_store64_le(out[j] + b * rate + 8 * i, st->s[i][j]);
    }
}

void qstp_keccak_x4_wipe(qstp_keccak_x4_state *st)
{
    qstp_wipe(st, sizeof(*st));
}

void qstp_shake128x4_absorb_once(qstp_keccak_x4_state *st, const uint8_t *in0, const uint8_t *in1,
                                 const uint8_t *in2, const uint8_t *in3, size_t len)
{
    const uint8_t *const in[4] = {in0, in1, in2, in3};
    qstp_keccak_x4_absorb_once(st, QSTP_KECCAK_RATE_128, QSTP_KECCAK_DOMAIN_SHAKE, in, len);
}

void qstp_shake128x4_squeezeblocks(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3,
                                   size_t nblocks, qstp_keccak_x4_state *st)
{
    uint8_t *const out[4] = {out0, out1, out2, out3};
    qstp_keccak_x4_squeezeblocks(st, QSTP_KECCAK_RATE_128, out, nblocks);
}

void qstp_shake256x4_absorb_once(qstp_keccak_x4_state *st, const uint8_t *in0, const uint8_t *in1,
                                 const uint8_t *in2, const uint8_t *in3, size_t len)
{
    const uint8_t *const in[4] = {in0, in1, in2, in3};
    qstp_keccak_x4_absorb_once(st, QSTP_KECCAK_RATE_256, QSTP_KECCAK_DOMAIN_SHAKE, in, len);
}

void qstp_shake256x4_squeezeblocks(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3,
                                   size_t nblocks, qstp_keccak_x4_state *st)
{
    uint8_t *const out[4] = {out0, out1, out2, out3};
    qstp_keccak_x4_squeezeblocks(st, QSTP_KECCAK_RATE_256, out, nblocks);
}

/* Whole blocks straight into the outputs, the last partial block through a staging buffer. */
static void shake_x4(unsigned rate, uint8_t *const out[4], size_t outlen, const uint8_t *const in[4],
                     size_t inlen)
{
    qstp_keccak_x4_state st;
    const size_t whole = outlen / rate, rest = outlen % rate;

    qstp_keccak_x4_absorb_once(&st, rate, QSTP_KECCAK_DOMAIN_SHAKE, in, inlen);
    qstp_keccak_x4_squeezeblocks(&st, rate, out, whole);
    if (rest > 0) {
        uint8_t block[4][QSTP_KECCAK_RATE_MAX];
        uint8_t *const bp[4] = {block[0], block[1], block[2], block[3]};
        qstp_keccak_x4_squeezeblocks(&st, rate, bp, 1);
        for (unsigned j = 0; j < 4; j++)
            memcpy(out[j] + whole * rate, block[j], rest);
        qstp_wipe(block, sizeof(block));
    }
    qstp_keccak_x4_wipe(&st);
}

void qstp_shake128x4(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3, size_t outlen,
                     const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3,
                     size_t inlen)
{
    uint8_t *const out[4] = {out0, out1, out2, out3};
    const uint8_t *const in[4] = {in0, in1, in2, in3};
    shake_x4(QSTP_KECCAK_RATE_128, out, outlen, in, inlen);
}

void qstp_shake256x4(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3, size_t outlen,
                     const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3,
                     size_t inlen)
{
    uint8_t *const out[4] = {out0, out1, out2, out3};
    const uint8_t *const in[4] = {in0, in1, in2, in3};
    shake_x4(QSTP_KECCAK_RATE_256, out, outlen, in, inlen);
}
