/* FIPS 204 §7.4 rounding functions (see mldsa_rounding.h). */
#include "crypto/mldsa/mldsa_rounding.h"

#include "crypto/cpu.h"
#include "crypto/mldsa/mldsa_poly_backend.h"

void qstp_mldsa_power2round(int32_t r, int32_t *r1, int32_t *r0)
{
    /* r0 = r mod+- 2^13 in (-2^12, 2^12]; r1 = (r - r0) / 2^13 = floor((r + 2^12 - 1) / 2^13). */
    int32_t hi = (r + (1 << (MLDSA_D - 1)) - 1) >> MLDSA_D;
    *r1 = hi;
    *r0 = r - (hi << MLDSA_D);
}

/* floor(x / (2 gamma2)) for 0 <= x < 2^24 as (x * M) >> 48 with M = ceil(2^48 / (2 gamma2)).
 * Exact because M * 2 gamma2 - 2^48 < 2^20 and so x times that error stays below 2^48. */
static uint64_t decompose_magic(int32_t gamma2)
{
    uint64_t d = 2u * (uint64_t)gamma2;
    return (((uint64_t)1 << 48) + d - 1) / d;
}

static void decompose_m(int32_t gamma2, uint64_t magic, int32_t r, int32_t *r1, int32_t *r0)
{
    int32_t m = (MLDSA_Q - 1) / (2 * gamma2); /* 44 or 16 */
    int32_t hi = (int32_t)(((uint64_t)(uint32_t)(r + gamma2 - 1) * magic) >> 48);
    int32_t lo = r - hi * 2 * gamma2;
    /* Wrap-around (r - r0 = q - 1): r1 = 0 and r0 - 1. wrap is 1 iff hi == m. */
    uint32_t wrap = ((uint32_t)(hi ^ m) - 1u) >> 31;
    hi &= (int32_t)(wrap - 1u);
    lo -= (int32_t)wrap;
    *r1 = hi;
    *r0 = lo;
}

void qstp_mldsa_decompose(int32_t gamma2, int32_t r, int32_t *r1, int32_t *r0)
{
    decompose_m(gamma2, decompose_magic(gamma2), r, r1, r0);
}

static int32_t use_hint_m(int32_t gamma2, uint64_t magic, int32_t r, unsigned h)
{
    int32_t m = (MLDSA_Q - 1) / (2 * gamma2);
    int32_t r1, r0;
    decompose_m(gamma2, magic, r, &r1, &r0);
    /* Verification data is public, but branch-free costs nothing here. */
    int32_t up = r1 + 1;
    up -= m & -(int32_t)(up == m);
    int32_t down = r1 - 1;
    down += m & -(int32_t)(down < 0);
    int32_t adj = (r0 > 0) ? up : down;
    return h ? adj : r1;
}

int32_t qstp_mldsa_use_hint(int32_t gamma2, int32_t r, unsigned h)
{
    return use_hint_m(gamma2, decompose_magic(gamma2), r, h);
}

void qstp_mldsa_poly_power2round(qstp_mldsa_poly *t1, qstp_mldsa_poly *t0, const qstp_mldsa_poly *t)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        qstp_mldsa_power2round(t->c[i], &t1->c[i], &t0->c[i]);
}

void qstp_mldsa_poly_decompose_portable(int32_t gamma2, qstp_mldsa_poly *w1, qstp_mldsa_poly *w0,
                               const qstp_mldsa_poly *w)
{
    uint64_t magic = decompose_magic(gamma2);
    for (unsigned i = 0; i < MLDSA_N; i++) {
        int32_t r1, r0;
        decompose_m(gamma2, magic, w->c[i], &r1, &r0);
        w1->c[i] = r1;
        if (w0)
            w0->c[i] = r0;
    }
}

unsigned qstp_mldsa_poly_make_hint_portable(int32_t gamma2, qstp_mldsa_poly *h, const qstp_mldsa_poly *a,
                                   const qstp_mldsa_poly *b)
{
    uint64_t magic = decompose_magic(gamma2);
    unsigned count = 0;
    for (unsigned i = 0; i < MLDSA_N; i++) {
        int32_t a1, b1, lo;
        decompose_m(gamma2, magic, a->c[i], &a1, &lo);
        decompose_m(gamma2, magic, b->c[i], &b1, &lo);
        /* (a1 ^ b1) is in [0, 63]: 0 - x has its top bit set iff x != 0. */
        uint32_t bit = (0u - (uint32_t)(a1 ^ b1)) >> 31;
        h->c[i] = (int32_t)bit;
        count += bit;
    }
    return count;
}

void qstp_mldsa_poly_use_hint_portable(int32_t gamma2, qstp_mldsa_poly *w1, const qstp_mldsa_poly *w,
                                       const qstp_mldsa_poly *h)
{
    uint64_t magic = decompose_magic(gamma2);
    for (unsigned i = 0; i < MLDSA_N; i++)
        w1->c[i] = use_hint_m(gamma2, magic, w->c[i], (unsigned)h->c[i]);
}

/* ---- dispatch to the AVX2 twins (mldsa_poly_backend.h; QSTP_NO_ASM=1 forces portable) ---- */

void qstp_mldsa_poly_decompose(int32_t gamma2, qstp_mldsa_poly *w1, qstp_mldsa_poly *w0,
                               const qstp_mldsa_poly *w)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_poly_decompose_avx2(gamma2, w1, w0, w);
        return;
    }
#endif
    qstp_mldsa_poly_decompose_portable(gamma2, w1, w0, w);
}

unsigned qstp_mldsa_poly_make_hint(int32_t gamma2, qstp_mldsa_poly *h, const qstp_mldsa_poly *a,
                                   const qstp_mldsa_poly *b)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2())
        return qstp_mldsa_poly_make_hint_avx2(gamma2, h, a, b);
#endif
    return qstp_mldsa_poly_make_hint_portable(gamma2, h, a, b);
}

void qstp_mldsa_poly_use_hint(int32_t gamma2, qstp_mldsa_poly *w1, const qstp_mldsa_poly *w,
                              const qstp_mldsa_poly *h)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_poly_use_hint_avx2(gamma2, w1, w, h);
        return;
    }
#endif
    qstp_mldsa_poly_use_hint_portable(gamma2, w1, w, h);
}
