/* Net layer: a server whose tunnel has a send backlog (the peer reads slowly, the socket is
 * full, megabytes are queued) keeps serving that tunnel when the peer sends a keep-alive
 * request followed by more records. The keep-alive reply cannot be written now; it must join
 * the tunnel's queue (loop.c flush_output) instead of sitting in the session's control queue,
 * where it would stop the session from reading the peer's next packet and the server would drop
 * the tunnel as "peer does not read". Afterwards the peer reads everything: every echoed byte,
 * in order, and the keep-alive response.
 *
 * The client is the core session on a raw socket with its own clock, so the keep-alive is sent
 * exactly when the test wants (qstp_session_timeout after moving the clock on). */
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crypto/random.h"
#include "net_harness.h"
#include "qstp/session.h"

#define RECORD 60000u
#define RECORDS 200u /* 12 MB echoed while the client does not read */

static net_keys K;
static uint64_t fake_now;

static uint64_t clock_fn(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int flush_session(int fd, qstp_session *s)
{
    const uint8_t *o;
    size_t n;
    while ((o = qstp_session_output(s, &n)) != NULL) {
        if (write_all(fd, o, n) != 0)
            return -1;
        qstp_session_output_ack(s, n);
    }
    return 0;
}

static int handshake(int fd, qstp_session *s, const qstp_env *env, qstp_client_config *cfg, uint8_t *ws,
                     size_t wl, uint8_t *rx)
{
    static uint8_t buf[8192];
    if (qstp_session_client_init(s, env, cfg) != 0 || qstp_session_attach_workspace(s, ws, wl) != 0 ||
        qstp_session_start(s) != 0)
        return -1;
    for (;;) {
        ssize_t r;
        if (flush_session(fd, s) != 0)
            return -1;
        r = recv(fd, buf, sizeof(buf), 0);
        if (r <= 0)
            return -1;
        for (size_t off = 0; off < (size_t)r;) {
            qstp_event ev;
            off += qstp_session_receive(s, buf + off, (size_t)r - off, &ev);
            if (ev.type == QSTP_EVENT_ESTABLISHED) {
                qstp_session_release_workspace(s);
                return qstp_session_attach_rx_buffer(s, rx, QSTP_SESSION_RX_BUFFER_SIZE) == 0 && off == (size_t)r
                           ? 0
                           : -1;
            }
            if (ev.type == QSTP_EVENT_ERROR || ev.type == QSTP_EVENT_PEER_CLOSED)
                return -1;
        }
    }
}

int main(void)
{
    static nh_counters c;
    static qstp_client_config cfg;
    static uint8_t rx[QSTP_SESSION_RX_BUFFER_SIZE], msg[RECORD], rec[RECORD + 1024], in[65536];
    qstp_server_options o;
    qstp_server *srv = NULL;
    qstp_server_stats st;
    qstp_session s;
    qstp_env env = {clock_fn, qstp_random_os, NULL};
    struct sockaddr_in a;
    uint8_t *ws;
    size_t wl, outlen, expect = 0, got = 0;
    uint64_t seed = 99, check_seed;
    int fd, small = 8192, keepalive_seen = 0, order_ok = 1, closed = 0;

    CHECK(nh_keys_make(&K, 0x03) == 0);
    nh_echo_options(&o, "127.0.0.1", &c);
    o.loops = 1;
    o.workers = 1;
    o.max_queued = 64u << 20; /* the backlog below stays far under it */
    CHECK(qstp_server_start(&srv, &o, &K.skey, 1, NULL) == 0);
    if (srv == NULL)
        return test_report();

    fake_now = (uint64_t)time(NULL);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)); /* a slow reader's window */
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(qstp_server_port(srv));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    qstp_client_config_from_certs(&cfg, &K.root, &K.cert);
    cfg.keepalive_interval = 5;
    wl = qstp_session_handshake_workspace_size(cfg.suite, QSTP_ROLE_CLIENT);
    ws = malloc(wl);
    CHECK(handshake(fd, &s, &env, &cfg, ws, wl, rx) == 0);

    /* 1. 12 MB of records the server echoes into a socket nobody reads. */
    check_seed = seed;
    for (unsigned i = 0; i < RECORDS; i++) {
        test_prng_bytes(&seed, msg, sizeof(msg));
        CHECK(qstp_session_send(&s, msg, sizeof(msg), rec, sizeof(rec), &outlen) == 0);
        CHECK(write_all(fd, rec, outlen) == 0);
        expect += sizeof(msg);
    }
    usleep(500000);

    /* 2. Keep-alive request, then at once another record (the server answers the first while its
     *    socket is full, and must still read the second). */
    fake_now += 6;
    {
        qstp_event ev;
        qstp_session_timeout(&s, &ev);
        CHECK(ev.type == QSTP_EVENT_NONE);
        test_prng_bytes(&seed, msg, 100);
        CHECK(qstp_session_send(&s, msg, 100, rec, sizeof(rec), &outlen) == 0); /* ctl output first */
        CHECK_MSG(outlen > QSTP_SESSION_RECORD_SIZE(100), "the keep-alive request went out with the record");
        CHECK(write_all(fd, rec, outlen) == 0);
        expect += 100;
    }
    usleep(500000);
    qstp_server_get_stats(srv, &st);
    CHECK_MSG(st.tunnels == 1 && atomic_load(&c.closed) == 0, "the backlogged tunnel is still open");

    /* 3. Read it all back: every echoed byte in order, and the keep-alive response. */
    while (got < expect && !closed) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 10000) <= 0)
            break;
        r = recv(fd, in, sizeof(in), 0);
        if (r <= 0)
            break;
        for (size_t off = 0; off < (size_t)r;) {
            qstp_event ev;
            off += qstp_session_receive(&s, in + off, (size_t)r - off, &ev);
            if (ev.type == QSTP_EVENT_DATA) {
                uint8_t want[RECORD];
                for (size_t k = 0; k < ev.len;) {
                    /* the echo of record i is bytes [i*RECORD, ...) of the PRNG stream */
                    size_t pos = (got + k) % RECORD, take = RECORD - pos;
                    if (take > ev.len - k)
                        take = ev.len - k;
                    if (pos == 0)
                        test_prng_bytes(&check_seed, want, (got + k) / RECORD < RECORDS ? RECORD : 100);
                    order_ok &= memcmp(ev.data + k, want + pos, take) == 0;
                    k += take;
                }
                got += ev.len;
            } else if (ev.type == QSTP_EVENT_KEEPALIVE) {
                keepalive_seen = 1;
            } else if (ev.type == QSTP_EVENT_ERROR || ev.type == QSTP_EVENT_PEER_CLOSED) {
                closed = 1;
                break;
            }
        }
    }
    CHECK_MSG(got == expect, "echoed %zu of %zu bytes", got, expect);
    CHECK_MSG(order_ok, "echoed bytes in order");
    CHECK_MSG(keepalive_seen, "keep-alive response received");
    CHECK(!closed);
    qstp_session_close(&s, qstp_error_none);
    (void)flush_session(fd, &s);
    close(fd);
    qstp_session_wipe(&s);
    free(ws);
    qstp_server_quit(srv);
    return test_report();
}
