/* Local port forwarding as an event loop (`qstp client -L`): every TCP connection accepted on a
 * local listening socket gets its own QSTP tunnel to one server, like ssh -L / stunnel client.
 * One thread runs one epoll set holding the listener, every local socket and every tunnel
 * socket; tunnels connect and handshake non-blocking over the sans-I/O session (session.h), so
 * a forwarder costs one thread whatever the number of connections (src/net/forward.c is the
 * server-side twin). Internal to the net layer and the CLI (not installed).
 *
 * Bytes and back-pressure (level-triggered interest, one read per readiness event):
 *   local -> tunnel: one recv() of up to QSTP_SESSION_SEND_MAX bytes is sealed into one record
 *                    and sent with one send(); the local socket is not read again until the
 *                    tunnel socket has taken all of it (a slow server stops the local reader).
 *   tunnel -> local: one recv() of up to QSTP_LOCAL_FWD_READ_SIZE bytes is opened record by
 *                    record and each plaintext goes to the local socket with one send(); what
 *                    the local peer does not take now is kept and the tunnel is not read again
 *                    until it is gone (a local peer that does not read stops the tunnel reader).
 * Memory per connection: an idle tunnel holds its state (about 3 KiB: the session and two sockets)
 * and nothing else; a busy one at most the state + one receive buffer (64 KiB) + the plaintext
 * of one tunnel read (QSTP_LOCAL_FWD_READ_SIZE plus the record held in part before it, 132 KiB)
 * + one sealed record and the control replies of one read (about 140 KiB): under 350 KiB
 * whatever the peers do. During the handshake the suite's client workspace is held as well
 * (qstp_session_handshake_workspace_size).
 *
 * Ending (QSTP has no half-close, WIRE §3.4):
 *  - local end of stream: the tunnel stays open until the server closes it or nothing has
 *    arrived for linger_ms (so a reply in flight is delivered), then our close record is sent;
 *    the silence counts only while the tunnel is read (not while the local peer is still
 *    taking what waits for it, as long as it takes some every 30 s);
 *  - the local peer resets, or is gone while bytes for it remain: the close record carries
 *    connection_failure (the server resets its backend), and the local side is reset;
 *  - the server closes (close record with code 0 or end of stream between records): what the
 *    local peer has not taken yet is written, then the local side gets a FIN;
 *  - the tunnel fails (cut inside a record, a record that does not authenticate, a reset, an
 *    error code): the local connection is reset (SO_LINGER 0), so an error never looks like a
 *    complete stream;
 *  - no tunnel (certificate, connect, handshake, timeout, stop before it was open): the local
 *    connection is reset, never ended as an empty stream;
 *  - qstp_local_fwd_stop(): every open tunnel gets a close record, then run() returns; a local
 *    connection whose bytes were still on their way is reset (and the close record carries
 *    connection_failure). */
#ifndef QSTP_NET_LOCAL_FWD_H
#define QSTP_NET_LOCAL_FWD_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/cert.h"
#include "qstp/errors.h"
#include "qstp/packet.h"

/* Bytes of one tunnel read (a whole largest record and then some). */
#define QSTP_LOCAL_FWD_READ_SIZE (QSTP_RECORD_PACKET_MAX + 4096u)

typedef struct qstp_local_fwd qstp_local_fwd;

typedef enum qstp_local_fwd_event_kind {
    QSTP_LOCAL_FWD_OPEN = 1, /* the tunnel of a local connection is established */
    QSTP_LOCAL_FWD_FAILED,   /* no tunnel (certificate, connect, handshake, timeout): error says
                                why; the local connection has been reset */
    QSTP_LOCAL_FWD_CLOSED    /* an open tunnel ended */
} qstp_local_fwd_event_kind;

typedef struct qstp_local_fwd_event {
    qstp_local_fwd_event_kind kind;
    const char *peer;      /* the local peer, "127.0.0.1:5555" */
    uint64_t handshake_ms; /* OPEN: TCP connect + handshake time */
    int error;             /* FAILED: a negated qstp_errors code (as qstp_client_connect's) */
    int by_server;         /* CLOSED: 1 if the server (or the tunnel's failure) ended it */
    qstp_errors reason;    /* CLOSED: qstp_error_none for a normal end */
    uint64_t tx_bytes, rx_bytes; /* CLOSED: plaintext sent through / received from the tunnel */
} qstp_local_fwd_event;

typedef struct qstp_local_fwd_config {
    const qstp_root_certificate *root;   /* must outlive the forwarder */
    const qstp_server_certificate *cert; /* must outlive the forwarder */
    const char *host;                    /* the server; resolved once by qstp_local_fwd_new */
    uint16_t port;
    uint32_t timeout_ms;         /* TCP connect + handshake per tunnel; 0 = 10 s */
    uint32_t keepalive_interval; /* seconds; 0 = none (docs/PROTOCOL.md §3) */
    uint32_t session_options;    /* QSTP_OPT_* */
    uint32_t linger_ms;          /* after a local end of stream, see above */
    uint32_t write_timeout_ms;   /* an open tunnel whose server takes no byte for this long
                                    fails (timeout; the local side is reset); 0 = 30 s */
    /* Called on the loop's thread for each event; may be NULL. */
    void (*on_event)(const qstp_local_fwd_event *ev, void *ctx);
    void *ctx;
} qstp_local_fwd_config;

/* Takes a bound, listening socket (made non-blocking here; the caller closes it after free).
 * Resolves the host. Returns 0, -invalid_input, -connection_failure (the name does not resolve)
 * or -memory_allocation. */
int qstp_local_fwd_new(qstp_local_fwd **out, const qstp_local_fwd_config *cfg, int listen_fd);

/* Runs the loop on the calling thread until qstp_local_fwd_stop(); then closes every tunnel
 * (close records, up to about 1.5 s for them to go out) and returns 0 (or -internal if epoll
 * itself failed). */
int qstp_local_fwd_run(qstp_local_fwd *f);

/* Async-signal-safe and thread-safe: asks run() to stop. */
void qstp_local_fwd_stop(qstp_local_fwd *f);

/* Open local connections right now (tests). */
size_t qstp_local_fwd_count(const qstp_local_fwd *f);

/* The most buffer memory (receive buffer, unsent plaintext, unsent records) one connection has
 * held at a time so far, in bytes (tests: the bound above; QSTP_LOCAL_FWD_CONN_MAX). */
size_t qstp_local_fwd_peak_buffers(const qstp_local_fwd *f);
#define QSTP_LOCAL_FWD_CONN_MAX (350u * 1024u)

/* Frees everything (after run() returned, or instead of it). NULL is ignored. */
void qstp_local_fwd_free(qstp_local_fwd *f);

#endif
