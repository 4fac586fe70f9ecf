/* Symmetric ratchet (QSTP-WIRE §3.7; our rules in docs/PROTOCOL.md §2).
 * Wire format and derivation are the reference's; the key halves are fixed by role (server tx=A
 * rx=B, client tx=B rx=A: the only layout a reference client interoperates with), so either side
 * may start it. The sender re-keys its transmit state at once and keeps the new receive key
 * pending until a record authenticates under it (PROTOCOL.md §2.4). */
#include <string.h>

#include "core/session_internal.h"
#include "crypto/ct.h"

/* prnd = A_key | A_nonce | B_key | B_nonce. */
static const uint8_t *tx_half(const qstp_session_impl *S, const uint8_t prnd[QSTP_KDF_PRND_SIZE])
{
    return S->role == QSTP_ROLE_SERVER ? prnd : prnd + 64;
}

static const uint8_t *rx_half(const qstp_session_impl *S, const uint8_t prnd[QSTP_KDF_PRND_SIZE])
{
    return S->role == QSTP_ROLE_SERVER ? prnd + 64 : prnd;
}

static void derive(qstp_session_impl *S, const uint8_t token[QSTP_RATCHET_TOKEN_SIZE],
                   uint8_t prnd[QSTP_KDF_PRND_SIZE])
{
    uint8_t field[QSTP_PROTOCOL_SET_SIZE];
    uint8_t next[32];
    /* N is the full 42-byte protocol field of the set in use (§3.7). */
    qstp_suite_protocol_field(S->suite, field);
    qstp_kdf_ratchet(token, field, S->rtcs, prnd, next);
    memcpy(S->rtcs, next, sizeof(next));
    qstp_wipe(next, sizeof(next));
}

int qstp_ratchet_send(qstp_session_impl *S)
{
    uint8_t token[QSTP_RATCHET_TOKEN_SIZE];
    uint8_t prnd[QSTP_KDF_PRND_SIZE];
    uint8_t *out;
    int ret;

    if (S->state != ST_ESTABLISHED)
        return qstp_fail(qstp_error_channel_down);
    /* A reference server disconnects on 0x12 (§3.7 "Direction"): clients need the option. */
    if (S->role == QSTP_ROLE_CLIENT && !(S->ccfg->options & QSTP_OPT_RATCHET_SEND))
        return qstp_fail(qstp_error_invalid_request);
    if (S->ratchet_pending)
        return qstp_fail(qstp_error_invalid_request);
    if (S->env.random(S->env.ctx, token, sizeof(token)) != 0) {
        ret = qstp_fail(qstp_error_random_failure);
        goto out;
    }
    /* Reserve only once nothing can fail before the record is written into the space. */
    ret = qstp_ctl_reserve(S, QSTP_RATCHET_PACKET_SIZE, &out);
    if (ret != 0)
        goto out;
    /* §3.7 wire format: utctime is 0, as the reference sends it. */
    ret = qstp_record_seal(S, qstp_flag_symmetric_ratchet_request, 0, token, sizeof(token), out);
    if (ret != 0)
        goto out;
    derive(S, token, prnd);
    qstp_rcs256_wipe(&S->tx);
    qstp_rcs256_init(&S->tx, tx_half(S, prnd), tx_half(S, prnd) + 32, NULL, 0, 1);
    memcpy(S->ratchet_rx_pending, rx_half(S, prnd), 64);
    S->ratchet_pending = 1;
out:
    qstp_wipe(token, sizeof(token));
    qstp_wipe(prnd, sizeof(prnd));
    return ret;
}

int qstp_ratchet_receive(qstp_session_impl *S, const uint8_t token[QSTP_RATCHET_TOKEN_SIZE])
{
    uint8_t prnd[QSTP_KDF_PRND_SIZE];
    /* Both sides started a ratchet at once: the chains cannot both apply (PROTOCOL.md §2.5). */
    if (S->ratchet_pending)
        return qstp_fail(qstp_error_invalid_request);
    derive(S, token, prnd);
    /* Both states fully re-initialized: new round keys, nonce, counter 1, fresh MAC (§3.7). */
    qstp_rcs256_wipe(&S->tx);
    qstp_rcs256_wipe(&S->rx);
    qstp_rcs256_init(&S->tx, tx_half(S, prnd), tx_half(S, prnd) + 32, NULL, 0, 1);
    qstp_rcs256_init(&S->rx, rx_half(S, prnd), rx_half(S, prnd) + 32, NULL, 0, 0);
    qstp_wipe(prnd, sizeof(prnd));
    return 0;
}

void qstp_ratchet_confirm(qstp_session_impl *S, const qstp_rcs256_state *newrx)
{
    qstp_rcs256_wipe(&S->rx);
    S->rx = *newrx;
    qstp_wipe(S->ratchet_rx_pending, sizeof(S->ratchet_rx_pending));
    S->ratchet_pending = 0;
}
