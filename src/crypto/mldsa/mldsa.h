/* ML-DSA-44/65/87 (FIPS 204): key generation, signing and verification.
 *
 * One generic implementation driven by a parameter table; levels are the integers 44, 65, 87.
 * Nothing allocates; the largest stack user (ML-DSA-87 sign, about 61 KiB) stays under 64 KiB
 * because signing keeps the matrix A^ (sampled once per signature) at 23 bits per coefficient,
 * y as its packed bytes, and expands s1, s2, t0 only where used (mldsa_sign_oneshot.c; bench_sig
 * and tests/crypto/mldsa/test_mldsa_stack.c measure it). NTT arithmetic has an AVX2
 * backend chosen at run time (QSTP_NO_ASM=1 forces the portable code); outputs are identical.
 *
 * QSTP use (QSTP-WIRE §1.5, §8.6): pure ML-DSA.Sign with an EMPTY context, deterministic
 * (rnd = 32 zero bytes), in the "attached" form sm = signature || message.
 *
 * Return values: 0 on success, negative on failure. On failure the output buffers are left
 * untouched (sign, keypair) and a verifier's message output is never written. */
#ifndef QSTP_CRYPTO_MLDSA_H
#define QSTP_CRYPTO_MLDSA_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/random.h"

#define QSTP_MLDSA_PK_MAX 2592
#define QSTP_MLDSA_SK_MAX 4896
#define QSTP_MLDSA_SIG_MAX 4627
#define QSTP_MLDSA_SEED_BYTES 32 /* xi of KeyGen_internal */
#define QSTP_MLDSA_RND_BYTES 32  /* rnd of Sign_internal */
#define QSTP_MLDSA_MU_BYTES 64   /* mu = H(tr || M', 64) */
#define QSTP_MLDSA_CTX_MAX 255

/* Sizes for a level (44, 65, 87); 0 for an unknown level. */
size_t qstp_mldsa_pk_size(unsigned level);
size_t qstp_mldsa_sk_size(unsigned level);
size_t qstp_mldsa_sig_size(unsigned level);

/* ML-DSA.KeyGen_internal(xi) (FIPS 204 Alg. 6): deterministic key pair from a 32-byte seed.
 * sk is the expanded FIPS 204 encoding (2560/4032/4896 bytes). */
int qstp_mldsa_keypair_seed(unsigned level, uint8_t *pk, uint8_t *sk, const uint8_t xi[32]);
/* ML-DSA.KeyGen (Alg. 1): draws xi with exactly ONE 32-byte rng call, then as above. */
int qstp_mldsa_keypair(unsigned level, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *rng_ctx);

/* ML-DSA.Sign_internal(sk, M', rnd) (Alg. 7). sig gets qstp_mldsa_sig_size(level) bytes.
 * Fails (-1) for an unknown level, a secret key whose s1/s2 coefficients are out of range, or,
 * with negligible probability, after 814 rejected attempts (the floor FIPS 204 §6.2 allows). */
int qstp_mldsa_sign_internal(unsigned level, uint8_t *sig, const uint8_t *mprime, size_t mlen,
                             const uint8_t *sk, const uint8_t rnd[32]);
/* ML-DSA.Verify_internal(pk, M', sigma) (Alg. 8). 0 valid, -1 invalid (including wrong siglen). */
int qstp_mldsa_verify_internal(unsigned level, const uint8_t *sig, size_t siglen,
                               const uint8_t *mprime, size_t mlen, const uint8_t *pk);

/* Pure ML-DSA.Sign (Alg. 2) with context ctx (ctxlen <= 255, else -1). rnd: 32 bytes for hedged
 * signing, or NULL for the deterministic variant (rnd = 0^32). M' = 0x00 || ctxlen || ctx || msg
 * is hashed incrementally, never copied. */
int qstp_mldsa_sign(unsigned level, uint8_t *sig, const uint8_t *msg, size_t mlen,
                    const uint8_t *ctx, size_t ctxlen, const uint8_t *sk, const uint8_t *rnd);
/* Pure ML-DSA.Verify (Alg. 3). 0 valid, -1 invalid (also for ctxlen > 255). */
int qstp_mldsa_verify(unsigned level, const uint8_t *sig, size_t siglen, const uint8_t *msg,
                      size_t mlen, const uint8_t *ctx, size_t ctxlen, const uint8_t *pk);

/* Attached form used by QSTP (QSTP-WIRE §1.5): sm = sig || msg, pure mode, empty context.
 * sm needs sig_size + mlen bytes; *smlen = sig_size + mlen. msg may already sit at sm + sig_size
 * (signing in place); otherwise msg and sm must not overlap. rnd: as for qstp_mldsa_sign (QSTP
 * passes NULL: deterministic). On failure sm and *smlen are untouched. */
int qstp_mldsa_sign_attached(unsigned level, uint8_t *sm, size_t *smlen, const uint8_t *msg,
                             size_t mlen, const uint8_t *sk, const uint8_t *rnd);
/* Verifies sm = sig || msg; on success copies msg (smlen - sig_size bytes) out and sets *mlen
 * (msg may be sm + sig_size, or any buffer of that size). On failure returns -1 and leaves msg
 * and *mlen untouched. */
int qstp_mldsa_open_attached(unsigned level, uint8_t *msg, size_t *mlen, const uint8_t *sm,
                             size_t smlen, const uint8_t *pk);

/* External-mu interface (FIPS 204 §6.2 mu = H(BytesToBits(tr) || M', 64)): signing and
 * verifying a precomputed mu. Used by tests (Wycheproof "Internal" vectors) and available to
 * callers that hash the message elsewhere. */
int qstp_mldsa_sign_mu(unsigned level, uint8_t *sig, const uint8_t mu[64], const uint8_t *sk,
                       const uint8_t rnd[32]);
int qstp_mldsa_verify_mu(unsigned level, const uint8_t *sig, size_t siglen, const uint8_t mu[64],
                         const uint8_t *pk);
/* mu for pure mode: H(H(pk,64) || 0x00 || ctxlen || ctx || msg, 64). -1 if ctxlen > 255. */
int qstp_mldsa_mu_pure(unsigned level, uint8_t mu[64], const uint8_t *pk, const uint8_t *msg,
                       size_t mlen, const uint8_t *ctx, size_t ctxlen);

/* Precomputed signer: a secret key expanded once (s1, s2, t0 in the NTT domain, s1 and s2 also
 * as bytes, and the whole matrix A^, about 87 KiB, in memory the caller owns: static, heap or a
 * worker's arena), so that each signature skips skDecode and ExpandA: about 1.7x as fast as the
 * one-shot functions (ML-DSA-87), with about 35 KiB of stack. Signing does not modify the
 * signer, so one signer may serve several threads. Same outputs as the one-shot functions. The
 * fields are private to the implementation; wipe the signer with qstp_mldsa_signer_wipe when
 * done. */
#define QSTP_MLDSA_SIGNER_POLYS (7 + 8 + 8 + 8 * 7) /* s1^, s2^, t0^, A^ for the largest set */
typedef struct {
    unsigned level;
    uint8_t rho[32], key[32], tr[64];
    int32_t poly[QSTP_MLDSA_SIGNER_POLYS * 256];
    /* s1 and s2 in the normal domain as int8 (extended for the sparse c * s products; used by
     * ML-DSA-44 and -87, where tau * eta <= 127). */
    int8_t sext[(7 + 8) * 512];
} qstp_mldsa_signer;

/* Expand sk (the encoded secret key of level). -1 for an unknown level or a malformed key (s is
 * then wiped). */
int qstp_mldsa_signer_init(qstp_mldsa_signer *s, unsigned level, const uint8_t *sk);
/* Pure ML-DSA.Sign with context (as qstp_mldsa_sign). */
int qstp_mldsa_signer_sign(const qstp_mldsa_signer *s, uint8_t *sig, const uint8_t *msg, size_t mlen,
                           const uint8_t *ctx, size_t ctxlen, const uint8_t *rnd);
/* Attached form, empty context (as qstp_mldsa_sign_attached). */
int qstp_mldsa_signer_sign_attached(const qstp_mldsa_signer *s, uint8_t *sm, size_t *smlen,
                                    const uint8_t *msg, size_t mlen, const uint8_t *rnd);
/* Sign a precomputed mu (as qstp_mldsa_sign_mu). */
int qstp_mldsa_signer_sign_mu(const qstp_mldsa_signer *s, uint8_t *sig, const uint8_t mu[64],
                              const uint8_t rnd[32]);
void qstp_mldsa_signer_wipe(qstp_mldsa_signer *s);

/* HashML-DSA (FIPS 204 Alg. 4 and 5): M' = 0x01 || ctxlen || ctx || OID(PH) || PH(M).
 * The pre-hash functions of FIPS 204 §5.4.1 that the library can also compute itself are the
 * SHA-3 / SHAKE ones; for SHA-2 the caller passes the digest (qstp_mldsa_*_prehashed). */
typedef enum {
    QSTP_MLDSA_PH_SHA2_256 = 1,
    QSTP_MLDSA_PH_SHA2_384 = 2,
    QSTP_MLDSA_PH_SHA2_512 = 3,
    QSTP_MLDSA_PH_SHA3_256 = 8,
    QSTP_MLDSA_PH_SHA3_512 = 10,
    QSTP_MLDSA_PH_SHAKE128 = 11, /* 256-bit output */
    QSTP_MLDSA_PH_SHAKE256 = 12, /* 512-bit output */
} qstp_mldsa_prehash;

/* Digest length of a pre-hash function, 0 if unknown. */
size_t qstp_mldsa_prehash_size(qstp_mldsa_prehash ph);
/* HashML-DSA.Sign / Verify over a digest the caller computed with ph (digestlen must match). */
int qstp_mldsa_sign_prehashed(unsigned level, uint8_t *sig, qstp_mldsa_prehash ph,
                              const uint8_t *digest, size_t digestlen, const uint8_t *ctx,
                              size_t ctxlen, const uint8_t *sk, const uint8_t *rnd);
int qstp_mldsa_verify_prehashed(unsigned level, const uint8_t *sig, size_t siglen,
                                qstp_mldsa_prehash ph, const uint8_t *digest, size_t digestlen,
                                const uint8_t *ctx, size_t ctxlen, const uint8_t *pk);
/* HashML-DSA over a message, for the SHA-3/SHAKE pre-hashes (-1 for the SHA-2 ones). */
int qstp_mldsa_hash_sign(unsigned level, uint8_t *sig, qstp_mldsa_prehash ph, const uint8_t *msg,
                         size_t mlen, const uint8_t *ctx, size_t ctxlen, const uint8_t *sk,
                         const uint8_t *rnd);
int qstp_mldsa_hash_verify(unsigned level, const uint8_t *sig, size_t siglen, qstp_mldsa_prehash ph,
                           const uint8_t *msg, size_t mlen, const uint8_t *ctx, size_t ctxlen,
                           const uint8_t *pk);

#endif
