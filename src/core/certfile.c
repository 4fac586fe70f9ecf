/* Certificate and key encodings in memory (QSTP-WIRE §8.9): the reference's printable
 * certificate text, a PEM-style armor and the binary form, with detection when decoding.
 * No file I/O here (that is src/net/keyfile.c). See include/qstp/cert.h for the rules. */
#include <string.h>

#include "core/buf.h"
#include "core/cert_layout.h"
#include "crypto/ct.h"
#include "qstp/cert.h"

#define B64_COLUMNS 64

static const char text_root_begin[] = "------BEGIN QSTP ROOT PUBLIC CERTIFICATE BLOCK------";
static const char text_root_end[] = "------END QSTP ROOT PUBLIC CERTIFICATE BLOCK------";
static const char text_child_begin[] = "------BEGIN QSTP CHILD PUBLIC CERTIFICATE BLOCK------";
static const char text_child_end[] = "------END QSTP CHILD PUBLIC CERTIFICATE BLOCK------";
static const char text_prefix[] = "------BEGIN QSTP";
static const char pem_prefix[] = "-----BEGIN QSTP";

static const char *const pem_labels[4] = {
    [QSTP_KIND_ROOT_CERT] = "ROOT CERTIFICATE",
    [QSTP_KIND_SERVER_CERT] = "SERVER CERTIFICATE",
    [QSTP_KIND_ROOT_KEY] = "ROOT SECRET KEY",
    [QSTP_KIND_SERVER_KEY] = "SERVER SECRET KEY",
};

/* ======================= small text helpers ======================= */

static void put_str(qstp_writer *w, const char *s)
{
    qstp_write_bytes(w, (const uint8_t *)s, strlen(s));
}

static void put_hex(qstp_writer *w, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        qstp_write_u8(w, (uint8_t)digits[p[i] >> 4]);
        qstp_write_u8(w, (uint8_t)digits[p[i] & 15]);
    }
}

static void put_uint(qstp_writer *w, unsigned v, unsigned width)
{
    char d[10];
    for (unsigned i = width; i > 0; i--) {
        d[i - 1] = (char)('0' + v % 10);
        v /= 10;
    }
    qstp_write_bytes(w, (const uint8_t *)d, width);
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Exactly 2n hex digits into out[n]. */
static int parse_hex(uint8_t *out, size_t n, const uint8_t *s, size_t len)
{
    if (len != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* ======================= UTC calendar (proleptic Gregorian) ======================= */

/* Days since 1970-01-01 of a civil date (y >= 1970); the "days from civil" algorithm. */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
    unsigned yy = (m <= 2) ? y - 1 : y;
    unsigned era = yy / 400;
    unsigned yoe = yy - era * 400;
    unsigned mp = (m + 9) % 12; /* March = 0 */
    unsigned doy = (153 * mp + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)era * 146097 + doe - 719468;
}

static void civil_from_days(uint64_t z, unsigned *y, unsigned *m, unsigned *d)
{
    z += 719468;
    uint64_t era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (unsigned)(era * 400 + yoe + (*m <= 2));
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return dim[m - 1] + (m == 2 && leap);
}

#define YEAR_MAX 9999u
/* 9999-12-31 23:59:59 */
#define TIME_MAX 253402300799ull

/* "YYYY-MM-DD HH-MM-SS" (§8.9: dashes between the time fields too), UTC. */
static int put_time(qstp_writer *w, uint64_t t)
{
    unsigned y, mo, d;
    if (t > TIME_MAX)
        return -1;
    civil_from_days(t / 86400, &y, &mo, &d);
    unsigned sod = (unsigned)(t % 86400);
    put_uint(w, y, 4);
    qstp_write_u8(w, '-');
    put_uint(w, mo, 2);
    qstp_write_u8(w, '-');
    put_uint(w, d, 2);
    qstp_write_u8(w, ' ');
    put_uint(w, sod / 3600, 2);
    qstp_write_u8(w, '-');
    put_uint(w, sod / 60 % 60, 2);
    qstp_write_u8(w, '-');
    put_uint(w, sod % 60, 2);
    return 0;
}

int qstp_cert_time_format(char out[QSTP_TIME_STRING_SIZE], uint64_t t)
{
    qstp_writer w;
    qstp_writer_init(&w, (uint8_t *)out, QSTP_TIME_STRING_SIZE);
    if (put_time(&w, t) != 0) {
        memcpy(out, "invalid time", sizeof "invalid time");
        return qstp_fail(qstp_error_invalid_input);
    }
    put_str(&w, " UTC");
    qstp_write_u8(&w, 0);
    if (!qstp_writer_ok(&w))
        return qstp_fail(qstp_error_internal);
    /* put_time separates the time fields with '-' as the reference's text form does (§8.9);
     * people read ':'. */
    out[13] = ':';
    out[16] = ':';
    return 0;
}

static int parse_digits(const uint8_t *s, size_t n, unsigned *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (unsigned)(s[i] - '0');
    }
    return 0;
}

static int parse_time(uint64_t *t, const uint8_t *s, size_t len)
{
    unsigned y, mo, d, h, mi, se;
    /* 0123456789012345678 */
    /* YYYY-MM-DD HH-MM-SS */
    if (len != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != '-' || s[16] != '-')
        return -1;
    if (parse_digits(s, 4, &y) || parse_digits(s + 5, 2, &mo) || parse_digits(s + 8, 2, &d) ||
        parse_digits(s + 11, 2, &h) || parse_digits(s + 14, 2, &mi) || parse_digits(s + 17, 2, &se))
        return -1;
    if (y < 1970 || y > YEAR_MAX || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || se > 59)
        return -1;
    *t = days_from_civil(y, mo, d) * 86400 + h * 3600u + mi * 60u + se;
    return 0;
}

/* ======================= base64 (RFC 4648 alphabet, '=' padding) ======================= */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Encoder state: base64 characters are produced in lines of 64. */
typedef struct {
    qstp_writer *w;
    uint8_t in[3];
    unsigned nin;
    size_t col;
    size_t chars;
} b64enc;

static void b64enc_char(b64enc *e, char c)
{
    qstp_write_u8(e->w, (uint8_t)c);
    e->chars++;
    if (++e->col == B64_COLUMNS) {
        qstp_write_u8(e->w, '\n');
        e->col = 0;
    }
}

static void b64enc_quad(b64enc *e, unsigned n)
{
    uint32_t v = (uint32_t)e->in[0] << 16 | (uint32_t)e->in[1] << 8 | e->in[2];
    b64enc_char(e, b64_alphabet[v >> 18 & 63]);
    b64enc_char(e, b64_alphabet[v >> 12 & 63]);
    b64enc_char(e, n > 1 ? b64_alphabet[v >> 6 & 63] : '=');
    b64enc_char(e, n > 2 ? b64_alphabet[v & 63] : '=');
}

static void b64enc_bytes(b64enc *e, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        e->in[e->nin++] = p[i];
        if (e->nin == 3) {
            b64enc_quad(e, 3);
            e->nin = 0;
        }
    }
}

/* Flush: pad the last group and end the last line. With ref_quirk, a block whose length is an
 * exact multiple of 64 is followed by an empty line, as qsc_stringutils_add_line_breaks does
 * (§8.9); the PEM form has no such line. */
static void b64enc_finish(b64enc *e, int ref_quirk)
{
    if (e->nin > 0) {
        unsigned n = e->nin;
        while (e->nin < 3)
            e->in[e->nin++] = 0;
        b64enc_quad(e, n);
        e->nin = 0;
    }
    if (e->col != 0)
        qstp_write_u8(e->w, '\n');
    else if (ref_quirk && e->chars > 0)
        qstp_write_u8(e->w, '\n');
    e->col = 0;
    qstp_wipe(e->in, sizeof e->in);
}

static void b64enc_init(b64enc *e, qstp_writer *w)
{
    memset(e, 0, sizeof *e);
    e->w = w;
}

/* Decoder: characters in, bytes out into the fields of a layout (or only counted when L is NULL).
 * Strict: only alphabet characters, '=' only as final padding, canonical (zero) pad bits, and
 * nothing after the padding. */
typedef struct {
    qstp_cert_layout *L; /* NULL: count only */
    size_t field, off;   /* position in L */
    uint8_t tmp[8];      /* an LE64 field being assembled */
    size_t total;        /* bytes produced */
    uint8_t last[2];     /* the last two bytes produced (the algorithm byte is last[0]) */
    uint8_t quad[4];
    unsigned nq, pad;
    int done, err;
} b64dec;

static void b64dec_emit(b64dec *d, uint8_t b)
{
    d->last[0] = d->last[1];
    d->last[1] = b;
    d->total++;
    if (d->L == NULL)
        return;
    if (d->field >= d->L->count) {
        d->err = 1; /* more bytes than the layout holds */
        return;
    }
    qstp_cert_field *f = &d->L->f[d->field];
    if (f->u64 != NULL)
        d->tmp[d->off] = b;
    else
        f->p[d->off] = b;
    if (++d->off == f->n) {
        if (f->u64 != NULL)
            *f->u64 = qstp_load_le64(d->tmp);
        d->field++;
        d->off = 0;
    }
}

static void b64dec_char(b64dec *d, uint8_t c)
{
    if (d->err)
        return;
    if (d->done) {
        d->err = 1;
        return;
    }
    if (c == '=') {
        if (d->nq < 2) {
            d->err = 1;
            return;
        }
        d->pad++;
        d->quad[d->nq++] = 0;
    } else {
        int v = b64_value(c);
        if (v < 0 || d->pad > 0) {
            d->err = 1;
            return;
        }
        d->quad[d->nq++] = (uint8_t)v;
    }
    if (d->nq == 4) {
        uint32_t v = (uint32_t)d->quad[0] << 18 | (uint32_t)d->quad[1] << 12 |
                     (uint32_t)d->quad[2] << 6 | d->quad[3];
        /* canonical: the bits under the padding are zero */
        if ((d->pad == 2 && (v & 0xFFFF)) || (d->pad == 1 && (v & 0xFF))) {
            d->err = 1;
            return;
        }
        b64dec_emit(d, (uint8_t)(v >> 16));
        if (d->pad < 2)
            b64dec_emit(d, (uint8_t)(v >> 8));
        if (d->pad < 1)
            b64dec_emit(d, (uint8_t)v);
        d->nq = 0;
        if (d->pad > 0)
            d->done = 1;
    }
}

static void b64dec_line(b64dec *d, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b64dec_char(d, p[i]);
}

static int b64dec_ok(const b64dec *d)
{
    return !d->err && d->nq == 0;
}

/* ======================= line reader ======================= */

/* Next line without its "\n" and an optional "\r". 0 at the end of the input. */
static int next_line(qstp_reader *r, const uint8_t **line, size_t *len)
{
    size_t rem = qstp_reader_remaining(r);
    if (rem == 0)
        return 0;
    const uint8_t *start = r->p + r->off;
    const uint8_t *nl = memchr(start, '\n', rem);
    size_t n = nl ? (size_t)(nl - start) : rem;
    *line = qstp_read_ptr(r, n);
    if (nl != NULL)
        qstp_read_skip(r, 1);
    if (n > 0 && (*line)[n - 1] == '\r')
        n--;
    *len = n;
    return 1;
}

static int is_blank(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0;
}

/* Only whitespace and NUL bytes remain. */
static int rest_is_blank(const qstp_reader *r)
{
    size_t rem = qstp_reader_remaining(r);
    for (size_t i = 0; i < rem; i++) {
        if (!is_blank(r->p[r->off + i]))
            return 0;
    }
    return 1;
}

static void skip_leading_blank(qstp_reader *r)
{
    while (qstp_reader_remaining(r) > 0 && is_blank(r->p[r->off]))
        qstp_read_skip(r, 1);
}

static int line_is(const uint8_t *line, size_t len, const char *s)
{
    size_t n = strlen(s);
    return len == n && memcmp(line, s, n) == 0;
}

/* A label line "Name:" with an optional trailing space (the reference writes "Name: "). */
static int label_is(const uint8_t *line, size_t len, const char *name)
{
    while (len > 0 && line[len - 1] == ' ')
        len--;
    return line_is(line, len, name);
}

/* "Prefix: value" -> value. */
static int field_value(const uint8_t *line, size_t len, const char *prefix, const uint8_t **v,
                       size_t *vlen)
{
    size_t n = strlen(prefix);
    if (len < n || memcmp(line, prefix, n) != 0)
        return -1;
    *v = line + n;
    *vlen = len - n;
    return 0;
}

qstp_encoding qstp_encoding_detect(const uint8_t *in, size_t inlen)
{
    qstp_reader r;
    size_t n;
    if (in == NULL)
        return QSTP_ENCODING_BINARY;
    qstp_reader_init(&r, in, inlen);
    skip_leading_blank(&r);
    n = qstp_reader_remaining(&r);
    if (n >= sizeof text_prefix - 1 && memcmp(r.p + r.off, text_prefix, sizeof text_prefix - 1) == 0)
        return QSTP_ENCODING_TEXT;
    if (n >= sizeof pem_prefix - 1 && memcmp(r.p + r.off, pem_prefix, sizeof pem_prefix - 1) == 0)
        return QSTP_ENCODING_PEM;
    return QSTP_ENCODING_BINARY;
}

size_t qstp_encoded_size_max(size_t binary_len)
{
    size_t chars = (binary_len + 2) / 3 * 4;
    /* base64 + one newline per line + the quirk's empty line + fixed lines (headers, fields) */
    return chars + chars / B64_COLUMNS + 2 + 1024;
}

/* ======================= PEM ======================= */

static void pem_armor_line(qstp_writer *w, const char *what, qstp_cert_kind kind)
{
    put_str(w, "-----");
    put_str(w, what);
    put_str(w, " QSTP ");
    put_str(w, pem_labels[kind]);
    put_str(w, "-----\n");
}

static int pem_armor_is(const uint8_t *line, size_t len, const char *what, qstp_cert_kind kind)
{
    uint8_t buf[64];
    qstp_writer w;
    qstp_writer_init(&w, buf, sizeof buf);
    pem_armor_line(&w, what, kind);
    /* compare without the "\n" */
    return qstp_writer_ok(&w) && len == w.off - 1 && memcmp(line, buf, len) == 0;
}

/* Finish a text/PEM output: NUL after the text when it fits (not counted). */
static int finish_text(qstp_writer *w, uint8_t *out, size_t outlen, size_t *written)
{
    if (!qstp_writer_ok(w)) {
        qstp_wipe(out, outlen);
        return qstp_fail(qstp_error_buffer_too_small);
    }
    if (w->off < outlen)
        out[w->off] = 0;
    if (written != NULL)
        *written = w->off;
    return 0;
}

static int pem_encode(uint8_t *out, size_t outlen, size_t *written, qstp_cert_kind kind,
                      const void *obj, uint8_t algorithm, int zero_schash)
{
    const qstp_suite *s = qstp_suite_by_id(algorithm);
    qstp_cert_layout L;
    qstp_writer w;
    b64enc e;
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    qstp_cert_layout_get(&L, kind, (void *)(uintptr_t)obj, s);
    qstp_writer_init(&w, out, outlen);
    pem_armor_line(&w, "BEGIN", kind);
    b64enc_init(&e, &w);
    for (size_t i = 0; i < L.count; i++) {
        if (L.f[i].u64 != NULL) {
            uint8_t b[8];
            qstp_store_le64(b, *L.f[i].u64);
            b64enc_bytes(&e, b, 8);
        } else if (zero_schash && kind == QSTP_KIND_SERVER_KEY && i == 1) {
            /* §8.4: the server key's schash (field 1) is stored as zeros */
            static const uint8_t zeros[QSTP_HASH_SIZE];
            b64enc_bytes(&e, zeros, sizeof zeros);
        } else {
            b64enc_bytes(&e, L.f[i].p, L.f[i].n);
        }
    }
    b64enc_finish(&e, 0);
    pem_armor_line(&w, "END", kind);
    return finish_text(&w, out, outlen, written);
}

/* Two passes over the base64: the first counts the bytes and finds the algorithm byte (so the
 * layout is known), the second decodes straight into the object. No intermediate buffer. */
static int pem_decode(void *obj, qstp_cert_kind kind, const uint8_t *in, size_t inlen)
{
    const qstp_suite *s = NULL;
    qstp_cert_layout L;
    b64dec d; /* holds decoded (possibly secret) bits: wiped on every path */
    int r = qstp_fail(qstp_error_malformed);
    for (int pass = 0; pass < 2; pass++) {
        qstp_reader rd;
        const uint8_t *line;
        size_t len;
        int ended = 0;
        memset(&d, 0, sizeof d);
        if (pass == 1) {
            qstp_cert_layout_get(&L, kind, obj, s);
            d.L = &L;
        }
        qstp_reader_init(&rd, in, inlen);
        skip_leading_blank(&rd);
        if (!next_line(&rd, &line, &len) || !pem_armor_is(line, len, "BEGIN", kind))
            goto fail;
        while (next_line(&rd, &line, &len)) {
            if (pem_armor_is(line, len, "END", kind)) {
                ended = 1;
                break;
            }
            b64dec_line(&d, line, len);
        }
        if (!ended || !b64dec_ok(&d) || !rest_is_blank(&rd))
            goto fail;
        if (pass == 0) {
            if (d.total < 2)
                goto fail;
            r = qstp_cert_parse_suite(&s, d.last[0], d.last[1], d.total, kind);
            if (r != 0)
                goto fail;
            r = qstp_fail(qstp_error_malformed);
        } else if (d.total != L.total || d.field != L.count) {
            goto fail;
        }
    }
    qstp_wipe(&d, sizeof d);
    return 0;
fail:
    qstp_wipe(&d, sizeof d);
    qstp_cert_clear(kind, obj);
    return r;
}

/* ======================= reference text form (§8.9) ======================= */

/* The printable fields shared by both certificate kinds. */
typedef struct {
    uint8_t *csig, *verkey, *issuer, *serial, *rootser; /* rootser NULL for a root */
    uint64_t *from, *to;
    uint8_t *algorithm, *version;
} text_view;

static void view_root(text_view *v, qstp_root_certificate *c)
{
    v->csig = c->csig;
    v->verkey = c->verkey;
    v->issuer = c->issuer;
    v->serial = c->serial;
    v->rootser = NULL;
    v->from = &c->from;
    v->to = &c->to;
    v->algorithm = &c->algorithm;
    v->version = &c->version;
}

static void view_server(text_view *v, qstp_server_certificate *c)
{
    v->csig = c->csig;
    v->verkey = c->verkey;
    v->issuer = c->issuer;
    v->serial = c->serial;
    v->rootser = c->rootser;
    v->from = &c->from;
    v->to = &c->to;
    v->algorithm = &c->algorithm;
    v->version = &c->version;
}

/* Length of the printable issuer string, or -1 if the field cannot be printed losslessly
 * (a control or non-ASCII byte, or non-zero bytes after the first NUL). */
static int issuer_length(const uint8_t issuer[QSTP_ISSUER_SIZE], size_t *n)
{
    size_t i = 0;
    while (i < QSTP_ISSUER_SIZE && issuer[i] != 0) {
        if (issuer[i] < 0x20 || issuer[i] > 0x7E)
            return -1;
        i++;
    }
    *n = i;
    for (; i < QSTP_ISSUER_SIZE; i++) {
        if (issuer[i] != 0)
            return -1;
    }
    return 0;
}

static int text_encode(uint8_t *out, size_t outlen, size_t *written, const text_view *v)
{
    const qstp_suite *s = qstp_suite_by_id(*v->algorithm);
    const int child = v->rootser != NULL;
    qstp_writer w;
    b64enc e;
    size_t ilen;
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (issuer_length(v->issuer, &ilen) != 0 || *v->from > TIME_MAX || *v->to > TIME_MAX)
        return qstp_fail(qstp_error_invalid_input);
    qstp_writer_init(&w, out, outlen);
    put_str(&w, child ? text_child_begin : text_root_begin);
    put_str(&w, "\nIssuer: ");
    qstp_write_bytes(&w, v->issuer, ilen);
    put_str(&w, "\nSerial: ");
    put_hex(&w, v->serial, QSTP_SERIAL_SIZE);
    put_str(&w, "\nValid From: ");
    (void)put_time(&w, *v->from);
    put_str(&w, "\nValid To: ");
    (void)put_time(&w, *v->to);
    put_str(&w, "\nAlgorithm: ");
    put_str(&w, s->protocol_string);
    put_str(&w, "\nVersion: 0x");
    put_hex(&w, v->version, 1);
    if (child) {
        put_str(&w, "\nRoot Serial: ");
        put_hex(&w, v->rootser, QSTP_SERIAL_SIZE);
        put_str(&w, "\nRoot Signed Public Key Hash: \n");
    } else {
        put_str(&w, "\nSigned Certificate Key Hash: \n");
    }
    b64enc_init(&e, &w);
    b64enc_bytes(&e, v->csig, s->signed_hash_size);
    b64enc_finish(&e, 1);
    put_str(&w, child ? "Public Signature Key: \n" : "Public Key: \n");
    b64enc_init(&e, &w);
    b64enc_bytes(&e, v->verkey, s->sig_vk_size);
    b64enc_finish(&e, 1);
    put_str(&w, child ? text_child_end : text_root_end);
    put_str(&w, "\n");
    return finish_text(&w, out, outlen, written);
}

/* Decode one base64 block of exactly n bytes into p, reading lines until the line `stop`
 * (a label, or the end marker). Empty lines inside the block are allowed (the quirk line). */
static int text_block(qstp_reader *rd, uint8_t *p, size_t n, const char *stop, int stop_is_label)
{
    qstp_cert_layout L;
    b64dec d;
    const uint8_t *line;
    size_t len;
    int r = -1;
    L.count = 1;
    L.total = n;
    L.f[0].p = p;
    L.f[0].n = n;
    L.f[0].u64 = NULL;
    memset(&d, 0, sizeof d);
    d.L = &L;
    while (next_line(rd, &line, &len)) {
        if (stop_is_label ? label_is(line, len, stop) : line_is(line, len, stop)) {
            r = (b64dec_ok(&d) && d.total == n) ? 0 : -1;
            break;
        }
        b64dec_line(&d, line, len);
    }
    qstp_wipe(&d, sizeof d);
    return r;
}

static int text_decode(const text_view *v, const uint8_t *in, size_t inlen)
{
    const int child = v->rootser != NULL;
    const qstp_suite *s;
    qstp_reader rd;
    const uint8_t *line, *val;
    size_t len, vlen;

    qstp_reader_init(&rd, in, inlen);
    skip_leading_blank(&rd);
    if (!next_line(&rd, &line, &len) ||
        !line_is(line, len, child ? text_child_begin : text_root_begin))
        return -1;
    if (!next_line(&rd, &line, &len) || field_value(line, len, "Issuer:", &val, &vlen) != 0)
        return -1;
    if (vlen > 0 && val[0] == ' ') { /* "Issuer: x"; an empty issuer may have lost its space */
        val++;
        vlen--;
    }
    if (vlen > QSTP_ISSUER_SIZE)
        return -1;
    memcpy(v->issuer, val, vlen);
    if (!next_line(&rd, &line, &len) || field_value(line, len, "Serial: ", &val, &vlen) != 0 ||
        parse_hex(v->serial, QSTP_SERIAL_SIZE, val, vlen) != 0)
        return -1;
    if (!next_line(&rd, &line, &len) || field_value(line, len, "Valid From: ", &val, &vlen) != 0 ||
        parse_time(v->from, val, vlen) != 0)
        return -1;
    if (!next_line(&rd, &line, &len) || field_value(line, len, "Valid To: ", &val, &vlen) != 0 ||
        parse_time(v->to, val, vlen) != 0)
        return -1;
    if (!next_line(&rd, &line, &len) || field_value(line, len, "Algorithm: ", &val, &vlen) != 0)
        return -1;
    {
        char name[QSTP_PROTOCOL_SET_SIZE];
        if (vlen >= sizeof name)
            return -1;
        memcpy(name, val, vlen);
        name[vlen] = 0;
        s = qstp_suite_by_protocol_string(name);
        if (s == NULL)
            return -2; /* unknown configuration */
        *v->algorithm = s->id;
    }
    if (!next_line(&rd, &line, &len) || field_value(line, len, "Version: 0x", &val, &vlen) != 0 ||
        vlen != 2 || parse_hex(v->version, 1, val, vlen) != 0)
        return -1;
    /* The same rule as the binary parser (cert.c): the reference only ever writes version 1. */
    if (*v->version != QSTP_CERTIFICATE_VERSION)
        return -3;
    if (child) {
        if (!next_line(&rd, &line, &len) || field_value(line, len, "Root Serial: ", &val, &vlen) != 0 ||
            parse_hex(v->rootser, QSTP_SERIAL_SIZE, val, vlen) != 0)
            return -1;
    }
    if (!next_line(&rd, &line, &len) ||
        !label_is(line, len, child ? "Root Signed Public Key Hash:" : "Signed Certificate Key Hash:"))
        return -1;
    if (text_block(&rd, v->csig, s->signed_hash_size,
                   child ? "Public Signature Key:" : "Public Key:", 1) != 0)
        return -1;
    if (text_block(&rd, v->verkey, s->sig_vk_size, child ? text_child_end : text_root_end, 0) != 0)
        return -1;
    return rest_is_blank(&rd) ? 0 : -1;
}

/* ======================= public entry points ======================= */

static int cert_encode(uint8_t *out, size_t outlen, size_t *written, qstp_cert_kind kind,
                       const void *obj, uint8_t algorithm, qstp_encoding enc)
{
    if (written != NULL)
        *written = 0;
    if (out == NULL)
        return qstp_fail(qstp_error_invalid_input);
    switch (enc) {
    case QSTP_ENCODING_BINARY:
        return qstp_fail(qstp_error_internal); /* handled by the callers */
    case QSTP_ENCODING_PEM:
        return pem_encode(out, outlen, written, kind, obj, algorithm, 1);
    case QSTP_ENCODING_TEXT: {
        text_view v;
        if (kind == QSTP_KIND_ROOT_CERT)
            view_root(&v, (qstp_root_certificate *)(uintptr_t)obj);
        else if (kind == QSTP_KIND_SERVER_CERT)
            view_server(&v, (qstp_server_certificate *)(uintptr_t)obj);
        else
            return qstp_fail(qstp_error_invalid_input); /* keys have no text form */
        return text_encode(out, outlen, written, &v);
    }
    default:
        return qstp_fail(qstp_error_invalid_input);
    }
}

static int cert_decode_text_or_pem(void *obj, qstp_cert_kind kind, const uint8_t *in,
                                   size_t inlen, qstp_encoding enc)
{
    if (enc == QSTP_ENCODING_PEM)
        return pem_decode(obj, kind, in, inlen);
    /* TEXT */
    text_view v;
    int r;
    if (kind == QSTP_KIND_ROOT_CERT)
        view_root(&v, obj);
    else if (kind == QSTP_KIND_SERVER_CERT)
        view_server(&v, obj);
    else {
        /* Keys have no text form. cert.h promises a zeroed output on failure (found by
         * fuzz_cert: the key was returned untouched). */
        qstp_cert_clear(kind, obj);
        return qstp_fail(qstp_error_malformed);
    }
    qstp_cert_clear(kind, obj);
    r = text_decode(&v, in, inlen);
    if (r != 0) {
        qstp_cert_clear(kind, obj);
        return qstp_fail(r == -2   ? qstp_error_unknown_configuration
                         : r == -3 ? qstp_error_version_unsupported
                                   : qstp_error_malformed);
    }
    return 0;
}

int qstp_root_certificate_encode(uint8_t *out, size_t outlen, size_t *written,
                                 const qstp_root_certificate *cert, qstp_encoding enc)
{
    if (enc == QSTP_ENCODING_BINARY)
        return qstp_root_certificate_serialize(out, outlen, written, cert);
    return cert_encode(out, outlen, written, QSTP_KIND_ROOT_CERT, cert, cert->algorithm, enc);
}

int qstp_server_certificate_encode(uint8_t *out, size_t outlen, size_t *written,
                                   const qstp_server_certificate *cert, qstp_encoding enc)
{
    if (enc == QSTP_ENCODING_BINARY)
        return qstp_server_certificate_serialize(out, outlen, written, cert);
    return cert_encode(out, outlen, written, QSTP_KIND_SERVER_CERT, cert, cert->algorithm, enc);
}

int qstp_root_key_encode(uint8_t *out, size_t outlen, size_t *written, const qstp_root_key *key,
                         qstp_encoding enc)
{
    if (enc == QSTP_ENCODING_BINARY)
        return qstp_root_key_serialize(out, outlen, written, key);
    return cert_encode(out, outlen, written, QSTP_KIND_ROOT_KEY, key, key->algorithm, enc);
}

int qstp_server_key_encode(uint8_t *out, size_t outlen, size_t *written,
                           const qstp_server_key *key, qstp_encoding enc)
{
    if (enc == QSTP_ENCODING_BINARY)
        return qstp_server_key_serialize_file(out, outlen, written, key);
    return cert_encode(out, outlen, written, QSTP_KIND_SERVER_KEY, key, key->algorithm, enc);
}

int qstp_root_certificate_decode(qstp_root_certificate *cert, const uint8_t *in, size_t inlen,
                                 qstp_encoding *detected)
{
    qstp_encoding enc = qstp_encoding_detect(in, inlen);
    if (detected != NULL)
        *detected = enc;
    if (enc == QSTP_ENCODING_BINARY)
        return qstp_root_certificate_deserialize(cert, in, inlen);
    return cert_decode_text_or_pem(cert, QSTP_KIND_ROOT_CERT, in, inlen, enc);
}

int qstp_server_certificate_decode(qstp_server_certificate *cert, const uint8_t *in,
                                   size_t inlen, qstp_encoding *detected)
{
    qstp_encoding enc = qstp_encoding_detect(in, inlen);
    if (detected != NULL)
        *detected = enc;
    if (enc == QSTP_ENCODING_BINARY)
        return qstp_server_certificate_deserialize(cert, in, inlen);
    return cert_decode_text_or_pem(cert, QSTP_KIND_SERVER_CERT, in, inlen, enc);
}

int qstp_root_key_decode(qstp_root_key *key, const uint8_t *in, size_t inlen,
                         qstp_encoding *detected)
{
    qstp_encoding enc = qstp_encoding_detect(in, inlen);
    if (detected != NULL)
        *detected = enc;
    if (enc == QSTP_ENCODING_BINARY)
        return qstp_root_key_deserialize(key, in, inlen);
    return cert_decode_text_or_pem(key, QSTP_KIND_ROOT_KEY, in, inlen, enc);
}

int qstp_server_key_decode(qstp_server_key *key, const uint8_t *in, size_t inlen,
                           qstp_encoding *detected)
{
    qstp_encoding enc = qstp_encoding_detect(in, inlen);
    if (detected != NULL)
        *detected = enc;
    if (enc == QSTP_ENCODING_BINARY)
        return qstp_server_key_deserialize(key, in, inlen);
    return cert_decode_text_or_pem(key, QSTP_KIND_SERVER_KEY, in, inlen, enc);
}
