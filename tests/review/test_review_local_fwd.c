/* Review 4: the client forwarder of `qstp client -L` (src/net/local_fwd.c) as an attacker and
 * a demanding user would use it. Each check failed before its fix (R4-LF-n in the report):
 *   1. local end of stream, then the reply is read slowly: the linger expired while plaintext
 *      still waited for the local peer; it was dropped and the local peer got a FIN, so a cut
 *      reply looked complete. Now: every byte, then EOF;
 *   2. stop while plaintext waits for the local peer: a FIN after part of the stream. Now: RST;
 *   3. the local peer resets its connection: the tunnel ended with a normal close record, so the
 *      server's backend saw a complete stream. Now: the close record carries an error;
 *   4. keep-alive with a local peer that pauses reading: the tunnel is not read while plaintext
 *      waits, so the keep-alive response was never seen and the tunnel was reset after two
 *      intervals. Now: the pause is not the server's silence;
 *   5. no tunnel (a server that never answers): the local connection got a FIN, an empty stream
 *      that looks complete. Now: RST;
 *   6. out of descriptors on accept: the loop pauses its listener, it does not spin (regression:
 *      fails with the pause removed);
 *   7. a certificate that expires while the forwarder runs: refused after it (regression for the
 *      certificate check that now verifies the signatures once);
 *   8. IPv6 local and remote, a server by name, a refused connect (RST, one event each): no
 *      descriptor left behind;
 *   9. a burst of new connections beside an established tunnel (its round trips go on);
 *  10. keep-alive against a server that goes silent: the tunnel fails, the local side is reset.
 * The server is the net layer's own (qstp_server) with a small command protocol. */
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
#include "crypto/random.h"
#include "qstp/server.h"

#define FLOOD_BYTES (16u << 20)

static net_keys K;
static const qstp_server_key *g_skey = &K.skey;       /* the server's key */
static const qstp_server_certificate *g_cert = &K.cert; /* the forwarder's certificate */
static const char *g_srv_addr = "127.0.0.1";           /* the server's listen address */
static const char *g_host = "127.0.0.1";               /* the forwarder's server name */
static int g_local6;                                   /* the local listener on [::1] */

static int count_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 4096; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            n++;
    return n;
}

/* Reads until EOF (*end 0), reset (1), timeout (2); checks the flood pattern (*bad). */
static size_t read_flood(int fd, int ms, int *end, int *bad)
{
    static uint8_t buf[1u << 16];
    size_t got = 0;
    const uint64_t deadline = nh_now_ms() + (uint64_t)ms;
    *bad = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        uint64_t t = nh_now_ms();
        ssize_t r;
        if (t >= deadline || poll(&p, 1, (int)(deadline - t)) <= 0) {
            *end = 2;
            return got;
        }
        r = recv(fd, buf, sizeof(buf), 0);
        if (r == 0) {
            *end = 0;
            return got;
        }
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            *end = 1;
            return got;
        }
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] != lf_pat(9, got + (size_t)i))
                *bad = 1;
        got += (size_t)r;
    }
}

/* ---------------------------------------------------------------- the server
 * The command server of local_fwd_harness.h: "FLOOD" answers FLOOD_BYTES of the pattern;
 * anything else is echoed. */

static qstp_server *start_server(lf_server *c)
{
    qstp_server_options o;
    qstp_server *srv = NULL;
    c->flood_bytes = FLOOD_BYTES;
    lf_server_options(&o, c, g_srv_addr);
    o.loops = 1;
    o.workers = 1;
    o.max_queued = 64u << 20; /* FLOOD queues everything at once */
    o.max_handshakes = 2048;
    if (qstp_server_start(&srv, &o, g_skey, 1, NULL) != 0)
        return NULL;
    return srv;
}

/* ---------------------------------------------------------------- the forwarder under test */

static int fwd_start(lf_fwd *fr, uint16_t server_port, uint32_t linger_ms, uint32_t timeout_ms,
                     uint32_t keepalive)
{
    qstp_local_fwd_config c;
    lf_fwd_config(&c, &K.root, g_cert, g_host, server_port, linger_ms, timeout_ms);
    c.keepalive_interval = keepalive;
    return lf_fwd_start(fr, &c, g_local6);
}

/* A command server and a forwarder to it (linger 300 ms); the server, or NULL (checked). */
static qstp_server *setup(lf_server *sc, lf_fwd *fr, uint32_t timeout_ms, uint32_t keepalive)
{
    qstp_server *srv;
    memset(sc, 0, sizeof(*sc));
    srv = start_server(sc);
    CHECK(srv != NULL &&
          fwd_start(fr, srv != NULL ? qstp_server_port(srv) : 0, 300, timeout_ms, keepalive) == 0);
    return srv;
}

/* ---------------------------------------------------------------- R4-LF-1 */

static void test_linger_slow_reader(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    int fd, end = -1, bad = 0;
    size_t n = 0;
    srv = setup(&sc, &fr, 10000, 0);
    if (srv == NULL)
        return;
    fd = lf_open_tunnel(fr.port);
    CHECK(fd >= 0 && send(fd, "FLOOD", 5, 0) == 5);
    (void)shutdown(fd, SHUT_WR); /* a request, then our end (nc -N, HTTP/1.0 clients) */
    nh_sleep_ms(1500);              /* busy elsewhere: five lingers long */
    if (fd >= 0)
        n = read_flood(fd, 30000, &end, &bad);
    CHECK_MSG((end == 0 && n == FLOOD_BYTES && !bad) || end == 1,
              "R4-LF-1 local EOF, slow reader: %zu of %u bytes then %s%s (want all then EOF, or a "
              "reset)", n, (unsigned)FLOOD_BYTES, end == 0 ? "EOF" : end == 1 ? "RST" : "timeout",
              bad ? ", WRONG bytes" : "");
    if (fd >= 0)
        close(fd);
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- R4-LF-2 */

static void test_stop_pending(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    int fd, end = -1, bad = 0;
    size_t n = 0;
    srv = setup(&sc, &fr, 10000, 0);
    if (srv == NULL)
        return;
    fd = lf_open_tunnel(fr.port);
    CHECK(fd >= 0 && send(fd, "FLOOD", 5, 0) == 5);
    nh_sleep_ms(1000); /* the forwarder holds plaintext this peer has not taken */
    lf_fwd_stop(&fr);
    if (fd >= 0)
        n = read_flood(fd, 30000, &end, &bad);
    CHECK_MSG(end == 1 || (end == 0 && n == FLOOD_BYTES),
              "R4-LF-2 stop with undelivered bytes: %zu of %u bytes then %s (want a reset)", n,
              (unsigned)FLOOD_BYTES, end == 0 ? "EOF" : end == 1 ? "RST" : "timeout");
    if (fd >= 0)
        close(fd);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- R4-LF-3 */

static void test_local_reset(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    struct linger lg = {1, 0};
    int fd;
    srv = setup(&sc, &fr, 10000, 0);
    if (srv == NULL)
        return;
    fd = lf_open_tunnel(fr.port);
    CHECK(fd >= 0);
    if (fd >= 0) {
        (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(fd); /* the local program aborts its upload */
    }
    for (int i = 0; i < 100 && atomic_load(&sc.closed) == 0; i++)
        nh_sleep_ms(50);
    CHECK_MSG(atomic_load(&sc.closed) == 1 && atomic_load(&sc.closed_normal) == 0,
              "R4-LF-3 local reset: the server saw %d closes, %d of them normal (want a failure)",
              atomic_load(&sc.closed), atomic_load(&sc.closed_normal));
    CHECK_MSG(atomic_load(&fr.closed_error) == 1, "R4-LF-3: %d tunnels closed with an error event",
              atomic_load(&fr.closed_error));

    /* control: a local end of stream is still a normal close */
    fd = lf_open_tunnel(fr.port);
    CHECK(fd >= 0);
    if (fd >= 0) {
        uint8_t b[4];
        (void)shutdown(fd, SHUT_WR);
        CHECK(recv(fd, b, sizeof(b), 0) == 0);
        close(fd);
    }
    for (int i = 0; i < 100 && atomic_load(&sc.closed) < 2; i++)
        nh_sleep_ms(50);
    CHECK_MSG(atomic_load(&sc.closed_normal) == 1, "R4-LF-3 control: %d normal closes",
              atomic_load(&sc.closed_normal));
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- R4-LF-4 */

static void test_keepalive_paused_reader(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    int fd, end = -1, bad = 0;
    size_t n = 0;
    srv = setup(&sc, &fr, 10000, 1);
    if (srv == NULL)
        return;
    fd = lf_open_tunnel(fr.port);
    CHECK(fd >= 0 && send(fd, "FLOOD", 5, 0) == 5);
    nh_sleep_ms(4500); /* a download paused for four keep-alive intervals */
    if (fd >= 0) {
        (void)shutdown(fd, SHUT_WR);
        n = read_flood(fd, 30000, &end, &bad);
    }
    CHECK_MSG(end == 0 && n == FLOOD_BYTES && !bad,
              "R4-LF-4 keep-alive 1 s, reader paused 4.5 s: %zu of %u bytes then %s (want all, EOF)",
              n, (unsigned)FLOOD_BYTES, end == 0 ? "EOF" : end == 1 ? "RST" : "timeout");
    CHECK_MSG(atomic_load(&fr.closed_error) == 0, "R4-LF-4: %d tunnels failed",
              atomic_load(&fr.closed_error));
    if (fd >= 0)
        close(fd);
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- R4-LF-5 */

static void test_no_tunnel_reset(void)
{
    lf_fwd fr;
    uint16_t sport;
    int silent = nh_listen_any(&sport), fd, end = -1, bad;
    size_t n = 0;
    CHECK(silent >= 0 && fwd_start(&fr, sport, 300, 500, 0) == 0);
    fd = nh_connect_local(fr.port);
    CHECK(fd >= 0);
    if (fd >= 0)
        n = read_flood(fd, 10000, &end, &bad);
    CHECK_MSG(n == 0 && end == 1, "R4-LF-5 silent server: local end %s after %zu bytes (want RST)",
              end == 0 ? "EOF" : end == 1 ? "RST" : "timeout", n);
    CHECK(atomic_load(&fr.failed) == 1);
    if (fd >= 0)
        close(fd);
    lf_fwd_stop(&fr);

    /* stop while a local connection waits for its handshake: reset too */
    CHECK(fwd_start(&fr, sport, 300, 10000, 0) == 0);
    fd = nh_connect_local(fr.port);
    nh_sleep_ms(200);
    lf_fwd_stop(&fr);
    end = -1;
    if (fd >= 0) {
        n = read_flood(fd, 10000, &end, &bad);
        close(fd);
    }
    CHECK_MSG(n == 0 && end == 1, "R4-LF-5 stop during the handshake: local end %s (want RST)",
              end == 0 ? "EOF" : end == 1 ? "RST" : "timeout");
    close(silent);
}

/* ---------------------------------------------------------------- R4-LF-6 (regression) */

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void test_emfile(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    struct rlimit old, lim;
    struct sockaddr_in a;
    int fds[8], fill[256], nfill = 0, top = -1;
    double c0, c1;
    srv = setup(&sc, &fr, 10000, 0);
    if (srv == NULL)
        return;
    CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
    for (int i = 0; i < 8; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fds[i] > top)
            top = fds[i];
    }
    /* every descriptor up to the highest is taken and the limit is just above it: the
     * forwarder's accept() finds none free */
    while (nfill < 256) {
        int d = dup(0);
        if (d < 0)
            break;
        if (d > top) {
            close(d);
            break;
        }
        fill[nfill++] = d;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(fr.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lim = old;
    lim.rlim_cur = (rlim_t)top + 1;
    c0 = cpu_s();
    CHECK(setrlimit(RLIMIT_NOFILE, &lim) == 0);
    for (int i = 0; i < 8; i++)
        CHECK(connect(fds[i], (struct sockaddr *)&a, sizeof(a)) == 0); /* queued in the backlog */
    nh_sleep_ms(1000);
    c1 = cpu_s();
    CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
    CHECK_MSG(c1 - c0 < 0.5, "R4-LF-6 out of descriptors: %.2f s of CPU in 1 s (a spinning loop)",
              c1 - c0);
    fprintf(stderr, "  out of descriptors: %.3f s CPU in 1 s\n", c1 - c0);
    for (int i = 0; i < nfill; i++)
        close(fill[i]);
    /* descriptors again: the paused listener takes the waiting connections (RST: no tunnel
     * yet, or the echo through one) */
    for (int i = 0; i < 8; i++) {
        uint8_t b[4];
        ssize_t r;
        struct pollfd p = {fds[i], POLLIN, 0};
        (void)send(fds[i], "ping", 4, MSG_NOSIGNAL);
        r = poll(&p, 1, 10000) == 1 ? recv(fds[i], b, 4, MSG_WAITALL) : -2;
        CHECK_MSG(r == 4 || (r < 0 && r != -2), "R4-LF-6: waiting connection %d: %zd", i, r);
        close(fds[i]);
    }
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- expiry while running
 * The certificate's signatures are checked once; each accept checks the validity window again
 * with the real clock (cert_check). A certificate that expires while the forwarder runs: tunnels
 * open before, and after it the local connection is refused with certificate_expired. */

static void test_cert_expiry(void)
{
    static net_keys k2;
    const uint64_t now = (uint64_t)time(NULL);
    lf_server sc;
    qstp_server *srv = NULL;
    lf_fwd fr;
    int fd, r, end = -1, bad;
    memcpy(&k2.rootkey, &K.rootkey, sizeof(k2.rootkey));
    memcpy(&k2.root, &K.root, sizeof(k2.root));
    r = qstp_server_key_generate(&k2.skey, qstp_suite_by_id(K.root.algorithm), "QSTP_r4exp.qrc",
                                 now - 60, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(&k2.cert, &k2.skey);
    k2.cert.to = now + 3; /* expires in 3 s */
    if (r == 0)
        r = qstp_server_certificate_sign(&k2.cert, &k2.rootkey, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_set_schash(&k2.skey, &k2.root, &k2.cert);
    CHECK(r == 0);
    if (r != 0)
        return;
    g_skey = &k2.skey;
    g_cert = &k2.cert;
    srv = setup(&sc, &fr, 10000, 0);
    g_skey = &K.skey;
    g_cert = &K.cert;
    if (srv == NULL)
        return;
    for (int i = 0; i < 2; i++) { /* a full check, then the cached one */
        fd = lf_open_tunnel(fr.port);
        CHECK_MSG(fd >= 0, "expiry: tunnel %d before the certificate expired", i);
        if (fd >= 0)
            close(fd);
    }
    while ((uint64_t)time(NULL) <= now + 3)
        nh_sleep_ms(100);
    fd = nh_connect_local(fr.port);
    if (fd >= 0)
        (void)read_flood(fd, 10000, &end, &bad);
    CHECK_MSG(end == 1 && atomic_load(&fr.failed) == 1 &&
                  qstp_error_of(atomic_load(&fr.last_error)) == qstp_error_certificate_expired,
              "expiry: after it, local end %d, %d failed, error %d (want RST, certificate_expired)",
              end, atomic_load(&fr.failed), atomic_load(&fr.last_error));
    if (fd >= 0)
        close(fd);
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- IPv6, names, refused connect
 * Local and remote on [::1]; a server name (localhost); a port nobody listens on (each local
 * connection reset, one failed event each): no descriptor is left behind in any of them. */

static void v6_echo(const char *what, int local6)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    uint8_t b[5];
    int fd, fds0;
    memset(&sc, 0, sizeof(sc));
    srv = start_server(&sc);
    g_local6 = local6;
    CHECK_MSG(srv != NULL && fwd_start(&fr, srv != NULL ? qstp_server_port(srv) : 0, 300, 10000, 0) == 0,
              "%s: start", what);
    g_local6 = 0;
    if (srv == NULL)
        return;
    fds0 = count_fds();
    for (int i = 0; i < 3; i++) {
        fd = local6 ? nh_connect6_local(fr.port) : nh_connect_local(fr.port);
        CHECK_MSG(fd >= 0 && send(fd, "hello", 5, 0) == 5 && recv(fd, b, 5, MSG_WAITALL) == 5 &&
                      memcmp(b, "hello", 5) == 0,
                  "%s: echo %d through the tunnel", what, i);
        if (fd >= 0) {
            (void)shutdown(fd, SHUT_WR);
            CHECK_MSG(recv(fd, b, 1, 0) == 0, "%s: EOF after the echo", what);
            close(fd);
        }
    }
    for (int i = 0; i < 50 && qstp_local_fwd_count(fr.f) > 0; i++)
        nh_sleep_ms(20);
    CHECK_MSG(count_fds() == fds0 && atomic_load(&fr.failed) == 0,
              "%s: descriptors %d -> %d, %d failed", what, fds0, count_fds(), atomic_load(&fr.failed));
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);
}

static void test_ipv6(void)
{
    g_srv_addr = "::1";
    g_host = "::1";
    v6_echo("IPv6 local and remote", 1);
    g_srv_addr = "127.0.0.1";
    g_host = "localhost";
    v6_echo("server by name", 0);
    g_host = "127.0.0.1";
}

static void test_refused(void)
{
    lf_fwd fr;
    uint16_t port;
    int l = nh_listen_any(&port), fds0, end = -1, bad;
    close(l); /* a port nobody listens on */
    CHECK(fwd_start(&fr, port, 300, 10000, 0) == 0);
    fds0 = count_fds();
    for (int i = 0; i < 3; i++) {
        int fd = nh_connect_local(fr.port);
        if (fd >= 0) {
            (void)read_flood(fd, 10000, &end, &bad);
            close(fd);
        }
        CHECK_MSG(end == 1, "refused connect: local end %d (want RST)", end);
    }
    for (int i = 0; i < 50 && qstp_local_fwd_count(fr.f) > 0; i++)
        nh_sleep_ms(20);
    CHECK_MSG(count_fds() == fds0 && atomic_load(&fr.failed) == 3,
              "refused connect: descriptors %d -> %d, %d failed events", fds0, count_fds(),
              atomic_load(&fr.failed));
    lf_fwd_stop(&fr);
}

/* ---------------------------------------------------------------- a burst of new connections
 * BURST local connections open at once while an established tunnel plays ping-pong: its
 * round trips go on between the handshakes (each event does one handshake step; at most 64
 * events a batch), and every new connection gets its echo. Reports the worst round trip and
 * the forwarder thread's CPU per connection. */
#define BURST 200

typedef struct pinger {
    int fd;
    atomic_int stop;
    uint64_t worst_us;
    int rounds, bad;
} pinger;

static void *ping_main(void *arg)
{
    pinger *p = arg;
    while (!atomic_load(&p->stop)) {
        struct timespec a, b;
        uint8_t c = 0;
        uint64_t us;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (send(p->fd, "p", 1, 0) != 1 || recv(p->fd, &c, 1, MSG_WAITALL) != 1 || c != 'p') {
            p->bad = 1;
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        us = (uint64_t)(((int64_t)b.tv_sec - (int64_t)a.tv_sec) * 1000000 +
                        ((int64_t)b.tv_nsec - (int64_t)a.tv_nsec) / 1000);
        if (us > p->worst_us)
            p->worst_us = us;
        p->rounds++;
    }
    return NULL;
}

static uint64_t thread_cpu_ns(clockid_t cl)
{
    struct timespec ts;
    clock_gettime(cl, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* BURST connections at once; each sends "x" and waits for its echo. Returns how many got it. */
static int burst(uint16_t port)
{
    static int fds[BURST];
    int echoed = 0;
    for (int i = 0; i < BURST; i++) {
        fds[i] = nh_connect_local(port);
        if (fds[i] >= 0)
            (void)send(fds[i], "x", 1, MSG_NOSIGNAL);
    }
    for (int i = 0; i < BURST; i++) {
        uint8_t c = 0;
        struct pollfd p = {fds[i], POLLIN, 0};
        if (fds[i] >= 0 && poll(&p, 1, 30000) == 1 && recv(fds[i], &c, 1, 0) == 1 && c == 'x')
            echoed++;
    }
    for (int i = 0; i < BURST; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return echoed;
}

static void test_burst(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    pinger pg;
    pthread_t th;
    int echoed, started;
    uint64_t t0, t1, c0, c1;
    clockid_t fcl;
    memset(&sc, 0, sizeof(sc));
    memset(&pg, 0, sizeof(pg));
    srv = start_server(&sc);
    CHECK(srv != NULL && fwd_start(&fr, srv != NULL ? qstp_server_port(srv) : 0, 300, 20000, 0) == 0);
    if (srv == NULL)
        return;
    /* 1. the established tunnel's round trips during a burst */
    pg.fd = lf_open_tunnel(fr.port);
    started = pg.fd >= 0 && pthread_create(&th, NULL, ping_main, &pg) == 0;
    CHECK(started);
    nh_sleep_ms(200);
    t0 = nh_now_ms();
    echoed = burst(fr.port);
    t1 = nh_now_ms();
    atomic_store(&pg.stop, 1);
    if (started)
        pthread_join(th, NULL);
    CHECK_MSG(echoed == BURST, "burst: %d of %d new connections got their echo", echoed, BURST);
    CHECK_MSG(!pg.bad && pg.rounds > 0 && pg.worst_us < 2000000u,
              "burst: the established tunnel: %d round trips, worst %llu us%s", pg.rounds,
              (unsigned long long)pg.worst_us, pg.bad ? ", FAILED" : "");
    /* 2. the forwarder thread's CPU for a burst alone */
    nh_sleep_ms(500); /* the first burst's tunnels have lingered out */
    CHECK(pthread_getcpuclockid(fr.th, &fcl) == 0);
    c0 = thread_cpu_ns(fcl);
    echoed = burst(fr.port);
    c1 = thread_cpu_ns(fcl);
    CHECK(echoed == BURST);
    fprintf(stderr,
            "  burst of %d connections: all echoed in %llu ms; an established tunnel meanwhile: %d "
            "round trips, worst %.1f ms; forwarder thread %.0f us CPU per new connection\n",
            BURST, (unsigned long long)(t1 - t0), pg.rounds, (double)pg.worst_us / 1000.0,
            (double)(c1 - c0) / 1000.0 / BURST);
    if (pg.fd >= 0)
        close(pg.fd);
    lf_fwd_stop(&fr);
    qstp_server_quit(srv);
}

/* ---------------------------------------------------------------- a server that goes silent
 * A relay passes one connection to the server; once muted it drops everything the server sends
 * (the TCP connection stays up). With keep-alive 1 s the tunnel must fail after about two
 * intervals and reset its local connection: a silent server is not a live one. */

typedef struct mute_relay {
    int lfd;
    uint16_t port, server_port;
    atomic_int mute, stop;
    pthread_t th;
} mute_relay;

static void *mute_main(void *arg)
{
    mute_relay *m = arg;
    static uint8_t buf[65536];
    struct sockaddr_in sa;
    int a = nh_accept_within(m->lfd, 10000), b = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(m->server_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (a >= 0 && b >= 0 && connect(b, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
        while (!atomic_load(&m->stop)) {
            struct pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
            ssize_t n;
            if (poll(p, 2, 100) <= 0)
                continue;
            if (p[0].revents) {
                n = recv(a, buf, sizeof(buf), 0);
                if (n <= 0 || send(b, buf, (size_t)n, MSG_NOSIGNAL) != n)
                    break;
            }
            if (p[1].revents) {
                n = recv(b, buf, sizeof(buf), 0);
                if (n <= 0)
                    break;
                if (!atomic_load(&m->mute) && send(a, buf, (size_t)n, MSG_NOSIGNAL) != n)
                    break;
            }
        }
    }
    if (a >= 0)
        close(a);
    if (b >= 0)
        close(b);
    return NULL;
}

static void test_silent_server(void)
{
    lf_server sc;
    qstp_server *srv;
    lf_fwd fr;
    mute_relay m;
    int fd, end = -1, bad;
    uint64_t t0;
    memset(&sc, 0, sizeof(sc));
    memset(&m, 0, sizeof(m));
    srv = start_server(&sc);
    CHECK(srv != NULL);
    if (srv == NULL)
        return;
    m.server_port = qstp_server_port(srv);
    m.lfd = nh_listen_any(&m.port);
    CHECK(m.lfd >= 0 && pthread_create(&m.th, NULL, mute_main, &m) == 0);
    CHECK(fwd_start(&fr, m.port, 300, 10000, 1) == 0);
    fd = lf_open_tunnel(fr.port);
    CHECK(fd >= 0);
    atomic_store(&m.mute, 1);
    t0 = nh_now_ms();
    if (fd >= 0)
        (void)read_flood(fd, 15000, &end, &bad);
    CHECK_MSG(end == 1 && atomic_load(&fr.closed_error) == 1 && nh_now_ms() - t0 < 6000,
              "silent server, keep-alive 1 s: local end %d after %llu ms, %d tunnels failed "
              "(want RST within a few seconds)",
              end, (unsigned long long)(nh_now_ms() - t0), atomic_load(&fr.closed_error));
    fprintf(stderr, "  silent server, keep-alive 1 s: local connection reset after %llu ms\n",
            (unsigned long long)(nh_now_ms() - t0));
    if (fd >= 0)
        close(fd);
    lf_fwd_stop(&fr);
    atomic_store(&m.stop, 1);
    pthread_join(m.th, NULL);
    close(m.lfd);
    qstp_server_quit(srv);
}

int main(void)
{
    if (nh_keys_make(&K, 0x03) != 0) {
        TEST_FAIL("key setup");
        return test_report();
    }
    test_linger_slow_reader();
    test_stop_pending();
    test_local_reset();
    test_keepalive_paused_reader();
    test_no_tunnel_reset();
    {
        /* valgrind closes a descriptor above the limit it tracks that accept() returns, itself */
        const char *pre = getenv("LD_PRELOAD");
        if (pre == NULL || strstr(pre, "vgpreload") == NULL)
            test_emfile();
        else
            fprintf(stderr, "  out of descriptors: skipped under valgrind\n");
    }
    test_cert_expiry();
    test_ipv6();
    test_refused();
    test_burst();
    test_silent_server();
    return test_report();
}
