/* Packet flags (QSTP-WIRE §3.1, `qstp_flags`). Values 0x00..0x13 are the reference's and must not
 * be renumbered (the 2026-02-22 renumbering makes earlier builds incompatible, §3.1).
 *
 * Project extension flags start at 0x20 so they collide with nothing the reference ever used:
 * not its current 0x00..0x13, nor the pre-2026 values (keep-alive 0x0B/0x0C, ratchet 0x15,
 * error 0xFF). An extension flag is sent only to a peer that has shown it understands it
 * (docs/PROTOCOL.md). 0x20 is the revocation notice (docs/PROTOCOL.md "## Revocation");
 * 0x21/0x22 are the keep-alive request/response (docs/PROTOCOL.md §3). */
#ifndef QSTP_FLAGS_H
#define QSTP_FLAGS_H

typedef enum qstp_flags {
    qstp_flag_none = 0x00,
    qstp_flag_connect_request = 0x01,
    qstp_flag_connect_response = 0x02,
    qstp_flag_connection_terminate = 0x03,
    qstp_flag_encrypted_message = 0x04,
    qstp_flag_exstart_request = 0x05,
    qstp_flag_exstart_response = 0x06,
    qstp_flag_exchange_request = 0x07,
    qstp_flag_exchange_response = 0x08,
    qstp_flag_establish_request = 0x09,
    qstp_flag_establish_response = 0x0A,
    qstp_flag_remote_connected = 0x0B,
    qstp_flag_remote_terminated = 0x0C,
    qstp_flag_session_established = 0x0D,
    qstp_flag_session_establish_verify = 0x0E,
    qstp_flag_unrecognized_protocol = 0x0F,
    qstp_flag_certificate_revoke = 0x10, /* reserved by the reference, never used (§8.11) */
    qstp_flag_transfer_request = 0x11,
    qstp_flag_symmetric_ratchet_request = 0x12,
    qstp_flag_error_condition = 0x13,

    /* ---- project extensions (never sent to a reference peer) ---- */
    qstp_flag_revocation_notice = 0x20, /* docs/PROTOCOL.md "## Revocation" */
    qstp_flag_keepalive_request = 0x21, /* docs/PROTOCOL.md §3 */
    qstp_flag_keepalive_response = 0x22 /* docs/PROTOCOL.md §3 */
} qstp_flags;

#endif
