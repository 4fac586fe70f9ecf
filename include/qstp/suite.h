/* Configuration sets ("suites") as data: one row of a table per set of QSTP-WIRE §1.1, with the
 * sizes of §1.2/§1.3 and the asymmetric operations as function pointers. Nothing is negotiated:
 * the root certificate's algorithm byte fixes the set for its domain (§1.1, §8.1), so every build
 * carries every row and picks one at run time.
 *
 * The protocol string is carried on the wire as a 42-byte zero-padded field (§4.3); the reference
 * compares only its first 41 bytes (§4.4). */
#ifndef QSTP_SUITE_H
#define QSTP_SUITE_H

#include <stddef.h>
#include <stdint.h>

/* Same typedef as src/crypto/random.h (C11 allows the identical repeat), so this public header
 * stands alone: fill out with len random bytes, 0 on success, negative on failure. */
typedef int (*qstp_rng_fn)(void *ctx, uint8_t *out, size_t len);

#define QSTP_PROTOCOL_SET_SIZE 42    /* §1.1: char[42], zero padded */
#define QSTP_PROTOCOL_COMPARE_SIZE 41 /* §4.4: the reference compares 41 bytes */
#define QSTP_SUITE_COUNT 14          /* ids 0x01..0x0E */
#define QSTP_SECRET_SIZE 32          /* KEM shared secret (§1.2) */
#define QSTP_HASH_SIZE 32            /* SHA3-256 */
#define QSTP_SERIAL_SIZE 16          /* §8.7 */
#define QSTP_ISSUER_SIZE 32          /* §8 */
#define QSTP_CERTIFICATE_VERSION 1   /* §8.1 version byte */

/* Largest per-suite sizes (§1.2), for fixed-size buffers. */
#define QSTP_SIG_MAX 29792                              /* SLH-DSA-SHAKE-256s */
#define QSTP_SIGNED_HASH_MAX (QSTP_SIG_MAX + QSTP_HASH_SIZE) /* csig blob: SIG || hash */
#define QSTP_VK_MAX 2592                                /* ML-DSA-87 */
#define QSTP_SSK_MAX 4896                               /* ML-DSA-87 */
#define QSTP_KPK_MAX 1357824                            /* McEliece 8192128 */
#define QSTP_KSK_MAX 14120                              /* McEliece 8192128 */
#define QSTP_CT_MAX 1920                                /* Kyber k=5 */

typedef enum qstp_sig_family { QSTP_SIG_MLDSA = 1, QSTP_SIG_SLHDSA = 2 } qstp_sig_family;
typedef enum qstp_kem_family { QSTP_KEM_MLKEM = 1, QSTP_KEM_MCELIECE = 2 } qstp_kem_family;

typedef struct qstp_suite qstp_suite;

struct qstp_suite {
    uint8_t id;                  /* configuration id, 0x01..0x0E (§1.1) */
    const char *protocol_string; /* e.g. "dilithium-s5_kyber-s5_rcs-256_sha3-256" */
    size_t protocol_string_len;  /* strlen(protocol_string): 38, 39 or 41 */
    const char *short_name;      /* protocol string without "_rcs-256_sha3-256" */
    const char *sig_name;        /* "ML-DSA-87", "SLH-DSA-SHAKE-256s", ... */
    const char *kem_name;        /* "ML-KEM-1024", "McEliece-6688128", "Kyber-k5", ... */

    qstp_sig_family sig_family;
    unsigned sig_param; /* ML-DSA level 44/65/87, or enum qstp_slhdsa_param */
    qstp_kem_family kem_family;
    unsigned kem_param; /* ML-KEM k 2..5, or enum qstp_mceliece_param */

    /* §1.2 primitive sizes */
    size_t sig_vk_size;  /* VK  */
    size_t sig_sk_size;  /* SSK */
    size_t sig_size;     /* SIG (without the attached message) */
    size_t kem_pk_size;  /* KPK */
    size_t kem_sk_size;  /* KSK */
    size_t kem_ct_size;  /* CT  */

    /* §1.3 object sizes */
    size_t signed_hash_size;          /* SIG + 32: every csig / signed blob */
    size_t root_cert_size;            /* SIG + VK + 98 */
    size_t server_cert_size;          /* SIG + VK + 114 */
    size_t root_key_size;             /* SSK + VK + 66 */
    size_t server_key_size;           /* SSK + VK + 98 */
    size_t connect_request_size;      /* message body: 58 */
    size_t connect_response_size;     /* message body: SIG + 32 + KPK */
    size_t exchange_request_size;     /* message body: CT */
    size_t exchange_response_size;    /* message body: 32 */

    /* ---- operations: 0 on success, else a negated qstp_errors code ---- */

    /* Signature key pair: pk has sig_vk_size bytes, sk sig_sk_size. */
    int (*sig_keypair)(uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *ctx);
    /* Attached signature (§1.5): sm = SIG || msg, *smlen = sig_size + mlen. ML-DSA signs
     * deterministically with an empty context, as the reference does (rng unused); SLH-DSA
     * draws its n-byte addrnd from rng when rng is non-NULL. */
    int (*sig_sign_attached)(uint8_t *sm, size_t *smlen, const uint8_t *msg, size_t mlen,
                             const uint8_t *sk, qstp_rng_fn rng, void *ctx);
    /* Verify sm and copy the attached message to msg (*mlen = smlen - sig_size). */
    int (*sig_open_attached)(uint8_t *msg, size_t *mlen, const uint8_t *sm, size_t smlen,
                             const uint8_t *pk);
    /* KEM key pair; workspace of kem_keygen_workspace_size() bytes (0 and NULL for ML-KEM). */
    int (*kem_keypair)(uint8_t *pk, uint8_t *sk, void *workspace, size_t wslen, qstp_rng_fn rng,
                       void *ctx);
    /* ss is QSTP_SECRET_SIZE bytes. Fails if pk is malformed (ML-KEM modulus check). */
    int (*kem_encaps)(uint8_t *ct, uint8_t *ss, const uint8_t *pk, qstp_rng_fn rng, void *ctx);
    /* Always writes ss (implicit rejection); *ok = 0 when the re-encryption check failed, which
     * the reference treats as decapsulation_failure (§1.5, §4.6). */
    int (*kem_decaps)(uint8_t *ss, const uint8_t *ct, const uint8_t *sk, int *ok);
    size_t (*kem_keygen_workspace_size)(void);

    /* Optional precomputed signer (ML-DSA sets; 0 and NULL for SLH-DSA, which has nothing worth
     * keeping expanded): the secret key expanded once into sig_precomp_size bytes of caller
     * memory (aligned for a uint64_t), then signatures identical to sig_sign_attached's at about
     * half the cost. Used through qstp_server_keyref_precompute (session.h). */
    size_t sig_precomp_size;
    int (*sig_precompute)(void *pc, size_t pclen, const uint8_t *sk);
    /* As sig_sign_attached (deterministic, empty context), from a sig_precompute'd object. */
    int (*sig_sign_attached_precomp)(uint8_t *sm, size_t *smlen, const uint8_t *msg, size_t mlen,
                                     const void *pc);
    void (*sig_precomp_wipe)(void *pc);
};

/* Row by configuration id; NULL for 0x00 and unknown ids. */
const qstp_suite *qstp_suite_by_id(uint8_t id);

/* Row by protocol string. Accepts the NUL-terminated string, and also (use
 * qstp_suite_by_protocol_field) the 42-byte zero-padded wire field. NULL if unknown. */
const qstp_suite *qstp_suite_by_protocol_string(const char *s);
/* The 42-byte field of §4.3: the string followed only by zero bytes. Exact match required. */
const qstp_suite *qstp_suite_by_protocol_field(const uint8_t field[QSTP_PROTOCOL_SET_SIZE]);
/* Row by short name, e.g. "dilithium-s5_kyber-s5". Also accepts the full protocol string. */
const qstp_suite *qstp_suite_by_short_name(const char *s);

/* Iteration: index 0..qstp_suite_count()-1 in id order; NULL past the end. */
size_t qstp_suite_count(void);
const qstp_suite *qstp_suite_at(size_t index);

/* Writes the 42-byte zero-padded protocol field (§4.3). */
void qstp_suite_protocol_field(const qstp_suite *s, uint8_t field[QSTP_PROTOCOL_SET_SIZE]);

/* 1 for a row of the table: every build links every primitive, so every set is usable. */
int qstp_suite_available(const qstp_suite *s);

/* The reference default set 0x03 (§1.4). */
#define QSTP_SUITE_DEFAULT_ID 0x03

#endif
