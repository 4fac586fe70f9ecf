/* VPN client (vpn.h): connect, wait for ASSIGN, configure the TUN, copy packets both ways until
 * the tunnel ends, then reconnect with backoff. The receive thread writes records to the TUN;
 * this thread reads the TUN and sends. */
#include "vpn/vpn.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "qstp/client.h"
#include "vpn/frame.h"
#include "vpn/iface.h"
#include "vpn/tun.h"

#define TUN_READ_MAX 65536u

typedef struct vpn_client {
    const qstp_vpn_client_config *cfg;
    qstp_vpn_log log;
    int tunfd;
    int evfd; /* the receive thread has news: ASSIGN, NOADDR or closed */
    qstp_vpn_iface ifc;
    pthread_mutex_t mtx;
    /* per connection, under mtx */
    int got_assign, noaddr, closed;
    qstp_vpn_assign assign;
    qstp_errors reason;
    atomic_int forwarding; /* 1 once the interface matches this connection's ASSIGN */
    atomic_uint_fast64_t to_tun, dropped;
} vpn_client;

static void wake(vpn_client *c)
{
    uint64_t one = 1;
    ssize_t w = write(c->evfd, &one, sizeof(one));
    (void)w;
}

static void drain(int fd)
{
    uint64_t v;
    ssize_t r = read(fd, &v, sizeof(v));
    (void)r;
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void on_data(qstp_client *qc, const uint8_t *data, size_t len, void *ctx)
{
    vpn_client *c = ctx;
    qstp_vpn_assign a;
    (void)qc;
    switch (qstp_vpn_classify(data, len)) {
    case QSTP_VPN_KIND_CONTROL:
        pthread_mutex_lock(&c->mtx);
        if (data[0] == QSTP_VPN_CTRL_ASSIGN && !c->got_assign &&
            qstp_vpn_assign_decode(&a, data, len) == 0) {
            c->assign = a;
            c->got_assign = 1;
        } else if (data[0] == QSTP_VPN_CTRL_NOADDR) {
            c->noaddr = 1;
        } /* anything else: unknown control messages are ignored (forward compatibility) */
        pthread_mutex_unlock(&c->mtx);
        wake(c);
        break;
    case QSTP_VPN_KIND_IPV4:
        /* Only what the server routes to this client: IPv4 for our address, within the MTU the
         * server announced (frame.h qstp_vpn_client_accepts). c->assign is written before
         * forwarding is set (this thread) and not changed while it is. */
        if (atomic_load(&c->forwarding) && qstp_vpn_client_accepts(&c->assign, c->assign.mtu, data, len) &&
            write(c->tunfd, data, len) == (ssize_t)len)
            atomic_fetch_add(&c->to_tun, 1);
        else
            atomic_fetch_add(&c->dropped, 1);
        break;
    default:
        atomic_fetch_add(&c->dropped, 1);
        break;
    }
}

static void on_closed(qstp_client *qc, qstp_errors reason, void *ctx)
{
    vpn_client *c = ctx;
    (void)qc;
    pthread_mutex_lock(&c->mtx);
    c->closed = 1;
    c->reason = reason;
    pthread_mutex_unlock(&c->mtx);
    wake(c);
}

/* 1 if stop_fd is readable within ms (waiting that long), else 0. */
static int stop_within(const vpn_client *c, uint32_t ms)
{
    struct pollfd p = {c->cfg->stop_fd, POLLIN, 0};
    uint64_t end = mono_ms() + ms;
    for (;;) {
        uint64_t now = mono_ms();
        int r;
        if (now >= end)
            return 0;
        r = poll(&p, c->cfg->stop_fd >= 0 ? 1 : 0, (int)(end - now));
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
    }
}

enum { SESSION_STOP = 0, SESSION_ENDED = 1, SESSION_FATAL = -1 };

/* Waits for ASSIGN, configures, then pumps TUN -> tunnel until the tunnel ends or stop. */
static int run_session(vpn_client *c, qstp_client *qc, uint8_t *buf, char *err, size_t errcap)
{
    const qstp_vpn_client_config *cfg = c->cfg;
    uint64_t deadline = mono_ms() + QSTP_VPN_ASSIGN_TIMEOUT_MS;
    qstp_vpn_assign a;
    unsigned mtu;
    for (;;) {
        struct pollfd p[2] = {{c->evfd, POLLIN, 0}, {cfg->stop_fd, POLLIN, 0}};
        int got, noaddr, closed;
        uint64_t now = mono_ms();
        pthread_mutex_lock(&c->mtx);
        got = c->got_assign;
        noaddr = c->noaddr;
        closed = c->closed;
        a = c->assign;
        pthread_mutex_unlock(&c->mtx);
        if (noaddr) {
            snprintf(err, errcap, "the server %s refused an address: its pool is full; ask its "
                     "operator for a larger --pool", cfg->host);
            return SESSION_FATAL;
        }
        if (got)
            break;
        if (closed)
            return SESSION_ENDED;
        if (now >= deadline) {
            qstp_vpn_logf(&c->log, QSTP_LOG_WARN, "no address from %s within %u s (is it a VPN "
                          "server?); reconnecting", cfg->host, QSTP_VPN_ASSIGN_TIMEOUT_MS / 1000u);
            return SESSION_ENDED;
        }
        if (poll(p, cfg->stop_fd >= 0 ? 2 : 1, (int)(deadline - now)) > 0) {
            if (p[0].revents & POLLIN)
                drain(c->evfd);
            if (cfg->stop_fd >= 0 && (p[1].revents & POLLIN))
                return SESSION_STOP;
        }
    }
    mtu = a.mtu;
    if (cfg->mtu != 0 && cfg->mtu < mtu)
        mtu = cfg->mtu;
    if (qstp_vpn_iface_configure(&c->ifc, a.client_addr, a.server_addr & qstp_vpn_prefix_mask(a.prefix),
                                 a.prefix, mtu, cfg->no_routes, &c->log, err, errcap) != 0)
        return SESSION_FATAL;
    atomic_store(&c->forwarding, 1);
    for (;;) {
        struct pollfd p[3] = {{c->tunfd, POLLIN, 0}, {c->evfd, POLLIN, 0}, {cfg->stop_fd, POLLIN, 0}};
        int closed;
        if (poll(p, cfg->stop_fd >= 0 ? 3 : 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errcap, "poll failed: %s", strerror(errno));
            return SESSION_FATAL;
        }
        if (cfg->stop_fd >= 0 && (p[2].revents & POLLIN))
            return SESSION_STOP;
        if (p[1].revents & POLLIN)
            drain(c->evfd);
        pthread_mutex_lock(&c->mtx);
        closed = c->closed;
        pthread_mutex_unlock(&c->mtx);
        if (closed)
            return SESSION_ENDED;
        if (p[0].revents & POLLIN) {
            ssize_t n = read(c->tunfd, buf, TUN_READ_MAX);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                snprintf(err, errcap, "reading %s failed: %s", c->ifc.name,
                         n < 0 ? strerror(errno) : "end of file");
                return SESSION_FATAL;
            }
            /* Only IPv4 is addressed in the tunnel; the kernel's IPv6 chatter (router
             * solicitations) stays local. */
            if (qstp_vpn_classify(buf, (size_t)n) != QSTP_VPN_KIND_IPV4 ||
                qstp_client_send(qc, buf, (size_t)n) != 0)
                atomic_fetch_add(&c->dropped, 1);
        }
    }
}

int qstp_vpn_client_run(const qstp_vpn_client_config *cfg, char *err, size_t errcap)
{
    vpn_client c;
    qstp_client_options opt;
    uint8_t *buf = malloc(TUN_READ_MAX);
    uint32_t backoff = QSTP_VPN_BACKOFF_MIN_MS, failures = 0;
    int r, rc = -1;
    memset(&c, 0, sizeof(c));
    c.cfg = cfg;
    c.log.fn = cfg->log;
    c.log.ctx = cfg->log_ctx;
    c.log.level = cfg->log_level;
    c.tunfd = -1;
    c.evfd = -1;
    pthread_mutex_init(&c.mtx, NULL);
    if (buf == NULL) {
        snprintf(err, errcap, "out of memory");
        goto done;
    }
    if (cfg->mtu != 0 && (cfg->mtu < QSTP_VPN_MTU_MIN || cfg->mtu > QSTP_VPN_MTU_MAX)) {
        snprintf(err, errcap, "the MTU must be %u..%u", QSTP_VPN_MTU_MIN, QSTP_VPN_MTU_MAX);
        goto done;
    }
    c.evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c.evfd < 0) {
        snprintf(err, errcap, "cannot create an eventfd: %s", strerror(errno));
        goto done;
    }
    r = qstp_vpn_tun_open(cfg->tun_name, c.ifc.name);
    if (r < 0) {
        qstp_vpn_explain_errno(err, errcap, "create TUN interface", cfg->tun_name, r);
        goto done;
    }
    c.tunfd = r;
    qstp_client_options_default(&opt);
    opt.keepalive_interval = cfg->keepalive;
    if (cfg->timeout_ms != 0)
        opt.timeout_ms = cfg->timeout_ms;

    for (;;) {
        qstp_client *qc = NULL;
        int s;
        qstp_errors why;
        r = qstp_client_connect(&qc, cfg->root, cfg->cert, cfg->host, cfg->port, &opt);
        if (r != 0) {
            failures++;
            if (cfg->max_attempts != 0 && failures >= cfg->max_attempts) {
                snprintf(err, errcap, "cannot connect to %s port %u: %s (%u attempts)", cfg->host,
                         (unsigned)cfg->port, qstp_error_to_string(qstp_error_of(r)),
                         (unsigned)failures);
                goto done;
            }
            qstp_vpn_logf(&c.log, QSTP_LOG_WARN, "cannot connect to %s port %u: %s; retrying in "
                          "%u s", cfg->host, (unsigned)cfg->port,
                          qstp_error_to_string(qstp_error_of(r)), backoff / 1000u);
            if (stop_within(&c, backoff)) {
                rc = 0;
                goto done;
            }
            backoff = qstp_vpn_backoff_next(backoff);
            continue;
        }
        failures = 0;
        pthread_mutex_lock(&c.mtx);
        c.got_assign = c.noaddr = c.closed = 0;
        c.reason = qstp_error_none;
        pthread_mutex_unlock(&c.mtx);
        atomic_store(&c.forwarding, 0);
        qstp_vpn_logf(&c.log, QSTP_LOG_INFO, "connected to %s port %u", cfg->host,
                      (unsigned)cfg->port);
        if (qstp_client_start_receiver(qc, on_data, on_closed, &c) != 0) {
            qstp_client_close(qc);
            snprintf(err, errcap, "cannot start the receive thread");
            goto done;
        }
        s = run_session(&c, qc, buf, err, errcap);
        atomic_store(&c.forwarding, 0);
        qstp_client_close(qc); /* stops the receive thread: no more TUN writes from it */
        if (s == SESSION_STOP) {
            rc = 0;
            goto done;
        }
        if (s == SESSION_FATAL)
            goto done;
        pthread_mutex_lock(&c.mtx);
        why = c.reason;
        s = c.got_assign;
        pthread_mutex_unlock(&c.mtx);
        if (s)
            backoff = QSTP_VPN_BACKOFF_MIN_MS; /* the tunnel worked: start the backoff over */
        qstp_vpn_logf(&c.log, QSTP_LOG_WARN, "tunnel to %s ended (%s); reconnecting in %u s",
                      cfg->host, why == qstp_error_none ? "closed by the server" :
                      qstp_error_to_string(why), backoff / 1000u);
        if (stop_within(&c, backoff)) {
            rc = 0;
            goto done;
        }
        backoff = qstp_vpn_backoff_next(backoff);
    }
done:
    if (c.tunfd >= 0) {
        qstp_vpn_iface_teardown(&c.ifc);
        close(c.tunfd);
    }
    if (c.evfd >= 0)
        close(c.evfd);
    pthread_mutex_destroy(&c.mtx);
    free(buf);
    return rc;
}
