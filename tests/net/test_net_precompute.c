/* Net layer: the precomputed connect-response pool wired into the server (server.h
 * precompute_slots / precompute_max_age; include/qstp/precompute.h).
 *
 *  1. ML-KEM set (0x03), 4 slots: idle workers fill the pool; three clients then connect and
 *     echo, and the server's stats show three pooled responses taken (the handshakes really used
 *     them); the pool refills to 4.
 *  2. The same with the pool off (0) and with AUTO on an ML-KEM set: nothing is built or taken,
 *     handshakes still work.
 *  3. AUTO on a McEliece set (0x05): the pool is on by default and serves a handshake.
 *  4. max_age 1 s: slots go stale and the idle workers (1 s timed wait) replace them.
 *  5. Out-of-range options are refused. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net_harness.h"
#include "qstp/precompute.h"

static net_keys K3, K5;

static qstp_server *start(const net_keys *k, nh_counters *c, int slots, uint32_t max_age, int *err)
{
    qstp_server_options o;
    qstp_server *srv = NULL;
    nh_echo_options(&o, "127.0.0.1", c);
    o.precompute_slots = slots;
    o.precompute_max_age = max_age;
    *err = qstp_server_start(&srv, &o, &k->skey, 1, NULL);
    return srv;
}

static void stats(qstp_server *srv, qstp_server_stats *st)
{
    qstp_server_get_stats(srv, st);
}

/* Polls until at least `want` responses are ready (or the timeout passes); returns the count. */
static uint32_t wait_ready(qstp_server *srv, uint32_t want, int timeout_ms)
{
    qstp_server_stats st;
    for (int t = 0; t < timeout_ms; t += 20) {
        stats(srv, &st);
        if (st.precomputed_ready >= want)
            return st.precomputed_ready;
        usleep(20000);
    }
    stats(srv, &st);
    return st.precomputed_ready;
}

/* One client: connect, echo 1000 bytes, close. 1 on success. */
static int echo_once(qstp_server *srv, const net_keys *k)
{
    qstp_client *c = NULL;
    uint8_t msg[1000], got[1000];
    uint64_t seed = 7;
    int ok;
    int r = qstp_client_connect(&c, &k->root, &k->cert, "127.0.0.1", qstp_server_port(srv), NULL);
    CHECK_MSG(r == 0, "connect: %s", qstp_error_to_string(qstp_error_of(r)));
    if (r != 0)
        return 0;
    test_prng_bytes(&seed, msg, sizeof(msg));
    ok = qstp_client_send(c, msg, sizeof(msg)) == 0 && nh_recv_exact(c, got, sizeof(got), 10000) == 0 &&
         memcmp(got, msg, sizeof(msg)) == 0;
    CHECK_MSG(ok, "echo through a tunnel");
    qstp_client_close(c);
    return ok;
}

static void test_pool_used(void)
{
    static nh_counters c;
    qstp_server_stats st;
    int err;
    qstp_server *srv = start(&K3, &c, 4, 0, &err);
    CHECK_MSG(srv != NULL, "start with 4 slots: %s", qstp_error_to_string(qstp_error_of(err)));
    if (srv == NULL)
        return;
    CHECK_MSG(wait_ready(srv, 4, 20000) == 4, "the pool fills to 4 while the server is idle");
    for (int i = 0; i < 3; i++)
        CHECK(echo_once(srv, &K3));
    stats(srv, &st);
    CHECK_MSG(st.precomputed_taken == 3, "3 handshakes, %llu pooled responses taken",
              (unsigned long long)st.precomputed_taken);
    CHECK(st.established == 3 && st.handshake_failures == 0);
    CHECK_MSG(wait_ready(srv, 4, 20000) == 4, "the pool refills");
    stats(srv, &st);
    CHECK_MSG(st.precomputed_filled >= 7, "%llu built (4 + 3 refills)", (unsigned long long)st.precomputed_filled);
    qstp_server_quit(srv);
}

static void test_pool_off(int slots, const char *what)
{
    static nh_counters c;
    qstp_server_stats st;
    int err;
    qstp_server *srv = start(&K3, &c, slots, 0, &err);
    CHECK_MSG(srv != NULL, "start (%s)", what);
    if (srv == NULL)
        return;
    usleep(300000); /* time enough for a worker to fill, were there a pool */
    CHECK(echo_once(srv, &K3));
    stats(srv, &st);
    CHECK_MSG(st.precomputed_filled == 0 && st.precomputed_taken == 0 && st.precomputed_ready == 0,
              "%s: no pool (filled %llu, taken %llu)", what, (unsigned long long)st.precomputed_filled,
              (unsigned long long)st.precomputed_taken);
    CHECK(st.established == 1);
    qstp_server_quit(srv);
}

static void test_mceliece_auto(void)
{
    static nh_counters c;
    qstp_server_stats st;
    int err;
    qstp_server *srv = start(&K5, &c, QSTP_SERVER_PRECOMPUTE_AUTO, 0, &err);
    CHECK_MSG(srv != NULL, "start McEliece set with AUTO: %s", qstp_error_to_string(qstp_error_of(err)));
    if (srv == NULL)
        return;
    CHECK_MSG(wait_ready(srv, 1, 60000) >= 1, "AUTO pools a McEliece set");
    CHECK(echo_once(srv, &K5));
    stats(srv, &st);
    CHECK_MSG(st.precomputed_taken == 1, "McEliece handshake used a pooled response (%llu)",
              (unsigned long long)st.precomputed_taken);
    qstp_server_quit(srv);
}

static void test_stale_refilled(void)
{
    static nh_counters c;
    qstp_server_stats st;
    int err;
    qstp_server *srv = start(&K3, &c, 2, 1, &err);
    CHECK_MSG(srv != NULL, "start with max_age 1");
    if (srv == NULL)
        return;
    CHECK(wait_ready(srv, 2, 20000) == 2);
    sleep(4); /* both go stale after 1 s; the idle workers look again every second */
    stats(srv, &st);
    CHECK_MSG(st.precomputed_filled > 2, "stale slots were rebuilt (%llu built)",
              (unsigned long long)st.precomputed_filled);
    CHECK(echo_once(srv, &K3));
    qstp_server_quit(srv);
}

static void test_bad_options(void)
{
    static nh_counters c;
    int err;
    qstp_server *srv = start(&K3, &c, (int)QSTP_PRECOMPUTE_MAX_SLOTS + 1, 0, &err);
    CHECK(srv == NULL && err == -(int)qstp_error_invalid_input);
    srv = start(&K3, &c, -2, 0, &err);
    CHECK(srv == NULL && err == -(int)qstp_error_invalid_input);
    srv = start(&K3, &c, 2, QSTP_PRECOMPUTE_MAX_AGE_LIMIT + 1, &err);
    CHECK(srv == NULL && err == -(int)qstp_error_invalid_input);
    if (srv != NULL)
        qstp_server_quit(srv);
}

int main(void)
{
    qstp_server_options d;
    qstp_server_options_default(&d);
    CHECK(d.precompute_slots == QSTP_SERVER_PRECOMPUTE_AUTO);
    CHECK(nh_keys_make(&K3, 0x03) == 0);
    CHECK(nh_keys_make(&K5, 0x05) == 0);
    test_pool_used();
    test_pool_off(0, "precompute_slots 0");
    test_pool_off(QSTP_SERVER_PRECOMPUTE_AUTO, "AUTO on an ML-KEM set");
    test_mceliece_auto();
    test_stale_refilled();
    test_bad_options();
    return test_report();
}
