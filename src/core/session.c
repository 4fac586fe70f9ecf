/* The session engine: framing, dispatch, output queue, timers (include/qstp/session.h).
 * Handshake messages are in kex_client.c / kex_server.c, records in record.c, the ratchet in
 * ratchet.c, keep-alive in keepalive.c. */
#include <string.h>

#include "core/buf.h"
#include "core/session_internal.h"
#include "crypto/ct.h"
#include "qstp/revoke.h"

#define ALIGN64(x) (((x) + 63u) & ~(size_t)63u)

size_t qstp_session_state_size(void)
{
    return sizeof(qstp_session_impl);
}

void qstp_ws_layout_compute(const qstp_suite *su, qstp_role role, qstp_ws_layout *l)
{
    memset(l, 0, sizeof(*l));
    if (role == QSTP_ROLE_CLIENT) {
        l->rx_off = 0;
        l->rx_len = su->signed_hash_size + su->kem_pk_size; /* connect response body */
        l->tx_off = ALIGN64(l->rx_len);
        l->tx_len = QSTP_PACKET_HEADER_SIZE + su->kem_ct_size; /* exchange request */
        l->total = l->tx_off + ALIGN64(l->tx_len);
        return;
    }
    /* Server: rx first at offset 0 so the connect request (read before the key, and so the
     * suite, is known) lands at the same place for every suite. */
    l->rx_off = 0;
    l->rx_len = su->kem_ct_size > QSTP_CONNECT_REQUEST_SIZE ? su->kem_ct_size : QSTP_CONNECT_REQUEST_SIZE;
    l->ksk_off = ALIGN64(l->rx_len);
    l->ksk_len = su->kem_sk_size;
    l->kgw_off = l->ksk_off + ALIGN64(l->ksk_len);
    l->kgw_len = su->kem_keygen_workspace_size ? su->kem_keygen_workspace_size() : 0;
    l->tx_off = l->kgw_off + ALIGN64(l->kgw_len);
    l->tx_len = QSTP_PACKET_HEADER_SIZE + su->signed_hash_size + su->kem_pk_size;
    l->total = l->tx_off + ALIGN64(l->tx_len);
}

size_t qstp_session_handshake_workspace_size(const qstp_suite *suite, qstp_role role)
{
    qstp_ws_layout l;
    if (suite == NULL)
        return 0;
    qstp_ws_layout_compute(suite, role, &l);
    return l.total;
}

size_t qstp_server_config_workspace_size(const qstp_server_config *cfg)
{
    size_t max = 0;
    for (size_t i = 0; cfg != NULL && i < cfg->nkeys; i++) {
        size_t n = qstp_session_handshake_workspace_size(cfg->keys[i].suite, QSTP_ROLE_SERVER);
        if (n > max)
            max = n;
    }
    return max;
}

/* Timer arithmetic saturates: a deadline past 2^64 - 1 is "never", not a wrapped small value
 * that would fire at once (a clock near the top of its range must not kill every session). */
static uint64_t time_add(uint64_t t, uint64_t d)
{
    return t > UINT64_MAX - d ? UINT64_MAX : t + d;
}

uint64_t qstp_session_now(const qstp_session_impl *S)
{
    return S->env.now(S->env.ctx);
}

int qstp_ctl_reserve(qstp_session_impl *S, size_t n, uint8_t **out)
{
    if (S->ctl_off == S->ctl_len) {
        S->ctl_off = 0;
        S->ctl_len = 0;
    } else if (S->ctl_off > 0 && S->ctl_len + n > sizeof(S->ctl)) {
        memmove(S->ctl, S->ctl + S->ctl_off, S->ctl_len - S->ctl_off);
        S->ctl_len -= S->ctl_off;
        S->ctl_off = 0;
    }
    if (S->ctl_len + n > sizeof(S->ctl))
        return qstp_fail(qstp_error_buffer_too_small);
    *out = S->ctl + S->ctl_len;
    S->ctl_len += n;
    return 0;
}

void qstp_session_set_keys(qstp_session_impl *S, const uint8_t prnd[QSTP_KDF_PRND_SIZE], int client)
{
    /* §4.9 table: client tx = (k1, n1), rx = (k2, n2); the server the other way round. */
    const uint8_t *first = prnd, *second = prnd + 64;
    qstp_rcs256_init(&S->tx, client ? first : second, (client ? first : second) + 32, NULL, 0, 1);
    qstp_rcs256_init(&S->rx, client ? second : first, (client ? second : first) + 32, NULL, 0, 0);
}

/* ---------------------------------------------------------------- secrets and failure */

static void wipe_secrets(qstp_session_impl *S)
{
    qstp_rcs256_wipe(&S->tx);
    qstp_rcs256_wipe(&S->rx);
    qstp_wipe(S->rtcs, sizeof(S->rtcs));
    qstp_wipe(S->ratchet_seed, sizeof(S->ratchet_seed));
    S->ratchet_pending = 0;
    qstp_wipe(S->sch, sizeof(S->sch));
    /* Server: the ephemeral KEM secret key may still sit in the workspace. */
    if (S->role == QSTP_ROLE_SERVER && S->ws != NULL && S->suite != NULL) {
        qstp_ws_layout l;
        qstp_ws_layout_compute(S->suite, QSTP_ROLE_SERVER, &l);
        if (S->wslen >= l.total)
            qstp_wipe(S->ws + l.ksk_off, l.ksk_len);
    }
}

/* A session whose init failed is all zero: no role, no config, no clock. The entry points that
 * would read them refuse it instead of dereferencing NULL. */
static int initialised(const qstp_session_impl *S)
{
    return S->env.now != NULL &&
           (S->role == QSTP_ROLE_CLIENT ? S->ccfg != NULL : (S->role == QSTP_ROLE_SERVER && S->scfg != NULL));
}

static int handshaking(const qstp_session_impl *S)
{
    return S->state == ST_C_WAIT_RESPONSE || S->state == ST_C_WAIT_ESTABLISH ||
           S->state == ST_S_WAIT_REQUEST || S->state == ST_S_WAIT_EXCHANGE;
}

/* Fail for good: queue what the peer should see (a §3.3 error packet before establishment, an
 * encrypted §3.4 close record with the code after), then wipe every secret. */
static void session_fail(qstp_session_impl *S, qstp_errors local, qstp_event *ev)
{
    uint8_t *out;
    if (S->state == ST_FAILED || S->state == ST_CLOSED)
        return;
    if (S->state == ST_ESTABLISHED) {
        uint8_t code = (uint8_t)qstp_error_wire_code(local);
        if (qstp_ctl_reserve(S, QSTP_CLOSE_PACKET_SIZE, &out) == 0)
            (void)qstp_record_seal(S, qstp_flag_error_condition, qstp_session_now(S), &code, 1, out);
    } else if (S->state != ST_IDLE || S->role == QSTP_ROLE_CLIENT) {
        /* A pending handshake message is abandoned; the error packet replaces it. */
        S->big = NULL;
        S->big_len = S->big_off = 0;
        if (qstp_ctl_reserve(S, QSTP_PACKET_ERROR_SIZE, &out) == 0)
            qstp_packet_error_create(out, (qstp_errors)S->wire_code, qstp_session_now(S));
    }
    wipe_secrets(S);
    S->state = ST_FAILED;
    S->error = local;
    if (ev != NULL) {
        ev->type = QSTP_EVENT_ERROR;
        ev->error = local;
    }
}

static void session_closed(qstp_session_impl *S)
{
    wipe_secrets(S);
    S->state = ST_CLOSED;
}

/* ---------------------------------------------------------------- init and memory */

static void init_common(qstp_session_impl *S, const qstp_env *env, qstp_role role)
{
    memset(S, 0, sizeof(*S));
    S->env = *env;
    S->role = (uint8_t)role;
}

int qstp_session_client_init(qstp_session *s, const qstp_env *env, const qstp_client_config *cfg)
{
    qstp_session_impl *S = qstp_impl(s);
    if (env == NULL || env->now == NULL || env->random == NULL || cfg == NULL || cfg->suite == NULL ||
        cfg->server_verkey == NULL) {
        memset(s, 0, sizeof(*s));
        return qstp_fail(qstp_error_invalid_input);
    }
    init_common(S, env, QSTP_ROLE_CLIENT);
    S->ccfg = cfg;
    S->suite = cfg->suite;
    memcpy(S->sch, cfg->sch0, sizeof(S->sch));
    S->state = ST_IDLE;
    return 0;
}

int qstp_session_server_init(qstp_session *s, const qstp_env *env, const qstp_server_config *cfg)
{
    qstp_session_impl *S = qstp_impl(s);
    if (env == NULL || env->now == NULL || env->random == NULL || cfg == NULL || cfg->keys == NULL ||
        cfg->nkeys == 0) {
        memset(s, 0, sizeof(*s));
        return qstp_fail(qstp_error_invalid_input);
    }
    for (size_t i = 0; i < cfg->nkeys; i++) {
        if (cfg->keys[i].suite == NULL || cfg->keys[i].sigkey == NULL) {
            memset(s, 0, sizeof(*s));
            return qstp_fail(qstp_error_invalid_input);
        }
    }
    init_common(S, env, QSTP_ROLE_SERVER);
    S->scfg = cfg;
    S->suite = cfg->keys[0].suite; /* provisional until the connect request picks a key */
    S->state = ST_S_WAIT_REQUEST;
    return 0;
}

int qstp_session_attach_workspace(qstp_session *s, void *ws, size_t len)
{
    qstp_session_impl *S = qstp_impl(s);
    if (ws == NULL)
        return qstp_fail(qstp_error_invalid_input);
    if (S->state == ST_ESTABLISHED || S->state == ST_CLOSED || S->state == ST_FAILED)
        return qstp_fail(qstp_error_invalid_state);
    if (S->role == QSTP_ROLE_CLIENT && len < qstp_session_handshake_workspace_size(S->suite, QSTP_ROLE_CLIENT))
        return qstp_fail(qstp_error_buffer_too_small);
    if (S->role == QSTP_ROLE_SERVER && len < QSTP_CONNECT_REQUEST_SIZE)
        return qstp_fail(qstp_error_buffer_too_small);
    S->ws = (uint8_t *)ws;
    S->wslen = len;
    return 0;
}

int qstp_session_release_workspace(qstp_session *s)
{
    qstp_session_impl *S = qstp_impl(s);
    if (handshaking(S) || (S->state == ST_IDLE && S->ws != NULL && S->big != NULL))
        return qstp_fail(qstp_error_invalid_state);
    if (S->ws != NULL) {
        qstp_ws_layout l;
        size_t used;
        qstp_ws_layout_compute(S->suite, (qstp_role)S->role, &l);
        used = l.total < S->wslen ? l.total : S->wslen;
        qstp_wipe(S->ws, used);
    }
    S->ws = NULL;
    S->wslen = 0;
    S->big = NULL;
    S->big_len = S->big_off = 0;
    return 0;
}

size_t qstp_session_rx_pending(const qstp_session *s)
{
    const qstp_session_impl *S = qstp_cimpl(s);
    return (S->state == ST_ESTABLISHED && S->hdrlen == QSTP_PACKET_HEADER_SIZE) ? S->bodylen : 0;
}

int qstp_session_rx_partial(const qstp_session *s)
{
    const qstp_session_impl *S = qstp_cimpl(s);
    /* hdrlen is 0 exactly at a record boundary (reset when a record completes) */
    return S->state == ST_ESTABLISHED && S->hdrlen > 0;
}

int qstp_session_attach_rx_buffer(qstp_session *s, uint8_t *buf, size_t len)
{
    qstp_session_impl *S = qstp_impl(s);
    if (buf == NULL || len < QSTP_SESSION_RX_BUFFER_SIZE)
        return qstp_fail(qstp_error_buffer_too_small);
    if (S->rxbuf != NULL && S->rxbuf != buf && qstp_session_rx_pending(s) > 0)
        return qstp_fail(qstp_error_invalid_state);
    if (S->rxbuf != NULL && S->rxbuf != buf) {
        qstp_wipe(S->rxbuf, S->rxdirty); /* swapping buffers: the old one held plaintext */
        S->rxdirty = 0;
    }
    S->rxbuf = buf;
    S->rxcap = len;
    return 0;
}

int qstp_session_detach_rx_buffer(qstp_session *s)
{
    qstp_session_impl *S = qstp_impl(s);
    if (qstp_session_rx_pending(s) > 0)
        return qstp_fail(qstp_error_invalid_state);
    if (S->rxbuf != NULL)
        qstp_wipe(S->rxbuf, S->rxdirty); /* it held plaintext; only what was written */
    S->rxbuf = NULL;
    S->rxcap = 0;
    S->rxdirty = 0;
    return 0;
}

int qstp_session_start(qstp_session *s)
{
    qstp_session_impl *S = qstp_impl(s);
    uint32_t hto;
    int ret;
    if (!initialised(S))
        return qstp_fail(qstp_error_invalid_state);
    hto = S->role == QSTP_ROLE_CLIENT ? S->ccfg->handshake_timeout : S->scfg->handshake_timeout;
    if (hto != 0)
        S->handshake_deadline = time_add(qstp_session_now(S), hto);
    if (S->role == QSTP_ROLE_SERVER)
        return S->state == ST_S_WAIT_REQUEST ? 0 : qstp_fail(qstp_error_invalid_state);
    if (S->state != ST_IDLE)
        return qstp_fail(qstp_error_invalid_state);
    if (S->ws == NULL)
        return qstp_fail(qstp_error_invalid_state);
    ret = qstp_kex_client_connect_request(S);
    if (ret != 0) {
        session_fail(S, qstp_error_of(ret), NULL);
        return ret;
    }
    S->state = ST_C_WAIT_RESPONSE;
    return 0;
}

/* ---------------------------------------------------------------- receive */

static uint8_t expected_flag(const qstp_session_impl *S)
{
    switch (S->state) {
    case ST_C_WAIT_RESPONSE: return qstp_flag_connect_response;
    case ST_C_WAIT_ESTABLISH: return qstp_flag_exchange_response;
    case ST_S_WAIT_REQUEST: return qstp_flag_connect_request;
    case ST_S_WAIT_EXCHANGE: return qstp_flag_exchange_request;
    default: return qstp_flag_none;
    }
}

size_t qstp_kex_expected_msglen(const qstp_session_impl *S)
{
    const qstp_suite *su = S->suite;
    switch (S->state) {
    case ST_C_WAIT_RESPONSE: return su->signed_hash_size + su->kem_pk_size;
    case ST_C_WAIT_ESTABLISH: return QSTP_EXCHANGE_RESPONSE_SIZE;
    case ST_S_WAIT_REQUEST: return QSTP_CONNECT_REQUEST_SIZE;
    case ST_S_WAIT_EXCHANGE: return su->kem_ct_size;
    default: return 0;
    }
}

/* §4.10: which code the peer sees for a handshake header that failed §2.5. */
static qstp_errors header_wire_code(const qstp_session_impl *S, qstp_errors local)
{
    if (S->state == ST_S_WAIT_EXCHANGE)
        return local; /* server, exchange request: not replaced */
    return qstp_error_packet_unsequenced;
}

/* A complete header arrived. Returns 0 to go on reading the body, or 1 if the packet is done. */
static int on_header(qstp_session_impl *S, const uint8_t *rest, size_t restlen, size_t *consumed,
                     qstp_event *ev)
{
    const uint64_t now = qstp_session_now(S);
    int ret;
    (void)qstp_packet_header_deserialize(&S->cur, S->hdr, sizeof(S->hdr));
    S->bodylen = 0;

    if (handshaking(S)) {
        if (S->cur.flag == qstp_flag_error_condition) {
            /* §3.3: the peer gave up. Act on the header alone (its msglen may lie, §11.3); take
             * its code byte if it is already here. Reply as the reference's short read does. */
            if (restlen > 0) {
                ev->has_peer_code = 1;
                ev->peer_code = rest[0];
                *consumed += 1;
            }
            S->wire_code = qstp_error_receive_failure;
            session_fail(S, qstp_error_connection_failure, ev);
            return 1;
        }
        if (S->state == ST_S_WAIT_REQUEST && S->scfg->revocation_root != NULL &&
            S->cur.flag == qstp_flag_revocation_notice) {
            /* PROTOCOL.md "## Revocation": a notice in place of the connect request. The reply
             * has the §3.3 shape: 0x13 for a stale header, 0x1A for anything else wrong. */
            size_t mlen = 0;
            ret = qstp_revocation_header_check(S->hdr, now, &mlen);
            if (ret == 0 && (S->ws == NULL || S->wslen < mlen))
                ret = qstp_fail(qstp_error_memory_allocation);
            if (ret != 0) {
                S->wire_code = qstp_error_of(ret) == qstp_error_message_time_invalid
                                   ? qstp_error_message_time_invalid
                                   : qstp_error_verify_failure;
                session_fail(S, qstp_error_of(ret), ev);
                return 1;
            }
            S->revocation = 1;
            return 0;
        }
        ret = qstp_packet_header_validate(&S->cur, expected_flag(S), S->rxseq,
                                          (uint32_t)qstp_kex_expected_msglen(S), now);
        if (ret != 0) {
            S->wire_code = (uint8_t)header_wire_code(S, qstp_error_of(ret));
            session_fail(S, qstp_error_of(ret), ev);
            return 1;
        }
        S->rxseq += 1; /* §2.5 step 6 */
        if (S->ws == NULL || S->wslen < S->cur.msglen) {
            S->wire_code = qstp_error_memory_allocation;
            session_fail(S, qstp_error_memory_allocation, ev);
            return 1;
        }
        return 0;
    }

    /* Established: §2.6 framing filter first, as both reference receive loops do. */
    if (!qstp_packet_record_size_valid(S->cur.msglen)) {
        session_fail(S, qstp_error_receive_failure, ev);
        return 1;
    }
    if (S->cur.flag == qstp_flag_connection_terminate) {
        /* §3.5: disconnect; the body is never read. */
        ev->type = QSTP_EVENT_PEER_CLOSED;
        session_closed(S);
        return 1;
    }
    return 0;
}

static int check_record(const qstp_session_impl *S, int check_time, qstp_errors *why)
{
    /* §5.2 order: sequence, (established), time, length. */
    if (S->cur.sequence != S->rxseq + 1) {
        *why = qstp_error_packet_unsequenced;
        return 0;
    }
    if (check_time && !qstp_packet_time_valid(S->cur.utctime, qstp_session_now(S))) {
        *why = qstp_error_message_time_invalid;
        return 0;
    }
    return 1;
}

static void on_record(qstp_session_impl *S, const uint8_t *body, qstp_event *ev)
{
    const size_t n = (size_t)S->cur.msglen - QSTP_MACTAG_SIZE;
    uint8_t *pt = S->rxbuf;
    qstp_errors why = qstp_error_none;
    int ret;

    /* Every record kind may decrypt into the receive buffer: remember how much to wipe. */
    if (n > S->rxdirty)
        S->rxdirty = n < S->rxcap ? n : S->rxcap;

    switch (S->cur.flag) {
    case qstp_flag_encrypted_message:
        if (!check_record(S, 1, &why))
            break;
        if ((ret = qstp_record_open(S, body, pt)) != 0) {
            why = qstp_error_of(ret);
            break;
        }
        S->rxseq += 1;
        S->last_rx = qstp_session_now(S);
        ev->type = QSTP_EVENT_DATA;
        ev->data = pt;
        ev->len = n;
        return;

    case qstp_flag_symmetric_ratchet_request:
        /* §3.7 receiver: sequence and length, no time check (the reference sends 0). */
        if (!check_record(S, 0, &why))
            break;
        if (n != QSTP_RATCHET_TOKEN_SIZE) {
            why = qstp_error_receive_failure;
            break;
        }
        if ((ret = qstp_record_open(S, body, pt)) != 0) {
            why = qstp_error_of(ret);
            break;
        }
        S->rxseq += 1;
        ret = qstp_ratchet_receive(S, pt);
        qstp_wipe(pt, n);
        if (ret != 0) {
            why = qstp_error_of(ret);
            break;
        }
        S->last_rx = qstp_session_now(S);
        ev->type = QSTP_EVENT_RATCHET;
        return;

    case qstp_flag_error_condition:
        /* §3.4 receiving: sequence, time, exactly one code byte. */
        if (!check_record(S, 1, &why))
            break;
        if (n != 1) {
            why = qstp_error_receive_failure;
            break;
        }
        if ((ret = qstp_record_open(S, body, pt)) != 0) {
            why = qstp_error_of(ret);
            break;
        }
        S->rxseq += 1;
        ev->type = QSTP_EVENT_PEER_CLOSED;
        ev->has_peer_code = 1;
        ev->peer_code = pt[0];
        qstp_wipe(pt, n);
        session_closed(S);
        return;

    case QSTP_FLAG_KEEPALIVE_REQUEST:
    case QSTP_FLAG_KEEPALIVE_RESPONSE:
        if (!check_record(S, 1, &why))
            break;
        if (n != QSTP_KEEPALIVE_BODY) {
            why = qstp_error_receive_failure;
            break;
        }
        if ((ret = qstp_record_open(S, body, pt)) != 0) {
            why = qstp_error_of(ret);
            break;
        }
        S->rxseq += 1;
        S->last_rx = qstp_session_now(S);
        ret = S->cur.flag == QSTP_FLAG_KEEPALIVE_REQUEST ? qstp_keepalive_on_request(S, pt)
                                                         : qstp_keepalive_on_response(S, pt);
        qstp_wipe(pt, n);
        if (ret != 0) {
            why = qstp_error_of(ret);
            break;
        }
        ev->type = QSTP_EVENT_KEEPALIVE;
        return;

    default:
        /* Unknown flags cannot be skipped: the peer's MAC state has absorbed the record. */
        why = qstp_error_invalid_request;
        break;
    }
    session_fail(S, why, ev);
}

static void on_revocation_body(qstp_session_impl *S, const uint8_t *body, qstp_event *ev)
{
    qstp_revocation_notice notice;
    uint8_t *out;
    int ret = qstp_revocation_notice_verify(&notice, body, S->cur.msglen, S->scfg->revocation_root);
    /* A notice dated in the future is refused, not applied early (revoke.h). */
    if (ret == 0)
        ret = qstp_revocation_notice_check_time(&notice, qstp_session_now(S));
    if (ret != 0) {
        S->wire_code = qstp_error_of(ret) == qstp_error_message_time_invalid
                           ? qstp_error_message_time_invalid
                           : qstp_error_verify_failure;
        session_fail(S, qstp_error_of(ret), ev);
        return;
    }
    memcpy(S->revoked_serial, notice.server_serial, sizeof(S->revoked_serial));
    if (qstp_ctl_reserve(S, QSTP_PACKET_ERROR_SIZE, &out) == 0)
        qstp_packet_error_create(out, qstp_error_none, qstp_session_now(S)); /* accepted */
    session_closed(S);
    ev->type = QSTP_EVENT_REVOKED;
    ev->data = S->revoked_serial;
    ev->len = sizeof(S->revoked_serial);
}

static void on_handshake_body(qstp_session_impl *S, const uint8_t *body, qstp_event *ev)
{
    int ret;
    if (S->revocation) {
        on_revocation_body(S, body, ev);
        return;
    }
    switch (S->state) {
    case ST_C_WAIT_RESPONSE:
        ret = qstp_kex_client_exchange_request(S, body);
        if (ret == 0)
            S->state = ST_C_WAIT_ESTABLISH;
        break;
    case ST_C_WAIT_ESTABLISH:
        ret = qstp_kex_client_establish_verify(S, body);
        if (ret == 0) {
            S->state = ST_ESTABLISHED;
            ev->type = QSTP_EVENT_ESTABLISHED;
        }
        break;
    case ST_S_WAIT_REQUEST:
        ret = qstp_kex_server_connect_response(S, body);
        if (ret == 0)
            S->state = ST_S_WAIT_EXCHANGE;
        break;
    case ST_S_WAIT_EXCHANGE:
        ret = qstp_kex_server_exchange_response(S, body);
        if (ret == 0) {
            S->state = ST_ESTABLISHED;
            ev->type = QSTP_EVENT_ESTABLISHED;
        }
        break;
    default:
        ret = qstp_fail(qstp_error_invalid_state);
        break;
    }
    if (ret != 0) {
        session_fail(S, qstp_error_of(ret), ev);
        return;
    }
    if (S->state == ST_ESTABLISHED) {
        S->handshake_deadline = 0;
        S->last_rx = qstp_session_now(S);
    }
}

size_t qstp_session_receive(qstp_session *s, const uint8_t *in, size_t len, qstp_event *ev)
{
    qstp_session_impl *S = qstp_impl(s);
    size_t used = 0;
    memset(ev, 0, sizeof(*ev));

    while (used < len && ev->type == QSTP_EVENT_NONE) {
        if (S->state == ST_FAILED || S->state == ST_CLOSED)
            return len; /* nothing more is read from a dead session */
        if (S->state == ST_IDLE)
            return used; /* a client must be started first */

        if (S->hdrlen < QSTP_PACKET_HEADER_SIZE) {
            size_t take;
            /* Back-pressure: a packet may need a reply in the control queue; and records need
             * a receive buffer. Stop before the header so nothing is half-consumed. */
            if (S->hdrlen == 0) {
                if (S->ctl_len - S->ctl_off > sizeof(S->ctl) - QSTP_CTL_RECEIVE_HEADROOM)
                    return used;
                if (S->state == ST_ESTABLISHED && S->rxbuf == NULL)
                    return used;
            }
            take = QSTP_PACKET_HEADER_SIZE - S->hdrlen;
            if (take > len - used)
                take = len - used;
            memcpy(S->hdr + S->hdrlen, in + used, take);
            S->hdrlen = (uint8_t)(S->hdrlen + take);
            used += take;
            if (S->hdrlen < QSTP_PACKET_HEADER_SIZE)
                break;
            if (on_header(S, in + used, len - used, &used, ev)) {
                S->hdrlen = 0;
                continue;
            }
        }

        {
            const size_t need = (size_t)S->cur.msglen - S->bodylen;
            const size_t avail = len - used;
            const int hs = handshaking(S);
            uint8_t *dst;
            if (hs) {
                qstp_ws_layout l;
                qstp_ws_layout_compute(S->suite, (qstp_role)S->role, &l);
                dst = S->ws + l.rx_off;
            } else {
                if (S->rxbuf == NULL)
                    return used;
                dst = S->rxbuf;
                /* Zero copy: the whole body is in the caller's input; decrypt from there. */
                if (S->bodylen == 0 && avail >= need) {
                    on_record(S, in + used, ev);
                    used += need;
                    S->hdrlen = 0;
                    S->bodylen = 0;
                    continue;
                }
            }
            if (need > 0) {
                size_t take = need < avail ? need : avail;
                memcpy(dst + S->bodylen, in + used, take);
                S->bodylen += take;
                used += take;
                if (!hs && S->bodylen > S->rxdirty)
                    S->rxdirty = S->bodylen;
                if (take < need)
                    break;
            }
            S->hdrlen = 0;
            S->bodylen = 0;
            if (hs)
                on_handshake_body(S, dst, ev);
            else
                on_record(S, dst, ev);
        }
    }
    return used;
}

void qstp_session_peer_eof(qstp_session *s, qstp_event *ev)
{
    qstp_session_impl *S = qstp_impl(s);
    memset(ev, 0, sizeof(*ev));
    if (handshaking(S) || S->state == ST_IDLE) {
        /* §2.6/§4.10: the reference's fixed-size read comes up short: receive_failure. */
        S->wire_code = qstp_error_receive_failure;
        session_fail(S, qstp_error_receive_failure, ev);
        return;
    }
    if (S->state == ST_ESTABLISHED) {
        ev->type = QSTP_EVENT_PEER_CLOSED;
        session_closed(S);
    }
}

/* ---------------------------------------------------------------- output */

const uint8_t *qstp_session_output(const qstp_session *s, size_t *len)
{
    const qstp_session_impl *S = qstp_cimpl(s);
    if (S->big != NULL && S->big_off < S->big_len) {
        *len = S->big_len - S->big_off;
        return S->big + S->big_off;
    }
    if (S->ctl_off < S->ctl_len) {
        *len = S->ctl_len - S->ctl_off;
        return S->ctl + S->ctl_off;
    }
    *len = 0;
    return NULL;
}

void qstp_session_output_ack(qstp_session *s, size_t n)
{
    qstp_session_impl *S = qstp_impl(s);
    if (S->big != NULL && S->big_off < S->big_len) {
        size_t k = S->big_len - S->big_off;
        if (n < k)
            k = n;
        S->big_off += k;
        n -= k;
        if (S->big_off == S->big_len) {
            S->big = NULL;
            S->big_len = S->big_off = 0;
        }
    }
    if (n > 0) {
        size_t k = S->ctl_len - S->ctl_off;
        if (n < k)
            k = n;
        S->ctl_off += k;
    }
    if (S->ctl_off == S->ctl_len)
        S->ctl_off = S->ctl_len = 0;
}

int qstp_session_send(qstp_session *s, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                      size_t *outlen)
{
    qstp_session_impl *S = qstp_impl(s);
    size_t pending = 0, off = 0;
    const uint8_t *p;
    int ret;
    *outlen = 0;
    /* §5.1 preconditions. */
    if (S->state != ST_ESTABLISHED)
        return qstp_fail(qstp_error_channel_down);
    if (data == NULL || len == 0 || len > QSTP_SESSION_SEND_MAX)
        return qstp_fail(qstp_error_invalid_input);
    if (S->big != NULL)
        pending += S->big_len - S->big_off;
    pending += S->ctl_len - S->ctl_off;
    if (cap < pending + len + QSTP_SESSION_RECORD_OVERHEAD)
        return qstp_fail(qstp_error_buffer_too_small);
    /* Queued control records carry lower sequence numbers: they go first. */
    while ((p = qstp_session_output(s, &pending)) != NULL) {
        memcpy(out + off, p, pending);
        off += pending;
        qstp_session_output_ack(s, pending);
    }
    ret = qstp_record_seal(S, qstp_flag_encrypted_message, qstp_session_now(S), data, len, out + off);
    if (ret != 0)
        return ret;
    *outlen = off + len + QSTP_SESSION_RECORD_OVERHEAD;
    return 0;
}

int qstp_session_close(qstp_session *s, qstp_errors code)
{
    qstp_session_impl *S = qstp_impl(s);
    uint8_t *out;
    int ret;
    if (S->state == ST_ESTABLISHED) {
        /* §3.4: 13 | LE32(33) | ++txseq | now || seal([code]). */
        uint8_t c = (uint8_t)qstp_error_wire_code(code);
        ret = qstp_ctl_reserve(S, QSTP_CLOSE_PACKET_SIZE, &out);
        if (ret != 0)
            return ret;
        ret = qstp_record_seal(S, qstp_flag_error_condition, qstp_session_now(S), &c, 1, out);
        session_closed(S);
        return ret;
    }
    if (S->state == ST_CLOSED || S->state == ST_FAILED || !initialised(S))
        return qstp_fail(qstp_error_invalid_state);
    /* Before establishment: the §3.3 form (not the reference's malformed msglen-33 one, §11.3). */
    S->big = NULL;
    S->big_len = S->big_off = 0;
    ret = qstp_ctl_reserve(S, QSTP_PACKET_ERROR_SIZE, &out);
    if (ret == 0)
        qstp_packet_error_create(out, code, qstp_session_now(S));
    session_closed(S);
    return ret;
}

int qstp_session_ratchet(qstp_session *s)
{
    return qstp_ratchet_send(qstp_impl(s));
}

/* ---------------------------------------------------------------- timers */

static uint32_t keepalive_interval(const qstp_session_impl *S)
{
    return S->role == QSTP_ROLE_CLIENT ? S->ccfg->keepalive_interval : 0;
}

static uint32_t idle_timeout(const qstp_session_impl *S)
{
    return S->role == QSTP_ROLE_SERVER ? S->scfg->idle_timeout : 0;
}

uint64_t qstp_session_next_timeout(const qstp_session *s, uint64_t now)
{
    const qstp_session_impl *S = qstp_cimpl(s);
    (void)now;
    if (handshaking(S) && S->handshake_deadline != 0)
        return S->handshake_deadline;
    if (S->state != ST_ESTABLISHED)
        return UINT64_MAX;
    if (keepalive_interval(S) != 0)
        return time_add(S->ka_outstanding ? S->ka_sent_at : S->last_rx, keepalive_interval(S));
    if (idle_timeout(S) != 0)
        return time_add(S->last_rx, idle_timeout(S));
    return UINT64_MAX;
}

void qstp_session_timeout(qstp_session *s, qstp_event *ev)
{
    qstp_session_impl *S = qstp_impl(s);
    uint64_t now;
    int ret;
    memset(ev, 0, sizeof(*ev));
    if (!handshaking(S) && S->state != ST_ESTABLISHED)
        return; /* nothing to time (a session whose init failed has no clock to read) */
    now = qstp_session_now(S);
    if (handshaking(S)) {
        if (S->handshake_deadline != 0 && now >= S->handshake_deadline) {
            S->wire_code = (uint8_t)qstp_error_wire_code(qstp_error_timeout);
            session_fail(S, qstp_error_timeout, ev);
        }
        return;
    }
    if (S->state != ST_ESTABLISHED)
        return;
    if (keepalive_interval(S) != 0) {
        if (S->ka_outstanding) {
            if (now >= time_add(S->ka_sent_at, keepalive_interval(S)))
                session_fail(S, qstp_error_channel_down, ev);
        } else if (now >= time_add(S->last_rx, keepalive_interval(S))) {
            ret = qstp_keepalive_send_request(S);
            if (ret != 0)
                session_fail(S, qstp_error_of(ret), ev);
        }
        return;
    }
    if (idle_timeout(S) != 0 && now >= time_add(S->last_rx, idle_timeout(S)))
        session_fail(S, qstp_error_channel_down, ev);
}

/* ---------------------------------------------------------------- queries */

int qstp_session_is_established(const qstp_session *s)
{
    return qstp_cimpl(s)->state == ST_ESTABLISHED;
}

int qstp_session_is_closed(const qstp_session *s)
{
    const uint8_t st = qstp_cimpl(s)->state;
    return st == ST_CLOSED || st == ST_FAILED;
}

qstp_errors qstp_session_error(const qstp_session *s)
{
    return qstp_cimpl(s)->error;
}

qstp_role qstp_session_role(const qstp_session *s)
{
    return (qstp_role)qstp_cimpl(s)->role;
}

const qstp_suite *qstp_session_suite(const qstp_session *s)
{
    return qstp_cimpl(s)->suite;
}

const uint8_t *qstp_session_server_serial(const qstp_session *s)
{
    const qstp_session_impl *S = qstp_cimpl(s);
    if (S->role == QSTP_ROLE_SERVER)
        return S->key != NULL ? S->key->serial : NULL;
    return S->ccfg != NULL ? S->ccfg->server_serial : NULL;
}

void qstp_session_wipe(qstp_session *s)
{
    qstp_session_impl *S = qstp_impl(s);
    wipe_secrets(S);
    qstp_wipe(s, sizeof(*s));
}
