/* Adversarial review of forwarding in the event loop (src/net/forward.c, commit 6fcc882 and
 * later). Backends are sockets this test accepts itself, so it decides what they do.
 *
 * FINDINGS (fixed in dbdeb1e; these checks failed before):
 *   R-NET-1  a client stream that fails (cut inside a record, or a record that does not
 *            authenticate) reaches the backend as a clean end of stream (FIN) after the bytes
 *            before it: the backend cannot tell a truncated request from a complete one.
 *            Expected: the backend connection is reset (RST), as stunnel's "reset = yes" does.
 *   R-NET-2  a backend that fails (RST) ends the tunnel with a normal close record (code 0):
 *            the client takes a truncated response for a complete one. Expected: the close
 *            carries an error (the client's close reason is not qstp_error_none).
 * Regression checks (pass): a clean client close reaches the backend as FIN after the data; a
 * clean backend FIN is a normal close for the client; backends that refuse the connection leave
 * no descriptor, tunnel or backend count behind; a tunnel that ends while its backend is not
 * reading frees the backend within the drain time; 3000 one-byte records in one burst arrive
 * intact; 40 rounds of client close/reset while the backend floods leave nothing behind (ASan:
 * no use-after-free between the tunnel close and backend events in one epoll batch). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "net_harness.h"
#include "qstp/session.h"

static net_keys K;

/* Reads exactly n bytes within ms; 0 on success. */
static int read_exact(int fd, uint8_t *buf, size_t n, int ms)
{
    while (n > 0) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, ms) <= 0)
            return -1;
        r = recv(fd, buf, n, 0);
        if (r <= 0)
            return -1;
        buf += r;
        n -= (size_t)r;
    }
    return 0;
}

/* How the backend's stream ends after the expected data: 0 = clean FIN, 1 = reset/error,
 * 2 = more data, -1 = nothing within ms. */
static int stream_end(int fd, int ms)
{
    uint8_t b[256];
    struct pollfd p = {fd, POLLIN, 0};
    ssize_t r;
    if (poll(&p, 1, ms) <= 0)
        return -1;
    r = recv(fd, b, sizeof(b), 0);
    if (r == 0)
        return 0;
    if (r < 0)
        return 1;
    return 2;
}

static unsigned fd_count(void)
{
    unsigned n = 0;
    struct dirent *e;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static qstp_server *start_forwarding(nh_counters *cnt, uint16_t bport, uint32_t connect_ms)
{
    qstp_server_options o;
    qstp_server *srv = NULL;
    memset(cnt, 0, sizeof(*cnt));
    nh_echo_options(&o, "127.0.0.1", cnt);
    o.forward_host = "127.0.0.1";
    o.forward_port = bport;
    o.forward_connect_ms = connect_ms;
    if (qstp_server_start(&srv, &o, &K.skey, 1, NULL) != 0)
        return NULL;
    return srv;
}

static int wait_stats(qstp_server *srv, uint32_t tunnels, uint32_t backends, int ms)
{
    qstp_server_stats st;
    for (int waited = 0;; waited += 20) {
        qstp_server_get_stats(srv, &st);
        if (st.tunnels == tunnels && st.backends == backends)
            return 1;
        if (waited >= ms) {
            fprintf(stderr, "    stats: tunnels %u backends %u (want %u %u)\n", st.tunnels, st.backends,
                    tunnels, backends);
            return 0;
        }
        nh_sleep_ms(20);
    }
}

/* How the client ends its stream after a whole first record. */
enum { END_CLOSE, END_CUT_INSIDE_RECORD, END_TAMPERED_RECORD };

/* Returns stream_end() of the backend after it received the first record's bytes. */
static int client_stream_end(qstp_server *srv, int blfd, int how)
{
    static const uint8_t hello[5] = {'h', 'e', 'l', 'l', 'o'};
    uint8_t msg[1000], rec[1200], got[5];
    size_t rl = 0;
    int b = -1, res = -1;
    qstp_client *c = NULL;
    memset(msg, 0x42, sizeof(msg));
    if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", qstp_server_port(srv), NULL) != 0) {
        TEST_FAIL("connect");
        return -1;
    }
    b = nh_accept_within(blfd, 5000);
    if (b < 0 || qstp_client_send(c, hello, sizeof(hello)) != 0 || read_exact(b, got, 5, 5000) != 0 ||
        memcmp(got, hello, 5) != 0) {
        TEST_FAIL("backend did not get the first record");
        goto out;
    }
    if (how == END_CLOSE) {
        qstp_client_close(c);
        c = NULL;
    } else {
        if (qstp_client_seal(c, msg, sizeof(msg), rec, sizeof(rec), &rl) != 0) {
            TEST_FAIL("seal");
            goto out;
        }
        size_t n = rl;
        if (how == END_CUT_INSIDE_RECORD)
            n = rl / 2;
        else
            rec[rl - 20] ^= 0x01; /* a ciphertext/tag byte: the record does not authenticate */
        CHECK(send(qstp_client_socket(c), rec, n, MSG_NOSIGNAL) == (ssize_t)n);
        shutdown(qstp_client_socket(c), SHUT_WR);
    }
    res = stream_end(b, 5000);
out:
    if (b >= 0)
        close(b);
    qstp_client_close(c);
    return res;
}

static void test_client_stream_end(uint16_t bport, int blfd)
{
    nh_counters cnt;
    qstp_server *srv = start_forwarding(&cnt, bport, 0);
    int r;
    if (srv == NULL) {
        TEST_FAIL("server start");
        return;
    }
    r = client_stream_end(srv, blfd, END_CLOSE);
    CHECK_MSG(r == 0, "control: a closed tunnel is a clean end of stream at the backend (%d)", r);
    r = client_stream_end(srv, blfd, END_CUT_INSIDE_RECORD);
    CHECK_MSG(r == 1, "R-NET-1: a client stream cut inside a record must reset the backend, "
                      "not end it cleanly (got %s)", r == 0 ? "clean FIN" : "other");
    r = client_stream_end(srv, blfd, END_TAMPERED_RECORD);
    CHECK_MSG(r == 1, "R-NET-1: a record that fails authentication must reset the backend, "
                      "not end it cleanly (got %s)", r == 0 ? "clean FIN" : "other");
    CHECK(wait_stats(srv, 0, 0, 3000));
    qstp_server_quit(srv);
}

/* The backend sends "bye", then ends with FIN (reset = 0) or RST (reset = 1); returns the
 * client's close reason after it received "bye", or -1. */
static int backend_end(qstp_server *srv, int blfd, int reset)
{
    uint8_t got[16];
    size_t len = 0;
    int b, reason = -1, ret;
    qstp_client *c = NULL;
    if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", qstp_server_port(srv), NULL) != 0) {
        TEST_FAIL("connect");
        return -1;
    }
    b = nh_accept_within(blfd, 5000);
    if (b < 0 || send(b, "bye", 3, MSG_NOSIGNAL) != 3 || nh_recv_exact(c, got, 3, 5000) != 0) {
        TEST_FAIL("client did not get the backend's bytes");
        if (b >= 0)
            close(b);
        qstp_client_close(c);
        return -1;
    }
    if (reset) {
        struct linger lg = {1, 0};
        (void)setsockopt(b, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    }
    close(b);
    ret = qstp_client_receive(c, got, sizeof(got), &len, 5000);
    if (ret == -(int)qstp_error_channel_down)
        reason = (int)qstp_client_close_reason(c);
    qstp_client_close(c);
    return reason;
}

static void test_backend_end(uint16_t bport, int blfd)
{
    nh_counters cnt;
    qstp_server *srv = start_forwarding(&cnt, bport, 0);
    int r;
    if (srv == NULL) {
        TEST_FAIL("server start");
        return;
    }
    r = backend_end(srv, blfd, 0);
    CHECK_MSG(r == qstp_error_none, "control: a backend's FIN is a normal close for the client (%d)", r);
    r = backend_end(srv, blfd, 1);
    CHECK_MSG(r > 0, "R-NET-2: a backend reset must not reach the client as a normal close (reason %d)", r);
    CHECK(wait_stats(srv, 0, 0, 3000));
    qstp_server_quit(srv);
}

/* A backend that refuses every connection: each tunnel is closed with an error, and nothing is
 * left behind (descriptors, tunnels, backend count). */
static void test_refused_backend(void)
{
    nh_counters cnt;
    uint16_t dead_port = 0;
    int lfd = nh_listen_any(&dead_port);
    qstp_server *srv;
    unsigned before, after;
    int errors = 0;
    if (lfd < 0) {
        TEST_FAIL("listen");
        return;
    }
    close(lfd); /* nothing listens there now */
    srv = start_forwarding(&cnt, dead_port, 500);
    if (srv == NULL) {
        TEST_FAIL("server start");
        return;
    }
    before = fd_count();
    for (int i = 0; i < 20; i++) {
        qstp_client *c = NULL;
        uint8_t b[8];
        size_t len = 0;
        if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", qstp_server_port(srv), NULL) != 0)
            continue; /* refused during the handshake: also fine */
        if (qstp_client_receive(c, b, sizeof(b), &len, 5000) == -(int)qstp_error_channel_down &&
            qstp_client_close_reason(c) != qstp_error_none)
            errors++;
        qstp_client_close(c);
    }
    CHECK_MSG(errors == 20, "refused backend: every tunnel closed with an error (%d of 20)", errors);
    CHECK(wait_stats(srv, 0, 0, 3000));
    after = fd_count();
    CHECK_MSG(after <= before, "refused backend: no descriptor left behind (%u -> %u)", before, after);
    qstp_server_quit(srv);
}

/* The client sends more than the backend takes, then closes; the backend never reads. The
 * backend connection must be given up within the drain time (5 s) plus a margin. */
static void test_close_while_backend_stalled(uint16_t bport, int blfd)
{
    nh_counters cnt;
    qstp_server *srv = start_forwarding(&cnt, bport, 0);
    qstp_client *c = NULL;
    uint8_t *big = calloc(1, 1u << 20);
    int b = -1, one = 4096;
    if (srv == NULL || big == NULL) {
        TEST_FAIL("setup");
        free(big);
        if (srv != NULL)
            qstp_server_quit(srv);
        return;
    }
    if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", qstp_server_port(srv), NULL) != 0) {
        TEST_FAIL("connect");
    } else {
        b = nh_accept_within(blfd, 5000);
        (void)setsockopt(b, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
        /* Enough to fill the backend's receive buffer and the server's pending buffer, not so
         * much that the client blocks for ever (the server stops reading it). */
        struct timeval tv = {2, 0};
        (void)setsockopt(qstp_client_socket(c), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        (void)qstp_client_send(c, big, 1u << 20);
        qstp_client_close(c);
        CHECK_MSG(wait_stats(srv, 0, 0, 9000), "stalled backend: tunnel and backend gone after the drain time");
    }
    if (b >= 0)
        close(b);
    free(big);
    qstp_server_quit(srv);
}

/* Many tiny records in one burst (each plaintext byte its own record): every byte reaches the
 * backend, in order. (Each record is one send() to the backend: see the report.) */
static void test_tiny_records(uint16_t bport, int blfd)
{
    enum { N = 3000 };
    nh_counters cnt;
    qstp_server *srv = start_forwarding(&cnt, bport, 0);
    qstp_client *c = NULL;
    uint8_t *wire = malloc((size_t)N * 128), got[N];
    size_t off = 0;
    int b = -1, ok = 1;
    if (srv == NULL || wire == NULL) {
        TEST_FAIL("setup");
        goto out;
    }
    if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", qstp_server_port(srv), NULL) != 0) {
        TEST_FAIL("connect");
        goto out;
    }
    for (unsigned i = 0; i < N && ok; i++) {
        uint8_t byte = (uint8_t)(i * 7u + 1u);
        size_t rl = 0;
        ok = qstp_client_seal(c, &byte, 1, wire + off, 128, &rl) == 0;
        off += rl;
    }
    CHECK(ok);
    b = nh_accept_within(blfd, 5000);
    CHECK(b >= 0 && send(qstp_client_socket(c), wire, off, MSG_NOSIGNAL) == (ssize_t)off);
    if (b >= 0 && read_exact(b, got, N, 5000) == 0) {
        int same = 1;
        for (unsigned i = 0; i < N; i++)
            same &= got[i] == (uint8_t)(i * 7u + 1u);
        CHECK_MSG(same, "tiny records: bytes arrive in order");
    } else {
        TEST_FAIL("tiny records: backend did not get every byte");
    }
out:
    if (b >= 0)
        close(b);
    qstp_client_close(c);
    free(wire);
    if (srv != NULL) {
        CHECK(wait_stats(srv, 0, 0, 3000));
        qstp_server_quit(srv);
    }
}

/* Tunnel end and backend traffic in the same epoll batches: the backend writes continuously
 * while the client resets its connection (or closes it) at once. Under ASan this catches a
 * use-after-free between the tunnel's close and its backend's events; every round must end
 * with no tunnel and no backend left. */
static void test_close_races(uint16_t bport, int blfd)
{
    nh_counters cnt;
    qstp_server *srv = start_forwarding(&cnt, bport, 0);
    static uint8_t junk[1 << 16];
    int clean = 1;
    if (srv == NULL) {
        TEST_FAIL("server start");
        return;
    }
    for (int round = 0; round < 40; round++) {
        qstp_client *c = NULL;
        int b;
        if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", qstp_server_port(srv), NULL) != 0) {
            TEST_FAIL("connect");
            break;
        }
        b = nh_accept_within(blfd, 5000);
        if (b < 0) {
            TEST_FAIL("accept");
            qstp_client_close(c);
            break;
        }
        /* fill the path server->client while the client sends too */
        for (int k = 0; k < 8; k++)
            (void)!send(b, junk, sizeof(junk), MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)qstp_client_send(c, junk, 1000);
        if (round % 2 == 0) {
            struct linger lg = {1, 0};
            (void)setsockopt(qstp_client_socket(c), SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
            shutdown(qstp_client_socket(c), SHUT_RDWR);
        }
        qstp_client_close(c);
        for (int k = 0; k < 8; k++)
            (void)!send(b, junk, sizeof(junk), MSG_NOSIGNAL | MSG_DONTWAIT);
        close(b);
        if (!wait_stats(srv, 0, 0, 7000))
            clean = 0;
    }
    CHECK_MSG(clean, "close races: every round ends with no tunnel and no backend");
    qstp_server_quit(srv);
}

int main(void)
{
    uint16_t bport = 0;
    int blfd;
    if (nh_keys_make(&K, 0x03) != 0) {
        TEST_FAIL("keys");
        return test_report();
    }
    blfd = nh_listen_any(&bport);
    if (blfd < 0) {
        TEST_FAIL("backend listen");
        return test_report();
    }
    test_client_stream_end(bport, blfd);
    test_backend_end(bport, blfd);
    test_refused_backend();
    test_close_while_backend_stalled(bport, blfd);
    test_tiny_records(bport, blfd);
    test_close_races(bport, blfd);
    close(blfd);
    return test_report();
}
