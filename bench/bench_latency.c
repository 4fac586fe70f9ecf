/* bench_latency: handshake latency against load, for the chart in docs/BENCHMARKS.md
 * (bench/report.sh draws docs/bench/handshake_latency.png from this table).
 *
 * Question: how long does a client wait for a tunnel (TCP connect + QSTP handshake, as
 * qstp_client_connect() returns it) when 1, 2, 4, ... 32 clients connect at the same time?
 *
 * Shape: keys for one set (default 0x03) are generated once; an in-process server
 * (include/qstp/server.h, default loops and workers, 127.0.0.1, ephemeral port) accepts. For each
 * load level C, C client threads connect, handshake and close in a loop for S seconds; every
 * completed connect is one latency sample (wall clock, CLOCK_MONOTONIC). The client threads share
 * the machine's cores with the server, as on a one-host loopback test, so at high C the figure
 * is queueing for CPU as much as handshake work; handshakes/s shows where the machine saturates.
 * Each client connect also verifies the server certificate (one signature verification), as a
 * real client does.
 *
 * Usage: bench_latency [--set 0x03] [--seconds S] [--levels 1,2,4,8,16,32]
 * Output: one table; rows start with the client count, latencies in ms (bench/report.sh parses
 * the rows whose first field is a number). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/random.h"
#include "qstp/cert.h"
#include "qstp/client.h"
#include "qstp/server.h"
#include "qstp/suite.h"

#define MAX_LEVELS 16u
#define MAX_CLIENTS 256u

typedef struct {
    unsigned set;
    double seconds;
    unsigned levels[MAX_LEVELS];
    size_t nlevels;
} options;

/* Shared, read-only while the client threads run. */
static qstp_root_certificate g_root;
static qstp_server_certificate g_cert;
static uint16_t g_port;

typedef struct {
    uint64_t deadline_ns;
    double *lat_ms; /* this thread's samples (grown with realloc) */
    size_t n, cap;
    size_t failed;
    int last_error;
} worker;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void quiet_log(void *ctx, qstp_log_level level, const char *line)
{
    (void)ctx;
    if (level >= QSTP_LOG_ERROR)
        fprintf(stderr, "server: %s\n", line);
}

static int push_sample(worker *w, double ms)
{
    if (w->n == w->cap) {
        const size_t cap = w->cap ? w->cap * 2 : 1024;
        double *p = realloc(w->lat_ms, cap * sizeof(*p));
        if (p == NULL)
            return -1;
        w->lat_ms = p;
        w->cap = cap;
    }
    w->lat_ms[w->n++] = ms;
    return 0;
}

static void *client_thread(void *arg)
{
    worker *w = arg;
    qstp_client_options copt;
    qstp_client_options_default(&copt);
    while (mono_ns() < w->deadline_ns) {
        qstp_client *c = NULL;
        const uint64_t t0 = mono_ns();
        const int r = qstp_client_connect(&c, &g_root, &g_cert, "127.0.0.1", g_port, &copt);
        const uint64_t t1 = mono_ns();
        if (r != 0) {
            w->failed++;
            w->last_error = r;
            continue;
        }
        if (push_sample(w, (double)(t1 - t0) / 1e6) != 0)
            w->failed++;
        qstp_client_close(c);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array (n >= 1). */
static double percentile(const double *v, size_t n, double p)
{
    size_t k = (size_t)(p * (double)n + 0.999999);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return v[k - 1];
}

/* Runs one load level and prints its row. Returns 0, or -1 if no handshake completed. */
static int run_level(unsigned clients, double seconds)
{
    static worker w[MAX_CLIENTS];
    static pthread_t th[MAX_CLIENTS];
    size_t total = 0, failed = 0, k = 0;
    int last_error = 0;
    double *all;
    const uint64_t start = mono_ns();
    const uint64_t deadline = start + (uint64_t)(seconds * 1e9);
    unsigned started = 0;

    for (unsigned i = 0; i < clients; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].deadline_ns = deadline;
        if (pthread_create(&th[i], NULL, client_thread, &w[i]) != 0)
            break;
        started++;
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    const double elapsed = (double)(mono_ns() - start) / 1e9;
    for (unsigned i = 0; i < started; i++) {
        total += w[i].n;
        failed += w[i].failed;
        if (w[i].last_error != 0)
            last_error = w[i].last_error;
    }
    all = malloc((total ? total : 1) * sizeof(*all));
    if (all == NULL) {
        fprintf(stderr, "bench_latency: out of memory\n");
        exit(1);
    }
    for (unsigned i = 0; i < started; i++) {
        memcpy(all + k, w[i].lat_ms, w[i].n * sizeof(*all));
        k += w[i].n;
        free(w[i].lat_ms);
        w[i].lat_ms = NULL;
    }
    if (started < clients)
        fprintf(stderr, "bench_latency: only %u of %u client threads started\n", started, clients);
    if (failed > 0)
        fprintf(stderr, "bench_latency: %u clients: %zu connects failed (last: %s)\n", clients, failed,
                qstp_error_to_string((qstp_errors)-last_error));
    if (total == 0) {
        printf("%-8u %11zu %8zu %13s %9s %9s %9s\n", clients, total, failed, "-", "-", "-", "-");
        free(all);
        return -1;
    }
    qsort(all, total, sizeof(*all), cmp_double);
    printf("%-8u %11zu %8zu %13.1f %9.2f %9.2f %9.2f\n", clients, total, failed, (double)total / elapsed,
           percentile(all, total, 0.50), percentile(all, total, 0.99), all[total - 1]);
    fflush(stdout);
    free(all);
    return 0;
}

static int parse_levels(options *o, const char *s)
{
    o->nlevels = 0;
    while (*s != '\0') {
        char *end;
        const unsigned long v = strtoul(s, &end, 10);
        if (end == s || v < 1 || v > MAX_CLIENTS || o->nlevels == MAX_LEVELS)
            return -1;
        o->levels[o->nlevels++] = (unsigned)v;
        s = end;
        if (*s == ',')
            s++;
        else if (*s != '\0')
            return -1;
    }
    return o->nlevels > 0 ? 0 : -1;
}

static void parse(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int ok = v != NULL;
        if (ok && strcmp(a, "--set") == 0)
            o->set = (unsigned)strtoul(v, NULL, 0);
        else if (ok && strcmp(a, "--seconds") == 0)
            ok = (o->seconds = strtod(v, NULL)) > 0 && o->seconds <= 3600;
        else if (ok && strcmp(a, "--levels") == 0)
            ok = parse_levels(o, v) == 0;
        else
            ok = 0;
        if (!ok) {
            fprintf(stderr, "usage: bench_latency [--set 0x03] [--seconds S] [--levels 1,2,4,8,16,32]\n");
            exit(2);
        }
    }
}

static int make_keys(const qstp_suite *su, qstp_root_key *rk, qstp_server_key *sk)
{
    const uint64_t now = (uint64_t)time(NULL);
    int r = qstp_root_key_generate(rk, su, "latency_root", now - 60, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_root_certificate_extract(&g_root, rk, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_generate(sk, su, "latency_server", now - 60, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(&g_cert, sk);
    if (r == 0)
        r = qstp_server_certificate_sign(&g_cert, rk, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_set_schash(sk, &g_root, &g_cert);
    if (r == 0)
        r = qstp_server_certificate_verify(&g_cert, &g_root, now);
    return r;
}

int main(int argc, char **argv)
{
    static qstp_root_key rk;
    static qstp_server_key sk;
    options o = {0x03, 3.0, {1, 2, 4, 8, 16, 32}, 6};
    qstp_server_options sopt;
    qstp_server *srv = NULL;
    qstp_server_stats st;
    const qstp_suite *su;
    int bad = 0;

    parse(argc, argv, &o);
    signal(SIGPIPE, SIG_IGN);
    su = qstp_suite_by_id((uint8_t)o.set);
    if (su == NULL) {
        fprintf(stderr, "bench_latency: unknown set 0x%02x\n", o.set);
        return 2;
    }
    if (make_keys(su, &rk, &sk) != 0) {
        fprintf(stderr, "bench_latency: key generation failed\n");
        return 1;
    }
    qstp_root_key_clear(&rk);

    qstp_server_options_default(&sopt);
    sopt.address = "127.0.0.1";
    sopt.ephemeral_port = 1;
    /* every client comes from 127.0.0.1: the per-address rate limit would measure itself */
    sopt.handshake_rate = 1000000u;
    sopt.log = quiet_log;
    sopt.log_level = QSTP_LOG_WARN;
    if (qstp_server_start(&srv, &sopt, &sk, 1, NULL) != 0) {
        fprintf(stderr, "bench_latency: server start failed\n");
        qstp_server_key_clear(&sk);
        return 1;
    }
    g_port = qstp_server_port(srv);

    printf("bench_latency: set 0x%02x, in-process server on 127.0.0.1 (default loops and workers), "
           "%.1f s per load level\n",
           o.set, o.seconds);
    printf("latency = qstp_client_connect(): TCP connect + certificate verify + handshake, wall clock;\n"
           "clients connect, handshake and close in a loop on the same machine as the server\n\n");
    printf("%-8s %11s %8s %13s %9s %9s %9s\n", "clients", "handshakes", "failed", "handshakes/s", "p50 ms",
           "p99 ms", "max ms");
    for (size_t i = 0; i < o.nlevels; i++)
        if (run_level(o.levels[i], o.seconds) != 0)
            bad = 1;

    qstp_server_get_stats(srv, &st);
    printf("\nserver: %llu accepted, %llu established, %llu refused, %llu handshake failures\n",
           (unsigned long long)st.accepted, (unsigned long long)st.established, (unsigned long long)st.refused,
           (unsigned long long)st.handshake_failures);
    qstp_server_quit(srv);
    qstp_server_key_clear(&sk);
    return bad;
}
