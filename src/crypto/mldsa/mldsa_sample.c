/* FIPS 204 §7.3 sampling (see mldsa_sample.h). */
#include "crypto/mldsa/mldsa_sample.h"

#include <string.h>

#include "crypto/cpu.h"
#include "crypto/ct.h"
#include "crypto/mldsa/mldsa_pack.h"
#include "crypto/sha3.h"
#include "crypto/endian.h"
#include "crypto/sha3x4.h"
#include "crypto/sha3x8.h"

/* Five SHAKE128 blocks give 280 candidates; fewer than 256 accepted is rare (q/2^23 > 0.999),
 * then one more block at a time. 168 is a multiple of 3, so no candidate straddles blocks.
 * Sampling buffers carry REJ_PAD spare bytes: the AVX2 filter's loads read 8 bytes ahead. */
#define SAMPLE_A_FIRST_BLOCKS 5
#define REJ_PAD 8

/* Alg. 14 CoeffFromThreeBytes over buf: 23-bit candidates, accepted if < q, into a from
 * coefficient n on; returns the new n. (A is public: the branch is fine.) */
static unsigned rej_ntt(qstp_mldsa_poly *a, unsigned n, const uint8_t *buf, size_t len)
{
#if defined(QSTP_MLDSA_HAVE_REJ_AVX2)
    if (qstp_cpu_has_avx2())
        return qstp_mldsa_rej_ntt_avx2(a->c, n, buf, len);
#endif
    for (size_t i = 0; i + 3 <= len && n < MLDSA_N; i += 3) {
        uint32_t t = (uint32_t)buf[i] | ((uint32_t)buf[i + 1] << 8) |
                     ((uint32_t)(buf[i + 2] & 0x7F) << 16);
        if (t < (uint32_t)MLDSA_Q)
            a->c[n++] = (int32_t)t;
    }
    return n;
}

void qstp_mldsa_sample_a(qstp_mldsa_poly *a, const uint8_t rho[MLDSA_SEED_BYTES], unsigned row,
                         unsigned col)
{
    uint8_t seed[MLDSA_SEED_BYTES + 2];
    uint8_t buf[SAMPLE_A_FIRST_BLOCKS * QSTP_KECCAK_RATE_128 + REJ_PAD] = {0};
    const size_t len = SAMPLE_A_FIRST_BLOCKS * QSTP_KECCAK_RATE_128;
    qstp_keccak_state st;

    memcpy(seed, rho, MLDSA_SEED_BYTES);
    seed[MLDSA_SEED_BYTES] = (uint8_t)col; /* Alg. 32: rho || IntegerToBytes(s, 1) || IntegerToBytes(r, 1) */
    seed[MLDSA_SEED_BYTES + 1] = (uint8_t)row;
    qstp_shake128_init(&st);
    qstp_shake_absorb(&st, seed, sizeof(seed));
    qstp_shake_squeeze(&st, buf, len);

    unsigned n = rej_ntt(a, 0, buf, len);
    while (n < MLDSA_N) {
        qstp_shake_squeeze(&st, buf, QSTP_KECCAK_RATE_128);
        n = rej_ntt(a, n, buf, QSTP_KECCAK_RATE_128);
    }
}

void qstp_mldsa_sample_a_x4(qstp_mldsa_poly *const a[4], const uint8_t rho[MLDSA_SEED_BYTES],
                            const unsigned rows[4], const unsigned cols[4])
{
    qstp_keccak_x4_state st;
    uint8_t seed[4][MLDSA_SEED_BYTES + 2];
    uint8_t buf[4][QSTP_SHAKE128X4_BLOCK + REJ_PAD] = {{0}};
    unsigned n[4] = {0, 0, 0, 0};

    for (unsigned i = 0; i < 4; i++) {
        memcpy(seed[i], rho, MLDSA_SEED_BYTES);
        seed[i][MLDSA_SEED_BYTES] = (uint8_t)cols[i];
        seed[i][MLDSA_SEED_BYTES + 1] = (uint8_t)rows[i];
    }
    qstp_shake128x4_absorb_once(&st, seed[0], seed[1], seed[2], seed[3], sizeof(seed[0]));
    /* All four lanes squeeze in lockstep; a lane already full just ignores its block. */
    while (n[0] < MLDSA_N || n[1] < MLDSA_N || n[2] < MLDSA_N || n[3] < MLDSA_N) {
        qstp_shake128x4_squeezeblocks(buf[0], buf[1], buf[2], buf[3], 1, &st);
        for (unsigned i = 0; i < 4; i++)
            n[i] = rej_ntt(a[i], n[i], buf[i], QSTP_SHAKE128X4_BLOCK);
    }
}

void qstp_mldsa_sample_a_x8(qstp_mldsa_poly *const a[8], const uint8_t rho[MLDSA_SEED_BYTES],
                            const unsigned rows[8], const unsigned cols[8])
{
    qstp_keccak_x8_state st;
    uint8_t seed[8][MLDSA_SEED_BYTES + 2];
    const uint8_t *const in[8] = {seed[0], seed[1], seed[2], seed[3],
                                  seed[4], seed[5], seed[6], seed[7]};
    /* One lane's block at a time: the filter reads each block once, so a single staging block
     * (not eight) keeps the frame small (the one-shot signer runs this under its 64 KiB budget). */
    uint8_t buf[QSTP_KECCAK_RATE_128 + REJ_PAD] = {0};
    unsigned n[8] = {0};
    unsigned busy = 8; /* lanes whose polynomial is not full yet */

    for (unsigned j = 0; j < 8; j++) {
        memcpy(seed[j], rho, MLDSA_SEED_BYTES);
        seed[j][MLDSA_SEED_BYTES] = (uint8_t)cols[j];
        seed[j][MLDSA_SEED_BYTES + 1] = (uint8_t)rows[j];
    }
    qstp_keccak_x8_absorb_once(&st, QSTP_KECCAK_RATE_128, QSTP_KECCAK_DOMAIN_SHAKE, in, sizeof(seed[0]));
    /* A is public (seeded by rho only): the no-scrub permutation is allowed here. All eight
     * lanes permute in lockstep; a lane already full skips its block. */
    while (busy > 0) {
        qstp_keccak_f1600_x8_lanes_public(st.s);
        busy = 0;
        for (unsigned j = 0; j < 8; j++) {
            if (n[j] >= MLDSA_N)
                continue;
            for (unsigned i = 0; i < QSTP_KECCAK_RATE_128 / 8; i++)
                qstp_store64_le(buf + 8 * i, st.s[i][j]);
            n[j] = rej_ntt(a[j], n[j], buf, QSTP_KECCAK_RATE_128);
            busy += n[j] < MLDSA_N;
        }
    }
}

void qstp_mldsa_sample_mask_x4(qstp_mldsa_poly *const a[4], const qstp_mldsa_params *p,
                               const uint8_t rhopp[MLDSA_CRH_BYTES], const uint16_t nonces[4])
{
    /* 32 c bytes per lane (c = gamma1_bits <= 20: 640 bytes) in whole SHAKE256 blocks: five
     * blocks (680 bytes) cover both gamma1 sizes. Squeezed at once and unpacked with the same
     * BitUnpack as the one-way sampler (2.7 KiB of stack, far cheaper than unpacking byte by
     * byte while streaming). */
    enum { MASK_BLOCKS = (32 * 20 + QSTP_SHAKE256X4_BLOCK - 1) / QSTP_SHAKE256X4_BLOCK };
    qstp_keccak_x4_state st;
    uint8_t seed[4][MLDSA_CRH_BYTES + 2];
    uint8_t buf[4][MASK_BLOCKS * QSTP_SHAKE256X4_BLOCK];

    for (unsigned i = 0; i < 4; i++) {
        memcpy(seed[i], rhopp, MLDSA_CRH_BYTES);
        seed[i][MLDSA_CRH_BYTES] = (uint8_t)nonces[i];
        seed[i][MLDSA_CRH_BYTES + 1] = (uint8_t)(nonces[i] >> 8);
    }
    qstp_shake256x4_absorb_once(&st, seed[0], seed[1], seed[2], seed[3], sizeof(seed[0]));
    qstp_shake256x4_squeezeblocks(buf[0], buf[1], buf[2], buf[3], MASK_BLOCKS, &st);
    /* BitUnpack(v, gamma1 - 1, gamma1): coefficient = gamma1 - value. */
    for (unsigned i = 0; i < 4; i++)
        qstp_mldsa_bitunpack(a[i], buf[i], p->gamma1_bits, p->gamma1);
    qstp_keccak_x4_wipe(&st);
    qstp_wipe(seed, sizeof(seed));
    qstp_wipe(buf, sizeof(buf));
}

/* Alg. 31's filter over len bytes (two half-byte candidates each, low first, Alg. 15) into a
 * from coefficient n on; returns the new n. Which candidates are accepted is independent of the
 * accepted values, so branching on acceptance (only) leaks nothing useful; the value itself is
 * computed without a branch. */
static unsigned rej_eta(qstp_mldsa_poly *a, unsigned n, const uint8_t *buf, size_t len, unsigned eta)
{
    size_t i = 0;
#if defined(QSTP_MLDSA_HAVE_REJ_AVX2)
    if (qstp_cpu_has_avx2())
        n = qstp_mldsa_rej_eta_avx2(a->c, n, buf, len, eta, &i); /* the rest below */
#endif
    for (; i < len && n < MLDSA_N; i++) {
        const uint32_t z[2] = {buf[i] & 0x0Fu, (uint32_t)buf[i] >> 4};
        for (unsigned h = 0; h < 2 && n < MLDSA_N; h++) {
            uint32_t accept, value;
            if (eta == 2) {
                /* z mod 5 by multiply-shift: (z * 205) >> 10 = floor(z / 5) for z < 16. */
                const uint32_t q5 = (z[h] * 205u) >> 10;
                accept = (z[h] - 15u) >> 31;
                value = 2u - (z[h] - 5u * q5);
            } else {
                accept = (z[h] - 9u) >> 31;
                value = 4u - z[h];
            }
            QSTP_MLDSA_DECLASSIFY(&accept, sizeof(accept));
            a->c[n] = (int32_t)value; /* overwritten by the next accepted one if rejected */
            n += accept;
        }
    }
    return n;
}

void qstp_mldsa_sample_eta(qstp_mldsa_poly *a, unsigned eta,
                           const uint8_t rhoprime[MLDSA_CRH_BYTES], uint16_t nonce)
{
    uint8_t seed[MLDSA_CRH_BYTES + 2];
    uint8_t buf[QSTP_KECCAK_RATE_256];
    qstp_keccak_state st;

    memcpy(seed, rhoprime, MLDSA_CRH_BYTES);
    seed[MLDSA_CRH_BYTES] = (uint8_t)nonce; /* IntegerToBytes(r, 2), little-endian */
    seed[MLDSA_CRH_BYTES + 1] = (uint8_t)(nonce >> 8);
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, seed, sizeof(seed));

    unsigned n = 0;
    while (n < MLDSA_N) {
        qstp_shake_squeeze(&st, buf, sizeof(buf));
        n = rej_eta(a, n, buf, sizeof(buf), eta);
    }
    qstp_keccak_wipe(&st);
    qstp_wipe(buf, sizeof(buf));
    qstp_wipe(seed, sizeof(seed));
}

void qstp_mldsa_sample_eta_x4(qstp_mldsa_poly *const a[4], unsigned eta,
                              const uint8_t rhoprime[MLDSA_CRH_BYTES], const uint16_t nonces[4])
{
    qstp_keccak_x4_state st;
    uint8_t seed[4][MLDSA_CRH_BYTES + 2];
    uint8_t buf[4][QSTP_SHAKE256X4_BLOCK];
    unsigned n[4] = {0, 0, 0, 0};

    for (unsigned i = 0; i < 4; i++) {
        memcpy(seed[i], rhoprime, MLDSA_CRH_BYTES);
        seed[i][MLDSA_CRH_BYTES] = (uint8_t)nonces[i];
        seed[i][MLDSA_CRH_BYTES + 1] = (uint8_t)(nonces[i] >> 8);
    }
    qstp_shake256x4_absorb_once(&st, seed[0], seed[1], seed[2], seed[3], sizeof(seed[0]));
    /* Lockstep blocks; a lane already full ignores its block. How many blocks a lane needs
     * depends only on which candidates were rejected (see rej_eta). */
    while (n[0] < MLDSA_N || n[1] < MLDSA_N || n[2] < MLDSA_N || n[3] < MLDSA_N) {
        qstp_shake256x4_squeezeblocks(buf[0], buf[1], buf[2], buf[3], 1, &st);
        for (unsigned i = 0; i < 4; i++)
            n[i] = rej_eta(a[i], n[i], buf[i], sizeof(buf[i]), eta);
    }
    qstp_keccak_x4_wipe(&st);
    qstp_wipe(buf, sizeof(buf));
    qstp_wipe(seed, sizeof(seed));
}

void qstp_mldsa_sample_mask(qstp_mldsa_poly *a, const qstp_mldsa_params *p,
                            const uint8_t rhopp[MLDSA_CRH_BYTES], uint16_t nonce)
{
    uint8_t seed[MLDSA_CRH_BYTES + 2];
    uint8_t buf[32 * 20]; /* 32 c bytes, c = 1 + bitlen(gamma1 - 1) <= 20 */
    qstp_keccak_state st;
    size_t len = 32u * p->gamma1_bits;

    memcpy(seed, rhopp, MLDSA_CRH_BYTES);
    seed[MLDSA_CRH_BYTES] = (uint8_t)nonce;
    seed[MLDSA_CRH_BYTES + 1] = (uint8_t)(nonce >> 8);
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, seed, sizeof(seed));
    qstp_shake_squeeze(&st, buf, len);
    /* BitUnpack(v, gamma1 - 1, gamma1): coefficient = gamma1 - value. */
    qstp_mldsa_bitunpack(a, buf, p->gamma1_bits, p->gamma1);
    qstp_keccak_wipe(&st);
    qstp_wipe(buf, sizeof(buf));
    qstp_wipe(seed, sizeof(seed));
}

void qstp_mldsa_sample_in_ball(qstp_mldsa_poly *c, const qstp_mldsa_params *p, const uint8_t *ctilde)
{
    uint8_t buf[QSTP_KECCAK_RATE_256];
    qstp_keccak_state st;

    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, ctilde, p->ctilde_bytes);
    qstp_shake_squeeze(&st, buf, sizeof(buf));

    /* The first 8 bytes are the tau sign bits (little-endian); then one byte per candidate j.
     * c~ is part of the signature; for a rejected attempt it is a hash of (mu, w1) that reveals
     * nothing usable about w1 or the key (the Dilithium reference and mldsa-native treat it as
     * public too), so the loop may branch on it. */
    QSTP_MLDSA_DECLASSIFY(buf, sizeof(buf));
    uint64_t signs = 0;
    for (unsigned i = 0; i < 8; i++)
        signs |= (uint64_t)buf[i] << (8 * i);
    size_t pos = 8;

    memset(c, 0, sizeof(*c));
    for (unsigned i = MLDSA_N - p->tau; i < MLDSA_N; i++) {
        unsigned j;
        do {
            if (pos == sizeof(buf)) {
                qstp_shake_squeeze(&st, buf, sizeof(buf));
                QSTP_MLDSA_DECLASSIFY(buf, sizeof(buf));
                pos = 0;
            }
            j = buf[pos++];
        } while (j > i);
        c->c[i] = c->c[j];
        c->c[j] = 1 - 2 * (int32_t)(signs & 1);
        signs >>= 1;
    }
}

void qstp_mldsa_sample_mask_bytes(uint8_t *out, const qstp_mldsa_params *p,
                                  const uint8_t rhopp[MLDSA_CRH_BYTES], uint16_t nonce)
{
    uint8_t seed[MLDSA_CRH_BYTES + 2];
    qstp_keccak_state st;

    memcpy(seed, rhopp, MLDSA_CRH_BYTES);
    seed[MLDSA_CRH_BYTES] = (uint8_t)nonce;
    seed[MLDSA_CRH_BYTES + 1] = (uint8_t)(nonce >> 8);
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, seed, sizeof(seed));
    qstp_shake_squeeze(&st, out, 32u * p->gamma1_bits);
    qstp_keccak_wipe(&st);
    qstp_wipe(seed, sizeof(seed));
}

void qstp_mldsa_sample_mask_bytes_x4(uint8_t *const out[4], const qstp_mldsa_params *p,
                                     const uint8_t rhopp[MLDSA_CRH_BYTES], const uint16_t nonces[4])
{
    const size_t len = 32u * p->gamma1_bits; /* 576 or 640: four whole blocks and a tail */
    const unsigned full = (unsigned)(len / QSTP_SHAKE256X4_BLOCK);
    const size_t tail = len - (size_t)full * QSTP_SHAKE256X4_BLOCK;
    qstp_keccak_x4_state st;
    uint8_t seed[4][MLDSA_CRH_BYTES + 2];
    uint8_t last[4][QSTP_SHAKE256X4_BLOCK];

    for (unsigned i = 0; i < 4; i++) {
        memcpy(seed[i], rhopp, MLDSA_CRH_BYTES);
        seed[i][MLDSA_CRH_BYTES] = (uint8_t)nonces[i];
        seed[i][MLDSA_CRH_BYTES + 1] = (uint8_t)(nonces[i] >> 8);
    }
    qstp_shake256x4_absorb_once(&st, seed[0], seed[1], seed[2], seed[3], sizeof(seed[0]));
    qstp_shake256x4_squeezeblocks(out[0], out[1], out[2], out[3], full, &st);
    if (tail != 0) {
        qstp_shake256x4_squeezeblocks(last[0], last[1], last[2], last[3], 1, &st);
        for (unsigned i = 0; i < 4; i++)
            memcpy(out[i] + (size_t)full * QSTP_SHAKE256X4_BLOCK, last[i], tail);
    }
    qstp_keccak_x4_wipe(&st);
    qstp_wipe(seed, sizeof(seed));
    qstp_wipe(last, sizeof(last));
}
