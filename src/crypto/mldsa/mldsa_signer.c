/* The precomputed signer (mldsa.h): the key-dependent part of FIPS 204 Alg. 7 (lines 1-5:
 * skDecode, NTT of s1, s2, t0, ExpandA) done once, kept in a caller-owned qstp_mldsa_signer,
 * and reused by every signature. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/mldsa_pack.h"
#include "crypto/mldsa/mldsa_sample.h"
#include "crypto/mldsa/mldsa_sign_core.h"
#include "crypto/sha3.h"

/* The polynomial area is int32_t[] in the public struct (its layout stays private); viewed as
 * polynomials here. A struct whose only member is int32_t[256] may alias int32_t storage. */
typedef struct {
    qstp_mldsa_poly *s1hat, *s2hat, *t0hat, *ahat;
} signer_view;

static signer_view view(const qstp_mldsa_signer *s)
{
    qstp_mldsa_poly *base = (qstp_mldsa_poly *)(void *)s->poly;
    signer_view v = {base, base + MLDSA_L_MAX, base + MLDSA_L_MAX + MLDSA_K_MAX,
                     base + MLDSA_L_MAX + 2 * MLDSA_K_MAX};
    return v;
}

int qstp_mldsa_signer_init(qstp_mldsa_signer *s, unsigned level, const uint8_t *sk)
{
    _Static_assert(sizeof(((qstp_mldsa_signer *)0)->poly) ==
                       (MLDSA_L_MAX + 2 * MLDSA_K_MAX + MLDSA_K_MAX * MLDSA_L_MAX) * sizeof(qstp_mldsa_poly),
                   "signer polynomial area");
    const qstp_mldsa_params *p = qstp_mldsa_params_get(level);
    if (s == NULL)
        return -1;
    if (p == NULL || sk == NULL) {
        qstp_wipe(s, sizeof(*s));
        return -1;
    }
    signer_view v = view(s);
    unsigned bad = qstp_mldsa_load_secret(v.s1hat, v.s2hat, v.t0hat, p, sk);
    QSTP_MLDSA_DECLASSIFY(&bad, sizeof(bad));
    if (bad != 0) {
        qstp_wipe(s, sizeof(*s));
        return -1;
    }
    /* s1, s2 again in the normal domain, as bytes for the sparse products (range-checked
     * above; wiped with the signer). */
    {
        qstp_mldsa_poly tmp;
        const size_t etab = qstp_mldsa_poly_eta_bytes(p);
        for (unsigned j = 0; j < p->l + p->k; j++) {
            const uint8_t *src = j < p->l ? sk + MLDSA_SK_S1 + j * etab
                                          : sk + qstp_mldsa_sk_s2_off(p) + (j - p->l) * etab;
            (void)qstp_mldsa_unpack_eta(&tmp, src, p);
            qstp_mldsa_poly_sparse_ext(s->sext + j * 2 * MLDSA_N, &tmp);
        }
        qstp_wipe(&tmp, sizeof(tmp));
    }
    s->level = level;
    memcpy(s->rho, sk + MLDSA_SK_RHO, sizeof(s->rho));
    memcpy(s->key, sk + MLDSA_SK_KEY, sizeof(s->key));
    memcpy(s->tr, sk + MLDSA_SK_TR, sizeof(s->tr));
    /* ExpandA (Alg. 32), eight entries per batch when the 8-way Keccak is native, then four,
     * row-major, straight into A^. */
    const unsigned total = p->k * p->l;
    unsigned e = 0;
    for (unsigned batch = qstp_mldsa_a_batch(); batch >= 4; batch /= 2) {
        for (; total - e >= batch; e += batch) {
            qstp_mldsa_poly *a8[8];
            for (unsigned t = 0; t < batch; t++)
                a8[t] = &v.ahat[e + t];
            unsigned rows[8], cols[8];
            qstp_mldsa_sample_a_entries(a8, batch, p, s->rho, e, rows, cols);
        }
    }
    for (; e < total; e++)
        qstp_mldsa_sample_a(&v.ahat[e], s->rho, e / p->l, e % p->l);
    return 0;
}

void qstp_mldsa_signer_wipe(qstp_mldsa_signer *s)
{
    if (s != NULL)
        qstp_wipe(s, sizeof(*s));
}

int qstp_mldsa_signer_sign_mu(const qstp_mldsa_signer *s, uint8_t *sig, const uint8_t mu[64],
                              const uint8_t rnd[32])
{
    const qstp_mldsa_params *p = s ? qstp_mldsa_params_get(s->level) : NULL;
    if (p == NULL || sig == NULL || mu == NULL || rnd == NULL)
        return -1;
    signer_view v = view(s);
    const qstp_mldsa_sign_key key = {v.s1hat, v.s2hat, v.t0hat, v.ahat, s->rho, s->key, s->sext};
    return qstp_mldsa_sign_core(p, sig, mu, &key, rnd);
}

int qstp_mldsa_signer_sign(const qstp_mldsa_signer *s, uint8_t *sig, const uint8_t *msg, size_t mlen,
                           const uint8_t *ctx, size_t ctxlen, const uint8_t *rnd)
{
    static const uint8_t zero_rnd[QSTP_MLDSA_RND_BYTES] = {0};
    uint8_t mu[MLDSA_CRH_BYTES];
    qstp_keccak_state st;
    if (s == NULL || qstp_mldsa_params_get(s->level) == NULL || (mlen && msg == NULL) ||
        (ctxlen && ctx == NULL) || ctxlen > QSTP_MLDSA_CTX_MAX)
        return -1;
    /* mu = H(tr || 0x00 || ctxlen || ctx || M, 64) (Alg. 2 line 10, Alg. 7 line 6). */
    const uint8_t dom[2] = {0x00, (uint8_t)ctxlen};
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, s->tr, sizeof(s->tr));
    qstp_shake_absorb(&st, dom, sizeof(dom));
    if (ctxlen)
        qstp_shake_absorb(&st, ctx, ctxlen);
    if (mlen)
        qstp_shake_absorb(&st, msg, mlen);
    qstp_shake_squeeze(&st, mu, sizeof(mu));
    qstp_keccak_wipe(&st);
    int rc = qstp_mldsa_signer_sign_mu(s, sig, mu, rnd ? rnd : zero_rnd);
    qstp_wipe(mu, sizeof(mu));
    return rc;
}

int qstp_mldsa_signer_sign_attached(const qstp_mldsa_signer *s, uint8_t *sm, size_t *smlen,
                                    const uint8_t *msg, size_t mlen, const uint8_t *rnd)
{
    const size_t sigb = s ? qstp_mldsa_sig_size(s->level) : 0;
    if (sigb == 0 || sm == NULL || smlen == NULL || mlen > SIZE_MAX - sigb)
        return -1;
    /* As qstp_mldsa_sign_attached: mu is taken before the signature is written (in place ok). */
    int rc = qstp_mldsa_signer_sign(s, sm, msg, mlen, NULL, 0, rnd);
    if (rc != 0)
        return rc;
    if (mlen)
        memmove(sm + sigb, msg, mlen);
    *smlen = sigb + mlen;
    return 0;
}
