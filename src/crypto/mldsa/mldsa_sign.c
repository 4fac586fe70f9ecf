/* ML-DSA signing core of the precomputed signer (mldsa_signer.c): Sign_internal from mu (FIPS 204
 * Alg. 7, lines 6-33) with s1^, s2^, t0^, s1/s2 as bytes and the whole A^ expanded in the
 * caller's qstp_mldsa_signer. The one-shot signer from an encoded key is mldsa_sign_oneshot.c
 * (same signatures, less memory). Stack: y/z and y^ (2l), w (k) and a few temporaries, about
 * 32 KiB for ML-DSA-87.
 *
 * Constant time: nothing branches on or indexes by secret data except what leaks nothing about
 * the key: whether an attempt is rejected (the rejection-sampling argument of Dilithium/FIPS 204:
 * the accepted signature's distribution is independent of the key; the norm checks and the hint
 * count are computed over every coefficient of a polynomial, and the verdicts are branched on in
 * turn: ||z_j|| per polynomial, ||r0_i|| per polynomial, then ||c t0|| with the hint count, as
 * mldsa-native does, Round-3 spec §5.5: a rejected candidate is discarded whole) and the
 * challenge c~ of the attempt (a hash output, see mldsa_sample.c). The hint positions are
 * branched on only once the signature is accepted, when they are part of the output.
 * tests/crypto/mldsa/test_mldsa_ct.c checks this under valgrind. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/mldsa_pack.h"
#include "crypto/mldsa/mldsa_rounding.h"
#include "crypto/mldsa/mldsa_sample.h"
#include "crypto/mldsa/mldsa_sign_core.h"
#include "crypto/mldsa/mldsa_sign_steps.h"
#include "crypto/sha3.h"

/* FIPS 204 §6.2: an implementation may bound the number of attempts, but not below 814. The
 * chance of needing that many is negligible (< 2^-100 for every parameter set). */
#define MLDSA_MAX_ATTEMPTS 814

/* Per-signature working memory (about 31 KiB for the largest set). */
typedef struct {
    qstp_mldsa_poly y[MLDSA_L_MAX]; /* y, then z = y + c s1 in place */
    qstp_mldsa_poly yhat[MLDSA_L_MAX];
    qstp_mldsa_poly w[MLDSA_K_MAX];
    /* Temporaries: tmp[0] = t, tmp[1] = u, tmp[2] = c; all four are the matrix sampler's
     * scratch before c is computed in an attempt. */
    qstp_mldsa_poly tmp[4];
    uint8_t hbits[MLDSA_K_MAX][MLDSA_N / 8]; /* hint bitmap: written in full, position-blind */
    uint8_t w1[MLDSA_W1_MAX_BYTES];
    uint8_t rhopp[MLDSA_CRH_BYTES];
    uint8_t ctilde[MLDSA_CTILDE_MAX];
    uint8_t cpos[MLDSA_N]; /* the challenge's nonzero positions, +1 ones first (sparse products) */
} sign_work;

unsigned qstp_mldsa_load_secret(qstp_mldsa_poly *s1hat, qstp_mldsa_poly *s2hat,
                                qstp_mldsa_poly *t0hat, const qstp_mldsa_params *p, const uint8_t *sk)
{
    const size_t etab = qstp_mldsa_poly_eta_bytes(p);
    const size_t s2_off = qstp_mldsa_sk_s2_off(p);
    const size_t t0_off = qstp_mldsa_sk_t0_off(p);
    unsigned bad = 0;
    for (unsigned j = 0; j < p->l; j++) {
        bad |= qstp_mldsa_unpack_eta(&s1hat[j], sk + MLDSA_SK_S1 + j * etab, p);
        qstp_mldsa_poly_ntt(&s1hat[j]);
    }
    for (unsigned i = 0; i < p->k; i++) {
        bad |= qstp_mldsa_unpack_eta(&s2hat[i], sk + s2_off + i * etab, p);
        qstp_mldsa_poly_ntt(&s2hat[i]);
        qstp_mldsa_unpack_t0(&t0hat[i], sk + t0_off + i * MLDSA_POLYT0_BYTES);
        qstp_mldsa_poly_ntt(&t0hat[i]);
    }
    return bad;
}


/* One attempt with counter kappa. Returns 1 if the candidate (c~, z, hbits) is accepted. */
static int attempt(sign_work *s, const qstp_mldsa_params *p, const qstp_mldsa_sign_key *key,
                   const uint8_t mu[MLDSA_CRH_BYTES], unsigned kappa)
{
    const size_t w1b = qstp_mldsa_poly_w1_bytes(p);
    qstp_mldsa_poly *const t = &s->tmp[0], *const u = &s->tmp[1], *const ch = &s->tmp[2]; /* ch = NTT(c) */
    qstp_keccak_state st;

    /* y = ExpandMask(rho'', kappa) (Alg. 7 line 11), four polynomials per batch. */
    unsigned j = 0;
    for (; p->l - j >= 4; j += 4) {
        qstp_mldsa_poly *const ys[4] = {&s->y[j], &s->y[j + 1], &s->y[j + 2], &s->y[j + 3]};
        const uint16_t nonces[4] = {(uint16_t)(kappa + j), (uint16_t)(kappa + j + 1),
                                    (uint16_t)(kappa + j + 2), (uint16_t)(kappa + j + 3)};
        qstp_mldsa_sample_mask_x4(ys, p, s->rhopp, nonces);
    }
    if (p->l - j >= 2) {
        /* Two or three left (ML-DSA-87: 7 = 4 + 3): one more four-way batch, the spare lanes
         * writing into the temporaries (free until c is computed) and their output unused. A
         * four-way permutation costs far less than two one-way ones. */
        qstp_mldsa_poly *ys[4] = {&s->tmp[0], &s->tmp[1], &s->tmp[2], &s->tmp[3]};
        uint16_t nonces[4];
        for (unsigned e = 0; e < 4; e++) {
            nonces[e] = (uint16_t)(kappa + j + e);
            if (j + e < p->l)
                ys[e] = &s->y[j + e];
        }
        qstp_mldsa_sample_mask_x4(ys, p, s->rhopp, nonces);
        j = p->l;
    }
    for (; j < p->l; j++)
        qstp_mldsa_sample_mask(&s->y[j], p, s->rhopp, (uint16_t)(kappa + j));
    for (j = 0; j < p->l; j++) {
        s->yhat[j] = s->y[j];
        qstp_mldsa_poly_ntt(&s->yhat[j]);
    }

    /* w = NTT^-1(A^ o NTT(y)), w1 = HighBits(w) (lines 12-13), with one Montgomery reduction
     * per row coefficient (A^ in [0, q), |y^| < 9q, l <= 7), so |w_i| < q as the inverse NTT
     * wants. The representative may differ from the one-shot path's (l reduced products
     * summed), but w is frozen after the inverse NTT, so w1 and the signature do not. */
    qstp_mldsa_poly_matrix_montgomery(s->w, key->ahat, s->yhat, p->k, p->l);
    for (unsigned i = 0; i < p->k; i++) {
        qstp_mldsa_poly_invntt_tomont(&s->w[i]);
        qstp_mldsa_poly_freeze(&s->w[i]);
        qstp_mldsa_poly_decompose(p->gamma2, t, NULL, &s->w[i]);
        qstp_mldsa_simple_pack(s->w1 + i * w1b, t, p->w1_bits);
    }

    /* c~ = H(mu || w1Encode(w1), lambda/4); c = SampleInBall(c~) (lines 15-16). */
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, mu, MLDSA_CRH_BYTES);
    qstp_shake_absorb(&st, s->w1, p->k * w1b);
    qstp_shake_squeeze(&st, s->ctilde, p->ctilde_bytes);
    qstp_keccak_wipe(&st);
    /* With s1, s2 as bytes and beta <= 127, c s1 and c s2 are sparse products (exact, so z and
     * w - c s2 come out the same as through the NTT); c t0 always goes through the NTT. */
    const int sparse = key->sext != NULL && p->beta <= 127;
    unsigned nplus = 0;
    const unsigned npos = qstp_mldsa_sign_challenge(ch, p, s->ctilde, sparse, s->cpos, &nplus);

    unsigned reject = 0;
    /* z = y + c s1; reject if ||z|| >= gamma1 - beta (lines 18-23). */
    for (j = 0; j < p->l; j++) {
        if (sparse) {
            qstp_mldsa_poly_sparse_mul_small(t, key->sext + j * 2 * MLDSA_N, s->cpos, nplus, npos);
        } else {
            qstp_mldsa_poly_pointwise_montgomery(t, ch, &key->s1hat[j]);
            qstp_mldsa_poly_invntt_tomont(t);
        }
        qstp_mldsa_poly_add(&s->y[j], &s->y[j], t);
        qstp_mldsa_poly_reduce(&s->y[j]);
        reject = qstp_mldsa_poly_chknorm(&s->y[j], p->gamma1 - (int32_t)p->beta);
        /* Per polynomial: which z_j failed may be revealed, the candidate is discarded whole
         * (mldsa-native: "it would even be okay to leak which coefficient led to rejection",
         * Round-3 spec §5.5); the remaining polynomials are not computed. */
        QSTP_MLDSA_DECLASSIFY(&reject, sizeof(reject));
        if (reject)
            return 0;
    }

    for (unsigned i = 0; i < p->k; i++) {
        /* w_i <- w - c s2 in [0, q) (w itself is not needed any more: w1 is packed);
         * r0 = LowBits(w - c s2); reject if ||r0|| >= gamma2 - beta. */
        if (sparse) {
            qstp_mldsa_poly_sparse_mul_small(t, key->sext + (p->l + i) * 2 * MLDSA_N, s->cpos, nplus,
                                             npos);
        } else {
            qstp_mldsa_poly_pointwise_montgomery(t, ch, &key->s2hat[i]);
            qstp_mldsa_poly_invntt_tomont(t);
        }
        reject = qstp_mldsa_sign_r0_row(&s->w[i], u, t, p);
        /* The r0 verdict is branched on by itself (per polynomial, as for z), before c t0 is
         * computed (FIPS 204 Alg. 7 line 23 rejects on ||z|| or ||r0|| before the hint is made;
         * mldsa-native reveals the three verdicts the same way, Round-3 spec §5.5). */
        QSTP_MLDSA_DECLASSIFY(&reject, sizeof(reject));
        if (reject)
            return 0;
    }

    unsigned hints = 0;
    for (unsigned i = 0; i < p->k; i++) {
        /* u = NTT(c) o NTT(t0_i); c t0, its norm (line 26) and h_i (lines 24-28). */
        qstp_mldsa_poly_pointwise_montgomery(u, ch, &key->t0hat[i]);
        reject |= qstp_mldsa_sign_hint_row(u, &s->w[i], s->hbits[i], &hints, p);
    }
    /* Only the combined verdict of the c t0 norms and the hint count is branched on. */
    return qstp_mldsa_sign_hint_verdict(reject, hints, p);
}

int qstp_mldsa_sign_core(const qstp_mldsa_params *p, uint8_t *sig, const uint8_t mu[MLDSA_CRH_BYTES],
                         const qstp_mldsa_sign_key *key, const uint8_t rnd[MLDSA_SEED_BYTES])
{
    sign_work s;
    int rc = -1;
    qstp_keccak_state st;

    /* rho'' = H(K || rnd || mu, 64) (Alg. 7 line 7). */
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, key->key, MLDSA_SEED_BYTES);
    qstp_shake_absorb(&st, rnd, MLDSA_SEED_BYTES);
    qstp_shake_absorb(&st, mu, MLDSA_CRH_BYTES);
    qstp_shake_squeeze(&st, s.rhopp, MLDSA_CRH_BYTES);
    qstp_keccak_wipe(&st);

    for (unsigned n = 0; n < MLDSA_MAX_ATTEMPTS; n++) {
        if (!attempt(&s, p, key, mu, n * p->l))
            continue;
        /* Accepted: c~, z and h are the signature, public from here on. */
        QSTP_MLDSA_DECLASSIFY(s.hbits, sizeof(s.hbits));
        /* sigEncode (Alg. 26): c~ || BitPack(z, gamma1 - 1, gamma1) || HintBitPack(h). */
        const size_t zb = qstp_mldsa_poly_z_bytes(p);
        memcpy(sig, s.ctilde, p->ctilde_bytes);
        for (unsigned j = 0; j < p->l; j++)
            qstp_mldsa_bitpack(sig + p->ctilde_bytes + j * zb, &s.y[j], p->gamma1_bits, p->gamma1);
        qstp_mldsa_pack_hint_bits(sig + qstp_mldsa_sig_h_off(p),
                                  (const uint8_t(*)[MLDSA_N / 8])s.hbits, p);
        rc = 0;
        break;
    }
    qstp_wipe(&s, sizeof(s));
    return rc;
}
