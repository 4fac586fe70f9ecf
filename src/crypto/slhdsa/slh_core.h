/* slh_keygen_internal, slh_sign_internal and slh_verify_internal (FIPS 205 §9) over a message
 * given as pieces (slh_params.h), shared by the internal and pure public entry points. */
#ifndef QSTP_CRYPTO_SLHDSA_CORE_H
#define QSTP_CRYPTO_SLHDSA_CORE_H

#include "crypto/slhdsa/slh_params.h"

int qstp_slh_keygen(const qstp_slh_params *p, uint8_t *pk, uint8_t *sk, const uint8_t *sk_seed,
                    const uint8_t *sk_prf, const uint8_t *pk_seed);
int qstp_slh_sign_msg(const qstp_slh_params *p, uint8_t *sig, const qstp_slh_msg *m, const uint8_t *sk,
                      const uint8_t *addrnd);
int qstp_slh_verify_msg(const qstp_slh_params *p, const uint8_t *sig, size_t siglen, const qstp_slh_msg *m,
                        const uint8_t *pk);

#endif
