/* Net layer: the local port forwarder of `qstp client -L` (src/net/local_fwd.c), in process:
 *   1. many local connections at once (argv[1], default 500), each with its own bytes (random
 *      sizes, a few of them MiBs) echoed back and checked byte for byte, then a clean end; the
 *      thread count does not grow with the connections and every descriptor is closed after;
 *   2. local end of stream with the reply still in flight: it arrives (linger), then EOF;
 *   3. the server closes the tunnel: the local peer gets the reply, then EOF (not a reset);
 *   4. the tunnel cut inside a record (FIN) or reset (server killed): the local peer gets RST;
 *   5. handshake failure (a key the server does not hold) and a server that never answers
 *      (--timeout): the local connection is closed and one event says why;
 *   6. back-pressure: a local peer that does not read while the server sends 48 MiB: the
 *      forwarder's buffers stay under QSTP_LOCAL_FWD_CONN_MAX, and everything arrives intact
 *      once it reads;
 *   7. stop with open tunnels: each sends a close record (seen on the wire by a relay) and the
 *      local peers get EOF;
 *   8. keep-alive: an idle tunnel sends requests (seen by the relay) and stays up;
 *   9. a server that takes nothing for the write timeout: the tunnel fails, the local peer is
 *      reset.
 * The server is the net layer's own (qstp_server) with a small command protocol; a relay
 * between forwarder and server watches or cuts the stream. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/local_fwd.h"
#include "local_fwd_harness.h"
#include "net_harness.h"
#include "qstp/server.h"
#include "qstp/session.h"

#define CLOSE_FLAG 0x13u /* qstp_flag_error_condition: the encrypted close record (§3.4) */
#define FLOOD_BYTES (48u << 20)

static net_keys K;
static uint32_t g_keepalive;     /* keep-alive interval of the next forwarder started */
static uint32_t g_write_timeout; /* and its write timeout (0: the default) */

/* ---------------------------------------------------------------- helpers */

/* Read until EOF/reset/timeout into buf (cap). Returns bytes read; *end = 0 EOF, 1 reset,
 * 2 timeout, 3 buffer full. */
static size_t read_to_end(int fd, uint8_t *buf, size_t cap, int ms, int *end)
{
    size_t got = 0;
    const uint64_t deadline = nh_now_ms() + (uint64_t)ms;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        uint64_t t = nh_now_ms();
        ssize_t r;
        if (got == cap) {
            *end = 3;
            return got;
        }
        if (t >= deadline || poll(&p, 1, (int)(deadline - t)) <= 0) {
            *end = 2;
            return got;
        }
        r = recv(fd, buf + got, cap - got, 0);
        if (r == 0) {
            *end = 0;
            return got;
        }
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            *end = errno == ECONNRESET ? 1 : 2;
            return got;
        }
        got += (size_t)r;
    }
}

static size_t read_exact(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 10000) <= 0 || (r = recv(fd, buf + got, n - got, 0)) <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

/* ---------------------------------------------------------------- the test server
 * The command server of local_fwd_harness.h ("DELAY", "BYE", "FLOOD" of FLOOD_BYTES, echo), or
 * with echo_harness the net harness's plain echo server. */

static qstp_server *start_server(lf_server *c, const qstp_server_key *key, int echo_harness,
                                 nh_counters *nc)
{
    qstp_server_options o;
    qstp_server *srv = NULL;
    if (echo_harness) {
        nh_echo_options(&o, "127.0.0.1", nc);
    } else {
        c->flood_bytes = FLOOD_BYTES;
        lf_server_options(&o, c, "127.0.0.1");
        o.loops = 2;
        o.workers = 2;
    }
    o.max_handshakes = 2048;
    o.max_queued = 64u << 20; /* FLOOD queues everything at once */
    if (qstp_server_start(&srv, &o, key, 1, NULL) != 0)
        return NULL;
    return srv;
}

/* ---------------------------------------------------------------- the relay
 * Accepts connections and joins each to the server. Client -> server bytes are parsed as
 * packets (21-byte header: flag, LE32 length) so the flag of the last one before the client's
 * end is known. With cut set, the first server -> client chunk of more than 100 bytes after
 * arming is passed on only in half, then the client's connection is ended (FIN, or RST when
 * cut == 2): the stream stops inside a record. */

typedef struct relay {
    int lfd;
    uint16_t port, server_port;
    atomic_int cut, armed, stop;
    atomic_int freeze;        /* stop reading what clients send */
    atomic_int close_records; /* connections whose last packet from the client was a close */
    atomic_int keepalives;    /* keep-alive requests (flag 0x21) from clients */
    atomic_int ended;         /* connections finished */
    pthread_t th;
} relay;

typedef struct relay_conn {
    relay *r;
    int a;
} relay_conn;

static void *relay_conn_main(void *arg)
{
    relay_conn *rc = arg;
    relay *r = rc->r;
    int a = rc->a, b;
    uint8_t *buf = malloc(65536), hdr[21];
    size_t hlen = 0, body = 0;
    int last_flag = -1;
    struct sockaddr_in sa;
    free(rc);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(r->server_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    b = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (buf == NULL || b < 0 || connect(b, (struct sockaddr *)&sa, sizeof(sa)) != 0)
        goto out;
    while (!atomic_load(&r->stop)) {
        const int frozen = atomic_load(&r->freeze);
        struct pollfd p[2] = {{frozen ? -1 : a, POLLIN, 0}, {b, POLLIN, 0}};
        ssize_t n;
        if (poll(p, 2, 200) <= 0)
            continue;
        if (p[0].revents && !frozen) {
            n = recv(a, buf, 65536, 0);
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n;) {
                if (body > 0) {
                    size_t k = (size_t)(n - i) < body ? (size_t)(n - i) : body;
                    body -= k;
                    i += (ssize_t)k;
                    continue;
                }
                hdr[hlen++] = buf[i++];
                if (hlen == 21) {
                    last_flag = hdr[0];
                    if (hdr[0] == 0x21u)
                        atomic_fetch_add(&r->keepalives, 1);
                    body = (size_t)hdr[1] | (size_t)hdr[2] << 8 | (size_t)hdr[3] << 16 |
                           (size_t)hdr[4] << 24;
                    hlen = 0;
                }
            }
            if (send(b, buf, (size_t)n, MSG_NOSIGNAL) != n)
                break;
        }
        if (p[1].revents) {
            n = recv(b, buf, 65536, 0);
            if (n <= 0)
                break;
            if (atomic_load(&r->cut) && atomic_load(&r->armed) && n > 100) {
                (void)send(a, buf, (size_t)n / 2, MSG_NOSIGNAL);
                if (atomic_load(&r->cut) == 2) {
                    struct linger lg = {1, 0};
                    (void)setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
                } else {
                    (void)shutdown(a, SHUT_WR);
                    while (recv(a, buf, 65536, 0) > 0) {
                    }
                }
                break;
            }
            if (send(a, buf, (size_t)n, MSG_NOSIGNAL) != n)
                break;
        }
    }
    if (last_flag == (int)CLOSE_FLAG)
        atomic_fetch_add(&r->close_records, 1);
out:
    if (b >= 0)
        close(b);
    close(a);
    free(buf);
    atomic_fetch_add(&r->ended, 1);
    return NULL;
}

static void *relay_main(void *arg)
{
    relay *r = arg;
    while (!atomic_load(&r->stop)) {
        int fd = nh_accept_within(r->lfd, 200);
        relay_conn *rc;
        pthread_t th;
        if (fd < 0)
            continue;
        rc = malloc(sizeof(*rc));
        if (rc == NULL) {
            close(fd);
            continue;
        }
        rc->r = r;
        rc->a = fd;
        if (pthread_create(&th, NULL, relay_conn_main, rc) != 0) {
            close(fd);
            free(rc);
            continue;
        }
        pthread_detach(th);
    }
    return NULL;
}

static int relay_start(relay *r, uint16_t server_port)
{
    memset(r, 0, sizeof(*r));
    r->server_port = server_port;
    r->lfd = nh_listen_any(&r->port);
    if (r->lfd < 0)
        return -1;
    return pthread_create(&r->th, NULL, relay_main, r);
}

static void relay_stop(relay *r)
{
    atomic_store(&r->stop, 1);
    pthread_join(r->th, NULL);
    close(r->lfd);
    nh_sleep_ms(300); /* connection threads see the flag within one poll */
}

/* ---------------------------------------------------------------- the forwarder under test */

static int fwd_start(lf_fwd *fr, const qstp_server_certificate *cert, uint16_t server_port,
                     uint32_t linger_ms, uint32_t timeout_ms)
{
    qstp_local_fwd_config c;
    lf_fwd_config(&c, &K.root, cert, "127.0.0.1", server_port, linger_ms, timeout_ms);
    c.keepalive_interval = g_keepalive;
    c.write_timeout_ms = g_write_timeout;
    return lf_fwd_start(fr, &c, 0);
}

/* ---------------------------------------------------------------- 1. many connections */

typedef struct lconn {
    int fd;
    size_t size, sent, got;
    int done, bad;
} lconn;

static void test_many(size_t n)
{
    nh_counters nc;
    qstp_server *srv;
    lf_fwd fr;
    lconn *cs = calloc(n, sizeof(*cs));
    uint8_t *buf = malloc(65536);
    uint64_t rng = 0x243F6A8885A308D3u, deadline;
    size_t done = 0, bad = 0, total = 0, n_reset = 0, n_short = 0, n_mismatch = 0;
    int fds0 = nh_count_dir("/proc/self/fd"), threads_idle, threads_busy = 0;
    memset(&nc, 0, sizeof(nc));
    srv = start_server(NULL, &K.skey, 1, &nc);
    CHECK(srv != NULL && cs != NULL && buf != NULL);
    if (srv == NULL || cs == NULL || buf == NULL)
        goto out;
    /* Linger 3 s: a shorter one ends a tunnel whose echo is late on a loaded machine (with 300 ms,
     * 10 of 500 came back short once while other tests ran), which is the linger rule, not a bug. */
    CHECK(fwd_start(&fr, &K.cert, qstp_server_port(srv), 3000, 30000) == 0);
    nh_sleep_ms(50);
    threads_idle = nh_count_dir("/proc/self/task");
    for (size_t i = 0; i < n; i++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        cs[i].size = i % 50 == 7 ? (size_t)(rng >> 40) % (3u << 20) + 1 : (size_t)(rng >> 40) % 200000u;
        total += cs[i].size;
        cs[i].fd = nh_connect_local(fr.port);
        if (cs[i].fd < 0 || fcntl(cs[i].fd, F_SETFL, fcntl(cs[i].fd, F_GETFL, 0) | O_NONBLOCK) != 0) {
            cs[i].done = cs[i].bad = 1;
            done++;
            bad++;
            continue;
        }
        if (cs[i].size == 0)
            (void)shutdown(cs[i].fd, SHUT_WR);
    }
    deadline = nh_now_ms() + 240000u;
    while (done < n && nh_now_ms() < deadline) {
        struct pollfd *p = calloc(n, sizeof(*p));
        if (p == NULL)
            break;
        for (size_t i = 0; i < n; i++) {
            p[i].fd = cs[i].done ? -1 : cs[i].fd;
            p[i].events = POLLIN | (cs[i].sent < cs[i].size ? POLLOUT : 0);
        }
        if (poll(p, (nfds_t)n, 1000) > 0) {
            for (size_t i = 0; i < n; i++) {
                lconn *c = &cs[i];
                if (c->done || p[i].revents == 0)
                    continue;
                if ((p[i].revents & POLLOUT) && c->sent < c->size) {
                    size_t k = c->size - c->sent < 65536 ? c->size - c->sent : 65536;
                    ssize_t w;
                    for (size_t j = 0; j < k; j++)
                        buf[j] = lf_pat((unsigned)i, c->sent + j);
                    w = send(c->fd, buf, k, MSG_NOSIGNAL | MSG_DONTWAIT);
                    if (w > 0) {
                        c->sent += (size_t)w;
                        if (c->sent == c->size)
                            (void)shutdown(c->fd, SHUT_WR); /* then linger, then EOF */
                    }
                }
                if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                    ssize_t r = recv(c->fd, buf, 65536, MSG_DONTWAIT);
                    if (r > 0) {
                        for (ssize_t j = 0; j < r && !c->bad; j++)
                            if (buf[j] != lf_pat((unsigned)i, c->got + (size_t)j)) {
                                c->bad = 1;
                                n_mismatch++;
                            }
                        c->got += (size_t)r;
                        if (c->got > c->size)
                            c->bad = 1;
                    } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                        c->done = 1;
                        n_reset += r < 0;
                        n_short += r == 0 && c->got < c->size;
                        if (r < 0 || c->got != c->size)
                            c->bad = 1;
                        done++;
                        bad += (size_t)c->bad;
                    }
                }
            }
        }
        free(p);
        if (threads_busy == 0 && qstp_local_fwd_count(fr.f) >= n / 2)
            threads_busy = nh_count_dir("/proc/self/task");
    }
    for (size_t i = 0; i < n; i++)
        if (cs[i].fd >= 0)
            close(cs[i].fd);
    CHECK_MSG(done == n && bad == 0,
              "%zu local connections: %zu finished, %zu wrong (%zu reset, %zu ended short, %zu with "
              "other bytes; %zu bytes each way)",
              n, done, bad, n_reset, n_short, n_mismatch, total);
    CHECK_MSG(atomic_load(&fr.opened) == (int)n && atomic_load(&fr.failed) == 0,
              "tunnels opened %d, failed %d", atomic_load(&fr.opened), atomic_load(&fr.failed));
    CHECK_MSG(threads_busy == threads_idle, "threads with no connection %d, with %zu open %d",
              threads_idle, n / 2, threads_busy);
    fprintf(stderr, "  %zu local connections, %zu bytes each way, %d threads throughout; peak "
            "buffers of one connection %zu bytes\n", n, total, threads_idle,
            qstp_local_fwd_peak_buffers(fr.f));
    for (int i = 0; i < 50 && qstp_local_fwd_count(fr.f) > 0; i++)
        nh_sleep_ms(100);
    CHECK(qstp_local_fwd_count(fr.f) == 0);
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);
    CHECK_MSG(nh_count_dir("/proc/self/fd") == fds0, "descriptors before %d, after %d", fds0,
              nh_count_dir("/proc/self/fd"));
out:
    free(cs);
    free(buf);
}

/* ---------------------------------------------------------------- 2.-4. ends */

static void test_ends(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    relay rl;
    uint8_t buf[256];
    int fd, end;
    size_t n;
    uint64_t t0;
    memset(&sc, 0, sizeof(sc));
    srv = start_server(&sc, &K.skey, 0, NULL);
    CHECK(srv != NULL);
    if (srv == NULL)
        return;
    CHECK(relay_start(&rl, qstp_server_port(srv)) == 0);
    CHECK(fwd_start(&fr, &K.cert, rl.port, 1500, 10000) == 0);

    /* 2. linger: the request and the local end go out at once; the reply comes 700 ms later */
    fd = nh_connect_local(fr.port);
    CHECK(fd >= 0 && send(fd, "DELAY", 5, 0) == 5);
    nh_sleep_ms(200); /* the request is one record of its own */
    t0 = nh_now_ms();
    (void)shutdown(fd, SHUT_WR);
    n = read_to_end(fd, buf, sizeof(buf), 10000, &end);
    CHECK_MSG(n == 4 && memcmp(buf, "late", 4) == 0 && end == 0,
              "linger: got %zu bytes, end %d (want the 4-byte reply then EOF)", n, end);
    CHECK_MSG(nh_now_ms() - t0 >= 1500, "linger: EOF after %llu ms, before the 1.5 s of silence",
              (unsigned long long)(nh_now_ms() - t0));
    close(fd);

    /* 3. the server closes the tunnel after its reply: EOF, not a reset */
    fd = nh_connect_local(fr.port);
    CHECK(fd >= 0 && send(fd, "BYE", 3, 0) == 3);
    n = read_to_end(fd, buf, sizeof(buf), 10000, &end);
    CHECK_MSG(n == 3 && memcmp(buf, "bye", 3) == 0 && end == 0,
              "server close: got %zu bytes, end %d (want 'bye' then EOF)", n, end);
    close(fd);

    /* 4. cut inside a record: FIN (cut short) and RST (server killed): the local peer gets RST */
    for (int mode = 1; mode <= 2; mode++) {
        uint8_t *big = malloc(FLOOD_BYTES);
        int closed_err = atomic_load(&fr.closed_error);
        fd = nh_connect_local(fr.port);
        /* the tunnel is up (an echo came back) before the relay is armed */
        CHECK(fd >= 0 && send(fd, "ping", 4, 0) == 4);
        CHECK(read_exact(fd, buf, 4) == 4 && memcmp(buf, "ping", 4) == 0);
        atomic_store(&rl.cut, mode);
        atomic_store(&rl.armed, 1);
        CHECK(big != NULL && send(fd, "FLOOD", 5, 0) == 5);
        n = big != NULL ? read_to_end(fd, big, FLOOD_BYTES, 20000, &end) : 0;
        CHECK_MSG(end == 1 && n < FLOOD_BYTES,
                  "tunnel %s inside a record: the local peer got %zu bytes and end %d (want a reset)",
                  mode == 1 ? "ended" : "reset", n, end);
        for (int i = 0; i < 50 && atomic_load(&fr.closed_error) == closed_err; i++)
            nh_sleep_ms(20);
        CHECK_MSG(atomic_load(&fr.closed_error) == closed_err + 1, "closed with an error: %d -> %d (closed %d)", closed_err, atomic_load(&fr.closed_error), atomic_load(&fr.closed));
        close(fd);
        free(big);
        atomic_store(&rl.cut, 0);
        atomic_store(&rl.armed, 0);
    }
    lf_fwd_stop(&fr);
    relay_stop(&rl);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- 5. no tunnel */

static void test_no_tunnel(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    net_keys other;
    uint8_t buf[16];
    int fd, end, silent;
    uint16_t sport;
    uint64_t t0;
    memset(&sc, 0, sizeof(sc));
    srv = start_server(&sc, &K.skey, 0, NULL);
    CHECK(srv != NULL && nh_keys_another_server(&other, &K) == 0);
    if (srv == NULL)
        return;
    /* a certificate whose key this server does not hold: the server refuses the handshake */
    CHECK(fwd_start(&fr, &other.cert, qstp_server_port(srv), 500, 10000) == 0);
    fd = nh_connect_local(fr.port);
    CHECK(fd >= 0);
    (void)send(fd, "x", 1, MSG_NOSIGNAL);
    (void)read_to_end(fd, buf, sizeof(buf), 10000, &end);
    CHECK_MSG(end == 0 || end == 1, "handshake refused: local end %d (want closed)", end);
    CHECK_MSG(atomic_load(&fr.failed) == 1 && atomic_load(&fr.opened) == 0 &&
                  atomic_load(&fr.last_error) < 0,
              "handshake refused: %d failed events, %d opened", atomic_load(&fr.failed),
              atomic_load(&fr.opened));
    close(fd);
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);

    /* a "server" that accepts and never answers: the timeout ends it */
    silent = nh_listen_any(&sport);
    CHECK(silent >= 0 && fwd_start(&fr, &K.cert, sport, 500, 1000) == 0);
    t0 = nh_now_ms();
    fd = nh_connect_local(fr.port);
    (void)read_to_end(fd, buf, sizeof(buf), 10000, &end);
    CHECK_MSG((end == 0 || end == 1) && nh_now_ms() - t0 >= 900 && nh_now_ms() - t0 < 5000,
              "silent server: local end %d after %llu ms (want closed after the 1 s timeout)", end,
              (unsigned long long)(nh_now_ms() - t0));
    CHECK_MSG(atomic_load(&fr.failed) == 1 && qstp_error_of(atomic_load(&fr.last_error)) == qstp_error_timeout,
              "silent server: %d failed events, error %d", atomic_load(&fr.failed),
              atomic_load(&fr.last_error));
    close(fd);
    lf_fwd_stop(&fr);
    close(silent);
}

/* ---------------------------------------------------------------- 6. back-pressure */

static void test_backpressure(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    uint8_t *buf = malloc(1u << 20);
    int fd, ok = 1;
    size_t got = 0, peak;
    memset(&sc, 0, sizeof(sc));
    srv = start_server(&sc, &K.skey, 0, NULL);
    CHECK(srv != NULL && buf != NULL);
    if (srv == NULL || buf == NULL)
        goto out;
    CHECK(fwd_start(&fr, &K.cert, qstp_server_port(srv), 500, 10000) == 0);
    fd = nh_connect_local(fr.port);
    CHECK(fd >= 0 && send(fd, "FLOOD", 5, 0) == 5);
    nh_sleep_ms(2000); /* the local peer reads nothing while 48 MiB come */
    peak = qstp_local_fwd_peak_buffers(fr.f);
    CHECK_MSG(peak > 0 && peak <= QSTP_LOCAL_FWD_CONN_MAX,
              "a local peer that does not read: the forwarder held up to %zu bytes for it (bound %u)",
              peak, (unsigned)QSTP_LOCAL_FWD_CONN_MAX);
    fprintf(stderr, "  back-pressure: %zu bytes of buffers at most while the local peer did not read\n",
            peak);
    while (ok && got < FLOOD_BYTES) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 20000) <= 0)
            break;
        r = recv(fd, buf, 1u << 20, 0);
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r && ok; i++)
            ok = buf[i] == lf_pat(9, got + (size_t)i);
        got += (size_t)r;
    }
    CHECK_MSG(ok && got == FLOOD_BYTES, "after the stall: %zu of %u bytes, %s", got,
              (unsigned)FLOOD_BYTES, ok ? "intact" : "WRONG");
    close(fd);
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);
out:
    free(buf);
}

/* ---------------------------------------------------------------- 7. stop */

static void test_stop(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    relay rl;
    int fds[5];
    uint8_t buf[16];
    memset(&sc, 0, sizeof(sc));
    srv = start_server(&sc, &K.skey, 0, NULL);
    CHECK(srv != NULL);
    if (srv == NULL)
        return;
    CHECK(relay_start(&rl, qstp_server_port(srv)) == 0);
    CHECK(fwd_start(&fr, &K.cert, rl.port, 2000, 10000) == 0);
    for (int i = 0; i < 5; i++) {
        fds[i] = nh_connect_local(fr.port);
        CHECK(fds[i] >= 0 && send(fds[i], "ping", 4, 0) == 4);
        CHECK(read_exact(fds[i], buf, 4) == 4 && memcmp(buf, "ping", 4) == 0);
    }
    lf_fwd_stop(&fr); /* what SIGINT/SIGTERM do in `qstp client -L` */
    for (int i = 0; i < 50 && atomic_load(&rl.ended) < 5; i++)
        nh_sleep_ms(50);
    CHECK_MSG(atomic_load(&rl.close_records) == 5, "stop: %d of 5 tunnels ended with a close record",
              atomic_load(&rl.close_records));
    for (int i = 0; i < 5; i++) {
        int end;
        (void)read_to_end(fds[i], buf, sizeof(buf), 5000, &end);
        CHECK_MSG(end == 0, "stop: local connection %d ended with %d (want EOF)", i, end);
        close(fds[i]);
    }
    for (int i = 0; i < 50 && atomic_load(&sc.closed_normal) < 5; i++)
        nh_sleep_ms(50);
    CHECK(atomic_load(&sc.closed_normal) == 5);
    relay_stop(&rl);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- 8. keep-alive */

static void test_keepalive(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    relay rl;
    uint8_t buf[16];
    int fd;
    memset(&sc, 0, sizeof(sc));
    srv = start_server(&sc, &K.skey, 0, NULL);
    CHECK(srv != NULL);
    if (srv == NULL)
        return;
    CHECK(relay_start(&rl, qstp_server_port(srv)) == 0);
    g_keepalive = 1;
    CHECK(fwd_start(&fr, &K.cert, rl.port, 500, 10000) == 0);
    g_keepalive = 0;
    fd = nh_connect_local(fr.port);
    CHECK(fd >= 0 && send(fd, "ping", 4, 0) == 4 && read_exact(fd, buf, 4) == 4);
    nh_sleep_ms(3500); /* idle: a request after each idle second, each answered by our server */
    CHECK_MSG(atomic_load(&rl.keepalives) >= 2, "keep-alive 1 s: %d requests in 3.5 idle seconds",
              atomic_load(&rl.keepalives));
    CHECK(send(fd, "pong", 4, 0) == 4 && read_exact(fd, buf, 4) == 4 && memcmp(buf, "pong", 4) == 0);
    CHECK(atomic_load(&fr.closed) == 0);
    close(fd);
    lf_fwd_stop(&fr);
    relay_stop(&rl);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- 9. a server that takes nothing */

static void test_write_timeout(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    relay rl;
    uint8_t *buf = calloc(1, 65536);
    int fd, reset = 0;
    uint64_t t0, deadline;
    memset(&sc, 0, sizeof(sc));
    srv = start_server(&sc, &K.skey, 0, NULL);
    CHECK(srv != NULL && buf != NULL);
    if (srv == NULL || buf == NULL)
        goto out;
    CHECK(relay_start(&rl, qstp_server_port(srv)) == 0);
    g_write_timeout = 1000;
    CHECK(fwd_start(&fr, &K.cert, rl.port, 500, 10000) == 0);
    g_write_timeout = 0;
    fd = nh_connect_local(fr.port);
    CHECK(fd >= 0 && send(fd, "ping", 4, 0) == 4 && read_exact(fd, buf, 4) == 4);
    atomic_store(&rl.freeze, 1); /* the "server" reads nothing from now on */
    t0 = nh_now_ms();
    deadline = t0 + 20000u;
    while (!reset && nh_now_ms() < deadline) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t w = send(fd, buf, 65536, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && (errno == ECONNRESET || errno == EPIPE))
            reset = 1;
        if (poll(&p, 1, 50) > 0 && recv(fd, buf, 65536, MSG_DONTWAIT) < 0 && errno == ECONNRESET)
            reset = 1;
    }
    CHECK_MSG(reset, "a server that takes nothing: the local peer was not reset within 20 s");
    CHECK_MSG(atomic_load(&fr.closed_error) == 1, "write timeout: %d tunnels closed with an error",
              atomic_load(&fr.closed_error));
    fprintf(stderr, "  write timeout 1 s: local peer reset after %llu ms of writing\n",
            (unsigned long long)(nh_now_ms() - t0));
    close(fd);
    lf_fwd_stop(&fr);
    atomic_store(&rl.freeze, 0);
    relay_stop(&rl);
    qstp_server_quit(srv);
out:
    free(buf);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 500;
    struct rlimit rl;
    /* each local connection costs four descriptors in this one process */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (nh_keys_make(&K, 0x03) != 0) {
        TEST_FAIL("key setup");
        return test_report();
    }
    test_ends();
    test_no_tunnel();
    test_backpressure();
    test_stop();
    test_keepalive();
    test_write_timeout();
    test_many(n);
    return test_report();
}
