/* Classic McEliece internals shared by the files of this module (not a public header).
 * One implementation serves all five sets; the set is a row of qstp_mceliece_params and every
 * array is sized for the largest set (m = 13, n = 8192, t = 128). */
#ifndef QSTP_CRYPTO_MCELIECE_INTERNAL_H
#define QSTP_CRYPTO_MCELIECE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mceliece/mceliece.h"

#define MC_M_MAX 13u
#define MC_Q_MAX (1u << MC_M_MAX)      /* field size 2^m */
#define MC_N_MAX 8192u
#define MC_T_MAX 128u
#define MC_MT_MAX (MC_M_MAX * MC_T_MAX) /* 1664 */
#define MC_NW_MAX (MC_N_MAX / 64u)      /* 64-bit words per length-n bit vector */
#define MC_NBYTES_MAX (MC_N_MAX / 8u)

typedef uint16_t mc_gf; /* an element of GF(2^m), m low bits used */

/* Full unrolling of small fixed-size loops (bitsliced products, elimination strips) is worth
 * 2-4x here; the pragma is spelled differently by the two compilers. */
#if defined(__clang__)
#define MC_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define MC_UNROLL _Pragma("GCC unroll 32")
#else
#define MC_UNROLL
#endif

/* Declassification points for the constant-time test (tests/crypto/mceliece/test_mceliece_ct.c
 * builds these sources with QSTP_MCELIECE_CT_TESTING and runs under valgrind with the secrets
 * marked undefined). Only the outcomes the reference also reveals are declassified: whether a
 * key-generation attempt or an error-vector draw is rejected and retried. */
#ifdef QSTP_MCELIECE_CT_TESTING
#include <valgrind/memcheck.h>
#define MC_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define MC_DECLASSIFY(p, n) ((void)0)
#endif

typedef struct {
    unsigned m, t, n;
    unsigned mt;           /* rows of the parity-check matrix and of the public key */
    unsigned k;            /* n - mt: public-key row length in bits */
    unsigned pk_row_bytes; /* ceil(k/8) (spec public-key format: rows padded to bytes) */
    unsigned synd_bytes;   /* ceil(mt/8): size of C0 */
    unsigned irr_bytes;    /* 2t: the Goppa polynomial in the secret key */
    unsigned cond_bytes;   /* (2m-1)2^(m-4): Benes control bits in the secret key */
    size_t pk_bytes, sk_bytes;
    /* F(y) = y^t + sum of (coef * y^deg) over these terms: the polynomial defining GF(2^mt) */
    unsigned nterms;
    unsigned term_deg[4];
    mc_gf term_coef[4];
} mc_params;

const mc_params *qstp_mceliece_params(qstp_mceliece_param p);

/* ---- scalar GF(2^m), f(z) = z^12+z^3+1 (m=12) or z^13+z^4+z^3+z+1 (m=13); branch-free ---- */
static inline mc_gf mc_gf_reduce(uint32_t x, unsigned m)
{
    uint32_t h;
    if (m == 12) { /* z^12 = z^3 + 1; two folds bring a 23-bit product below 2^12 */
        h = x >> 12;
        x = (x & 0xFFFu) ^ h ^ (h << 3);
        h = x >> 12;
        x = (x & 0xFFFu) ^ h ^ (h << 3);
    } else { /* z^13 = z^4 + z^3 + z + 1 */
        h = x >> 13;
        x = (x & 0x1FFFu) ^ h ^ (h << 1) ^ (h << 3) ^ (h << 4);
        h = x >> 13;
        x = (x & 0x1FFFu) ^ h ^ (h << 1) ^ (h << 3) ^ (h << 4);
    }
    return (mc_gf)x;
}

static inline mc_gf mc_gf_mul(mc_gf a, mc_gf b, unsigned m)
{
    uint32_t a32 = a, b32 = b, r;
    /* carry-less product: each term multiplies by 0 or a single power of two (no carries) */
    r = a32 * (b32 & 1u);
    for (unsigned i = 1; i < 13; i++)
        r ^= a32 * (b32 & (1u << i));
    return mc_gf_reduce(r, m);
}

/* All-ones (0xFFFF) if a == 0, else 0. */
static inline mc_gf mc_gf_iszero(mc_gf a)
{
    uint32_t t = a;
    t -= 1;
    t >>= 19;
    return (mc_gf)(0u - (t & 1u));
}

mc_gf qstp_mceliece_gf_inv(mc_gf a, unsigned m); /* a^(2^m-2); 0 maps to 0 */

/* ---- bitsliced GF(2^m): 64 elements, word i holds bit i of each (bit j of word = element j) ---- */
void qstp_mceliece_vec_mul(uint64_t *h, const uint64_t *f, const uint64_t *g, unsigned m);
void qstp_mceliece_vec_sq(uint64_t *h, const uint64_t *f, unsigned m);
void qstp_mceliece_vec_inv(uint64_t *h, const uint64_t *f, unsigned m);
/* h = poly(a) with poly = c[0] + c[1] y + ... + c[deg] y^deg (scalar coefficients), Horner. */
void qstp_mceliece_vec_eval(uint64_t *h, const mc_gf *c, unsigned deg, const uint64_t *a, unsigned m);
/* acc[j] ^= cur * a^j for j < count; then cur *= a^count (cur is updated in place). */
void qstp_mceliece_vec_accumulate_powers(uint64_t (*acc)[MC_M_MAX], uint64_t *cur, const uint64_t *a,
                                         unsigned count, unsigned m);
/* Transpose 64 scalars into m bit planes. */
void qstp_mceliece_vec_from_scalars(uint64_t *v, const mc_gf *x, unsigned m);

/* ---- constant-time sorting network (Knuth 5.2.2 Algorithm M, merge exchange) ----
 * Keys must be below 2^63. */
void qstp_mceliece_sort_u64(uint64_t *x, size_t n);

/* ---- Benes network: control bits <-> permutation of {0..2^w-1} (round-4 spec private-key format) ----
 * temp: 2*2^w uint64_t; qtemp: 2*2^w uint16_t. out: (2w-1)2^(w-1) bits, zeroed first. */
void qstp_mceliece_controlbits(uint8_t *out, const uint16_t *pi, unsigned w, uint64_t *temp,
                               uint16_t *qtemp);
/* pi = the permutation the network applies to (0, 1, ..., 2^w-1). */
void qstp_mceliece_perm_from_controlbits(uint16_t *pi, const uint8_t *cb, unsigned w);

static inline mc_gf mc_bitrev(mc_gf a, unsigned m)
{
    uint32_t x = a;
    x = ((x & 0x00FFu) << 8) | ((x & 0xFF00u) >> 8);
    x = ((x & 0x0F0Fu) << 4) | ((x & 0xF0F0u) >> 4);
    x = ((x & 0x3333u) << 2) | ((x & 0xCCCCu) >> 2);
    x = ((x & 0x5555u) << 1) | ((x & 0xAAAAu) >> 1);
    return (mc_gf)(x >> (16 - m));
}

/* ---- key generation pieces ---- */
/* Minimal polynomial of f in GF(2^m)[y]/F(y) (spec "Irreducible"): g[0..t-1] (monic, g[t] = 1
 * implied). work: qstp_mceliece_genpoly_words(P) words of scratch. Returns 0, or -1 if
 * deg < t (caller retries). */
size_t qstp_mceliece_genpoly_words(const mc_params *P);
int qstp_mceliece_genpoly(mc_gf *g, const mc_gf *f, const mc_params *P, uint64_t *work);
/* Public key from g and the support L[0..n-1] (spec "SeededKeyGen", systematic form by
 * constant-time elimination). work: qstp_mceliece_pk_gen_words(P) words (matrix, recorded
 * row-operation masks, one word column). Returns 0 or -1 (not systematic). */
size_t qstp_mceliece_pk_gen_words(const mc_params *P);
int qstp_mceliece_pk_gen(uint8_t *pk, const mc_gf *g, const mc_gf *L, const mc_params *P,
                         uint64_t *work);

/* ---- decoding (spec "Decode") ---- */
/* e (n/8 bytes) from C0 and the secret key's (g, control bits); returns 1 if decoding succeeded
 * (weight t and matching syndrome), 0 otherwise, in constant time. e is meaningless when 0. */
int qstp_mceliece_decrypt(uint8_t *e, const uint8_t *c0, const uint8_t *sk_g, const mc_params *P);

/* ---- little-endian helpers ---- */
static inline uint64_t mc_load64(const uint8_t *p)
{
    uint64_t r = 0;
    for (int i = 7; i >= 0; i--)
        r = (r << 8) | p[i];
    return r;
}

static inline void mc_store64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t mc_parity64(uint64_t x)
{
    x ^= x >> 32;
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    x ^= x >> 2;
    x ^= x >> 1;
    return x & 1u;
}

#endif
