/* Classic McEliece KEM (round-4 specification, 2022): mceliece348864, 460896, 6688128, 6960119 and
 * 8192128 (the non-"f" sets), in both ciphertext forms:
 *   pc = 0  round-4 "non-pc" form: C = C0,             K = H(1, e, C0)   (the NIST round-4 KATs)
 *   pc = 1  "pc" form (round 3, round-4 *pc sets): C = (C0, C1), C1 = H(2, e), K = H(1, e, C)
 * QSTP uses pc = 1 (QSTP-WIRE §1.2, §1.5: ciphertexts of 128/188/240/226/240 bytes).
 * H is SHAKE256 with 32 bytes of output; keys are identical in both forms.
 *
 * Nothing allocates. Key generation needs qstp_mceliece_keygen_workspace_size(p) bytes of caller
 * memory (the parity-check matrix, recorded elimination masks and sort buffers: 0.57 MB for
 * 348864 to 2.5 MB for 8192128); every function keeps its stack below 64 KiB (decapsulation,
 * the deepest, uses about 37 KiB). Operations on secret data run in constant time (checked with
 * valgrind: tests/crypto/mceliece/test_mceliece_ct.c). */
#ifndef QSTP_CRYPTO_MCELIECE_H
#define QSTP_CRYPTO_MCELIECE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/random.h"

typedef enum qstp_mceliece_param {
    QSTP_MCELIECE_348864,
    QSTP_MCELIECE_460896,
    QSTP_MCELIECE_6688128,
    QSTP_MCELIECE_6960119,
    QSTP_MCELIECE_8192128
} qstp_mceliece_param;

#define QSTP_MCELIECE_SS_SIZE 32
#define QSTP_MCELIECE_PK_MAX 1357824 /* 8192128 */
#define QSTP_MCELIECE_SK_MAX 14120   /* 8192128 */
#define QSTP_MCELIECE_CT_MAX 240     /* 6688128 / 8192128 with confirmation */

/* Sizes in bytes; 0 for an unknown parameter set. ct_size includes the 32-byte confirmation iff pc. */
size_t qstp_mceliece_pk_size(qstp_mceliece_param p);
size_t qstp_mceliece_sk_size(qstp_mceliece_param p);
size_t qstp_mceliece_ct_size(qstp_mceliece_param p, int pc);

/* Bytes of working memory qstp_mceliece_keypair needs (any alignment; 0 for an unknown set). */
size_t qstp_mceliece_keygen_workspace_size(qstp_mceliece_param p);

/* Key generation. Draws one 32-byte seed from rng, as the round-4 reference does, so the NIST KATs
 * reproduce; everything else is derived from it (retries included). workspace is wiped before
 * returning. Returns 0, or negative (unknown set, workspace too small, rng failure) with pk and sk
 * zeroed. */
int qstp_mceliece_keypair(qstp_mceliece_param p, uint8_t *pk, uint8_t *sk, void *workspace,
                          size_t wslen, qstp_rng_fn rng, void *rng_ctx);

/* Encapsulation. Draws the error vector as the reference does (repeated calls of 4t bytes, 2t for
 * 8192128, until a valid weight-t vector results). Returns 0, or negative (unknown set, rng
 * failure, or a 6960119 public key with non-zero padding bits, as round 4 specifies) with ct and
 * ss zeroed. */
int qstp_mceliece_encaps(qstp_mceliece_param p, int pc, uint8_t *ct, uint8_t ss[32], const uint8_t *pk,
                         qstp_rng_fn rng, void *rng_ctx);

/* Decapsulation with implicit rejection: always writes ss. A ciphertext that does not decode (or,
 * with pc, whose confirmation does not match) yields H(0, s, C) and returns 0, in constant time.
 * Returns negative only for an unknown set, or for a 6960119 ciphertext with non-zero padding bits
 * (public information); then ss is all 0xFF, as the round-4 reference sets it. */
int qstp_mceliece_decaps(qstp_mceliece_param p, int pc, uint8_t ss[32], const uint8_t *ct,
                         const uint8_t *sk);

/* The same, and *ok = 1 if C0 decoded (and, with pc, the confirmation matched), 0 if ss is the
 * implicit-rejection key (or the padding was bad). The QSC reference's decapsulate returns false
 * in that case and a reference QSTP server aborts the handshake (as with ML-KEM, QSTP-WIRE §1.5);
 * a caller that wants the same behaviour reads *ok. It is computed in constant time; branching
 * on it reveals only what the abort reveals anyway. ok may be NULL. */
int qstp_mceliece_decaps_checked(qstp_mceliece_param p, int pc, uint8_t ss[32], const uint8_t *ct,
                                 const uint8_t *sk, int *ok);

#endif
