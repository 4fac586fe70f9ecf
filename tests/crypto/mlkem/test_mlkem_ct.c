/* Constant-time check of ML-KEM with valgrind memcheck (the "ctgrind" method): the secret inputs
 * (d, z, m, and the secret parts of dk) are marked undefined, so memcheck reports every branch
 * and memory index that depends on them. Values the algorithm publishes are declassified: rho
 * inside key generation (QSTP_MLKEM_DECLASSIFY in params.h), and here the public outputs (pk, ct)
 * and the re-encryption flag before the test looks at them.
 *
 * This executable is built from the mlkem sources with QSTP_MLKEM_CT_TESTING; ctest runs it
 * directly (functional checks only) as mlkem_ct and under valgrind --error-exitcode as
 * mlkem_ct_valgrind (tests/crypto/mlkem/CMakeLists.txt). */
#include <valgrind/memcheck.h>

#include "crypto/cpu.h"
#include "mlkem_test_util.h"

#define SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))

static void one(unsigned k, uint64_t *rs)
{
    uint8_t d[32], z[32], m[32], pk[QSTP_MLKEM_PK_MAX], sk[QSTP_MLKEM_SK_MAX], ct[QSTP_MLKEM_CT_MAX],
        ss[32], ss2[32];
    const size_t pkl = qstp_mlkem_pk_size(k), skl = qstp_mlkem_sk_size(k), ctl = qstp_mlkem_ct_size(k);
    int ok = -1, rc;

    test_prng_bytes(rs, d, 32);
    test_prng_bytes(rs, z, 32);
    test_prng_bytes(rs, m, 32);

    SECRET(d, 32);
    SECRET(z, 32);
    rc = qstp_mlkem_keypair_derand(k, pk, sk, d, z);
    PUBLIC(pk, pkl);
    CHECK(rc == 0);

    SECRET(m, 32);
    rc = qstp_mlkem_encaps_derand(k, ct, ss, pk, m);
    PUBLIC(ct, ctl);
    CHECK(rc == 0);

    /* Decaps with dk_pke and z secret; ek and H(ek) inside dk are public (they are computed from
     * secrets in key generation, so they are declassified like pk). */
    PUBLIC(sk + 384 * k, pkl + 32);
    SECRET(sk, 384 * k);
    SECRET(sk + skl - 32, 32);
    rc = qstp_mlkem_decaps(k, ss2, ct, sk, &ok);
    PUBLIC(&ok, sizeof ok);
    PUBLIC(ss, 32);
    PUBLIC(ss2, 32);
    CHECK(rc == 0 && ok == 1 && memcmp(ss, ss2, 32) == 0);

    /* Implicit rejection path. */
    ct[ctl / 2] ^= 0x10;
    rc = qstp_mlkem_decaps(k, ss2, ct, sk, &ok);
    PUBLIC(&ok, sizeof ok);
    PUBLIC(ss2, 32);
    CHECK(rc == 0 && ok == 0 && memcmp(ss, ss2, 32) != 0);
}

int main(void)
{
    uint64_t rs = 0xC7C7C7C7u;
    printf("running under valgrind: %s; AVX2 backend: %s\n", RUNNING_ON_VALGRIND ? "yes" : "no",
           qstp_cpu_has_avx2() ? "yes" : "no");
    for (unsigned k = 2; k <= 5; k++)
        for (int i = 0; i < 2; i++)
            one(k, &rs);
    return test_report();
}
