/* Secret residue: after key generation and signing return, neither SK.seed nor SK.prf may be
 * left in the stack memory the calls used (CONVENTIONS "Secrets": wiped on every path). The
 * stack below the caller is zeroed, the call runs, and the same region is searched; a planted
 * unwiped copy (positive control) shows the search can see the region. Run for the dispatched
 * x4 backend and for the portable code (QSTP_NO_ASM=1), on one set of each n.
 * Not meaningful under AddressSanitizer (its redzones and fake stacks move frames): skipped
 * there with a note. No vector file. */
#include <stdlib.h>
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/slhdsa/slhdsa.h"
#include "test.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLH_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SLH_TEST_ASAN 1
#endif

#if !defined(SLH_TEST_ASAN)
#define DEPTH 65536

static uint8_t sig[QSTP_SLHDSA_SIG_MAX];

/* The stack arrays are only touched through volatile pointers, so the compiler keeps every
 * access and does not reason about their (indeterminate) contents. */
__attribute__((noinline)) static void paint(void)
{
    uint8_t b[DEPTH];
    volatile uint8_t *vb = b;
    for (size_t i = 0; i < DEPTH; i++)
        vb[i] = 0;
}

/* Offset of needle in the stack region a just-returned call used, or -1. */
__attribute__((noinline)) static long scan(const uint8_t *needle, size_t n)
{
    uint8_t b[DEPTH];
    const volatile uint8_t *vb = b;
    for (size_t i = 0; i + n <= DEPTH; i++) {
        size_t k = 0;
        while (k < n && vb[i + k] == needle[k])
            k++;
        if (k == n)
            return (long)i;
    }
    return -1;
}

__attribute__((noinline)) static void leaky_copy(const uint8_t *s, size_t n)
{
    uint8_t c[512];
    volatile uint8_t *vc = c;
    for (size_t i = 0; i < n; i++)
        vc[200 + i] = s[i];
}

__attribute__((noinline)) static int do_keygen(qstp_slhdsa_param p, uint8_t *pk, uint8_t *sk, const uint8_t *seed)
{
    const size_t n = qstp_slhdsa_pk_size(p) / 2;
    return qstp_slhdsa_keypair_seed(p, pk, sk, seed, seed + n, seed + 2 * n);
}

__attribute__((noinline)) static int do_sign(qstp_slhdsa_param p, const uint8_t *sk)
{
    static const uint8_t msg[32] = {1, 2, 3};
    return qstp_slhdsa_sign(p, sig, msg, sizeof msg, NULL, 0, sk, NULL);
}

static void check_set(qstp_slhdsa_param p, const char *backend)
{
    const size_t n = qstp_slhdsa_pk_size(p) / 2;
    uint8_t seed[96], pk[64], sk[128];

    for (size_t i = 0; i < sizeof seed; i++)
        seed[i] = (uint8_t)(0x31 * i + 5);
    paint();
    CHECK(do_keygen(p, pk, sk, seed) == 0);
    CHECK_MSG(scan(sk, n) < 0 && scan(sk + n, n) < 0, "%s (%s): seed left on the stack by key generation",
              qstp_slhdsa_name(p), backend);
    paint();
    CHECK(do_sign(p, sk) == 0);
    CHECK_MSG(scan(sk, n) < 0, "%s (%s): SK.seed left on the stack by signing", qstp_slhdsa_name(p), backend);
    CHECK_MSG(scan(sk + n, n) < 0, "%s (%s): SK.prf left on the stack by signing", qstp_slhdsa_name(p), backend);
    paint();
    leaky_copy(sk, n);
    CHECK_MSG(scan(sk, n) >= 0, "positive control: a planted copy was not found");
}
#endif

int main(void)
{
#if defined(SLH_TEST_ASAN)
    printf("AddressSanitizer build: stack residue check skipped\n");
    CHECK(1);
#else
    for (int pass = 0; pass < 2; pass++) {
        const char *backend = pass == 0 ? "dispatched" : "portable";
        if (pass == 1) {
            setenv("QSTP_NO_ASM", "1", 1);
            qstp_cpu_refresh();
        }
        check_set(QSTP_SLHDSA_SHAKE_128F, backend);
        check_set(QSTP_SLHDSA_SHAKE_192F, backend);
        check_set(QSTP_SLHDSA_SHAKE_256F, backend);
    }
    unsetenv("QSTP_NO_ASM");
    qstp_cpu_refresh();
#endif
    return test_report();
}
