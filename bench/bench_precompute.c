/* bench_precompute: server CPU per handshake with and without a pool of precomputed connect
 * responses (include/qstp/precompute.h), in memory, for QSTP sets 0x03 (ML-DSA-87 + ML-KEM-1024)
 * and 0x05 (ML-DSA-44 + McEliece 348864) by default.
 *
 * What is measured (CLOCK_THREAD_CPUTIME_ID, so other tenants' load is not counted; the cost of a
 * clock read is subtracted per interval):
 *  - "accept path": the server's calls for one handshake, from qstp_session_server_init to the
 *    release of the workspace: what a connecting client waits for, and what limits the accept
 *    rate of one core. Without a pool this includes KEM key generation and the signature; with a
 *    pool the session copies a ready response (and its secret key) out of a slot instead;
 *  - "fill": one qstp_precompute_fill_one (the work moved off the accept path, done by an idle
 *    worker ahead of time);
 *  - "signer": the same with the key's precomputed ML-DSA signer (session.h
 *    qstp_server_keyref_precompute), which the pool's fill can use as well;
 *  - the client's CPU is not counted.
 * Each round runs: no pool, fill, pool, no pool with signer, fill with signer, pool (so the pool
 * row has two samples per round), so drift on the shared machine hits every row alike.
 *
 * Usage: bench_precompute [rounds] [set ...]    (default: 200 rounds for 0x03, 20 for 0x05) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "bench_session.h"
#include "crypto/random.h"
#include "qstp/cert.h"
#include "qstp/precompute.h"
#include "qstp/session.h"
#include "qstp/suite.h"

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t g_clock_cost; /* bench_thread_clock_cost_ns(), measured at start */

typedef struct {
    bench_chain c;
    qstp_server_keyref keyref_signer; /* c.keyref with a precomputed ML-DSA signer */
    qstp_server_config plain, signer, pooled;
    void *signer_mem;
    qstp_precompute_pool pool;
    uint8_t *slots, *work, *cws, *sws, *wire;
    size_t worklen, cwslen, swslen, wirecap;
} setup;

static int setup_make(setup *k, uint8_t id)
{
    memset(k, 0, sizeof(*k));
    if (bench_chain_make(&k->c, id) != 0)
        return -1;
    k->plain.keys = &k->c.keyref;
    k->plain.nkeys = 1;
    k->pooled = k->plain;
    k->pooled.precompute = &k->pool;
    /* The same key with the precomputed signer (session.h), when the suite has one: signatures
     * are the same bytes, cheaper. The pool matches keys by serial and schash, so a slot filled
     * through either keyref serves both configurations. */
    k->keyref_signer = k->c.keyref;
    k->signer = k->plain;
    k->signer.keys = &k->keyref_signer;
    if (qstp_server_keyref_precompute_size(&k->c.keyref) > 0) {
        const size_t n = qstp_server_keyref_precompute_size(&k->c.keyref);
        k->signer_mem = aligned_alloc(64, (n + 63) & ~(size_t)63);
        if (k->signer_mem == NULL || qstp_server_keyref_precompute(&k->keyref_signer, k->signer_mem, n) != 0)
            return -1;
    }
    k->slots = malloc(qstp_precompute_slot_size(k->c.suite));
    k->worklen = qstp_precompute_work_size(k->c.suite);
    k->work = k->worklen ? malloc(k->worklen) : NULL;
    k->cwslen = qstp_session_handshake_workspace_size(k->c.suite, QSTP_ROLE_CLIENT);
    k->swslen = qstp_server_config_workspace_size(&k->plain);
    k->cws = malloc(k->cwslen);
    k->sws = malloc(k->swslen);
    k->wirecap = QSTP_PACKET_HEADER_SIZE + k->c.suite->connect_response_size + 4096;
    k->wire = malloc(k->wirecap);
    if (k->slots == NULL || (k->worklen && k->work == NULL) || !k->cws || !k->sws || !k->wire)
        return -1;
    return qstp_precompute_init(&k->pool, k->c.suite, k->slots, qstp_precompute_slot_size(k->c.suite), 1, 0);
}

static void setup_free(setup *k)
{
    if (k->signer_mem != NULL)
        qstp_server_keyref_precompute_wipe(&k->keyref_signer);
    free(k->signer_mem);
    qstp_precompute_clear(&k->pool);
    free(k->slots);
    free(k->work);
    free(k->cws);
    free(k->sws);
    free(k->wire);
    bench_chain_clear(&k->c);
}

/* One handshake in memory; the server's CPU in *srv. 0 on success. */
static int handshake(setup *k, const qstp_server_config *cfg, uint64_t *srv)
{
    static qstp_session c, s;
    const bench_peers peers = {&k->c.ccfg, k->cws, k->cwslen, cfg, k->sws, k->swslen};
    const bench_wire wire = {k->wire, k->wirecap};
    bench_cpu_timer ts = {0, 0, 0}, tc = {0, 0, 0};
    const int rc = bench_handshake_once(&peers, &wire, &c, &s, &ts, &tc);

    *srv = bench_cpu_total(&ts, g_clock_cost);
    return rc;
}

typedef struct {
    double median, p99, mean;
} summary;

static summary summarize(uint64_t *v, size_t n)
{
    summary s;
    double sum = 0;
    qsort(v, n, sizeof v[0], cmp_u64);
    for (size_t i = 0; i < n; i++)
        sum += (double)v[i];
    s.median = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
    s.p99 = (double)v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
    s.mean = sum / (double)n;
    return s;
}

static int run_set(uint8_t id, size_t rounds)
{
    static setup k;
    static const char *const cols[] = {"set", "server work       ", "median", "p99", "mean", "handshakes/s/core"};
    uint64_t *plain = calloc(rounds, sizeof(uint64_t)), *pooled = calloc(2 * rounds, sizeof(uint64_t));
    uint64_t *fills = calloc(rounds, sizeof(uint64_t)), *signed_ = calloc(rounds, sizeof(uint64_t));
    uint64_t *fills_s = calloc(rounds, sizeof(uint64_t));
    const qstp_env env = {bench_env_now, qstp_random_os, NULL};
    qstp_precompute_stats st;
    summary a, b, f, as, fs;
    bench_table t;
    char title[160], name[16], c1[32], c2[32], c3[32], c4[32], c5[32], c6[32], c7[32], c8[32];
    int bad = 0;

    if (plain == NULL || pooled == NULL || fills == NULL || signed_ == NULL || fills_s == NULL ||
        setup_make(&k, id) != 0) {
        fprintf(stderr, "set 0x%02x: setup failed\n", id);
        free(plain);
        free(pooled);
        free(fills);
        free(signed_);
        free(fills_s);
        return 1;
    }
    /* Warm-up: one of each. */
    if (handshake(&k, &k.plain, &plain[0]) != 0)
        bad = 1;
    for (size_t i = 0; i < rounds && !bad; i++) {
        uint64_t t0;
        if (handshake(&k, &k.plain, &plain[i]) != 0)
            bad = 1;
        t0 = bench_thread_cpu_ns();
        if (qstp_precompute_fill_one(&k.pool, &env, &k.c.keyref, k.work, k.worklen) != 0)
            bad = 1;
        fills[i] = bench_thread_cpu_ns() - t0 - g_clock_cost;
        if (handshake(&k, &k.pooled, &pooled[2 * i]) != 0)
            bad = 1;
        if (handshake(&k, &k.signer, &signed_[i]) != 0)
            bad = 1;
        t0 = bench_thread_cpu_ns();
        if (qstp_precompute_fill_one(&k.pool, &env, &k.keyref_signer, k.work, k.worklen) != 0)
            bad = 1;
        fills_s[i] = bench_thread_cpu_ns() - t0 - g_clock_cost;
        if (handshake(&k, &k.pooled, &pooled[2 * i + 1]) != 0)
            bad = 1;
    }
    qstp_precompute_get_stats(&k.pool, &st);
    if (bad || st.taken != 2 * rounds) {
        fprintf(stderr, "set 0x%02x: a handshake failed or a pooled response was not used (taken %llu of %zu)\n",
                id, (unsigned long long)st.taken, 2 * rounds);
        bad = 1;
    }
    a = summarize(plain, rounds);
    b = summarize(pooled, 2 * rounds);
    f = summarize(fills, rounds);
    as = summarize(signed_, rounds);
    fs = summarize(fills_s, rounds);
    snprintf(title, sizeof title, "set 0x%02x (%s + %s), %zu rounds, server CPU per handshake", id,
             k.c.suite->sig_name, k.c.suite->kem_name, rounds);
    snprintf(name, sizeof name, "0x%02x", id);
    bench_table_begin(&t, title, cols, 6);
    {
        const char *row[] = {name, "no pool", bench_fmt_ns(c1, a.median), bench_fmt_ns(c2, a.p99),
                             bench_fmt_ns(c3, a.mean), bench_fmt_count(c4, 1e9 / a.mean)};
        bench_table_row(&t, row);
    }
    if (k.signer_mem != NULL) {
        const char *row[] = {name, "no pool, signer", bench_fmt_ns(c5, as.median), bench_fmt_ns(c6, as.p99),
                             bench_fmt_ns(c7, as.mean), bench_fmt_count(c8, 1e9 / as.mean)};
        bench_table_row(&t, row);
    }
    {
        const char *row[] = {name, "pool", bench_fmt_ns(c5, b.median), bench_fmt_ns(c6, b.p99),
                             bench_fmt_ns(c7, b.mean), bench_fmt_count(c8, 1e9 / b.mean)};
        bench_table_row(&t, row);
    }
    {
        const char *row[] = {name, "fill (worker)", bench_fmt_ns(c1, f.median), bench_fmt_ns(c2, f.p99),
                             bench_fmt_ns(c3, f.mean), "-"};
        bench_table_row(&t, row);
    }
    if (k.signer_mem != NULL) {
        const char *row[] = {name, "fill, signer", bench_fmt_ns(c1, fs.median), bench_fmt_ns(c2, fs.p99),
                             bench_fmt_ns(c3, fs.mean), "-"};
        bench_table_row(&t, row);
    }
    {
        const char *row[] = {name, "pool + fill", bench_fmt_ns(c1, b.median + f.median), "-",
                             bench_fmt_ns(c3, b.mean + f.mean), bench_fmt_count(c4, 1e9 / (b.mean + f.mean))};
        bench_table_row(&t, row);
    }
    if (k.signer_mem != NULL) {
        const char *row[] = {name, "pool + fill, signer", bench_fmt_ns(c1, b.median + fs.median), "-",
                             bench_fmt_ns(c3, b.mean + fs.mean), bench_fmt_count(c4, 1e9 / (b.mean + fs.mean))};
        bench_table_row(&t, row);
    }
    bench_table_end(&t);
    printf("accept-path speed-up with a pool: %s (median), %s (mean); slot %s, fill workspace %s\n\n",
           bench_fmt_ratio(c1, a.median / b.median), bench_fmt_ratio(c2, a.mean / b.mean),
           bench_fmt_bytes(c3, (long)qstp_precompute_slot_size(k.c.suite)), bench_fmt_bytes(c4, (long)k.worklen));
    setup_free(&k);
    free(plain);
    free(pooled);
    free(fills);
    free(signed_);
    free(fills_s);
    return bad;
}

int main(int argc, char **argv)
{
    size_t rounds = 0;
    int argi = 1, bad = 0, any = 0;
    g_clock_cost = bench_thread_clock_cost_ns();
    if (argc > 1 && strncmp(argv[1], "0x", 2) != 0) {
        rounds = (size_t)strtoul(argv[1], NULL, 10);
        argi = 2;
    }
    printf("bench_precompute: server CPU per in-memory handshake (thread CPU time), with and without a\n"
           "pool of precomputed connect responses (QSTP-WIRE 4.4). Clock read cost %llu ns subtracted.\n\n",
           (unsigned long long)g_clock_cost);
    for (int i = argi; i < argc; i++) {
        const uint8_t id = (uint8_t)strtoul(argv[i], NULL, 0);
        const qstp_suite *su = qstp_suite_by_id(id);
        any = 1;
        bad |= run_set(id, rounds ? rounds : (su && su->kem_family == QSTP_KEM_MCELIECE ? 20 : 200));
    }
    if (!any) {
        bad |= run_set(0x03, rounds ? rounds : 200);
        bad |= run_set(0x05, rounds ? rounds : 20);
    }
    return bad;
}
