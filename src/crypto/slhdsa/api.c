/* SLH-DSA public entry points: key generation, the internal interface, pure mode with a context
 * (FIPS 205 §10.2, Alg. 22 and 24) and the attached form QSTP sends (QSTP-WIRE §1.5). */
#include <stdint.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/slhdsa/slh_core.h"

int qstp_slhdsa_keypair_seed(qstp_slhdsa_param p, uint8_t *pk, uint8_t *sk, const uint8_t *sk_seed,
                             const uint8_t *sk_prf, const uint8_t *pk_seed)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);

    if (sp == NULL || pk == NULL || sk == NULL || sk_seed == NULL || sk_prf == NULL || pk_seed == NULL)
        return -1;
    return qstp_slh_keygen(sp, pk, sk, sk_seed, sk_prf, pk_seed);
}

int qstp_slhdsa_keypair(qstp_slhdsa_param p, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *rng_ctx)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    uint8_t seeds[3 * QSTP_SLH_N_MAX];
    int rc;

    if (sp == NULL || pk == NULL || sk == NULL || rng == NULL)
        return -1;
    /* Alg. 21: SK.seed, SK.prf, PK.seed, in that order, from one call. */
    if (rng(rng_ctx, seeds, 3 * (size_t)sp->n) != 0) {
        qstp_wipe(seeds, sizeof seeds);
        memset(pk, 0, sp->pk_bytes);
        memset(sk, 0, sp->sk_bytes);
        return -1;
    }
    rc = qstp_slh_keygen(sp, pk, sk, seeds, seeds + sp->n, seeds + 2 * sp->n);
    qstp_wipe(seeds, sizeof seeds);
    return rc;
}

int qstp_slhdsa_sign_internal(qstp_slhdsa_param p, uint8_t *sig, const uint8_t *msg, size_t mlen,
                              const uint8_t *sk, const uint8_t *addrnd)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    const qstp_slh_msg m = {NULL, 0, msg, mlen};

    if (sp == NULL || sig == NULL)
        return -1;
    if (sk == NULL || (msg == NULL && mlen > 0)) {
        memset(sig, 0, sp->sig_bytes);
        return -1;
    }
    return qstp_slh_sign_msg(sp, sig, &m, sk, addrnd);
}

int qstp_slhdsa_verify_internal(qstp_slhdsa_param p, const uint8_t *sig, size_t siglen, const uint8_t *msg,
                                size_t mlen, const uint8_t *pk)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    const qstp_slh_msg m = {NULL, 0, msg, mlen};

    if (sp == NULL || sig == NULL || pk == NULL || (msg == NULL && mlen > 0))
        return -1;
    return qstp_slh_verify_msg(sp, sig, siglen, &m, pk);
}

/* M' = toByte(0, 1) || toByte(|ctx|, 1) || ctx || M (Alg. 22 step 8): the prefix goes in a small
 * buffer, M stays where it is. */
static int slh_pure_prefix(uint8_t pre[2 + QSTP_SLHDSA_CTX_MAX], const uint8_t *ctx, size_t ctxlen)
{
    if (ctxlen > QSTP_SLHDSA_CTX_MAX || (ctx == NULL && ctxlen > 0))
        return -1;
    pre[0] = 0x00;
    pre[1] = (uint8_t)ctxlen;
    if (ctxlen > 0)
        memcpy(pre + 2, ctx, ctxlen);
    return 0;
}

int qstp_slhdsa_sign(qstp_slhdsa_param p, uint8_t *sig, const uint8_t *msg, size_t mlen, const uint8_t *ctx,
                     size_t ctxlen, const uint8_t *sk, const uint8_t *addrnd)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    uint8_t pre[2 + QSTP_SLHDSA_CTX_MAX];
    qstp_slh_msg m;

    if (sp == NULL || sig == NULL)
        return -1;
    if (sk == NULL || (msg == NULL && mlen > 0) || slh_pure_prefix(pre, ctx, ctxlen) != 0) {
        memset(sig, 0, sp->sig_bytes);
        return -1;
    }
    m.pre = pre;
    m.prelen = 2 + ctxlen;
    m.msg = msg;
    m.mlen = mlen;
    return qstp_slh_sign_msg(sp, sig, &m, sk, addrnd);
}

int qstp_slhdsa_verify(qstp_slhdsa_param p, const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t mlen,
                       const uint8_t *ctx, size_t ctxlen, const uint8_t *pk)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    uint8_t pre[2 + QSTP_SLHDSA_CTX_MAX];
    qstp_slh_msg m;

    if (sp == NULL || sig == NULL || pk == NULL || (msg == NULL && mlen > 0))
        return -1;
    if (slh_pure_prefix(pre, ctx, ctxlen) != 0) /* Alg. 24 step 1 */
        return -1;
    m.pre = pre;
    m.prelen = 2 + ctxlen;
    m.msg = msg;
    m.mlen = mlen;
    return qstp_slh_verify_msg(sp, sig, siglen, &m, pk);
}

int qstp_slhdsa_sign_attached(qstp_slhdsa_param p, uint8_t *sm, size_t *smlen, const uint8_t *msg, size_t mlen,
                              const uint8_t *sk, const uint8_t *addrnd)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    int rc;

    if (sp == NULL || sm == NULL || smlen == NULL)
        return -1;
    if (sk == NULL || (msg == NULL && mlen > 0) || mlen > SIZE_MAX - sp->sig_bytes) {
        *smlen = 0;
        return -1;
    }
    /* Move the message into place first (it may already overlap sm + sig_bytes), then sign it
     * there: the signature area and the message no longer overlap. */
    if (mlen > 0)
        memmove(sm + sp->sig_bytes, msg, mlen);
    rc = qstp_slhdsa_sign(p, sm, sm + sp->sig_bytes, mlen, NULL, 0, sk, addrnd);
    if (rc != 0) {
        memset(sm, 0, sp->sig_bytes + mlen);
        *smlen = 0;
        return rc;
    }
    *smlen = sp->sig_bytes + mlen;
    return 0;
}

int qstp_slhdsa_open_attached(qstp_slhdsa_param p, uint8_t *msg, size_t *mlen, const uint8_t *sm, size_t smlen,
                              const uint8_t *pk)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    size_t len;

    if (mlen != NULL)
        *mlen = 0;
    if (sp == NULL || msg == NULL || mlen == NULL || sm == NULL || pk == NULL || smlen < sp->sig_bytes)
        return -1;
    len = smlen - sp->sig_bytes;
    if (qstp_slhdsa_verify(p, sm, sp->sig_bytes, sm + sp->sig_bytes, len, NULL, 0, pk) != 0)
        return -1;
    if (len > 0)
        memmove(msg, sm + sp->sig_bytes, len);
    *mlen = len;
    return 0;
}
