/* The byte layouts of QSTP-WIRE §8.1-§8.4, each described ONCE as a list of fields. The binary
 * serializer and parser (cert.c) and the streaming base64 decoder (certfile.c) all walk these
 * lists, so no offset is computed anywhere else. Private to core. */
#ifndef QSTP_CORE_CERT_LAYOUT_H
#define QSTP_CORE_CERT_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/cert.h"

typedef enum qstp_cert_kind {
    QSTP_KIND_ROOT_CERT = 0,
    QSTP_KIND_SERVER_CERT = 1,
    QSTP_KIND_ROOT_KEY = 2,
    QSTP_KIND_SERVER_KEY = 3
} qstp_cert_kind;

/* One field: n bytes at p, or (u64 != NULL) an LE64 integer. */
typedef struct qstp_cert_field {
    uint8_t *p;
    size_t n;
    uint64_t *u64;
} qstp_cert_field;

#define QSTP_CERT_FIELDS_MAX 10

typedef struct qstp_cert_layout {
    qstp_cert_field f[QSTP_CERT_FIELDS_MAX];
    size_t count;
    size_t total; /* serialized size: the sum of the field sizes */
} qstp_cert_layout;

/* Serialized size of `kind` for suite s. */
size_t qstp_cert_kind_size(const qstp_suite *s, qstp_cert_kind kind);

/* Fill L with the fields of obj (a qstp_root_certificate, qstp_server_certificate, qstp_root_key
 * or qstp_server_key according to kind) for suite s. The layout points into obj; serializers
 * only read through it. */
void qstp_cert_layout_get(qstp_cert_layout *L, qstp_cert_kind kind, void *obj, const qstp_suite *s);

/* The set of a serialized object (its algorithm byte, two from the end) with the exact-length
 * rule of cert.c, then its version byte (the last one): 0, malformed, unknown_configuration or
 * version_unsupported (anything but QSTP_CERTIFICATE_VERSION). */
int qstp_cert_parse_suite(const qstp_suite **out, uint8_t algorithm, uint8_t version,
                          size_t inlen, qstp_cert_kind kind);

/* Zero (and, for keys, wipe) an object of the given kind. */
void qstp_cert_clear(qstp_cert_kind kind, void *obj);

#endif
