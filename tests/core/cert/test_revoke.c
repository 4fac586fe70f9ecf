/* Revocation (docs/PROTOCOL.md "## Revocation"): notice and list round trips, packet carriage,
 * and rejection of tampered, truncated, oversized, stale and foreign objects. */
#include <string.h>

#include "qstp/revoke.h"
#include "test.h"

#define T0 1782129600ull

static qstp_root_key rk, rk_other, rk_set2;
static qstp_root_certificate rc, rc_other, rc_set2;
static qstp_server_key sk;
static qstp_server_certificate sc;
static uint8_t notice[QSTP_REVOCATION_NOTICE_MAX + 64], pkt[QSTP_REVOCATION_NOTICE_MAX + 128];
static uint8_t list[8192], list2[8192], tmp[8192];
static test_drbg drbg;

static void make_root(qstp_root_key *k, qstp_root_certificate *c, uint8_t id)
{
    CHECK(qstp_root_key_generate(k, qstp_suite_by_id(id), "root", T0, 365, test_drbg_random, &drbg) == 0);
    CHECK(qstp_root_certificate_extract(c, k, NULL, NULL) == 0);
}

static void test_notice(void)
{
    const qstp_suite *s = qstp_suite_by_id(0x01);
    qstp_revocation_notice n;
    size_t len, plen, msglen;
    uint8_t serial[16];
    qstp_errors code;

    memset(serial, 0x5A, sizeof serial);
    CHECK(qstp_revocation_notice_size(s) == 42 + 2420 + 32);
    CHECK(qstp_revocation_notice_create(notice, sizeof notice, &len, &rk, serial, T0 + 5,
                                        test_drbg_random, &drbg) == 0);
    CHECK(len == qstp_revocation_notice_size(s));
    CHECK(qstp_revocation_notice_verify(&n, notice, len, &rc) == 0);
    CHECK(n.algorithm == 0x01 && n.version == 1 && n.time == T0 + 5);
    CHECK(memcmp(n.server_serial, serial, 16) == 0 && memcmp(n.root_serial, rk.serial, 16) == 0);
    CHECK(qstp_revocation_notice_create(notice, len - 1, &plen, &rk, serial, T0, test_drbg_random,
                                        &drbg) == qstp_fail(qstp_error_buffer_too_small));
    CHECK(qstp_revocation_notice_create(notice, sizeof notice, &len, &rk, serial, T0 + 5,
                                        test_drbg_random, &drbg) == 0);

    /* tampering anywhere: tbs fields, signature, attached hash */
    static const size_t spots[] = {20, 34, 41, 42, 100, 42 + 2420, 42 + 2420 + 31};
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
        memcpy(tmp, notice, len);
        tmp[spots[i]] ^= 0x01;
        CHECK_MSG(qstp_revocation_notice_verify(&n, tmp, len, &rc) == qstp_fail(qstp_error_revocation_invalid),
                  "tampered byte %zu", spots[i]);
    }
    CHECK(n.algorithm == 0); /* zeroed on failure */
    memcpy(tmp, notice, len);
    tmp[1] = 2;
    CHECK(qstp_revocation_notice_verify(&n, tmp, len, &rc) == qstp_fail(qstp_error_version_unsupported));
    memcpy(tmp, notice, len);
    tmp[2] ^= 1; /* root serial */
    CHECK(qstp_revocation_notice_verify(&n, tmp, len, &rc) == qstp_fail(qstp_error_root_serial_mismatch));
    CHECK(qstp_revocation_notice_verify(&n, notice, len, &rc_other) == qstp_fail(qstp_error_root_serial_mismatch));
    CHECK(qstp_revocation_notice_verify(&n, notice, len, &rc_set2) == qstp_fail(qstp_error_algorithm_mismatch));
    memcpy(tmp, notice, len);
    tmp[0] = 0x7F;
    CHECK(qstp_revocation_notice_verify(&n, tmp, len, &rc) == qstp_fail(qstp_error_unknown_configuration));
    CHECK(qstp_revocation_notice_verify(&n, notice, len - 1, &rc) == qstp_fail(qstp_error_malformed));
    CHECK(qstp_revocation_notice_verify(&n, notice, len + 1, &rc) == qstp_fail(qstp_error_malformed));
    CHECK(qstp_revocation_notice_verify(&n, notice, 10, &rc) == qstp_fail(qstp_error_malformed));
    CHECK(qstp_revocation_notice_verify(&n, NULL, 0, &rc) == qstp_fail(qstp_error_malformed));

    /* packet carriage */
    CHECK(qstp_revocation_packet_create(pkt, sizeof pkt, &plen, notice, len, T0 + 100) == 0);
    CHECK(plen == 21 + len && pkt[0] == 0x20 && pkt[5] == 0xFF && pkt[6] == 0 && pkt[12] == 0);
    CHECK(qstp_revocation_header_check(pkt, T0 + 100, &msglen) == 0 && msglen == len);
    CHECK(memcmp(pkt + 21, notice, len) == 0);
    CHECK(qstp_revocation_header_check(pkt, T0 + 160, &msglen) == 0);
    CHECK(qstp_revocation_header_check(pkt, T0 + 161, &msglen) == qstp_fail(qstp_error_message_time_invalid));
    CHECK(qstp_revocation_header_check(pkt, T0 + 39, &msglen) == qstp_fail(qstp_error_message_time_invalid));
    memcpy(tmp, pkt, 21);
    tmp[0] = 0x01;
    CHECK(qstp_revocation_header_check(tmp, T0 + 100, &msglen) == qstp_fail(qstp_error_invalid_request));
    memcpy(tmp, pkt, 21);
    tmp[5] = 0x00;
    CHECK(qstp_revocation_header_check(tmp, T0 + 100, &msglen) == qstp_fail(qstp_error_invalid_request));
    memcpy(tmp, pkt, 21);
    tmp[1] = 0xFF;
    tmp[2] = 0xFF;
    tmp[3] = 0xFF; /* msglen 16 MiB */
    CHECK(qstp_revocation_header_check(tmp, T0 + 100, &msglen) == qstp_fail(qstp_error_malformed) && msglen == 0);
    CHECK(qstp_revocation_packet_create(pkt, 21 + len - 1, &plen, notice, len, T0) ==
          qstp_fail(qstp_error_buffer_too_small));

    /* reply */
    uint8_t reply[22];
    qstp_revocation_reply_create(reply, qstp_error_none, T0);
    CHECK(reply[0] == 0x13 && reply[1] == 1 && reply[12] == 0xFF && reply[5] == 0 && reply[21] == 0);
    CHECK(qstp_revocation_reply_parse(reply, &code) == 0 && code == qstp_error_none);
    qstp_revocation_reply_create(reply, qstp_error_revocation_invalid, T0);
    CHECK(qstp_revocation_reply_parse(reply, &code) == 0 && code == qstp_error_verify_failure);
    reply[0] = 0x04;
    CHECK(qstp_revocation_reply_parse(reply, &code) == qstp_fail(qstp_error_malformed));
}

static void test_list(void)
{
    const qstp_suite *s = qstp_suite_by_id(0x01);
    qstp_revocation_list_info info, info2;
    size_t len, len2;
    uint8_t a[16], b[16], c[16], d[16];
    uint64_t t;

    memset(a, 0x10, 16);
    memset(b, 0x80, 16);
    memset(c, 0x40, 16);
    memset(d, 0x40, 16);
    d[15] = 0x41;
    CHECK(qstp_revocation_list_create(list, sizeof list, &len, &rk, T0, test_drbg_random, &drbg) == 0);
    CHECK(len == qstp_revocation_list_size(s, 0) && len == 30 + 2452);
    CHECK(qstp_revocation_list_verify(&info, list, len, &rc) == 0);
    CHECK(info.count == 0 && info.issue_time == T0 && info.algorithm == 0x01);
    CHECK(qstp_revocation_list_lookup(list, len, a, &t) == 0);

    /* append out of order: the list stays sorted */
    CHECK(qstp_revocation_list_append(list2, sizeof list2, &len2, list, len, &rk, b, T0 + 1, T0 + 1,
                                      test_drbg_random, &drbg) == 0);
    CHECK(qstp_revocation_list_append(list, sizeof list, &len, list2, len2, &rk, a, T0 + 2, T0 + 2,
                                      test_drbg_random, &drbg) == 0);
    CHECK(qstp_revocation_list_append(list2, sizeof list2, &len2, list, len, &rk, c, T0 + 3, T0 + 3,
                                      test_drbg_random, &drbg) == 0);
    CHECK(len2 == qstp_revocation_list_size(s, 3));
    CHECK(qstp_revocation_list_verify(&info2, list2, len2, &rc) == 0 && info2.count == 3);
    CHECK(memcmp(list2 + 30, a, 16) == 0 && memcmp(list2 + 54, c, 16) == 0 && memcmp(list2 + 78, b, 16) == 0);
    CHECK(qstp_revocation_list_lookup(list2, len2, a, &t) == 1 && t == T0 + 2);
    CHECK(qstp_revocation_list_lookup(list2, len2, b, &t) == 1 && t == T0 + 1);
    CHECK(qstp_revocation_list_lookup(list2, len2, c, &t) == 1 && t == T0 + 3);
    CHECK(qstp_revocation_list_lookup(list2, len2, d, &t) == 0);
    CHECK(qstp_revocation_list_check_newer(&info, &info2) == 0);
    CHECK(qstp_revocation_list_check_newer(&info2, &info) == qstp_fail(qstp_error_revocation_stale));

    /* duplicate, stale issue time, overlapping buffers, wrong root key */
    CHECK(qstp_revocation_list_append(list, sizeof list, &len, list2, len2, &rk, c, T0, T0 + 4,
                                      test_drbg_random, &drbg) == qstp_fail(qstp_error_invalid_input));
    CHECK(qstp_revocation_list_append(list, sizeof list, &len, list2, len2, &rk, d, T0, T0 + 2,
                                      test_drbg_random, &drbg) == qstp_fail(qstp_error_revocation_stale));
    CHECK(qstp_revocation_list_append(list2, sizeof list2, &len, list2, len2, &rk, d, T0, T0 + 4,
                                      test_drbg_random, &drbg) == qstp_fail(qstp_error_invalid_input));
    CHECK(qstp_revocation_list_append(list, sizeof list, &len, list2, len2, &rk_other, d, T0, T0 + 4,
                                      test_drbg_random, &drbg) == qstp_fail(qstp_error_root_serial_mismatch));
    CHECK(qstp_revocation_list_append(list, len2, &len, list2, len2, &rk, d, T0, T0 + 4,
                                      test_drbg_random, &drbg) == qstp_fail(qstp_error_buffer_too_small));

    /* tampering: an entry's time, an entry's serial (order kept), the issue time, the signature */
    static const size_t spots[] = {18, 50, 31, 30 + 72 + 5, 30 + 72 + 2420 + 3};
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
        memcpy(tmp, list2, len2);
        tmp[spots[i]] ^= 0x01;
        CHECK_MSG(qstp_revocation_list_verify(&info, tmp, len2, &rc) == qstp_fail(qstp_error_revocation_invalid),
                  "tampered byte %zu", spots[i]);
    }
    /* out of order (swap two entries) and a duplicate are malformed before any signature check */
    memcpy(tmp, list2, len2);
    memcpy(tmp + 30, list2 + 54, 24);
    memcpy(tmp + 54, list2 + 30, 24);
    CHECK(qstp_revocation_list_verify(&info, tmp, len2, &rc) == qstp_fail(qstp_error_malformed));
    CHECK(qstp_revocation_list_lookup(tmp, len2, a, &t) == qstp_fail(qstp_error_malformed));
    memcpy(tmp, list2, len2);
    memcpy(tmp + 54, list2 + 30, 24);
    CHECK(qstp_revocation_list_verify(&info, tmp, len2, &rc) == qstp_fail(qstp_error_malformed));
    /* lengths and count */
    CHECK(qstp_revocation_list_verify(&info, list2, len2 - 1, &rc) == qstp_fail(qstp_error_malformed));
    CHECK(qstp_revocation_list_verify(&info, list2, len2 + 1, &rc) == qstp_fail(qstp_error_malformed));
    CHECK(qstp_revocation_list_verify(&info, list2, 29, &rc) == qstp_fail(qstp_error_malformed));
    memcpy(tmp, list2, len2);
    tmp[26] = 0xFF;
    tmp[27] = 0xFF;
    tmp[28] = 0xFF;
    tmp[29] = 0xFF; /* count 2^32-1 */
    CHECK(qstp_revocation_list_verify(&info, tmp, len2, &rc) == qstp_fail(qstp_error_malformed));
    memcpy(tmp, list2, len2);
    tmp[1] = 2;
    CHECK(qstp_revocation_list_verify(&info, tmp, len2, &rc) == qstp_fail(qstp_error_version_unsupported));
    /* foreign root */
    CHECK(qstp_revocation_list_verify(&info, list2, len2, &rc_other) == qstp_fail(qstp_error_root_serial_mismatch));
    CHECK(qstp_revocation_list_verify(&info, list2, len2, &rc_set2) == qstp_fail(qstp_error_algorithm_mismatch));

    /* the client check before connecting */
    CHECK(qstp_server_certificate_check_revocation(&sc, &rc, list2, len2) == 0);
    CHECK(qstp_revocation_list_append(list, sizeof list, &len, list2, len2, &rk, sc.serial, T0 + 9,
                                      T0 + 9, test_drbg_random, &drbg) == 0);
    CHECK(qstp_server_certificate_check_revocation(&sc, &rc, list, len) ==
          qstp_fail(qstp_error_certificate_revoked));
    CHECK(qstp_server_certificate_check_revocation(&sc, &rc_other, list, len) ==
          qstp_fail(qstp_error_root_serial_mismatch));
}

/* When a notice may take effect (revoke.h qstp_revocation_notice_check_time): a notice dated
 * up to the 60 s packet skew after now is accepted, later is message_time_invalid (it used to take
 * effect at once), and any past time is accepted (a replay only repeats the revocation). The
 * times are signed into real notices so the check runs on what verify returns. */
static void test_notice_time(void)
{
    static const struct {
        uint64_t time;
        int ok;
        const char *what;
    } cases[] = {
        {T0, 1, "now"},
        {T0 + 59, 1, "skew - 1 s"},
        {T0 + 60, 1, "skew edge (+60 s)"},
        {T0 + 61, 0, "skew + 1 s"},
        {T0 + 86400ull * 365, 0, "a year ahead"},
        {UINT64_MAX, 0, "the largest time"},
        {T0 - 1, 1, "1 s ago"},
        {T0 - 61, 1, "beyond the skew in the past"},
        {T0 - 86400ull * 3650, 1, "ten years ago (replayed)"},
        {0, 1, "time 0"},
    };
    qstp_revocation_notice n;
    size_t len;
    uint8_t serial[16];
    memset(serial, 0x77, sizeof serial);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(qstp_revocation_notice_create(notice, sizeof notice, &len, &rk, serial, cases[i].time,
                                            test_drbg_random, &drbg) == 0);
        CHECK(qstp_revocation_notice_verify(&n, notice, len, &rc) == 0 && n.time == cases[i].time);
        CHECK_MSG(qstp_revocation_notice_check_time(&n, T0) ==
                      (cases[i].ok ? 0 : qstp_fail(qstp_error_message_time_invalid)),
                  "notice dated %s", cases[i].what);
    }
    /* the same notice becomes acceptable once its time is within the skew */
    CHECK(qstp_revocation_notice_create(notice, sizeof notice, &len, &rk, serial, T0 + 1000,
                                        test_drbg_random, &drbg) == 0);
    CHECK(qstp_revocation_notice_verify(&n, notice, len, &rc) == 0);
    CHECK(qstp_revocation_notice_check_time(&n, T0 + 939) == qstp_fail(qstp_error_message_time_invalid));
    CHECK(qstp_revocation_notice_check_time(&n, T0 + 940) == 0);
    /* no clock (0) or a clock at the end of time is not a time to accept anything at */
    CHECK(qstp_revocation_notice_check_time(&n, 0) == qstp_fail(qstp_error_message_time_invalid));
    CHECK(qstp_revocation_notice_check_time(&n, UINT64_MAX) == qstp_fail(qstp_error_message_time_invalid));
    CHECK(qstp_revocation_notice_check_time(NULL, T0) == qstp_fail(qstp_error_message_time_invalid));
}

int main(void)
{
    uint8_t seed[48];
    memset(seed, 0x33, sizeof seed);
    test_drbg_init(&drbg, seed);
    make_root(&rk, &rc, 0x01);
    make_root(&rk_other, &rc_other, 0x01);
    make_root(&rk_set2, &rc_set2, 0x02);
    CHECK(qstp_server_key_generate(&sk, qstp_suite_by_id(0x01), "srv", T0, 30, test_drbg_random, &drbg) == 0);
    CHECK(qstp_server_certificate_extract(&sc, &sk) == 0);
    CHECK(qstp_server_certificate_sign(&sc, &rk, NULL, NULL) == 0);
    test_notice();
    test_notice_time();
    test_list();
    return test_report();
}
