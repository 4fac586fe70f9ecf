/* Classic McEliece building blocks against simple, obviously-correct references:
 * constant-time sort vs. insertion sort; Benes control bits reproduce random permutations
 * (w = 1..13, including the identity and the reversal); bitsliced GF(2^m) vs. scalar; scalar
 * inverse; the size table (QSTP-WIRE §1.2). */
#include <stdlib.h>
#include <string.h>

#include "crypto/mceliece/mc_internal.h"
#include "test.h"

static uint64_t prng = 0x5eed;

static void test_sort(void)
{
    static uint64_t a[1000], b[1000];
    const size_t sizes[] = { 1, 2, 3, 7, 64, 100, 513, 1000 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] = test_prng_u64(&prng) >> (i % 3 == 0 ? 1 : 50); /* repeats too */
        qstp_mceliece_sort_u64(a, n);
        for (size_t i = 1; i < n; i++) { /* insertion sort */
            uint64_t v = b[i];
            size_t j = i;
            for (; j > 0 && b[j - 1] > v; j--)
                b[j] = b[j - 1];
            b[j] = v;
        }
        CHECK_MSG(memcmp(a, b, n * sizeof a[0]) == 0, "sort n=%zu", n);
    }
}

static void test_controlbits(void)
{
    static uint16_t pi[MC_Q_MAX], back[MC_Q_MAX], q[2 * MC_Q_MAX];
    static uint64_t temp[2 * MC_Q_MAX];
    static uint8_t cb[(2 * 13 - 1) * MC_Q_MAX / 16 + 1];
    for (unsigned w = 1; w <= 13; w++) {
        size_t n = (size_t)1 << w;
        for (int kind = 0; kind < 3; kind++) {
            for (size_t i = 0; i < n; i++)
                pi[i] = (uint16_t)(kind == 1 ? n - 1 - i : i);
            if (kind == 2) /* Fisher-Yates (test only) */
                for (size_t i = n - 1; i > 0; i--) {
                    size_t j = (size_t)(test_prng_u64(&prng) % (i + 1));
                    uint16_t t = pi[i];
                    pi[i] = pi[j];
                    pi[j] = t;
                }
            qstp_mceliece_controlbits(cb, pi, w, temp, q);
            qstp_mceliece_perm_from_controlbits(back, cb, w);
            CHECK_MSG(memcmp(pi, back, n * 2) == 0, "control bits w=%u kind=%d", w, kind);
        }
    }
}

static void test_gf(void)
{
    for (unsigned m = 12; m <= 13; m++) {
        mc_gf x[64], y[64];
        uint64_t vx[MC_M_MAX], vy[MC_M_MAX], vp[MC_M_MAX], vs[MC_M_MAX], vi[MC_M_MAX], ve[MC_M_MAX];
        mc_gf mask = (mc_gf)((1u << m) - 1);
        int bad = 0;
        for (unsigned i = 0; i < 64; i++) {
            x[i] = (mc_gf)(test_prng_u64(&prng) & mask);
            y[i] = (mc_gf)(test_prng_u64(&prng) & mask);
        }
        x[0] = 0;
        x[1] = 1;
        qstp_mceliece_vec_from_scalars(vx, x, m);
        qstp_mceliece_vec_from_scalars(vy, y, m);
        qstp_mceliece_vec_mul(vp, vx, vy, m);
        qstp_mceliece_vec_sq(vs, vx, m);
        qstp_mceliece_vec_inv(vi, vx, m);
        {
            mc_gf c[3] = { 5, 7, 1 }; /* 5 + 7y + y^2 */
            qstp_mceliece_vec_eval(ve, c, 2, vx, m);
        }
        for (unsigned i = 0; i < 64; i++) {
            mc_gf p = 0, s = 0, inv = 0, ev = 0;
            for (unsigned b = 0; b < m; b++) {
                p |= (mc_gf)(((vp[b] >> i) & 1u) << b);
                s |= (mc_gf)(((vs[b] >> i) & 1u) << b);
                inv |= (mc_gf)(((vi[b] >> i) & 1u) << b);
                ev |= (mc_gf)(((ve[b] >> i) & 1u) << b);
            }
            bad |= p != mc_gf_mul(x[i], y[i], m);
            bad |= s != mc_gf_mul(x[i], x[i], m);
            bad |= inv != qstp_mceliece_gf_inv(x[i], m);
            bad |= ev != (mc_gf)(5 ^ mc_gf_mul(7, x[i], m) ^ mc_gf_mul(x[i], x[i], m));
            if (x[i] != 0)
                bad |= mc_gf_mul(x[i], inv, m) != 1;
        }
        CHECK_MSG(!bad, "GF(2^%u) bitsliced vs scalar", m);
        /* the reduction: z^(m-1) * z = f(z) - z^m */
        CHECK(mc_gf_mul((mc_gf)(1u << (m - 1)), 2, m) == (m == 12 ? 0x9 : 0x1B));
        CHECK(mc_gf_iszero(0) == 0xFFFF && mc_gf_iszero(1) == 0 && mc_gf_iszero(mask) == 0);
        CHECK(mc_bitrev(1, m) == (1u << (m - 1)));
    }
}

static void test_sizes(void)
{
    static const size_t want[5][5] = {
        { 261120, 6492, 96, 128, 0 },  { 524160, 13608, 156, 188, 0 }, { 1044992, 13932, 208, 240, 0 },
        { 1047319, 13948, 194, 226, 0 }, { 1357824, 14120, 208, 240, 0 },
    };
    for (int p = 0; p < 5; p++) {
        CHECK(qstp_mceliece_pk_size((qstp_mceliece_param)p) == want[p][0]);
        CHECK(qstp_mceliece_sk_size((qstp_mceliece_param)p) == want[p][1]);
        CHECK(qstp_mceliece_ct_size((qstp_mceliece_param)p, 0) == want[p][2]);
        CHECK(qstp_mceliece_ct_size((qstp_mceliece_param)p, 1) == want[p][3]);
        CHECK(qstp_mceliece_keygen_workspace_size((qstp_mceliece_param)p) > 0);
        CHECK(qstp_mceliece_pk_size((qstp_mceliece_param)p) <= QSTP_MCELIECE_PK_MAX);
        CHECK(qstp_mceliece_sk_size((qstp_mceliece_param)p) <= QSTP_MCELIECE_SK_MAX);
        CHECK(qstp_mceliece_ct_size((qstp_mceliece_param)p, 1) <= QSTP_MCELIECE_CT_MAX);
    }
    CHECK(qstp_mceliece_keygen_workspace_size((qstp_mceliece_param)5) == 0);
}

int main(void)
{
    test_sort();
    test_controlbits();
    test_gf();
    test_sizes();
    return test_report();
}
