/* Portable polynomial arithmetic for ML-KEM (FIPS 203 §4.2.1, §4.3). See poly.h for the contract.
 *
 * Arithmetic follows the usual signed-Montgomery design: coefficients are int16_t, products are
 * reduced with Montgomery reduction (R = 2^16) and sums with Barrett reduction. The zeta table is
 * in Montgomery form, so fqmul(x, zeta_mont) = x * zeta mod q exactly.
 * Every function here runs in time independent of coefficient values, except rej_uniform, which
 * only ever sees public XOF output (FIPS 203 §3.3 note on SampleNTT). */
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/mlkem/poly_backend.h"

#define Q QSTP_MLKEM_Q
#define QINV 62209u      /* q^-1 mod 2^16 */
#define BARRETT_V 20159  /* round(2^26 / q) */
#define MONT_R2 1353     /* 2^32 mod q: fqmul(x, MONT_R2) = x * R */
#define INVNTT_F 1441    /* R^2 / 128 mod q: undoes the 2^7 of the inverse NTT, times R */
/* floor(n / q) = (n * DIVQ_M) >> DIVQ_S for all n < 2^24 (checked exhaustively offline and by the
 * compress test); used so Compress never needs a hardware division (variable time on some CPUs). */
#define DIVQ_M 330282857u
#define DIVQ_S 40

/* zetas[i] = 17^brv7(i) * 2^16 mod q, centred (FIPS 203 Appendix A, in Montgomery form). */
const int16_t qstp_mlkem_zetas[128] = {
    -1044, -758,  -359,  -1517, 1493,  1422,  287,   202,   -171,  622,   1577,  182,   962,
    -1202, -1474, 1468,  573,   -1325, 264,   383,   -829,  1458,  -1602, -130,  -681,  1017,
    732,   608,   -1542, 411,   -205,  -1571, 1223,  652,   -552,  1015,  -1293, 1491,  -282,
    -1544, 516,   -8,    -320,  -666,  -1618, -1162, 126,   1469,  -853,  -90,   -271,  830,
    107,   -1421, -247,  -951,  -398,  961,   -1508, -725,  448,   -1065, 677,   -1275, -1103,
    430,   555,   843,   -1251, 871,   1550,  105,   422,   587,   177,   -235,  -291,  -460,
    1574,  1653,  -246,  778,   1159,  -147,  -777,  1483,  -602,  1119,  -1590, 644,   -872,
    349,   418,   329,   -156,  -75,   817,   1097,  603,   610,   1322,  -1285, -1465, 384,
    -1215, -136,  1218,  -1335, -874,  220,   -1187, -1659, -1185, -1530, -1278, 794,   -1510,
    -854,  -870,  478,   -108,  -308,  996,   991,   958,   -1460, 1522,  1628,
};

/* Montgomery reduction: for |a| < q 2^15 returns a 2^-16 mod q with |result| < q. */
static inline int16_t montgomery_reduce(int32_t a)
{
    int16_t t = (int16_t)(uint16_t)((uint32_t)a * QINV);
    return (int16_t)((a - (int32_t)t * Q) >> 16);
}

/* a b 2^-16 mod q, |result| < q for |a b| < q 2^15. Same value as montgomery_reduce(a * b), written
 * as high half minus high half so compilers can map it to 16-bit SIMD multiplies (pmulhw/pmullw):
 * the low 16 bits of a b and of t q are equal, so no borrow crosses bit 16. */
static inline int16_t fqmul(int16_t a, int16_t b)
{
    const int32_t p = (int32_t)a * b;
    const int16_t t = (int16_t)(uint16_t)((uint32_t)p * QINV);
    return (int16_t)((p >> 16) - (((int32_t)t * Q) >> 16));
}

/* Centred representative of a mod q, |result| <= (q-1)/2. */
static inline int16_t barrett_reduce(int16_t a)
{
    int16_t t = (int16_t)(((int32_t)BARRETT_V * a + (1 << 25)) >> 26);
    return (int16_t)(a - t * Q);
}

/* Map |a| < q to [0, q) without a branch. */
static inline uint32_t to_canonical(int16_t a)
{
    int32_t x = a;
    x += (x >> 31) & Q;
    return (uint32_t)x;
}

/* One Cooley-Tukey layer (Alg. 9 steps 3-9) with a compile-time len, so the inner loop has a
 * constant trip count and vectorises. */
static inline __attribute__((always_inline)) void ntt_layer(int16_t *r, unsigned len, unsigned k)
{
    for (unsigned start = 0; start < QSTP_MLKEM_N; start += 2 * len) {
        const int16_t zeta = qstp_mlkem_zetas[k++];
        for (unsigned j = start; j < start + len; j++) {
            int16_t t = fqmul(zeta, r[j + len]);
            r[j + len] = (int16_t)(r[j] - t);
            r[j] = (int16_t)(r[j] + t);
        }
    }
}

/* One Gentleman-Sande layer of the inverse (Alg. 10 steps 3-9). */
static inline __attribute__((always_inline)) void invntt_layer(int16_t *r, unsigned len, unsigned k)
{
    for (unsigned start = 0; start < QSTP_MLKEM_N; start += 2 * len) {
        const int16_t zeta = qstp_mlkem_zetas[k--];
        for (unsigned j = start; j < start + len; j++) {
            int16_t t = r[j];
            r[j] = barrett_reduce((int16_t)(t + r[j + len]));
            /* (b - a) * zeta_k: the sign flip makes zeta_k act as the inverse root. */
            r[j + len] = fqmul(zeta, (int16_t)(r[j + len] - t));
        }
    }
}

void qstp_mlkem_poly_ntt_portable(qstp_mlkem_poly *p)
{
    /* Layer with length len uses zetas[128/len ..]. Coefficients grow by < q per layer. */
    ntt_layer(p->c, 128, 1);
    ntt_layer(p->c, 64, 2);
    ntt_layer(p->c, 32, 4);
    ntt_layer(p->c, 16, 8);
    ntt_layer(p->c, 8, 16);
    ntt_layer(p->c, 4, 32);
    ntt_layer(p->c, 2, 64);
    qstp_mlkem_poly_reduce_portable(p);
}

void qstp_mlkem_poly_invntt_tomont_portable(qstp_mlkem_poly *p)
{
    int16_t *r = p->c;
    invntt_layer(r, 2, 127);
    invntt_layer(r, 4, 63);
    invntt_layer(r, 8, 31);
    invntt_layer(r, 16, 15);
    invntt_layer(r, 32, 7);
    invntt_layer(r, 64, 3);
    invntt_layer(r, 128, 1);
    for (unsigned j = 0; j < QSTP_MLKEM_N; j++)
        r[j] = fqmul(r[j], INVNTT_F);
}

/* ---- dispatch (poly_backend.h): AVX2 when the CPU and OS support it, else portable ---- */

void qstp_mlkem_poly_ntt(qstp_mlkem_poly *p)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_ntt_avx2(p);
        return;
    }
#endif
    qstp_mlkem_poly_ntt_portable(p);
}

void qstp_mlkem_poly_invntt_tomont(qstp_mlkem_poly *p)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_invntt_tomont_avx2(p);
        return;
    }
#endif
    qstp_mlkem_poly_invntt_tomont_portable(p);
}

void qstp_mlkem_polyvec_basemul_acc(qstp_mlkem_poly *r, const qstp_mlkem_poly *a,
                                    const qstp_mlkem_poly *b, const qstp_mlkem_mulcache *bc,
                                    unsigned k)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_polyvec_basemul_acc_avx2(r, a, b, bc, k);
        return;
    }
#endif
    qstp_mlkem_polyvec_basemul_acc_portable(r, a, b, bc, k);
}

void qstp_mlkem_poly_mulcache_compute_portable(qstp_mlkem_mulcache *mc, const qstp_mlkem_poly *b)
{
    /* Pair 2i uses zeta^(2brv(i)+1) = zetas[64+i], pair 2i+1 its negation (Alg. 12 gamma). */
    for (unsigned i = 0; i < QSTP_MLKEM_N / 4; i++) {
        mc->c[2 * i] = fqmul(b->c[4 * i + 1], qstp_mlkem_zetas[64 + i]);
        mc->c[2 * i + 1] = fqmul(b->c[4 * i + 3], (int16_t)-qstp_mlkem_zetas[64 + i]);
    }
}

void qstp_mlkem_polyvec_basemul_acc_portable(qstp_mlkem_poly *r, const qstp_mlkem_poly *a,
                                             const qstp_mlkem_poly *b,
                                             const qstp_mlkem_mulcache *bc, unsigned k)
{
    /* Accumulate in 32 bits and reduce once. Bound: |a| <= 4095, |b| <= 1664, |bc| < 1707, so each
     * term is < 2^24.3 and the sum over k <= 5 stays below q 2^15, the Montgomery input limit.
     * Polynomial-major order so the inner loop over the pairs vectorises. */
    int32_t acc0[QSTP_MLKEM_N / 2], acc1[QSTP_MLKEM_N / 2];
    memset(acc0, 0, sizeof acc0);
    memset(acc1, 0, sizeof acc1);
    for (unsigned j = 0; j < k; j++) {
        const int16_t *aj = a[j].c, *bj = b[j].c, *cj = bc[j].c;
        for (unsigned i = 0; i < QSTP_MLKEM_N / 2; i++) {
            const int32_t a0 = aj[2 * i], a1 = aj[2 * i + 1];
            const int32_t b0 = bj[2 * i], b1 = bj[2 * i + 1];
            acc0[i] += a0 * b0 + a1 * cj[i];
            acc1[i] += a0 * b1 + a1 * b0;
        }
    }
    for (unsigned i = 0; i < QSTP_MLKEM_N / 2; i++) {
        r->c[2 * i] = montgomery_reduce(acc0[i]);
        r->c[2 * i + 1] = montgomery_reduce(acc1[i]);
    }
}

void qstp_mlkem_poly_tomont_portable(qstp_mlkem_poly *p)
{
    for (unsigned j = 0; j < QSTP_MLKEM_N; j++)
        p->c[j] = fqmul(p->c[j], MONT_R2);
}

void qstp_mlkem_poly_reduce_portable(qstp_mlkem_poly *p)
{
    for (unsigned j = 0; j < QSTP_MLKEM_N; j++)
        p->c[j] = barrett_reduce(p->c[j]);
}

void qstp_mlkem_poly_add_portable(qstp_mlkem_poly *r, const qstp_mlkem_poly *a)
{
    for (unsigned j = 0; j < QSTP_MLKEM_N; j++)
        r->c[j] = (int16_t)(r->c[j] + a->c[j]);
}

void qstp_mlkem_poly_sub_portable(qstp_mlkem_poly *r, const qstp_mlkem_poly *a)
{
    for (unsigned j = 0; j < QSTP_MLKEM_N; j++)
        r->c[j] = (int16_t)(r->c[j] - a->c[j]);
}

/* ---- encodings ---- */

/* ByteEncode_d / ByteDecode_d (Alg. 5/6) for d <= 12: little-endian bit order. The loop structure
 * depends only on d, never on the values. */
/* ByteEncode_d / ByteDecode_d bit packing for d <= 12, 32 bits at a time: 256 d bits are a whole
 * number of 32-bit words, so neither side reads or writes past its 32 d bytes. (Byte at a time
 * was a visible cost of Compress/Decompress in decapsulation.) */
static void pack_bits(uint8_t *out, const uint16_t *v, unsigned d)
{
    uint64_t acc = 0;
    unsigned bits = 0;
    for (unsigned i = 0; i < QSTP_MLKEM_N; i++) {
        acc |= (uint64_t)v[i] << bits;
        bits += d;
        if (bits >= 32) {
            out[0] = (uint8_t)acc;
            out[1] = (uint8_t)(acc >> 8);
            out[2] = (uint8_t)(acc >> 16);
            out[3] = (uint8_t)(acc >> 24);
            out += 4;
            acc >>= 32;
            bits -= 32;
        }
    }
}

static void unpack_bits(uint16_t *v, const uint8_t *in, unsigned d)
{
    const uint64_t mask = (1u << d) - 1u;
    uint64_t acc = 0;
    unsigned bits = 0;
    for (unsigned i = 0; i < QSTP_MLKEM_N; i++) {
        if (bits < d) {
            acc |= ((uint64_t)in[0] | ((uint64_t)in[1] << 8) | ((uint64_t)in[2] << 16) |
                    ((uint64_t)in[3] << 24))
                   << bits;
            in += 4;
            bits += 32;
        }
        v[i] = (uint16_t)(acc & mask);
        acc >>= d;
        bits -= d;
    }
}

void qstp_mlkem_poly_tobytes_portable(uint8_t out[QSTP_MLKEM_POLYBYTES], const qstp_mlkem_poly *p)
{
    for (unsigned i = 0; i < QSTP_MLKEM_N / 2; i++) {
        uint32_t t0 = to_canonical(p->c[2 * i]);
        uint32_t t1 = to_canonical(p->c[2 * i + 1]);
        out[3 * i + 0] = (uint8_t)t0;
        out[3 * i + 1] = (uint8_t)((t0 >> 8) | (t1 << 4));
        out[3 * i + 2] = (uint8_t)(t1 >> 4);
    }
}

void qstp_mlkem_poly_frombytes_portable(qstp_mlkem_poly *p, const uint8_t in[QSTP_MLKEM_POLYBYTES])
{
    for (unsigned i = 0; i < QSTP_MLKEM_N / 2; i++) {
        const uint32_t b0 = in[3 * i], b1 = in[3 * i + 1], b2 = in[3 * i + 2];
        p->c[2 * i] = (int16_t)((b0 | (b1 << 8)) & 0xFFF);
        p->c[2 * i + 1] = (int16_t)((b1 >> 4) | (b2 << 4));
    }
}

int qstp_mlkem_poly_bytes_reduced_portable(const uint8_t in[QSTP_MLKEM_POLYBYTES])
{
    uint32_t bad = 0;
    for (unsigned i = 0; i < QSTP_MLKEM_N / 2; i++) {
        const uint32_t b0 = in[3 * i], b1 = in[3 * i + 1], b2 = in[3 * i + 2];
        const uint32_t v0 = (b0 | (b1 << 8)) & 0xFFF;
        const uint32_t v1 = (b1 >> 4) | (b2 << 4);
        /* (q - 1 - v) has bit 31 set iff v >= q. */
        bad |= ((uint32_t)(Q - 1) - v0) | ((uint32_t)(Q - 1) - v1);
    }
    return (int)(1u ^ (bad >> 31));
}

void qstp_mlkem_poly_compress_portable(uint8_t *out, const qstp_mlkem_poly *p, unsigned d)
{
    uint16_t v[QSTP_MLKEM_N];
    const uint32_t mask = (1u << d) - 1u;
    for (unsigned i = 0; i < QSTP_MLKEM_N; i++) {
        /* Compress_d(x) = round(2^d x / q) mod 2^d (§4.2.1); q is odd, so no exact ties and
         * round(y / q) = floor((y + (q-1)/2) / q). */
        uint64_t n = ((uint64_t)to_canonical(p->c[i]) << d) + (Q - 1) / 2;
        v[i] = (uint16_t)((uint32_t)((n * DIVQ_M) >> DIVQ_S) & mask);
    }
    pack_bits(out, v, d);
}

void qstp_mlkem_poly_decompress_portable(qstp_mlkem_poly *p, const uint8_t *in, unsigned d)
{
    uint16_t v[QSTP_MLKEM_N];
    unpack_bits(v, in, d);
    /* Decompress_d(y) = round(q y / 2^d) (§4.2.1). */
    for (unsigned i = 0; i < QSTP_MLKEM_N; i++)
        p->c[i] = (int16_t)(((uint32_t)v[i] * Q + (1u << (d - 1))) >> d);
}

void qstp_mlkem_poly_frommsg_portable(qstp_mlkem_poly *p, const uint8_t msg[32])
{
    for (unsigned i = 0; i < 32; i++) {
        for (unsigned j = 0; j < 8; j++) {
            uint32_t bit = (msg[i] >> j) & 1u;
            p->c[8 * i + j] = (int16_t)((0u - bit) & ((Q + 1) / 2));
        }
    }
}

void qstp_mlkem_poly_tomsg_portable(uint8_t msg[32], const qstp_mlkem_poly *p)
{
    for (unsigned i = 0; i < 32; i++) {
        uint32_t byte = 0;
        for (unsigned j = 0; j < 8; j++) {
            uint64_t n = ((uint64_t)to_canonical(p->c[8 * i + j]) << 1) + (Q - 1) / 2;
            byte |= ((uint32_t)((n * DIVQ_M) >> DIVQ_S) & 1u) << j;
        }
        msg[i] = (uint8_t)byte;
    }
}

/* ---- sampling ---- */

void qstp_mlkem_poly_cbd_portable(qstp_mlkem_poly *p, const uint8_t *buf, unsigned eta)
{
    if (eta == 2) {
        /* 4 bytes -> 8 coefficients; bit pairs summed in parallel. */
        for (unsigned i = 0; i < QSTP_MLKEM_N / 8; i++) {
            uint32_t t = (uint32_t)buf[4 * i] | ((uint32_t)buf[4 * i + 1] << 8) |
                         ((uint32_t)buf[4 * i + 2] << 16) | ((uint32_t)buf[4 * i + 3] << 24);
            uint32_t s = (t & 0x55555555u) + ((t >> 1) & 0x55555555u);
            for (unsigned j = 0; j < 8; j++) {
                int32_t a = (int32_t)((s >> (4 * j)) & 3u);
                int32_t b = (int32_t)((s >> (4 * j + 2)) & 3u);
                p->c[8 * i + j] = (int16_t)(a - b);
            }
        }
    } else {
        /* eta = 3: 3 bytes -> 4 coefficients. */
        for (unsigned i = 0; i < QSTP_MLKEM_N / 4; i++) {
            uint32_t t = (uint32_t)buf[3 * i] | ((uint32_t)buf[3 * i + 1] << 8) |
                         ((uint32_t)buf[3 * i + 2] << 16);
            uint32_t s = (t & 0x00249249u) + ((t >> 1) & 0x00249249u) + ((t >> 2) & 0x00249249u);
            for (unsigned j = 0; j < 4; j++) {
                int32_t a = (int32_t)((s >> (6 * j)) & 7u);
                int32_t b = (int32_t)((s >> (6 * j + 3)) & 7u);
                p->c[4 * i + j] = (int16_t)(a - b);
            }
        }
    }
}

unsigned qstp_mlkem_rej_uniform_portable(int16_t *c, unsigned ctr, const uint8_t *buf,
                                         size_t buflen)
{
    size_t pos = 0;
    /* While two slots remain, store both candidates and advance by their acceptance bits: the
     * data is public (Alg. 7 samples from rho), this only avoids mispredicted branches. A rejected
     * value left in slot ctr is overwritten by the next accepted one. */
    while (ctr + 2 <= QSTP_MLKEM_N && pos + 3 <= buflen) {
        const uint32_t d1 = ((uint32_t)buf[pos] | ((uint32_t)buf[pos + 1] << 8)) & 0xFFF;
        const uint32_t d2 = ((uint32_t)buf[pos + 1] >> 4) | ((uint32_t)buf[pos + 2] << 4);
        pos += 3;
        c[ctr] = (int16_t)d1;
        ctr += d1 < Q;
        c[ctr] = (int16_t)d2;
        ctr += d2 < Q;
    }
    /* The last slot (Alg. 7 step 10: d2 only if j < 256). */
    while (ctr < QSTP_MLKEM_N && pos + 3 <= buflen) {
        const uint32_t d1 = ((uint32_t)buf[pos] | ((uint32_t)buf[pos + 1] << 8)) & 0xFFF;
        const uint32_t d2 = ((uint32_t)buf[pos + 1] >> 4) | ((uint32_t)buf[pos + 2] << 4);
        pos += 3;
        if (d1 < Q)
            c[ctr++] = (int16_t)d1;
        if (d2 < Q && ctr < QSTP_MLKEM_N)
            c[ctr++] = (int16_t)d2;
    }
    return ctr;
}

unsigned qstp_mlkem_rej_uniform(int16_t *c, unsigned ctr, const uint8_t *buf, size_t buflen)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2())
        return qstp_mlkem_rej_uniform_avx2(c, ctr, buf, buflen);
#endif
    return qstp_mlkem_rej_uniform_portable(c, ctr, buf, buflen);
}

void qstp_mlkem_poly_cbd(qstp_mlkem_poly *p, const uint8_t *buf, unsigned eta)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (eta == 2 && qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_cbd2_avx2(p, buf);
        return;
    }
#endif
    qstp_mlkem_poly_cbd_portable(p, buf, eta);
}

/* ---- dispatch of the element-wise and encoding functions (poly_avx2.c, poly_codec_avx2.c) ---- */

void qstp_mlkem_poly_mulcache_compute(qstp_mlkem_mulcache *mc, const qstp_mlkem_poly *b)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_mulcache_compute_avx2(mc, b);
        return;
    }
#endif
    qstp_mlkem_poly_mulcache_compute_portable(mc, b);
}

void qstp_mlkem_poly_tomont(qstp_mlkem_poly *p)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_tomont_avx2(p);
        return;
    }
#endif
    qstp_mlkem_poly_tomont_portable(p);
}

void qstp_mlkem_poly_reduce(qstp_mlkem_poly *p)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_reduce_avx2(p);
        return;
    }
#endif
    qstp_mlkem_poly_reduce_portable(p);
}

void qstp_mlkem_poly_add(qstp_mlkem_poly *r, const qstp_mlkem_poly *a)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_add_avx2(r, a);
        return;
    }
#endif
    qstp_mlkem_poly_add_portable(r, a);
}

void qstp_mlkem_poly_sub(qstp_mlkem_poly *r, const qstp_mlkem_poly *a)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_sub_avx2(r, a);
        return;
    }
#endif
    qstp_mlkem_poly_sub_portable(r, a);
}

void qstp_mlkem_poly_tobytes(uint8_t out[QSTP_MLKEM_POLYBYTES], const qstp_mlkem_poly *p)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_tobytes_avx2(out, p);
        return;
    }
#endif
    qstp_mlkem_poly_tobytes_portable(out, p);
}

void qstp_mlkem_poly_frombytes(qstp_mlkem_poly *p, const uint8_t in[QSTP_MLKEM_POLYBYTES])
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_frombytes_avx2(p, in);
        return;
    }
#endif
    qstp_mlkem_poly_frombytes_portable(p, in);
}

int qstp_mlkem_poly_bytes_reduced(const uint8_t in[QSTP_MLKEM_POLYBYTES])
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2())
        return qstp_mlkem_poly_bytes_reduced_avx2(in);
#endif
    return qstp_mlkem_poly_bytes_reduced_portable(in);
}

void qstp_mlkem_poly_compress(uint8_t *out, const qstp_mlkem_poly *p, unsigned d)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_compress_avx2(out, p, d);
        return;
    }
#endif
    qstp_mlkem_poly_compress_portable(out, p, d);
}

void qstp_mlkem_poly_decompress(qstp_mlkem_poly *p, const uint8_t *in, unsigned d)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_decompress_avx2(p, in, d);
        return;
    }
#endif
    qstp_mlkem_poly_decompress_portable(p, in, d);
}

void qstp_mlkem_poly_frommsg(qstp_mlkem_poly *p, const uint8_t msg[32])
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_frommsg_avx2(p, msg);
        return;
    }
#endif
    qstp_mlkem_poly_frommsg_portable(p, msg);
}

void qstp_mlkem_poly_tomsg(uint8_t msg[32], const qstp_mlkem_poly *p)
{
#if defined(QSTP_MLKEM_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mlkem_poly_tomsg_avx2(msg, p);
        return;
    }
#endif
    qstp_mlkem_poly_tomsg_portable(msg, p);
}
