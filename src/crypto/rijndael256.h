/* Rijndael with a 256-bit block (Nb = 8), forward direction only, for RCS (QSTP-WIRE §6.3, §6.4).
 *
 * Round keys are given as (rounds + 1) * 32 bytes: round key r is rk[32r .. 32r + 32), XORed
 * byte-wise into the state (§6.2). The key schedule is the caller's (RCS derives the round keys
 * with cSHAKE), so any number of rounds from 1 to QSTP_RIJNDAEL256_MAX_ROUNDS works: RCS-256 uses
 * 22, RCS-512 30, and the standard Rijndael-256 (NESSIE vectors) 14.
 *
 * Backends with identical output: the portable one (bitsliced, constant time, no table), the
 * AES-NI one (two 128-bit halves, blend/shuffle before AESENC, four blocks in flight) and, for
 * counter mode, an AVX-512/VAES one (four blocks per register, 16 in flight). The un-suffixed
 * functions choose at run time (src/crypto/cpu.h; QSTP_NO_ASM=1 forces the portable code). None
 * of them branches on or indexes memory with key, nonce or data bytes. */
#ifndef QSTP_CRYPTO_RIJNDAEL256_H
#define QSTP_CRYPTO_RIJNDAEL256_H

#include <stddef.h>
#include <stdint.h>

#define QSTP_RIJNDAEL256_BLOCK_SIZE 32u
#define QSTP_RIJNDAEL256_MAX_ROUNDS 30u

/* One block: out = E(rk, in). in and out may be the same buffer. */
void qstp_rijndael256_encrypt(const uint8_t *rk, unsigned rounds, const uint8_t in[32], uint8_t out[32]);

/* Counter mode (§6.4): for each 32-byte block of in (the last may be partial),
 * out = in XOR E(rk, nonce), then nonce += 1 as a 256-bit little-endian integer. The nonce is
 * advanced by ceil(len / 32) and written back. in and out may be the same buffer (in place), but
 * must not otherwise overlap. len = 0 does nothing. */
void qstp_rijndael256_ctr_xor(const uint8_t *rk, unsigned rounds, uint8_t nonce[32], const uint8_t *in,
                              uint8_t *out, size_t len);

/* The backends, for tests and benchmarks. The _aesni ones must only be called when
 * qstp_cpu_has_aesni() is true, the _avx512 one only when qstp_cpu_has_avx512() is. */
void qstp_rijndael256_encrypt_portable(const uint8_t *rk, unsigned rounds, const uint8_t in[32],
                                       uint8_t out[32]);
void qstp_rijndael256_ctr_xor_portable(const uint8_t *rk, unsigned rounds, uint8_t nonce[32],
                                       const uint8_t *in, uint8_t *out, size_t len);
void qstp_rijndael256_encrypt_aesni(const uint8_t *rk, unsigned rounds, const uint8_t in[32],
                                    uint8_t out[32]);
void qstp_rijndael256_ctr_xor_aesni(const uint8_t *rk, unsigned rounds, uint8_t nonce[32],
                                    const uint8_t *in, uint8_t *out, size_t len);
void qstp_rijndael256_ctr_xor_avx512(const uint8_t *rk, unsigned rounds, uint8_t nonce[32],
                                     const uint8_t *in, uint8_t *out, size_t len);

/* Shared by the backends: nonce += 1 as a 256-bit little-endian integer, without branches. */
static inline void qstp_rijndael256_ctr_increment(uint64_t ctr[4])
{
    uint64_t c;
    ctr[0] += 1;
    c = (uint64_t)(ctr[0] == 0);
    ctr[1] += c;
    c &= (uint64_t)(ctr[1] == 0);
    ctr[2] += c;
    c &= (uint64_t)(ctr[2] == 0);
    ctr[3] += c;
}

#endif
