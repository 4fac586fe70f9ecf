/* RCS seal in chunks (rcs.c runs CTR and the MAC chunk by chunk, QSTP_RCS_SEAL_CHUNK bytes at a
 * time) against a two-pass reference written here from the state's fields: CTR over the whole
 * record (qstp_rijndael256_ctr_xor_portable), then the MAC on a full Keccak sponge rebuilt from the
 * compact one (qstp_keccak_absorb of nonce, ciphertext, length term; the QSC finalize of §7.7).
 *
 * Lengths: k * chunk + d for k = 0..3 and d in -33..33 around block edges (every chunk boundary,
 * and 0..3 x chunk + 1), with AD of varying lengths before each record so the MAC's partial
 * block starts anywhere; records follow each other on one state (the MAC runs across records).
 * Each record is sealed out of place and, on a second state pair, in place; ciphertext, tag and
 * the whole state after the record must equal the reference's, and open must give back the
 * plaintext. RCS-256 and RCS-512. No vector file: the reference is the check. */
#include <stdlib.h>
#include <string.h>

#include "crypto/rcs.h"
#include "crypto/rijndael256.h"
#include "crypto/sha3.h"
#include "test.h"

#define CHUNK ((size_t)QSTP_RCS_SEAL_CHUNK)
#define MAXN (3 * CHUNK + 64)

/* The fields both ciphers' states have, viewed for the reference. */
typedef struct {
    uint8_t *rk;
    unsigned rounds;
    uint64_t *mac;
    uint8_t *tail;
    uint8_t *tailpos;
    uint8_t *nonce;
    uint64_t *counter;
    unsigned rate;
    size_t taglen;
} ref_view;

typedef union {
    qstp_rcs256_state s256;
    qstp_rcs512_state s512;
} any_rcs;

static ref_view view(any_rcs *a, int cipher)
{
    ref_view v;
    if (cipher == 256) {
        v = (ref_view){a->s256.rk,    QSTP_RCS256_ROUNDS, a->s256.mac,           a->s256.tail,       &a->s256.tailpos,
                       a->s256.nonce, &a->s256.counter,   QSTP_KECCAK_RATE_256, QSTP_RCS256_TAG_SIZE};
    } else {
        v = (ref_view){a->s512.rk,    QSTP_RCS512_ROUNDS, a->s512.mac,           a->s512.tail,       &a->s512.tailpos,
                       a->s512.nonce, &a->s512.counter,   QSTP_KECCAK_RATE_512, QSTP_RCS512_TAG_SIZE};
    }
    return v;
}

/* Two passes, as rcs.c sealed before the chunking: counter += n; MAC(nonce); C = CTR(P) over the
 * whole record; MAC(C); MAC(LE64(40 + counter)); tag = QSC finalize; the sponge continues. */
static void ref_seal(any_rcs *a, int cipher, uint8_t *out, const uint8_t *in, size_t n)
{
    const ref_view v = view(a, cipher);
    qstp_keccak_state k;
    uint8_t len64[8];

    *v.counter += n;
    qstp_keccak_init(&k, v.rate);
    memcpy(k.s, v.mac, sizeof(k.s));
    memcpy(k.buf, v.tail, *v.tailpos);
    k.pos = *v.tailpos;
    qstp_keccak_absorb(&k, v.nonce, QSTP_RCS_NONCE_SIZE);
    qstp_rijndael256_ctr_xor_portable(v.rk, v.rounds, v.nonce, in, out, n);
    qstp_keccak_absorb(&k, out, n);
    for (size_t i = 0; i < 8; i++)
        len64[i] = (uint8_t)((*v.counter + QSTP_RCS_BLOCK_SIZE + 8) >> (8 * i));
    qstp_keccak_absorb(&k, len64, sizeof(len64));
    qstp_kmac_final_qsc_continue(&k, out + n, v.taglen);
    memcpy(v.mac, k.s, sizeof(k.s));
    memset(v.tail, 0, v.rate);
    *v.tailpos = 0;
}

static void any_init(any_rcs *a, int cipher, const uint8_t *key, const uint8_t *nonce, int enc)
{
    memset(a, 0, sizeof(*a)); /* the padding too: whole states are compared with memcmp */
    if (cipher == 256)
        qstp_rcs256_init(&a->s256, key, nonce, NULL, 0, enc);
    else
        qstp_rcs512_init(&a->s512, key, nonce, NULL, 0, enc);
}

static void any_ad(any_rcs *a, int cipher, const uint8_t *ad, size_t adlen)
{
    if (cipher == 256)
        qstp_rcs256_set_associated(&a->s256, ad, adlen);
    else
        qstp_rcs512_set_associated(&a->s512, ad, adlen);
}

static void any_seal(any_rcs *a, int cipher, uint8_t *out, const uint8_t *in, size_t n)
{
    if (cipher == 256)
        qstp_rcs256_seal(&a->s256, out, in, n);
    else
        qstp_rcs512_seal(&a->s512, out, in, n);
}

static int any_open(any_rcs *a, int cipher, uint8_t *out, const uint8_t *in, size_t n)
{
    return cipher == 256 ? qstp_rcs256_open(&a->s256, out, in, n) : qstp_rcs512_open(&a->s512, out, in, n);
}

struct bufs {
    uint8_t pt[MAXN], want[MAXN + 64], got[MAXN + 64], inplace[MAXN + 64], back[MAXN];
    uint8_t ad[200];
};

/* One record of length n on every state; returns 1 if anything differs. */
static int one_record(int cipher, any_rcs st[5], struct bufs *b, uint64_t *prng, size_t n, size_t adlen)
{
    const size_t tl = cipher == 256 ? QSTP_RCS256_TAG_SIZE : QSTP_RCS512_TAG_SIZE;
    int bad = 0;

    test_prng_bytes(prng, b->pt, n);
    test_prng_bytes(prng, b->ad, adlen);
    for (int i = 0; i < 5; i++)
        any_ad(&st[i], cipher, b->ad, adlen);
    ref_seal(&st[0], cipher, b->want, b->pt, n);
    any_seal(&st[1], cipher, b->got, b->pt, n);
    memcpy(b->inplace, b->pt, n);
    any_seal(&st[2], cipher, b->inplace, b->inplace, n);
    bad |= memcmp(b->got, b->want, n + tl) != 0;
    bad |= memcmp(b->inplace, b->want, n + tl) != 0;
    bad |= memcmp(&st[1], &st[0], sizeof(st[0])) != 0;
    bad |= memcmp(&st[2], &st[0], sizeof(st[0])) != 0;
    bad |= any_open(&st[3], cipher, b->back, b->want, n) != 0 || memcmp(b->back, b->pt, n) != 0;
    bad |= any_open(&st[4], cipher, b->inplace, b->inplace, n) != 0 || memcmp(b->inplace, b->pt, n) != 0;
    return bad;
}

static void test_chunks(int cipher)
{
    static struct bufs b;
    any_rcs *st = calloc(5, sizeof(*st)); /* ref, seal, seal in place, open, open in place */
    uint8_t key[64], nonce[32];
    uint64_t prng = 0x6368756e6b733030ull + (uint64_t)cipher;
    int fails = 0, records = 0;

    if (st == NULL) {
        CHECK_MSG(0, "out of memory");
        return;
    }
    test_prng_bytes(&prng, key, sizeof(key));
    test_prng_bytes(&prng, nonce, sizeof(nonce));
    for (int i = 0; i < 5; i++)
        any_init(&st[i], cipher, key, nonce, i < 3);
    for (size_t k = 0; k <= 3; k++) {
        for (long d = -33; d <= 33; d++) {
            if ((long)(k * CHUNK) + d < 0)
                continue;
            const size_t n = (size_t)((long)(k * CHUNK) + d);
            const size_t adlen = (size_t)records * 37 % 150; /* 0 some of the time, up to > one rate */
            if (one_record(cipher, st, &b, &prng, n, adlen) && fails++ < 3)
                fprintf(stderr, "RCS-%d: chunked seal differs from two passes at length %zu\n", cipher, n);
            records++;
        }
    }
    CHECK_MSG(fails == 0, "RCS-%d: %d records of lengths around 0..3 x %zu (+-33), chunked == two passes",
              cipher, records, CHUNK);
    free(st);
}

int main(void)
{
    test_chunks(256);
    test_chunks(512);
    return test_report();
}
