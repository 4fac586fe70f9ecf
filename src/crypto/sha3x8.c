/* Eight SHAKE sponges in lockstep over the interleaved x8 state (see sha3x8.h; FIPS 202 §4,
 * §6.2). Bytes enter and leave each instance's state as the little-endian concatenation of its
 * lanes (QSTP-WIRE §7.1), as qstp_keccak_xor_bytes / qstp_keccak_extract_bytes do for one. */
#include "crypto/sha3x8.h"

#include "crypto/sha3xn_impl.h"

/* The x8 permutation in the shape sha3xn_impl.h calls it. */
static void permute_x8(void *state)
{
    qstp_keccak_f1600_x8_lanes(((qstp_keccak_x8_state *)state)->s);
}

void qstp_keccak_x8_absorb_once(qstp_keccak_x8_state *st, unsigned rate, uint8_t domain,
                                const uint8_t *const in[8], size_t len)
{
    qstp_sha3xn_absorb_once(st, 8, permute_x8, rate, domain, in, len);
}

void qstp_keccak_x8_squeezeblocks(qstp_keccak_x8_state *st, unsigned rate, uint8_t *const out[8],
                                  size_t nblocks)
{
    qstp_sha3xn_squeezeblocks(st, 8, permute_x8, rate, out, nblocks);
}

void qstp_keccak_x8_wipe(qstp_keccak_x8_state *st)
{
    qstp_wipe(st, sizeof(*st));
}

static void shake_x8(unsigned rate, uint8_t *const out[8], size_t outlen, const uint8_t *const in[8],
                     size_t inlen)
{
    qstp_keccak_x8_state st;
    qstp_sha3xn_shake(&st, 8, permute_x8, rate, out, outlen, in, inlen);
}

void qstp_shake128x8(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen)
{
    shake_x8(QSTP_KECCAK_RATE_128, out, outlen, in, inlen);
}

void qstp_shake256x8(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen)
{
    shake_x8(QSTP_KECCAK_RATE_256, out, outlen, in, inlen);
}
