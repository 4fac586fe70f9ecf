/* QSTP packet header and plaintext control packets (QSTP-WIRE §2, §3.3).
 *
 * A packet is header || body. The header is 21 bytes:
 *   flag(1) | msglen LE32 | sequence LE64 | utctime LE64        (§2.1)
 * msglen counts the body bytes that follow, including a record's 32-byte tag.
 *
 * These functions are pure (no clock, no I/O): the caller passes `now`, true Unix UTC seconds
 * (§2.2). Return values follow docs/CONVENTIONS.md: 0 on success, a negated qstp_errors code on
 * failure (see include/qstp/errors.h). */
#ifndef QSTP_PACKET_H
#define QSTP_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/errors.h"
#include "qstp/flags.h"

#define QSTP_PACKET_HEADER_SIZE 21u
#define QSTP_PACKET_MESSAGE_MAX 65536u   /* §2.6: largest msglen after the handshake */
#define QSTP_PACKET_TIME_THRESHOLD 60u   /* §2.3: ±60 s, both ends inclusive */
#define QSTP_PACKET_ERROR_SEQUENCE 0xFF00000000000000ULL /* §2.4: pre-establishment errors */
#define QSTP_PACKET_ERROR_SIZE 22u       /* §3.3: header + 1 code byte */
#define QSTP_MACTAG_SIZE 32u
#define QSTP_RECORD_PLAINTEXT_MAX (QSTP_PACKET_MESSAGE_MAX - QSTP_MACTAG_SIZE) /* 65504 */
/* Largest packet after the handshake (header + 65536). */
#define QSTP_RECORD_PACKET_MAX (QSTP_PACKET_HEADER_SIZE + QSTP_PACKET_MESSAGE_MAX)

/* Project extension flags (docs/PROTOCOL.md §3). Declared here, not in flags.h (owned by
 * core-certs), so they stay next to the code that sends them; values chosen to collide with
 * nothing in QSTP-WIRE §3.1 nor with qstp_flag_revocation_notice (0x20). */
#define QSTP_FLAG_KEEPALIVE_REQUEST 0x21u
#define QSTP_FLAG_KEEPALIVE_RESPONSE 0x22u

typedef struct qstp_packet_header {
    uint8_t flag;      /* a qstp_flags value (or an extension flag) */
    uint32_t msglen;   /* body length in bytes */
    uint64_t sequence;
    uint64_t utctime;  /* Unix seconds */
} qstp_packet_header;

/* Fill h (qstp_header_create in the reference). */
void qstp_packet_header_create(qstp_packet_header *h, uint8_t flag, uint64_t sequence,
                               uint32_t msglen, uint64_t utctime);

/* Write the 21 wire bytes of h. */
void qstp_packet_header_serialize(const qstp_packet_header *h, uint8_t out[QSTP_PACKET_HEADER_SIZE]);

/* Parse 21 bytes from in (inlen >= 21). Returns 0, or -qstp_error_malformed if inlen < 21
 * (h is then zeroed). Any byte values are accepted: validation is separate. */
int qstp_packet_header_deserialize(qstp_packet_header *h, const uint8_t *in, size_t inlen);

/* §2.3: 1 if utctime is acceptable at time now, else 0. */
int qstp_packet_time_valid(uint64_t utctime, uint64_t now);

/* §2.5 handshake header validation, in the reference's order, stopping at the first failure:
 * flag 0x13 -> connection_failure; time -> message_time_invalid; msglen -> receive_failure;
 * sequence -> packet_unsequenced; flag -> invalid_request. Returns 0 or the negated code. */
int qstp_packet_header_validate(const qstp_packet_header *h, uint8_t expected_flag,
                                uint64_t expected_seq, uint32_t expected_msglen, uint64_t now);

/* §2.6 framing filter after the handshake: 1 iff 32 < msglen <= 65536. */
int qstp_packet_record_size_valid(uint32_t msglen);

/* §3.3 plaintext error packet: 13 | LE32(1) | LE64(0xFF00000000000000) | LE64(now) | code.
 * Writes exactly QSTP_PACKET_ERROR_SIZE bytes. code is mapped to a reference wire code first
 * (qstp_error_wire_code). */
void qstp_packet_error_create(uint8_t out[QSTP_PACKET_ERROR_SIZE], qstp_errors code, uint64_t now);

#endif
