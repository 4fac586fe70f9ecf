/* Private layout of qstp_session and the internal interfaces between the session files
 * (session.c, kex_client.c, kex_server.c, record.c, ratchet.c, keepalive.c, kdf.c). */
#ifndef QSTP_CORE_SESSION_INTERNAL_H
#define QSTP_CORE_SESSION_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/rcs.h"
#include "qstp/packet.h"
#include "qstp/precompute.h"
#include "qstp/session.h"

#define QSTP_KDF_PRND_SIZE 128u       /* k1 | n1 | k2 | n2 (§4.9) or A | B (§3.7) */
#define QSTP_RATCHET_TOKEN_SIZE 32u   /* QSTP_RTOK_SIZE */
#define QSTP_RATCHET_RTCS_OFFSET 216u /* §3.7: rtcs' = stream[216..248) */
#define QSTP_RATCHET_PACKET_SIZE (QSTP_PACKET_HEADER_SIZE + QSTP_RATCHET_TOKEN_SIZE + QSTP_MACTAG_SIZE)
#define QSTP_CLOSE_PACKET_SIZE (QSTP_PACKET_HEADER_SIZE + 1u + QSTP_MACTAG_SIZE) /* 54, §3.4 */
#define QSTP_KEEPALIVE_BODY 8u
#define QSTP_KEEPALIVE_PACKET_SIZE (QSTP_PACKET_HEADER_SIZE + QSTP_KEEPALIVE_BODY + QSTP_MACTAG_SIZE)
#define QSTP_CONNECT_REQUEST_SIZE 58u   /* §4.3 */
#define QSTP_EXCHANGE_RESPONSE_SIZE 32u /* §4.6 */
#define QSTP_FIRST_RECORD_SEQUENCE 3u

/* Handshake states (§3.1 exflag, split per message so each packet has one expected state). */
typedef enum {
    ST_IDLE = 0,          /* initialized, nothing sent */
    ST_C_WAIT_RESPONSE,   /* client sent connect request (exflag connect_request) */
    ST_C_WAIT_ESTABLISH,  /* client sent exchange request (exflag exchange_request) */
    ST_S_WAIT_REQUEST,    /* server waiting for the connect request */
    ST_S_WAIT_EXCHANGE,   /* server sent connect response (exflag connect_response) */
    ST_ESTABLISHED,
    ST_CLOSED,            /* we or the peer closed normally */
    ST_FAILED             /* sticky error */
} qstp_state;

typedef struct qstp_session_impl {
    /* ---- established state ---- */
    qstp_rcs256_state tx;
    qstp_rcs256_state rx;
    uint64_t txseq;
    uint64_t rxseq;
    uint8_t rtcs[32];                 /* ratchet chain value (§3.7, §4.9) */
    /* The transcript hash is dead once the keys are derived and a ratchet can start only after
     * that, so the two share storage (both are wiped by wipe_secrets). */
    union {
        uint8_t sch[32];                  /* handshake transcript: sch0, then sch1, then sch2 (§4) */
        uint8_t ratchet_seed[64];         /* established: rtcs0 || our token while our ratchet
                                             is unconfirmed (ratchet.c) */
    };
    uint8_t ratchet_pending;
    uint8_t role;
    uint8_t state;
    uint8_t ka_outstanding;
    qstp_errors error;
    uint64_t ka_id;                   /* last keep-alive id sent (client) */
    uint64_t ka_sent_at;
    uint64_t last_rx;                 /* time of the last authenticated packet */
    uint64_t handshake_deadline;

    /* ---- receive framing ---- */
    uint8_t hdr[QSTP_PACKET_HEADER_SIZE];
    uint8_t hdrlen;
    qstp_packet_header cur;
    size_t bodylen;                   /* body bytes assembled so far */

    /* ---- output ---- */
    uint8_t ctl[QSTP_SESSION_CONTROL_MAX];
    size_t ctl_len;
    size_t ctl_off;
    const uint8_t *big;               /* handshake message in the workspace */
    size_t big_len;
    size_t big_off;

    /* ---- borrowed memory and configuration ---- */
    qstp_env env;
    const qstp_suite *suite;
    const qstp_client_config *ccfg;
    const qstp_server_config *scfg;
    const qstp_server_keyref *key;    /* server: the key selected by the connect request */
    uint8_t *ws;
    size_t wslen;
    uint8_t *rxbuf;
    size_t rxcap;
    size_t rxdirty;                   /* bytes of rxbuf written since attach: wiped at detach */

    /* ---- handshake (sch shares storage with ratchet_seed, above) ---- */
    uint8_t wire_code;                /* code for the §3.3 error packet when a handshake fails */
    uint8_t revocation;               /* server: the first packet is a revocation notice */
    uint8_t revoked_serial[16];       /* QSTP_EVENT_REVOKED data */
} qstp_session_impl;

_Static_assert(sizeof(qstp_session_impl) <= QSTP_SESSION_SIZE, "qstp_session too small");
_Static_assert(sizeof(qstp_session_impl) <= 3072, "session state over the 3 KiB budget");
/* Control queue (QSTP_SESSION_CONTROL_MAX): the receive path reads a packet only while the
 * queue has room for a reply to it AND for one record queued locally afterwards (a keep-alive
 * request from the timer, a ratchet request, a close), so neither can fail for lack of room.
 * The largest of each is a ratchet record (85 B); the handshake messages are smaller. */
#define QSTP_CTL_RECORD_MAX QSTP_RATCHET_PACKET_SIZE
#define QSTP_CTL_RECEIVE_HEADROOM (2u * QSTP_CTL_RECORD_MAX)
_Static_assert(QSTP_SESSION_CONTROL_MAX >= QSTP_CTL_RECEIVE_HEADROOM + QSTP_PACKET_ERROR_SIZE,
               "control queue too small for a reply plus a local record");
_Static_assert(QSTP_KEEPALIVE_PACKET_SIZE <= QSTP_CTL_RECORD_MAX && QSTP_CLOSE_PACKET_SIZE <= QSTP_CTL_RECORD_MAX &&
                   QSTP_PACKET_HEADER_SIZE + QSTP_CONNECT_REQUEST_SIZE <= QSTP_CTL_RECORD_MAX &&
                   QSTP_PACKET_HEADER_SIZE + QSTP_EXCHANGE_RESPONSE_SIZE <= QSTP_CTL_RECORD_MAX,
               "a control record is larger than QSTP_CTL_RECORD_MAX");

static inline qstp_session_impl *qstp_impl(qstp_session *s)
{
    return (qstp_session_impl *)(void *)s->opaque;
}

static inline const qstp_session_impl *qstp_cimpl(const qstp_session *s)
{
    return (const qstp_session_impl *)(const void *)s->opaque;
}

/* ---- workspace layout (session.c) ---- */
typedef struct {
    size_t tx_off, tx_len;   /* outgoing handshake packet (server: connect response; client: exchange request) */
    size_t rx_off, rx_len;   /* incoming handshake body */
    size_t ksk_off, ksk_len; /* server: ephemeral KEM secret key */
    size_t kgw_off, kgw_len; /* server: KEM key-generation workspace */
    size_t total;
} qstp_ws_layout;
void qstp_ws_layout_compute(const qstp_suite *suite, qstp_role role, qstp_ws_layout *l);

/* ---- kdf.c ---- */
void qstp_transcript_phash(uint8_t out[32], const uint8_t hdr[QSTP_PACKET_HEADER_SIZE],
                           const uint8_t sch0[32], const uint8_t *pk, size_t pklen);
void qstp_transcript_next(uint8_t sch[32], const uint8_t *data, size_t len);
void qstp_kdf_session(const uint8_t sec[QSTP_SECRET_SIZE], const uint8_t sch2[32],
                      uint8_t prnd[QSTP_KDF_PRND_SIZE], uint8_t rtcs[32]);
void qstp_kdf_ratchet(const uint8_t token[QSTP_RATCHET_TOKEN_SIZE],
                      const uint8_t protocol_field[QSTP_PROTOCOL_SET_SIZE], const uint8_t rtcs[32],
                      uint8_t prnd[QSTP_KDF_PRND_SIZE], uint8_t rtcs_next[32]);

/* ---- session.c helpers used by the others ---- */
uint64_t qstp_session_now(const qstp_session_impl *S);
/* Append n bytes to the control output; -qstp_error_buffer_too_small if it does not fit. */
int qstp_ctl_reserve(qstp_session_impl *S, size_t n, uint8_t **out);
/* Key both RCS states from prnd (§4.9 client/server table). */
void qstp_session_set_keys(qstp_session_impl *S, const uint8_t prnd[QSTP_KDF_PRND_SIZE], int client);

/* ---- kex_client.c / kex_server.c (return 0 or a negated code; set S->wire_code on failure) ---- */
int qstp_kex_client_connect_request(qstp_session_impl *S);
int qstp_kex_client_exchange_request(qstp_session_impl *S, const uint8_t *body);
int qstp_kex_client_establish_verify(qstp_session_impl *S, const uint8_t *body);
int qstp_kex_server_connect_response(qstp_session_impl *S, const uint8_t *body);
/* §4.4 construction 1-6 for `key` at time `now`: writes the connect response packet (header ||
 * Sign(phash) || pk) to pkt and the ephemeral secret key to ksk; sch holds sch0 on entry and
 * sch1 on success. kgw: KEM key-generation workspace (wiped). Shared by the session and the
 * precompute pool so both build the same bytes. On failure ksk is wiped. */
int qstp_kex_server_build_response(const qstp_server_keyref *key, uint64_t now, uint64_t seq, uint8_t *pkt,
                                   uint8_t *ksk, void *kgw, size_t kgwlen, qstp_rng_fn rng, void *ctx,
                                   uint8_t sch[32]);
int qstp_kex_server_exchange_response(qstp_session_impl *S, const uint8_t *body);
/* Expected body length of the next handshake message for the current state (0 if none). */
size_t qstp_kex_expected_msglen(const qstp_session_impl *S);

/* ---- precompute.c ---- */
/* Moves a fresh ready connect response built for `key` into pkt (the whole packet) and its
 * secret key into ksk, sets sch to its sch1, and wipes the slot. 0 on success; -invalid_state if
 * no suitable slot for this key is ready (nothing written). The _peer form also takes the
 * connect request's header time (the client's clock) and leaves a slot the client would judge
 * too old (precompute.c suits_peer); the plain form assumes the client's clock equals now. */
int qstp_precompute_take(qstp_precompute_pool *pool, const qstp_server_keyref *key, uint64_t now,
                         uint8_t *pkt, uint8_t *ksk, uint8_t sch[32]);
int qstp_precompute_take_peer(qstp_precompute_pool *pool, const qstp_server_keyref *key, uint64_t now,
                              uint64_t peer_time, uint8_t *pkt, uint8_t *ksk, uint8_t sch[32]);

/* ---- record.c ---- */
/* §5.1: ++txseq, header(flag, n+32, txseq, utctime), AD = header, seal. Writes n + 53 bytes. */
int qstp_record_seal(qstp_session_impl *S, uint8_t flag, uint64_t utctime, const uint8_t *pt,
                     size_t n, uint8_t *out);
/* §5.2 step 5-6 for the header in S->hdr: AD = header, authenticate and decrypt msglen-32 bytes
 * of body into pt (pt may equal body). Handles a pending ratchet (PROTOCOL.md §2.4). Does not
 * touch rxseq. */
int qstp_record_open(qstp_session_impl *S, const uint8_t *body, uint8_t *pt);

/* ---- ratchet.c ---- */
int qstp_ratchet_send(qstp_session_impl *S);
/* token: the decrypted 32 bytes of a received ratchet request. */
int qstp_ratchet_receive(qstp_session_impl *S, const uint8_t token[QSTP_RATCHET_TOKEN_SIZE]);
/* While our ratchet is pending: the receive state it will switch to (for record.c's trial). */
void qstp_ratchet_pending_rx(const qstp_session_impl *S, qstp_rcs256_state *st);
/* Called by record.c when the pending receive key authenticated a record. */
void qstp_ratchet_confirm(qstp_session_impl *S, const qstp_rcs256_state *newrx);

/* ---- keepalive.c ---- */
int qstp_keepalive_send_request(qstp_session_impl *S);
int qstp_keepalive_on_request(qstp_session_impl *S, const uint8_t body[QSTP_KEEPALIVE_BODY]);
int qstp_keepalive_on_response(qstp_session_impl *S, const uint8_t body[QSTP_KEEPALIVE_BODY]);

#endif
