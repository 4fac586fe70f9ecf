/* Public-key generation (round-4 spec "SeededKeyGen", public-key steps; the
 * public-key format for the 6960119 row packing).
 *
 * The parity-check matrix H~ has mt rows and n columns: row i*m + b, column j is bit b of
 * alpha_j^i / g(alpha_j). Stored as 64-bit words (column j = bit j%64 of word j/64), it is exactly
 * the bitsliced form of the field elements h_j * alpha_j^i for 64 consecutive j, so each word
 * comes out of one bitsliced multiplication. Gauss-Jordan elimination to [I_mt | T] runs on whole
 * words with masks (no branch or index on the data); the only data-dependent outcome is whether
 * the left mt x mt block is invertible, which the caller answers by drawing a new seed, as the
 * reference does. The systematic form is unique, so T does not depend on how we eliminate.
 *
 * Speed: the elimination is blocked by 64 pivots. For pivot block b, every row operation's mask
 * depends only on word b of the rows, so we first run the block's 64 pivot steps on a copy of
 * that word column alone, recording the masks as bits; then we replay the recorded operations
 * on the other words in strips of 8 words, so a strip of all mt rows (<= 104 KiB) stays in
 * cache while it is processed. The left (pivot) words are done block by block; if the left
 * block turns out singular we stop there, at about a seventh of the full cost. Only then are
 * all blocks' operations replayed on the right-hand words, strip by strip. */
#include "crypto/mceliece/mc_internal.h"

#define STRIP 8u /* words per strip in the replay */

/* Word layout of the matrix: W_left words hold the pivot columns 0..mt-1 (and the first columns
 * of T); the stride pads the rest to whole strips. */
static size_t words_left(const mc_params *P) { return (P->mt + 63) / 64; }
static size_t stride(const mc_params *P)
{
    size_t wl = words_left(P), wn = (P->n + 63) / 64;
    return wl + (wn - wl + STRIP - 1) / STRIP * STRIP;
}
static size_t mask_words(const mc_params *P) { return (size_t)P->mt * 2 * words_left(P); }

size_t qstp_mceliece_pk_gen_words(const mc_params *P)
{
    return (size_t)P->mt * stride(P) + mask_words(P) + P->mt;
}

static void fill_matrix(uint64_t *mat, size_t W, const mc_gf *g, const mc_gf *L, const mc_params *P)
{
    const unsigned m = P->m, t = P->t;
    const size_t wn = (P->n + 63) / 64;
    mc_gf gfull[MC_T_MAX + 1];
    for (unsigned i = 0; i < t; i++)
        gfull[i] = g[i];
    gfull[t] = 1;
    for (size_t r = 0; r < P->mt; r++) /* padding words */
        for (size_t w = wn; w < W; w++)
            mat[r * W + w] = 0;
    for (size_t w = 0; w < wn; w++) {
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

/* Gauss-Jordan steps for pivots 64b .. 64b+63 on the word column col[0..R-1] (word b of every
 * row). Records, per pivot j, the bit masks of the rows added into the pivot row ("add") and of
 * the rows the pivot row is added into ("elim"). Returns non-zero if some pivot stays zero. */
static uint64_t simulate_block(uint64_t *col, size_t R, size_t b, uint64_t *mk, size_t RW)
{
    const size_t r0 = 64 * b, np = R - r0 < 64 ? R - r0 : 64;
    uint64_t fail = 0;
    for (size_t i = 0; i < np * 2 * RW; i++)
        mk[i] = 0;
    for (size_t j = 0; j < np; j++) {
        const size_t row = r0 + j;
        uint64_t *ab = mk + 2 * j * RW, *eb = ab + RW;
        uint64_t pv = col[row];
        for (size_t k = row + 1; k < R; k++) {
            uint64_t m = ((pv >> j) & 1u) - 1u; /* all-ones while the pivot bit is 0 */
            pv ^= col[k] & m;
            ab[k / 64] |= (m & 1u) << (k % 64);
        }
        col[row] = pv;
        fail |= ((pv >> j) & 1u) ^ 1u;
        for (size_t k = 0; k < R; k++) {
            uint64_t m;
            if (k == row)
                continue; /* public index */
            m = (uint64_t)0 - ((col[k] >> j) & 1u);
            col[k] ^= pv & m;
            eb[k / 64] |= (m & 1u) << (k % 64);
        }
    }
    return fail;
}

/* Replay block b's recorded operations on words cs .. cs+len-1 of every row (len <= STRIP).
 * Words left of the block are zero in every row that is added, so including them is harmless. */
static inline void replay_block(uint64_t *mat, size_t W, size_t R, size_t b, const uint64_t *mk,
                                size_t RW, size_t cs, const size_t len)
{
    const size_t r0 = 64 * b, np = R - r0 < 64 ? R - r0 : 64;
    for (size_t j = 0; j < np; j++) {
        const size_t row = r0 + j;
        const uint64_t *ab = mk + 2 * j * RW, *eb = ab + RW;
        uint64_t acc[STRIP] = { 0 };
        uint64_t *pj = mat + row * W + cs;
        MC_UNROLL
        for (size_t s = 0; s < len; s++)
            acc[s] = pj[s];
        for (size_t k = row + 1; k < R; k++) {
            const uint64_t *rk = mat + k * W + cs;
            uint64_t m = (uint64_t)0 - ((ab[k / 64] >> (k % 64)) & 1u);
            MC_UNROLL
            for (size_t s = 0; s < len; s++)
                acc[s] ^= rk[s] & m;
        }
        MC_UNROLL
        for (size_t s = 0; s < len; s++)
            pj[s] = acc[s];
        for (size_t k = 0; k < R; k++) {
            uint64_t *rk = mat + k * W + cs;
            uint64_t m = (uint64_t)0 - ((eb[k / 64] >> (k % 64)) & 1u);
            if (k == row)
                continue; /* public index */
            MC_UNROLL
            for (size_t s = 0; s < len; s++)
                rk[s] ^= acc[s] & m;
        }
    }
}

static void replay_strip8(uint64_t *mat, size_t W, size_t R, size_t b, const uint64_t *mk, size_t RW,
                          size_t cs)
{
    replay_block(mat, W, R, b, mk, RW, cs, STRIP);
}

static void replay_range(uint64_t *mat, size_t W, size_t R, size_t b, const uint64_t *mk, size_t RW,
                         size_t lo, size_t hi)
{
    for (size_t cs = lo; cs < hi; cs += STRIP) {
        if (hi - cs >= STRIP)
            replay_strip8(mat, W, R, b, mk, RW, cs);
        else
            replay_block(mat, W, R, b, mk, RW, cs, hi - cs);
    }
}

static int eliminate(uint64_t *mat, uint64_t *masks, uint64_t *col, const mc_params *P)
{
    const size_t R = P->mt, W = stride(P), WL = words_left(P), RW = WL, nblk = WL;
    /* left part, block by block */
    for (size_t b = 0; b < nblk; b++) {
        uint64_t *mk = masks + b * 64 * 2 * RW;
        for (size_t k = 0; k < R; k++)
            col[k] = mat[k * W + b];
        uint64_t fail = simulate_block(col, R, b, mk, RW);
        MC_DECLASSIFY(&fail, sizeof fail); /* rejection: the caller retries with a new seed */
        if (fail != 0)
            return -1;
        replay_range(mat, W, R, b, mk, RW, b, WL);
    }
    /* right part: every block's operations, one strip at a time */
    for (size_t cs = WL; cs < W; cs += STRIP)
        for (size_t b = 0; b < nblk; b++)
            replay_strip8(mat, W, R, b, masks + b * 64 * 2 * RW, RW, cs);
    return 0;
}

/* Row r of T is bits mt .. n-1 of row r, packed LSB first into pk_row_bytes bytes. When mt is
 * not a multiple of 8 (6960119), the row starts mid-byte and the last byte's top bits are zero
 * padding (round-4 spec, public-key format). */
static void pack_pk(uint8_t *pk, const uint64_t *mat, size_t W, const mc_params *P)
{
    const size_t rb = P->pk_row_bytes;
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
                         uint64_t *work)
{
    const size_t W = stride(P);
    uint64_t *mat = work, *masks = work + (size_t)P->mt * W, *col = masks + mask_words(P);
    fill_matrix(mat, W, g, L, P);
    if (eliminate(mat, masks, col, P) != 0)
        return -1;
    pack_pk(pk, mat, W, P);
    return 0;
}
