/* GF(2^m) arithmetic for Classic McEliece (round-4 spec, parameter sets: f(z) = z^12+z^3+1 or
 * z^13+z^4+z^3+z+1), scalar and bitsliced. Everything is branch-free in the data; the only
 * branches test m, which is public. */
#include "crypto/mceliece/mc_internal.h"

mc_gf qstp_mceliece_gf_inv(mc_gf a, unsigned m)
{
    /* a^(2^m - 2) = (a^(2^(m-1) - 1))^2 */
    mc_gf r = a;
    for (unsigned i = 1; i < m - 1; i++)
        r = mc_gf_mul(mc_gf_mul(r, r, m), a, m);
    return mc_gf_mul(r, r, m);
}

/* Bitsliced product, written once and instantiated for m = 12 and 13 so the compiler sees
 * constant loop bounds. Each of the 2m-1 schoolbook output planes is accumulated in a register;
 * plane i >= m then folds down by z^m = f(z) - z^m. */
static inline void vec_mul_m(uint64_t *h, const uint64_t *f, const uint64_t *g, const unsigned m)
{
    uint64_t buf[2 * MC_M_MAX - 1];
    MC_UNROLL
    for (unsigned k = 0; k < 2 * m - 1; k++) {
        uint64_t acc = 0;
        const unsigned lo = k < m ? 0 : k - m + 1, hi = k < m ? k : m - 1;
        MC_UNROLL
        for (unsigned i = lo; i <= hi; i++)
            acc ^= f[i] & g[k - i];
        buf[k] = acc;
    }
    MC_UNROLL
    for (unsigned i = 2 * m - 2; i >= m; i--) {
        if (m == 12) {
            buf[i - 12] ^= buf[i];
            buf[i - 9] ^= buf[i];
        } else {
            buf[i - 13] ^= buf[i];
            buf[i - 12] ^= buf[i];
            buf[i - 10] ^= buf[i];
            buf[i - 9] ^= buf[i];
        }
    }
    for (unsigned i = 0; i < m; i++)
        h[i] = buf[i];
}

void qstp_mceliece_vec_mul(uint64_t *h, const uint64_t *f, const uint64_t *g, unsigned m)
{
    if (m == 12)
        vec_mul_m(h, f, g, 12);
    else
        vec_mul_m(h, f, g, 13);
}

/* Squaring is linear over GF(2): plane i moves to plane 2i, then the same fold. */
static inline void vec_sq_m(uint64_t *h, const uint64_t *f, const unsigned m)
{
    uint64_t buf[2 * MC_M_MAX - 1];
    for (unsigned i = 0; i < 2 * m - 1; i++)
        buf[i] = 0;
    for (unsigned i = 0; i < m; i++)
        buf[2 * i] = f[i];
    for (unsigned i = 2 * m - 2; i >= m; i--) {
        if (m == 12) {
            buf[i - 12] ^= buf[i];
            buf[i - 9] ^= buf[i];
        } else {
            buf[i - 13] ^= buf[i];
            buf[i - 12] ^= buf[i];
            buf[i - 10] ^= buf[i];
            buf[i - 9] ^= buf[i];
        }
    }
    for (unsigned i = 0; i < m; i++)
        h[i] = buf[i];
}

void qstp_mceliece_vec_sq(uint64_t *h, const uint64_t *f, unsigned m)
{
    if (m == 12)
        vec_sq_m(h, f, 12);
    else
        vec_sq_m(h, f, 13);
}

void qstp_mceliece_vec_inv(uint64_t *h, const uint64_t *f, unsigned m)
{
    uint64_t r[MC_M_MAX];
    for (unsigned i = 0; i < m; i++)
        r[i] = f[i];
    for (unsigned i = 1; i < m - 1; i++) {
        qstp_mceliece_vec_sq(r, r, m);
        qstp_mceliece_vec_mul(r, r, f, m);
    }
    qstp_mceliece_vec_sq(h, r, m);
}

static inline void vec_eval_m(uint64_t *h, const mc_gf *c, unsigned deg, const uint64_t *a,
                              const unsigned m)
{
    uint64_t acc[MC_M_MAX];
    for (unsigned b = 0; b < m; b++)
        acc[b] = (uint64_t)0 - (uint64_t)((c[deg] >> b) & 1u);
    for (unsigned i = deg; i-- > 0;) {
        vec_mul_m(acc, acc, a, m);
        for (unsigned b = 0; b < m; b++)
            acc[b] ^= (uint64_t)0 - (uint64_t)((c[i] >> b) & 1u);
    }
    for (unsigned b = 0; b < m; b++)
        h[b] = acc[b];
}

void qstp_mceliece_vec_eval(uint64_t *h, const mc_gf *c, unsigned deg, const uint64_t *a, unsigned m)
{
    if (m == 12)
        vec_eval_m(h, c, deg, a, 12);
    else
        vec_eval_m(h, c, deg, a, 13);
}

static inline void vec_powers_m(uint64_t (*acc)[MC_M_MAX], uint64_t *cur, const uint64_t *a,
                                unsigned count, const unsigned m)
{
    uint64_t x[MC_M_MAX];
    for (unsigned b = 0; b < m; b++)
        x[b] = cur[b];
    for (unsigned j = 0; j < count; j++) {
        for (unsigned b = 0; b < m; b++)
            acc[j][b] ^= x[b];
        vec_mul_m(x, x, a, m);
    }
    for (unsigned b = 0; b < m; b++)
        cur[b] = x[b];
}

void qstp_mceliece_vec_accumulate_powers(uint64_t (*acc)[MC_M_MAX], uint64_t *cur, const uint64_t *a,
                                         unsigned count, unsigned m)
{
    if (m == 12)
        vec_powers_m(acc, cur, a, count, 12);
    else
        vec_powers_m(acc, cur, a, count, 13);
}

void qstp_mceliece_vec_from_scalars(uint64_t *v, const mc_gf *x, unsigned m)
{
    for (unsigned b = 0; b < m; b++) {
        uint64_t w = 0;
        for (unsigned j = 64; j-- > 0;)
            w = (w << 1) | (uint64_t)((x[j] >> b) & 1u);
        v[b] = w;
    }
}
