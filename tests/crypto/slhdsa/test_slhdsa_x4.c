/* The SLH-DSA x4 hash backends (AVX2, AVX-512VL) against the portable code: F_x4, H_x4, T_x4 and the
 * four-chain walk on pseudo-random inputs for every n; the x8 calls (AVX-512 zmm, and the two-x4
 * fallback) and the flat WOTS+ job list against the portable code; and one keygen + sign per set with the
 * portable path forced (QSTP_NO_ASM=1) compared with the dispatched one. No vector file: the
 * portable code is the reference here; the ACVP test pins the portable and dispatched outputs
 * to the NIST answers. A backend the CPU lacks is reported and not run. */
#include <stdlib.h>
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/slhdsa/slh_address.h"
#include "crypto/slhdsa/slh_hash_x4.h"
#include "crypto/slhdsa/slh_internal.h"
#include "crypto/slhdsa/slhdsa.h"
#include "test.h"

static void compare_backend(unsigned backend, const char *name)
{
    uint64_t rs = 0x1234 + backend;

    for (int ps = QSTP_SLHDSA_SHAKE_128S; ps <= QSTP_SLHDSA_SHAKE_256F; ps += 2) {
        const qstp_slh_params *p = qstp_slh_params_get((qstp_slhdsa_param)ps);
        uint8_t pkseed[32], skseed[32], ad[4][32], in[4][32], a[4][32], b[4][32];
        uint8_t *const oa[4] = {a[0], a[1], a[2], a[3]}, *const ob[4] = {b[0], b[1], b[2], b[3]};
        const uint8_t *const ads[4] = {ad[0], ad[1], ad[2], ad[3]};
        const uint8_t *const ins[4] = {in[0], in[1], in[2], in[3]};
        qstp_slh_ctx cp, cb;

        for (int iter = 0; iter < 20; iter++) {
            test_prng_bytes(&rs, pkseed, sizeof pkseed);
            test_prng_bytes(&rs, skseed, sizeof skseed);
            test_prng_bytes(&rs, &ad[0][0], sizeof ad);
            test_prng_bytes(&rs, &in[0][0], sizeof in);
            qstp_slh_ctx_init(&cp, p, pkseed, skseed);
            cb = cp;
            cp.x4 = 0;
            cb.x4 = backend;
            memset(a, 0, sizeof a);
            memset(b, 0, sizeof b);
            qstp_slh_f_x4(&cp, oa, ads, ins);
            qstp_slh_f_x4(&cb, ob, ads, ins);
            CHECK_MSG(memcmp(a, b, sizeof a) == 0, "%s F_x4 n=%u", name, p->n);
            {
                const uint8_t *const rs4[4] = {in[3], in[0], in[1], in[2]};
                memset(a, 0, sizeof a);
                memset(b, 0, sizeof b);
                qstp_slh_h_x4(&cp, oa, ads, ins, rs4);
                qstp_slh_h_x4(&cb, ob, ads, ins, rs4);
                CHECK_MSG(memcmp(a, b, sizeof a) == 0, "%s H_x4 n=%u", name, p->n);
                qstp_slh_h(&cp, b[0], ad[1], in[1], in[0]);
                CHECK_MSG(memcmp(a[1], b[0], p->n) == 0, "%s H_x4 vs H n=%u", name, p->n);
            }
            /* T_x4 on every length l n, l = 1..67 (covers inputs that end exactly on a block). */
            if (iter < 2) {
                static uint8_t big[4][67 * 32];
                const uint8_t *const bigs[4] = {big[0], big[1], big[2], big[3]};
                test_prng_bytes(&rs, &big[0][0], sizeof big);
                for (size_t l = 1; l <= 67; l++) {
                    memset(a, 0, sizeof a);
                    memset(b, 0, sizeof b);
                    qstp_slh_t_x4(&cp, oa, ads, bigs, l * p->n);
                    qstp_slh_t_x4(&cb, ob, ads, bigs, l * p->n);
                    CHECK_MSG(memcmp(a, b, sizeof a) == 0, "%s T_x4 n=%u l=%zu", name, p->n, l);
                    qstp_slh_t(&cp, b[0], ad[3], big[3], l * p->n);
                    CHECK_MSG(memcmp(a[3], b[0], p->n) == 0, "%s T_x4 vs T n=%u l=%zu", name, p->n, l);
                }
            }
            /* Chains: random start and length within w = 16 (the hash field of adrs is ignored). */
            {
                unsigned start = (unsigned)(test_prng_u64(&rs) % 16), steps = (unsigned)(test_prng_u64(&rs) % (16 - start));
                memcpy(a, in, sizeof a);
                memcpy(b, in, sizeof b);
                qstp_slh_chain_x4(&cp, oa, ads, start, steps);
                qstp_slh_chain_x4(&cb, ob, ads, start, steps);
                CHECK_MSG(memcmp(a, b, sizeof a) == 0, "%s chain_x4 n=%u start %u steps %u", name, p->n, start,
                          steps);
            }
            /* A chain of 15 steps equals 15 single F calls with hash addresses 0..14. */
            if (iter == 0) {
                uint8_t one[32], adr[32];
                memcpy(one, in[2], 32);
                memcpy(adr, ad[2], 32);
                for (uint32_t s = 0; s < 15; s++) {
                    adr[28] = adr[29] = adr[30] = 0;
                    adr[31] = (uint8_t)s;
                    qstp_slh_f(&cp, one, adr, one);
                }
                memcpy(b, in, sizeof b);
                qstp_slh_chain_x4(&cb, ob, ads, 0, 15);
                CHECK_MSG(memcmp(one, b[2], p->n) == 0, "%s chain_x4 vs F n=%u", name, p->n);
            }
            qstp_slh_ctx_wipe(&cp);
            qstp_slh_ctx_wipe(&cb);
        }
    }
}

/* The x8 calls (AVX-512 zmm backend when x8 = 1, two x4 calls otherwise) against the portable
 * x4 code, and the flat WOTS+ job list (qstp_slh_wots_chain_ends, 8- and 4-lane batches with
 * padded tails) against the per-key-pair qstp_slh_wots_chains, for every n. */
static void compare_x8(unsigned x8, const char *name)
{
    uint64_t rs = 0x88 + x8;

    for (int ps = QSTP_SLHDSA_SHAKE_128S; ps <= QSTP_SLHDSA_SHAKE_256F; ps += 2) {
        const qstp_slh_params *p = qstp_slh_params_get((qstp_slhdsa_param)ps);
        uint8_t pkseed[32], skseed[32], ad[8][32], in[8][32], rt[8][32], a[8][32], b[8][32];
        uint8_t *oa[8], *ob[8];
        const uint8_t *ads[8], *ins[8], *rts[8];
        qstp_slh_ctx cp, cb;

        for (int j = 0; j < 8; j++)
            oa[j] = a[j], ob[j] = b[j], ads[j] = ad[j], ins[j] = in[j], rts[j] = rt[j];
        for (int iter = 0; iter < 10; iter++) {
            test_prng_bytes(&rs, pkseed, sizeof pkseed);
            test_prng_bytes(&rs, skseed, sizeof skseed);
            test_prng_bytes(&rs, &ad[0][0], sizeof ad);
            test_prng_bytes(&rs, &in[0][0], sizeof in);
            test_prng_bytes(&rs, &rt[0][0], sizeof rt);
            qstp_slh_ctx_init(&cp, p, pkseed, skseed);
            cb = cp;
            cp.x4 = 0;
            cp.x8 = 0;
            cb.x8 = x8;
            CHECK(qstp_slh_lanes(&cb) == (x8 ? 8u : 4u));
            memset(a, 0, sizeof a);
            memset(b, 0, sizeof b);
            qstp_slh_f_x4(&cp, oa, ads, ins);
            qstp_slh_f_x4(&cp, oa + 4, ads + 4, ins + 4);
            qstp_slh_f_x8(&cb, ob, ads, ins);
            CHECK_MSG(memcmp(a, b, sizeof a) == 0, "%s F_x8 n=%u", name, p->n);
            memset(b, 0, sizeof b);
            qstp_slh_prf_x8(&cb, ob, ads);
            for (int j = 0; j < 8; j++) {
                qstp_slh_prf(&cp, a[j], ad[j]);
                CHECK_MSG(memcmp(a[j], b[j], p->n) == 0, "%s PRF_x8 n=%u lane %d", name, p->n, j);
            }
            memset(b, 0, sizeof b);
            qstp_slh_h_x8(&cb, ob, ads, ins, rts);
            for (int j = 0; j < 8; j++) {
                qstp_slh_h(&cp, a[j], ad[j], in[j], rt[j]);
                CHECK_MSG(memcmp(a[j], b[j], p->n) == 0, "%s H_x8 n=%u lane %d", name, p->n, j);
            }
            /* Capturing chains: the captured value = the chain run for at[j] steps. */
            {
                uint8_t cap[8][32], *caps[8];
                unsigned at[8];
                for (int j = 0; j < 8; j++) {
                    at[j] = (unsigned)(test_prng_u64(&rs) % 16);
                    caps[j] = cap[j];
                }
                memcpy(b, in, sizeof b);
                memset(cap, 0, sizeof cap);
                qstp_slh_chain_capture_x8(&cb, ob, ads, caps, at);
                memcpy(a, in, sizeof a);
                qstp_slh_chain_x4(&cp, oa, ads, 0, 15);
                qstp_slh_chain_x4(&cp, oa + 4, ads + 4, 0, 15);
                CHECK_MSG(memcmp(a, b, sizeof a) == 0, "%s chain_capture_x8 end n=%u", name, p->n);
                for (int j = 0; j < 8; j++) {
                    uint8_t one[32];
                    uint8_t *const o4[4] = {one, a[1], a[2], a[3]};
                    const uint8_t *const a4[4] = {ad[j], ad[j], ad[j], ad[j]};
                    memcpy(one, in[j], 32);
                    qstp_slh_chain_x4(&cp, o4, a4, 0, at[j]);
                    CHECK_MSG(memcmp(one, cap[j], p->n) == 0, "%s chain_capture_x8 lane %d at %u n=%u", name, j,
                              at[j], p->n);
                }
            }
            {
                unsigned start = (unsigned)(test_prng_u64(&rs) % 16), steps = (unsigned)(test_prng_u64(&rs) % (16 - start));
                if (iter == 0)
                    start = 0, steps = 15;
                memcpy(a, in, sizeof a);
                memcpy(b, in, sizeof b);
                qstp_slh_chain_x4(&cp, oa, ads, start, steps);
                qstp_slh_chain_x4(&cp, oa + 4, ads + 4, start, steps);
                qstp_slh_chain_x8(&cb, ob, ads, start, steps);
                CHECK_MSG(memcmp(a, b, sizeof a) == 0, "%s chain_x8 n=%u start %u steps %u", name, p->n, start,
                          steps);
            }
            /* Chain ends of 1..5 key pairs (job counts len .. 5 len: every tail shape). */
            if (iter < 2) {
                static uint8_t want[5][QSTP_SLH_LEN_MAX * 32], got[5][QSTP_SLH_LEN_MAX * 32];
                uint8_t *gp[5] = {got[0], got[1], got[2], got[3], got[4]};
                uint32_t kps[5] = {7, 3, 1000, 0, 511};
                uint8_t base[32] = {0};
                base[3] = 2;    /* layer */
                base[15] = 0x5A; /* tree */
                for (unsigned cnt = 1; cnt <= 5; cnt++) {
                    memset(got, 0, sizeof got);
                    /* Also sign key pair 0 (digits of a random message); with 4 lanes this is the capture
                     * fallback (two 4-way halves). */
                    static uint8_t sig_want[QSTP_SLH_LEN_MAX * 32], sig_got[QSTP_SLH_LEN_MAX * 32];
                    unsigned digits[QSTP_SLH_LEN_MAX];
                    uint8_t msg[32];
                    test_prng_bytes(&rs, msg, sizeof msg);
                    qstp_slh_wots_digits(p, digits, msg);
                    memset(sig_got, 0, sizeof sig_got);
                    qstp_slh_wots_chain_ends(&cb, gp, base, kps, cnt, digits, sig_got);
                    for (unsigned l = 0; l < cnt; l++) {
                        uint8_t kad[32];
                        memcpy(kad, base, 32);
                        qstp_slh_adrs_set_type(kad, QSTP_SLH_WOTS_HASH);
                        qstp_slh_adrs_set_keypair(kad, kps[l]);
                        qstp_slh_wots_chains(&cp, want[l], kad, l == 0 ? digits : NULL, l == 0 ? sig_want : NULL);
                        CHECK_MSG(memcmp(want[l], got[l], (size_t)p->len * p->n) == 0,
                                  "%s wots_chain_ends n=%u count %u key pair %u", name, p->n, cnt, l);
                    }
                    CHECK_MSG(memcmp(sig_want, sig_got, (size_t)p->len * p->n) == 0,
                              "%s wots_chain_ends signature n=%u count %u", name, p->n, cnt);
                }
            }
            qstp_slh_ctx_wipe(&cp);
            qstp_slh_ctx_wipe(&cb);
        }
    }
}

static uint8_t sig_a[QSTP_SLHDSA_SIG_MAX], sig_b[QSTP_SLHDSA_SIG_MAX];

/* Whole signatures: dispatched vs QSTP_NO_ASM=1 (all f sets; 128s for one s set). */
static void compare_sign(void)
{
    static const qstp_slhdsa_param sets[] = {QSTP_SLHDSA_SHAKE_128F, QSTP_SLHDSA_SHAKE_192F, QSTP_SLHDSA_SHAKE_256F,
                                             QSTP_SLHDSA_SHAKE_128S};
    uint8_t seed[96], pka[64], ska[128], pkb[64], skb[128];
    uint64_t rs = 99;

    for (unsigned i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        const qstp_slhdsa_param p = sets[i];
        const size_t n = qstp_slhdsa_pk_size(p) / 2, slen = qstp_slhdsa_sig_size(p);
        test_prng_bytes(&rs, seed, sizeof seed);
        unsetenv("QSTP_NO_ASM");
        qstp_cpu_refresh();
        CHECK(qstp_slhdsa_keypair_seed(p, pka, ska, seed, seed + n, seed + 2 * n) == 0);
        CHECK(qstp_slhdsa_sign(p, sig_a, seed, 32, NULL, 0, ska, seed + 64) == 0);
        setenv("QSTP_NO_ASM", "1", 1);
        qstp_cpu_refresh();
        CHECK(qstp_slhdsa_keypair_seed(p, pkb, skb, seed, seed + n, seed + 2 * n) == 0);
        CHECK(qstp_slhdsa_sign(p, sig_b, seed, 32, NULL, 0, skb, seed + 64) == 0);
        CHECK_MSG(memcmp(pka, pkb, 2 * n) == 0, "%s: pk dispatched vs portable", qstp_slhdsa_name(p));
        CHECK_MSG(memcmp(sig_a, sig_b, slen) == 0, "%s: signature dispatched vs portable", qstp_slhdsa_name(p));
        CHECK(qstp_slhdsa_verify(p, sig_a, slen, seed, 32, NULL, 0, pkb) == 0);
    }
    unsetenv("QSTP_NO_ASM");
    qstp_cpu_refresh();
}

int main(void)
{
    int any = 0;
    if (qstp_cpu_has_avx2()) {
        compare_backend(1, "AVX2");
        any = 1;
    } else {
        printf("AVX2 not available: backend not compared\n");
    }
    if (qstp_cpu_has_avx512()) {
        compare_backend(2, "AVX-512VL");
        any = 1;
    } else {
        printf("AVX-512 not available: backend not compared\n");
    }
    if (qstp_cpu_has_avx512())
        compare_x8(1, "x8 AVX-512");
    else
        printf("AVX-512 not available: x8 backend SKIPPED (fallback compared)\n");
    compare_x8(0, "x8 as two x4");
    compare_backend(0, "portable"); /* sanity: the harness itself */
    compare_sign();
    printf("SIMD backends compared: %s\n", any ? "yes" : "none available");
    return test_report();
}
