/* qstp-acvp handlers for SLH-DSA (FIPS 205), ACVP revision "FIPS205", internal interface:
 *   keyGen: skSeed, skPrf, pkSeed            -> pk, sk        (slh_keygen_internal)
 *   sigGen: sk, message (+ messageLength in bits), group "deterministic", and for
 *           non-deterministic groups additionalRandomness -> signature (slh_sign_internal)
 *   sigVer: pk, message, signature           -> testPassed    (slh_verify_internal)
 * Newer prompts (ACVP-Server v1.1.0.38+) mark groups with "signatureInterface": "internal" or
 * "external" and "preHash": "pure" or "preHash"; external pure groups carry a hex "context" per
 * test and run through slh_sign/slh_verify (Alg. 22, 24). Pre-hash (HashSLH-DSA) groups and the
 * SHA2 parameter sets are skipped: only the six SHAKE sets are implemented. */
#include "acvp.h"
#include "crypto/slhdsa/slhdsa.h"

#include <stdlib.h>
#include <string.h>

/* 1 if the group uses the external (pure) interface, 0 for internal (also when unmarked). */
static int slh_external(const cJSON *group)
{
    const char *iface = acvp_str(group, "signatureInterface");
    return iface != NULL && strcmp(iface, "external") == 0;
}

static acvp_status slh_group_param(const cJSON *group, qstp_slhdsa_param *p, char *why, size_t whylen)
{
    const char *ps = acvp_str(group, "parameterSet");
    const char *iface = acvp_str(group, "signatureInterface");
    const char *prehash = acvp_str(group, "preHash");
    const char *type = acvp_str(group, "testType");

    if (ps == NULL)
        return acvp_fail(why, whylen, "no parameterSet");
    if (qstp_slhdsa_param_from_name(ps, p) != 0) {
        acvp_fail(why, whylen, "parameter set %s not supported (SHAKE sets only)", ps);
        return ACVP_SKIP_GROUP;
    }
    if (iface != NULL && strcmp(iface, "internal") != 0 && strcmp(iface, "external") != 0) {
        acvp_fail(why, whylen, "signatureInterface %s not supported", iface);
        return ACVP_SKIP_GROUP;
    }
    if (slh_external(group) && (prehash == NULL || strcmp(prehash, "pure") != 0)) {
        acvp_fail(why, whylen, "preHash %s not supported (pure only)", prehash ? prehash : "(missing)");
        return ACVP_SKIP_GROUP;
    }
    if (type != NULL && strcmp(type, "AFT") != 0) {
        acvp_fail(why, whylen, "testType %s not supported", type);
        return ACVP_SKIP_GROUP;
    }
    return ACVP_OK;
}

static acvp_status slh_check(const cJSON *group, char *why, size_t whylen)
{
    qstp_slhdsa_param p;
    return slh_group_param(group, &p, why, whylen);
}

static acvp_status slh_keygen(const cJSON *group, const cJSON *test, cJSON *out, char *err, size_t errlen)
{
    unsigned char sks[32], skp[32], pks[32], pk[QSTP_SLHDSA_PK_MAX], sk[QSTP_SLHDSA_SK_MAX];
    qstp_slhdsa_param p;
    size_t n;
    long l1, l2, l3;

    if (slh_group_param(group, &p, err, errlen) != ACVP_OK)
        return ACVP_ERROR;
    n = qstp_slhdsa_pk_size(p) / 2;
    l1 = acvp_hex_field(test, "skSeed", sks, sizeof sks, err, errlen);
    l2 = acvp_hex_field(test, "skPrf", skp, sizeof skp, err, errlen);
    l3 = acvp_hex_field(test, "pkSeed", pks, sizeof pks, err, errlen);
    if (l1 < 0 || l2 < 0 || l3 < 0)
        return ACVP_ERROR;
    if ((size_t)l1 != n || (size_t)l2 != n || (size_t)l3 != n)
        return acvp_fail(err, errlen, "seeds must be %zu bytes", n);
    if (qstp_slhdsa_keypair_seed(p, pk, sk, sks, skp, pks) != 0)
        return acvp_fail(err, errlen, "key generation failed");
    acvp_add_hex(out, "pk", pk, 2 * n);
    acvp_add_hex(out, "sk", sk, 4 * n);
    return ACVP_OK;
}

static acvp_status slh_siggen(const cJSON *group, const cJSON *test, cJSON *out, char *err, size_t errlen)
{
    unsigned char sk[QSTP_SLHDSA_SK_MAX], rnd[32];
    unsigned char *m, *sig;
    qstp_slhdsa_param p;
    size_t mlen = 0, n;
    long lsk, lr = 0;
    int det, rc;

    if (slh_group_param(group, &p, err, errlen) != ACVP_OK)
        return ACVP_ERROR;
    n = qstp_slhdsa_pk_size(p) / 2;
    if (acvp_bool_field(group, "deterministic", &det, err, errlen) != 0)
        return ACVP_ERROR;
    lsk = acvp_hex_field(test, "sk", sk, sizeof sk, err, errlen);
    if (lsk < 0)
        return ACVP_ERROR;
    if ((size_t)lsk != 4 * n)
        return acvp_fail(err, errlen, "sk must be %zu bytes", 4 * n);
    if (!det) {
        lr = acvp_hex_field(test, "additionalRandomness", rnd, sizeof rnd, err, errlen);
        if (lr < 0)
            return ACVP_ERROR;
        if ((size_t)lr != n)
            return acvp_fail(err, errlen, "additionalRandomness must be %zu bytes", n);
    }
    m = acvp_message(test, &mlen, err, errlen);
    if (m == NULL)
        return ACVP_ERROR;
    sig = malloc(qstp_slhdsa_sig_size(p));
    if (sig == NULL) {
        free(m);
        return acvp_fail(err, errlen, "out of memory");
    }
    if (slh_external(group)) {
        unsigned char ctx[255];
        long lc = acvp_context(test, ctx, sizeof ctx, err, errlen);
        if (lc < 0) {
            free(sig);
            free(m);
            return ACVP_ERROR;
        }
        rc = qstp_slhdsa_sign(p, sig, m, mlen, ctx, (size_t)lc, sk, det ? NULL : rnd);
    } else {
        rc = qstp_slhdsa_sign_internal(p, sig, m, mlen, sk, det ? NULL : rnd);
    }
    if (rc == 0)
        acvp_add_hex(out, "signature", sig, qstp_slhdsa_sig_size(p));
    free(sig);
    free(m);
    return rc == 0 ? ACVP_OK : acvp_fail(err, errlen, "signing failed (inconsistent sk?)");
}

static acvp_status slh_sigver(const cJSON *group, const cJSON *test, cJSON *out, char *err, size_t errlen)
{
    unsigned char pk[QSTP_SLHDSA_PK_MAX];
    unsigned char *m, *sig;
    qstp_slhdsa_param p;
    size_t mlen = 0, siglen = 0;
    long lpk;
    int ok;

    if (slh_group_param(group, &p, err, errlen) != ACVP_OK)
        return ACVP_ERROR;
    lpk = acvp_hex_field(test, "pk", pk, sizeof pk, err, errlen);
    if (lpk < 0)
        return ACVP_ERROR;
    m = acvp_message(test, &mlen, err, errlen);
    if (m == NULL)
        return ACVP_ERROR;
    sig = acvp_hex_alloc(test, "signature", &siglen, err, errlen);
    if (sig == NULL) {
        free(m);
        return ACVP_ERROR;
    }
    /* A malformed key or signature length is a failed verification, not a malformed test. */
    ok = (size_t)lpk == qstp_slhdsa_pk_size(p);
    if (ok && slh_external(group)) {
        unsigned char ctx[255];
        long lc = acvp_context(test, ctx, sizeof ctx, err, errlen);
        if (lc < 0) {
            free(sig);
            free(m);
            return ACVP_ERROR;
        }
        ok = qstp_slhdsa_verify(p, sig, siglen, m, mlen, ctx, (size_t)lc, pk) == 0;
    } else if (ok) {
        ok = qstp_slhdsa_verify_internal(p, sig, siglen, m, mlen, pk) == 0;
    }
    free(sig);
    free(m);
    acvp_add_bool(out, "testPassed", ok);
    return ACVP_OK;
}

static const acvp_handler slh_keygen_handler = {"SLH-DSA", "keyGen", slh_check, slh_keygen};
static const acvp_handler slh_siggen_handler = {"SLH-DSA", "sigGen", slh_check, slh_siggen};
static const acvp_handler slh_sigver_handler = {"SLH-DSA", "sigVer", slh_check, slh_sigver};

const acvp_handler *const acvp_slhdsa_handlers[] = {&slh_keygen_handler, &slh_siggen_handler, &slh_sigver_handler,
                                                    NULL};
