/* ML-DSA against Wycheproof (C2SP, FIPS 204 final), applied as vectors/mldsa/wycheproof/mldsa.md
 * describes:
 *   mldsa_{44,65,87}_sign_seed_test.json    keygen from the seed (pk compared), pure signing with
 *                                           ctx (deterministic, or hedged with "rnd"), mu compared,
 *                                           "Internal" cases signed from mu, every signature verified
 *   mldsa_{44,65,87}_sign_noseed_test.json  the same from the expanded secret key, including keys
 *                                           with out-of-range s1/s2 that signing must refuse
 *   mldsa_{44,65,87}_verify_test.json       every "invalid" case must be rejected, every "valid"
 *                                           case accepted
 * Keys of the wrong length count as rejected at the API boundary (the API takes fixed-size keys,
 * as the protocol core does), and so do seeds that are not 32 bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/mldsa/mldsa.h"
#include "test.h"

static const unsigned levels[3] = {44, 65, 87};

static uint8_t *opt_hex(const cJSON *obj, const char *name, size_t *len, int *present)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
    *present = cJSON_IsString(f);
    *len = 0;
    if (!*present)
        return NULL;
    uint8_t *out = test_hex_alloc(f->valuestring, len);
    CHECK_MSG(out != NULL, "bad hex in %s", name);
    return out;
}

static int has_flag(const cJSON *tc, const char *flag)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(tc, "flags"))
    {
        if (cJSON_IsString(f) && strcmp(f->valuestring, flag) == 0)
            return 1;
    }
    return 0;
}

static int tc_id(const cJSON *tc)
{
    return cJSON_GetObjectItemCaseSensitive(tc, "tcId")->valueint;
}

static int want_valid(const cJSON *tc)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(tc, "result");
    return cJSON_IsString(r) && strcmp(r->valuestring, "valid") == 0;
}

typedef struct {
    unsigned total, valid, invalid;
} counts;

/* One signing test case with the given secret key (sk NULL: key unusable, must be invalid). */
static void sign_case(unsigned level, const char *file, const cJSON *tc, const uint8_t *sk,
                      const uint8_t *pk, counts *cnt)
{
    size_t ml, cl, mul, sgl, rl;
    int hm, hc, hmu, hs, hr;
    uint8_t *msg = opt_hex(tc, "msg", &ml, &hm), *ctx = opt_hex(tc, "ctx", &cl, &hc);
    uint8_t *mu = opt_hex(tc, "mu", &mul, &hmu), *sig = opt_hex(tc, "sig", &sgl, &hs);
    uint8_t *rnd = opt_hex(tc, "rnd", &rl, &hr);
    const size_t sigb = qstp_mldsa_sig_size(level);
    uint8_t got[QSTP_MLDSA_SIG_MAX];
    const uint8_t zero[32] = {0};
    const uint8_t *r = hr ? rnd : zero;
    int valid = want_valid(tc);
    int rc = -1;

    CHECK_MSG(!hr || rl == 32, "%s tcId %d rnd length", file, tc_id(tc));
    /* Every valid case carries a message or (flag "Internal") only mu. */
    CHECK_MSG(!valid || hm || (has_flag(tc, "Internal") && hmu), "%s tcId %d: no input", file,
              tc_id(tc));
    memset(got, 0, sizeof(got));
    if (sk != NULL) {
        if (hm) {
            rc = qstp_mldsa_sign(level, got, msg, ml, hc ? ctx : NULL, cl, sk, hr ? rnd : NULL);
            if (hmu && pk) {
                /* mu from (msg, ctx) must match the vector's mu. */
                uint8_t m2[64];
                CHECK(qstp_mldsa_mu_pure(level, m2, pk, msg, ml, hc ? ctx : NULL, cl) == 0);
                CHECK_BYTES(m2, mu, 64, "wycheproof mu");
            }
        } else if (hmu && mul == 64) {
            rc = qstp_mldsa_sign_mu(level, got, mu, sk, r); /* "Internal": only mu is given */
        }
    }
    if (valid) {
        CHECK_MSG(rc == 0, "%s tcId %d: signing failed", file, tc_id(tc));
        CHECK_MSG(hs && sgl == sigb && memcmp(got, sig, sigb) == 0, "%s tcId %d: signature differs",
                  file, tc_id(tc));
        if (rc == 0 && pk) {
            int vr = hm ? qstp_mldsa_verify(level, got, sigb, msg, ml, hc ? ctx : NULL, cl, pk)
                        : qstp_mldsa_verify_mu(level, got, sigb, mu, pk);
            CHECK_MSG(vr == 0, "%s tcId %d: own signature does not verify", file, tc_id(tc));
        }
        cnt->valid++;
    } else {
        CHECK_MSG(rc != 0, "%s tcId %d (%s): invalid case was signed", file, tc_id(tc),
                  cJSON_GetObjectItemCaseSensitive(tc, "comment")->valuestring);
        if (hm && hc && cl > 255 && pk) {
            /* mu computation must fail too when the context is too long. */
            uint8_t m2[64];
            CHECK(qstp_mldsa_mu_pure(level, m2, pk, msg, ml, ctx, cl) != 0);
        }
        cnt->invalid++;
    }
    cnt->total++;
    free(msg), free(ctx), free(mu), free(sig), free(rnd);
}

static void test_sign_file(unsigned level, int seeded)
{
    char rel[128];
    snprintf(rel, sizeof(rel), "vectors/mldsa/wycheproof/mldsa_%u_sign_%s_test.json", level,
             seeded ? "seed" : "noseed");
    cJSON *root = test_json_load(rel);
    if (!root)
        return;
    counts cnt = {0, 0, 0};
    const size_t pkb = qstp_mldsa_pk_size(level), skb = qstp_mldsa_sk_size(level);
    const cJSON *group;
    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "testGroups"))
    {
        size_t pkl, kl;
        int hpk, hk;
        uint8_t *pk = opt_hex(group, "publicKey", &pkl, &hpk);
        uint8_t *key = opt_hex(group, seeded ? "privateSeed" : "privateKey", &kl, &hk);
        uint8_t gpk[QSTP_MLDSA_PK_MAX], gsk[QSTP_MLDSA_SK_MAX];
        const uint8_t *sk = NULL;
        if (seeded && hk && kl == 32) {
            CHECK(qstp_mldsa_keypair_seed(level, gpk, gsk, key) == 0);
            if (hpk) {
                CHECK(pkl == pkb);
                CHECK_BYTES(gpk, pk, pkb, "wycheproof keygen pk");
            }
            sk = gsk;
        } else if (!seeded && hk && kl == skb) {
            sk = key;
        }
        const cJSON *tc;
        cJSON_ArrayForEach(tc, cJSON_GetObjectItemCaseSensitive(group, "tests"))
        {
            sign_case(level, rel, tc, sk, (hpk && pkl == pkb) ? pk : NULL, &cnt);
        }
        free(pk), free(key);
    }
    const cJSON *num = cJSON_GetObjectItemCaseSensitive(root, "numberOfTests");
    CHECK_MSG(cJSON_IsNumber(num) && (unsigned)num->valueint == cnt.total, "%s: ran %u tests", rel,
              cnt.total);
    printf("  %s: %u cases (%u valid, %u invalid)\n", rel, cnt.total, cnt.valid, cnt.invalid);
    cJSON_Delete(root);
}

static void test_verify_file(unsigned level)
{
    char rel[128];
    snprintf(rel, sizeof(rel), "vectors/mldsa/wycheproof/mldsa_%u_verify_test.json", level);
    cJSON *root = test_json_load(rel);
    if (!root)
        return;
    counts cnt = {0, 0, 0};
    const size_t pkb = qstp_mldsa_pk_size(level);
    const cJSON *group;
    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "testGroups"))
    {
        size_t pkl;
        int hpk;
        uint8_t *pk = opt_hex(group, "publicKey", &pkl, &hpk);
        const cJSON *tc;
        cJSON_ArrayForEach(tc, cJSON_GetObjectItemCaseSensitive(group, "tests"))
        {
            size_t ml, cl, sgl;
            int hm, hc, hs;
            uint8_t *msg = opt_hex(tc, "msg", &ml, &hm), *ctx = opt_hex(tc, "ctx", &cl, &hc);
            uint8_t *sig = opt_hex(tc, "sig", &sgl, &hs);
            int ok = 0;
            if (hpk && pkl == pkb && hm && hs)
                ok = qstp_mldsa_verify(level, sig, sgl, msg, ml, hc ? ctx : NULL, cl, pk) == 0;
            int valid = want_valid(tc);
            CHECK_MSG(ok == valid, "%s tcId %d (%s): expected %s", rel, tc_id(tc),
                      cJSON_GetObjectItemCaseSensitive(tc, "comment")->valuestring,
                      valid ? "valid" : "invalid");
            if (valid)
                cnt.valid++;
            else
                cnt.invalid++;
            cnt.total++;
            free(msg), free(ctx), free(sig);
        }
        free(pk);
    }
    const cJSON *num = cJSON_GetObjectItemCaseSensitive(root, "numberOfTests");
    CHECK_MSG(cJSON_IsNumber(num) && (unsigned)num->valueint == cnt.total, "%s: ran %u tests", rel,
              cnt.total);
    printf("  %s: %u cases (%u valid, %u invalid)\n", rel, cnt.total, cnt.valid, cnt.invalid);
    cJSON_Delete(root);
}

int main(void)
{
    for (unsigned i = 0; i < 3; i++) {
        test_sign_file(levels[i], 1);
        test_sign_file(levels[i], 0);
        test_verify_file(levels[i]);
    }
    return test_report();
}
