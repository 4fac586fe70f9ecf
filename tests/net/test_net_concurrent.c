/* Net layer, load: N clients (argv[1], default 200) connected at the same time, each sending
 * records of random length (1..20000 bytes) and checking the echo byte for byte. Every client
 * must succeed; the server's counters must agree. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "net_harness.h"
#include "qstp/session.h"

#define RECORDS_PER_CLIENT 5
#define MAX_RECORD 20000

static net_keys K;
static uint16_t port;
static pthread_barrier_t connected;
static atomic_int ok_clients, failed_clients;

static void *client_main(void *arg)
{
    uint64_t seed = (uint64_t)(uintptr_t)arg * 0x9E3779B97F4A7C15ull + 1;
    qstp_client_options o;
    qstp_client *c = NULL;
    uint8_t *msg = malloc(MAX_RECORD), *back = malloc(MAX_RECORD);
    int r, good = 1;
    qstp_client_options_default(&o);
    o.timeout_ms = 30000;
    r = qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", port, &o);
    if (r != 0) {
        fprintf(stderr, "    client %lu: connect: %s\n", (unsigned long)(uintptr_t)arg,
                qstp_error_to_string(qstp_error_of(r)));
        good = 0;
    }
    pthread_barrier_wait(&connected); /* all N tunnels are up at once */
    for (int i = 0; good && i < RECORDS_PER_CLIENT; i++) {
        size_t len = 1 + (size_t)(test_prng_u64(&seed) % MAX_RECORD);
        test_prng_bytes(&seed, msg, len);
        if (qstp_client_send(c, msg, len) != 0 || nh_recv_exact(c, back, len, 30000) != 0 ||
            memcmp(msg, back, len) != 0) {
            fprintf(stderr, "    client %lu: echo %d of %zu bytes failed\n",
                    (unsigned long)(uintptr_t)arg, i, len);
            good = 0;
        }
    }
    qstp_client_close(c);
    free(msg);
    free(back);
    atomic_fetch_add(good ? &ok_clients : &failed_clients, 1);
    return NULL;
}

static double secs(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Numbers for the record (not pass/fail): sequential handshakes per second and one tunnel's
 * echo throughput (client sends, server echoes, client receives). */
static void measure(void)
{
    enum { HS = 100, CHUNK = QSTP_SESSION_SEND_MAX, TOTAL = 64 << 20 };
    struct timespec t0, t1;
    qstp_client *c = NULL;
    uint8_t *buf = malloc(CHUNK), *back = malloc(CHUNK);
    size_t moved = 0;
    int fails = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < HS; i++) {
        if (qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", port, NULL) == 0)
            qstp_client_close(c);
        else
            fails++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(fails == 0);
    printf("sequential connect+handshake+close: %.0f per second\n", HS / secs(&t0, &t1));
    CHECK(qstp_client_connect(&c, &K.root, &K.cert, "127.0.0.1", port, NULL) == 0);
    memset(buf, 0x5A, CHUNK);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (c != NULL && moved < TOTAL) {
        if (qstp_client_send(c, buf, CHUNK) != 0 || nh_recv_exact(c, back, CHUNK, 10000) != 0) {
            CHECK(0);
            break;
        }
        moved += CHUNK;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("one tunnel, %d-byte records echoed: %.0f MB/s each way\n", CHUNK, (double)moved / 1e6 / secs(&t0, &t1));
    qstp_client_close(c);
    free(buf);
    free(back);
}

int main(int argc, char **argv)
{
    const unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 200u;
    qstp_server_options o;
    qstp_server *srv = NULL;
    nh_counters cnt;
    pthread_t *th = calloc(n, sizeof(*th));
    pthread_attr_t attr;
    struct rlimit rl;
    struct timespec t0, t1;
    qstp_server_stats st;

    /* Two descriptors per client (both ends live in this process). */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 2 * n + 64) {
        rl.rlim_cur = rl.rlim_max < 2 * n + 64 ? rl.rlim_max : 2 * n + 64;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
    CHECK(nh_keys_make(&K, 0x03) == 0);
    memset(&cnt, 0, sizeof(cnt));
    nh_echo_options(&o, "127.0.0.1", &cnt);
    o.max_tunnels = n + 16;
    CHECK(qstp_server_start(&srv, &o, &K.skey, 1, NULL) == 0);
    if (srv == NULL)
        return test_report();
    port = qstp_server_port(srv);
    pthread_barrier_init(&connected, NULL, n);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 0; i < n; i++)
        CHECK(pthread_create(&th[i], &attr, client_main, (void *)(uintptr_t)i) == 0);
    for (unsigned i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_MSG(atomic_load(&ok_clients) == (int)n, "%d of %u clients failed", atomic_load(&failed_clients), n);
    qstp_server_get_stats(srv, &st);
    CHECK(st.established == n);
    CHECK(st.refused == 0);
    CHECK(atomic_load(&cnt.data_records) >= (int)(n * RECORDS_PER_CLIENT));
    printf("%u concurrent clients, %d records each: %.2f s\n", n, RECORDS_PER_CLIENT, secs(&t0, &t1));
    if (argc > 2 && strcmp(argv[2], "measure") == 0)
        measure();
    qstp_server_quit(srv);
    /* Every tunnel was reported closed, normally. */
    CHECK(atomic_load(&cnt.closed) == atomic_load(&cnt.established));
    CHECK(atomic_load(&cnt.closed_normal) == atomic_load(&cnt.established));
    pthread_barrier_destroy(&connected);
    pthread_attr_destroy(&attr);
    free(th);
    return test_report();
}
