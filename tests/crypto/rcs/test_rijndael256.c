/* Rijndael-256 block function and counter mode (QSTP-WIRE §6.3, §6.4).
 *
 * Known answers: vectors/rijndael256/nessie_rijndael-256key-256block.unverified.test-vectors.txt,
 * standard Rijndael with Nb = Nk = 8 and Nr = 14. That file uses the standard Rijndael key
 * schedule, which RCS does not (RCS derives round keys with cSHAKE), so the key schedule is written
 * here as test support and the round function under test is run with 14 rounds on its output.
 * Every `cipher` value is checked on every backend; some `Iterated 100/1000 times` values too.
 *
 * Properties: portable == AES-NI == AVX-512 == dispatch on random keys/blocks/lengths for 14, 22 and 30
 * rounds; counter mode equals block-by-block encryption of the little-endian counter, with carries
 * across all 32 bytes; in-place operation; the nonce advances by ceil(len / 32). */
#include <stdlib.h>
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/rijndael256.h"
#include "test.h"

#define NESSIE_FILE "vectors/rijndael256/nessie_rijndael-256key-256block.unverified.test-vectors.txt"

/* ---- test support: the standard Rijndael key schedule (table S-box is fine here) ---- */

static uint8_t sbox_tab[256];

static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t p = 0;
    for (int i = 0; i < 8; i++) {
        if (b & 1)
            p ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1B : 0));
        b >>= 1;
    }
    return p;
}

static void make_sbox(void)
{
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 0;
        for (int y = 1; y < 256 && x != 0; y++) {
            if (gf_mul((uint8_t)x, (uint8_t)y) == 1) {
                inv = (uint8_t)y;
                break;
            }
        }
        uint8_t s = inv;
        for (int k = 1; k <= 4; k++)
            s ^= (uint8_t)((inv << k) | (inv >> (8 - k)));
        sbox_tab[x] = (uint8_t)(s ^ 0x63);
    }
}

/* Nk = 8, Nb = 8: (rounds + 1) * 8 words, bytes in order. */
static void rijndael_key_schedule(const uint8_t key[32], unsigned rounds, uint8_t *rk)
{
    const unsigned total = 4 * 8 * (rounds + 1);
    uint8_t rcon = 1;
    memcpy(rk, key, 32);
    for (unsigned i = 32; i < total; i += 4) {
        uint8_t t[4];
        memcpy(t, rk + i - 4, 4);
        if ((i / 4) % 8 == 0) {
            const uint8_t t0 = t[0];
            t[0] = (uint8_t)(sbox_tab[t[1]] ^ rcon);
            t[1] = sbox_tab[t[2]];
            t[2] = sbox_tab[t[3]];
            t[3] = sbox_tab[t0];
            rcon = gf_mul(rcon, 2);
        } else if ((i / 4) % 8 == 4) {
            for (int k = 0; k < 4; k++)
                t[k] = sbox_tab[t[k]];
        }
        for (int k = 0; k < 4; k++)
            rk[i + k] = (uint8_t)(rk[i + k - 32] ^ t[k]);
    }
}

/* ---- backends ---- */

typedef void (*enc_fn)(const uint8_t *, unsigned, const uint8_t *, uint8_t *);
typedef void (*ctr_fn)(const uint8_t *, unsigned, uint8_t *, const uint8_t *, uint8_t *, size_t);

struct backend {
    const char *name;
    enc_fn enc;
    ctr_fn ctr;
};

static struct backend backends[4];
static int nbackends;

static void setup_backends(void)
{
    backends[nbackends++] = (struct backend){"portable", qstp_rijndael256_encrypt_portable,
                                             qstp_rijndael256_ctr_xor_portable};
    if (qstp_cpu_has_aesni())
        backends[nbackends++] = (struct backend){"aesni", qstp_rijndael256_encrypt_aesni,
                                                 qstp_rijndael256_ctr_xor_aesni};
    else
        printf("note: no AES-NI on this CPU (or QSTP_NO_ASM set); AES-NI backend not tested\n");
    /* AVX-512 does counter mode only; its single-block slot is the AES-NI function. */
    if (qstp_cpu_has_avx512())
        backends[nbackends++] = (struct backend){"avx512", qstp_rijndael256_encrypt_aesni,
                                                 qstp_rijndael256_ctr_xor_avx512};
    else
        printf("note: no AVX-512/VAES on this CPU (or QSTP_NO_ASM set); AVX-512 backend not tested\n");
    backends[nbackends++] = (struct backend){"dispatch", qstp_rijndael256_encrypt, qstp_rijndael256_ctr_xor};
}

/* ---- NESSIE file reader: "name=HEX" lines with hex continuation lines ---- */

struct nessie_vec {
    char label[64];
    uint8_t key[32], plain[32], cipher[32], it100[32], it1000[32];
    int have; /* bit 0 key, 1 plain, 2 cipher, 3 it100, 4 it1000 */
};

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

static int field_bit(const char *name)
{
    if (strcmp(name, "key") == 0)
        return 0;
    if (strcmp(name, "plain") == 0)
        return 1;
    if (strcmp(name, "cipher") == 0)
        return 2;
    if (strcmp(name, "Iterated 100 times") == 0)
        return 3;
    if (strcmp(name, "Iterated 1000 times") == 0)
        return 4;
    return -1;
}

static uint8_t *field_ptr(struct nessie_vec *v, int bit)
{
    uint8_t *p[5] = {v->key, v->plain, v->cipher, v->it100, v->it1000};
    return p[bit];
}

/* Parses the whole file; returns the number of vectors (at most cap), -1 on a format error. */
static int nessie_parse(char *text, struct nessie_vec *vecs, int cap)
{
    int n = -1;
    char hex[160];
    int cur = -1;
    hex[0] = 0;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char *t = trim(line);
        if (strncmp(t, "Set ", 4) == 0) {
            if (++n >= cap)
                return -1;
            memset(&vecs[n], 0, sizeof(vecs[n]));
            snprintf(vecs[n].label, sizeof(vecs[n].label), "%s", t);
            cur = -1;
            continue;
        }
        char *eq = strchr(t, '=');
        if (eq != NULL && n >= 0) {
            *eq = 0;
            cur = field_bit(trim(t));
            snprintf(hex, sizeof(hex), "%s", trim(eq + 1));
        } else if (cur >= 0 && *t != 0 && strlen(hex) + strlen(t) < sizeof(hex)) {
            strcat(hex, t);
        } else {
            continue;
        }
        if (cur >= 0 && strlen(hex) == 64) {
            if (test_hex_decode(field_ptr(&vecs[n], cur), 32, hex) != 32)
                return -1;
            vecs[n].have |= 1 << cur;
            cur = -1;
        }
    }
    return n + 1;
}

static void test_nessie(void)
{
    const char *path = test_vector_path(NESSIE_FILE);
    CHECK_MSG(path != NULL, "missing %s", NESSIE_FILE);
    if (path == NULL)
        return;
    size_t len;
    char *text = test_read_file(path, &len);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    enum { CAP = 2000 };
    struct nessie_vec *vecs = calloc(CAP, sizeof(*vecs));
    const int n = nessie_parse(text, vecs, CAP);
    free(text);
    CHECK_MSG(n == 1540, "%s: parsed %d vectors, want 1540", NESSIE_FILE, n);

    uint8_t rk[15 * 32];
    int bad[4] = {0, 0, 0, 0}, it100_checked = 0, it1000_checked = 0;
    for (int i = 0; i < n; i++) {
        struct nessie_vec *v = &vecs[i];
        CHECK_MSG((v->have & 7) == 7, "%s: key/plain/cipher missing", v->label);
        rijndael_key_schedule(v->key, 14, rk);
        for (int b = 0; b < nbackends; b++) {
            uint8_t out[32];
            backends[b].enc(rk, 14, v->plain, out);
            if (memcmp(out, v->cipher, 32) != 0) {
                if (bad[b]++ < 3)
                    fprintf(stderr, "%s: %s: cipher mismatch\n", backends[b].name, v->label);
            }
            /* Iterated: x = E(x), 100 (1000) times, from the plaintext. Every 25th vector (and
             * 1000 times for every 250th), so the test stays fast. */
            if ((v->have & 8) && i % 25 == 0) {
                uint8_t x[32];
                memcpy(x, v->plain, 32);
                for (int k = 0; k < 100; k++)
                    backends[b].enc(rk, 14, x, x);
                CHECK_MSG(memcmp(x, v->it100, 32) == 0, "%s: %s: Iterated 100 times", backends[b].name,
                          v->label);
                it100_checked += b == 0;
            }
            if ((v->have & 16) && i % 250 == 0) {
                uint8_t x[32];
                memcpy(x, v->plain, 32);
                for (int k = 0; k < 1000; k++)
                    backends[b].enc(rk, 14, x, x);
                CHECK_MSG(memcmp(x, v->it1000, 32) == 0, "%s: %s: Iterated 1000 times", backends[b].name,
                          v->label);
                it1000_checked += b == 0;
            }
        }
    }
    for (int b = 0; b < nbackends; b++)
        CHECK_MSG(bad[b] == 0, "%s: %d of %d NESSIE cipher values wrong", backends[b].name, bad[b], n);
    CHECK(it100_checked >= 30);
    CHECK(it1000_checked >= 4);
    printf("NESSIE: %d vectors x %d backends, %d iterated-100, %d iterated-1000 checks per backend\n", n,
           nbackends, it100_checked, it1000_checked);
    free(vecs);
}

/* Reference counter mode built from the single-block portable function. */
static void ref_ctr(const uint8_t *rk, unsigned rounds, uint8_t nonce[32], const uint8_t *in, uint8_t *out,
                    size_t len)
{
    for (size_t off = 0; off < len; off += 32) {
        uint8_t ks[32];
        qstp_rijndael256_encrypt_portable(rk, rounds, nonce, ks);
        for (size_t i = 0; i < 32 && off + i < len; i++)
            out[off + i] = (uint8_t)(in[off + i] ^ ks[i]);
        for (int k = 0; k < 32; k++) /* 256-bit little-endian increment */
            if (++nonce[k] != 0)
                break;
    }
}

static void test_ctr_properties(void)
{
    uint64_t prng = 0x5253436b65793235ull;
    static const unsigned rounds_list[3] = {14, 22, 30};
    uint8_t rk[31 * 32], in[600], want[600], got[600], n0[32], nw[32], ng[32];
    int fails = 0;

    for (unsigned t = 0; t < 400; t++) {
        const unsigned rounds = rounds_list[t % 3];
        const size_t len = t < 300 ? t : (size_t)(test_prng_u64(&prng) % 600);
        test_prng_bytes(&prng, rk, sizeof(rk));
        test_prng_bytes(&prng, in, len);
        test_prng_bytes(&prng, n0, 32);
        /* Some nonces that carry through many bytes. */
        if (t % 7 == 0)
            memset(n0, 0xFF, 32);
        else if (t % 7 == 1)
            memset(n0, 0xFF, 8 + t % 24);
        memcpy(nw, n0, 32);
        ref_ctr(rk, rounds, nw, in, want, len);
        for (int b = 0; b < nbackends; b++) {
            memcpy(ng, n0, 32);
            memset(got, 0xA5, sizeof(got));
            backends[b].ctr(rk, rounds, ng, in, got, len);
            const int ok = memcmp(got, want, len) == 0 && memcmp(ng, nw, 32) == 0 && got[len] == 0xA5;
            /* in place */
            memcpy(ng, n0, 32);
            memcpy(got, in, len);
            backends[b].ctr(rk, rounds, ng, got, got, len);
            const int ok2 = memcmp(got, want, len) == 0 && memcmp(ng, nw, 32) == 0;
            if (!ok || !ok2) {
                if (fails++ < 5)
                    fprintf(stderr, "%s: ctr mismatch rounds=%u len=%zu (%s)\n", backends[b].name, rounds,
                            len, ok ? "in place" : "separate");
            }
        }
        /* The nonce advances by ceil(len / 32) blocks. */
        uint8_t adv[32];
        memcpy(adv, n0, 32);
        for (size_t k = 0; k < (len + 31) / 32; k++)
            for (int j = 0; j < 32; j++)
                if (++adv[j] != 0)
                    break;
        if (memcmp(adv, nw, 32) != 0 && fails++ < 5)
            fprintf(stderr, "nonce advance wrong for len=%zu\n", len);
    }
    CHECK_MSG(fails == 0, "%d counter-mode mismatches", fails);

    /* All-ones nonce wraps to all zeros after one block. */
    memset(n0, 0xFF, 32);
    memset(rk, 0x11, sizeof(rk));
    qstp_rijndael256_ctr_xor(rk, 22, n0, in, got, 1);
    int zero = 1;
    for (int i = 0; i < 32; i++)
        zero &= n0[i] == 0;
    CHECK(zero);
}

static void test_block_backends_agree(void)
{
    uint64_t prng = 0x626c6f636b733332ull;
    int fails = 0;
    for (unsigned t = 0; t < 300; t++) {
        const unsigned rounds = 1 + t % QSTP_RIJNDAEL256_MAX_ROUNDS;
        uint8_t rk[31 * 32], in[32], want[32];
        test_prng_bytes(&prng, rk, sizeof(rk));
        test_prng_bytes(&prng, in, sizeof(in));
        qstp_rijndael256_encrypt_portable(rk, rounds, in, want);
        for (int b = 1; b < nbackends; b++) {
            uint8_t got[32];
            backends[b].enc(rk, rounds, in, got);
            if (memcmp(got, want, 32) != 0 && fails++ < 5)
                fprintf(stderr, "%s: block mismatch rounds=%u\n", backends[b].name, rounds);
        }
    }
    CHECK_MSG(fails == 0, "%d single-block mismatches between backends", fails);
}

int main(void)
{
    make_sbox();
    CHECK(sbox_tab[0x00] == 0x63 && sbox_tab[0x53] == 0xED); /* FIPS 197 Figure 7 */
    setup_backends();
    test_nessie();
    test_block_backends_agree();
    test_ctr_properties();
    return test_report();
}
