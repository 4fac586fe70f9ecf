/* Test helper for tests/cli: writes a root and a server key/certificate whose validity the CLI
 * cannot produce (it always starts at "now"), so the scripts can test the expiry messages.
 *   mkcerts DIR expired      server certificate expired 10 days ago (root valid)
 *   mkcerts DIR future       server certificate valid only from 5 days on (root valid)
 *   mkcerts DIR rootexpired  root certificate expired 10 days ago
 * Files: DIR/root_public_cert.qrr, DIR/root_secret_key.qsk, DIR/server_public_cert.qrc,
 * DIR/server_secret_key.qsk. Exit status 0 or 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/random.h"
#include "net/keyfile.h"
#include "qstp/cert.h"

static qstp_root_key rkey;
static qstp_root_certificate root;
static qstp_server_key skey;
static qstp_server_certificate cert;

int main(int argc, char **argv)
{
    const qstp_suite *su = qstp_suite_by_id(QSTP_SUITE_DEFAULT_ID);
    const uint64_t now = (uint64_t)time(NULL), day = QSTP_SECONDS_PER_DAY;
    uint64_t root_from = now - 40 * day, srv_from;
    uint32_t root_days = 400, srv_days = 10;
    char p[4096];
    int r;
    if (argc != 3) {
        fprintf(stderr, "usage: mkcerts DIR expired|future|rootexpired\n");
        return 1;
    }
    if (strcmp(argv[2], "expired") == 0) {
        srv_from = now - 20 * day;
    } else if (strcmp(argv[2], "future") == 0) {
        srv_from = now + 5 * day;
    } else if (strcmp(argv[2], "rootexpired") == 0) {
        root_days = 30;
        srv_from = now - 35 * day;
    } else {
        fprintf(stderr, "mkcerts: unknown mode %s\n", argv[2]);
        return 1;
    }
    r = qstp_root_key_generate(&rkey, su, "QSTP_mkcerts.qrr", root_from, root_days, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_root_certificate_extract(&root, &rkey, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_generate(&skey, su, "QSTP_mkcerts.qrc", srv_from, srv_days, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(&cert, &skey);
    if (r == 0)
        r = qstp_server_certificate_sign(&cert, &rkey, qstp_random_os, NULL);
    snprintf(p, sizeof(p), "%s/root_public_cert.qrr", argv[1]);
    if (r == 0)
        r = qstp_keyfile_save_root_certificate(p, &root, QSTP_ENCODING_BINARY);
    snprintf(p, sizeof(p), "%s/root_secret_key.qsk", argv[1]);
    if (r == 0)
        r = qstp_keyfile_save_root_key(p, &rkey, QSTP_ENCODING_BINARY);
    snprintf(p, sizeof(p), "%s/server_public_cert.qrc", argv[1]);
    if (r == 0)
        r = qstp_keyfile_save_server_certificate(p, &cert, QSTP_ENCODING_BINARY);
    snprintf(p, sizeof(p), "%s/server_secret_key.qsk", argv[1]);
    if (r == 0)
        r = qstp_keyfile_save_server_key(p, &skey, QSTP_ENCODING_BINARY);
    qstp_root_key_clear(&rkey);
    qstp_server_key_clear(&skey);
    if (r != 0) {
        fprintf(stderr, "mkcerts: failed: %s\n", qstp_error_to_string(qstp_error_of(r)));
        return 1;
    }
    return 0;
}
