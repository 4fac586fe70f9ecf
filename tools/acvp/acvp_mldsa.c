/* qstp-acvp handlers for ML-DSA (FIPS 204), ACVP revision "FIPS204":
 *   keyGen: seed (xi)                                 -> pk, sk   (ML-DSA.KeyGen_internal)
 *   sigGen: sk, message (= M'), group "deterministic", rnd for non-deterministic groups
 *                                                     -> signature (ML-DSA.Sign_internal)
 *   sigVer: pk (in the group, or in the test), message (= M'), signature
 *                                                     -> testPassed (ML-DSA.Verify_internal)
 * Newer prompts may carry "signatureInterface": "internal" is as above; "external" with
 * "preHash": "pure" signs/verifies message with "context" (ML-DSA.Sign/Verify), and
 * "externalMu": true uses the "mu" field. Pre-hash (HashML-DSA) groups are skipped. */
#include "acvp.h"
#include "crypto/mldsa/mldsa.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned level;
    int external; /* 0 internal (M'), 1 external pure (message, context) */
    int mu;       /* external mu */
} mldsa_group;

static acvp_status mldsa_group_info(const cJSON *group, mldsa_group *g, char *why, size_t whylen)
{
    const char *ps = acvp_str(group, "parameterSet");
    const char *iface = acvp_str(group, "signatureInterface");
    const char *pre = acvp_str(group, "preHash");
    const char *type = acvp_str(group, "testType");

    memset(g, 0, sizeof(*g));
    if (ps == NULL)
        return acvp_fail(why, whylen, "no parameterSet");
    if (strcmp(ps, "ML-DSA-44") == 0)
        g->level = 44;
    else if (strcmp(ps, "ML-DSA-65") == 0)
        g->level = 65;
    else if (strcmp(ps, "ML-DSA-87") == 0)
        g->level = 87;
    else {
        acvp_fail(why, whylen, "parameter set %s not supported", ps);
        return ACVP_SKIP_GROUP;
    }
    if (type != NULL && strcmp(type, "AFT") != 0) {
        acvp_fail(why, whylen, "testType %s not supported", type);
        return ACVP_SKIP_GROUP;
    }
    if (iface != NULL && strcmp(iface, "external") == 0) {
        if (pre != NULL && strcmp(pre, "pure") != 0) {
            acvp_fail(why, whylen, "preHash %s not supported (pure only)", pre);
            return ACVP_SKIP_GROUP;
        }
        g->external = 1;
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(group, "externalMu")))
            g->mu = 1;
    } else if (iface != NULL && strcmp(iface, "internal") != 0) {
        acvp_fail(why, whylen, "signatureInterface %s not supported", iface);
        return ACVP_SKIP_GROUP;
    }
    return ACVP_OK;
}

static acvp_status mldsa_check(const cJSON *group, char *why, size_t whylen)
{
    mldsa_group g;
    return mldsa_group_info(group, &g, why, whylen);
}

/* A field of the test, or of the group when the test has none (ACVP moves pk/sk around). */
static const cJSON *test_or_group(const cJSON *group, const cJSON *test, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(test, name) ? test : group;
}

static acvp_status mldsa_keygen(const cJSON *group, const cJSON *test, cJSON *out, char *err,
                                size_t errlen)
{
    unsigned char xi[32], pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX];
    mldsa_group g;
    long l;

    if (mldsa_group_info(group, &g, err, errlen) != ACVP_OK)
        return ACVP_ERROR;
    l = acvp_hex_field(test, "seed", xi, sizeof xi, err, errlen);
    if (l < 0)
        return ACVP_ERROR;
    if (l != 32)
        return acvp_fail(err, errlen, "seed must be 32 bytes");
    if (qstp_mldsa_keypair_seed(g.level, pk, sk, xi) != 0)
        return acvp_fail(err, errlen, "key generation failed");
    acvp_add_hex(out, "pk", pk, qstp_mldsa_pk_size(g.level));
    acvp_add_hex(out, "sk", sk, qstp_mldsa_sk_size(g.level));
    return ACVP_OK;
}

static acvp_status mldsa_siggen(const cJSON *group, const cJSON *test, cJSON *out, char *err,
                                size_t errlen)
{
    unsigned char sk[QSTP_MLDSA_SK_MAX], rnd[32] = {0}, mu[64], ctx[256], sig[QSTP_MLDSA_SIG_MAX];
    unsigned char *m = NULL;
    mldsa_group g;
    size_t mlen = 0;
    long lsk, lr, lc = 0;
    int det, rc;

    if (mldsa_group_info(group, &g, err, errlen) != ACVP_OK)
        return ACVP_ERROR;
    if (acvp_bool_field(group, "deterministic", &det, err, errlen) != 0)
        return ACVP_ERROR;
    lsk = acvp_hex_field(test_or_group(group, test, "sk"), "sk", sk, sizeof sk, err, errlen);
    if (lsk < 0)
        return ACVP_ERROR;
    if ((size_t)lsk != qstp_mldsa_sk_size(g.level))
        return acvp_fail(err, errlen, "sk must be %zu bytes", qstp_mldsa_sk_size(g.level));
    if (!det) {
        lr = acvp_hex_field(test, "rnd", rnd, sizeof rnd, err, errlen);
        if (lr < 0)
            return ACVP_ERROR;
        if (lr != 32)
            return acvp_fail(err, errlen, "rnd must be 32 bytes");
    }
    if (g.mu) {
        long lm = acvp_hex_field(test, "mu", mu, sizeof mu, err, errlen);
        if (lm < 0)
            return ACVP_ERROR;
        if (lm != 64)
            return acvp_fail(err, errlen, "mu must be 64 bytes");
        rc = qstp_mldsa_sign_mu(g.level, sig, mu, sk, rnd);
    } else {
        m = acvp_message(test, &mlen, err, errlen);
        if (m == NULL)
            return ACVP_ERROR;
        if (g.external) {
            lc = acvp_context(test, ctx, sizeof ctx, err, errlen);
            if (lc < 0) {
                free(m);
                return ACVP_ERROR;
            }
            rc = qstp_mldsa_sign(g.level, sig, m, mlen, ctx, (size_t)lc, sk, rnd);
        } else {
            rc = qstp_mldsa_sign_internal(g.level, sig, m, mlen, sk, rnd);
        }
        free(m);
    }
    if (rc != 0)
        return acvp_fail(err, errlen, "signing failed (malformed sk or context?)");
    acvp_add_hex(out, "signature", sig, qstp_mldsa_sig_size(g.level));
    return ACVP_OK;
}

static acvp_status mldsa_sigver(const cJSON *group, const cJSON *test, cJSON *out, char *err,
                                size_t errlen)
{
    unsigned char pk[QSTP_MLDSA_PK_MAX], mu[64], ctx[256];
    unsigned char *m = NULL, *sig;
    mldsa_group g;
    size_t mlen = 0, siglen = 0;
    long lpk, lc = 0;
    int ok;

    if (mldsa_group_info(group, &g, err, errlen) != ACVP_OK)
        return ACVP_ERROR;
    lpk = acvp_hex_field(test_or_group(group, test, "pk"), "pk", pk, sizeof pk, err, errlen);
    if (lpk < 0)
        return ACVP_ERROR;
    sig = acvp_hex_alloc(test, "signature", &siglen, err, errlen);
    if (sig == NULL)
        return ACVP_ERROR;
    if ((size_t)lpk != qstp_mldsa_pk_size(g.level)) {
        ok = 0; /* a wrong-length key cannot verify anything */
    } else if (g.mu) {
        long lm = acvp_hex_field(test, "mu", mu, sizeof mu, err, errlen);
        if (lm != 64) {
            free(sig);
            return lm < 0 ? ACVP_ERROR : acvp_fail(err, errlen, "mu must be 64 bytes");
        }
        ok = qstp_mldsa_verify_mu(g.level, sig, siglen, mu, pk) == 0;
    } else {
        m = acvp_message(test, &mlen, err, errlen);
        if (m == NULL) {
            free(sig);
            return ACVP_ERROR;
        }
        if (g.external) {
            lc = acvp_context(test, ctx, sizeof ctx, err, errlen);
            if (lc < 0) {
                free(m);
                free(sig);
                return ACVP_ERROR;
            }
            ok = qstp_mldsa_verify(g.level, sig, siglen, m, mlen, ctx, (size_t)lc, pk) == 0;
        } else {
            ok = qstp_mldsa_verify_internal(g.level, sig, siglen, m, mlen, pk) == 0;
        }
        free(m);
    }
    free(sig);
    acvp_add_bool(out, "testPassed", ok);
    return ACVP_OK;
}

static const acvp_handler mldsa_keygen_h = {"ML-DSA", "keyGen", mldsa_check, mldsa_keygen};
static const acvp_handler mldsa_siggen_h = {"ML-DSA", "sigGen", mldsa_check, mldsa_siggen};
static const acvp_handler mldsa_sigver_h = {"ML-DSA", "sigVer", mldsa_check, mldsa_sigver};

const acvp_handler *const acvp_mldsa_handlers[] = {&mldsa_keygen_h, &mldsa_siggen_h, &mldsa_sigver_h,
                                                   NULL};
