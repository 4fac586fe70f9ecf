/* Key generation, root self-signature and root signing of server certificates
 * (QSTP-WIRE §8.6-§8.8). Time and randomness are parameters (sans-I/O). */
#include <string.h>

#include "crypto/ct.h"
#include "qstp/cert.h"

/* Issuer: a C string cut to fit the 32-byte field with its NUL (§8.7, "cut to fit"). */
static void set_issuer(uint8_t field[QSTP_ISSUER_SIZE], const char *issuer)
{
    memset(field, 0, QSTP_ISSUER_SIZE);
    if (issuer != NULL) {
        size_t n = strlen(issuer);
        if (n > QSTP_ISSUER_SIZE - 1)
            n = QSTP_ISSUER_SIZE - 1;
        memcpy(field, issuer, n);
    }
}

/* now + days * 86400, failing on overflow instead of wrapping. */
static int expiry(uint64_t *to, uint64_t now, uint32_t days)
{
    uint64_t span = (uint64_t)days * QSTP_SECONDS_PER_DAY;
    if (now > UINT64_MAX - span)
        return qstp_fail(qstp_error_invalid_input);
    *to = now + span;
    return 0;
}

/* The fields every key and certificate has (§8.1-§8.4), as pointers into one object, so that
 * generation and extraction are written once for root and server objects. sigkey is NULL for a
 * certificate. */
typedef struct {
    uint8_t *issuer, *serial, *sigkey, *verkey;
    uint64_t *from, *to;
    uint8_t *algorithm, *version;
} key_fields;

#define FIELDS_OF(o, sk)                                                                           \
    {(o)->issuer, (o)->serial, (sk), (o)->verkey, &(o)->from, &(o)->to, &(o)->algorithm,          \
     &(o)->version}

/* Fill a key whose struct the caller has wiped; on failure the caller wipes it again. */
static int key_fill(const key_fields *k, const qstp_suite *suite, const char *issuer,
                    uint64_t now, uint32_t days, uint32_t max_days, qstp_rng_fn rng,
                    void *rng_ctx)
{
    int r;
    if (suite == NULL || rng == NULL)
        return qstp_fail(qstp_error_invalid_input);
    /* Stricter than the reference, whose bound test uses || (§8.8, §11.10). */
    if (days < QSTP_CERT_MIN_DAYS || days > max_days)
        return qstp_fail(qstp_error_invalid_input);
    r = expiry(k->to, now, days);
    if (r != 0)
        return r;
    *k->from = now;
    set_issuer(k->issuer, issuer);
    if (rng(rng_ctx, k->serial, QSTP_SERIAL_SIZE) != 0)
        return qstp_fail(qstp_error_random_failure);
    r = suite->sig_keypair(k->verkey, k->sigkey, rng, rng_ctx);
    if (r != 0)
        return r;
    *k->algorithm = suite->id;
    *k->version = QSTP_CERTIFICATE_VERSION;
    return 0;
}

/* The key struct (obj, size bytes) is wiped first and again on failure: never half-written. */
static int key_generate(void *obj, size_t size, const key_fields *k, const qstp_suite *suite,
                        const char *issuer, uint64_t now, uint32_t days, uint32_t max_days,
                        qstp_rng_fn rng, void *rng_ctx)
{
    int r;
    qstp_wipe(obj, size);
    r = key_fill(k, suite, issuer, now, days, max_days, rng, rng_ctx);
    if (r != 0)
        qstp_wipe(obj, size);
    return r;
}

int qstp_root_key_generate(qstp_root_key *key, const qstp_suite *suite, const char *issuer,
                           uint64_t now, uint32_t days, qstp_rng_fn rng, void *rng_ctx)
{
    const key_fields k = FIELDS_OF(key, key->sigkey);
    return key_generate(key, sizeof *key, &k, suite, issuer, now, days, QSTP_ROOT_MAX_DAYS, rng,
                        rng_ctx);
}

int qstp_server_key_generate(qstp_server_key *key, const qstp_suite *suite, const char *issuer,
                             uint64_t now, uint32_t days, qstp_rng_fn rng, void *rng_ctx)
{
    const key_fields k = FIELDS_OF(key, key->sigkey);
    return key_generate(key, sizeof *key, &k, suite, issuer, now, days, QSTP_CERT_MAX_DAYS, rng,
                        rng_ctx);
}

/* §8.6: a certificate starts as the public fields of its key (the caller zeroed it). */
static void copy_public(const key_fields *cert, const key_fields *key, const qstp_suite *s)
{
    memcpy(cert->verkey, key->verkey, s->sig_vk_size);
    memcpy(cert->issuer, key->issuer, QSTP_ISSUER_SIZE);
    memcpy(cert->serial, key->serial, QSTP_SERIAL_SIZE);
    *cert->from = *key->from;
    *cert->to = *key->to;
    *cert->algorithm = *key->algorithm;
    *cert->version = *key->version;
}

/* Sign a 32-byte certificate hash into csig (SIG || hash, §1.5 attached form). */
static int sign_hash(uint8_t csig[QSTP_SIGNED_HASH_MAX], const qstp_suite *s,
                     const uint8_t hash[QSTP_HASH_SIZE], const uint8_t *sigkey, qstp_rng_fn rng,
                     void *rng_ctx)
{
    size_t smlen = 0;
    int r = s->sig_sign_attached(csig, &smlen, hash, QSTP_HASH_SIZE, sigkey, rng, rng_ctx);
    if (r == 0 && smlen != s->signed_hash_size)
        r = qstp_fail(qstp_error_signature_failure);
    return r;
}

int qstp_root_certificate_extract(qstp_root_certificate *cert, const qstp_root_key *key,
                                  qstp_rng_fn rng, void *rng_ctx)
{
    uint8_t hash[QSTP_HASH_SIZE];
    const qstp_suite *s = qstp_suite_by_id(key->algorithm);
    const key_fields c = FIELDS_OF(cert, NULL);
    const key_fields k = FIELDS_OF((qstp_root_key *)(uintptr_t)key, NULL); /* read only */
    int r;
    memset(cert, 0, sizeof *cert);
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    /* §8.6: copy the public fields from the key, then self-sign RootHash. */
    copy_public(&c, &k, s);
    r = qstp_root_certificate_hash(hash, cert);
    if (r == 0)
        r = sign_hash(cert->csig, s, hash, key->sigkey, rng, rng_ctx);
    if (r != 0)
        memset(cert, 0, sizeof *cert);
    return r;
}

int qstp_server_certificate_extract(qstp_server_certificate *cert, const qstp_server_key *key)
{
    const qstp_suite *s = qstp_suite_by_id(key->algorithm);
    const key_fields c = FIELDS_OF(cert, NULL);
    const key_fields k = FIELDS_OF((qstp_server_key *)(uintptr_t)key, NULL); /* read only */
    memset(cert, 0, sizeof *cert);
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    copy_public(&c, &k, s); /* csig and rootser stay zero until the root signs */
    return 0;
}

int qstp_server_certificate_sign(qstp_server_certificate *cert, const qstp_root_key *root,
                                 qstp_rng_fn rng, void *rng_ctx)
{
    /* Work on a copy so that cert is unchanged on failure. */
    qstp_server_certificate tmp;
    uint8_t hash[QSTP_HASH_SIZE];
    const qstp_suite *s = qstp_suite_by_id(root->algorithm);
    int r;
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (cert->algorithm != root->algorithm)
        return qstp_fail(qstp_error_algorithm_mismatch);
    /* A certificate whose validity would start after the root has expired would be clamped to
     * end before it starts: refuse instead of signing a certificate that can never be valid. */
    if (cert->from > root->to)
        return qstp_fail(qstp_error_root_expired);
    memcpy(&tmp, cert, sizeof tmp);
    /* §8.6 step 1: a server certificate never outlives its root. */
    if (tmp.to > root->to)
        tmp.to = root->to;
    memcpy(tmp.rootser, root->serial, QSTP_SERIAL_SIZE); /* step 2 */
    memset(tmp.csig, 0, sizeof tmp.csig);
    r = qstp_server_certificate_hash(hash, &tmp);
    if (r == 0)
        r = sign_hash(tmp.csig, s, hash, root->sigkey, rng, rng_ctx); /* step 3 */
    if (r == 0)
        memcpy(cert, &tmp, sizeof tmp);
    return r;
}

int qstp_server_key_set_schash(qstp_server_key *key, const qstp_root_certificate *root,
                               const qstp_server_certificate *cert)
{
    return qstp_certificate_chain_hash(key->schash, root, cert);
}
