/* Constant-time check of Classic McEliece with valgrind memcheck (the "ctgrind" method): every
 * byte the rng returns is marked undefined, so the seed, the Goppa polynomial, the support, the
 * secret key and the error vector are all undefined, and memcheck reports any branch or memory
 * index that depends on them. The library declassifies only the retry outcomes the reference
 * also reveals (MC_DECLASSIFY in mc_internal.h); the test declassifies pk, ct and the shared
 * secrets before comparing them.
 *
 * This executable is built from the mceliece sources with QSTP_MCELIECE_CT_TESTING; ctest runs
 * it directly (functional checks only) as mceliece_ct and under valgrind --error-exitcode as
 * mceliece_ct_valgrind (slow). Arguments: set names (default 348864). */
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto/mceliece/mceliece.h"
#include "test.h"

#define SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))

static int secret_rng(void *ctx, uint8_t *out, size_t len)
{
    int r = test_drbg_random(ctx, out, len);
    SECRET(out, len);
    return r;
}

static void one(qstp_mceliece_param p, const char *name)
{
    const size_t pkl = qstp_mceliece_pk_size(p), skl = qstp_mceliece_sk_size(p);
    const size_t wsl = qstp_mceliece_keygen_workspace_size(p);
    uint8_t *pk = malloc(pkl), *sk = malloc(skl), *ws = malloc(wsl);
    uint8_t entropy[48], ct[QSTP_MCELIECE_CT_MAX], ss[32], ss2[32];
    test_drbg d;
    int rc;

    if (pk == NULL || sk == NULL || ws == NULL) {
        CHECK(!"out of memory");
        goto out;
    }
    for (int i = 0; i < 48; i++)
        entropy[i] = (uint8_t)(i * 7);
    test_drbg_init(&d, entropy);

    rc = qstp_mceliece_keypair(p, pk, sk, ws, wsl, secret_rng, &d);
    PUBLIC(pk, pkl);
    CHECK_MSG(rc == 0, "%s keypair", name);

    for (int pc = 0; pc <= 1; pc++) {
        size_t ctl = qstp_mceliece_ct_size(p, pc);
        rc = qstp_mceliece_encaps(p, pc, ct, ss, pk, secret_rng, &d);
        PUBLIC(ct, ctl);
        CHECK(rc == 0);
        rc = qstp_mceliece_decaps(p, pc, ss2, ct, sk);
        PUBLIC(ss, 32);
        PUBLIC(ss2, 32);
        CHECK_MSG(rc == 0 && memcmp(ss, ss2, 32) == 0, "%s pc=%d round trip", name, pc);
        /* implicit rejection: C0 modified, and (pc) C1 modified */
        ct[3] ^= 0x04;
        rc = qstp_mceliece_decaps(p, pc, ss2, ct, sk);
        PUBLIC(ss2, 32);
        CHECK(rc == 0 && memcmp(ss, ss2, 32) != 0);
        {
            int ok = -1;
            rc = qstp_mceliece_decaps_checked(p, pc, ss2, ct, sk, &ok);
            PUBLIC(&ok, sizeof ok); /* the caller's decision to reveal it */
            PUBLIC(ss2, 32);
            CHECK(rc == 0 && ok == 0);
        }
        ct[3] ^= 0x04;
        if (pc) {
            ct[ctl - 1] ^= 0x80;
            rc = qstp_mceliece_decaps(p, pc, ss2, ct, sk);
            PUBLIC(ss2, 32);
            CHECK(rc == 0 && memcmp(ss, ss2, 32) != 0);
        }
    }
out:
    free(pk);
    free(sk);
    free(ws);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        qstp_mceliece_param p;
    } sets[] = { { "348864", QSTP_MCELIECE_348864 }, { "460896", QSTP_MCELIECE_460896 },
                 { "6688128", QSTP_MCELIECE_6688128 }, { "6960119", QSTP_MCELIECE_6960119 },
                 { "8192128", QSTP_MCELIECE_8192128 } };
    printf("running under valgrind: %s\n", RUNNING_ON_VALGRIND ? "yes" : "no");
    if (argc < 2)
        one(QSTP_MCELIECE_348864, "348864");
    for (int a = 1; a < argc; a++)
        for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
            if (strcmp(argv[a], sets[i].name) == 0)
                one(sets[i].p, sets[i].name);
    return test_report();
}
