/* The Goppa polynomial (round-4 spec "Irreducible", used by "SeededKeyGen"): g is the
 * minimal polynomial of the random element f of GF(2^mt) = GF(2^m)[y]/F(y). We solve
 * sum_{c<t} g_c f^c = f^t by Gauss-Jordan elimination over GF(2^m) on the t x (t+1) matrix whose
 * column c holds the coefficients of f^c; the minimal polynomial has degree t exactly when the
 * left t x t block is invertible, and is then unique. The elimination is branch-free except for
 * the public outcome "degree < t" (the caller draws a new seed, as the reference does).
 *
 * Speed: field elements travel in pairs, one per 32-bit half of a uint64_t, so one integer
 * multiplication by a single bit of the scalar yields two carry-less partial products (each
 * below 2^25, so the halves never interact). Products are accumulated unreduced and reduced once.
 * Even powers f^(2c) = (f^c)^2 are squarings (coefficient-wise in characteristic 2). */
#include "crypto/mceliece/mc_internal.h"

#define LANES 0x0000FFFF0000FFFFu

/* Carry-less a * (both 13-bit halves of b2): two products of at most 25 bits. */
static inline uint64_t clmul2(uint64_t a, uint64_t b2)
{
    uint64_t r = a * (b2 & 0x0000000100000001u);
    for (unsigned k = 1; k < 13; k++)
        r ^= a * (b2 & ((uint64_t)0x0000000100000001u << k));
    return r;
}

/* Reduce both halves modulo f(z) (same folds as mc_gf_reduce, per 32-bit half). */
static inline uint64_t reduce2(uint64_t x, unsigned m)
{
    uint64_t h;
    if (m == 12) {
        const uint64_t lo = 0x00000FFF00000FFFu;
        h = (x >> 12) & LANES;
        x = (x & lo) ^ h ^ (h << 3);
        h = (x >> 12) & LANES;
        x = (x & lo) ^ h ^ (h << 3);
    } else {
        const uint64_t lo = 0x00001FFF00001FFFu;
        h = (x >> 13) & LANES;
        x = (x & lo) ^ h ^ (h << 1) ^ (h << 3) ^ (h << 4);
        h = (x >> 13) & LANES;
        x = (x & lo) ^ h ^ (h << 1) ^ (h << 3) ^ (h << 4);
    }
    return x;
}

/* Finish a product modulo F(y): prod holds 2t-1 unreduced coefficients (< 2^26); fold y^t into
 * the low terms (carry-less and linear, so still unreduced; z * x is x << 1), then reduce. */
static void fold_F(mc_gf *out, uint32_t *prod, const mc_params *P)
{
    const unsigned t = P->t;
    for (unsigned i = 2 * t - 2; i >= t; i--) {
        for (unsigned k = 0; k < P->nterms; k++) {
            uint32_t v = P->term_coef[k] == 1 ? prod[i] : prod[i] << 1; /* coefficients are 1 or z */
            prod[i - t + P->term_deg[k]] ^= v;
        }
    }
    for (unsigned i = 0; i < t; i++)
        out[i] = mc_gf_reduce(prod[i], P->m);
}

/* out = a * b mod F(y); b2 = b packed in pairs (b[2w] | b[2w+1] << 32). */
static void mul_mod_F(mc_gf *out, const mc_gf *a, const uint64_t *b2, const mc_params *P)
{
    const unsigned t = P->t, half = (P->t + 1) / 2;
    uint64_t acc[2 * MC_T_MAX + 1];
    uint32_t prod[2 * MC_T_MAX];
    for (unsigned i = 0; i < 2 * t + 1; i++)
        acc[i] = 0;
    for (unsigned i = 0; i < t; i++) {
        uint64_t ai = a[i];
        for (unsigned w = 0; w < half; w++)
            acc[i + 2 * w] ^= clmul2(ai, b2[w]); /* coefficients i+2w and i+2w+1 */
    }
    prod[0] = (uint32_t)acc[0];
    for (unsigned x = 1; x < 2 * t - 1; x++)
        prod[x] = (uint32_t)acc[x] ^ (uint32_t)(acc[x - 1] >> 32);
    fold_F(out, prod, P);
}

static void sq_mod_F(mc_gf *out, const mc_gf *a, const mc_params *P)
{
    const unsigned t = P->t;
    uint32_t prod[2 * MC_T_MAX];
    for (unsigned i = 0; i < 2 * t - 1; i++)
        prod[i] = 0;
    for (unsigned i = 0; i < t; i++)
        prod[2 * i] = (uint32_t)clmul2(a[i], a[i]);
    fold_F(out, prod, P);
}

size_t qstp_mceliece_genpoly_words(const mc_params *P)
{
    return (size_t)P->t * ((P->t + 2) / 2) + ((size_t)(P->t + 1) * MC_T_MAX * sizeof(mc_gf) + 7) / 8;
}

int qstp_mceliece_genpoly(mc_gf *g, const mc_gf *f, const mc_params *P, uint64_t *work)
{
    const unsigned t = P->t, m = P->m, W = (t + 2) / 2; /* pairs per row: columns 0..t */
    uint64_t *mat = work;                             /* t rows of W pair-words */
    mc_gf(*pw)[MC_T_MAX] = (mc_gf(*)[MC_T_MAX])(void *)(work + (size_t)t * W); /* f^0 .. f^t */
    uint64_t f2[MC_T_MAX / 2 + 1];
    uint64_t fail = 0;

    /* powers f^0 .. f^t: odd ones by multiplication with f, even ones by squaring */
    for (unsigned i = 0; i < t; i++)
        pw[0][i] = 0;
    pw[0][0] = 1;
    for (unsigned w = 0; w < (t + 1) / 2; w++)
        f2[w] = (uint64_t)f[2 * w] | (2 * w + 1 < t ? (uint64_t)f[2 * w + 1] << 32 : 0);
    for (unsigned c = 1; c <= t; c++) {
        if (c % 2 == 0)
            sq_mod_F(pw[c], pw[c / 2], P);
        else
            mul_mod_F(pw[c], pw[c - 1], f2, P);
    }
    /* row r, pair-word w = (coefficient r of f^(2w), of f^(2w+1)) */
    for (unsigned r = 0; r < t; r++)
        for (unsigned w = 0; w < W; w++)
            mat[r * W + w] = (uint64_t)pw[2 * w][r] | (2 * w + 1 <= t ? (uint64_t)pw[2 * w + 1][r] << 32 : 0);

    for (unsigned j = 0; j < t; j++) {
        uint64_t *rowj = &mat[j * W];
        const unsigned wj = j / 2, sh = 32 * (j % 2); /* public position of the pivot */
        mc_gf piv, inv;
        /* make the pivot non-zero: add every later row while it is still zero */
        for (unsigned k = j + 1; k < t; k++) {
            const uint64_t *rowk = &mat[k * W];
            uint64_t mask = (uint64_t)0 - (uint64_t)(mc_gf_iszero((mc_gf)(rowj[wj] >> sh)) & 1u);
            for (unsigned w = wj; w < W; w++)
                rowj[w] ^= rowk[w] & mask;
        }
        piv = (mc_gf)(rowj[wj] >> sh);
        fail |= mc_gf_iszero(piv) & 1u;
        inv = qstp_mceliece_gf_inv(piv, m);
        for (unsigned w = wj; w < W; w++)
            rowj[w] = reduce2(clmul2(inv, rowj[w]), m);
        for (unsigned k = 0; k < t; k++) {
            uint64_t *rowk = &mat[k * W];
            uint64_t fac = (rowk[wj] >> sh) & 0xFFFFu;
            if (k == j)
                continue; /* public index */
            for (unsigned w = wj; w < W; w++)
                rowk[w] ^= reduce2(clmul2(fac, rowj[w]), m);
        }
    }
    for (unsigned i = 0; i < t; i++)
        g[i] = (mc_gf)(mat[i * W + t / 2] >> (32 * (t % 2)));
    MC_DECLASSIFY(&fail, sizeof fail); /* rejection: the caller retries with a new seed */
    return fail ? -1 : 0;
}
