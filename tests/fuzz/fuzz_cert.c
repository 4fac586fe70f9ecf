/* Fuzz target: the certificate and key decoders (QSTP-WIRE §8.1-§8.4 binary, §8.9 text, PEM) with
 * encoding autodetection. data[0] & 3 picks the kind (root cert, server cert, root key, server
 * key); the rest is the file. Invariants checked on every accepted input:
 *   - the decoded object re-encodes in the detected encoding and decodes back to the same binary
 *     form (text: only when the issuer is printable, the text encoder's precondition);
 *   - a rejected input leaves the object all zero (cert.h: outputs zeroed on failure). */
#include <stdlib.h>
#include <string.h>

#include "qstp/cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*decode_fn)(void *obj, const uint8_t *in, size_t inlen, qstp_encoding *enc);
typedef int (*encode_fn)(uint8_t *out, size_t outlen, size_t *written, const void *obj, qstp_encoding enc);
typedef int (*ser_fn)(uint8_t *out, size_t outlen, size_t *written, const void *obj);

static int dec_rc(void *o, const uint8_t *in, size_t n, qstp_encoding *e) { return qstp_root_certificate_decode(o, in, n, e); }
static int dec_sc(void *o, const uint8_t *in, size_t n, qstp_encoding *e) { return qstp_server_certificate_decode(o, in, n, e); }
static int dec_rk(void *o, const uint8_t *in, size_t n, qstp_encoding *e) { return qstp_root_key_decode(o, in, n, e); }
static int dec_sk(void *o, const uint8_t *in, size_t n, qstp_encoding *e) { return qstp_server_key_decode(o, in, n, e); }
static int enc_rc(uint8_t *out, size_t n, size_t *w, const void *o, qstp_encoding e) { return qstp_root_certificate_encode(out, n, w, o, e); }
static int enc_sc(uint8_t *out, size_t n, size_t *w, const void *o, qstp_encoding e) { return qstp_server_certificate_encode(out, n, w, o, e); }
static int enc_rk(uint8_t *out, size_t n, size_t *w, const void *o, qstp_encoding e) { return qstp_root_key_encode(out, n, w, o, e); }
static int enc_sk(uint8_t *out, size_t n, size_t *w, const void *o, qstp_encoding e) { return qstp_server_key_encode(out, n, w, o, e); }
static int ser_rc(uint8_t *out, size_t n, size_t *w, const void *o) { return qstp_root_certificate_serialize(out, n, w, o); }
static int ser_sc(uint8_t *out, size_t n, size_t *w, const void *o) { return qstp_server_certificate_serialize(out, n, w, o); }
static int ser_rk(uint8_t *out, size_t n, size_t *w, const void *o) { return qstp_root_key_serialize(out, n, w, o); }
static int ser_sk(uint8_t *out, size_t n, size_t *w, const void *o) { return qstp_server_key_serialize(out, n, w, o); }

static const struct {
    decode_fn dec;
    encode_fn enc;
    ser_fn ser;
    size_t objsize;
} kinds[4] = {
    {dec_rc, enc_rc, ser_rc, sizeof(qstp_root_certificate)},
    {dec_sc, enc_sc, ser_sc, sizeof(qstp_server_certificate)},
    {dec_rk, enc_rk, ser_rk, sizeof(qstp_root_key)},
    {dec_sk, enc_sk, ser_sk, sizeof(qstp_server_key)},
};

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= b[i];
    return acc == 0;
}

/* Big enough for every object of every set in binary, text and PEM form. */
#define BIN_MAX (160u * 1024u)
static uint8_t bin1[BIN_MAX], bin2[BIN_MAX];
static uint8_t enc[2 * BIN_MAX];
static union {
    qstp_root_certificate rc;
    qstp_server_certificate sc;
    qstp_root_key rk;
    qstp_server_key sk;
} obj1, obj2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t kind, n1 = 0, n2 = 0, elen = 0;
    qstp_encoding e1, e2;
    if (size == 0)
        return 0;
    kind = data[0] & 3u;
    data++;
    size--;
    memset(&obj1, 0xA5, sizeof obj1); /* a decoder must overwrite or zero all of it */
    if (kinds[kind].dec(&obj1, data, size, &e1) != 0) {
        if (!all_zero(&obj1, kinds[kind].objsize))
            abort();
        return 0;
    }
    if (e1 != qstp_encoding_detect(data, size))
        abort();
    if (kinds[kind].ser(bin1, sizeof bin1, &n1, &obj1) != 0)
        abort(); /* whatever decodes must serialize */
    if (e1 == QSTP_ENCODING_BINARY) {
        if (n1 != size || memcmp(bin1, data, size) != 0)
            abort();
        return 0;
    }
    if (kinds[kind].enc(enc, sizeof enc, &elen, &obj1, e1) != 0) {
        if (e1 == QSTP_ENCODING_PEM)
            abort(); /* PEM encodes every decodable object */
        return 0;    /* text: e.g. an issuer with a control byte cannot be printed */
    }
    if (kinds[kind].dec(&obj2, enc, elen, &e2) != 0 || e2 != e1)
        abort();
    if (kinds[kind].ser(bin2, sizeof bin2, &n2, &obj2) != 0 || n1 != n2)
        abort();
    /* A server key's schash is written as zeros by its encoders (§8.4). */
    if (kind == 3) {
        memset(bin1 + QSTP_ISSUER_SIZE, 0, QSTP_HASH_SIZE);
        memset(bin2 + QSTP_ISSUER_SIZE, 0, QSTP_HASH_SIZE);
    }
    if (memcmp(bin1, bin2, n1) != 0)
        abort();
    return 0;
}
