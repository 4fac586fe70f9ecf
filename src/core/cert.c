/* Certificate and key serialization (QSTP-WIRE §8.1-§8.4) and certificate hashes (§8.5).
 * Every layout is written once, as a sequence of reader/writer calls (core/buf.h). */
#include "qstp/cert.h"

#include <string.h>

#include "core/buf.h"
#include "crypto/ct.h"
#include "crypto/sha3.h"

size_t qstp_root_certificate_size(uint8_t algorithm)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    return s ? s->root_cert_size : 0;
}

size_t qstp_server_certificate_size(uint8_t algorithm)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    return s ? s->server_cert_size : 0;
}

size_t qstp_root_key_size(uint8_t algorithm)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    return s ? s->root_key_size : 0;
}

size_t qstp_server_key_size(uint8_t algorithm)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    return s ? s->server_key_size : 0;
}

/* Which object kind a parse is for, to look up the expected size. */
enum kind { K_ROOT_CERT, K_SERVER_CERT, K_ROOT_KEY, K_SERVER_KEY };

static size_t kind_size(const qstp_suite *s, enum kind k)
{
    switch (k) {
    case K_ROOT_CERT:
        return s->root_cert_size;
    case K_SERVER_CERT:
        return s->server_cert_size;
    case K_ROOT_KEY:
        return s->root_key_size;
    default:
        return s->server_key_size;
    }
}

/* Every object ends with algorithm(1) || version(1) (§8.1-§8.4), so the set is read from the
 * byte two from the end and the length must then be exactly that set's size. An input whose
 * length fits no set at all is malformed rather than of an "unknown configuration". */
static int parse_suite(const qstp_suite **out, const uint8_t *in, size_t inlen, enum kind k)
{
    const qstp_suite *s;
    *out = NULL;
    if (in == NULL || inlen < 2)
        return qstp_fail(qstp_error_malformed);
    s = qstp_suite_by_id(in[inlen - 2]);
    if (s == NULL) {
        for (size_t i = 0; i < qstp_suite_count(); i++) {
            if (kind_size(qstp_suite_at(i), k) == inlen)
                return qstp_fail(qstp_error_unknown_configuration);
        }
        return qstp_fail(qstp_error_malformed);
    }
    if (inlen != kind_size(s, k))
        return qstp_fail(qstp_error_malformed);
    *out = s;
    return 0;
}

/* Common checks before a serialization: known set and room for the object. */
static int begin_write(const qstp_suite **out, uint8_t algorithm, enum kind k, uint8_t *buf,
                       size_t buflen, size_t *written)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    *out = NULL;
    if (written != NULL)
        *written = 0;
    if (buf == NULL)
        return qstp_fail(qstp_error_invalid_input);
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (buflen < kind_size(s, k))
        return qstp_fail(qstp_error_buffer_too_small);
    *out = s;
    return 0;
}

static int end_write(const qstp_writer *w, size_t expect, uint8_t *buf, size_t *written)
{
    if (!qstp_writer_ok(w) || w->off != expect) {
        qstp_wipe(buf, w->off);
        return qstp_fail(qstp_error_internal);
    }
    if (written != NULL)
        *written = w->off;
    return 0;
}

/* ---------------- root certificate (§8.1) ---------------- */

int qstp_root_certificate_serialize(uint8_t *out, size_t outlen, size_t *written,
                                    const qstp_root_certificate *c)
{
    const qstp_suite *s;
    qstp_writer w;
    int r = begin_write(&s, c->algorithm, K_ROOT_CERT, out, outlen, written);
    if (r != 0)
        return r;
    qstp_writer_init(&w, out, outlen);
    qstp_write_bytes(&w, c->csig, s->signed_hash_size);
    qstp_write_bytes(&w, c->verkey, s->sig_vk_size);
    qstp_write_bytes(&w, c->issuer, QSTP_ISSUER_SIZE);
    qstp_write_bytes(&w, c->serial, QSTP_SERIAL_SIZE);
    qstp_write_le64(&w, c->from);
    qstp_write_le64(&w, c->to);
    qstp_write_u8(&w, c->algorithm);
    qstp_write_u8(&w, c->version);
    return end_write(&w, s->root_cert_size, out, written);
}

int qstp_root_certificate_deserialize(qstp_root_certificate *c, const uint8_t *in, size_t inlen)
{
    const qstp_suite *s;
    qstp_reader rd;
    int r;
    memset(c, 0, sizeof *c);
    r = parse_suite(&s, in, inlen, K_ROOT_CERT);
    if (r != 0)
        return r;
    qstp_reader_init(&rd, in, inlen);
    qstp_read_bytes(&rd, c->csig, s->signed_hash_size);
    qstp_read_bytes(&rd, c->verkey, s->sig_vk_size);
    qstp_read_bytes(&rd, c->issuer, QSTP_ISSUER_SIZE);
    qstp_read_bytes(&rd, c->serial, QSTP_SERIAL_SIZE);
    c->from = qstp_read_le64(&rd);
    c->to = qstp_read_le64(&rd);
    c->algorithm = qstp_read_u8(&rd);
    c->version = qstp_read_u8(&rd);
    if (!qstp_reader_done(&rd)) {
        memset(c, 0, sizeof *c);
        return qstp_fail(qstp_error_malformed);
    }
    return 0;
}

/* ---------------- server certificate (§8.2) ---------------- */

int qstp_server_certificate_serialize(uint8_t *out, size_t outlen, size_t *written,
                                      const qstp_server_certificate *c)
{
    const qstp_suite *s;
    qstp_writer w;
    int r = begin_write(&s, c->algorithm, K_SERVER_CERT, out, outlen, written);
    if (r != 0)
        return r;
    qstp_writer_init(&w, out, outlen);
    qstp_write_bytes(&w, c->csig, s->signed_hash_size);
    qstp_write_bytes(&w, c->verkey, s->sig_vk_size);
    qstp_write_bytes(&w, c->issuer, QSTP_ISSUER_SIZE);
    qstp_write_bytes(&w, c->serial, QSTP_SERIAL_SIZE);
    qstp_write_bytes(&w, c->rootser, QSTP_SERIAL_SIZE);
    qstp_write_le64(&w, c->from);
    qstp_write_le64(&w, c->to);
    qstp_write_u8(&w, c->algorithm);
    qstp_write_u8(&w, c->version);
    return end_write(&w, s->server_cert_size, out, written);
}

int qstp_server_certificate_deserialize(qstp_server_certificate *c, const uint8_t *in,
                                        size_t inlen)
{
    const qstp_suite *s;
    qstp_reader rd;
    int r;
    memset(c, 0, sizeof *c);
    r = parse_suite(&s, in, inlen, K_SERVER_CERT);
    if (r != 0)
        return r;
    qstp_reader_init(&rd, in, inlen);
    qstp_read_bytes(&rd, c->csig, s->signed_hash_size);
    qstp_read_bytes(&rd, c->verkey, s->sig_vk_size);
    qstp_read_bytes(&rd, c->issuer, QSTP_ISSUER_SIZE);
    qstp_read_bytes(&rd, c->serial, QSTP_SERIAL_SIZE);
    qstp_read_bytes(&rd, c->rootser, QSTP_SERIAL_SIZE);
    c->from = qstp_read_le64(&rd);
    c->to = qstp_read_le64(&rd);
    c->algorithm = qstp_read_u8(&rd);
    c->version = qstp_read_u8(&rd);
    if (!qstp_reader_done(&rd)) {
        memset(c, 0, sizeof *c);
        return qstp_fail(qstp_error_malformed);
    }
    return 0;
}

/* ---------------- root signing key (§8.3) ---------------- */

int qstp_root_key_serialize(uint8_t *out, size_t outlen, size_t *written, const qstp_root_key *k)
{
    const qstp_suite *s;
    qstp_writer w;
    int r = begin_write(&s, k->algorithm, K_ROOT_KEY, out, outlen, written);
    if (r != 0)
        return r;
    qstp_writer_init(&w, out, outlen);
    qstp_write_bytes(&w, k->issuer, QSTP_ISSUER_SIZE);
    qstp_write_bytes(&w, k->serial, QSTP_SERIAL_SIZE);
    qstp_write_bytes(&w, k->sigkey, s->sig_sk_size);
    qstp_write_bytes(&w, k->verkey, s->sig_vk_size);
    qstp_write_le64(&w, k->from);
    qstp_write_le64(&w, k->to);
    qstp_write_u8(&w, k->algorithm);
    qstp_write_u8(&w, k->version);
    return end_write(&w, s->root_key_size, out, written);
}

int qstp_root_key_deserialize(qstp_root_key *k, const uint8_t *in, size_t inlen)
{
    const qstp_suite *s;
    qstp_reader rd;
    int r;
    qstp_wipe(k, sizeof *k);
    r = parse_suite(&s, in, inlen, K_ROOT_KEY);
    if (r != 0)
        return r;
    qstp_reader_init(&rd, in, inlen);
    qstp_read_bytes(&rd, k->issuer, QSTP_ISSUER_SIZE);
    qstp_read_bytes(&rd, k->serial, QSTP_SERIAL_SIZE);
    qstp_read_bytes(&rd, k->sigkey, s->sig_sk_size);
    qstp_read_bytes(&rd, k->verkey, s->sig_vk_size);
    k->from = qstp_read_le64(&rd);
    k->to = qstp_read_le64(&rd);
    k->algorithm = qstp_read_u8(&rd);
    k->version = qstp_read_u8(&rd);
    if (!qstp_reader_done(&rd)) {
        qstp_wipe(k, sizeof *k);
        return qstp_fail(qstp_error_malformed);
    }
    return 0;
}

/* ---------------- server signing key (§8.4) ---------------- */

int qstp_server_key_serialize(uint8_t *out, size_t outlen, size_t *written,
                              const qstp_server_key *k)
{
    const qstp_suite *s;
    qstp_writer w;
    int r = begin_write(&s, k->algorithm, K_SERVER_KEY, out, outlen, written);
    if (r != 0)
        return r;
    qstp_writer_init(&w, out, outlen);
    qstp_write_bytes(&w, k->issuer, QSTP_ISSUER_SIZE);
    qstp_write_bytes(&w, k->schash, QSTP_HASH_SIZE);
    qstp_write_bytes(&w, k->serial, QSTP_SERIAL_SIZE);
    qstp_write_bytes(&w, k->sigkey, s->sig_sk_size);
    qstp_write_bytes(&w, k->verkey, s->sig_vk_size);
    qstp_write_le64(&w, k->from);
    qstp_write_le64(&w, k->to);
    qstp_write_u8(&w, k->algorithm);
    qstp_write_u8(&w, k->version);
    return end_write(&w, s->server_key_size, out, written);
}

int qstp_server_key_serialize_file(uint8_t *out, size_t outlen, size_t *written,
                                   const qstp_server_key *k)
{
    int r = qstp_server_key_serialize(out, outlen, written, k);
    /* §8.4: the key file carries schash as zeros; the server recomputes it at load time. */
    if (r == 0)
        memset(out + QSTP_ISSUER_SIZE, 0, QSTP_HASH_SIZE);
    return r;
}

int qstp_server_key_deserialize(qstp_server_key *k, const uint8_t *in, size_t inlen)
{
    const qstp_suite *s;
    qstp_reader rd;
    int r;
    qstp_wipe(k, sizeof *k);
    r = parse_suite(&s, in, inlen, K_SERVER_KEY);
    if (r != 0)
        return r;
    qstp_reader_init(&rd, in, inlen);
    qstp_read_bytes(&rd, k->issuer, QSTP_ISSUER_SIZE);
    qstp_read_bytes(&rd, k->schash, QSTP_HASH_SIZE);
    qstp_read_bytes(&rd, k->serial, QSTP_SERIAL_SIZE);
    qstp_read_bytes(&rd, k->sigkey, s->sig_sk_size);
    qstp_read_bytes(&rd, k->verkey, s->sig_vk_size);
    k->from = qstp_read_le64(&rd);
    k->to = qstp_read_le64(&rd);
    k->algorithm = qstp_read_u8(&rd);
    k->version = qstp_read_u8(&rd);
    if (!qstp_reader_done(&rd)) {
        qstp_wipe(k, sizeof *k);
        return qstp_fail(qstp_error_malformed);
    }
    return 0;
}

void qstp_root_key_clear(qstp_root_key *key)
{
    qstp_wipe(key, sizeof *key);
}

void qstp_server_key_clear(qstp_server_key *key)
{
    qstp_wipe(key, sizeof *key);
}

/* ---------------- hashes (§8.5) ----------------
 * The hashed fields are the serialized fields after csig, so the hash input is built with the
 * same LE64 encoding as the files. csig is never hashed. */

static void absorb_le64(qstp_keccak_state *st, uint64_t v)
{
    uint8_t b[8];
    qstp_store_le64(b, v);
    qstp_sha3_update(st, b, sizeof b);
}

int qstp_root_certificate_hash(uint8_t out[QSTP_HASH_SIZE], const qstp_root_certificate *c)
{
    qstp_keccak_state st;
    const qstp_suite *s = qstp_suite_by_id(c->algorithm);
    if (s == NULL) {
        memset(out, 0, QSTP_HASH_SIZE);
        return qstp_fail(qstp_error_unknown_configuration);
    }
    qstp_sha3_256_init(&st);
    qstp_sha3_update(&st, c->verkey, s->sig_vk_size);
    qstp_sha3_update(&st, c->issuer, QSTP_ISSUER_SIZE);
    qstp_sha3_update(&st, c->serial, QSTP_SERIAL_SIZE);
    absorb_le64(&st, c->from);
    absorb_le64(&st, c->to);
    qstp_sha3_update(&st, &c->algorithm, 1);
    qstp_sha3_update(&st, &c->version, 1);
    qstp_sha3_256_final(&st, out);
    return 0;
}

int qstp_server_certificate_hash(uint8_t out[QSTP_HASH_SIZE], const qstp_server_certificate *c)
{
    qstp_keccak_state st;
    const qstp_suite *s = qstp_suite_by_id(c->algorithm);
    if (s == NULL) {
        memset(out, 0, QSTP_HASH_SIZE);
        return qstp_fail(qstp_error_unknown_configuration);
    }
    qstp_sha3_256_init(&st);
    qstp_sha3_update(&st, c->verkey, s->sig_vk_size);
    qstp_sha3_update(&st, c->issuer, QSTP_ISSUER_SIZE);
    qstp_sha3_update(&st, c->serial, QSTP_SERIAL_SIZE);
    qstp_sha3_update(&st, c->rootser, QSTP_SERIAL_SIZE);
    absorb_le64(&st, c->from);
    absorb_le64(&st, c->to);
    qstp_sha3_update(&st, &c->algorithm, 1);
    qstp_sha3_update(&st, &c->version, 1);
    qstp_sha3_256_final(&st, out);
    return 0;
}

int qstp_certificate_chain_hash(uint8_t sch0[QSTP_HASH_SIZE], const qstp_root_certificate *root,
                                const qstp_server_certificate *cert)
{
    uint8_t both[2 * QSTP_HASH_SIZE];
    int r = qstp_root_certificate_hash(both, root);
    if (r == 0)
        r = qstp_server_certificate_hash(both + QSTP_HASH_SIZE, cert);
    if (r != 0) {
        memset(sch0, 0, QSTP_HASH_SIZE);
        return r;
    }
    qstp_sha3_256(sch0, both, sizeof both);
    return 0;
}
