/* Encodings (certfile.c): the reference text form must equal the reference's *.encoded.txt
 * byte for byte and decode back to the binary certificate; PEM round trips for all four object
 * kinds; detection; and rejection of truncated, oversized and garbage text/PEM. */
#include <stdlib.h>
#include <string.h>

#include "qstp/cert.h"
#include "test.h"

#define DET "vectors/reference/mldsa87/deterministic/"

static qstp_root_certificate root, root2;
static qstp_server_certificate srv, srv2;
static qstp_root_key rkey, rkey2;
static qstp_server_key skey, skey2;
static uint8_t out[65536], out2[65536], tmp[65536];

static uint8_t *load(const char *rel, size_t *len)
{
    const char *p = test_vector_path(rel);
    return p ? (uint8_t *)test_read_file(p, len) : NULL;
}

/* Replace the first occurrence of `from` in buf[0..*len) by `to`. */
static int patch(uint8_t *buf, size_t *len, size_t cap, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    for (size_t i = 0; i + fl <= *len; i++) {
        if (memcmp(buf + i, from, fl) == 0) {
            if (*len - fl + tl > cap)
                return 0;
            memmove(buf + i + tl, buf + i + fl, *len - i - fl);
            memcpy(buf + i, to, tl);
            *len = *len - fl + tl;
            return 1;
        }
    }
    return 0;
}

static void test_reference_text(void)
{
    size_t blen, tlen, n;
    uint8_t *bin, *txt;
    qstp_encoding enc;

    /* root */
    bin = load(DET "root_public_cert.qrr", &blen);
    txt = load(DET "root_public_cert.encoded.txt", &tlen);
    CHECK(bin != NULL && txt != NULL);
    if (bin == NULL || txt == NULL)
        return;
    CHECK(qstp_root_certificate_deserialize(&root, bin, blen) == 0);
    CHECK(qstp_root_certificate_encode(out, sizeof out, &n, &root, QSTP_ENCODING_TEXT) == 0);
    CHECK_MSG(n == tlen, "text length %zu, reference %zu", n, tlen);
    CHECK_BYTES(out, txt, tlen, "root text == root_public_cert.encoded.txt");
    CHECK(out[n] == 0);
    CHECK(qstp_root_certificate_decode(&root2, txt, tlen, &enc) == 0 && enc == QSTP_ENCODING_TEXT);
    CHECK(qstp_root_certificate_serialize(out2, sizeof out2, &n, &root2) == 0 && n == blen);
    CHECK_BYTES(out2, bin, blen, "decoded text == binary root certificate");
    CHECK(qstp_root_certificate_decode(&root2, bin, blen, &enc) == 0 && enc == QSTP_ENCODING_BINARY);
    /* the text form of one kind is not the other kind */
    CHECK(qstp_server_certificate_decode(&srv2, txt, tlen, NULL) == qstp_fail(qstp_error_malformed));

    /* negative: every line matters */
    memcpy(tmp, txt, tlen);
    n = tlen;
    CHECK(patch(tmp, &n, sizeof tmp, "Serial: C1", "Serial: X1"));
    CHECK(qstp_root_certificate_decode(&root2, tmp, n, NULL) == qstp_fail(qstp_error_malformed));
    memcpy(tmp, txt, tlen);
    n = tlen;
    CHECK(patch(tmp, &n, sizeof tmp, "2026-06-22 12-00-00", "2026-02-30 12-00-00"));
    CHECK(qstp_root_certificate_decode(&root2, tmp, n, NULL) == qstp_fail(qstp_error_malformed));
    memcpy(tmp, txt, tlen);
    n = tlen;
    CHECK(patch(tmp, &n, sizeof tmp, "kyber-s5_rcs", "kyber-s9_rcs"));
    CHECK(qstp_root_certificate_decode(&root2, tmp, n, NULL) ==
          qstp_fail(qstp_error_unknown_configuration));
    memcpy(tmp, txt, tlen);
    n = tlen;
    CHECK(patch(tmp, &n, sizeof tmp, "RZfw\n", "RZf\n")); /* csig one char short */
    CHECK(qstp_root_certificate_decode(&root2, tmp, n, NULL) == qstp_fail(qstp_error_malformed));
    memcpy(tmp, txt, tlen);
    n = tlen;
    CHECK(patch(tmp, &n, sizeof tmp, "RZfw\n", "RZfwAAAA\n")); /* csig 3 bytes long */
    CHECK(qstp_root_certificate_decode(&root2, tmp, n, NULL) == qstp_fail(qstp_error_malformed));
    memcpy(tmp, txt, tlen);
    n = tlen;
    CHECK(patch(tmp, &n, sizeof tmp, "RZfw\n", "RZf*\n")); /* bad alphabet */
    CHECK(qstp_root_certificate_decode(&root2, tmp, n, NULL) == qstp_fail(qstp_error_malformed));
    /* truncated: no end line */
    CHECK(qstp_root_certificate_decode(&root2, txt, tlen - 20, NULL) == qstp_fail(qstp_error_malformed));
    /* trailing garbage after the end line, vs trailing whitespace and NUL */
    memcpy(tmp, txt, tlen);
    memcpy(tmp + tlen, "x\n", 2);
    CHECK(qstp_root_certificate_decode(&root2, tmp, tlen + 2, NULL) == qstp_fail(qstp_error_malformed));
    memcpy(tmp + tlen, "\n \0", 3);
    CHECK(qstp_root_certificate_decode(&root2, tmp, tlen + 3, NULL) == 0);
    /* leading whitespace and CRLF line endings are accepted */
    {
        size_t m = 0;
        tmp[m++] = '\n';
        for (size_t i = 0; i < tlen; i++) {
            if (txt[i] == '\n')
                tmp[m++] = '\r';
            tmp[m++] = txt[i];
        }
        CHECK(qstp_root_certificate_decode(&root2, tmp, m, &enc) == 0 && enc == QSTP_ENCODING_TEXT);
        CHECK(memcmp(&root2, &root, sizeof root) == 0);
    }
    /* output buffer too small */
    CHECK(qstp_root_certificate_encode(out, tlen - 1, &n, &root, QSTP_ENCODING_TEXT) ==
          qstp_fail(qstp_error_buffer_too_small));
    CHECK(qstp_encoded_size_max(blen) >= tlen);
    free(bin);
    free(txt);

    /* server */
    bin = load(DET "qstp_refhost.qrc", &blen);
    txt = load(DET "server_public_cert.encoded.txt", &tlen);
    CHECK(bin != NULL && txt != NULL);
    if (bin == NULL || txt == NULL)
        return;
    CHECK(qstp_server_certificate_deserialize(&srv, bin, blen) == 0);
    CHECK(qstp_server_certificate_encode(out, sizeof out, &n, &srv, QSTP_ENCODING_TEXT) == 0);
    CHECK_MSG(n == tlen, "text length %zu, reference %zu", n, tlen);
    CHECK_BYTES(out, txt, tlen, "server text == server_public_cert.encoded.txt");
    CHECK(qstp_server_certificate_decode(&srv2, txt, tlen, &enc) == 0 && enc == QSTP_ENCODING_TEXT);
    CHECK(qstp_server_certificate_serialize(out2, sizeof out2, &n, &srv2) == 0 && n == blen);
    CHECK_BYTES(out2, bin, blen, "decoded text == binary server certificate");
    memcpy(tmp, txt, tlen);
    n = tlen;
    CHECK(patch(tmp, &n, sizeof tmp, "Root Serial: C1", "Root Serial: C"));
    CHECK(qstp_server_certificate_decode(&srv2, tmp, n, NULL) == qstp_fail(qstp_error_malformed));
    free(bin);
    free(txt);
}

static void test_pem(void)
{
    size_t len, n, m;
    uint8_t *bin;
    qstp_encoding enc;

    bin = load(DET "root_public_cert.qrr", &len);
    if (bin) {
        CHECK(qstp_root_certificate_deserialize(&root, bin, len) == 0);
        CHECK(qstp_root_certificate_encode(out, sizeof out, &n, &root, QSTP_ENCODING_PEM) == 0);
        CHECK(memcmp(out, "-----BEGIN QSTP ROOT CERTIFICATE-----\n", 38) == 0);
        CHECK(n > 40 && memcmp(out + n - 36, "-----END QSTP ROOT CERTIFICATE-----\n", 36) == 0);
        CHECK(out[38 + 64] == '\n'); /* 64 columns */
        CHECK(qstp_root_certificate_decode(&root2, out, n, &enc) == 0 && enc == QSTP_ENCODING_PEM);
        CHECK(qstp_root_certificate_serialize(out2, sizeof out2, &m, &root2) == 0 && m == len);
        CHECK_BYTES(out2, bin, len, "root certificate PEM round trip");
        /* wrong kind, truncated, trailing garbage, flipped character */
        CHECK(qstp_server_certificate_decode(&srv2, out, n, NULL) == qstp_fail(qstp_error_malformed));
        CHECK(qstp_root_certificate_decode(&root2, out, n - 37, NULL) == qstp_fail(qstp_error_malformed));
        memcpy(tmp, out, n);
        memcpy(tmp + n, "AAAA\n", 5);
        CHECK(qstp_root_certificate_decode(&root2, tmp, n + 5, NULL) == qstp_fail(qstp_error_malformed));
        memcpy(tmp, out, n);
        tmp[50] = '!';
        CHECK(qstp_root_certificate_decode(&root2, tmp, n, NULL) == qstp_fail(qstp_error_malformed));
        /* a PEM body with one base64 quad removed decodes to a wrong length */
        memcpy(tmp, out, n);
        memmove(tmp + 38, tmp + 42, n - 42);
        CHECK(qstp_root_certificate_decode(&root2, tmp, n - 4, NULL) == qstp_fail(qstp_error_malformed));
        free(bin);
    }
    bin = load(DET "qstp_refhost.qrc", &len);
    if (bin) {
        CHECK(qstp_server_certificate_deserialize(&srv, bin, len) == 0);
        CHECK(qstp_server_certificate_encode(out, sizeof out, &n, &srv, QSTP_ENCODING_PEM) == 0);
        CHECK(memcmp(out, "-----BEGIN QSTP SERVER CERTIFICATE-----\n", 40) == 0);
        CHECK(qstp_server_certificate_decode(&srv2, out, n, &enc) == 0 && enc == QSTP_ENCODING_PEM);
        CHECK(qstp_server_certificate_serialize(out2, sizeof out2, &m, &srv2) == 0 && m == len);
        CHECK_BYTES(out2, bin, len, "server certificate PEM round trip");
        free(bin);
    }
    bin = load(DET "root_secret_key.qsk", &len);
    if (bin) {
        CHECK(qstp_root_key_deserialize(&rkey, bin, len) == 0);
        CHECK(qstp_root_key_encode(out, sizeof out, &n, &rkey, QSTP_ENCODING_TEXT) ==
              qstp_fail(qstp_error_invalid_input));
        CHECK(qstp_root_key_encode(out, sizeof out, &n, &rkey, QSTP_ENCODING_PEM) == 0);
        CHECK(memcmp(out, "-----BEGIN QSTP ROOT SECRET KEY-----\n", 37) == 0);
        CHECK(qstp_root_key_decode(&rkey2, out, n, &enc) == 0 && enc == QSTP_ENCODING_PEM);
        CHECK(qstp_root_key_serialize(out2, sizeof out2, &m, &rkey2) == 0 && m == len);
        CHECK_BYTES(out2, bin, len, "root key PEM round trip");
        CHECK(qstp_root_key_decode(&rkey2, bin, len, &enc) == 0 && enc == QSTP_ENCODING_BINARY);
        free(bin);
    }
    bin = load(DET "server_secret_key.qsk", &len);
    if (bin) {
        CHECK(qstp_server_key_deserialize(&skey, bin, len) == 0);
        memset(skey.schash, 0xAB, 32); /* a loaded key with its sch0 set: files store zeros */
        CHECK(qstp_server_key_encode(out, sizeof out, &n, &skey, QSTP_ENCODING_PEM) == 0);
        CHECK(memcmp(out, "-----BEGIN QSTP SERVER SECRET KEY-----\n", 39) == 0);
        CHECK(qstp_server_key_decode(&skey2, out, n, &enc) == 0 && enc == QSTP_ENCODING_PEM);
        CHECK(qstp_server_key_serialize(out2, sizeof out2, &m, &skey2) == 0 && m == len);
        CHECK_BYTES(out2, bin, len, "server key PEM round trip (schash zero)");
        CHECK(qstp_server_key_encode(out, sizeof out, &n, &skey, QSTP_ENCODING_BINARY) == 0 && n == len);
        CHECK_BYTES(out, bin, len, "server key binary encode (schash zero)");
        free(bin);
    }
    /* garbage */
    CHECK(qstp_root_certificate_decode(&root2, (const uint8_t *)"hello", 5, NULL) ==
          qstp_fail(qstp_error_malformed));
    CHECK(qstp_root_certificate_decode(&root2, (const uint8_t *)"-----BEGIN QSTP", 15, NULL) ==
          qstp_fail(qstp_error_malformed));
    CHECK(qstp_root_certificate_decode(&root2, NULL, 0, NULL) == qstp_fail(qstp_error_malformed));
    CHECK(qstp_encoding_detect((const uint8_t *)"  ------BEGIN QSTP ROOT", 23) == QSTP_ENCODING_TEXT);
    CHECK(qstp_encoding_detect((const uint8_t *)"-----BEGIN QSTP ROOT", 20) == QSTP_ENCODING_PEM);
    CHECK(qstp_encoding_detect((const uint8_t *)"-----BEGIN X", 12) == QSTP_ENCODING_BINARY);
}

/* Random truncations and byte flips of every encoding: the decoders never read out of bounds
 * (run under ASan), never crash, and leave a zeroed object whenever they fail. */
static void test_mutations(void)
{
    static const char *files[] = {DET "root_public_cert.encoded.txt", DET "root_public_cert.qrr",
                                  DET "server_public_cert.encoded.txt", DET "qstp_refhost.qrc"};
    static const qstp_root_certificate zero_root;
    static const qstp_server_certificate zero_srv;
    uint64_t prng = 0x1234;
    unsigned failures_seen = 0, zero_ok = 1;
    for (size_t f = 0; f < 4; f++) {
        size_t len, n;
        uint8_t *src = load(files[f], &len);
        if (src == NULL)
            continue;
        for (int round = 0; round < 3; round++) {
            /* the PEM form of the same object as a third encoding */
            if (round == 2) {
                if (f < 2) {
                    CHECK(qstp_root_certificate_decode(&root, src, len, NULL) == 0);
                    CHECK(qstp_root_certificate_encode(tmp, sizeof tmp, &n, &root, QSTP_ENCODING_PEM) == 0);
                } else {
                    CHECK(qstp_server_certificate_decode(&srv, src, len, NULL) == 0);
                    CHECK(qstp_server_certificate_encode(tmp, sizeof tmp, &n, &srv, QSTP_ENCODING_PEM) == 0);
                }
            } else {
                memcpy(tmp, src, len);
                n = len;
            }
            for (int i = 0; i < 300; i++) {
                size_t m = n;
                memcpy(out2, tmp, n);
                if (round == 0 || (i & 1)) {
                    m = (size_t)(test_prng_u64(&prng) % (n + 1)); /* truncate */
                } else {
                    size_t at = (size_t)(test_prng_u64(&prng) % n);
                    out2[at] = (uint8_t)test_prng_u64(&prng); /* flip one byte */
                }
                /* a fresh copy on the heap so ASan sees the exact end */
                uint8_t *h = malloc(m ? m : 1);
                memcpy(h, out2, m);
                int r;
                if (f < 2) {
                    r = qstp_root_certificate_decode(&root2, h, m, NULL);
                    if (r != 0)
                        zero_ok &= memcmp(&root2, &zero_root, sizeof root2) == 0;
                } else {
                    r = qstp_server_certificate_decode(&srv2, h, m, NULL);
                    if (r != 0)
                        zero_ok &= memcmp(&srv2, &zero_srv, sizeof srv2) == 0;
                }
                failures_seen += (r != 0);
                free(h);
            }
        }
        free(src);
    }
    CHECK(failures_seen > 2000); /* nearly every mutation must be rejected */
    CHECK(zero_ok);
}

static void test_time_format(void)
{
    char s[QSTP_TIME_STRING_SIZE];
    CHECK(qstp_cert_time_format(s, 1782129600) == 0 && strcmp(s, "2026-06-22 12:00:00 UTC") == 0);
    CHECK(qstp_cert_time_format(s, 0) == 0 && strcmp(s, "1970-01-01 00:00:00 UTC") == 0);
    CHECK(qstp_cert_time_format(s, 951825599) == 0 && strcmp(s, "2000-02-29 11:59:59 UTC") == 0);
    CHECK(qstp_cert_time_format(s, 253402300799ull) == 0 && strcmp(s, "9999-12-31 23:59:59 UTC") == 0);
    CHECK(qstp_cert_time_format(s, 253402300800ull) == qstp_fail(qstp_error_invalid_input));
}

/* The version byte (the last byte of every object, §8.1-§8.4) must be the 1 the reference
 * writes: any other value is refused by the parser itself with version_unsupported, in all three
 * encodings, and the output is left zeroed. Before, only verification refused it. */
static int decode_kind(int kind, const uint8_t *in, size_t len)
{
    switch (kind) {
    case 0:
        return qstp_root_certificate_decode(&root2, in, len, NULL);
    case 1:
        return qstp_server_certificate_decode(&srv2, in, len, NULL);
    case 2:
        return qstp_root_key_decode(&rkey2, in, len, NULL);
    default:
        return qstp_server_key_decode(&skey2, in, len, NULL);
    }
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= b[i];
    return acc == 0;
}

static void test_version_byte(void)
{
    static const char *files[] = {DET "root_public_cert.qrr", DET "qstp_refhost.qrc",
                                  DET "root_secret_key.qsk", DET "server_secret_key.qsk",
                                  "vectors/reference/mldsa87/apps/root_public_cert.qrr",
                                  "vectors/reference/mldsa87/apps/qstp_vm.qrc",
                                  "vectors/reference/mldsa87/apps/root_secret_key.qsk",
                                  "vectors/reference/mldsa87/apps/server_secret_key.qsk"};
    static const uint8_t bad[] = {0x00, 0x02, 0x10, 0xFF};
    const void *objs[] = {&root2, &srv2, &rkey2, &skey2};
    const size_t sizes[] = {sizeof root2, sizeof srv2, sizeof rkey2, sizeof skey2};
    size_t len, n, tlen;
    uint8_t *txt;

    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        const int kind = (int)(f % 4);
        uint8_t *bin = load(files[f], &len);
        CHECK_MSG(bin != NULL && len > 2, "%s", files[f]);
        if (bin == NULL || len <= 2)
            continue;
        CHECK_MSG(bin[len - 1] == QSTP_CERTIFICATE_VERSION, "%s has version 1", files[f]);
        CHECK_MSG(decode_kind(kind, bin, len) == 0, "%s parses", files[f]);
        for (size_t b = 0; b < sizeof bad; b++) {
            memcpy(tmp, bin, len);
            tmp[len - 1] = bad[b];
            CHECK_MSG(decode_kind(kind, tmp, len) == qstp_fail(qstp_error_version_unsupported),
                      "%s version 0x%02X refused", files[f], bad[b]);
            CHECK(all_zero(objs[kind], sizes[kind]));
        }
        /* the same objects in PEM, re-encoded with version 2 (encoding does not check it) */
        if (f < 4) {
            int r = 0;
            CHECK(decode_kind(kind, bin, len) == 0);
            switch (kind) {
            case 0:
                root2.version = 2;
                r = qstp_root_certificate_encode(out, sizeof out, &n, &root2, QSTP_ENCODING_PEM);
                break;
            case 1:
                srv2.version = 2;
                r = qstp_server_certificate_encode(out, sizeof out, &n, &srv2, QSTP_ENCODING_PEM);
                break;
            case 2:
                rkey2.version = 2;
                r = qstp_root_key_encode(out, sizeof out, &n, &rkey2, QSTP_ENCODING_PEM);
                break;
            default:
                skey2.version = 2;
                r = qstp_server_key_encode(out, sizeof out, &n, &skey2, QSTP_ENCODING_PEM);
                break;
            }
            CHECK(r == 0);
            CHECK_MSG(decode_kind(kind, out, n) == qstp_fail(qstp_error_version_unsupported),
                      "%s PEM with version 2 refused", files[f]);
            CHECK(all_zero(objs[kind], sizes[kind]));
        }
        free(bin);
    }
    /* the reference text form: "Version: 0x01" is the only accepted value */
    txt = load(DET "root_public_cert.encoded.txt", &tlen);
    CHECK(txt != NULL);
    if (txt != NULL) {
        memcpy(tmp, txt, tlen);
        n = tlen;
        CHECK(qstp_root_certificate_decode(&root2, tmp, n, NULL) == 0);
        CHECK(patch(tmp, &n, sizeof tmp, "Version: 0x01", "Version: 0x02"));
        CHECK(qstp_root_certificate_decode(&root2, tmp, n, NULL) == qstp_fail(qstp_error_version_unsupported));
        CHECK(all_zero(&root2, sizeof root2));
        free(txt);
    }
    txt = load(DET "server_public_cert.encoded.txt", &tlen);
    CHECK(txt != NULL);
    if (txt != NULL) {
        memcpy(tmp, txt, tlen);
        n = tlen;
        CHECK(patch(tmp, &n, sizeof tmp, "Version: 0x01", "Version: 0x00"));
        CHECK(qstp_server_certificate_decode(&srv2, tmp, n, NULL) == qstp_fail(qstp_error_version_unsupported));
        CHECK(all_zero(&srv2, sizeof srv2));
        free(txt);
    }
}

int main(void)
{
    test_time_format();
    test_reference_text();
    test_pem();
    test_mutations();
    test_version_byte();
    return test_report();
}
