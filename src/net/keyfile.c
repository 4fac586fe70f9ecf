/* Key and certificate files (see keyfile.h): capped reads, atomic writes with exact modes,
 * permission warnings for secret keys, and load/save helpers over the core encodings. */
#include "net/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/ct.h"

void qstp_file_free(uint8_t *data, size_t len)
{
    if (data != NULL) {
        qstp_wipe(data, len + 1);
        free(data);
    }
}

int qstp_file_read(const char *path, size_t cap, uint8_t **data, size_t *len, unsigned *warnings)
{
    struct stat st;
    uint8_t *buf = NULL;
    size_t size, got = 0;
    int fd, err, r;
    *data = NULL;
    *len = 0;
    if (warnings != NULL)
        *warnings = 0;
    if (path == NULL)
        return qstp_fail(qstp_error_invalid_input);
    /* O_NONBLOCK: opening a FIFO must not hang before the regular-file check below (it has no
     * effect on regular files). */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return qstp_fail(qstp_error_io);
    if (fstat(fd, &st) != 0) {
        r = qstp_fail(qstp_error_io);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        r = qstp_fail(qstp_error_io);
        goto out;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > cap) {
        errno = EFBIG;
        r = qstp_fail(qstp_error_file_too_large);
        goto out;
    }
    if (warnings != NULL && (st.st_mode & 077) != 0)
        *warnings |= QSTP_KEYFILE_WARN_PERMISSIONS;
    size = (size_t)st.st_size;
    buf = malloc(size + 1);
    if (buf == NULL) {
        r = qstp_fail(qstp_error_memory_allocation);
        goto out;
    }
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = qstp_fail(qstp_error_io);
            goto out;
        }
        if (n == 0)
            break; /* the file shrank: return what is there */
        got += (size_t)n;
    }
    if (got == size) {
        /* The file must not have grown past what fstat said (and what the cap allowed). */
        uint8_t extra;
        ssize_t n;
        do {
            n = read(fd, &extra, 1);
        } while (n < 0 && errno == EINTR);
        if (n != 0) {
            if (n > 0)
                errno = EAGAIN;
            r = qstp_fail(qstp_error_io);
            goto out;
        }
    }
    buf[got] = 0;
    *data = buf;
    *len = got;
    buf = NULL;
    r = 0;
out:
    err = errno;
    if (buf != NULL) {
        qstp_wipe(buf, size + 1);
        free(buf);
    }
    close(fd);
    errno = err;
    return r;
}

/* "<dir>/.<base>.tmp.XXXXXX" for path "<dir>/<base>" (dir "." without a slash, "/" for
 * "/base"); *dir_out gets <dir>. Both heap strings; NULL on allocation failure. */
static char *temp_name(const char *path, char **dir_out)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dirlen = slash ? (size_t)(slash - path) : 0;
    size_t tmplen = dirlen + strlen(base) + sizeof "./..tmp.XXXXXX";
    char *dir = malloc(dirlen + 2);
    char *tmp = malloc(tmplen);
    if (tmp == NULL || dir == NULL) {
        free(tmp);
        free(dir);
        return NULL;
    }
    if (slash == NULL)
        strcpy(dir, ".");
    else if (dirlen == 0)
        strcpy(dir, "/");
    else {
        memcpy(dir, path, dirlen);
        dir[dirlen] = 0;
    }
    snprintf(tmp, tmplen, "%s/.%s.tmp.XXXXXX", dir, base);
    *dir_out = dir;
    return tmp;
}

int qstp_file_write_atomic(const char *path, const uint8_t *data, size_t len, mode_t mode)
{
    char *tmp, *dir = NULL;
    size_t done = 0;
    int fd, err, dfd;
    if (path == NULL || (data == NULL && len > 0) || path[0] == 0 ||
        path[strlen(path) - 1] == '/')
        return qstp_fail(qstp_error_invalid_input);
    tmp = temp_name(path, &dir);
    if (tmp == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    /* mkostemp creates the file with mode 0600, so a secret is never readable by others,
     * even for an instant; fchmod then sets the exact final mode. */
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        goto fail_nofile;
    if (fchmod(fd, mode) != 0)
        goto fail;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        done += (size_t)n;
    }
    if (fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    /* Make the rename itself durable. Some file systems refuse fsync on a directory; the file
     * is already in place, so that is not reported as a failure. */
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(tmp);
    free(dir);
    return 0;
fail:
    err = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    errno = err;
fail_nofile:
    err = errno;
    free(tmp);
    free(dir);
    errno = err;
    return qstp_fail(qstp_error_io);
}

/* ---------------- load/save helpers ---------------- */

typedef int (*decode_fn)(void *obj, const uint8_t *in, size_t inlen, qstp_encoding *enc);

static int load(const char *path, void *obj, decode_fn decode, qstp_encoding *enc,
                unsigned *warnings)
{
    uint8_t *data;
    size_t len;
    int r = qstp_file_read(path, QSTP_KEYFILE_DEFAULT_CAP, &data, &len, warnings);
    if (r != 0)
        return r;
    r = decode(obj, data, len, enc);
    qstp_file_free(data, len);
    return r;
}

static int dec_root_cert(void *o, const uint8_t *in, size_t n, qstp_encoding *e)
{
    return qstp_root_certificate_decode(o, in, n, e);
}
static int dec_server_cert(void *o, const uint8_t *in, size_t n, qstp_encoding *e)
{
    return qstp_server_certificate_decode(o, in, n, e);
}
static int dec_root_key(void *o, const uint8_t *in, size_t n, qstp_encoding *e)
{
    return qstp_root_key_decode(o, in, n, e);
}
static int dec_server_key(void *o, const uint8_t *in, size_t n, qstp_encoding *e)
{
    return qstp_server_key_decode(o, in, n, e);
}

int qstp_keyfile_load_root_certificate(const char *path, qstp_root_certificate *cert,
                                       qstp_encoding *enc)
{
    return load(path, cert, dec_root_cert, enc, NULL);
}

int qstp_keyfile_load_server_certificate(const char *path, qstp_server_certificate *cert,
                                         qstp_encoding *enc)
{
    return load(path, cert, dec_server_cert, enc, NULL);
}

int qstp_keyfile_load_root_key(const char *path, qstp_root_key *key, qstp_encoding *enc,
                               unsigned *warnings)
{
    return load(path, key, dec_root_key, enc, warnings);
}

int qstp_keyfile_load_server_key(const char *path, qstp_server_key *key, qstp_encoding *enc,
                                 unsigned *warnings)
{
    return load(path, key, dec_server_key, enc, warnings);
}

typedef int (*encode_fn)(uint8_t *out, size_t outlen, size_t *written, const void *obj,
                         qstp_encoding enc);

static int save(const char *path, const void *obj, size_t binary_size, encode_fn encode,
                qstp_encoding enc, mode_t mode)
{
    size_t cap, n = 0;
    uint8_t *buf;
    int r;
    if (binary_size == 0)
        return qstp_fail(qstp_error_unknown_configuration);
    cap = qstp_encoded_size_max(binary_size);
    buf = malloc(cap);
    if (buf == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    r = encode(buf, cap, &n, obj, enc);
    if (r == 0)
        r = qstp_file_write_atomic(path, buf, n, mode);
    {
        int err = errno;
        qstp_wipe(buf, cap);
        free(buf);
        errno = err;
    }
    return r;
}

static int enc_root_cert(uint8_t *o, size_t l, size_t *w, const void *obj, qstp_encoding e)
{
    return qstp_root_certificate_encode(o, l, w, obj, e);
}
static int enc_server_cert(uint8_t *o, size_t l, size_t *w, const void *obj, qstp_encoding e)
{
    return qstp_server_certificate_encode(o, l, w, obj, e);
}
static int enc_root_key(uint8_t *o, size_t l, size_t *w, const void *obj, qstp_encoding e)
{
    return qstp_root_key_encode(o, l, w, obj, e);
}
static int enc_server_key(uint8_t *o, size_t l, size_t *w, const void *obj, qstp_encoding e)
{
    return qstp_server_key_encode(o, l, w, obj, e);
}

int qstp_keyfile_save_root_certificate(const char *path, const qstp_root_certificate *cert,
                                       qstp_encoding enc)
{
    return save(path, cert, qstp_root_certificate_size(cert->algorithm), enc_root_cert, enc,
                QSTP_KEYFILE_MODE_PUBLIC);
}

int qstp_keyfile_save_server_certificate(const char *path, const qstp_server_certificate *cert,
                                         qstp_encoding enc)
{
    return save(path, cert, qstp_server_certificate_size(cert->algorithm), enc_server_cert, enc,
                QSTP_KEYFILE_MODE_PUBLIC);
}

int qstp_keyfile_save_root_key(const char *path, const qstp_root_key *key, qstp_encoding enc)
{
    return save(path, key, qstp_root_key_size(key->algorithm), enc_root_key, enc,
                QSTP_KEYFILE_MODE_SECRET);
}

int qstp_keyfile_save_server_key(const char *path, const qstp_server_key *key, qstp_encoding enc)
{
    return save(path, key, qstp_server_key_size(key->algorithm), enc_server_key, enc,
                QSTP_KEYFILE_MODE_SECRET);
}
