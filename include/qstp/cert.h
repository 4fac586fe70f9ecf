/* Root and server certificates and signing keys (QSTP-WIRE §8).
 *
 * Memory: every struct holds max-size arrays (the largest set's SIG+32, VK and SSK), so a
 * certificate or key is a plain value the caller owns: no allocation, no pointers into someone
 * else's buffer, sizeof known at compile time. The cost is size: a certificate is about 32 KiB
 * (the SLH-DSA-256s signature is 29.8 KB), a key about 7.6 KiB. Only the first
 * suite->signed_hash_size / sig_vk_size / sig_sk_size bytes of csig / verkey / sigkey are used,
 * the rest stays zero. Keep them off small stacks (static, heap or a long-lived context).
 *
 * Serialization is byte-exact with the reference (§8.1-§8.4): fixed size per set, all integers
 * LE64, algorithm and version one byte each. The set is read from the object's algorithm byte.
 *
 * Time: every function that needs "now" takes it as a parameter (Unix seconds, UTC); nothing
 * here reads a clock or the OS random generator (sans-I/O).
 *
 * Return values: 0 or a negated qstp_errors code (qstp_fail()). On failure outputs are zeroed. */
#ifndef QSTP_CERT_H
#define QSTP_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/errors.h"
#include "qstp/suite.h"

/* §8.8: server certificate validity bounds in days (QSTP_CERTIFICATE_MINIMUM/MAXIMUM_PERIOD). */
#define QSTP_CERT_MIN_DAYS 1u
#define QSTP_CERT_MAX_DAYS 730u
#define QSTP_CERT_DEFAULT_DAYS 365u
/* The reference accepts any root validity (REF-DEFECT §8.8/§11.10); we bound it to 20 years. */
#define QSTP_ROOT_MAX_DAYS 7305u
#define QSTP_SECONDS_PER_DAY 86400u

/* The reference stamps `from` with mktime(gmtime(now)), which is skewed by the issuing host's
 * time zone (§2.2): up to 12 h into the future for hosts west of UTC (UTC-12). So that a freshly
 * issued reference certificate is not refused as "not yet valid", `from` may lie up to this many
 * seconds after now. (Expiry, `to`, gets no tolerance: the reference checks it strictly.) */
#define QSTP_CERT_FROM_TOLERANCE 50400u

typedef struct qstp_root_certificate {
    uint8_t csig[QSTP_SIGNED_HASH_MAX]; /* SIG || RootHash (self-signature, §8.6) */
    uint8_t verkey[QSTP_VK_MAX];
    uint8_t issuer[QSTP_ISSUER_SIZE]; /* C string, zero padded; all 32 bytes are hashed */
    uint8_t serial[QSTP_SERIAL_SIZE];
    uint64_t from; /* Unix seconds */
    uint64_t to;
    uint8_t algorithm; /* configuration id (§1.1) */
    uint8_t version;   /* QSTP_CERTIFICATE_VERSION */
} qstp_root_certificate;

typedef struct qstp_server_certificate {
    uint8_t csig[QSTP_SIGNED_HASH_MAX]; /* SIG || ServerHash by the root; zeros until signed */
    uint8_t verkey[QSTP_VK_MAX];
    uint8_t issuer[QSTP_ISSUER_SIZE];
    uint8_t serial[QSTP_SERIAL_SIZE];
    uint8_t rootser[QSTP_SERIAL_SIZE]; /* root serial; zeros until signed */
    uint64_t from;
    uint64_t to;
    uint8_t algorithm;
    uint8_t version;
} qstp_server_certificate;

typedef struct qstp_root_key {
    uint8_t issuer[QSTP_ISSUER_SIZE];
    uint8_t serial[QSTP_SERIAL_SIZE];
    uint8_t sigkey[QSTP_SSK_MAX]; /* secret */
    uint8_t verkey[QSTP_VK_MAX];
    uint64_t from;
    uint64_t to;
    uint8_t algorithm;
    uint8_t version;
} qstp_root_key;

typedef struct qstp_server_key {
    uint8_t issuer[QSTP_ISSUER_SIZE];
    uint8_t schash[QSTP_HASH_SIZE]; /* sch0; stored as zeros on disk (§8.4) */
    uint8_t serial[QSTP_SERIAL_SIZE];
    uint8_t sigkey[QSTP_SSK_MAX]; /* secret */
    uint8_t verkey[QSTP_VK_MAX];
    uint64_t from;
    uint64_t to; /* unclamped: the key keeps the requested expiry (§8.6) */
    uint8_t algorithm;
    uint8_t version;
} qstp_server_key;

/* ---------------- serialization (§8.1-§8.4) ----------------
 * *_serialize: writes exactly suite->X_size bytes to out (outlen must be at least that) and sets
 * *written; fails with unknown_configuration for an unknown algorithm byte, buffer_too_small.
 * *_deserialize: in must be exactly one object of the set named by its own algorithm byte
 * (the byte two from the end); malformed for any other length, unknown_configuration for an
 * unknown id, version_unsupported when the last byte is not QSTP_CERTIFICATE_VERSION (the only
 * version the reference writes; the PEM and TEXT decoders apply the same rule). Serialization
 * never checks signatures; verification is separate. */
int qstp_root_certificate_serialize(uint8_t *out, size_t outlen, size_t *written,
                                    const qstp_root_certificate *cert);
int qstp_root_certificate_deserialize(qstp_root_certificate *cert, const uint8_t *in, size_t inlen);
int qstp_server_certificate_serialize(uint8_t *out, size_t outlen, size_t *written,
                                      const qstp_server_certificate *cert);
int qstp_server_certificate_deserialize(qstp_server_certificate *cert, const uint8_t *in,
                                        size_t inlen);
int qstp_root_key_serialize(uint8_t *out, size_t outlen, size_t *written, const qstp_root_key *key);
int qstp_root_key_deserialize(qstp_root_key *key, const uint8_t *in, size_t inlen);
/* The server key is serialized with schash as stored in the struct; the reference writes zeros
 * (§8.4), so pass a key whose schash is zero for a reference-identical file, or use
 * qstp_server_key_serialize_file which zeroes it. */
int qstp_server_key_serialize(uint8_t *out, size_t outlen, size_t *written,
                              const qstp_server_key *key);
int qstp_server_key_serialize_file(uint8_t *out, size_t outlen, size_t *written,
                                   const qstp_server_key *key);
int qstp_server_key_deserialize(qstp_server_key *key, const uint8_t *in, size_t inlen);

/* Serialized size of each object for a set id, 0 if the id is unknown. */
size_t qstp_root_certificate_size(uint8_t algorithm);
size_t qstp_server_certificate_size(uint8_t algorithm);
size_t qstp_root_key_size(uint8_t algorithm);
size_t qstp_server_key_size(uint8_t algorithm);

/* ---------------- hashes (§8.5) ---------------- */
int qstp_root_certificate_hash(uint8_t out[QSTP_HASH_SIZE], const qstp_root_certificate *cert);
int qstp_server_certificate_hash(uint8_t out[QSTP_HASH_SIZE], const qstp_server_certificate *cert);
/* sch0 = H(RootHash || ServerHash) (§4.2). */
int qstp_certificate_chain_hash(uint8_t sch0[QSTP_HASH_SIZE], const qstp_root_certificate *root,
                                const qstp_server_certificate *cert);

/* ---------------- generation and signing (§8.6-§8.8) ----------------
 * issuer: a C string, cut to 31 bytes + NUL (the reference's convention is
 * "<domain>_<host>.qrr" / ".qrc", §8.7); NULL gives an all-zero issuer.
 * now: Unix seconds; from = now, to = now + days * 86400.
 * rng supplies the 16-byte serial and the key-generation randomness. */
int qstp_root_key_generate(qstp_root_key *key, const qstp_suite *suite, const char *issuer,
                           uint64_t now, uint32_t days, qstp_rng_fn rng, void *rng_ctx);
/* Root certificate from the root key, self-signed (csig = Sign(sigkey, RootHash)). rng is used
 * only by SLH-DSA (addrnd); ML-DSA signs deterministically, so re-extraction gives equal bytes. */
int qstp_root_certificate_extract(qstp_root_certificate *cert, const qstp_root_key *key,
                                  qstp_rng_fn rng, void *rng_ctx);
/* days must be within QSTP_CERT_MIN_DAYS..QSTP_CERT_MAX_DAYS (§8.8). schash is left zero. */
int qstp_server_key_generate(qstp_server_key *key, const qstp_suite *suite, const char *issuer,
                             uint64_t now, uint32_t days, qstp_rng_fn rng, void *rng_ctx);
/* Unsigned server certificate from the key (csig and rootser zero), as the server writes it. */
int qstp_server_certificate_extract(qstp_server_certificate *cert, const qstp_server_key *key);
/* The root signs a server certificate in place (§8.6): clamps to to the root's to, sets
 * rootser = root serial, csig = Sign(root sigkey, ServerHash). The sets must match
 * (algorithm_mismatch); a certificate whose from is after the root's to is refused
 * (root_expired: clamped, it would end before it starts). On failure cert is unchanged.
 * The key's own to is not touched (the reference keeps it unclamped); `qstp root sign` caps it
 * to the certificate's. */
int qstp_server_certificate_sign(qstp_server_certificate *cert, const qstp_root_key *root,
                                 qstp_rng_fn rng, void *rng_ctx);
/* sch0 into key->schash (what the server computes at load time, §8.4). */
int qstp_server_key_set_schash(qstp_server_key *key, const qstp_root_certificate *root,
                               const qstp_server_certificate *cert);

/* ---------------- verification (§8.6, stricter where compatible: §10 row 12, §11) ----------------
 * Root: known set (unknown_configuration), version 1 (version_unsupported), self-signature over
 * RootHash with its own verkey (root_signature_invalid), from - QSTP_CERT_FROM_TOLERANCE <= now
 * (root_not_yet_valid), now <= to (root_expired). */
int qstp_root_certificate_verify(const qstp_root_certificate *root, uint64_t now);
/* Server certificate against its root (the root is verified first, with the codes above), then:
 * the certificate's set equals the root's (algorithm_mismatch; unknown id: unknown_configuration),
 * version 1, rootser == root serial (root_serial_mismatch), csig verifies with the root verkey and
 * recovers exactly ServerHash (verify_failure), from - QSTP_CERT_FROM_TOLERANCE <= now
 * (certificate_not_yet_valid), now <= to (certificate_expired). */
int qstp_server_certificate_verify(const qstp_server_certificate *cert,
                                   const qstp_root_certificate *root, uint64_t now);
/* The key matches the certificate (same set, serial and verification key): catches a server
 * started with a certificate that belongs to another key. 0 or key_unrecognized. */
int qstp_server_key_matches_certificate(const qstp_server_key *key,
                                        const qstp_server_certificate *cert);

/* Wipe the secret signing key (and everything else) of a key struct. */
void qstp_root_key_clear(qstp_root_key *key);
void qstp_server_key_clear(qstp_server_key *key);

/* ---------------- encodings (certfile.c; in memory only, no file I/O) ----------------
 * BINARY: the §8.1-§8.4 serialization.
 * TEXT:   the reference's printable certificate form (§8.9, qstp_*_certificate_encode), for
 *         certificates only. Deviations, all deliberate: times are printed in UTC (the reference
 *         uses the host's local time; equal on TZ=UTC hosts, which is how the reference vectors
 *         were made); the Algorithm line names the certificate's own set (the reference prints its
 *         build's set, which is the same string for a certificate it can use); no NUL byte is
 *         counted after the final newline (one is stored if the buffer has room). The issuer must
 *         be printable ASCII followed only by zero padding, and the years must be 1970..9999.
 * PEM:    "-----BEGIN QSTP ROOT CERTIFICATE-----" / SERVER CERTIFICATE / ROOT SECRET KEY /
 *         SERVER SECRET KEY armor around the base64 of the binary form, 64 columns, LF endings.
 * Decoding detects the encoding: "------BEGIN QSTP" (six dashes) is TEXT, "-----BEGIN QSTP"
 * (five) is PEM, anything else BINARY. Leading whitespace is skipped for TEXT and PEM; CRLF line
 * endings are accepted. Trailing whitespace and NUL bytes after the end line are ignored;
 * anything else is malformed. */
typedef enum qstp_encoding {
    QSTP_ENCODING_BINARY = 0,
    QSTP_ENCODING_TEXT = 1,
    QSTP_ENCODING_PEM = 2
} qstp_encoding;

/* Buffer size that suffices to encode an object of `binary_len` bytes in any encoding. */
size_t qstp_encoded_size_max(size_t binary_len);

/* encode: *written excludes the trailing NUL that TEXT/PEM add when there is room.
 * Keys have no TEXT form (invalid_input). decode: *detected (may be NULL) gets the encoding. */
int qstp_root_certificate_encode(uint8_t *out, size_t outlen, size_t *written,
                                 const qstp_root_certificate *cert, qstp_encoding enc);
int qstp_root_certificate_decode(qstp_root_certificate *cert, const uint8_t *in, size_t inlen,
                                 qstp_encoding *detected);
int qstp_server_certificate_encode(uint8_t *out, size_t outlen, size_t *written,
                                   const qstp_server_certificate *cert, qstp_encoding enc);
int qstp_server_certificate_decode(qstp_server_certificate *cert, const uint8_t *in,
                                   size_t inlen, qstp_encoding *detected);
int qstp_root_key_encode(uint8_t *out, size_t outlen, size_t *written, const qstp_root_key *key,
                         qstp_encoding enc);
int qstp_root_key_decode(qstp_root_key *key, const uint8_t *in, size_t inlen,
                         qstp_encoding *detected);
/* The server key's BINARY and PEM forms carry schash as zeros, as the reference's file (§8.4). */
int qstp_server_key_encode(uint8_t *out, size_t outlen, size_t *written,
                           const qstp_server_key *key, qstp_encoding enc);
int qstp_server_key_decode(qstp_server_key *key, const uint8_t *in, size_t inlen,
                           qstp_encoding *detected);
/* "YYYY-MM-DD HH:MM:SS UTC" for messages ("server certificate expired on ..."). Returns 0, or
 * invalid_input for times after 9999-12-31 (out is then "invalid time"). */
#define QSTP_TIME_STRING_SIZE 24
int qstp_cert_time_format(char out[QSTP_TIME_STRING_SIZE], uint64_t t);

/* Which encoding a buffer is in (the detection rule above). */
qstp_encoding qstp_encoding_detect(const uint8_t *in, size_t inlen);

#endif
