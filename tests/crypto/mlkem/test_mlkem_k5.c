/* The QRCS k = 5 set (QSTP-WIRE §1.5) and API behaviour for every k:
 *  - sizes (k = 5: pk 1952, sk 3936, ct 1920; 0 for unsupported k) and -1 for unsupported k;
 *  - round trips through the randomised API (300 for k = 5, 50 for k = 2, 3, 4);
 *  - tampered ciphertexts: implicit rejection, K-bar = J(z || c), reencrypt_ok = 0;
 *  - tampered dk hash: -1 and ss zeroed; unreduced ek: -1 and outputs zeroed;
 *  - the rng contract: one call of 64 bytes (keypair) and one of 32 bytes (encaps), failures;
 *  - k = 5 known answers from tests/crypto/mlkem/k5_vectors.txt (see that file);
 *  - extreme secret keys (every 12-bit value 4095 in dk_pke and in the embedded ek, with H(ek)
 *    recomputed so the §7.3 check passes): Decaps stays within its arithmetic bounds and the AVX2
 *    and portable backends return the same key (switched in-process with QSTP_NO_ASM). */
#include "crypto/cpu.h"
#include "crypto/sha3.h"
#include "mlkem_test_util.h"

typedef struct {
    uint64_t state;
    unsigned calls;
    size_t lens[4];
    int fail;
} count_rng;

static int counting_rng(void *ctx, uint8_t *out, size_t len)
{
    count_rng *r = (count_rng *)ctx;
    if (r->calls < 4)
        r->lens[r->calls] = len;
    r->calls++;
    if (r->fail)
        return -1;
    test_prng_bytes(&r->state, out, len);
    return 0;
}

static void test_sizes(void)
{
    static const size_t pk[] = {800, 1184, 1568, 1952}, sk[] = {1632, 2400, 3168, 3936},
                        ct[] = {768, 1088, 1568, 1920};
    for (unsigned k = 2; k <= 5; k++) {
        CHECK(qstp_mlkem_pk_size(k) == pk[k - 2]);
        CHECK(qstp_mlkem_sk_size(k) == sk[k - 2]);
        CHECK(qstp_mlkem_ct_size(k) == ct[k - 2]);
    }
    CHECK(qstp_mlkem_pk_size(5) == QSTP_MLKEM_PK_MAX && qstp_mlkem_sk_size(5) == QSTP_MLKEM_SK_MAX &&
          qstp_mlkem_ct_size(5) == QSTP_MLKEM_CT_MAX);
    static const unsigned badk[] = {0, 1, 6, 7, 255, 0xFFFFFFFFu};
    for (unsigned i = 0; i < 6; i++) {
        unsigned k = badk[i];
        uint8_t pk_[QSTP_MLKEM_PK_MAX] = {0}, sk_[QSTP_MLKEM_SK_MAX] = {0}, ct_[QSTP_MLKEM_CT_MAX] = {0};
        uint8_t ss[32], seed[32] = {0};
        int ok = 7;
        count_rng r = {1, 0, {0}, 0};
        CHECK(qstp_mlkem_pk_size(k) == 0 && qstp_mlkem_sk_size(k) == 0 && qstp_mlkem_ct_size(k) == 0);
        CHECK(qstp_mlkem_keypair_derand(k, pk_, sk_, seed, seed) == -1);
        CHECK(qstp_mlkem_keypair(k, pk_, sk_, counting_rng, &r) == -1);
        memset(ss, 0xAA, sizeof ss);
        CHECK(qstp_mlkem_encaps_derand(k, ct_, ss, pk_, seed) == -1 && mlkem_test_all_zero(ss, 32));
        memset(ss, 0xAA, sizeof ss);
        CHECK(qstp_mlkem_encaps(k, ct_, ss, pk_, counting_rng, &r) == -1 && mlkem_test_all_zero(ss, 32));
        memset(ss, 0xAA, sizeof ss);
        CHECK(qstp_mlkem_decaps(k, ss, ct_, sk_, &ok) == -1 && mlkem_test_all_zero(ss, 32) && ok == 0);
        CHECK(qstp_mlkem_check_pk(k, pk_) == -1 && qstp_mlkem_check_sk(k, sk_) == -1);
        CHECK(r.calls == 0);
    }
}

static void test_rng_contract(unsigned k)
{
    uint8_t pk[QSTP_MLKEM_PK_MAX], sk[QSTP_MLKEM_SK_MAX], ct[QSTP_MLKEM_CT_MAX], ss[32], ss2[32];
    uint8_t pk2[QSTP_MLKEM_PK_MAX], sk2[QSTP_MLKEM_SK_MAX], coins[64];
    count_rng r = {k * 1000u + 7u, 0, {0}, 0};
    uint64_t saved = r.state;

    CHECK(qstp_mlkem_keypair(k, pk, sk, counting_rng, &r) == 0);
    CHECK(r.calls == 1 && r.lens[0] == 64);
    /* keypair == keypair_derand(d = first 32 bytes, z = next 32) */
    test_prng_bytes(&saved, coins, 64);
    CHECK(qstp_mlkem_keypair_derand(k, pk2, sk2, coins, coins + 32) == 0);
    CHECK_BYTES(pk2, pk, qstp_mlkem_pk_size(k), "keypair vs derand pk");
    CHECK_BYTES(sk2, sk, qstp_mlkem_sk_size(k), "keypair vs derand sk");

    saved = r.state;
    CHECK(qstp_mlkem_encaps(k, ct, ss, pk, counting_rng, &r) == 0);
    CHECK(r.calls == 2 && r.lens[1] == 32);
    uint8_t ct2[QSTP_MLKEM_CT_MAX];
    test_prng_bytes(&saved, coins, 32);
    CHECK(qstp_mlkem_encaps_derand(k, ct2, ss2, pk, coins) == 0);
    CHECK_BYTES(ct2, ct, qstp_mlkem_ct_size(k), "encaps vs derand ct");
    CHECK_BYTES(ss2, ss, 32, "encaps vs derand ss");

    /* A failing rng: keypair leaves pk/sk untouched, encaps zeroes ct and ss. */
    count_rng bad = {1, 0, {0}, 1};
    memset(pk2, 0x5A, sizeof pk2);
    memset(sk2, 0x5A, sizeof sk2);
    CHECK(qstp_mlkem_keypair(k, pk2, sk2, counting_rng, &bad) == -1);
    int untouched = 1;
    for (size_t i = 0; i < sizeof pk2; i++)
        untouched &= pk2[i] == 0x5A;
    for (size_t i = 0; i < sizeof sk2; i++)
        untouched &= sk2[i] == 0x5A;
    CHECK(untouched);
    memset(ct2, 0x5A, sizeof ct2);
    memset(ss2, 0x5A, sizeof ss2);
    CHECK(qstp_mlkem_encaps(k, ct2, ss2, pk, counting_rng, &bad) == -1);
    CHECK(mlkem_test_all_zero(ct2, qstp_mlkem_ct_size(k)) && mlkem_test_all_zero(ss2, 32));
    CHECK(bad.calls == 2);
}

/* K-bar = J(z || c) = SHAKE256(z || c, 32) (FIPS 203 Alg. 18 step 9), computed independently. */
static void kbar(unsigned k, uint8_t out[32], const uint8_t *sk, const uint8_t *ct)
{
    uint8_t buf[32 + QSTP_MLKEM_CT_MAX];
    memcpy(buf, sk + qstp_mlkem_sk_size(k) - 32, 32);
    memcpy(buf + 32, ct, qstp_mlkem_ct_size(k));
    qstp_shake256(out, 32, buf, 32 + qstp_mlkem_ct_size(k));
}

static void round_trips(unsigned k, unsigned n, uint64_t seed)
{
    count_rng r = {seed, 0, {0}, 0};
    unsigned good = 0, rejected_ok = 0;
    const size_t ctlen = qstp_mlkem_ct_size(k);
    for (unsigned it = 0; it < n; it++) {
        uint8_t pk[QSTP_MLKEM_PK_MAX], sk[QSTP_MLKEM_SK_MAX], ct[QSTP_MLKEM_CT_MAX], ss[32],
            ss2[32], kb[32];
        int ok = -1;
        CHECK(qstp_mlkem_keypair(k, pk, sk, counting_rng, &r) == 0);
        CHECK(qstp_mlkem_check_pk(k, pk) == 0 && qstp_mlkem_check_sk(k, sk) == 0);
        CHECK(qstp_mlkem_encaps(k, ct, ss, pk, counting_rng, &r) == 0);
        CHECK(qstp_mlkem_decaps(k, ss2, ct, sk, &ok) == 0);
        good += ok == 1 && memcmp(ss, ss2, 32) == 0;
        CHECK(qstp_mlkem_decaps(k, ss2, ct, sk, NULL) == 0); /* NULL flag allowed */
        CHECK(memcmp(ss, ss2, 32) == 0);

        /* Tamper: one bit somewhere (every 4th iteration: first byte of c1, last byte of c2). */
        size_t pos = (size_t)(test_prng_u64(&r.state) % ctlen);
        if (it % 4 == 1)
            pos = 0;
        else if (it % 4 == 2)
            pos = ctlen - 1;
        ct[pos] ^= (uint8_t)(1u << (test_prng_u64(&r.state) % 8));
        ok = -1;
        CHECK(qstp_mlkem_decaps(k, ss2, ct, sk, &ok) == 0);
        kbar(k, kb, sk, ct);
        rejected_ok += ok == 0 && memcmp(ss2, ss, 32) != 0 && memcmp(ss2, kb, 32) == 0;

        /* Corrupt the stored H(ek): the decapsulation-key check fails, ss zeroed (§7.3). */
        ct[pos] ^= 0; /* keep tampered ct; irrelevant here */
        sk[qstp_mlkem_sk_size(k) - 64 + (it % 32)] ^= 0x01;
        memset(ss2, 0xAA, 32);
        ok = 7;
        CHECK(qstp_mlkem_decaps(k, ss2, ct, sk, &ok) == -1);
        CHECK(mlkem_test_all_zero(ss2, 32) && ok == 0);
        CHECK(qstp_mlkem_check_sk(k, sk) == -1);

        /* Unreduced ek: set one 12-bit coefficient to q (or 4095); Encaps must reject (§7.2). */
        const size_t coef = (size_t)(test_prng_u64(&r.state) % (256u * k));
        const uint32_t v = (it & 1) ? 3329u : 4095u;
        uint8_t *b = pk + 3 * (coef / 2);
        if (coef % 2 == 0) {
            b[0] = (uint8_t)v;
            b[1] = (uint8_t)((b[1] & 0xF0) | (v >> 8));
        } else {
            b[1] = (uint8_t)((b[1] & 0x0F) | ((v & 0xF) << 4));
            b[2] = (uint8_t)(v >> 4);
        }
        memset(ss2, 0xAA, 32);
        CHECK(qstp_mlkem_check_pk(k, pk) == -1);
        CHECK(qstp_mlkem_encaps(k, ct, ss2, pk, counting_rng, &r) == -1);
        CHECK(mlkem_test_all_zero(ct, ctlen) && mlkem_test_all_zero(ss2, 32));
    }
    CHECK_MSG(good == n, "k=%u: %u of %u round trips agreed", k, good, n);
    CHECK_MSG(rejected_ok == n, "k=%u: %u of %u tampered ciphertexts implicitly rejected", k,
              rejected_ok, n);
    printf("k=%u: %u round trips, %u tampered ciphertexts rejected\n", k, good, rejected_ok);
}

/* k = 5 known answers (tests/crypto/mlkem/k5_vectors.txt). */
static void k5_vectors(void)
{
    const char *path = "tests/crypto/mlkem/k5_vectors.txt";
    test_rsp *f = test_rsp_open(path);
    test_rsp_record rec;
    unsigned n = 0;
    if (f == NULL) {
        TEST_FAIL("missing %s", path);
        return;
    }
    while (test_rsp_next(f, &rec) == 1) {
        const char *kk = test_rsp_get(&rec, "k");
        if (kk == NULL)
            continue;
        unsigned k = (unsigned)atoi(kk);
        uint8_t d[32], z[32], m[32], want[32], got[32];
        uint8_t pk[QSTP_MLKEM_PK_MAX], sk[QSTP_MLKEM_SK_MAX], ct[QSTP_MLKEM_CT_MAX], ss[32], ss2[32];
        int ok = -1;
        CHECK(test_hex_decode(d, 32, test_rsp_get(&rec, "d")) == 32);
        CHECK(test_hex_decode(z, 32, test_rsp_get(&rec, "z")) == 32);
        CHECK(test_hex_decode(m, 32, test_rsp_get(&rec, "m")) == 32);
        CHECK(qstp_mlkem_keypair_derand(k, pk, sk, d, z) == 0);
        CHECK(qstp_mlkem_encaps_derand(k, ct, ss, pk, m) == 0);
        CHECK(qstp_mlkem_decaps(k, ss2, ct, sk, &ok) == 0 && ok == 1 && memcmp(ss, ss2, 32) == 0);
        static const char *const names[] = {"sha256_pk", "sha256_sk", "sha256_ct", "ss"};
        const uint8_t *bufs[] = {pk, sk, ct, ss};
        const size_t lens[] = {qstp_mlkem_pk_size(k), qstp_mlkem_sk_size(k), qstp_mlkem_ct_size(k), 32};
        for (unsigned i = 0; i < 4; i++) {
            CHECK(test_hex_decode(want, 32, test_rsp_get(&rec, names[i])) == 32);
            if (i < 3)
                test_sha256(got, bufs[i], lens[i]);
            else
                memcpy(got, ss, 32);
            CHECK_MSG(memcmp(got, want, 32) == 0, "%s: k=%u record %u %s", path, k, n, names[i]);
        }
        n++;
    }
    test_rsp_close(f);
    CHECK_MSG(n >= 4, "%s: %u records", path, n);
}

/* Decaps with the given backend (portable = 1 sets QSTP_NO_ASM for this process). */
static int decaps_backend(int portable, unsigned k, uint8_t ss[32], const uint8_t *ct,
                          const uint8_t *sk, int *ok)
{
    if (portable)
        setenv("QSTP_NO_ASM", "1", 1);
    else
        unsetenv("QSTP_NO_ASM");
    qstp_cpu_refresh();
    int rc = qstp_mlkem_decaps(k, ss, ct, sk, ok);
    unsetenv("QSTP_NO_ASM");
    qstp_cpu_refresh();
    return rc;
}

static void extreme_keys(unsigned k)
{
    uint8_t pk[QSTP_MLKEM_PK_MAX], sk[QSTP_MLKEM_SK_MAX], ct[QSTP_MLKEM_CT_MAX], ss1[32], ss2[32];
    uint8_t coins[64];
    uint64_t rs = 0xE7 + k;
    const size_t skl = qstp_mlkem_sk_size(k), pkl = qstp_mlkem_pk_size(k), ctl = qstp_mlkem_ct_size(k);
    for (int variant = 0; variant < 3; variant++) {
        int ok1 = -1, ok2 = -1;
        test_prng_bytes(&rs, coins, sizeof coins);
        CHECK(qstp_mlkem_keypair_derand(k, pk, sk, coins, coins + 32) == 0);
        CHECK(qstp_mlkem_encaps_derand(k, ct, ss1, pk, coins) == 0);
        if (variant == 0 || variant == 2)
            memset(sk, 0xFF, 384 * k); /* s-hat = 4095 everywhere */
        if (variant >= 1) {           /* embedded ek = 4095 everywhere, H(ek) recomputed */
            memset(sk + 384 * k, 0xFF, 384 * k);
            qstp_sha3_256(sk + 384 * k + pkl, sk + 384 * k, pkl);
        }
        if (variant == 2)
            test_prng_bytes(&rs, ct, ctl); /* random ciphertext, also decompressed to the extremes */
        CHECK(qstp_mlkem_check_sk(k, sk) == 0);
        CHECK(decaps_backend(0, k, ss1, ct, sk, &ok1) == 0);
        CHECK(decaps_backend(1, k, ss2, ct, sk, &ok2) == 0);
        CHECK_MSG(ok1 == ok2 && memcmp(ss1, ss2, 32) == 0, "k=%u variant %d: backends differ", k,
                  variant);
        (void)skl;
    }
}

int main(void)
{
    test_sizes();
    for (unsigned k = 2; k <= 5; k++)
        test_rng_contract(k);
    round_trips(5, 300, 0x4b35);
    for (unsigned k = 2; k <= 4; k++)
        round_trips(k, 50, 0x1000 + k);
    k5_vectors();
    for (unsigned k = 2; k <= 5; k++)
        extreme_keys(k);
    return test_report();
}
