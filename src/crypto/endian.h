/* Little-endian loads and stores of 64-bit words, for every crypto file that moves bytes into
 * and out of word-sized state (Keccak lanes, RCS counters, bitsliced Rijndael). memcpy keeps
 * unaligned access defined; the swap is compiled only on big-endian targets. */
#ifndef QSTP_CRYPTO_ENDIAN_H
#define QSTP_CRYPTO_ENDIAN_H

#include <stdint.h>
#include <string.h>

static inline uint64_t qstp_load64_le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void qstp_store64_le(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
}

#endif
