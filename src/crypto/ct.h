/* Constant-time helpers and secure wipe. Header-only so every layer can inline them.
 * Rules: no branch and no memory index depends on the secret operands. */
#ifndef QSTP_CRYPTO_CT_H
#define QSTP_CRYPTO_CT_H

#include <stddef.h>
#include <stdint.h>

/* An optimisation barrier: the compiler must assume the value may have changed, so it cannot
 * turn a mask computation back into a branch. */
static inline uint64_t qstp_ct_barrier_u64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : "+r"(x));
#endif
    return x;
}

static inline uint32_t qstp_ct_barrier_u32(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : "+r"(x));
#endif
    return x;
}

/* All-ones if x != 0, else zero. */
static inline uint64_t qstp_ct_mask_nonzero_u64(uint64_t x)
{
    x = qstp_ct_barrier_u64(x);
    return (uint64_t)0 - ((x | ((uint64_t)0 - x)) >> 63);
}

/* All-ones if a == b, else zero. */
static inline uint64_t qstp_ct_mask_eq_u64(uint64_t a, uint64_t b)
{
    return ~qstp_ct_mask_nonzero_u64(a ^ b);
}

/* 1 if the n bytes at a and b are equal, 0 otherwise; time depends only on n. */
static inline int qstp_ct_equal(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *pa = (const volatile uint8_t *)a;
    const volatile uint8_t *pb = (const volatile uint8_t *)b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= (uint8_t)(pa[i] ^ pb[i]);
    return (int)(1 & ((qstp_ct_barrier_u32(d) - 1u) >> 8));
}

/* 1 if all n bytes are zero. */
static inline int qstp_ct_is_zero(const void *a, size_t n)
{
    const volatile uint8_t *p = (const volatile uint8_t *)a;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= p[i];
    return (int)(1 & ((qstp_ct_barrier_u32(d) - 1u) >> 8));
}

/* if (cond) copy src to dst; cond is 0 or 1; constant time. */
static inline void qstp_ct_cmov(void *dst, const void *src, size_t n, unsigned cond)
{
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    uint8_t m = (uint8_t)(0u - (qstp_ct_barrier_u32(cond) & 1u));
    for (size_t i = 0; i < n; i++)
        d[i] ^= (uint8_t)(m & (d[i] ^ s[i]));
}

/* cond ? a : b, constant time; cond is 0 or 1. */
static inline uint32_t qstp_ct_select_u32(uint32_t a, uint32_t b, unsigned cond)
{
    uint32_t m = 0u - (qstp_ct_barrier_u32(cond) & 1u);
    return b ^ (m & (a ^ b));
}

static inline uint64_t qstp_ct_select_u64(uint64_t a, uint64_t b, unsigned cond)
{
    uint64_t m = (uint64_t)0 - (qstp_ct_barrier_u64(cond) & 1u);
    return b ^ (m & (a ^ b));
}

/* Secure wipe the compiler cannot remove (defined in ct.c). */
void qstp_wipe(void *p, size_t n);

#endif
