/* The Goppa polynomial (spec §3.4 step 3 / §5.2 "Irreducible-polynomial generation"): g is the
 * minimal polynomial of the random element f of GF(2^mt) = GF(2^m)[y]/F(y). We solve
 * sum_{c<t} g_c f^c = f^t by Gauss-Jordan elimination over GF(2^m) on the t x (t+1) matrix whose
 * column c holds the coefficients of f^c; the minimal polynomial has degree t exactly when the
 * left t x t block is invertible, and is then unique. The elimination is branch-free except for
 * the public outcome "degree < t" (the caller draws a new seed, as the reference does). */
#include "crypto/mceliece/mc_internal.h"

/* out = a * b mod F(y); out may alias a or b. */
static void mul_mod_F(mc_gf *out, const mc_gf *a, const mc_gf *b, const mc_params *P)
{
    const unsigned t = P->t, m = P->m;
    mc_gf prod[2 * MC_T_MAX - 1];
    for (unsigned i = 0; i < 2 * t - 1; i++)
        prod[i] = 0;
    for (unsigned i = 0; i < t; i++)
        for (unsigned j = 0; j < t; j++)
            prod[i + j] ^= mc_gf_mul(a[i], b[j], m);
    /* y^t = sum coef * y^deg */
    for (unsigned i = 2 * t - 2; i >= t; i--) {
        for (unsigned k = 0; k < P->nterms; k++) {
            mc_gf c = P->term_coef[k];
            prod[i - t + P->term_deg[k]] ^= c == 1 ? prod[i] : mc_gf_mul(prod[i], c, m);
        }
    }
    for (unsigned i = 0; i < t; i++)
        out[i] = prod[i];
}

int qstp_mceliece_genpoly(mc_gf *g, const mc_gf *f, const mc_params *P, mc_gf *mat)
{
    const unsigned t = P->t, m = P->m, W = t + 1; /* row r: coefficient r of f^0 .. f^t */
    mc_gf cur[MC_T_MAX];
    int fail = 0;

    /* columns: f^0 = 1, f^1 = f, f^c = f^(c-1) * f */
    for (unsigned i = 0; i < t; i++)
        cur[i] = 0;
    cur[0] = 1;
    for (unsigned c = 0; c <= t; c++) {
        if (c > 0)
            mul_mod_F(cur, cur, f, P);
        for (unsigned r = 0; r < t; r++)
            mat[r * W + c] = cur[r];
    }

    for (unsigned j = 0; j < t; j++) {
        mc_gf *rowj = &mat[j * W];
        /* make the pivot non-zero: add every later row while it is still zero */
        for (unsigned k = j + 1; k < t; k++) {
            mc_gf mask = mc_gf_iszero(rowj[j]);
            const mc_gf *rowk = &mat[k * W];
            for (unsigned c = j; c < W; c++)
                rowj[c] ^= rowk[c] & mask;
        }
        fail |= (int)(mc_gf_iszero(rowj[j]) & 1u);
        {
            mc_gf inv = qstp_mceliece_gf_inv(rowj[j], m);
            for (unsigned c = j; c < W; c++)
                rowj[c] = mc_gf_mul(rowj[c], inv, m);
        }
        for (unsigned k = 0; k < t; k++) {
            mc_gf *rowk = &mat[k * W];
            mc_gf fac = rowk[j];
            if (k == j)
                continue; /* public index */
            for (unsigned c = j; c < W; c++)
                rowk[c] ^= mc_gf_mul(rowj[c], fac, m);
        }
    }
    for (unsigned i = 0; i < t; i++)
        g[i] = mat[i * W + t];
    return fail ? -1 : 0;
}
