/* Classic McEliece encapsulation and decapsulation (round-4 spec "Encode", "Encap" and "Decap",
 * and the pc variants of the same spec), on one core for both ciphertext forms:
 *   non-pc: C = C0 = H e,                    K = SHAKE256(1 || e || C0)
 *   pc:     C = (C0, C1), C1 = SHAKE256(2 || e), K = SHAKE256(1 || e || C0 || C1)
 * Decapsulation: b = 1 and e from decoding C0 (and, with pc, C1 == SHAKE256(2 || e)); otherwise
 * b = 0 and e = s; K = SHAKE256(b || e || C). All hashes have 32 bytes of output. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mceliece/mc_internal.h"
#include "crypto/sha3.h"

#define MAX_E_ATTEMPTS 10000 /* a draw fails with probability < 1/2 (< 1/6 for most sets) */

/* Fixed-weight vector (round-4 spec "FixedWeight", the reference's gen_e): draw 4t bytes (2t for
 * 8192128, where every 13-bit value is a position), take the first t values below n, retry if
 * there are fewer than t or any repeats. Selection, repeat test and expansion are masked; only
 * the retry itself is visible, as in the reference. */
static int gen_e(uint64_t *ew, const mc_params *P, qstp_rng_fn rng, void *rng_ctx)
{
    const unsigned t = P->t, W = (P->n + 63) / 64;
    const int all_valid = P->n == (1u << P->m);
    const unsigned nbytes = all_valid ? 2 * t : 4 * t;
    uint8_t buf[4 * MC_T_MAX];
    uint16_t ind[MC_T_MAX];
    int ret = -1;

    for (unsigned attempt = 0; attempt < MAX_E_ATTEMPTS; attempt++) {
        uint32_t count = 0;
        uint64_t bad = 0;
        if (rng(rng_ctx, buf, nbytes) != 0)
            goto done;
        for (unsigned j = 0; j < t; j++)
            ind[j] = 0;
        for (unsigned i = 0; i < nbytes / 2; i++) {
            uint32_t v = (uint32_t)(buf[2 * i] | (buf[2 * i + 1] << 8)) & ((1u << P->m) - 1);
            uint32_t valid = all_valid ? 1u : (v - P->n) >> 31;   /* v < n */
            uint32_t take = valid & ((count - t) >> 31);            /* count < t */
            for (unsigned j = 0; j < t; j++) {
                uint32_t here = take & (uint32_t)(qstp_ct_mask_eq_u64(count, j) & 1u);
                ind[j] = (uint16_t)qstp_ct_select_u32(v, ind[j], here);
            }
            count += take;
        }
        bad = qstp_ct_mask_nonzero_u64(count ^ t);
        for (unsigned i = 1; i < t; i++)
            for (unsigned j = 0; j < i; j++)
                bad |= qstp_ct_mask_eq_u64(ind[i], ind[j]);
        MC_DECLASSIFY(&bad, sizeof bad); /* rejection: draw again, as the reference does */
        if (bad == 0) {
            ret = 0;
            break;
        }
    }
    if (ret == 0) {
        for (unsigned w = 0; w < W; w++) {
            uint64_t word = 0;
            for (unsigned j = 0; j < t; j++)
                word |= ((uint64_t)1 << (ind[j] & 63)) & qstp_ct_mask_eq_u64(ind[j] >> 6, w);
            ew[w] = word;
        }
    }
done:
    qstp_wipe(buf, sizeof buf);
    qstp_wipe(ind, sizeof ind);
    return ret;
}

/* Non-zero iff some public-key row has a non-zero padding bit (only possible when k % 8 != 0,
 * i.e. 6960119; round-4 Encap rejects such keys). */
static unsigned pk_padding_bad(const uint8_t *pk, const mc_params *P)
{
    uint8_t b = 0;
    if (P->k % 8 == 0)
        return 0;
    for (size_t r = 0; r < P->mt; r++)
        b |= pk[r * P->pk_row_bytes + P->pk_row_bytes - 1];
    return (unsigned)(b >> (P->k % 8));
}

static unsigned ct_padding_bad(const uint8_t *ct, const mc_params *P)
{
    if (P->mt % 8 == 0)
        return 0;
    return (unsigned)(ct[P->synd_bytes - 1] >> (P->mt % 8));
}

/* C0 = H e = [I_mt | T] e: bit r is e_r xor <T_r, (e_mt, ..., e_{n-1})>. */
static void encode(uint8_t *c0, const uint64_t *ew, const uint8_t *pk, const mc_params *P)
{
    const size_t rb = P->pk_row_bytes, full = rb / 8, W = (P->n + 63) / 64;
    uint64_t tail[MC_NW_MAX + 1];
    uint8_t tb[8];
    /* tail = e shifted down by mt bits, so tail bit j lines up with T's column j */
    for (size_t j = 0; j * 64 < P->k + 64 && j <= MC_NW_MAX; j++) {
        size_t bit = P->mt + 64 * j, wi = bit / 64, sh = bit % 64;
        uint64_t v = wi < W ? ew[wi] >> sh : 0;
        if (sh != 0 && wi + 1 < W)
            v |= ew[wi + 1] << (64 - sh);
        tail[j] = v;
    }
    memset(c0, 0, P->synd_bytes);
    for (size_t r = 0; r < P->mt; r++) {
        const uint8_t *row = pk + r * rb;
        uint64_t acc = 0, last = 0;
        for (size_t j = 0; j < full; j++)
            acc ^= mc_load64(row + 8 * j) & tail[j];
        memset(tb, 0, sizeof tb);
        memcpy(tb, row + 8 * full, rb - 8 * full);
        last = mc_load64(tb);
        acc ^= last & tail[full];
        acc = mc_parity64(acc) ^ ((ew[r / 64] >> (r % 64)) & 1u);
        c0[r / 8] |= (uint8_t)(acc << (r % 8));
    }
    qstp_wipe(tail, sizeof tail);
}

static void ew_to_bytes(uint8_t *e, const uint64_t *ew, const mc_params *P)
{
    const size_t W = (P->n + 63) / 64;
    uint8_t tmp[8];
    for (size_t w = 0; w < W; w++) {
        size_t nb = P->n / 8 - 8 * w;
        mc_store64(tmp, ew[w]);
        memcpy(e + 8 * w, tmp, nb < 8 ? nb : 8);
    }
    qstp_wipe(tmp, sizeof tmp);
}

/* SHAKE256(prefix || a || b, 32) */
static void hash32(uint8_t out[32], uint8_t prefix, const uint8_t *a, size_t alen, const uint8_t *b,
                   size_t blen)
{
    qstp_keccak_state st;
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, &prefix, 1);
    qstp_shake_absorb(&st, a, alen);
    if (blen)
        qstp_shake_absorb(&st, b, blen);
    qstp_shake_squeeze(&st, out, 32);
    qstp_keccak_wipe(&st);
}

int qstp_mceliece_encaps(qstp_mceliece_param p, int pc, uint8_t *ct, uint8_t ss[32], const uint8_t *pk,
                         qstp_rng_fn rng, void *rng_ctx)
{
    const mc_params *P = qstp_mceliece_params(p);
    uint64_t ew[MC_NW_MAX];
    uint8_t e[MC_NBYTES_MAX];
    size_t ctlen;
    int ret = -1;

    if (P == NULL || ct == NULL || ss == NULL)
        return -1;
    ctlen = P->synd_bytes + (pc ? 32u : 0u);
    if (pk == NULL || rng == NULL || pk_padding_bad(pk, P))
        goto fail;
    if (gen_e(ew, P, rng, rng_ctx) != 0)
        goto fail;
    encode(ct, ew, pk, P);
    ew_to_bytes(e, ew, P);
    if (pc)
        hash32(ct + P->synd_bytes, 2, e, P->n / 8, NULL, 0); /* C1 = H(2, e) */
    hash32(ss, 1, e, P->n / 8, ct, ctlen);                   /* K = H(1, e, C) */
    ret = 0;
    goto done;
fail:
    memset(ct, 0, ctlen);
    memset(ss, 0, 32);
done:
    qstp_wipe(ew, sizeof ew);
    qstp_wipe(e, sizeof e);
    return ret;
}

static int decaps(qstp_mceliece_param p, int pc, uint8_t ss[32], const uint8_t *ct, const uint8_t *sk,
                  unsigned *okout)
{
    const mc_params *P = qstp_mceliece_params(p);
    uint8_t e[MC_NBYTES_MAX], conf[32];
    const uint8_t *s;
    unsigned ok;
    uint8_t b;

    *okout = 0;
    if (P == NULL || ss == NULL)
        return -1;
    if (ct == NULL || sk == NULL || ct_padding_bad(ct, P)) {
        memset(ss, 0xFF, 32); /* round-4 reference: K = all ones for a bad padding */
        return -1;
    }
    s = sk + 40 + P->irr_bytes + P->cond_bytes;

    ok = (unsigned)qstp_mceliece_decrypt(e, ct, sk + 40, P);
    if (pc) {
        hash32(conf, 2, e, P->n / 8, NULL, 0);
        ok &= (unsigned)qstp_ct_equal(conf, ct + P->synd_bytes, 32);
    }
    /* implicit rejection: e <- s and b <- 0 unless everything checked out */
    qstp_ct_cmov(e, s, P->n / 8, ok ^ 1u);
    b = (uint8_t)ok;
    hash32(ss, b, e, P->n / 8, ct, P->synd_bytes + (pc ? 32u : 0u));
    *okout = ok;

    qstp_wipe(e, sizeof e);
    qstp_wipe(conf, sizeof conf);
    qstp_wipe(&ok, sizeof ok);
    qstp_wipe(&b, sizeof b);
    return 0;
}

int qstp_mceliece_decaps(qstp_mceliece_param p, int pc, uint8_t ss[32], const uint8_t *ct,
                         const uint8_t *sk)
{
    unsigned ok;
    int r = decaps(p, pc, ss, ct, sk, &ok);
    qstp_wipe(&ok, sizeof ok);
    return r;
}

int qstp_mceliece_decaps_checked(qstp_mceliece_param p, int pc, uint8_t ss[32], const uint8_t *ct,
                                 const uint8_t *sk, int *ok)
{
    unsigned flag;
    int r = decaps(p, pc, ss, ct, sk, &flag);
    if (ok != NULL)
        *ok = (int)flag;
    qstp_wipe(&flag, sizeof flag);
    return r;
}
