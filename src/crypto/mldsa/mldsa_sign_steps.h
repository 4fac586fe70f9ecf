/* Internal to the mldsa module: the steps of one signing attempt (FIPS 204 Alg. 7) that the
 * precomputed signer (mldsa_sign.c) and the one-shot signer (mldsa_sign_oneshot.c) share. They
 * differ in where y, A^, s1, s2 and t0 come from, not in these steps; static inline so each
 * signer's attempt loop compiles as it did with the steps written out.
 *
 * Constant time: none of these branches on secret data; each returns its norm verdict for the
 * caller to declassify and branch on (which verdicts are revealed, and why, is in mldsa_sign.c). */
#ifndef QSTP_CRYPTO_MLDSA_SIGN_STEPS_H
#define QSTP_CRYPTO_MLDSA_SIGN_STEPS_H

#include <stdint.h>

#include "crypto/mldsa/mldsa_params.h"
#include "crypto/mldsa/mldsa_poly.h"
#include "crypto/mldsa/mldsa_rounding.h"
#include "crypto/mldsa/mldsa_sample.h"

/* c = SampleInBall(c~) into ch (line 16), then, if sparse, c's nonzero positions for the sparse
 * products (cpos, *nplus of them +1, the count returned), then ch <- NTT(c). c is public. */
static inline unsigned qstp_mldsa_sign_challenge(qstp_mldsa_poly *ch, const qstp_mldsa_params *p,
                                                 const uint8_t *ctilde, int sparse,
                                                 uint8_t cpos[MLDSA_N], unsigned *nplus)
{
    unsigned npos = 0;

    qstp_mldsa_sample_in_ball(ch, p, ctilde);
    if (sparse)
        npos = qstp_mldsa_poly_challenge_positions(cpos, nplus, ch);
    qstp_mldsa_poly_ntt(ch);
    return npos;
}

/* Row i of the r0 check (lines 21-23): w <- w - c s2 in [0, q) (cs2 = c s2_i), u <- r0 =
 * LowBits(w - c s2). Returns nonzero if ||r0|| >= gamma2 - beta. */
static inline unsigned qstp_mldsa_sign_r0_row(qstp_mldsa_poly *w, qstp_mldsa_poly *u,
                                              const qstp_mldsa_poly *cs2, const qstp_mldsa_params *p)
{
    qstp_mldsa_poly_sub(w, w, cs2);
    qstp_mldsa_poly_freeze(w);
    qstp_mldsa_poly_decompose(p->gamma2, u, u, w);
    return qstp_mldsa_poly_chknorm(u, p->gamma2 - (int32_t)p->beta);
}

/* Row i of the hint (lines 24-28). u holds NTT(c) o NTT(t0_i) (pointwise, Montgomery) and is
 * used up; wcs2 = w_i - c s2_i in [0, q). c t0 = NTT^-1(u); h_i = MakeHint(-c t0, w - c s2 +
 * c t0) = [HighBits(w - cs2 + ct0) != HighBits(w - cs2)] as a bitmap into hbits (written in
 * full, position-blind), its number of ones added to *hints. Returns nonzero if
 * ||c t0|| >= gamma2. */
static inline unsigned qstp_mldsa_sign_hint_row(qstp_mldsa_poly *u, const qstp_mldsa_poly *wcs2,
                                                uint8_t hbits[MLDSA_N / 8], unsigned *hints,
                                                const qstp_mldsa_params *p)
{
    unsigned reject;

    qstp_mldsa_poly_invntt_tomont(u);
    qstp_mldsa_poly_reduce(u);
    reject = qstp_mldsa_poly_chknorm(u, p->gamma2);
    qstp_mldsa_poly_add(u, wcs2, u);
    qstp_mldsa_poly_freeze(u);
    *hints += qstp_mldsa_poly_make_hint(p->gamma2, u, u, wcs2);
    for (unsigned b = 0; b < MLDSA_N / 8; b++) {
        uint8_t byte = 0;
        for (unsigned e = 0; e < 8; e++)
            byte |= (uint8_t)(u->c[8 * b + e] << e);
        hbits[b] = byte;
    }
    return reject;
}

/* The verdict of the c t0 stage, declassified: 1 (accept) if no row's ||c t0|| failed (reject
 * is their OR) and the hints number at most omega. Only this combined verdict is revealed. */
static inline int qstp_mldsa_sign_hint_verdict(unsigned reject, unsigned hints, const qstp_mldsa_params *p)
{
    reject |= (unsigned)(((uint32_t)p->omega - hints) >> 31);
    QSTP_MLDSA_DECLASSIFY(&reject, sizeof(reject));
    return reject == 0;
}

#endif
