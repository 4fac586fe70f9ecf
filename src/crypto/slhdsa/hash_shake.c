/* SLH-DSA SHAKE hash functions (FIPS 205 §11.1) on a pre-built Keccak lane template. */
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/ct.h"
#include "crypto/keccak.h"
#include "crypto/sha3.h"
#include "crypto/slhdsa/slh_address.h"
#include "crypto/slhdsa/slh_hash.h"
#include "crypto/slhdsa/slh_hash_x4.h"
#include "crypto/slhdsa/slh_hash_x8.h"

static inline uint64_t slh_load64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static inline void slh_store64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Lanes of PK.seed, then SHAKE's domain byte 0x1F right after an input of inlen bytes (a lane
 * boundary, since n is a multiple of 8) and the final pad bit at byte rate - 1 (FIPS 202 §6.2). */
static void slh_template(uint64_t t[25], const uint8_t *pk_seed, unsigned n, unsigned inlen)
{
    memset(t, 0, 25 * sizeof t[0]);
    for (unsigned i = 0; i < n / 8; i++)
        t[i] = slh_load64(pk_seed + 8 * i);
    t[inlen / 8] ^= QSTP_KECCAK_DOMAIN_SHAKE;
    t[(QSTP_KECCAK_RATE_256 - 1) / 8] ^= (uint64_t)0x80 << 56;
}

void qstp_slh_ctx_init(qstp_slh_ctx *c, const qstp_slh_params *p, const uint8_t *pk_seed,
                       const uint8_t *sk_seed)
{
    memset(c, 0, sizeof *c);
    c->p = p;
    memcpy(c->pk_seed, pk_seed, p->n);
    if (sk_seed != NULL)
        memcpy(c->sk_seed, sk_seed, p->n);
    slh_template(c->tmpl_f, pk_seed, p->n, 2 * p->n + 32);
    slh_template(c->tmpl_h, pk_seed, p->n, 3 * p->n + 32);
    c->x4 = 0;
#if defined(__x86_64__)
    if (qstp_cpu_has_avx512()) {
        c->x4 = 2;
        c->x8 = 1;
    }
    else if (qstp_cpu_has_avx2())
        c->x4 = 1;
#endif
}

void qstp_slh_ctx_wipe(qstp_slh_ctx *c)
{
    qstp_wipe(c, sizeof *c);
}

/* Copy the template and XOR in ADRS (4 lanes after PK.seed) and the n- or 2n-byte message. */
static inline void slh_load_state(uint64_t s[25], const uint64_t tmpl[25], unsigned nw, const uint8_t adrs[32],
                                  const uint8_t *x, const uint8_t *y)
{
    memcpy(s, tmpl, 25 * sizeof s[0]);
    for (unsigned i = 0; i < 4; i++)
        s[nw + i] ^= slh_load64(adrs + 8 * i);
    for (unsigned i = 0; i < nw; i++)
        s[nw + 4 + i] ^= slh_load64(x + 8 * i);
    if (y != NULL) {
        for (unsigned i = 0; i < nw; i++)
            s[2 * nw + 4 + i] ^= slh_load64(y + 8 * i);
    }
}

static inline void slh_store_out(uint8_t *out, const uint64_t s[25], unsigned nw)
{
    for (unsigned i = 0; i < nw; i++)
        slh_store64(out + 8 * i, s[i]);
}

/* The permuted state determines its input (Keccak-f is a bijection), so a state that absorbed
 * SK.seed or a secret chain value is wiped before return. */
void qstp_slh_f(const qstp_slh_ctx *c, uint8_t *out, const uint8_t adrs[32], const uint8_t *in)
{
    const unsigned nw = c->p->n / 8;
    uint64_t s[25];

    slh_load_state(s, c->tmpl_f, nw, adrs, in, NULL);
    qstp_keccak_f1600(s);
    slh_store_out(out, s, nw);
    qstp_wipe(s, sizeof s);
}

void qstp_slh_f_x4(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                   const uint8_t *const in[4])
{
    const unsigned nw = c->p->n / 8;
    uint64_t s[4][25];

#if defined(__x86_64__)
    if (c->x4 == 2) {
        qstp_slh_f_x4_avx512(c, out, adrs, in);
        return;
    }
    if (c->x4 == 1) {
        qstp_slh_f_x4_avx2(c, out, adrs, in);
        return;
    }
#endif
    for (unsigned j = 0; j < 4; j++)
        slh_load_state(s[j], c->tmpl_f, nw, adrs[j], in[j], NULL);
    qstp_keccak_f1600_x4(s);
    for (unsigned j = 0; j < 4; j++)
        slh_store_out(out[j], s[j], nw);
    qstp_wipe(s, sizeof s);
}

void qstp_slh_chain_x4(const qstp_slh_ctx *c, uint8_t *const val[4], const uint8_t *const adrs[4], unsigned start,
                       unsigned steps)
{
    uint8_t ad[4][32];
    const uint8_t *const ads[4] = {ad[0], ad[1], ad[2], ad[3]};
    const uint8_t *const ins[4] = {val[0], val[1], val[2], val[3]};

#if defined(__x86_64__)
    if (c->x4 == 2) {
        qstp_slh_chain_x4_avx512(c, val, adrs, start, steps);
        return;
    }
    if (c->x4 == 1) {
        qstp_slh_chain_x4_avx2(c, val, adrs, start, steps);
        return;
    }
#endif
    for (unsigned j = 0; j < 4; j++)
        memcpy(ad[j], adrs[j], 32);
    for (unsigned s = start; s < start + steps; s++) {
        for (unsigned j = 0; j < 4; j++)
            qstp_slh_adrs_set_hash(ad[j], s);
        qstp_slh_f_x4(c, val, ads, ins);
    }
}

void qstp_slh_h(const qstp_slh_ctx *c, uint8_t *out, const uint8_t adrs[32], const uint8_t *left,
                const uint8_t *right)
{
    const unsigned nw = c->p->n / 8;
    uint64_t s[25];

    /* H's inputs are tree nodes, all public once the signature is out; no wipe needed. */
    slh_load_state(s, c->tmpl_h, nw, adrs, left, right);
    qstp_keccak_f1600(s);
    slh_store_out(out, s, nw);
}

void qstp_slh_h_x4(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                   const uint8_t *const left[4], const uint8_t *const right[4])
{
    const unsigned nw = c->p->n / 8;
    uint64_t s[4][25];

#if defined(__x86_64__)
    if (c->x4 == 2) {
        qstp_slh_h_x4_avx512(c, out, adrs, left, right);
        return;
    }
    if (c->x4 == 1) {
        qstp_slh_h_x4_avx2(c, out, adrs, left, right);
        return;
    }
#endif
    for (unsigned j = 0; j < 4; j++)
        slh_load_state(s[j], c->tmpl_h, nw, adrs[j], left[j], right[j]);
    qstp_keccak_f1600_x4(s);
    for (unsigned j = 0; j < 4; j++)
        slh_store_out(out[j], s[j], nw);
}

void qstp_slh_prf(const qstp_slh_ctx *c, uint8_t *out, const uint8_t adrs[32])
{
    /* Same shape as F with M1 = SK.seed. */
    qstp_slh_f(c, out, adrs, c->sk_seed);
}

void qstp_slh_prf_x4(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4])
{
    const uint8_t *const in[4] = {c->sk_seed, c->sk_seed, c->sk_seed, c->sk_seed};
    qstp_slh_f_x4(c, out, adrs, in);
}

unsigned qstp_slh_lanes(const qstp_slh_ctx *c)
{
    return c->x8 ? 8u : 4u;
}

void qstp_slh_f_x8(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8],
                   const uint8_t *const in[8])
{
#if defined(__x86_64__)
    if (c->x8) {
        qstp_slh_f_x8_avx512(c, out, adrs, in);
        return;
    }
#endif
    qstp_slh_f_x4(c, out, adrs, in);
    qstp_slh_f_x4(c, out + 4, adrs + 4, in + 4);
}

void qstp_slh_prf_x8(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8])
{
    const uint8_t *const in[8] = {c->sk_seed, c->sk_seed, c->sk_seed, c->sk_seed,
                                  c->sk_seed, c->sk_seed, c->sk_seed, c->sk_seed};
    qstp_slh_f_x8(c, out, adrs, in);
}

void qstp_slh_h_x8(const qstp_slh_ctx *c, uint8_t *const out[8], const uint8_t *const adrs[8],
                   const uint8_t *const left[8], const uint8_t *const right[8])
{
#if defined(__x86_64__)
    if (c->x8) {
        qstp_slh_h_x8_avx512(c, out, adrs, left, right);
        return;
    }
#endif
    qstp_slh_h_x4(c, out, adrs, left, right);
    qstp_slh_h_x4(c, out + 4, adrs + 4, left + 4, right + 4);
}

void qstp_slh_chain_x8(const qstp_slh_ctx *c, uint8_t *const val[8], const uint8_t *const adrs[8], unsigned start,
                       unsigned steps)
{
#if defined(__x86_64__)
    if (c->x8) {
        qstp_slh_chain_x8_avx512(c, val, adrs, start, steps);
        return;
    }
#endif
    qstp_slh_chain_x4(c, val, adrs, start, steps);
    qstp_slh_chain_x4(c, val + 4, adrs + 4, start, steps);
}

/* Without the AVX-512 backend: step by step through f_x8, copying each lane's value when its
 * step count comes up (at[] is public). */
void qstp_slh_chain_capture_x8(const qstp_slh_ctx *c, uint8_t *const val[8], const uint8_t *const adrs[8],
                               uint8_t *const cap[8], const unsigned at[8])
{
    uint8_t ad[8][32];
    const uint8_t *ads[8], *ins[8];

#if defined(__x86_64__)
    if (c->x8) {
        qstp_slh_chain_capture_x8_avx512(c, val, adrs, cap, at);
        return;
    }
#endif
    for (unsigned j = 0; j < 8; j++) {
        memcpy(ad[j], adrs[j], 32);
        ads[j] = ad[j];
        ins[j] = val[j];
    }
    for (unsigned s = 0;; s++) {
        for (unsigned j = 0; j < 8; j++) {
            if (at[j] == s)
                memcpy(cap[j], val[j], c->p->n);
        }
        if (s == QSTP_SLH_W - 1)
            break;
        for (unsigned j = 0; j < 8; j++)
            qstp_slh_adrs_set_hash(ad[j], s);
        qstp_slh_f_x8(c, val, ads, ins);
    }
}

void qstp_slh_t(const qstp_slh_ctx *c, uint8_t *out, const uint8_t adrs[32], const uint8_t *in, size_t inlen)
{
    qstp_keccak_state st;

    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, c->pk_seed, c->p->n);
    qstp_shake_absorb(&st, adrs, 32);
    qstp_shake_absorb(&st, in, inlen);
    qstp_shake_squeeze(&st, out, c->p->n);
    qstp_keccak_wipe(&st);
}

void qstp_slh_t_x4(const qstp_slh_ctx *c, uint8_t *const out[4], const uint8_t *const adrs[4],
                   const uint8_t *const in[4], size_t inlen)
{
#if defined(__x86_64__)
    if (c->x4 == 2) {
        qstp_slh_t_x4_avx512(c, out, adrs, in, inlen);
        return;
    }
    if (c->x4 == 1) {
        qstp_slh_t_x4_avx2(c, out, adrs, in, inlen);
        return;
    }
#endif
    for (unsigned j = 0; j < 4; j++)
        qstp_slh_t(c, out[j], adrs[j], in[j], inlen);
}

static void slh_absorb_msg(qstp_keccak_state *st, const qstp_slh_msg *m)
{
    if (m->prelen > 0)
        qstp_shake_absorb(st, m->pre, m->prelen);
    if (m->mlen > 0)
        qstp_shake_absorb(st, m->msg, m->mlen);
}

void qstp_slh_prf_msg(const qstp_slh_params *p, uint8_t *out, const uint8_t *sk_prf, const uint8_t *opt_rand,
                      const qstp_slh_msg *m)
{
    qstp_keccak_state st;

    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, sk_prf, p->n);
    qstp_shake_absorb(&st, opt_rand, p->n);
    slh_absorb_msg(&st, m);
    qstp_shake_squeeze(&st, out, p->n);
    qstp_keccak_wipe(&st);
}

void qstp_slh_h_msg(const qstp_slh_params *p, uint8_t *out, const uint8_t *r, const uint8_t *pk_seed,
                    const uint8_t *pk_root, const qstp_slh_msg *m)
{
    qstp_keccak_state st;

    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, r, p->n);
    qstp_shake_absorb(&st, pk_seed, p->n);
    qstp_shake_absorb(&st, pk_root, p->n);
    slh_absorb_msg(&st, m);
    qstp_shake_squeeze(&st, out, p->m);
    qstp_keccak_wipe(&st);
}
