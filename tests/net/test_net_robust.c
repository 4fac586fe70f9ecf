/* Net layer, robustness: while 20 legitimate clients echo records, other connections send
 * garbage, truncated handshakes, oversized lengths, valid headers with bad MACs (after a real
 * handshake driven by the core session on a raw socket), half-sent records, byte-at-a-time
 * handshakes, and connect-and-stall. The server must stay up, close every bad connection, and
 * never fail a legitimate client. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crypto/random.h"
#include "net_harness.h"
#include "qstp/packet.h"
#include "qstp/session.h"

#define LEGIT 20
#define RUN_MS 5000

static net_keys K;
static uint16_t port;
static atomic_int stop, legit_ok, legit_fail, legit_records;
static atomic_int bad_closed, bad_not_closed;

static uint64_t now_s(void *ctx)
{
    (void)ctx;
    return (uint64_t)time(NULL);
}

static void write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* The server must end the connection (EOF or reset) within ms. */
static void expect_closed(int fd, int ms, const char *what)
{
    uint8_t buf[4096];
    const uint64_t end = nh_now_ms() + (uint64_t)ms;
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        int left = (int)(end > nh_now_ms() ? end - nh_now_ms() : 0);
        ssize_t r;
        if (left == 0 || poll(&p, 1, left) <= 0) {
            fprintf(stderr, "    %s: connection not closed by the server\n", what);
            atomic_fetch_add(&bad_not_closed, 1);
            break;
        }
        r = recv(fd, buf, sizeof(buf), 0);
        if (r <= 0) {
            atomic_fetch_add(&bad_closed, 1);
            break;
        }
    }
    close(fd);
}

/* A valid connect request (flag 0x01, 58-byte body) from a core client session. */
static size_t connect_request(uint8_t *out, size_t cap)
{
    static qstp_client_config cfg;
    qstp_session s;
    qstp_env env = { now_s, qstp_random_os, NULL };
    uint8_t *ws;
    size_t wl, n = 0;
    const uint8_t *o;
    qstp_client_config_from_certs(&cfg, &K.root, &K.cert);
    wl = qstp_session_handshake_workspace_size(cfg.suite, QSTP_ROLE_CLIENT);
    ws = malloc(wl);
    if (qstp_session_client_init(&s, &env, &cfg) == 0 && qstp_session_attach_workspace(&s, ws, wl) == 0 &&
        qstp_session_start(&s) == 0 && (o = qstp_session_output(&s, &n)) != NULL && n <= cap)
        memcpy(out, o, n);
    qstp_session_wipe(&s);
    free(ws);
    return n;
}

/* Real handshake with the core session on a blocking raw socket; leaves s established. */
static int raw_handshake(int fd, qstp_session *s, qstp_env *env, qstp_client_config *cfg, uint8_t *ws,
                         size_t wl, uint8_t *rx)
{
    uint8_t buf[8192];
    qstp_client_config_from_certs(cfg, &K.root, &K.cert);
    if (qstp_session_client_init(s, env, cfg) != 0 || qstp_session_attach_workspace(s, ws, wl) != 0 ||
        qstp_session_start(s) != 0)
        return -1;
    for (;;) {
        const uint8_t *o;
        size_t n;
        ssize_t r;
        while ((o = qstp_session_output(s, &n)) != NULL) {
            write_all(fd, o, n);
            qstp_session_output_ack(s, n);
        }
        r = recv(fd, buf, sizeof(buf), 0);
        if (r <= 0)
            return -1;
        for (size_t off = 0; off < (size_t)r;) {
            qstp_event ev;
            off += qstp_session_receive(s, buf + off, (size_t)r - off, &ev);
            if (ev.type == QSTP_EVENT_ESTABLISHED) {
                qstp_session_release_workspace(s);
                qstp_session_attach_rx_buffer(s, rx, QSTP_SESSION_RX_BUFFER_SIZE);
                return 0;
            }
            if (ev.type == QSTP_EVENT_ERROR || ev.type == QSTP_EVENT_PEER_CLOSED)
                return -1;
        }
    }
}

static void *legit_main(void *arg)
{
    uint64_t seed = (uint64_t)(uintptr_t)arg + 77;
    qstp_client *c = NULL;
    qstp_client_options o;
    uint8_t *msg = malloc(70000), *back = malloc(70000);
    int good = 1;
    qstp_client_options_default(&o);
    o.timeout_ms = 20000;
    if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", port, &o) != 0) {
        fprintf(stderr, "    legitimate client %lu could not connect\n", (unsigned long)(uintptr_t)arg);
        good = 0;
    }
    while (good && !atomic_load(&stop)) {
        size_t len = 1 + (size_t)(test_prng_u64(&seed) % 70000);
        test_prng_bytes(&seed, msg, len);
        if (qstp_client_send(c, msg, len) != 0 || nh_recv_exact(c, back, len, 20000) != 0 ||
            memcmp(msg, back, len) != 0) {
            fprintf(stderr, "    legitimate client %lu: echo of %zu bytes failed\n",
                    (unsigned long)(uintptr_t)arg, len);
            good = 0;
        }
        atomic_fetch_add(&legit_records, 1);
    }
    qstp_client_close(c);
    free(msg);
    free(back);
    atomic_fetch_add(good ? &legit_ok : &legit_fail, 1);
    return NULL;
}

/* ---- attackers ---- */

static void attack_garbage(uint64_t *seed)
{
    uint8_t junk[3000];
    int fd = nh_connect_local(port);
    if (fd < 0)
        return;
    test_prng_bytes(seed, junk, sizeof(junk));
    write_all(fd, junk, sizeof(junk));
    expect_closed(fd, 4000, "garbage");
}

static void attack_truncated(int stall)
{
    uint8_t req[256];
    size_t n = connect_request(req, sizeof(req));
    int fd = nh_connect_local(port);
    if (fd < 0 || n == 0)
        return;
    write_all(fd, req, n / 2);
    if (!stall) {
        close(fd); /* the server sees end of stream mid-handshake */
        return;
    }
    expect_closed(fd, 5000, "truncated handshake (stall)"); /* handshake timeout */
}

static void attack_oversized(void)
{
    uint8_t hdr[QSTP_PACKET_HEADER_SIZE];
    qstp_packet_header h;
    int fd = nh_connect_local(port);
    if (fd < 0)
        return;
    qstp_packet_header_create(&h, qstp_flag_connect_request, 0, 0xFFFFFFFFu, (uint64_t)time(NULL));
    qstp_packet_header_serialize(&h, hdr);
    write_all(fd, hdr, sizeof(hdr));
    expect_closed(fd, 4000, "oversized length");
}

static void attack_byte_at_a_time(void)
{
    uint8_t req[256];
    size_t n = connect_request(req, sizeof(req));
    int fd = nh_connect_local(port);
    if (fd < 0 || n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        write_all(fd, req + i, 1);
        usleep(2000);
    }
    /* The server answers with its connect response; then we vanish. */
    expect_closed(fd, 5000, "byte-at-a-time handshake then stall");
}

/* After a real handshake: a record with a bad MAC, or an oversized length, or an unknown flag. */
static void attack_established(int kind, uint64_t *seed)
{
    static _Thread_local qstp_session s;
    static _Thread_local qstp_client_config cfg;
    qstp_env env = { now_s, qstp_random_os, NULL };
    const qstp_suite *su = qstp_suite_by_id(0x03);
    size_t wl = qstp_session_handshake_workspace_size(su, QSTP_ROLE_CLIENT), outlen = 0;
    uint8_t *ws = malloc(wl), *rx = malloc(QSTP_SESSION_RX_BUFFER_SIZE), out[2048], msg[1000];
    int fd = nh_connect_local(port);
    if (fd < 0 || raw_handshake(fd, &s, &env, &cfg, ws, wl, rx) != 0) {
        fprintf(stderr, "    attacker handshake failed\n");
        atomic_fetch_add(&bad_not_closed, 1);
        if (fd >= 0)
            close(fd);
        goto out;
    }
    test_prng_bytes(seed, msg, sizeof(msg));
    if (kind == 0) {
        /* valid header, bad MAC: flip one tag bit */
        qstp_session_send(&s, msg, sizeof(msg), out, sizeof(out), &outlen);
        out[outlen - 1] ^= 0x01;
        write_all(fd, out, outlen);
    } else if (kind == 1) {
        /* valid header shape, oversized length (§2.6 filter) */
        qstp_packet_header h;
        qstp_packet_header_create(&h, qstp_flag_encrypted_message, 3, 70000, (uint64_t)time(NULL));
        qstp_packet_header_serialize(&h, out);
        write_all(fd, out, QSTP_PACKET_HEADER_SIZE);
    } else if (kind == 3) {
        /* half a record, then silence: the record timeout (1 s here) closes the tunnel */
        qstp_session_send(&s, msg, sizeof(msg), out, sizeof(out), &outlen);
        write_all(fd, out, outlen / 2);
    } else {
        /* a correct record, then one with a bad sequence number (replay of the first) */
        qstp_session_send(&s, msg, sizeof(msg), out, sizeof(out), &outlen);
        write_all(fd, out, outlen);
        write_all(fd, out, outlen);
    }
    expect_closed(fd, 4000,
                  kind == 0 ? "bad MAC" : kind == 1 ? "oversized record" : kind == 3 ? "partial record" : "replayed record");
out:
    qstp_session_wipe(&s);
    free(ws);
    free(rx);
}

static void *attacker_main(void *arg)
{
    uint64_t seed = (uint64_t)(uintptr_t)arg * 31 + 5;
    unsigned round = 0;
    while (!atomic_load(&stop)) {
        switch ((round++ + (unsigned)(uintptr_t)arg) % 9) {
        case 0: attack_garbage(&seed); break;
        case 1: attack_truncated(0); break;
        case 2: attack_oversized(); break;
        case 3: attack_established(0, &seed); break;
        case 4: attack_established(1, &seed); break;
        case 5: attack_established(2, &seed); break;
        case 6: attack_byte_at_a_time(); break;
        case 7: attack_established(3, &seed); break;
        default: attack_truncated(1); break;
        }
    }
    return NULL;
}

static void *staller_main(void *arg)
{
    /* Connect and send nothing: the handshake timeout (2 s here) must close them. */
    int fds[10];
    (void)arg;
    for (int i = 0; i < 10; i++)
        fds[i] = nh_connect_local(port);
    for (int i = 0; i < 10; i++)
        if (fds[i] >= 0)
            expect_closed(fds[i], 5000, "connect-and-stall");
    return NULL;
}

int main(void)
{
    qstp_server_options o;
    qstp_server *srv = NULL;
    nh_counters cnt;
    pthread_t legit[LEGIT], attackers[4], staller;
    qstp_server_stats st;
    CHECK(nh_keys_make(&K, 0x03) == 0);
    memset(&cnt, 0, sizeof(cnt));
    nh_echo_options(&o, "127.0.0.1", &cnt);
    o.handshake_timeout = 2;
    o.record_timeout = 1;
    CHECK(qstp_server_start(&srv, &o, &K.skey, 1, NULL) == 0);
    if (srv == NULL)
        return test_report();
    port = qstp_server_port(srv);
    for (int i = 0; i < LEGIT; i++)
        pthread_create(&legit[i], NULL, legit_main, (void *)(uintptr_t)i);
    for (int i = 0; i < 4; i++)
        pthread_create(&attackers[i], NULL, attacker_main, (void *)(uintptr_t)i);
    pthread_create(&staller, NULL, staller_main, NULL);
    usleep(RUN_MS * 1000);
    atomic_store(&stop, 1);
    for (int i = 0; i < LEGIT; i++)
        pthread_join(legit[i], NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(attackers[i], NULL);
    pthread_join(staller, NULL);

    CHECK_MSG(atomic_load(&legit_ok) == LEGIT, "%d legitimate clients failed", atomic_load(&legit_fail));
    CHECK(atomic_load(&legit_records) > LEGIT);
    CHECK_MSG(atomic_load(&bad_not_closed) == 0, "%d bad connections were not closed",
              atomic_load(&bad_not_closed));
    CHECK(atomic_load(&bad_closed) > 20);
    qstp_server_get_stats(srv, &st);
    CHECK(st.handshake_failures > 0);
    printf("legitimate records %d, bad connections closed %d, server: %llu accepted, %llu established, "
           "%llu handshake failures\n",
           atomic_load(&legit_records), atomic_load(&bad_closed), (unsigned long long)st.accepted,
           (unsigned long long)st.established, (unsigned long long)st.handshake_failures);
    /* Every connection, good or bad, is accounted for and gone (no leaked slot or workspace). */
    for (int i = 0; i < 500; i++) {
        qstp_server_get_stats(srv, &st);
        if (st.tunnels == 0 && st.handshakes == 0)
            break;
        usleep(10000);
    }
    CHECK_MSG(st.tunnels == 0 && st.handshakes == 0, "tunnels %u handshakes %u left", st.tunnels, st.handshakes);
    /* Still serving afterwards. */
    {
        qstp_client *c = NULL;
        uint8_t m[5] = { 1, 2, 3, 4, 5 }, b[5];
        CHECK(qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", port, NULL) == 0);
        if (c != NULL) {
            CHECK(qstp_client_send(c, m, 5) == 0);
            CHECK(nh_recv_exact(c, b, 5, 5000) == 0 && memcmp(m, b, 5) == 0);
            qstp_client_close(c);
        }
    }
    qstp_server_quit(srv);
    return test_report();
}
