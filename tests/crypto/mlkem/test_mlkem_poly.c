/* Unit tests of the polynomial seam (src/crypto/mlkem/poly.h) against naive definitions from
 * FIPS 203 §4: Compress/Decompress for every input, ByteEncode/Decode, the modulus check, CBD,
 * rejection sampling, and NTT-based multiplication against schoolbook multiplication in
 * Z_q[X]/(X^256 + 1), including the worst-case bounds the accumulation relies on (k = 5); and, on
 * a CPU with AVX2, the AVX2 backend against the portable one coefficient by coefficient (the
 * backends promise identical output, poly_backend.h). */
#include "crypto/cpu.h"
#include "crypto/mlkem/poly_backend.h"
#include "mlkem_test_util.h"

#define Q QSTP_MLKEM_Q
#define N QSTP_MLKEM_N

static int32_t modq(int64_t x)
{
    int64_t r = x % Q;
    return (int32_t)(r < 0 ? r + Q : r);
}

/* Compress_d(x) = round(2^d x / q) mod 2^d, computed exactly with integers. */
static uint32_t naive_compress(uint32_t x, unsigned d)
{
    return (uint32_t)((((uint64_t)x << (d + 1)) + Q) / (2 * Q)) & ((1u << d) - 1u);
}

static uint32_t naive_decompress(uint32_t y, unsigned d)
{
    return (uint32_t)(((uint64_t)y * Q * 2 + (1u << d)) >> (d + 1));
}

/* Read ByteEncode_d value i (little-endian bit order, Alg. 5). */
static uint32_t get_bits(const uint8_t *b, unsigned i, unsigned d)
{
    uint32_t v = 0;
    for (unsigned j = 0; j < d; j++) {
        unsigned bit = i * d + j;
        v |= (uint32_t)((b[bit / 8] >> (bit % 8)) & 1) << j;
    }
    return v;
}

static void test_compress(void)
{
    static const unsigned ds[] = {4, 5, 10, 11};
    unsigned long bad = 0;
    for (unsigned di = 0; di < 4; di++) {
        const unsigned d = ds[di];
        /* All of [0, q) in both representatives (x and x - q), 256 at a time. */
        for (int rep = 0; rep < 2; rep++) {
            for (unsigned base = 0; base < Q; base += N) {
                qstp_mlkem_poly p;
                uint8_t out[32 * 12];
                for (unsigned i = 0; i < N; i++) {
                    unsigned x = (base + i) % Q;
                    p.c[i] = (int16_t)(rep && x != 0 ? (int)x - Q : (int)x);
                }
                qstp_mlkem_poly_compress(out, &p, d);
                for (unsigned i = 0; i < N; i++)
                    bad += get_bits(out, i, d) != naive_compress((base + i) % Q, d);
            }
        }
        /* Decompress of every d-bit value, and Compress(Decompress(y)) == y (§4.2.1). */
        for (uint32_t base = 0; base < (1u << d); base += N) {
            uint8_t in[32 * 12];
            qstp_mlkem_poly p;
            uint16_t vals[N];
            memset(in, 0, sizeof in);
            for (unsigned i = 0; i < N; i++) {
                vals[i] = (uint16_t)((base + i) & ((1u << d) - 1u));
                for (unsigned j = 0; j < d; j++) {
                    unsigned bit = i * d + j;
                    in[bit / 8] |= (uint8_t)(((vals[i] >> j) & 1) << (bit % 8));
                }
            }
            qstp_mlkem_poly_decompress(&p, in, d);
            for (unsigned i = 0; i < N; i++) {
                bad += (uint32_t)p.c[i] != naive_decompress(vals[i], d);
                bad += naive_compress((uint32_t)p.c[i], d) != vals[i];
            }
        }
    }
    /* d = 1: the message encoding. */
    for (unsigned base = 0; base < Q; base += N) {
        qstp_mlkem_poly p;
        uint8_t msg[32];
        for (unsigned i = 0; i < N; i++)
            p.c[i] = (int16_t)((base + i) % Q);
        qstp_mlkem_poly_tomsg(msg, &p);
        for (unsigned i = 0; i < N; i++)
            bad += get_bits(msg, i, 1) != naive_compress((base + i) % Q, 1);
    }
    CHECK_MSG(bad == 0, "%lu compress/decompress mismatches", bad);
}

static void test_bytes(uint64_t *rs)
{
    qstp_mlkem_poly p, r;
    uint8_t b[QSTP_MLKEM_POLYBYTES], b2[QSTP_MLKEM_POLYBYTES];
    for (unsigned i = 0; i < N; i++)
        p.c[i] = (int16_t)((int)(test_prng_u64(rs) % (2 * Q - 1)) - (Q - 1)); /* |c| < q */
    qstp_mlkem_poly_tobytes(b, &p);
    qstp_mlkem_poly_frombytes(&r, b);
    int ok = 1;
    for (unsigned i = 0; i < N; i++)
        ok &= r.c[i] == modq(p.c[i]) && get_bits(b, i, 12) == (uint32_t)modq(p.c[i]);
    CHECK(ok);
    CHECK(qstp_mlkem_poly_bytes_reduced(b) == 1);
    qstp_mlkem_poly_tobytes(b2, &r);
    CHECK_BYTES(b2, b, sizeof b, "encode(decode(x))");

    /* Modulus check: q-1 passes, q and 4095 fail, in the first, an odd and the last position. */
    static const unsigned pos[] = {0, 1, 127, 254, 255};
    for (unsigned pi = 0; pi < 5; pi++) {
        static const int16_t vals[] = {Q - 1, Q, 4095};
        for (unsigned vi = 0; vi < 3; vi++) {
            r.c[pos[pi]] = vals[vi];
            uint8_t t[QSTP_MLKEM_POLYBYTES];
            /* encode raw 12-bit values */
            memset(t, 0, sizeof t);
            for (unsigned i = 0; i < N; i++)
                for (unsigned j = 0; j < 12; j++)
                    t[(12 * i + j) / 8] |= (uint8_t)((((uint32_t)r.c[i] >> j) & 1) << ((12 * i + j) % 8));
            CHECK(qstp_mlkem_poly_bytes_reduced(t) == (vals[vi] < Q));
            r.c[pos[pi]] = 0;
        }
    }
}

static void test_cbd(uint64_t *rs)
{
    for (unsigned eta = 2; eta <= 3; eta++) {
        uint8_t buf[64 * 3];
        qstp_mlkem_poly p;
        test_prng_bytes(rs, buf, sizeof buf);
        qstp_mlkem_poly_cbd(&p, buf, eta);
        int ok = 1;
        for (unsigned i = 0; i < N; i++) {
            int x = 0, y = 0; /* Alg. 8 with the bit array b = BytesToBits(B) */
            for (unsigned j = 0; j < eta; j++) {
                unsigned bx = 2 * i * eta + j, by = 2 * i * eta + eta + j;
                x += (buf[bx / 8] >> (bx % 8)) & 1;
                y += (buf[by / 8] >> (by % 8)) & 1;
            }
            ok &= p.c[i] == x - y;
        }
        CHECK_MSG(ok, "CBD eta=%u", eta);
    }
}

static void test_rej(uint64_t *rs)
{
    uint8_t buf[168 * 4];
    int16_t got[N];
    test_prng_bytes(rs, buf, sizeof buf);
    unsigned n = 0, ctr = 0;
    int16_t want[N];
    for (size_t pos = 0; pos + 3 <= sizeof buf && n < N; pos += 3) { /* Alg. 7 steps 5-13 */
        uint32_t d1 = buf[pos] + 256u * (buf[pos + 1] % 16), d2 = buf[pos + 1] / 16 + 16u * buf[pos + 2];
        if (d1 < Q)
            want[n++] = (int16_t)d1;
        if (d2 < Q && n < N)
            want[n++] = (int16_t)d2;
    }
    for (unsigned blk = 0; blk < 4; blk++) /* feeding it block by block gives the same stream */
        ctr = qstp_mlkem_rej_uniform(got, ctr, buf + 168 * blk, 168);
    CHECK(ctr == n && n == N);
    CHECK(memcmp(got, want, sizeof(int16_t) * n) == 0);
}

/* Schoolbook product in Z_q[X]/(X^256 + 1). */
static void schoolbook(int32_t *r, const int16_t *a, const int16_t *b)
{
    int64_t acc[N] = {0};
    for (unsigned i = 0; i < N; i++)
        for (unsigned j = 0; j < N; j++) {
            int64_t prod = (int64_t)a[i] * b[j];
            if (i + j < N)
                acc[i + j] += prod;
            else
                acc[i + j - N] -= prod;
        }
    for (unsigned i = 0; i < N; i++)
        r[i] = modq(acc[i]);
}

/* sum_j a[j] * b[j] via NTT: a is used as decoded (no NTT; in the NTT domain), b is NTT'd. */
static void test_ntt_mul(uint64_t *rs, unsigned k, int worst)
{
    qstp_mlkem_poly a[5], b[5], bt[5], r;
    qstp_mlkem_mulcache bc[5];
    int32_t want[N] = {0}, tmp[N];
    for (unsigned j = 0; j < k; j++) {
        for (unsigned i = 0; i < N; i++) {
            a[j].c[i] = (int16_t)(worst ? 4095 : (int)(test_prng_u64(rs) % Q));
            /* b: small (CBD-like) or full range */
            b[j].c[i] = (int16_t)(worst ? ((i & 1) ? -(Q - 1) : (Q - 1))
                                        : (int)(test_prng_u64(rs) % (2 * Q - 1)) - (Q - 1));
        }
        bt[j] = b[j];
        qstp_mlkem_poly_ntt(&bt[j]);
        qstp_mlkem_poly_mulcache_compute(&bc[j], &bt[j]);
    }
    qstp_mlkem_polyvec_basemul_acc(&r, a, bt, bc, k);
    qstp_mlkem_poly_invntt_tomont(&r);
    /* a is in the NTT domain: its schoolbook counterpart is invNTT(a). */
    for (unsigned j = 0; j < k; j++) {
        qstp_mlkem_poly ai = a[j];
        qstp_mlkem_poly_reduce(&ai);
        /* invntt_tomont multiplies by R; undo with tomont of R^-1: use basemul with the NTT of 1 */
        qstp_mlkem_poly one, onet;
        qstp_mlkem_mulcache oc;
        memset(&one, 0, sizeof one);
        one.c[0] = 1;
        onet = one;
        qstp_mlkem_poly_ntt(&onet);
        qstp_mlkem_poly_mulcache_compute(&oc, &onet);
        qstp_mlkem_polyvec_basemul_acc(&one, &ai, &onet, &oc, 1); /* = ai * R^-1 (NTT domain) */
        qstp_mlkem_poly_invntt_tomont(&one);                       /* = invNTT(ai) */
        schoolbook(tmp, one.c, b[j].c);
        for (unsigned i = 0; i < N; i++)
            want[i] = modq((int64_t)want[i] + tmp[i]);
    }
    int ok = 1;
    for (unsigned i = 0; i < N; i++)
        ok &= modq(r.c[i]) == want[i] && r.c[i] > -Q && r.c[i] < Q;
    CHECK_MSG(ok, "NTT product k=%u worst=%d", k, worst);
}

/* NTT round trip: invNTT(NTT(x)) (with the R factor removed) == x. */
static void test_ntt_roundtrip(uint64_t *rs)
{
    qstp_mlkem_poly p, x;
    for (unsigned i = 0; i < N; i++)
        p.c[i] = (int16_t)((int)(test_prng_u64(rs) % (2 * Q - 1)) - (Q - 1));
    x = p;
    qstp_mlkem_poly_ntt(&x);
    qstp_mlkem_poly_invntt_tomont(&x); /* = x * R */
    int ok = 1;
    for (unsigned i = 0; i < N; i++)
        ok &= modq(x.c[i]) == modq((int64_t)p.c[i] * 65536);
    CHECK(ok);
}

#if defined(QSTP_MLKEM_HAVE_AVX2)
/* Random polynomial with |c| <= bound (bound < 2^15). */
static void rand_poly(uint64_t *rs, qstp_mlkem_poly *p, int bound)
{
    for (unsigned i = 0; i < N; i++)
        p->c[i] = (int16_t)((int)(test_prng_u64(rs) % (uint64_t)(2 * bound + 1)) - bound);
}

/* Set p to |c| < q with the extremes -(q-1), -1, 0, 1, (q-1)/2, (q+1)/2, q-1 sprinkled in. */
static void rand_poly_edges(uint64_t *rs, qstp_mlkem_poly *p)
{
    static const int16_t edges[] = {-(Q - 1), -(Q + 1) / 2, -(Q - 1) / 2, -1, 0, 1, (Q - 1) / 2,
                                    (Q + 1) / 2, Q - 1};
    rand_poly(rs, p, Q - 1);
    for (unsigned i = 0; i < N; i++)
        if (test_prng_u64(rs) % 4 == 0)
            p->c[i] = edges[test_prng_u64(rs) % (sizeof edges / sizeof edges[0])];
}

/* The encodings and element-wise functions of the AVX2 backend against the portable code: every
 * compressed width, every value of Compress (all of (-q, q)) and of Decompress/ByteDecode (all
 * d-bit values in every position of a block), random and edge polynomials, the modulus check with
 * one bad value in every position, and the exact output length (no byte written past 32 d). */
static void test_backends_codec(uint64_t *rs)
{
    static const unsigned ds[] = {4, 5, 10, 11};
    unsigned long bad = 0;
    /* Compress: every x in (-q, q), spread over all lanes and blocks. */
    for (unsigned di = 0; di < 4; di++) {
        const unsigned d = ds[di];
        for (int base = -(Q - 1); base < Q; base += N) {
            qstp_mlkem_poly p;
            uint8_t x[32 * 11 + 8], y[32 * 11 + 8];
            for (unsigned i = 0; i < N; i++) {
                int v = base + (int)((i * 37) % N); /* permuted so each value meets many lanes */
                p.c[i] = (int16_t)(v >= Q ? v - (2 * Q - 1) : v);
            }
            memset(x, 0xA5, sizeof x);
            memset(y, 0xA5, sizeof y);
            qstp_mlkem_poly_compress_portable(x, &p, d);
            qstp_mlkem_poly_compress_avx2(y, &p, d);
            bad += memcmp(x, y, sizeof x) != 0; /* includes the 8 bytes after the output */
        }
    }
    for (int it = 0; it < 300; it++) {
        qstp_mlkem_poly p, x, y;
        uint8_t bx[QSTP_MLKEM_POLYBYTES + 8], by[QSTP_MLKEM_POLYBYTES + 8];
        rand_poly_edges(rs, &p);
        for (unsigned di = 0; di < 4; di++) {
            const unsigned d = ds[di];
            memset(bx, 0x5A, sizeof bx);
            memset(by, 0x5A, sizeof by);
            qstp_mlkem_poly_compress_portable(bx, &p, d);
            qstp_mlkem_poly_compress_avx2(by, &p, d);
            bad += memcmp(bx, by, sizeof bx) != 0;
            /* Decompress of random bytes (every bit pattern is a valid encoding) */
            test_prng_bytes(rs, bx, 32 * d);
            if (it == 0)
                memset(bx, 0xFF, 32 * d);
            qstp_mlkem_poly_decompress_portable(&x, bx, d);
            qstp_mlkem_poly_decompress_avx2(&y, bx, d);
            bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        }
        /* ByteEncode_12 / ByteDecode_12 */
        memset(bx, 0x5A, sizeof bx);
        memset(by, 0x5A, sizeof by);
        qstp_mlkem_poly_tobytes_portable(bx, &p);
        qstp_mlkem_poly_tobytes_avx2(by, &p);
        bad += memcmp(bx, by, sizeof bx) != 0;
        test_prng_bytes(rs, bx, QSTP_MLKEM_POLYBYTES);
        if (it == 1)
            memset(bx, 0xFF, QSTP_MLKEM_POLYBYTES);
        qstp_mlkem_poly_frombytes_portable(&x, bx);
        qstp_mlkem_poly_frombytes_avx2(&y, bx);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        bad += qstp_mlkem_poly_bytes_reduced_portable(bx) != qstp_mlkem_poly_bytes_reduced_avx2(bx);
        /* messages */
        uint8_t mx[32], my[32];
        qstp_mlkem_poly_tomsg_portable(mx, &p);
        qstp_mlkem_poly_tomsg_avx2(my, &p);
        bad += memcmp(mx, my, 32) != 0;
        test_prng_bytes(rs, mx, 32);
        qstp_mlkem_poly_frommsg_portable(&x, mx);
        qstp_mlkem_poly_frommsg_avx2(&y, mx);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        /* element-wise: reduce and tomont take any int16; add/sub wrap */
        qstp_mlkem_poly a;
        rand_poly(rs, &a, it % 2 ? 32767 : Q - 1);
        if (it == 2)
            for (unsigned i = 0; i < N; i++)
                a.c[i] = (int16_t)(i & 1 ? -32768 : 32767);
        x = y = a;
        qstp_mlkem_poly_reduce_portable(&x);
        qstp_mlkem_poly_reduce_avx2(&y);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        x = y = a;
        qstp_mlkem_poly_tomont_portable(&x);
        qstp_mlkem_poly_tomont_avx2(&y);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        x = y = a;
        qstp_mlkem_poly_add_portable(&x, &p);
        qstp_mlkem_poly_add_avx2(&y, &p);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        x = y = a;
        qstp_mlkem_poly_sub_portable(&x, &p);
        qstp_mlkem_poly_sub_avx2(&y, &p);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        /* mulcache of an NTT output */
        qstp_mlkem_mulcache cx, cy;
        x = p;
        qstp_mlkem_poly_ntt_portable(&x);
        qstp_mlkem_poly_mulcache_compute_portable(&cx, &x);
        qstp_mlkem_poly_mulcache_compute_avx2(&cy, &x);
        bad += memcmp(cx.c, cy.c, sizeof cx.c) != 0;
    }
    /* Every d-bit value in every position of a 16-value block, for Decompress and ByteDecode_12,
     * and the modulus check with one value >= q at every position (the others random < q). */
    for (unsigned di = 0; di < 5; di++) {
        const unsigned d = di < 4 ? ds[di] : 12;
        for (uint32_t v = 0; v < (1u << d); v += (d > 5 ? 7 : 1)) {
            uint8_t in[QSTP_MLKEM_POLYBYTES];
            qstp_mlkem_poly x, y;
            memset(in, 0, sizeof in);
            for (unsigned i = (v % 16); i < N; i += 16)
                for (unsigned j = 0; j < d; j++)
                    in[(d * i + j) / 8] |= (uint8_t)(((v >> j) & 1) << ((d * i + j) % 8));
            if (d == 12) {
                qstp_mlkem_poly_frombytes_portable(&x, in);
                qstp_mlkem_poly_frombytes_avx2(&y, in);
            } else {
                qstp_mlkem_poly_decompress_portable(&x, in, d);
                qstp_mlkem_poly_decompress_avx2(&y, in, d);
            }
            bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        }
    }
    for (unsigned pos = 0; pos < N; pos++) {
        qstp_mlkem_poly p;
        uint8_t b[QSTP_MLKEM_POLYBYTES];
        for (unsigned i = 0; i < N; i++)
            p.c[i] = (int16_t)(test_prng_u64(rs) % Q);
        qstp_mlkem_poly_tobytes_portable(b, &p);
        bad += qstp_mlkem_poly_bytes_reduced_avx2(b) != 1;
        const uint32_t v = Q + (uint32_t)(test_prng_u64(rs) % (4096 - Q));
        for (unsigned j = 0; j < 12; j++) { /* overwrite value pos with v >= q */
            const unsigned bit = 12 * pos + j;
            b[bit / 8] = (uint8_t)((b[bit / 8] & ~(1u << (bit % 8))) | (((v >> j) & 1) << (bit % 8)));
        }
        bad += qstp_mlkem_poly_bytes_reduced_avx2(b) != 0;
        bad += qstp_mlkem_poly_bytes_reduced_portable(b) != 0;
    }
    CHECK_MSG(bad == 0, "%lu AVX2/portable codec mismatches", bad);
}

static void test_backends(uint64_t *rs)
{
    if (!qstp_cpu_has_avx2()) {
        printf("no AVX2 on this CPU (or QSTP_NO_ASM set): backend comparison skipped\n");
        return;
    }
    unsigned long bad = 0;
    for (int it = 0; it < 200; it++) {
        qstp_mlkem_poly p, x, y, a[5], b[5];
        qstp_mlkem_mulcache bc[5];
        /* NTT input: |c| < q (decompressed values, CBD noise); extremes every 4th round. */
        rand_poly(rs, &p, it % 4 == 0 ? Q - 1 : (it % 4 == 1 ? 3 : Q / 2));
        x = y = p;
        qstp_mlkem_poly_ntt_portable(&x);
        qstp_mlkem_poly_ntt_avx2(&y);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        /* invNTT input: |c| < q */
        rand_poly(rs, &p, Q - 1);
        x = y = p;
        qstp_mlkem_poly_invntt_tomont_portable(&x);
        qstp_mlkem_poly_invntt_tomont_avx2(&y);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
        /* basemul: a in [-4095, 4095] (decoded keys), b = NTT output, k = 1..5 */
        const unsigned k = 1 + (unsigned)(it % 5);
        for (unsigned j = 0; j < k; j++) {
            rand_poly(rs, &a[j], it % 3 == 0 ? 4095 : Q - 1);
            rand_poly(rs, &b[j], Q - 1);
            qstp_mlkem_poly_ntt_portable(&b[j]);
            qstp_mlkem_poly_mulcache_compute(&bc[j], &b[j]);
        }
        qstp_mlkem_polyvec_basemul_acc_portable(&x, a, b, bc, k);
        qstp_mlkem_polyvec_basemul_acc_avx2(&y, a, b, bc, k);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
    }
    /* CBD_2 (the AVX2 backend has eta = 2 only) */
    for (int it = 0; it < 200; it++) {
        uint8_t buf[128];
        test_prng_bytes(rs, buf, sizeof buf);
        if (it == 0)
            memset(buf, 0xFF, sizeof buf);
        if (it == 1)
            memset(buf, 0x0F, sizeof buf);
        qstp_mlkem_poly x, y;
        qstp_mlkem_poly_cbd_portable(&x, buf, 2);
        qstp_mlkem_poly_cbd2_avx2(&y, buf);
        bad += memcmp(x.c, y.c, sizeof x.c) != 0;
    }
    /* Rejection sampling: same values and count from any start count and buffer length, on
     * random bytes and on bytes biased towards rejection (values >= q). */
    for (int it = 0; it < 2000; it++) {
        uint8_t buf[168 * 3];
        int16_t x16[N], y16[N];
        const size_t len = 3 * (size_t)(test_prng_u64(rs) % (sizeof buf / 3 + 1));
        const unsigned start = (unsigned)(test_prng_u64(rs) % (N + 1));
        test_prng_bytes(rs, buf, sizeof buf);
        if (it % 3 == 0)
            for (size_t i = 0; i < sizeof buf; i++)
                buf[i] |= (uint8_t)((test_prng_u64(rs) & 1) ? 0xF0 : 0x00);
        memset(x16, 0x55, sizeof x16);
        memset(y16, 0x55, sizeof y16);
        unsigned cx = qstp_mlkem_rej_uniform_portable(x16, start, buf, len);
        unsigned cy = qstp_mlkem_rej_uniform_avx2(y16, start, buf, len);
        bad += cx != cy || memcmp(x16, y16, sizeof(int16_t) * cx) != 0;
    }
    CHECK_MSG(bad == 0, "%lu AVX2/portable mismatches", bad);
    test_backends_codec(rs);
}
#endif

int main(void)
{
    uint64_t rs = 0x6d6c6b656d2d706fULL;
    test_compress();
    for (int i = 0; i < 20; i++) {
        test_bytes(&rs);
        test_cbd(&rs);
        test_rej(&rs);
        test_ntt_roundtrip(&rs);
    }
    for (unsigned k = 1; k <= 5; k++) {
        test_ntt_mul(&rs, k, 0);
        test_ntt_mul(&rs, k, 1);
    }
#if defined(QSTP_MLKEM_HAVE_AVX2)
    test_backends(&rs);
#endif
    return test_report();
}
