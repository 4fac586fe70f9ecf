/* qstp-acvp handlers for ML-KEM (FIPS 203), ACVP revision "FIPS203":
 *   keyGen      (AFT): d, z                      -> ek, dk    (ML-KEM.KeyGen_internal)
 *   encapDecap  group "function":
 *     encapsulation (AFT):  ek, m                -> c, k      (ML-KEM.Encaps_internal)
 *     decapsulation (VAL):  dk (group or test), c -> k        (ML-KEM.Decaps, implicit rejection)
 *     encapsulationKeyCheck: ek                  -> testPassed (§7.2 length + modulus check)
 *     decapsulationKeyCheck: dk                  -> testPassed (§7.3 length + hash check)
 * Parameter sets ML-KEM-512/768/1024. The QRCS k = 5 set has no ACVP name and is not offered. */
#include "acvp.h"
#include "crypto/mlkem/mlkem.h"

#include <stdlib.h>
#include <string.h>

static unsigned mlkem_k(const cJSON *group)
{
    const char *ps = acvp_str(group, "parameterSet");
    if (ps == NULL)
        return 0;
    if (strcmp(ps, "ML-KEM-512") == 0)
        return 2;
    if (strcmp(ps, "ML-KEM-768") == 0)
        return 3;
    if (strcmp(ps, "ML-KEM-1024") == 0)
        return 4;
    return 0;
}

static acvp_status mlkem_keygen_check(const cJSON *group, char *why, size_t whylen)
{
    if (mlkem_k(group) == 0) {
        acvp_fail(why, whylen, "parameterSet %s not supported",
                  acvp_str(group, "parameterSet") ? acvp_str(group, "parameterSet") : "(none)");
        return ACVP_SKIP_GROUP;
    }
    return ACVP_OK;
}

static const char *const known_functions[] = {"encapsulation", "decapsulation",
                                              "encapsulationKeyCheck", "decapsulationKeyCheck"};

static acvp_status mlkem_encdec_check(const cJSON *group, char *why, size_t whylen)
{
    const char *fn = acvp_str(group, "function");
    if (mlkem_keygen_check(group, why, whylen) != ACVP_OK)
        return ACVP_SKIP_GROUP;
    if (fn == NULL)
        return acvp_fail(why, whylen, "encapDecap group without \"function\"");
    for (size_t i = 0; i < sizeof known_functions / sizeof known_functions[0]; i++)
        if (strcmp(fn, known_functions[i]) == 0)
            return ACVP_OK;
    acvp_fail(why, whylen, "function %s not supported", fn);
    return ACVP_SKIP_GROUP;
}

static acvp_status mlkem_keygen(const cJSON *group, const cJSON *test, cJSON *out, char *err,
                                size_t errlen)
{
    unsigned char d[32], z[32], pk[QSTP_MLKEM_PK_MAX], sk[QSTP_MLKEM_SK_MAX];
    const unsigned k = mlkem_k(group);
    long dl, zl;

    if (k == 0)
        return acvp_fail(err, errlen, "unsupported parameterSet");
    dl = acvp_hex_field(test, "d", d, sizeof d, err, errlen);
    if (dl < 0)
        return ACVP_ERROR;
    zl = acvp_hex_field(test, "z", z, sizeof z, err, errlen);
    if (zl < 0)
        return ACVP_ERROR;
    if (dl != 32 || zl != 32)
        return acvp_fail(err, errlen, "d and z must be 32 bytes (got %ld, %ld)", dl, zl);
    if (qstp_mlkem_keypair_derand(k, pk, sk, d, z) != 0)
        return acvp_fail(err, errlen, "key generation failed");
    acvp_add_hex(out, "ek", pk, qstp_mlkem_pk_size(k));
    acvp_add_hex(out, "dk", sk, qstp_mlkem_sk_size(k));
    return ACVP_OK;
}

static acvp_status mlkem_encaps(unsigned k, const cJSON *test, cJSON *out, char *err, size_t errlen)
{
    unsigned char pk[QSTP_MLKEM_PK_MAX], m[32], ct[QSTP_MLKEM_CT_MAX], ss[32];
    long pl = acvp_hex_field(test, "ek", pk, sizeof pk, err, errlen);
    long ml;
    if (pl < 0)
        return ACVP_ERROR;
    ml = acvp_hex_field(test, "m", m, sizeof m, err, errlen);
    if (ml < 0)
        return ACVP_ERROR;
    if ((size_t)pl != qstp_mlkem_pk_size(k) || ml != 32)
        return acvp_fail(err, errlen, "ek must be %zu bytes and m 32 (got %ld, %ld)",
                         qstp_mlkem_pk_size(k), pl, ml);
    if (qstp_mlkem_encaps_derand(k, ct, ss, pk, m) != 0)
        return acvp_fail(err, errlen, "ek fails the FIPS 203 modulus check");
    acvp_add_hex(out, "c", ct, qstp_mlkem_ct_size(k));
    acvp_add_hex(out, "k", ss, sizeof ss);
    return ACVP_OK;
}

static acvp_status mlkem_decaps(unsigned k, const cJSON *group, const cJSON *test, cJSON *out,
                                char *err, size_t errlen)
{
    unsigned char ct[QSTP_MLKEM_CT_MAX], ss[32];
    unsigned char *sk;
    size_t sl;
    long cl;
    acvp_status st = ACVP_OK;

    /* Newer prompts carry dk per test, the 2024 ones once per group. */
    sk = acvp_hex_alloc(cJSON_GetObjectItemCaseSensitive(test, "dk") ? test : group, "dk", &sl,
                        err, errlen);
    if (sk == NULL)
        return ACVP_ERROR;
    cl = acvp_hex_field(test, "c", ct, sizeof ct, err, errlen);
    if (cl < 0)
        st = ACVP_ERROR;
    else if (sl != qstp_mlkem_sk_size(k) || (size_t)cl != qstp_mlkem_ct_size(k))
        st = acvp_fail(err, errlen, "dk must be %zu bytes and c %zu (got %zu, %ld)",
                       qstp_mlkem_sk_size(k), qstp_mlkem_ct_size(k), sl, cl);
    else if (qstp_mlkem_decaps(k, ss, ct, sk, NULL) != 0)
        st = acvp_fail(err, errlen, "dk fails the FIPS 203 hash check");
    else
        acvp_add_hex(out, "k", ss, sizeof ss); /* K' or the implicit-rejection K-bar */
    free(sk);
    return st;
}

/* Key checks: a wrong length is a failed check, not a malformed test (§7.2, §7.3 step 1-2). */
static acvp_status mlkem_keycheck(unsigned k, const cJSON *test, cJSON *out, int decaps_key,
                                  char *err, size_t errlen)
{
    size_t len;
    unsigned char *key = acvp_hex_alloc(test, decaps_key ? "dk" : "ek", &len, err, errlen);
    int pass;
    if (key == NULL)
        return ACVP_ERROR;
    if (decaps_key)
        pass = len == qstp_mlkem_sk_size(k) && qstp_mlkem_check_sk(k, key) == 0;
    else
        pass = len == qstp_mlkem_pk_size(k) && qstp_mlkem_check_pk(k, key) == 0;
    acvp_add_bool(out, "testPassed", pass);
    free(key);
    return ACVP_OK;
}

static acvp_status mlkem_encdec(const cJSON *group, const cJSON *test, cJSON *out, char *err,
                                size_t errlen)
{
    const unsigned k = mlkem_k(group);
    const char *fn = acvp_str(group, "function");
    if (k == 0 || fn == NULL)
        return acvp_fail(err, errlen, "unsupported parameterSet or no function");
    if (strcmp(fn, "encapsulation") == 0)
        return mlkem_encaps(k, test, out, err, errlen);
    if (strcmp(fn, "decapsulation") == 0)
        return mlkem_decaps(k, group, test, out, err, errlen);
    if (strcmp(fn, "encapsulationKeyCheck") == 0)
        return mlkem_keycheck(k, test, out, 0, err, errlen);
    if (strcmp(fn, "decapsulationKeyCheck") == 0)
        return mlkem_keycheck(k, test, out, 1, err, errlen);
    return acvp_fail(err, errlen, "function %s not supported", fn);
}

static const acvp_handler mlkem_keygen_handler = {"ML-KEM", "keyGen", mlkem_keygen_check,
                                                  mlkem_keygen};
static const acvp_handler mlkem_encdec_handler = {"ML-KEM", "encapDecap", mlkem_encdec_check,
                                                  mlkem_encdec};

const acvp_handler *const acvp_mlkem_handlers[] = {&mlkem_keygen_handler, &mlkem_encdec_handler,
                                                   NULL};
