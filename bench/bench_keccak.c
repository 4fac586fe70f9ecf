/* bench_keccak: SHA3-256, SHAKE256 and KMAC256 throughput on 64 B, 1500 B and 1 MiB inputs, next
 * to OpenSSL's EVP SHA3-256 and SHAKE256 measured in the same run. Prints MB/s, cycles/byte and
 * the ratio ours/OpenSSL (higher is better for us). Target: SHAKE256 >= 1.0x OpenSSL on 1 MiB.
 *
 * Second table: Keccak-f[1600] permutations per second per backend (single portable, single BMI,
 * 4-way AVX2 and AVX-512VL, 8-way AVX-512 on zmm registers, the no-scrub "public" entries; per
 * state), and the 4-way SHAKE API against four single SHAKEs on the
 * shapes ML-KEM/ML-DSA use (sha3x4.h). Backends the CPU lacks print "-".
 * Usage: bench_keccak [perm]   -- "perm": only the permutation and x4 tables. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "bench.h"
#include "crypto/cpu.h"
#include "crypto/keccak.h"
#include "crypto/sha3.h"
#include "crypto/sha3x4.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long long cycles(void)
{
#if defined(__x86_64__)
    return __rdtsc();
#else
    return 0;
#endif
}

typedef void (*hash_fn)(const uint8_t *in, size_t len, uint8_t *out);

static void ours_sha3(const uint8_t *in, size_t len, uint8_t *out) { qstp_sha3_256(out, in, len); }
static void ours_shake(const uint8_t *in, size_t len, uint8_t *out) { qstp_shake256(out, 32, in, len); }
static void ours_kmac(const uint8_t *in, size_t len, uint8_t *out)
{
    static const uint8_t key[32] = {1};
    qstp_kmac256(out, 32, key, sizeof(key), in, len, NULL, 0);
}

static EVP_MD_CTX *ossl_ctx;
static void ossl_digest(const EVP_MD *md, const uint8_t *in, size_t len, uint8_t *out)
{
    EVP_DigestInit_ex(ossl_ctx, md, NULL);
    EVP_DigestUpdate(ossl_ctx, in, len);
    if (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF)
        EVP_DigestFinalXOF(ossl_ctx, out, 32);
    else
        EVP_DigestFinal_ex(ossl_ctx, out, NULL);
}
static void ossl_sha3(const uint8_t *in, size_t len, uint8_t *out) { ossl_digest(EVP_sha3_256(), in, len, out); }
static void ossl_shake(const uint8_t *in, size_t len, uint8_t *out) { ossl_digest(EVP_shake256(), in, len, out); }

typedef struct {
    double mbps;
    double cpb;
} result;

/* Best of 5 runs of ~0.1 s each (the machines are noisy: best-of is the stable statistic). */
static result measure(hash_fn f, const uint8_t *in, size_t len)
{
    uint8_t out[64];
    size_t iters = 1;
    double t;
    do {
        iters *= 2;
        double t0 = now_s();
        for (size_t i = 0; i < iters; i++)
            f(in, len, out);
        t = now_s() - t0;
    } while (t < 0.02);
    iters = (size_t)((double)iters * 0.1 / t) + 1;
    result best = {0, 0};
    for (int run = 0; run < 5; run++) {
        double t0 = now_s();
        unsigned long long c0 = cycles();
        for (size_t i = 0; i < iters; i++)
            f(in, len, out);
        unsigned long long c1 = cycles();
        double dt = now_s() - t0;
        double mbps = (double)len * (double)iters / dt / 1e6;
        if (mbps > best.mbps) {
            best.mbps = mbps;
            best.cpb = (double)(c1 - c0) / ((double)len * (double)iters);
        }
    }
    return best;
}

/* ---- permutation backends and the x4 SHAKE API ---- */
static uint64_t perm_state[4][25];
static uint64_t perm_lanes[25][4];

static void p_portable(void *a) { (void)a; qstp_keccak_f1600_portable(perm_state[0]); }
static void p_dispatch(void *a) { (void)a; qstp_keccak_f1600(perm_state[0]); }
static void p_x4_portable(void *a) { (void)a; qstp_keccak_f1600_x4_portable(perm_state); }
static void p_x4_dispatch(void *a) { (void)a; qstp_keccak_f1600_x4(perm_state); }
static void p_x4_lanes(void *a) { (void)a; qstp_keccak_f1600_x4_lanes(perm_lanes); }
static void p_x4_lanes_pub(void *a) { (void)a; qstp_keccak_f1600_x4_lanes_public(perm_lanes); }
static uint64_t perm_lanes8[25][8];
static void p_x8_lanes(void *a) { (void)a; qstp_keccak_f1600_x8_lanes(perm_lanes8); }
static void p_x8_lanes_pub(void *a) { (void)a; qstp_keccak_f1600_x8_lanes_public(perm_lanes8); }
#if defined(__x86_64__)
static void p_bmi(void *a) { (void)a; qstp_keccak_f1600_bmi(perm_state[0]); }
static void p_x4_avx2(void *a) { (void)a; qstp_keccak_f1600_x4_avx2(perm_state); }
static void p_x4_lanes_avx2(void *a) { (void)a; qstp_keccak_f1600_x4_lanes_avx2(perm_lanes); }
static void p_x4_avx512(void *a) { (void)a; qstp_keccak_f1600_x4_avx512(perm_state); }
static void p_x4_lanes_avx512(void *a) { (void)a; qstp_keccak_f1600_x4_lanes_avx512(perm_lanes); }
static void p_x4_lanes_pub_avx2(void *a) { (void)a; qstp_keccak_f1600_x4_lanes_public_avx2(perm_lanes); }
static void p_x4_lanes_pub_avx512(void *a) { (void)a; qstp_keccak_f1600_x4_lanes_public_avx512(perm_lanes); }
static void p_x8_avx512(void *a) { (void)a; qstp_keccak_f1600_x8_lanes_avx512(perm_lanes8); }
static void p_x8_pub_avx512(void *a) { (void)a; qstp_keccak_f1600_x8_lanes_public_avx512(perm_lanes8); }
#endif

/* SHAKE shapes: matrix entry (SHAKE128, 34 B in, 3 blocks out = 504 B), noise (SHAKE256, 33 B in,
 * 1 block out), ExpandMask (SHAKE256, 66 B in, 5 blocks = 680 B: gamma1 2^19 needs 640 B). */
typedef struct {
    int is128;
    size_t inlen, blocks;
} shake_shape;
static uint8_t sh_in[4][80], sh_out[4][5 * 168];

static void s_single(void *a)
{
    const shake_shape *sh = a;
    for (int j = 0; j < 4; j++) {
        if (sh->is128)
            qstp_shake128(sh_out[j], sh->blocks * 168, sh_in[j], sh->inlen);
        else
            qstp_shake256(sh_out[j], sh->blocks * 136, sh_in[j], sh->inlen);
    }
}
static void s_x4(void *a)
{
    const shake_shape *sh = a;
    qstp_keccak_x4_state st;
    if (sh->is128) {
        qstp_shake128x4_absorb_once(&st, sh_in[0], sh_in[1], sh_in[2], sh_in[3], sh->inlen);
        qstp_shake128x4_squeezeblocks(sh_out[0], sh_out[1], sh_out[2], sh_out[3], sh->blocks, &st);
    } else {
        qstp_shake256x4_absorb_once(&st, sh_in[0], sh_in[1], sh_in[2], sh_in[3], sh->inlen);
        qstp_shake256x4_squeezeblocks(sh_out[0], sh_out[1], sh_out[2], sh_out[3], sh->blocks, &st);
    }
    bench_keep(&st);
}

/* What ML-KEM/ML-DSA do today: four [25]-lane states, qstp_keccak_f1600_x4 (transposing in and
 * out) and qstp_keccak_extract_bytes per lane per block. */
static void s_states(void *a)
{
    const shake_shape *sh = a;
    const unsigned rate = sh->is128 ? 168 : 136;
    uint64_t s[4][25];
    uint8_t block[168];
    for (int j = 0; j < 4; j++) {
        memset(block, 0, rate);
        memcpy(block, sh_in[j], sh->inlen);
        block[sh->inlen] ^= 0x1F;
        block[rate - 1] ^= 0x80;
        memset(s[j], 0, sizeof s[j]);
        qstp_keccak_xor_bytes(s[j], block, rate);
    }
    for (size_t b = 0; b < sh->blocks; b++) {
        qstp_keccak_f1600_x4(s);
        for (int j = 0; j < 4; j++)
            qstp_keccak_extract_bytes(s[j], sh_out[j] + b * rate, rate);
    }
    bench_keep(s);
}

static void perm_table(void)
{
    struct {
        const char *name;
        bench_fn fn;
        int states; /* permutations per call */
        int ok;
    } rows[] = {
        {"single, portable C", p_portable, 1, 1},
#if defined(__x86_64__)
        {"single, BMI (ANDN/RORX)", p_bmi, 1, qstp_cpu_has_avx2()},
#endif
        {"single, dispatched", p_dispatch, 1, 1},
        {"x4 portable (4 single)", p_x4_portable, 4, 1},
#if defined(__x86_64__)
        {"x4 AVX2, 4 states", p_x4_avx2, 4, qstp_cpu_has_avx2()},
        {"x4 AVX2, interleaved", p_x4_lanes_avx2, 4, qstp_cpu_has_avx2()},
        {"x4 AVX-512VL, 4 states", p_x4_avx512, 4, qstp_cpu_has_avx512()},
        {"x4 AVX-512VL, interleaved", p_x4_lanes_avx512, 4, qstp_cpu_has_avx512()},
        {"x4 AVX2, public (no scrub)", p_x4_lanes_pub_avx2, 4, qstp_cpu_has_avx2()},
        {"x4 AVX-512VL, public", p_x4_lanes_pub_avx512, 4, qstp_cpu_has_avx512()},
        {"x8 AVX-512 zmm, interleaved", p_x8_avx512, 8, qstp_cpu_has_avx512()},
        {"x8 AVX-512 zmm, public", p_x8_pub_avx512, 8, qstp_cpu_has_avx512()},
#endif
        {"x4 dispatched, 4 states", p_x4_dispatch, 4, 1},
        {"x4 dispatched, interleaved", p_x4_lanes, 4, 1},
        {"x4 dispatched, public", p_x4_lanes_pub, 4, 1},
        {"x8 dispatched, interleaved", p_x8_lanes, 8, 1},
        {"x8 dispatched, public", p_x8_lanes_pub, 8, 1},
    };
    static const char *const cols[] = {"Keccak-f[1600] permutation ", "ns/call", "ns/state", "Mperm/s", "c/state",
                                       "vs portable"};
    bench_table t;
    double portable_ns = 0;
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 25; i++)
            perm_state[j][i] = (uint64_t)(i * 4 + j) * 0x9E3779B97F4A7C15ULL, perm_lanes[i][j] = perm_state[j][i];

    printf("\n");
    bench_table_begin(&t, "Keccak-f[1600] permutation backends (median of 2000 samples x 64 calls)", cols, 6);
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        char a[32], b[32], c[32], d[32], e[32];
        bench_stats st;
        if (!rows[r].ok) {
            const char *cells[] = {rows[r].name, "-", "-", "-", "-", "(no CPU support)"};
            bench_table_row(&t, cells);
            continue;
        }
        bench_run_batched(rows[r].fn, NULL, 2000, 64, &st);
        const double per = st.median_ns / rows[r].states;
        if (r == 0)
            portable_ns = per;
        const char *cells[] = {rows[r].name, bench_fmt_ns(a, st.median_ns), bench_fmt_ns(b, per),
                               bench_fmt_count(c, 1e3 / per), bench_fmt_count(d, st.median_cycles / rows[r].states),
                               bench_fmt_ratio(e, portable_ns / per)};
        bench_table_row(&t, cells);
    }
    bench_table_end(&t);
    bench_keep(perm_state);
    bench_keep(perm_lanes);
    bench_keep(perm_lanes8);

    static const char *const cols2[] = {"4 SHAKE instances (shape)  ", "4x single", "f1600_x4+extract",
                                        "x4 API", "API vs single", "API vs f1600_x4"};
    static shake_shape shapes[] = {{1, 34, 3}, {0, 33, 1}, {0, 66, 5}, {0, 32, 1}};
    static const char *const names[] = {"SHAKE128 34B->504B (A)", "SHAKE256 33B->136B (CBD)",
                                        "SHAKE256 66B->680B (mask)", "SHAKE256 32B->136B (F)"};
    for (int j = 0; j < 4; j++)
        for (size_t i = 0; i < sizeof(sh_in[j]); i++)
            sh_in[j][i] = (uint8_t)(i * 7 + j);
    printf("\n");
    bench_table_begin(&t, "4-way SHAKE (sha3x4.h) vs four single SHAKE calls and vs qstp_keccak_f1600_x4 on "
                          "separate states, time for all four", cols2, 6);
    for (size_t r = 0; r < sizeof(shapes) / sizeof(shapes[0]); r++) {
        bench_stats s1, s4, sx;
        char a[32], b[32], c[32], d[32], e[32];
        bench_run_batched(s_single, &shapes[r], 1000, 16, &s1);
        bench_run_batched(s_states, &shapes[r], 1000, 16, &sx);
        bench_run_batched(s_x4, &shapes[r], 1000, 16, &s4);
        const char *cells[] = {names[r], bench_fmt_ns(a, s1.median_ns), bench_fmt_ns(b, sx.median_ns),
                               bench_fmt_ns(c, s4.median_ns), bench_fmt_ratio(d, s1.median_ns / s4.median_ns),
                               bench_fmt_ratio(e, sx.median_ns / s4.median_ns)};
        bench_table_row(&t, cells);
    }
    bench_table_end(&t);
    bench_keep(sh_out);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "perm") == 0) { /* bench_keccak perm: the second part only */
        perm_table();
        return 0;
    }
    static const size_t sizes[] = {64, 1500, 1u << 20};
    uint8_t *in = malloc(1u << 20);
    for (size_t i = 0; i < (1u << 20); i++)
        in[i] = (uint8_t)(i * 31 + 7);
    ossl_ctx = EVP_MD_CTX_new();

    printf("bench_keccak: throughput, best of 5 (MB/s = 1e6 B/s; c/B from the TSC)\n");
    printf("%-10s %9s | %10s %7s | %10s %7s | %7s\n", "function", "input", "qstp MB/s", "c/B",
           "OpenSSL", "c/B", "ratio");
    struct {
        const char *name;
        hash_fn ours, peer;
    } rows[] = {
        {"SHA3-256", ours_sha3, ossl_sha3},
        {"SHAKE256", ours_shake, ossl_shake},
        {"KMAC256", ours_kmac, NULL},
    };
    for (size_t r = 0; r < 3; r++) {
        for (size_t s = 0; s < 3; s++) {
            result a = measure(rows[r].ours, in, sizes[s]);
            if (rows[r].peer) {
                result b = measure(rows[r].peer, in, sizes[s]);
                printf("%-10s %9zu | %10.1f %7.2f | %10.1f %7.2f | %6.2fx\n", rows[r].name, sizes[s], a.mbps,
                       a.cpb, b.mbps, b.cpb, a.mbps / b.mbps);
            } else {
                printf("%-10s %9zu | %10.1f %7.2f | %10s %7s | %7s\n", rows[r].name, sizes[s], a.mbps, a.cpb,
                       "-", "-", "-");
            }
        }
    }
    EVP_MD_CTX_free(ossl_ctx);
    free(in);
    perm_table();
    return 0;
}
