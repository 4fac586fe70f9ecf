/* Shared by the examples: the four files example_keys writes, and loading them. */
#ifndef QSTP_EXAMPLE_FILES_H
#define QSTP_EXAMPLE_FILES_H

#include <stdio.h>

#include "net/keyfile.h"
#include "qstp/cert.h"

#define EX_ROOT_CERT "root_public_cert.qrr"
#define EX_ROOT_KEY "root_secret_key.qsk"
#define EX_SERVER_CERT "server_public_cert.qrc"
#define EX_SERVER_KEY "server_secret_key.qsk"

static inline const char *ex_path(char *buf, size_t cap, const char *dir, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
    return buf;
}

/* Root and server certificates (client side). 0 or a negated qstp_errors code. */
static inline int ex_load_client(const char *dir, qstp_root_certificate *root, qstp_server_certificate *cert)
{
    char p[512];
    int r = qstp_keyfile_load_root_certificate(ex_path(p, sizeof(p), dir, EX_ROOT_CERT), root, NULL);
    if (r == 0)
        r = qstp_keyfile_load_server_certificate(ex_path(p, sizeof(p), dir, EX_SERVER_CERT), cert, NULL);
    return r;
}

/* Server key with its schash computed from the two certificates (§8.4: stored as zeros). */
static inline int ex_load_server(const char *dir, qstp_server_key *key)
{
    static qstp_root_certificate root;
    static qstp_server_certificate cert;
    char p[512];
    unsigned warn = 0;
    int r = ex_load_client(dir, &root, &cert);
    if (r == 0)
        r = qstp_keyfile_load_server_key(ex_path(p, sizeof(p), dir, EX_SERVER_KEY), key, NULL, &warn);
    if (r == 0)
        r = qstp_server_key_matches_certificate(key, &cert);
    if (r == 0)
        r = qstp_server_key_set_schash(key, &root, &cert);
    if (warn & QSTP_KEYFILE_WARN_PERMISSIONS)
        fprintf(stderr, "warning: %s is readable by others\n", p);
    return r;
}

#endif
