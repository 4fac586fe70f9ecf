/* Bounds-checked reader and writer over caller memory (the s2n_stuffer idea). Every parser in
 * core reads through a qstp_reader and every serializer writes through a qstp_writer, so no code
 * computes an offset by hand (docs/CONVENTIONS.md, "Parsing").
 *
 * Errors are sticky: an operation that would run past the end sets err = 1, reads nothing
 * (values read as 0, byte outputs are zeroed), writes nothing, and every later operation on the
 * same reader/writer is a no-op. Check qstp_reader_ok()/qstp_reader_done()/qstp_writer_ok() once
 * at the end instead of after every field. */
#ifndef QSTP_CORE_BUF_H
#define QSTP_CORE_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct qstp_reader {
    const uint8_t *p;
    size_t len; /* bytes available at p */
    size_t off; /* bytes consumed */
    int err;    /* sticky: 1 after any out-of-bounds attempt */
} qstp_reader;

typedef struct qstp_writer {
    uint8_t *p;
    size_t cap; /* bytes available at p */
    size_t off; /* bytes written */
    int err;    /* sticky: 1 after any overflow attempt */
} qstp_writer;

void qstp_reader_init(qstp_reader *r, const uint8_t *p, size_t len);
uint8_t qstp_read_u8(qstp_reader *r);
uint16_t qstp_read_le16(qstp_reader *r);
uint32_t qstp_read_le32(qstp_reader *r);
uint64_t qstp_read_le64(qstp_reader *r);
/* Copies n bytes to out; on error out is zeroed. */
void qstp_read_bytes(qstp_reader *r, uint8_t *out, size_t n);
/* Zero-copy: a pointer to the next n bytes (consumed), or NULL on error. */
const uint8_t *qstp_read_ptr(qstp_reader *r, size_t n);
void qstp_read_skip(qstp_reader *r, size_t n);
size_t qstp_reader_remaining(const qstp_reader *r);
/* 1 if no error so far. */
int qstp_reader_ok(const qstp_reader *r);
/* 1 if no error and every byte was consumed (exact-length parse). */
int qstp_reader_done(const qstp_reader *r);

void qstp_writer_init(qstp_writer *w, uint8_t *p, size_t cap);
void qstp_write_u8(qstp_writer *w, uint8_t v);
void qstp_write_le16(qstp_writer *w, uint16_t v);
void qstp_write_le32(qstp_writer *w, uint32_t v);
void qstp_write_le64(qstp_writer *w, uint64_t v);
void qstp_write_bytes(qstp_writer *w, const uint8_t *in, size_t n);
void qstp_write_zeros(qstp_writer *w, size_t n);
/* Reserves the next n bytes (zeroed) for the caller to fill; NULL on error. */
uint8_t *qstp_write_reserve(qstp_writer *w, size_t n);
size_t qstp_writer_remaining(const qstp_writer *w);
int qstp_writer_ok(const qstp_writer *w);

/* Plain little-endian helpers for fixed positions (e.g. patching a length). */
static inline void qstp_store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void qstp_store_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t qstp_load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t qstp_load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

#endif
