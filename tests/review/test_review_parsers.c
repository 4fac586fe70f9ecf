/* Adversarial parser tests (suite 0x01): the certificate and key decoders (binary, reference
 * text, PEM, autodetected) and the revocation notice and list parsers.
 *  - every truncation, and single-byte corruptions at a stride, of every encoding of every
 *    object: either rejected with the object left all zero (cert.h: "zeroed on failure"), or
 *    accepted as exactly the original object (a cut that only drops trailing whitespace);
 *  - trailing garbage after an encoding is rejected;
 *  - revocation lists whose count field claims more entries than the bytes hold (up to 2^32 - 1,
 *    where count * 24 must not overflow), unsorted or duplicated entries, and every truncation;
 *  - notices: every truncation rejected with the notice zeroed. */
#include <stdio.h>

#include "core/buf.h"
#include "qstp/revoke.h"
#include "session_harness.h"

static keyset ks;
static const qstp_suite *su;

static union {
    qstp_root_certificate rc;
    qstp_server_certificate sc;
    qstp_root_key rk;
    qstp_server_key sk;
} o1;

typedef int (*decode_fn)(void *obj, const uint8_t *in, size_t inlen);
typedef int (*encode_fn)(uint8_t *out, size_t outlen, size_t *written, const void *obj, qstp_encoding enc);
typedef int (*ser_fn)(uint8_t *out, size_t outlen, size_t *written, const void *obj);

static int dec_rc(void *o, const uint8_t *in, size_t n) { return qstp_root_certificate_decode(o, in, n, NULL); }
static int dec_sc(void *o, const uint8_t *in, size_t n) { return qstp_server_certificate_decode(o, in, n, NULL); }
static int dec_rk(void *o, const uint8_t *in, size_t n) { return qstp_root_key_decode(o, in, n, NULL); }
static int dec_sk(void *o, const uint8_t *in, size_t n) { return qstp_server_key_decode(o, in, n, NULL); }
static int enc_rc(uint8_t *out, size_t n, size_t *w, const void *o, qstp_encoding e) { return qstp_root_certificate_encode(out, n, w, o, e); }
static int enc_sc(uint8_t *out, size_t n, size_t *w, const void *o, qstp_encoding e) { return qstp_server_certificate_encode(out, n, w, o, e); }
static int enc_rk(uint8_t *out, size_t n, size_t *w, const void *o, qstp_encoding e) { return qstp_root_key_encode(out, n, w, o, e); }
static int enc_sk(uint8_t *out, size_t n, size_t *w, const void *o, qstp_encoding e) { return qstp_server_key_encode(out, n, w, o, e); }
static int ser_rc(uint8_t *out, size_t n, size_t *w, const void *o) { return qstp_root_certificate_serialize(out, n, w, o); }
static int ser_sc(uint8_t *out, size_t n, size_t *w, const void *o) { return qstp_server_certificate_serialize(out, n, w, o); }
static int ser_rk(uint8_t *out, size_t n, size_t *w, const void *o) { return qstp_root_key_serialize(out, n, w, o); }
static int ser_sk(uint8_t *out, size_t n, size_t *w, const void *o) { return qstp_server_key_serialize(out, n, w, o); }

static const struct {
    const char *name;
    decode_fn dec;
    encode_fn enc;
    ser_fn ser;
    size_t size;
} kinds[4] = {
    {"root certificate", dec_rc, enc_rc, ser_rc, sizeof(qstp_root_certificate)},
    {"server certificate", dec_sc, enc_sc, ser_sc, sizeof(qstp_server_certificate)},
    {"root key", dec_rk, enc_rk, ser_rk, sizeof(qstp_root_key)},
    {"server key", dec_sk, enc_sk, ser_sk, sizeof(qstp_server_key)},
};

static uint8_t enc[1 << 16], work[1 << 16], ref_bin[1 << 15], got_bin[1 << 15];

/* Accepted inputs must decode to the original object (compared in binary form). */
static int same_as(int k, const void *orig)
{
    size_t a = 0, b = 0;
    if (kinds[k].ser(ref_bin, sizeof ref_bin, &a, orig) != 0 || kinds[k].ser(got_bin, sizeof got_bin, &b, &o1) != 0)
        return 0;
    if (k == 3) { /* schash is not carried by the file forms (§8.4) */
        memset(ref_bin + QSTP_ISSUER_SIZE, 0, QSTP_HASH_SIZE);
        memset(got_bin + QSTP_ISSUER_SIZE, 0, QSTP_HASH_SIZE);
    }
    return a == b && memcmp(ref_bin, got_bin, a) == 0;
}

/* Decode `work[0..n)`: rejected-and-zero, or accepted (and then identical to orig unless orig is
 * NULL: decoders do not check signatures, so a corrupted field may decode). 1 if accepted. */
static int decode_checked(int k, const void *orig, size_t n, const char *what, size_t pos)
{
    int r;
    memset(&o1, 0x5A, sizeof o1);
    r = kinds[k].dec(&o1, work, n);
    if (r != 0) {
        CHECK_MSG(r < 0 && qstp_ct_is_zero(&o1, kinds[k].size), "%s %s at %zu: rejected but not zeroed",
                  kinds[k].name, what, pos);
        return 0;
    }
    if (orig != NULL)
        CHECK_MSG(same_as(k, orig), "%s %s at %zu: accepted a different object", kinds[k].name, what, pos);
    return 1;
}

static void test_decoders(void)
{
    const void *objs[4] = {&ks.root, &ks.cert, &ks.rootkey, &ks.skey};
    const qstp_encoding encs[3] = {QSTP_ENCODING_BINARY, QSTP_ENCODING_TEXT, QSTP_ENCODING_PEM};
    const char *encnames[3] = {"binary", "text", "PEM"};
    for (int k = 0; k < 4; k++) {
        for (int e = 0; e < 3; e++) {
            size_t n = 0, accepted = 0;
            int r = kinds[k].enc(enc, sizeof enc, &n, objs[k], encs[e]);
            if (e == 1 && k >= 2) {
                CHECK(r != 0); /* keys have no text form */
                continue;
            }
            CHECK_MSG(r == 0, "%s: %s encode", kinds[k].name, encnames[e]);
            if (r != 0)
                continue;
            memcpy(work, enc, n);
            CHECK_MSG(decode_checked(k, objs[k], n, encnames[e], n) == 1, "%s %s: round trip", kinds[k].name,
                      encnames[e]);
            /* Every truncation. */
            for (size_t cut = 0; cut < n; cut++) {
                memcpy(work, enc, cut);
                accepted += (size_t)decode_checked(k, objs[k], cut, "truncated", cut);
            }
            /* Only cuts inside the final newline run may still decode (text/PEM). */
            CHECK_MSG(accepted <= 2 && (e != 0 || accepted == 0), "%s %s: %zu truncations accepted",
                      kinds[k].name, encnames[e], accepted);
            /* Byte corruptions at a stride (position-dependent value). */
            for (size_t pos = 0; pos < n; pos += 7) {
                memcpy(work, enc, n);
                work[pos] ^= (uint8_t)(0x01u << (pos % 8));
                (void)decode_checked(k, NULL, n, "corrupted", pos);
            }
            /* Trailing garbage. */
            memcpy(work, enc, n);
            work[n] = 'x';
            CHECK_MSG(decode_checked(k, objs[k], n + 1, "trailing byte", n) == 0, "%s %s: trailing garbage accepted",
                      kinds[k].name, encnames[e]);
        }
    }
}

/* Regression (fuzz_cert): a key decoder given a certificate's text form returned malformed but
 * left the caller's key untouched; cert.h promises zeroed outputs on failure. */
static void test_key_from_text(void)
{
    size_t n = 0;
    CHECK(qstp_root_certificate_encode(enc, sizeof enc, &n, &ks.root, QSTP_ENCODING_TEXT) == 0);
    memset(&o1, 0x5A, sizeof o1);
    CHECK(qstp_root_key_decode(&o1.rk, enc, n, NULL) == -(int)qstp_error_malformed);
    CHECK_MSG(qstp_ct_is_zero(&o1.rk, sizeof o1.rk), "root key decode of text: not zeroed");
    memset(&o1, 0x5A, sizeof o1);
    CHECK(qstp_server_key_decode(&o1.sk, enc, n, NULL) == -(int)qstp_error_malformed);
    CHECK_MSG(qstp_ct_is_zero(&o1.sk, sizeof o1.sk), "server key decode of text: not zeroed");
}

static uint8_t list[8192], list2[8192];

static void test_revocation_list(void)
{
    uint64_t st = 9;
    size_t l = 0, l2 = 0;
    uint8_t serial[16];
    qstp_revocation_list_info info;
    int r;
    CHECK(qstp_revocation_list_create(list2, sizeof list2, &l2, &ks.rootkey, h_now, h_random, &st) == 0);
    for (int i = 0; i < 3; i++) {
        memset(serial, 0x10 * (i + 1), sizeof serial);
        CHECK(qstp_revocation_list_append(list, sizeof list, &l, list2, l2, &ks.rootkey, serial, h_now, h_now,
                                          h_random, &st) == 0);
        memcpy(list2, list, l);
        l2 = l;
    }
    CHECK(qstp_revocation_list_verify(&info, list, l, &ks.root) == 0 && info.count == 3);
    memset(serial, 0x20, sizeof serial);
    CHECK(qstp_revocation_list_lookup(list, l, serial, NULL) == 1);

    /* count claims far more entries than present, up to 2^32 - 1 (24 * count overflows 32 bits). */
    {
        const uint32_t counts[] = {4, 2, 0, 0x0AAAAAABu, 0x80000000u, 0xFFFFFFFFu};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
            memcpy(work, list, l);
            qstp_store_le32(work + 26, counts[i]);
            r = qstp_revocation_list_lookup(work, l, serial, NULL);
            CHECK_MSG(r == -(int)qstp_error_malformed, "list count %u: lookup %d", counts[i], r);
            memset(&info, 0x5A, sizeof info);
            r = qstp_revocation_list_verify(&info, work, l, &ks.root);
            CHECK_MSG(r < 0 && qstp_ct_is_zero(&info, sizeof info), "list count %u: verify %d", counts[i], r);
        }
    }
    /* Entries out of order or duplicated: malformed even before the signature. */
    memcpy(work, list, l);
    memcpy(work + 30, list + 30 + 24, 16); /* entry 0 := entry 1's serial */
    CHECK(qstp_revocation_list_lookup(work, l, serial, NULL) == -(int)qstp_error_malformed);
    memcpy(work, list, l);
    memcpy(work + 30 + 24, list + 30, 16); /* entry 1 := entry 0's serial */
    CHECK(qstp_revocation_list_lookup(work, l, serial, NULL) == -(int)qstp_error_malformed);
    /* Every truncation and one extra byte. */
    for (size_t cut = 0; cut <= l + 1; cut++) {
        if (cut == l)
            continue;
        memcpy(work, list, l);
        work[l] = 0;
        r = qstp_revocation_list_lookup(work, cut, serial, NULL);
        CHECK_MSG(r < 0, "list length %zu of %zu: lookup %d", cut, l, r);
        r = qstp_revocation_list_verify(&info, work, cut, &ks.root);
        CHECK_MSG(r < 0 && qstp_ct_is_zero(&info, sizeof info), "list length %zu: verify %d", cut, r);
    }
    /* Any single flipped byte breaks the signature (or the structure). */
    for (size_t pos = 0; pos < l; pos += 3) {
        memcpy(work, list, l);
        work[pos] ^= 0x40;
        CHECK_MSG(qstp_revocation_list_verify(NULL, work, l, &ks.root) < 0, "list flip at %zu verified", pos);
    }
    /* NULL and empty inputs. */
    CHECK(qstp_revocation_list_lookup(NULL, 0, serial, NULL) < 0);
    CHECK(qstp_revocation_list_verify(&info, NULL, 0, &ks.root) < 0);
}

static void test_revocation_notice(void)
{
    uint64_t st = 10;
    size_t n = 0, mlen = 7;
    qstp_revocation_notice nt;
    uint8_t hdr[QSTP_REVOCATION_HEADER_SIZE];
    CHECK(qstp_revocation_notice_create(list, sizeof list, &n, &ks.rootkey, ks.cert.serial, h_now, h_random, &st) == 0);
    CHECK(qstp_revocation_notice_verify(&nt, list, n, &ks.root) == 0);
    for (size_t cut = 0; cut <= n + 1; cut++) {
        int r;
        if (cut == n)
            continue;
        memcpy(work, list, n);
        work[n] = 0;
        memset(&nt, 0x5A, sizeof nt);
        r = qstp_revocation_notice_verify(&nt, work, cut, &ks.root);
        CHECK_MSG(r < 0 && qstp_ct_is_zero(&nt, sizeof nt), "notice length %zu: %d", cut, r);
    }
    for (size_t pos = 0; pos < n; pos += 5) {
        memcpy(work, list, n);
        work[pos] ^= 0x08;
        CHECK_MSG(qstp_revocation_notice_verify(&nt, work, n, &ks.root) < 0, "notice flip at %zu accepted", pos);
    }
    /* Header: a length over the largest notice, zero, a wrong sequence; msglen stays 0. */
    CHECK(qstp_revocation_packet_create(work, sizeof work, &n, list, n, h_now) == 0);
    memcpy(hdr, work, sizeof hdr);
    CHECK(qstp_revocation_header_check(hdr, h_now, &mlen) == 0 && mlen > 0);
    qstp_store_le32(hdr + 1, (uint32_t)QSTP_REVOCATION_NOTICE_MAX + 1);
    CHECK(qstp_revocation_header_check(hdr, h_now, &mlen) < 0 && mlen == 0);
    qstp_store_le32(hdr + 1, 0);
    CHECK(qstp_revocation_header_check(hdr, h_now, &mlen) < 0 && mlen == 0);
    memcpy(hdr, work, sizeof hdr);
    hdr[5] ^= 1;
    CHECK(qstp_revocation_header_check(hdr, h_now, &mlen) < 0 && mlen == 0);
    memcpy(hdr, work, sizeof hdr);
    CHECK(qstp_revocation_header_check(hdr, 0, &mlen) < 0 && mlen == 0);
    CHECK(qstp_revocation_header_check(hdr, UINT64_MAX, &mlen) < 0 && mlen == 0);
}

static void test_packet_header(void)
{
    qstp_packet_header h;
    uint8_t b[QSTP_PACKET_HEADER_SIZE];
    /* packet.h: h zeroed on a short input. */
    memset(&h, 0x5A, sizeof h);
    memset(b, 0xFF, sizeof b);
    CHECK(qstp_packet_header_deserialize(&h, b, 20) == -(int)qstp_error_malformed);
    CHECK(h.flag == 0 && h.msglen == 0 && h.sequence == 0 && h.utctime == 0);
    memset(&h, 0x5A, sizeof h);
    CHECK(qstp_packet_header_deserialize(&h, NULL, 21) == -(int)qstp_error_malformed);
    CHECK(h.flag == 0 && h.msglen == 0 && h.sequence == 0 && h.utctime == 0);
    /* Time window edges (§2.3) and the range ends. */
    CHECK(qstp_packet_time_valid(60, 1) == 1 && qstp_packet_time_valid(60, 120) == 1);
    CHECK(qstp_packet_time_valid(60, 121) == 0 && qstp_packet_time_valid(0, 1) == 0);
    CHECK(qstp_packet_time_valid(UINT64_MAX - 60, UINT64_MAX - 1) == 1);
    CHECK(qstp_packet_time_valid(UINT64_MAX - 59, UINT64_MAX - 1) == 0);
    CHECK(qstp_packet_time_valid(UINT64_MAX, UINT64_MAX) == 0);
    CHECK(qstp_packet_record_size_valid(33) == 1 && qstp_packet_record_size_valid(32) == 0);
    CHECK(qstp_packet_record_size_valid(65536) == 1 && qstp_packet_record_size_valid(65537) == 0);
    CHECK(qstp_packet_record_size_valid(UINT32_MAX) == 0);
}

int main(void)
{
    su = qstp_suite_by_id(0x01);
    CHECK(su != NULL);
    if (su == NULL)
        return test_report();
    CHECK(h_keyset_make(&ks, su, 777) == 0);
    test_decoders();
    test_key_from_text();
    test_revocation_list();
    test_revocation_notice();
    test_packet_header();
    return test_report();
}
