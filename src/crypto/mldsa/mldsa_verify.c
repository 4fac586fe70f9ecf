/* ML-DSA verification core: Verify_internal from mu (FIPS 204 Alg. 8, lines 1-13).
 * All inputs are public, so this file may branch on them; every length and every field of the
 * signature encoding is checked before use. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/mldsa_matrix.h"
#include "crypto/mldsa/mldsa_pack.h"
#include "crypto/mldsa/mldsa_rounding.h"
#include "crypto/mldsa/mldsa_sample.h"
#include "crypto/sha3.h"

int qstp_mldsa_verify_mu(unsigned level, const uint8_t *sig, size_t siglen, const uint8_t mu[64],
                         const uint8_t *pk)
{
    const qstp_mldsa_params *p = qstp_mldsa_params_get(level);
    if (p == NULL || sig == NULL || mu == NULL || pk == NULL || siglen != p->sig_bytes)
        return -1;

    qstp_mldsa_poly zhat[MLDSA_L_MAX];
    qstp_mldsa_poly h[MLDSA_K_MAX];
    qstp_mldsa_poly w[MLDSA_K_MAX];
    qstp_mldsa_poly scratch[8];
    qstp_mldsa_poly c, t;
    uint8_t w1[MLDSA_W1_MAX_BYTES];
    uint8_t ctilde2[MLDSA_CTILDE_MAX];
    const size_t zb = qstp_mldsa_poly_z_bytes(p);
    const size_t w1b = qstp_mldsa_poly_w1_bytes(p);
    qstp_keccak_state st;

    /* sigDecode (Alg. 27); h = bottom means invalid (Alg. 8 line 4). */
    if (qstp_mldsa_unpack_hint(h, sig + qstp_mldsa_sig_h_off(p), p) != 0)
        return -1;
    /* ||z|| < gamma1 - beta (line 13); checked first, a cheap early reject. */
    for (unsigned j = 0; j < p->l; j++) {
        qstp_mldsa_bitunpack(&zhat[j], sig + p->ctilde_bytes + j * zb, p->gamma1_bits, p->gamma1);
        if (qstp_mldsa_poly_chknorm(&zhat[j], p->gamma1 - (int32_t)p->beta))
            return -1;
        qstp_mldsa_poly_ntt(&zhat[j]);
    }

    qstp_mldsa_sample_in_ball(&c, p, sig);
    qstp_mldsa_poly_ntt(&c);

    /* w'_approx = NTT^-1(A^ o NTT(z) - NTT(c) o NTT(t1 2^d)); w1' = UseHint(h, w'_approx). */
    qstp_mldsa_matrix_mul(w, p, pk, zhat, scratch); /* pk starts with rho */
    for (unsigned i = 0; i < p->k; i++) {
        qstp_mldsa_poly *acc = &w[i];
        qstp_mldsa_simple_unpack(&t, pk + MLDSA_SEED_BYTES + i * MLDSA_POLYT1_BYTES, 10);
        qstp_mldsa_poly_shiftl(&t);
        qstp_mldsa_poly_ntt(&t);
        qstp_mldsa_poly_pointwise_montgomery(&t, &c, &t);
        qstp_mldsa_poly_sub(acc, acc, &t);
        qstp_mldsa_poly_reduce(acc);
        qstp_mldsa_poly_invntt_tomont(acc);
        qstp_mldsa_poly_freeze(acc);
        qstp_mldsa_poly_use_hint(p->gamma2, &t, acc, &h[i]);
        qstp_mldsa_simple_pack(w1 + i * w1b, &t, p->w1_bits);
    }

    /* c~' = H(mu || w1Encode(w1'), lambda/4); valid iff c~ = c~' (lines 12-13). */
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, mu, MLDSA_CRH_BYTES);
    qstp_shake_absorb(&st, w1, p->k * w1b);
    qstp_shake_squeeze(&st, ctilde2, p->ctilde_bytes);
    return qstp_ct_equal(sig, ctilde2, p->ctilde_bytes) ? 0 : -1;
}
