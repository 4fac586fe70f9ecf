/* Loading and saving keys and certificates with one-sentence errors. The I/O itself (size caps,
 * atomic writes, 0600 keys, encoding detection) is src/net/keyfile.c; this file only turns its
 * return codes into sentences that name the file and say what to do. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/ct.h"
#include "net/keyfile.h"
#include "qstp/revoke.h"

/* What a file that did not load as the kind asked for really is ("a server certificate"), so the
 * sentence can say "X is a server certificate, not a root certificate". NULL if it is no QSTP
 * certificate or key. Secret keys decoded here are cleared before the buffer is freed. */
static const char *actual_kind(const char *path, size_t *size)
{
    union {
        qstp_root_certificate root;
        qstp_server_certificate server;
        qstp_root_key rkey;
        qstp_server_key skey;
    } *u = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    const char *kind = NULL;
    *size = 0;
    if (qstp_file_read(path, QSTP_KEYFILE_DEFAULT_CAP, &data, &len, NULL) != 0)
        return NULL;
    *size = len;
    u = calloc(1, sizeof(*u));
    if (u != NULL) {
        if (qstp_root_certificate_decode(&u->root, data, len, NULL) == 0) {
            kind = "a root certificate";
        } else if (qstp_server_certificate_decode(&u->server, data, len, NULL) == 0) {
            kind = "a server certificate";
        } else if (qstp_root_key_decode(&u->rkey, data, len, NULL) == 0) {
            kind = "a root secret key";
            qstp_root_key_clear(&u->rkey);
        } else if (qstp_server_key_decode(&u->skey, data, len, NULL) == 0) {
            kind = "a server secret key";
            qstp_server_key_clear(&u->skey);
        }
        qstp_wipe(u, sizeof(*u));
        free(u);
    }
    qstp_file_free(data, len);
    return kind;
}

/* what: "root certificate"; name: its standard file name (for a directory given instead of the
 * file); hint: the file a person should pass instead. */
static int explain_load(int ret, int saved_errno, const char *path, const char *what,
                        const char *name, const char *hint)
{
    const char *kind;
    size_t size;
    struct stat st;
    switch (qstp_error_of(ret)) {
    case qstp_error_io:
        if (saved_errno == ENOENT)
            cli_err("cannot read %s %s: no such file; %s", what, path, hint);
        else if (saved_errno == EACCES && stat(path, &st) == 0)
            cli_err("cannot read %s %s: permission denied (owner uid %u, mode %04o; qstp runs as "
                    "uid %u); run qstp as the owner or give it read access%s", what, path,
                    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), (unsigned)getuid(),
                    strstr(what, "secret") != NULL ? ", keeping the key private to that user"
                                                   : "");
        else if (cli_is_dir(path))
            cli_err("%s is a directory, not a %s file; pass the file inside it (%s/%s) or use "
                    "--dir", path, what, path, name);
        else
            cli_err("cannot read %s %s: %s; check the path and its permissions", what, path,
                    strerror(saved_errno));
        break;
    case qstp_error_file_too_large:
        cli_err("%s %s is far too large to be a QSTP file; %s", what, path, hint);
        break;
    case qstp_error_unknown_configuration:
        cli_err("%s %s names an unknown suite (its algorithm byte); the file is damaged or from a "
                "newer version", what, path);
        break;
    case qstp_error_version_unsupported:
        cli_err("%s %s has an unsupported version byte (expected 1); re-issue it", what, path);
        break;
    default:
        kind = actual_kind(path, &size);
        if (kind != NULL)
            cli_err("%s is %s, not a %s; %s", path, kind, what, hint);
        else if (size == 0)
            cli_err("%s is empty, not a %s; %s", path, what, hint);
        else
            cli_err("%s is not a %s: its %zu bytes are no QSTP certificate or key in binary, "
                    "reference text or PEM form (damaged, truncated or another kind of file); %s",
                    path, what, size, hint);
        break;
    }
    return CLI_FILE;
}

static void warn_perms(unsigned warnings, const char *path)
{
    if (warnings & QSTP_KEYFILE_WARN_PERMISSIONS)
        cli_err("warning: secret key %s is readable by other users; run 'chmod 600 %s'", path,
                path);
}

int cli_load_root_cert(const char *path, qstp_root_certificate *cert)
{
    int r;
    errno = 0;
    r = qstp_keyfile_load_root_certificate(path, cert, NULL);
    if (r != 0)
        return explain_load(r, errno, path, "root certificate", CLI_ROOT_CERT_FILE,
                            "pass the root's " CLI_ROOT_CERT_FILE " (made by 'qstp root init')");
    return 0;
}

int cli_load_server_cert(const char *path, qstp_server_certificate *cert)
{
    int r;
    errno = 0;
    r = qstp_keyfile_load_server_certificate(path, cert, NULL);
    if (r != 0)
        return explain_load(r, errno, path, "server certificate", CLI_SERVER_CERT_FILE,
                            "pass the server's " CLI_SERVER_CERT_FILE " (made by 'qstp root sign')");
    return 0;
}

int cli_load_root_key(const char *path, qstp_root_key *key)
{
    unsigned w = 0;
    int r;
    errno = 0;
    r = qstp_keyfile_load_root_key(path, key, NULL, &w);
    if (r != 0)
        return explain_load(r, errno, path, "root secret key", CLI_ROOT_KEY_FILE,
                            "pass the root directory made by 'qstp root init' (it holds "
                            CLI_ROOT_KEY_FILE ")");
    warn_perms(w, path);
    return 0;
}

int cli_load_server_key(const char *path, qstp_server_key *key)
{
    unsigned w = 0;
    int r;
    errno = 0;
    r = qstp_keyfile_load_server_key(path, key, NULL, &w);
    if (r != 0)
        return explain_load(r, errno, path, "server secret key", CLI_SERVER_KEY_FILE,
                            "pass the server's " CLI_SERVER_KEY_FILE " (made by 'qstp root sign')");
    warn_perms(w, path);
    return 0;
}

static int explain_save(int ret, int saved_errno, const char *path)
{
    if (qstp_error_of(ret) == qstp_error_io)
        cli_err("cannot write %s: %s; check the directory and its permissions", path,
                strerror(saved_errno));
    else
        cli_err("cannot write %s: %s", path, cli_errstr(qstp_error_of(ret)));
    return CLI_FILE;
}

int cli_save_root_cert(const char *path, const qstp_root_certificate *cert, qstp_encoding enc)
{
    int r;
    errno = 0;
    r = qstp_keyfile_save_root_certificate(path, cert, enc);
    return r == 0 ? 0 : explain_save(r, errno, path);
}

int cli_save_server_cert(const char *path, const qstp_server_certificate *cert, qstp_encoding enc)
{
    int r;
    errno = 0;
    r = qstp_keyfile_save_server_certificate(path, cert, enc);
    return r == 0 ? 0 : explain_save(r, errno, path);
}

int cli_save_root_key(const char *path, const qstp_root_key *key, qstp_encoding enc)
{
    int r;
    errno = 0;
    r = qstp_keyfile_save_root_key(path, key, enc);
    return r == 0 ? 0 : explain_save(r, errno, path);
}

int cli_save_server_key(const char *path, const qstp_server_key *key, qstp_encoding enc)
{
    int r;
    errno = 0;
    r = qstp_keyfile_save_server_key(path, key, enc);
    return r == 0 ? 0 : explain_save(r, errno, path);
}

const qstp_suite *cli_suite_lookup(const char *s)
{
    const qstp_suite *su = qstp_suite_by_short_name(s);
    if (su == NULL)
        su = qstp_suite_by_protocol_string(s);
    if (su == NULL && (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0)) {
        uint8_t id;
        if (strlen(s) == 4 && cli_parse_hex(s + 2, &id, 1) == 0)
            su = qstp_suite_by_id(id);
    }
    return su;
}

void cli_list_suites(void)
{
    for (size_t i = 0; i < qstp_suite_count(); i++) {
        const qstp_suite *su = qstp_suite_at(i);
        fprintf(stderr, "  0x%02X  %-28s %s + %s%s\n", su->id, su->short_name, su->sig_name,
                su->kem_name, su->id == QSTP_SUITE_DEFAULT_ID ? "  (default)" : "");
    }
}

int cli_check_revocation(const char *listpath, const qstp_server_certificate *cert,
                         const char *certpath, const qstp_root_certificate *root,
                         const char *rootpath)
{
    uint8_t *list = NULL;
    size_t listlen = 0;
    char serial[2 * QSTP_SERIAL_SIZE + 1];
    int r;
    errno = 0;
    if (qstp_file_read(listpath, QSTP_KEYFILE_DEFAULT_CAP, &list, &listlen, NULL) != 0) {
        cli_err("cannot read revocation list %s: %s; check the path", listpath,
                errno == ENOENT ? "no such file" : strerror(errno));
        return CLI_FILE;
    }
    r = qstp_server_certificate_check_revocation(cert, root, list, listlen);
    qstp_file_free(list, listlen);
    if (r == 0)
        return 0;
    if (qstp_error_of(r) == qstp_error_certificate_revoked) {
        cli_hex(serial, cert->serial, QSTP_SERIAL_SIZE);
        cli_err("server certificate %s (serial %s) is revoked by root %s (list %s); ask the root "
                "operator for a new one", certpath, serial, rootpath, listpath);
    } else {
        qstp_errors e = qstp_error_of(r);
        cli_err("revocation list %s does not verify under root %s (%s); get the current list "
                "from the root operator", listpath, rootpath,
                e == qstp_error_root_serial_mismatch ? "it belongs to another root"
                : e == qstp_error_malformed ? "it is truncated or not a revocation list"
                                            : "its signature does not verify");
    }
    return CLI_FILE;
}
