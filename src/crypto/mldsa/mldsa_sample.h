/* ML-DSA pseudorandom sampling (FIPS 204 §7.3, Alg. 29-34). */
#ifndef QSTP_CRYPTO_MLDSA_SAMPLE_H
#define QSTP_CRYPTO_MLDSA_SAMPLE_H

#include <stdint.h>

#include "crypto/keccak.h"
#include "crypto/mldsa/mldsa_params.h"
#include "crypto/mldsa/mldsa_poly.h"

/* Entry A[row][col] of ExpandA (Alg. 32): RejNTTPoly(rho || col || row), coefficients in [0, q).
 * Public data: the rejection loop may branch on it. */
void qstp_mldsa_sample_a(qstp_mldsa_poly *a, const uint8_t rho[MLDSA_SEED_BYTES], unsigned row,
                         unsigned col);
/* Four entries of ExpandA at once (rows[i], cols[i]) with the four-way SHAKE128 of
 * crypto/sha3x4.h (AVX2 / AVX-512VL when available). Same output as four qstp_mldsa_sample_a
 * calls. */
void qstp_mldsa_sample_a_x4(qstp_mldsa_poly *const a[4], const uint8_t rho[MLDSA_SEED_BYTES],
                            const unsigned rows[4], const unsigned cols[4]);
/* Eight entries of ExpandA at once with the eight-way Keccak (crypto/sha3x8.h), for machines where
 * qstp_keccak_x8_native() (else two 4-way passes: callers use the x4 form then). Same output as
 * eight qstp_mldsa_sample_a calls. */
void qstp_mldsa_sample_a_x8(qstp_mldsa_poly *const a[8], const uint8_t rho[MLDSA_SEED_BYTES],
                            const unsigned rows[8], const unsigned cols[8]);
/* Entries e .. e+n-1 (n = 8 or 4) of A in row-major order through the x8 or x4 sampler; rows[] /
 * cols[] receive their rows and columns. */
static inline void qstp_mldsa_sample_a_entries(qstp_mldsa_poly *const *a, unsigned n,
                                               const qstp_mldsa_params *p,
                                               const uint8_t rho[MLDSA_SEED_BYTES], unsigned e,
                                               unsigned rows[8], unsigned cols[8])
{
    for (unsigned t = 0; t < n; t++) {
        rows[t] = (e + t) / p->l;
        cols[t] = (e + t) % p->l;
    }
    if (n == 8)
        qstp_mldsa_sample_a_x8(a, rho, rows, cols);
    else
        qstp_mldsa_sample_a_x4(a, rho, rows, cols);
}
/* The batch size the ExpandA walks start with: 8 when the eight-way Keccak is native, else 4. */
static inline unsigned qstp_mldsa_a_batch(void)
{
    return qstp_keccak_x8_native() ? 8u : 4u;
}
/* RejBoundedPoly(rho' || nonce) (Alg. 31), coefficients in [-eta, eta]. Used for s1/s2 in key
 * generation only: which bytes are rejected is independent of the accepted values. */
void qstp_mldsa_sample_eta(qstp_mldsa_poly *a, unsigned eta,
                           const uint8_t rhoprime[MLDSA_CRH_BYTES], uint16_t nonce);
/* Four RejBoundedPoly polynomials at once (nonces[i]) with the four-way SHAKE256; same output as
 * four qstp_mldsa_sample_eta calls. */
void qstp_mldsa_sample_eta_x4(qstp_mldsa_poly *const a[4], unsigned eta,
                              const uint8_t rhoprime[MLDSA_CRH_BYTES], const uint16_t nonces[4]);
/* Polynomial r of ExpandMask (Alg. 34): BitUnpack(H(rho'' || (kappa + r), 32 c), gamma1 - 1, gamma1),
 * nonce = kappa + r. Coefficients in (-gamma1, gamma1]. No rejection: constant time. */
void qstp_mldsa_sample_mask(qstp_mldsa_poly *a, const qstp_mldsa_params *p,
                            const uint8_t rhopp[MLDSA_CRH_BYTES], uint16_t nonce);
/* Four ExpandMask polynomials at once (nonces[i]) with the four-way SHAKE256. */
void qstp_mldsa_sample_mask_x4(qstp_mldsa_poly *const a[4], const qstp_mldsa_params *p,
                               const uint8_t rhopp[MLDSA_CRH_BYTES], const uint16_t nonces[4]);
/* ExpandMask polynomials left packed: the 32 gamma1_bits bytes of H(rho'' || nonce) that
 * BitUnpack(., gamma1 - 1, gamma1) turns into the polynomial (the same bytes as BitPack of the
 * polynomial, i.e. the z encoding). The one-shot signer keeps y this way (640 instead of 1024
 * bytes per polynomial). out[i] receives 32 gamma1_bits bytes; the x4 form uses the four-way
 * SHAKE256 and squeezes whole blocks straight into out, the tail through a small buffer. */
void qstp_mldsa_sample_mask_bytes(uint8_t *out, const qstp_mldsa_params *p,
                                  const uint8_t rhopp[MLDSA_CRH_BYTES], uint16_t nonce);
void qstp_mldsa_sample_mask_bytes_x4(uint8_t *const out[4], const qstp_mldsa_params *p,
                                     const uint8_t rhopp[MLDSA_CRH_BYTES], const uint16_t nonces[4]);
/* The RejNTTPoly filter over len bytes (a multiple of 3) into a[n..256); returns the new n.
 * AVX2 version (mldsa_sample_avx2.c): buf must be readable for len + 8 bytes. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QSTP_MLDSA_HAVE_REJ_AVX2 1
unsigned qstp_mldsa_rej_ntt_avx2(int32_t *a, unsigned n, const uint8_t *buf, size_t len);
/* RejBoundedPoly's filter while eight more outputs fit; *used = bytes consumed (a multiple of 4). */
unsigned qstp_mldsa_rej_eta_avx2(int32_t *a, unsigned n, const uint8_t *buf, size_t len,
                                 unsigned eta, size_t *used);
#endif

/* SampleInBall(c~) (Alg. 29): tau coefficients +-1, the rest 0. */
void qstp_mldsa_sample_in_ball(qstp_mldsa_poly *c, const qstp_mldsa_params *p, const uint8_t *ctilde);

#endif
