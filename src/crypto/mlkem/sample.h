/* ML-KEM sampling from the Keccak XOFs: the public matrix (SampleNTT, FIPS 203 Alg. 7) and the
 * secret noise (PRF + SamplePolyCBD, §4.1 and Alg. 8). Both use qstp_keccak_f1600_x4 so a 4-way
 * Keccak backend speeds them up without changes here. */
#ifndef QSTP_CRYPTO_MLKEM_SAMPLE_H
#define QSTP_CRYPTO_MLKEM_SAMPLE_H

#include <stdint.h>

#include "crypto/mlkem/poly.h"

/* a[i k + j] = SampleNTT(rho || j || i), or SampleNTT(rho || i || j) if transposed (Alg. 13 step
 * 6 and Alg. 14 step 6 use A-hat and its transpose). Public data: variable time is allowed. */
void qstp_mlkem_gen_matrix(qstp_mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed);

/* out[i] = SamplePolyCBD_{eta[i]}(PRF_{eta[i]}(seed, nonce0 + i)) for i < count. Constant time;
 * wipes its temporaries. */
void qstp_mlkem_sample_noise(qstp_mlkem_poly *out, unsigned count, const uint8_t seed[32],
                             uint8_t nonce0, const uint8_t *eta);

#endif
