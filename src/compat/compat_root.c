/* Integration-guide root and key functions (compat.h) over core/cert*.c and net/keyfile.c. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/compat_internal.h"
#include "crypto/ct.h"
#include "crypto/random.h"
#include "net/keyfile.h"
#include "net/netutil.h"
#include "net/revnotify.h"
#include "qstp/revoke.h"

static uint64_t now_unix(void)
{
    return (uint64_t)time(NULL);
}

/* The guide's issuer is a char[32]; take it as a C string cut to 31 characters. */
static void issuer_copy(char out[QSTP_ISSUER_SIZE], const char *in)
{
    memset(out, 0, QSTP_ISSUER_SIZE);
    if (in != NULL)
        strncpy(out, in, QSTP_ISSUER_SIZE - 1);
}

void qstp_compat_root_key_generate(qstp_root_signature_key *kset,
                                   const char *issuer, uint32_t exp)
{
    char iss[QSTP_ISSUER_SIZE];
    if (kset == NULL)
        return;
    issuer_copy(iss, issuer);
    if (exp > QSTP_ROOT_MAX_DAYS)
        exp = QSTP_ROOT_MAX_DAYS;
    (void)qstp_root_key_generate(kset, qstp_suite_by_id(QSTP_SUITE_DEFAULT_ID), iss, now_unix(), exp,
                                 qstp_random_os, NULL); /* zeroes the key on failure */
}

void qstp_compat_server_key_generate(qstp_server_signature_key *kset,
                                     const char *issuer, uint32_t exp)
{
    char iss[QSTP_ISSUER_SIZE];
    if (kset == NULL)
        return;
    issuer_copy(iss, issuer);
    /* §8.8: the reference clamps the period into its bounds. */
    if (exp < QSTP_CERT_MIN_DAYS)
        exp = QSTP_CERT_MIN_DAYS;
    if (exp > QSTP_CERT_MAX_DAYS)
        exp = QSTP_CERT_MAX_DAYS;
    (void)qstp_server_key_generate(kset, qstp_suite_by_id(QSTP_SUITE_DEFAULT_ID), iss, now_unix(), exp,
                                   qstp_random_os, NULL);
}

bool qstp_server_expiration_check(const qstp_server_signature_key *kset)
{
    const uint64_t now = now_unix();
    if (kset == NULL)
        return false;
    return kset->from <= now + QSTP_CERT_FROM_TOLERANCE && now <= kset->to;
}

bool qstp_root_certificate_export(const qstp_root_certificate *root, const char *fpath)
{
    if (root == NULL || fpath == NULL)
        return false;
    return qstp_keyfile_save_root_certificate(fpath, root, QSTP_ENCODING_BINARY) == 0;
}

bool qstp_root_sign_certificate(const char *fpath, const qstp_root_certificate *root,
                                const uint8_t *rootkey)
{
    const qstp_suite *su;
    qstp_server_certificate *cert;
    qstp_root_key *key;
    qstp_encoding enc = QSTP_ENCODING_BINARY;
    bool ok = false;
    if (fpath == NULL || root == NULL || rootkey == NULL || (su = qstp_suite_by_id(root->algorithm)) == NULL)
        return false;
    cert = malloc(sizeof(*cert));
    key = calloc(1, sizeof(*key));
    if (cert != NULL && key != NULL &&
        qstp_keyfile_load_server_certificate(fpath, cert, &enc) == 0) {
        /* The root key as the core wants it: the certificate's public part plus the secret. */
        memcpy(key->issuer, root->issuer, sizeof(key->issuer));
        memcpy(key->serial, root->serial, sizeof(key->serial));
        memcpy(key->verkey, root->verkey, sizeof(key->verkey));
        memcpy(key->sigkey, rootkey, su->sig_sk_size);
        key->from = root->from;
        key->to = root->to;
        key->algorithm = root->algorithm;
        key->version = root->version;
        /* The core caps the certificate's expiry to the root certificate's (key->to above) and
         * refuses one that would start after it, as `qstp root sign` does. */
        ok = qstp_server_certificate_sign(cert, key, qstp_random_os, NULL) == 0 &&
             qstp_keyfile_save_server_certificate(fpath, cert, enc) == 0;
    }
    if (key != NULL) {
        qstp_root_key_clear(key);
        free(key);
    }
    free(cert);
    return ok;
}

qstp_errors qstp_root_certificate_revoke(const qstp_root_signature_key *rootkey,
                                         const uint8_t *serial,
                                         const qsc_ipinfo_ipv4_address *address)
{
    const qstp_root_key *key = rootkey;
    const qstp_suite *suite;
    qstp_errors code = qstp_error_none;
    qstp_revnotify_stage stage;
    uint8_t *notice;
    size_t nlen = 0, cap;
    uint64_t now = qstp_net_unix_now(NULL);
    char host[INET_ADDRSTRLEN];
    int r;

    if (key == NULL || serial == NULL || address == NULL)
        return qstp_error_invalid_input;
    suite = qstp_suite_by_id(key->algorithm);
    if (suite == NULL)
        return qstp_error_unknown_configuration;
    if (inet_ntop(AF_INET, address->ipv4, host, sizeof(host)) == NULL)
        return qstp_error_invalid_input;
    cap = qstp_revocation_notice_size(suite);
    notice = malloc(cap);
    if (notice == NULL)
        return qstp_error_memory_allocation;
    r = qstp_revocation_notice_create(notice, cap, &nlen, key, serial, now, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_net_revocation_notify(host, compat_server_port_get(), notice, nlen, now, 10000,
                                       &code, &stage);
    free(notice);
    return r != 0 ? qstp_error_of(r) : code;
}

static void print_encoded(const uint8_t *buf, size_t n)
{
    fwrite(buf, 1, n, stdout);
    if (n == 0 || buf[n - 1] != '\n')
        fputc('\n', stdout);
    fflush(stdout);
}

void qstp_root_certificate_print(const qstp_root_certificate *root)
{
    const size_t cap = qstp_encoded_size_max(QSTP_SIGNED_HASH_MAX + QSTP_VK_MAX + 256);
    uint8_t *buf = malloc(cap);
    size_t n = 0;
    if (root != NULL && buf != NULL &&
        qstp_root_certificate_encode(buf, cap, &n, root, QSTP_ENCODING_TEXT) == 0)
        print_encoded(buf, n);
    free(buf);
}

void qstp_root_server_certificate_print(const qstp_server_certificate *cert)
{
    const size_t cap = qstp_encoded_size_max(QSTP_SIGNED_HASH_MAX + QSTP_VK_MAX + 256);
    uint8_t *buf = malloc(cap);
    size_t n = 0;
    if (cert != NULL && buf != NULL &&
        qstp_server_certificate_encode(buf, cap, &n, cert, QSTP_ENCODING_TEXT) == 0)
        print_encoded(buf, n);
    free(buf);
}
