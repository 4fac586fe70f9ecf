/* A * v for ML-DSA with the matrix A = ExpandA(rho) sampled on the fly (FIPS 204 Alg. 32 and the
 * NTT-domain product of Alg. 6/7/8), never stored: a signer would need 56 KiB for ML-DSA-87's A.
 * Entries are sampled four at a time on the four-way Keccak permutation. */
#ifndef QSTP_CRYPTO_MLDSA_MATRIX_H
#define QSTP_CRYPTO_MLDSA_MATRIX_H

#include <stdint.h>

#include "crypto/mldsa/mldsa_params.h"
#include "crypto/mldsa/mldsa_poly.h"

/* out[i] = sum_j A[i][j] o vhat[j] * 2^-32 for i < k (NTT domain, |coefficients| < l q, not
 * reduced). vhat has l polynomials with |coefficients| < 9q. scratch: eight polynomials of the
 * caller's working memory (the signer lends temporaries it does not need yet, to save stack). */
void qstp_mldsa_matrix_mul(qstp_mldsa_poly *out, const qstp_mldsa_params *p,
                           const uint8_t rho[MLDSA_SEED_BYTES], const qstp_mldsa_poly *vhat,
                           qstp_mldsa_poly scratch[8]);

#endif
