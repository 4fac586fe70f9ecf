/* Key and certificate files: the I/O half of certificates (the core half, encodings in memory,
 * is src/core/certfile.c). Reads are size-capped; writes are atomic (a temporary file in the same
 * directory, fsync, rename, fsync of the directory), so a crash never leaves a half-written key.
 * Secret keys are written with mode 0600, certificates with 0644 (exactly; the umask does not
 * apply). Loading a secret key whose file grants any group/other permission succeeds but sets
 * QSTP_KEYFILE_WARN_PERMISSIONS so the caller can log a warning.
 *
 * Return values: 0 or a negated qstp_errors code (io, file_too_large, or the decoder's code).
 * After an io failure errno still describes the failing call. */
#ifndef QSTP_NET_KEYFILE_H
#define QSTP_NET_KEYFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "qstp/cert.h"

#define QSTP_KEYFILE_MODE_SECRET 0600
#define QSTP_KEYFILE_MODE_PUBLIC 0644
/* Default read cap: comfortably above the largest object (a text SLH-DSA-256s certificate is
 * about 41 KB) and a revocation list of tens of thousands of entries. */
#define QSTP_KEYFILE_DEFAULT_CAP (4u << 20)

/* Warning bits reported by the load functions. */
#define QSTP_KEYFILE_WARN_PERMISSIONS 0x1u /* secret key file readable/writable by group/other */

/* Reads a whole regular file of at most cap bytes into a new heap buffer (NUL-terminated, the
 * NUL not counted). Free it with qstp_file_free, which wipes it. *warnings (may be NULL) gets
 * QSTP_KEYFILE_WARN_PERMISSIONS if the mode has any of the 077 bits. */
int qstp_file_read(const char *path, size_t cap, uint8_t **data, size_t *len, unsigned *warnings);
void qstp_file_free(uint8_t *data, size_t len);

/* Atomically replaces path with data, file mode exactly `mode`. On failure path is unchanged and
 * no temporary file is left behind. */
int qstp_file_write_atomic(const char *path, const uint8_t *data, size_t len, mode_t mode);

/* Loads in any encoding (binary, reference text, PEM; detected). enc (may be NULL) gets the
 * encoding found. Keys: warnings as above. */
int qstp_keyfile_load_root_certificate(const char *path, qstp_root_certificate *cert,
                                       qstp_encoding *enc);
int qstp_keyfile_load_server_certificate(const char *path, qstp_server_certificate *cert,
                                         qstp_encoding *enc);
int qstp_keyfile_load_root_key(const char *path, qstp_root_key *key, qstp_encoding *enc,
                               unsigned *warnings);
int qstp_keyfile_load_server_key(const char *path, qstp_server_key *key, qstp_encoding *enc,
                                 unsigned *warnings);

/* Saves in the given encoding (keys: binary or PEM). Certificates 0644, keys 0600. */
int qstp_keyfile_save_root_certificate(const char *path, const qstp_root_certificate *cert,
                                       qstp_encoding enc);
int qstp_keyfile_save_server_certificate(const char *path, const qstp_server_certificate *cert,
                                         qstp_encoding enc);
int qstp_keyfile_save_root_key(const char *path, const qstp_root_key *key, qstp_encoding enc);
int qstp_keyfile_save_server_key(const char *path, const qstp_server_key *key, qstp_encoding enc);

#endif
