/* One event loop per thread (server_internal.h): accept, read, write, timers, messages from
 * other threads, and handshake steps coming back from the workers. Everything a tunnel does on
 * the loop happens on its loop's thread, so tunnels need no locks; the only shared structures
 * are the loop's inbox and done queue (l->mtx) and the server-wide counters (atomics).
 *
 * Sockets are level-triggered: one read per readiness event keeps loops fair between tunnels.
 * A tunnel whose session a worker holds is taken out of epoll until it comes back. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "crypto/ct.h"
#include "net/server_internal.h"

#define TAG_WAKE 0u
#define TAG_LISTEN 1u
#define LOOP_TICK_MS 250

static _Thread_local srv_loop *tls_loop;   /* the loop this thread runs, if any */
static _Thread_local srv_tunnel *tls_busy; /* the tunnel whose input is being processed */

enum { T_DEAD = 99 };

/* DESIGN "The server": an established tunnel's state stays under 4 KiB. */
_Static_assert(sizeof(srv_tunnel) <= 4096, "tunnel state over the 4 KiB budget");

/* ---------------------------------------------------------------- setup */

static int bind_listen(struct qstp_server *srv, srv_loop *l)
{
    struct addrinfo hints, *res = NULL;
    char portstr[8];
    int fd, one = 1, zero = 0;
    const uint16_t port = (srv->opt.ephemeral_port && l->index == 0) ? 0 : srv->port;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
    if (getaddrinfo(srv->address, portstr, &hints, &res) != 0 || res == NULL) {
        srv_log(srv, QSTP_LOG_ERROR, "cannot parse listen address %s", srv->address);
        return qstp_fail(qstp_error_listener_fail);
    }
    if (l->index == 0 && port != 0) {
        /* SO_REUSEPORT would let us silently share a port another server of this user already
         * listens on (the kernel then splits connections between the two). Probe without it so
         * a taken port fails as "address in use". */
        int probe = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), busy = 0;
        if (probe >= 0) {
            (void)setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (res->ai_family == AF_INET6) {
                const struct sockaddr_in6 *p6 = (const struct sockaddr_in6 *)(const void *)res->ai_addr;
                static const struct in6_addr any6 = IN6ADDR_ANY_INIT;
                int v6 = memcmp(&p6->sin6_addr, &any6, sizeof(any6)) == 0 ? zero : one;
                (void)setsockopt(probe, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof(v6));
            }
            busy = bind(probe, res->ai_addr, res->ai_addrlen) != 0 && errno == EADDRINUSE;
            close(probe);
        }
        if (busy) {
            srv_log(srv, QSTP_LOG_ERROR, "cannot listen on %s port %u: address in use", srv->address,
                    (unsigned)port);
            freeaddrinfo(res);
            return qstp_fail(qstp_error_listener_fail);
        }
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        return qstp_fail(qstp_error_listener_fail);
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    /* One listening socket per loop on the same port: the kernel spreads connections. */
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    if (res->ai_family == AF_INET6) {
        /* "::" serves IPv4 too (dual stack); a specific IPv6 address only itself. */
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)(const void *)res->ai_addr;
        static const struct in6_addr any = IN6ADDR_ANY_INIT;
        int v6only = memcmp(&a6->sin6_addr, &any, sizeof(any)) == 0 ? zero : one;
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
    }
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
        srv_log(srv, QSTP_LOG_ERROR, "cannot listen on %s port %u: %s", srv->address,
                (unsigned)port, strerror(errno));
        freeaddrinfo(res);
        close(fd);
        return qstp_fail(qstp_error_listener_fail);
    }
    srv->family = res->ai_family;
    freeaddrinfo(res);
    if (port == 0) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
            srv->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                       : ((struct sockaddr_in *)&ss)->sin_port);
    }
    l->listenfd = fd;
    return 0;
}

int srv_loop_init(struct qstp_server *srv, srv_loop *l, unsigned index)
{
    struct epoll_event ev;
    int ret;
    memset(l, 0, sizeof(*l));
    l->srv = srv;
    l->index = index;
    l->epfd = l->wakefd = l->listenfd = -1;
    l->gen = 1;
    pthread_mutex_init(&l->mtx, NULL);
    if (srv_slab_init(&l->slab, sizeof(srv_tunnel)) != 0)
        return qstp_fail(qstp_error_memory_allocation);
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    l->readbuf = malloc(SRV_READ_SIZE);
    l->sendbuf = malloc(SRV_SEND_SIZE);
    if (l->epfd < 0 || l->wakefd < 0 || l->readbuf == NULL || l->sendbuf == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    ret = bind_listen(srv, l);
    if (ret != 0)
        return ret;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.u64 = TAG_WAKE;
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wakefd, &ev) != 0)
        return qstp_fail(qstp_error_listener_fail);
    ev.data.u64 = TAG_LISTEN;
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->listenfd, &ev) != 0)
        return qstp_fail(qstp_error_listener_fail);
    return 0;
}

void srv_loop_free(srv_loop *l)
{
    if (l->srv == NULL)
        return;
    srv_fwd_loop_free(l); /* before the epoll set goes */
    if (l->listenfd >= 0)
        close(l->listenfd);
    if (l->wakefd >= 0)
        close(l->wakefd);
    if (l->epfd >= 0)
        close(l->epfd);
    while (l->inbox_head != NULL) {
        srv_msg *m = l->inbox_head;
        l->inbox_head = m->next;
        qstp_wipe(m->data, m->len);
        free(m);
    }
    for (unsigned i = 0; i < l->nspare; i++)
        free(l->spare_rx[i]);
    if (l->readbuf != NULL) {
        qstp_wipe(l->readbuf, SRV_READ_SIZE);
        free(l->readbuf);
    }
    if (l->sendbuf != NULL) {
        qstp_wipe(l->sendbuf, SRV_SEND_SIZE);
        free(l->sendbuf);
    }
    free(l->slots);
    free(l->free_slots);
    srv_slab_destroy(&l->slab);
    pthread_mutex_destroy(&l->mtx);
    l->srv = NULL;
}

void srv_loop_wake(srv_loop *l)
{
    uint64_t one = 1;
    (void)!write(l->wakefd, &one, sizeof(one));
}

/* ---------------------------------------------------------------- small helpers */

/* A tunnel keeps its peer address packed (24 B); log lines and callbacks get the text form from
 * here. The struct is returned by value so `peer_of(t).s` lives until the end of the full
 * expression (C11 6.2.4p8), long enough for a log call. */
typedef struct {
    char s[QSTP_NET_ADDRSTR];
} srv_peerstr;

static srv_peerstr peer_of(const srv_tunnel *t)
{
    srv_peerstr p;
    qstp_net_addr_text(&t->addr, p.s);
    return p;
}

static void set_events(srv_tunnel *t, uint32_t events)
{
    struct epoll_event ev;
    if (t->epoll_events == events)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.ptr = t;
    if (events == 0)
        (void)epoll_ctl(t->loop->epfd, EPOLL_CTL_DEL, t->fd, &ev);
    else
        (void)epoll_ctl(t->loop->epfd, t->epoll_events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, t->fd, &ev);
    t->epoll_events = events;
}

static int output_pending(const srv_tunnel *t)
{
    size_t n;
    return t->out_head != NULL || qstp_session_output(&t->s, &n) != NULL;
}

static void update_events(srv_tunnel *t)
{
    uint32_t in = EPOLLIN;
    if (t->state == T_AT_WORKER || t->state == T_DEAD)
        return;
    if (t->loop->fwds != NULL) {
        /* Forwarding back-pressure (forward.c): the socket is not read while the backend has
         * not taken the last read's bytes, and the backend is not read while this tunnel's
         * queue is long. */
        if (t->state == T_ESTABLISHED && srv_fwd_input_blocked(t))
            in = 0;
        srv_fwd_output_changed(t);
    }
    set_events(t, in | (output_pending(t) ? EPOLLOUT : 0u));
}

static uint8_t *take_rx(srv_loop *l)
{
    if (l->nspare > 0)
        return l->spare_rx[--l->nspare];
    return malloc(QSTP_SESSION_RX_BUFFER_SIZE);
}

static void give_rx(srv_loop *l, uint8_t *b)
{
    if (b == NULL)
        return;
    if (l->nspare < SRV_SPARE_RX_MAX)
        l->spare_rx[l->nspare++] = b;
    else
        free(b);
}

static srv_tunnel *lookup(srv_loop *l, qstp_tunnel_id id)
{
    uint32_t slot = (uint32_t)((id >> 8) & 0xffffffu);
    srv_tunnel *t;
    if (slot >= l->nslots)
        return NULL;
    t = l->slots[slot];
    return (t != NULL && t->id == id && t->state != T_DEAD) ? t : NULL;
}

static const uint8_t *serving_serial(const srv_tunnel *t)
{
    /* The key the connect request selected (§4.4); the fallback is never reached once the
     * session is established. */
    const uint8_t *sel = qstp_session_server_serial(&t->s);
    if (sel != NULL)
        return sel;
    const qstp_suite *su = qstp_session_suite(&t->s);
    for (size_t i = 0; i < t->ks->nkeys; i++)
        if (t->ks->refs_arr[i].suite == su)
            return t->ks->keys[i].serial;
    return t->ks->keys[0].serial;
}

/* Write queued chunks, then the session's pending output (never out of order: session output
 * is only written once the queue is empty). 0, or negative if the socket failed. */
static int queue_bytes(srv_tunnel *t, const uint8_t *p, size_t n);

static int flush_output(srv_tunnel *t)
{
    const uint8_t *o;
    size_t n;
    while (t->out_head != NULL) {
        srv_chunk *c = t->out_head;
        ssize_t w = send(t->fd, c->data + c->off, c->len - c->off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                break;
            return -1;
        }
        c->off += (size_t)w;
        t->out_bytes -= (size_t)w;
        if (c->off < c->len)
            break;
        t->out_head = c->next;
        if (t->out_head == NULL)
            t->out_tail = NULL;
        free(c);
    }
    while ((o = qstp_session_output(&t->s, &n)) != NULL) {
        ssize_t w;
        if (t->state == T_ESTABLISHED) {
            /* Control records (keep-alive and ratchet replies) join the tunnel's queue when the
             * socket cannot take them now: the session reads a packet only while its control
             * queue has room (session_internal.h), so a reply left there behind queued bulk
             * data would stall the peer's next packet. They were sealed after everything
             * already queued, so the order on the wire is kept. */
            if (queue_bytes(t, o, n) != 0)
                return -1;
            qstp_session_output_ack(&t->s, n);
            continue;
        }
        if (t->out_head != NULL)
            break; /* queued bytes go first */
        w = send(t->fd, o, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                break;
            return -1;
        }
        qstp_session_output_ack(&t->s, (size_t)w);
        if ((size_t)w < n)
            break;
    }
    if (t->state == T_CLOSING && !t->shut && !output_pending(t)) {
        (void)shutdown(t->fd, SHUT_WR);
        t->shut = 1;
    }
    update_events(t);
    return 0;
}

/* Append encrypted bytes after whatever is queued. */
static int queue_bytes(srv_tunnel *t, const uint8_t *p, size_t n)
{
    srv_chunk *c;
    if (t->out_head == NULL) {
        if (qstp_net_send_now(t->fd, &p, &n) != 0)
            return -1;
        if (n == 0)
            return 0;
    }
    c = malloc(sizeof(*c) + n);
    if (c == NULL)
        return -1;
    c->next = NULL;
    c->len = n;
    c->off = 0;
    memcpy(c->data, p, n);
    if (t->out_tail != NULL)
        t->out_tail->next = c;
    else
        t->out_head = c;
    t->out_tail = c;
    t->out_bytes += n;
    return 0;
}

/* ---------------------------------------------------------------- tunnel life */

static void release_ws(srv_tunnel *t)
{
    struct qstp_server *srv = t->loop->srv;
    if (t->ws == NULL)
        return;
    if (qstp_session_release_workspace(&t->s) != 0)
        qstp_wipe(t->ws->ws, t->ws->wslen); /* still handshaking: wipe it ourselves */
    srv_ws_put(srv, t->ws);
    t->ws = NULL;
    atomic_fetch_sub(&srv->handshakes, 1);
}

static void release_rx(srv_tunnel *t)
{
    if (t->rxbuf == NULL)
        return;
    if (qstp_session_detach_rx_buffer(&t->s) != 0)
        qstp_wipe(t->rxbuf, QSTP_SESSION_RX_BUFFER_SIZE);
    give_rx(t->loop, t->rxbuf);
    t->rxbuf = NULL;
    t->rx_since = 0;
}

static void report_closed(srv_tunnel *t, qstp_errors reason)
{
    struct qstp_server *srv = t->loop->srv;
    if (!t->reported)
        return;
    t->reported = 0;
    if (t->loop->fwds != NULL)
        srv_fwd_tunnel_gone(t, reason);
    srv_log(srv, QSTP_LOG_INFO, "tunnel %s closed: %s", peer_of(t).s,
            reason == qstp_error_none ? "normal close" : qstp_error_to_string(reason));
    if (srv->opt.cb.on_closed != NULL)
        srv->opt.cb.on_closed(srv, t->id, reason, srv->opt.cb.ctx);
}

static _Thread_local srv_tunnel *tls_graveyard;

static void destroy(srv_tunnel *t, qstp_errors reason)
{
    srv_loop *l = t->loop;
    struct qstp_server *srv = l->srv;
    if (t->state == T_DEAD)
        return;
    report_closed(t, reason);
    set_events(t, 0);
    close(t->fd);
    t->fd = -1;
    while (t->out_head != NULL) {
        srv_chunk *c = t->out_head;
        t->out_head = c->next;
        qstp_wipe(c->data, c->len);
        free(c);
    }
    t->out_tail = NULL;
    release_ws(t);
    release_rx(t);
    qstp_session_wipe(&t->s);
    l->slots[SRV_TUNNEL_SLOT(t->id)] = NULL;
    l->free_slots[l->nfree++] = SRV_TUNNEL_SLOT(t->id);
    l->live--;
    atomic_fetch_sub(&srv->tunnels, 1);
    srv_keyset_put(t->ks);
    t->ks = NULL;
    t->state = T_DEAD;
    /* Freed after the current epoll batch, which may still name it. */
    t->next_job = tls_graveyard;
    tls_graveyard = t;
}

static void bury(void)
{
    if (tls_loop != NULL)
        srv_fwd_bury(tls_loop);
    while (tls_graveyard != NULL) {
        srv_tunnel *t = tls_graveyard;
        tls_graveyard = t->next_job;
        srv_slab_free(&t->loop->slab, t);
    }
}

/* Close a tunnel: our close record or error packet if `polite` (else whatever the failed
 * session queued), shut the write side once it is out, wait for the peer's end of stream. */
static void begin_closing(srv_tunnel *t, qstp_errors reason, int polite, qstp_errors code)
{
    if (t->state == T_CLOSING || t->state == T_DEAD || t->state == T_AT_WORKER)
        return;
    report_closed(t, reason);
    if (polite)
        (void)qstp_session_close(&t->s, code); /* fails harmlessly if already closed/failed */
    release_ws(t);
    release_rx(t);
    t->state = T_CLOSING;
    t->linger_deadline = qstp_net_mono_ms() + SRV_CLOSE_LINGER_MS;
    if (flush_output(t) != 0)
        destroy(t, reason);
}

static void refuse(srv_loop *l, int fd, const char *peer, qstp_errors code, const char *why)
{
    struct qstp_server *srv = l->srv;
    uint8_t pkt[QSTP_PACKET_ERROR_SIZE];
    /* A §3.3 error packet so a client learns why (it sees connection_failure, §2.5 step 1). */
    qstp_packet_error_create(pkt, code, qstp_net_unix_now(NULL));
    (void)!send(fd, pkt, sizeof(pkt), MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
    atomic_fetch_add(&srv->n_refused, 1);
    srv_log(srv, QSTP_LOG_WARN, "refused %s: %s", peer, why);
}

static int slot_alloc(srv_loop *l, uint32_t *slot)
{
    if (l->nfree > 0) {
        *slot = l->free_slots[--l->nfree];
        return 0;
    }
    if (l->nslots == l->slot_cap) {
        uint32_t cap = l->slot_cap ? l->slot_cap * 2u : 64u;
        srv_tunnel **s;
        uint32_t *f;
        if (cap > 0xffffffu || srv_fwd_grow(l, cap) != 0)
            return -1;
        s = realloc(l->slots, cap * sizeof(*s));
        if (s == NULL)
            return -1;
        l->slots = s;
        f = realloc(l->free_slots, cap * sizeof(*f));
        if (f == NULL)
            return -1;
        l->free_slots = f;
        l->slot_cap = cap;
    }
    *slot = l->nslots++;
    return 0;
}

static void new_tunnel(srv_loop *l, int fd, const struct sockaddr_storage *ss, socklen_t sl,
                       const char *peer)
{
    struct qstp_server *srv = l->srv;
    srv_tunnel *t = NULL;
    uint32_t slot;
    void *mem = srv_slab_alloc(&l->slab);
    if (mem == NULL || slot_alloc(l, &slot) != 0) {
        srv_slab_free(&l->slab, mem);
        atomic_fetch_sub(&srv->tunnels, 1);
        atomic_fetch_sub(&srv->handshakes, 1);
        refuse(l, fd, peer, qstp_error_memory_allocation, "out of memory");
        return;
    }
    t = mem;
    memset(t, 0, sizeof(*t));
    t->loop = l;
    t->fd = fd;
    t->id = ((uint64_t)l->gen++ << 32) | ((uint64_t)slot << 8) | l->index;
    qstp_net_addr_pack(&t->addr, (const struct sockaddr *)ss, sl);
    t->ks = srv_keyset_get(srv);
    t->ws = t->ks != NULL ? srv_ws_get(srv, t->ks->ws_size) : NULL;
    if (t->ws == NULL || qstp_session_server_init(&t->s, &srv->env, &t->ks->cfg) != 0 ||
        qstp_session_attach_workspace(&t->s, t->ws->ws, t->ws->wslen) != 0 ||
        qstp_session_start(&t->s) != 0) { /* arms the handshake timer */
        if (t->ws != NULL)
            srv_ws_put(srv, t->ws);
        srv_keyset_put(t->ks);
        l->free_slots[l->nfree++] = slot;
        srv_slab_free(&l->slab, t);
        atomic_fetch_sub(&srv->tunnels, 1);
        atomic_fetch_sub(&srv->handshakes, 1);
        refuse(l, fd, peer, qstp_error_memory_allocation, "cannot start a session");
        return;
    }
    qstp_net_tune_stream(fd, (const struct sockaddr *)ss);
    l->slots[slot] = t;
    l->live++;
    t->state = T_HANDSHAKE;
    set_events(t, EPOLLIN);
}

static void on_accept(srv_loop *l)
{
    struct qstp_server *srv = l->srv;
    for (int i = 0; i < SRV_ACCEPT_BATCH; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        char peer[QSTP_NET_ADDRSTR];
        int fd = accept4(l->listenfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE)
                srv_log(srv, QSTP_LOG_ERROR, "accept: %s", strerror(errno));
            return;
        }
        atomic_fetch_add(&srv->n_accepted, 1);
        qstp_net_addr_format((struct sockaddr *)&ss, sl, peer);
        if (atomic_load(&srv->paused) || l->quitting) {
            refuse(l, fd, peer, qstp_error_accept_fail, "server paused");
            continue;
        }
        if (atomic_fetch_add(&srv->tunnels, 1) >= srv->opt.max_tunnels) {
            atomic_fetch_sub(&srv->tunnels, 1);
            refuse(l, fd, peer, qstp_error_hosts_exceeded, "maximum tunnels reached");
            continue;
        }
        if (atomic_fetch_add(&srv->handshakes, 1) >= srv->opt.max_handshakes) {
            atomic_fetch_sub(&srv->handshakes, 1);
            atomic_fetch_sub(&srv->tunnels, 1);
            refuse(l, fd, peer, qstp_error_hosts_exceeded, "maximum handshakes in flight");
            continue;
        }
        if (!srv_rate_allow(srv, (struct sockaddr *)&ss)) {
            atomic_fetch_sub(&srv->handshakes, 1);
            atomic_fetch_sub(&srv->tunnels, 1);
            refuse(l, fd, peer, qstp_error_hosts_exceeded, "handshake rate limit for this address");
            continue;
        }
        new_tunnel(l, fd, &ss, sl, peer);
    }
}

/* ---------------------------------------------------------------- established traffic */

static void kill_slow(srv_tunnel *t)
{
    srv_log(t->loop->srv, QSTP_LOG_WARN, "tunnel %s dropped: %zu bytes unsent (peer does not read)",
            peer_of(t).s, t->out_bytes);
    destroy(t, qstp_error_transmit_failure);
}

static int send_app(srv_tunnel *t, const uint8_t *data, size_t len)
{
    srv_loop *l = t->loop;
    if (t->state != T_ESTABLISHED)
        return qstp_fail(qstp_error_channel_down);
    while (len > 0) {
        size_t n = len > QSTP_SESSION_SEND_MAX ? QSTP_SESSION_SEND_MAX : len, outlen = 0;
        int ret = qstp_session_send(&t->s, data, n, l->sendbuf, SRV_SEND_SIZE, &outlen);
        if (ret != 0)
            return ret;
        if (queue_bytes(t, l->sendbuf, outlen) != 0) {
            destroy(t, qstp_error_transmit_failure);
            return qstp_fail(qstp_error_transmit_failure);
        }
        data += n;
        len -= n;
    }
    if (t->out_bytes > l->srv->opt.max_queued) {
        kill_slow(t);
        return qstp_fail(qstp_error_transmit_failure);
    }
    update_events(t);
    return 0;
}

static void close_tunnel(srv_tunnel *t, qstp_errors code)
{
    if (t == tls_busy) {
        t->close_req = 1;
        t->close_code = code;
        return;
    }
    if (t->state == T_AT_WORKER) {
        t->close_req = 1; /* acted on when the worker hands it back */
        t->close_code = code;
        return;
    }
    /* The code we send is also why the tunnel ended (a backend failure is not a normal close). */
    begin_closing(t, code, 1, code);
}

/* Feed received bytes to an established session on the loop thread. */
static void process_records(srv_tunnel *t, const uint8_t *in, size_t n)
{
    struct qstp_server *srv = t->loop->srv;
    size_t off = 0;
    if (t->rxbuf == NULL) {
        t->rxbuf = take_rx(t->loop);
        if (t->rxbuf == NULL ||
            qstp_session_attach_rx_buffer(&t->s, t->rxbuf, QSTP_SESSION_RX_BUFFER_SIZE) != 0) {
            destroy(t, qstp_error_memory_allocation);
            return;
        }
    }
    tls_busy = t;
    while (off < n && t->state == T_ESTABLISHED && !t->close_req) {
        qstp_event ev;
        size_t used = qstp_session_receive(&t->s, in + off, n - off, &ev);
        off += used;
        switch (ev.type) {
        case QSTP_EVENT_DATA:
            if (srv->fwd_on)
                srv_fwd_data(t, ev.data, ev.len); /* straight to the backend (forward.c) */
            else if (srv->opt.cb.on_data != NULL)
                srv->opt.cb.on_data(srv, t->id, ev.data, ev.len, srv->opt.cb.ctx);
            break;
        case QSTP_EVENT_PEER_CLOSED:
            tls_busy = NULL;
            begin_closing(t, ev.has_peer_code ? (qstp_errors)ev.peer_code : qstp_error_none, 0,
                          qstp_error_none);
            return;
        case QSTP_EVENT_ERROR:
            tls_busy = NULL;
            srv_log(srv, QSTP_LOG_WARN, "tunnel %s failed: %s", peer_of(t).s, qstp_error_to_string(ev.error));
            begin_closing(t, ev.error, 0, qstp_error_none); /* the session queued its close record */
            return;
        case QSTP_EVENT_NONE:
            if (used == 0) {
                /* Back-pressure (session.h): replies are queued; drain them to the socket. */
                if (flush_output(t) != 0 || qstp_session_output(&t->s, &used) != NULL) {
                    tls_busy = NULL;
                    kill_slow(t);
                    return;
                }
            }
            break;
        default:
            break; /* keep-alive answered, ratchet applied: their replies are flushed below */
        }
    }
    tls_busy = NULL;
    if (t->state != T_ESTABLISHED)
        return;
    if (flush_output(t) != 0) {
        destroy(t, qstp_error_transmit_failure);
        return;
    }
    if (t->out_bytes > srv->opt.max_queued) {
        kill_slow(t);
        return;
    }
    /* An idle tunnel holds no receive buffer (session.h: allowed when nothing is pending). */
    if (qstp_session_rx_pending(&t->s) == 0)
        release_rx(t);
    else if (t->rx_since == 0)
        t->rx_since = qstp_net_mono_ms(); /* run_timers bounds how long it may keep it */
    if (t->close_req)
        begin_closing(t, t->close_code, 1, t->close_code);
}

/* ---------------------------------------------------------------- handshake hand-offs */

void srv_loop_handshake_done(srv_tunnel *t)
{
    srv_loop *l = t->loop;
    int was_empty;
    pthread_mutex_lock(&l->mtx);
    was_empty = l->done_head == NULL;
    t->next_job = NULL;
    if (l->done_tail != NULL)
        l->done_tail->next_job = t;
    else
        l->done_head = t;
    l->done_tail = t;
    pthread_mutex_unlock(&l->mtx);
    if (was_empty)
        srv_loop_wake(l);
}

static void to_worker(srv_tunnel *t)
{
    t->state = T_AT_WORKER;
    set_events(t, 0); /* out of epoll: HUP would otherwise fire while a worker holds it */
    srv_worker_submit(t->loop->srv, t);
}

static void handshake_failed(srv_tunnel *t, qstp_errors why)
{
    struct qstp_server *srv = t->loop->srv;
    atomic_fetch_add(&srv->n_hs_failed, 1);
    srv_log(srv, QSTP_LOG_INFO, "handshake with %s failed: %s", peer_of(t).s, qstp_error_to_string(why));
    begin_closing(t, why, 0, qstp_error_none); /* the session queued its §3.3 error packet */
}

static void established(srv_tunnel *t)
{
    srv_loop *l = t->loop;
    struct qstp_server *srv = l->srv;
    size_t left = t->ws->in_len - t->ws->in_off;
    qstp_tunnel_info info;
    struct sockaddr_storage ss;
    srv_peerstr peer = peer_of(t);
    /* Records the client sent right behind its exchange request: keep them for after the
     * workspace (which holds them) goes back to the pool. */
    if (left > 0)
        memcpy(l->readbuf, t->ws->in + t->ws->in_off, left);
    t->state = T_ESTABLISHED;
    release_ws(t);
    atomic_fetch_add(&srv->n_established, 1);
    if (flush_output(t) != 0) { /* the exchange response */
        destroy(t, qstp_error_transmit_failure);
        return;
    }
    t->reported = 1;
    memset(&info, 0, sizeof(info));
    info.id = t->id;
    info.peer = peer.s;
    info.addrlen = qstp_net_addr_unpack(&t->addr, &ss);
    info.addr = (const struct sockaddr *)&ss;
    info.server_serial = serving_serial(t);
    info.suite = qstp_session_suite(&t->s);
    srv_log(srv, QSTP_LOG_INFO, "tunnel %s established (%s)", peer.s,
            info.suite != NULL ? info.suite->protocol_string : "?");
    if (srv->opt.cb.on_established != NULL)
        srv->opt.cb.on_established(srv, &info, srv->opt.cb.ctx);
    if (srv->fwd_on && t->state == T_ESTABLISHED && !t->close_req)
        srv_fwd_open(t);
    if (t->state == T_ESTABLISHED && left > 0)
        process_records(t, l->readbuf, left);
}

static void handshake_back(srv_tunnel *t)
{
    srv_loop *l = t->loop;
    t->state = T_HANDSHAKE;
    if (l->quitting || t->close_req) {
        begin_closing(t, qstp_error_none, 1, t->close_req ? t->close_code : qstp_error_channel_down);
        return;
    }
    switch (t->ws->hs_event) {
    case QSTP_EVENT_ESTABLISHED:
        established(t);
        return;
    case QSTP_EVENT_REVOKED:
        srv_log(l->srv, QSTP_LOG_WARN, "valid revocation notice from %s", peer_of(t).s);
        srv_withdraw_key(l->srv, t->ws->hs_revoked);
        begin_closing(t, qstp_error_none, 0, qstp_error_none); /* the reply is queued */
        return;
    case QSTP_EVENT_ERROR:
    case QSTP_EVENT_PEER_CLOSED:
        handshake_failed(t, t->ws->hs_event == QSTP_EVENT_ERROR ? t->ws->hs_error : qstp_error_connection_failure);
        return;
    default:
        break;
    }
    if (flush_output(t) != 0) {
        destroy(t, qstp_error_transmit_failure);
        return;
    }
    if (t->ws->in_off < t->ws->in_len) {
        /* The worker stopped for back-pressure: go on once the output is out. */
        if (output_pending(t)) {
            handshake_failed(t, qstp_error_transmit_failure);
            return;
        }
        to_worker(t);
    }
}

/* ---------------------------------------------------------------- socket events */

static void on_readable(srv_tunnel *t)
{
    srv_loop *l = t->loop;
    ssize_t r;
    switch (t->state) {
    case T_HANDSHAKE:
        r = recv(t->fd, t->ws->in, sizeof(t->ws->in), 0);
        if (r > 0) {
            t->ws->in_off = 0;
            t->ws->in_len = (size_t)r;
            to_worker(t);
        } else if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            qstp_event ev;
            qstp_session_peer_eof(&t->s, &ev);
            atomic_fetch_add(&l->srv->n_hs_failed, 1);
            srv_log(l->srv, QSTP_LOG_INFO, "handshake with %s failed: peer left", peer_of(t).s);
            destroy(t, qstp_error_receive_failure);
        }
        return;
    case T_ESTABLISHED:
        if (l->fwds != NULL && srv_fwd_input_blocked(t)) {
            /* A hang-up is reported even without EPOLLIN: wait for the backend without it. */
            set_events(t, output_pending(t) ? EPOLLOUT : 0u);
            return;
        }
        r = recv(t->fd, l->readbuf, SRV_READ_SIZE, 0);
        if (r > 0) {
            process_records(t, l->readbuf, (size_t)r);
        } else if (r == 0) {
            qstp_event ev;
            const int partial = qstp_session_rx_partial(&t->s);
            qstp_session_peer_eof(&t->s, &ev); /* end of stream without a close record */
            if (partial) {
                /* Not a close: the peer (or something between) cut a record short. */
                srv_log(l->srv, QSTP_LOG_WARN, "tunnel %s: connection ended inside a record",
                        peer_of(t).s);
                destroy(t, qstp_error_receive_failure);
                return;
            }
            destroy(t, qstp_error_none);
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            destroy(t, qstp_error_receive_failure);
        }
        return;
    case T_CLOSING:
        r = recv(t->fd, l->readbuf, SRV_READ_SIZE, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            destroy(t, qstp_error_none);
        return;
    default:
        return;
    }
}

static void on_writable(srv_tunnel *t)
{
    if (flush_output(t) != 0)
        destroy(t, qstp_error_transmit_failure);
}

/* ---------------------------------------------------------------- cross-thread messages */

int srv_loop_post(srv_loop *l, srv_msg *m)
{
    int was_empty;
    pthread_mutex_lock(&l->mtx);
    if (l->inbox_bytes + m->len > SRV_INBOX_MAX_BYTES) {
        pthread_mutex_unlock(&l->mtx);
        qstp_wipe(m->data, m->len);
        free(m);
        return qstp_fail(qstp_error_transmit_failure);
    }
    l->inbox_bytes += m->len;
    was_empty = l->inbox_head == NULL;
    if (l->inbox_tail != NULL)
        l->inbox_tail->next = m;
    else
        l->inbox_head = m;
    l->inbox_tail = m;
    pthread_mutex_unlock(&l->mtx);
    if (was_empty)
        srv_loop_wake(l);
    return 0;
}

int srv_loop_try_direct(srv_loop *l, int kind, qstp_tunnel_id id, const uint8_t *data, size_t len,
                        qstp_errors code, int *ret)
{
    srv_tunnel *t;
    if (tls_loop != l)
        return 0;
    t = lookup(l, id);
    if (t == NULL) {
        *ret = qstp_fail(qstp_error_channel_down);
        return 1;
    }
    if (kind == MSG_SEND) {
        *ret = send_app(t, data, len);
    } else {
        close_tunnel(t, code);
        *ret = 0;
    }
    return 1;
}

static void on_wake(srv_loop *l)
{
    uint64_t v;
    srv_msg *m;
    srv_tunnel *t;
    (void)!read(l->wakefd, &v, sizeof(v));
    pthread_mutex_lock(&l->mtx);
    m = l->inbox_head;
    l->inbox_head = l->inbox_tail = NULL;
    l->inbox_bytes = 0;
    t = l->done_head;
    l->done_head = l->done_tail = NULL;
    pthread_mutex_unlock(&l->mtx);
    while (t != NULL) {
        srv_tunnel *next = t->next_job;
        handshake_back(t);
        t = next;
    }
    while (m != NULL) {
        srv_msg *next = m->next;
        srv_tunnel *x = lookup(l, m->id);
        if (x != NULL) {
            if (m->kind == MSG_SEND)
                (void)send_app(x, m->data, m->len);
            else
                close_tunnel(x, m->code);
        }
        qstp_wipe(m->data, m->len);
        free(m);
        m = next;
    }
}

/* ---------------------------------------------------------------- timers and quit */

static void run_timers(srv_loop *l)
{
    const uint64_t now = qstp_net_unix_now(NULL), mono = qstp_net_mono_ms();
    for (uint32_t i = 0; i < l->nslots; i++) {
        srv_tunnel *t = l->slots[i];
        qstp_event ev;
        if (t == NULL || t->state == T_AT_WORKER)
            continue;
        if (t->state == T_CLOSING) {
            if (mono >= t->linger_deadline)
                destroy(t, qstp_error_none);
            continue;
        }
        if (t->state == T_ESTABLISHED && t->rxbuf != NULL && t->rx_since != 0 &&
            mono - t->rx_since >= (uint64_t)l->srv->opt.record_timeout * 1000u &&
            !(l->fwds != NULL && srv_fwd_input_blocked(t))) { /* our own pause is no stall */
            /* A peer that stops in the middle of a record would pin 64 KiB for as long as the
             * idle timeout allows; cut it off sooner. */
            srv_log(l->srv, QSTP_LOG_WARN, "tunnel %s left a record unfinished for %u s", peer_of(t).s,
                    (unsigned)l->srv->opt.record_timeout);
            begin_closing(t, qstp_error_timeout, 1, qstp_error_receive_failure);
            continue;
        }
        if (qstp_session_next_timeout(&t->s, now) > now)
            continue;
        qstp_session_timeout(&t->s, &ev);
        if (ev.type == QSTP_EVENT_ERROR) {
            if (t->state == T_HANDSHAKE) {
                handshake_failed(t, ev.error);
            } else {
                srv_log(l->srv, QSTP_LOG_INFO, "tunnel %s idle too long", peer_of(t).s);
                begin_closing(t, ev.error, 0, qstp_error_none);
            }
        } else if (flush_output(t) != 0) {
            destroy(t, qstp_error_transmit_failure);
        }
    }
}

/* Forwarded tunnels' backends (forward.c): connect timeouts, draining backends. */
static void run_fwd_timers(srv_loop *l, uint64_t mono)
{
    if (l->fwds != NULL)
        srv_fwd_timers(l, mono);
}

static void begin_quit(srv_loop *l)
{
    l->quitting = 1;
    l->quit_deadline = qstp_net_mono_ms() + SRV_QUIT_DRAIN_MS;
    if (l->listenfd >= 0) {
        (void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, l->listenfd, NULL);
        close(l->listenfd);
        l->listenfd = -1;
    }
    for (uint32_t i = 0; i < l->nslots; i++) {
        srv_tunnel *t = l->slots[i];
        if (t == NULL)
            continue;
        if (t->state == T_ESTABLISHED)
            begin_closing(t, qstp_error_none, 1, qstp_error_none); /* §3.4 close record, code 0 */
        else if (t->state == T_HANDSHAKE)
            begin_closing(t, qstp_error_none, 1, qstp_error_channel_down);
        /* T_AT_WORKER: closed when it comes back (handshake_back) */
    }
}

void *srv_loop_main(void *arg)
{
    srv_loop *l = arg;
    struct qstp_server *srv = l->srv;
    struct epoll_event evs[128];
    uint64_t next_tick = qstp_net_mono_ms() + 1000u;
    tls_loop = l;
    for (;;) {
        int n = epoll_wait(l->epfd, evs, 128, l->quitting ? 50 : LOOP_TICK_MS);
        uint64_t mono;
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u64 == TAG_WAKE) {
                on_wake(l);
            } else if (evs[i].data.u64 == TAG_LISTEN) {
                if (l->listenfd >= 0)
                    on_accept(l);
            } else if (evs[i].data.u64 & SRV_FWD_TAG) {
                srv_fwd_event(l, (struct srv_fwd *)(uintptr_t)(evs[i].data.u64 & ~(uint64_t)SRV_FWD_TAG),
                              evs[i].events);
            } else {
                srv_tunnel *t = evs[i].data.ptr;
                if (t->state == T_DEAD)
                    continue;
                if (evs[i].events & EPOLLOUT)
                    on_writable(t);
                if (t->state != T_DEAD && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                    on_readable(t);
            }
        }
        bury();
        mono = qstp_net_mono_ms();
        if (atomic_load(&srv->quit) && !l->quitting)
            begin_quit(l);
        if (mono >= next_tick || l->quitting) {
            run_timers(l);
            run_fwd_timers(l, mono);
            next_tick = mono + 1000u;
        }
        if (l->quitting) {
            if (mono >= l->quit_deadline) {
                for (uint32_t i = 0; i < l->nslots; i++) {
                    srv_tunnel *t = l->slots[i];
                    if (t != NULL && t->state != T_AT_WORKER)
                        destroy(t, qstp_error_none);
                }
            }
            bury();
            if (l->live == 0 && (l->fwd_draining == NULL || mono >= l->quit_deadline))
                break;
        }
    }
    tls_loop = NULL;
    return NULL;
}

/* ---------------------------------------------------------------- for forward.c */

int srv_tunnel_send(srv_tunnel *t, const uint8_t *data, size_t len)
{
    return send_app(t, data, len);
}

void srv_tunnel_close(srv_tunnel *t, qstp_errors code)
{
    close_tunnel(t, code);
}

void srv_tunnel_update(srv_tunnel *t)
{
    update_events(t);
}
