/* Event-driven QSTP server (the net layer's second user of the sans-I/O session, session.h).
 *
 * Shape (docs/ARCHITECTURE.md "The server"):
 *  - one epoll loop per thread (default one per core), each with its own listening socket on the
 *    same port (SO_REUSEPORT); non-blocking sockets; IPv4, IPv6, or both when bound to "::";
 *  - handshake steps (KEM key generation, signing, decapsulation run inside the core's receive
 *    call) go to a small worker pool, so a slow handshake never stalls established tunnels;
 *    established records are decrypted on the loop thread;
 *  - an established tunnel holds no receive buffer while idle: each read borrows the loop's
 *    buffer and gives it back when no partial record is pending; handshake workspaces come from
 *    a pool and go back after ESTABLISHED;
 *  - explicit limits (max tunnels, max handshakes in flight, per-address handshake rate,
 *    handshake timeout, idle timeout): hitting one refuses the new connection with a §3.3 error
 *    packet (hosts_exceeded) and one log line; it never crashes. A tunnel that leaves a record
 *    half-sent for record_timeout is closed, so idle peers cannot pin receive buffers.
 *
 * Callbacks run on loop threads and must not block for long. qstp_server_send() and
 * qstp_server_close_tunnel() may be called from any thread, including from callbacks.
 *
 * Return values: 0 or a negated qstp_errors code (errors.h). */
#ifndef QSTP_SERVER_H
#define QSTP_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "qstp/cert.h"
#include "qstp/errors.h"
#include "qstp/suite.h"

#define QSTP_SERVER_DEFAULT_PORT 32119u          /* QSTP_SERVER_PORT, QSTP-WIRE §2.7 */
#define QSTP_SERVER_DEFAULT_MAX_TUNNELS 10000u
#define QSTP_SERVER_DEFAULT_MAX_HANDSHAKES 256u
#define QSTP_SERVER_DEFAULT_HANDSHAKE_RATE 50u   /* new handshakes per second per address */
#define QSTP_SERVER_DEFAULT_HANDSHAKE_TIMEOUT 10u /* seconds */
#define QSTP_SERVER_DEFAULT_IDLE_TIMEOUT 900u    /* seconds (the reference has none, §9.1) */
#define QSTP_SERVER_DEFAULT_MAX_QUEUED (8u << 20) /* unsent bytes per tunnel before it is dropped */
#define QSTP_SERVER_DEFAULT_RECORD_TIMEOUT 30u   /* seconds a partial record may hold a buffer */
#define QSTP_SERVER_DEFAULT_FORWARD_CONNECT_MS 10000u
/* precompute_slots: QSTP_SERVER_PRECOMPUTE_AUTO picks QSTP_SERVER_DEFAULT_PRECOMPUTE_MCELIECE
 * slots for a McEliece key set (whose KEM key generation costs tens to hundreds of ms) and none
 * for ML-KEM sets (where a pooled response saves little). */
#define QSTP_SERVER_PRECOMPUTE_AUTO (-1)
#define QSTP_SERVER_DEFAULT_PRECOMPUTE_MCELIECE 4

typedef struct qstp_server qstp_server;
/* Identifies a tunnel for the server's lifetime (never reused while the server runs). */
typedef uint64_t qstp_tunnel_id;

typedef enum qstp_log_level {
    QSTP_LOG_DEBUG = 0,
    QSTP_LOG_INFO = 1,
    QSTP_LOG_WARN = 2,
    QSTP_LOG_ERROR = 3
} qstp_log_level;

/* One line, without a newline. Called from any server thread, possibly concurrently. */
typedef void (*qstp_log_fn)(void *ctx, qstp_log_level level, const char *line);

typedef struct qstp_tunnel_info {
    qstp_tunnel_id id;
    const char *peer;               /* "127.0.0.1:40000" or "[::1]:40000" */
    const struct sockaddr *addr;
    socklen_t addrlen;
    const uint8_t *server_serial;   /* 16 bytes: the serial of the key that served it */
    const qstp_suite *suite;
} qstp_tunnel_info;

typedef struct qstp_server_callbacks {
    void (*on_established)(qstp_server *srv, const qstp_tunnel_info *info, void *ctx);
    /* data is valid only during the call */
    void (*on_data)(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx);
    /* Once per established tunnel. reason: qstp_error_none for a normal close by either side
     * (close record code 0, terminate, end of stream, server quit), else why it ended. */
    void (*on_closed)(qstp_server *srv, qstp_tunnel_id id, qstp_errors reason, void *ctx);
    void *ctx;
} qstp_server_callbacks;

typedef struct qstp_server_options {
    const char *address;        /* listen address; NULL or "::" = dual stack, "0.0.0.0", ... */
    uint16_t port;              /* 0 = QSTP_SERVER_DEFAULT_PORT */
    int ephemeral_port;         /* 1: let the kernel choose a port (qstp_server_port() tells) */
    unsigned loops;             /* event loops; 0 = one per online core */
    unsigned workers;           /* handshake worker threads; 0 = one per online core */
    uint32_t max_tunnels;       /* 0 = default; limits are explicit, never infinite */
    uint32_t max_handshakes;    /* handshakes in flight; 0 = default */
    uint32_t handshake_rate;    /* per source address per second (burst = 2x); 0 = default */
    uint32_t handshake_timeout; /* seconds; 0 = default */
    uint32_t idle_timeout;      /* seconds without an authenticated record; 0 = default */
    size_t max_queued;          /* unsent bytes per tunnel; 0 = default */
    uint32_t record_timeout;    /* seconds a tunnel may sit on a partial record (it then holds a
                                   64 KiB receive buffer); 0 = default */
    /* Precomputed connect responses (include/qstp/precompute.h): idle handshake workers build
     * them ahead of time so a connect request is answered without KEM key generation and
     * signing. Slots per key set: QSTP_SERVER_PRECOMPUTE_AUTO (what options_default sets), 0 =
     * off, n = n slots (at most QSTP_PRECOMPUTE_MAX_SLOTS; each holds a connect response and a
     * KEM secret key: ~1.4 MB for McEliece-8192128, ~6.3 KiB for ML-KEM-1024). Only keys of the
     * set of the first key are pooled. A pooled response is up to precompute_max_age seconds
     * old when sent, so a client accepts it with 60 - max_age seconds of clock skew instead of
     * 60 (QSTP-WIRE §2.3; docs/API.md). */
    int precompute_slots;
    uint32_t precompute_max_age; /* seconds, 1..59; 0 = QSTP_PRECOMPUTE_DEFAULT_MAX_AGE (30) */
    /* Forwarding (src/net/forward.c): with forward_host set, every established tunnel is joined
     * to a new TCP connection to forward_host:forward_port, made and served by the tunnel's own
     * event loop (no thread per tunnel). Decrypted records go straight to the backend and
     * backend bytes are sealed straight into the tunnel; on_data is not called for such
     * tunnels (on_established and on_closed are). Back-pressure both ways: a backend that does
     * not read stops the server reading that tunnel, a client that does not read stops the
     * server reading its backend, so max_queued is never reached. The host is resolved once by
     * qstp_server_start (its first address is used). Half-close: the backend's end of stream
     * closes the tunnel after its data; the tunnel's end is passed on as shutdown(SHUT_WR)
     * after the pending bytes are written, then the backend socket is closed. */
    const char *forward_host;
    uint16_t forward_port;
    uint32_t forward_connect_ms; /* backend connect timeout; 0 = QSTP_SERVER_DEFAULT_FORWARD_CONNECT_MS */
    qstp_server_callbacks cb;
    qstp_log_fn log;            /* NULL: one line per event to stderr */
    void *log_ctx;
    qstp_log_level log_level;   /* lines below this level are dropped (default INFO) */
} qstp_server_options;

typedef struct qstp_server_stats {
    uint64_t accepted;           /* connections accepted */
    uint64_t established;        /* handshakes completed */
    uint64_t refused;            /* connections refused by a limit or pause */
    uint64_t handshake_failures; /* handshakes that failed (bad input, timeout, peer gone) */
    uint32_t tunnels;            /* open connections now (any state) */
    uint32_t handshakes;         /* handshakes in flight now */
    uint32_t backends;           /* forwarding: backend connections open now (incl. draining) */
    /* Precomputed connect responses of the current key set's pool (0 without one): built,
     * used by a handshake, wiped unused because they got too old; and ready now. */
    uint64_t precomputed_filled;
    uint64_t precomputed_taken;
    uint64_t precomputed_expired;
    uint32_t precomputed_ready;
} qstp_server_stats;

void qstp_server_options_default(qstp_server_options *opt);

/* Starts a server with nkeys (>= 1) signing keys. Each key's schash must already be set
 * (qstp_server_key_set_schash; the reference also refuses a zero schash, §9.1). The keys are
 * copied (and wiped when no longer used). revocation_root (may be NULL) enables revocation
 * notices (session.h); a valid notice withdraws the key with that serial. Binds, spawns the
 * threads and returns; the server runs until qstp_server_quit(). */
int qstp_server_start(qstp_server **out, const qstp_server_options *opt,
                      const qstp_server_key *keys, size_t nkeys,
                      const qstp_root_certificate *revocation_root);

/* The bound port (useful with ephemeral_port). */
uint16_t qstp_server_port(const qstp_server *srv);

/* Pause: new connections are refused (error packet accept_fail); tunnels keep running.
 * Resume: accept again. */
int qstp_server_pause(qstp_server *srv);
int qstp_server_resume(qstp_server *srv);
int qstp_server_is_paused(const qstp_server *srv);

/* Close every tunnel with a close record (§3.4, code 0), stop all threads, free everything
 * (keys wiped). srv is invalid afterwards. Must not be called from a server callback. */
void qstp_server_quit(qstp_server *srv);

/* Encrypt and send data (len >= 1; split into records of at most QSTP_SESSION_SEND_MAX) on a
 * tunnel. Any thread. 0 when queued; -channel_down for a tunnel that is known to be gone;
 * -transmit_failure when 64 MiB from other threads already wait for that tunnel's loop (try
 * again later). From a callback on the tunnel's own loop the record is encrypted at once. */
int qstp_server_send(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len);

/* Close one tunnel with a close record carrying code (qstp_error_none = normal). Any thread. */
int qstp_server_close_tunnel(qstp_server *srv, qstp_tunnel_id id, qstp_errors code);

/* Replace the signing keys without dropping tunnels: new handshakes use the new set; tunnels
 * keep the keys they were made with until they end. Same rules as qstp_server_start. A key the
 * root withdrew by a revocation notice while this server ran stays out (logged); if every key
 * given was withdrawn, nothing changes and the result is certificate_revoked. */
int qstp_server_reload(qstp_server *srv, const qstp_server_key *keys, size_t nkeys);

void qstp_server_get_stats(const qstp_server *srv, qstp_server_stats *st);

/* Log through the server's logger (for applications that want one stream). */
void qstp_server_log(const qstp_server *srv, qstp_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
