/* SHA-256 (FIPS 180-4 §6.2), test support only: it checks PQClean "nistkat-sha256" hashes, which
 * are SHA-256 over the text of a NIST KAT record (vectors/pqclean/NISTKAT_PROCEDURE.txt §3). */
#include "test.h"

#include <string.h>

/* FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const uint8_t blk[64])
{
    uint32_t w[64], a, b, c, d, e, f, g, hh;

    for (int t = 0; t < 16; t++) {
        w[t] = (uint32_t)blk[4 * t] << 24 | (uint32_t)blk[4 * t + 1] << 16 |
               (uint32_t)blk[4 * t + 2] << 8 | (uint32_t)blk[4 * t + 3];
    }
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void test_sha256_init(test_sha256_ctx *c)
{
    /* FIPS 180-4 §5.3.3 */
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->len = 0;
    c->pos = 0;
}

void test_sha256_update(test_sha256_ctx *c, const void *in, size_t len)
{
    const uint8_t *p = in;

    c->len += len;
    while (len > 0) {
        size_t take = 64 - c->pos < len ? 64 - c->pos : len;
        memcpy(c->buf + c->pos, p, take);
        c->pos += take;
        p += take;
        len -= take;
        if (c->pos == 64) {
            compress(c->h, c->buf);
            c->pos = 0;
        }
    }
}

void test_sha256_final(test_sha256_ctx *c, uint8_t out[32])
{
    uint64_t bits = c->len * 8;

    /* §5.1.1: append 1 bit, zeros to 56 mod 64 bytes, then the 64-bit big-endian bit length. */
    c->buf[c->pos++] = 0x80;
    if (c->pos > 56) {
        memset(c->buf + c->pos, 0, 64 - c->pos);
        compress(c->h, c->buf);
        c->pos = 0;
    }
    memset(c->buf + c->pos, 0, 56 - c->pos);
    for (int i = 0; i < 8; i++) {
        c->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    compress(c->h, c->buf);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
    memset(c, 0, sizeof *c);
}

void test_sha256(uint8_t out[32], const void *in, size_t len)
{
    test_sha256_ctx c;

    test_sha256_init(&c);
    test_sha256_update(&c, in, len);
    test_sha256_final(&c, out);
}

/* fprintBstr of the NIST KAT drivers: "name = " + upper-case hex + "\n"; an empty field is "00". */
void test_sha256_kat_bstr(test_sha256_ctx *c, const char *name, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789ABCDEF";
    char chunk[256];
    size_t n = 0;

    test_sha256_update(c, name, strlen(name));
    test_sha256_update(c, " = ", 3);
    if (len == 0) {
        test_sha256_update(c, "00", 2);
    }
    for (size_t i = 0; i < len; i++) {
        chunk[n++] = digits[data[i] >> 4];
        chunk[n++] = digits[data[i] & 15];
        if (n == sizeof chunk) {
            test_sha256_update(c, chunk, n);
            n = 0;
        }
    }
    chunk[n++] = '\n';
    test_sha256_update(c, chunk, n);
}

void test_sha256_kat_int(test_sha256_ctx *c, const char *name, unsigned long long v)
{
    char line[160];
    int n = snprintf(line, sizeof line, "%s = %llu\n", name, v);

    if (n > 0 && (size_t)n < sizeof line) {
        test_sha256_update(c, line, (size_t)n);
    } else {
        TEST_FAIL("test_sha256_kat_int: name too long");
    }
}
