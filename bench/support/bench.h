/* Benchmark helpers: clocks, repeated timing with median and p99, a plain-text table printer,
 * and stack high-water measurement. Linked into every bench program (bench/CMakeLists.txt).
 *
 * Typical use:
 *
 *     static void one_keygen(void *arg) { struct ctx *c = arg; qstp_mlkem768_keypair(c->pk, c->sk, ...); }
 *
 *     bench_stats st;
 *     bench_run(one_keygen, &c, 1000, &st);            // 1000 timed calls (after a short warm-up)
 *     long stack = bench_stack_usage(one_keygen, &c, 0); // bytes of stack one call uses
 *
 *     static const char *const cols[] = {"operation", "median", "p99", "cycles", "stack"};
 *     bench_table t;
 *     bench_table_begin(&t, "ML-KEM-768", cols, 5);
 *     char a[32], b[32], c2[32], d[32];
 *     const char *row[] = {"keygen", bench_fmt_ns(a, st.median_ns), bench_fmt_ns(b, st.p99_ns),
 *                          bench_fmt_count(c2, st.median_cycles), bench_fmt_bytes(d, stack)};
 *     bench_table_row(&t, row);
 *     bench_table_end(&t);
 *
 * For functions that take well under a microsecond, use bench_run_batched so each sample times
 * many calls (clock overhead is ~20 ns). Cycle counts come from RDTSC: reference cycles at the
 * TSC rate, not core cycles under turbo; 0 on other architectures. */
#ifndef QSTP_BENCH_H
#define QSTP_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);
/* Time-stamp counter (x86-64 RDTSC); 0 where there is none. */
uint64_t bench_cycles(void);
/* 1 if bench_cycles counts, else 0. */
int bench_have_cycles(void);

/* Keep the compiler from discarding a computation whose result is only in memory at p. */
static inline void bench_keep(const void *p)
{
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

typedef void (*bench_fn)(void *arg);

typedef struct {
    size_t samples;       /* timed samples */
    size_t batch;         /* calls per sample (1 for bench_run) */
    double min_ns;        /* per call */
    double median_ns;     /* per call */
    double mean_ns;       /* per call */
    double p99_ns;        /* per call: 99th percentile sample */
    double median_cycles; /* per call; 0 without a cycle counter */
} bench_stats;

/* Call fn(arg) a few times untimed (warm-up: max(samples / 10, 1), at most 100), then `samples`
 * times, timing each call. Returns 0, or -1 (samples == 0 or out of memory; *out zeroed). */
int bench_run(bench_fn fn, void *arg, size_t samples, bench_stats *out);
/* As bench_run, but each sample times `batch` consecutive calls; statistics are per call. */
int bench_run_batched(bench_fn fn, void *arg, size_t samples, size_t batch, bench_stats *out);

/* Stack high-water mark of one call of fn(arg), in bytes.
 * fn runs (in the calling thread, via makecontext/swapcontext) on a stack of stack_size bytes
 * (0 = 8 MiB) that we mmap with a guard page below it and fill with a known pattern; afterwards
 * everything above the lowest overwritten word was used. The same figure for an empty function
 * (the libc context trampoline) is subtracted. Returns -1 on error, if the whole stack was used
 * (increase stack_size), or under ASan (which cannot follow the stack switch). An overflow hits
 * the guard page and crashes the benchmark rather than giving a wrong number. */
long bench_stack_usage(bench_fn fn, void *arg, size_t stack_size);

/* ---- formatting (buf must hold 32 bytes; returns buf) ---- */
const char *bench_fmt_ns(char buf[32], double ns);          /* "812 ns", "12.3 us", "4.56 ms", "1.20 s" */
const char *bench_fmt_count(char buf[32], double n);        /* "950", "12.3 k", "4.56 M", "-" for 0 */
const char *bench_fmt_bytes(char buf[32], long bytes);      /* "912 B", "12.3 KiB", "1.36 MiB", "-" if < 0 */
const char *bench_fmt_rate(char buf[32], double bytes, double ns); /* "1234 MB/s" (10^6 bytes) */
const char *bench_fmt_ratio(char buf[32], double x);        /* "1.23x" */

/* ---- table printer: a title line, a header, a rule, rows, a closing rule; on stdout ---- */
#define BENCH_MAX_COLS 12
typedef struct {
    size_t ncols;
    int width[BENCH_MAX_COLS];
} bench_table;
/* Column widths come from the headers (at least 10, the first at least 22); the first column is
 * left-aligned, the others right-aligned. More than BENCH_MAX_COLS columns are cut. */
void bench_table_begin(bench_table *t, const char *title, const char *const cols[], size_t ncols);
/* ncols cells; a NULL cell prints "-". */
void bench_table_row(const bench_table *t, const char *const cells[]);
void bench_table_end(const bench_table *t);

/* ---- shared by the per-algorithm benches ---- */

/* Fast deterministic rng for timing (never for real keys): splitmix64 on the uint64_t at ctx.
 * Has the qstp_rng_fn shape (crypto/random.h); always returns 0. */
int bench_splitmix_rng(void *ctx, uint8_t *out, size_t len);

/* One timing-table row of bench_kem / bench_sig: name, median, cycles, p99, stack, then the
 * plain-C anchor and our ratio to it, the SIMD anchor and our ratio to it (anchors in
 * microseconds, 0 = none: those cells print "-"). Prints t->ncols of these nine cells, so a
 * table with eight columns leaves out the last ratio. */
void bench_anchor_row(const bench_table *t, const char *name, const bench_stats *st, long stack,
                      double anchor_c_us, double anchor_simd_us);

/* One operation's row of such a table: bench_run(fn, arg, samples), then refresh(arg) if not
 * NULL (fn replaced what the later rows use, e.g. keygen the keys), then the stack of one call,
 * then bench_anchor_row named "set op". The figures are left in *st and *stack. Returns 0, or -1
 * (bench_run failed; a message on stderr). */
int bench_op_row(const bench_table *t, const char *set, const char *op, bench_fn fn, void *arg,
                 size_t samples, bench_fn refresh, double anchor_c_us, double anchor_simd_us,
                 bench_stats *st, long *stack);

/* ---- thread CPU time with the clock's own cost taken out (handshake benches) ---- */

/* CLOCK_THREAD_CPUTIME_ID in nanoseconds: other tenants' load is not counted. */
uint64_t bench_thread_cpu_ns(void);
/* What one timed interval costs by itself: the median of 201 back-to-back bench_thread_cpu_ns
 * reads (it is a system call, ~0.1-0.5 us). */
uint64_t bench_thread_clock_cost_ns(void);

/* Sums timed intervals of one side and counts them, so the clock's cost can be subtracted. */
typedef struct {
    uint64_t ns, t0;
    unsigned n;
} bench_cpu_timer;
static inline void bench_cpu_start(bench_cpu_timer *t)
{
    t->t0 = bench_thread_cpu_ns();
}
static inline void bench_cpu_stop(bench_cpu_timer *t)
{
    t->ns += bench_thread_cpu_ns() - t->t0;
    t->n++;
}
/* The summed time less n times clock_cost (0 if that is more). */
static inline uint64_t bench_cpu_total(const bench_cpu_timer *t, uint64_t clock_cost)
{
    const uint64_t o = (uint64_t)t->n * clock_cost;
    return t->ns > o ? t->ns - o : 0;
}

#endif
