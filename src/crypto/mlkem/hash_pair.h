/* Internal to the mlkem module: the two long hashes of Decaps computed together (hash_pair.c). */
#ifndef QSTP_CRYPTO_MLKEM_HASH_PAIR_H
#define QSTP_CRYPTO_MLKEM_HASH_PAIR_H

#include <stddef.h>
#include <stdint.h>

/* h = H(ek) = SHA3-256(ek) (the §7.3 hash check) and kbar = J(z || c) = SHAKE256(z || c, 32)
 * (Alg. 18 step 9). Same results as the one-at-a-time qstp_sha3_256 / qstp_shake256. */
void qstp_mlkem_hash_h_j(uint8_t h[32], uint8_t kbar[32], const uint8_t *ek, size_t ek_len,
                         const uint8_t z[32], const uint8_t *c, size_t c_len);

#endif
