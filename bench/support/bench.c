/* Benchmark helpers (bench.h): timing statistics, formatting, tables, stack high-water. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_cycles(void)
{
#if defined(__x86_64__)
    return __rdtsc();
#else
    return 0;
#endif
}

int bench_have_cycles(void)
{
#if defined(__x86_64__)
    return 1;
#else
    return 0;
#endif
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int bench_run_batched(bench_fn fn, void *arg, size_t samples, size_t batch, bench_stats *out)
{
    double *ns, *cyc;
    size_t warm, p99;
    double sum = 0;

    memset(out, 0, sizeof *out);
    if (samples == 0 || batch == 0) {
        return -1;
    }
    ns = malloc(samples * sizeof *ns);
    cyc = malloc(samples * sizeof *cyc);
    if (ns == NULL || cyc == NULL) {
        free(ns);
        free(cyc);
        return -1;
    }
    warm = samples / 10 > 100 ? 100 : (samples / 10 == 0 ? 1 : samples / 10);
    for (size_t i = 0; i < warm * batch; i++) {
        fn(arg);
    }
    for (size_t i = 0; i < samples; i++) {
        uint64_t c0 = bench_cycles(), t0 = bench_now_ns();
        for (size_t k = 0; k < batch; k++) {
            fn(arg);
        }
        uint64_t t1 = bench_now_ns(), c1 = bench_cycles();
        ns[i] = (double)(t1 - t0) / (double)batch;
        cyc[i] = (double)(c1 - c0) / (double)batch;
        sum += ns[i];
    }
    qsort(ns, samples, sizeof *ns, cmp_double);
    qsort(cyc, samples, sizeof *cyc, cmp_double);
    /* p99: the smallest sample that at least 99% of the samples do not exceed */
    p99 = (samples * 99 + 99) / 100;
    p99 = p99 == 0 ? 0 : p99 - 1;
    out->samples = samples;
    out->batch = batch;
    out->min_ns = ns[0];
    out->median_ns = samples % 2 ? ns[samples / 2] : (ns[samples / 2 - 1] + ns[samples / 2]) / 2;
    out->mean_ns = sum / (double)samples;
    out->p99_ns = ns[p99];
    out->median_cycles = bench_have_cycles() ? cyc[samples / 2] : 0;
    free(ns);
    free(cyc);
    return 0;
}

int bench_run(bench_fn fn, void *arg, size_t samples, bench_stats *out)
{
    return bench_run_batched(fn, arg, samples, 1, out);
}

/* ---- stack high-water ----
 * fn runs on a stack we mmap, through makecontext/swapcontext in the calling thread: nothing but
 * the libc context trampoline and fn ever uses that stack, so subtracting the figure of an empty
 * function leaves fn's own use. (A pthread on a given stack would also run thread start-up and
 * exit code there, which goes deeper than small functions.) ASan does not follow stack
 * switches reliably, so under ASan this reports -1. */

#if defined(__SANITIZE_ADDRESS__)
#define BENCH_NO_STACK_SWITCH 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_NO_STACK_SWITCH 1
#endif
#endif

#define STACK_DEFAULT ((size_t)8 << 20)

typedef struct {
    bench_fn fn;
    void *arg;
} stack_job;

static _Thread_local const stack_job *tl_job; /* makecontext passes only int arguments */

static void stack_trampoline(void)
{
    tl_job->fn(tl_job->arg);
}

static void empty_fn(void *arg)
{
    (void)arg;
}

/* The fill pattern depends on the word's index so a function that happens to store one constant
 * cannot look like untouched stack for long. */
static uint64_t pattern(size_t i)
{
    return 0x5a17c0de3bad1deaULL ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL);
}

/* Bytes of the private stack used by one run of fn (plus the trampoline), or -1. */
static long stack_used(bench_fn fn, void *arg, size_t size)
{
#if defined(BENCH_NO_STACK_SWITCH)
    (void)fn, (void)arg, (void)size, (void)pattern, (void)stack_trampoline, (void)tl_job;
    return -1;
#else
    long page = sysconf(_SC_PAGESIZE);
    size_t pg = page > 0 ? (size_t)page : 4096;
    size_t guard = pg, words, i;
    uint8_t *map;
    uint64_t *stack;
    ucontext_t caller, callee;
    stack_job job = {fn, arg};
    long used;

    size = (size + pg - 1) / pg * pg;
    map = mmap(NULL, size + guard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        return -1;
    }
    /* Stacks grow down on every platform we build for: the guard page goes at the bottom, so an
     * overflow faults instead of corrupting other memory. */
    if (mprotect(map, guard, PROT_NONE) != 0) {
        munmap(map, size + guard);
        return -1;
    }
    stack = (uint64_t *)(void *)(map + guard);
    words = size / sizeof *stack;
    for (i = 0; i < words; i++) {
        stack[i] = pattern(i);
    }
    if (getcontext(&callee) != 0) {
        munmap(map, size + guard);
        return -1;
    }
    callee.uc_stack.ss_sp = stack;
    callee.uc_stack.ss_size = size;
    callee.uc_link = &caller;
    makecontext(&callee, stack_trampoline, 0);
    tl_job = &job;
    if (swapcontext(&caller, &callee) != 0) {
        munmap(map, size + guard);
        return -1;
    }
    tl_job = NULL;
    for (i = 0; i < words && stack[i] == pattern(i); i++) {
    }
    /* i == 0: even the lowest word was overwritten; the figure would be a lower bound */
    used = i == 0 ? -1 : (long)((words - i) * sizeof *stack);
    munmap(map, size + guard);
    return used;
#endif
}

long bench_stack_usage(bench_fn fn, void *arg, size_t stack_size)
{
    long base, used;

    if (stack_size == 0) {
        stack_size = STACK_DEFAULT;
    }
    base = stack_used(empty_fn, NULL, stack_size);
    used = stack_used(fn, arg, stack_size);
    if (base < 0 || used < 0) {
        return -1;
    }
    return used > base ? used - base : 0;
}

/* ---- formatting ---- */

const char *bench_fmt_ns(char buf[32], double ns)
{
    if (ns < 1e3) {
        snprintf(buf, 32, "%.0f ns", ns);
    } else if (ns < 1e6) {
        snprintf(buf, 32, "%.*f us", ns < 1e4 ? 2 : 1, ns / 1e3);
    } else if (ns < 1e9) {
        snprintf(buf, 32, "%.*f ms", ns < 1e7 ? 2 : 1, ns / 1e6);
    } else {
        snprintf(buf, 32, "%.2f s", ns / 1e9);
    }
    return buf;
}

const char *bench_fmt_count(char buf[32], double n)
{
    if (n <= 0) {
        snprintf(buf, 32, "-");
    } else if (n < 1e4) {
        snprintf(buf, 32, "%.0f", n);
    } else if (n < 1e6) {
        snprintf(buf, 32, "%.1f k", n / 1e3);
    } else if (n < 1e9) {
        snprintf(buf, 32, "%.2f M", n / 1e6);
    } else {
        snprintf(buf, 32, "%.2f G", n / 1e9);
    }
    return buf;
}

const char *bench_fmt_bytes(char buf[32], long bytes)
{
    if (bytes < 0) {
        snprintf(buf, 32, "-");
    } else if (bytes < 10240) {
        snprintf(buf, 32, "%ld B", bytes);
    } else if (bytes < 10L * 1048576) {
        snprintf(buf, 32, "%.1f KiB", (double)bytes / 1024);
    } else {
        snprintf(buf, 32, "%.2f MiB", (double)bytes / 1048576);
    }
    return buf;
}

const char *bench_fmt_rate(char buf[32], double bytes, double ns)
{
    if (ns <= 0) {
        snprintf(buf, 32, "-");
    } else {
        snprintf(buf, 32, "%.0f MB/s", bytes / ns * 1e3);
    }
    return buf;
}

const char *bench_fmt_ratio(char buf[32], double x)
{
    snprintf(buf, 32, "%.2fx", x);
    return buf;
}

/* ---- tables ---- */

static void rule(const bench_table *t)
{
    int total = 0;

    for (size_t i = 0; i < t->ncols; i++) {
        total += t->width[i] + (i ? 2 : 0);
    }
    for (int i = 0; i < total; i++) {
        putchar('-');
    }
    putchar('\n');
}

void bench_table_begin(bench_table *t, const char *title, const char *const cols[], size_t ncols)
{
    t->ncols = ncols > BENCH_MAX_COLS ? BENCH_MAX_COLS : ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        int w = (int)strlen(cols[i]);
        int min = i == 0 ? 22 : 10;
        t->width[i] = w > min ? w : min;
    }
    if (title != NULL) {
        printf("\n%s\n", title);
    }
    bench_table_row(t, cols);
    rule(t);
}

void bench_table_row(const bench_table *t, const char *const cells[])
{
    for (size_t i = 0; i < t->ncols; i++) {
        const char *c = cells[i] != NULL ? cells[i] : "-";
        if (i == 0) {
            printf("%-*s", t->width[i], c);
        } else {
            printf("  %*s", t->width[i], c);
        }
    }
    putchar('\n');
}

void bench_table_end(const bench_table *t)
{
    rule(t);
    fflush(stdout);
}

int bench_splitmix_rng(void *ctx, uint8_t *out, size_t len)
{
    uint64_t *s = (uint64_t *)ctx;
    while (len > 0) {
        uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        size_t n = len < 8 ? len : 8;
        memcpy(out, &z, n);
        out += n;
        len -= n;
    }
    return 0;
}

void bench_anchor_row(const bench_table *t, const char *name, const bench_stats *st, long stack,
                      double anchor_c_us, double anchor_simd_us)
{
    char a[32], b[32], d[32], e[32], f[32], g[32], h[32], x[32];
    const double c_ns = anchor_c_us * 1000.0, simd_ns = anchor_simd_us * 1000.0;
    const char *row[9] = {name,
                          bench_fmt_ns(a, st->median_ns),
                          bench_fmt_count(b, st->median_cycles),
                          bench_fmt_ns(d, st->p99_ns),
                          bench_fmt_bytes(e, stack),
                          c_ns > 0 ? bench_fmt_ns(f, c_ns) : NULL,
                          c_ns > 0 ? bench_fmt_ratio(g, st->median_ns / c_ns) : NULL,
                          simd_ns > 0 ? bench_fmt_ns(h, simd_ns) : NULL,
                          simd_ns > 0 ? bench_fmt_ratio(x, st->median_ns / simd_ns) : NULL};
    bench_table_row(t, row);
}

int bench_op_row(const bench_table *t, const char *set, const char *op, bench_fn fn, void *arg,
                 size_t samples, bench_fn refresh, double anchor_c_us, double anchor_simd_us,
                 bench_stats *st, long *stack)
{
    char name[64];

    if (bench_run(fn, arg, samples, st) != 0) {
        fprintf(stderr, "%s %s: bench_run failed\n", set, op);
        return -1;
    }
    if (refresh != NULL)
        refresh(arg);
    *stack = bench_stack_usage(fn, arg, 0);
    snprintf(name, sizeof name, "%s %s", set, op);
    bench_anchor_row(t, name, st, *stack, anchor_c_us, anchor_simd_us);
    return 0;
}

uint64_t bench_thread_cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

uint64_t bench_thread_clock_cost_ns(void)
{
    uint64_t d[201];

    for (size_t i = 0; i < 201; i++) {
        const uint64_t a = bench_thread_cpu_ns();
        d[i] = bench_thread_cpu_ns() - a;
    }
    qsort(d, 201, sizeof d[0], cmp_u64);
    return d[100];
}
