/* Generated certificates for every set whose signature scheme is built: root key -> self-signed
 * root -> server key -> root-signed server certificate -> verify, serialization round trips, and
 * one negative test per verification failure (QSTP-WIRE §8.6, §8.8 and the stricter checks).
 * Argument "fast": the ML-DSA sets 0x01-0x09; "slow": the SLH-DSA sets 0x0A-0x0E. */
#include <stdlib.h>
#include <string.h>

#include "qstp/cert.h"
#include "test.h"

static qstp_root_key rk, rk2;
static qstp_root_certificate rc, rc2, rtmp;
static qstp_server_key sk;
static qstp_server_certificate sc, sc2, stmp, stmp2;
static uint8_t buf[65536];
static test_drbg drbg;

#define T0 1782129600ull /* 2026-06-22T12:00:00Z */
#define DAY 86400ull

static void run_suite(const qstp_suite *s)
{
    size_t n;
    int r;
    printf("-- set 0x%02X %s\n", s->id, s->protocol_string);
    /* generation */
    CHECK(qstp_root_key_generate(&rk, s, "QSTP_test.qrr", T0, 365, test_drbg_random, &drbg) == 0);
    CHECK(rk.algorithm == s->id && rk.version == 1 && rk.from == T0 && rk.to == T0 + 365 * DAY);
    CHECK(qstp_root_certificate_extract(&rc, &rk, test_drbg_random, &drbg) == 0);
    CHECK(qstp_root_certificate_verify(&rc, T0) == 0);
    /* server key issued ten days later, for 730 days: clamped to the root's expiry on signing */
    CHECK(qstp_server_key_generate(&sk, s, "QSTP_test.qrc", T0 + 10 * DAY, 730, test_drbg_random,
                                   &drbg) == 0);
    CHECK(sk.to == T0 + 740 * DAY);
    CHECK(qstp_server_certificate_extract(&sc, &sk) == 0);
    memcpy(&stmp, &sc, sizeof sc);
    CHECK(qstp_server_certificate_verify(&sc, &rc, T0 + 11 * DAY) == qstp_fail(qstp_error_root_serial_mismatch));
    CHECK(qstp_server_certificate_sign(&sc, &rk, test_drbg_random, &drbg) == 0);
    CHECK(sc.to == rk.to);    /* §8.6 clamp */
    CHECK(sk.to == T0 + 740 * DAY); /* the key keeps the unclamped value */
    CHECK(memcmp(sc.rootser, rk.serial, 16) == 0);
    CHECK(qstp_server_certificate_verify(&sc, &rc, T0 + 11 * DAY) == 0);
    CHECK(qstp_server_key_matches_certificate(&sk, &sc) == 0);
    /* a certificate that starts after the root's expiry cannot be clamped into a valid one:
     * refused, and left unchanged (it used to be signed with to < from) */
    memcpy(&sc2, &stmp, sizeof stmp);
    sc2.from = rk.to + 1;
    sc2.to = rk.to + 30 * DAY;
    memcpy(&stmp2, &sc2, sizeof sc2);
    CHECK(qstp_server_certificate_sign(&sc2, &rk, test_drbg_random, &drbg) == qstp_fail(qstp_error_root_expired));
    CHECK(memcmp(&sc2, &stmp2, sizeof sc2) == 0);
    /* starting exactly at the root's expiry is the last signable moment (valid for one second) */
    sc2.from = rk.to;
    CHECK(qstp_server_certificate_sign(&sc2, &rk, test_drbg_random, &drbg) == 0);
    CHECK(sc2.to == rk.to && sc2.from == rk.to);
    /* a certificate already ending before the root keeps its own expiry */
    memcpy(&sc2, &stmp, sizeof stmp);
    sc2.to = T0 + 100 * DAY;
    CHECK(qstp_server_certificate_sign(&sc2, &rk, test_drbg_random, &drbg) == 0 && sc2.to == T0 + 100 * DAY);

    /* serialization round trips at the §1.3 sizes */
    CHECK(qstp_root_certificate_serialize(buf, sizeof buf, &n, &rc) == 0 && n == s->root_cert_size);
    CHECK(qstp_root_certificate_deserialize(&rc2, buf, n) == 0 && memcmp(&rc2, &rc, sizeof rc) == 0);
    CHECK(qstp_root_certificate_serialize(buf, n - 1, &n, &rc) == qstp_fail(qstp_error_buffer_too_small));
    CHECK(qstp_server_certificate_serialize(buf, sizeof buf, &n, &sc) == 0 && n == s->server_cert_size);
    CHECK(qstp_server_certificate_deserialize(&sc2, buf, n) == 0 && memcmp(&sc2, &sc, sizeof sc) == 0);
    CHECK(qstp_root_key_serialize(buf, sizeof buf, &n, &rk) == 0 && n == s->root_key_size);
    CHECK(qstp_root_key_deserialize(&rk2, buf, n) == 0 && memcmp(&rk2, &rk, sizeof rk) == 0);
    CHECK(qstp_server_key_serialize(buf, sizeof buf, &n, &sk) == 0 && n == s->server_key_size);
    /* PEM and text */
    CHECK(qstp_server_certificate_encode(buf, sizeof buf, &n, &sc, QSTP_ENCODING_TEXT) == 0);
    CHECK(qstp_server_certificate_decode(&sc2, buf, n, NULL) == 0 && memcmp(&sc2, &sc, sizeof sc) == 0);
    CHECK(qstp_root_certificate_encode(buf, sizeof buf, &n, &rc, QSTP_ENCODING_PEM) == 0);
    CHECK(qstp_root_certificate_decode(&rc2, buf, n, NULL) == 0 && memcmp(&rc2, &rc, sizeof rc) == 0);

    /* ---- negative: one per failure ---- */
    uint64_t now = T0 + 11 * DAY;
    /* tampered signature byte (server), tampered signed field */
    memcpy(&sc2, &sc, sizeof sc);
    sc2.csig[7] ^= 1;
    CHECK(qstp_server_certificate_verify(&sc2, &rc, now) == qstp_fail(qstp_error_verify_failure));
    memcpy(&sc2, &sc, sizeof sc);
    sc2.csig[s->signed_hash_size - 1] ^= 1; /* the attached hash */
    CHECK(qstp_server_certificate_verify(&sc2, &rc, now) == qstp_fail(qstp_error_verify_failure));
    memcpy(&sc2, &sc, sizeof sc);
    sc2.to += 1;
    CHECK(qstp_server_certificate_verify(&sc2, &rc, now) == qstp_fail(qstp_error_verify_failure));
    memcpy(&sc2, &sc, sizeof sc);
    sc2.verkey[0] ^= 0x80;
    CHECK(qstp_server_certificate_verify(&sc2, &rc, now) == qstp_fail(qstp_error_verify_failure));
    /* tampered root */
    memcpy(&rc2, &rc, sizeof rc);
    rc2.csig[3] ^= 1;
    CHECK(qstp_root_certificate_verify(&rc2, now) == qstp_fail(qstp_error_root_signature_invalid));
    CHECK(qstp_server_certificate_verify(&sc, &rc2, now) == qstp_fail(qstp_error_root_signature_invalid));
    memcpy(&rc2, &rc, sizeof rc);
    rc2.issuer[0] ^= 1;
    CHECK(qstp_root_certificate_verify(&rc2, now) == qstp_fail(qstp_error_root_signature_invalid));
    /* wrong root: another root of the same set */
    CHECK(qstp_root_key_generate(&rk2, s, "QSTP_other.qrr", T0, 365, test_drbg_random, &drbg) == 0);
    CHECK(qstp_root_certificate_extract(&rc2, &rk2, test_drbg_random, &drbg) == 0);
    CHECK(qstp_server_certificate_verify(&sc, &rc2, now) == qstp_fail(qstp_error_root_serial_mismatch));
    memcpy(&sc2, &sc, sizeof sc);
    memcpy(sc2.rootser, rk2.serial, 16); /* claims the other root: its signature does not verify */
    CHECK(qstp_server_certificate_verify(&sc2, &rc2, now) == qstp_fail(qstp_error_verify_failure));
    /* expired / not yet valid: server and root */
    CHECK(qstp_server_certificate_verify(&sc, &rc, sc.to) == 0);
    CHECK(qstp_server_certificate_verify(&sc, &rc, sc.to + 1) == qstp_fail(qstp_error_root_expired));
    CHECK(qstp_root_certificate_verify(&rc, rc.to + 1) == qstp_fail(qstp_error_root_expired));
    CHECK(qstp_root_certificate_verify(&rc, T0 - QSTP_CERT_FROM_TOLERANCE) == 0);
    CHECK(qstp_root_certificate_verify(&rc, T0 - QSTP_CERT_FROM_TOLERANCE - 1) ==
          qstp_fail(qstp_error_root_not_yet_valid));
    CHECK(qstp_server_certificate_verify(&sc, &rc, sc.from - 100) == 0); /* TZ tolerance */
    CHECK(qstp_server_certificate_verify(&sc, &rc, sc.from - QSTP_CERT_FROM_TOLERANCE - 1) ==
          qstp_fail(qstp_error_certificate_not_yet_valid));
    /* a one-day server certificate expires before its root */
    CHECK(qstp_server_key_generate(&sk, s, "short", T0, 1, test_drbg_random, &drbg) == 0);
    CHECK(qstp_server_certificate_extract(&sc2, &sk) == 0);
    CHECK(qstp_server_certificate_sign(&sc2, &rk, test_drbg_random, &drbg) == 0);
    CHECK(qstp_server_certificate_verify(&sc2, &rc, T0 + DAY) == 0);
    CHECK(qstp_server_certificate_verify(&sc2, &rc, T0 + DAY + 1) ==
          qstp_fail(qstp_error_certificate_expired));
    /* algorithm byte: other known set, unknown set, version */
    const qstp_suite *other = qstp_suite_by_id(s->id == 0x01 ? 0x02 : 0x01);
    memcpy(&sc2, &sc, sizeof sc);
    sc2.algorithm = other->id;
    CHECK(qstp_server_certificate_verify(&sc2, &rc, now) == qstp_fail(qstp_error_algorithm_mismatch));
    r = qstp_server_certificate_sign(&sc2, &rk, test_drbg_random, &drbg);
    CHECK(r == qstp_fail(qstp_error_algorithm_mismatch));
    CHECK(sc2.algorithm == other->id && memcmp(sc2.csig, sc.csig, 64) == 0); /* unchanged */
    sc2.algorithm = 0x7F;
    CHECK(qstp_server_certificate_verify(&sc2, &rc, now) == qstp_fail(qstp_error_unknown_configuration));
    memcpy(&sc2, &sc, sizeof sc);
    sc2.version = 2;
    CHECK(qstp_server_certificate_verify(&sc2, &rc, now) == qstp_fail(qstp_error_version_unsupported));
    memcpy(&rc2, &rc, sizeof rc);
    rc2.algorithm = 0;
    CHECK(qstp_root_certificate_verify(&rc2, now) == qstp_fail(qstp_error_unknown_configuration));
    rc2.algorithm = rc.algorithm;
    rc2.version = 0;
    CHECK(qstp_root_certificate_verify(&rc2, now) == qstp_fail(qstp_error_version_unsupported));
    /* a root certificate presented as a server certificate (and the reverse) */
    CHECK(qstp_root_certificate_serialize(buf, sizeof buf, &n, &rc) == 0);
    CHECK(qstp_server_certificate_deserialize(&sc2, buf, n) < 0);
    CHECK(qstp_server_certificate_serialize(buf, sizeof buf, &n, &sc) == 0);
    CHECK(qstp_root_certificate_deserialize(&rc2, buf, n) < 0);
    /* truncated / oversized / unknown id in the algorithm byte */
    CHECK(qstp_server_certificate_deserialize(&sc2, buf, n - 1) < 0);
    CHECK(qstp_server_certificate_deserialize(&sc2, buf, n + 1) < 0);
    buf[n - 2] = 0x0F;
    CHECK(qstp_server_certificate_deserialize(&sc2, buf, n) == qstp_fail(qstp_error_unknown_configuration) ||
          qstp_server_certificate_deserialize(&sc2, buf, n) == qstp_fail(qstp_error_malformed));
    buf[n - 2] = 0x00;
    CHECK(qstp_server_certificate_deserialize(&sc2, buf, n) < 0);
    /* the key does not match a different server's certificate */
    CHECK(qstp_server_key_matches_certificate(&sk, &sc) == qstp_fail(qstp_error_key_unrecognized));
    /* key generation bounds (§8.8) */
    CHECK(qstp_server_key_generate(&sk, s, "x", T0, 0, test_drbg_random, &drbg) == qstp_fail(qstp_error_invalid_input));
    CHECK(qstp_server_key_generate(&sk, s, "x", T0, 731, test_drbg_random, &drbg) == qstp_fail(qstp_error_invalid_input));
    CHECK(qstp_root_key_generate(&rk2, s, "x", T0, 0, test_drbg_random, &drbg) == qstp_fail(qstp_error_invalid_input));
    CHECK(qstp_root_key_generate(&rk2, s, "x", UINT64_MAX - 10, 1, test_drbg_random, &drbg) ==
          qstp_fail(qstp_error_invalid_input));
    (void)rtmp;
}

static int failing_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    (void)out;
    (void)len;
    return -1;
}

int main(int argc, char **argv)
{
    int slow = argc > 1 && strcmp(argv[1], "slow") == 0;
    uint8_t seed[48];
    for (int i = 0; i < 48; i++)
        seed[i] = (uint8_t)i;
    test_drbg_init(&drbg, seed);

    for (size_t i = 0; i < qstp_suite_count(); i++) {
        const qstp_suite *s = qstp_suite_at(i);
        if ((s->sig_family == QSTP_SIG_SLHDSA) == slow)
            run_suite(s);
    }
    if (!slow) {
        /* issuer is cut to 31 bytes + NUL; the rng failing leaves the key zeroed */
        const qstp_suite *s = qstp_suite_by_id(0x01);
        CHECK(qstp_server_key_generate(&sk, s, "0123456789012345678901234567890123456789", T0, 1,
                                       test_drbg_random, &drbg) == 0);
        CHECK(memcmp(sk.issuer, "0123456789012345678901234567890", 31) == 0 && sk.issuer[31] == 0);
        CHECK(qstp_server_key_generate(&sk, s, "x", T0, 1, failing_rng, NULL) ==
              qstp_fail(qstp_error_random_failure));
        CHECK(sk.algorithm == 0 && sk.serial[0] == 0);
        CHECK(qstp_root_key_generate(&rk, NULL, "x", T0, 1, test_drbg_random, &drbg) ==
              qstp_fail(qstp_error_invalid_input));
    }
    return test_report();
}
