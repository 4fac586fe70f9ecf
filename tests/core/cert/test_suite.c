/* The suite table against QSTP-WIRE §1.1-§1.3 and against the crypto modules' own size
 * functions; lookups; error strings; and the bounds-checked reader/writer (core/buf.h). */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "crypto/mceliece/mceliece.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mlkem/mlkem.h"
#include "crypto/slhdsa/slhdsa.h"
#include "qstp/errors.h"
#include "qstp/flags.h"
#include "qstp/suite.h"
#include "test.h"

/* §1.3 table: id, root cert, root key, server cert, server key, connect-response message */
static const struct {
    uint8_t id;
    size_t rc, rk, sc, sk, resp, ct;
} sizes[14] = {
    {0x01, 3830, 3938, 3846, 3970, 3252, 768},       {0x02, 5359, 6050, 5375, 6082, 4525, 1088},
    {0x03, 7317, 7554, 7333, 7586, 6227, 1568},      {0x04, 7317, 7554, 7333, 7586, 6611, 1920},
    {0x05, 3830, 3938, 3846, 3970, 263572, 128},     {0x06, 5359, 6050, 5375, 6082, 527501, 188},
    {0x07, 7317, 7554, 7333, 7586, 1049651, 240},    {0x08, 7317, 7554, 7333, 7586, 1051978, 226},
    {0x09, 7317, 7554, 7333, 7586, 1362483, 240},    {0x0A, 7986, 162, 8002, 194, 269008, 128},
    {0x0B, 16370, 210, 16386, 242, 540416, 188},     {0x0C, 29954, 258, 29970, 290, 1074816, 240},
    {0x0D, 29954, 258, 29970, 290, 1077143, 226},    {0x0E, 29954, 258, 29970, 290, 1387648, 240},
};

static void test_table(void)
{
    CHECK(qstp_suite_count() == 14);
    CHECK(qstp_suite_by_id(0) == NULL && qstp_suite_by_id(0x0F) == NULL && qstp_suite_by_id(0xFF) == NULL);
    CHECK(qstp_suite_at(14) == NULL);
    for (size_t i = 0; i < 14; i++) {
        const qstp_suite *s = qstp_suite_at(i);
        CHECK(s != NULL && s->id == sizes[i].id && qstp_suite_by_id(s->id) == s);
        CHECK_MSG(s->root_cert_size == sizes[i].rc && s->root_key_size == sizes[i].rk &&
                      s->server_cert_size == sizes[i].sc && s->server_key_size == sizes[i].sk,
                  "set 0x%02X object sizes", s->id);
        CHECK(s->connect_response_size == sizes[i].resp && s->kem_ct_size == sizes[i].ct);
        CHECK(s->exchange_request_size == s->kem_ct_size && s->connect_request_size == 58 &&
              s->exchange_response_size == 32 && s->signed_hash_size == s->sig_size + 32);
        CHECK(s->sig_size + 32 <= QSTP_SIGNED_HASH_MAX && s->sig_vk_size <= QSTP_VK_MAX &&
              s->sig_sk_size <= QSTP_SSK_MAX && s->kem_pk_size <= QSTP_KPK_MAX &&
              s->kem_sk_size <= QSTP_KSK_MAX && s->kem_ct_size <= QSTP_CT_MAX);
        /* names */
        CHECK(strlen(s->protocol_string) == s->protocol_string_len);
        CHECK(s->protocol_string_len < QSTP_PROTOCOL_SET_SIZE);
        CHECK(qstp_suite_by_protocol_string(s->protocol_string) == s);
        CHECK(qstp_suite_by_short_name(s->short_name) == s);
        CHECK(qstp_suite_by_short_name(s->protocol_string) == s);
        CHECK(strncmp(s->protocol_string, s->short_name, strlen(s->short_name)) == 0 &&
              strcmp(s->protocol_string + strlen(s->short_name), "_rcs-256_sha3-256") == 0);
        uint8_t field[QSTP_PROTOCOL_SET_SIZE];
        qstp_suite_protocol_field(s, field);
        CHECK(qstp_suite_by_protocol_field(field) == s);
        field[QSTP_PROTOCOL_SET_SIZE - 1] = 'x'; /* padding must be zeros */
        CHECK(qstp_suite_by_protocol_field(field) == NULL);
        /* the crypto modules agree on every size */
        if (s->sig_family == QSTP_SIG_MLDSA) {
            CHECK(qstp_mldsa_pk_size(s->sig_param) == s->sig_vk_size);
            CHECK(qstp_mldsa_sk_size(s->sig_param) == s->sig_sk_size);
            CHECK(qstp_mldsa_sig_size(s->sig_param) == s->sig_size);
        } else {
            CHECK(qstp_slhdsa_pk_size((qstp_slhdsa_param)s->sig_param) == s->sig_vk_size);
            CHECK(qstp_slhdsa_sk_size((qstp_slhdsa_param)s->sig_param) == s->sig_sk_size);
            CHECK(qstp_slhdsa_sig_size((qstp_slhdsa_param)s->sig_param) == s->sig_size);
        }
        if (s->kem_family == QSTP_KEM_MLKEM) {
            CHECK(qstp_mlkem_pk_size(s->kem_param) == s->kem_pk_size);
            CHECK(qstp_mlkem_sk_size(s->kem_param) == s->kem_sk_size);
            CHECK(qstp_mlkem_ct_size(s->kem_param) == s->kem_ct_size);
            CHECK(s->kem_keygen_workspace_size() == 0);
        } else {
            CHECK(qstp_mceliece_pk_size((qstp_mceliece_param)s->kem_param) == s->kem_pk_size);
            CHECK(qstp_mceliece_sk_size((qstp_mceliece_param)s->kem_param) == s->kem_sk_size);
            CHECK(qstp_mceliece_ct_size((qstp_mceliece_param)s->kem_param, 1) == s->kem_ct_size);
        }
        printf("0x%02X %-42s %-20s %-17s %s\n", s->id, s->protocol_string, s->sig_name, s->kem_name,
               qstp_suite_available(s) ? "available" : "NOT LINKED");
    }
    CHECK(qstp_suite_by_id(0x03)->sig_param == 87 && qstp_suite_by_id(0x04)->kem_param == 5);
    CHECK(qstp_suite_by_protocol_string("dilithium-s5_kyber-s5_rcs-256_sha3-25") == NULL);
    CHECK(qstp_suite_by_protocol_string(NULL) == NULL && qstp_suite_by_short_name("") == NULL);
    CHECK(qstp_suite_by_short_name("sphincs-s5_mceliece-s7")->id == 0x0E);
    CHECK(qstp_suite_by_id(QSTP_SUITE_DEFAULT_ID) == qstp_suite_by_short_name("dilithium-s5_kyber-s5"));
}

static void test_errors(void)
{
    CHECK(qstp_error_verify_failure == 0x1A && qstp_error_key_unrecognized == 0x0F &&
          qstp_error_receive_failure == 0x16 && qstp_error_packet_unsequenced == 0x14);
    for (int e = 0; e < qstp_error_last_; e++) {
        const char *d = qstp_error_to_string((qstp_errors)e);
        CHECK_MSG(d != NULL && strcmp(d, "unknown error") != 0 && d[strlen(d) - 1] == '.',
                  "description of 0x%02X", e);
        qstp_errors w = qstp_error_wire_code((qstp_errors)e);
        CHECK(qstp_error_is_reference(w));
        if (e <= 0x1A)
            CHECK(w == (qstp_errors)e);
    }
    CHECK(strcmp(qstp_error_to_string((qstp_errors)0x99), "unknown error") == 0);
    CHECK(qstp_error_wire_code(qstp_error_certificate_expired) == qstp_error_key_expired);
    CHECK(qstp_fail(qstp_error_verify_failure) == -0x1A);
    CHECK(qstp_error_of(qstp_fail(qstp_error_malformed)) == qstp_error_malformed);
    CHECK(qstp_error_of(0) == qstp_error_none && qstp_error_of(5) == qstp_error_none);
    CHECK(qstp_flag_error_condition == 0x13 && qstp_flag_symmetric_ratchet_request == 0x12 &&
          qstp_flag_revocation_notice == 0x20);
}

static void test_buf(void)
{
    static const uint8_t data[] = {1, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 8, 7, 6, 5, 4, 3, 2, 1, 0xAA};
    uint8_t out[8], big[32];
    qstp_reader r;
    qstp_writer w;

    qstp_reader_init(&r, data, sizeof data);
    CHECK(qstp_read_u8(&r) == 1 && qstp_read_le16(&r) == 0x1234 && qstp_read_le32(&r) == 0x12345678);
    CHECK(qstp_read_le64(&r) == 0x0102030405060708ull && qstp_reader_remaining(&r) == 1);
    CHECK(qstp_reader_ok(&r) && !qstp_reader_done(&r));
    CHECK(qstp_read_le16(&r) == 0 && !qstp_reader_ok(&r)); /* past the end: sticky */
    CHECK(qstp_read_u8(&r) == 0 && qstp_reader_remaining(&r) == 0);
    qstp_reader_init(&r, data, sizeof data);
    memset(out, 0xEE, sizeof out);
    qstp_read_skip(&r, 10);
    qstp_read_bytes(&r, out, 8); /* only 6 left: zeroed, error */
    CHECK(!qstp_reader_ok(&r) && out[0] == 0 && out[7] == 0);
    qstp_reader_init(&r, data, sizeof data);
    CHECK(qstp_read_ptr(&r, sizeof data) == data && qstp_reader_done(&r));
    CHECK(qstp_read_ptr(&r, 1) == NULL && !qstp_reader_done(&r));
    qstp_reader_init(&r, data, 4);
    qstp_read_skip(&r, SIZE_MAX); /* no wrap-around */
    CHECK(!qstp_reader_ok(&r));
    qstp_reader_init(&r, NULL, 100);
    CHECK(qstp_reader_remaining(&r) == 0 && qstp_read_ptr(&r, 0) != NULL && qstp_reader_done(&r));

    qstp_writer_init(&w, big, 15);
    qstp_write_u8(&w, 1);
    qstp_write_le16(&w, 0x1234);
    qstp_write_le32(&w, 0x12345678);
    qstp_write_le64(&w, 0x0102030405060708ull);
    CHECK(qstp_writer_ok(&w) && w.off == 15 && memcmp(big, data, 15) == 0);
    qstp_write_u8(&w, 9);
    CHECK(!qstp_writer_ok(&w) && w.off == 15 && qstp_writer_remaining(&w) == 0);
    qstp_writer_init(&w, big, sizeof big);
    CHECK(qstp_write_reserve(&w, 4) == big && big[0] == 0);
    qstp_write_zeros(&w, 28);
    CHECK(qstp_writer_ok(&w) && qstp_write_reserve(&w, 1) == NULL && !qstp_writer_ok(&w));
}

/* The operations through the table: KEM round trip (and implicit rejection of a tampered
 * ciphertext), attached signature round trip and a tampered signature. */
static void test_ops(const qstp_suite *s, test_drbg *drbg)
{
    static uint8_t pk[QSTP_KPK_MAX], sk[QSTP_KSK_MAX], ct[QSTP_CT_MAX];
    static uint8_t vk[QSTP_VK_MAX], ssk[QSTP_SSK_MAX], sm[QSTP_SIGNED_HASH_MAX], m[QSTP_SIGNED_HASH_MAX];
    uint8_t ss1[32], ss2[32], msg[32];
    size_t wslen = s->kem_keygen_workspace_size(), smlen = 0, mlen = 0;
    void *ws = wslen ? malloc(wslen) : NULL;
    int ok = -1;

    CHECK(wslen == 0 || ws != NULL);
    CHECK_MSG(s->kem_keypair(pk, sk, ws, wslen, test_drbg_random, drbg) == 0, "set 0x%02X kem keypair", s->id);
    free(ws);
    CHECK(s->kem_encaps(ct, ss1, pk, test_drbg_random, drbg) == 0);
    CHECK(s->kem_decaps(ss2, ct, sk, &ok) == 0 && ok == 1);
    CHECK_BYTES(ss2, ss1, 32, "decapsulated secret");
    ct[5] ^= 1;
    ok = -1;
    CHECK(s->kem_decaps(ss2, ct, sk, &ok) == 0);
    CHECK(memcmp(ss1, ss2, 32) != 0);
    if (s->kem_family == QSTP_KEM_MLKEM)
        CHECK(ok == 0); /* re-encryption check failed: the reference aborts (§1.5) */

    memset(msg, 0x42, sizeof msg);
    CHECK(s->sig_keypair(vk, ssk, test_drbg_random, drbg) == 0);
    CHECK(s->sig_sign_attached(sm, &smlen, msg, 32, ssk, test_drbg_random, drbg) == 0);
    CHECK(smlen == s->signed_hash_size && memcmp(sm + s->sig_size, msg, 32) == 0);
    CHECK(s->sig_open_attached(m, &mlen, sm, smlen, vk) == 0 && mlen == 32 && memcmp(m, msg, 32) == 0);
    sm[s->sig_size + 1] ^= 1;
    CHECK(s->sig_open_attached(m, &mlen, sm, smlen, vk) == qstp_fail(qstp_error_verify_failure));
}

int main(int argc, char **argv)
{
    int slow = argc > 1 && strcmp(argv[1], "slow") == 0;
    test_drbg drbg;
    uint8_t seed[48] = {1, 2, 3};
    test_drbg_init(&drbg, seed);
    if (!slow) {
        test_table();
        test_errors();
        test_buf();
        /* ML-KEM sets with ML-DSA: quick */
        for (uint8_t id = 0x01; id <= 0x04; id++)
            test_ops(qstp_suite_by_id(id), &drbg);
    } else {
        /* McEliece key generation and SLH-DSA signing take seconds each */
        for (uint8_t id = 0x05; id <= 0x0E; id++) {
            printf("-- set 0x%02X\n", id);
            test_ops(qstp_suite_by_id(id), &drbg);
        }
    }
    return test_report();
}
