/* Bounds-checked reader/writer; see buf.h for the sticky-error contract. */
#include "core/buf.h"

#include <string.h>

/* A NULL buffer becomes this empty one, so no pointer arithmetic is ever done on NULL. */
static uint8_t empty_buf[1];

void qstp_reader_init(qstp_reader *r, const uint8_t *p, size_t len)
{
    r->p = (p == NULL) ? empty_buf : p;
    r->len = (p == NULL) ? 0 : len;
    r->off = 0;
    r->err = 0;
}

/* The one place that decides whether n more bytes may be consumed. */
static const uint8_t *reader_take(qstp_reader *r, size_t n)
{
    if (r->err || n > r->len - r->off) {
        r->err = 1;
        return NULL;
    }
    const uint8_t *q = r->p + r->off;
    r->off += n;
    return q;
}

uint8_t qstp_read_u8(qstp_reader *r)
{
    const uint8_t *q = reader_take(r, 1);
    return q ? q[0] : 0;
}

uint16_t qstp_read_le16(qstp_reader *r)
{
    const uint8_t *q = reader_take(r, 2);
    return q ? (uint16_t)(q[0] | (q[1] << 8)) : 0;
}

uint32_t qstp_read_le32(qstp_reader *r)
{
    const uint8_t *q = reader_take(r, 4);
    return q ? qstp_load_le32(q) : 0;
}

uint64_t qstp_read_le64(qstp_reader *r)
{
    const uint8_t *q = reader_take(r, 8);
    return q ? qstp_load_le64(q) : 0;
}

void qstp_read_bytes(qstp_reader *r, uint8_t *out, size_t n)
{
    const uint8_t *q = reader_take(r, n);
    if (n == 0)
        return;
    if (q)
        memcpy(out, q, n);
    else
        memset(out, 0, n);
}

const uint8_t *qstp_read_ptr(qstp_reader *r, size_t n)
{
    return reader_take(r, n);
}

void qstp_read_skip(qstp_reader *r, size_t n)
{
    (void)reader_take(r, n);
}

size_t qstp_reader_remaining(const qstp_reader *r)
{
    return r->err ? 0 : r->len - r->off;
}

int qstp_reader_ok(const qstp_reader *r)
{
    return !r->err;
}

int qstp_reader_done(const qstp_reader *r)
{
    return !r->err && r->off == r->len;
}

void qstp_writer_init(qstp_writer *w, uint8_t *p, size_t cap)
{
    w->p = (p == NULL) ? empty_buf : p;
    w->cap = (p == NULL) ? 0 : cap;
    w->off = 0;
    w->err = 0;
}

/* The one place that decides whether n more bytes fit. */
static uint8_t *writer_take(qstp_writer *w, size_t n)
{
    if (w->err || n > w->cap - w->off) {
        w->err = 1;
        return NULL;
    }
    uint8_t *q = w->p + w->off;
    w->off += n;
    return q;
}

void qstp_write_u8(qstp_writer *w, uint8_t v)
{
    uint8_t *q = writer_take(w, 1);
    if (q)
        q[0] = v;
}

void qstp_write_le16(qstp_writer *w, uint16_t v)
{
    uint8_t *q = writer_take(w, 2);
    if (q) {
        q[0] = (uint8_t)v;
        q[1] = (uint8_t)(v >> 8);
    }
}

void qstp_write_le32(qstp_writer *w, uint32_t v)
{
    uint8_t *q = writer_take(w, 4);
    if (q)
        qstp_store_le32(q, v);
}

void qstp_write_le64(qstp_writer *w, uint64_t v)
{
    uint8_t *q = writer_take(w, 8);
    if (q)
        qstp_store_le64(q, v);
}

void qstp_write_bytes(qstp_writer *w, const uint8_t *in, size_t n)
{
    uint8_t *q = writer_take(w, n);
    if (q && n > 0)
        memcpy(q, in, n);
}

void qstp_write_zeros(qstp_writer *w, size_t n)
{
    uint8_t *q = writer_take(w, n);
    if (q && n > 0)
        memset(q, 0, n);
}

uint8_t *qstp_write_reserve(qstp_writer *w, size_t n)
{
    uint8_t *q = writer_take(w, n);
    if (q && n > 0)
        memset(q, 0, n);
    return q;
}

size_t qstp_writer_remaining(const qstp_writer *w)
{
    return w->err ? 0 : w->cap - w->off;
}

int qstp_writer_ok(const qstp_writer *w)
{
    return !w->err;
}
