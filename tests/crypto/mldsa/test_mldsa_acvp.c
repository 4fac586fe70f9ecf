/* ML-DSA against the NIST ACVP internal-interface vectors (FIPS 204 final):
 *   vectors/mldsa/acvp/ML-DSA-keyGen-FIPS204.internalProjection.json  (xi -> pk, sk)
 *   vectors/mldsa/acvp/ML-DSA-sigGen-FIPS204.internalProjection.json  (sk, M', rnd -> sig)
 *   vectors/mldsa/acvp/ML-DSA-sigVer-FIPS204.internalProjection.json  (pk, M', sig -> pass/fail) */
#include <stdlib.h>
#include <string.h>

#include "crypto/mldsa/mldsa.h"
#include "test.h"

static unsigned level_of(const cJSON *group)
{
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(group, "parameterSet");
    if (!cJSON_IsString(ps))
        return 0;
    if (strcmp(ps->valuestring, "ML-DSA-44") == 0)
        return 44;
    if (strcmp(ps->valuestring, "ML-DSA-65") == 0)
        return 65;
    if (strcmp(ps->valuestring, "ML-DSA-87") == 0)
        return 87;
    return 0;
}

/* Heap-decoded hex field (NULL and a failure if absent or malformed). */
static uint8_t *field(const cJSON *obj, const char *name, size_t *len)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
    uint8_t *out = cJSON_IsString(f) ? test_hex_alloc(f->valuestring, len) : NULL;
    CHECK_MSG(out != NULL, "field %s", name);
    return out;
}

static void test_keygen(void)
{
    cJSON *root = test_json_load("vectors/mldsa/acvp/ML-DSA-keyGen-FIPS204.internalProjection.json");
    if (!root)
        return;
    unsigned n = 0;
    const cJSON *group;
    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "testGroups"))
    {
        unsigned level = level_of(group);
        CHECK(level != 0);
        const cJSON *tc;
        cJSON_ArrayForEach(tc, cJSON_GetObjectItemCaseSensitive(group, "tests"))
        {
            size_t xl, pkl, skl;
            uint8_t *xi = field(tc, "seed", &xl), *pk = field(tc, "pk", &pkl), *sk = field(tc, "sk", &skl);
            uint8_t gpk[QSTP_MLDSA_PK_MAX], gsk[QSTP_MLDSA_SK_MAX];
            if (xi && pk && sk && xl == 32) {
                CHECK(pkl == qstp_mldsa_pk_size(level) && skl == qstp_mldsa_sk_size(level));
                CHECK(qstp_mldsa_keypair_seed(level, gpk, gsk, xi) == 0);
                CHECK_BYTES(gpk, pk, pkl, "acvp keyGen pk");
                CHECK_BYTES(gsk, sk, skl, "acvp keyGen sk");
                n++;
            }
            free(xi), free(pk), free(sk);
        }
    }
    CHECK_MSG(n == 75, "keyGen cases: %u", n);
    cJSON_Delete(root);
}

static void test_siggen(void)
{
    cJSON *root = test_json_load("vectors/mldsa/acvp/ML-DSA-sigGen-FIPS204.internalProjection.json");
    if (!root)
        return;
    unsigned n = 0;
    const cJSON *group;
    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "testGroups"))
    {
        unsigned level = level_of(group);
        int det = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(group, "deterministic"));
        const cJSON *tc;
        cJSON_ArrayForEach(tc, cJSON_GetObjectItemCaseSensitive(group, "tests"))
        {
            size_t skl, ml, sgl, rl = 32;
            uint8_t *sk = field(tc, "sk", &skl), *m = field(tc, "message", &ml),
                    *sig = field(tc, "signature", &sgl);
            uint8_t *rnd = det ? calloc(1, 32) : field(tc, "rnd", &rl);
            uint8_t got[QSTP_MLDSA_SIG_MAX];
            if (sk && m && sig && rnd && rl == 32) {
                CHECK(sgl == qstp_mldsa_sig_size(level));
                CHECK(qstp_mldsa_sign_internal(level, got, m, ml, sk, rnd) == 0);
                CHECK_BYTES(got, sig, sgl, "acvp sigGen signature");
                n++;
            }
            free(sk), free(m), free(sig), free(rnd);
        }
    }
    CHECK_MSG(n == 60, "sigGen cases: %u", n);
    cJSON_Delete(root);
}

static void test_sigver(void)
{
    cJSON *root = test_json_load("vectors/mldsa/acvp/ML-DSA-sigVer-FIPS204.internalProjection.json");
    if (!root)
        return;
    unsigned n = 0, rejected = 0;
    const cJSON *group;
    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "testGroups"))
    {
        unsigned level = level_of(group);
        size_t pkl;
        uint8_t *pk = field(group, "pk", &pkl); /* pk sits in the group, not the test */
        const cJSON *tc;
        cJSON_ArrayForEach(tc, cJSON_GetObjectItemCaseSensitive(group, "tests"))
        {
            size_t ml, sgl;
            uint8_t *m = field(tc, "message", &ml), *sig = field(tc, "signature", &sgl);
            int want = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tc, "testPassed"));
            if (pk && m && sig) {
                int got = qstp_mldsa_verify_internal(level, sig, sgl, m, ml, pk) == 0;
                const cJSON *why = cJSON_GetObjectItemCaseSensitive(tc, "reason");
                CHECK_MSG(got == want, "sigVer tcId %d (%s)",
                          cJSON_GetObjectItemCaseSensitive(tc, "tcId")->valueint,
                          cJSON_IsString(why) ? why->valuestring : "");
                rejected += !want;
                n++;
            }
            free(m), free(sig);
        }
        free(pk);
    }
    CHECK_MSG(n == 45 && rejected > 0, "sigVer cases: %u (%u invalid)", n, rejected);
    cJSON_Delete(root);
}

int main(void)
{
    test_keygen();
    test_siggen();
    test_sigver();
    return test_report();
}
