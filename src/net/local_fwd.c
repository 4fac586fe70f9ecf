/* Local port forwarding in one epoll loop (local_fwd.h). Each local connection is an lf_conn:
 * its session, its two sockets, and buffers that exist only while bytes wait in them.
 *
 * States of a connection:
 *   CONNECTING  non-blocking TCP connect to the server (next address on failure)
 *   HANDSHAKE   the session's handshake; the local socket is not read yet
 *   OPEN        bytes flow both ways (local_eof: the local side ended, lingering)
 *   CLOSING     our close record is going out; waiting for the server's end of stream (1 s)
 *   LDRAIN      the server closed cleanly; the local peer still has bytes to take
 * Sockets are level-triggered and read once per event (fair between connections); interest
 * follows from the state (update()), which is how back-pressure works: a socket whose data has
 * nowhere to go is simply not read. */
#include "net/local_fwd.h"

#include <errno.h>
#include <netdb.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crypto/ct.h"
#include "net/netutil.h"
#include "qstp/session.h"

#define LF_DEFAULT_TIMEOUT_MS 10000u
#define LF_SEAL_CAP (QSTP_SESSION_SEND_MAX + QSTP_SESSION_RECORD_OVERHEAD + QSTP_SESSION_CONTROL_MAX)
/* The tunnel is not read while more than this waits to be sent to it (control replies only:
 * the local side is not read at all while anything waits). */
#define LF_OUT_MARK LF_SEAL_CAP
#define LF_CLOSE_DRAIN_MS 1000u  /* our close record out, the server's end of stream in */
#define LF_LOCAL_DRAIN_MS 30000u /* a local peer that takes nothing for this long is gone */
#define LF_WRITE_TIMEOUT_MS 30000u /* a server that takes nothing for this long is gone (as the
                                      blocking client's write timeout) */
#define LF_STOP_MS 1500u         /* stop: how long the close records may take in all */
#define LF_SCAN_MAX_MS 1000u     /* timers are looked at at least this often */
#define LF_KEEPALIVE_SCAN_MS 250u
#define LF_RX_POOL 16u           /* free receive buffers kept for reuse */
#define LF_ACCEPT_BATCH 64
#define LF_ACCEPT_PAUSE_MS 100u  /* out of descriptors: stop accepting for a moment */

#define TAG_WAKE 0u
#define TAG_LISTEN 2u
#define TAG_TUNNEL 1u /* low bit of a connection pointer: its tunnel socket */

_Static_assert(QSTP_LOCAL_FWD_READ_SIZE >= QSTP_RECORD_PACKET_MAX, "a read holds a record");
/* Plaintext one tunnel read can yield: the read's own bytes, plus the record the session held
 * in part from the previous read (its plaintext comes out with this read's bytes). */
#define LF_LPEND_CAP (QSTP_LOCAL_FWD_READ_SIZE + QSTP_SESSION_SEND_MAX)

enum { C_CONNECTING = 1, C_HANDSHAKE, C_OPEN, C_CLOSING, C_LDRAIN, C_DEAD };

typedef struct lf_conn {
    qstp_session s; /* first: its 64-byte alignment keeps the pointer's low bits free */
    struct lf_conn *prev, *next; /* live list, or the dead list (next) */
    int lfd, tfd;
    uint32_t lev, tev; /* epoll interest registered for each socket */
    uint8_t state;
    uint8_t local_eof;
    uint8_t busy;    /* sealed into out since the last timer scan */
    uint8_t ai_next; /* the server address to try after the current one */
    uint64_t start_ms, eof_ms, last_rx_ms, deadline_ms;
    uint64_t out_ms; /* when the tunnel last took bytes, or out filled */
    uint64_t lp_ms;  /* when the local peer last took plaintext, or lpend filled */
    uint64_t tx, rx;
    uint8_t *ws;     /* handshake workspace */
    uint8_t *rxbuf;  /* attached while the session holds part of a record */
    uint8_t *out;    /* sealed bytes the tunnel socket has not taken */
    size_t out_off, out_len, out_cap;
    uint8_t *lpend;  /* plaintext the local socket has not taken */
    size_t lpend_off, lpend_len;
    qstp_net_addr peer;
} lf_conn;

_Static_assert(sizeof(lf_conn) % _Alignof(lf_conn) == 0, "aligned_alloc wants a multiple");

struct qstp_local_fwd {
    qstp_local_fwd_config cfg;
    qstp_client_config ccfg;
    qstp_env env;
    int epfd, wakefd, lfd;
    uint32_t lfd_ev;
    volatile sig_atomic_t stop_req;
    int stopping;
    uint64_t stop_deadline, accept_resume;
    uint32_t write_timeout_ms;
    uint64_t cert_ok_at; /* Unix time of the last full certificate check that passed, or 0 */
    struct sockaddr_storage addrs[4];
    socklen_t addrlens[4];
    uint8_t naddrs;
    size_t wslen;
    lf_conn *live, *dead;
    _Atomic size_t nlive;
    _Atomic size_t peak; /* the most buffer memory one connection held (tests) */
    uint64_t next_scan;
    uint8_t *readbuf;  /* one tunnel read (ciphertext) */
    uint8_t *plain;    /* one local read (plaintext: wiped when a tunnel ends, below) */
    size_t plain_used; /* bytes of plain written since it was last wiped */
    uint8_t *seal;     /* one sealed record, when the connection has no out buffer */
    uint8_t *rxfree[LF_RX_POOL];
    unsigned nrxfree;
};

/* ------------------------------------------------------------------ small helpers */

static int again(void)
{
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

static void want_scan(qstp_local_fwd *f, uint64_t at)
{
    if (at < f->next_scan)
        f->next_scan = at;
}

static void set_ev(qstp_local_fwd *f, int fd, uint32_t *cur, uint32_t want, uint64_t tag)
{
    struct epoll_event ev;
    if (fd < 0 || *cur == want)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = want;
    ev.data.u64 = tag;
    /* Interest 0 means out of the set: a hang-up is reported even without EPOLLIN, and a
     * socket we do not want to hear from must not spin the loop. */
    if (want == 0)
        (void)epoll_ctl(f->epfd, EPOLL_CTL_DEL, fd, &ev);
    else if (epoll_ctl(f->epfd, *cur == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) != 0)
        return;
    *cur = want;
}

static void update(qstp_local_fwd *f, lf_conn *c)
{
    uint32_t lw = 0, tw = 0;
    switch (c->state) {
    case C_CONNECTING:
        tw = EPOLLOUT;
        break;
    case C_HANDSHAKE:
    case C_CLOSING:
        tw = EPOLLIN | (c->out_len > 0 ? EPOLLOUT : 0u);
        break;
    case C_OPEN:
        if (!c->local_eof && c->out_len == 0)
            lw |= EPOLLIN;
        if (c->lpend_len > 0)
            lw |= EPOLLOUT;
        if (c->lpend_len == 0 && c->out_len <= LF_OUT_MARK)
            tw |= EPOLLIN;
        if (c->out_len > 0)
            tw |= EPOLLOUT;
        break;
    case C_LDRAIN:
        lw = EPOLLOUT;
        break;
    default:
        break;
    }
    set_ev(f, c->lfd, &c->lev, lw, (uint64_t)(uintptr_t)c);
    set_ev(f, c->tfd, &c->tev, tw, (uint64_t)(uintptr_t)c | TAG_TUNNEL);
    {
        const size_t held = c->out_cap + (c->lpend != NULL ? LF_LPEND_CAP : 0u) +
                            (c->rxbuf != NULL ? QSTP_SESSION_RX_BUFFER_SIZE : 0u);
        if (held > atomic_load_explicit(&f->peak, memory_order_relaxed))
            atomic_store_explicit(&f->peak, held, memory_order_relaxed);
    }
}

static void emit(qstp_local_fwd *f, const lf_conn *c, qstp_local_fwd_event *ev)
{
    char peer[QSTP_NET_ADDRSTR];
    if (f->cfg.on_event == NULL)
        return;
    qstp_net_addr_text(&c->peer, peer);
    ev->peer = peer;
    f->cfg.on_event(ev, f->cfg.ctx);
}

static uint8_t *rx_take(qstp_local_fwd *f)
{
    if (f->nrxfree > 0)
        return f->rxfree[--f->nrxfree];
    return malloc(QSTP_SESSION_RX_BUFFER_SIZE);
}

static void rx_release(qstp_local_fwd *f, lf_conn *c)
{
    if (c->rxbuf == NULL)
        return;
    if (qstp_session_detach_rx_buffer(&c->s) != 0)
        qstp_wipe(c->rxbuf, QSTP_SESSION_RX_BUFFER_SIZE); /* held a partial record: plaintext */
    if (f->nrxfree < LF_RX_POOL)
        f->rxfree[f->nrxfree++] = c->rxbuf;
    else
        free(c->rxbuf);
    c->rxbuf = NULL;
}

static void ws_release(qstp_local_fwd *f, lf_conn *c)
{
    if (c->ws == NULL)
        return;
    (void)qstp_session_release_workspace(&c->s);
    qstp_wipe(c->ws, f->wslen); /* also when the handshake did not finish (release refused) */
    free(c->ws);
    c->ws = NULL;
}

static void lpend_free(lf_conn *c)
{
    if (c->lpend != NULL) {
        qstp_wipe(c->lpend, LF_LPEND_CAP);
        free(c->lpend);
    }
    c->lpend = NULL;
    c->lpend_off = c->lpend_len = 0;
}

static void out_free(lf_conn *c)
{
    free(c->out); /* ciphertext */
    c->out = NULL;
    c->out_off = c->out_len = c->out_cap = 0;
}

/* ------------------------------------------------------------------ tunnel output */

/* Send what waits for the tunnel. 0 (all or part written), -1 if the socket failed. */
static int out_flush(lf_conn *c)
{
    while (c->out_len > 0) {
        ssize_t w = send(c->tfd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0)
            return again() ? 0 : -1;
        c->out_ms = qstp_net_mono_ms();
        c->out_off += (size_t)w;
        c->out_len -= (size_t)w;
    }
    c->out_off = 0;
    return 0;
}

/* Bytes for the tunnel, after whatever waits: sent now if the socket takes them, the rest kept.
 * p may point into c->out itself (a record sealed there): then nothing is copied. */
static int out_put(lf_conn *c, const uint8_t *p, size_t n)
{
    if (c->out_len == 0 && c->state != C_CONNECTING) {
        if (qstp_net_send_now(c->tfd, &p, &n) != 0)
            return -1;
        if (n == 0)
            return 0;
    }
    if (c->out_len == 0)
        c->out_ms = qstp_net_mono_ms(); /* the write timeout runs from here */
    if (c->out != NULL && p >= c->out && p < c->out + c->out_cap) {
        /* sealed in place at the start of out (only when out was empty) */
        c->out_off = (size_t)(p - c->out);
        c->out_len = n;
        return 0;
    }
    if (c->out_off > 0 && c->out_len > 0)
        memmove(c->out, c->out + c->out_off, c->out_len);
    c->out_off = 0;
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap > 0 ? c->out_cap : LF_SEAL_CAP;
        uint8_t *q;
        while (cap < c->out_len + n)
            cap *= 2u;
        /* Past two records, grow by what is needed (4 KiB steps), not twice: out holds at most
         * LF_OUT_MARK plus the control replies of one tunnel read (each no larger than the
         * request it answers: under QSTP_LOCAL_FWD_READ_SIZE + one control record), 135 KiB;
         * doubling could make that 263 KiB and break the per-connection bound (R4-LF-7). */
        if (cap > 2u * LF_SEAL_CAP && c->out_len + n > 2u * LF_SEAL_CAP)
            cap = (c->out_len + n + 4095u) & ~(size_t)4095u;
        q = realloc(c->out, cap);
        if (q == NULL)
            return -1;
        c->out = q;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    return 0;
}

/* Move what the session queued (handshake messages, control records) behind the tunnel's
 * pending bytes, so the order on the wire is kept. */
static int drain_session(lf_conn *c)
{
    const uint8_t *o;
    size_t n;
    while ((o = qstp_session_output(&c->s, &n)) != NULL) {
        if (out_put(c, o, n) != 0)
            return -1;
        qstp_session_output_ack(&c->s, n);
    }
    return 0;
}

/* ------------------------------------------------------------------ ends */

static void destroy(qstp_local_fwd *f, lf_conn *c)
{
    if (c->state == C_DEAD)
        return;
    set_ev(f, c->lfd, &c->lev, 0, 0);
    set_ev(f, c->tfd, &c->tev, 0, 0);
    if (c->lfd >= 0)
        close(c->lfd);
    if (c->tfd >= 0)
        close(c->tfd);
    c->lfd = c->tfd = -1;
    ws_release(f, c);
    rx_release(f, c);
    lpend_free(c);
    out_free(c);
    qstp_session_wipe(&c->s);
    /* The shared local read buffer may hold this tunnel's last plaintext: wiped when a tunnel
     * ends (one memset per tunnel, not one per 64 KiB record on the streaming path). */
    if (f->plain_used > 0) {
        qstp_wipe(f->plain, f->plain_used);
        f->plain_used = 0;
    }
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        f->live = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    atomic_fetch_sub(&f->nlive, 1);
    c->state = C_DEAD;
    /* freed after the current epoll batch, which may still name it */
    c->prev = NULL;
    c->next = f->dead;
    f->dead = c;
}

static void reset_local(lf_conn *c)
{
    if (c->lfd >= 0) {
        /* A FIN would tell the local peer that what it got is complete. */
        struct linger lg = {1, 0};
        (void)setsockopt(c->lfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    }
}

static void emit_closed(qstp_local_fwd *f, const lf_conn *c, int by_server, qstp_errors why)
{
    qstp_local_fwd_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = QSTP_LOCAL_FWD_CLOSED;
    ev.by_server = by_server;
    ev.reason = why;
    ev.tx_bytes = c->tx;
    ev.rx_bytes = c->rx;
    emit(f, c, &ev);
}

/* No tunnel for this local connection. */
static void hs_failed(qstp_local_fwd *f, lf_conn *c, int err)
{
    qstp_local_fwd_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = QSTP_LOCAL_FWD_FAILED;
    ev.error = err < 0 ? err : qstp_fail(qstp_error_connection_failure);
    if (c->tfd >= 0 && c->state == C_HANDSHAKE) {
        (void)drain_session(c); /* an error packet tells the server why, if it fits now */
    }
    emit(f, c, &ev);
    reset_local(c); /* a FIN would be an empty stream that looks complete (R4-LF-5) */
    destroy(f, c);
}

/* The tunnel failed: the local connection is reset. */
static void tunnel_failed(qstp_local_fwd *f, lf_conn *c, qstp_errors why)
{
    if (c->tfd >= 0)
        (void)drain_session(c); /* the session may have queued an error close record */
    emit_closed(f, c, 1, why);
    reset_local(c);
    destroy(f, c);
}

/* The server ended the tunnel. A normal end reaches the local peer as a FIN after everything
 * it has not taken yet. */
static void server_closed(qstp_local_fwd *f, lf_conn *c, qstp_errors why)
{
    if (why != qstp_error_none) {
        tunnel_failed(f, c, why);
        return;
    }
    emit_closed(f, c, 1, qstp_error_none);
    set_ev(f, c->tfd, &c->tev, 0, 0);
    close(c->tfd);
    c->tfd = -1;
    rx_release(f, c);
    out_free(c);
    if (c->lpend_len > 0) {
        c->state = C_LDRAIN;
        c->deadline_ms = qstp_net_mono_ms() + LF_LOCAL_DRAIN_MS;
        want_scan(f, c->deadline_ms);
        update(f, c);
        return;
    }
    (void)shutdown(c->lfd, SHUT_WR);
    destroy(f, c);
}

/* Plaintext for the local peer is known to be left behind: kept here, held in part by the
 * session, or already in the tunnel socket unread. */
static int cut_short(const lf_conn *c)
{
    int unread = 0;
    if (c->lpend_len > 0 || qstp_session_rx_pending(&c->s) > 0)
        return 1;
    return c->tfd >= 0 && ioctl(c->tfd, FIONREAD, &unread) == 0 && unread > 0;
}

/* We end an open tunnel (local side finished or failed, or stop): close record, then wait for
 * the server's end of stream so our close does not turn into a reset that could discard it.
 * A normal end is a FIN to the local peer and a close record with code 0 to the server. When
 * either stream is incomplete (the local peer reset or stopped reading, or bytes for it are
 * dropped here: R4-LF-1/2/3) the close record carries why, so the server resets its backend,
 * and the local connection is reset: neither side may take a cut stream for a complete one. */
static void close_tunnel(qstp_local_fwd *f, lf_conn *c, qstp_errors why)
{
    if (c->state != C_OPEN)
        return;
    if (why == qstp_error_none && cut_short(c))
        why = qstp_error_connection_failure;
    emit_closed(f, c, 0, why);
    (void)qstp_session_close(&c->s, why);
    rx_release(f, c);
    lpend_free(c);
    set_ev(f, c->lfd, &c->lev, 0, 0);
    if (why != qstp_error_none)
        reset_local(c);
    else
        (void)shutdown(c->lfd, SHUT_WR);
    close(c->lfd);
    c->lfd = -1;
    c->state = C_CLOSING;
    c->deadline_ms = qstp_net_mono_ms() + LF_CLOSE_DRAIN_MS;
    want_scan(f, c->deadline_ms);
    if (drain_session(c) != 0 || out_flush(c) != 0) {
        destroy(f, c);
        return;
    }
    if (c->out_len == 0)
        (void)shutdown(c->tfd, SHUT_WR);
    update(f, c);
}

/* ------------------------------------------------------------------ connect and handshake */

static void connect_next(qstp_local_fwd *f, lf_conn *c)
{
    while (c->ai_next < f->naddrs) {
        const struct sockaddr *sa = (const struct sockaddr *)&f->addrs[c->ai_next];
        socklen_t sl = f->addrlens[c->ai_next];
        int fd;
        c->ai_next++;
        if (c->tfd >= 0) {
            set_ev(f, c->tfd, &c->tev, 0, 0);
            close(c->tfd);
            c->tfd = -1;
        }
        fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        qstp_net_tune_stream(fd, sa);
        if (connect(fd, sa, sl) != 0 && errno != EINPROGRESS) {
            close(fd);
            continue;
        }
        /* even an immediate success is reported through EPOLLOUT: one path for both */
        c->tfd = fd;
        c->state = C_CONNECTING;
        update(f, c);
        return;
    }
    hs_failed(f, c, qstp_fail(qstp_error_connection_failure));
}

static void start_handshake(qstp_local_fwd *f, lf_conn *c)
{
    int ret;
    c->ws = malloc(f->wslen);
    if (c->ws == NULL) {
        hs_failed(f, c, qstp_fail(qstp_error_memory_allocation));
        return;
    }
    ret = qstp_session_client_init(&c->s, &f->env, &f->ccfg);
    if (ret == 0)
        ret = qstp_session_attach_workspace(&c->s, c->ws, f->wslen);
    if (ret == 0)
        ret = qstp_session_start(&c->s); /* §4.3: the certificate's expiry; queues 0x01 */
    c->state = C_HANDSHAKE;
    if (ret == 0 && drain_session(c) != 0)
        ret = qstp_fail(qstp_error_transmit_failure);
    if (ret != 0) {
        hs_failed(f, c, ret);
        return;
    }
    update(f, c);
}

static void process_records(qstp_local_fwd *f, lf_conn *c, const uint8_t *in, size_t n);

static void established(qstp_local_fwd *f, lf_conn *c, const uint8_t *rest, size_t n)
{
    qstp_local_fwd_event ev;
    ws_release(f, c);
    c->state = C_OPEN;
    c->last_rx_ms = qstp_net_mono_ms();
    memset(&ev, 0, sizeof(ev));
    ev.kind = QSTP_LOCAL_FWD_OPEN;
    ev.handshake_ms = c->last_rx_ms - c->start_ms;
    emit(f, c, &ev);
    if (f->cfg.keepalive_interval != 0)
        want_scan(f, c->last_rx_ms + LF_KEEPALIVE_SCAN_MS);
    if (n > 0)
        process_records(f, c, rest, n); /* records that came with the last handshake message */
    else
        update(f, c);
}

static void handshake_readable(qstp_local_fwd *f, lf_conn *c)
{
    ssize_t r = recv(c->tfd, f->readbuf, QSTP_LOCAL_FWD_READ_SIZE, 0);
    size_t off = 0;
    int stuck = 0;
    if (r < 0 && again())
        return;
    if (r <= 0) {
        hs_failed(f, c, qstp_fail(qstp_error_connection_failure));
        return;
    }
    while (off < (size_t)r) {
        qstp_event ev;
        size_t used = qstp_session_receive(&c->s, f->readbuf + off, (size_t)r - off, &ev);
        off += used;
        if (ev.type == QSTP_EVENT_ESTABLISHED) {
            if (drain_session(c) != 0) {
                hs_failed(f, c, qstp_fail(qstp_error_transmit_failure));
                return;
            }
            established(f, c, f->readbuf + off, (size_t)r - off);
            return;
        }
        if (ev.type == QSTP_EVENT_ERROR || ev.type == QSTP_EVENT_PEER_CLOSED) {
            /* the server's refusal arrives as connection_failure (§2.5 step 1) */
            hs_failed(f, c, qstp_fail(ev.type == QSTP_EVENT_ERROR ? ev.error
                                                                  : qstp_error_connection_failure));
            return;
        }
        if (drain_session(c) != 0) {
            hs_failed(f, c, qstp_fail(qstp_error_transmit_failure));
            return;
        }
        if (used == 0 && ++stuck > 1) {
            hs_failed(f, c, qstp_fail(qstp_error_internal));
            return;
        }
    }
    update(f, c);
}

/* ------------------------------------------------------------------ open tunnels */

/* Plaintext for the local peer: sent now, or kept (the tunnel is not read until it is gone).
 * 0, -1 if the local peer is gone, -2 if it does not fit (cannot happen, see LF_LPEND_CAP). */
static int deliver(lf_conn *c, const uint8_t *d, size_t n)
{
    if (c->lpend_len == 0) {
        if (qstp_net_send_now(c->lfd, &d, &n) != 0)
            return -1;
        if (n == 0)
            return 0;
    }
    if (c->lpend == NULL) {
        c->lpend = malloc(LF_LPEND_CAP);
        if (c->lpend == NULL)
            return -2;
        c->lpend_off = c->lpend_len = 0;
    }
    if (c->lpend_off + c->lpend_len + n > LF_LPEND_CAP)
        return -2;
    if (c->lpend_len == 0)
        c->lp_ms = qstp_net_mono_ms(); /* the local drain timeout runs from here */
    memcpy(c->lpend + c->lpend_off + c->lpend_len, d, n);
    c->lpend_len += n;
    return 0;
}

static void process_records(qstp_local_fwd *f, lf_conn *c, const uint8_t *in, size_t n)
{
    size_t off = 0;
    int local_gone = 0;
    if (c->rxbuf == NULL) {
        c->rxbuf = rx_take(f);
        if (c->rxbuf == NULL ||
            qstp_session_attach_rx_buffer(&c->s, c->rxbuf, QSTP_SESSION_RX_BUFFER_SIZE) != 0) {
            if (c->rxbuf != NULL && f->nrxfree < LF_RX_POOL)
                f->rxfree[f->nrxfree++] = c->rxbuf;
            else
                free(c->rxbuf);
            c->rxbuf = NULL;
            tunnel_failed(f, c, qstp_error_memory_allocation);
            return;
        }
    }
    while (off < n) {
        qstp_event ev;
        size_t used = qstp_session_receive(&c->s, in + off, n - off, &ev);
        off += used;
        switch (ev.type) {
        case QSTP_EVENT_DATA: {
            int d = local_gone ? 0 : deliver(c, ev.data, ev.len);
            c->rx += ev.len;
            if (d == -2) {
                tunnel_failed(f, c, qstp_error_memory_allocation); /* never a silent cut */
                return;
            }
            if (d == -1)
                local_gone = 1; /* keep opening: the records' control replies still count */
            break;
        }
        case QSTP_EVENT_PEER_CLOSED:
            server_closed(f, c, ev.has_peer_code ? (qstp_errors)ev.peer_code : qstp_error_none);
            return;
        case QSTP_EVENT_ERROR:
            tunnel_failed(f, c, ev.error);
            return;
        default:
            break;
        }
        if (drain_session(c) != 0) {
            tunnel_failed(f, c, qstp_error_transmit_failure);
            return;
        }
        if (used == 0 && ev.type == QSTP_EVENT_NONE) {
            /* the session waits for its control output to drain, which drain_session just
             * did; no progress now means a broken session */
            tunnel_failed(f, c, qstp_error_internal);
            return;
        }
    }
    c->last_rx_ms = qstp_net_mono_ms();
    /* an idle tunnel holds no receive buffer (session.h: allowed when nothing is pending) */
    if (qstp_session_rx_pending(&c->s) == 0)
        rx_release(f, c);
    if (local_gone) {
        /* the local reader is gone: what the server sent was not delivered */
        close_tunnel(f, c, qstp_error_connection_failure);
        return;
    }
    if (c->local_eof) {
        c->deadline_ms = c->last_rx_ms + f->cfg.linger_ms;
        want_scan(f, c->deadline_ms);
    }
    update(f, c);
}

static void tunnel_event(qstp_local_fwd *f, lf_conn *c, uint32_t events)
{
    switch (c->state) {
    case C_CONNECTING: {
        int err = 0;
        socklen_t el = sizeof(err);
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        if (getsockopt(c->tfd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) {
            connect_next(f, c);
            return;
        }
        start_handshake(f, c);
        return;
    }
    case C_HANDSHAKE:
        if ((events & EPOLLOUT) && out_flush(c) != 0) {
            hs_failed(f, c, qstp_fail(qstp_error_connection_failure));
            return;
        }
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
            handshake_readable(f, c);
        else
            update(f, c);
        return;
    case C_OPEN: {
        const uint32_t had = c->tev;
        ssize_t r;
        if (events & EPOLLOUT) {
            if (out_flush(c) != 0) {
                tunnel_failed(f, c, qstp_error_transmit_failure);
                return;
            }
            if (!(had & EPOLLIN) && (events & (EPOLLHUP | EPOLLERR)) && c->out_len > 0) {
                tunnel_failed(f, c, qstp_error_transmit_failure);
                return;
            }
        }
        if (!(had & EPOLLIN) || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
            update(f, c);
            return;
        }
        r = recv(c->tfd, f->readbuf, QSTP_LOCAL_FWD_READ_SIZE, 0);
        if (r > 0) {
            process_records(f, c, f->readbuf, (size_t)r);
        } else if (r == 0) {
            qstp_event ev;
            const int partial = qstp_session_rx_partial(&c->s);
            qstp_session_peer_eof(&c->s, &ev); /* end of stream without a close record */
            /* not a close when a record was cut short: data is missing */
            server_closed(f, c, partial ? qstp_error_receive_failure : qstp_error_none);
        } else if (!again()) {
            tunnel_failed(f, c, qstp_error_receive_failure);
        } else {
            update(f, c); /* the flush above may have emptied out: read the local side again */
        }
        return;
    }
    case C_CLOSING: {
        if ((events & EPOLLOUT) && out_flush(c) != 0) {
            destroy(f, c);
            return;
        }
        if (c->out_len == 0 && (c->tev & EPOLLOUT))
            (void)shutdown(c->tfd, SHUT_WR);
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            ssize_t r = recv(c->tfd, f->readbuf, QSTP_LOCAL_FWD_READ_SIZE, 0);
            if (r == 0 || (r < 0 && !again())) {
                destroy(f, c);
                return;
            }
        }
        update(f, c);
        return;
    }
    default:
        return;
    }
}

static void local_readable(qstp_local_fwd *f, lf_conn *c)
{
    /* One read fills one whole record at most (the largest the protocol allows, WIRE §2.6):
     * per byte the fewest reads, records (each has a fixed MAC and header cost) and sends. It
     * is sealed straight into the connection's out buffer when it has one, so a send the
     * socket takes only in part leaves the rest where it is. */
    ssize_t r = recv(c->lfd, f->plain, QSTP_SESSION_SEND_MAX, 0);
    if (r > 0) {
        uint8_t *dst = c->out != NULL && c->out_cap >= LF_SEAL_CAP ? c->out : f->seal;
        size_t outlen = 0;
        int ret = qstp_session_send(&c->s, f->plain, (size_t)r, dst, LF_SEAL_CAP, &outlen);
        if ((size_t)r > f->plain_used)
            f->plain_used = (size_t)r;
        if (ret != 0) {
            tunnel_failed(f, c, qstp_error_of(ret));
            return;
        }
        c->tx += (size_t)r;
        c->busy = 1;
        if (out_put(c, dst, outlen) != 0) {
            tunnel_failed(f, c, qstp_error_transmit_failure);
            return;
        }
        update(f, c);
        return;
    }
    if (r < 0 && again())
        return;
    if (r < 0) {
        /* The local peer reset (or its socket failed): what it sent may be incomplete, and it
         * reads no reply. The server must not pass this on as a complete stream (R4-LF-3). */
        close_tunnel(f, c, qstp_error_connection_failure);
        return;
    }
    /* End of the local stream: linger. */
    c->local_eof = 1;
    c->eof_ms = qstp_net_mono_ms();
    if (f->cfg.linger_ms == 0) {
        close_tunnel(f, c, qstp_error_none);
        return;
    }
    c->deadline_ms = (c->last_rx_ms > c->eof_ms ? c->last_rx_ms : c->eof_ms) + f->cfg.linger_ms;
    want_scan(f, c->deadline_ms);
    update(f, c);
}

/* Write what the local peer has not taken. 0, or -1 if it is gone. */
static int lpend_flush(lf_conn *c)
{
    while (c->lpend_len > 0) {
        ssize_t w = send(c->lfd, c->lpend + c->lpend_off, c->lpend_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0)
            return again() ? 0 : -1;
        c->lp_ms = qstp_net_mono_ms();
        c->lpend_off += (size_t)w;
        c->lpend_len -= (size_t)w;
    }
    lpend_free(c); /* an idle tunnel holds no buffer */
    return 0;
}

static void local_event(qstp_local_fwd *f, lf_conn *c, uint32_t events)
{
    const uint32_t had = c->lev;
    if (c->state == C_LDRAIN) {
        if (lpend_flush(c) != 0) {
            reset_local(c);
            destroy(f, c);
        } else if (c->lpend_len == 0) {
            (void)shutdown(c->lfd, SHUT_WR);
            destroy(f, c);
        } else {
            c->deadline_ms = c->lp_ms + LF_LOCAL_DRAIN_MS; /* a slow reader that still reads */
        }
        return;
    }
    if (c->state != C_OPEN)
        return;
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && (had & EPOLLOUT)) {
        if (lpend_flush(c) != 0) {
            close_tunnel(f, c, qstp_error_connection_failure); /* the local reader is gone */
            return;
        }
        if (c->lpend_len == 0) {
            /* The tunnel is read again from now: its silence (linger, keep-alive) counts from
             * here, not from before the local peer made us stop reading (R4-LF-1/4). */
            c->last_rx_ms = qstp_net_mono_ms();
            if (c->local_eof) {
                c->deadline_ms = c->last_rx_ms + f->cfg.linger_ms;
                want_scan(f, c->deadline_ms);
            }
            update(f, c); /* read the tunnel again */
            if (c->state != C_OPEN)
                return;
        }
    }
    if ((had & EPOLLIN) && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        local_readable(f, c);
    else
        update(f, c);
}

/* ------------------------------------------------------------------ accept, timers, loop */

/* §9.2 step 1 before every tunnel, with the real clock: a certificate may expire while the
 * forwarder runs. The signatures (root and certificate: 88 us a connection for set 0x03, 296 us
 * for 0x0A, half of the client's handshake work on this one thread) cannot change, the
 * certificates being the caller's constant memory, so after one full check passed only the
 * validity windows are looked at again. A clock that went back past that check, or a time
 * past either expiry, takes the full check again (and its precise error). */
static int cert_check(qstp_local_fwd *f)
{
    const uint64_t now = qstp_net_unix_now(NULL);
    int ret;
    if (f->cert_ok_at != 0 && now >= f->cert_ok_at && now <= f->cfg.cert->to &&
        now <= f->cfg.root->to)
        return 0;
    ret = qstp_server_certificate_verify(f->cfg.cert, f->cfg.root, now);
    f->cert_ok_at = ret == 0 ? now : 0;
    return ret;
}

static void on_accept(qstp_local_fwd *f)
{
    for (int i = 0; i < LF_ACCEPT_BATCH && !f->stopping; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        lf_conn *c;
        int fd = accept4(f->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        int ret;
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* level-triggered: the listener would wake us at once; pause it */
                set_ev(f, f->lfd, &f->lfd_ev, 0, TAG_LISTEN);
                f->accept_resume = qstp_net_mono_ms() + LF_ACCEPT_PAUSE_MS;
                want_scan(f, f->accept_resume);
            }
            return;
        }
        /* the session inside wants 64-byte alignment, which malloc does not promise */
        c = aligned_alloc(_Alignof(lf_conn), sizeof(*c));
        if (c == NULL) {
            close(fd);
            continue;
        }
        memset(c, 0, sizeof(*c));
        c->lfd = fd;
        c->tfd = -1;
        c->start_ms = qstp_net_mono_ms();
        c->deadline_ms = c->start_ms + f->cfg.timeout_ms;
        want_scan(f, c->deadline_ms);
        qstp_net_tune_stream(fd, (struct sockaddr *)&ss);
        qstp_net_addr_pack(&c->peer, (struct sockaddr *)&ss, sl);
        c->next = f->live;
        if (f->live != NULL)
            f->live->prev = c;
        f->live = c;
        atomic_fetch_add(&f->nlive, 1);
        ret = cert_check(f); /* before every tunnel (§9.2 step 1) */
        if (ret != 0) {
            c->state = C_CONNECTING;
            hs_failed(f, c, ret);
            continue;
        }
        connect_next(f, c);
    }
}

static void run_keepalive(qstp_local_fwd *f, lf_conn *c)
{
    const uint64_t now = qstp_net_unix_now(NULL);
    uint64_t next;
    qstp_event ev;
    /* The session's keep-alive counts the server's silence. While plaintext waits for the local
     * peer the tunnel is not read, so that silence is ours, and records keep arriving unread
     * (the keep-alive response among them, in order): no timer then, and none until a whole
     * interval has passed since the tunnel was last read or read again (R4-LF-4). */
    if (c->lpend_len > 0 ||
        qstp_net_mono_ms() - c->last_rx_ms < (uint64_t)f->cfg.keepalive_interval * 1000u)
        return;
    next = qstp_session_next_timeout(&c->s, now);
    if (next == UINT64_MAX || now < next)
        return;
    qstp_session_timeout(&c->s, &ev);
    if (ev.type == QSTP_EVENT_ERROR) {
        tunnel_failed(f, c, ev.error); /* keep-alive lost */
        return;
    }
    if (drain_session(c) != 0) {
        tunnel_failed(f, c, qstp_error_transmit_failure);
        return;
    }
    update(f, c);
}

static void scan(qstp_local_fwd *f, uint64_t now)
{
    lf_conn *c = f->live, *next;
    uint64_t soon = now + LF_SCAN_MAX_MS;
    if (f->cfg.keepalive_interval != 0 && f->live != NULL)
        soon = now + LF_KEEPALIVE_SCAN_MS;
    if (f->accept_resume != 0) {
        if (now >= f->accept_resume) {
            f->accept_resume = 0;
            if (!f->stopping)
                set_ev(f, f->lfd, &f->lfd_ev, EPOLLIN, TAG_LISTEN);
        } else if (f->accept_resume < soon) {
            soon = f->accept_resume;
        }
    }
    for (; c != NULL; c = next) {
        next = c->next;
        switch (c->state) {
        case C_CONNECTING:
        case C_HANDSHAKE:
            if (now >= c->deadline_ms) {
                hs_failed(f, c, qstp_fail(qstp_error_timeout));
                continue;
            }
            break;
        case C_OPEN:
            if (c->local_eof && now >= c->deadline_ms && c->lpend_len > 0 &&
                now - c->lp_ms < LF_LOCAL_DRAIN_MS) {
                /* the linger counts the server's silence, and we are not reading the tunnel
                 * while the local peer takes what waits for it (R4-LF-1) */
                c->deadline_ms = c->lp_ms + LF_LOCAL_DRAIN_MS;
            } else if (c->local_eof && now >= c->deadline_ms) {
                close_tunnel(f, c, qstp_error_none); /* lingered long enough (cut_short) */
                continue;
            }
            if (f->cfg.keepalive_interval != 0) {
                run_keepalive(f, c);
                if (c->state != C_OPEN)
                    continue;
            }
            if (c->out_len > 0 && now - c->out_ms >= f->write_timeout_ms) {
                tunnel_failed(f, c, qstp_error_timeout); /* the server takes nothing */
                continue;
            }
            if (c->out != NULL && c->out_len == 0 && !c->busy)
                out_free(c); /* not streaming any more: an idle tunnel holds no buffer */
            c->busy = 0;
            if (!c->local_eof)
                continue;
            break;
        case C_CLOSING:
        case C_LDRAIN:
            if (now >= c->deadline_ms) {
                if (c->state == C_LDRAIN)
                    reset_local(c); /* the local peer did not get everything */
                destroy(f, c);
                continue;
            }
            break;
        default:
            continue;
        }
        if (c->deadline_ms < soon)
            soon = c->deadline_ms;
    }
    f->next_scan = soon;
}

static void begin_stop(qstp_local_fwd *f)
{
    lf_conn *c, *next;
    f->stopping = 1;
    f->stop_deadline = qstp_net_mono_ms() + LF_STOP_MS;
    set_ev(f, f->lfd, &f->lfd_ev, 0, TAG_LISTEN);
    for (c = f->live; c != NULL; c = next) {
        next = c->next;
        if (c->state == C_OPEN) {
            close_tunnel(f, c, qstp_error_none); /* close record (RST if cut short: R4-LF-2) */
        } else if (c->state == C_CONNECTING || c->state == C_HANDSHAKE) {
            reset_local(c); /* no tunnel, nothing to tell the server; not an empty stream */
            destroy(f, c);
        }
    }
}

static void bury(qstp_local_fwd *f)
{
    while (f->dead != NULL) {
        lf_conn *c = f->dead;
        f->dead = c->next;
        free(c);
    }
}

int qstp_local_fwd_run(qstp_local_fwd *f)
{
    struct epoll_event evs[64];
    int ret = 0;
    if (f == NULL)
        return qstp_fail(qstp_error_invalid_input);
    set_ev(f, f->lfd, &f->lfd_ev, EPOLLIN, TAG_LISTEN);
    f->next_scan = qstp_net_mono_ms() + LF_SCAN_MAX_MS;
    for (;;) {
        uint64_t now = qstp_net_mono_ms();
        int n, timeout;
        if (f->stop_req && !f->stopping)
            begin_stop(f);
        if (f->stopping && (f->live == NULL || now >= f->stop_deadline))
            break;
        if (now >= f->next_scan) {
            scan(f, now);
            bury(f);
            continue;
        }
        timeout = (int)(f->next_scan - now);
        n = epoll_wait(f->epfd, evs, (int)(sizeof(evs) / sizeof(evs[0])), timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ret = qstp_fail(qstp_error_internal);
            break;
        }
        for (int i = 0; i < n; i++) {
            const uint64_t tag = evs[i].data.u64;
            if (tag == TAG_WAKE) {
                uint64_t v;
                (void)!read(f->wakefd, &v, sizeof(v));
            } else if (tag == TAG_LISTEN) {
                on_accept(f);
            } else {
                lf_conn *c = (lf_conn *)(uintptr_t)(tag & ~(uint64_t)TAG_TUNNEL);
                if (c->state == C_DEAD)
                    continue;
                if (tag & TAG_TUNNEL)
                    tunnel_event(f, c, evs[i].events);
                else
                    local_event(f, c, evs[i].events);
            }
        }
        bury(f);
    }
    while (f->live != NULL) {
        reset_local(f->live); /* still waiting at the deadline: not a complete stream */
        destroy(f, f->live);
    }
    bury(f);
    return ret;
}

/* ------------------------------------------------------------------ setup */

static int resolve(qstp_local_fwd *f)
{
    struct addrinfo hints, *res = NULL, *ai;
    char portstr[8];
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    snprintf(portstr, sizeof(portstr), "%u", (unsigned)f->cfg.port);
    if (getaddrinfo(f->cfg.host, portstr, &hints, &res) != 0) {
        /* as qstp_net_connect: AI_ADDRCONFIG hides ::1 on hosts without global IPv6 */
        hints.ai_flags = AI_NUMERICSERV;
        if (getaddrinfo(f->cfg.host, portstr, &hints, &res) != 0)
            return qstp_fail(qstp_error_connection_failure);
    }
    for (ai = res; ai != NULL && f->naddrs < 4; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof(f->addrs[0]))
            continue;
        memcpy(&f->addrs[f->naddrs], ai->ai_addr, ai->ai_addrlen);
        f->addrlens[f->naddrs] = ai->ai_addrlen;
        f->naddrs++;
    }
    freeaddrinfo(res);
    return f->naddrs > 0 ? 0 : qstp_fail(qstp_error_connection_failure);
}

int qstp_local_fwd_new(qstp_local_fwd **out, const qstp_local_fwd_config *cfg, int listen_fd)
{
    qstp_local_fwd *f;
    struct epoll_event ev;
    int ret;
    if (out == NULL)
        return qstp_fail(qstp_error_invalid_input);
    *out = NULL;
    if (cfg == NULL || cfg->root == NULL || cfg->cert == NULL || cfg->host == NULL ||
        listen_fd < 0)
        return qstp_fail(qstp_error_invalid_input);
    f = calloc(1, sizeof(*f));
    if (f == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    f->cfg = *cfg;
    if (f->cfg.timeout_ms == 0)
        f->cfg.timeout_ms = LF_DEFAULT_TIMEOUT_MS;
    f->write_timeout_ms = cfg->write_timeout_ms != 0 ? cfg->write_timeout_ms : LF_WRITE_TIMEOUT_MS;
    f->lfd = listen_fd;
    f->epfd = f->wakefd = -1;
    qstp_net_env(&f->env);
    ret = qstp_client_config_from_certs(&f->ccfg, cfg->root, cfg->cert);
    if (ret != 0)
        goto fail;
    f->ccfg.keepalive_interval = cfg->keepalive_interval;
    f->ccfg.options = cfg->session_options;
    f->ccfg.handshake_timeout = 0; /* the millisecond deadline is enforced here */
    f->wslen = qstp_session_handshake_workspace_size(f->ccfg.suite, QSTP_ROLE_CLIENT);
    ret = resolve(f);
    if (ret != 0)
        goto fail;
    ret = qstp_fail(qstp_error_memory_allocation);
    f->readbuf = malloc(QSTP_LOCAL_FWD_READ_SIZE);
    f->plain = malloc(QSTP_SESSION_SEND_MAX);
    f->seal = malloc(LF_SEAL_CAP);
    f->epfd = epoll_create1(EPOLL_CLOEXEC);
    f->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (f->readbuf == NULL || f->plain == NULL || f->seal == NULL || f->epfd < 0 || f->wakefd < 0)
        goto fail;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.u64 = TAG_WAKE;
    if (epoll_ctl(f->epfd, EPOLL_CTL_ADD, f->wakefd, &ev) != 0 ||
        qstp_net_set_nonblocking(listen_fd) != 0)
        goto fail;
    *out = f;
    return 0;
fail:
    qstp_local_fwd_free(f);
    return ret;
}

void qstp_local_fwd_stop(qstp_local_fwd *f)
{
    uint64_t one = 1;
    if (f == NULL)
        return;
    f->stop_req = 1;
    (void)!write(f->wakefd, &one, sizeof(one));
}

size_t qstp_local_fwd_count(const qstp_local_fwd *f)
{
    return f != NULL ? atomic_load(&((qstp_local_fwd *)f)->nlive) : 0;
}

size_t qstp_local_fwd_peak_buffers(const qstp_local_fwd *f)
{
    return f != NULL ? atomic_load(&((qstp_local_fwd *)f)->peak) : 0;
}

void qstp_local_fwd_free(qstp_local_fwd *f)
{
    if (f == NULL)
        return;
    while (f->live != NULL)
        destroy(f, f->live);
    bury(f);
    for (unsigned i = 0; i < f->nrxfree; i++)
        free(f->rxfree[i]); /* wiped when detached */
    if (f->plain != NULL) {
        qstp_wipe(f->plain, QSTP_SESSION_SEND_MAX);
        free(f->plain);
    }
    free(f->readbuf);
    free(f->seal);
    if (f->epfd >= 0)
        close(f->epfd);
    if (f->wakefd >= 0)
        close(f->wakefd);
    free(f);
}
