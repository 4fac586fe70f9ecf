/* The configuration-set table (QSTP-WIRE §1.1-§1.3) and the adapters that give every set the same
 * operation signatures (include/qstp/suite.h).
 *
 * Every build links every primitive (ML-KEM, ML-DSA, SLH-DSA, Classic McEliece), so every set
 * works everywhere. (During development the references were weak; they are ordinary references
 * now, so a static link pulls the primitives in.) */
#include "qstp/suite.h"

#include <stdint.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/mceliece/mceliece.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/mlkem/mlkem.h"
#include "crypto/slhdsa/slhdsa.h"
#include "qstp/errors.h"

/* QSTP-WIRE §1.5: McEliece ciphertexts carry the 32-byte plaintext confirmation (round 3). */
#define MCELIECE_PC 1

/* ---------------- ML-DSA adapters (deterministic, empty context, §1.5) ---------------- */
#define MLDSA_ADAPTERS(L)                                                                          \
    static int mldsa##L##_keypair(uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *ctx)           \
    {                                                                                              \
        return qstp_mldsa_keypair(L, pk, sk, rng, ctx) == 0 ? 0                                    \
                                                            : qstp_fail(qstp_error_random_failure); \
    }                                                                                              \
    static int mldsa##L##_sign(uint8_t *sm, size_t *smlen, const uint8_t *msg, size_t mlen,         \
                               const uint8_t *sk, qstp_rng_fn rng, void *ctx)                      \
    {                                                                                              \
        (void)rng;                                                                                 \
        (void)ctx;                                                                                 \
        return qstp_mldsa_sign_attached(L, sm, smlen, msg, mlen, sk, NULL) == 0                    \
                   ? 0                                                                             \
                   : qstp_fail(qstp_error_signature_failure);                                     \
    }                                                                                              \
    static int mldsa##L##_open(uint8_t *msg, size_t *mlen, const uint8_t *sm, size_t smlen,         \
                               const uint8_t *pk)                                                  \
    {                                                                                              \
        return qstp_mldsa_open_attached(L, msg, mlen, sm, smlen, pk) == 0                          \
                   ? 0                                                                             \
                   : qstp_fail(qstp_error_verify_failure);                                        \
    }

MLDSA_ADAPTERS(44)
MLDSA_ADAPTERS(65)
MLDSA_ADAPTERS(87)

/* The precomputed signer (mldsa.h qstp_mldsa_signer): one object type for every level, the level
 * is stored in it. Same signatures as the adapters above, without re-expanding the key. */
static int mldsa_precompute(unsigned level, void *pc, size_t pclen, const uint8_t *sk)
{
    if (pc == NULL || pclen < sizeof(qstp_mldsa_signer) ||
        (uintptr_t)pc % _Alignof(qstp_mldsa_signer) != 0)
        return qstp_fail(qstp_error_invalid_input);
    return qstp_mldsa_signer_init((qstp_mldsa_signer *)pc, level, sk) == 0
               ? 0
               : qstp_fail(qstp_error_invalid_input);
}
#define MLDSA_PRECOMPUTE(L)                                                                        \
    static int mldsa##L##_precompute(void *pc, size_t pclen, const uint8_t *sk)                     \
    {                                                                                              \
        return mldsa_precompute(L, pc, pclen, sk);                                                 \
    }
MLDSA_PRECOMPUTE(44)
MLDSA_PRECOMPUTE(65)
MLDSA_PRECOMPUTE(87)

static int mldsa_sign_precomp(uint8_t *sm, size_t *smlen, const uint8_t *msg, size_t mlen,
                              const void *pc)
{
    return qstp_mldsa_signer_sign_attached((const qstp_mldsa_signer *)pc, sm, smlen, msg, mlen,
                                           NULL) == 0
               ? 0
               : qstp_fail(qstp_error_signature_failure);
}

static void mldsa_precomp_wipe(void *pc)
{
    qstp_mldsa_signer_wipe((qstp_mldsa_signer *)pc);
}

/* ---------------- SLH-DSA adapters (FIPS 205 pure, empty context; §1.5 Q2) ---------------- */
#define SLHDSA_ADAPTERS(NAME, P, N)                                                                \
    static int NAME##_keypair(uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *ctx)               \
    {                                                                                              \
        return qstp_slhdsa_keypair(P, pk, sk, rng, ctx) == 0 ? 0                                   \
                                                             : qstp_fail(qstp_error_random_failure); \
    }                                                                                              \
    static int NAME##_sign(uint8_t *sm, size_t *smlen, const uint8_t *msg, size_t mlen,             \
                           const uint8_t *sk, qstp_rng_fn rng, void *ctx)                          \
    {                                                                                              \
        uint8_t addrnd[N];                                                                         \
        const uint8_t *opt = NULL;                                                                 \
        int r;                                                                                     \
        if (rng != NULL) {                                                                         \
            if (rng(ctx, addrnd, sizeof addrnd) != 0)                                              \
                return qstp_fail(qstp_error_random_failure);                                       \
            opt = addrnd;                                                                          \
        }                                                                                          \
        r = qstp_slhdsa_sign_attached(P, sm, smlen, msg, mlen, sk, opt);                           \
        qstp_wipe(addrnd, sizeof addrnd);                                                          \
        return r == 0 ? 0 : qstp_fail(qstp_error_signature_failure);                               \
    }                                                                                              \
    static int NAME##_open(uint8_t *msg, size_t *mlen, const uint8_t *sm, size_t smlen,             \
                           const uint8_t *pk)                                                      \
    {                                                                                              \
        return qstp_slhdsa_open_attached(P, msg, mlen, sm, smlen, pk) == 0                         \
                   ? 0                                                                             \
                   : qstp_fail(qstp_error_verify_failure);                                        \
    }

SLHDSA_ADAPTERS(slh128s, QSTP_SLHDSA_SHAKE_128S, 16)
SLHDSA_ADAPTERS(slh192s, QSTP_SLHDSA_SHAKE_192S, 24)
SLHDSA_ADAPTERS(slh256s, QSTP_SLHDSA_SHAKE_256S, 32)

/* ---------------- ML-KEM adapters ---------------- */
#define MLKEM_ADAPTERS(K)                                                                          \
    static int mlkem##K##_keypair(uint8_t *pk, uint8_t *sk, void *ws, size_t wslen,               \
                                  qstp_rng_fn rng, void *ctx)                                      \
    {                                                                                              \
        (void)ws;                                                                                  \
        (void)wslen;                                                                               \
        return qstp_mlkem_keypair(K, pk, sk, rng, ctx) == 0 ? 0                                    \
                                                            : qstp_fail(qstp_error_random_failure); \
    }                                                                                              \
    static int mlkem##K##_encaps(uint8_t *ct, uint8_t *ss, const uint8_t *pk, qstp_rng_fn rng,     \
                                 void *ctx)                                                        \
    {                                                                                              \
        return qstp_mlkem_encaps(K, ct, ss, pk, rng, ctx) == 0                                     \
                   ? 0                                                                             \
                   : qstp_fail(qstp_error_exchange_failure);                                      \
    }                                                                                              \
    static int mlkem##K##_decaps(uint8_t *ss, const uint8_t *ct, const uint8_t *sk, int *ok)       \
    {                                                                                              \
        return qstp_mlkem_decaps(K, ss, ct, sk, ok) == 0                                           \
                   ? 0                                                                             \
                   : qstp_fail(qstp_error_decapsulation_failure);                                 \
    }                                                                                              \
    static size_t mlkem##K##_ws(void)                                                              \
    {                                                                                              \
        return 0;                                                                                  \
    }

MLKEM_ADAPTERS(2)
MLKEM_ADAPTERS(3)
MLKEM_ADAPTERS(4)
MLKEM_ADAPTERS(5)

/* ---------------- Classic McEliece adapters (pc = 1, §1.5) ---------------- */
#define MCELIECE_ADAPTERS(NAME, P)                                                                 \
    static int NAME##_keypair(uint8_t *pk, uint8_t *sk, void *ws, size_t wslen, qstp_rng_fn rng,   \
                              void *ctx)                                                           \
    {                                                                                              \
        return qstp_mceliece_keypair(P, pk, sk, ws, wslen, rng, ctx) == 0                          \
                   ? 0                                                                             \
                   : qstp_fail(qstp_error_random_failure);                                        \
    }                                                                                              \
    static int NAME##_encaps(uint8_t *ct, uint8_t *ss, const uint8_t *pk, qstp_rng_fn rng,         \
                             void *ctx)                                                            \
    {                                                                                              \
        return qstp_mceliece_encaps(P, MCELIECE_PC, ct, ss, pk, rng, ctx) == 0                     \
                   ? 0                                                                             \
                   : qstp_fail(qstp_error_exchange_failure);                                      \
    }                                                                                              \
    static int NAME##_decaps(uint8_t *ss, const uint8_t *ct, const uint8_t *sk, int *ok)           \
    {                                                                                              \
        int r, good = 0;                                                                           \
        /* Implicit rejection, but *ok reports it: a reference server aborts then (§1.5). */        \
        r = qstp_mceliece_decaps_checked(P, MCELIECE_PC, ss, ct, sk, &good);                       \
        if (ok != NULL)                                                                            \
            *ok = (r == 0) && good;                                                                \
        return r == 0 ? 0 : qstp_fail(qstp_error_decapsulation_failure);                           \
    }                                                                                              \
    static size_t NAME##_ws(void)                                                                  \
    {                                                                                              \
        return qstp_mceliece_keygen_workspace_size(P);                                             \
    }

MCELIECE_ADAPTERS(mce348864, QSTP_MCELIECE_348864)
MCELIECE_ADAPTERS(mce460896, QSTP_MCELIECE_460896)
MCELIECE_ADAPTERS(mce6688128, QSTP_MCELIECE_6688128)
MCELIECE_ADAPTERS(mce6960119, QSTP_MCELIECE_6960119)
MCELIECE_ADAPTERS(mce8192128, QSTP_MCELIECE_8192128)

/* ---------------- the table ---------------- */
#define SIG_MLDSA(L, VK, SSK, SIG, NAME)                                                           \
    .sig_name = NAME, .sig_family = QSTP_SIG_MLDSA, .sig_param = L, .sig_vk_size = VK,            \
    .sig_sk_size = SSK, .sig_size = SIG, .sig_keypair = mldsa##L##_keypair,                        \
    .sig_sign_attached = mldsa##L##_sign, .sig_open_attached = mldsa##L##_open,                   \
    .sig_precomp_size = sizeof(qstp_mldsa_signer), .sig_precompute = mldsa##L##_precompute,        \
    .sig_sign_attached_precomp = mldsa_sign_precomp, .sig_precomp_wipe = mldsa_precomp_wipe
#define SIG_SLHDSA(NAME_, P, VK, SSK, SIG, NAME)                                                   \
    .sig_name = NAME, .sig_family = QSTP_SIG_SLHDSA, .sig_param = P, .sig_vk_size = VK,           \
    .sig_sk_size = SSK, .sig_size = SIG, .sig_keypair = NAME_##_keypair,                           \
    .sig_sign_attached = NAME_##_sign, .sig_open_attached = NAME_##_open
#define KEM_MLKEM(K, KPK, KSK, CT, NAME)                                                           \
    .kem_name = NAME, .kem_family = QSTP_KEM_MLKEM, .kem_param = K, .kem_pk_size = KPK,           \
    .kem_sk_size = KSK, .kem_ct_size = CT, .kem_keypair = mlkem##K##_keypair,                      \
    .kem_encaps = mlkem##K##_encaps, .kem_decaps = mlkem##K##_decaps,                              \
    .kem_keygen_workspace_size = mlkem##K##_ws
#define KEM_MCE(NAME_, P, KPK, KSK, CT, NAME)                                                      \
    .kem_name = NAME, .kem_family = QSTP_KEM_MCELIECE, .kem_param = P, .kem_pk_size = KPK,        \
    .kem_sk_size = KSK, .kem_ct_size = CT, .kem_keypair = NAME_##_keypair,                         \
    .kem_encaps = NAME_##_encaps, .kem_decaps = NAME_##_decaps,                                    \
    .kem_keygen_workspace_size = NAME_##_ws
/* §1.3 formulas */
#define SIZES(VK, SSK, SIG, KPK, CT)                                                               \
    .signed_hash_size = (SIG) + 32, .root_cert_size = (SIG) + (VK) + 98,                          \
    .server_cert_size = (SIG) + (VK) + 114, .root_key_size = (SSK) + (VK) + 66,                   \
    .server_key_size = (SSK) + (VK) + 98, .connect_request_size = 16 + QSTP_PROTOCOL_SET_SIZE,    \
    .connect_response_size = (SIG) + 32 + (KPK), .exchange_request_size = (CT),                   \
    .exchange_response_size = 32
#define PROTO(ID, SHORT) .id = ID, .protocol_string = SHORT "_rcs-256_sha3-256",                    \
    .protocol_string_len = sizeof(SHORT "_rcs-256_sha3-256") - 1, .short_name = SHORT

#define MLDSA44 SIG_MLDSA(44, 1312, 2560, 2420, "ML-DSA-44")
#define MLDSA65 SIG_MLDSA(65, 1952, 4032, 3309, "ML-DSA-65")
#define MLDSA87 SIG_MLDSA(87, 2592, 4896, 4627, "ML-DSA-87")
#define SLH128S SIG_SLHDSA(slh128s, QSTP_SLHDSA_SHAKE_128S, 32, 64, 7856, "SLH-DSA-SHAKE-128s")
#define SLH192S SIG_SLHDSA(slh192s, QSTP_SLHDSA_SHAKE_192S, 48, 96, 16224, "SLH-DSA-SHAKE-192s")
#define SLH256S SIG_SLHDSA(slh256s, QSTP_SLHDSA_SHAKE_256S, 64, 128, 29792, "SLH-DSA-SHAKE-256s")
#define MLKEM2 KEM_MLKEM(2, 800, 1632, 768, "ML-KEM-512")
#define MLKEM3 KEM_MLKEM(3, 1184, 2400, 1088, "ML-KEM-768")
#define MLKEM4 KEM_MLKEM(4, 1568, 3168, 1568, "ML-KEM-1024")
#define MLKEM5 KEM_MLKEM(5, 1952, 3936, 1920, "Kyber-k5")
#define MCE1 KEM_MCE(mce348864, QSTP_MCELIECE_348864, 261120, 6492, 128, "McEliece-348864")
#define MCE3 KEM_MCE(mce460896, QSTP_MCELIECE_460896, 524160, 13608, 188, "McEliece-460896")
#define MCE5 KEM_MCE(mce6688128, QSTP_MCELIECE_6688128, 1044992, 13932, 240, "McEliece-6688128")
#define MCE6 KEM_MCE(mce6960119, QSTP_MCELIECE_6960119, 1047319, 13948, 226, "McEliece-6960119")
#define MCE7 KEM_MCE(mce8192128, QSTP_MCELIECE_8192128, 1357824, 14120, 240, "McEliece-8192128")

static const qstp_suite suites[QSTP_SUITE_COUNT] = {
    {PROTO(0x01, "dilithium-s1_kyber-s1"), MLDSA44, MLKEM2, SIZES(1312, 2560, 2420, 800, 768)},
    {PROTO(0x02, "dilithium-s3_kyber-s3"), MLDSA65, MLKEM3, SIZES(1952, 4032, 3309, 1184, 1088)},
    {PROTO(0x03, "dilithium-s5_kyber-s5"), MLDSA87, MLKEM4, SIZES(2592, 4896, 4627, 1568, 1568)},
    /* §1.1: the enum says rcs512_shake512 but the string and the code use RCS-256. */
    {PROTO(0x04, "dilithium-s5_kyber-s6"), MLDSA87, MLKEM5, SIZES(2592, 4896, 4627, 1952, 1920)},
    {PROTO(0x05, "dilithium-s1_mceliece-s1"), MLDSA44, MCE1, SIZES(1312, 2560, 2420, 261120, 128)},
    {PROTO(0x06, "dilithium-s3_mceliece-s3"), MLDSA65, MCE3, SIZES(1952, 4032, 3309, 524160, 188)},
    {PROTO(0x07, "dilithium-s5_mceliece-s5"), MLDSA87, MCE5, SIZES(2592, 4896, 4627, 1044992, 240)},
    {PROTO(0x08, "dilithium-s5_mceliece-s6"), MLDSA87, MCE6, SIZES(2592, 4896, 4627, 1047319, 226)},
    {PROTO(0x09, "dilithium-s5_mceliece-s7"), MLDSA87, MCE7, SIZES(2592, 4896, 4627, 1357824, 240)},
    {PROTO(0x0A, "sphincs-s1_mceliece-s1"), SLH128S, MCE1, SIZES(32, 64, 7856, 261120, 128)},
    {PROTO(0x0B, "sphincs-s3_mceliece-s3"), SLH192S, MCE3, SIZES(48, 96, 16224, 524160, 188)},
    {PROTO(0x0C, "sphincs-s5_mceliece-s5"), SLH256S, MCE5, SIZES(64, 128, 29792, 1044992, 240)},
    {PROTO(0x0D, "sphincs-s5_mceliece-s6"), SLH256S, MCE6, SIZES(64, 128, 29792, 1047319, 226)},
    {PROTO(0x0E, "sphincs-s5_mceliece-s7"), SLH256S, MCE7, SIZES(64, 128, 29792, 1357824, 240)},
};

const qstp_suite *qstp_suite_by_id(uint8_t id)
{
    if (id < 0x01 || id > QSTP_SUITE_COUNT)
        return NULL;
    return &suites[id - 1];
}

size_t qstp_suite_count(void)
{
    return QSTP_SUITE_COUNT;
}

const qstp_suite *qstp_suite_at(size_t index)
{
    return index < QSTP_SUITE_COUNT ? &suites[index] : NULL;
}

const qstp_suite *qstp_suite_by_protocol_string(const char *s)
{
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < QSTP_SUITE_COUNT; i++) {
        if (strcmp(s, suites[i].protocol_string) == 0)
            return &suites[i];
    }
    return NULL;
}

const qstp_suite *qstp_suite_by_protocol_field(const uint8_t field[QSTP_PROTOCOL_SET_SIZE])
{
    if (field == NULL)
        return NULL;
    for (size_t i = 0; i < QSTP_SUITE_COUNT; i++) {
        const qstp_suite *s = &suites[i];
        if (memcmp(field, s->protocol_string, s->protocol_string_len) != 0)
            continue;
        /* The rest of the field must be zero padding. */
        int pad_ok = 1;
        for (size_t j = s->protocol_string_len; j < QSTP_PROTOCOL_SET_SIZE; j++)
            pad_ok &= (field[j] == 0);
        if (pad_ok)
            return s;
    }
    return NULL;
}

const qstp_suite *qstp_suite_by_short_name(const char *s)
{
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < QSTP_SUITE_COUNT; i++) {
        if (strcmp(s, suites[i].short_name) == 0)
            return &suites[i];
    }
    return qstp_suite_by_protocol_string(s);
}

void qstp_suite_protocol_field(const qstp_suite *s, uint8_t field[QSTP_PROTOCOL_SET_SIZE])
{
    memset(field, 0, QSTP_PROTOCOL_SET_SIZE);
    memcpy(field, s->protocol_string, s->protocol_string_len);
}

int qstp_suite_available(const qstp_suite *s)
{
    /* Every primitive is linked into every build (see the top of this file). */
    return s != NULL && qstp_suite_by_id(s->id) == s;
}
