/* SLH-DSA against the NIST ACVP sample files (internal interface), calling the library directly
 * so a regression shows up without the qstp-acvp harness.
 *   vectors/slhdsa/acvp/SLH-DSA-keyGen-FIPS205.v1.1.0.38.{prompt,expectedResults}.json
 *   vectors/slhdsa/acvp/SLH-DSA-sigVer-FIPS205.v1.1.0.37.SHAKE-only.{prompt,expectedResults}.json
 *   vectors/slhdsa/acvp/SLH-DSA-sigGen-FIPS205.2024-08.SHAKE-only.{prompt,expectedResults}.json
 * Arguments select the parts: keygen, sigver, siggen (all sets but the "s" ones), siggen-s
 * (SHAKE-192s, slow), portable (force the portable hash code, QSTP_NO_ASM=1, for the parts that
 * follow). No argument = keygen sigver siggen. */
#include <stdlib.h>
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/slhdsa/slhdsa.h"
#include "test.h"

#define KG "vectors/slhdsa/acvp/SLH-DSA-keyGen-FIPS205.v1.1.0.38."
#define SV "vectors/slhdsa/acvp/SLH-DSA-sigVer-FIPS205.v1.1.0.37.SHAKE-only."
#define SG "vectors/slhdsa/acvp/SLH-DSA-sigGen-FIPS205.2024-08.SHAKE-only."

static const cJSON *find_by_id(const cJSON *arr, const char *key, int id)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
        if (cJSON_IsNumber(v) && v->valueint == id)
            return e;
    }
    return NULL;
}

static uint8_t *hex_field(const cJSON *obj, const char *name, size_t *len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(v))
        return NULL;
    return test_hex_alloc(v->valuestring, len);
}

/* The expected-results group and test matching a prompt test. */
static const cJSON *expected_test(const cJSON *exp, int tg, int tc)
{
    const cJSON *g = find_by_id(cJSON_GetObjectItemCaseSensitive(exp, "testGroups"), "tgId", tg);
    return g ? find_by_id(cJSON_GetObjectItemCaseSensitive(g, "tests"), "tcId", tc) : NULL;
}

typedef void (*case_fn)(qstp_slhdsa_param p, const cJSON *group, const cJSON *test, const cJSON *want, void *arg);

/* Runs fn over every test of every SHAKE group (SHA2 groups are counted and skipped). */
static unsigned for_each_case(const char *prompt_rel, const char *exp_rel, case_fn fn, void *arg)
{
    cJSON *prompt = test_json_load(prompt_rel);
    cJSON *exp = test_json_load(exp_rel);
    unsigned cases = 0;
    const cJSON *g;

    CHECK_MSG(prompt != NULL && exp != NULL, "cannot load %s / %s", prompt_rel, exp_rel);
    if (prompt == NULL || exp == NULL)
        goto out;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(prompt, "testGroups"))
    {
        const cJSON *ps = cJSON_GetObjectItemCaseSensitive(g, "parameterSet");
        const cJSON *tg = cJSON_GetObjectItemCaseSensitive(g, "tgId");
        qstp_slhdsa_param p;
        const cJSON *t;

        if (!cJSON_IsString(ps) || !cJSON_IsNumber(tg)) {
            CHECK_MSG(0, "%s: malformed group", prompt_rel);
            continue;
        }
        if (strstr(ps->valuestring, "SHA2") != NULL)
            continue;
        if (qstp_slhdsa_param_from_name(ps->valuestring, &p) != 0) {
            CHECK_MSG(0, "unknown parameter set %s", ps->valuestring);
            continue;
        }
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(g, "tests"))
        {
            const cJSON *tc = cJSON_GetObjectItemCaseSensitive(t, "tcId");
            const cJSON *want = cJSON_IsNumber(tc) ? expected_test(exp, tg->valueint, tc->valueint) : NULL;
            if (want == NULL) {
                CHECK_MSG(0, "%s: no expected result for a test of group %d", exp_rel, tg->valueint);
                continue;
            }
            fn(p, g, t, want, arg);
            cases++;
        }
    }
out:
    cJSON_Delete(prompt);
    cJSON_Delete(exp);
    return cases;
}

static void keygen_case(qstp_slhdsa_param p, const cJSON *group, const cJSON *test, const cJSON *want, void *arg)
{
    size_t l1, l2, l3, lpk, lsk;
    uint8_t *sks = hex_field(test, "skSeed", &l1), *skp = hex_field(test, "skPrf", &l2);
    uint8_t *pks = hex_field(test, "pkSeed", &l3);
    uint8_t *wpk = hex_field(want, "pk", &lpk), *wsk = hex_field(want, "sk", &lsk);
    uint8_t pk[QSTP_SLHDSA_PK_MAX], sk[QSTP_SLHDSA_SK_MAX];
    int tc = cJSON_GetObjectItemCaseSensitive(test, "tcId")->valueint;

    (void)group;
    (void)arg;
    if (sks && skp && pks && wpk && wsk && lpk == qstp_slhdsa_pk_size(p) && lsk == qstp_slhdsa_sk_size(p)) {
        CHECK_MSG(qstp_slhdsa_keypair_seed(p, pk, sk, sks, skp, pks) == 0, "keyGen tc %d", tc);
        CHECK_MSG(memcmp(pk, wpk, lpk) == 0, "keyGen tc %d (%s): pk differs", tc, qstp_slhdsa_name(p));
        CHECK_MSG(memcmp(sk, wsk, lsk) == 0, "keyGen tc %d (%s): sk differs", tc, qstp_slhdsa_name(p));
    } else {
        CHECK_MSG(0, "keyGen tc %d: malformed fields", tc);
    }
    free(sks);
    free(skp);
    free(pks);
    free(wpk);
    free(wsk);
}

static void sigver_case(qstp_slhdsa_param p, const cJSON *group, const cJSON *test, const cJSON *want, void *arg)
{
    size_t lpk, lm, ls;
    uint8_t *pk = hex_field(test, "pk", &lpk), *msg = hex_field(test, "message", &lm);
    uint8_t *sig = hex_field(test, "signature", &ls);
    const cJSON *passed = cJSON_GetObjectItemCaseSensitive(want, "testPassed");
    int tc = cJSON_GetObjectItemCaseSensitive(test, "tcId")->valueint;
    unsigned *valid = (unsigned *)arg;

    (void)group;
    if (pk && msg && sig && lpk == qstp_slhdsa_pk_size(p) && cJSON_IsBool(passed)) {
        int ok = qstp_slhdsa_verify_internal(p, sig, ls, msg, lm, pk) == 0;
        CHECK_MSG(ok == cJSON_IsTrue(passed), "sigVer tc %d (%s): got %d, want %d", tc, qstp_slhdsa_name(p), ok,
                  cJSON_IsTrue(passed));
        *valid += (unsigned)ok;
    } else {
        CHECK_MSG(0, "sigVer tc %d: malformed fields", tc);
    }
    free(pk);
    free(msg);
    free(sig);
}

typedef struct {
    int want_small; /* 1: only the "s" sets; 0: only the "f" sets */
    unsigned run;
} siggen_arg;

static int is_small(qstp_slhdsa_param p)
{
    return p == QSTP_SLHDSA_SHAKE_128S || p == QSTP_SLHDSA_SHAKE_192S || p == QSTP_SLHDSA_SHAKE_256S;
}

static uint8_t g_sig[QSTP_SLHDSA_SIG_MAX];

static void siggen_case(qstp_slhdsa_param p, const cJSON *group, const cJSON *test, const cJSON *want, void *arg)
{
    siggen_arg *sa = (siggen_arg *)arg;
    const cJSON *det = cJSON_GetObjectItemCaseSensitive(group, "deterministic");
    int tc = cJSON_GetObjectItemCaseSensitive(test, "tcId")->valueint;
    size_t lsk, lm, lr = 0, lw;
    uint8_t *sk, *msg, *rnd = NULL, *wsig;

    if (is_small(p) != sa->want_small)
        return;
    sk = hex_field(test, "sk", &lsk);
    msg = hex_field(test, "message", &lm);
    wsig = hex_field(want, "signature", &lw);
    if (!cJSON_IsTrue(det))
        rnd = hex_field(test, "additionalRandomness", &lr);
    if (sk && msg && wsig && lsk == qstp_slhdsa_sk_size(p) && lw == qstp_slhdsa_sig_size(p) &&
        cJSON_IsBool(det) && (cJSON_IsTrue(det) || (rnd && lr == lsk / 4))) {
        CHECK_MSG(qstp_slhdsa_sign_internal(p, g_sig, msg, lm, sk, rnd) == 0, "sigGen tc %d", tc);
        CHECK_MSG(memcmp(g_sig, wsig, lw) == 0, "sigGen tc %d (%s, %s): signature differs", tc,
                  qstp_slhdsa_name(p), cJSON_IsTrue(det) ? "deterministic" : "randomized");
        CHECK_MSG(qstp_slhdsa_verify_internal(p, g_sig, lw, msg, lm, sk + lsk / 2) == 0, "sigGen tc %d: verify",
                  tc);
        sa->run++;
    } else {
        CHECK_MSG(0, "sigGen tc %d: malformed fields", tc);
    }
    free(sk);
    free(msg);
    free(rnd);
    free(wsig);
}

int main(int argc, char **argv)
{
    const char *def[] = {"keygen", "sigver", "siggen"};
    const char *const *parts = (const char *const *)(argv + 1);
    int nparts = argc - 1;

    if (nparts == 0) {
        parts = def;
        nparts = 3;
    }
    for (int i = 0; i < nparts; i++) {
        if (strcmp(parts[i], "portable") == 0) {
            setenv("QSTP_NO_ASM", "1", 1);
            qstp_cpu_refresh();
            printf("portable code forced (QSTP_NO_ASM=1)\n");
        } else if (strcmp(parts[i], "keygen") == 0) {
            unsigned n = for_each_case(KG "prompt.json", KG "expectedResults.json", keygen_case, NULL);
            printf("keyGen: %u SHAKE cases\n", n);
            CHECK(n == 60);
        } else if (strcmp(parts[i], "sigver") == 0) {
            unsigned valid = 0;
            unsigned n = for_each_case(SV "prompt.json", SV "expectedResults.json", sigver_case, &valid);
            printf("sigVer: %u cases, %u valid\n", n, valid);
            CHECK(n == 54);
            CHECK(valid > 0 && valid < n);
        } else if (strcmp(parts[i], "siggen") == 0 || strcmp(parts[i], "siggen-s") == 0) {
            siggen_arg sa = {strcmp(parts[i], "siggen-s") == 0, 0};
            for_each_case(SG "prompt.json", SG "expectedResults.json", siggen_case, &sa);
            printf("sigGen (%s sets): %u cases\n", sa.want_small ? "s" : "f", sa.run);
            CHECK(sa.run == (sa.want_small ? 14u : 40u));
        } else {
            CHECK_MSG(0, "unknown part %s", parts[i]);
        }
    }
    return test_report();
}
