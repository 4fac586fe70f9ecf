/* bench_sig: key generation, signing and verification time per signature parameter set, as
 * median and p99 microseconds (and TSC cycles), the stack one call uses, published anchors for
 * this machine kind and the ratio to the plain-C anchor (target for the portable code: <= 1.5x).
 *
 * Signing is timed the way QSTP signs (QSTP-WIRE §1.5, §8.6): a 32-byte hash, pure mode, empty
 * context, deterministic. The message changes on every call so the rejection-loop count varies
 * as it does in use (a fixed message would time one fixed path).
 *
 * Anchors (liboqs / mldsa-native on this machine kind, ML-DSA-87 sign only):
 *   AVX2: 132 us;  plain C: 738 us.
 *
 * Usage: bench_sig [filter]   -- only the rows whose name contains filter (e.g. "ML-DSA-87").
 * QSTP_NO_ASM=1 bench_sig   -- the portable C code only (compare with the plain-C anchor).
 *
 * ADDING A SIGNATURE SCHEME (e.g. the SLH-DSA rows): append entries to sigs[] below. Each has
 *   - name, the sizes (pk, sk, sig) and an opaque `param` passed back to the wrappers;
 *   - three wrappers with the sig_keypair_fn / sig_sign_fn / sig_verify_fn signatures below
 *     (sign gets a 32-byte message and must write at most sig_size bytes and set *siglen);
 *   - samples per operation {keygen, sign, verify} (SLH-DSA "s" signing: a handful, e.g. 5);
 *   - anchors in microseconds {keygen, sign, verify}, 0 where none is published.
 * bench/CMakeLists.txt already links modules mldsa and slhdsa; include your header under the
 * ML-DSA one. Every row is always built. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "crypto/cpu.h"
#include "crypto/keccak.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/slhdsa/slhdsa.h"

typedef int (*sig_keypair_fn)(unsigned param, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *rng_ctx);
typedef int (*sig_sign_fn)(unsigned param, uint8_t *sig, size_t *siglen, const uint8_t *msg,
                           size_t mlen, const uint8_t *sk);
typedef int (*sig_verify_fn)(unsigned param, const uint8_t *sig, size_t siglen, const uint8_t *msg,
                             size_t mlen, const uint8_t *pk);

typedef struct {
    const char *name;
    size_t pk_size, sk_size, sig_size;
    unsigned param;
    sig_keypair_fn keypair;
    sig_sign_fn sign;
    sig_verify_fn verify;
    size_t samples[3];        /* keygen, sign, verify */
    double anchor_c_us[3];    /* plain C anchor, 0 = none */
    double anchor_simd_us[3]; /* AVX2 anchor, 0 = none */
} sig_desc;

/* ---- ML-DSA wrappers (param = level) ---- */
static int mldsa_kp(unsigned level, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *ctx)
{
    return qstp_mldsa_keypair(level, pk, sk, rng, ctx);
}
static int mldsa_sg(unsigned level, uint8_t *sig, size_t *siglen, const uint8_t *msg, size_t mlen,
                    const uint8_t *sk)
{
    *siglen = qstp_mldsa_sig_size(level);
    return qstp_mldsa_sign(level, sig, msg, mlen, NULL, 0, sk, NULL);
}
static int mldsa_vf(unsigned level, const uint8_t *sig, size_t siglen, const uint8_t *msg,
                    size_t mlen, const uint8_t *pk)
{
    return qstp_mldsa_verify(level, sig, siglen, msg, mlen, NULL, 0, pk);
}

/* ---- SLH-DSA wrappers (param = qstp_slhdsa_param): pure, empty context, deterministic ---- */
static int slhdsa_kp(unsigned p, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *ctx)
{
    return qstp_slhdsa_keypair((qstp_slhdsa_param)p, pk, sk, rng, ctx);
}
static int slhdsa_sg(unsigned p, uint8_t *sig, size_t *siglen, const uint8_t *msg, size_t mlen,
                     const uint8_t *sk)
{
    *siglen = qstp_slhdsa_sig_size((qstp_slhdsa_param)p);
    return qstp_slhdsa_sign((qstp_slhdsa_param)p, sig, msg, mlen, NULL, 0, sk, NULL);
}
static int slhdsa_vf(unsigned p, const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t mlen,
                     const uint8_t *pk)
{
    return qstp_slhdsa_verify((qstp_slhdsa_param)p, sig, siglen, msg, mlen, NULL, 0, pk);
}

/* The same with the portable code forced (QSTP_NO_ASM=1 for the call), for the plain-C anchors. */
static void slhdsa_force_portable(int on)
{
    if (on)
        setenv("QSTP_NO_ASM", "1", 1);
    else
        unsetenv("QSTP_NO_ASM");
    qstp_cpu_refresh();
}
static int slhdsa_kp_c(unsigned p, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *ctx)
{
    slhdsa_force_portable(1);
    int rc = slhdsa_kp(p, pk, sk, rng, ctx);
    slhdsa_force_portable(0);
    return rc;
}
static int slhdsa_sg_c(unsigned p, uint8_t *sig, size_t *siglen, const uint8_t *msg, size_t mlen,
                       const uint8_t *sk)
{
    slhdsa_force_portable(1);
    int rc = slhdsa_sg(p, sig, siglen, msg, mlen, sk);
    slhdsa_force_portable(0);
    return rc;
}
static int slhdsa_vf_c(unsigned p, const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t mlen,
                       const uint8_t *pk)
{
    slhdsa_force_portable(1);
    int rc = slhdsa_vf(p, sig, siglen, msg, mlen, pk);
    slhdsa_force_portable(0);
    return rc;
}

/* ML-DSA through the precomputed signer (mldsa.h): "keygen" is keypair + signer_init (the
 * one-time expansion of the key), "sign" uses the signer. One static signer, set by keygen. */
static qstp_mldsa_signer bench_signer;
static int mldsa_signer_kp(unsigned level, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *ctx)
{
    int rc = qstp_mldsa_keypair(level, pk, sk, rng, ctx);
    return rc != 0 ? rc : qstp_mldsa_signer_init(&bench_signer, level, sk);
}
static int mldsa_signer_sg(unsigned level, uint8_t *sig, size_t *siglen, const uint8_t *msg,
                           size_t mlen, const uint8_t *sk)
{
    (void)sk;
    *siglen = qstp_mldsa_sig_size(level);
    return qstp_mldsa_signer_sign(&bench_signer, sig, msg, mlen, NULL, 0, NULL);
}

static const sig_desc sigs[] = {
    {"ML-DSA-44", 1312, 2560, 2420, 44, mldsa_kp, mldsa_sg, mldsa_vf, {1001, 2001, 2001},
     {0, 0, 0}, {0, 0, 0}},
    {"ML-DSA-65", 1952, 4032, 3309, 65, mldsa_kp, mldsa_sg, mldsa_vf, {1001, 2001, 2001},
     {0, 0, 0}, {0, 0, 0}},
    {"ML-DSA-87", 2592, 4896, 4627, 87, mldsa_kp, mldsa_sg, mldsa_vf, {1001, 2001, 2001},
     {0, 738.0, 0}, {0, 132.0, 0}},
    {"ML-DSA-87 signer", 2592, 4896, 4627, 87, mldsa_signer_kp, mldsa_signer_sg, mldsa_vf,
     {201, 2001, 2001}, {0, 738.0, 0}, {0, 132.0, 0}},
    /* SLH-DSA (FIPS 205, SHAKE). Anchors: sphincsplus reference "simple" on this machine kind,
     * 128s and 256s only: sign 1.21 s / 1.61 s plain C, 175 ms / 226 ms AVX2; verify 1.4-2.9 ms
     * plain C (taken as 1.4 ms for 128s, 2.9 ms for 256s). The plain rows run the dispatched
     * backend (8-way AVX-512, else 4-way AVX2 when the CPU has it) and carry the AVX2 anchor; the " C"
     * rows force the portable code and carry the plain-C anchor. */
    {"SLH-DSA-SHAKE-128s", 32, 64, 7856, QSTP_SLHDSA_SHAKE_128S, slhdsa_kp, slhdsa_sg, slhdsa_vf,
     {11, 7, 201}, {0, 0, 0}, {0, 175000.0, 0}},
    {"SLH-DSA-128s C", 32, 64, 7856, QSTP_SLHDSA_SHAKE_128S, slhdsa_kp_c, slhdsa_sg_c, slhdsa_vf_c,
     {5, 5, 201}, {0, 1210000.0, 1400.0}, {0, 0, 0}},
    {"SLH-DSA-SHAKE-128f", 32, 64, 17088, QSTP_SLHDSA_SHAKE_128F, slhdsa_kp, slhdsa_sg, slhdsa_vf,
     {101, 51, 201}, {0, 0, 0}, {0, 0, 0}},
    {"SLH-DSA-SHAKE-192s", 48, 96, 16224, QSTP_SLHDSA_SHAKE_192S, slhdsa_kp, slhdsa_sg, slhdsa_vf,
     {11, 5, 201}, {0, 0, 0}, {0, 0, 0}},
    {"SLH-DSA-SHAKE-192f", 48, 96, 35664, QSTP_SLHDSA_SHAKE_192F, slhdsa_kp, slhdsa_sg, slhdsa_vf,
     {101, 21, 201}, {0, 0, 0}, {0, 0, 0}},
    {"SLH-DSA-SHAKE-256s", 64, 128, 29792, QSTP_SLHDSA_SHAKE_256S, slhdsa_kp, slhdsa_sg, slhdsa_vf,
     {11, 7, 201}, {0, 0, 0}, {0, 226000.0, 0}},
    {"SLH-DSA-256s C", 64, 128, 29792, QSTP_SLHDSA_SHAKE_256S, slhdsa_kp_c, slhdsa_sg_c, slhdsa_vf_c,
     {5, 5, 201}, {0, 1610000.0, 2900.0}, {0, 0, 0}},
    {"SLH-DSA-SHAKE-256f", 64, 128, 49856, QSTP_SLHDSA_SHAKE_256F, slhdsa_kp, slhdsa_sg, slhdsa_vf,
     {51, 21, 201}, {0, 0, 0}, {0, 0, 0}},
};

typedef struct {
    const sig_desc *sig;
    uint8_t *pk, *sk, *s;
    size_t siglen;
    uint8_t msg[32];
    uint64_t rng, counter;
    int failed;
} sig_ctx;

static void op_keygen(void *arg)
{
    sig_ctx *c = (sig_ctx *)arg;
    c->failed |= c->sig->keypair(c->sig->param, c->pk, c->sk, bench_splitmix_rng, &c->rng) != 0;
    bench_keep(c->pk);
}
static void op_sign(void *arg)
{
    sig_ctx *c = (sig_ctx *)arg;
    c->counter++; /* a fresh "hash" each call */
    memcpy(c->msg, &c->counter, sizeof(c->counter));
    c->failed |= c->sig->sign(c->sig->param, c->s, &c->siglen, c->msg, sizeof(c->msg), c->sk) != 0;
    bench_keep(c->s);
}
static void op_verify(void *arg)
{
    sig_ctx *c = (sig_ctx *)arg;
    c->failed |= c->sig->verify(c->sig->param, c->s, c->siglen, c->msg, sizeof(c->msg), c->pk) != 0;
    bench_keep(c);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    static const char *const cols[] = {"parameter set / operation", "median", "cycles", "p99",
                                       "stack", "C anchor", "ratio to C", "AVX2 anchor"};
    static const char *const opname[3] = {"keygen", "sign", "verify"};
    static const bench_fn ops[3] = {op_keygen, op_sign, op_verify};
    bench_table t;
    int status = 0;
    long mldsa87_sign_stack = -1;
    long slh256s_sign_stack = -1;
    double slh_simd_sign_ns[2] = {0, 0}; /* 128s, 256s, dispatched backend */

    printf("backend: %s\n", qstp_cpu_has_avx2() ? "AVX2 (ML-DSA NTT, Keccak as crypto/keccak.c dispatches)"
                                                 : "portable C (QSTP_NO_ASM=1 or no AVX2)");
    bench_table_begin(&t, "Signature timings (median per call; anchors: liboqs/mldsa-native, this machine kind)",
                      cols, 8);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        const sig_desc *sig = &sigs[i];
        if (filter != NULL && strstr(sig->name, filter) == NULL)
            continue;
        sig_ctx c = {sig, malloc(sig->pk_size), malloc(sig->sk_size), malloc(sig->sig_size), 0,
                     {0}, 0x5167ab1eULL + i, 0, 0};
        if (c.pk == NULL || c.sk == NULL || c.s == NULL) {
            fprintf(stderr, "%s: out of memory\n", sig->name);
            return 1;
        }
        op_keygen(&c);
        op_sign(&c);
        for (int op = 0; op < 3; op++) {
            bench_stats st;
            long stack;
            /* keygen replaced the keys: sign again once it is timed, for the verify row */
            if (bench_op_row(&t, sig->name, opname[op], ops[op], &c, sig->samples[op],
                             op == 0 ? op_sign : NULL, sig->anchor_c_us[op], sig->anchor_simd_us[op],
                             &st, &stack) != 0)
                return 1;
            if (op == 1 && sig->param == 87 && sig->sign == mldsa_sg)
                mldsa87_sign_stack = stack;
            if (op == 1 && sig->param == QSTP_SLHDSA_SHAKE_256S && sig->sign == slhdsa_sg)
                slh256s_sign_stack = stack;
            if (op == 1 && sig->sign == slhdsa_sg && sig->param == QSTP_SLHDSA_SHAKE_128S)
                slh_simd_sign_ns[0] = st.median_ns;
            if (op == 1 && sig->sign == slhdsa_sg && sig->param == QSTP_SLHDSA_SHAKE_256S)
                slh_simd_sign_ns[1] = st.median_ns;
        }
        if (c.failed) {
            fprintf(stderr, "%s: an operation failed\n", sig->name);
            status = 1;
        }
        free(c.pk);
        free(c.sk);
        free(c.s);
    }
    bench_table_end(&t);
    printf("ratio to C = our median / plain-C anchor; target <= 1.50x for the portable code.\n");
    if (mldsa87_sign_stack >= 0) {
        char e[32];
        printf("ML-DSA-87 sign peak stack: %s (%ld bytes; budget 64 KiB = 65536 bytes) %s\n",
               bench_fmt_bytes(e, mldsa87_sign_stack), mldsa87_sign_stack,
               mldsa87_sign_stack < 65536 ? "OK" : "OVER BUDGET");
        if (mldsa87_sign_stack >= 65536)
            status = 1;
    }
    for (int i = 0; i < 2; i++) {
        static const double anchor_ns[2] = {175e6, 226e6};
        char a[32], r[32];
        if (slh_simd_sign_ns[i] > 0)
            printf("SLH-DSA-SHAKE-%s sign, hash backend %s: %s = %s the AVX2 anchor\n", i == 0 ? "128s" : "256s",
                   qstp_keccak_x8_native() ? "x8 AVX-512" : qstp_cpu_has_avx2() ? "x4 AVX2" : "portable",
                   bench_fmt_ns(a, slh_simd_sign_ns[i]), bench_fmt_ratio(r, slh_simd_sign_ns[i] / anchor_ns[i]));
    }
    if (slh256s_sign_stack >= 0) {
        char e[32];
        printf("SLH-DSA-SHAKE-256s sign peak stack: %s (%ld bytes)\n", bench_fmt_bytes(e, slh256s_sign_stack),
               slh256s_sign_stack);
    }
    return status;
}
