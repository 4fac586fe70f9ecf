/* SLH-DSA (FIPS 205), the six SHAKE parameter sets, one generic implementation driven by a
 * parameter table (params.c).
 *
 * QSTP uses SLH-DSA-SHAKE-{128s,192s,256s} for configuration sets 0x0A-0x0E in FIPS 205 *pure*
 * mode with an empty context, in the attached form signature || message (QSTP-WIRE §1.2, §1.5 and
 * "Resolutions", Q2).
 *
 * Conventions: every function returns 0 on success and a negative value on failure (verify: 0 =
 * valid, negative = invalid). Nothing allocates; the deepest call (256s sign) uses a few KiB of
 * stack (bench_sig prints the measured peak). On failure, signature outputs are zeroed, key
 * outputs are zeroed, and open_attached leaves msg untouched and sets *mlen = 0.
 * Key layout (FIPS 205 §9.1): pk = PK.seed || PK.root, sk = SK.seed || SK.prf || PK.seed || PK.root,
 * each n bytes (n = 16, 24, 32). */
#ifndef QSTP_CRYPTO_SLHDSA_H
#define QSTP_CRYPTO_SLHDSA_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/random.h"

typedef enum {
    QSTP_SLHDSA_SHAKE_128S,
    QSTP_SLHDSA_SHAKE_128F,
    QSTP_SLHDSA_SHAKE_192S,
    QSTP_SLHDSA_SHAKE_192F,
    QSTP_SLHDSA_SHAKE_256S,
    QSTP_SLHDSA_SHAKE_256F
} qstp_slhdsa_param;

#define QSTP_SLHDSA_PK_MAX 64
#define QSTP_SLHDSA_SK_MAX 128
#define QSTP_SLHDSA_SIG_MAX 49856
#define QSTP_SLHDSA_CTX_MAX 255

/* Sizes in bytes; 0 for an unknown parameter set. */
size_t qstp_slhdsa_pk_size(qstp_slhdsa_param p);
size_t qstp_slhdsa_sk_size(qstp_slhdsa_param p);
size_t qstp_slhdsa_sig_size(qstp_slhdsa_param p);
/* The FIPS 205 / ACVP name, e.g. "SLH-DSA-SHAKE-128s"; NULL for an unknown set. */
const char *qstp_slhdsa_name(qstp_slhdsa_param p);
/* "SLH-DSA-SHAKE-128s" etc. (exact spelling as in FIPS 205 Table 2). -1 if unknown (SHA2 sets too). */
int qstp_slhdsa_param_from_name(const char *name, qstp_slhdsa_param *p);

/* slh_keygen_internal (FIPS 205 Alg. 18): the three seeds are n bytes each. */
int qstp_slhdsa_keypair_seed(qstp_slhdsa_param p, uint8_t *pk, uint8_t *sk, const uint8_t *sk_seed,
                             const uint8_t *sk_prf, const uint8_t *pk_seed);
/* slh_keygen (Alg. 21): one rng call of 3n bytes, read as SK.seed || SK.prf || PK.seed. */
int qstp_slhdsa_keypair(qstp_slhdsa_param p, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *rng_ctx);

/* slh_sign_internal (Alg. 19): msg is M itself (for pure mode the caller has already prefixed it).
 * addrnd: n bytes of fresh randomness, or NULL for the deterministic variant (opt_rand = PK.seed).
 * sig must hold qstp_slhdsa_sig_size(p) bytes. Fails (-1, sig zeroed) if sk's PK.root does not
 * match its seeds. */
int qstp_slhdsa_sign_internal(qstp_slhdsa_param p, uint8_t *sig, const uint8_t *msg, size_t mlen,
                              const uint8_t *sk, const uint8_t *addrnd);
/* slh_verify_internal (Alg. 20). 0 = valid. siglen must equal the set's signature size. */
int qstp_slhdsa_verify_internal(qstp_slhdsa_param p, const uint8_t *sig, size_t siglen, const uint8_t *msg,
                                size_t mlen, const uint8_t *pk);

/* Pure slh_sign / slh_verify (Alg. 22, 24): M' = 0x00 || ctxlen || ctx || M, fed to the hashes
 * piecewise (the message is never copied). -1 if ctxlen > 255. ctx may be NULL when ctxlen = 0. */
int qstp_slhdsa_sign(qstp_slhdsa_param p, uint8_t *sig, const uint8_t *msg, size_t mlen, const uint8_t *ctx,
                     size_t ctxlen, const uint8_t *sk, const uint8_t *addrnd);
int qstp_slhdsa_verify(qstp_slhdsa_param p, const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t mlen,
                       const uint8_t *ctx, size_t ctxlen, const uint8_t *pk);

/* The attached form QSTP sends (QSTP-WIRE §1.5): sm = sig || msg, pure mode, empty context.
 * sm must hold sig_size + mlen bytes; *smlen = sig_size + mlen. msg may overlap sm + sig_size. */
int qstp_slhdsa_sign_attached(qstp_slhdsa_param p, uint8_t *sm, size_t *smlen, const uint8_t *msg, size_t mlen,
                              const uint8_t *sk, const uint8_t *addrnd);
/* Verifies sm and copies its message part (smlen - sig_size bytes) to msg; msg may overlap sm. */
int qstp_slhdsa_open_attached(qstp_slhdsa_param p, uint8_t *msg, size_t *mlen, const uint8_t *sm, size_t smlen,
                              const uint8_t *pk);

#endif
