/* One-shot ML-DSA signing from the encoded secret key (qstp_mldsa_sign_mu and everything built
 * on it): FIPS 204 Alg. 7 with the matrix A^ expanded ONCE per signature and kept for every
 * rejection attempt (ML-DSA-87 averages ~3.85 attempts; re-sampling A^ in each one was most of
 * the cost).
 *
 * Memory (the 64 KiB stack budget, ML-DSA-87): A^ at 23 bits per coefficient (mldsa_apack.h,
 * 40.25 KiB); y kept as its ExpandMask bytes and overwritten by z's encoding (4.4 KiB); w (8 KiB);
 * three temporaries. A^ y is computed column by column (NTT(y_j) in one temporary, accumulated
 * into every row of w), so NTT(y) is never stored whole. Nothing of the key is expanded up front:
 * s1 and s2 are unpacked from sk where used (as bytes for the sparse products c s1, c s2 of
 * ML-DSA-44/-87; through the NTT for ML-DSA-65, beta > 127), t0 only when an attempt reaches
 * the c t0 stage. Signatures are the same bytes as the precomputed signer's (mldsa_sign.c).
 *
 * Constant time: as mldsa_sign.c (which verdicts are revealed and why is explained there):
 * ||z_j|| and ||r0_i|| verdicts per polynomial, then ||c t0|| with the hint count; c~ and c are
 * public. tests/crypto/mldsa/test_mldsa_ct.c checks this under valgrind. */
#include <stddef.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/mldsa_apack.h"
#include "crypto/mldsa/mldsa_pack.h"
#include "crypto/mldsa/mldsa_rounding.h"
#include "crypto/mldsa/mldsa_sample.h"
#include "crypto/mldsa/mldsa_sign_steps.h"
#include "crypto/sha3.h"

#define MLDSA_MAX_ATTEMPTS 814 /* FIPS 204 §6.2 floor; see mldsa_sign.c */
#define Z_BYTES_MAX (32 * 20)  /* 32 gamma1_bits */

typedef struct {
    uint8_t apack[MLDSA_K_MAX * MLDSA_L_MAX * MLDSA_A23_BYTES]; /* A^, row-major, 23-bit */
    /* ExpandMask bytes of y_j; once ||z_j|| passed, z_j's encoding (the same format). */
    uint8_t zb[MLDSA_L_MAX][Z_BYTES_MAX];
    qstp_mldsa_poly w[MLDSA_K_MAX]; /* A^ y, then w, then w - c s2; also ExpandA's scratch */
    qstp_mldsa_poly tmp[3];         /* tmp[2] = c (NTT domain) once computed */
    int8_t sext[2 * MLDSA_N];       /* one of s1/s2 extended for the sparse product */
    uint8_t hbits[MLDSA_K_MAX][MLDSA_N / 8];
    uint8_t rhopp[MLDSA_CRH_BYTES];
    uint8_t ctilde[MLDSA_CTILDE_MAX];
    uint8_t cpos[MLDSA_N];
} oneshot_work;

/* t = c s where s is polynomial `index` of s1 || s2 in sk: a sparse product for beta <= 127, else
 * NTT(s) o ch through the inverse NTT. Both are exact, so the same z / w - c s2 follow. */
static void c_times_s(oneshot_work *s, qstp_mldsa_poly *t, const qstp_mldsa_params *p,
                      const uint8_t *sk, unsigned index, int sparse, unsigned nplus, unsigned npos)
{
    const size_t etab = qstp_mldsa_poly_eta_bytes(p);
    const uint8_t *src = index < p->l ? sk + MLDSA_SK_S1 + index * etab
                                      : sk + qstp_mldsa_sk_s2_off(p) + (index - p->l) * etab;
    /* (Range checked once per signature: the verdicts are ignored here.) */
    if (sparse) {
        (void)qstp_mldsa_sparse_ext_eta2(s->sext, src);
        qstp_mldsa_poly_sparse_mul_small(t, s->sext, s->cpos, nplus, npos);
    } else {
        (void)qstp_mldsa_unpack_eta(t, src, p);
        qstp_mldsa_poly_ntt(t);
        qstp_mldsa_poly_pointwise_montgomery(t, &s->tmp[2], t);
        qstp_mldsa_poly_invntt_tomont(t);
    }
}

/* y = ExpandMask(rho'', kappa) as bytes into zb (Alg. 7 line 11), four per batch; a batch of
 * two or three uses spare lanes writing into the temporaries (free at this point). */
static void sample_y(oneshot_work *s, const qstp_mldsa_params *p, unsigned kappa)
{
    unsigned j = 0;
    while (p->l - j >= 2) {
        uint8_t *out[4];
        uint16_t nonces[4];
        for (unsigned e = 0; e < 4; e++) {
            nonces[e] = (uint16_t)(kappa + j + e);
            out[e] = j + e < p->l ? s->zb[j + e] : (uint8_t *)(void *)s->tmp[e - (p->l - j)].c;
        }
        qstp_mldsa_sample_mask_bytes_x4(out, p, s->rhopp, nonces);
        j = j + 4 < p->l ? j + 4 : p->l;
    }
    if (j < p->l)
        qstp_mldsa_sample_mask_bytes(s->zb[j], p, s->rhopp, (uint16_t)(kappa + j));
}

/* One attempt with counter kappa. Returns 1 if the candidate (c~, z in zb, hbits) is accepted. */
static int attempt(oneshot_work *s, const qstp_mldsa_params *p, const uint8_t *sk,
                   const uint8_t mu[MLDSA_CRH_BYTES], unsigned kappa)
{
    const size_t w1b = qstp_mldsa_poly_w1_bytes(p);
    qstp_mldsa_poly *const t = &s->tmp[0], *const u = &s->tmp[1], *const ch = &s->tmp[2];
    qstp_keccak_state st;

    sample_y(s, p, kappa);

    /* w = NTT^-1(A^ o NTT(y)) column by column (lines 12-13): each product reduced once, the l
     * terms summed (|sum| < l q), reduced before the inverse NTT as it wants |w_i| < q. */
    memset(s->w, 0, p->k * sizeof(s->w[0]));
    for (unsigned j = 0; j < p->l; j++) {
        qstp_mldsa_bitunpack(t, s->zb[j], p->gamma1_bits, p->gamma1);
        qstp_mldsa_poly_ntt(t);
        for (unsigned i = 0; i < p->k; i++)
            qstp_mldsa_poly_acc_a23_montgomery(&s->w[i], s->apack + (size_t)(i * p->l + j) * MLDSA_A23_BYTES, t);
    }

    /* c~ = H(mu || w1Encode(w1), lambda/4) (line 15), w1 absorbed row by row. */
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, mu, MLDSA_CRH_BYTES);
    for (unsigned i = 0; i < p->k; i++) {
        uint8_t w1row[MLDSA_W1_MAX_BYTES / MLDSA_K_MAX];
        qstp_mldsa_poly_reduce(&s->w[i]);
        qstp_mldsa_poly_invntt_tomont(&s->w[i]);
        qstp_mldsa_poly_freeze(&s->w[i]);
        qstp_mldsa_poly_decompose(p->gamma2, u, NULL, &s->w[i]);
        qstp_mldsa_simple_pack(w1row, u, p->w1_bits);
        qstp_shake_absorb(&st, w1row, w1b);
        qstp_wipe(w1row, sizeof(w1row));
    }
    qstp_shake_squeeze(&st, s->ctilde, p->ctilde_bytes);
    qstp_keccak_wipe(&st);

    /* c = SampleInBall(c~) (line 16); its positions for the sparse products, NTT(c) for the rest. */
    const int sparse = p->beta <= 127 && p->eta == 2; /* ML-DSA-44 and -87 */
    unsigned nplus = 0;
    const unsigned npos = qstp_mldsa_sign_challenge(ch, p, s->ctilde, sparse, s->cpos, &nplus);

    unsigned reject = 0;
    /* z = y + c s1; reject if ||z|| >= gamma1 - beta (lines 18-23); z's encoding replaces y's. */
    for (unsigned j = 0; j < p->l; j++) {
        c_times_s(s, t, p, sk, j, sparse, nplus, npos);
        qstp_mldsa_bitunpack(u, s->zb[j], p->gamma1_bits, p->gamma1);
        qstp_mldsa_poly_add(u, u, t);
        qstp_mldsa_poly_reduce(u);
        reject = qstp_mldsa_poly_chknorm(u, p->gamma1 - (int32_t)p->beta);
        QSTP_MLDSA_DECLASSIFY(&reject, sizeof(reject)); /* per polynomial, as mldsa_sign.c */
        if (reject)
            return 0;
        qstp_mldsa_bitpack(s->zb[j], u, p->gamma1_bits, p->gamma1);
    }

    /* w_i <- w - c s2 in [0, q); r0 = LowBits(w - c s2); reject if ||r0|| >= gamma2 - beta. */
    for (unsigned i = 0; i < p->k; i++) {
        c_times_s(s, t, p, sk, p->l + i, sparse, nplus, npos);
        reject = qstp_mldsa_sign_r0_row(&s->w[i], u, t, p);
        QSTP_MLDSA_DECLASSIFY(&reject, sizeof(reject));
        if (reject)
            return 0;
    }

    /* c t0 (t0 unpacked and transformed only now); reject if ||c t0|| >= gamma2 (line 26);
     * h = MakeHint(-c t0, w - c s2 + c t0). */
    const size_t t0_off = qstp_mldsa_sk_t0_off(p);
    unsigned hints = 0;
    for (unsigned i = 0; i < p->k; i++) {
        qstp_mldsa_unpack_t0(u, sk + t0_off + i * MLDSA_POLYT0_BYTES);
        qstp_mldsa_poly_ntt(u);
        qstp_mldsa_poly_pointwise_montgomery(u, ch, u);
        reject |= qstp_mldsa_sign_hint_row(u, &s->w[i], s->hbits[i], &hints, p);
    }
    return qstp_mldsa_sign_hint_verdict(reject, hints, p);
}

int qstp_mldsa_sign_mu(unsigned level, uint8_t *sig, const uint8_t mu[64], const uint8_t *sk,
                       const uint8_t rnd[32])
{
    const qstp_mldsa_params *p = qstp_mldsa_params_get(level);
    if (p == NULL || sig == NULL || mu == NULL || sk == NULL || rnd == NULL)
        return -1;

    oneshot_work s;
    int rc = -1;
    qstp_keccak_state st;

    /* skDecode's range check of s1 and s2 (Wycheproof "InvalidPrivateKey"): only the verdict
     * is revealed. */
    unsigned bad = 0;
    const size_t etab = qstp_mldsa_poly_eta_bytes(p);
    for (unsigned j = 0; j < p->l + p->k; j++) {
        if (p->eta == 2)
            bad |= qstp_mldsa_sparse_ext_eta2(s.sext, sk + MLDSA_SK_S1 + j * etab);
        else
            bad |= qstp_mldsa_unpack_eta(&s.tmp[0], sk + MLDSA_SK_S1 + j * etab, p);
    }
    QSTP_MLDSA_DECLASSIFY(&bad, sizeof(bad));
    if (bad != 0) {
        qstp_wipe(&s.tmp[0], sizeof(s.tmp[0]));
        qstp_wipe(s.sext, sizeof(s.sext));
        return -1;
    }

    /* A^ = ExpandA(rho) (line 5), once; w is its sampler's scratch. */
    qstp_mldsa_expand_a23(s.apack, p, sk + MLDSA_SK_RHO, s.w);

    /* rho'' = H(K || rnd || mu, 64) (line 7). */
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, sk + MLDSA_SK_KEY, MLDSA_SEED_BYTES);
    qstp_shake_absorb(&st, rnd, MLDSA_SEED_BYTES);
    qstp_shake_absorb(&st, mu, MLDSA_CRH_BYTES);
    qstp_shake_squeeze(&st, s.rhopp, MLDSA_CRH_BYTES);
    qstp_keccak_wipe(&st);

    for (unsigned n = 0; n < MLDSA_MAX_ATTEMPTS; n++) {
        if (!attempt(&s, p, sk, mu, n * p->l))
            continue;
        /* Accepted: c~, z and h are the signature, public from here on. */
        QSTP_MLDSA_DECLASSIFY(s.hbits, sizeof(s.hbits));
        const size_t zb = qstp_mldsa_poly_z_bytes(p);
        memcpy(sig, s.ctilde, p->ctilde_bytes);
        for (unsigned j = 0; j < p->l; j++)
            memcpy(sig + p->ctilde_bytes + j * zb, s.zb[j], zb);
        qstp_mldsa_pack_hint_bits(sig + qstp_mldsa_sig_h_off(p),
                                  (const uint8_t(*)[MLDSA_N / 8])s.hbits, p);
        rc = 0;
        break;
    }
    /* A^ is public; the rest held secrets. */
    qstp_wipe((uint8_t *)&s + offsetof(oneshot_work, zb), sizeof(s) - offsetof(oneshot_work, zb));
    return rc;
}
