/* Four SHAKE sponges in lockstep over the interleaved x4 state (see sha3x4.h; FIPS 202 §4, §6.2).
 * Bytes enter and leave each instance's state as the little-endian concatenation of its lanes
 * (QSTP-WIRE §7.1), exactly as qstp_keccak_xor_bytes / qstp_keccak_extract_bytes do for one. */
#include "crypto/sha3x4.h"

#include "crypto/sha3xn_impl.h"

/* The x4 permutation in the shape sha3xn_impl.h calls it. */
static void permute_x4(void *state)
{
    qstp_keccak_f1600_x4_lanes(((qstp_keccak_x4_state *)state)->s);
}

void qstp_keccak_x4_absorb_once(qstp_keccak_x4_state *st, unsigned rate, uint8_t domain,
                                const uint8_t *const in[4], size_t len)
{
    qstp_sha3xn_absorb_once(st, 4, permute_x4, rate, domain, in, len);
}

void qstp_keccak_x4_squeezeblocks(qstp_keccak_x4_state *st, unsigned rate, uint8_t *const out[4],
                                  size_t nblocks)
{
    qstp_sha3xn_squeezeblocks(st, 4, permute_x4, rate, out, nblocks);
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

static void shake_x4(unsigned rate, uint8_t *const out[4], size_t outlen, const uint8_t *const in[4],
                     size_t inlen)
{
    qstp_keccak_x4_state st;
    qstp_sha3xn_shake(&st, 4, permute_x4, rate, out, outlen, in, inlen);
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
