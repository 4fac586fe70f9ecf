/* Benes-network control bits for the secret support permutation (round-4 spec, private-key
 * format: "the control bits computed by the algorithm in Bernstein, 'Verified fast formulas for control bits
 * for permutation networks'"). The secret key stores these bits, so they must be exactly the ones
 * the reference computes; the network is not unique, the algorithm fixes them:
 *
 *   For pi on {0..n-1}, n = 2^w, let X(x) = x xor 1 and pibar = pi X pi^-1 X. Let c(x) be the
 *   minimum of x's cycle under pibar. First-layer bit j is f_j = c(2j) mod 2, F(x) = x xor
 *   f_{x/2}. Last-layer bit k is l_k = F(pi(2k)) mod 2, L(y) = y xor l_{k}. M = F pi L maps even
 *   to even and odd to odd positions; its two halves are the permutations of the two subnetworks,
 *   handled recursively. For w = 1 the single bit is pi(0).
 *
 * Bit layout: layer i of 2w-1 holds n/2 bits at offset i*n/2; the subnetworks' bits interleave
 * (even subnetwork at even offsets). Every step on pi is a composition or inversion done by the
 * constant-time sort on packed (key << 32 | value) words, so nothing is indexed by a secret. */
#include "crypto/mceliece/mc_internal.h"

static inline uint64_t min16(uint64_t a, uint64_t b)
{
    uint64_t mask = (uint64_t)0 - ((b - a) >> 63); /* b < a */
    return a ^ ((a ^ b) & mask);
}

static inline void flip_bit(uint8_t *out, size_t pos, uint64_t bit)
{
    out[pos >> 3] ^= (uint8_t)(bit << (pos & 7));
}

/* B[x] = p(x) << 16 | c(x) becomes p(p(x)) << 16 | c'(x) with c' = min(c, c o p) if update_c,
 * else c' = c. Two sorts: invert p, then compose. */
static void square_step(uint64_t *A, uint64_t *B, size_t n, int update_c)
{
    size_t x;
    for (x = 0; x < n; x++)
        A[x] = (((B[x] >> 16) & 0xFFFFu) << 32) | x;
    qstp_mceliece_sort_u64(A, n); /* A[y] low 16 bits = p^-1(y) */
    for (x = 0; x < n; x++)
        A[x] = ((A[x] & 0xFFFFu) << 32) | (B[x] & 0xFFFFFFFFu);
    qstp_mceliece_sort_u64(A, n); /* A[x] = p(p(x)) << 16 | c(p(x)) */
    for (x = 0; x < n; x++) {
        uint64_t pp = (A[x] >> 16) & 0xFFFFu, c = B[x] & 0xFFFFu;
        if (update_c) /* public */
            c = min16(c, A[x] & 0xFFFFu);
        B[x] = (pp << 16) | c;
    }
}

static void cbrecursion(uint8_t *out, size_t pos, size_t step, const uint16_t *pi, unsigned w, size_t n,
                        uint64_t *A, uint64_t *B, uint16_t *q)
{
    size_t x, j, half = n / 2;
    if (w == 1) {
        flip_bit(out, pos, pi[0] & 1u);
        return;
    }
    /* pibar(pi(x) xor 1) = pi(x xor 1) */
    for (x = 0; x < n; x++)
        A[x] = ((uint64_t)(pi[x] ^ 1u) << 32) | pi[x ^ 1];
    qstp_mceliece_sort_u64(A, n);
    /* B = p << 16 | c with c(x) = min(x, pibar(x)) and p = pibar^2 */
    for (x = 0; x < n; x++) {
        uint64_t p = A[x] & 0xFFFFu;
        B[x] = (p << 16) | min16(x, p);
    }
    square_step(A, B, n, 0);
    /* w-2 doublings: c(x) = min(c(x), c(p(x))), p = p^2. c(x) then covers x, pibar(x), ...,
     * pibar^(2^(w-1)-1)(x), which is x's whole cycle (cycles have length <= n/2). */
    for (unsigned i = 1; i < w - 1; i++)
        square_step(A, B, n, 1);
    /* pi^-1 */
    for (x = 0; x < n; x++)
        A[x] = ((uint64_t)pi[x] << 32) | x;
    qstp_mceliece_sort_u64(A, n); /* A[y] low = pi^-1(y) */
    /* first layer: f_j = c(2j) & 1; then B = pi^-1(x) << 32 | F(x), sorted: F(pi(y)) */
    for (j = 0; j < half; j++) {
        uint64_t f = B[2 * j] & 1u;
        flip_bit(out, pos + j * step, f);
        B[2 * j] = ((A[2 * j] & 0xFFFFu) << 32) | ((2 * j) ^ f);
        B[2 * j + 1] = ((A[2 * j + 1] & 0xFFFFu) << 32) | ((2 * j + 1) ^ f);
    }
    qstp_mceliece_sort_u64(B, n); /* B[y] low = F(pi(y)) */
    /* last layer: l_k = F(pi(2k)) & 1; A = L(y) << 32 | F(pi(y)), sorted: M(z) = F(pi(L(z))) */
    {
        size_t lastpos = pos + (2 * (size_t)w - 2) * step * half;
        for (j = 0; j < half; j++) {
            uint64_t l = B[2 * j] & 1u;
            flip_bit(out, lastpos + j * step, l);
            A[2 * j] = ((uint64_t)((2 * j) ^ l) << 32) | (B[2 * j] & 0xFFFFu);
            A[2 * j + 1] = ((uint64_t)((2 * j + 1) ^ l) << 32) | (B[2 * j + 1] & 0xFFFFu);
        }
    }
    qstp_mceliece_sort_u64(A, n);
    for (j = 0; j < half; j++) {
        q[j] = (uint16_t)((A[2 * j] & 0xFFFFu) >> 1);
        q[j + half] = (uint16_t)((A[2 * j + 1] & 0xFFFFu) >> 1);
    }
    cbrecursion(out, pos + step * half, step * 2, q, w - 1, half, A, B, q + n);
    cbrecursion(out, pos + step * half + step, step * 2, q + half, w - 1, half, A, B, q + n);
}

void qstp_mceliece_controlbits(uint8_t *out, const uint16_t *pi, unsigned w, uint64_t *temp,
                               uint16_t *qtemp)
{
    size_t n = (size_t)1 << w;
    size_t nbytes = ((2 * (size_t)w - 1) * (n / 2) + 7) / 8;
    for (size_t i = 0; i < nbytes; i++)
        out[i] = 0;
    cbrecursion(out, 0, 1, pi, w, n, temp, temp + n, qtemp);
}

/* Layer s of the network: pairs (i+j, i+j+2^s) swap when their control bit is set. Layers run
 * 0, 1, ..., w-1, w-2, ..., 0, each consuming 2^(w-1) bits in pair order. */
void qstp_mceliece_perm_from_controlbits(uint16_t *pi, const uint8_t *cb, unsigned w)
{
    size_t n = (size_t)1 << w, idx = 0;
    for (size_t i = 0; i < n; i++)
        pi[i] = (uint16_t)i;
    for (unsigned layer = 0; layer < 2 * w - 1; layer++) {
        unsigned s = layer < w ? layer : 2 * w - 2 - layer;
        size_t stride = (size_t)1 << s;
        for (size_t i = 0; i < n; i += 2 * stride) {
            for (size_t j = 0; j < stride; j++, idx++) {
                uint16_t mask = (uint16_t)(0u - ((cb[idx >> 3] >> (idx & 7)) & 1u));
                uint16_t d = (uint16_t)((pi[i + j] ^ pi[i + j + stride]) & mask);
                pi[i + j] ^= d;
                pi[i + j + stride] ^= d;
            }
        }
    }
}
