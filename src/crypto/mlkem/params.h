/* ML-KEM parameter sets (FIPS 203 §8, Table 2) plus the QRCS k = 5 set (QSTP-WIRE §1.5).
 * Internal to src/crypto/mlkem/. One generic implementation is parameterised by this struct;
 * fixed-size arrays are sized for QSTP_MLKEM_K_MAX. */
#ifndef QSTP_CRYPTO_MLKEM_PARAMS_H
#define QSTP_CRYPTO_MLKEM_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#define QSTP_MLKEM_N 256
#define QSTP_MLKEM_Q 3329
#define QSTP_MLKEM_K_MAX 5

#define QSTP_MLKEM_SYMBYTES 32                /* size of d, z, m, rho, sigma, H outputs */
#define QSTP_MLKEM_POLYBYTES 384              /* ByteEncode_12 of one polynomial */
#define QSTP_MLKEM_ETA_MAX 3
#define QSTP_MLKEM_PRF_MAX (64 * QSTP_MLKEM_ETA_MAX) /* PRF_eta output (§4.1) */

typedef struct qstp_mlkem_params {
    unsigned k;
    unsigned eta1, eta2;
    unsigned du, dv;
    size_t pk_bytes;     /* 384k + 32 */
    size_t sk_bytes;     /* 768k + 96 */
    size_t ct_bytes;     /* 32 (du k + dv) */
    size_t c1_bytes;     /* 32 du k */
} qstp_mlkem_params;

/* Constant-time testing hook (tests/crypto/mlkem/test_mlkem_ct.c builds this module's sources
 * with QSTP_MLKEM_CT_TESTING and runs under valgrind with the secrets marked undefined): a value
 * derived from a secret that the algorithm makes public (rho = G(d || k)[0:32], the flag of
 * Decaps) is declassified here, so memcheck flags only real secret-dependent branches/indices. */
#if defined(QSTP_MLKEM_CT_TESTING)
#include <valgrind/memcheck.h>
#define QSTP_MLKEM_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define QSTP_MLKEM_DECLASSIFY(p, n) ((void)0)
#endif

/* The parameter set for k in {2,3,4,5}, or NULL. */
const qstp_mlkem_params *qstp_mlkem_params_get(unsigned k);

#endif
