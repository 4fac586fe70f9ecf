/* ML-DSA parameter sets (FIPS 204 Table 1 and Table 2) and fixed constants.
 * Internal to the mldsa module. Arrays are sized for the largest set (ML-DSA-87) so no code needs a
 * VLA; the parameter struct says how much of each array a given set uses. */
#ifndef QSTP_CRYPTO_MLDSA_PARAMS_H
#define QSTP_CRYPTO_MLDSA_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#define MLDSA_N 256
#define MLDSA_Q 8380417
#define MLDSA_D 13 /* dropped bits of t (FIPS 204 Table 1) */
#define MLDSA_K_MAX 8
#define MLDSA_L_MAX 7
#define MLDSA_SEED_BYTES 32 /* rho, K, xi, rnd */
#define MLDSA_CRH_BYTES 64  /* rho', rho'', tr, mu */
#define MLDSA_CTILDE_MAX 64 /* lambda/4 for lambda = 256 */
#define MLDSA_POLYT1_BYTES 320 /* 256 coefficients x 10 bits */
#define MLDSA_POLYT0_BYTES 416 /* 256 x 13 bits */
#define MLDSA_W1_MAX_BYTES (MLDSA_K_MAX * 192) /* w1Encode, 6 bits for ML-DSA-44 */

typedef struct qstp_mldsa_params {
    unsigned level;
    unsigned k, l;        /* A is k x l */
    unsigned eta;         /* secret coefficient bound */
    unsigned eta_bits;    /* bitlen(2 eta): 3 or 4 */
    unsigned tau;         /* number of +-1 in c */
    unsigned beta;        /* tau * eta */
    int32_t gamma1;       /* y coefficient range */
    unsigned gamma1_bits; /* bitlen(2 gamma1 - 1): 18 or 20 */
    int32_t gamma2;       /* low-order rounding range */
    unsigned w1_bits;     /* bitlen((q-1)/(2 gamma2) - 1): 6 or 4 */
    unsigned omega;       /* max number of hint ones */
    unsigned ctilde_bytes; /* lambda / 4 */
    size_t pk_bytes, sk_bytes, sig_bytes;
} qstp_mldsa_params;

/* Constant-time testing hook (tests/crypto/mldsa/test_mldsa_ct.c builds this module's sources
 * with QSTP_MLDSA_CT_TESTING and runs under valgrind with the secrets marked undefined). Values
 * derived from secrets that FIPS 204 lets an implementation reveal are declassified here, so
 * memcheck flags only real secret-dependent branches and indices:
 *   rho (public, part of pk); whether a rejection-sampling candidate of ExpandS is accepted;
 *   whether a signing attempt is rejected; the attempt's challenge c~; the accepted
 *   signature; whether a secret key decodes (malformed keys are refused). */
#if defined(QSTP_MLDSA_CT_TESTING)
#include <valgrind/memcheck.h>
#define QSTP_MLDSA_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define QSTP_MLDSA_DECLASSIFY(p, n) ((void)0)
#endif

/* The parameter set for level 44, 65 or 87; NULL otherwise. */
const qstp_mldsa_params *qstp_mldsa_params_get(unsigned level);

#endif
