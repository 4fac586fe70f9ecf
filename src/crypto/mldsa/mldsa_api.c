/* The external ML-DSA interfaces (FIPS 204 Alg. 2 and 3), the internal ones (Alg. 7 and 8 from
 * M'), and the attached form QSTP uses (QSTP-WIRE §1.5). Each computes
 * mu = H(tr || M', 64) incrementally and hands it to the mu-level core (mldsa_sign.c,
 * mldsa_verify.c); M' is never assembled in a buffer. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/mldsa_pack.h"
#include "crypto/sha3.h"

static const uint8_t zero_rnd[QSTP_MLDSA_RND_BYTES] = {0};

/* mu = H(tr || prefix || msg, 64), where prefix is empty (internal interface) or
 * 0x00 || ctxlen || ctx (pure ML-DSA, Alg. 2 line 10 / Alg. 3 line 5). */
static void compute_mu(uint8_t mu[MLDSA_CRH_BYTES], const uint8_t tr[MLDSA_CRH_BYTES], int pure,
                       const uint8_t *ctx, size_t ctxlen, const uint8_t *msg, size_t mlen)
{
    qstp_keccak_state st;
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, tr, MLDSA_CRH_BYTES);
    if (pure) {
        const uint8_t dom[2] = {0x00, (uint8_t)ctxlen};
        qstp_shake_absorb(&st, dom, sizeof(dom));
        if (ctxlen)
            qstp_shake_absorb(&st, ctx, ctxlen);
    }
    if (mlen)
        qstp_shake_absorb(&st, msg, mlen);
    qstp_shake_squeeze(&st, mu, MLDSA_CRH_BYTES);
    qstp_keccak_wipe(&st);
}

/* tr = H(pk, 64). */
static void compute_tr(uint8_t tr[MLDSA_CRH_BYTES], const qstp_mldsa_params *p, const uint8_t *pk)
{
    qstp_shake256(tr, MLDSA_CRH_BYTES, pk, p->pk_bytes);
}

static int sign_common(unsigned level, uint8_t *sig, int pure, const uint8_t *msg, size_t mlen,
                       const uint8_t *ctx, size_t ctxlen, const uint8_t *sk, const uint8_t *rnd)
{
    uint8_t mu[MLDSA_CRH_BYTES];
    if (qstp_mldsa_params_get(level) == NULL || sk == NULL || (mlen && msg == NULL) ||
        (ctxlen && ctx == NULL) || ctxlen > QSTP_MLDSA_CTX_MAX)
        return -1;
    compute_mu(mu, sk + MLDSA_SK_TR, pure, ctx, ctxlen, msg, mlen);
    int rc = qstp_mldsa_sign_mu(level, sig, mu, sk, rnd ? rnd : zero_rnd);
    qstp_wipe(mu, sizeof(mu));
    return rc;
}

static int verify_common(unsigned level, const uint8_t *sig, size_t siglen, int pure,
                         const uint8_t *msg, size_t mlen, const uint8_t *ctx, size_t ctxlen,
                         const uint8_t *pk)
{
    const qstp_mldsa_params *p = qstp_mldsa_params_get(level);
    uint8_t tr[MLDSA_CRH_BYTES], mu[MLDSA_CRH_BYTES];
    if (p == NULL || pk == NULL || (mlen && msg == NULL) || (ctxlen && ctx == NULL) ||
        ctxlen > QSTP_MLDSA_CTX_MAX)
        return -1;
    compute_tr(tr, p, pk);
    compute_mu(mu, tr, pure, ctx, ctxlen, msg, mlen);
    return qstp_mldsa_verify_mu(level, sig, siglen, mu, pk);
}

int qstp_mldsa_sign_internal(unsigned level, uint8_t *sig, const uint8_t *mprime, size_t mlen,
                             const uint8_t *sk, const uint8_t rnd[32])
{
    if (rnd == NULL)
        return -1;
    return sign_common(level, sig, 0, mprime, mlen, NULL, 0, sk, rnd);
}

int qstp_mldsa_verify_internal(unsigned level, const uint8_t *sig, size_t siglen,
                               const uint8_t *mprime, size_t mlen, const uint8_t *pk)
{
    return verify_common(level, sig, siglen, 0, mprime, mlen, NULL, 0, pk);
}

int qstp_mldsa_sign(unsigned level, uint8_t *sig, const uint8_t *msg, size_t mlen,
                    const uint8_t *ctx, size_t ctxlen, const uint8_t *sk, const uint8_t *rnd)
{
    return sign_common(level, sig, 1, msg, mlen, ctx, ctxlen, sk, rnd);
}

int qstp_mldsa_verify(unsigned level, const uint8_t *sig, size_t siglen, const uint8_t *msg,
                      size_t mlen, const uint8_t *ctx, size_t ctxlen, const uint8_t *pk)
{
    return verify_common(level, sig, siglen, 1, msg, mlen, ctx, ctxlen, pk);
}

int qstp_mldsa_mu_pure(unsigned level, uint8_t mu[64], const uint8_t *pk, const uint8_t *msg,
                       size_t mlen, const uint8_t *ctx, size_t ctxlen)
{
    const qstp_mldsa_params *p = qstp_mldsa_params_get(level);
    uint8_t tr[MLDSA_CRH_BYTES];
    if (p == NULL || mu == NULL || pk == NULL || (mlen && msg == NULL) || (ctxlen && ctx == NULL) ||
        ctxlen > QSTP_MLDSA_CTX_MAX)
        return -1;
    compute_tr(tr, p, pk);
    compute_mu(mu, tr, 1, ctx, ctxlen, msg, mlen);
    return 0;
}

int qstp_mldsa_sign_attached(unsigned level, uint8_t *sm, size_t *smlen, const uint8_t *msg,
                             size_t mlen, const uint8_t *sk, const uint8_t *rnd)
{
    const size_t sigb = qstp_mldsa_sig_size(level);
    if (sigb == 0 || sm == NULL || smlen == NULL || mlen > SIZE_MAX - sigb)
        return -1;
    /* mu is computed from msg before the signature is written, so msg may already sit at
     * sm + sigb (in place); the memmove then is a no-op. */
    int rc = qstp_mldsa_sign(level, sm, msg, mlen, NULL, 0, sk, rnd);
    if (rc != 0)
        return rc;
    if (mlen)
        memmove(sm + sigb, msg, mlen);
    *smlen = sigb + mlen;
    return 0;
}

int qstp_mldsa_open_attached(unsigned level, uint8_t *msg, size_t *mlen, const uint8_t *sm,
                             size_t smlen, const uint8_t *pk)
{
    const size_t sigb = qstp_mldsa_sig_size(level);
    if (sigb == 0 || sm == NULL || mlen == NULL || smlen < sigb)
        return -1;
    const size_t n = smlen - sigb;
    if (n && msg == NULL)
        return -1;
    if (qstp_mldsa_verify(level, sm, sigb, sm + sigb, n, NULL, 0, pk) != 0)
        return -1;
    if (n)
        memmove(msg, sm + sigb, n);
    *mlen = n;
    return 0;
}
