/* The NIST KAT DRBG (tests/support/drbg.c) reproduces the "seed" (and "msg") fields of the NIST
 * PQC KAT files: PQCgenKAT_kem draws all seeds from one DRBG initialised with entropy 00..2F,
 * one randombytes(48) per record; PQCgenKAT_sign draws seed (48) then msg (mlen) per record.
 * Files: vectors/mlkem/qsc-nist-format/kyber-1632.rsp, vectors/mldsa/qsc-nist-format/dilithium-2544.rsp. */
#include "test.h"

#include "crypto/random.h"

#include <stdlib.h>
#include <string.h>

static void nist_entropy(uint8_t e[48])
{
    for (int i = 0; i < 48; i++) {
        e[i] = (uint8_t)i;
    }
}

static void test_kem_seeds(const char *rel)
{
    test_rsp *f = test_rsp_open(test_vector_path(rel));
    test_rsp_record rec;
    test_drbg d;
    uint8_t e[48];
    int records = 0;

    if (f == NULL) {
        return;
    }
    nist_entropy(e);
    test_drbg_init(&d, e);
    while (test_rsp_next(f, &rec)) {
        uint8_t want[48], got[48];
        const char *count = test_rsp_get(&rec, "count");
        CHECK_MSG(count != NULL && atoi(count) == records, "%s: record %d has count %s", rel,
                  records, count ? count : "(none)");
        CHECK(test_hex_decode(want, sizeof want, test_rsp_get(&rec, "seed")) == 48);
        CHECK(test_drbg_random(&d, got, 48) == 0);
        CHECK_BYTES(got, want, 48, "KEM KAT seed");
        records++;
    }
    test_rsp_close(f);
    CHECK_MSG(records == 10, "%s: %d records, expected 10", rel, records);
}

static void test_sign_seeds(const char *rel)
{
    test_rsp *f = test_rsp_open(test_vector_path(rel));
    test_rsp_record rec;
    test_drbg d;
    uint8_t e[48];
    int records = 0;

    if (f == NULL) {
        return;
    }
    nist_entropy(e);
    test_drbg_init(&d, e);
    while (test_rsp_next(f, &rec)) {
        uint8_t want[48], got[48];
        size_t mlen = 0, n = 0;
        uint8_t *msg = test_hex_alloc(test_rsp_get(&rec, "msg"), &mlen);
        uint8_t *mine;
        const char *ml = test_rsp_get(&rec, "mlen");

        CHECK(test_hex_decode(want, sizeof want, test_rsp_get(&rec, "seed")) == 48);
        test_drbg_random(&d, got, 48);
        CHECK_BYTES(got, want, 48, "signature KAT seed");
        CHECK_MSG(msg != NULL && ml != NULL && (size_t)atol(ml) == mlen, "%s: msg/mlen", rel);
        n = msg != NULL ? mlen : 0;
        mine = malloc(n + 1);
        if (mine != NULL) {
            test_drbg_random(&d, mine, n);
            CHECK_BYTES(mine, msg, n, "signature KAT msg");
        }
        free(mine);
        free(msg);
        records++;
    }
    test_rsp_close(f);
    CHECK_MSG(records == 10, "%s: %d records, expected 10", rel, records);
}

/* The state update happens once per call, not per block: two 16-byte calls differ from one
 * 32-byte call after the first block. And a fixed value guards the whole construction. */
static void test_call_granularity(void)
{
    test_drbg a, b;
    uint8_t e[48], x[32], y[32];
    qstp_rng_fn fn = test_drbg_random; /* the DRBG plugs into crypto code as a qstp_rng_fn */

    nist_entropy(e);
    test_drbg_init(&a, e);
    test_drbg_init(&b, e);
    CHECK(fn(&a, x, 32) == 0);
    CHECK(fn(&b, y, 16) == 0);
    CHECK(fn(&b, y + 16, 16) == 0);
    CHECK_BYTES(y, x, 16, "first block equal");
    CHECK(memcmp(x + 16, y + 16, 16) != 0);
    /* a zero-length call still updates the state */
    test_drbg_init(&a, e);
    test_drbg_init(&b, e);
    CHECK(fn(&a, x, 0) == 0);
    fn(&a, x, 16);
    fn(&b, y, 16);
    CHECK(memcmp(x, y, 16) != 0);
}

int main(void)
{
    test_kem_seeds("vectors/mlkem/qsc-nist-format/kyber-1632.rsp");
    test_kem_seeds("vectors/mlkem/qsc-nist-format/kyber-2400.rsp");
    test_sign_seeds("vectors/mldsa/qsc-nist-format/dilithium-2544.rsp");
    test_call_granularity();
    return test_report();
}
