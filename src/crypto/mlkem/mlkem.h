/* ML-KEM (FIPS 203) for k = 2, 3, 4 (ML-KEM-512/768/1024) and the QRCS k = 5 extension used by
 * QSTP configuration set 0x04 (QSTP-WIRE §1.5: eta1 = eta2 = 2, du = 11, dv = 5).
 *
 * Buffer sizes are fixed by k (see the *_size functions). Length checks are the CALLER's job: every
 * pointer below must reference at least the size for its k. Functions never allocate, never do I/O.
 * On failure (return < 0) the outputs are left untouched unless a function says it zeroes them. */
#ifndef QSTP_CRYPTO_MLKEM_H
#define QSTP_CRYPTO_MLKEM_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/random.h"

#define QSTP_MLKEM_SS_SIZE 32
#define QSTP_MLKEM_SEED_SIZE 32 /* d, z and m */
/* Largest sizes over the supported k (k = 5). */
#define QSTP_MLKEM_PK_MAX 1952
#define QSTP_MLKEM_SK_MAX 3936
#define QSTP_MLKEM_CT_MAX 1920

/* Encapsulation key, decapsulation key (FIPS 203 expanded form, 768k + 96 bytes) and ciphertext
 * sizes for k in {2, 3, 4, 5}; 0 for any other k. */
size_t qstp_mlkem_pk_size(unsigned k);
size_t qstp_mlkem_sk_size(unsigned k);
size_t qstp_mlkem_ct_size(unsigned k);

/* ML-KEM.KeyGen_internal(d, z) (FIPS 203 Alg. 16). Returns 0, or -1 for an unsupported k. */
int qstp_mlkem_keypair_derand(unsigned k, uint8_t *pk, uint8_t *sk, const uint8_t d[32],
                              const uint8_t z[32]);
/* ML-KEM.KeyGen (Alg. 19): ONE rng call of 64 bytes, d || z (the NIST KAT order). Returns 0, or -1
 * for an unsupported k or a failed rng (pk and sk untouched). */
int qstp_mlkem_keypair(unsigned k, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *rng_ctx);

/* ML-KEM.Encaps_internal(ek, m) (Alg. 17) after the encapsulation-key modulus check (§7.2).
 * Returns 0; or -1 if pk fails the check (ct and ss zeroed) or k is unsupported (ss zeroed, ct
 * untouched: its size is unknown). The ek length check of §7.2 is the caller's. */
int qstp_mlkem_encaps_derand(unsigned k, uint8_t *ct, uint8_t ss[32], const uint8_t *pk,
                             const uint8_t m[32]);
/* ML-KEM.Encaps (Alg. 20): ONE rng call of 32 bytes (m), none for an unsupported k. -1 also if
 * the rng fails (ct and ss zeroed). */
int qstp_mlkem_encaps(unsigned k, uint8_t *ct, uint8_t ss[32], const uint8_t *pk, qstp_rng_fn rng,
                      void *rng_ctx);

/* ML-KEM.Decaps (Alg. 21) with implicit rejection: ss is always written, K' on success or
 * K-bar = J(z || c) if the re-encryption does not match. Returns -1 only if k is unsupported or sk
 * fails the decapsulation-key hash check (§7.3: H(ek) stored in dk) -- then ss is zeroed.
 * reencrypt_ok (may be NULL) receives 1 if the re-encryption matched and 0 if implicit rejection
 * happened (or on error). The QRCS reference's decapsulate returns false in that case and the QSTP
 * server aborts (QSTP-WIRE §1.5), so the core needs the flag. Computed in constant time; the flag
 * itself is the one secret-dependent value that leaves (as in the reference).
 * The dk and c length checks of §7.3 are the caller's. */
int qstp_mlkem_decaps(unsigned k, uint8_t ss[32], const uint8_t *ct, const uint8_t *sk,
                      int *reencrypt_ok);

/* Encapsulation-key modulus check (FIPS 203 §7.2): 0 if every 12-bit coefficient of pk is < q,
 * -1 otherwise or for an unsupported k. */
int qstp_mlkem_check_pk(unsigned k, const uint8_t *pk);

/* Decapsulation-key check (FIPS 203 §7.3, hash check): 0 if H(ek) stored in sk matches the ek
 * stored in sk, -1 otherwise or for an unsupported k. */
int qstp_mlkem_check_sk(unsigned k, const uint8_t *sk);

#endif
