/* ML-KEM known answers through the randomised API and the NIST KAT DRBG, plus ACVP JSON:
 *   vectors/mlkem/qsc-nist-format/kyber-{1632,2400,3168}.rsp  (ML-KEM-512/768/1024, 10 records each)
 *   vectors/mlkem/pqclean_nistkat_sha256.txt                   (count-0 hash, NISTKAT_PROCEDURE.txt)
 *   vectors/mlkem/acvp/ML-KEM-keyGen-FIPS203.internalProjection.json
 *   vectors/mlkem/acvp/ML-KEM-encapDecap-FIPS203.internalProjection.json */
#include "mlkem_test_util.h"

/* One NIST KAT record: DRBG(seed) -> keypair (64 bytes d||z) -> encaps (32 bytes m). */
static void kat_record(unsigned k, const uint8_t seed[48], uint8_t *pk, uint8_t *sk, uint8_t *ct,
                       uint8_t ss[32])
{
    test_drbg drbg;
    uint8_t ss2[32];
    int ok = -1;
    test_drbg_init(&drbg, seed);
    CHECK(qstp_mlkem_keypair(k, pk, sk, test_drbg_random, &drbg) == 0);
    CHECK(qstp_mlkem_encaps(k, ct, ss, pk, test_drbg_random, &drbg) == 0);
    CHECK(qstp_mlkem_decaps(k, ss2, ct, sk, &ok) == 0);
    CHECK(ok == 1);
    CHECK_BYTES(ss2, ss, 32, "decaps ss");
}

static void qsc_rsp(const char *rel, unsigned k)
{
    const char *path = test_vector_path(rel);
    test_rsp *f = path ? test_rsp_open(path) : NULL;
    test_rsp_record rec;
    unsigned records = 0;
    if (f == NULL) {
        TEST_FAIL("cannot read %s", rel);
        return;
    }
    while (test_rsp_next(f, &rec) == 1) {
        uint8_t seed[48], pk[QSTP_MLKEM_PK_MAX], sk[QSTP_MLKEM_SK_MAX], ct[QSTP_MLKEM_CT_MAX],
            ss[32];
        uint8_t want[QSTP_MLKEM_SK_MAX];
        const char *s = test_rsp_get(&rec, "seed");
        if (s == NULL)
            continue;
        CHECK(test_hex_decode(seed, sizeof seed, s) == 48);
        kat_record(k, seed, pk, sk, ct, ss);
        CHECK(test_hex_decode(want, sizeof want, test_rsp_get(&rec, "pk")) == qstp_mlkem_pk_size(k));
        CHECK_BYTES(pk, want, qstp_mlkem_pk_size(k), "pk");
        CHECK(test_hex_decode(want, sizeof want, test_rsp_get(&rec, "sk")) == qstp_mlkem_sk_size(k));
        CHECK_BYTES(sk, want, qstp_mlkem_sk_size(k), "sk");
        CHECK(test_hex_decode(want, sizeof want, test_rsp_get(&rec, "ct")) == qstp_mlkem_ct_size(k));
        CHECK_BYTES(ct, want, qstp_mlkem_ct_size(k), "ct");
        CHECK(test_hex_decode(want, sizeof want, test_rsp_get(&rec, "ss")) == 32);
        CHECK_BYTES(ss, want, 32, "ss");
        records++;
    }
    test_rsp_close(f);
    CHECK_MSG(records == 10, "%s: %u records, expected 10", rel, records);
}

/* PQClean nistkat: SHA-256 over the printed count-0 record (NISTKAT_PROCEDURE.txt). */
static void pqclean_nistkat(void)
{
    const char *rel = "vectors/mlkem/pqclean_nistkat_sha256.txt";
    size_t len;
    char *text = test_read_file(test_vector_path(rel), &len);
    unsigned found = 0;
    if (text == NULL)
        return;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char name[32], hexhash[65];
        unsigned k;
        if (line[0] == '#' || sscanf(line, "%31s | %64s", name, hexhash) != 2)
            continue;
        if (strcmp(name, "ml-kem-512") == 0)
            k = 2;
        else if (strcmp(name, "ml-kem-768") == 0)
            k = 3;
        else if (strcmp(name, "ml-kem-1024") == 0)
            k = 4;
        else
            continue;
        uint8_t entropy[48], seed[48], want[32], got[32];
        uint8_t pk[QSTP_MLKEM_PK_MAX], sk[QSTP_MLKEM_SK_MAX], ct[QSTP_MLKEM_CT_MAX], ss[32];
        test_drbg drbg;
        test_sha256_ctx h;
        for (unsigned i = 0; i < 48; i++)
            entropy[i] = (uint8_t)i;
        test_drbg_init(&drbg, entropy);
        test_drbg_random(&drbg, seed, 48);
        kat_record(k, seed, pk, sk, ct, ss);
        test_sha256_init(&h);
        test_sha256_kat_int(&h, "count", 0);
        test_sha256_kat_bstr(&h, "seed", seed, 48);
        test_sha256_kat_bstr(&h, "pk", pk, qstp_mlkem_pk_size(k));
        test_sha256_kat_bstr(&h, "sk", sk, qstp_mlkem_sk_size(k));
        test_sha256_kat_bstr(&h, "ct", ct, qstp_mlkem_ct_size(k));
        test_sha256_kat_bstr(&h, "ss", ss, 32);
        test_sha256_final(&h, got);
        CHECK(test_hex_decode(want, sizeof want, hexhash) == 32);
        CHECK_MSG(memcmp(got, want, 32) == 0, "%s nistkat-sha256 mismatch", name);
        found++;
    }
    CHECK_MSG(found == 3, "%s: %u of 3 ML-KEM hashes found", rel, found);
    free(text);
}

static void acvp_keygen(void)
{
    const char *rel = "vectors/mlkem/acvp/ML-KEM-keyGen-FIPS203.internalProjection.json";
    cJSON *doc = test_json_load(rel);
    unsigned n = 0;
    const cJSON *g, *t;
    if (doc == NULL)
        return;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(doc, "testGroups"))
    {
        unsigned k = mlkem_k_from_name(
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "parameterSet")));
        CHECK(k != 0);
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(g, "tests"))
        {
            size_t dl, zl, el, kl;
            uint8_t *d = mlkem_json_hex(t, "d", &dl), *z = mlkem_json_hex(t, "z", &zl);
            uint8_t *ek = mlkem_json_hex(t, "ek", &el), *dk = mlkem_json_hex(t, "dk", &kl);
            uint8_t pk[QSTP_MLKEM_PK_MAX], sk[QSTP_MLKEM_SK_MAX];
            if (k && d && z && ek && dk && dl == 32 && zl == 32 && el == qstp_mlkem_pk_size(k) &&
                kl == qstp_mlkem_sk_size(k)) {
                CHECK(qstp_mlkem_keypair_derand(k, pk, sk, d, z) == 0);
                CHECK_BYTES(pk, ek, el, "acvp ek");
                CHECK_BYTES(sk, dk, kl, "acvp dk");
            } else {
                TEST_FAIL("%s: malformed test", rel);
            }
            free(d);
            free(z);
            free(ek);
            free(dk);
            n++;
        }
    }
    CHECK_MSG(n == 75, "%s: %u tests, expected 75", rel, n);
    cJSON_Delete(doc);
}

static void acvp_encap_decap(void)
{
    const char *rel = "vectors/mlkem/acvp/ML-KEM-encapDecap-FIPS203.internalProjection.json";
    cJSON *doc = test_json_load(rel);
    unsigned n_enc = 0, n_dec = 0, n_rej = 0;
    const cJSON *g, *t;
    if (doc == NULL)
        return;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(doc, "testGroups"))
    {
        unsigned k = mlkem_k_from_name(
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "parameterSet")));
        const char *fn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "function"));
        size_t gdl;
        uint8_t *gdk = mlkem_json_hex(g, "dk", &gdl);
        CHECK(k != 0 && fn != NULL);
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(g, "tests"))
        {
            size_t el, ml, cl, kl;
            uint8_t *ek = mlkem_json_hex(t, "ek", &el), *m = mlkem_json_hex(t, "m", &ml);
            uint8_t *c = mlkem_json_hex(t, "c", &cl), *K = mlkem_json_hex(t, "k", &kl);
            uint8_t ct[QSTP_MLKEM_CT_MAX], ss[32];
            if (k == 0 || fn == NULL) {
                /* counted as failure above */
            } else if (strcmp(fn, "encapsulation") == 0) {
                CHECK(ek && m && c && K && el == qstp_mlkem_pk_size(k) && ml == 32 &&
                      cl == qstp_mlkem_ct_size(k) && kl == 32);
                if (ek && m && c && K && el == qstp_mlkem_pk_size(k) && ml == 32 &&
                    cl == qstp_mlkem_ct_size(k) && kl == 32) {
                    CHECK(qstp_mlkem_encaps_derand(k, ct, ss, ek, m) == 0);
                    CHECK_BYTES(ct, c, cl, "acvp c");
                    CHECK_BYTES(ss, K, 32, "acvp k");
                }
                n_enc++;
            } else if (strcmp(fn, "decapsulation") == 0) {
                int ok = -1;
                CHECK(gdk && c && K && gdl == qstp_mlkem_sk_size(k) && cl == qstp_mlkem_ct_size(k) &&
                      kl == 32);
                if (gdk && c && K && gdl == qstp_mlkem_sk_size(k) && cl == qstp_mlkem_ct_size(k) &&
                    kl == 32) {
                    CHECK(qstp_mlkem_decaps(k, ss, c, gdk, &ok) == 0);
                    CHECK_BYTES(ss, K, 32, "acvp decaps k");
                    n_rej += ok == 0;
                }
                n_dec++;
            } else {
                TEST_FAIL("%s: unknown function %s", rel, fn);
            }
            free(ek);
            free(m);
            free(c);
            free(K);
        }
        free(gdk);
    }
    CHECK_MSG(n_enc == 75 && n_dec == 30, "%s: %u encaps, %u decaps tests", rel, n_enc, n_dec);
    /* The VAL groups mix valid ciphertexts and ones that take implicit rejection. */
    CHECK_MSG(n_rej > 0 && n_rej < n_dec, "implicit rejections: %u of %u", n_rej, n_dec);
    cJSON_Delete(doc);
}

int main(void)
{
    qsc_rsp("vectors/mlkem/qsc-nist-format/kyber-1632.rsp", 2);
    qsc_rsp("vectors/mlkem/qsc-nist-format/kyber-2400.rsp", 3);
    qsc_rsp("vectors/mlkem/qsc-nist-format/kyber-3168.rsp", 4);
    pqclean_nistkat();
    acvp_keygen();
    acvp_encap_decap();
    return test_report();
}
