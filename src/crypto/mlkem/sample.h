/* ML-KEM sampling from the Keccak XOFs: the public matrix (SampleNTT, FIPS 203 Alg. 7) and the
 * secret noise (PRF + SamplePolyCBD, §4.1 and Alg. 8). Both use qstp_keccak_f1600_x4 so a 4-way
 * Keccak backend speeds them up without changes here. */
#ifndef QSTP_CRYPTO_MLKEM_SAMPLE_H
#define QSTP_CRYPTO_MLKEM_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mlkem/poly.h"

/* a[i k + j] = SampleNTT(rho || j || i), or SampleNTT(rho || i || j) if transposed (Alg. 13 step
 * 6 and Alg. 14 step 6 use A-hat and its transpose). Public data: variable time is allowed. */
void qstp_mlkem_gen_matrix(qstp_mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed);

/* A hash with a fixed input computed in a spare Keccak lane during gen_matrix: rate 136 (SHA3-256
 * with domain QSTP_KECCAK_DOMAIN_SHA3, or SHAKE256 with QSTP_KECCAK_DOMAIN_SHAKE), 32-byte output
 * `out`, message m0 || m1 (m1 may be NULL when n1 = 0). Encaps hashes H(ek) this way, Decaps
 * H(ek) and J(z || c): the Keccak work the matrix does not depend on. */
typedef struct {
    const uint8_t *m0;
    size_t n0;
    const uint8_t *m1;
    size_t n1;
    uint8_t domain;
    uint8_t *out;
    /* 1 only when m0 and m1 are public (H(ek)): with no secret hash the lanes run the no-scrub
     * permutations and the state is not wiped. 0 (secret, e.g. J(z || c)) is the safe default. */
    int public_input;
} qstp_mlkem_lane_hash;

/* gen_matrix plus hashes[0..nhash) (outputs written as each finishes; same results as the
 * one-at-a-time SHA3-256 / SHAKE256). Wipes its state when a hash input is secret. */
void qstp_mlkem_gen_matrix_hashes(qstp_mlkem_poly *a, const uint8_t rho[32], unsigned k,
                                  int transposed, const qstp_mlkem_lane_hash *hashes,
                                  unsigned nhash);

/* The same with the lane count chosen: w = 8 (the 8-way Keccak; two 4-way passes when it is not
 * native) or 4. gen_matrix_hashes picks 8 when qstp_keccak_x8_native(), else 4; tests compare. */
void qstp_mlkem_gen_matrix_hashes_lanes(qstp_mlkem_poly *a, const uint8_t rho[32], unsigned k,
                                        int transposed, const qstp_mlkem_lane_hash *hashes,
                                        unsigned nhash, unsigned w);

/* out[i] = SamplePolyCBD_{eta[i]}(PRF_{eta[i]}(seed, nonce0 + i)) for i < count. Constant time;
 * wipes its temporaries. */
void qstp_mlkem_sample_noise(qstp_mlkem_poly *out, unsigned count, const uint8_t seed[32],
                             uint8_t nonce0, const uint8_t *eta);

#endif
