/* Coefficient-wise polynomial helpers for ML-DSA, portable C (see mldsa_poly.h), and the
 * run-time dispatch to their AVX2 twins (mldsa_poly_backend.h). */
#include "crypto/cpu.h"
#include "crypto/mldsa/mldsa_poly.h"
#include "crypto/mldsa/mldsa_poly_backend.h"

/* Inline bodies for the loops below (the exported functions are for other files and tests). */
static inline int32_t reduce32(int32_t a)
{
    /* round(a / 2^23) * q is within 2^22 q of a; q = 2^23 - 2^13 + 1. */
    int32_t t = (a + (1 << 22)) >> 23;
    return a - t * MLDSA_Q;
}

static inline int32_t caddq(int32_t a)
{
    /* Arithmetic shift gives an all-ones mask for negative a: no branch on the value. */
    return a + ((a >> 31) & MLDSA_Q);
}

int32_t qstp_mldsa_reduce32(int32_t a)
{
    return reduce32(a);
}

int32_t qstp_mldsa_caddq(int32_t a)
{
    return caddq(a);
}

void qstp_mldsa_poly_add_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        c->c[i] = a->c[i] + b->c[i];
}

void qstp_mldsa_poly_sub_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        c->c[i] = a->c[i] - b->c[i];
}

void qstp_mldsa_poly_shiftl(qstp_mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        a->c[i] = (int32_t)((uint32_t)a->c[i] << MLDSA_D);
}

void qstp_mldsa_poly_reduce_portable(qstp_mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        a->c[i] = reduce32(a->c[i]);
}

void qstp_mldsa_poly_freeze_portable(qstp_mldsa_poly *a)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        a->c[i] = caddq(reduce32(a->c[i]));
}

unsigned qstp_mldsa_poly_chknorm_portable(const qstp_mldsa_poly *a, int32_t bound)
{
    /* For a reduce32 output whose centred representative is small, the value itself is that
     * representative; any other representative has |a| > (q-1)/8 >= bound and is flagged too.
     * |a| is computed without a branch (mask from the sign bit) and the failures are OR-ed,
     * so neither the sign nor the position of an offending coefficient leaks. */
    uint32_t bad = 0;
    for (unsigned i = 0; i < MLDSA_N; i++) {
        int32_t x = a->c[i];
        int32_t m = x >> 31;
        int32_t absx = (x ^ m) - m;
        /* absx >= bound  <=>  (bound - 1 - absx) < 0 */
        bad |= (uint32_t)(bound - 1 - absx) >> 31;
    }
    return (unsigned)bad;
}

/* ---- dispatch (QSTP_NO_ASM=1 forces the portable code; see crypto/cpu.h) ---- */
#if defined(QSTP_MLDSA_HAVE_AVX2)
#define DISPATCH(call_avx2, call_portable)                                                         \
    do {                                                                                           \
        if (qstp_cpu_has_avx2())                                                                   \
            call_avx2;                                                                             \
        else                                                                                       \
            call_portable;                                                                         \
    } while (0)
#else
#define DISPATCH(call_avx2, call_portable) call_portable
#endif

void qstp_mldsa_poly_add(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b)
{
    DISPATCH(qstp_mldsa_poly_add_avx2(c, a, b), qstp_mldsa_poly_add_portable(c, a, b));
}

void qstp_mldsa_poly_sub(qstp_mldsa_poly *c, const qstp_mldsa_poly *a, const qstp_mldsa_poly *b)
{
    DISPATCH(qstp_mldsa_poly_sub_avx2(c, a, b), qstp_mldsa_poly_sub_portable(c, a, b));
}

void qstp_mldsa_poly_reduce(qstp_mldsa_poly *a)
{
    DISPATCH(qstp_mldsa_poly_reduce_avx2(a), qstp_mldsa_poly_reduce_portable(a));
}

void qstp_mldsa_poly_freeze(qstp_mldsa_poly *a)
{
    DISPATCH(qstp_mldsa_poly_freeze_avx2(a), qstp_mldsa_poly_freeze_portable(a));
}

unsigned qstp_mldsa_poly_chknorm(const qstp_mldsa_poly *a, int32_t bound)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2())
        return qstp_mldsa_poly_chknorm_avx2(a, bound);
#endif
    return qstp_mldsa_poly_chknorm_portable(a, bound);
}
