/* AVX2 versions of the ML-KEM encodings (FIPS 203 §4.2.1 Compress/Decompress, Alg. 5/6
 * ByteEncode/ByteDecode): Compress_d + ByteEncode_d and ByteDecode_d + Decompress_d for
 * d in {4, 5, 10, 11}, ByteEncode_12 / ByteDecode_12, the §7.2 modulus check and the 1-bit message
 * encoding. Every function returns exactly the bytes/coefficients of its portable twin in poly.c
 * for all inputs in the poly.h contract (the compress tests are exhaustive).
 *
 * Compress without a division: with M = floor(2^(12+d) / q), t0 = floor(16 x M / 2^16) (one
 * unsigned mulhi) is at most 2 below t = floor((2^d x + (q-1)/2) / q), the rounded quotient of
 * §4.2.1 (q is odd, so there are no ties). So r = 2^d x + (q-1)/2 - t0 q lies in [0, 3q): it fits a
 * signed 16-bit lane although 2^d x does not, and computing it modulo 2^16 (wrapping mullo/add)
 * gives it exactly. Then t = t0 + [r >= q] + [r >= 2q].
 *
 * Bit packing of 16 d-bit values (one vector): vpmaddwd pairs them into 32-bit lanes
 * (t_even + 2^d t_odd), the pairs are merged into 64-bit lanes (4d bits), then the two 64-bit
 * halves of each 128-bit lane into one 8d-bit field, so each 128-bit lane starts with the d bytes
 * of its 8 values (little-endian bit order, as Alg. 5). Unpacking gathers the 4 bytes holding each
 * value into a 32-bit lane (vpshufb), shifts each lane by its own bit offset (vpsrlvd), masks,
 * and packs back to 16 bits.
 *
 * Memory: vector loads and stores of 16 bytes at a time would pass the end of a 32 d-byte
 * encoding in the last two blocks of 16 values; those go through a small stack buffer (wiped:
 * it may hold secret-key bytes or a re-encryption). No branch or index depends on data. Only
 * called after qstp_cpu_has_avx2() (poly.c). */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mlkem/poly_backend.h"

#if defined(QSTP_MLKEM_HAVE_AVX2)

#include <immintrin.h>

#define Q QSTP_MLKEM_Q
#define INLINE static inline __attribute__((always_inline))

/* Blocks 0..13 of 16 values can be read/written with 16-byte vector accesses in place for every
 * d >= 4 (2d i + d + 16 <= 32 d); blocks 14 and 15 go through a buffer. */
#define DIRECT_BLOCKS 14

INLINE __m256i load16(const int16_t *p) { return _mm256_load_si256((const __m256i *)p); }
INLINE void store16(int16_t *p, __m256i v) { _mm256_store_si256((__m256i *)p, v); }

/* |x| < q to [0, q). */
INLINE __m256i canonical_v(__m256i x)
{
    return _mm256_add_epi16(x, _mm256_and_si256(_mm256_srai_epi16(x, 15), _mm256_set1_epi16(Q)));
}

/* Compress_d of |x| < q (see the top of the file), d in 1..11. */
INLINE __m256i compress_v(__m256i x, unsigned d)
{
    const __m256i q = _mm256_set1_epi16(Q);
    x = canonical_v(x);
    const __m256i m = _mm256_set1_epi16((int16_t)((1u << (12 + d)) / Q));
    const __m256i t0 = _mm256_mulhi_epu16(_mm256_slli_epi16(x, 4), m);
    const __m256i r = _mm256_sub_epi16(
        _mm256_add_epi16(_mm256_slli_epi16(x, (int)d), _mm256_set1_epi16((Q - 1) / 2)),
        _mm256_mullo_epi16(t0, q));
    __m256i t = _mm256_sub_epi16(t0, _mm256_cmpgt_epi16(r, _mm256_set1_epi16(Q - 1)));
    t = _mm256_sub_epi16(t, _mm256_cmpgt_epi16(r, _mm256_set1_epi16(2 * Q - 1)));
    return _mm256_and_si256(t, _mm256_set1_epi16((int16_t)((1u << d) - 1u)));
}

/* Decompress_d(y) = round(q y / 2^d) = (q y 2^(15-d) + 2^14) >> 15: one vpmulhrsw, exact. */
INLINE __m256i decompress_v(__m256i y, unsigned d)
{
    return _mm256_mulhrs_epi16(_mm256_slli_epi16(y, (int)(15 - d)), _mm256_set1_epi16(Q));
}

/* ByteEncode_d of 16 values < 2^d: writes d bytes at dst (values 0..7) and d bytes at dst + d
 * (values 8..15), and up to 16 - d garbage bytes after each (overwritten by the next block or
 * left in a buffer). */
INLINE void pack16(uint8_t *dst, __m256i t, unsigned d)
{
    __m256i x = _mm256_madd_epi16(t, _mm256_set1_epi32((int32_t)(((1u << d) << 16) | 1u)));
    x = _mm256_or_si256(_mm256_and_si256(x, _mm256_set1_epi64x(0xFFFFFFFF)),
                        _mm256_slli_epi64(_mm256_srli_epi64(x, 32), (int)(2 * d)));
    const __m256i hi = _mm256_srli_si256(x, 8); /* upper 64-bit half of each 128-bit lane */
    x = _mm256_unpacklo_epi64(_mm256_or_si256(x, _mm256_slli_epi64(hi, (int)(4 * d))),
                              _mm256_srli_epi64(hi, (int)(64 - 4 * d)));
    _mm_storeu_si128((__m128i *)dst, _mm256_castsi256_si128(x));
    _mm_storeu_si128((__m128i *)(dst + d), _mm256_extracti128_si256(x, 1));
}

/* The 4 bytes holding value j of a block of 8 d-bit values, and its bit offset in the first. */
#define GB(d, j) \
    (char)((d) * (j) / 8), (char)((d) * (j) / 8 + 1), (char)((d) * (j) / 8 + 2), \
        (char)((d) * (j) / 8 + 3)
#define GATHER4(d, j) GB(d, j), GB(d, (j) + 1), GB(d, (j) + 2), GB(d, (j) + 3)
#define SHIFT4(d, j) \
    (int)((d) * (j) % 8), (int)((d) * ((j) + 1) % 8), (int)((d) * ((j) + 2) % 8), \
        (int)((d) * ((j) + 3) % 8)

/* ByteDecode_d of 16 values: reads 16 bytes at src and at src + d (only the first d of each are
 * used). Values in [0, 2^d). */
INLINE __m256i unpack16(const uint8_t *src, unsigned d)
{
    const __m256i raw =
        _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)src)),
                                _mm_loadu_si128((const __m128i *)(src + d)), 1);
    const __m256i g0 = _mm256_setr_epi8(GATHER4(d, 0), GATHER4(d, 0));
    const __m256i g1 = _mm256_setr_epi8(GATHER4(d, 4), GATHER4(d, 4));
    const __m256i s0 = _mm256_setr_epi32(SHIFT4(d, 0), SHIFT4(d, 0));
    const __m256i s1 = _mm256_setr_epi32(SHIFT4(d, 4), SHIFT4(d, 4));
    const __m256i mask = _mm256_set1_epi32((int32_t)((1u << d) - 1u));
    const __m256i lo = _mm256_and_si256(_mm256_srlv_epi32(_mm256_shuffle_epi8(raw, g0), s0), mask);
    const __m256i hi = _mm256_and_si256(_mm256_srlv_epi32(_mm256_shuffle_epi8(raw, g1), s1), mask);
    /* packus works per 128-bit lane: [lo0..3 hi0..3 | lo4..7 hi4..7] = values 0..15 in order */
    return _mm256_packus_epi32(lo, hi);
}

INLINE void compress_d(uint8_t *out, const qstp_mlkem_poly *p, unsigned d)
{
    uint8_t tail[4 * 12 + 16];
    unsigned i;
    for (i = 0; i < DIRECT_BLOCKS; i++)
        pack16(out + 2 * d * i, compress_v(load16(p->c + 16 * i), d), d);
    for (; i < 16; i++)
        pack16(tail + 2 * d * (i - DIRECT_BLOCKS), compress_v(load16(p->c + 16 * i), d), d);
    memcpy(out + 2 * d * DIRECT_BLOCKS, tail, 4 * d);
    qstp_wipe(tail, sizeof tail);
}

INLINE void decompress_d(qstp_mlkem_poly *p, const uint8_t *in, unsigned d)
{
    uint8_t tail[4 * 12 + 16];
    unsigned i;
    for (i = 0; i < DIRECT_BLOCKS; i++)
        store16(p->c + 16 * i, decompress_v(unpack16(in + 2 * d * i, d), d));
    memset(tail, 0, sizeof tail);
    memcpy(tail, in + 2 * d * DIRECT_BLOCKS, 4 * d);
    for (; i < 16; i++)
        store16(p->c + 16 * i, decompress_v(unpack16(tail + 2 * d * (i - DIRECT_BLOCKS), d), d));
}

void qstp_mlkem_poly_compress_avx2(uint8_t *out, const qstp_mlkem_poly *p, unsigned d)
{
    /* One specialised loop per d (constant shifts and gather patterns). */
    switch (d) {
    case 4: compress_d(out, p, 4); break;
    case 5: compress_d(out, p, 5); break;
    case 10: compress_d(out, p, 10); break;
    case 11: compress_d(out, p, 11); break;
    default: qstp_mlkem_poly_compress_portable(out, p, d); break;
    }
}

void qstp_mlkem_poly_decompress_avx2(qstp_mlkem_poly *p, const uint8_t *in, unsigned d)
{
    switch (d) {
    case 4: decompress_d(p, in, 4); break;
    case 5: decompress_d(p, in, 5); break;
    case 10: decompress_d(p, in, 10); break;
    case 11: decompress_d(p, in, 11); break;
    default: qstp_mlkem_poly_decompress_portable(p, in, d); break;
    }
}

void qstp_mlkem_poly_tobytes_avx2(uint8_t out[QSTP_MLKEM_POLYBYTES], const qstp_mlkem_poly *p)
{
    uint8_t tail[4 * 12 + 16];
    unsigned i;
    for (i = 0; i < DIRECT_BLOCKS; i++)
        pack16(out + 24 * i, canonical_v(load16(p->c + 16 * i)), 12);
    for (; i < 16; i++)
        pack16(tail + 24 * (i - DIRECT_BLOCKS), canonical_v(load16(p->c + 16 * i)), 12);
    memcpy(out + 24 * DIRECT_BLOCKS, tail, 48);
    qstp_wipe(tail, sizeof tail);
}

void qstp_mlkem_poly_frombytes_avx2(qstp_mlkem_poly *p, const uint8_t in[QSTP_MLKEM_POLYBYTES])
{
    uint8_t tail[4 * 12 + 16];
    unsigned i;
    for (i = 0; i < DIRECT_BLOCKS; i++)
        store16(p->c + 16 * i, unpack16(in + 24 * i, 12));
    memset(tail, 0, sizeof tail);
    memcpy(tail, in + 24 * DIRECT_BLOCKS, 48);
    for (; i < 16; i++)
        store16(p->c + 16 * i, unpack16(tail + 24 * (i - DIRECT_BLOCKS), 12));
    qstp_wipe(tail, sizeof tail); /* may be secret-key bytes */
}

int qstp_mlkem_poly_bytes_reduced_avx2(const uint8_t in[QSTP_MLKEM_POLYBYTES])
{
    const __m256i qm1 = _mm256_set1_epi16(Q - 1);
    uint8_t tail[4 * 12 + 16];
    __m256i bad = _mm256_setzero_si256();
    unsigned i;
    for (i = 0; i < DIRECT_BLOCKS; i++)
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi16(unpack16(in + 24 * i, 12), qm1));
    memset(tail, 0, sizeof tail);
    memcpy(tail, in + 24 * DIRECT_BLOCKS, 48);
    for (; i < 16; i++) {
        const __m256i v = unpack16(tail + 24 * (i - DIRECT_BLOCKS), 12);
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi16(v, qm1));
    }
    return _mm256_testz_si256(bad, bad);
}

void qstp_mlkem_poly_tomsg_avx2(uint8_t msg[32], const qstp_mlkem_poly *p)
{
    for (unsigned i = 0; i < 8; i++) {
        const __m256i a = compress_v(load16(p->c + 32 * i), 1);
        const __m256i b = compress_v(load16(p->c + 32 * i + 16), 1);
        /* bytes 0/1 in coefficient order (packs interleaves the 128-bit lanes; 0xD8 undoes it),
         * moved to bit 7 of each byte for vpmovmskb */
        const __m256i bytes = _mm256_permute4x64_epi64(_mm256_packs_epi16(a, b), 0xD8);
        const uint32_t m = (uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(bytes, 7));
        msg[4 * i] = (uint8_t)m;
        msg[4 * i + 1] = (uint8_t)(m >> 8);
        msg[4 * i + 2] = (uint8_t)(m >> 16);
        msg[4 * i + 3] = (uint8_t)(m >> 24);
    }
}

void qstp_mlkem_poly_frommsg_avx2(qstp_mlkem_poly *p, const uint8_t msg[32])
{
    const __m256i bits =
        _mm256_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
                          (int16_t)-32768);
    const __m256i half = _mm256_set1_epi16((Q + 1) / 2);
    for (unsigned i = 0; i < 16; i++) {
        const uint16_t w = (uint16_t)(msg[2 * i] | (msg[2 * i + 1] << 8));
        const __m256i v = _mm256_and_si256(_mm256_set1_epi16((int16_t)w), bits);
        store16(p->c + 16 * i, _mm256_and_si256(_mm256_cmpeq_epi16(v, bits), half));
    }
}

#else
/* Not x86-64: nothing to build (ISO C forbids an empty translation unit). */
typedef int qstp_mlkem_poly_codec_avx2_unused;
#endif
