/* The QSC/QSTP Keccak functions as the reference computes them (QSTP-WIRE §7):
 *   vectors/rcs_qsc/qsc_sha3_test_vectors.txt  (QSC self-test: SHA3, SHAKE, cSHAKE, and the rate-72
 *                                               SHAKE-512, cSHAKE-512, KMAC-512)
 *   vectors/reference/keccak_vectors.txt       (QSTP reference build: 15 inputs incl. the lengths
 *                                               where the QSC KMAC finalize differs from SP 800-185) */
#include <stdlib.h>
#include <string.h>

#include "blockfile.h"
#include "crypto/sha3.h"
#include "test.h"

#define BUF 2048

static int qsc_selftest(void)
{
    block_file f;
    block_rec r;
    int n = 0;
    static uint8_t msg[BUF], s[BUF], key[BUF], want[BUF], got[BUF];
    if (!block_open(&f, test_vector_path("vectors/rcs_qsc/qsc_sha3_test_vectors.txt")))
        return 0;
    while (block_next(&f, &r)) {
        const char *t = r.title;
        const char *msg_s = block_get(&r, "Msg");
        const char *out_s = block_get(&r, "Digest");
        if (out_s == NULL)
            out_s = block_get(&r, "Output");
        if (msg_s == NULL || out_s == NULL)
            continue;
        size_t ml = test_hex_decode(msg, BUF, msg_s);
        size_t ol = test_hex_decode(want, BUF, out_s);
        const char *s_s = block_get(&r, "S"), *k_s = block_get(&r, "Key");
        size_t sl = s_s ? test_hex_decode(s, BUF, s_s) : 0;
        size_t kl = k_s ? test_hex_decode(key, BUF, k_s) : 0;
        CHECK(ml != (size_t)-1 && ol != (size_t)-1 && sl != (size_t)-1 && kl != (size_t)-1);

        if (strncmp(t, "[SHA3-256", 9) == 0)
            qstp_sha3_256(got, msg, ml);
        else if (strncmp(t, "[SHA3-512", 9) == 0)
            qstp_sha3_512(got, msg, ml);
        else if (strncmp(t, "[SHAKE128", 9) == 0)
            qstp_shake128(got, ol, msg, ml);
        else if (strncmp(t, "[SHAKE256", 9) == 0)
            qstp_shake256(got, ol, msg, ml);
        else if (strncmp(t, "[QSC-ONLY SHAKE-512", 19) == 0)
            qstp_shake512_qsc(got, ol, msg, ml);
        else if (strncmp(t, "[cSHAKE128", 10) == 0)
            qstp_cshake128(got, ol, msg, ml, NULL, 0, s, sl);
        else if (strncmp(t, "[cSHAKE256", 10) == 0)
            qstp_cshake256(got, ol, msg, ml, NULL, 0, s, sl);
        else if (strncmp(t, "[QSC-ONLY cSHAKE-512", 20) == 0) {
            qstp_keccak_state st;
            qstp_cshake_init(&st, QSTP_KECCAK_RATE_512, NULL, 0, s, sl);
            qstp_cshake_absorb(&st, msg, ml);
            qstp_cshake_squeeze(&st, got, ol);
        } else if (strncmp(t, "[QSC-ONLY KMAC-512", 18) == 0) {
            qstp_keccak_state st;
            qstp_kmac_init(&st, QSTP_KECCAK_RATE_512, key, kl, s, sl);
            qstp_kmac_update(&st, msg, ml);
            qstp_kmac_final_qsc_continue(&st, got, ol);
        } else {
            CHECK_MSG(0, "unhandled entry %s", t);
            continue;
        }
        CHECK_BYTES(got, want, ol, t);
        n++;
    }
    block_close(&f);
    return n;
}

/* One value of a reference record: out = f(msg); compares with the record's field. */
static int check_field(const block_rec *r, const char *field, const uint8_t *got, size_t len)
{
    const char *hex = block_get(r, field);
    uint8_t want[400];
    CHECK_MSG(hex != NULL, "reference record lacks %s", field);
    if (hex == NULL)
        return 0;
    CHECK_MSG(test_hex_decode(want, sizeof(want), hex) == len, "%s: length", field);
    CHECK_BYTES(got, want, len, field);
    return 1;
}

static void kmac_qsc(uint8_t *out, size_t outlen, unsigned rate, const uint8_t *key, size_t kl,
                     const char *custom, const uint8_t *msg, size_t ml)
{
    qstp_keccak_state st;
    qstp_kmac_init(&st, rate, key, kl, (const uint8_t *)custom, strlen(custom));
    qstp_kmac_update(&st, msg, ml);
    qstp_kmac_final_qsc_continue(&st, out, outlen);
    qstp_keccak_wipe(&st);
}

static int reference(void)
{
    block_file f;
    block_rec r;
    int n = 0;
    static uint8_t msg[BUF], out[400];
    uint8_t key32[32], key64[64];
    static const char sess[] = "QSTP-1.4-SESSION", cust[] = "My Custom String",
                      tag[] = "My Tagged Application";
    for (int i = 0; i < 64; i++)
        key64[i] = (uint8_t)(0x40 + i);
    memcpy(key32, key64, 32);

    if (!block_open(&f, test_vector_path("vectors/reference/keccak_vectors.txt")))
        return 0;
    while (block_next(&f, &r)) {
        const char *m = block_get(&r, "msg");
        if (m == NULL)
            continue;
        size_t ml = test_hex_decode(msg, BUF, m);
        CHECK(ml == strtoul(block_get(&r, "msg_len"), NULL, 10));
        qstp_sha3_256(out, msg, ml);
        check_field(&r, "sha3_256", out, 32);
        qstp_sha3_512(out, msg, ml);
        check_field(&r, "sha3_512", out, 64);
        qstp_shake256(out, 64, msg, ml);
        check_field(&r, "shake256_64", out, 64);
        qstp_shake256(out, 300, msg, ml);
        check_field(&r, "shake256_300", out, 300);
        qstp_shake512_qsc(out, 64, msg, ml);
        check_field(&r, "shake512_64", out, 64);
        qstp_shake512_qsc(out, 200, msg, ml);
        check_field(&r, "shake512_200", out, 200);
        qstp_cshake256(out, 64, msg, ml, (const uint8_t *)sess, 16, (const uint8_t *)cust, 16);
        check_field(&r, "cshake256_64(name='QSTP-1.4-SESSION',custom='My Custom String')", out, 64);
        qstp_cshake256(out, 64, msg, ml, NULL, 0, (const uint8_t *)cust, 16);
        check_field(&r, "cshake256_64(name='',custom='My Custom String')", out, 64);
        {
            qstp_keccak_state st;
            qstp_cshake_init(&st, QSTP_KECCAK_RATE_512, (const uint8_t *)sess, 16, (const uint8_t *)cust, 16);
            qstp_cshake_absorb(&st, msg, ml);
            qstp_cshake_squeeze(&st, out, 64);
            check_field(&r, "cshake512_64(name='QSTP-1.4-SESSION',custom='My Custom String')", out, 64);
        }
        kmac_qsc(out, 32, QSTP_KECCAK_RATE_256, key32, 32, tag, msg, ml);
        check_field(&r, "kmac256_32(key=40..5f,custom='My Tagged Application')", out, 32);
        kmac_qsc(out, 64, QSTP_KECCAK_RATE_256, key32, 32, "", msg, ml);
        check_field(&r, "kmac256_64(key=40..5f,custom='')", out, 64);
        kmac_qsc(out, 64, QSTP_KECCAK_RATE_512, key64, 64, tag, msg, ml);
        check_field(&r, "kmac512_64(key=40..7f,custom='My Tagged Application')", out, 64);
        n++;
    }
    block_close(&f);
    return n;
}

int main(void)
{
    int n = qsc_selftest();
    CHECK_MSG(n == 22, "expected 22 QSC self-test entries, ran %d", n);
    n = reference();
    CHECK_MSG(n == 15, "expected 15 reference inputs, ran %d", n);
    return test_report();
}
