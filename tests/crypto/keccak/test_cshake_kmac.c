/* cSHAKE and KMAC (SP 800-185):
 *   vectors/cshake_kmac/nist_sp800-185_samples_cshake_kmac.txt   (NIST samples)
 *   vectors/cshake_kmac/wycheproof_kmac{128,256}_no_customization_test.json
 * plus streaming == one-shot, and where the QSC finalize (§7.7) must and must not differ. */
#include <stdlib.h>
#include <string.h>

#include "blockfile.h"
#include "crypto/ct.h"
#include "crypto/sha3.h"
#include "test.h"

static int nist_samples(void)
{
    block_file f;
    block_rec r;
    int n = 0;
    if (!block_open(&f, test_vector_path("vectors/cshake_kmac/nist_sp800-185_samples_cshake_kmac.txt")))
        return 0;
    while (block_next(&f, &r)) {
        const char *alg = block_get(&r, "Algorithm");
        const char *data_s = block_get(&r, "Data"), *s_s = block_get(&r, "S");
        const char *n_s = block_get(&r, "N"), *key_s = block_get(&r, "Key");
        const char *l_s = block_get(&r, "L"), *out_s = block_get(&r, "Output");
        if (!alg || !data_s || !s_s || !l_s || !out_s)
            continue;
        uint8_t data[256], s[64], name[64], key[64], want[64], got[64];
        size_t dl = test_hex_decode(data, sizeof(data), data_s);
        size_t sl = test_hex_decode(s, sizeof(s), s_s);
        size_t nl = n_s ? test_hex_decode(name, sizeof(name), n_s) : 0;
        size_t kl = key_s ? test_hex_decode(key, sizeof(key), key_s) : 0;
        size_t ol = test_hex_decode(want, sizeof(want), out_s);
        CHECK(dl != (size_t)-1 && sl != (size_t)-1 && nl != (size_t)-1 && kl != (size_t)-1);
        CHECK(ol == strtoul(l_s, NULL, 10) / 8);
        if (strcmp(alg, "cSHAKE128") == 0)
            qstp_cshake128(got, ol, data, dl, name, nl, s, sl);
        else if (strcmp(alg, "cSHAKE256") == 0)
            qstp_cshake256(got, ol, data, dl, name, nl, s, sl);
        else if (strcmp(alg, "KMAC128") == 0)
            qstp_kmac128(got, ol, key, kl, data, dl, s, sl);
        else if (strcmp(alg, "KMAC256") == 0)
            qstp_kmac256(got, ol, key, kl, data, dl, s, sl);
        else {
            CHECK_MSG(0, "unknown algorithm %s", alg);
            continue;
        }
        CHECK_BYTES(got, want, ol, r.title);
        n++;
    }
    block_close(&f);
    return n;
}

static int wycheproof(const char *rel, unsigned rate)
{
    cJSON *root = test_json_load(rel);
    int n = 0;
    if (root == NULL)
        return 0;
    cJSON *groups = cJSON_GetObjectItem(root, "testGroups");
    cJSON *g;
    cJSON_ArrayForEach(g, groups)
    {
        int tagbits = cJSON_GetObjectItem(g, "tagSize")->valueint;
        cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItem(g, "tests"))
        {
            size_t kl, ml, tl;
            uint8_t *key = test_hex_alloc(cJSON_GetObjectItem(t, "key")->valuestring, &kl);
            uint8_t *msg = test_hex_alloc(cJSON_GetObjectItem(t, "msg")->valuestring, &ml);
            uint8_t *tag = test_hex_alloc(cJSON_GetObjectItem(t, "tag")->valuestring, &tl);
            int valid = strcmp(cJSON_GetObjectItem(t, "result")->valuestring, "valid") == 0;
            size_t outlen = (size_t)tagbits / 8;
            uint8_t *got = malloc(outlen + 1);
            if (rate == QSTP_KECCAK_RATE_128)
                qstp_kmac128(got, outlen, key, kl, msg, ml, NULL, 0);
            else
                qstp_kmac256(got, outlen, key, kl, msg, ml, NULL, 0);
            int match = (tl == outlen) && qstp_ct_equal(got, tag, outlen);
            CHECK_MSG(match == valid, "%s tcId %d: computed tag %s the test's, expected %s", rel,
                      cJSON_GetObjectItem(t, "tcId")->valueint, match ? "equals" : "differs from",
                      valid ? "valid" : "invalid");
            free(key);
            free(msg);
            free(tag);
            free(got);
            n++;
        }
    }
    cJSON_Delete(root);
    return n;
}

/* Streaming in pieces of every size 1..17 equals one-shot, for each function. */
static void streaming(void)
{
    uint8_t msg[700], key[40], a[100], b[100];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)i;
    for (size_t piece = 1; piece <= 17; piece++) {
        qstp_keccak_state st;
        qstp_kmac256(a, 64, key, sizeof(key), msg, sizeof(msg), (const uint8_t *)"cust", 4);
        qstp_kmac_init(&st, QSTP_KECCAK_RATE_256, key, sizeof(key), (const uint8_t *)"cust", 4);
        for (size_t off = 0; off < sizeof(msg); off += piece)
            qstp_kmac_update(&st, msg + off, off + piece > sizeof(msg) ? sizeof(msg) - off : piece);
        qstp_kmac_final(&st, b, 64);
        CHECK_BYTES(b, a, 64, "KMAC256 streamed");

        qstp_cshake256(a, 100, msg, sizeof(msg), (const uint8_t *)"N", 1, (const uint8_t *)"S", 1);
        qstp_cshake_init(&st, QSTP_KECCAK_RATE_256, (const uint8_t *)"N", 1, (const uint8_t *)"S", 1);
        for (size_t off = 0; off < sizeof(msg); off += piece)
            qstp_cshake_absorb(&st, msg + off, off + piece > sizeof(msg) ? sizeof(msg) - off : piece);
        for (size_t off = 0; off < 100; off += piece)
            qstp_cshake_squeeze(&st, b + off, off + piece > 100 ? 100 - off : piece);
        CHECK_BYTES(b, a, 100, "cSHAKE256 streamed");
        qstp_keccak_wipe(&st);
    }
}

/* QSTP-WIRE §7.7: the QSC finalize equals SP 800-185 unless the buffered tail p satisfies
 * p + |right_encode(8L)| >= rate, i.e. p in {rate-3, rate-2, rate-1} for L = 32 and 64. */
static void qsc_finalize_boundaries(void)
{
    static const unsigned rates[] = {QSTP_KECCAK_RATE_256, QSTP_KECCAK_RATE_512, QSTP_KECCAK_RATE_128};
    uint8_t key[32], msg[400], std_tag[64], qsc_tag[64];
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)(0x40 + i);
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i % 251);
    for (size_t ri = 0; ri < 3; ri++) {
        unsigned rate = rates[ri];
        for (size_t len = 0; len <= 2 * rate + 5; len++) {
            qstp_keccak_state a, b;
            qstp_kmac_init(&a, rate, key, sizeof(key), NULL, 0);
            qstp_kmac_update(&a, msg, len);
            b = a;
            qstp_kmac_final(&a, std_tag, 32);
            qstp_kmac_final_qsc_continue(&b, qsc_tag, 32);
            size_t p = len % rate;
            int quirk = p + 3 >= rate;
            int same = memcmp(std_tag, qsc_tag, 32) == 0;
            CHECK_MSG(same == !quirk, "rate %u len %zu: QSC finalize %s the standard", rate, len,
                      same ? "equals" : "differs from");
        }
    }
}

int main(void)
{
    int n = nist_samples();
    CHECK_MSG(n == 10, "expected 10 SP 800-185 samples, ran %d", n);
    n = wycheproof("vectors/cshake_kmac/wycheproof_kmac128_no_customization_test.json", QSTP_KECCAK_RATE_128);
    CHECK_MSG(n == 174, "expected 174 KMAC128 Wycheproof tests, ran %d", n);
    n = wycheproof("vectors/cshake_kmac/wycheproof_kmac256_no_customization_test.json", QSTP_KECCAK_RATE_256);
    CHECK_MSG(n == 261, "expected 261 KMAC256 Wycheproof tests, ran %d", n);
    streaming();
    qsc_finalize_boundaries();
    return test_report();
}
