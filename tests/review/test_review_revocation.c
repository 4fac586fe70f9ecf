/* Review of revocation notices at the net server (src/net/server.c srv_withdraw_key, the
 * session's notice handling, src/net/revnotify.c for delivery).
 *
 * R3-REV-1: a valid notice withdraws the key from the server's key set, but the server keeps no
 * record of what was revoked: qstp_server_reload (what `qstp server` does on SIGHUP, re-reading
 * every key file from disk, the revoked one included) puts the revoked key back in service.
 * R3-REV-2: two notices for two keys handled at the same time by two loops each build "current
 * set minus my key" from the same current set, and the second swap undoes the first: a revoked
 * key is served again. (Probabilistic: rounds of two concurrent notices, each checked.)
 * Regression checks: a replayed notice repeats its verdict and changes nothing else; a notice
 * signed by another root is refused and changes nothing; a burst of notices (replays) leaves the
 * server serving its remaining key. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/revnotify.h"
#include "net_harness.h"
#include "qstp/client.h"
#include "crypto/random.h"
#include "qstp/revoke.h"

static net_keys K1, K2, K3, OTHER;

static qstp_client *connect_to(uint16_t port, const net_keys *k)
{
    qstp_client *c = NULL;
    qstp_client_options o;
    qstp_client_options_default(&o);
    o.timeout_ms = 5000;
    (void)qstp_client_connect(&c, &k->root, &k->cert, "127.0.0.1", port, &o);
    return c;
}

/* 1 if a client trusting k's root and certificate gets a tunnel. */
static int served(uint16_t port, const net_keys *k)
{
    qstp_client *c = connect_to(port, k);
    if (c == NULL)
        return 0;
    qstp_client_close(c);
    return 1;
}

typedef struct {
    uint8_t notice[QSTP_REVOCATION_NOTICE_MAX];
    size_t len;
} notice_buf;

static int make_notice(notice_buf *n, const qstp_root_key *rk, const uint8_t serial[16])
{
    return qstp_revocation_notice_create(n->notice, sizeof(n->notice), &n->len, rk, serial,
                                         (uint64_t)time(NULL), qstp_random_os, NULL);
}

/* The server's verdict on n, or -1 when no reply came. */
static int notify(uint16_t port, const notice_buf *n)
{
    qstp_errors code = qstp_error_last_;
    qstp_revnotify_stage stage;
    int r = qstp_net_revocation_notify("127.0.0.1", port, n->notice, n->len, (uint64_t)time(NULL), 5000,
                                       &code, &stage);
    return r == 0 ? (int)code : -1;
}

static qstp_server *start3(nh_counters *cnt)
{
    qstp_server_options o;
    qstp_server *srv = NULL;
    qstp_server_key keys[3];
    nh_echo_options(&o, "127.0.0.1", cnt);
    memcpy(&keys[0], &K1.skey, sizeof(keys[0]));
    memcpy(&keys[1], &K2.skey, sizeof(keys[1]));
    memcpy(&keys[2], &K3.skey, sizeof(keys[2]));
    CHECK(qstp_server_start(&srv, &o, keys, 3, &K1.root) == 0);
    for (int i = 0; i < 3; i++)
        qstp_server_key_clear(&keys[i]);
    return srv;
}

static void test_reload_keeps_revocation(void)
{
    nh_counters cnt;
    qstp_server *srv;
    qstp_server_key keys[3];
    notice_buf n1, other;
    uint16_t port;

    memset(&cnt, 0, sizeof(cnt));
    srv = start3(&cnt);
    if (srv == NULL)
        return;
    port = qstp_server_port(srv);
    CHECK(make_notice(&n1, &K1.rootkey, K1.skey.serial) == 0);
    CHECK(notify(port, &n1) == (int)qstp_error_none);
    CHECK_MSG(!served(port, &K1), "K1 still served after its notice");
    CHECK(served(port, &K2) && served(port, &K3));

    /* Replay: the same verdict, nothing else changes. */
    CHECK(notify(port, &n1) == (int)qstp_error_none);
    CHECK(!served(port, &K1) && served(port, &K2));
    /* Another root's notice for K2: refused, K2 still served. */
    CHECK(make_notice(&other, &OTHER.rootkey, K2.skey.serial) == 0);
    CHECK(notify(port, &other) == (int)qstp_error_verify_failure);
    CHECK(served(port, &K2));
    /* A burst of replays: the server keeps serving. */
    for (int i = 0; i < 40; i++)
        CHECK(notify(port, &n1) == (int)qstp_error_none);
    CHECK(served(port, &K2) && !qstp_server_is_paused(srv));

    /* R3-REV-1: SIGHUP re-reads every key file, the revoked one included. */
    memcpy(&keys[0], &K1.skey, sizeof(keys[0]));
    memcpy(&keys[1], &K2.skey, sizeof(keys[1]));
    memcpy(&keys[2], &K3.skey, sizeof(keys[2]));
    (void)qstp_server_reload(srv, keys, 3);
    for (int i = 0; i < 3; i++)
        qstp_server_key_clear(&keys[i]);
    CHECK_MSG(!served(port, &K1), "R3-REV-1: a reload put the revoked key K1 back in service");
    CHECK(served(port, &K2));
    qstp_server_quit(srv);
}

typedef struct {
    uint16_t port;
    const notice_buf *n;
    int verdict;
} notify_job;

static void *notify_thread(void *arg)
{
    notify_job *j = arg;
    j->verdict = notify(j->port, j->n);
    return NULL;
}

static void test_concurrent_notices(void)
{
    notice_buf n1, n2;
    int lost = 0;
    const int rounds = 6;

    CHECK(make_notice(&n1, &K1.rootkey, K1.skey.serial) == 0);
    CHECK(make_notice(&n2, &K1.rootkey, K2.skey.serial) == 0);
    for (int round = 0; round < rounds; round++) {
        nh_counters cnt;
        qstp_server *srv;
        pthread_t t1, t2;
        notify_job j1, j2;
        memset(&cnt, 0, sizeof(cnt));
        srv = start3(&cnt);
        if (srv == NULL)
            return;
        j1 = (notify_job){qstp_server_port(srv), &n1, -1};
        j2 = (notify_job){qstp_server_port(srv), &n2, -1};
        pthread_create(&t1, NULL, notify_thread, &j1);
        pthread_create(&t2, NULL, notify_thread, &j2);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
        CHECK(j1.verdict == (int)qstp_error_none && j2.verdict == (int)qstp_error_none);
        if (served(j1.port, &K1) || served(j1.port, &K2))
            lost++;
        CHECK(served(j1.port, &K3));
        qstp_server_quit(srv);
    }
    CHECK_MSG(lost == 0, "R3-REV-2: in %d of %d rounds of two concurrent notices a revoked key was served again",
              lost, rounds);
}

int main(void)
{
    int r = nh_keys_make(&K1, 0x03);
    CHECK_MSG(r == 0, "key generation: %d", r);
    if (r != 0)
        return test_report();
    CHECK(nh_keys_another_server(&K2, &K1) == 0);
    CHECK(nh_keys_another_server(&K3, &K1) == 0);
    CHECK(nh_keys_make(&OTHER, 0x03) == 0);
    test_reload_keeps_revocation();
    test_concurrent_notices();
    return test_report();
}
