/* ML-DSA API behaviour (no vector file): sizes, the one-draw keypair, the attached form QSTP uses
 * (QSTP-WIRE §1.5) including in-place signing, tampering of every signature region, truncation,
 * context limits (255 accepted, 256 rejected), pure == internal(0 || ctxlen || ctx || M),
 * determinism, malformed secret keys, and outputs left untouched on failure. */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mldsa/mldsa.h"
#include "test.h"

static const unsigned levels[3] = {44, 65, 87};

typedef struct {
    unsigned calls;
    size_t last_len;
    uint64_t state;
    int fail;
} count_rng;

static int counting_rng(void *ctx, uint8_t *out, size_t len)
{
    count_rng *c = ctx;
    c->calls++;
    c->last_len = len;
    if (c->fail)
        return -1;
    test_prng_bytes(&c->state, out, len);
    return 0;
}

static void test_sizes(void)
{
    CHECK(qstp_mldsa_pk_size(44) == 1312 && qstp_mldsa_sk_size(44) == 2560 && qstp_mldsa_sig_size(44) == 2420);
    CHECK(qstp_mldsa_pk_size(65) == 1952 && qstp_mldsa_sk_size(65) == 4032 && qstp_mldsa_sig_size(65) == 3309);
    CHECK(qstp_mldsa_pk_size(87) == 2592 && qstp_mldsa_sk_size(87) == 4896 && qstp_mldsa_sig_size(87) == 4627);
    CHECK(QSTP_MLDSA_PK_MAX == 2592 && QSTP_MLDSA_SK_MAX == 4896 && QSTP_MLDSA_SIG_MAX == 4627);
    CHECK(qstp_mldsa_pk_size(0) == 0 && qstp_mldsa_sk_size(2) == 0 && qstp_mldsa_sig_size(88) == 0);
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], sig[QSTP_MLDSA_SIG_MAX], xi[32] = {1};
    CHECK(qstp_mldsa_keypair_seed(3, pk, sk, xi) != 0);
    CHECK(qstp_mldsa_sign(64, sig, xi, 32, NULL, 0, sk, NULL) != 0);
    CHECK(qstp_mldsa_verify(66, sig, 2420, xi, 32, NULL, 0, pk) != 0);
}

static void test_keypair_rng(unsigned level)
{
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], pk2[QSTP_MLDSA_PK_MAX], sk2[QSTP_MLDSA_SK_MAX];
    uint8_t xi[32];
    count_rng c = {0, 0, 7, 0};
    CHECK(qstp_mldsa_keypair(level, pk, sk, counting_rng, &c) == 0);
    CHECK(c.calls == 1 && c.last_len == 32);
    uint64_t s = 7;
    test_prng_bytes(&s, xi, 32);
    CHECK(qstp_mldsa_keypair_seed(level, pk2, sk2, xi) == 0);
    CHECK_BYTES(pk, pk2, qstp_mldsa_pk_size(level), "keypair == keypair_seed(rng bytes)");
    CHECK_BYTES(sk, sk2, qstp_mldsa_sk_size(level), "keypair sk");
    /* pk and sk share rho; sk carries tr = H(pk) at offset 64 (checked by the KATs) */
    CHECK(memcmp(pk, sk, 32) == 0);

    /* A failing RNG leaves pk and sk untouched. */
    count_rng f = {0, 0, 1, 1};
    memset(pk2, 0x5A, sizeof(pk2));
    memset(sk2, 0x5A, sizeof(sk2));
    CHECK(qstp_mldsa_keypair(level, pk2, sk2, counting_rng, &f) != 0);
    unsigned touched = 0;
    for (size_t i = 0; i < sizeof(pk2); i++)
        touched += pk2[i] != 0x5A;
    for (size_t i = 0; i < sizeof(sk2); i++)
        touched += sk2[i] != 0x5A;
    CHECK(touched == 0);
}

static void test_attached(unsigned level)
{
    const size_t sigb = qstp_mldsa_sig_size(level);
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], xi[32];
    uint8_t msg[32], out[64], sm[QSTP_MLDSA_SIG_MAX + 32], sm2[QSTP_MLDSA_SIG_MAX + 32];
    size_t smlen = 0, smlen2 = 0, mlen = 0;
    uint64_t s = level;
    test_prng_bytes(&s, xi, 32);
    test_prng_bytes(&s, msg, 32);
    CHECK(qstp_mldsa_keypair_seed(level, pk, sk, xi) == 0);

    /* round trip, the QSTP shape: a 32-byte hash, deterministic, empty context */
    CHECK(qstp_mldsa_sign_attached(level, sm, &smlen, msg, 32, sk, NULL) == 0);
    CHECK(smlen == sigb + 32 && memcmp(sm + sigb, msg, 32) == 0);
    CHECK(qstp_mldsa_open_attached(level, out, &mlen, sm, smlen, pk) == 0);
    CHECK(mlen == 32 && memcmp(out, msg, 32) == 0);
    /* equals the detached pure signature with empty context and rnd = 0^32 */
    uint8_t sig[QSTP_MLDSA_SIG_MAX], zero[32] = {0};
    CHECK(qstp_mldsa_sign(level, sig, msg, 32, NULL, 0, sk, zero) == 0);
    CHECK_BYTES(sig, sm, sigb, "attached == pure, empty ctx, rnd 0");
    /* deterministic: signing again gives the same bytes */
    CHECK(qstp_mldsa_sign_attached(level, sm2, &smlen2, msg, 32, sk, NULL) == 0);
    CHECK(smlen2 == smlen && memcmp(sm, sm2, smlen) == 0);
    /* in place: the message already sits behind the signature slot */
    memset(sm2, 0, sizeof(sm2));
    memcpy(sm2 + sigb, msg, 32);
    CHECK(qstp_mldsa_sign_attached(level, sm2, &smlen2, sm2 + sigb, 32, sk, NULL) == 0);
    CHECK(smlen2 == smlen && memcmp(sm, sm2, smlen) == 0);
    /* hedged signing differs but verifies */
    uint8_t rnd[32];
    test_prng_bytes(&s, rnd, 32);
    CHECK(qstp_mldsa_sign_attached(level, sm2, &smlen2, msg, 32, sk, rnd) == 0);
    CHECK(memcmp(sm, sm2, sigb) != 0);
    CHECK(qstp_mldsa_open_attached(level, out, &mlen, sm2, smlen2, pk) == 0);

    /* tampering: flip a bit in every region of the signature and in the message */
    static const size_t offs_rel[] = {0, 1, 31, 100, 500, 1000, 2000};
    unsigned accepted = 0, tried = 0;
    for (size_t i = 0; i < sizeof(offs_rel) / sizeof(offs_rel[0]) + 4; i++) {
        size_t off;
        if (i < sizeof(offs_rel) / sizeof(offs_rel[0]))
            off = offs_rel[i];
        else if (i == sizeof(offs_rel) / sizeof(offs_rel[0]))
            off = sigb - 1; /* last hint-count byte */
        else if (i == sizeof(offs_rel) / sizeof(offs_rel[0]) + 1)
            off = sigb - level / 10; /* inside the hint indices */
        else if (i == sizeof(offs_rel) / sizeof(offs_rel[0]) + 2)
            off = sigb; /* first message byte */
        else
            off = smlen - 1; /* last message byte */
        for (unsigned bit = 0; bit < 8; bit += 3) {
            memcpy(sm2, sm, smlen);
            sm2[off] ^= (uint8_t)(1u << bit);
            memset(out, 0xA5, sizeof(out));
            mlen = 12345;
            int rc = qstp_mldsa_open_attached(level, out, &mlen, sm2, smlen, pk);
            accepted += rc == 0;
            tried++;
            /* on failure the outputs are untouched */
            unsigned touched = mlen != 12345;
            for (size_t j = 0; j < sizeof(out); j++)
                touched += out[j] != 0xA5;
            CHECK_MSG(rc != 0 && touched == 0, "tampered byte %zu bit %u", off, bit);
        }
    }
    CHECK(accepted == 0 && tried > 30);
    /* truncated, extended and short inputs */
    CHECK(qstp_mldsa_open_attached(level, out, &mlen, sm, smlen - 1, pk) != 0);
    CHECK(qstp_mldsa_open_attached(level, out, &mlen, sm, sigb - 1, pk) != 0);
    CHECK(qstp_mldsa_verify(level, sm, sigb - 1, msg, 32, NULL, 0, pk) != 0);
    CHECK(qstp_mldsa_verify(level, sm, sigb + 1, msg, 32, NULL, 0, pk) != 0);
    /* wrong key */
    uint8_t pk2[QSTP_MLDSA_PK_MAX], sk2[QSTP_MLDSA_SK_MAX];
    xi[0] ^= 1;
    CHECK(qstp_mldsa_keypair_seed(level, pk2, sk2, xi) == 0);
    CHECK(qstp_mldsa_open_attached(level, out, &mlen, sm, smlen, pk2) != 0);
    /* empty message round trip */
    CHECK(qstp_mldsa_sign_attached(level, sm2, &smlen2, NULL, 0, sk, NULL) == 0 && smlen2 == sigb);
    CHECK(qstp_mldsa_open_attached(level, NULL, &mlen, sm2, smlen2, pk) == 0 && mlen == 0);
}

static void test_context(unsigned level)
{
    const size_t sigb = qstp_mldsa_sig_size(level);
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], xi[32] = {9};
    uint8_t ctx[256], msg[40], sig[QSTP_MLDSA_SIG_MAX], sig2[QSTP_MLDSA_SIG_MAX];
    uint8_t mprime[2 + 255 + 40], rnd[32];
    uint64_t s = 1000 + level;
    test_prng_bytes(&s, ctx, sizeof(ctx));
    test_prng_bytes(&s, msg, sizeof(msg));
    test_prng_bytes(&s, rnd, sizeof(rnd));
    CHECK(qstp_mldsa_keypair_seed(level, pk, sk, xi) == 0);

    /* 255-byte context: accepted, and equal to Sign_internal(0 || 255 || ctx || M) */
    CHECK(qstp_mldsa_sign(level, sig, msg, sizeof(msg), ctx, 255, sk, rnd) == 0);
    CHECK(qstp_mldsa_verify(level, sig, sigb, msg, sizeof(msg), ctx, 255, pk) == 0);
    mprime[0] = 0;
    mprime[1] = 255;
    memcpy(mprime + 2, ctx, 255);
    memcpy(mprime + 257, msg, sizeof(msg));
    CHECK(qstp_mldsa_sign_internal(level, sig2, mprime, sizeof(mprime), sk, rnd) == 0);
    CHECK_BYTES(sig, sig2, sigb, "pure == internal(M')");
    CHECK(qstp_mldsa_verify_internal(level, sig, sigb, mprime, sizeof(mprime), pk) == 0);
    /* other context lengths / contents do not verify */
    CHECK(qstp_mldsa_verify(level, sig, sigb, msg, sizeof(msg), ctx, 254, pk) != 0);
    CHECK(qstp_mldsa_verify(level, sig, sigb, msg, sizeof(msg), ctx + 1, 255, pk) != 0);
    CHECK(qstp_mldsa_verify(level, sig, sigb, msg, sizeof(msg), NULL, 0, pk) != 0);

    /* 256-byte context: rejected by sign (output untouched) and by verify */
    memset(sig2, 0x3C, sizeof(sig2));
    CHECK(qstp_mldsa_sign(level, sig2, msg, sizeof(msg), ctx, 256, sk, rnd) != 0);
    unsigned touched = 0;
    for (size_t i = 0; i < sizeof(sig2); i++)
        touched += sig2[i] != 0x3C;
    CHECK(touched == 0);
    CHECK(qstp_mldsa_verify(level, sig, sigb, msg, sizeof(msg), ctx, 256, pk) != 0);
    uint8_t mu[64];
    CHECK(qstp_mldsa_mu_pure(level, mu, pk, msg, sizeof(msg), ctx, 256) != 0);
    /* mu interface agrees with the message interface */
    CHECK(qstp_mldsa_mu_pure(level, mu, pk, msg, sizeof(msg), ctx, 255) == 0);
    CHECK(qstp_mldsa_sign_mu(level, sig2, mu, sk, rnd) == 0);
    CHECK_BYTES(sig, sig2, sigb, "sign_mu == sign");
    CHECK(qstp_mldsa_verify_mu(level, sig, sigb, mu, pk) == 0);
    /* rnd NULL is the deterministic variant */
    CHECK(qstp_mldsa_sign(level, sig, msg, sizeof(msg), NULL, 0, sk, NULL) == 0);
    memset(rnd, 0, sizeof(rnd));
    CHECK(qstp_mldsa_sign(level, sig2, msg, sizeof(msg), NULL, 0, sk, rnd) == 0);
    CHECK_BYTES(sig, sig2, sigb, "rnd NULL == rnd 0");
    CHECK(qstp_mldsa_sign_internal(level, sig2, msg, sizeof(msg), sk, NULL) != 0);
}

static void test_bad_secret_key(unsigned level)
{
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], xi[32] = {3}, msg[32] = {4};
    uint8_t sig[QSTP_MLDSA_SIG_MAX];
    CHECK(qstp_mldsa_keypair_seed(level, pk, sk, xi) == 0);
    /* s1's first packed value set to all ones: 7 (eta 2) or 15 (eta 4) is outside [0, 2 eta] */
    uint8_t bad[QSTP_MLDSA_SK_MAX];
    memcpy(bad, sk, sizeof(bad));
    bad[128] |= (level == 65) ? 0x0F : 0x07;
    memset(sig, 0x77, sizeof(sig));
    CHECK(qstp_mldsa_sign(level, sig, msg, 32, NULL, 0, bad, NULL) != 0);
    unsigned touched = 0;
    for (size_t i = 0; i < sizeof(sig); i++)
        touched += sig[i] != 0x77;
    CHECK(touched == 0);
    /* the same for an s2 coefficient (first byte of s2) */
    memcpy(bad, sk, sizeof(bad));
    size_t s2 = 128 + (level == 44 ? 4 * 96 : level == 65 ? 5 * 128 : 7 * 96);
    bad[s2] |= (level == 65) ? 0x0F : 0x07;
    CHECK(qstp_mldsa_sign(level, sig, msg, 32, NULL, 0, bad, NULL) != 0);
    /* a valid signature under a wrong tr (sk bytes 64..127) does not verify */
    memcpy(bad, sk, sizeof(bad));
    bad[64] ^= 1;
    CHECK(qstp_mldsa_sign(level, sig, msg, 32, NULL, 0, bad, NULL) == 0);
    CHECK(qstp_mldsa_verify(level, sig, qstp_mldsa_sig_size(level), msg, 32, NULL, 0, pk) != 0);
}

/* HashML-DSA with the Keccak pre-hashes the library computes itself (the SHA-2 ones are covered
 * by the pqc-kat-repo KATs in test_mldsa_kat.c). */
static void test_hashml(unsigned level)
{
    static const qstp_mldsa_prehash phs[4] = {QSTP_MLDSA_PH_SHA3_256, QSTP_MLDSA_PH_SHA3_512,
                                              QSTP_MLDSA_PH_SHAKE128, QSTP_MLDSA_PH_SHAKE256};
    const size_t sigb = qstp_mldsa_sig_size(level);
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], xi[32] = {5}, msg[100], ctx[8] = {1, 2};
    uint8_t sig[QSTP_MLDSA_SIG_MAX], d[64] = {0};
    uint64_t s = 77;
    test_prng_bytes(&s, msg, sizeof(msg));
    CHECK(qstp_mldsa_keypair_seed(level, pk, sk, xi) == 0);
    for (unsigned i = 0; i < 4; i++) {
        CHECK(qstp_mldsa_hash_sign(level, sig, phs[i], msg, sizeof(msg), ctx, sizeof(ctx), sk, NULL) == 0);
        CHECK(qstp_mldsa_hash_verify(level, sig, sigb, phs[i], msg, sizeof(msg), ctx, sizeof(ctx), pk) == 0);
        CHECK(qstp_mldsa_hash_verify(level, sig, sigb, phs[i], msg, sizeof(msg) - 1, ctx, sizeof(ctx), pk) != 0);
        CHECK(qstp_mldsa_hash_verify(level, sig, sigb, phs[(i + 1) % 4], msg, sizeof(msg), ctx, sizeof(ctx), pk) != 0);
        /* domain separation: not a pure signature of the message */
        CHECK(qstp_mldsa_verify(level, sig, sigb, msg, sizeof(msg), ctx, sizeof(ctx), pk) != 0);
    }
    /* the library does not compute SHA-2; digests of the wrong length and unknown ids fail */
    CHECK(qstp_mldsa_hash_sign(level, sig, QSTP_MLDSA_PH_SHA2_256, msg, sizeof(msg), NULL, 0, sk, NULL) != 0);
    CHECK(qstp_mldsa_sign_prehashed(level, sig, QSTP_MLDSA_PH_SHA2_256, d, 31, NULL, 0, sk, NULL) != 0);
    CHECK(qstp_mldsa_sign_prehashed(level, sig, (qstp_mldsa_prehash)4, d, 28, NULL, 0, sk, NULL) != 0);
    CHECK(qstp_mldsa_sign_prehashed(level, sig, QSTP_MLDSA_PH_SHA2_384, d, 48, ctx, 256, sk, NULL) != 0);
    CHECK(qstp_mldsa_sign_prehashed(level, sig, QSTP_MLDSA_PH_SHA2_384, d, 48, NULL, 0, sk, NULL) == 0);
    CHECK(qstp_mldsa_verify_prehashed(level, sig, sigb, QSTP_MLDSA_PH_SHA2_384, d, 48, NULL, 0, pk) == 0);
    CHECK(qstp_mldsa_verify_prehashed(level, sig, sigb, QSTP_MLDSA_PH_SHA2_512, d, 64, NULL, 0, pk) != 0);
}

/* Random corruption of a valid signature (1-3 bytes, half of them in the hint section, which has
 * the most parsing): always rejected, never a crash (run under ASan in CI). */
static void test_random_corruption(unsigned level)
{
    const size_t sigb = qstp_mldsa_sig_size(level);
    const size_t hoff = sigb - (level == 44 ? 84 : level == 65 ? 61 : 83);
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], xi[32] = {11}, msg[32] = {12};
    uint8_t sig[QSTP_MLDSA_SIG_MAX], bad[QSTP_MLDSA_SIG_MAX];
    uint64_t s = 4242 + level;
    unsigned accepted = 0, tried = 0;
    CHECK(qstp_mldsa_keypair_seed(level, pk, sk, xi) == 0);
    CHECK(qstp_mldsa_sign(level, sig, msg, 32, NULL, 0, sk, NULL) == 0);
    for (unsigned n = 0; n < 300; n++) {
        memcpy(bad, sig, sigb);
        unsigned flips = 1 + (unsigned)(test_prng_u64(&s) % 3);
        for (unsigned f = 0; f < flips; f++) {
            size_t off = (test_prng_u64(&s) & 1) ? hoff + test_prng_u64(&s) % (sigb - hoff)
                                                 : test_prng_u64(&s) % sigb;
            bad[off] ^= (uint8_t)(1 + test_prng_u64(&s) % 255);
        }
        if (memcmp(bad, sig, sigb) == 0)
            continue; /* two flips cancelled */
        tried++;
        accepted += qstp_mldsa_verify(level, bad, sigb, msg, 32, NULL, 0, pk) == 0;
    }
    CHECK_MSG(accepted == 0 && tried > 250, "ML-DSA-%u: %u of %u corrupted signatures accepted",
              level, accepted, tried);
}

/* The precomputed signer gives the same bytes as the one-shot functions. */
static void test_signer(unsigned level)
{
    static qstp_mldsa_signer sg; /* 79 KiB: not on the stack */
    const size_t sigb = qstp_mldsa_sig_size(level);
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], xi[32], msg[48], ctx[20], rnd[32], mu[64];
    uint8_t a[QSTP_MLDSA_SIG_MAX + 48], b[QSTP_MLDSA_SIG_MAX + 48];
    size_t al = 0, bl = 0;
    uint64_t s = 555 + level;
    test_prng_bytes(&s, xi, 32);
    CHECK(qstp_mldsa_keypair_seed(level, pk, sk, xi) == 0);
    CHECK(qstp_mldsa_signer_init(&sg, level, sk) == 0);
    for (unsigned n = 0; n < 8; n++) {
        test_prng_bytes(&s, msg, sizeof(msg));
        test_prng_bytes(&s, ctx, sizeof(ctx));
        test_prng_bytes(&s, rnd, sizeof(rnd));
        const uint8_t *r = (n & 1) ? rnd : NULL;
        CHECK(qstp_mldsa_sign(level, a, msg, sizeof(msg), ctx, n, sk, r) == 0);
        CHECK(qstp_mldsa_signer_sign(&sg, b, msg, sizeof(msg), ctx, n, r) == 0);
        CHECK_BYTES(a, b, sigb, "signer_sign == sign");
        CHECK(qstp_mldsa_sign_attached(level, a, &al, msg, sizeof(msg), sk, r) == 0);
        CHECK(qstp_mldsa_signer_sign_attached(&sg, b, &bl, msg, sizeof(msg), r) == 0);
        CHECK(al == bl && memcmp(a, b, al) == 0);
        CHECK(qstp_mldsa_mu_pure(level, mu, pk, msg, sizeof(msg), NULL, 0) == 0);
        CHECK(qstp_mldsa_signer_sign_mu(&sg, b, mu, rnd) == 0);
        CHECK(qstp_mldsa_sign_mu(level, a, mu, sk, rnd) == 0);
        CHECK_BYTES(a, b, sigb, "signer_sign_mu == sign_mu");
        CHECK(qstp_mldsa_verify_mu(level, b, sigb, mu, pk) == 0);
    }
    CHECK(qstp_mldsa_signer_sign(&sg, b, msg, sizeof(msg), ctx, 256, NULL) != 0);
    qstp_mldsa_signer_wipe(&sg);
    CHECK(qstp_ct_is_zero(&sg, sizeof(sg)));
    CHECK(qstp_mldsa_signer_sign(&sg, b, msg, sizeof(msg), NULL, 0, NULL) != 0); /* level 0 */
    /* a malformed key is refused and leaves the signer wiped */
    uint8_t bad[QSTP_MLDSA_SK_MAX];
    memcpy(bad, sk, sizeof(bad));
    bad[128] |= (level == 65) ? 0x0F : 0x07;
    memset(&sg, 0x33, sizeof(sg));
    CHECK(qstp_mldsa_signer_init(&sg, level, bad) != 0);
    CHECK(qstp_ct_is_zero(&sg, sizeof(sg)));
    CHECK(qstp_mldsa_signer_init(&sg, 50, sk) != 0);
}

int main(void)
{
    test_sizes();
    for (unsigned i = 0; i < 3; i++) {
        test_keypair_rng(levels[i]);
        test_attached(levels[i]);
        test_context(levels[i]);
        test_bad_secret_key(levels[i]);
        test_hashml(levels[i]);
        test_random_corruption(levels[i]);
        test_signer(levels[i]);
    }
    return test_report();
}
