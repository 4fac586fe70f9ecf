/* Public-key generation (spec §3.4 steps 4-6; §4.1 for the 6960119 row packing).
 *
 * The parity-check matrix H~ has mt rows and n columns: row i*m + b, column j is bit b of
 * alpha_j^i / g(alpha_j). Stored as 64-bit words (column j = bit j%64 of word j/64), it is exactly
 * the bitsliced form of the field elements h_j * alpha_j^i for 64 consecutive j, so each word
 * comes out of one bitsliced multiplication. Gauss-Jordan elimination to [I_mt | T] runs on whole
 * words with masks (no branch or index on the data); the only data-dependent outcome is whether
 * the left mt x mt block is invertible, which the caller answers by drawing a new seed, as the
 * reference does. The systematic form is unique, so T does not depend on how we eliminate. */
#include "crypto/mceliece/mc_internal.h"

static void fill_matrix(uint64_t *mat, const mc_gf *g, const mc_gf *L, const mc_params *P)
{
    const unsigned m = P->m, t = P->t, W = (P->n + 63) / 64;
    mc_gf gfull[MC_T_MAX + 1];
    for (unsigned i = 0; i < t; i++)
        gfull[i] = g[i];
    gfull[t] = 1;
    for (unsigned w = 0; w < W; w++) {
        uint64_t a[MC_M_MAX], cur[MC_M_MAX];
        uint64_t keep = ~(uint64_t)0;
        if (64 * (w + 1) > P->n)
            keep = ((uint64_t)1 << (P->n % 64)) - 1; /* columns past n stay zero */
        qstp_mceliece_vec_from_scalars(a, &L[64 * w], m);
        qstp_mceliece_vec_eval(cur, gfull, t, a, m);
        qstp_mceliece_vec_inv(cur, cur, m); /* 1/g(alpha) */
        for (unsigned i = 0; i < t; i++) {
            for (unsigned b = 0; b < m; b++)
                mat[(size_t)(i * m + b) * W + w] = cur[b] & keep;
            if (i + 1 < t)
                qstp_mceliece_vec_mul(cur, cur, a, m);
        }
    }
}

static int eliminate(uint64_t *mat, const mc_params *P)
{
    const size_t R = P->mt, W = (P->n + 63) / 64;
    uint64_t fail = 0;
    for (size_t row = 0; row < R; row++) {
        const size_t i = row / 64, j = row % 64;
        uint64_t *pr = &mat[row * W];
        /* Columns left of the pivot are already reduced in every row, so words < i stay zero. */
        for (size_t k = row + 1; k < R; k++) {
            const uint64_t *rk = &mat[k * W];
            uint64_t mask = ((pr[i] >> j) & 1u) - 1u; /* all-ones while the pivot is 0 */
            for (size_t c = i; c < W; c++)
                pr[c] ^= rk[c] & mask;
        }
        fail |= ((pr[i] >> j) & 1u) ^ 1u;
        for (size_t k = 0; k < R; k++) {
            uint64_t *rk = &mat[k * W];
            uint64_t mask;
            if (k == row)
                continue; /* public index */
            mask = (uint64_t)0 - ((rk[i] >> j) & 1u);
            for (size_t c = i; c < W; c++)
                rk[c] ^= pr[c] & mask;
        }
    }
    return fail ? -1 : 0;
}

/* Row r of T is bits mt .. n-1 of row r, packed LSB first into pk_row_bytes bytes. When mt is
 * not a multiple of 8 (6960119), the row starts mid-byte and the last byte's top bits are zero
 * padding (round-4 §9.2). */
static void pack_pk(uint8_t *pk, const uint64_t *mat, const mc_params *P)
{
    const size_t W = (P->n + 63) / 64, rb = P->pk_row_bytes;
    for (size_t r = 0; r < P->mt; r++) {
        const uint64_t *row = &mat[r * W];
        uint8_t *out = &pk[r * rb];
        for (size_t j = 0; j < rb; j++) {
            size_t bit = P->mt + 8 * j; /* first column of this output byte */
            size_t wi = bit / 64, sh = bit % 64;
            uint64_t v = row[wi] >> sh;
            if (sh > 56 && wi + 1 < W)
                v |= row[wi + 1] << (64 - sh);
            out[j] = (uint8_t)v;
        }
    }
}

int qstp_mceliece_pk_gen(uint8_t *pk, const mc_gf *g, const mc_gf *L, const mc_params *P,
                         uint64_t *mat)
{
    fill_matrix(mat, g, L, P);
    if (eliminate(mat, P) != 0)
        return -1;
    pack_pk(pk, mat, P);
    return 0;
}
