/* SLH-DSA pure mode (FIPS 205 Alg. 22-24), the attached form QSTP uses (QSTP-WIRE §1.5), key
 * generation from an RNG, and rejection of tampered or malformed input.
 * No vector file: external-interface SLH-DSA vectors do not exist in the shared set
 * (vectors/README.md, slhdsa/); pure mode is checked against the internal interface on an
 * explicitly built M' = 0x00 || len(ctx) || ctx || M, which the ACVP test pins down.
 * Arguments: "tamper-all" flips every signature byte of 128f and a strided sample of every
 * other set (slow); otherwise a strided sample of 128f only. */
#include <stdlib.h>
#include <string.h>

#include "crypto/slhdsa/slhdsa.h"
#include "test.h"

static uint8_t sig[QSTP_SLHDSA_SIG_MAX], sig2[QSTP_SLHDSA_SIG_MAX];
static uint8_t sm[QSTP_SLHDSA_SIG_MAX + 300], mbuf[QSTP_SLHDSA_SIG_MAX + 300];

typedef struct {
    test_drbg drbg;
    unsigned calls;
    size_t last_len;
    int fail;
} count_rng;

static int count_rng_fn(void *ctx, uint8_t *out, size_t len)
{
    count_rng *r = (count_rng *)ctx;
    r->calls++;
    r->last_len = len;
    if (r->fail)
        return -1;
    return test_drbg_random(&r->drbg, out, len);
}

static void rng_init(count_rng *r, uint8_t tag)
{
    uint8_t entropy[48];
    for (unsigned i = 0; i < 48; i++)
        entropy[i] = (uint8_t)(i + tag);
    memset(r, 0, sizeof *r);
    test_drbg_init(&r->drbg, entropy);
}

static void test_params(void)
{
    static const struct {
        qstp_slhdsa_param p;
        const char *name;
        size_t pk, sig;
    } t[] = {
        {QSTP_SLHDSA_SHAKE_128S, "SLH-DSA-SHAKE-128s", 32, 7856},
        {QSTP_SLHDSA_SHAKE_128F, "SLH-DSA-SHAKE-128f", 32, 17088},
        {QSTP_SLHDSA_SHAKE_192S, "SLH-DSA-SHAKE-192s", 48, 16224},
        {QSTP_SLHDSA_SHAKE_192F, "SLH-DSA-SHAKE-192f", 48, 35664},
        {QSTP_SLHDSA_SHAKE_256S, "SLH-DSA-SHAKE-256s", 64, 29792},
        {QSTP_SLHDSA_SHAKE_256F, "SLH-DSA-SHAKE-256f", 64, 49856},
    };
    qstp_slhdsa_param p;

    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        CHECK(qstp_slhdsa_pk_size(t[i].p) == t[i].pk);
        CHECK(qstp_slhdsa_sk_size(t[i].p) == 2 * t[i].pk);
        CHECK(qstp_slhdsa_sig_size(t[i].p) == t[i].sig);
        CHECK(qstp_slhdsa_sig_size(t[i].p) <= QSTP_SLHDSA_SIG_MAX);
        CHECK(strcmp(qstp_slhdsa_name(t[i].p), t[i].name) == 0);
        CHECK(qstp_slhdsa_param_from_name(t[i].name, &p) == 0 && p == t[i].p);
    }
    CHECK(qstp_slhdsa_param_from_name("SLH-DSA-SHA2-128s", &p) == -1);
    CHECK(qstp_slhdsa_param_from_name("SLH-DSA-SHAKE-128S", &p) == -1);
    CHECK(qstp_slhdsa_param_from_name(NULL, &p) == -1);
    CHECK(qstp_slhdsa_pk_size((qstp_slhdsa_param)6) == 0);
    CHECK(qstp_slhdsa_sig_size((qstp_slhdsa_param)-1) == 0);
    CHECK(qstp_slhdsa_name((qstp_slhdsa_param)42) == NULL);
}

/* Key generation: one RNG call of 3n bytes, same keys as keypair_seed on those bytes. */
static void test_keypair(qstp_slhdsa_param p, uint8_t *pk, uint8_t *sk)
{
    const size_t n = qstp_slhdsa_pk_size(p) / 2;
    uint8_t seeds[96], pk2[QSTP_SLHDSA_PK_MAX], sk2[QSTP_SLHDSA_SK_MAX];
    count_rng r;

    rng_init(&r, (uint8_t)p);
    CHECK(qstp_slhdsa_keypair(p, pk, sk, count_rng_fn, &r) == 0);
    CHECK(r.calls == 1 && r.last_len == 3 * n);
    rng_init(&r, (uint8_t)p);
    CHECK(test_drbg_random(&r.drbg, seeds, 3 * n) == 0);
    CHECK(qstp_slhdsa_keypair_seed(p, pk2, sk2, seeds, seeds + n, seeds + 2 * n) == 0);
    CHECK_BYTES(pk2, pk, 2 * n, "keypair == keypair_seed (pk)");
    CHECK_BYTES(sk2, sk, 4 * n, "keypair == keypair_seed (sk)");
    CHECK_BYTES(sk + 2 * n, pk, 2 * n, "sk ends with pk");

    /* A failing RNG: -1 and zeroed outputs. */
    rng_init(&r, 1);
    r.fail = 1;
    memset(pk2, 0xAA, sizeof pk2);
    memset(sk2, 0xAA, sizeof sk2);
    CHECK(qstp_slhdsa_keypair(p, pk2, sk2, count_rng_fn, &r) == -1);
    CHECK(pk2[0] == 0 && pk2[2 * n - 1] == 0 && sk2[0] == 0 && sk2[4 * n - 1] == 0);
    CHECK(qstp_slhdsa_keypair((qstp_slhdsa_param)9, pk2, sk2, count_rng_fn, &r) == -1);
}

/* Pure sign/verify with contexts of length 0, 1 and 255; a 256-byte context is rejected. */
static void test_pure(qstp_slhdsa_param p, const uint8_t *pk, const uint8_t *sk)
{
    const size_t slen = qstp_slhdsa_sig_size(p), n = qstp_slhdsa_pk_size(p) / 2;
    static const uint8_t msg[] = "QSTP certificate hash: 32 bytes.";
    uint8_t ctx[256], mprime[2 + 255 + sizeof msg], addrnd[32];
    const size_t lens[] = {0, 1, 255};

    for (unsigned i = 0; i < sizeof ctx; i++)
        ctx[i] = (uint8_t)(0x30 + i);
    for (unsigned i = 0; i < sizeof addrnd; i++)
        addrnd[i] = (uint8_t)(0xC0 ^ i);

    for (unsigned t = 0; t < 3; t++) {
        const size_t cl = lens[t];
        CHECK(qstp_slhdsa_sign(p, sig, msg, sizeof msg, ctx, cl, sk, addrnd) == 0);
        CHECK_MSG(qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg, ctx, cl, pk) == 0, "ctxlen %zu", cl);
        /* The pure signature is the internal signature of M' = 0x00 || len || ctx || M. */
        mprime[0] = 0;
        mprime[1] = (uint8_t)cl;
        memcpy(mprime + 2, ctx, cl);
        memcpy(mprime + 2 + cl, msg, sizeof msg);
        CHECK(qstp_slhdsa_sign_internal(p, sig2, mprime, 2 + cl + sizeof msg, sk, addrnd) == 0);
        CHECK_BYTES(sig2, sig, slen, "pure == internal(M')");
        CHECK(qstp_slhdsa_verify_internal(p, sig, slen, mprime, 2 + cl + sizeof msg, pk) == 0);
        /* A wrong context, a wrong message or the bare message under the internal interface fail. */
        if (cl > 0) {
            CHECK(qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg, ctx, cl - 1, pk) != 0);
            CHECK(qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg, ctx + 1, cl, pk) != 0);
        }
        CHECK(qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg - 1, ctx, cl, pk) != 0);
        CHECK(qstp_slhdsa_verify_internal(p, sig, slen, msg, sizeof msg, pk) != 0);
    }

    /* 256-byte context: sign fails with a zeroed signature, verify rejects. */
    CHECK(qstp_slhdsa_sign(p, sig, msg, sizeof msg, ctx, 255, sk, NULL) == 0);
    memset(sig2, 0xAA, slen);
    CHECK(qstp_slhdsa_sign(p, sig2, msg, sizeof msg, ctx, 256, sk, NULL) == -1);
    CHECK(sig2[0] == 0 && sig2[slen / 2] == 0 && sig2[slen - 1] == 0);
    CHECK(qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg, ctx, 256, pk) == -1);
    CHECK(qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg, NULL, 1, pk) == -1);

    /* Deterministic signing repeats; a fresh addrnd gives a different signature that verifies. */
    CHECK(qstp_slhdsa_sign(p, sig, msg, sizeof msg, NULL, 0, sk, NULL) == 0);
    CHECK(qstp_slhdsa_sign(p, sig2, msg, sizeof msg, NULL, 0, sk, NULL) == 0);
    CHECK(memcmp(sig, sig2, slen) == 0);
    CHECK(qstp_slhdsa_sign(p, sig2, msg, sizeof msg, NULL, 0, sk, addrnd) == 0);
    CHECK(memcmp(sig, sig2, n) != 0);
    CHECK(qstp_slhdsa_verify(p, sig2, slen, msg, sizeof msg, NULL, 0, pk) == 0);

    /* Wrong lengths and a wrong key. */
    CHECK(qstp_slhdsa_verify(p, sig, slen - 1, msg, sizeof msg, NULL, 0, pk) != 0);
    CHECK(qstp_slhdsa_verify(p, sig, slen + 1, msg, sizeof msg, NULL, 0, pk) != 0);
    CHECK(qstp_slhdsa_verify(p, sig, 0, msg, sizeof msg, NULL, 0, pk) != 0);
    {
        uint8_t pk2[QSTP_SLHDSA_PK_MAX];
        memcpy(pk2, pk, 2 * n);
        pk2[2 * n - 1] ^= 1; /* PK.root */
        CHECK(qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg, NULL, 0, pk2) != 0);
        memcpy(pk2, pk, 2 * n);
        pk2[0] ^= 0x80; /* PK.seed */
        CHECK(qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg, NULL, 0, pk2) != 0);
    }
    /* An empty message is a message. */
    CHECK(qstp_slhdsa_sign(p, sig, NULL, 0, NULL, 0, sk, NULL) == 0);
    CHECK(qstp_slhdsa_verify(p, sig, slen, NULL, 0, NULL, 0, pk) == 0);
    CHECK(qstp_slhdsa_verify(p, sig, slen, msg, 1, NULL, 0, pk) != 0);
}

/* A secret key whose PK.root does not match its seeds is refused, signature zeroed. */
static void test_corrupt_sk(qstp_slhdsa_param p, const uint8_t *sk)
{
    const size_t n = qstp_slhdsa_pk_size(p) / 2, slen = qstp_slhdsa_sig_size(p);
    uint8_t bad[QSTP_SLHDSA_SK_MAX];

    memcpy(bad, sk, 4 * n);
    bad[3 * n] ^= 1;
    memset(sig, 0xAA, slen);
    CHECK(qstp_slhdsa_sign(p, sig, (const uint8_t *)"m", 1, NULL, 0, bad, NULL) == -1);
    CHECK(sig[0] == 0 && sig[slen - 1] == 0);
    CHECK(qstp_slhdsa_sign((qstp_slhdsa_param)7, sig, (const uint8_t *)"m", 1, NULL, 0, sk, NULL) == -1);
}

/* Attached form: sm = sig || msg; in place; rejection leaves msg untouched and *mlen = 0. */
static void test_attached(qstp_slhdsa_param p, const uint8_t *pk, const uint8_t *sk)
{
    const size_t slen = qstp_slhdsa_sig_size(p);
    uint8_t msg[32];
    size_t smlen = 0, mlen = 99;

    for (unsigned i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(7 * i + 1);
    CHECK(qstp_slhdsa_sign_attached(p, sm, &smlen, msg, sizeof msg, sk, NULL) == 0);
    CHECK(smlen == slen + sizeof msg);
    CHECK_BYTES(sm + slen, msg, sizeof msg, "attached message in clear");
    CHECK(qstp_slhdsa_verify(p, sm, slen, msg, sizeof msg, NULL, 0, pk) == 0);
    CHECK(qstp_slhdsa_open_attached(p, mbuf, &mlen, sm, smlen, pk) == 0);
    CHECK(mlen == sizeof msg);
    CHECK_BYTES(mbuf, msg, sizeof msg, "opened message");
    /* In place: open into sm itself, sign from inside sm. */
    memcpy(mbuf, sm, smlen);
    CHECK(qstp_slhdsa_open_attached(p, mbuf, &mlen, mbuf, smlen, pk) == 0 && mlen == sizeof msg);
    CHECK_BYTES(mbuf, msg, sizeof msg, "opened in place");
    memcpy(mbuf + slen, msg, sizeof msg);
    CHECK(qstp_slhdsa_sign_attached(p, mbuf, &mlen, mbuf + slen, sizeof msg, sk, NULL) == 0);
    CHECK(mlen == smlen);
    CHECK_BYTES(mbuf, sm, smlen, "in-place attached sign (deterministic) matches");

    /* Rejections. */
    memset(mbuf, 0x5A, sizeof msg);
    sm[slen + 3] ^= 0x10; /* message part */
    mlen = 99;
    CHECK(qstp_slhdsa_open_attached(p, mbuf, &mlen, sm, smlen, pk) != 0);
    CHECK(mlen == 0 && mbuf[0] == 0x5A && mbuf[31] == 0x5A);
    sm[slen + 3] ^= 0x10;
    sm[slen - 1] ^= 0x01; /* signature part */
    CHECK(qstp_slhdsa_open_attached(p, mbuf, &mlen, sm, smlen, pk) != 0);
    sm[slen - 1] ^= 0x01;
    CHECK(qstp_slhdsa_open_attached(p, mbuf, &mlen, sm, smlen - 1, pk) != 0); /* truncated message */
    CHECK(qstp_slhdsa_open_attached(p, mbuf, &mlen, sm, slen - 1, pk) != 0);  /* shorter than a sig */
    CHECK(qstp_slhdsa_open_attached(p, mbuf, &mlen, sm, 0, pk) != 0);
    CHECK(qstp_slhdsa_open_attached(p, mbuf, &mlen, sm, smlen, pk) == 0); /* restored */
    /* Sig-only (empty message) works. */
    CHECK(qstp_slhdsa_sign_attached(p, sm, &smlen, NULL, 0, sk, NULL) == 0 && smlen == slen);
    CHECK(qstp_slhdsa_open_attached(p, mbuf, &mlen, sm, smlen, pk) == 0 && mlen == 0);
}

/* Flipping any signature byte must make verification fail. stride 1 = every byte. */
static void test_tamper(qstp_slhdsa_param p, const uint8_t *pk, const uint8_t *sk, size_t stride)
{
    const size_t slen = qstp_slhdsa_sig_size(p);
    static const uint8_t msg[] = "tamper";
    size_t tried = 0, rejected = 0;

    CHECK(qstp_slhdsa_sign(p, sig, msg, sizeof msg, NULL, 0, sk, NULL) == 0);
    for (size_t i = 0; i < slen; i += (i < 64 || i + 64 >= slen) ? 1 : stride) {
        uint8_t bit = (uint8_t)(1u << (i % 8));
        sig[i] ^= bit;
        rejected += qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg, NULL, 0, pk) != 0;
        sig[i] ^= bit;
        tried++;
    }
    CHECK_MSG(rejected == tried, "%s: %zu of %zu tampered signatures rejected", qstp_slhdsa_name(p), rejected,
              tried);
    CHECK(qstp_slhdsa_verify(p, sig, slen, msg, sizeof msg, NULL, 0, pk) == 0);
    printf("%s: %zu tampered signatures rejected (stride %zu)\n", qstp_slhdsa_name(p), tried, stride);
}

int main(int argc, char **argv)
{
    int all = argc > 1 && strcmp(argv[1], "tamper-all") == 0;
    uint8_t pk[QSTP_SLHDSA_PK_MAX], sk[QSTP_SLHDSA_SK_MAX];

    if (!all) {
        test_params();
        /* Every set: key generation; pure mode and attached form on 128f and 128s (the one s set
         * in the fast tests, the set QSTP 0x0A uses). */
        for (int p = QSTP_SLHDSA_SHAKE_128S; p <= QSTP_SLHDSA_SHAKE_256F; p++)
            test_keypair((qstp_slhdsa_param)p, pk, sk);
        test_keypair(QSTP_SLHDSA_SHAKE_128F, pk, sk);
        test_pure(QSTP_SLHDSA_SHAKE_128F, pk, sk);
        test_corrupt_sk(QSTP_SLHDSA_SHAKE_128F, sk);
        test_attached(QSTP_SLHDSA_SHAKE_128F, pk, sk);
        test_tamper(QSTP_SLHDSA_SHAKE_128F, pk, sk, 61);
        test_keypair(QSTP_SLHDSA_SHAKE_128S, pk, sk);
        test_attached(QSTP_SLHDSA_SHAKE_128S, pk, sk);
    } else {
        test_keypair(QSTP_SLHDSA_SHAKE_128F, pk, sk);
        test_tamper(QSTP_SLHDSA_SHAKE_128F, pk, sk, 1);
        for (int p = QSTP_SLHDSA_SHAKE_128S; p <= QSTP_SLHDSA_SHAKE_256F; p++) {
            if (p == QSTP_SLHDSA_SHAKE_128F)
                continue;
            test_keypair((qstp_slhdsa_param)p, pk, sk);
            test_tamper((qstp_slhdsa_param)p, pk, sk, 97);
            if (p == QSTP_SLHDSA_SHAKE_192S || p == QSTP_SLHDSA_SHAKE_256S)
                test_attached((qstp_slhdsa_param)p, pk, sk);
        }
    }
    return test_report();
}
