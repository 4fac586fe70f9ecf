/* The AVX2 polynomial backend (src/crypto/mldsa/mldsa_poly_avx2.c) against the portable one:
 * identical outputs of NTT, inverse NTT and the pointwise products on random inputs over the
 * whole documented input ranges (and their extremes), and identical signatures from the
 * dispatching API with the backend switched by QSTP_NO_ASM. On a CPU without AVX2 only the
 * portable half runs and the test says so. No vector file. */
#include <stdlib.h>
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/mldsa_poly_backend.h"
#include "test.h"

#define Q MLDSA_Q

static void random_poly(qstp_mldsa_poly *a, uint64_t *s, int32_t bound)
{
    /* |a_i| < bound; every 17th test uses the extremes. */
    for (unsigned i = 0; i < MLDSA_N; i++)
        a->c[i] = (int32_t)(test_prng_u64(s) % (uint64_t)(2 * bound - 1)) - (bound - 1);
}

static void extreme_poly(qstp_mldsa_poly *a, uint64_t *s, int32_t bound)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        a->c[i] = (test_prng_u64(s) & 1) ? bound - 1 : -(bound - 1);
}

#if defined(QSTP_MLDSA_HAVE_AVX2)
static void compare_backends(void)
{
    uint64_t s = 2024;
    unsigned bad_ntt = 0, bad_inv = 0, bad_pw = 0, bad_acc = 0;
    for (unsigned t = 0; t < 2000; t++) {
        qstp_mldsa_poly a, b, x, y, acc1, acc2;
        if (t % 17 == 0) {
            extreme_poly(&a, &s, Q);
        } else {
            random_poly(&a, &s, Q);
        }
        /* NTT: input |a| < q */
        x = a, y = a;
        qstp_mldsa_poly_ntt_portable(&x);
        qstp_mldsa_poly_ntt_avx2(&y);
        bad_ntt += memcmp(&x, &y, sizeof(x)) != 0;
        /* inverse NTT: input |a| < q */
        x = a, y = a;
        qstp_mldsa_poly_invntt_tomont_portable(&x);
        qstp_mldsa_poly_invntt_tomont_avx2(&y);
        bad_inv += memcmp(&x, &y, sizeof(x)) != 0;
        /* pointwise: NTT outputs (|.| < 9q) */
        if (t % 17 == 0)
            extreme_poly(&b, &s, 9 * Q);
        else
            random_poly(&b, &s, 9 * Q);
        random_poly(&acc1, &s, 4 * Q);
        acc2 = acc1;
        qstp_mldsa_poly_ntt_portable(&a); /* a within the NTT output range */
        qstp_mldsa_poly_pointwise_montgomery_portable(&x, &a, &b);
        qstp_mldsa_poly_pointwise_montgomery_avx2(&y, &a, &b);
        bad_pw += memcmp(&x, &y, sizeof(x)) != 0;
        qstp_mldsa_poly_pointwise_acc_montgomery_portable(&acc1, &a, &b);
        qstp_mldsa_poly_pointwise_acc_montgomery_avx2(&acc2, &a, &b);
        bad_acc += memcmp(&acc1, &acc2, sizeof(acc1)) != 0;
    }
    CHECK_MSG(bad_ntt == 0, "NTT differs in %u of 2000", bad_ntt);
    CHECK_MSG(bad_inv == 0, "inverse NTT differs in %u of 2000", bad_inv);
    CHECK_MSG(bad_pw == 0, "pointwise differs in %u of 2000", bad_pw);
    CHECK_MSG(bad_acc == 0, "pointwise_acc differs in %u of 2000", bad_acc);
}
#endif

/* Keygen, hedged sign and verify through the public API with the backend chosen by env. */
static void run_api(uint8_t *pk, uint8_t *sig, unsigned level, const uint8_t xi[32])
{
    uint8_t sk[QSTP_MLDSA_SK_MAX], rnd[32] = {1, 2, 3}, msg[32] = {9};
    CHECK(qstp_mldsa_keypair_seed(level, pk, sk, xi) == 0);
    CHECK(qstp_mldsa_sign(level, sig, msg, 32, NULL, 0, sk, rnd) == 0);
    CHECK(qstp_mldsa_verify(level, sig, qstp_mldsa_sig_size(level), msg, 32, NULL, 0, pk) == 0);
}

static void compare_api(void)
{
    static const unsigned levels[3] = {44, 65, 87};
    int have = qstp_cpu_has_avx2();
    printf("  AVX2 backend available: %s\n", have ? "yes" : "no (portable only)");
    for (unsigned i = 0; i < 3; i++) {
        for (unsigned n = 0; n < 4; n++) {
            uint8_t xi[32], pk1[QSTP_MLDSA_PK_MAX], pk2[QSTP_MLDSA_PK_MAX];
            uint8_t s1[QSTP_MLDSA_SIG_MAX], s2[QSTP_MLDSA_SIG_MAX];
            uint64_t st = 31 * levels[i] + n;
            test_prng_bytes(&st, xi, 32);
            setenv("QSTP_NO_ASM", "1", 1);
            qstp_cpu_refresh();
            CHECK(qstp_cpu_has_avx2() == 0);
            run_api(pk1, s1, levels[i], xi);
            unsetenv("QSTP_NO_ASM");
            qstp_cpu_refresh();
            run_api(pk2, s2, levels[i], xi);
            CHECK_BYTES(pk1, pk2, qstp_mldsa_pk_size(levels[i]), "pk portable vs default");
            CHECK_BYTES(s1, s2, qstp_mldsa_sig_size(levels[i]), "signature portable vs default");
        }
    }
}

int main(void)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2())
        compare_backends();
#endif
    compare_api();
    return test_report();
}
