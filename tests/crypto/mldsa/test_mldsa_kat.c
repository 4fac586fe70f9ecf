/* ML-DSA known answers from NIST-KAT-style files and hash-only KATs:
 *   vectors/mldsa/pqc-kat-repo/kat_MLDSA_{44,65,87}_{det,hedged}_{raw,pure}.rsp
 *   vectors/mldsa/pqc-kat-repo/kat_MLDSA_{44,65,87}_{det,hedged}_hashed.rsp
 *       (xi -> pk, sk; raw = Sign_internal(M'), pure = ML-DSA.Sign with a 16-byte ctx, hashed =
 *        HashML-DSA with SHA2-256/384/512 and ctx (the digest computed by the test); sm = sig || msg)
 *   vectors/mldsa/qsc-nist-format/dilithium-{2544,4016,4880}.rsp
 *       (keypair and deterministic attached signing driven by the NIST DRBG; the QRCS reference's
 *        own KATs, i.e. what QSTP peers produce)
 *   vectors/mldsa/pqclean_nistkat_sha256.txt (count-0 record, hedged, via the NIST DRBG; procedure
 *       in vectors/pqclean/NISTKAT_PROCEDURE.txt)
 *   vectors/mldsa/cctv/accumulated_README.md (100-iteration accumulated keygen/sign hashes; the
 *       expected values are read from that file) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/mldsa/mldsa.h"
#include "crypto/sha3.h"
#include "sha512_kat.h"
#include "test.h"

static const unsigned levels[3] = {44, 65, 87};

/* ---- pqc-kat-repo: records are "key = value" lines that start at "count = " (no blank lines) -- */

typedef struct {
    char *key[16];
    char *val[16];
    unsigned n;
} kv_record;

static const char *kv_get(const kv_record *r, const char *key)
{
    for (unsigned i = 0; i < r->n; i++) {
        if (strcmp(r->key[i], key) == 0)
            return r->val[i];
    }
    return NULL;
}

static uint8_t *kv_hex(const kv_record *r, const char *key, size_t *len)
{
    const char *v = kv_get(r, key);
    uint8_t *out = v ? test_hex_alloc(v, len) : NULL;
    CHECK_MSG(out != NULL, "missing or bad field %s", key);
    return out;
}

static void pqckat_record(unsigned level, int hedged, int mode, const kv_record *r, unsigned *done)
{
    size_t xl, pkl, skl, ml, sml, cl = 0, rl = 32;
    uint8_t *xi = kv_hex(r, "xi", &xl), *pk = kv_hex(r, "pk", &pkl), *sk = kv_hex(r, "sk", &skl);
    uint8_t *msg = kv_hex(r, "msg", &ml), *sm = kv_hex(r, "sm", &sml);
    const int pure = mode != 0;
    uint8_t *ctx = pure ? kv_hex(r, "ctx", &cl) : NULL;
    uint8_t *rnd = hedged ? kv_hex(r, "rng", &rl) : calloc(1, 32);
    const size_t sigb = qstp_mldsa_sig_size(level);
    uint8_t gpk[QSTP_MLDSA_PK_MAX], gsk[QSTP_MLDSA_SK_MAX], sig[QSTP_MLDSA_SIG_MAX];

    if (xi && pk && sk && msg && sm && rnd && (!pure || ctx) && xl == 32 && rl == 32 &&
        pkl == qstp_mldsa_pk_size(level) && skl == qstp_mldsa_sk_size(level) && sml == sigb + ml) {
        CHECK(qstp_mldsa_keypair_seed(level, gpk, gsk, xi) == 0);
        CHECK_BYTES(gpk, pk, pkl, "pqc-kat pk");
        CHECK_BYTES(gsk, sk, skl, "pqc-kat sk");
        if (mode == 2) {
            /* HashML-DSA: SHA2-256 for 44, SHA2-384 for 65, SHA2-512 for 87 (upstream README) */
            uint8_t d[64] = {0}; /* level 65 also passes all 64 bytes below (SHA3-512 length) */
            qstp_mldsa_prehash ph = level == 44 ? QSTP_MLDSA_PH_SHA2_256
                                    : level == 65 ? QSTP_MLDSA_PH_SHA2_384
                                                  : QSTP_MLDSA_PH_SHA2_512;
            size_t dl = qstp_mldsa_prehash_size(ph);
            if (level == 44)
                test_sha256(d, msg, ml);
            else
                kat_sha2_512(d, dl, msg, ml);
            CHECK(qstp_mldsa_sign_prehashed(level, sig, ph, d, dl, ctx, cl, sk, rnd) == 0);
            CHECK(qstp_mldsa_verify_prehashed(level, sm, sigb, ph, d, dl, ctx, cl, pk) == 0);
            /* not a pure signature of the message, nor of the digest under another OID */
            CHECK(qstp_mldsa_verify(level, sm, sigb, msg, ml, ctx, cl, pk) != 0);
            CHECK(qstp_mldsa_verify_prehashed(level, sm, sigb,
                                              level == 44 ? QSTP_MLDSA_PH_SHA3_256 : QSTP_MLDSA_PH_SHA3_512,
                                              d, level == 65 ? 64 : dl, ctx, cl, pk) != 0);
        } else if (pure) {
            CHECK(qstp_mldsa_sign(level, sig, msg, ml, ctx, cl, sk, rnd) == 0);
            CHECK(qstp_mldsa_verify(level, sm, sigb, msg, ml, ctx, cl, pk) == 0);
            /* the same signature must not verify under another (empty) context */
            CHECK(qstp_mldsa_verify(level, sm, sigb, msg, ml, NULL, 0, pk) != 0);
        } else {
            CHECK(qstp_mldsa_sign_internal(level, sig, msg, ml, sk, rnd) == 0);
            CHECK(qstp_mldsa_verify_internal(level, sm, sigb, msg, ml, pk) == 0);
        }
        CHECK_BYTES(sig, sm, sigb, "pqc-kat signature");
        CHECK_BYTES(sm + sigb, msg, ml, "pqc-kat sm message part");
        (*done)++;
    } else {
        CHECK_MSG(0, "pqc-kat record %s malformed", kv_get(r, "count") ? kv_get(r, "count") : "?");
    }
    free(xi), free(pk), free(sk), free(msg), free(sm), free(ctx), free(rnd);
}

static void test_pqckat_file(unsigned level, int hedged, int mode)
{
    static const char *const modes[3] = {"raw", "pure", "hashed"};
    char rel[128];
    snprintf(rel, sizeof(rel), "vectors/mldsa/pqc-kat-repo/kat_MLDSA_%u_%s_%s.rsp", level,
             hedged ? "hedged" : "det", modes[mode]);
    const char *path = test_vector_path(rel);
    size_t len;
    char *text = path ? test_read_file(path, &len) : NULL;
    if (!text)
        return;
    kv_record r;
    unsigned done = 0;
    r.n = 0;
    for (char *line = strtok(text, "\r\n");; line = strtok(NULL, "\r\n")) {
        char *eq = line ? strstr(line, " = ") : NULL;
        if (line == NULL || (eq && strncmp(line, "count", 5) == 0)) {
            if (r.n > 0)
                pqckat_record(level, hedged, mode, &r, &done);
            r.n = 0;
            if (line == NULL)
                break;
        }
        if (eq && r.n < 16) {
            *eq = '\0';
            r.key[r.n] = line;
            r.val[r.n++] = eq + 3;
        }
    }
    CHECK_MSG(done == 10, "%s: %u records", rel, done);
    free(text);
}

/* ---- QSC (QRCS reference) FIPS KATs: NIST DRBG, deterministic pure signing, empty ctx ---- */

static void test_qsc_file(unsigned level, const char *rel)
{
    const char *path = test_vector_path(rel);
    test_rsp *f = path ? test_rsp_open(path) : NULL;
    if (!f)
        return;
    test_rsp_record rec;
    unsigned done = 0;
    const size_t sigb = qstp_mldsa_sig_size(level);
    while (test_rsp_next(f, &rec)) {
        size_t sl, ml, pkl, skl, sml;
        const char *c = test_rsp_get(&rec, "count");
        uint8_t *seed = test_hex_alloc(test_rsp_get(&rec, "seed"), &sl);
        uint8_t *msg = test_hex_alloc(test_rsp_get(&rec, "msg"), &ml);
        uint8_t *pk = test_hex_alloc(test_rsp_get(&rec, "pk"), &pkl);
        uint8_t *sk = test_hex_alloc(test_rsp_get(&rec, "sk"), &skl);
        uint8_t *sm = test_hex_alloc(test_rsp_get(&rec, "sm"), &sml);
        if (c && seed && msg && pk && sk && sm && sl == 48 && sml == sigb + ml) {
            test_drbg d;
            uint8_t gpk[QSTP_MLDSA_PK_MAX], gsk[QSTP_MLDSA_SK_MAX];
            uint8_t *gsm = malloc(sml), *out = malloc(ml + 1);
            size_t gl = 0, ol = 0;
            test_drbg_init(&d, seed);
            CHECK(qstp_mldsa_keypair(level, gpk, gsk, test_drbg_random, &d) == 0);
            CHECK_BYTES(gpk, pk, pkl, "qsc pk");
            CHECK_BYTES(gsk, sk, skl, "qsc sk");
            CHECK(qstp_mldsa_sign_attached(level, gsm, &gl, msg, ml, gsk, NULL) == 0);
            CHECK(gl == sml);
            CHECK_BYTES(gsm, sm, sml, "qsc sm");
            /* and through the precomputed signer */
            static qstp_mldsa_signer sg;
            CHECK(qstp_mldsa_signer_init(&sg, level, gsk) == 0);
            memset(gsm, 0, sml);
            CHECK(qstp_mldsa_signer_sign_attached(&sg, gsm, &gl, msg, ml, NULL) == 0);
            CHECK(gl == sml);
            CHECK_BYTES(gsm, sm, sml, "qsc sm (signer)");
            qstp_mldsa_signer_wipe(&sg);
            CHECK(qstp_mldsa_open_attached(level, out, &ol, sm, sml, pk) == 0);
            CHECK(ol == ml && memcmp(out, msg, ml) == 0);
            free(gsm), free(out);
            done++;
        } else {
            CHECK_MSG(0, "%s: malformed record", rel);
        }
        free(seed), free(msg), free(pk), free(sk), free(sm);
    }
    test_rsp_close(f);
    CHECK_MSG(done == 10, "%s: %u records", rel, done);
}

/* ---- PQClean nistkat-sha256 (hedged, empty ctx, count 0) ---- */

static int expected_pqclean(unsigned level, uint8_t out[32])
{
    const char *path = test_vector_path("vectors/mldsa/pqclean_nistkat_sha256.txt");
    size_t len;
    char *text = path ? test_read_file(path, &len) : NULL;
    char name[32];
    int ok = 0;
    if (!text)
        return 0;
    snprintf(name, sizeof(name), "ml-dsa-%u | ", level);
    char *at = strstr(text, name);
    if (at) {
        char hex[65];
        memcpy(hex, at + strlen(name), 64);
        hex[64] = '\0';
        ok = test_hex_decode(out, 32, hex) == 32;
    }
    CHECK_MSG(ok, "no nistkat hash for ml-dsa-%u", level);
    free(text);
    return ok;
}

static void test_pqclean(unsigned level)
{
    uint8_t want[32], got[32], entropy[48], seed[48], msg[33];
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], sm[QSTP_MLDSA_SIG_MAX + 33], out[33];
    uint8_t rnd[32];
    size_t smlen = 0, mlen = 0;
    test_drbg d;
    test_sha256_ctx h;

    if (!expected_pqclean(level, want))
        return;
    for (unsigned i = 0; i < 48; i++)
        entropy[i] = (uint8_t)i;
    test_drbg_init(&d, entropy);
    test_drbg_random(&d, seed, 48);
    test_drbg_random(&d, msg, 33);
    test_drbg_init(&d, seed);
    CHECK(qstp_mldsa_keypair(level, pk, sk, test_drbg_random, &d) == 0);
    test_drbg_random(&d, rnd, 32); /* hedged: the signer's one 32-byte draw */
    CHECK(qstp_mldsa_sign_attached(level, sm, &smlen, msg, 33, sk, rnd) == 0);
    CHECK(qstp_mldsa_open_attached(level, out, &mlen, sm, smlen, pk) == 0 && mlen == 33);

    test_sha256_init(&h);
    test_sha256_kat_int(&h, "count", 0);
    test_sha256_kat_bstr(&h, "seed", seed, 48);
    test_sha256_kat_int(&h, "mlen", 33);
    test_sha256_kat_bstr(&h, "msg", msg, 33);
    test_sha256_kat_bstr(&h, "pk", pk, qstp_mldsa_pk_size(level));
    test_sha256_kat_bstr(&h, "sk", sk, qstp_mldsa_sk_size(level));
    test_sha256_kat_int(&h, "smlen", smlen);
    test_sha256_kat_bstr(&h, "sm", sm, smlen);
    test_sha256_final(&h, got);
    CHECK_BYTES(got, want, 32, "pqclean nistkat-sha256");
}

/* ---- CCTV accumulated, 100 iterations (or 10 000 with --cctv-10k, the slow CI variant) ---- */

static int expected_cctv(unsigned level, unsigned iterations, uint8_t out[32])
{
    const char *path = test_vector_path("vectors/mldsa/cctv/accumulated_README.md");
    size_t len;
    char *text = path ? test_read_file(path, &len) : NULL;
    char head[32];
    int ok = 0;
    if (!text)
        return 0;
    snprintf(head, sizeof(head), "### ML-DSA-%u", level);
    char *at = strstr(text, head);
    char key[48];
    snprintf(key, sizeof(key), "- %s iterations: `", iterations == 100 ? "100" : "10 000");
    at = at ? strstr(at, key) : NULL;
    if (at) {
        char hex[65];
        memcpy(hex, at + strlen(key), 64);
        hex[64] = '\0';
        ok = test_hex_decode(out, 32, hex) == 32;
    }
    CHECK_MSG(ok, "no accumulated hash for ML-DSA-%u", level);
    free(text);
    return ok;
}

static void test_cctv(unsigned level, unsigned iterations)
{
    uint8_t want[32], got[32], seed[32];
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], sig[QSTP_MLDSA_SIG_MAX];
    qstp_keccak_state s, a;
    const size_t pkb = qstp_mldsa_pk_size(level), sigb = qstp_mldsa_sig_size(level);
    unsigned bad = 0;

    if (!expected_cctv(level, iterations, want))
        return;
    qstp_shake128_init(&s);
    qstp_shake128_init(&a);
    for (unsigned i = 0; i < iterations; i++) {
        qstp_shake_squeeze(&s, seed, 32);
        bad |= qstp_mldsa_keypair_seed(level, pk, sk, seed) != 0;
        qstp_shake_absorb(&a, pk, pkb);
        bad |= qstp_mldsa_sign(level, sig, (const uint8_t *)"", 0, NULL, 0, sk, NULL) != 0;
        qstp_shake_absorb(&a, sig, sigb);
        bad |= qstp_mldsa_verify(level, sig, sigb, (const uint8_t *)"", 0, NULL, 0, pk) != 0;
    }
    qstp_shake_squeeze(&a, got, 32);
    CHECK(bad == 0);
    CHECK_MSG(memcmp(got, want, 32) == 0, "cctv accumulated ML-DSA-%u, %u iterations", level,
              iterations);
}

/* The test's own SHA-384/512 against FIPS 180-4 examples ("abc", and two-block messages). */
static void test_sha2_helper(void)
{
    uint8_t d[64], want[64];
    kat_sha2_512(d, 64, (const uint8_t *)"abc", 3);
    test_hex_decode(want, 64, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    CHECK_BYTES(d, want, 64, "SHA-512(abc)");
    kat_sha2_512(d, 48, (const uint8_t *)"abc", 3);
    test_hex_decode(want, 48, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                              "8086072ba1e7cc2358baeca134c825a7");
    CHECK_BYTES(d, want, 48, "SHA-384(abc)");
    static const char m2[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                             "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    kat_sha2_512(d, 64, (const uint8_t *)m2, sizeof(m2) - 1);
    test_hex_decode(want, 64, "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
                              "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
    CHECK_BYTES(d, want, 64, "SHA-512(896-bit message)");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--cctv-10k") == 0) {
        for (unsigned i = 0; i < 3; i++)
            test_cctv(levels[i], 10000);
        return test_report();
    }
    test_sha2_helper();
    static const char *qsc[3] = {"vectors/mldsa/qsc-nist-format/dilithium-2544.rsp",
                                 "vectors/mldsa/qsc-nist-format/dilithium-4016.rsp",
                                 "vectors/mldsa/qsc-nist-format/dilithium-4880.rsp"};
    for (unsigned i = 0; i < 3; i++) {
        for (int hedged = 0; hedged < 2; hedged++) {
            for (int mode = 0; mode < 3; mode++)
                test_pqckat_file(levels[i], hedged, mode);
        }
        test_qsc_file(levels[i], qsc[i]);
        test_pqclean(levels[i]);
        test_cctv(levels[i], 100);
    }
    return test_report();
}
