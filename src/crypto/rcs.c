/* RCS-256 / RCS-512 (QSTP-WIRE §6), wire-exact with QSC rcs.c @ 0128f54 in its default build
 * (QSC_RCS_AUTHENTICATED, standard rounds, KMAC-R24). The two ciphers differ only in parameters,
 * so one static core works on a view of either state. */
#include "crypto/rcs.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/rijndael256.h"
#include "crypto/sha3.h"

/* §6.1: the compact state the protocol keeps per direction. */
_Static_assert(sizeof(qstp_rcs256_state) <= 1200, "RCS-256 state must stay at or under 1,200 bytes");

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
    qstp_keccak_state *mac;
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

    /* §7.7: KMAC keyed with mkey and an empty customization string. */
    qstp_kmac_init(v->mac, v->rate, mkey, v->keylen, NULL, 0);
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

/* §6.5 steps 1-2 (qsc_rcs_set_associated): absorbed at once, and only for a non-empty AD. */
static void rcs_set_associated(const rcs_view *v, const uint8_t *ad, size_t adlen)
{
    uint8_t len32[4];
    if (ad == NULL || adlen == 0)
        return;
    qstp_kmac_update(v->mac, ad, adlen);
    store_le(len32, (uint64_t)adlen, sizeof(len32)); /* LE32: QSC truncates to 32 bits too */
    qstp_kmac_update(v->mac, len32, sizeof(len32));
}

/* §6.5 step 5 and the QSC finalize; the sponge continues into the next record. */
static void rcs_mac_finish(const rcs_view *v, uint8_t *tag)
{
    uint8_t len64[8];
    store_le(len64, *v->counter + RCS_LENGTH_TERM_BIAS, sizeof(len64));
    qstp_kmac_update(v->mac, len64, sizeof(len64));
    qstp_kmac_final_qsc_continue(v->mac, tag, v->taglen);
}

/* §6.6 seal: counter += n; MAC(nonce); C = CTR(P); MAC(C); MAC(length term); T = finalize. */
static void rcs_seal(const rcs_view *v, uint8_t *out, const uint8_t *in, size_t n)
{
    *v->counter += n;
    qstp_kmac_update(v->mac, v->nonce, QSTP_RCS_NONCE_SIZE);
    qstp_rijndael256_ctr_xor(v->rk, v->rounds, v->nonce, in, out, n);
    if (n > 0) /* in may be NULL for an empty record */
        qstp_kmac_update(v->mac, out, n);
    rcs_mac_finish(v, out + n);
}

/* §6.6 open: authenticate first; decrypt (and advance the nonce) only if the tag matches. */
static int rcs_open(const rcs_view *v, uint8_t *out, const uint8_t *in, size_t n)
{
    uint8_t tag[QSTP_RCS512_TAG_SIZE];
    int ok;

    *v->counter += n;
    qstp_kmac_update(v->mac, v->nonce, QSTP_RCS_NONCE_SIZE);
    qstp_kmac_update(v->mac, in, n);
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
    rcs_view v = {st->rk,  QSTP_RCS256_ROUNDS,     &st->mac,   st->nonce, &st->counter, QSTP_KECCAK_RATE_256,
                  QSTP_RCS256_KEY_SIZE, QSTP_RCS256_TAG_SIZE, rcs256_name};
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
    rcs_view v = {st->rk,  QSTP_RCS512_ROUNDS,     &st->mac,   st->nonce, &st->counter, QSTP_KECCAK_RATE_512,
                  QSTP_RCS512_KEY_SIZE, QSTP_RCS512_TAG_SIZE, rcs512_name};
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
