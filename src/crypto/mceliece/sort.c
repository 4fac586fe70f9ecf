/* Constant-time sorting for Classic McEliece key generation: the field ordering (spec "FieldOrdering"
 * sorts the 32-bit values a_i) and the Benes control-bit computation both sort secret data, so
 * the order of comparisons must not depend on it. This is Batcher's merge exchange as given by
 * Knuth (TAOCP vol. 3, §5.2.2, Algorithm M): the comparison sequence depends only on n, and each
 * compare-exchange is arithmetic (no branch, no secret index). */
#include "crypto/mceliece/mc_internal.h"

/* Keys are below 2^63, so b - a wraps past 2^63 exactly when b < a. */
static inline void cswap(uint64_t *x, size_t i, size_t j)
{
    uint64_t a = x[i], b = x[j];
    uint64_t mask = (uint64_t)0 - ((b - a) >> 63);
    uint64_t t = (a ^ b) & mask;
    x[i] = a ^ t;
    x[j] = b ^ t;
}

void qstp_mceliece_sort_u64(uint64_t *x, size_t n)
{
    size_t top, p;
    if (n < 2)
        return;
    top = 1; /* 2^(t-1) with t = ceil(lg n) */
    while (2 * top < n)
        top *= 2;
    for (p = top; p > 0; p >>= 1) {
        size_t q = top, r = 0, d = p;
        for (;;) {
            /* compare-exchange (i, i+d) for 0 <= i < n-d with (i & p) == r: blocks of p indices */
            for (size_t base = r; base < n - d; base += 2 * p) {
                size_t end = base + p < n - d ? base + p : n - d;
                for (size_t i = base; i < end; i++)
                    cswap(x, i, i + d);
            }
            if (q == p)
                break;
            d = q - p;
            q >>= 1;
            r = p;
        }
    }
}
