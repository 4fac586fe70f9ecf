/* Certificate and key serialization (QSTP-WIRE §8.1-§8.4) and certificate hashes (§8.5).
 * Every layout is written once, as a sequence of reader/writer calls (core/buf.h). */
#include "qstp/cert.h"

#include <string.h>

#include "core/buf.h"
#include "core/cert_layout.h"
#include "crypto/ct.h"
#include "crypto/sha3.h"

size_t qstp_cert_kind_size(const qstp_suite *s, qstp_cert_kind kind)
{
    switch (kind) {
    case QSTP_KIND_ROOT_CERT:
        return s->root_cert_size;
    case QSTP_KIND_SERVER_CERT:
        return s->server_cert_size;
    case QSTP_KIND_ROOT_KEY:
        return s->root_key_size;
    default:
        return s->server_key_size;
    }
}

/* Serialized size of `kind` for a set id; 0 for an unknown id. */
static size_t size_by_id(uint8_t algorithm, qstp_cert_kind kind)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    return s ? qstp_cert_kind_size(s, kind) : 0;
}

size_t qstp_root_certificate_size(uint8_t algorithm)
{
    return size_by_id(algorithm, QSTP_KIND_ROOT_CERT);
}

size_t qstp_server_certificate_size(uint8_t algorithm)
{
    return size_by_id(algorithm, QSTP_KIND_SERVER_CERT);
}

size_t qstp_root_key_size(uint8_t algorithm)
{
    return size_by_id(algorithm, QSTP_KIND_ROOT_KEY);
}

size_t qstp_server_key_size(uint8_t algorithm)
{
    return size_by_id(algorithm, QSTP_KIND_SERVER_KEY);
}

static void add(qstp_cert_layout *L, uint8_t *p, size_t n)
{
    L->f[L->count].p = p;
    L->f[L->count].n = n;
    L->f[L->count].u64 = NULL;
    L->count++;
    L->total += n;
}

static void add_u64(qstp_cert_layout *L, uint64_t *v)
{
    L->f[L->count].p = NULL;
    L->f[L->count].n = 8;
    L->f[L->count].u64 = v;
    L->count++;
    L->total += 8;
}

void qstp_cert_layout_get(qstp_cert_layout *L, qstp_cert_kind kind, void *obj, const qstp_suite *s)
{
    L->count = 0;
    L->total = 0;
    switch (kind) {
    case QSTP_KIND_ROOT_CERT: { /* §8.1 */
        qstp_root_certificate *c = obj;
        add(L, c->csig, s->signed_hash_size);
        add(L, c->verkey, s->sig_vk_size);
        add(L, c->issuer, QSTP_ISSUER_SIZE);
        add(L, c->serial, QSTP_SERIAL_SIZE);
        add_u64(L, &c->from);
        add_u64(L, &c->to);
        add(L, &c->algorithm, 1);
        add(L, &c->version, 1);
        break;
    }
    case QSTP_KIND_SERVER_CERT: { /* §8.2 */
        qstp_server_certificate *c = obj;
        add(L, c->csig, s->signed_hash_size);
        add(L, c->verkey, s->sig_vk_size);
        add(L, c->issuer, QSTP_ISSUER_SIZE);
        add(L, c->serial, QSTP_SERIAL_SIZE);
        add(L, c->rootser, QSTP_SERIAL_SIZE);
        add_u64(L, &c->from);
        add_u64(L, &c->to);
        add(L, &c->algorithm, 1);
        add(L, &c->version, 1);
        break;
    }
    case QSTP_KIND_ROOT_KEY: { /* §8.3 */
        qstp_root_key *k = obj;
        add(L, k->issuer, QSTP_ISSUER_SIZE);
        add(L, k->serial, QSTP_SERIAL_SIZE);
        add(L, k->sigkey, s->sig_sk_size);
        add(L, k->verkey, s->sig_vk_size);
        add_u64(L, &k->from);
        add_u64(L, &k->to);
        add(L, &k->algorithm, 1);
        add(L, &k->version, 1);
        break;
    }
    default: { /* §8.4 */
        qstp_server_key *k = obj;
        add(L, k->issuer, QSTP_ISSUER_SIZE);
        add(L, k->schash, QSTP_HASH_SIZE);
        add(L, k->serial, QSTP_SERIAL_SIZE);
        add(L, k->sigkey, s->sig_sk_size);
        add(L, k->verkey, s->sig_vk_size);
        add_u64(L, &k->from);
        add_u64(L, &k->to);
        add(L, &k->algorithm, 1);
        add(L, &k->version, 1);
        break;
    }
    }
}

static size_t kind_struct_size(qstp_cert_kind kind)
{
    switch (kind) {
    case QSTP_KIND_ROOT_CERT:
        return sizeof(qstp_root_certificate);
    case QSTP_KIND_SERVER_CERT:
        return sizeof(qstp_server_certificate);
    case QSTP_KIND_ROOT_KEY:
        return sizeof(qstp_root_key);
    default:
        return sizeof(qstp_server_key);
    }
}

void qstp_cert_clear(qstp_cert_kind kind, void *obj)
{
    qstp_wipe(obj, kind_struct_size(kind));
}

/* Every object ends with algorithm(1) || version(1) (§8.1-§8.4), so the set is read from the
 * byte two from the end and the length must then be exactly that set's size. An input whose
 * length fits no set at all is malformed rather than of an "unknown configuration". The version
 * byte is checked last, so a wrong length or set is reported as such first: the reference writes
 * 1 in every certificate and key it makes, and a parser that accepted other values would hand
 * the caller an object that only verification (not every caller does it) would refuse. */
int qstp_cert_parse_suite(const qstp_suite **out, uint8_t algorithm, uint8_t version,
                          size_t inlen, qstp_cert_kind kind)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    *out = NULL;
    if (s == NULL) {
        for (size_t i = 0; i < qstp_suite_count(); i++) {
            if (qstp_cert_kind_size(qstp_suite_at(i), kind) == inlen)
                return qstp_fail(qstp_error_unknown_configuration);
        }
        return qstp_fail(qstp_error_malformed);
    }
    if (inlen != qstp_cert_kind_size(s, kind))
        return qstp_fail(qstp_error_malformed);
    if (version != QSTP_CERTIFICATE_VERSION)
        return qstp_fail(qstp_error_version_unsupported);
    *out = s;
    return 0;
}

static int serialize(uint8_t *out, size_t outlen, size_t *written, qstp_cert_kind kind,
                     const void *obj, uint8_t algorithm)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    qstp_cert_layout L;
    qstp_writer w;
    if (written != NULL)
        *written = 0;
    if (out == NULL)
        return qstp_fail(qstp_error_invalid_input);
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (outlen < qstp_cert_kind_size(s, kind))
        return qstp_fail(qstp_error_buffer_too_small);
    /* The layout only reads through its pointers here. */
    qstp_cert_layout_get(&L, kind, (void *)(uintptr_t)obj, s);
    qstp_writer_init(&w, out, outlen);
    for (size_t i = 0; i < L.count; i++) {
        if (L.f[i].u64 != NULL)
            qstp_write_le64(&w, *L.f[i].u64);
        else
            qstp_write_bytes(&w, L.f[i].p, L.f[i].n);
    }
    if (!qstp_writer_ok(&w) || w.off != L.total) {
        qstp_wipe(out, outlen < L.total ? outlen : L.total);
        return qstp_fail(qstp_error_internal);
    }
    if (written != NULL)
        *written = w.off;
    return 0;
}

static int deserialize(void *obj, qstp_cert_kind kind, const uint8_t *in, size_t inlen)
{
    const qstp_suite *s;
    qstp_cert_layout L;
    qstp_reader rd;
    int r;
    qstp_cert_clear(kind, obj);
    if (in == NULL || inlen < 2)
        return qstp_fail(qstp_error_malformed);
    r = qstp_cert_parse_suite(&s, in[inlen - 2], in[inlen - 1], inlen, kind);
    if (r != 0)
        return r;
    qstp_cert_layout_get(&L, kind, obj, s);
    qstp_reader_init(&rd, in, inlen);
    for (size_t i = 0; i < L.count; i++) {
        if (L.f[i].u64 != NULL)
            *L.f[i].u64 = qstp_read_le64(&rd);
        else
            qstp_read_bytes(&rd, L.f[i].p, L.f[i].n);
    }
    if (!qstp_reader_done(&rd)) {
        qstp_cert_clear(kind, obj);
        return qstp_fail(qstp_error_malformed);
    }
    return 0;
}

int qstp_root_certificate_serialize(uint8_t *out, size_t outlen, size_t *written,
                                    const qstp_root_certificate *c)
{
    return serialize(out, outlen, written, QSTP_KIND_ROOT_CERT, c, c->algorithm);
}

int qstp_root_certificate_deserialize(qstp_root_certificate *c, const uint8_t *in, size_t inlen)
{
    return deserialize(c, QSTP_KIND_ROOT_CERT, in, inlen);
}

int qstp_server_certificate_serialize(uint8_t *out, size_t outlen, size_t *written,
                                      const qstp_server_certificate *c)
{
    return serialize(out, outlen, written, QSTP_KIND_SERVER_CERT, c, c->algorithm);
}

int qstp_server_certificate_deserialize(qstp_server_certificate *c, const uint8_t *in,
                                        size_t inlen)
{
    return deserialize(c, QSTP_KIND_SERVER_CERT, in, inlen);
}

int qstp_root_key_serialize(uint8_t *out, size_t outlen, size_t *written, const qstp_root_key *k)
{
    return serialize(out, outlen, written, QSTP_KIND_ROOT_KEY, k, k->algorithm);
}

int qstp_root_key_deserialize(qstp_root_key *k, const uint8_t *in, size_t inlen)
{
    return deserialize(k, QSTP_KIND_ROOT_KEY, in, inlen);
}

int qstp_server_key_serialize(uint8_t *out, size_t outlen, size_t *written,
                              const qstp_server_key *k)
{
    return serialize(out, outlen, written, QSTP_KIND_SERVER_KEY, k, k->algorithm);
}

int qstp_server_key_serialize_file(uint8_t *out, size_t outlen, size_t *written,
                                   const qstp_server_key *k)
{
    int r = qstp_server_key_serialize(out, outlen, written, k);
    /* §8.4: the key file carries schash as zeros (it follows the 32-byte issuer); the server
     * recomputes it at load time. */
    if (r == 0)
        memset(out + QSTP_ISSUER_SIZE, 0, QSTP_HASH_SIZE);
    return r;
}

int qstp_server_key_deserialize(qstp_server_key *k, const uint8_t *in, size_t inlen)
{
    return deserialize(k, QSTP_KIND_SERVER_KEY, in, inlen);
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
 * The hashed fields are exactly the serialized fields after csig (§8.1, §8.2 vs §8.5), so both
 * hashes walk the same layout the serializer writes, from its second field on, with the same
 * LE64 encoding as the files. csig is never hashed. */

static int cert_hash(uint8_t out[QSTP_HASH_SIZE], qstp_cert_kind kind, const void *cert,
                     uint8_t algorithm)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    qstp_keccak_state st;
    qstp_cert_layout L;
    uint8_t b[8];
    if (s == NULL) {
        memset(out, 0, QSTP_HASH_SIZE);
        return qstp_fail(qstp_error_unknown_configuration);
    }
    /* The layout only reads through its pointers here. */
    qstp_cert_layout_get(&L, kind, (void *)(uintptr_t)cert, s);
    qstp_sha3_256_init(&st);
    for (size_t i = 1; i < L.count; i++) {
        if (L.f[i].u64 != NULL) {
            qstp_store_le64(b, *L.f[i].u64);
            qstp_sha3_update(&st, b, sizeof b);
        } else {
            qstp_sha3_update(&st, L.f[i].p, L.f[i].n);
        }
    }
    qstp_sha3_256_final(&st, out);
    return 0;
}

int qstp_root_certificate_hash(uint8_t out[QSTP_HASH_SIZE], const qstp_root_certificate *c)
{
    return cert_hash(out, QSTP_KIND_ROOT_CERT, c, c->algorithm);
}

int qstp_server_certificate_hash(uint8_t out[QSTP_HASH_SIZE], const qstp_server_certificate *c)
{
    return cert_hash(out, QSTP_KIND_SERVER_CERT, c, c->algorithm);
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
