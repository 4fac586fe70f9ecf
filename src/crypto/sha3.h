/* SHA-3, SHAKE, cSHAKE and KMAC (FIPS 202, SP 800-185) and the QSC rate-72 variants
 * (QSTP-WIRE §7). All functions are incremental over qstp_keccak_state; the one-shot helpers
 * are conveniences. Nothing allocates. */
#ifndef QSTP_CRYPTO_SHA3_H
#define QSTP_CRYPTO_SHA3_H

#include "crypto/keccak.h"

/* ---- SHA3 ---- */
void qstp_sha3_256_init(qstp_keccak_state *st);
void qstp_sha3_512_init(qstp_keccak_state *st);
void qstp_sha3_update(qstp_keccak_state *st, const uint8_t *in, size_t len);
void qstp_sha3_256_final(qstp_keccak_state *st, uint8_t out[32]); /* wipes st */
void qstp_sha3_512_final(qstp_keccak_state *st, uint8_t out[64]); /* wipes st */
void qstp_sha3_256(uint8_t out[32], const uint8_t *in, size_t len);
void qstp_sha3_512(uint8_t out[64], const uint8_t *in, size_t len);

/* ---- SHAKE: init, absorb (qstp_keccak_absorb), then qstp_shake_squeeze any number of times ---- */
void qstp_shake128_init(qstp_keccak_state *st);
void qstp_shake256_init(qstp_keccak_state *st);
void qstp_shake512_qsc_init(qstp_keccak_state *st); /* QSC SHAKE-512: rate 72, domain 0x1F */
void qstp_shake_absorb(qstp_keccak_state *st, const uint8_t *in, size_t len);
void qstp_shake_squeeze(qstp_keccak_state *st, uint8_t *out, size_t len); /* finalizes on first call */
void qstp_shake128(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);
void qstp_shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);
void qstp_shake512_qsc(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);

/* ---- cSHAKE (rate 168 = cSHAKE128, 136 = cSHAKE256, 72 = QSC "cSHAKE-512"; §7.6) ----
 * qstp_cshake_init always absorbs the bytepad prefix, even when N and S are both empty, as QSC's
 * qsc_cshake_initialize does. The one-shots qstp_cshake128/256 follow SP 800-185 exactly: with
 * empty N and S they are SHAKE. QSTP never uses empty N and S, so the two agree wherever QSTP
 * uses them. */
void qstp_cshake_init(qstp_keccak_state *st, unsigned rate, const uint8_t *name, size_t namelen,
                      const uint8_t *custom, size_t customlen);
void qstp_cshake_absorb(qstp_keccak_state *st, const uint8_t *in, size_t len);
void qstp_cshake_squeeze(qstp_keccak_state *st, uint8_t *out, size_t len); /* finalizes on first call */
void qstp_cshake128(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen, const uint8_t *name,
                    size_t namelen, const uint8_t *custom, size_t customlen);
void qstp_cshake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen, const uint8_t *name,
                    size_t namelen, const uint8_t *custom, size_t customlen);

/* ---- KMAC (rate 168 = KMAC128, 136 = KMAC256, 72 = QSC "KMAC-512") ---- */
void qstp_kmac_init(qstp_keccak_state *st, unsigned rate, const uint8_t *key, size_t keylen,
                    const uint8_t *custom, size_t customlen);
void qstp_kmac_update(qstp_keccak_state *st, const uint8_t *in, size_t len);
/* SP 800-185 KMAC (non-XOF) with output length outlen. Wipes st. */
void qstp_kmac_final(qstp_keccak_state *st, uint8_t *out, size_t outlen);
/* The QSC finalize of QSTP-WIRE §7.7, used only by RCS: the tail/right_encode handling differs
 * from SP 800-185 when pos + |right_encode(8*outlen)| >= rate, and the sponge is NOT reset: the
 * next update continues from the permuted state (the RCS MAC runs across records, §6.5).
 * Compatibility quirk: do not "fix". */
void qstp_kmac_final_qsc_continue(qstp_keccak_state *st, uint8_t *out, size_t outlen);
void qstp_kmac128(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen, const uint8_t *in,
                  size_t inlen, const uint8_t *custom, size_t customlen);
void qstp_kmac256(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen, const uint8_t *in,
                  size_t inlen, const uint8_t *custom, size_t customlen);

/* SP 800-185 encodings; return the number of bytes written to out (at most 9). */
size_t qstp_left_encode(uint8_t out[9], uint64_t v);
size_t qstp_right_encode(uint8_t out[9], uint64_t v);

#endif
