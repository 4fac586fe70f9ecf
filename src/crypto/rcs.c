/* RCS-256 / RCS-512 (QSTP-WIRE §6), wire-exact with QSC rcs.c @ 0128f54 in its default build
 * (QSC_RCS_AUTHENTICATED, standard rounds, KMAC-R24). The two ciphers differ only in parameters,
 * so one static core works on a view of either state. */
#include "crypto/rcs.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/rijndael256.h"
#include "crypto/sha3.h"

/* §6.1: the compact state the protocol keeps per direction (736 B of round keys, a 200 B sponge,
 * its 136 B partial block, nonce and counter). A tunnel holds two, so every byte counts twice. */
_Static_assert(sizeof(qstp_rcs256_state) <= 1120, "RCS-256 state must stay at or under 1,120 bytes");
_Static_assert(QSTP_KECCAK_RATE_256 < 256 && QSTP_KECCAK_RATE_512 < 256, "tailpos is a uint8_t");

/* §6.2, §6.8: the cSHAKE function names. QSC passes these 17 bytes as N, including the leading
 * 01 00..00 0x bytes (they are part of the name, not an encoding added here). */
static const uint8_t rcs256_name[17] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x01, 'R',  'C',  'S',  'K',  '2',  '5',  '6'};
static const uint8_t rcs512_name[17] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x02, 'R',  'C',  'S',  'K',  '5',  '1',  '2'};

/* §6.6: the length term is LE64(QSC_RCS_BLOCK_SIZE + counter + sizeof(uint64_t)). */
#define RCS_LENGTH_TERM_BIAS (QSTP_RCS_BLOCK_SIZE + 8u)

/* Parameters and a view of one state. */
typedef struct {
    uint8_t *rk;
    unsigned rounds;
    uint64_t *mac;     /* sponge lanes */
    uint8_t *tail;     /* raw bytes of the partial block */
    uint8_t *tailpos;
    uint8_t *nonce;
    uint64_t *counter;
    unsigned rate;     /* cSHAKE and KMAC rate: 136 (RCS-256) or 72 (RCS-512) */
    size_t keylen;     /* cipher key = MAC key length */
    size_t taglen;
    const uint8_t *name;
} rcs_view;

/* §6.2: ks = cSHAKE(key, N = name, S = info); RK = ks[0 .. 32(R+1)); the MAC key is the first
 * keylen bytes of the next whole squeezed block (offset 816 for RCS-256, 1008 for RCS-512). */
static void rcs_init(const rcs_view *v, const uint8_t *key, const uint8_t nonce[32], const uint8_t *info,
                     size_t infolen)
{
    qstp_keccak_state ks;
    uint8_t skip[QSTP_KECCAK_RATE_MAX];
    uint8_t mkey[QSTP_RCS512_KEY_SIZE];
    const size_t rklen = (size_t)(v->rounds + 1) * QSTP_RCS_BLOCK_SIZE;
    const size_t mkey_off = (rklen + v->rate - 1) / v->rate * v->rate;

    qstp_cshake_init(&ks, v->rate, v->name, sizeof(rcs256_name), info, info != NULL ? infolen : 0);
    qstp_cshake_absorb(&ks, key, v->keylen);
    qstp_cshake_squeeze(&ks, v->rk, rklen);
    qstp_cshake_squeeze(&ks, skip, mkey_off - rklen); /* rest of the block holding the last round key */
    qstp_cshake_squeeze(&ks, mkey, v->keylen);

    /* §7.7: KMAC keyed with mkey and an empty customization string. The key block is padded, so
     * the sponge starts on a block boundary; it is kept in the compact form from here on. */
    qstp_keccak_wipe(&ks);
    qstp_kmac_init(&ks, v->rate, mkey, v->keylen, NULL, 0);
    memcpy(v->mac, ks.s, sizeof(ks.s));
    memset(v->tail, 0, v->rate);
    memcpy(v->tail, ks.buf, ks.pos);
    *v->tailpos = (uint8_t)ks.pos;
    memcpy(v->nonce, nonce, QSTP_RCS_NONCE_SIZE);
    *v->counter = 1;

    qstp_keccak_wipe(&ks);
    qstp_wipe(skip, sizeof(skip));
    qstp_wipe(mkey, sizeof(mkey));
}

static void store_le(uint8_t *out, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * i));
}

/* Sponge absorb on the compact state (FIPS 202 §4): whole blocks go straight into the lanes and
 * only the partial block is buffered, raw, as qstp_keccak_absorb does. */
static void mac_absorb(const rcs_view *v, const uint8_t *in, size_t len)
{
    const size_t rate = v->rate;
    size_t pos = *v->tailpos;

    if (len == 0)
        return;
    if (pos > 0) {
        size_t take = rate - pos;
        if (take > len)
            take = len;
        memcpy(v->tail + pos, in, take);
        pos += take;
        in += take;
        len -= take;
        if (pos < rate) {
            *v->tailpos = (uint8_t)pos;
            return;
        }
        qstp_keccak_xor_bytes(v->mac, v->tail, rate);
        qstp_keccak_f1600(v->mac);
    }
    while (len >= rate) {
        qstp_keccak_xor_bytes(v->mac, in, rate);
        qstp_keccak_f1600(v->mac);
        in += rate;
        len -= rate;
    }
    memcpy(v->tail, in, len);
    *v->tailpos = (uint8_t)len;
}

/* §6.5 steps 1-2 (qsc_rcs_set_associated): absorbed at once, and only for a non-empty AD. */
static void rcs_set_associated(const rcs_view *v, const uint8_t *ad, size_t adlen)
{
    uint8_t len32[4];
    if (ad == NULL || adlen == 0)
        return;
    mac_absorb(v, ad, adlen);
    store_le(len32, (uint64_t)adlen, sizeof(len32)); /* LE32: QSC truncates to 32 bits too */
    mac_absorb(v, len32, sizeof(len32));
}

/* §6.5 step 5 and the QSC finalize; the sponge continues into the next record. */
static void rcs_mac_finish(const rcs_view *v, uint8_t *tag)
{
    qstp_keccak_state k;
    uint8_t len64[8];
    store_le(len64, *v->counter + RCS_LENGTH_TERM_BIAS, sizeof(len64));
    mac_absorb(v, len64, sizeof(len64));

    /* The §7.7 quirk lives in one place (sha3.c): run it on a full sponge rebuilt from the compact
     * one. It ends on a block boundary (pos 0, absorbing), so only the lanes come back. */
    qstp_keccak_init(&k, v->rate);
    memcpy(k.s, v->mac, sizeof(k.s));
    memcpy(k.buf, v->tail, *v->tailpos);
    k.pos = *v->tailpos;
    qstp_kmac_final_qsc_continue(&k, tag, v->taglen);
    memcpy(v->mac, k.s, sizeof(k.s));
    qstp_wipe(v->tail, v->rate);
    *v->tailpos = 0;
    qstp_keccak_wipe(&k);
}

/* Seal works in chunks of this many bytes: each chunk is encrypted and its ciphertext absorbed
 * while it is still in L1. One pass of CTR then one of KMAC over a 64 KiB record (the tunnel's
 * size) made the second pass read from L2, which cost about 7% against 16 KiB records. A multiple
 * of the block size (the nonce advances per whole block, so only the last chunk may be partial)
 * and of the 136-byte KMAC-256 rate (a chunk that starts on a block boundary ends on one and
 * needs no copy into the tail); 4,352 bytes in and out stay far under any L1d. */
#define RCS_SEAL_CHUNK ((size_t)QSTP_RCS_SEAL_CHUNK)
_Static_assert(QSTP_RCS_SEAL_CHUNK % QSTP_RCS_BLOCK_SIZE == 0, "seal chunks must be whole CTR blocks");
_Static_assert(QSTP_RCS_SEAL_CHUNK % QSTP_KECCAK_RATE_256 == 0, "seal chunks are whole KMAC-256 blocks");

/* §6.6 seal: counter += n; MAC(nonce); C = CTR(P); MAC(C); MAC(length term); T = finalize.
 * CTR and MAC run chunk by chunk; the bytes produced are those of one CTR pass then one MAC pass
 * (CTR over whole blocks is the same split or not, and a sponge absorbs a split input the same). */
static void rcs_seal(const rcs_view *v, uint8_t *out, const uint8_t *in, size_t n)
{
    size_t off = 0;

    *v->counter += n;
    mac_absorb(v, v->nonce, QSTP_RCS_NONCE_SIZE);
    while (off < n) { /* in may be NULL for an empty record: never touched then */
        const size_t len = n - off < RCS_SEAL_CHUNK ? n - off : RCS_SEAL_CHUNK;
        qstp_rijndael256_ctr_xor(v->rk, v->rounds, v->nonce, in + off, out + off, len);
        mac_absorb(v, out + off, len);
        off += len;
    }
    rcs_mac_finish(v, out + n);
}

/* §6.6 open: authenticate first; decrypt (and advance the nonce) only if the tag matches. */
static int rcs_open(const rcs_view *v, uint8_t *out, const uint8_t *in, size_t n)
{
    uint8_t tag[QSTP_RCS512_TAG_SIZE];
    int ok;

    *v->counter += n;
    mac_absorb(v, v->nonce, QSTP_RCS_NONCE_SIZE);
    mac_absorb(v, in, n);
    rcs_mac_finish(v, tag);
    ok = qstp_ct_equal(tag, in + n, v->taglen);
    qstp_wipe(tag, sizeof(tag));
    if (!ok) /* the verdict is public: the caller learns it anyway */
        return -1;
    qstp_rijndael256_ctr_xor(v->rk, v->rounds, v->nonce, in, out, n);
    return 0;
}

/* ---- RCS-256 ---- */

static rcs_view view256(qstp_rcs256_state *st)
{
    rcs_view v = {st->rk,       QSTP_RCS256_ROUNDS,   st->mac,              st->tail,   &st->tailpos,
                  st->nonce,    &st->counter,         QSTP_KECCAK_RATE_256, QSTP_RCS256_KEY_SIZE,
                  QSTP_RCS256_TAG_SIZE, rcs256_name};
    return v;
}

void qstp_rcs256_init(qstp_rcs256_state *st, const uint8_t key[QSTP_RCS256_KEY_SIZE],
                      const uint8_t nonce[QSTP_RCS_NONCE_SIZE], const uint8_t *info, size_t infolen,
                      int encrypt)
{
    const rcs_view v = view256(st);
    rcs_init(&v, key, nonce, info, infolen);
    st->encrypt = (uint8_t)(encrypt != 0);
}

void qstp_rcs256_set_associated(qstp_rcs256_state *st, const uint8_t *ad, size_t adlen)
{
    const rcs_view v = view256(st);
    rcs_set_associated(&v, ad, adlen);
}

void qstp_rcs256_seal(qstp_rcs256_state *st, uint8_t *out, const uint8_t *in, size_t n)
{
    const rcs_view v = view256(st);
    rcs_seal(&v, out, in, n);
}

int qstp_rcs256_open(qstp_rcs256_state *st, uint8_t *out, const uint8_t *in, size_t n)
{
    const rcs_view v = view256(st);
    return rcs_open(&v, out, in, n);
}

void qstp_rcs256_wipe(qstp_rcs256_state *st)
{
    qstp_wipe(st, sizeof(*st));
}

const uint8_t *qstp_rcs256_nonce(const qstp_rcs256_state *st)
{
    return st->nonce;
}

/* ---- RCS-512 ---- */

static rcs_view view512(qstp_rcs512_state *st)
{
    rcs_view v = {st->rk,       QSTP_RCS512_ROUNDS,   st->mac,              st->tail,   &st->tailpos,
                  st->nonce,    &st->counter,         QSTP_KECCAK_RATE_512, QSTP_RCS512_KEY_SIZE,
                  QSTP_RCS512_TAG_SIZE, rcs512_name};
    return v;
}

void qstp_rcs512_init(qstp_rcs512_state *st, const uint8_t key[QSTP_RCS512_KEY_SIZE],
                      const uint8_t nonce[QSTP_RCS_NONCE_SIZE], const uint8_t *info, size_t infolen,
                      int encrypt)
{
    const rcs_view v = view512(st);
    rcs_init(&v, key, nonce, info, infolen);
    st->encrypt = (uint8_t)(encrypt != 0);
}

void qstp_rcs512_set_associated(qstp_rcs512_state *st, const uint8_t *ad, size_t adlen)
{
    const rcs_view v = view512(st);
    rcs_set_associated(&v, ad, adlen);
}

void qstp_rcs512_seal(qstp_rcs512_state *st, uint8_t *out, const uint8_t *in, size_t n)
{
    const rcs_view v = view512(st);
    rcs_seal(&v, out, in, n);
}

int qstp_rcs512_open(qstp_rcs512_state *st, uint8_t *out, const uint8_t *in, size_t n)
{
    const rcs_view v = view512(st);
    return rcs_open(&v, out, in, n);
}

void qstp_rcs512_wipe(qstp_rcs512_state *st)
{
    qstp_wipe(st, sizeof(*st));
}

const uint8_t *qstp_rcs512_nonce(const qstp_rcs512_state *st)
{
    return st->nonce;
}
