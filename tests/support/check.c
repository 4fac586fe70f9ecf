/* Check bookkeeping for test executables: count passes and failures, print each failure to
 * stderr, and end with the one summary line every test prints (docs/CONVENTIONS.md, Tests). */
#include "test.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static unsigned long g_passed;
static unsigned long g_failed;

void test_check(int ok, const char *file, int line, const char *expr)
{
    if (ok) {
        g_passed++;
        return;
    }
    g_failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
}

void test_failf(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    g_failed++;
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Print up to 32 bytes of both buffers around the first difference, so a failure is readable
 * even for multi-kilobyte keys. */
static void dump_window(const char *label, const uint8_t *p, size_t n, size_t from)
{
    size_t end = from + 32 < n ? from + 32 : n;

    fprintf(stderr, "    %s[%zu..]: ", label, from);
    for (size_t i = from; i < end; i++) {
        fprintf(stderr, "%02X", p[i]);
    }
    fputc('\n', stderr);
}

void test_check_bytes(const uint8_t *got, const uint8_t *want, size_t n, const char *file, int line,
                      const char *what)
{
    size_t i;

    if (n != 0 && (got == NULL || want == NULL)) {
        test_failf(file, line, "%s: NULL buffer", what ? what : "bytes");
        return;
    }
    for (i = 0; i < n; i++) {
        if (got[i] != want[i]) {
            break;
        }
    }
    if (i == n) {
        g_passed++;
        return;
    }
    test_failf(file, line, "%s: %zu bytes differ from offset %zu", what ? what : "bytes", n, i);
    {
        size_t from = i >= 8 ? i - 8 : 0;
        dump_window("got ", got, n, from);
        dump_window("want", want, n, from);
    }
}

unsigned long test_failures(void)
{
    return g_failed;
}

unsigned long test_passes(void)
{
    return g_passed;
}

int test_report(void)
{
    /* program_invocation_short_name is the glibc name of argv[0]'s basename (_GNU_SOURCE). */
    fflush(stderr);
    printf("%s: %lu passed, %lu failed\n", program_invocation_short_name, g_passed, g_failed);
    fflush(stdout);
    return g_failed == 0 ? 0 : 1;
}
