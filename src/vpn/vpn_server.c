/* VPN server (vpn.h): the QSTP server's callbacks route IP packets between the tunnels and the
 * TUN; one thread reads the TUN. Routing decisions are pool.c's; this file is the plumbing. */
#include "vpn/vpn.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vpn/frame.h"
#include "vpn/iface.h"
#include "vpn/pool.h"
#include "vpn/tun.h"

#define TUN_READ_MAX 65536u

struct qstp_vpn_server {
    qstp_server *srv;
    int tunfd;
    int stopfd; /* eventfd: the TUN reader stops */
    pthread_t reader;
    int reader_started;
    qstp_vpn_iface ifc;
    qstp_vpn_log log;
    unsigned mtu;
    pthread_mutex_t mtx; /* guards pool */
    qstp_vpn_pool pool;
    atomic_uint_fast64_t from_tun, to_tun, relayed, dropped;
    uint8_t rbuf[TUN_READ_MAX]; /* the TUN reader's packet */
};

static void on_established(qstp_server *srv, const qstp_tunnel_info *info, void *ctx)
{
    qstp_vpn_server *v = ctx;
    qstp_vpn_assign a;
    uint8_t msg[QSTP_VPN_ASSIGN_SIZE];
    char as[16];
    uint32_t addr = 0;
    int ok;
    pthread_mutex_lock(&v->mtx);
    ok = qstp_vpn_pool_alloc(&v->pool, info->id, &addr) == 0;
    if (ok) {
        a.client_addr = addr;
        a.server_addr = qstp_vpn_pool_server_addr(&v->pool);
        a.prefix = v->pool.prefix;
        a.mtu = (uint16_t)v->mtu;
        /* The ASSIGN message is queued before the address becomes routable, so it is the
         * tunnel's first record (docs/PROTOCOL.md "## VPN framing"). */
        ok = qstp_vpn_assign_encode(msg, &a) == 0 && qstp_server_send(srv, info->id, msg, sizeof(msg)) == 0;
        if (ok)
            (void)qstp_vpn_pool_activate(&v->pool, addr, info->id);
        else
            (void)qstp_vpn_pool_release_id(&v->pool, info->id, NULL);
    }
    pthread_mutex_unlock(&v->mtx);
    if (!ok) {
        uint8_t no[QSTP_VPN_NOADDR_SIZE];
        qstp_vpn_noaddr_encode(no);
        qstp_vpn_logf(&v->log, QSTP_LOG_WARN, "tunnel %s refused: the address pool is full (%u "
                      "clients)", info->peer, (unsigned)qstp_vpn_pool_capacity(&v->pool));
        (void)qstp_server_send(srv, info->id, no, sizeof(no));
        (void)qstp_server_close_tunnel(srv, info->id, qstp_error_hosts_exceeded);
        return;
    }
    qstp_vpn_addr_format(as, addr);
    qstp_vpn_logf(&v->log, QSTP_LOG_INFO, "tunnel %s is %s", info->peer, as);
}

static void on_data(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx)
{
    qstp_vpn_server *v = ctx;
    qstp_vpn_route r;
    uint64_t to = 0;
    if (qstp_vpn_classify(data, len) != QSTP_VPN_KIND_IPV4) {
        /* no client-to-server control message is defined; IPv6 is not routed (docs/VPN.md) */
        atomic_fetch_add(&v->dropped, 1);
        return;
    }
    pthread_mutex_lock(&v->mtx);
    r = qstp_vpn_route_from_tunnel(&v->pool, id, data, len, &to);
    pthread_mutex_unlock(&v->mtx);
    if (r == QSTP_VPN_ROUTE_TUN) {
        ssize_t w = write(v->tunfd, data, len);
        atomic_fetch_add(w == (ssize_t)len ? &v->to_tun : &v->dropped, 1);
    } else if (r == QSTP_VPN_ROUTE_TUNNEL) {
        atomic_fetch_add(qstp_server_send(srv, to, data, len) == 0 ? &v->relayed : &v->dropped, 1);
    } else {
        atomic_fetch_add(&v->dropped, 1);
    }
}

static void on_closed(qstp_server *srv, qstp_tunnel_id id, qstp_errors reason, void *ctx)
{
    qstp_vpn_server *v = ctx;
    uint32_t addr = 0;
    int had;
    char as[16];
    (void)srv;
    (void)reason; /* the server logs it */
    pthread_mutex_lock(&v->mtx);
    had = qstp_vpn_pool_release_id(&v->pool, id, &addr) == 0;
    pthread_mutex_unlock(&v->mtx);
    if (had) {
        qstp_vpn_addr_format(as, addr);
        qstp_vpn_logf(&v->log, QSTP_LOG_INFO, "address %s released", as);
    }
}

static void *tun_reader(void *arg)
{
    qstp_vpn_server *v = arg;
    uint8_t *buf = v->rbuf;
    for (;;) {
        struct pollfd p[2] = {{v->tunfd, POLLIN, 0}, {v->stopfd, POLLIN, 0}};
        ssize_t n;
        uint64_t to = 0;
        qstp_vpn_route r;
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents != 0)
            break;
        if ((p[0].revents & POLLIN) == 0) {
            if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
                break;
            continue;
        }
        n = read(v->tunfd, buf, TUN_READ_MAX);
        if (n <= 0) {
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            break;
        }
        atomic_fetch_add(&v->from_tun, 1);
        pthread_mutex_lock(&v->mtx);
        r = qstp_vpn_route_from_tun(&v->pool, buf, (size_t)n, &to);
        pthread_mutex_unlock(&v->mtx);
        if (r != QSTP_VPN_ROUTE_TUNNEL || qstp_server_send(v->srv, to, buf, (size_t)n) != 0)
            atomic_fetch_add(&v->dropped, 1);
    }
    return NULL;
}

static void destroy(qstp_vpn_server *v)
{
    /* The TUN reader first: it calls qstp_server_send, which must not meet a freed server. The
     * server's callbacks write to the TUN, so the TUN closes last. */
    if (v->reader_started) {
        uint64_t one = 1;
        ssize_t w = write(v->stopfd, &one, sizeof(one));
        (void)w;
        pthread_join(v->reader, NULL);
    }
    if (v->srv != NULL)
        qstp_server_quit(v->srv);
    if (v->tunfd >= 0) {
        qstp_vpn_iface_teardown(&v->ifc);
        close(v->tunfd);
    }
    if (v->stopfd >= 0)
        close(v->stopfd);
    qstp_vpn_pool_free(&v->pool);
    pthread_mutex_destroy(&v->mtx);
    free(v);
}

int qstp_vpn_server_start(qstp_vpn_server **out, const qstp_vpn_server_config *cfg,
                          const qstp_server_options *sopt, const qstp_server_key *key,
                          const qstp_root_certificate *root, char *err, size_t errcap)
{
    qstp_vpn_server *v;
    qstp_server_options o;
    int r;
    *out = NULL;
    if (cfg->mtu < QSTP_VPN_MTU_MIN || cfg->mtu > QSTP_VPN_MTU_MAX) {
        snprintf(err, errcap, "the MTU must be %u..%u", QSTP_VPN_MTU_MIN, QSTP_VPN_MTU_MAX);
        return -1;
    }
    v = calloc(1, sizeof(*v));
    if (v == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    v->tunfd = -1;
    v->stopfd = -1;
    v->mtu = cfg->mtu;
    v->log.fn = cfg->log;
    v->log.ctx = cfg->log_ctx;
    v->log.level = cfg->log_level;
    pthread_mutex_init(&v->mtx, NULL);
    if (qstp_vpn_pool_init(&v->pool, cfg->pool_net, cfg->pool_prefix) != 0) {
        snprintf(err, errcap, "the pool must be a network A.B.C.D/N with N in %u..%u",
                 QSTP_VPN_PREFIX_MIN, QSTP_VPN_PREFIX_MAX);
        goto fail;
    }
    qstp_vpn_pool_set_mtu(&v->pool, cfg->mtu);
    v->stopfd = eventfd(0, EFD_CLOEXEC);
    if (v->stopfd < 0) {
        snprintf(err, errcap, "cannot create an eventfd: %s", strerror(errno));
        goto fail;
    }
    r = qstp_vpn_tun_open(cfg->tun_name, v->ifc.name);
    if (r < 0) {
        qstp_vpn_explain_errno(err, errcap, "create TUN interface", cfg->tun_name, r);
        goto fail;
    }
    v->tunfd = r;
    if (qstp_vpn_iface_configure(&v->ifc, qstp_vpn_pool_server_addr(&v->pool), cfg->pool_net,
                                 cfg->pool_prefix, cfg->mtu, cfg->no_routes, &v->log, err,
                                 errcap) != 0)
        goto fail;

    o = *sopt;
    o.cb.on_established = on_established;
    o.cb.on_data = on_data;
    o.cb.on_closed = on_closed;
    o.cb.ctx = v;
    o.log = cfg->log;
    o.log_ctx = cfg->log_ctx;
    o.log_level = cfg->log_level;
    r = qstp_server_start(&v->srv, &o, key, 1, root);
    if (r != 0) {
        v->srv = NULL;
        snprintf(err, errcap, "cannot start the QSTP server on %s port %u: %s; is the port in use "
                 "or the address not on this machine?", o.address != NULL ? o.address : "::",
                 (unsigned)o.port, qstp_error_to_string(qstp_error_of(r)));
        goto fail;
    }
    if (pthread_create(&v->reader, NULL, tun_reader, v) != 0) {
        snprintf(err, errcap, "cannot start the TUN reader thread");
        goto fail;
    }
    v->reader_started = 1;
    *out = v;
    return 0;
fail:
    destroy(v);
    return -1;
}

uint16_t qstp_vpn_server_port(const qstp_vpn_server *v)
{
    return qstp_server_port(v->srv);
}

void qstp_vpn_server_counters(qstp_vpn_server *v, qstp_vpn_counters *c)
{
    memset(c, 0, sizeof(*c));
    c->from_tun = atomic_load(&v->from_tun);
    c->to_tun = atomic_load(&v->to_tun);
    c->relayed = atomic_load(&v->relayed);
    c->dropped = atomic_load(&v->dropped);
    pthread_mutex_lock(&v->mtx);
    c->clients = v->pool.used;
    pthread_mutex_unlock(&v->mtx);
}

void qstp_vpn_server_stop(qstp_vpn_server *v)
{
    if (v != NULL)
        destroy(v);
}
