/* K-PKE, the CPA-secure encryption scheme inside ML-KEM (FIPS 203 §5). Internal to the module.
 * Sizes follow the parameter set: ek = 384k + 32, dk = 384k, c = 32 (du k + dv) bytes. */
#ifndef QSTP_CRYPTO_MLKEM_KPKE_H
#define QSTP_CRYPTO_MLKEM_KPKE_H

#include <stdint.h>

#include "crypto/mlkem/params.h"
#include "crypto/mlkem/poly.h"

/* K-PKE.KeyGen(d) (Alg. 13), including (rho, sigma) = G(d || k). */
void qstp_mlkem_kpke_keygen(const qstp_mlkem_params *p, uint8_t *ek, uint8_t *dk,
                            const uint8_t d[32]);
/* K-PKE.Encrypt(ek, m, r) (Alg. 14). ek's coefficients are taken as decoded (no modulus check
 * here; ML-KEM.Encaps checks it first). */
void qstp_mlkem_kpke_encrypt(const qstp_mlkem_params *p, uint8_t *c, const uint8_t *ek,
                             const uint8_t m[32], const uint8_t r[32]);
/* The same with A-hat^T already sampled by the caller (qstp_mlkem_gen_matrix of ek's rho,
 * transposed), so the caller can hash in the spare Keccak lanes of that sampling. */
void qstp_mlkem_kpke_encrypt_at(const qstp_mlkem_params *p, uint8_t *c, const uint8_t *ek,
                                const qstp_mlkem_poly *at, const uint8_t m[32],
                                const uint8_t r[32]);
/* K-PKE.Decrypt(dk, c) (Alg. 15). */
void qstp_mlkem_kpke_decrypt(const qstp_mlkem_params *p, uint8_t m[32], const uint8_t *dk,
                             const uint8_t *c);

#endif
