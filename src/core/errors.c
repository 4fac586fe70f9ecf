/* Descriptions of qstp_errors and the mapping of project codes to reference wire codes. */
#include "qstp/errors.h"

#include <stddef.h>

static const char *const descriptions[qstp_error_last_] = {
    [qstp_error_none] = "No error.",
    [qstp_error_accept_fail] = "The listener failed to accept a connection.",
    [qstp_error_authentication_failure] = "The peer failed authentication.",
    [qstp_error_channel_down] = "The communications channel is down.",
    [qstp_error_connection_failure] = "The connection failed or the peer reported an error.",
    [qstp_error_connect_failure] = "The connection could not be established.",
    [qstp_error_decapsulation_failure] = "The key encapsulation could not be decapsulated.",
    [qstp_error_decryption_failure] = "A message failed authentication or decryption.",
    [qstp_error_establish_failure] = "The session could not be established.",
    [qstp_error_exchange_failure] = "The key exchange failed.",
    [qstp_error_hash_invalid] = "A transcript or certificate hash did not match.",
    [qstp_error_hosts_exceeded] = "The server has no free connection slot.",
    [qstp_error_invalid_input] = "An input parameter is invalid.",
    [qstp_error_invalid_request] = "The packet is not the one expected in this state.",
    [qstp_error_key_expired] = "The key or certificate has expired.",
    [qstp_error_key_unrecognized] = "The server does not hold a key with the requested serial.",
    [qstp_error_keychain_fail] = "The key chain could not be loaded or is inconsistent.",
    [qstp_error_listener_fail] = "The listening socket failed.",
    [qstp_error_memory_allocation] = "Memory could not be allocated.",
    [qstp_error_message_time_invalid] = "The packet time stamp is outside the accepted window.",
    [qstp_error_packet_unsequenced] = "The packet sequence number is not the expected one.",
    [qstp_error_random_failure] = "The random generator failed.",
    [qstp_error_receive_failure] = "Receiving from the peer failed or came up short.",
    [qstp_error_signature_failure] = "Signing failed.",
    [qstp_error_transmit_failure] = "Sending to the peer failed.",
    [qstp_error_unknown_protocol] = "The peer uses a different protocol configuration.",
    [qstp_error_verify_failure] = "A signature or certificate failed verification.",
    [qstp_messages_system_message] = "A system message (logging only).",
    [qstp_error_certificate_expired] = "The server certificate has expired.",
    [qstp_error_certificate_not_yet_valid] = "The server certificate is not valid yet.",
    [qstp_error_root_signature_invalid] = "The root certificate's self-signature is invalid.",
    [qstp_error_root_serial_mismatch] = "The server certificate was not issued by this root.",
    [qstp_error_algorithm_mismatch] = "The certificate's configuration set differs from the root's.",
    [qstp_error_unknown_configuration] = "The configuration set id is not known.",
    [qstp_error_certificate_revoked] = "The certificate has been revoked by its root.",
    [qstp_error_root_expired] = "The root certificate has expired.",
    [qstp_error_root_not_yet_valid] = "The root certificate is not valid yet.",
    [qstp_error_version_unsupported] = "The certificate or key version is not supported.",
    [qstp_error_malformed] = "The input is truncated, oversized or not a valid encoding.",
    [qstp_error_buffer_too_small] = "The output buffer is too small.",
    [qstp_error_not_implemented] = "The configuration set's algorithms are not available in this build.",
    [qstp_error_revocation_invalid] = "The revocation message or list failed verification.",
    [qstp_error_revocation_stale] = "The revocation list is older than the one already held.",
    [qstp_error_io] = "A file could not be read or written.",
    [qstp_error_file_too_large] = "The file is larger than allowed.",
    [qstp_error_invalid_state] = "The operation is not allowed in the current state.",
    [qstp_error_timeout] = "The operation timed out.",
    [qstp_error_internal] = "An internal error occurred.",
};

const char *qstp_error_to_string(qstp_errors e)
{
    if ((unsigned)e < (unsigned)qstp_error_last_ && descriptions[e] != NULL)
        return descriptions[e];
    return "unknown error";
}

int qstp_error_is_reference(qstp_errors e)
{
    return (unsigned)e <= (unsigned)qstp_error_verify_failure;
}

qstp_errors qstp_error_wire_code(qstp_errors e)
{
    if (qstp_error_is_reference(e))
        return e;
    switch (e) {
    case qstp_error_certificate_expired:
    case qstp_error_root_expired:
        return qstp_error_key_expired;
    case qstp_error_certificate_revoked:
    case qstp_error_certificate_not_yet_valid:
    case qstp_error_root_not_yet_valid:
    case qstp_error_root_signature_invalid:
    case qstp_error_root_serial_mismatch:
    case qstp_error_algorithm_mismatch:
    case qstp_error_version_unsupported:
    case qstp_error_revocation_invalid:
        return qstp_error_verify_failure;
    case qstp_error_unknown_configuration:
        return qstp_error_unknown_protocol;
    case qstp_error_malformed:
        return qstp_error_invalid_request;
    case qstp_error_buffer_too_small:
    case qstp_error_invalid_state:
        return qstp_error_invalid_input;
    case qstp_error_io:
    case qstp_error_timeout:
        return qstp_error_channel_down;
    case qstp_error_revocation_stale:
        return qstp_error_invalid_request;
    default:
        return qstp_error_connection_failure;
    }
}
