/* Private structures of the event-driven server (server.c: API, keys, limits, logging;
 * loop.c: one epoll loop per thread; workers.c: handshake worker pool and workspace pool). */
#ifndef QSTP_NET_SERVER_INTERNAL_H
#define QSTP_NET_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/netutil.h"
#include "net/slab.h"
#include "qstp/precompute.h"
#include "qstp/server.h"
#include "qstp/session.h"

/* Bytes the loop reads per handshake step: enough for any handshake message of any set (the
 * largest client message is the Kyber k=5 exchange request, 21 + 1920 bytes). */
#define SRV_HS_INPUT_SIZE 8192u
/* One read of established traffic: a whole maximal record and some. */
#define SRV_READ_SIZE (QSTP_RECORD_PACKET_MAX + 4096u)
#define SRV_SEND_SIZE (QSTP_SESSION_SEND_MAX + QSTP_SESSION_RECORD_OVERHEAD + QSTP_SESSION_CONTROL_MAX)
#define SRV_CLOSE_LINGER_MS 2000u   /* after our close record: wait this long for the peer's EOF */
#define SRV_QUIT_DRAIN_MS 2000u
#define SRV_ACCEPT_BATCH 64
#define SRV_RATE_BUCKETS 4096u
#define SRV_MAX_LOOPS 64u
#define SRV_SPARE_RX_MAX 4u         /* free receive buffers a loop keeps */
/* An idle worker looks at the precompute pool at least this often (stale slots are refilled). */
#define SRV_FILL_POLL_MS 1000u
/* Bytes other threads may have queued to one loop (qstp_server_send) before sends are refused:
 * an application that produces faster than the loop encrypts gets -transmit_failure, not an
 * unbounded queue. */
#define SRV_INBOX_MAX_BYTES (64u << 20)

/* The signing keys in force: shared by every session made with them (the session reads its
 * config until it is wiped), so it is reference-counted and replaced whole on reload. */
typedef struct srv_keyset {
    atomic_uint refs;
    qstp_server_config cfg;
    qstp_server_keyref *refs_arr;
    qstp_server_key *keys; /* copies, wiped on free */
    size_t nkeys;
    qstp_root_certificate *revroot; /* copy, or NULL */
    size_t ws_size;                 /* largest handshake workspace of its sets */
    /* Precomputed connect responses for the keys of pool_suite (the first key's set), filled by
     * idle workers (workers.c); cfg.precompute points at it. NULL when off. */
    qstp_precompute_pool *pool;
    uint8_t *pool_mem;
    const qstp_suite *pool_suite;
    size_t pool_work_size;          /* qstp_precompute_work_size(pool_suite) */
    atomic_uint fill_next;          /* key index the next fill starts from */
} srv_keyset;

/* A handshake workspace and the raw input of the handshake step being run, from the pool. */
typedef struct srv_wsslot {
    struct srv_wsslot *next;
    size_t wslen;
    size_t in_off, in_len;
    /* Result of the worker's handshake step, read back on the loop: it lives here rather than
     * in the tunnel because only a handshaking tunnel (which holds a slot) has one. */
    qstp_event_type hs_event;
    qstp_errors hs_error;
    uint8_t hs_revoked[16];
    uint8_t in[SRV_HS_INPUT_SIZE];
    _Alignas(64) uint8_t ws[]; /* wslen bytes */
} srv_wsslot;

typedef struct srv_chunk {
    struct srv_chunk *next;
    size_t len, off;
    uint8_t data[];
} srv_chunk;

enum {
    T_HANDSHAKE = 1, /* on the loop, waiting for bytes */
    T_AT_WORKER,     /* a worker owns the session */
    T_ESTABLISHED,
    T_CLOSING        /* close sent; waiting for the peer's EOF or the linger deadline */
};

struct srv_loop;
struct srv_fwd; /* forward.c: a tunnel's backend connection */

typedef struct srv_tunnel {
    qstp_session s; /* first: 64-byte aligned */
    struct srv_loop *loop;
    qstp_tunnel_id id;    /* gen << 32 | slot << 8 | loop index (SRV_TUNNEL_SLOT) */
    srv_keyset *ks;
    srv_wsslot *ws;       /* handshake workspace, held only while handshaking */
    uint8_t *rxbuf;       /* held only while a partial record is pending */
    uint64_t rx_since;    /* monotonic ms when it started holding rxbuf */
    srv_chunk *out_head, *out_tail;
    size_t out_bytes;
    uint64_t linger_deadline;
    struct srv_tunnel *next_job; /* job queue, done queue, graveyard */
    int fd;
    uint32_t epoll_events; /* currently registered */
    qstp_errors close_code;
    uint8_t state;
    uint8_t reported;     /* on_established was called, so on_closed is owed */
    uint8_t close_req;    /* a close was asked for from inside a callback */
    uint8_t shut;         /* SHUT_WR done */
    qstp_net_addr addr;   /* peer; formatted only when logged */
} srv_tunnel;

/* A message to a loop from another thread. */
typedef struct srv_msg {
    struct srv_msg *next;
    int kind; /* MSG_SEND, MSG_CLOSE */
    qstp_tunnel_id id;
    qstp_errors code;
    size_t len;
    uint8_t data[];
} srv_msg;
enum { MSG_SEND = 1, MSG_CLOSE = 2 };

#define SRV_TUNNEL_SLOT(id) ((uint32_t)(((id) >> 8) & 0xffffffu))
/* Per-tunnel memory is what limits a server's tunnel count (docs/BENCHMARKS.md, bench_scale):
 * the session plus 128 bytes of net state, 46 cache lines. */
_Static_assert(sizeof(srv_tunnel) <= QSTP_SESSION_SIZE + 128u, "net state of a tunnel over 128 bytes");

typedef struct srv_loop {
    struct qstp_server *srv;
    unsigned index;
    pthread_t thread;
    int epfd;
    int listenfd;
    int wakefd;
    pthread_mutex_t mtx; /* inbox and done queue */
    srv_msg *inbox_head, *inbox_tail;
    srv_tunnel *done_head, *done_tail;
    size_t inbox_bytes;
    /* loop-thread-only state */
    srv_tunnel **slots;
    uint32_t nslots, slot_cap;
    uint32_t *free_slots;
    uint32_t nfree;
    uint32_t gen;
    uint32_t live;
    srv_slab slab; /* tunnel memory */
    /* Forwarding only (forward.c): the backend of the tunnel in each slot (the tunnel itself
     * has no byte to spare, see the assertion above), backends still flushing after their
     * tunnel ended, and backends to free after the current epoll batch. */
    struct srv_fwd **fwds;
    struct srv_fwd *fwd_draining;
    struct srv_fwd *fwd_dead;
    uint8_t *readbuf;
    uint8_t *sendbuf;
    uint8_t *spare_rx[SRV_SPARE_RX_MAX];
    unsigned nspare;
    int quitting;
    uint64_t quit_deadline;
} srv_loop;

struct qstp_server {
    qstp_server_options opt;
    char address[64];
    uint16_t port;
    int family;
    qstp_env env;
    unsigned nloops;
    srv_loop *loops;
    /* keys */
    pthread_mutex_t ks_mtx;
    srv_keyset *ks;
    /* Serials withdrawn by revocation notices. Withdrawals and reloads each read the current key
     * set, derive a new one and swap it in; holding withdraw_mtx across the three keeps one from
     * undoing another, and a reload leaves these serials out (revocation is permanent). */
    pthread_mutex_t withdraw_mtx;
    uint8_t (*revoked)[16];
    size_t nrevoked;
    /* limits and counters */
    atomic_uint tunnels;
    atomic_uint handshakes;
    atomic_int paused;
    atomic_int quit;
    atomic_ullong n_accepted, n_established, n_refused, n_hs_failed;
    /* forwarding (forward.c): the backend, resolved once at start */
    int fwd_on;
    char fwd_host[256];
    struct sockaddr_storage fwd_addr;
    socklen_t fwd_addrlen;
    atomic_uint backends;
    pthread_mutex_t rate_mtx;
    struct { uint64_t key; uint64_t last_ms; uint32_t tokens_milli; } rate[SRV_RATE_BUCKETS];
    /* worker pool */
    pthread_mutex_t job_mtx;
    pthread_cond_t job_cv;
    srv_tunnel *job_head, *job_tail;
    int workers_stop;
    unsigned nworkers;
    unsigned fillers;               /* workers filling the precompute pool now (job_mtx) */
    pthread_t *workers;
    /* workspace pool */
    pthread_mutex_t ws_mtx;
    srv_wsslot *ws_free;
};

/* server.c */
void srv_log(const struct qstp_server *srv, qstp_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
srv_keyset *srv_keyset_get(struct qstp_server *srv);
void srv_keyset_put(srv_keyset *ks);
/* 1 if a new handshake from this address is within the rate limit (takes a token). */
int srv_rate_allow(struct qstp_server *srv, const struct sockaddr *sa);
/* A valid revocation notice arrived: withdraw the key with this serial. */
void srv_withdraw_key(struct qstp_server *srv, const uint8_t serial[16]);

/* workers.c */
int srv_workers_start(struct qstp_server *srv);
void srv_workers_stop(struct qstp_server *srv);
void srv_worker_submit(struct qstp_server *srv, srv_tunnel *t);
srv_wsslot *srv_ws_get(struct qstp_server *srv, size_t wslen);
void srv_ws_put(struct qstp_server *srv, srv_wsslot *w);
void srv_ws_pool_free(struct qstp_server *srv);

/* forward.c (all on the tunnel's loop thread) */
int srv_fwd_resolve(struct qstp_server *srv);
/* The tunnel is established: connect its backend (failure closes the tunnel). */
void srv_fwd_open(srv_tunnel *t);
/* Decrypted bytes from the client: to the backend now, or kept until it takes them. */
void srv_fwd_data(srv_tunnel *t, const uint8_t *data, size_t len);
/* 1 while the tunnel's socket must not be read (the backend has not taken earlier bytes). */
int srv_fwd_input_blocked(const srv_tunnel *t);
/* The tunnel's send queue changed: resume or stop reading the backend. */
void srv_fwd_output_changed(srv_tunnel *t);
/* The tunnel ended (once): pass the end on to the backend. */
void srv_fwd_tunnel_gone(srv_tunnel *t, qstp_errors reason);
/* An epoll event on a backend socket (data.u64 had SRV_FWD_TAG set). */
#define SRV_FWD_TAG 1u
void srv_fwd_event(srv_loop *l, struct srv_fwd *f, uint32_t events);
void srv_fwd_timers(srv_loop *l, uint64_t mono);
void srv_fwd_bury(srv_loop *l);
int srv_fwd_grow(srv_loop *l, uint32_t cap);
void srv_fwd_loop_free(srv_loop *l);

/* loop.c */
/* For forward.c: seal and queue application data on an established tunnel; close it (from
 * inside or outside its input processing); recompute its epoll interest. */
int srv_tunnel_send(srv_tunnel *t, const uint8_t *data, size_t len);
void srv_tunnel_close(srv_tunnel *t, qstp_errors code);
void srv_tunnel_update(srv_tunnel *t);
int srv_loop_init(struct qstp_server *srv, srv_loop *l, unsigned index);
void *srv_loop_main(void *arg);
void srv_loop_wake(srv_loop *l);
void srv_loop_free(srv_loop *l);
/* Handshake step done (worker thread): hand the tunnel back to its loop. */
void srv_loop_handshake_done(srv_tunnel *t);
int srv_loop_post(srv_loop *l, srv_msg *m);
/* Direct send when called on the tunnel's own loop thread; 1 if it handled the call. */
int srv_loop_try_direct(srv_loop *l, int kind, qstp_tunnel_id id, const uint8_t *data, size_t len,
                        qstp_errors code, int *ret);

#endif
