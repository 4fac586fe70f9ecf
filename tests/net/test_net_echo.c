/* Net layer, functional: handshake + echo over IPv4, IPv6 and dual stack with set 0x03; the
 * receive thread; records larger than one packet; certificate refusals; pause/resume/quit;
 * key reload without dropping tunnels; the tunnel limit; idle timeout and keep-alive. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/random.h"
#include "net_harness.h"
#include "qstp/revoke.h"
#include "qstp/session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

static net_keys K, K2;

static qstp_server *start(const char *addr, nh_counters *c, qstp_server_options *tweak)
{
    qstp_server_options o;
    qstp_server *srv = NULL;
    int r;
    nh_echo_options(&o, addr, c);
    if (tweak != NULL) {
        o.max_tunnels = tweak->max_tunnels;
        o.idle_timeout = tweak->idle_timeout;
    }
    r = qstp_server_start(&srv, &o, &K.skey, 1, NULL);
    CHECK_MSG(r == 0, "server start on %s: %s", addr, qstp_error_to_string(qstp_error_of(r)));
    return srv;
}

static qstp_client *connect_to(const char *host, uint16_t port, const net_keys *k, int *err)
{
    qstp_client *c = NULL;
    qstp_client_options o;
    qstp_client_options_default(&o);
    o.timeout_ms = 5000;
    *err = qstp_client_connect(&c, &k->root, &k->cert, host, port, &o);
    return c;
}

static void echo_once(qstp_client *c, size_t len, uint64_t *seed)
{
    uint8_t *msg = malloc(len), *back = malloc(len);
    test_prng_bytes(seed, msg, len);
    CHECK(qstp_client_send(c, msg, len) == 0);
    CHECK(nh_recv_exact(c, back, len, 5000) == 0);
    CHECK(nh_same(msg, back, len));
    free(msg);
    free(back);
}

static void test_echo_family(const char *bind, const char *host)
{
    nh_counters cnt;
    qstp_server *srv;
    qstp_client *c;
    int err;
    uint64_t seed = 1;
    memset(&cnt, 0, sizeof(cnt));
    srv = start(bind, &cnt, NULL);
    if (srv == NULL)
        return;
    c = connect_to(host, qstp_server_port(srv), &K, &err);
    CHECK_MSG(c != NULL, "connect %s -> %s: %s", host, bind, qstp_error_to_string(qstp_error_of(err)));
    if (c != NULL) {
        echo_once(c, 1, &seed);
        echo_once(c, 5, &seed);
        echo_once(c, QSTP_SESSION_SEND_MAX, &seed);     /* one full record */
        echo_once(c, 3 * QSTP_SESSION_SEND_MAX + 7, &seed); /* several records */
        CHECK(qstp_client_is_connected(c));
        qstp_client_close(c);
    }
    /* The server saw the close record with code 0. */
    for (int i = 0; i < 200 && atomic_load(&cnt.closed) < 1; i++)
        usleep(10000);
    CHECK(atomic_load(&cnt.established) == 1);
    CHECK(atomic_load(&cnt.closed) == 1);
    CHECK(atomic_load(&cnt.closed_normal) == 1);
    qstp_server_quit(srv);
}

/* ---- receive thread ---- */
typedef struct {
    pthread_mutex_t m;
    uint8_t buf[200000];
    size_t len;
    int closed;
    qstp_errors why;
} rx_sink;

static void sink_data(qstp_client *c, const uint8_t *d, size_t n, void *ctx)
{
    rx_sink *s = ctx;
    (void)c;
    pthread_mutex_lock(&s->m);
    if (s->len + n <= sizeof(s->buf)) {
        memcpy(s->buf + s->len, d, n);
        s->len += n;
    }
    pthread_mutex_unlock(&s->m);
}

static void sink_closed(qstp_client *c, qstp_errors why, void *ctx)
{
    rx_sink *s = ctx;
    (void)c;
    pthread_mutex_lock(&s->m);
    s->closed = 1;
    s->why = why;
    pthread_mutex_unlock(&s->m);
}

static size_t sink_len(rx_sink *s)
{
    size_t n;
    pthread_mutex_lock(&s->m);
    n = s->len;
    pthread_mutex_unlock(&s->m);
    return n;
}

static void test_receiver_thread_and_quit(void)
{
    nh_counters cnt;
    qstp_server *srv;
    qstp_client *c;
    static rx_sink sink;
    static uint8_t msg[150000];
    int err;
    uint64_t seed = 7;
    memset(&cnt, 0, sizeof(cnt));
    memset(&sink, 0, sizeof(sink));
    pthread_mutex_init(&sink.m, NULL);
    srv = start("127.0.0.1", &cnt, NULL);
    if (srv == NULL)
        return;
    c = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    CHECK(c != NULL);
    if (c == NULL) {
        qstp_server_quit(srv);
        return;
    }
    CHECK(qstp_client_start_receiver(c, sink_data, sink_closed, &sink) == 0);
    {
        size_t dummy;
        uint8_t b[4];
        CHECK(qstp_client_receive(c, b, sizeof(b), &dummy, 0) == -(int)qstp_error_invalid_state);
    }
    test_prng_bytes(&seed, msg, sizeof(msg));
    CHECK(qstp_client_send(c, msg, sizeof(msg)) == 0);
    for (int i = 0; i < 500 && sink_len(&sink) < sizeof(msg); i++)
        usleep(10000);
    CHECK(sink_len(&sink) == sizeof(msg));
    CHECK(nh_same(sink.buf, msg, sizeof(msg)));
    /* quit: every tunnel gets a close record with code 0 (§3.4), then the stream ends. */
    qstp_server_quit(srv);
    for (int i = 0; i < 300; i++) {
        int done;
        pthread_mutex_lock(&sink.m);
        done = sink.closed;
        pthread_mutex_unlock(&sink.m);
        if (done)
            break;
        usleep(10000);
    }
    CHECK(sink.closed == 1);
    CHECK(sink.why == qstp_error_none);
    CHECK(qstp_client_peer_code(c) == 0);
    CHECK(!qstp_client_is_connected(c));
    CHECK(qstp_client_send(c, msg, 10) == -(int)qstp_error_channel_down);
    qstp_client_close(c);
    pthread_mutex_destroy(&sink.m);
}

static void test_certificate_refusals(void)
{
    nh_counters cnt;
    qstp_server *srv;
    qstp_client *c;
    static net_keys other;
    static qstp_server_certificate tampered;
    int err;
    memset(&cnt, 0, sizeof(cnt));
    srv = start("127.0.0.1", &cnt, NULL);
    if (srv == NULL)
        return;
    /* A certificate from a different root: refused before any connection (§9.2 step 1). */
    CHECK(nh_keys_make(&other, 0x03) == 0);
    c = NULL;
    err = qstp_client_connect(&c, &K.root, &other.cert, "127.0.0.1", qstp_server_port(srv), NULL);
    CHECK(c == NULL && err < 0);
    /* A tampered certificate: the signature check fails. */
    memcpy(&tampered, &K.cert, sizeof(tampered));
    tampered.verkey[5] ^= 1;
    err = qstp_client_connect(&c, &K.root, &tampered, "127.0.0.1", qstp_server_port(srv), NULL);
    CHECK(c == NULL && err == -(int)qstp_error_verify_failure);
    /* A valid certificate of a key this server does not hold: the server refuses (key_unrecognized
     * in its error packet), the client reports connection_failure. */
    CHECK(nh_keys_another_server(&other, &K) == 0);
    c = connect_to("127.0.0.1", qstp_server_port(srv), &other, &err);
    CHECK(c == NULL);
    CHECK_MSG(err == -(int)qstp_error_connection_failure, "got %s", qstp_error_to_string(qstp_error_of(err)));
    /* Nothing listening: connection_failure. */
    qstp_server_quit(srv);
    c = connect_to("127.0.0.1", 1, &K, &err);
    CHECK(c == NULL && err == -(int)qstp_error_connection_failure);
    /* Unresolvable name. */
    c = connect_to("no-such-host.invalid", 1, &K, &err);
    CHECK(c == NULL && err < 0);
}

static void test_pause_resume(void)
{
    nh_counters cnt;
    qstp_server *srv;
    qstp_client *a, *b;
    int err;
    uint64_t seed = 3;
    memset(&cnt, 0, sizeof(cnt));
    srv = start("::", &cnt, NULL);
    if (srv == NULL)
        return;
    a = connect_to("::1", qstp_server_port(srv), &K, &err);
    CHECK(a != NULL);
    CHECK(qstp_server_pause(srv) == 0);
    CHECK(qstp_server_is_paused(srv));
    b = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    CHECK(b == NULL && err == -(int)qstp_error_connection_failure);
    if (a != NULL)
        echo_once(a, 1000, &seed); /* existing tunnel unaffected */
    CHECK(qstp_server_resume(srv) == 0);
    b = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    CHECK(b != NULL);
    if (b != NULL) {
        echo_once(b, 2000, &seed);
        qstp_client_close(b);
    }
    if (a != NULL)
        qstp_client_close(a);
    {
        qstp_server_stats st;
        qstp_server_get_stats(srv, &st);
        CHECK(st.refused == 1);
        CHECK(st.established == 2);
        CHECK(atomic_load(&cnt.log_refused) == 1);
    }
    qstp_server_quit(srv);
}

static void test_reload(void)
{
    nh_counters cnt;
    qstp_server *srv;
    qstp_client *a, *b, *c;
    int err;
    uint64_t seed = 5;
    memset(&cnt, 0, sizeof(cnt));
    srv = start("127.0.0.1", &cnt, NULL);
    if (srv == NULL)
        return;
    a = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    CHECK(a != NULL);
    CHECK(qstp_server_reload(srv, &K2.skey, 1) == 0);
    if (a != NULL)
        echo_once(a, 3000, &seed); /* made with the old key, still up */
    b = connect_to("127.0.0.1", qstp_server_port(srv), &K2, &err);
    CHECK(b != NULL);
    if (b != NULL)
        echo_once(b, 3000, &seed);
    c = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    CHECK(c == NULL); /* the old key is no longer served */
    {
        qstp_server_key zero;
        memset(&zero, 0, sizeof(zero));
        zero.algorithm = 0x03;
        CHECK(qstp_server_reload(srv, &zero, 1) == -(int)qstp_error_invalid_input); /* no schash */
    }
    qstp_client_close(a);
    qstp_client_close(b);
    qstp_server_quit(srv);
}

static void test_tunnel_limit(void)
{
    nh_counters cnt;
    qstp_server_options tw;
    qstp_server *srv;
    qstp_client *c[3];
    int err;
    memset(&cnt, 0, sizeof(cnt));
    qstp_server_options_default(&tw);
    tw.max_tunnels = 2;
    srv = start("127.0.0.1", &cnt, &tw);
    if (srv == NULL)
        return;
    for (int i = 0; i < 3; i++)
        c[i] = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    CHECK(c[0] != NULL && c[1] != NULL);
    CHECK(c[2] == NULL && err == -(int)qstp_error_connection_failure);
    qstp_client_close(c[0]);
    /* The slot frees once the server has seen the close. */
    for (int i = 0; i < 100; i++) {
        qstp_server_stats st;
        qstp_server_get_stats(srv, &st);
        if (st.tunnels < 2)
            break;
        usleep(20000);
    }
    c[2] = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    CHECK(c[2] != NULL);
    qstp_client_close(c[1]);
    qstp_client_close(c[2]);
    qstp_server_quit(srv);
}

static rx_sink ka_sink;

static void test_idle_and_keepalive(void)
{
    nh_counters cnt;
    qstp_server_options tw;
    qstp_server *srv;
    qstp_client *idle = NULL, *quiet = NULL, *threaded = NULL;
    qstp_client_options co;
    uint8_t buf[16], msg[100], back[100];
    size_t n;
    int err, r;
    uint64_t seed = 11;
    memset(&cnt, 0, sizeof(cnt));
    qstp_server_options_default(&tw);
    tw.idle_timeout = 3;
    srv = start("127.0.0.1", &cnt, &tw);
    if (srv == NULL)
        return;
    idle = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    qstp_client_options_default(&co);
    co.keepalive_interval = 2; /* the session clock counts whole seconds: 1 s is too tight */
    CHECK(qstp_client_connect(&quiet, &K.root, &K.cert, "127.0.0.1", qstp_server_port(srv), &co) == 0);
    CHECK(qstp_client_connect(&threaded, &K.root, &K.cert, "127.0.0.1", qstp_server_port(srv), &co) == 0);
    CHECK(idle != NULL && quiet != NULL && threaded != NULL);
    if (idle == NULL || quiet == NULL || threaded == NULL)
        goto out;
    memset(&ka_sink, 0, sizeof(ka_sink));
    pthread_mutex_init(&ka_sink.m, NULL);
    CHECK(qstp_client_start_receiver(threaded, sink_data, sink_closed, &ka_sink) == 0);
    /* "quiet" sends and then reads nothing for seconds: its keep-alive thread answers the
     * timers and keeps the echo for later. */
    test_prng_bytes(&seed, msg, sizeof(msg));
    CHECK(qstp_client_send(quiet, msg, sizeof(msg)) == 0);
    /* The idle one is dropped by the server after 3-4 s; the others keep themselves alive. */
    r = qstp_client_receive(idle, buf, sizeof(buf), &n, 8000);
    CHECK(r == -(int)qstp_error_channel_down);
    CHECK(qstp_client_peer_code(idle) == qstp_error_channel_down); /* the server's close record code */
    usleep(1500000);
    CHECK_MSG(qstp_client_is_connected(quiet), "reason %s peer %d",
              qstp_error_to_string(qstp_client_close_reason(quiet)), qstp_client_peer_code(quiet));
    CHECK_MSG(qstp_client_is_connected(threaded), "reason %s peer %d",
              qstp_error_to_string(qstp_client_close_reason(threaded)), qstp_client_peer_code(threaded));
    CHECK(nh_recv_exact(quiet, back, sizeof(back), 1000) == 0 && nh_same(msg, back, sizeof(msg)));
    echo_once(quiet, 3000, &seed);
    test_prng_bytes(&seed, msg, sizeof(msg));
    CHECK(qstp_client_send(threaded, msg, sizeof(msg)) == 0);
    for (int i = 0; i < 300 && sink_len(&ka_sink) < sizeof(msg); i++)
        usleep(10000);
    CHECK(sink_len(&ka_sink) == sizeof(msg) && nh_same(ka_sink.buf, msg, sizeof(msg)));
    CHECK(atomic_load(&cnt.closed) == 1); /* only the idle tunnel ended */
out:
    qstp_client_close(idle);
    qstp_client_close(quiet);
    qstp_client_close(threaded);
    qstp_server_quit(srv);
}

/* PROTOCOL.md "Revocation": a root-signed notice withdraws one of the server's keys. */
static int send_notice(uint16_t port, const uint8_t serial[16], qstp_errors *code)
{
    static uint8_t notice[QSTP_REVOCATION_NOTICE_MAX], pkt[QSTP_REVOCATION_HEADER_SIZE + QSTP_REVOCATION_NOTICE_MAX];
    uint8_t reply[QSTP_REVOCATION_REPLY_SIZE];
    size_t nl = 0, pl = 0, got = 0;
    struct sockaddr_in a;
    int fd, r;
    r = qstp_revocation_notice_create(notice, sizeof(notice), &nl, &K.rootkey, serial, (uint64_t)time(NULL),
                                      qstp_random_os, NULL);
    if (r == 0)
        r = qstp_revocation_packet_create(pkt, sizeof(pkt), &pl, notice, nl, (uint64_t)time(NULL));
    if (r != 0)
        return r;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || send(fd, pkt, pl, MSG_NOSIGNAL) != (ssize_t)pl) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    while (got < sizeof(reply)) {
        ssize_t n = recv(fd, reply + got, sizeof(reply) - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != sizeof(reply))
        return -1;
    return qstp_revocation_reply_parse(reply, code);
}

static void test_revocation(void)
{
    nh_counters cnt;
    qstp_server_options o;
    qstp_server *srv = NULL;
    qstp_server_key keys[2];
    qstp_client *c;
    qstp_errors code = qstp_error_last_;
    int err;
    memset(&cnt, 0, sizeof(cnt));
    nh_echo_options(&o, "127.0.0.1", &cnt);
    memcpy(&keys[0], &K.skey, sizeof(keys[0]));
    memcpy(&keys[1], &K2.skey, sizeof(keys[1]));
    CHECK(qstp_server_start(&srv, &o, keys, 2, &K.root) == 0);
    qstp_server_key_clear(&keys[0]);
    qstp_server_key_clear(&keys[1]);
    if (srv == NULL)
        return;
    c = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    CHECK(c != NULL); /* both keys served */
    CHECK(send_notice(qstp_server_port(srv), K.skey.serial, &code) == 0);
    CHECK(code == qstp_error_none);
    if (c != NULL) {
        uint64_t seed = 9;
        echo_once(c, 100, &seed); /* tunnels made with the key keep running */
        qstp_client_close(c);
    }
    c = connect_to("127.0.0.1", qstp_server_port(srv), &K, &err);
    CHECK(c == NULL && err == -(int)qstp_error_connection_failure); /* withdrawn */
    c = connect_to("127.0.0.1", qstp_server_port(srv), &K2, &err);
    CHECK(c != NULL); /* the other key still served */
    qstp_client_close(c);
    /* The last key revoked: the server stops accepting. */
    CHECK(send_notice(qstp_server_port(srv), K2.skey.serial, &code) == 0 && code == qstp_error_none);
    CHECK(qstp_server_is_paused(srv));
    qstp_server_quit(srv);
}

static void test_listen_errors(void)
{
    nh_counters cnt;
    qstp_server_options o;
    qstp_server *a = NULL, *b = NULL;
    memset(&cnt, 0, sizeof(cnt));
    nh_echo_options(&o, "300.1.2.3", &cnt);
    CHECK(qstp_server_start(&b, &o, &K.skey, 1, NULL) == -(int)qstp_error_listener_fail && b == NULL);
    nh_echo_options(&o, "127.0.0.1", &cnt);
    CHECK(qstp_server_start(&a, &o, &K.skey, 1, NULL) == 0);
    if (a == NULL)
        return;
    /* A second server on the same port fails instead of silently sharing it (SO_REUSEPORT). */
    o.ephemeral_port = 0;
    o.port = qstp_server_port(a);
    CHECK(qstp_server_start(&b, &o, &K.skey, 1, NULL) == -(int)qstp_error_listener_fail && b == NULL);
    o.address = "::"; /* dual stack overlaps 127.0.0.1 too */
    CHECK(qstp_server_start(&b, &o, &K.skey, 1, NULL) == -(int)qstp_error_listener_fail && b == NULL);
    qstp_server_quit(a);
}

int main(void)
{
    int r = nh_keys_make(&K, 0x03);
    CHECK_MSG(r == 0, "key generation: %d", r);
    CHECK(nh_keys_another_server(&K2, &K) == 0);
    if (r != 0)
        return test_report();
    test_echo_family("127.0.0.1", "127.0.0.1");
    test_echo_family("::1", "::1");
    test_echo_family("::", "127.0.0.1"); /* dual stack: IPv4 client on an IPv6 socket */
    test_echo_family("::", "localhost");
    test_receiver_thread_and_quit();
    test_certificate_refusals();
    test_pause_resume();
    test_reload();
    test_tunnel_limit();
    test_idle_and_keepalive();
    test_revocation();
    test_listen_errors();
    return test_report();
}
