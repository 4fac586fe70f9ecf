/* HashML-DSA (FIPS 204 §5.4, Alg. 4 and 5). The pre-hash is bound into M' together with the
 * DER encoding of its OID: M' = 0x01 || ctxlen || ctx || OID || PH(M); the rest is
 * Sign_internal / Verify_internal on mu = H(tr || M', 64), hashed incrementally here. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/mldsa_pack.h"
#include "crypto/sha3.h"

/* 2.16.840.1.101.3.4.2.x: 06 09 60 86 48 01 65 03 04 02 x (NIST hash algorithm arc). */
#define OID_LEN 11
static const uint8_t oid_prefix[OID_LEN - 1] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};

size_t qstp_mldsa_prehash_size(qstp_mldsa_prehash ph)
{
    switch (ph) {
    case QSTP_MLDSA_PH_SHA2_256:
    case QSTP_MLDSA_PH_SHA3_256:
    case QSTP_MLDSA_PH_SHAKE128:
        return 32;
    case QSTP_MLDSA_PH_SHA2_384:
        return 48;
    case QSTP_MLDSA_PH_SHA2_512:
    case QSTP_MLDSA_PH_SHA3_512:
    case QSTP_MLDSA_PH_SHAKE256:
        return 64;
    }
    return 0;
}

/* mu = H(tr || 0x01 || ctxlen || ctx || OID || digest, 64). */
static void prehash_mu(uint8_t mu[MLDSA_CRH_BYTES], const uint8_t tr[MLDSA_CRH_BYTES],
                       qstp_mldsa_prehash ph, const uint8_t *digest, size_t digestlen,
                       const uint8_t *ctx, size_t ctxlen)
{
    qstp_keccak_state st;
    const uint8_t dom[2] = {0x01, (uint8_t)ctxlen};
    const uint8_t oid_last = (uint8_t)ph;
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, tr, MLDSA_CRH_BYTES);
    qstp_shake_absorb(&st, dom, sizeof(dom));
    if (ctxlen)
        qstp_shake_absorb(&st, ctx, ctxlen);
    qstp_shake_absorb(&st, oid_prefix, sizeof(oid_prefix));
    qstp_shake_absorb(&st, &oid_last, 1);
    qstp_shake_absorb(&st, digest, digestlen);
    qstp_shake_squeeze(&st, mu, MLDSA_CRH_BYTES);
    qstp_keccak_wipe(&st);
}

static int args_ok(unsigned level, qstp_mldsa_prehash ph, const uint8_t *digest, size_t digestlen,
                   const uint8_t *ctx, size_t ctxlen)
{
    size_t want = qstp_mldsa_prehash_size(ph);
    return qstp_mldsa_params_get(level) != NULL && want != 0 && digestlen == want &&
           digest != NULL && ctxlen <= QSTP_MLDSA_CTX_MAX && (ctxlen == 0 || ctx != NULL);
}

int qstp_mldsa_sign_prehashed(unsigned level, uint8_t *sig, qstp_mldsa_prehash ph,
                              const uint8_t *digest, size_t digestlen, const uint8_t *ctx,
                              size_t ctxlen, const uint8_t *sk, const uint8_t *rnd)
{
    static const uint8_t zero_rnd[QSTP_MLDSA_RND_BYTES] = {0};
    uint8_t mu[MLDSA_CRH_BYTES];
    if (!args_ok(level, ph, digest, digestlen, ctx, ctxlen) || sk == NULL)
        return -1;
    prehash_mu(mu, sk + MLDSA_SK_TR, ph, digest, digestlen, ctx, ctxlen);
    int rc = qstp_mldsa_sign_mu(level, sig, mu, sk, rnd ? rnd : zero_rnd);
    qstp_wipe(mu, sizeof(mu));
    return rc;
}

int qstp_mldsa_verify_prehashed(unsigned level, const uint8_t *sig, size_t siglen,
                                qstp_mldsa_prehash ph, const uint8_t *digest, size_t digestlen,
                                const uint8_t *ctx, size_t ctxlen, const uint8_t *pk)
{
    uint8_t tr[MLDSA_CRH_BYTES], mu[MLDSA_CRH_BYTES];
    if (!args_ok(level, ph, digest, digestlen, ctx, ctxlen) || pk == NULL)
        return -1;
    qstp_shake256(tr, sizeof(tr), pk, qstp_mldsa_pk_size(level));
    prehash_mu(mu, tr, ph, digest, digestlen, ctx, ctxlen);
    return qstp_mldsa_verify_mu(level, sig, siglen, mu, pk);
}

/* PH(M) for the Keccak-based pre-hashes; 0, or -1 for the SHA-2 ones. */
static int keccak_prehash(qstp_mldsa_prehash ph, uint8_t out[64], const uint8_t *msg, size_t mlen)
{
    switch (ph) {
    case QSTP_MLDSA_PH_SHA3_256:
        qstp_sha3_256(out, msg, mlen);
        return 0;
    case QSTP_MLDSA_PH_SHA3_512:
        qstp_sha3_512(out, msg, mlen);
        return 0;
    case QSTP_MLDSA_PH_SHAKE128:
        qstp_shake128(out, 32, msg, mlen);
        return 0;
    case QSTP_MLDSA_PH_SHAKE256:
        qstp_shake256(out, 64, msg, mlen);
        return 0;
    case QSTP_MLDSA_PH_SHA2_256:
    case QSTP_MLDSA_PH_SHA2_384:
    case QSTP_MLDSA_PH_SHA2_512:
        break;
    }
    return -1;
}

int qstp_mldsa_hash_sign(unsigned level, uint8_t *sig, qstp_mldsa_prehash ph, const uint8_t *msg,
                         size_t mlen, const uint8_t *ctx, size_t ctxlen, const uint8_t *sk,
                         const uint8_t *rnd)
{
    uint8_t d[64];
    if ((mlen && msg == NULL) || keccak_prehash(ph, d, msg, mlen) != 0)
        return -1;
    int rc = qstp_mldsa_sign_prehashed(level, sig, ph, d, qstp_mldsa_prehash_size(ph), ctx, ctxlen,
                                       sk, rnd);
    qstp_wipe(d, sizeof(d));
    return rc;
}

int qstp_mldsa_hash_verify(unsigned level, const uint8_t *sig, size_t siglen, qstp_mldsa_prehash ph,
                           const uint8_t *msg, size_t mlen, const uint8_t *ctx, size_t ctxlen,
                           const uint8_t *pk)
{
    uint8_t d[64];
    if ((mlen && msg == NULL) || keccak_prehash(ph, d, msg, mlen) != 0)
        return -1;
    return qstp_mldsa_verify_prehashed(level, sig, siglen, ph, d, qstp_mldsa_prehash_size(ph), ctx,
                                       ctxlen, pk);
}
