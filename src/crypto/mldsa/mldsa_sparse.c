/* c * s for the challenge c and a short secret polynomial s (s1 or s2), computed directly in
 * the normal domain (see mldsa_poly.h qstp_mldsa_poly_sparse_mul_small): c has only tau
 * coefficients +-1 (FIPS 204 Alg. 29), so c * s is tau signed, negacyclically rotated copies of s,
 * exact integers bounded by beta = tau * eta. That replaces a pointwise product and an inverse NTT
 * per polynomial in every signing attempt. Portable code and the dispatch to the AVX2 twin
 * (mldsa_sparse_avx2.c), identical outputs.
 *
 * Constant time: the rotation amounts are the challenge's positions, which the signer treats as
 * public (c~ is part of the signature, see mldsa_sample.c); nothing depends on s's values. */
#include "crypto/cpu.h"
#include "crypto/mldsa/mldsa_poly.h"
#include "crypto/mldsa/mldsa_poly_backend.h"

void qstp_mldsa_poly_sparse_ext(int8_t ext[2 * MLDSA_N], const qstp_mldsa_poly *s)
{
    /* ext[m] = s[m - 256] for m >= 256, and -s[m] for m < 256: the wrapped half of X^256 = -1. */
    for (unsigned i = 0; i < MLDSA_N; i++) {
        ext[i] = (int8_t)(-s->c[i]);
        ext[MLDSA_N + i] = (int8_t)s->c[i];
    }
}

unsigned qstp_mldsa_sparse_ext_eta2_portable(int8_t ext[2 * MLDSA_N], const uint8_t in[96])
{
    uint32_t bad = 0;
    for (unsigned i = 0; i < MLDSA_N; i += 8, in += 3) {
        const uint32_t v = (uint32_t)in[0] | ((uint32_t)in[1] << 8) | ((uint32_t)in[2] << 16);
        for (unsigned m = 0; m < 8; m++) {
            const uint32_t f = (v >> (3 * m)) & 7;
            bad |= (4u - f) >> 31; /* f > 2 eta */
            ext[i + m] = (int8_t)((int32_t)f - 2);
            ext[MLDSA_N + i + m] = (int8_t)(2 - (int32_t)f);
        }
    }
    return (unsigned)bad;
}

unsigned qstp_mldsa_sparse_ext_eta2(int8_t ext[2 * MLDSA_N], const uint8_t in[96])
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2())
        return qstp_mldsa_sparse_ext_eta2_avx2(ext, in);
#endif
    return qstp_mldsa_sparse_ext_eta2_portable(ext, in);
}

unsigned qstp_mldsa_poly_challenge_positions(uint8_t pos[MLDSA_N], unsigned *nplus,
                                             const qstp_mldsa_poly *c)
{
    /* The +1 positions first, then the -1 ones (so the products need no per-term sign). One
     * pass without branches (a branch per coefficient mispredicts a lot): every position is
     * written to both lists and kept in the one its sign selects. */
    uint8_t minus[MLDSA_N];
    unsigned np = 0, nm = 0;
    for (unsigned i = 0; i < MLDSA_N; i++) {
        const int32_t v = c->c[i];
        pos[np] = (uint8_t)i;
        minus[nm] = (uint8_t)i;
        np += (unsigned)(v > 0);
        nm += (unsigned)(v < 0);
    }
    *nplus = np;
    for (unsigned i = 0; i < nm; i++)
        pos[np + i] = minus[i];
    return np + nm;
}

void qstp_mldsa_poly_sparse_mul_small_portable(qstp_mldsa_poly *out, const int8_t ext[2 * MLDSA_N],
                                               const uint8_t *pos, unsigned nplus, unsigned n)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        out->c[i] = 0;
    for (unsigned t = 0; t < n; t++) {
        /* X^pos * s: coefficient i is s[i - pos], negated where it wrapped. */
        const int8_t *e = ext + MLDSA_N - pos[t];
        const int32_t sign = t < nplus ? 1 : -1;
        for (unsigned i = 0; i < MLDSA_N; i++)
            out->c[i] += sign * e[i];
    }
}

void qstp_mldsa_poly_sparse_mul_small(qstp_mldsa_poly *out, const int8_t ext[2 * MLDSA_N],
                                      const uint8_t *pos, unsigned nplus, unsigned n)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_poly_sparse_mul_small_avx2(out, ext, pos, nplus, n);
        return;
    }
#endif
    qstp_mldsa_poly_sparse_mul_small_portable(out, ext, pos, nplus, n);
}
