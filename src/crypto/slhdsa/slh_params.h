/* SLH-DSA parameter table (FIPS 205 §11, Table 2) and the internal limits derived from it.
 * lg_w = 4 (w = 16) for every set, so len = 2n + 3 (FIPS 205 §5, Eq. 5.1-5.4). */
#ifndef QSTP_CRYPTO_SLHDSA_PARAMS_H
#define QSTP_CRYPTO_SLHDSA_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/slhdsa/slhdsa.h"

#define QSTP_SLH_W 16u
#define QSTP_SLH_LG_W 4u
#define QSTP_SLH_N_MAX 32u
#define QSTP_SLH_LEN_MAX 67u /* 2 * 32 + 3 */
#define QSTP_SLH_HP_MAX 9u   /* h' */
#define QSTP_SLH_A_MAX 14u
#define QSTP_SLH_K_MAX 35u
#define QSTP_SLH_M_MAX 49u

typedef struct qstp_slh_params {
    const char *name;
    unsigned n;   /* security parameter, bytes */
    unsigned h;   /* total hypertree height */
    unsigned d;   /* layers */
    unsigned hp;  /* h' = h / d, XMSS tree height */
    unsigned a;   /* FORS tree height */
    unsigned k;   /* FORS trees */
    unsigned m;   /* H_msg output bytes */
    unsigned len; /* WOTS+ chains: len1 = 2n, len2 = 3 */
    size_t pk_bytes, sk_bytes, sig_bytes;
} qstp_slh_params;

/* NULL for a value outside the enum. */
const qstp_slh_params *qstp_slh_params_get(qstp_slhdsa_param p);

/* The message that is signed, as pieces (pure mode's 0x00||ctxlen||ctx prefix, then M), so the
 * hashes absorb it incrementally without a copy. */
typedef struct qstp_slh_msg {
    const uint8_t *pre;
    size_t prelen;
    const uint8_t *msg;
    size_t mlen;
} qstp_slh_msg;

#endif
