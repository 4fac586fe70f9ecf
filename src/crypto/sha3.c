/* SHA-3, SHAKE, cSHAKE and KMAC on the Keccak sponge (FIPS 202, SP 800-185, QSTP-WIRE §7). */
#include "crypto/sha3.h"

#include <string.h>

#include "crypto/ct.h"

size_t qstp_left_encode(uint8_t out[9], uint64_t v)
{
    size_t n = 1;
    while (n < 8 && (v >> (8 * n)) != 0)
        n++;
    out[0] = (uint8_t)n;
    for (size_t i = 0; i < n; i++)
        out[1 + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return n + 1;
}

size_t qstp_right_encode(uint8_t out[9], uint64_t v)
{
    size_t n = 1;
    while (n < 8 && (v >> (8 * n)) != 0)
        n++;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    out[n] = (uint8_t)n;
    return n + 1;
}

/* ---- SHA3 ---- */

void qstp_sha3_256_init(qstp_keccak_state *st)
{
    qstp_keccak_init(st, QSTP_KECCAK_RATE_256);
}

void qstp_sha3_512_init(qstp_keccak_state *st)
{
    qstp_keccak_init(st, QSTP_KECCAK_RATE_512);
}

void qstp_sha3_update(qstp_keccak_state *st, const uint8_t *in, size_t len)
{
    qstp_keccak_absorb(st, in, len);
}

void qstp_sha3_256_final(qstp_keccak_state *st, uint8_t out[32])
{
    qstp_keccak_finalize(st, QSTP_KECCAK_DOMAIN_SHA3);
    qstp_keccak_squeeze(st, out, 32);
    qstp_keccak_wipe(st);
}

void qstp_sha3_512_final(qstp_keccak_state *st, uint8_t out[64])
{
    qstp_keccak_finalize(st, QSTP_KECCAK_DOMAIN_SHA3);
    qstp_keccak_squeeze(st, out, 64);
    qstp_keccak_wipe(st);
}

void qstp_sha3_256(uint8_t out[32], const uint8_t *in, size_t len)
{
    qstp_keccak_state st;
    qstp_sha3_256_init(&st);
    qstp_sha3_update(&st, in, len);
    qstp_sha3_256_final(&st, out);
}

void qstp_sha3_512(uint8_t out[64], const uint8_t *in, size_t len)
{
    qstp_keccak_state st;
    qstp_sha3_512_init(&st);
    qstp_sha3_update(&st, in, len);
    qstp_sha3_512_final(&st, out);
}

/* ---- SHAKE ---- */

void qstp_shake128_init(qstp_keccak_state *st)
{
    qstp_keccak_init(st, QSTP_KECCAK_RATE_128);
}

void qstp_shake256_init(qstp_keccak_state *st)
{
    qstp_keccak_init(st, QSTP_KECCAK_RATE_256);
}

void qstp_shake512_qsc_init(qstp_keccak_state *st)
{
    qstp_keccak_init(st, QSTP_KECCAK_RATE_512);
}

void qstp_shake_absorb(qstp_keccak_state *st, const uint8_t *in, size_t len)
{
    qstp_keccak_absorb(st, in, len);
}

void qstp_shake_squeeze(qstp_keccak_state *st, uint8_t *out, size_t len)
{
    if (!st->squeezing)
        qstp_keccak_finalize(st, QSTP_KECCAK_DOMAIN_SHAKE);
    qstp_keccak_squeeze(st, out, len);
}

static void shake_oneshot(unsigned rate, uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    qstp_keccak_state st;
    qstp_keccak_init(&st, rate);
    qstp_keccak_absorb(&st, in, inlen);
    qstp_shake_squeeze(&st, out, outlen);
    qstp_keccak_wipe(&st);
}

void qstp_shake128(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    shake_oneshot(QSTP_KECCAK_RATE_128, out, outlen, in, inlen);
}

void qstp_shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    shake_oneshot(QSTP_KECCAK_RATE_256, out, outlen, in, inlen);
}

void qstp_shake512_qsc(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    shake_oneshot(QSTP_KECCAK_RATE_512, out, outlen, in, inlen);
}

/* ---- cSHAKE ---- */

/* Absorb encode_string(x) = left_encode(8|x|) || x. */
static void absorb_encoded_string(qstp_keccak_state *st, const uint8_t *x, size_t len)
{
    uint8_t enc[9];
    size_t n = qstp_left_encode(enc, (uint64_t)len * 8);
    qstp_keccak_absorb(st, enc, n);
    qstp_keccak_absorb(st, x, len);
}

/* Start bytepad(...): absorb left_encode(rate). The caller absorbs the rest, then pads. */
static void bytepad_begin(qstp_keccak_state *st)
{
    uint8_t enc[9];
    size_t n = qstp_left_encode(enc, st->rate);
    qstp_keccak_absorb(st, enc, n);
}

void qstp_cshake_init(qstp_keccak_state *st, unsigned rate, const uint8_t *name, size_t namelen,
                      const uint8_t *custom, size_t customlen)
{
    qstp_keccak_init(st, rate);
    bytepad_begin(st);
    absorb_encoded_string(st, name, namelen);
    absorb_encoded_string(st, custom, customlen);
    qstp_keccak_pad_block(st);
}

void qstp_cshake_absorb(qstp_keccak_state *st, const uint8_t *in, size_t len)
{
    qstp_keccak_absorb(st, in, len);
}

void qstp_cshake_squeeze(qstp_keccak_state *st, uint8_t *out, size_t len)
{
    if (!st->squeezing)
        qstp_keccak_finalize(st, QSTP_KECCAK_DOMAIN_CSHAKE);
    qstp_keccak_squeeze(st, out, len);
}

static void cshake_oneshot(unsigned rate, uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen,
                           const uint8_t *name, size_t namelen, const uint8_t *custom, size_t customlen)
{
    qstp_keccak_state st;
    if (namelen == 0 && customlen == 0) {
        /* SP 800-185 §3.3: cSHAKE with empty N and S is SHAKE. */
        shake_oneshot(rate, out, outlen, in, inlen);
        return;
    }
    qstp_cshake_init(&st, rate, name, namelen, custom, customlen);
    qstp_cshake_absorb(&st, in, inlen);
    qstp_cshake_squeeze(&st, out, outlen);
    qstp_keccak_wipe(&st);
}

void qstp_cshake128(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen, const uint8_t *name,
                    size_t namelen, const uint8_t *custom, size_t customlen)
{
    cshake_oneshot(QSTP_KECCAK_RATE_128, out, outlen, in, inlen, name, namelen, custom, customlen);
}

void qstp_cshake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen, const uint8_t *name,
                    size_t namelen, const uint8_t *custom, size_t customlen)
{
    cshake_oneshot(QSTP_KECCAK_RATE_256, out, outlen, in, inlen, name, namelen, custom, customlen);
}

/* ---- KMAC ---- */

void qstp_kmac_init(qstp_keccak_state *st, unsigned rate, const uint8_t *key, size_t keylen,
                    const uint8_t *custom, size_t customlen)
{
    static const uint8_t kmac_name[4] = {'K', 'M', 'A', 'C'};

    /* cSHAKE prefix with N = "KMAC", then bytepad(encode_string(K), rate). */
    qstp_cshake_init(st, rate, kmac_name, sizeof(kmac_name), custom, customlen);
    bytepad_begin(st);
    absorb_encoded_string(st, key, keylen);
    qstp_keccak_pad_block(st);
}

void qstp_kmac_update(qstp_keccak_state *st, const uint8_t *in, size_t len)
{
    qstp_keccak_absorb(st, in, len);
}

void qstp_kmac_final(qstp_keccak_state *st, uint8_t *out, size_t outlen)
{
    uint8_t re[9];
    size_t n = qstp_right_encode(re, (uint64_t)outlen * 8);
    qstp_keccak_absorb(st, re, n);
    qstp_keccak_finalize(st, QSTP_KECCAK_DOMAIN_KMAC);
    qstp_keccak_squeeze(st, out, outlen);
    qstp_keccak_wipe(st);
}

void qstp_kmac_final_qsc_continue(qstp_keccak_state *st, uint8_t *out, size_t outlen)
{
    const size_t rate = st->rate;
    const size_t p = st->pos;
    uint8_t re[9];
    uint8_t pad[QSTP_KECCAK_RATE_MAX];
    size_t n = qstp_right_encode(re, (uint64_t)outlen * 8);

    memset(pad, 0, sizeof(pad));
    memcpy(pad, st->buf, p);
    if (p + n < rate) {
        /* Normal case: identical to SP 800-185. */
        memcpy(pad + p, re, n);
        pad[p + n] = QSTP_KECCAK_DOMAIN_KMAC;
    } else {
        /* QSTP-WIRE §7.7 quirk: the tail goes in unpadded, then right_encode and the domain byte
         * are written at the front of the SAME pad block, whose bytes n+1 .. p-1 still hold the
         * old tail. Compatibility with the reference: do not "fix". */
        qstp_keccak_xor_bytes(st->s, pad, p);
        qstp_keccak_f1600(st->s);
        memcpy(pad, re, n);
        pad[n] = QSTP_KECCAK_DOMAIN_KMAC;
    }
    pad[rate - 1] |= 0x80;
    qstp_keccak_xor_bytes(st->s, pad, rate);
    st->squeezing = 1;
    st->pos = (uint16_t)rate;
    qstp_keccak_squeeze(st, out, outlen);

    /* The sponge keeps running: the next record is absorbed into the permuted state. */
    st->squeezing = 0;
    st->pos = 0;
    qstp_wipe(st->buf, sizeof(st->buf));
    qstp_wipe(pad, sizeof(pad));
}

static void kmac_oneshot(unsigned rate, uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen,
                         const uint8_t *in, size_t inlen, const uint8_t *custom, size_t customlen)
{
    qstp_keccak_state st;
    qstp_kmac_init(&st, rate, key, keylen, custom, customlen);
    qstp_kmac_update(&st, in, inlen);
    qstp_kmac_final(&st, out, outlen);
}

void qstp_kmac128(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen, const uint8_t *in,
                  size_t inlen, const uint8_t *custom, size_t customlen)
{
    kmac_oneshot(QSTP_KECCAK_RATE_128, out, outlen, key, keylen, in, inlen, custom, customlen);
}

void qstp_kmac256(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen, const uint8_t *in,
                  size_t inlen, const uint8_t *custom, size_t customlen)
{
    kmac_oneshot(QSTP_KECCAK_RATE_256, out, outlen, key, keylen, in, inlen, custom, customlen);
}
