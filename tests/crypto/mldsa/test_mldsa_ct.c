/* Constant-time check of ML-DSA with valgrind memcheck (the "ctgrind" method): the secret inputs
 * (xi; K, s1, s2, t0 of the secret key; rnd) are marked undefined, so memcheck reports every
 * branch and memory index that depends on them. What FIPS 204 lets an implementation reveal is
 * declassified inside the module (QSTP_MLDSA_DECLASSIFY in mldsa_params.h: rho, ExpandS
 * acceptance, each attempt's reject bit and challenge, the accepted signature, key validity);
 * here the public outputs (pk, signature) are declassified before the test looks at them.
 *
 * This executable is built from the mldsa sources with QSTP_MLDSA_CT_TESTING; ctest runs it
 * directly (functional checks) as mldsa_ct and under valgrind --error-exitcode as
 * mldsa_ct_valgrind (tests/crypto/mldsa/CMakeLists.txt). */
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto/mldsa/mldsa.h"
#include "test.h"

#define SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))

static void one(unsigned level, uint64_t *rs)
{
    uint8_t xi[32], rnd[32], msg[32], pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX];
    uint8_t sig[QSTP_MLDSA_SIG_MAX], sig2[QSTP_MLDSA_SIG_MAX];
    const size_t pkl = qstp_mldsa_pk_size(level), skl = qstp_mldsa_sk_size(level);
    const size_t sigl = qstp_mldsa_sig_size(level);
    int rc;

    test_prng_bytes(rs, xi, 32);
    test_prng_bytes(rs, rnd, 32);
    test_prng_bytes(rs, msg, 32);

    SECRET(xi, 32);
    rc = qstp_mldsa_keypair_seed(level, pk, sk, xi);
    PUBLIC(pk, pkl);
    CHECK(rc == 0);

    /* rho (0..31) and tr = H(pk) (64..127) are public; K (32..63), s1, s2, t0 (128..) secret. */
    PUBLIC(sk, skl);
    SECRET(sk + 32, 32);
    SECRET(sk + 128, skl - 128);

    /* deterministic (the QSTP mode) */
    rc = qstp_mldsa_sign(level, sig, msg, 32, NULL, 0, sk, NULL);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(sig, sigl);
    CHECK(rc == 0);
    CHECK(qstp_mldsa_verify(level, sig, sigl, msg, 32, NULL, 0, pk) == 0);

    /* hedged, with rnd secret too */
    SECRET(rnd, 32);
    rc = qstp_mldsa_sign(level, sig2, msg, 32, NULL, 0, sk, rnd);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(sig2, sigl);
    CHECK(rc == 0);
    CHECK(qstp_mldsa_verify(level, sig2, sigl, msg, 32, NULL, 0, pk) == 0);

    /* the precomputed signer: expansion and signing with the same secrets */
    static qstp_mldsa_signer sg;
    rc = qstp_mldsa_signer_init(&sg, level, sk);
    PUBLIC(&rc, sizeof rc);
    CHECK(rc == 0);
    rc = qstp_mldsa_signer_sign(&sg, sig2, msg, 32, NULL, 0, NULL);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(sig2, sigl);
    CHECK(rc == 0 && memcmp(sig, sig2, sigl) == 0);
    qstp_mldsa_signer_wipe(&sg);
}

int main(void)
{
    uint64_t rs = 0xD5A5D5A5u;
    printf("running under valgrind: %s\n", RUNNING_ON_VALGRIND ? "yes" : "no");
    static const unsigned levels[3] = {44, 65, 87};
    for (unsigned i = 0; i < 3; i++)
        for (int n = 0; n < 2; n++)
            one(levels[i], &rs);
    return test_report();
}
