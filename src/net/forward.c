/* Forwarding in the event loop (qstp_server_options.forward_host): each established tunnel gets
 * one TCP connection to the backend, like stunnel, owned by the tunnel's own loop thread. The
 * backend socket sits in the same epoll set as the tunnel, so a tunnel costs no thread, no
 * eventfd and no lock, and bytes take the shortest path:
 *   client -> backend: records are opened on the loop (process_records) and each plaintext goes
 *                      to the backend with one send(); what the backend cannot take now is kept
 *                      and the tunnel's socket is not read until it is gone;
 *   backend -> client: one recv() of up to a whole record's plaintext (QSTP_SESSION_SEND_MAX,
 *                      the largest the reference accepts, WIRE §2.6) is sealed into one record
 *                      and sent; the backend is not read while the tunnel has more than
 *                      FWD_QUEUE_MARK bytes queued behind its socket.
 * So memory per tunnel is bounded by one socket read either way, whatever the peers do.
 *
 * Half-close: QSTP has no half-close on the wire (a close record ends the whole tunnel, WIRE
 * §3.4), so the two directions end like this:
 *  - the backend's end of stream ends the tunnel once everything it sent is queued (the close
 *    record follows the data on the same queue, so nothing is lost);
 *  - the tunnel's end (the client closed) is passed on as shutdown(SHUT_WR) on the backend after
 *    the pending bytes are written (up to FWD_DRAIN_MS), then the backend socket is closed. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crypto/ct.h"
#include "net/server_internal.h"

/* Stop reading the backend while this much is queued for the client: with the socket's own
 * buffer that keeps a fast backend a few records ahead of a slow client, no more. */
#define FWD_QUEUE_MARK (256u << 10)
/* After the tunnel ended: how long its last client bytes may take to reach the backend. */
#define FWD_DRAIN_MS 5000u

typedef struct srv_fwd {
    srv_tunnel *t;          /* NULL once the tunnel ended (draining, or dead) */
    srv_loop *l;
    struct srv_fwd *next;   /* draining or dead list */
    int fd;
    uint32_t events;        /* registered in epoll */
    uint8_t connecting;
    uint8_t eof;            /* the backend ended its stream */
    uint64_t deadline;      /* connect deadline, then the drain deadline */
    uint8_t *pend;          /* client bytes the backend has not taken yet */
    size_t pend_off, pend_len, pend_cap;
} srv_fwd;

static srv_fwd *fwd_of(const srv_tunnel *t)
{
    srv_loop *l = t->loop;
    return l->fwds != NULL ? l->fwds[SRV_TUNNEL_SLOT(t->id)] : NULL;
}

int srv_fwd_resolve(struct qstp_server *srv)
{
    struct addrinfo hints, *res = NULL;
    char portstr[8];
    const char *host = srv->opt.forward_host;
    if (host == NULL)
        return 0;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(portstr, sizeof(portstr), "%u", (unsigned)srv->opt.forward_port);
    if (srv->opt.forward_port == 0 || getaddrinfo(host, portstr, &hints, &res) != 0 || res == NULL ||
        res->ai_addrlen > sizeof(srv->fwd_addr)) {
        if (res != NULL)
            freeaddrinfo(res);
        srv_log(srv, QSTP_LOG_ERROR, "cannot resolve the backend %s port %u", host,
                (unsigned)srv->opt.forward_port);
        return qstp_fail(qstp_error_connect_failure);
    }
    memcpy(&srv->fwd_addr, res->ai_addr, res->ai_addrlen);
    srv->fwd_addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    snprintf(srv->fwd_host, sizeof(srv->fwd_host), "%s", host);
    srv->opt.forward_host = srv->fwd_host; /* the caller's string need not outlive the call */
    if (srv->opt.forward_connect_ms == 0)
        srv->opt.forward_connect_ms = QSTP_SERVER_DEFAULT_FORWARD_CONNECT_MS;
    srv->fwd_on = 1;
    return 0;
}

int srv_fwd_grow(srv_loop *l, uint32_t cap)
{
    srv_fwd **p;
    if (!l->srv->fwd_on)
        return 0;
    p = realloc(l->fwds, cap * sizeof(*p));
    if (p == NULL)
        return -1;
    for (uint32_t i = l->slot_cap; i < cap; i++)
        p[i] = NULL;
    l->fwds = p;
    return 0;
}

static void set_events(srv_fwd *f, uint32_t events)
{
    struct epoll_event ev;
    if (f->events == events || f->fd < 0)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.u64 = (uint64_t)(uintptr_t)f | SRV_FWD_TAG;
    if (events == 0)
        (void)epoll_ctl(f->l->epfd, EPOLL_CTL_DEL, f->fd, &ev);
    else
        (void)epoll_ctl(f->l->epfd, f->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, f->fd, &ev);
    f->events = events;
}

static size_t queue_mark(const srv_loop *l)
{
    size_t half = l->srv->opt.max_queued / 2u;
    return half < FWD_QUEUE_MARK ? half : FWD_QUEUE_MARK;
}

/* The backend's epoll interest follows from the state: writable while connecting or holding
 * client bytes; readable while the tunnel can take more. */
static void update(srv_fwd *f)
{
    uint32_t ev = 0;
    if (f->connecting || f->pend_len > 0)
        ev |= EPOLLOUT;
    if (!f->connecting && !f->eof && f->t != NULL && f->t->state == T_ESTABLISHED &&
        f->t->out_bytes < queue_mark(f->l))
        ev |= EPOLLIN;
    set_events(f, ev);
}

/* Client bytes are plaintext: wiped before the memory goes back. */
static void pend_free(srv_fwd *f)
{
    if (f->pend != NULL) {
        qstp_wipe(f->pend, f->pend_cap);
        free(f->pend);
    }
    f->pend = NULL;
    f->pend_off = f->pend_len = f->pend_cap = 0;
}

static int pend_add(srv_fwd *f, const uint8_t *p, size_t n)
{
    if (f->pend_off > 0 && f->pend_len > 0)
        memmove(f->pend, f->pend + f->pend_off, f->pend_len);
    f->pend_off = 0;
    if (f->pend_len + n > f->pend_cap) {
        size_t cap = f->pend_cap ? f->pend_cap : 16384u;
        uint8_t *q;
        while (cap < f->pend_len + n)
            cap *= 2u;
        const size_t keep = f->pend_len;
        q = malloc(cap);
        if (q == NULL)
            return -1;
        if (keep > 0)
            memcpy(q, f->pend, keep);
        pend_free(f); /* wipes the old copy */
        f->pend = q;
        f->pend_cap = cap;
        f->pend_len = keep;
    }
    memcpy(f->pend + f->pend_len, p, n);
    f->pend_len += n;
    return 0;
}

/* Write what is pending. 0 (all or some written), -1 if the backend is gone. */
static int flush(srv_fwd *f)
{
    while (f->pend_len > 0) {
        ssize_t w = send(f->fd, f->pend + f->pend_off, f->pend_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
        qstp_wipe(f->pend + f->pend_off, (size_t)w);
        f->pend_off += (size_t)w;
        f->pend_len -= (size_t)w;
    }
    pend_free(f); /* an idle tunnel holds no buffer */
    return 0;
}

static void peer_text(const srv_tunnel *t, char out[QSTP_NET_ADDRSTR])
{
    qstp_net_addr_text(&t->addr, out);
}

/* The backend socket is finished with: free after the current epoll batch (it may name f). */
static void fwd_kill(srv_fwd *f)
{
    srv_loop *l = f->l;
    set_events(f, 0);
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
        atomic_fetch_sub(&l->srv->backends, 1);
    }
    pend_free(f);
    f->t = NULL;
    f->next = l->fwd_dead;
    l->fwd_dead = f;
}

static void backend_failed(srv_fwd *f, const char *what)
{
    srv_tunnel *t = f->t;
    char peer[QSTP_NET_ADDRSTR];
    struct qstp_server *srv = f->l->srv;
    peer_text(t, peer);
    srv_log(srv, QSTP_LOG_WARN, "tunnel %s: %s backend %s port %u; closing the tunnel%s", peer, what,
            srv->opt.forward_host, (unsigned)srv->opt.forward_port,
            f->connecting ? " (is the backend running?)" : "");
    srv_tunnel_close(t, qstp_error_connection_failure); /* srv_fwd_tunnel_gone frees f */
}

void srv_fwd_open(srv_tunnel *t)
{
    srv_loop *l = t->loop;
    struct qstp_server *srv = l->srv;
    srv_fwd *f = calloc(1, sizeof(*f));
    int fd;
    if (f == NULL) {
        srv_tunnel_close(t, qstp_error_memory_allocation);
        return;
    }
    f->t = t;
    f->l = l;
    f->fd = -1;
    l->fwds[SRV_TUNNEL_SLOT(t->id)] = f;
    fd = socket(srv->fwd_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        f->connecting = 1;
        backend_failed(f, "cannot open a socket to");
        return;
    }
    f->fd = fd;
    atomic_fetch_add(&srv->backends, 1);
    qstp_net_tune_stream(fd, (const struct sockaddr *)&srv->fwd_addr);
    f->connecting = 1;
    f->deadline = qstp_net_mono_ms() + srv->opt.forward_connect_ms;
    if (connect(fd, (const struct sockaddr *)&srv->fwd_addr, srv->fwd_addrlen) != 0 &&
        errno != EINPROGRESS) {
        backend_failed(f, "cannot connect to");
        return;
    }
    /* Even an immediate success is reported through EPOLLOUT: one path for both. */
    update(f);
    srv_tunnel_update(t); /* the tunnel is not read until the backend is there */
}

void srv_fwd_data(srv_tunnel *t, const uint8_t *data, size_t len)
{
    srv_fwd *f = fwd_of(t);
    if (f == NULL || f->fd < 0)
        return;
    if (!f->connecting && f->pend_len == 0) {
        if (qstp_net_send_now(f->fd, &data, &len) != 0) {
            backend_failed(f, "lost the");
            return;
        }
        if (len == 0)
            return;
    }
    /* At most one socket read of the tunnel's plaintext lands here: the tunnel is not read
     * again until this is gone (srv_fwd_input_blocked). */
    if (pend_add(f, data, len) != 0) {
        srv_tunnel_close(t, qstp_error_memory_allocation);
        return;
    }
    update(f);
}

int srv_fwd_input_blocked(const srv_tunnel *t)
{
    const srv_fwd *f = fwd_of(t);
    return f != NULL && (f->connecting || f->pend_len > 0);
}

void srv_fwd_output_changed(srv_tunnel *t)
{
    srv_fwd *f = fwd_of(t);
    if (f != NULL && f->t == t)
        update(f);
}

void srv_fwd_tunnel_gone(srv_tunnel *t, qstp_errors reason)
{
    srv_loop *l = t->loop;
    srv_fwd *f = fwd_of(t);
    if (f == NULL)
        return;
    l->fwds[SRV_TUNNEL_SLOT(t->id)] = NULL;
    f->t = NULL;
    if (reason != qstp_error_none && f->fd >= 0) {
        /* The client's stream failed (cut inside a record, a record that did not authenticate,
         * a timeout): a FIN would tell the backend that what it got is complete. Reset the
         * connection instead (stunnel's "reset = yes") and drop what it has not taken. */
        struct linger lg = {1, 0};
        (void)setsockopt(f->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        fwd_kill(f);
        return;
    }
    if (f->fd < 0 || f->connecting) {
        fwd_kill(f);
        return;
    }
    if (flush(f) != 0) {
        fwd_kill(f);
        return;
    }
    if (f->pend_len > 0) {
        /* The client's last bytes still go out; the backend is no longer read. */
        f->deadline = qstp_net_mono_ms() + FWD_DRAIN_MS;
        f->next = l->fwd_draining;
        l->fwd_draining = f;
        update(f);
        return;
    }
    (void)shutdown(f->fd, SHUT_WR); /* the client's end, passed on */
    fwd_kill(f);
}

static void drain_remove(srv_loop *l, srv_fwd *f)
{
    srv_fwd **pp = &l->fwd_draining;
    while (*pp != NULL && *pp != f)
        pp = &(*pp)->next;
    if (*pp == f)
        *pp = f->next;
    f->next = NULL;
}

static void connected(srv_fwd *f)
{
    srv_tunnel *t = f->t;
    struct qstp_server *srv = f->l->srv;
    char peer[QSTP_NET_ADDRSTR];
    int err = 0;
    socklen_t el = sizeof(err);
    if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) {
        backend_failed(f, "cannot connect to");
        return;
    }
    f->connecting = 0;
    peer_text(t, peer);
    srv_log(srv, QSTP_LOG_INFO, "tunnel %s forwarded to %s port %u", peer, srv->opt.forward_host,
            (unsigned)srv->opt.forward_port);
    if (flush(f) != 0) {
        backend_failed(f, "lost the");
        return;
    }
    update(f);
    srv_tunnel_update(t);
}

static void backend_readable(srv_fwd *f)
{
    srv_tunnel *t = f->t;
    srv_loop *l = f->l;
    /* One record's worth per event (level-triggered, fair to the loop's other tunnels). The
     * loop's read buffer is free here: it is only used inside a tunnel's read event. */
    ssize_t r = recv(f->fd, l->readbuf, QSTP_SESSION_SEND_MAX, 0);
    if (r > 0) {
        int ret = srv_tunnel_send(t, l->readbuf, (size_t)r);
        qstp_wipe(l->readbuf, (size_t)r);
        if (ret != 0)
            return; /* the tunnel failed and was closed; f is gone or going */
        update(f);
        return;
    }
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    /* The backend finished (or failed, which ends it the same way): end the tunnel after its
     * data, which is already on the tunnel's queue ahead of the close record. */
    f->eof = 1;
    update(f);
    /* A backend error (reset) must not look like a complete response to the client. */
    srv_tunnel_close(t, r < 0 ? qstp_error_connection_failure : qstp_error_none);
}

void srv_fwd_event(srv_loop *l, srv_fwd *f, uint32_t events)
{
    if (f->fd < 0)
        return; /* killed earlier in this batch */
    if (f->t == NULL) {
        /* Draining the client's last bytes. */
        if ((events & (EPOLLERR | EPOLLHUP)) || flush(f) != 0) {
            drain_remove(l, f);
            fwd_kill(f);
        } else if (f->pend_len == 0) {
            drain_remove(l, f);
            (void)shutdown(f->fd, SHUT_WR);
            fwd_kill(f);
        }
        return;
    }
    if (f->connecting) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
            connected(f);
        return;
    }
    if (events & EPOLLOUT) {
        if (flush(f) != 0) {
            backend_failed(f, "lost the");
            return;
        }
        update(f);
        if (f->pend_len == 0)
            srv_tunnel_update(f->t); /* read the tunnel again */
        if (f->fd < 0 || f->t == NULL)
            return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        if (f->events & EPOLLIN)
            backend_readable(f);
        else if (events & EPOLLERR)
            backend_failed(f, "lost the");
    }
}

void srv_fwd_timers(srv_loop *l, uint64_t mono)
{
    srv_fwd **pp = &l->fwd_draining;
    if (l->fwds == NULL)
        return;
    while (*pp != NULL) {
        srv_fwd *f = *pp;
        if (mono >= f->deadline) {
            *pp = f->next;
            fwd_kill(f); /* a backend that takes nothing for FWD_DRAIN_MS */
        } else {
            pp = &f->next;
        }
    }
    for (uint32_t i = 0; i < l->nslots; i++) {
        srv_fwd *f = l->fwds[i];
        if (f != NULL && f->t != NULL && f->connecting && mono >= f->deadline)
            backend_failed(f, "cannot connect (timed out) to");
    }
}

void srv_fwd_bury(srv_loop *l)
{
    while (l->fwd_dead != NULL) {
        srv_fwd *f = l->fwd_dead;
        l->fwd_dead = f->next;
        free(f);
    }
}

void srv_fwd_loop_free(srv_loop *l)
{
    while (l->fwd_draining != NULL) {
        srv_fwd *f = l->fwd_draining;
        l->fwd_draining = f->next;
        if (f->fd >= 0)
            (void)shutdown(f->fd, SHUT_WR);
        fwd_kill(f);
    }
    if (l->fwds != NULL)
        for (uint32_t i = 0; i < l->nslots; i++)
            if (l->fwds[i] != NULL)
                fwd_kill(l->fwds[i]);
    srv_fwd_bury(l);
    free(l->fwds);
    l->fwds = NULL;
}
