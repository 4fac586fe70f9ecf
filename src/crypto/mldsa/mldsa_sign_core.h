/* Internal to the mldsa module: the signing core of the precomputed signer (mldsa_sign.c; secrets
 * and A expanded once into a caller-owned qstp_mldsa_signer, mldsa_signer.c). The one-shot signer
 * from an encoded key has its own lower-memory loop (mldsa_sign_oneshot.c). */
#ifndef QSTP_CRYPTO_MLDSA_SIGN_CORE_H
#define QSTP_CRYPTO_MLDSA_SIGN_CORE_H

#include <stdint.h>

#include "crypto/mldsa/mldsa_params.h"
#include "crypto/mldsa/mldsa_poly.h"

/* Where the core finds the key: s1, s2, t0 in the NTT domain (l, k, k polynomials) and the
 * expanded matrix A^ (k x l, row-major). */
typedef struct {
    const qstp_mldsa_poly *s1hat, *s2hat, *t0hat;
    const qstp_mldsa_poly *ahat;
    const uint8_t *rho; /* 32 bytes */
    const uint8_t *key; /* K, 32 bytes */
    /* s1 then s2 in the normal domain, each extended to 512 bytes (qstp_mldsa_poly_sparse_ext),
     * for c s1 and c s2 as sparse products; NULL (or beta > 127) to use NTT products. */
    const int8_t *sext;
} qstp_mldsa_sign_key;

/* Unpack s1, s2 (range-checked) and t0 of the encoded sk into the NTT domain. Returns 1 if an
 * s1/s2 coefficient is out of range (constant time; the caller declassifies the verdict). */
unsigned qstp_mldsa_load_secret(qstp_mldsa_poly *s1hat, qstp_mldsa_poly *s2hat,
                                qstp_mldsa_poly *t0hat, const qstp_mldsa_params *p, const uint8_t *sk);

/* Sign_internal from mu (FIPS 204 Alg. 7 lines 7-33). sig is written only on success. */
int qstp_mldsa_sign_core(const qstp_mldsa_params *p, uint8_t *sig, const uint8_t mu[MLDSA_CRH_BYTES],
                         const qstp_mldsa_sign_key *key, const uint8_t rnd[MLDSA_SEED_BYTES]);

#endif
