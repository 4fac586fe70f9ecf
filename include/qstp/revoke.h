/* Revocation (a project extension; docs/PROTOCOL.md "## Revocation"). Two root-signed objects:
 * a notice that tells one server a serial is withdrawn, and a sorted list that clients consult
 * before connecting. Both are plain byte strings the caller owns; nothing allocates, and a list
 * is verified and searched in place. Time is a parameter (sans-I/O).
 * Return values: 0 or a negated qstp_errors code (qstp_fail()). */
#ifndef QSTP_REVOKE_H
#define QSTP_REVOKE_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/cert.h"

#define QSTP_REVOCATION_VERSION 1
#define QSTP_REVOCATION_NOTICE_TBS_SIZE 42 /* alg 1, ver 1, root serial 16, serial 16, time 8 */
#define QSTP_REVOCATION_LIST_HEADER_SIZE 30 /* alg 1, ver 1, root serial 16, issue 8, count 4 */
#define QSTP_REVOCATION_ENTRY_SIZE 24       /* serial 16, time 8 */
/* The reference's reserved QSTP_PACKET_REVOCATION_SEQUENCE (WIRE §2.4). */
#define QSTP_REVOCATION_SEQUENCE 0xFFull
#define QSTP_REVOCATION_HEADER_SIZE 21 /* the WIRE §2.1 packet header */
#define QSTP_REVOCATION_REPLY_SIZE 22  /* WIRE §3.3 shape */
#define QSTP_REVOCATION_NOTICE_MAX (QSTP_REVOCATION_NOTICE_TBS_SIZE + QSTP_SIGNED_HASH_MAX)

/* ---------------- notice ---------------- */

typedef struct qstp_revocation_notice {
    uint8_t algorithm;
    uint8_t version;
    uint8_t root_serial[QSTP_SERIAL_SIZE];
    uint8_t server_serial[QSTP_SERIAL_SIZE];
    uint64_t time; /* when the revocation takes effect */
} qstp_revocation_notice;

/* 42 + SIG + 32 for the suite; 0 for NULL. */
size_t qstp_revocation_notice_size(const qstp_suite *suite);

/* The root signs a notice revoking server_serial as of `time`. */
int qstp_revocation_notice_create(uint8_t *out, size_t outlen, size_t *written,
                                  const qstp_root_key *root, const uint8_t server_serial[16],
                                  uint64_t time, qstp_rng_fn rng, void *rng_ctx);
/* Checks a notice against the server's root certificate (all checks of docs/PROTOCOL.md):
 * unknown_configuration, algorithm_mismatch, version_unsupported, malformed (length),
 * root_serial_mismatch, revocation_invalid (signature or hash). On success fills *notice (may be
 * NULL); on failure *notice is zeroed. */
int qstp_revocation_notice_verify(qstp_revocation_notice *notice, const uint8_t *in, size_t inlen,
                                  const qstp_root_certificate *root);

/* When a verified notice may be acted on: 0 if notice->time <= now + 60 s (the packet-time skew,
 * WIRE §2.3), message_time_invalid if it is dated later (or now is 0). Past times, however old,
 * are accepted: revocation is permanent and a replay only repeats it. A server calls this after
 * qstp_revocation_notice_verify (the session does). */
int qstp_revocation_notice_check_time(const qstp_revocation_notice *notice, uint64_t now);

/* Packet carriage: header 20 | LE32(len) | LE64(0xFF) | LE64(now) followed by the notice. */
int qstp_revocation_packet_create(uint8_t *out, size_t outlen, size_t *written,
                                  const uint8_t *notice, size_t noticelen, uint64_t now);
/* Validates a received 21-byte header: flag 0x20, sequence 0xFF, 0 < msglen <=
 * QSTP_REVOCATION_NOTICE_MAX, |utctime - now| <= 60 (WIRE §2.3). Sets *msglen. Errors:
 * invalid_request (flag/sequence), malformed (length), message_time_invalid. */
int qstp_revocation_header_check(const uint8_t header[QSTP_REVOCATION_HEADER_SIZE], uint64_t now,
                                 size_t *msglen);
/* The server's 22-byte answer (code 0x00 = accepted) and its parser (returns the code as a
 * qstp_errors value via *code; malformed if the bytes are not a reply). */
void qstp_revocation_reply_create(uint8_t out[QSTP_REVOCATION_REPLY_SIZE], qstp_errors code,
                                  uint64_t now);
int qstp_revocation_reply_parse(const uint8_t in[QSTP_REVOCATION_REPLY_SIZE], qstp_errors *code);

/* ---------------- list ---------------- */

typedef struct qstp_revocation_list_info {
    uint8_t algorithm;
    uint8_t version;
    uint8_t root_serial[QSTP_SERIAL_SIZE];
    uint64_t issue_time;
    uint32_t count;
} qstp_revocation_list_info;

/* 30 + 24*count + SIG + 32; 0 for NULL or on overflow. */
size_t qstp_revocation_list_size(const qstp_suite *suite, size_t count);

/* A new, empty list signed by the root. */
int qstp_revocation_list_create(uint8_t *out, size_t outlen, size_t *written,
                                const qstp_root_key *root, uint64_t issue_time, qstp_rng_fn rng,
                                void *rng_ctx);
/* A new list = the old one (which must verify under this root key) plus serial, issued at
 * issue_time (>= the old issue_time, else revocation_stale). A serial already listed is refused
 * with invalid_input. out must not overlap list. */
int qstp_revocation_list_append(uint8_t *out, size_t outlen, size_t *written, const uint8_t *list,
                                size_t listlen, const qstp_root_key *root,
                                const uint8_t serial[16], uint64_t revoke_time,
                                uint64_t issue_time, qstp_rng_fn rng, void *rng_ctx);
/* All checks of docs/PROTOCOL.md against the client's root certificate. info may be NULL. */
int qstp_revocation_list_verify(qstp_revocation_list_info *info, const uint8_t *list,
                                size_t listlen, const qstp_root_certificate *root);
/* On a verified list: 1 if serial is listed (*time, may be NULL, gets its entry time), 0 if not,
 * negative (malformed) if the bytes are not a well-formed list. */
int qstp_revocation_list_lookup(const uint8_t *list, size_t listlen, const uint8_t serial[16],
                                uint64_t *time);
/* Replacing a held list by a new one: 0 if new_info->issue_time >= held->issue_time and both
 * belong to the same root, else revocation_stale (or root_serial_mismatch). */
int qstp_revocation_list_check_newer(const qstp_revocation_list_info *held,
                                     const qstp_revocation_list_info *new_info);
/* Client check before connecting: verifies the list against root, then 0 if the certificate's
 * serial is not on it, certificate_revoked if it is. */
int qstp_server_certificate_check_revocation(const qstp_server_certificate *cert,
                                             const qstp_root_certificate *root,
                                             const uint8_t *list, size_t listlen);

#endif
