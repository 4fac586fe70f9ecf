/* AES-256 of the test support (tests/support/aes256.c) against FIPS 197 C.3, SP 800-38A F.1.5,
 * F.2.5, F.5.5 (vectors/aes/aes256_fips197_sp800-38a.txt) and every NIST AESAVS AES-256 file in
 * vectors/aes/aesavs/ (KAT, MMT and Monte Carlo, encrypt and decrypt). ECB, CBC and CTR are
 * built here on top of the block function. The DRBG depends on this being right. */
#include "test.h"

#include <stdlib.h>
#include <string.h>

/* ---- modes on top of the block function ---- */

static void ecb(const test_aes256 *a, int enc, const uint8_t *in, uint8_t *out, size_t len)
{
    for (size_t i = 0; i + 16 <= len; i += 16) {
        if (enc) {
            test_aes256_encrypt(a, in + i, out + i);
        } else {
            test_aes256_decrypt(a, in + i, out + i);
        }
    }
}

/* CBC with a running chaining value (SP 800-38A §6.2); chain is updated in place. */
static void cbc(const test_aes256 *a, int enc, uint8_t chain[16], const uint8_t *in, uint8_t *out,
                size_t len)
{
    uint8_t t[16];

    for (size_t i = 0; i + 16 <= len; i += 16) {
        if (enc) {
            for (int k = 0; k < 16; k++) {
                t[k] = in[i + k] ^ chain[k];
            }
            test_aes256_encrypt(a, t, out + i);
            memcpy(chain, out + i, 16);
        } else {
            uint8_t c[16];
            memcpy(c, in + i, 16);
            test_aes256_decrypt(a, c, t);
            for (int k = 0; k < 16; k++) {
                out[i + k] = t[k] ^ chain[k];
            }
            memcpy(chain, c, 16);
        }
    }
}

/* CTR with a full 128-bit big-endian counter block (SP 800-38A §6.5, F.5). */
static void ctr(const test_aes256 *a, const uint8_t counter0[16], const uint8_t *in, uint8_t *out,
                size_t len)
{
    uint8_t ctrb[16], ks[16];

    memcpy(ctrb, counter0, 16);
    for (size_t i = 0; i < len; i += 16) {
        test_aes256_encrypt(a, ctrb, ks);
        for (size_t k = 0; k < 16 && i + k < len; k++) {
            out[i + k] = in[i + k] ^ ks[k];
        }
        for (int k = 15; k >= 0 && ++ctrb[k] == 0; k--) {
        }
    }
}

/* Decode a field of exactly n bytes, or record a failure. Values may carry a trailing comment
 * ("f0f1... (full 128-bit counter)"): only the first word is hex. */
static int field(const test_rsp_record *rec, const char *key, uint8_t *out, size_t n)
{
    const char *v = test_rsp_get(rec, key);
    char word[4096];
    size_t len;

    if (v == NULL) {
        TEST_FAIL("[%s] missing field %s", rec->section, key);
        return 0;
    }
    len = strcspn(v, " \t");
    if (len >= sizeof word) {
        TEST_FAIL("[%s] field %s too long", rec->section, key);
        return 0;
    }
    memcpy(word, v, len);
    word[len] = '\0';
    if (test_hex_decode(out, n, word) != n) {
        TEST_FAIL("[%s] field %s is not %zu bytes of hex", rec->section, key, n);
        return 0;
    }
    return 1;
}

/* ---- aes256_fips197_sp800-38a.txt ---- */

static void test_standard_examples(void)
{
    const char *rel = "vectors/aes/aes256_fips197_sp800-38a.txt";
    test_rsp *f = test_rsp_open(test_vector_path(rel));
    test_rsp_record rec;
    int sections = 0;

    if (f == NULL) {
        return;
    }
    while (test_rsp_next(f, &rec)) {
        uint8_t key[32], iv[16], pt[64], ct[64], out[64];
        test_aes256 a;

        if (!field(&rec, "KEY", key, 32)) {
            continue;
        }
        test_aes256_init(&a, key);
        if (strcmp(rec.section, "FIPS197-C3") == 0) {
            if (field(&rec, "PLAINTEXT", pt, 16) && field(&rec, "CIPHERTEXT", ct, 16)) {
                ecb(&a, 1, pt, out, 16);
                CHECK_BYTES(out, ct, 16, "FIPS 197 C.3 encrypt");
                ecb(&a, 0, ct, out, 16);
                CHECK_BYTES(out, pt, 16, "FIPS 197 C.3 decrypt");
                sections++;
            }
            continue;
        }
        /* SP 800-38A: four blocks PLAINTEXT1..4 / CIPHERTEXT1..4 */
        {
            int ok = 1;
            for (int i = 0; i < 4; i++) {
                char kp[16], kc[16];
                snprintf(kp, sizeof kp, "PLAINTEXT%d", i + 1);
                snprintf(kc, sizeof kc, "CIPHERTEXT%d", i + 1);
                ok &= field(&rec, kp, pt + 16 * i, 16) && field(&rec, kc, ct + 16 * i, 16);
            }
            if (!ok) {
                continue;
            }
        }
        if (strstr(rec.section, "ECB") != NULL) {
            ecb(&a, 1, pt, out, 64);
            CHECK_BYTES(out, ct, 64, "SP 800-38A F.1.5 ECB encrypt");
            ecb(&a, 0, ct, out, 64);
            CHECK_BYTES(out, pt, 64, "SP 800-38A F.1.5 ECB decrypt");
            sections++;
        } else if (strstr(rec.section, "CBC") != NULL) {
            uint8_t chain[16];
            if (!field(&rec, "IV", iv, 16)) {
                continue;
            }
            memcpy(chain, iv, 16);
            cbc(&a, 1, chain, pt, out, 64);
            CHECK_BYTES(out, ct, 64, "SP 800-38A F.2.5 CBC encrypt");
            memcpy(chain, iv, 16);
            cbc(&a, 0, chain, ct, out, 64);
            CHECK_BYTES(out, pt, 64, "SP 800-38A F.2.5 CBC decrypt");
            sections++;
        } else if (strstr(rec.section, "CTR") != NULL) {
            if (!field(&rec, "INITIAL_COUNTER", iv, 16)) {
                continue;
            }
            ctr(&a, iv, pt, out, 64);
            CHECK_BYTES(out, ct, 64, "SP 800-38A F.5.5 CTR encrypt");
            ctr(&a, iv, ct, out, 64);
            CHECK_BYTES(out, pt, 64, "SP 800-38A F.5.5 CTR decrypt");
            sections++;
        } else {
            TEST_FAIL("%s: unexpected section [%s]", rel, rec.section);
        }
    }
    test_rsp_close(f);
    CHECK_MSG(sections == 4, "%s: %d of 4 examples found", rel, sections);
}

/* ---- AESAVS KAT and MMT files: every record, both directions ---- */

static void test_aesavs_kat(const char *name, int is_cbc, int expect_records)
{
    char rel[128];
    test_rsp *f;
    test_rsp_record rec;
    int records = 0;

    snprintf(rel, sizeof rel, "vectors/aes/aesavs/%s", name);
    f = test_rsp_open(test_vector_path(rel));
    if (f == NULL) {
        return;
    }
    while (test_rsp_next(f, &rec)) {
        uint8_t key[32], iv[16], chain[16];
        const char *pth = test_rsp_get(&rec, "PLAINTEXT");
        const char *cth = test_rsp_get(&rec, "CIPHERTEXT");
        uint8_t *pt, *ct, *out;
        size_t ptlen = 0, ctlen = 0;
        test_aes256 a;

        if (!field(&rec, "KEY", key, 32) || (is_cbc && !field(&rec, "IV", iv, 16))) {
            continue;
        }
        pt = test_hex_alloc(pth, &ptlen);
        ct = test_hex_alloc(cth, &ctlen);
        out = malloc(ptlen + 16);
        if (pt == NULL || ct == NULL || out == NULL || ptlen != ctlen || ptlen % 16 != 0) {
            TEST_FAIL("%s [%s] COUNT %s: bad PLAINTEXT/CIPHERTEXT", rel, rec.section,
                      test_rsp_get(&rec, "COUNT"));
            free(pt), free(ct), free(out);
            continue;
        }
        test_aes256_init(&a, key);
        /* Both directions for every record, whichever section it is in. */
        memcpy(chain, iv, 16);
        if (is_cbc) {
            cbc(&a, 1, chain, pt, out, ptlen);
        } else {
            ecb(&a, 1, pt, out, ptlen);
        }
        CHECK_MSG(memcmp(out, ct, ptlen) == 0, "%s [%s] COUNT %s encrypt", rel, rec.section,
                  test_rsp_get(&rec, "COUNT"));
        memcpy(chain, iv, 16);
        if (is_cbc) {
            cbc(&a, 0, chain, ct, out, ctlen);
        } else {
            ecb(&a, 0, ct, out, ctlen);
        }
        CHECK_MSG(memcmp(out, pt, ptlen) == 0, "%s [%s] COUNT %s decrypt", rel, rec.section,
                  test_rsp_get(&rec, "COUNT"));
        records++;
        free(pt), free(ct), free(out);
    }
    test_rsp_close(f);
    CHECK_MSG(records == expect_records, "%s: %d records, expected %d", rel, records, expect_records);
}

/* ---- AESAVS Monte Carlo (AESAVS §6.4.1/§6.4.2, 256-bit key) ----
 * Each record gives KEY, (IV,) and the input block; 1000 chained operations give the output.
 * Each record is checked on its own, and its successor's KEY/IV/input are checked against the
 * update rule, so a wrong chaining rule cannot hide behind a right block function. */

typedef struct {
    uint8_t key[32], iv[16], in[16];
    int have;
} mct_next;

static void test_aesavs_mct(const char *name, int is_cbc)
{
    char rel[128];
    test_rsp *f;
    test_rsp_record rec;
    int records = 0;
    mct_next expect = {{0}, {0}, {0}, 0};
    char last_section[128] = "";

    snprintf(rel, sizeof rel, "vectors/aes/aesavs/%s", name);
    f = test_rsp_open(test_vector_path(rel));
    if (f == NULL) {
        return;
    }
    while (test_rsp_next(f, &rec)) {
        int enc = strcmp(rec.section, "ENCRYPT") == 0;
        const char *in_name = enc ? "PLAINTEXT" : "CIPHERTEXT";
        const char *out_name = enc ? "CIPHERTEXT" : "PLAINTEXT";
        uint8_t key[32], iv[16] = {0}, in[16], want[16];
        uint8_t x[16], y[16], prev[16], chain[16];
        test_aes256 a;

        if (strcmp(rec.section, last_section) != 0) {
            expect.have = 0; /* a new direction starts a new chain */
            snprintf(last_section, sizeof last_section, "%s", rec.section);
        }
        if (!field(&rec, "KEY", key, 32) || (is_cbc && !field(&rec, "IV", iv, 16)) ||
            !field(&rec, in_name, in, 16) || !field(&rec, out_name, want, 16)) {
            continue;
        }
        if (expect.have) {
            CHECK_MSG(memcmp(expect.key, key, 32) == 0, "%s [%s] COUNT %s: chained KEY", rel,
                      rec.section, test_rsp_get(&rec, "COUNT"));
            CHECK_MSG(memcmp(expect.in, in, 16) == 0, "%s [%s] COUNT %s: chained %s", rel,
                      rec.section, test_rsp_get(&rec, "COUNT"), in_name);
            if (is_cbc) {
                CHECK_MSG(memcmp(expect.iv, iv, 16) == 0, "%s [%s] COUNT %s: chained IV", rel,
                          rec.section, test_rsp_get(&rec, "COUNT"));
            }
        }
        test_aes256_init(&a, key);
        memcpy(x, in, 16);
        memcpy(chain, iv, 16);
        memset(prev, 0, 16);
        for (int j = 0; j < 1000; j++) {
            uint8_t next_in[16];
            if (is_cbc) {
                cbc(&a, enc, chain, x, y, 16);
                /* input j+1 is IV for j = 0, else output j-1 */
                memcpy(next_in, j == 0 ? iv : prev, 16);
            } else {
                ecb(&a, enc, x, y, 16);
                memcpy(next_in, y, 16);
            }
            if (j < 999) {
                memcpy(prev, y, 16);
                memcpy(x, next_in, 16);
            }
        }
        /* now y = out[999], prev = out[998] */
        CHECK_MSG(memcmp(y, want, 16) == 0, "%s [%s] COUNT %s: Monte Carlo output", rel,
                  rec.section, test_rsp_get(&rec, "COUNT"));
        for (int k = 0; k < 16; k++) {
            expect.key[k] = key[k] ^ prev[k];
            expect.key[16 + k] = key[16 + k] ^ y[k];
        }
        memcpy(expect.iv, y, 16);
        memcpy(expect.in, is_cbc ? prev : y, 16);
        expect.have = 1;
        records++;
    }
    test_rsp_close(f);
    CHECK_MSG(records == 200, "%s: %d records, expected 200", rel, records);
}

int main(void)
{
    test_standard_examples();
    test_aesavs_kat("ECBVarKey256.rsp", 0, 512);
    test_aesavs_kat("ECBVarTxt256.rsp", 0, 256);
    test_aesavs_kat("ECBMMT256.rsp", 0, 20);
    test_aesavs_kat("CBCVarKey256.rsp", 1, 512);
    test_aesavs_kat("CBCVarTxt256.rsp", 1, 256);
    test_aesavs_kat("CBCMMT256.rsp", 1, 20);
    test_aesavs_mct("ECBMCT256.rsp", 0);
    test_aesavs_mct("CBCMCT256.rsp", 1);
    return test_report();
}
