/* Plain AES-256 block cipher (FIPS 197), for the NIST KAT DRBG and AES test vectors only.
 * Byte-oriented and table-driven: NOT constant time, never use it on real secrets.
 * The S-box is computed from its definition (FIPS 197 §5.1.1: multiplicative inverse in
 * GF(2^8) followed by the affine map) on first use, so there is no hand-typed table to get wrong. */
#include "test.h"

#include <string.h>

static uint8_t sbox[256];
static uint8_t inv_sbox[256];
/* mul[k][x] = coef[k] * x in GF(2^8), for the MixColumns coefficients 1, 2, 3, 9, 11, 13, 14. */
static const uint8_t coef[7] = {0x01, 0x02, 0x03, 0x09, 0x0b, 0x0d, 0x0e};
static uint8_t mul[7][256];
static int tables_ready; /* tests are single-threaded; a race would only recompute equal values */

/* Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS 197 §4.2). */
static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t p = 0;

    while (b != 0) {
        if (b & 1) {
            p ^= a;
        }
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return p;
}

static uint8_t rotl8(uint8_t x, unsigned n)
{
    return (uint8_t)((x << n) | (x >> (8 - n)));
}

static void build_tables(void)
{
    for (unsigned x = 0; x < 256; x++) {
        /* inverse = x^254 (0 maps to 0) */
        uint8_t inv = 1, base = (uint8_t)x;
        unsigned e = 254;
        uint8_t b;
        while (e != 0) {
            if (e & 1) {
                inv = gmul(inv, base);
            }
            base = gmul(base, base);
            e >>= 1;
        }
        if (x == 0) {
            inv = 0;
        }
        b = (uint8_t)(inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63);
        sbox[x] = b;
        inv_sbox[b] = (uint8_t)x;
        for (int k = 0; k < 7; k++) {
            mul[k][x] = gmul(coef[k], (uint8_t)x);
        }
    }
    tables_ready = 1;
}

static uint32_t sub_word(uint32_t w)
{
    return (uint32_t)sbox[w >> 24] << 24 | (uint32_t)sbox[(w >> 16) & 0xff] << 16 |
           (uint32_t)sbox[(w >> 8) & 0xff] << 8 | (uint32_t)sbox[w & 0xff];
}

/* Key expansion, FIPS 197 §5.2 with Nk = 8, Nr = 14: 60 words. */
void test_aes256_init(test_aes256 *a, const uint8_t key[32])
{
    uint32_t rcon = 0x01;

    if (!tables_ready) {
        build_tables();
    }
    for (int i = 0; i < 8; i++) {
        a->rk[i] = (uint32_t)key[4 * i] << 24 | (uint32_t)key[4 * i + 1] << 16 |
                   (uint32_t)key[4 * i + 2] << 8 | (uint32_t)key[4 * i + 3];
    }
    for (int i = 8; i < 60; i++) {
        uint32_t t = a->rk[i - 1];
        if (i % 8 == 0) {
            t = sub_word(t << 8 | t >> 24) ^ (rcon << 24);
            rcon = gmul((uint8_t)rcon, 2);
        } else if (i % 8 == 4) {
            t = sub_word(t);
        }
        a->rk[i] = a->rk[i - 8] ^ t;
    }
}

/* The state is column-major: s[r + 4c] is row r, column c (FIPS 197 §3.4). */
static void add_round_key(uint8_t s[16], const uint32_t *w)
{
    for (int c = 0; c < 4; c++) {
        s[4 * c] ^= (uint8_t)(w[c] >> 24);
        s[4 * c + 1] ^= (uint8_t)(w[c] >> 16);
        s[4 * c + 2] ^= (uint8_t)(w[c] >> 8);
        s[4 * c + 3] ^= (uint8_t)w[c];
    }
}

static void sub_bytes(uint8_t s[16], const uint8_t box[256])
{
    for (int i = 0; i < 16; i++) {
        s[i] = box[s[i]];
    }
}

/* Row r is rotated left by r (dir = +1) or right by r (dir = -1). */
static void shift_rows(uint8_t s[16], int dir)
{
    uint8_t t[16];

    for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 4; c++) {
            int from = (c + dir * r + 8) % 4;
            t[r + 4 * c] = s[r + 4 * from];
        }
    }
    memcpy(s, t, 16);
}

/* Multiply each column by the circulant matrix whose first row is m (FIPS 197 §5.1.3/§5.3.3);
 * m holds indexes into coef/mul. */
static void mix_columns(uint8_t s[16], const uint8_t m[4])
{
    for (int c = 0; c < 4; c++) {
        uint8_t a[4];
        memcpy(a, s + 4 * c, 4);
        for (int r = 0; r < 4; r++) {
            s[4 * c + r] = (uint8_t)(mul[m[0]][a[r]] ^ mul[m[1]][a[(r + 1) % 4]] ^
                                     mul[m[2]][a[(r + 2) % 4]] ^ mul[m[3]][a[(r + 3) % 4]]);
        }
    }
}

static const uint8_t mix_fwd[4] = {1, 2, 0, 0}; /* {02, 03, 01, 01} */
static const uint8_t mix_inv[4] = {6, 4, 5, 3}; /* {0e, 0b, 0d, 09} */

void test_aes256_encrypt(const test_aes256 *a, const uint8_t in[16], uint8_t out[16])
{
    uint8_t s[16];

    memcpy(s, in, 16);
    add_round_key(s, a->rk);
    for (int round = 1; round <= 14; round++) {
        sub_bytes(s, sbox);
        shift_rows(s, +1);
        if (round != 14) {
            mix_columns(s, mix_fwd);
        }
        add_round_key(s, a->rk + 4 * round);
    }
    memcpy(out, s, 16);
}

/* Inverse cipher, FIPS 197 §5.3. */
void test_aes256_decrypt(const test_aes256 *a, const uint8_t in[16], uint8_t out[16])
{
    uint8_t s[16];

    memcpy(s, in, 16);
    add_round_key(s, a->rk + 4 * 14);
    for (int round = 13; round >= 0; round--) {
        shift_rows(s, -1);
        sub_bytes(s, inv_sbox);
        add_round_key(s, a->rk + 4 * round);
        if (round != 0) {
            mix_columns(s, mix_inv);
        }
    }
    memcpy(out, s, 16);
}
