/* ML-DSA encodings (FIPS 204 §7.1-7.2, Alg. 16-28): bit packing of polynomials and the layout of
 * pk, sk and signature. Bit order is FIPS 204's: coefficient i occupies bits [i b, (i+1) b) of
 * the little-endian bit string. Packing loops do not branch on coefficient values. */
#ifndef QSTP_CRYPTO_MLDSA_PACK_H
#define QSTP_CRYPTO_MLDSA_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mldsa/mldsa_params.h"
#include "crypto/mldsa/mldsa_poly.h"

/* SimpleBitPack (Alg. 16): 256 coefficients in [0, 2^bits) into 32 bits bytes. */
void qstp_mldsa_simple_pack(uint8_t *out, const qstp_mldsa_poly *a, unsigned bits);
void qstp_mldsa_simple_unpack(qstp_mldsa_poly *a, const uint8_t *in, unsigned bits);
/* BitPack(w, a, b) (Alg. 17): packs b - w_i in bits bits. BitUnpack (Alg. 19): w_i = b - value. */
void qstp_mldsa_bitpack(uint8_t *out, const qstp_mldsa_poly *a, unsigned bits, int32_t b);
void qstp_mldsa_bitunpack(qstp_mldsa_poly *a, const uint8_t *in, unsigned bits, int32_t b);

/* Offsets into the encodings (Alg. 22-27). */
static inline size_t qstp_mldsa_poly_eta_bytes(const qstp_mldsa_params *p) { return 32u * p->eta_bits; }
static inline size_t qstp_mldsa_poly_z_bytes(const qstp_mldsa_params *p) { return 32u * p->gamma1_bits; }
static inline size_t qstp_mldsa_poly_w1_bytes(const qstp_mldsa_params *p) { return 32u * p->w1_bits; }
#define MLDSA_SK_RHO 0
#define MLDSA_SK_KEY 32
#define MLDSA_SK_TR 64
#define MLDSA_SK_S1 128
static inline size_t qstp_mldsa_sk_s2_off(const qstp_mldsa_params *p)
{
    return MLDSA_SK_S1 + p->l * qstp_mldsa_poly_eta_bytes(p);
}
static inline size_t qstp_mldsa_sk_t0_off(const qstp_mldsa_params *p)
{
    return qstp_mldsa_sk_s2_off(p) + p->k * qstp_mldsa_poly_eta_bytes(p);
}
static inline size_t qstp_mldsa_sig_h_off(const qstp_mldsa_params *p)
{
    return p->ctilde_bytes + p->l * qstp_mldsa_poly_z_bytes(p);
}

/* s1/s2 polynomial: w_i = eta - value. Returns 1 if some value exceeds 2 eta (a malformed key),
 * 0 otherwise, without branching on the key. */
unsigned qstp_mldsa_unpack_eta(qstp_mldsa_poly *a, const uint8_t *in, const qstp_mldsa_params *p);
void qstp_mldsa_pack_eta(uint8_t *out, const qstp_mldsa_poly *a, const qstp_mldsa_params *p);
/* t0 polynomial: 2^12 - t0_i in 13 bits. */
void qstp_mldsa_pack_t0(uint8_t *out, const qstp_mldsa_poly *a);
void qstp_mldsa_unpack_t0(qstp_mldsa_poly *a, const uint8_t *in);

/* HintBitPack (Alg. 20) of k hint polynomials (0/1 coefficients, at most omega ones) into
 * omega + k bytes. */
void qstp_mldsa_pack_hint(uint8_t *out, const qstp_mldsa_poly *h, const qstp_mldsa_params *p);
/* The same encoding from hint bitmaps (bit j of hbits[i] = coefficient j of h_i), as the signer
 * keeps them; public data (an accepted signature's hint). */
void qstp_mldsa_pack_hint_bits(uint8_t *out, const uint8_t hbits[][MLDSA_N / 8],
                               const qstp_mldsa_params *p);
/* HintBitUnpack (Alg. 21) with all of its malformed-encoding checks. 0 or -1 (bottom). */
int qstp_mldsa_unpack_hint(qstp_mldsa_poly *h, const uint8_t *in, const qstp_mldsa_params *p);

#endif
