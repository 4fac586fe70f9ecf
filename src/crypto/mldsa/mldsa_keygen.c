/* ML-DSA.KeyGen_internal and ML-DSA.KeyGen (FIPS 204 Alg. 6 and Alg. 1). */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/mldsa_matrix.h"
#include "crypto/mldsa/mldsa_pack.h"
#include "crypto/mldsa/mldsa_rounding.h"
#include "crypto/mldsa/mldsa_sample.h"
#include "crypto/sha3.h"

int qstp_mldsa_keypair_seed(unsigned level, uint8_t *pk, uint8_t *sk, const uint8_t xi[32])
{
    const qstp_mldsa_params *p = qstp_mldsa_params_get(level);
    if (p == NULL || pk == NULL || sk == NULL || xi == NULL)
        return -1;

    uint8_t in[MLDSA_SEED_BYTES + 2];
    uint8_t seeds[2 * MLDSA_SEED_BYTES + MLDSA_CRH_BYTES]; /* rho || rho' || K */
    qstp_mldsa_poly s1hat[MLDSA_L_MAX];
    qstp_mldsa_poly t[MLDSA_K_MAX];
    qstp_mldsa_poly scratch[8];
    qstp_mldsa_poly s2[MLDSA_K_MAX];
    qstp_mldsa_poly t1, t0;
    const size_t etab = qstp_mldsa_poly_eta_bytes(p);
    const size_t s2_off = qstp_mldsa_sk_s2_off(p);
    const size_t t0_off = qstp_mldsa_sk_t0_off(p);

    /* Alg. 6 line 1: (rho, rho', K) = H(xi || IntegerToBytes(k,1) || IntegerToBytes(l,1), 128). */
    memcpy(in, xi, MLDSA_SEED_BYTES);
    in[MLDSA_SEED_BYTES] = (uint8_t)p->k;
    in[MLDSA_SEED_BYTES + 1] = (uint8_t)p->l;
    qstp_shake256(seeds, sizeof(seeds), in, sizeof(in));
    QSTP_MLDSA_DECLASSIFY(seeds, MLDSA_SEED_BYTES); /* rho is published in pk */
    const uint8_t *rho = seeds;
    const uint8_t *rhoprime = seeds + MLDSA_SEED_BYTES;
    const uint8_t *key = seeds + MLDSA_SEED_BYTES + MLDSA_CRH_BYTES;

    memcpy(sk + MLDSA_SK_RHO, rho, MLDSA_SEED_BYTES);
    memcpy(sk + MLDSA_SK_KEY, key, MLDSA_SEED_BYTES);
    memcpy(pk, rho, MLDSA_SEED_BYTES);

    /* ExpandS (Alg. 33): s1 with nonces 0..l-1, s2 with nonces l..l+k-1, four polynomials per
     * four-way SHAKE256 batch (spare lanes of the last batch write into the scratch). */
    for (unsigned e = 0; e < p->l + p->k; e += 4) {
        qstp_mldsa_poly *out[4];
        uint16_t nonces[4];
        for (unsigned t4 = 0; t4 < 4; t4++) {
            const unsigned r = e + t4;
            nonces[t4] = (uint16_t)r;
            out[t4] = r < p->l ? &s1hat[r] : r < p->l + p->k ? &s2[r - p->l] : &scratch[t4];
        }
        qstp_mldsa_sample_eta_x4(out, p->eta, rhoprime, nonces);
    }
    for (unsigned j = 0; j < p->l; j++) {
        qstp_mldsa_pack_eta(sk + MLDSA_SK_S1 + j * etab, &s1hat[j], p);
        qstp_mldsa_poly_ntt(&s1hat[j]);
    }

    /* t = NTT^-1(A^ o NTT(s1)) + s2 (Alg. 6 line 5), A sampled on the fly. */
    qstp_mldsa_matrix_mul(t, p, rho, s1hat, scratch);
    for (unsigned i = 0; i < p->k; i++) {
        qstp_mldsa_poly_reduce(&t[i]);
        qstp_mldsa_poly_invntt_tomont(&t[i]);

        qstp_mldsa_pack_eta(sk + s2_off + i * etab, &s2[i], p);
        qstp_mldsa_poly_add(&t[i], &t[i], &s2[i]);
        qstp_mldsa_poly_freeze(&t[i]);

        /* Alg. 6 line 6: (t1, t0) = Power2Round(t). */
        qstp_mldsa_poly_power2round(&t1, &t0, &t[i]);
        qstp_mldsa_simple_pack(pk + MLDSA_SEED_BYTES + i * MLDSA_POLYT1_BYTES, &t1, 10);
        qstp_mldsa_pack_t0(sk + t0_off + i * MLDSA_POLYT0_BYTES, &t0);
    }

    /* tr = H(pk, 64) (Alg. 6 line 8). */
    qstp_shake256(sk + MLDSA_SK_TR, MLDSA_CRH_BYTES, pk, p->pk_bytes);

    qstp_wipe(in, sizeof(in));
    qstp_wipe(seeds, sizeof(seeds));
    qstp_wipe(s1hat, sizeof(s1hat));
    qstp_wipe(t, sizeof(t));
    qstp_wipe(scratch, sizeof(scratch));
    qstp_wipe(s2, sizeof(s2));
    qstp_wipe(&t0, sizeof(t0));
    qstp_wipe(&t1, sizeof(t1));
    return 0;
}

int qstp_mldsa_keypair(unsigned level, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *rng_ctx)
{
    uint8_t xi[MLDSA_SEED_BYTES];
    if (qstp_mldsa_params_get(level) == NULL || rng == NULL)
        return -1;
    /* Alg. 1: exactly one 32-byte draw (the NIST KAT procedure depends on this). */
    if (rng(rng_ctx, xi, sizeof(xi)) != 0) {
        qstp_wipe(xi, sizeof(xi));
        return -1;
    }
    int rc = qstp_mldsa_keypair_seed(level, pk, sk, xi);
    qstp_wipe(xi, sizeof(xi));
    return rc;
}
