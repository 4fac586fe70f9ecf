/* WOTS+ one-time signatures (FIPS 205 §5), w = 16. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/slhdsa/slh_address.h"
#include "crypto/slhdsa/slh_internal.h"

/* Alg. 7 steps 1-6 with lg_w = 4: base_2b(M, 4, len1), then the checksum
 * csum = sum(w - 1 - msg[i]) shifted left by 4 so its 12 bits fill two bytes, as 3 more digits.
 * The digits come from the message digest, which is public. */
void qstp_slh_wots_digits(const qstp_slh_params *p, unsigned digits[QSTP_SLH_LEN_MAX], const uint8_t *msg)
{
    const unsigned len1 = 2 * p->n;
    unsigned csum = 0;

    for (unsigned i = 0; i < p->n; i++) {
        digits[2 * i] = msg[i] >> 4;
        digits[2 * i + 1] = msg[i] & 15u;
    }
    for (unsigned i = 0; i < len1; i++)
        csum += QSTP_SLH_W - 1 - digits[i];
    csum <<= 4;
    digits[len1] = (csum >> 12) & 15u;
    digits[len1 + 1] = (csum >> 8) & 15u;
    digits[len1 + 2] = (csum >> 4) & 15u;
}

/* The chain ends of wots_pkGen (Alg. 6 steps 1-9), four chains at a time through PRF_x4 and
 * chain_x4 (or F_x4 step by step when a signature is captured). A last partial batch repeats the last chain in
 * the spare lanes and discards their results. */
void qstp_slh_wots_chains(const qstp_slh_ctx *c, uint8_t *tmp, const uint8_t adrs[32], const unsigned *digits,
                          uint8_t *sig)
{
    const qstp_slh_params *p = c->p;
    const unsigned n = p->n;
    uint8_t val[4][QSTP_SLH_N_MAX];
    uint8_t ad[4][32];
    uint8_t *const outs[4] = {val[0], val[1], val[2], val[3]};
    const uint8_t *const ins[4] = {val[0], val[1], val[2], val[3]};
    const uint8_t *const ads[4] = {ad[0], ad[1], ad[2], ad[3]};
    unsigned chain[4];

    for (unsigned i = 0; i < p->len; i += 4) {
        for (unsigned j = 0; j < 4; j++) {
            chain[j] = (i + j < p->len) ? i + j : p->len - 1;
            /* sk_i = PRF(PK.seed, SK.seed, skADRS), skADRS = WOTS_PRF with the same key pair. */
            memcpy(ad[j], adrs, 32);
            qstp_slh_adrs_set_type(ad[j], QSTP_SLH_WOTS_PRF);
            memcpy(ad[j] + 20, adrs + 20, 4);
            qstp_slh_adrs_set_chain(ad[j], chain[j]);
        }
        qstp_slh_prf_x4(c, outs, ads);
        for (unsigned j = 0; j < 4; j++) {
            memcpy(ad[j], adrs, 32);
            qstp_slh_adrs_set_type(ad[j], QSTP_SLH_WOTS_HASH);
            memcpy(ad[j] + 20, adrs + 20, 4);
            qstp_slh_adrs_set_chain(ad[j], chain[j]);
        }
        /* chain(sk, 0, w - 1): step s hashes with hash address s (Alg. 5). Without a signature
         * to capture, the four chains run whole in the backend (values stay in vector lanes). */
        if (digits == NULL) {
            qstp_slh_chain_x4(c, outs, ads, 0, QSTP_SLH_W - 1);
            for (unsigned j = 0; j < 4 && i + j < p->len; j++)
                memcpy(tmp + (size_t)(i + j) * n, val[j], n);
            continue;
        }
        for (unsigned s = 0; s < QSTP_SLH_W; s++) {
            if (digits != NULL) {
                for (unsigned j = 0; j < 4 && i + j < p->len; j++) {
                    if (digits[i + j] == s)
                        memcpy(sig + (size_t)(i + j) * n, val[j], n);
                }
            }
            if (s == QSTP_SLH_W - 1)
                break;
            for (unsigned j = 0; j < 4; j++)
                qstp_slh_adrs_set_hash(ad[j], s);
            qstp_slh_f_x4(c, outs, ads, ins);
        }
        for (unsigned j = 0; j < 4 && i + j < p->len; j++)
            memcpy(tmp + (size_t)(i + j) * n, val[j], n);
    }

    qstp_wipe(val, sizeof val);
}

/* One batch of w (4 or 8) chain jobs: job q is chain q % len of key pair keypairs[q / len];
 * jobs past the end repeat the last one (their results are dropped). */
void qstp_slh_wots_chain_ends(const qstp_slh_ctx *c, uint8_t *const tmp[], const uint8_t adrs[32],
                              const uint32_t *keypairs, unsigned count, const unsigned *digits, uint8_t *sig)
{
    const unsigned len = c->p->len, n = c->p->n, total = len * count;
    const unsigned lanes = qstp_slh_lanes(c);
    const unsigned ncap = digits != NULL ? len : 0; /* jobs 0 .. len - 1: key pair 0's chains */
    uint8_t val[8][QSTP_SLH_N_MAX], drop[8][QSTP_SLH_N_MAX];
    uint8_t ad[8][32];
    uint8_t *outs[8], *cap[8];
    const uint8_t *ads[8];
    unsigned leaf[8], chain[8], at[8];

    for (unsigned job = 0; job < total;) {
        /* Eight lanes whenever more than four jobs remain: one 8-way pass costs less than two
         * 4-way ones even with idle lanes, and four or fewer fit one 4-way pass. Capturing
         * batches are always 8 wide (qstp_slh_chain_capture_x8; two 4-way halves without
         * AVX-512, where xmss.c does not ask for capture). */
        const unsigned w = ((lanes == 8 && total - job > 4) || job < ncap) ? 8u : 4u;
        for (unsigned j = 0; j < w; j++) {
            const unsigned q = job + j < total ? job + j : total - 1;
            leaf[j] = q / len;
            chain[j] = q % len;
            /* sk = PRF(PK.seed, SK.seed, skADRS): type WOTS_PRF, same key pair and chain. */
            memcpy(ad[j], adrs, 32);
            qstp_slh_adrs_set_type(ad[j], QSTP_SLH_WOTS_PRF);
            qstp_slh_adrs_set_keypair(ad[j], keypairs[leaf[j]]);
            qstp_slh_adrs_set_chain(ad[j], chain[j]);
            outs[j] = val[j];
            ads[j] = ad[j];
        }
        if (w == 8)
            qstp_slh_prf_x8(c, outs, ads);
        else
            qstp_slh_prf_x4(c, outs, ads);
        for (unsigned j = 0; j < w; j++) {
            qstp_slh_adrs_set_type(ad[j], QSTP_SLH_WOTS_HASH);
            qstp_slh_adrs_set_keypair(ad[j], keypairs[leaf[j]]);
            qstp_slh_adrs_set_chain(ad[j], chain[j]);
        }
        /* chain(sk, 0, w - 1): step s hashes with hash address s (Alg. 5). The signed key
         * pair's chain i also yields its signature value after digits[i] steps (Alg. 7). */
        if (job < ncap) {
            for (unsigned j = 0; j < 8; j++) {
                const int signing = job + j < ncap;
                cap[j] = signing ? sig + (size_t)chain[j] * n : drop[j];
                at[j] = signing ? digits[chain[j]] : QSTP_SLH_W - 1;
            }
            qstp_slh_chain_capture_x8(c, outs, ads, cap, at);
        } else if (w == 8)
            qstp_slh_chain_x8(c, outs, ads, 0, QSTP_SLH_W - 1);
        else
            qstp_slh_chain_x4(c, outs, ads, 0, QSTP_SLH_W - 1);
        for (unsigned j = 0; j < w && job + j < total; j++)
            memcpy(tmp[leaf[j]] + (size_t)chain[j] * n, val[j], n);
        job += w;
    }
    qstp_wipe(val, sizeof val);
    qstp_wipe(drop, sizeof drop);
}

void qstp_slh_wots_pk_adrs(uint8_t pkad[32], const uint8_t adrs[32])
{
    memcpy(pkad, adrs, 32);
    qstp_slh_adrs_set_type(pkad, QSTP_SLH_WOTS_PK);
    memcpy(pkad + 20, adrs + 20, 4);
}

/* Alg. 8: continue each chain from the signed position to w - 1. The chains have different
 * lengths, so the lanes (8 with AVX-512, else 4) work through them as a queue: a lane that
 * finishes takes the next chain; an idle lane hashes a dummy value whose result is dropped. */
void qstp_slh_wots_pk_from_sig(const qstp_slh_ctx *c, uint8_t *pk, const uint8_t *sig, const uint8_t *msg,
                               const uint8_t adrs[32])
{
    const qstp_slh_params *p = c->p;
    const unsigned n = p->n;
    const unsigned lanes = qstp_slh_lanes(c);
    uint8_t tmp[QSTP_SLH_LEN_MAX * QSTP_SLH_N_MAX];
    unsigned digits[QSTP_SLH_LEN_MAX];
    uint8_t ad[8][32], dummy[8][QSTP_SLH_N_MAX];
    uint8_t *io[8];
    const uint8_t *ads[8], *ins[8];
    unsigned chain[8], step[8], next = 0, busy = 0;

    qstp_slh_wots_digits(p, digits, msg);
    memcpy(tmp, sig, (size_t)p->len * n);
    memset(dummy, 0, sizeof dummy);
    for (unsigned j = 0; j < 8; j++) {
        memcpy(ad[j], adrs, 32);
        qstp_slh_adrs_set_type(ad[j], QSTP_SLH_WOTS_HASH);
        memcpy(ad[j] + 20, adrs + 20, 4);
        ads[j] = ad[j];
        chain[j] = QSTP_SLH_LEN_MAX; /* idle */
        step[j] = 0;
        io[j] = dummy[j];
    }
    for (;;) {
        /* Give every idle lane the next chain that still has steps to do. */
        for (unsigned j = 0; j < lanes; j++) {
            while (chain[j] == QSTP_SLH_LEN_MAX && next < p->len) {
                if (digits[next] < QSTP_SLH_W - 1) {
                    chain[j] = next;
                    step[j] = digits[next];
                    io[j] = tmp + (size_t)next * n;
                    qstp_slh_adrs_set_chain(ad[j], next);
                    busy++;
                }
                next++;
            }
        }
        if (busy == 0)
            break;
        for (unsigned j = 0; j < lanes; j++) {
            qstp_slh_adrs_set_hash(ad[j], chain[j] == QSTP_SLH_LEN_MAX ? 0 : step[j]);
            ins[j] = io[j];
        }
        /* Once four or fewer chains are left, one 4-way pass is cheaper than an 8-way one. */
        if (lanes == 8 && busy > 4) {
            qstp_slh_f_x8(c, io, ads, ins);
        } else {
            /* Pack the busy lanes (at most 4) into lanes 0-3. */
            for (unsigned j = 0, k = 0; j < lanes; j++) {
                if (chain[j] != QSTP_SLH_LEN_MAX && j != k) {
                    chain[k] = chain[j], step[k] = step[j], io[k] = io[j];
                    memcpy(ad[k], ad[j], 32);
                    chain[j] = QSTP_SLH_LEN_MAX;
                    io[j] = dummy[j];
                }
                if (chain[k] != QSTP_SLH_LEN_MAX)
                    k++;
            }
            for (unsigned j = 0; j < 4; j++)
                ins[j] = io[j];
            qstp_slh_f_x4(c, io, ads, ins);
        }
        for (unsigned j = 0; j < lanes; j++) {
            if (chain[j] != QSTP_SLH_LEN_MAX && ++step[j] == QSTP_SLH_W - 1) {
                chain[j] = QSTP_SLH_LEN_MAX;
                io[j] = dummy[j];
                busy--;
            }
        }
    }
    qstp_slh_wots_pk_adrs(ad[0], adrs);
    qstp_slh_t(c, pk, ad[0], tmp, (size_t)p->len * n);
}
