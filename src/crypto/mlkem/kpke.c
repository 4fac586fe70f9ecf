/* K-PKE (FIPS 203 §5), generic over the parameter set. Arrays are sized for k = 5 (no VLAs).
 * Secrets (sigma, s, e, y, e1, e2, m and every polynomial derived from them before compression)
 * are wiped before returning. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mlkem/kpke.h"
#include "crypto/mlkem/poly.h"
#include "crypto/mlkem/sample.h"
#include "crypto/sha3.h"

#define KMAX QSTP_MLKEM_K_MAX
#define PB QSTP_MLKEM_POLYBYTES

void qstp_mlkem_kpke_keygen(const qstp_mlkem_params *p, uint8_t *ek, uint8_t *dk,
                            const uint8_t d[32])
{
    const unsigned k = p->k;
    qstp_mlkem_poly a[KMAX * KMAX];
    qstp_mlkem_poly se[2 * KMAX]; /* s = se[0..k), e = se[k..2k) */
    qstp_mlkem_mulcache sc[KMAX];
    qstp_mlkem_poly t;
    uint8_t in[33], rs[64];
    uint8_t eta[2 * KMAX];

    /* (rho, sigma) = G(d || k) (Alg. 13 step 1; the byte k is what FIPS 203 final added). */
    memcpy(in, d, 32);
    in[32] = (uint8_t)k;
    qstp_sha3_512(rs, in, sizeof(in));
    const uint8_t *rho = rs, *sigma = rs + 32;
    QSTP_MLKEM_DECLASSIFY(rho, 32); /* rho is published in ek (step 19) */

    qstp_mlkem_gen_matrix(a, rho, k, 0);
    memset(eta, (int)p->eta1, sizeof(eta));
    qstp_mlkem_sample_noise(se, 2 * k, sigma, 0, eta); /* s: nonces 0..k-1, e: k..2k-1 */
    for (unsigned i = 0; i < 2 * k; i++)
        qstp_mlkem_poly_ntt(&se[i]);
    for (unsigned i = 0; i < k; i++)
        qstp_mlkem_poly_mulcache_compute(&sc[i], &se[i]);

    /* t-hat = A-hat o s-hat + e-hat (step 18). basemul leaves R^-1; tomont restores it. */
    for (unsigned i = 0; i < k; i++) {
        qstp_mlkem_polyvec_basemul_acc(&t, &a[i * k], se, sc, k);
        qstp_mlkem_poly_tomont(&t);
        qstp_mlkem_poly_add(&t, &se[k + i]);
        qstp_mlkem_poly_reduce(&t);
        qstp_mlkem_poly_tobytes(ek + PB * i, &t);
        qstp_mlkem_poly_tobytes(dk + PB * i, &se[i]);
    }
    memcpy(ek + PB * k, rho, 32); /* ek = ByteEncode_12(t-hat) || rho (step 19) */

    qstp_wipe(se, sizeof(se));
    qstp_wipe(sc, sizeof(sc));
    qstp_wipe(&t, sizeof(t));
    qstp_wipe(rs, sizeof(rs));
    qstp_wipe(in, sizeof(in));
}

void qstp_mlkem_kpke_encrypt(const qstp_mlkem_params *p, uint8_t *c, const uint8_t *ek,
                             const uint8_t m[32], const uint8_t r[32])
{
    qstp_mlkem_poly at[KMAX * KMAX]; /* A-hat transposed (steps 3-8) */
    qstp_mlkem_gen_matrix(at, ek + PB * p->k, p->k, 1);
    qstp_mlkem_kpke_encrypt_at(p, c, ek, at, m, r);
}

void qstp_mlkem_kpke_encrypt_at(const qstp_mlkem_params *p, uint8_t *c, const uint8_t *ek,
                                const qstp_mlkem_poly *at, const uint8_t m[32],
                                const uint8_t r[32])
{
    const unsigned k = p->k;
    qstp_mlkem_poly th[KMAX];        /* t-hat */
    qstp_mlkem_poly noise[2 * KMAX + 1]; /* y = [0..k), e1 = [k..2k), e2 = [2k] */
    qstp_mlkem_mulcache yc[KMAX];
    qstp_mlkem_poly u, v, mu;
    uint8_t eta[2 * KMAX + 1];

    for (unsigned i = 0; i < k; i++)
        qstp_mlkem_poly_frombytes(&th[i], ek + PB * i); /* step 2 */

    /* y with eta1 (nonces 0..k-1), e1 with eta2 (k..2k-1), e2 with eta2 (2k): steps 9-17. */
    for (unsigned i = 0; i < 2 * k + 1; i++)
        eta[i] = (uint8_t)(i < k ? p->eta1 : p->eta2);
    qstp_mlkem_sample_noise(noise, 2 * k + 1, r, 0, eta);
    qstp_mlkem_poly *y = noise, *e1 = noise + k, *e2 = noise + 2 * k;
    for (unsigned i = 0; i < k; i++) {
        qstp_mlkem_poly_ntt(&y[i]);
        qstp_mlkem_poly_mulcache_compute(&yc[i], &y[i]);
    }

    /* u = NTT^-1(A-hat^T o y-hat) + e1 (step 19), c1 = ByteEncode_du(Compress_du(u)) (step 22). */
    for (unsigned i = 0; i < k; i++) {
        qstp_mlkem_polyvec_basemul_acc(&u, &at[i * k], y, yc, k);
        qstp_mlkem_poly_invntt_tomont(&u);
        qstp_mlkem_poly_add(&u, &e1[i]);
        qstp_mlkem_poly_reduce(&u);
        qstp_mlkem_poly_compress(c + 32 * p->du * i, &u, p->du);
    }

    /* v = NTT^-1(t-hat^T o y-hat) + e2 + mu (steps 20-21), c2 = ByteEncode_dv(Compress_dv(v)). */
    qstp_mlkem_polyvec_basemul_acc(&v, th, y, yc, k);
    qstp_mlkem_poly_invntt_tomont(&v);
    qstp_mlkem_poly_frommsg(&mu, m);
    qstp_mlkem_poly_add(&v, e2);
    qstp_mlkem_poly_add(&v, &mu);
    qstp_mlkem_poly_reduce(&v);
    qstp_mlkem_poly_compress(c + p->c1_bytes, &v, p->dv);

    qstp_wipe(noise, sizeof(noise));
    qstp_wipe(yc, sizeof(yc));
    qstp_wipe(&u, sizeof(u));
    qstp_wipe(&v, sizeof(v));
    qstp_wipe(&mu, sizeof(mu));
}

void qstp_mlkem_kpke_decrypt(const qstp_mlkem_params *p, uint8_t m[32], const uint8_t *dk,
                             const uint8_t *c)
{
    const unsigned k = p->k;
    qstp_mlkem_poly uh[KMAX], sh[KMAX];
    qstp_mlkem_mulcache uc[KMAX];
    qstp_mlkem_poly w, v;

    /* u' = Decompress_du(ByteDecode_du(c1)) (step 3), then NTT for step 6. */
    for (unsigned i = 0; i < k; i++) {
        qstp_mlkem_poly_decompress(&uh[i], c + 32 * p->du * i, p->du);
        qstp_mlkem_poly_ntt(&uh[i]);
        qstp_mlkem_poly_mulcache_compute(&uc[i], &uh[i]);
        qstp_mlkem_poly_frombytes(&sh[i], dk + PB * i); /* s-hat (step 5), values <= 4095 */
    }
    /* w = v' - NTT^-1(s-hat^T o NTT(u')) (step 6); m = ByteEncode_1(Compress_1(w)) (step 7). */
    qstp_mlkem_polyvec_basemul_acc(&w, sh, uh, uc, k);
    qstp_mlkem_poly_invntt_tomont(&w);
    qstp_mlkem_poly_decompress(&v, c + p->c1_bytes, p->dv);
    qstp_mlkem_poly_sub(&v, &w);
    qstp_mlkem_poly_reduce(&v);
    qstp_mlkem_poly_tomsg(m, &v);

    qstp_wipe(sh, sizeof(sh));
    qstp_wipe(&w, sizeof(w));
    qstp_wipe(&v, sizeof(v));
}
