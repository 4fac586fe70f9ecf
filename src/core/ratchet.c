/* Symmetric ratchet (QSTP-WIRE §3.7; our rules in docs/PROTOCOL.md §2).
 * Wire format and derivation are the reference's; the key halves are fixed by role (server tx=A
 * rx=B, client tx=B rx=A: the only layout a reference client interoperates with), so either side
 * may start it. The sender re-keys its transmit state at once and keeps what it needs for the new
 * receive key pending until a record authenticates under it (PROTOCOL.md §2.4). When both sides
 * start one at once, the server's wins (PROTOCOL.md §2.5).
 *
 * While a ratchet of ours is pending, S->ratchet_seed holds the chain value it started from and
 * our token (rtcs0 || token, 64 bytes) rather than the new receive key: the new receive key is
 * recomputed from them when needed (once per ratchet), and rtcs0 is what a simultaneous ratchet
 * from the peer must be applied to. Keeping both in the 64 bytes the session already had keeps
 * the session within its size budget. */
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

/* The §3.7 stream of token over chain value rtcs: prnd (A | B) and the next chain value. */
static void derive(const qstp_session_impl *S, const uint8_t token[QSTP_RATCHET_TOKEN_SIZE],
                   const uint8_t rtcs[32], uint8_t prnd[QSTP_KDF_PRND_SIZE], uint8_t next[32])
{
    uint8_t field[QSTP_PROTOCOL_SET_SIZE];
    /* N is the full 42-byte protocol field of the set in use (§3.7). */
    qstp_suite_protocol_field(S->suite, field);
    qstp_kdf_ratchet(token, field, rtcs, prnd, next);
}

static void drop_pending(qstp_session_impl *S)
{
    qstp_wipe(S->ratchet_seed, sizeof(S->ratchet_seed));
    S->ratchet_pending = 0;
}

int qstp_ratchet_send(qstp_session_impl *S)
{
    uint8_t token[QSTP_RATCHET_TOKEN_SIZE];
    uint8_t prnd[QSTP_KDF_PRND_SIZE];
    uint8_t next[32];
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
    derive(S, token, S->rtcs, prnd, next);
    memcpy(S->ratchet_seed, S->rtcs, 32);
    memcpy(S->ratchet_seed + 32, token, 32);
    memcpy(S->rtcs, next, sizeof(next));
    qstp_rcs256_wipe(&S->tx);
    qstp_rcs256_init(&S->tx, tx_half(S, prnd), tx_half(S, prnd) + 32, NULL, 0, 1);
    S->ratchet_pending = 1;
out:
    qstp_wipe(token, sizeof(token));
    qstp_wipe(prnd, sizeof(prnd));
    qstp_wipe(next, sizeof(next));
    return ret;
}

void qstp_ratchet_pending_rx(const qstp_session_impl *S, qstp_rcs256_state *st)
{
    uint8_t prnd[QSTP_KDF_PRND_SIZE];
    uint8_t next[32];
    derive(S, S->ratchet_seed + 32, S->ratchet_seed, prnd, next);
    qstp_rcs256_init(st, rx_half(S, prnd), rx_half(S, prnd) + 32, NULL, 0, 0);
    qstp_wipe(prnd, sizeof(prnd));
    qstp_wipe(next, sizeof(next));
}

int qstp_ratchet_receive(qstp_session_impl *S, const uint8_t token[QSTP_RATCHET_TOKEN_SIZE])
{
    uint8_t prnd[QSTP_KDF_PRND_SIZE];
    uint8_t next[32];

    if (S->ratchet_pending && S->role == QSTP_ROLE_SERVER) {
        /* Both sides started a ratchet at once (the request opened under the OLD receive key,
         * so the client sent it before it saw ours): the server's wins (PROTOCOL.md §2.5). The
         * client re-keyed its transmit side with its own token right after sending it, and
         * keeps sending under that key until it processes our request; receive under it now,
         * and keep our pending key for what it sends after. Our transmit key and rtcs stay. */
        derive(S, token, S->ratchet_seed, prnd, next);
        qstp_rcs256_wipe(&S->rx);
        qstp_rcs256_init(&S->rx, rx_half(S, prnd), rx_half(S, prnd) + 32, NULL, 0, 0);
        qstp_wipe(prnd, sizeof(prnd));
        qstp_wipe(next, sizeof(next));
        return 0;
    }
    /* A client whose own ratchet is pending drops it and applies the server's to the chain
     * value both started from (rtcs0): then both sides hold exactly what a lone server ratchet
     * would have given. Otherwise the chain value is the current one. */
    derive(S, token, S->ratchet_pending ? S->ratchet_seed : S->rtcs, prnd, next);
    memcpy(S->rtcs, next, sizeof(next));
    if (S->ratchet_pending)
        drop_pending(S);
    /* Both states fully re-initialized: new round keys, nonce, counter 1, fresh MAC (§3.7). */
    qstp_rcs256_wipe(&S->tx);
    qstp_rcs256_wipe(&S->rx);
    qstp_rcs256_init(&S->tx, tx_half(S, prnd), tx_half(S, prnd) + 32, NULL, 0, 1);
    qstp_rcs256_init(&S->rx, rx_half(S, prnd), rx_half(S, prnd) + 32, NULL, 0, 0);
    qstp_wipe(prnd, sizeof(prnd));
    qstp_wipe(next, sizeof(next));
    return 0;
}

void qstp_ratchet_confirm(qstp_session_impl *S, const qstp_rcs256_state *newrx)
{
    qstp_rcs256_wipe(&S->rx);
    S->rx = *newrx;
    drop_pending(S);
}
