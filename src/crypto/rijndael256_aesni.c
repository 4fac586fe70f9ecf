/* Rijndael-256 (256-bit block), AES-NI backend. QSTP-WIRE §6.3, §6.4.
 *
 * The 256-bit state is kept as two 128-bit halves: lo = columns 0..3 (bytes 0..15), hi = columns
 * 4..7 (bytes 16..31). AESENC applies SubBytes, the AES ShiftRows (row r of a 4-column half
 * rotated by r), MixColumns and the round-key XOR to one half. SubBytes works byte by byte, so it
 * commutes with any byte permutation: if the state is first permuted by P = SR128x2^-1 o SR256,
 * AESENC on the two halves gives exactly one Rijndael-256 round. P moves bytes between the halves
 * only at the same position (row 1 column 0, row 2 columns 0..2, row 3 all columns), so it is one
 * PBLENDVB per half (exchange those bytes) followed by one PSHUFB per half (the same shuffle for
 * both): rows 0 and 1 stay, rows 2 and 3 move column d+1 to column d.
 *
 * The CTR path keeps four blocks in flight so consecutive AESENCs are independent. */
#include "crypto/rijndael256.h"

#if defined(__AES__) && defined(__SSE4_1__) && defined(__SSSE3__)

#include <immintrin.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/endian.h"

/* Byte positions exchanged between the halves: 1 (r1 c0), 2, 6, 10 (r2 c0..2), 3, 7, 11, 15 (r3). */
#define R256_BLEND_MASK                                                                              \
    _mm_setr_epi8(0, (char)0x80, (char)0x80, (char)0x80, 0, 0, (char)0x80, (char)0x80, 0, 0,         \
                  (char)0x80, (char)0x80, 0, 0, 0, (char)0x80)
/* out[4d + r] = in[4s + r] with s = d for rows 0, 1 and s = d + 1 (mod 4) for rows 2, 3. */
#define R256_SHUFFLE _mm_setr_epi8(0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3)

static inline void round1(__m128i *lo, __m128i *hi, __m128i klo, __m128i khi, __m128i mask,
                          __m128i shuf)
{
    const __m128i a = _mm_shuffle_epi8(_mm_blendv_epi8(*lo, *hi, mask), shuf);
    const __m128i b = _mm_shuffle_epi8(_mm_blendv_epi8(*hi, *lo, mask), shuf);
    *lo = _mm_aesenc_si128(a, klo);
    *hi = _mm_aesenc_si128(b, khi);
}

static inline void last1(__m128i *lo, __m128i *hi, __m128i klo, __m128i khi, __m128i mask,
                         __m128i shuf)
{
    const __m128i a = _mm_shuffle_epi8(_mm_blendv_epi8(*lo, *hi, mask), shuf);
    const __m128i b = _mm_shuffle_epi8(_mm_blendv_epi8(*hi, *lo, mask), shuf);
    *lo = _mm_aesenclast_si128(a, klo);
    *hi = _mm_aesenclast_si128(b, khi);
}

static inline __m128i load_rk(const uint8_t *rk, unsigned r, unsigned half)
{
    return _mm_loadu_si128((const __m128i *)(const void *)(rk + 32 * r + 16 * half));
}

static void encrypt1(const uint8_t *rk, unsigned rounds, __m128i *lo, __m128i *hi)
{
    const __m128i mask = R256_BLEND_MASK, shuf = R256_SHUFFLE;
    *lo = _mm_xor_si128(*lo, load_rk(rk, 0, 0));
    *hi = _mm_xor_si128(*hi, load_rk(rk, 0, 1));
    for (unsigned r = 1; r < rounds; r++)
        round1(lo, hi, load_rk(rk, r, 0), load_rk(rk, r, 1), mask, shuf);
    last1(lo, hi, load_rk(rk, rounds, 0), load_rk(rk, rounds, 1), mask, shuf);
}

/* Four independent blocks, interleaved round by round. Written out by hand (not as arrays and
 * loops) so the eight halves stay in registers. */
#define R256_ROUND4(op, k0, k1)                                                                     \
    do {                                                                                            \
        const __m128i a0_ = _mm_shuffle_epi8(_mm_blendv_epi8(l0, h0, mask), shuf);                  \
        const __m128i b0_ = _mm_shuffle_epi8(_mm_blendv_epi8(h0, l0, mask), shuf);                  \
        const __m128i a1_ = _mm_shuffle_epi8(_mm_blendv_epi8(l1, h1, mask), shuf);                  \
        const __m128i b1_ = _mm_shuffle_epi8(_mm_blendv_epi8(h1, l1, mask), shuf);                  \
        const __m128i a2_ = _mm_shuffle_epi8(_mm_blendv_epi8(l2, h2, mask), shuf);                  \
        const __m128i b2_ = _mm_shuffle_epi8(_mm_blendv_epi8(h2, l2, mask), shuf);                  \
        const __m128i a3_ = _mm_shuffle_epi8(_mm_blendv_epi8(l3, h3, mask), shuf);                  \
        const __m128i b3_ = _mm_shuffle_epi8(_mm_blendv_epi8(h3, l3, mask), shuf);                  \
        l0 = op(a0_, k0);                                                                           \
        h0 = op(b0_, k1);                                                                           \
        l1 = op(a1_, k0);                                                                           \
        h1 = op(b1_, k1);                                                                           \
        l2 = op(a2_, k0);                                                                           \
        h2 = op(b2_, k1);                                                                           \
        l3 = op(a3_, k0);                                                                           \
        h3 = op(b3_, k1);                                                                           \
    } while (0)

void qstp_rijndael256_encrypt_aesni(const uint8_t *rk, unsigned rounds, const uint8_t in[32],
                                    uint8_t out[32])
{
    if (rounds == 0 || rounds > QSTP_RIJNDAEL256_MAX_ROUNDS)
        return;
    __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)in);
    __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)(in + 16));
    encrypt1(rk, rounds, &lo, &hi);
    _mm_storeu_si128((__m128i *)(void *)out, lo);
    _mm_storeu_si128((__m128i *)(void *)(out + 16), hi);
}

/* The counter block from the 256-bit little-endian counter words. */
static inline void ctr_block(const uint64_t ctr[4], __m128i *lo, __m128i *hi)
{
    *lo = _mm_set_epi64x((long long)ctr[1], (long long)ctr[0]);
    *hi = _mm_set_epi64x((long long)ctr[3], (long long)ctr[2]);
}

void qstp_rijndael256_ctr_xor_aesni(const uint8_t *rk, unsigned rounds, uint8_t nonce[32],
                                    const uint8_t *in, uint8_t *out, size_t len)
{
    uint64_t ctr[4];

    if (len == 0 || rounds == 0 || rounds > QSTP_RIJNDAEL256_MAX_ROUNDS)
        return;
    for (unsigned i = 0; i < 4; i++)
        ctr[i] = qstp_load64_le(nonce + 8 * i);

    const __m128i mask = R256_BLEND_MASK, shuf = R256_SHUFFLE;
    while (len >= 128) {
        __m128i l0, h0, l1, h1, l2, h2, l3, h3;
        /* Keeps the compiler from folding the (secret) counter into the loop test. */
        ctr[0] = qstp_ct_barrier_u64(ctr[0]);
        ctr_block(ctr, &l0, &h0);
        qstp_rijndael256_ctr_increment(ctr);
        ctr_block(ctr, &l1, &h1);
        qstp_rijndael256_ctr_increment(ctr);
        ctr_block(ctr, &l2, &h2);
        qstp_rijndael256_ctr_increment(ctr);
        ctr_block(ctr, &l3, &h3);
        qstp_rijndael256_ctr_increment(ctr);

        __m128i k0 = load_rk(rk, 0, 0), k1 = load_rk(rk, 0, 1);
        l0 = _mm_xor_si128(l0, k0);
        h0 = _mm_xor_si128(h0, k1);
        l1 = _mm_xor_si128(l1, k0);
        h1 = _mm_xor_si128(h1, k1);
        l2 = _mm_xor_si128(l2, k0);
        h2 = _mm_xor_si128(h2, k1);
        l3 = _mm_xor_si128(l3, k0);
        h3 = _mm_xor_si128(h3, k1);
        for (unsigned r = 1; r < rounds; r++) {
            k0 = load_rk(rk, r, 0);
            k1 = load_rk(rk, r, 1);
            R256_ROUND4(_mm_aesenc_si128, k0, k1);
        }
        k0 = load_rk(rk, rounds, 0);
        k1 = load_rk(rk, rounds, 1);
        R256_ROUND4(_mm_aesenclast_si128, k0, k1);

        const __m128i *src = (const __m128i *)(const void *)in;
        __m128i *dst = (__m128i *)(void *)out;
        const __m128i x0 = _mm_xor_si128(_mm_loadu_si128(src + 0), l0);
        const __m128i x1 = _mm_xor_si128(_mm_loadu_si128(src + 1), h0);
        const __m128i x2 = _mm_xor_si128(_mm_loadu_si128(src + 2), l1);
        const __m128i x3 = _mm_xor_si128(_mm_loadu_si128(src + 3), h1);
        const __m128i x4 = _mm_xor_si128(_mm_loadu_si128(src + 4), l2);
        const __m128i x5 = _mm_xor_si128(_mm_loadu_si128(src + 5), h2);
        const __m128i x6 = _mm_xor_si128(_mm_loadu_si128(src + 6), l3);
        const __m128i x7 = _mm_xor_si128(_mm_loadu_si128(src + 7), h3);
        _mm_storeu_si128(dst + 0, x0);
        _mm_storeu_si128(dst + 1, x1);
        _mm_storeu_si128(dst + 2, x2);
        _mm_storeu_si128(dst + 3, x3);
        _mm_storeu_si128(dst + 4, x4);
        _mm_storeu_si128(dst + 5, x5);
        _mm_storeu_si128(dst + 6, x6);
        _mm_storeu_si128(dst + 7, x7);
        in += 128;
        out += 128;
        len -= 128;
    }
    while (len >= 32) {
        __m128i lo, hi;
        ctr_block(ctr, &lo, &hi);
        qstp_rijndael256_ctr_increment(ctr);
        encrypt1(rk, rounds, &lo, &hi);
        const __m128i *src = (const __m128i *)(const void *)in;
        __m128i *dst = (__m128i *)(void *)out;
        const __m128i x0 = _mm_xor_si128(_mm_loadu_si128(src), lo);
        const __m128i x1 = _mm_xor_si128(_mm_loadu_si128(src + 1), hi);
        _mm_storeu_si128(dst, x0);
        _mm_storeu_si128(dst + 1, x1);
        in += 32;
        out += 32;
        len -= 32;
    }
    if (len > 0) {
        uint8_t ks[32];
        __m128i lo, hi;
        ctr_block(ctr, &lo, &hi);
        qstp_rijndael256_ctr_increment(ctr);
        encrypt1(rk, rounds, &lo, &hi);
        _mm_storeu_si128((__m128i *)(void *)ks, lo);
        _mm_storeu_si128((__m128i *)(void *)(ks + 16), hi);
        for (size_t i = 0; i < len; i++)
            out[i] = (uint8_t)(in[i] ^ ks[i]);
        qstp_wipe(ks, sizeof(ks));
    }
    memcpy(nonce, ctr, 32);
    qstp_wipe(ctr, sizeof(ctr));
}

#else /* no AES-NI at compile time: never selected by the dispatcher, kept only to link */

void qstp_rijndael256_encrypt_aesni(const uint8_t *rk, unsigned rounds, const uint8_t in[32],
                                    uint8_t out[32])
{
    qstp_rijndael256_encrypt_portable(rk, rounds, in, out);
}

void qstp_rijndael256_ctr_xor_aesni(const uint8_t *rk, unsigned rounds, uint8_t nonce[32],
                                    const uint8_t *in, uint8_t *out, size_t len)
{
    qstp_rijndael256_ctr_xor_portable(rk, rounds, nonce, in, out, len);
}

#endif
