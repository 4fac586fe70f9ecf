/* Revocation notice and list (docs/PROTOCOL.md "## Revocation"). Parsing goes through the
 * bounds-checked reader; the list is verified and searched in place. */
#include "qstp/revoke.h"

#include <string.h>

#include "core/buf.h"
#include "crypto/ct.h"
#include "crypto/sha3.h"
#include "qstp/flags.h"

/* Domain labels: keep these hashes apart from the certificate hashes the same key signs. */
static const char notice_label[] = "QSTP-REVOKE-NOTICE"; /* 18 bytes */
static const char list_label[] = "QSTP-REVOKE-LIST";     /* 16 bytes */

#define PACKET_TIME_THRESHOLD 60u /* WIRE §2.3 */
#define ERROR_SEQUENCE 0xFF00000000000000ull /* WIRE §2.4 */

static void labelled_hash(uint8_t out[QSTP_HASH_SIZE], const char *label, const uint8_t *tbs,
                          size_t tbslen)
{
    qstp_keccak_state st;
    qstp_sha3_256_init(&st);
    qstp_sha3_update(&st, (const uint8_t *)label, strlen(label));
    qstp_sha3_update(&st, tbs, tbslen);
    qstp_sha3_256_final(&st, out);
}

/* sig (SIG + 32 bytes) must verify under verkey and carry exactly hash. */
static int check_sig(const qstp_suite *s, const uint8_t *sig, const uint8_t *verkey,
                     const uint8_t hash[QSTP_HASH_SIZE])
{
    uint8_t msg[QSTP_HASH_SIZE];
    size_t mlen = 0;
    int r = s->sig_open_attached(msg, &mlen, sig, s->signed_hash_size, verkey);
    if (r == qstp_fail(qstp_error_not_implemented))
        return r;
    if (r != 0 || mlen != QSTP_HASH_SIZE || !qstp_ct_equal(msg, hash, QSTP_HASH_SIZE))
        return qstp_fail(qstp_error_revocation_invalid);
    return 0;
}

/* Sign H(label || tbs) into sig (SIG + 32 bytes). */
static int sign_tbs(uint8_t *sig, const qstp_suite *s, const char *label, const uint8_t *tbs,
                    size_t tbslen, const uint8_t *sigkey, qstp_rng_fn rng, void *rng_ctx)
{
    uint8_t hash[QSTP_HASH_SIZE];
    size_t smlen = 0;
    int r;
    labelled_hash(hash, label, tbs, tbslen);
    r = s->sig_sign_attached(sig, &smlen, hash, QSTP_HASH_SIZE, sigkey, rng, rng_ctx);
    if (r == 0 && smlen != s->signed_hash_size)
        r = qstp_fail(qstp_error_signature_failure);
    return r;
}

/* ============================== notice ============================== */

size_t qstp_revocation_notice_size(const qstp_suite *suite)
{
    return suite ? QSTP_REVOCATION_NOTICE_TBS_SIZE + suite->signed_hash_size : 0;
}

int qstp_revocation_notice_create(uint8_t *out, size_t outlen, size_t *written,
                                  const qstp_root_key *root, const uint8_t server_serial[16],
                                  uint64_t time, qstp_rng_fn rng, void *rng_ctx)
{
    const qstp_suite *s = qstp_suite_by_id(root->algorithm);
    qstp_writer w;
    uint8_t *sig;
    int r;
    if (written != NULL)
        *written = 0;
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (out == NULL || server_serial == NULL)
        return qstp_fail(qstp_error_invalid_input);
    if (outlen < qstp_revocation_notice_size(s))
        return qstp_fail(qstp_error_buffer_too_small);
    qstp_writer_init(&w, out, outlen);
    qstp_write_u8(&w, root->algorithm);
    qstp_write_u8(&w, QSTP_REVOCATION_VERSION);
    qstp_write_bytes(&w, root->serial, QSTP_SERIAL_SIZE);
    qstp_write_bytes(&w, server_serial, QSTP_SERIAL_SIZE);
    qstp_write_le64(&w, time);
    sig = qstp_write_reserve(&w, s->signed_hash_size);
    if (!qstp_writer_ok(&w) || sig == NULL)
        return qstp_fail(qstp_error_internal);
    r = sign_tbs(sig, s, notice_label, out, QSTP_REVOCATION_NOTICE_TBS_SIZE, root->sigkey, rng,
                 rng_ctx);
    if (r != 0) {
        memset(out, 0, w.off);
        return r;
    }
    if (written != NULL)
        *written = w.off;
    return 0;
}

int qstp_revocation_notice_verify(qstp_revocation_notice *notice, const uint8_t *in, size_t inlen,
                                  const qstp_root_certificate *root)
{
    qstp_revocation_notice n;
    const qstp_suite *s;
    const uint8_t *sig;
    uint8_t hash[QSTP_HASH_SIZE];
    qstp_reader rd;
    int r;
    memset(&n, 0, sizeof n);
    if (notice != NULL)
        memset(notice, 0, sizeof *notice);
    qstp_reader_init(&rd, in, inlen);
    n.algorithm = qstp_read_u8(&rd);
    n.version = qstp_read_u8(&rd);
    qstp_read_bytes(&rd, n.root_serial, QSTP_SERIAL_SIZE);
    qstp_read_bytes(&rd, n.server_serial, QSTP_SERIAL_SIZE);
    n.time = qstp_read_le64(&rd);
    if (!qstp_reader_ok(&rd))
        return qstp_fail(qstp_error_malformed);
    s = qstp_suite_by_id(n.algorithm);
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (n.algorithm != root->algorithm)
        return qstp_fail(qstp_error_algorithm_mismatch);
    if (n.version != QSTP_REVOCATION_VERSION)
        return qstp_fail(qstp_error_version_unsupported);
    sig = qstp_read_ptr(&rd, s->signed_hash_size);
    if (sig == NULL || !qstp_reader_done(&rd))
        return qstp_fail(qstp_error_malformed);
    if (memcmp(n.root_serial, root->serial, QSTP_SERIAL_SIZE) != 0)
        return qstp_fail(qstp_error_root_serial_mismatch);
    labelled_hash(hash, notice_label, in, QSTP_REVOCATION_NOTICE_TBS_SIZE);
    r = check_sig(s, sig, root->verkey, hash);
    if (r != 0)
        return r;
    if (notice != NULL)
        *notice = n;
    return 0;
}

int qstp_revocation_packet_create(uint8_t *out, size_t outlen, size_t *written,
                                  const uint8_t *notice, size_t noticelen, uint64_t now)
{
    qstp_writer w;
    if (written != NULL)
        *written = 0;
    if (out == NULL || notice == NULL || noticelen == 0 || noticelen > QSTP_REVOCATION_NOTICE_MAX)
        return qstp_fail(qstp_error_invalid_input);
    if (outlen < QSTP_REVOCATION_HEADER_SIZE + noticelen)
        return qstp_fail(qstp_error_buffer_too_small);
    qstp_writer_init(&w, out, outlen);
    qstp_write_u8(&w, qstp_flag_revocation_notice);
    qstp_write_le32(&w, (uint32_t)noticelen);
    qstp_write_le64(&w, QSTP_REVOCATION_SEQUENCE);
    qstp_write_le64(&w, now);
    qstp_write_bytes(&w, notice, noticelen);
    if (!qstp_writer_ok(&w))
        return qstp_fail(qstp_error_internal);
    if (written != NULL)
        *written = w.off;
    return 0;
}

/* A notice takes effect at its `time`, but the server acts on a notice as it arrives and keeps
 * nothing to act on it later, so "hold it until its time" is not possible here; applying it early
 * would let a notice signed for a future date withdraw a key now. So a notice dated later than
 * the packet-time skew (WIRE §2.3, the same 60 s the header gets) is refused. Any earlier time is
 * accepted however old: a revocation once in effect stays in effect, and a replayed notice only
 * repeats it (PROTOCOL.md "## Revocation"). */
int qstp_revocation_notice_check_time(const qstp_revocation_notice *notice, uint64_t now)
{
    if (notice == NULL || now == 0 || now > UINT64_MAX - PACKET_TIME_THRESHOLD)
        return qstp_fail(qstp_error_message_time_invalid);
    if (notice->time > now + PACKET_TIME_THRESHOLD)
        return qstp_fail(qstp_error_message_time_invalid);
    return 0;
}

/* WIRE §2.3: utctime - 60 <= now <= utctime + 60, with the same range limits. */
static int time_valid(uint64_t utctime, uint64_t now)
{
    if (now == 0 || now == UINT64_MAX)
        return 0;
    if (utctime < PACKET_TIME_THRESHOLD || utctime > UINT64_MAX - PACKET_TIME_THRESHOLD)
        return 0;
    return utctime - PACKET_TIME_THRESHOLD <= now && now <= utctime + PACKET_TIME_THRESHOLD;
}

int qstp_revocation_header_check(const uint8_t header[QSTP_REVOCATION_HEADER_SIZE], uint64_t now,
                                 size_t *msglen)
{
    qstp_reader rd;
    uint8_t flag;
    uint32_t len;
    uint64_t seq, t;
    *msglen = 0;
    qstp_reader_init(&rd, header, QSTP_REVOCATION_HEADER_SIZE);
    flag = qstp_read_u8(&rd);
    len = qstp_read_le32(&rd);
    seq = qstp_read_le64(&rd);
    t = qstp_read_le64(&rd);
    if (!qstp_reader_done(&rd))
        return qstp_fail(qstp_error_internal);
    if (flag != qstp_flag_revocation_notice || seq != QSTP_REVOCATION_SEQUENCE)
        return qstp_fail(qstp_error_invalid_request);
    if (len == 0 || len > QSTP_REVOCATION_NOTICE_MAX)
        return qstp_fail(qstp_error_malformed);
    if (!time_valid(t, now))
        return qstp_fail(qstp_error_message_time_invalid);
    *msglen = len;
    return 0;
}

void qstp_revocation_reply_create(uint8_t out[QSTP_REVOCATION_REPLY_SIZE], qstp_errors code,
                                  uint64_t now)
{
    qstp_writer w;
    qstp_writer_init(&w, out, QSTP_REVOCATION_REPLY_SIZE);
    qstp_write_u8(&w, qstp_flag_error_condition);
    qstp_write_le32(&w, 1);
    qstp_write_le64(&w, ERROR_SEQUENCE);
    qstp_write_le64(&w, now);
    qstp_write_u8(&w, (uint8_t)qstp_error_wire_code(code));
}

int qstp_revocation_reply_parse(const uint8_t in[QSTP_REVOCATION_REPLY_SIZE], qstp_errors *code)
{
    qstp_reader rd;
    uint8_t flag, c;
    uint32_t len;
    uint64_t seq;
    *code = qstp_error_connection_failure;
    qstp_reader_init(&rd, in, QSTP_REVOCATION_REPLY_SIZE);
    flag = qstp_read_u8(&rd);
    len = qstp_read_le32(&rd);
    seq = qstp_read_le64(&rd);
    qstp_read_skip(&rd, 8); /* time: informational */
    c = qstp_read_u8(&rd);
    if (!qstp_reader_done(&rd) || flag != qstp_flag_error_condition || len != 1 ||
        seq != ERROR_SEQUENCE)
        return qstp_fail(qstp_error_malformed);
    *code = (qstp_errors)c;
    return 0;
}

/* ============================== list ============================== */

size_t qstp_revocation_list_size(const qstp_suite *suite, size_t count)
{
    size_t fixed;
    if (suite == NULL)
        return 0;
    fixed = QSTP_REVOCATION_LIST_HEADER_SIZE + suite->signed_hash_size;
    if (count > (SIZE_MAX - fixed) / QSTP_REVOCATION_ENTRY_SIZE || count > UINT32_MAX)
        return 0;
    return fixed + count * QSTP_REVOCATION_ENTRY_SIZE;
}

/* A parsed list: pointers into the caller's bytes. */
typedef struct {
    qstp_revocation_list_info info;
    const qstp_suite *suite;
    const uint8_t *entries; /* count * 24 bytes */
    size_t tbslen;
    const uint8_t *sig; /* SIG + 32 bytes */
} parsed_list;

/* Structure only: lengths, known set, version, strict order. No signature check. */
static int parse_list(parsed_list *pl, const uint8_t *list, size_t listlen)
{
    qstp_reader rd;
    memset(pl, 0, sizeof *pl);
    qstp_reader_init(&rd, list, listlen);
    pl->info.algorithm = qstp_read_u8(&rd);
    pl->info.version = qstp_read_u8(&rd);
    qstp_read_bytes(&rd, pl->info.root_serial, QSTP_SERIAL_SIZE);
    pl->info.issue_time = qstp_read_le64(&rd);
    pl->info.count = qstp_read_le32(&rd);
    if (!qstp_reader_ok(&rd))
        return qstp_fail(qstp_error_malformed);
    pl->suite = qstp_suite_by_id(pl->info.algorithm);
    if (pl->suite == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (pl->info.version != QSTP_REVOCATION_VERSION)
        return qstp_fail(qstp_error_version_unsupported);
    /* The exact total length, computed without overflow, before any entry is read. */
    if (qstp_revocation_list_size(pl->suite, pl->info.count) != listlen)
        return qstp_fail(qstp_error_malformed);
    pl->entries = qstp_read_ptr(&rd, (size_t)pl->info.count * QSTP_REVOCATION_ENTRY_SIZE);
    pl->tbslen = rd.off;
    pl->sig = qstp_read_ptr(&rd, pl->suite->signed_hash_size);
    if (pl->entries == NULL || pl->sig == NULL || !qstp_reader_done(&rd))
        return qstp_fail(qstp_error_malformed);
    for (uint32_t i = 1; i < pl->info.count; i++) {
        const uint8_t *prev = pl->entries + (size_t)(i - 1) * QSTP_REVOCATION_ENTRY_SIZE;
        if (memcmp(prev, prev + QSTP_REVOCATION_ENTRY_SIZE, QSTP_SERIAL_SIZE) >= 0)
            return qstp_fail(qstp_error_malformed);
    }
    return 0;
}

/* Structure plus the root's algorithm, serial and signature. */
static int verify_list(parsed_list *pl, const uint8_t *list, size_t listlen, uint8_t algorithm,
                       const uint8_t root_serial[16], const uint8_t *verkey)
{
    uint8_t hash[QSTP_HASH_SIZE];
    int r = parse_list(pl, list, listlen);
    if (r != 0)
        return r;
    if (pl->info.algorithm != algorithm)
        return qstp_fail(qstp_error_algorithm_mismatch);
    if (memcmp(pl->info.root_serial, root_serial, QSTP_SERIAL_SIZE) != 0)
        return qstp_fail(qstp_error_root_serial_mismatch);
    labelled_hash(hash, list_label, list, pl->tbslen);
    return check_sig(pl->suite, pl->sig, verkey, hash);
}

/* Index of the first entry whose serial is >= serial (binary search). */
static uint32_t lower_bound(const parsed_list *pl, const uint8_t serial[16])
{
    uint32_t lo = 0, hi = pl->info.count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (memcmp(pl->entries + (size_t)mid * QSTP_REVOCATION_ENTRY_SIZE, serial,
                   QSTP_SERIAL_SIZE) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Write a list: header, entries [0, at), optional new entry, entries [at, count), signature. */
static int write_list(uint8_t *out, size_t outlen, size_t *written, const qstp_root_key *root,
                      uint64_t issue_time, const parsed_list *old, uint32_t at,
                      const uint8_t *new_serial, uint64_t new_time, qstp_rng_fn rng,
                      void *rng_ctx)
{
    const qstp_suite *s = qstp_suite_by_id(root->algorithm);
    uint32_t old_count = old ? old->info.count : 0;
    uint32_t count = old_count + (new_serial != NULL);
    qstp_writer w;
    uint8_t *sig;
    size_t need;
    int r;
    if (written != NULL)
        *written = 0;
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (out == NULL)
        return qstp_fail(qstp_error_invalid_input);
    if (count < old_count) /* UINT32_MAX entries already */
        return qstp_fail(qstp_error_invalid_input);
    need = qstp_revocation_list_size(s, count);
    if (need == 0)
        return qstp_fail(qstp_error_invalid_input);
    if (outlen < need)
        return qstp_fail(qstp_error_buffer_too_small);
    qstp_writer_init(&w, out, outlen);
    qstp_write_u8(&w, root->algorithm);
    qstp_write_u8(&w, QSTP_REVOCATION_VERSION);
    qstp_write_bytes(&w, root->serial, QSTP_SERIAL_SIZE);
    qstp_write_le64(&w, issue_time);
    qstp_write_le32(&w, count);
    if (old != NULL)
        qstp_write_bytes(&w, old->entries, (size_t)at * QSTP_REVOCATION_ENTRY_SIZE);
    if (new_serial != NULL) {
        qstp_write_bytes(&w, new_serial, QSTP_SERIAL_SIZE);
        qstp_write_le64(&w, new_time);
    }
    if (old != NULL)
        qstp_write_bytes(&w, old->entries + (size_t)at * QSTP_REVOCATION_ENTRY_SIZE,
                         (size_t)(old_count - at) * QSTP_REVOCATION_ENTRY_SIZE);
    {
        size_t tbslen = w.off;
        sig = qstp_write_reserve(&w, s->signed_hash_size);
        if (!qstp_writer_ok(&w) || sig == NULL || w.off != need)
            return qstp_fail(qstp_error_internal);
        r = sign_tbs(sig, s, list_label, out, tbslen, root->sigkey, rng, rng_ctx);
    }
    if (r != 0) {
        memset(out, 0, need);
        return r;
    }
    if (written != NULL)
        *written = need;
    return 0;
}

int qstp_revocation_list_create(uint8_t *out, size_t outlen, size_t *written,
                                const qstp_root_key *root, uint64_t issue_time, qstp_rng_fn rng,
                                void *rng_ctx)
{
    return write_list(out, outlen, written, root, issue_time, NULL, 0, NULL, 0, rng, rng_ctx);
}

int qstp_revocation_list_append(uint8_t *out, size_t outlen, size_t *written, const uint8_t *list,
                                size_t listlen, const qstp_root_key *root,
                                const uint8_t serial[16], uint64_t revoke_time,
                                uint64_t issue_time, qstp_rng_fn rng, void *rng_ctx)
{
    parsed_list pl;
    uint32_t at;
    int r;
    if (written != NULL)
        *written = 0;
    if (serial == NULL || list == NULL || out == NULL)
        return qstp_fail(qstp_error_invalid_input);
    /* out and list must not overlap: the entries are copied from list while out is written. */
    {
        uintptr_t o = (uintptr_t)out, l = (uintptr_t)list;
        if (o < l + listlen && l < o + outlen)
            return qstp_fail(qstp_error_invalid_input);
    }
    r = verify_list(&pl, list, listlen, root->algorithm, root->serial, root->verkey);
    if (r != 0)
        return r;
    if (issue_time < pl.info.issue_time)
        return qstp_fail(qstp_error_revocation_stale);
    at = lower_bound(&pl, serial);
    if (at < pl.info.count &&
        memcmp(pl.entries + (size_t)at * QSTP_REVOCATION_ENTRY_SIZE, serial, QSTP_SERIAL_SIZE) == 0)
        return qstp_fail(qstp_error_invalid_input); /* already revoked */
    return write_list(out, outlen, written, root, issue_time, &pl, at, serial, revoke_time, rng,
                      rng_ctx);
}

int qstp_revocation_list_verify(qstp_revocation_list_info *info, const uint8_t *list,
                                size_t listlen, const qstp_root_certificate *root)
{
    parsed_list pl;
    int r;
    if (info != NULL)
        memset(info, 0, sizeof *info);
    if (qstp_suite_by_id(root->algorithm) == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    r = verify_list(&pl, list, listlen, root->algorithm, root->serial, root->verkey);
    if (r == 0 && info != NULL)
        *info = pl.info;
    return r;
}

int qstp_revocation_list_lookup(const uint8_t *list, size_t listlen, const uint8_t serial[16],
                                uint64_t *time)
{
    parsed_list pl;
    uint32_t at;
    int r = parse_list(&pl, list, listlen);
    if (r != 0)
        return r;
    at = lower_bound(&pl, serial);
    if (at < pl.info.count) {
        const uint8_t *e = pl.entries + (size_t)at * QSTP_REVOCATION_ENTRY_SIZE;
        if (memcmp(e, serial, QSTP_SERIAL_SIZE) == 0) {
            if (time != NULL)
                *time = qstp_load_le64(e + QSTP_SERIAL_SIZE);
            return 1;
        }
    }
    return 0;
}

int qstp_revocation_list_check_newer(const qstp_revocation_list_info *held,
                                     const qstp_revocation_list_info *new_info)
{
    if (held->algorithm != new_info->algorithm ||
        memcmp(held->root_serial, new_info->root_serial, QSTP_SERIAL_SIZE) != 0)
        return qstp_fail(qstp_error_root_serial_mismatch);
    if (new_info->issue_time < held->issue_time)
        return qstp_fail(qstp_error_revocation_stale);
    return 0;
}

int qstp_server_certificate_check_revocation(const qstp_server_certificate *cert,
                                             const qstp_root_certificate *root,
                                             const uint8_t *list, size_t listlen)
{
    int r = qstp_revocation_list_verify(NULL, list, listlen, root);
    if (r != 0)
        return r;
    r = qstp_revocation_list_lookup(list, listlen, cert->serial, NULL);
    if (r < 0)
        return r;
    return r == 1 ? qstp_fail(qstp_error_certificate_revoked) : 0;
}
