/* QSTP sessions: the protocol as a sans-I/O state machine (BearSSL-engine style).
 *
 * The session never reads a socket, a clock or a random device and never allocates. The caller
 * feeds it received bytes, takes the bytes it wants sent, and reacts to events. Time and
 * randomness come from a qstp_env. Wire format: ../shared/spec/QSTP-WIRE.md; our extensions
 * (ratchet from either side, keep-alive): docs/PROTOCOL.md.
 *
 * ---- Who owns what -------------------------------------------------------------------------
 *  qstp_session            caller memory (stack, slab, struct member); sizeof is public and fixed
 *                          (QSTP_SESSION_SIZE, under 3 KiB). Holds the established state: two RCS
 *                          states, sequence numbers, ratchet state, small control output.
 *  config                  caller memory, read by the session until it is released (a server
 *                          shares one qstp_server_config between all its sessions). The keys and
 *                          certificates it points to must live as long.
 *  handshake workspace     caller memory of qstp_session_handshake_workspace_size(suite, role)
 *                          bytes, attached before the handshake (qstp_session_attach_workspace).
 *                          It holds the ephemeral KEM secret key (server), the connect response
 *                          being sent (server, up to 1.39 MB for McEliece) or received (client),
 *                          the exchange request. After QSTP_EVENT_ESTABLISHED (or an error) call
 *                          qstp_session_release_workspace(): it is wiped and may go back to a pool.
 *  receive buffer          caller memory of QSTP_SESSION_RX_BUFFER_SIZE bytes, attached after
 *                          the handshake (qstp_session_attach_rx_buffer). Records are assembled
 *                          and decrypted there; QSTP_EVENT_DATA points into it. It may be detached
 *                          (and lent to another session) whenever qstp_session_rx_pending() is 0,
 *                          i.e. no partial record is held.
 *  output                  qstp_session_output() returns a pointer into the session or the
 *                          workspace; the bytes stay valid until qstp_session_output_ack().
 *                          qstp_session_send() writes into a caller buffer instead.
 *
 * ---- Usage (client; a server is the same with qstp_session_server_init) --------------------
 *
 *   // once: qstp_server_certificate_verify(&cert, &root, now) == 0 (the reference checks this
 *   // before connecting, QSTP-WIRE §9.2), then qstp_client_config_from_certs(&cfg, &root, &cert)
 *   qstp_session s;                                   // any storage
 *   qstp_env env = { my_now, my_random, my_ctx };
 *   qstp_event ev;
 *   qstp_session_client_init(&s, &env, &cfg);
 *   qstp_session_attach_workspace(&s, ws, qstp_session_handshake_workspace_size(cfg.suite, QSTP_ROLE_CLIENT));
 *   qstp_session_start(&s);                           // queues the connect request
 *   while (!qstp_session_is_closed(&s)) {
 *       size_t n; const uint8_t *o;
 *       while ((o = qstp_session_output(&s, &n)) != NULL) { write_all(fd, o, n); qstp_session_output_ack(&s, n); }
 *       // poll(fd) with a timeout derived from qstp_session_next_timeout(&s, now);
 *       // on timeout: qstp_session_timeout(&s, &ev); handle(ev); continue;
 *       ssize_t r = read(fd, buf, sizeof buf);
 *       if (r <= 0) { qstp_session_peer_eof(&s, &ev); handle(ev); break; }
 *       for (size_t off = 0; off < (size_t)r && !qstp_session_is_closed(&s); ) {
 *           off += qstp_session_receive(&s, buf + off, (size_t)r - off, &ev);
 *           switch (ev.type) {
 *           case QSTP_EVENT_ESTABLISHED: qstp_session_release_workspace(&s);
 *                                        qstp_session_attach_rx_buffer(&s, rxbuf, sizeof rxbuf); break;
 *           case QSTP_EVENT_DATA:        consume(ev.data, ev.len); break;   // valid until the next call
 *           case QSTP_EVENT_PEER_CLOSED: case QSTP_EVENT_ERROR: log(ev); break;
 *           default: break;
 *           }
 *       }
 *   }
 *   // flush qstp_session_output() once more (a close record or error packet may be queued)
 *   // send application data:  qstp_session_send(&s, data, len, out, sizeof out, &outlen); write_all(fd, out, outlen);
 *   // leave:                  qstp_session_close(&s, qstp_error_none); flush output; close(fd);
 *   // server workspace:       qstp_server_config_workspace_size(&server_cfg)
 *
 * qstp_session_receive() produces at most one event per call and reports how many bytes it
 * consumed; call it again with the rest. It handles partial packets and many packets per buffer.
 * If it returns 0 with QSTP_EVENT_NONE while input remains, output must be drained first (or a
 * receive buffer attached).
 *
 * Threads: a session is used by one thread at a time (no locks inside). It holds no pointer into
 * itself, so it may be copied or moved between calls (e.g. into a slab).
 *
 * Return values: 0 on success, a negated qstp_errors code on failure (qstp_error_of()). After an
 * error the session is failed for good (sticky), its secrets are wiped, and only the queued error
 * packet/close record remains to be sent. */
#ifndef QSTP_SESSION_H
#define QSTP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/errors.h"
#include "qstp/packet.h"
#include "qstp/suite.h"

/* Storage of a session. The real layout is private (src/core/session_internal.h); a static
 * assertion there keeps it within this size. */
#define QSTP_SESSION_SIZE 2816u
/* Receive buffer for one record body (header is kept inside the session). */
#define QSTP_SESSION_RX_BUFFER_SIZE QSTP_PACKET_MESSAGE_MAX
/* Largest qstp_session_send() plaintext and the buffer it needs. */
#define QSTP_SESSION_SEND_MAX QSTP_RECORD_PLAINTEXT_MAX
#define QSTP_SESSION_RECORD_OVERHEAD (QSTP_PACKET_HEADER_SIZE + QSTP_MACTAG_SIZE)
/* Wire size of one record carrying n plaintext bytes (QSTP-WIRE §5.1: n + 53). */
#define QSTP_SESSION_RECORD_SIZE(n) ((size_t)(n) + QSTP_SESSION_RECORD_OVERHEAD)
/* Control output a session may hold (close/keep-alive/ratchet records, error packets): room for
 * the reply to a received packet and one locally queued record (85 B each at most) and an error
 * packet; receive stops reading while less than that is free. */
#define QSTP_SESSION_CONTROL_MAX 192u

typedef struct qstp_session {
    _Alignas(64) unsigned char opaque[QSTP_SESSION_SIZE];
} qstp_session;

typedef enum qstp_role { QSTP_ROLE_CLIENT = 1, QSTP_ROLE_SERVER = 2 } qstp_role;

/* Environment: the only way time and randomness enter the core. */
typedef struct qstp_env {
    uint64_t (*now)(void *ctx); /* Unix UTC seconds (QSTP-WIRE §2.2) */
    qstp_rng_fn random;         /* fill out with len random bytes, 0 on success */
    void *ctx;                  /* passed to both */
} qstp_env;

/* Session options (bit flags). All extensions are off by default (docs/PROTOCOL.md). */
#define QSTP_OPT_RATCHET_SEND 0x1u /* client: may send ratchet requests (our servers only) */

typedef struct qstp_client_config {
    const qstp_suite *suite;         /* from the root certificate's algorithm byte */
    uint8_t sch0[32];                /* H(RootHash || ServerHash), §4.2 */
    uint8_t server_serial[16];       /* server certificate serial, §4.3 */
    const uint8_t *server_verkey;    /* suite->sig_vk_size bytes, §4.5 step 2 */
    uint64_t server_expiration_to;   /* server certificate valid-to, §4.3 step 1 */
    uint32_t options;                /* QSTP_OPT_* */
    uint32_t keepalive_interval;     /* seconds; 0 = never send keep-alives (PROTOCOL.md §3) */
    uint32_t handshake_timeout;      /* seconds; 0 = none */
} qstp_client_config;

/* One server signing key (key rotation: a server may hold several, §4.4 selects by serial). */
typedef struct qstp_server_keyref {
    const qstp_suite *suite;
    uint8_t serial[16];
    uint8_t sch0[32];                /* the key's schash, computed at load time (§4.2) */
    const uint8_t *sigkey;           /* suite->sig_sk_size bytes */
    uint64_t expiration_to;          /* key valid-to, §4.4 check 2 */
    /* Optional precomputed signer (qstp_server_keyref_precompute), NULL to sign from sigkey.
     * Caller memory; the connect response (§4.4 step 5) is then signed with it, byte-identical
     * to the plain path, at about half the cost for ML-DSA. */
    void *sig_precomp;
} qstp_server_keyref;

struct qstp_root_certificate;

typedef struct qstp_server_config {
    const qstp_server_keyref *keys;
    size_t nkeys;
    uint32_t options;
    uint32_t idle_timeout;           /* seconds without an authenticated record; 0 = none */
    uint32_t handshake_timeout;      /* seconds; 0 = none */
    /* Non-NULL enables revocation notices (docs/PROTOCOL.md "## Revocation"): a connection whose
     * first packet has flag 0x20 carries a root-signed notice, checked against this root
     * certificate; the session answers (22 bytes) and reports QSTP_EVENT_REVOKED. The caller
     * then withdraws the key with that serial from `keys`. NULL: flag 0x20 is refused like any
     * malformed connect request. */
    const struct qstp_root_certificate *revocation_root;
    /* Optional pool of precomputed connect responses (include/qstp/precompute.h), shared by all
     * sessions of the server; NULL: every session builds its own (§4.4). A session takes a
     * fresh slot built for the key the client asked for, else builds the response itself. */
    struct qstp_precompute_pool *precompute;
} qstp_server_config;

typedef enum qstp_event_type {
    QSTP_EVENT_NONE = 0,
    QSTP_EVENT_ESTABLISHED,  /* handshake done: release the workspace, attach a receive buffer */
    QSTP_EVENT_DATA,         /* data/len: one record's plaintext, valid until the next receive */
    QSTP_EVENT_RATCHET,      /* the peer's ratchet request was applied (or ours completed) */
    QSTP_EVENT_KEEPALIVE,    /* a keep-alive response arrived (client) or request answered (server) */
    QSTP_EVENT_PEER_CLOSED,  /* close record / terminate / EOF; peer_code says why */
    QSTP_EVENT_ERROR,        /* error says why; the session is dead */
    QSTP_EVENT_REVOKED       /* server: a valid revocation notice; data/len = the 16-byte serial
                                (valid until the session is wiped); the reply is queued and the
                                session is closed */
} qstp_event_type;

typedef struct qstp_event {
    qstp_event_type type;
    qstp_errors error;       /* QSTP_EVENT_ERROR: the local reason */
    int has_peer_code;       /* 1 if the peer sent a code (close record, error packet) */
    uint8_t peer_code;       /* the code the peer sent (a qstp_errors wire value) */
    const uint8_t *data;     /* QSTP_EVENT_DATA */
    size_t len;
} qstp_event;

/* Configuration from certificates and keys (include/qstp/cert.h). The client config points at
 * cert->verkey, so cert must outlive the session's handshake. Does not verify the certificate:
 * call qstp_server_certificate_verify() first (the reference checks it before connecting, §9.2).
 * The server keyref points at key->sigkey and copies key->schash, which must already be set
 * (qstp_server_key_set_schash). Return 0 or -unknown_configuration. */
struct qstp_server_certificate;
struct qstp_server_key;
int qstp_client_config_from_certs(qstp_client_config *cfg, const struct qstp_root_certificate *root,
                                  const struct qstp_server_certificate *cert);
int qstp_server_keyref_from_key(qstp_server_keyref *ref, const struct qstp_server_key *key);

/* Precomputed signing key for a keyref (ML-DSA sets; a server calls this once per key at load).
 * _size: bytes of caller memory needed (about 87 KiB), 0 when the suite has no precomputed form
 * (SLH-DSA: keep signing from sigkey). _precompute expands ref->sigkey into mem (memlen bytes,
 * aligned for a uint64_t) and sets ref->sig_precomp = mem; return 0, or -invalid_input (no
 * precomputed form, mem too small or misaligned, malformed key: ref is left unchanged, mem is
 * wiped). mem holds secret material and is read (never written) by every session using the
 * keyref, from any thread; it must outlive them. Dropping the key is the caller's job:
 * qstp_server_keyref_precompute_wipe() wipes mem (qstp_mldsa_signer_wipe) and sets
 * ref->sig_precomp = NULL; then free mem. */
size_t qstp_server_keyref_precompute_size(const qstp_server_keyref *ref);
int qstp_server_keyref_precompute(qstp_server_keyref *ref, void *mem, size_t memlen);
void qstp_server_keyref_precompute_wipe(qstp_server_keyref *ref);

/* Workspace bytes for a handshake of this suite and role (for a server with keys of several
 * suites, use the maximum). */
size_t qstp_session_handshake_workspace_size(const qstp_suite *suite, qstp_role role);

/* The workspace a server needs for any of its keys (the maximum over cfg->keys). */
size_t qstp_server_config_workspace_size(const qstp_server_config *cfg);

int qstp_session_client_init(qstp_session *s, const qstp_env *env, const qstp_client_config *cfg);
int qstp_session_server_init(qstp_session *s, const qstp_env *env, const qstp_server_config *cfg);

int qstp_session_attach_workspace(qstp_session *s, void *ws, size_t len);
/* Wipes what the handshake left in the workspace and detaches it. Fails (invalid_state) while a
 * handshake is in progress. */
int qstp_session_release_workspace(qstp_session *s);

int qstp_session_attach_rx_buffer(qstp_session *s, uint8_t *buf, size_t len);
/* Detaches the buffer (wiping the plaintext it held); fails while a partial record is held. */
int qstp_session_detach_rx_buffer(qstp_session *s);
/* Bytes of a partial record currently held in the receive buffer. */
size_t qstp_session_rx_pending(const qstp_session *s);

/* Client: checks the certificate's validity (§4.3) and queues the connect request. A server
 * starts by itself when bytes arrive; calling this on a server only arms its handshake timer. */
int qstp_session_start(qstp_session *s);

/* Feed received bytes. Returns the number consumed (<= len); *ev receives at most one event. */
size_t qstp_session_receive(qstp_session *s, const uint8_t *in, size_t len, qstp_event *ev);
/* 1 if an established session holds part of a record (header or body) received so far: an end
 * of file now cut a record short, which a transport reports as an error, not a close. */
int qstp_session_rx_partial(const qstp_session *s);
/* The transport reached end of file. */
void qstp_session_peer_eof(qstp_session *s, qstp_event *ev);

/* Pending output, or NULL if none. Valid until the next qstp_session_output_ack(). */
const uint8_t *qstp_session_output(const qstp_session *s, size_t *len);
void qstp_session_output_ack(qstp_session *s, size_t n);

/* Encrypt one record of len (1..QSTP_SESSION_SEND_MAX) bytes into out. Pending output (control
 * records) is written first so order is kept; *outlen is the total. cap must be at least
 * qstp_session_output() length + len + QSTP_SESSION_RECORD_OVERHEAD. */
int qstp_session_send(qstp_session *s, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                      size_t *outlen);

/* Queue a close: the encrypted 0x13 record with code (established, §3.4) or a plaintext error
 * packet (before, §3.3). The session is closed afterwards; flush the output, then close TCP. */
int qstp_session_close(qstp_session *s, qstp_errors code);

/* Start a symmetric ratchet (docs/PROTOCOL.md §2). Client only with QSTP_OPT_RATCHET_SEND. */
int qstp_session_ratchet(qstp_session *s);

/* Earliest time (Unix seconds) at which qstp_session_timeout() has work, or UINT64_MAX. */
uint64_t qstp_session_next_timeout(const qstp_session *s, uint64_t now);
/* Run timers (keep-alive send, keep-alive loss, idle and handshake timeouts). */
void qstp_session_timeout(qstp_session *s, qstp_event *ev);

int qstp_session_is_established(const qstp_session *s);
/* 1 once the session has ended: closed by either side, or failed. Only queued output remains. */
int qstp_session_is_closed(const qstp_session *s);
/* The sticky error (qstp_error_none while healthy). */
qstp_errors qstp_session_error(const qstp_session *s);
qstp_role qstp_session_role(const qstp_session *s);
const qstp_suite *qstp_session_suite(const qstp_session *s);
/* The 16-byte serial of the server key this session uses: a server's the key the connect request
 * selected (NULL before that), a client's the configured server serial. */
const uint8_t *qstp_session_server_serial(const qstp_session *s);
/* Size of the private layout (for tests and the budget: must stay under 3 KiB). */
size_t qstp_session_state_size(void);

/* Wipe everything (secrets included). Does not touch the workspace or receive buffer. */
void qstp_session_wipe(qstp_session *s);

#endif
