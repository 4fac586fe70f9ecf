/* `qstp server --forward HOST:PORT`: each tunnel becomes one TCP connection to the backend, like
 * stunnel. One thread per tunnel owns the backend socket; the server's callbacks (loop threads,
 * which must not block) only append to the tunnel's pending buffer and wake that thread.
 *
 * Half-close: QSTP has no half-close on the wire (a close record ends the whole tunnel, WIRE
 * §3.4), so the two directions end like this:
 *  - the backend's end of stream ends the tunnel once everything it sent is queued (the close
 *    record follows the data on the same queue, so nothing is lost);
 *  - the tunnel's end (the client closed) is passed on as shutdown(SHUT_WR) on the backend after
 *    the pending bytes are written, then the backend socket is closed. */
#include "forward.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "net/netutil.h"

#define FWD_BUCKETS 256u
#define FWD_READ_SIZE 65536u
#define FWD_CONNECT_MS 10000u
/* Bytes from the client not yet taken by the backend. The server reads tunnels without
 * back-pressure, so a backend that stops reading is cut off here instead of growing memory. */
#define FWD_PENDING_MAX (16u << 20)

typedef struct fwd_conn {
    struct fwd_conn *next;
    qstp_tunnel_id id;
    char peer[64];
    pthread_mutex_t mtx;
    uint8_t *pend; /* client -> backend bytes not yet written */
    size_t pend_len, pend_cap;
    int tunnel_closed; /* on_closed ran */
    int wakefd;        /* eventfd: new data or tunnel closed */
    cli_fwd *f;
} fwd_conn;

struct cli_fwd {
    qstp_server *srv;
    char host[256];
    uint16_t port;
    pthread_mutex_t mtx; /* the table and the thread count */
    pthread_cond_t idle;
    fwd_conn *table[FWD_BUCKETS];
    unsigned threads;
};

cli_fwd *cli_fwd_create(const char *host, uint16_t port)
{
    cli_fwd *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    snprintf(f->host, sizeof(f->host), "%s", host);
    f->port = port;
    pthread_mutex_init(&f->mtx, NULL);
    pthread_cond_init(&f->idle, NULL);
    return f;
}

static void wake(fwd_conn *c)
{
    uint64_t one = 1;
    ssize_t n = write(c->wakefd, &one, sizeof(one));
    (void)n;
}

static void conn_free(fwd_conn *c)
{
    if (c->wakefd >= 0)
        close(c->wakefd);
    pthread_mutex_destroy(&c->mtx);
    free(c->pend);
    free(c);
}

static void table_remove(cli_fwd *f, fwd_conn *c)
{
    fwd_conn **pp = &f->table[c->id % FWD_BUCKETS];
    while (*pp != NULL && *pp != c)
        pp = &(*pp)->next;
    if (*pp == c)
        *pp = c->next;
}

/* Writes what is pending; 0, or -1 if the backend is gone. */
static int flush_pending(fwd_conn *c, int fd)
{
    pthread_mutex_lock(&c->mtx);
    while (c->pend_len > 0) {
        ssize_t n = send(fd, c->pend, c->pend_len, MSG_NOSIGNAL);
        if (n < 0) {
            int e = errno;
            pthread_mutex_unlock(&c->mtx);
            return e == EAGAIN || e == EWOULDBLOCK || e == EINTR ? 0 : -1;
        }
        memmove(c->pend, c->pend + n, c->pend_len - (size_t)n);
        c->pend_len -= (size_t)n;
    }
    pthread_mutex_unlock(&c->mtx);
    return 0;
}

static void *conn_thread(void *arg)
{
    fwd_conn *c = arg;
    cli_fwd *f = c->f;
    uint8_t *buf = malloc(FWD_READ_SIZE);
    int fd, backend_eof = 0;
    fd = qstp_net_connect(f->host, f->port, qstp_net_mono_ms() + FWD_CONNECT_MS);
    if (fd < 0 || buf == NULL) {
        cli_log("server", "tunnel %s: cannot connect to backend %s port %u; closing the tunnel "
                "(is the backend running?)", c->peer, f->host, (unsigned)f->port);
        (void)qstp_server_close_tunnel(f->srv, c->id, qstp_error_connection_failure);
    } else {
        cli_log("server", "tunnel %s forwarded to %s port %u", c->peer, f->host, (unsigned)f->port);
    }
    while (fd >= 0 && buf != NULL) {
        struct pollfd p[2];
        int closed, want_out;
        pthread_mutex_lock(&c->mtx);
        closed = c->tunnel_closed;
        want_out = c->pend_len > 0;
        pthread_mutex_unlock(&c->mtx);
        if (closed && !want_out) {
            shutdown(fd, SHUT_WR); /* the client's end, passed on */
            break;
        }
        p[0].fd = fd;
        p[0].events = (short)((backend_eof || closed ? 0 : POLLIN) | (want_out ? POLLOUT : 0));
        p[1].fd = c->wakefd;
        p[1].events = POLLIN;
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents & POLLIN) {
            uint64_t v;
            ssize_t n = read(c->wakefd, &v, sizeof(v));
            (void)n;
        }
        if (want_out && (p[0].revents & (POLLOUT | POLLERR | POLLHUP)) && flush_pending(c, fd) != 0) {
            if (!closed)
                (void)qstp_server_close_tunnel(f->srv, c->id, qstp_error_connection_failure);
            break;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR) && !backend_eof && !closed) {
            ssize_t n = recv(fd, buf, FWD_READ_SIZE, 0);
            if (n > 0) {
                if (qstp_server_send(f->srv, c->id, buf, (size_t)n) != 0)
                    backend_eof = 1; /* the tunnel is gone; on_closed follows */
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                /* the backend finished: end the tunnel after its data (same queue, in order) */
                backend_eof = 1;
                (void)qstp_server_close_tunnel(f->srv, c->id, qstp_error_none);
            }
        }
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    /* wait for on_closed before freeing: the server may still call on_data for this id */
    pthread_mutex_lock(&c->mtx);
    while (!c->tunnel_closed) {
        pthread_mutex_unlock(&c->mtx);
        {
            struct pollfd p = {c->wakefd, POLLIN, 0};
            uint64_t v;
            if (poll(&p, 1, 1000) > 0) {
                ssize_t n = read(c->wakefd, &v, sizeof(v));
                (void)n;
            }
        }
        pthread_mutex_lock(&c->mtx);
    }
    pthread_mutex_unlock(&c->mtx);
    pthread_mutex_lock(&f->mtx);
    table_remove(f, c);
    conn_free(c);
    f->threads--;
    pthread_cond_broadcast(&f->idle);
    pthread_mutex_unlock(&f->mtx);
    return NULL;
}

void cli_fwd_established(cli_fwd *f, qstp_server *srv, const qstp_tunnel_info *info)
{
    fwd_conn *c = calloc(1, sizeof(*c));
    pthread_t th;
    pthread_attr_t attr;
    if (c == NULL) {
        (void)qstp_server_close_tunnel(srv, info->id, qstp_error_memory_allocation);
        return;
    }
    c->id = info->id;
    c->f = f;
    snprintf(c->peer, sizeof(c->peer), "%s", info->peer != NULL ? info->peer : "?");
    pthread_mutex_init(&c->mtx, NULL);
    c->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (c->wakefd < 0) {
        conn_free(c);
        (void)qstp_server_close_tunnel(srv, info->id, qstp_error_memory_allocation);
        return;
    }
    pthread_mutex_lock(&f->mtx);
    f->srv = srv; /* the callbacks may run before qstp_server_start has returned */
    c->next = f->table[c->id % FWD_BUCKETS];
    f->table[c->id % FWD_BUCKETS] = c;
    f->threads++;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, CLI_THREAD_STACK);
    if (pthread_create(&th, &attr, conn_thread, c) != 0) {
        table_remove(f, c);
        f->threads--;
        pthread_mutex_unlock(&f->mtx);
        conn_free(c);
        (void)qstp_server_close_tunnel(f->srv, info->id, qstp_error_memory_allocation);
    } else {
        pthread_mutex_unlock(&f->mtx);
    }
    pthread_attr_destroy(&attr);
}

static fwd_conn *lookup(cli_fwd *f, qstp_tunnel_id id)
{
    fwd_conn *c = f->table[id % FWD_BUCKETS];
    while (c != NULL && c->id != id)
        c = c->next;
    return c;
}

void cli_fwd_data(cli_fwd *f, qstp_tunnel_id id, const uint8_t *data, size_t len)
{
    fwd_conn *c;
    int overflow = 0;
    pthread_mutex_lock(&f->mtx);
    c = lookup(f, id);
    if (c != NULL) {
        pthread_mutex_lock(&c->mtx);
        if (c->pend_len + len > FWD_PENDING_MAX) {
            overflow = 1;
        } else {
            if (c->pend_len + len > c->pend_cap) {
                size_t cap = c->pend_cap ? c->pend_cap : 65536;
                uint8_t *p;
                while (cap < c->pend_len + len)
                    cap *= 2;
                p = realloc(c->pend, cap);
                if (p == NULL) {
                    overflow = 1;
                } else {
                    c->pend = p;
                    c->pend_cap = cap;
                }
            }
            if (!overflow) {
                memcpy(c->pend + c->pend_len, data, len);
                c->pend_len += len;
            }
        }
        pthread_mutex_unlock(&c->mtx);
        wake(c);
        if (overflow)
            cli_log("server", "tunnel %s: backend does not read (%u bytes pending); closing the "
                    "tunnel", c->peer, FWD_PENDING_MAX);
    }
    pthread_mutex_unlock(&f->mtx);
    if (overflow)
        (void)qstp_server_close_tunnel(f->srv, id, qstp_error_transmit_failure);
}

void cli_fwd_closed(cli_fwd *f, qstp_tunnel_id id)
{
    fwd_conn *c;
    pthread_mutex_lock(&f->mtx);
    c = lookup(f, id);
    if (c != NULL) {
        pthread_mutex_lock(&c->mtx);
        c->tunnel_closed = 1;
        pthread_mutex_unlock(&c->mtx);
        wake(c);
    }
    pthread_mutex_unlock(&f->mtx);
}

void cli_fwd_destroy(cli_fwd *f)
{
    struct timespec ts;
    if (f == NULL)
        return;
    /* the server has quit, so every tunnel got on_closed; give the threads time to flush */
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 5;
    pthread_mutex_lock(&f->mtx);
    while (f->threads > 0)
        if (pthread_cond_timedwait(&f->idle, &f->mtx, &ts) != 0)
            break;
    if (f->threads > 0) {
        /* a backend that never drains: leave the detached threads, the process is exiting */
        pthread_mutex_unlock(&f->mtx);
        return;
    }
    pthread_mutex_unlock(&f->mtx);
    pthread_mutex_destroy(&f->mtx);
    pthread_cond_destroy(&f->idle);
    free(f);
}
