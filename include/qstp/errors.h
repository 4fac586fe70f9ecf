/* Error codes of the QSTP protocol core (QSTP-WIRE §3.2) plus this project's stricter checks.
 *
 * Values 0x00..0x1B are the reference's qstp_errors, name for name and value for value; they are
 * the codes that may travel as the 1-byte body of an error packet (§3.3, §3.4). Values from 0x1C
 * on are project codes for checks the reference does not make (certificate validity window, root
 * self-signature, revocation, encodings, ...). They are local: before putting a code on the wire,
 * map it with qstp_error_wire_code() so a reference peer only ever sees its own values.
 *
 * Return convention in core and above (docs/CONVENTIONS.md): 0 on success, and on failure the
 * NEGATED code, e.g. `return qstp_fail(qstp_error_verify_failure);`. qstp_error_of() turns such a
 * return value back into the enum. */
#ifndef QSTP_ERRORS_H
#define QSTP_ERRORS_H

typedef enum qstp_errors {
    /* ---- reference values (QSTP-WIRE §3.2); never renumber ---- */
    qstp_error_none = 0x00,                   /* also "normal close" in a close record */
    qstp_error_accept_fail = 0x01,
    qstp_error_authentication_failure = 0x02,
    qstp_error_channel_down = 0x03,
    qstp_error_connection_failure = 0x04,
    qstp_error_connect_failure = 0x05,
    qstp_error_decapsulation_failure = 0x06,
    qstp_error_decryption_failure = 0x07,
    qstp_error_establish_failure = 0x08,
    qstp_error_exchange_failure = 0x09,
    qstp_error_hash_invalid = 0x0A,
    qstp_error_hosts_exceeded = 0x0B,
    qstp_error_invalid_input = 0x0C,
    qstp_error_invalid_request = 0x0D,
    qstp_error_key_expired = 0x0E,
    qstp_error_key_unrecognized = 0x0F,
    qstp_error_keychain_fail = 0x10,
    qstp_error_listener_fail = 0x11,
    qstp_error_memory_allocation = 0x12,
    qstp_error_message_time_invalid = 0x13,
    qstp_error_packet_unsequenced = 0x14,
    qstp_error_random_failure = 0x15,
    qstp_error_receive_failure = 0x16,
    qstp_error_signature_failure = 0x17,
    qstp_error_transmit_failure = 0x18,
    qstp_error_unknown_protocol = 0x19,
    qstp_error_verify_failure = 0x1A,
    /* The reference enum's last member: a logging-only value (§3.2 table, 0x1B). */
    qstp_messages_system_message = 0x1B,

    /* ---- project codes (local only; see qstp_error_wire_code) ---- */
    qstp_error_certificate_expired = 0x1C,      /* now > cert.to */
    qstp_error_certificate_not_yet_valid = 0x1D,/* now < cert.from (beyond the TZ tolerance) */
    qstp_error_root_signature_invalid = 0x1E,   /* root self-signature does not verify */
    qstp_error_root_serial_mismatch = 0x1F,     /* server cert rootser != root serial */
    qstp_error_algorithm_mismatch = 0x20,       /* certificate/key set differs from the root's */
    qstp_error_unknown_configuration = 0x21,    /* algorithm byte names no known set */
    qstp_error_certificate_revoked = 0x22,      /* serial is on the root's revocation list */
    qstp_error_root_expired = 0x23,             /* now > root.to */
    qstp_error_root_not_yet_valid = 0x24,       /* now < root.from */
    qstp_error_version_unsupported = 0x25,      /* version byte is not 1 */
    qstp_error_malformed = 0x26,                /* bad length, truncated or garbage encoding */
    qstp_error_buffer_too_small = 0x27,         /* caller's output buffer is too small */
    qstp_error_not_implemented = 0x28,          /* the suite's primitive is not built */
    qstp_error_revocation_invalid = 0x29,       /* revocation message/list signature invalid */
    qstp_error_revocation_stale = 0x2A,         /* revocation list older than the one held */
    qstp_error_io = 0x2B,                       /* file read/write failed (net layer) */
    qstp_error_file_too_large = 0x2C,           /* file exceeds the size cap (net layer) */
    qstp_error_invalid_state = 0x2D,            /* call not allowed in the object's state */
    qstp_error_timeout = 0x2E,                  /* handshake or idle timer expired */
    qstp_error_internal = 0x2F,                 /* a "cannot happen" path was reached */

    qstp_error_last_ = 0x30 /* one past the highest value; not an error */
} qstp_errors;

/* A short one-sentence description of e; "unknown error" for values not listed above. */
const char *qstp_error_to_string(qstp_errors e);

/* The reference code (0x00..0x1A) to put on the wire for e: reference codes map to themselves,
 * project codes to the closest reference meaning (e.g. certificate_expired -> key_expired). */
qstp_errors qstp_error_wire_code(qstp_errors e);

/* 1 if e is one of the reference's wire values 0x00..0x1A. */
int qstp_error_is_reference(qstp_errors e);

/* Return-value helpers: failure is the negated code. */
static inline int qstp_fail(qstp_errors e)
{
    return -(int)e;
}

static inline qstp_errors qstp_error_of(int ret)
{
    return ret >= 0 ? qstp_error_none : (qstp_errors)(-ret);
}

#endif
