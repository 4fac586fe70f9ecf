/* Keep-alive, a project extension (docs/PROTOCOL.md §3): an authenticated request/response pair
 * of ordinary records (flags 0x21/0x22, 8-byte body = LE64(id)). Sent only by a client that was
 * configured with a keep-alive interval, because a reference server disconnects on them. */
#include <string.h>

#include "core/buf.h"
#include "core/session_internal.h"

int qstp_keepalive_send_request(qstp_session_impl *S)
{
    uint8_t body[QSTP_KEEPALIVE_BODY];
    uint8_t *out;
    int ret;
    if (S->ka_outstanding)
        return 0;
    ret = qstp_ctl_reserve(S, QSTP_KEEPALIVE_PACKET_SIZE, &out);
    if (ret != 0)
        return ret;
    qstp_store_le64(body, S->ka_id + 1);
    ret = qstp_record_seal(S, QSTP_FLAG_KEEPALIVE_REQUEST, qstp_session_now(S), body, sizeof(body), out);
    if (ret != 0)
        return ret;
    S->ka_id += 1;
    S->ka_outstanding = 1;
    S->ka_sent_at = qstp_session_now(S);
    return 0;
}

int qstp_keepalive_on_request(qstp_session_impl *S, const uint8_t body[QSTP_KEEPALIVE_BODY])
{
    uint8_t *out;
    int ret = qstp_ctl_reserve(S, QSTP_KEEPALIVE_PACKET_SIZE, &out);
    if (ret != 0)
        return ret;
    /* The response echoes the id under the responder's own transmit state. */
    return qstp_record_seal(S, QSTP_FLAG_KEEPALIVE_RESPONSE, qstp_session_now(S), body,
                            QSTP_KEEPALIVE_BODY, out);
}

int qstp_keepalive_on_response(qstp_session_impl *S, const uint8_t body[QSTP_KEEPALIVE_BODY])
{
    if (!S->ka_outstanding || qstp_load_le64(body) != S->ka_id)
        return qstp_fail(qstp_error_invalid_request);
    S->ka_outstanding = 0;
    return 0;
}
