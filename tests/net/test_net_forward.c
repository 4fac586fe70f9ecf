/* Net layer: forwarding in the event loop (qstp_server_options.forward_host, src/net/forward.c).
 *   1. bytes both ways through client -> server -> backend, checked byte for byte;
 *   2. a backend that stops reading: the server stops reading that tunnel (the client's sends
 *      stall), the process's memory stays bounded, another tunnel keeps flowing, and everything
 *      arrives intact once the backend reads again; with max_queued at 1 MiB nothing is dropped;
 *   3. a client that stops reading: the server stops reading its backend (the backend's writes
 *      stall), memory bounded, other tunnels flow, everything arrives intact afterwards;
 *   4. many tunnels (argv[1], default 500) in one server with no thread per tunnel (the
 *      process's /proc/self/task count), each carrying its own bytes both ways;
 *   5. end of stream inside a record is an error (receive_failure) on both ends, and at a
 *      record boundary still a normal close (the control case).
 * Backends are sockets the test accepts itself, so it decides when they read. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net_harness.h"
#include "qstp/session.h"

#define CHUNK 65536u
#define STALL_BYTES (48u << 20) /* far more than every socket buffer on the path together */

static net_keys K;

/* ---------------------------------------------------------------- helpers */

static uint8_t pat(unsigned stream, size_t i)
{
    return (uint8_t)(i * 131u + stream * 7u + (i >> 16));
}

static void fill(uint8_t *p, unsigned stream, size_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = pat(stream, off + i);
}

static int check_pat(const uint8_t *p, unsigned stream, size_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != pat(stream, off + i)) {
            fprintf(stderr, "    stream %u: wrong byte at offset %zu\n", stream, off + i);
            return 0;
        }
    return 1;
}

static size_t rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
    fclose(f);
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

/* Read exactly n bytes of stream `stream` (starting at offset off) from a blocking fd. */
static int read_check(int fd, unsigned stream, size_t off, size_t n, int ms)
{
    uint8_t *buf = malloc(CHUNK);
    int ok = buf != NULL;
    while (ok && n > 0) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, ms) <= 0) {
            fprintf(stderr, "    backend read timed out with %zu bytes to go\n", n);
            ok = 0;
            break;
        }
        r = recv(fd, buf, n < CHUNK ? n : CHUNK, 0);
        if (r <= 0) {
            fprintf(stderr, "    backend stream ended with %zu bytes to go\n", n);
            ok = 0;
            break;
        }
        ok = check_pat(buf, stream, off, (size_t)r);
        off += (size_t)r;
        n -= (size_t)r;
    }
    free(buf);
    return ok;
}

static int write_pat(int fd, unsigned stream, size_t n)
{
    uint8_t *buf = malloc(CHUNK);
    size_t off = 0;
    if (buf == NULL)
        return -1;
    while (off < n) {
        size_t k = n - off < CHUNK ? n - off : CHUNK;
        fill(buf, stream, off, k);
        for (size_t w = 0; w < k;) {
            ssize_t r = send(fd, buf + w, k - w, MSG_NOSIGNAL);
            if (r <= 0) {
                free(buf);
                return -1;
            }
            w += (size_t)r;
        }
        off += k;
    }
    free(buf);
    return 0;
}

static int client_recv_check(qstp_client *c, unsigned stream, size_t n)
{
    uint8_t *buf = malloc(CHUNK);
    size_t off = 0;
    int ok = buf != NULL;
    while (ok && off < n) {
        size_t k = n - off < CHUNK ? n - off : CHUNK;
        if (nh_recv_exact(c, buf, k, 15000) != 0) {
            fprintf(stderr, "    client receive failed at offset %zu of %zu\n", off, n);
            ok = 0;
            break;
        }
        ok = check_pat(buf, stream, off, k);
        off += k;
    }
    free(buf);
    return ok;
}

/* Sends in records of `rec` bytes (small records: one socket read of the server holds many, so
 * the backend's pending bytes grow record by record). */
static int client_send_pat(qstp_client *c, unsigned stream, size_t n, size_t rec, atomic_size_t *progress)
{
    uint8_t *buf = malloc(CHUNK);
    size_t off = 0;
    if (buf == NULL)
        return -1;
    while (off < n) {
        size_t k = n - off < rec ? n - off : rec;
        fill(buf, stream, off, k);
        if (qstp_client_send(c, buf, k) != 0) {
            free(buf);
            return -1;
        }
        off += k;
        if (progress != NULL)
            atomic_store(progress, off);
    }
    free(buf);
    return 0;
}

/* A thread that pushes n bytes of a stream into a client or a backend socket. */
typedef struct pusher {
    qstp_client *c; /* or */
    int fd;
    unsigned stream;
    size_t n, rec;
    atomic_size_t progress;
    atomic_int done;
    int ret;
    pthread_t th;
} pusher;

static void *push_main(void *arg)
{
    pusher *p = arg;
    if (p->c != NULL) {
        p->ret = client_send_pat(p->c, p->stream, p->n, p->rec, &p->progress);
    } else {
        p->ret = write_pat(p->fd, p->stream, p->n);
        atomic_store(&p->progress, p->n);
    }
    atomic_store(&p->done, 1);
    return NULL;
}

/* A live tunnel: client and the backend connection the server made for it. */
typedef struct pair {
    qstp_client *c;
    int b;
} pair;

static int open_pair(pair *p, uint16_t port, int lfd)
{
    p->b = -1;
    if (qstp_client_connect(&p->c, &K.root, &K.cert, "127.0.0.1", port, NULL) != 0) {
        p->c = NULL;
        return -1;
    }
    p->b = nh_accept_within(lfd, 10000);
    return p->b >= 0 ? 0 : -1;
}

static void close_pair(pair *p)
{
    qstp_client_close(p->c);
    if (p->b >= 0)
        close(p->b);
    p->c = NULL;
    p->b = -1;
}

/* A small exchange on another tunnel: proves the loop keeps serving it. */
static int other_tunnel_flows(pair *o, unsigned stream)
{
    const size_t n = 300000;
    if (client_send_pat(o->c, stream, n, CHUNK, NULL) != 0 || !read_check(o->b, stream, 0, n, 10000))
        return 0;
    if (write_pat(o->b, stream + 1, n) != 0 || !client_recv_check(o->c, stream + 1, n))
        return 0;
    return 1;
}

static void start_forward_server(qstp_server **srv, nh_counters *cnt, uint16_t bport, uint16_t *port)
{
    qstp_server_options o;
    nh_echo_options(&o, "127.0.0.1", cnt);
    o.forward_host = "127.0.0.1";
    o.forward_port = bport;
    o.max_queued = 1u << 20; /* a design that queues instead of pausing would drop tunnels */
    o.max_tunnels = 5000;
    CHECK(qstp_server_start(srv, &o, &K.skey, 1, NULL) == 0);
    *port = *srv != NULL ? qstp_server_port(*srv) : 0;
}

/* ---------------------------------------------------------------- 1-3 */

static void test_flow_and_backpressure(void)
{
    nh_counters cnt;
    qstp_server *srv = NULL;
    uint16_t bport = 0, port = 0;
    int lfd = nh_listen_any(&bport);
    pair a, o;
    memset(&cnt, 0, sizeof(cnt));
    CHECK(lfd >= 0);
    start_forward_server(&srv, &cnt, bport, &port);
    if (srv == NULL)
        return;
    CHECK(open_pair(&o, port, lfd) == 0);
    CHECK(open_pair(&a, port, lfd) == 0);
    if (o.c == NULL || o.b < 0 || a.c == NULL || a.b < 0)
        goto out;

    /* 1. both ways, 3 MB each, byte for byte */
    CHECK_MSG(other_tunnel_flows(&a, 10), "3 MB both ways through a forwarded tunnel");

    /* 2. the backend stops reading */
    {
        pusher p;
        size_t rss0 = rss_bytes(), at1, at2, rss1;
        memset(&p, 0, sizeof(p));
        p.c = a.c;
        p.stream = 20;
        p.n = STALL_BYTES;
        p.rec = 3000;
        CHECK(pthread_create(&p.th, NULL, push_main, &p) == 0);
        nh_sleep_ms(1500);
        at1 = atomic_load(&p.progress);
        nh_sleep_ms(700);
        at2 = atomic_load(&p.progress);
        rss1 = rss_bytes();
        CHECK_MSG(!atomic_load(&p.done) && at1 == at2 && at2 < STALL_BYTES,
                  "backend not reading: the client's sends stall (%zu then %zu of %u bytes)", at1,
                  at2, STALL_BYTES);
        CHECK_MSG(rss1 < rss0 + (8u << 20), "memory bounded while stalled: RSS %zu -> %zu", rss0, rss1);
        CHECK_MSG(other_tunnel_flows(&o, 30), "another tunnel flows while one backend stalls");
        if (!read_check(a.b, 20, 0, STALL_BYTES, 15000)) {
            TEST_FAIL("the stalled backend reads again: all %u bytes intact, in order", STALL_BYTES);
            shutdown(qstp_client_socket(a.c), SHUT_RDWR); /* unblock the pusher */
            pthread_join(p.th, NULL);
            goto out;
        }
        pthread_join(p.th, NULL);
        CHECK(p.ret == 0);
    }

    /* 3. the client stops reading */
    {
        pusher p;
        size_t rss0 = rss_bytes(), at1, at2, rss1;
        memset(&p, 0, sizeof(p));
        p.fd = a.b;
        p.stream = 40;
        p.n = STALL_BYTES;
        CHECK(pthread_create(&p.th, NULL, push_main, &p) == 0);
        nh_sleep_ms(1500);
        at1 = atomic_load(&p.progress);
        nh_sleep_ms(700);
        at2 = atomic_load(&p.progress);
        rss1 = rss_bytes();
        CHECK_MSG(!atomic_load(&p.done), "client not reading: the backend's writes stall");
        (void)at1;
        (void)at2;
        CHECK_MSG(rss1 < rss0 + (8u << 20), "memory bounded while stalled: RSS %zu -> %zu", rss0, rss1);
        CHECK_MSG(other_tunnel_flows(&o, 50), "another tunnel flows while one client stalls");
        if (!client_recv_check(a.c, 40, STALL_BYTES)) {
            TEST_FAIL("the stalled client reads again: all %u bytes intact, in order", STALL_BYTES);
            shutdown(a.b, SHUT_RDWR); /* unblock the pusher */
            pthread_join(p.th, NULL);
            goto out;
        }
        pthread_join(p.th, NULL);
        CHECK(p.ret == 0);
    }
    CHECK_MSG(atomic_load(&cnt.closed) == 0, "no tunnel was dropped (%d closed)", atomic_load(&cnt.closed));

    /* the backend's end of stream closes the tunnel normally after its data */
    CHECK(write_pat(a.b, 60, 1000) == 0);
    shutdown(a.b, SHUT_WR);
    CHECK_MSG(client_recv_check(a.c, 60, 1000), "backend's last bytes arrive before the close");
    {
        uint8_t x;
        size_t len = 0;
        CHECK_MSG(qstp_client_receive(a.c, &x, 1, &len, 5000) == -(int)qstp_error_channel_down &&
                  qstp_client_close_reason(a.c) == qstp_error_none,
                  "backend end of stream: the tunnel closes normally");
    }
    /* the client's end reaches the backend as end of stream */
    qstp_client_close(o.c);
    o.c = NULL;
    {
        uint8_t x;
        struct pollfd pf = {o.b, POLLIN, 0};
        CHECK_MSG(poll(&pf, 1, 5000) == 1 && recv(o.b, &x, 1, 0) == 0,
                  "client close: the backend sees end of stream");
    }
out:
    if (o.c != NULL || o.b >= 0)
        close_pair(&o);
    if (a.c != NULL || a.b >= 0)
        close_pair(&a);
    qstp_server_quit(srv);
    close(lfd);
}

/* ---------------------------------------------------------------- 4 */

static void test_many(unsigned n)
{
    nh_counters cnt;
    qstp_server *srv = NULL;
    uint16_t bport = 0, port = 0;
    int lfd = nh_listen_any(&bport), threads0 = nh_count_dir("/proc/self/task"), threads1;
    pair *p = calloc(n, sizeof(*p));
    int *owner = calloc(n, sizeof(*owner)); /* backend i carries client owner[i] */
    struct pollfd *pf = calloc(n, sizeof(*pf));
    unsigned opened = 0, matched = 0, back = 0;
    memset(&cnt, 0, sizeof(cnt));
    if (p == NULL || owner == NULL || pf == NULL || lfd < 0) {
        TEST_FAIL("setup");
        goto out;
    }
    start_forward_server(&srv, &cnt, bport, &port);
    if (srv == NULL)
        goto out;
    for (unsigned i = 0; i < n; i++) {
        if (open_pair(&p[i], port, lfd) != 0)
            break;
        opened++;
    }
    CHECK_MSG(opened == n, "%u of %u forwarded tunnels opened", opened, n);
    threads1 = nh_count_dir("/proc/self/task");
    CHECK_MSG(threads1 - threads0 < 16, "%u tunnels, threads %d -> %d (no thread per tunnel)", opened,
              threads0, threads1);
    {
        qstp_server_stats st;
        qstp_server_get_stats(srv, &st);
        CHECK_MSG(st.backends == opened, "backend connections %u (want %u)", st.backends, opened);
    }
    /* each client sends its index; find which backend carries it, answer, check the answer */
    for (unsigned i = 0; i < opened; i++) {
        uint8_t m[4] = {(uint8_t)i, (uint8_t)(i >> 8), 0x5a, 0xa5};
        CHECK(qstp_client_send(p[i].c, m, sizeof(m)) == 0);
        owner[i] = -1;
    }
    for (unsigned i = 0; i < opened; i++) {
        pf[i].fd = p[i].b;
        pf[i].events = POLLIN;
    }
    while (matched < opened) {
        int r = poll(pf, opened, 10000);
        if (r <= 0)
            break;
        for (unsigned i = 0; i < opened; i++) {
            uint8_t m[4];
            if (!(pf[i].revents & POLLIN))
                continue;
            pf[i].fd = -1;
            if (recv(p[i].b, m, sizeof(m), MSG_WAITALL) == 4 && m[2] == 0x5a && m[3] == 0xa5 &&
                (unsigned)(m[0] | m[1] << 8) < opened) {
                owner[i] = m[0] | m[1] << 8;
                matched++;
            } else {
                matched = opened + 1; /* garbage: fail */
                break;
            }
        }
    }
    CHECK_MSG(matched == opened, "every tunnel's bytes reached one backend (%u of %u)", matched, opened);
    if (matched == opened) {
        for (unsigned i = 0; i < opened; i++) {
            uint8_t m[4] = {(uint8_t)owner[i], (uint8_t)(owner[i] >> 8), 0x33, 0xcc};
            (void)!send(p[i].b, m, sizeof(m), MSG_NOSIGNAL);
        }
        for (unsigned i = 0; i < opened; i++) {
            uint8_t m[4];
            if (nh_recv_exact(p[i].c, m, sizeof(m), 10000) == 0 && (unsigned)(m[0] | m[1] << 8) == i &&
                m[2] == 0x33 && m[3] == 0xcc)
                back++;
        }
    }
    CHECK_MSG(back == opened, "every backend's answer reached its own client (%u of %u)", back, opened);
out:
    if (p != NULL)
        for (unsigned i = 0; i < n; i++)
            if (p[i].c != NULL)
                close_pair(&p[i]);
    qstp_server_quit(srv);
    if (lfd >= 0)
        close(lfd);
    free(p);
    free(owner);
    free(pf);
}

/* ---------------------------------------------------------------- 5 */

typedef struct eof_ctx {
    atomic_int closed;
    atomic_int reason;
    atomic_size_t got;
} eof_ctx;

static void eof_data(qstp_server *srv, qstp_tunnel_id id, const uint8_t *d, size_t len, void *ctx)
{
    eof_ctx *e = ctx;
    (void)d;
    atomic_fetch_add(&e->got, len);
    (void)qstp_server_send(srv, id, d, len); /* echo, for the client-side case */
}

static void eof_closed(qstp_server *srv, qstp_tunnel_id id, qstp_errors reason, void *ctx)
{
    eof_ctx *e = ctx;
    (void)srv;
    (void)id;
    atomic_store(&e->reason, (int)reason);
    atomic_store(&e->closed, 1);
}

/* Server side: the client writes `upto` bytes of one sealed record, then ends its stream. */
static void server_sees_eof(qstp_server *srv, eof_ctx *e, uint16_t port, size_t upto_half, int *reason)
{
    qstp_client *c = NULL;
    uint8_t msg[1000], rec[1100];
    size_t rl = 0, n;
    (void)srv;
    *reason = -1;
    memset(msg, 0x42, sizeof(msg));
    atomic_store(&e->closed, 0);
    if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", port, NULL) != 0 ||
        qstp_client_seal(c, msg, sizeof(msg), rec, sizeof(rec), &rl) != 0) {
        TEST_FAIL("connect/seal");
        qstp_client_close(c);
        return;
    }
    n = upto_half ? rl / 2 : rl;
    CHECK(send(qstp_client_socket(c), rec, n, MSG_NOSIGNAL) == (ssize_t)n);
    shutdown(qstp_client_socket(c), SHUT_WR);
    for (int i = 0; i < 100 && !atomic_load(&e->closed); i++)
        nh_sleep_ms(50);
    if (atomic_load(&e->closed))
        *reason = atomic_load(&e->reason);
    qstp_client_close(c);
}

/* A relay between client and server that, once armed, passes only `limit` more bytes from the
 * server and then ends the client's stream. */
typedef struct relay {
    int lfd;
    uint16_t sport;
    atomic_long limit; /* < 0: unlimited */
    pthread_t th;
} relay;

static void *relay_main(void *arg)
{
    relay *r = arg;
    int a = nh_accept_within(r->lfd, 10000), b = -1;
    struct sockaddr_in sa;
    uint8_t buf[16384];
    if (a < 0)
        return NULL;
    b = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(r->sport);
    if (b < 0 || connect(b, (struct sockaddr *)&sa, sizeof(sa)) != 0)
        goto done;
    for (;;) {
        struct pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
        ssize_t n;
        if (poll(p, 2, 10000) <= 0)
            break;
        if (p[0].revents) {
            n = recv(a, buf, sizeof(buf), 0);
            if (n <= 0 || send(b, buf, (size_t)n, MSG_NOSIGNAL) != n)
                break;
        }
        if (p[1].revents) {
            long lim = atomic_load(&r->limit);
            n = recv(b, buf, sizeof(buf), 0);
            if (n <= 0)
                break;
            if (lim >= 0 && n > lim)
                n = lim;
            if (n > 0 && send(a, buf, (size_t)n, MSG_NOSIGNAL) != n)
                break;
            if (lim >= 0) {
                atomic_store(&r->limit, lim - n);
                if (lim - n == 0) {
                    /* end the client's stream cleanly (FIN, not a reset): read what it sends */
                    shutdown(a, SHUT_WR);
                    while (recv(a, buf, sizeof(buf), 0) > 0) {
                    }
                    break;
                }
            }
        }
    }
done:
    if (b >= 0)
        close(b);
    close(a);
    return NULL;
}

/* Client side: the server echoes a 10000-byte record; the relay passes `pass` bytes of it. */
static void client_sees_eof(uint16_t port, long pass, int *got_data, int *reason)
{
    relay r;
    qstp_client *c = NULL;
    uint8_t msg[10000], in[10000];
    size_t len = 0;
    int ret;
    *got_data = 0;
    *reason = -1;
    memset(&r, 0, sizeof(r));
    r.sport = port;
    atomic_store(&r.limit, -1);
    r.lfd = nh_listen_any(&port);
    if (r.lfd < 0 || pthread_create(&r.th, NULL, relay_main, &r) != 0) {
        TEST_FAIL("relay");
        return;
    }
    if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", port, NULL) == 0) {
        memset(msg, 0x17, sizeof(msg));
        atomic_store(&r.limit, pass);
        CHECK(qstp_client_send(c, msg, sizeof(msg)) == 0);
        *got_data = nh_recv_exact(c, in, sizeof(in), 5000) == 0;
        ret = qstp_client_receive(c, in, sizeof(in), &len, 5000);
        if (ret == -(int)qstp_error_channel_down)
            *reason = (int)qstp_client_close_reason(c);
        qstp_client_close(c);
    } else {
        TEST_FAIL("connect through the relay");
    }
    pthread_join(r.th, NULL);
    close(r.lfd);
}

static void test_eof_inside_record(void)
{
    nh_counters cnt;
    eof_ctx e;
    qstp_server_options o;
    qstp_server *srv = NULL;
    int reason, got;
    const long whole = (long)QSTP_SESSION_RECORD_SIZE(10000);
    memset(&cnt, 0, sizeof(cnt));
    memset(&e, 0, sizeof(e));
    nh_echo_options(&o, "127.0.0.1", &cnt);
    o.cb.on_data = eof_data;
    o.cb.on_closed = eof_closed;
    o.cb.on_established = NULL;
    o.cb.ctx = &e;
    if (qstp_server_start(&srv, &o, &K.skey, 1, NULL) != 0) {
        TEST_FAIL("server start");
        return;
    }
    server_sees_eof(srv, &e, qstp_server_port(srv), 0, &reason);
    CHECK_MSG(reason == qstp_error_none, "server: end of stream after a whole record is a normal close (%d)",
              reason);
    server_sees_eof(srv, &e, qstp_server_port(srv), 1, &reason);
    CHECK_MSG(reason == qstp_error_receive_failure,
              "server: end of stream inside a record is receive_failure (%d)", reason);
    client_sees_eof(qstp_server_port(srv), whole, &got, &reason);
    CHECK_MSG(got && reason == qstp_error_none,
              "client: end of stream after a whole record is a normal close (data %d, reason %d)", got,
              reason);
    client_sees_eof(qstp_server_port(srv), 100, &got, &reason);
    CHECK_MSG(!got && reason == qstp_error_receive_failure,
              "client: end of stream inside a record is receive_failure (data %d, reason %d)", got,
              reason);
    client_sees_eof(qstp_server_port(srv), 10, &got, &reason);
    CHECK_MSG(!got && reason == qstp_error_receive_failure,
              "client: end of stream inside a record header is receive_failure (reason %d)", reason);
    qstp_server_quit(srv);
}

/* A backend that refuses: the tunnel ends as a failure (connection_failure on both ends), not as
 * a normal close, in the server's on_closed and in what the client is told. */
static void test_backend_down(void)
{
    nh_counters cnt;
    qstp_server *srv = NULL;
    qstp_client *c = NULL;
    uint16_t port = 0, dead = 0;
    uint8_t x;
    size_t len;
    int lfd = nh_listen_any(&dead);
    memset(&cnt, 0, sizeof(cnt));
    CHECK(lfd >= 0);
    close(lfd); /* nothing listens on `dead` any more: connects are refused */
    start_forward_server(&srv, &cnt, dead, &port);
    if (srv == NULL)
        return;
    CHECK(qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", port, NULL) == 0);
    if (c != NULL) {
        int r = qstp_client_receive(c, &x, 1, &len, 5000);
        CHECK_MSG(r == -(int)qstp_error_channel_down &&
                      qstp_client_close_reason(c) == qstp_error_connection_failure,
                  "client told connection_failure when the backend is down (%d, reason %d)", r,
                  (int)qstp_client_close_reason(c));
        qstp_client_close(c);
    }
    for (int i = 0; i < 500 && atomic_load(&cnt.closed) == 0; i++)
        nh_sleep_ms(10);
    CHECK_MSG(atomic_load(&cnt.closed) == 1 && atomic_load(&cnt.closed_normal) == 0,
              "server: a backend that refuses is not a normal close (closed %d, normal %d)",
              atomic_load(&cnt.closed), atomic_load(&cnt.closed_normal));
    qstp_server_quit(srv);
}

int main(int argc, char **argv)
{
    unsigned many = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 500u;
    if (nh_keys_make(&K, 0x03) != 0) {
        TEST_FAIL("keys");
        return test_report();
    }
    test_eof_inside_record();
    test_backend_down();
    test_flow_and_backpressure();
    test_many(many);
    return test_report();
}
