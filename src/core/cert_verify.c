/* Certificate verification (QSTP-WIRE §8.6), stricter than the reference where that changes
 * nothing on the wire (§10 row 12, §11, resolution of Q11): the client also checks the root
 * self-signature, both validity windows, the algorithm and version bytes and rootser. Every
 * failure has its own code so the CLI can say what is wrong. */
#include <string.h>

#include "crypto/ct.h"
#include "qstp/cert.h"

/* csig must verify under verkey and carry exactly `hash` as its attached message. */
static int check_signed_hash(const qstp_suite *s, const uint8_t *csig, const uint8_t *verkey,
                             const uint8_t hash[QSTP_HASH_SIZE])
{
    /* The attached message is SIG+32 - SIG = 32 bytes. */
    uint8_t msg[QSTP_HASH_SIZE];
    size_t mlen = 0;
    int r = s->sig_open_attached(msg, &mlen, csig, s->signed_hash_size, verkey);
    if (r == qstp_fail(qstp_error_not_implemented))
        return r;
    if (r != 0 || mlen != QSTP_HASH_SIZE || !qstp_ct_equal(msg, hash, QSTP_HASH_SIZE))
        return qstp_fail(qstp_error_verify_failure);
    return 0;
}

/* from - tolerance <= now (tolerance for the reference's time-zone skew, see cert.h). */
static int started(uint64_t from, uint64_t now)
{
    return from <= now || from - now <= QSTP_CERT_FROM_TOLERANCE;
}

int qstp_root_certificate_verify(const qstp_root_certificate *root, uint64_t now)
{
    uint8_t hash[QSTP_HASH_SIZE];
    const qstp_suite *s = qstp_suite_by_id(root->algorithm);
    int r;
    if (s == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (root->version != QSTP_CERTIFICATE_VERSION)
        return qstp_fail(qstp_error_version_unsupported);
    r = qstp_root_certificate_hash(hash, root);
    if (r != 0)
        return r;
    r = check_signed_hash(s, root->csig, root->verkey, hash);
    if (r == qstp_fail(qstp_error_verify_failure))
        return qstp_fail(qstp_error_root_signature_invalid);
    if (r != 0)
        return r;
    if (!started(root->from, now))
        return qstp_fail(qstp_error_root_not_yet_valid);
    if (now > root->to)
        return qstp_fail(qstp_error_root_expired);
    return 0;
}

int qstp_server_certificate_verify(const qstp_server_certificate *cert,
                                   const qstp_root_certificate *root, uint64_t now)
{
    uint8_t hash[QSTP_HASH_SIZE];
    const qstp_suite *s;
    int r = qstp_root_certificate_verify(root, now);
    if (r != 0)
        return r;
    s = qstp_suite_by_id(root->algorithm);
    if (qstp_suite_by_id(cert->algorithm) == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    if (cert->algorithm != root->algorithm)
        return qstp_fail(qstp_error_algorithm_mismatch);
    if (cert->version != QSTP_CERTIFICATE_VERSION)
        return qstp_fail(qstp_error_version_unsupported);
    /* The reference does not compare rootser (it is only hashed, §8.6); we do, first, so that a
     * certificate from another root gets a precise error. */
    if (memcmp(cert->rootser, root->serial, QSTP_SERIAL_SIZE) != 0)
        return qstp_fail(qstp_error_root_serial_mismatch);
    r = qstp_server_certificate_hash(hash, cert);
    if (r != 0)
        return r;
    r = check_signed_hash(s, cert->csig, root->verkey, hash);
    if (r != 0)
        return r;
    if (!started(cert->from, now))
        return qstp_fail(qstp_error_certificate_not_yet_valid);
    if (now > cert->to)
        return qstp_fail(qstp_error_certificate_expired);
    return 0;
}

int qstp_server_key_matches_certificate(const qstp_server_key *key,
                                        const qstp_server_certificate *cert)
{
    const qstp_suite *s = qstp_suite_by_id(key->algorithm);
    if (s == NULL || cert->algorithm != key->algorithm ||
        memcmp(key->serial, cert->serial, QSTP_SERIAL_SIZE) != 0 ||
        memcmp(key->verkey, cert->verkey, s->sig_vk_size) != 0)
        return qstp_fail(qstp_error_key_unrecognized);
    return 0;
}
