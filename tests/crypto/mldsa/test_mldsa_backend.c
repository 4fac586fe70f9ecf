/* The AVX2 polynomial backend (src/crypto/mldsa/mldsa_poly_avx2.c) against the portable one:
 * identical outputs of NTT, inverse NTT and the pointwise products on random inputs over the
 * whole documented input ranges (and their extremes), the same for the coefficient-wise helpers
 * (add, sub, reduce32, freeze, norm check), the one-reduction matrix product, the sparse c * s
 * product, the 20-bit BitUnpack and BitPack, and Decompose / MakeHint / UseHint (Decompose
 * boundaries and the wrap-around at q - 1 included), the 23-bit packed A^ (layout against a
 * bit-by-bit reference, round trip, AVX2 unpack and fused product-accumulate), the AVX2
 * RejNTTPoly filter, s as bytes straight from its eta = 2 encoding, the packed ExpandMask bytes
 * against the polynomial sampler, the AVX2 and four-way RejBoundedPoly, the eight-way ExpandA
 * sampler and the batched A^ walk against one-entry sampling, and
 * identical signatures from the dispatching API with the backend switched by QSTP_NO_ASM. On a
 * CPU without AVX2 only the portable half runs and the test says so. No vector file. */
#include <stdlib.h>
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mldsa/mldsa_apack.h"
#include "crypto/mldsa/mldsa_pack.h"
#include "crypto/mldsa/mldsa_params.h"
#include "crypto/mldsa/mldsa_poly_backend.h"
#include "crypto/mldsa/mldsa_sample.h"
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

/* One-reduction matrix product (matrix_mul_expanded of the signer): the backends agree on A^
 * entries in [0, q) (the extremes included) times |v| < 9q for every shape k x n up to 8 x 7, and
 * each row is congruent mod q to the chain of pointwise products it replaces. */
static void compare_matrix(void)
{
    static qstp_mldsa_poly a[8 * 7], b[7], x[8], y[8];
    uint64_t s = 99;
    unsigned bad = 0, bad_mod = 0;
    for (unsigned t = 0; t < 120; t++) {
        const unsigned n = 1 + t % 7, k = 1 + (t / 7) % 8;
        qstp_mldsa_poly z;
        for (unsigned e = 0; e < k * n; e++)
            for (unsigned i = 0; i < MLDSA_N; i++)
                a[e].c[i] = (t % 13 == 0) ? Q - 1 : (int32_t)(test_prng_u64(&s) % Q);
        for (unsigned j = 0; j < n; j++)
            for (unsigned i = 0; i < MLDSA_N; i++)
                b[j].c[i] = (t % 13 == 0) ? ((i & 1) ? 9 * Q - 1 : -(9 * Q - 1))
                                          : (int32_t)(test_prng_u64(&s) % (18u * Q - 1)) - (9 * Q - 1);
        qstp_mldsa_poly_matrix_montgomery_portable(x, a, b, k, n);
        qstp_mldsa_poly_matrix_montgomery_avx2(y, a, b, k, n);
        bad += memcmp(x, y, k * sizeof(x[0])) != 0;
        for (unsigned r = 0; r < k; r++) {
            qstp_mldsa_poly_pointwise_montgomery_portable(&z, &a[r * n], &b[0]);
            for (unsigned j = 1; j < n; j++)
                qstp_mldsa_poly_pointwise_acc_montgomery_portable(&z, &a[r * n + j], &b[j]);
            for (unsigned i = 0; i < MLDSA_N; i++) {
                bad_mod += ((int64_t)x[r].c[i] - z.c[i]) % Q != 0;
                bad_mod += x[r].c[i] <= -Q || x[r].c[i] >= Q; /* documented output bound */
            }
        }
    }
    CHECK_MSG(bad == 0, "matrix product differs in %u of 120 shapes", bad);
    CHECK_MSG(bad_mod == 0, "matrix rows not congruent to the pointwise chain (or out of range) %u times", bad_mod);
}

/* Sparse c * s (the signer's c s1, c s2 for beta <= 127): both backends equal, and equal mod q to
 * the NTT product, for random challenges (tau = 39 and 60 nonzeros) and short s (|s| <= 2), and
 * for the worst case (every term +2 or -2 landing on one coefficient: |c s| = 120). */
static void compare_sparse(void)
{
    static int8_t ext[2 * MLDSA_N];
    uint64_t st = 5;
    unsigned bad = 0, bad_ntt = 0;
    int32_t maxabs = 0;
    for (unsigned t = 0; t < 400; t++) {
        qstp_mldsa_poly c, sp, x, y, ch, sh;
        uint8_t pos[MLDSA_N];
        unsigned nplus, n;
        const unsigned tau = ((t & 1) || t % 10 == 0) ? 60 : 39;
        memset(&c, 0, sizeof c);
        for (unsigned k = 0; k < tau;) {
            const unsigned i = (unsigned)(test_prng_u64(&st) % MLDSA_N);
            if (c.c[i] != 0)
                continue;
            c.c[i] = (t % 10 == 0) ? 1 : ((test_prng_u64(&st) & 1) ? 1 : -1);
            k++;
        }
        for (unsigned i = 0; i < MLDSA_N; i++)
            sp.c[i] = (t % 10 == 0) ? 2 : (int32_t)(test_prng_u64(&st) % 5) - 2;
        if (t % 20 == 0) /* alternate signs of s so that sign(c_j) s[i - j] lines up too */
            for (unsigned i = 0; i < MLDSA_N; i++)
                sp.c[i] = (i & 1) ? -2 : 2;
        qstp_mldsa_poly_sparse_ext(ext, &sp);
        n = qstp_mldsa_poly_challenge_positions(pos, &nplus, &c);
        bad += n != tau;
        qstp_mldsa_poly_sparse_mul_small_portable(&x, ext, pos, nplus, n);
        qstp_mldsa_poly_sparse_mul_small_avx2(&y, ext, pos, nplus, n);
        bad += memcmp(&x, &y, sizeof(x)) != 0;
        ch = c, sh = sp;
        qstp_mldsa_poly_ntt_portable(&ch);
        qstp_mldsa_poly_ntt_portable(&sh);
        qstp_mldsa_poly_pointwise_montgomery_portable(&y, &ch, &sh);
        qstp_mldsa_poly_invntt_tomont_portable(&y);
        for (unsigned i = 0; i < MLDSA_N; i++) {
            bad_ntt += ((int64_t)x.c[i] - y.c[i]) % Q != 0;
            if (x.c[i] > maxabs || -x.c[i] > maxabs)
                maxabs = x.c[i] > 0 ? x.c[i] : -x.c[i];
        }
    }
    CHECK_MSG(bad == 0, "sparse product: backends differ (or wrong count) %u times", bad);
    CHECK_MSG(bad_ntt == 0, "sparse product differs from the NTT product in %u coefficients", bad_ntt);
    CHECK_MSG(maxabs == 120, "worst case reached |c s| = %d, expected 120", (int)maxabs);
}

/* 20-bit BitUnpack (ExpandMask, z): the AVX2 version against a bit-by-bit reference written
 * here, on random bytes and on all-ones / all-zeros (the extremes gamma1 - (2^20 - 1), gamma1). */
static void compare_bitunpack20(void)
{
    static uint8_t in[640];
    uint64_t st = 11;
    unsigned bad = 0;
    for (unsigned t = 0; t < 200; t++) {
        qstp_mldsa_poly x;
        if (t == 0 || t == 1)
            memset(in, t == 0 ? 0xFF : 0x00, sizeof in);
        else
            test_prng_bytes(&st, in, sizeof in);
        qstp_mldsa_bitunpack20_avx2(&x, in, 1 << 19);
        for (unsigned i = 0; i < MLDSA_N; i++) {
            uint32_t v = 0;
            for (unsigned k = 0; k < 20; k++)
                v |= (uint32_t)((in[(20 * i + k) / 8] >> ((20 * i + k) % 8)) & 1) << k;
            bad += x.c[i] != (1 << 19) - (int32_t)v;
        }
    }
    CHECK_MSG(bad == 0, "20-bit BitUnpack differs in %u coefficients", bad);
}

/* 20-bit BitPack (z): the AVX2 version against a bit-by-bit reference written here, on z over
 * the whole range (-gamma1, gamma1] and its ends, and the round trip through the AVX2 unpack. */
static void compare_bitpack20(void)
{
    static uint8_t got[640 + 16], want[640];
    uint64_t st = 12;
    unsigned bad = 0;
    for (unsigned t = 0; t < 200; t++) {
        qstp_mldsa_poly z, back;
        for (unsigned i = 0; i < MLDSA_N; i++) {
            const int32_t r = (int32_t)(test_prng_u64(&st) % (1u << 20)) - (1 << 19) + 1;
            z.c[i] = t == 0 ? (1 << 19) : t == 1 ? -(1 << 19) + 1 : r;
        }
        memset(want, 0, sizeof want);
        for (unsigned i = 0; i < MLDSA_N; i++) {
            const uint32_t v = (uint32_t)((1 << 19) - z.c[i]) & 0xFFFFF;
            for (unsigned k = 0; k < 20; k++)
                want[(20 * i + k) / 8] |= (uint8_t)(((v >> k) & 1) << ((20 * i + k) % 8));
        }
        memset(got, 0xEE, sizeof got);
        qstp_mldsa_bitpack20_avx2(got, &z, 1 << 19);
        bad += memcmp(got, want, 640) != 0;
        for (unsigned i = 640; i < sizeof got; i++)
            bad += got[i] != 0xEE; /* nothing written past the 640 bytes */
        qstp_mldsa_bitunpack20_avx2(&back, got, 1 << 19);
        bad += memcmp(&back, &z, sizeof z) != 0;
    }
    CHECK_MSG(bad == 0, "20-bit BitPack differs %u times", bad);
}

/* Uniform in [lo, hi]. */
static int32_t rand_range(uint64_t *s, int64_t lo, int64_t hi)
{
    return (int32_t)(lo + (int64_t)(test_prng_u64(s) % (uint64_t)(hi - lo + 1)));
}

/* A value in [0, q) near a Decompose boundary: multiples of 2 gamma2 (+-1, +-gamma2) and q - 1. */
static int32_t edge_value(uint64_t *s, int32_t gamma2)
{
    const int32_t m = (Q - 1) / (2 * gamma2);
    const int32_t k = rand_range(s, 0, m);
    int32_t v = k * 2 * gamma2 + rand_range(s, -2, 2) + (test_prng_u64(s) & 1 ? gamma2 : 0);
    if (test_prng_u64(s) % 8 == 0)
        v = Q - 1 - rand_range(s, 0, 3);
    return v < 0 ? 0 : (v >= Q ? Q - 1 : v);
}

/* UseHint: AVX2 against portable, both gamma2, w in [0, q) near the Decompose boundaries and
 * uniform, hints 0/1. */
static void compare_use_hint(void)
{
    static const int32_t gamma2s[2] = {(Q - 1) / 88, (Q - 1) / 32};
    uint64_t st = 4040;
    unsigned bad = 0, changed = 0;
    for (unsigned t = 0; t < 400; t++) {
        const int32_t g2 = gamma2s[t % 2];
        qstp_mldsa_poly w, h, x, y;
        for (unsigned i = 0; i < MLDSA_N; i++) {
            w.c[i] = t % 4 < 2 ? edge_value(&st, g2) : rand_range(&st, 0, Q - 1);
            h.c[i] = (int32_t)(test_prng_u64(&st) & 1);
        }
        qstp_mldsa_poly_use_hint_portable(g2, &x, &w, &h);
        qstp_mldsa_poly_use_hint_avx2(g2, &y, &w, &h);
        bad += memcmp(&x, &y, sizeof x) != 0;
        qstp_mldsa_poly_decompose_portable(g2, &y, NULL, &w);
        changed += memcmp(&x, &y, sizeof x) != 0;
    }
    CHECK_MSG(bad == 0, "use_hint differs in %u of 400", bad);
    CHECK(changed == 400); /* the hints did change high bits */
}

/* The coefficient-wise helpers and the rounding functions (mldsa_coeff_avx2.c). */
static void compare_coeff(void)
{
    static const int32_t gamma2s[2] = {(Q - 1) / 88, (Q - 1) / 32};
    uint64_t s = 77;
    unsigned bad_add = 0, bad_sub = 0, bad_red = 0, bad_frz = 0, bad_norm = 0, bad_dec = 0, bad_hint = 0;
    unsigned norm_hits = 0, hint_total = 0;
    for (unsigned t = 0; t < 2000; t++) {
        qstp_mldsa_poly a, b, x, y, x0, y0;
        /* add, sub: |.| < 2^30 */
        for (unsigned i = 0; i < MLDSA_N; i++) {
            a.c[i] = rand_range(&s, -(1 << 30) + 1, (1 << 30) - 1);
            b.c[i] = rand_range(&s, -(1 << 30) + 1, (1 << 30) - 1);
        }
        qstp_mldsa_poly_add_portable(&x, &a, &b);
        qstp_mldsa_poly_add_avx2(&y, &a, &b);
        bad_add += memcmp(&x, &y, sizeof(x)) != 0;
        qstp_mldsa_poly_sub_portable(&x, &a, &b);
        qstp_mldsa_poly_sub_avx2(&y, &a, &b);
        bad_sub += memcmp(&x, &y, sizeof(x)) != 0;
        /* reduce32, freeze: the whole documented input range, a <= 2^31 - 2^22 - 1 */
        for (unsigned i = 0; i < MLDSA_N; i++)
            a.c[i] = (t % 17 == 0) ? ((i & 1) ? INT32_MIN : INT32_MAX - (1 << 22))
                                   : rand_range(&s, INT32_MIN, INT32_MAX - (1 << 22));
        x = a, y = a;
        qstp_mldsa_poly_reduce_portable(&x);
        qstp_mldsa_poly_reduce_avx2(&y);
        bad_red += memcmp(&x, &y, sizeof(x)) != 0;
        x = a, y = a;
        qstp_mldsa_poly_freeze_portable(&x);
        qstp_mldsa_poly_freeze_avx2(&y);
        bad_frz += memcmp(&x, &y, sizeof(x)) != 0;
        /* chknorm: reduce32 outputs, bounds up to (q-1)/8; half the polynomials stay just inside
         * the bound, the other half get one coefficient at +-bound somewhere. */
        {
            const int32_t bound = rand_range(&s, 1, (Q - 1) / 8);
            for (unsigned i = 0; i < MLDSA_N; i++)
                a.c[i] = rand_range(&s, -(bound - 1), bound - 1);
            if (t & 1)
                a.c[test_prng_u64(&s) % MLDSA_N] = (test_prng_u64(&s) & 1) ? bound : -bound;
            const unsigned r1 = qstp_mldsa_poly_chknorm_portable(&a, bound);
            const unsigned r2 = qstp_mldsa_poly_chknorm_avx2(&a, bound);
            bad_norm += r1 != r2 || r1 != (t & 1);
            norm_hits += r2;
            for (unsigned i = 0; i < MLDSA_N; i++) /* any reduce32 output */
                a.c[i] = rand_range(&s, -6283008, 6283008);
            bad_norm += qstp_mldsa_poly_chknorm_portable(&a, bound) != qstp_mldsa_poly_chknorm_avx2(&a, bound);
        }
        /* Decompose, MakeHint: inputs in [0, q), many at the boundaries, both gamma2. */
        const int32_t g2 = gamma2s[t & 1];
        for (unsigned i = 0; i < MLDSA_N; i++) {
            a.c[i] = (i % 3 == 0) ? edge_value(&s, g2) : rand_range(&s, 0, Q - 1);
            b.c[i] = (i % 4 == 0) ? a.c[i] : (i % 4 == 1) ? edge_value(&s, g2) : rand_range(&s, 0, Q - 1);
        }
        qstp_mldsa_poly_decompose_portable(g2, &x, &x0, &a);
        qstp_mldsa_poly_decompose_avx2(g2, &y, &y0, &a);
        bad_dec += memcmp(&x, &y, sizeof(x)) != 0 || memcmp(&x0, &y0, sizeof(x0)) != 0;
        qstp_mldsa_poly_decompose_avx2(g2, &y, NULL, &a);
        bad_dec += memcmp(&x, &y, sizeof(x)) != 0;
        const unsigned h1 = qstp_mldsa_poly_make_hint_portable(g2, &x, &a, &b);
        const unsigned h2 = qstp_mldsa_poly_make_hint_avx2(g2, &y, &a, &b);
        bad_hint += h1 != h2 || memcmp(&x, &y, sizeof(x)) != 0;
        hint_total += h2;
    }
    CHECK_MSG(bad_add == 0, "add differs in %u of 2000", bad_add);
    CHECK_MSG(bad_sub == 0, "sub differs in %u of 2000", bad_sub);
    CHECK_MSG(bad_red == 0, "reduce differs in %u of 2000", bad_red);
    CHECK_MSG(bad_frz == 0, "freeze differs in %u of 2000", bad_frz);
    CHECK_MSG(bad_norm == 0, "chknorm differs (or misjudges) in %u cases", bad_norm);
    CHECK_MSG(bad_dec == 0, "decompose differs in %u cases", bad_dec);
    CHECK_MSG(bad_hint == 0, "make_hint differs in %u of 2000", bad_hint);
    /* The inputs did exercise both outcomes. */
    CHECK(norm_hits > 0 && norm_hits < 2000);
    CHECK(hint_total > 0);
}
#endif

/* Keygen, hedged sign and verify through the public API with the backend chosen by env. */
static void run_api(uint8_t *pk, uint8_t *sig, unsigned level, const uint8_t xi[32])
{
    uint8_t sk[QSTP_MLDSA_SK_MAX], rnd[32] = {1, 2, 3}, msg[32] = {9};
    CHECK(qstp_mldsa_keypair_seed(level, pk, sk, xi) == 0);
    CHECK(qstp_mldsa_sign(level, sig, msg, 32, NULL, 0, sk, rnd) == 0);
    CHECK(qstp_mldsa_verify(level, sig, qstp_mldsa_sig_size(level), msg, 32, NULL, 0, pk) == 0);
    /* The precomputed signer (the server's path) signs the same bytes on this backend. */
    static qstp_mldsa_signer signer;
    uint8_t sig2[QSTP_MLDSA_SIG_MAX];
    CHECK(qstp_mldsa_signer_init(&signer, level, sk) == 0);
    CHECK(qstp_mldsa_signer_sign(&signer, sig2, msg, 32, NULL, 0, rnd) == 0);
    CHECK_BYTES(sig, sig2, qstp_mldsa_sig_size(level), "precomputed signer vs one-shot");
    qstp_mldsa_signer_wipe(&signer);
}

/* 23-bit packed A^ (mldsa_apack.h): the packed bits against a bit-by-bit reference, the round
 * trip, and (with AVX2) the AVX2 pack, unpack and fused acc against the portable ones, on random
 * values in [0, 2^23) and the extremes 0, q - 1 and 2^23 - 1. */
static void check_a23(void)
{
    static uint8_t packed[MLDSA_A23_BYTES];
    uint64_t st = 23;
    unsigned bad_bits = 0, bad_rt = 0, bad_avx = 0, bad_acc = 0;
    for (unsigned t = 0; t < 300; t++) {
        qstp_mldsa_poly a, u, b, c1, c2;
        for (unsigned i = 0; i < MLDSA_N; i++) {
            const uint32_t r = (uint32_t)test_prng_u64(&st);
            a.c[i] = t == 0 ? 0 : t == 1 ? 0x7FFFFF : t == 2 ? Q - 1 : (int32_t)(r & 0x7FFFFF);
        }
        qstp_mldsa_pack_a23_portable(packed, &a);
#if defined(QSTP_MLDSA_HAVE_A23_AVX2)
        if (qstp_cpu_has_avx2()) {
            static uint8_t packed2[MLDSA_A23_BYTES + 8];
            memset(packed2, 0xEE, sizeof packed2);
            qstp_mldsa_pack_a23_avx2(packed2, &a);
            bad_avx += memcmp(packed2, packed, MLDSA_A23_BYTES) != 0;
            for (unsigned i = MLDSA_A23_BYTES; i < sizeof packed2; i++)
                bad_avx += packed2[i] != 0xEE; /* nothing written past the entry */
        }
#endif
        for (unsigned i = 0; i < MLDSA_N; i++) {
            uint32_t v = 0;
            for (unsigned k = 0; k < 23; k++)
                v |= (uint32_t)((packed[(23 * i + k) / 8] >> ((23 * i + k) % 8)) & 1) << k;
            bad_bits += v != (uint32_t)a.c[i];
        }
        qstp_mldsa_unpack_a23_portable(&u, packed);
        bad_rt += memcmp(&u, &a, sizeof(u)) != 0;
#if defined(QSTP_MLDSA_HAVE_A23_AVX2)
        if (qstp_cpu_has_avx2()) {
            memset(&u, 0, sizeof(u));
            qstp_mldsa_unpack_a23_avx2(&u, packed);
            bad_avx += memcmp(&u, &a, sizeof(u)) != 0;
            for (unsigned i = 0; i < MLDSA_N; i++)
                a.c[i] %= Q; /* the product wants A^ in [0, q) */
            qstp_mldsa_pack_a23(packed, &a);
            if (t % 17 == 3)
                extreme_poly(&b, &st, 9 * Q);
            else
                random_poly(&b, &st, 9 * Q);
            random_poly(&c1, &st, 6 * Q);
            c2 = c1;
            qstp_mldsa_poly_acc_a23_montgomery_portable(&c1, packed, &b);
            qstp_mldsa_poly_acc_a23_montgomery_avx2(&c2, packed, &b);
            bad_acc += memcmp(&c1, &c2, sizeof(c1)) != 0;
            qstp_mldsa_unpack_a23_portable(&u, packed);
            c2 = c1;
            qstp_mldsa_poly_pointwise_acc_montgomery_portable(&c2, &u, &b);
            qstp_mldsa_poly_acc_a23_montgomery_portable(&c1, packed, &b);
            bad_acc += memcmp(&c1, &c2, sizeof(c1)) != 0;
        }
#endif
    }
    CHECK_MSG(bad_bits == 0, "23-bit packing layout wrong in %u coefficients", bad_bits);
    CHECK_MSG(bad_rt == 0, "23-bit pack/unpack round trip failed %u times", bad_rt);
    CHECK_MSG(bad_avx == 0, "23-bit AVX2 pack or unpack differs %u times", bad_avx);
    CHECK_MSG(bad_acc == 0, "packed-A product-accumulate differs %u times", bad_acc);
}

#if defined(QSTP_MLDSA_HAVE_REJ_AVX2)
/* The AVX2 RejNTTPoly filter against the rule written here (Alg. 14: 23 bits, < q kept), on
 * random bytes with a tunable share of rejected candidates (top byte forced to 0x7F/0xFF), from
 * several starting counts (the scalar tail near 256 included). */
static void check_rej_avx2(void)
{
    static uint8_t buf[168 + 8];
    uint64_t st = 5;
    unsigned bad = 0, rejected = 0;
    for (unsigned t = 0; t < 400; t++) {
        static const unsigned starts[6] = {0, 1, 200, 247, 250, 255};
        const unsigned n0 = starts[t % 6];
        qstp_mldsa_poly got, want;
        test_prng_bytes(&st, buf, sizeof buf);
        for (unsigned i = 2; i < 168; i += 3)
            if (test_prng_u64(&st) % 4 < t % 4) { /* 0 to 3 in 4 candidates pushed to >= q */
                buf[i] |= 0x7F;
                buf[i - 1] = 0xFF;
            }
        memset(&got, 0x55, sizeof got);
        want = got;
        unsigned nw = n0;
        for (unsigned i = 0; i + 3 <= 168 && nw < MLDSA_N; i += 3) {
            uint32_t v = buf[i] | (uint32_t)buf[i + 1] << 8 | (uint32_t)(buf[i + 2] & 0x7F) << 16;
            if (v < (uint32_t)Q)
                want.c[nw++] = (int32_t)v;
            else
                rejected++;
        }
        unsigned ng = qstp_mldsa_rej_ntt_avx2(got.c, n0, buf, 168);
        bad += ng != nw || memcmp(got.c, want.c, sizeof(int32_t) * nw) != 0;
    }
    CHECK_MSG(bad == 0, "AVX2 RejNTTPoly filter differs %u times", bad);
    CHECK(rejected > 1000);
}

/* The AVX2 RejBoundedPoly filter (it stops while eight outputs fit and reports the bytes it
 * used) against Alg. 31/15 written here, eta 2 and 4, several starting counts. */
static void check_rej_eta_avx2(void)
{
    static uint8_t buf[136];
    uint64_t st = 6;
    unsigned bad = 0;
    for (unsigned t = 0; t < 400; t++) {
        static const unsigned starts[5] = {0, 3, 120, 240, 249};
        const unsigned eta = t % 2 ? 4 : 2, n0 = starts[t % 5];
        qstp_mldsa_poly got, want;
        test_prng_bytes(&st, buf, sizeof buf);
        memset(&got, 0x55, sizeof got);
        want = got;
        size_t used = 0;
        const unsigned ng = qstp_mldsa_rej_eta_avx2(got.c, n0, buf, sizeof buf, eta, &used);
        /* Reference over the bytes the AVX2 loop consumed. */
        unsigned nw = n0;
        for (size_t i = 0; i < used; i++) {
            for (unsigned h = 0; h < 2; h++) {
                const int32_t z = (buf[i] >> (4 * h)) & 15;
                if (eta == 2 && z < 15)
                    want.c[nw++] = 2 - z % 5;
                else if (eta == 4 && z < 9)
                    want.c[nw++] = 4 - z;
            }
        }
        bad += used % 4 != 0 || ng != nw || nw > MLDSA_N ||
               memcmp(got.c, want.c, sizeof(int32_t) * nw) != 0;
        /* It went as far as it may: the buffer is used up or fewer than 8 outputs would fit. */
        bad += !(used == sizeof buf || ng + 8 > MLDSA_N);
    }
    CHECK_MSG(bad == 0, "AVX2 RejBoundedPoly filter differs %u times", bad);
}
#endif

/* ext straight from an eta = 2 encoding: portable and AVX2 against unpack_eta + sparse_ext, and
 * the malformed-key verdict (a 3-bit value 5, 6 or 7 anywhere) against unpack_eta's. */
static void check_eta2_ext(void)
{
    const qstp_mldsa_params *p = qstp_mldsa_params_get(87);
    static uint8_t in[96];
    static int8_t want[2 * MLDSA_N], got[2 * MLDSA_N];
    uint64_t st = 77;
    unsigned bad = 0, nbad = 0;
    for (unsigned t = 0; t < 300; t++) {
        qstp_mldsa_poly s;
        /* Valid encodings (values 0..4) most of the time; every third one fully random. */
        for (unsigned i = 0; i < 96; i += 3) {
            uint32_t v = 0;
            for (unsigned m = 0; m < 8; m++)
                v |= (uint32_t)(t % 3 == 2 ? test_prng_u64(&st) % 8 : test_prng_u64(&st) % 5) << (3 * m);
            in[i] = (uint8_t)v;
            in[i + 1] = (uint8_t)(v >> 8);
            in[i + 2] = (uint8_t)(v >> 16);
        }
        if (t == 0)
            in[95] = 0xA0; /* last value 5: only the very last coefficient is out of range */
        const unsigned vw = qstp_mldsa_unpack_eta(&s, in, p);
        qstp_mldsa_poly_sparse_ext(want, &s);
        nbad += vw;
        unsigned vg = qstp_mldsa_sparse_ext_eta2_portable(got, in);
        bad += vg != vw || memcmp(got, want, sizeof got) != 0;
#if defined(QSTP_MLDSA_HAVE_AVX2)
        if (qstp_cpu_has_avx2()) {
            memset(got, 0, sizeof got);
            vg = qstp_mldsa_sparse_ext_eta2_avx2(got, in);
            bad += vg != vw || memcmp(got, want, sizeof got) != 0;
        }
#endif
    }
    CHECK_MSG(bad == 0, "eta-2 ext differs (or misjudges the key) %u times", bad);
    CHECK(nbad > 90 && nbad < 120);
}

/* t0 encoding: the whole-word unpack against a bit-by-bit reading of pack_t0's output (13-bit
 * 2^12 - t0), over (-2^12, 2^12] and its ends. */
static void check_t0(void)
{
    static uint8_t enc[MLDSA_POLYT0_BYTES];
    uint64_t st = 13;
    unsigned bad = 0;
    for (unsigned t = 0; t < 200; t++) {
        qstp_mldsa_poly a, b;
        for (unsigned i = 0; i < MLDSA_N; i++)
            a.c[i] = t == 0 ? 4096 : t == 1 ? -4095 : (int32_t)(test_prng_u64(&st) % 8192) - 4095;
        qstp_mldsa_pack_t0(enc, &a);
        for (unsigned i = 0; i < MLDSA_N; i++) {
            uint32_t v = 0;
            for (unsigned k = 0; k < 13; k++)
                v |= (uint32_t)((enc[(13 * i + k) / 8] >> ((13 * i + k) % 8)) & 1) << k;
            bad += (int32_t)v != 4096 - a.c[i];
        }
        qstp_mldsa_unpack_t0(&b, enc);
        bad += memcmp(&a, &b, sizeof a) != 0;
    }
    CHECK_MSG(bad == 0, "t0 encoding round trip failed %u times", bad);
}

/* The packed ExpandMask bytes (one-way and four-way) unpack to the polynomial sampler's y, for
 * both gamma1 widths (ML-DSA-44: 18 bits, -87: 20 bits). */
static void check_mask_bytes(void)
{
    static const unsigned levels[2] = {44, 87};
    uint8_t rhopp[MLDSA_CRH_BYTES];
    uint64_t st = 99;
    test_prng_bytes(&st, rhopp, sizeof rhopp);
    for (unsigned li = 0; li < 2; li++) {
        const qstp_mldsa_params *p = qstp_mldsa_params_get(levels[li]);
        static uint8_t bytes[4][640];
        uint8_t *const out[4] = {bytes[0], bytes[1], bytes[2], bytes[3]};
        const uint16_t nonces[4] = {0, 1, 7, 0x1234};
        qstp_mldsa_poly y, z;
        unsigned bad = 0;
        qstp_mldsa_sample_mask_bytes_x4(out, p, rhopp, nonces);
        for (unsigned i = 0; i < 4; i++) {
            qstp_mldsa_sample_mask(&y, p, rhopp, nonces[i]);
            qstp_mldsa_bitunpack(&z, bytes[i], p->gamma1_bits, p->gamma1);
            bad += memcmp(&y, &z, sizeof(y)) != 0;
            memset(bytes[i], 0, sizeof(bytes[i]));
            qstp_mldsa_sample_mask_bytes(bytes[i], p, rhopp, nonces[i]);
            qstp_mldsa_bitunpack(&z, bytes[i], p->gamma1_bits, p->gamma1);
            bad += memcmp(&y, &z, sizeof(y)) != 0;
        }
        CHECK_MSG(bad == 0, "ML-DSA-%u: packed ExpandMask differs from the sampler %u times", levels[li], bad);
    }
    /* Four-way RejBoundedPoly (key generation) against the one-way one, eta 2 and 4. */
    for (unsigned eta = 2; eta <= 4; eta += 2) {
        static qstp_mldsa_poly four[4];
        qstp_mldsa_poly *const out[4] = {&four[0], &four[1], &four[2], &four[3]};
        const uint16_t nonces[4] = {0, 3, 14, 0x0102};
        unsigned bad = 0;
        qstp_mldsa_sample_eta_x4(out, eta, rhopp, nonces);
        for (unsigned i = 0; i < 4; i++) {
            qstp_mldsa_poly one;
            qstp_mldsa_sample_eta(&one, eta, rhopp, nonces[i]);
            bad += memcmp(&one, &four[i], sizeof(one)) != 0;
            for (unsigned c = 0; c < MLDSA_N; c++)
                bad += four[i].c[c] < -(int32_t)eta || four[i].c[c] > (int32_t)eta;
        }
        CHECK_MSG(bad == 0, "eta %u: four-way RejBoundedPoly differs %u times", eta, bad);
    }
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

/* The eight-way ExpandA sampler against the one-entry sampler: every entry of every parameter
 * set, in row-major batches and in a scrambled order (so a lane mix-up shows), for several rho;
 * then the whole A^ walk (expand_a23: batches of 8 when the 8-way Keccak is native, of 4, and
 * single entries) against entries sampled one by one. Runs on the portable Keccak too
 * (QSTP_NO_ASM=1: the x8 sampler then runs as two 4-way passes). */
static void check_sample_a_x8(void)
{
    static uint8_t apack[MLDSA_K_MAX * MLDSA_L_MAX * MLDSA_A23_BYTES];
    static qstp_mldsa_poly got[8], want, scratch[8];
    static const unsigned levels[3] = {44, 65, 87};
    uint64_t st = 0x8a11e5u;
    uint8_t rho[MLDSA_SEED_BYTES], one[MLDSA_A23_BYTES];

    for (unsigned v = 0; v < 3; v++) {
        const qstp_mldsa_params *p = qstp_mldsa_params_get(levels[v]);
        const unsigned total = p->k * p->l;
        for (unsigned trial = 0; trial < 3; trial++) {
            test_prng_bytes(&st, rho, sizeof rho);
            for (unsigned e = 0; e < total; e += 8) {
                qstp_mldsa_poly *const a[8] = {&got[0], &got[1], &got[2], &got[3],
                                               &got[4], &got[5], &got[6], &got[7]};
                unsigned rows[8], cols[8];
                for (unsigned t = 0; t < 8; t++) {
                    /* trial 0: row-major (wrapping); later: a scrambled order */
                    const unsigned idx = trial == 0 ? (e + t) % total : (e + 5 * t + 3 * trial) % total;
                    rows[t] = idx / p->l;
                    cols[t] = idx % p->l;
                }
                memset(got, 0, sizeof got);
                qstp_mldsa_sample_a_x8(a, rho, rows, cols);
                for (unsigned t = 0; t < 8; t++) {
                    qstp_mldsa_sample_a(&want, rho, rows[t], cols[t]);
                    CHECK_MSG(memcmp(&got[t], &want, sizeof want) == 0,
                              "ML-DSA-%u A[%u][%u] lane %u: x8 != one-entry sampler", levels[v],
                              rows[t], cols[t], t);
                }
            }
            memset(apack, 0, sizeof apack);
            qstp_mldsa_expand_a23(apack, p, rho, scratch);
            for (unsigned e = 0; e < total; e++) {
                qstp_mldsa_sample_a(&want, rho, e / p->l, e % p->l);
                qstp_mldsa_pack_a23(one, &want);
                CHECK_MSG(memcmp(apack + (size_t)e * MLDSA_A23_BYTES, one, sizeof one) == 0,
                          "ML-DSA-%u expand_a23 entry %u differs", levels[v], e);
            }
        }
    }
    /* The check can fail: another rho gives another A. */
    qstp_mldsa_poly *const a[8] = {&got[0], &got[1], &got[2], &got[3], &got[4], &got[5], &got[6], &got[7]};
    const unsigned rows[8] = {0, 0, 0, 0, 0, 0, 0, 0}, cols[8] = {0, 1, 2, 3, 4, 5, 6, 0};
    qstp_mldsa_sample_a_x8(a, rho, rows, cols);
    rho[0] ^= 1;
    qstp_mldsa_sample_a(&want, rho, 0, 0);
    CHECK(memcmp(&got[0], &want, sizeof want) != 0);
    CHECK(memcmp(&got[0], &got[7], sizeof want) == 0);
}

int main(void)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        compare_backends();
        compare_coeff();
        compare_matrix();
        compare_sparse();
        compare_bitunpack20();
        compare_bitpack20();
        compare_use_hint();
#if defined(QSTP_MLDSA_HAVE_REJ_AVX2)
        check_rej_avx2();
        check_rej_eta_avx2();
#endif
    }
#endif
    check_a23();
    check_eta2_ext();
    check_t0();
    check_mask_bytes();
    check_sample_a_x8();
    compare_api();
    return test_report();
}
