/* SHA-256 of the test support against FIPS 180-4 examples (NIST CSRC "SHA256.pdf" example
 * values), the streaming interface against the one-shot, and the NIST KAT record hashing
 * (test_sha256_kat_*) against PQClean's nistkat-sha256 for ML-KEM-512, computed over the
 * count = 0 record of vectors/mlkem/qsc-nist-format/kyber-1632.rsp. */
#include "test.h"

#include <stdlib.h>
#include <string.h>

static void check_hex_digest(const uint8_t got[32], const char *want_hex, const char *what)
{
    uint8_t want[32];

    CHECK(test_hex_decode(want, sizeof want, want_hex) == 32);
    CHECK_BYTES(got, want, 32, what);
}

static void test_fips180_examples(void)
{
    uint8_t d[32];
    test_sha256_ctx c;
    static const char abc[] = "abc";
    static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static uint8_t million_a[1000000];

    test_sha256(d, abc, 3);
    check_hex_digest(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256(\"abc\")");
    test_sha256(d, two_blocks, strlen(two_blocks));
    check_hex_digest(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                     "SHA-256(448-bit message)");
    test_sha256(d, "", 0);
    check_hex_digest(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "SHA-256(\"\")");

    memset(million_a, 'a', sizeof million_a);
    test_sha256(d, million_a, sizeof million_a);
    check_hex_digest(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
                     "SHA-256(one million 'a')");

    /* Streaming in odd-sized pieces gives the one-shot result. */
    test_sha256_init(&c);
    for (size_t off = 0, step = 1; off < sizeof million_a; off += step, step = step * 3 % 1021 + 1) {
        size_t n = sizeof million_a - off < step ? sizeof million_a - off : step;
        test_sha256_update(&c, million_a + off, n);
    }
    test_sha256_final(&c, d);
    check_hex_digest(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
                     "SHA-256(one million 'a') streamed");

    /* Padding boundaries: 55, 56, 63, 64 bytes, one-shot equals byte-by-byte. */
    {
        static const size_t lens[] = {55, 56, 57, 63, 64, 65, 119, 120, 128};
        uint8_t msg[128], d2[32];
        uint64_t st = 1;
        test_prng_bytes(&st, msg, sizeof msg);
        for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
            test_sha256(d, msg, lens[i]);
            test_sha256_init(&c);
            for (size_t k = 0; k < lens[i]; k++) {
                test_sha256_update(&c, msg + k, 1);
            }
            test_sha256_final(&c, d2);
            CHECK_BYTES(d2, d, 32, "SHA-256 byte-by-byte at a padding boundary");
        }
    }
}

/* Find "scheme | hash | ..." in a pqclean_nistkat_sha256.txt file. */
static int pqclean_hash(const char *rel, const char *scheme, uint8_t out[32])
{
    const char *path = test_vector_path(rel);
    char *text, *line, *save = NULL;
    int found = 0;

    if (path == NULL || (text = test_read_file(path, NULL)) == NULL) {
        return 0;
    }
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(scheme);
        if (strncmp(line, scheme, n) == 0 && strncmp(line + n, " | ", 3) == 0) {
            char hex[65];
            memcpy(hex, line + n + 3, 64);
            hex[64] = '\0';
            found = test_hex_decode(out, 32, hex) == 32;
            break;
        }
    }
    free(text);
    CHECK_MSG(found, "%s: no hash for %s", rel, scheme);
    return found;
}

static void test_kat_record_hash(void)
{
    const char *rel = "vectors/mlkem/qsc-nist-format/kyber-1632.rsp";
    static const char *const fields[] = {"seed", "pk", "sk", "ct", "ss"};
    test_rsp *f = test_rsp_open(test_vector_path(rel));
    test_rsp_record rec;
    test_sha256_ctx c;
    uint8_t want[32], got[32];

    if (f == NULL) {
        return;
    }
    if (!test_rsp_next(f, &rec)) {
        TEST_FAIL("%s: no record", rel);
        test_rsp_close(f);
        return;
    }
    CHECK(test_rsp_get(&rec, "count") != NULL && strcmp(test_rsp_get(&rec, "count"), "0") == 0);
    test_sha256_init(&c);
    test_sha256_kat_int(&c, "count", 0);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        size_t len;
        uint8_t *b = test_hex_alloc(test_rsp_get(&rec, fields[i]), &len);
        CHECK_MSG(b != NULL, "%s: field %s", rel, fields[i]);
        test_sha256_kat_bstr(&c, fields[i], b, b != NULL ? len : 0);
        free(b);
    }
    test_sha256_final(&c, got);
    test_rsp_close(f);
    if (pqclean_hash("vectors/mlkem/pqclean_nistkat_sha256.txt", "ml-kem-512", want)) {
        CHECK_BYTES(got, want, 32, "nistkat-sha256 of kyber-1632.rsp count 0 (ml-kem-512)");
    }

    /* An empty field prints "00" (fprintBstr). */
    {
        test_sha256_ctx c1, c2;
        uint8_t d1[32], d2[32];
        test_sha256_init(&c1);
        test_sha256_kat_bstr(&c1, "msg", NULL, 0);
        test_sha256_final(&c1, d1);
        test_sha256(d2, "msg = 00\n", 9);
        CHECK_BYTES(d1, d2, 32, "empty KAT field hashes as \"00\"");
        test_sha256_init(&c2);
        test_sha256_kat_int(&c2, "mlen", 33);
        test_sha256_final(&c2, d1);
        test_sha256(d2, "mlen = 33\n", 10);
        CHECK_BYTES(d1, d2, 32, "KAT integer line");
    }
}

int main(void)
{
    test_fips180_examples();
    test_kat_record_hash();
    return test_report();
}
