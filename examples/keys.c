/* example_keys DIR: a root key and certificate, a server key, and the server certificate signed
 * by the root (set 0x03, one year), written to DIR with the reference's file names. */
#include <stdio.h>
#include <time.h>

#include "crypto/random.h"
#include "example_files.h"

int main(int argc, char **argv)
{
    static qstp_root_key rk;
    static qstp_root_certificate root;
    static qstp_server_key sk;
    static qstp_server_certificate cert;
    const qstp_suite *su = qstp_suite_by_id(QSTP_SUITE_DEFAULT_ID);
    const uint64_t now = (uint64_t)time(NULL);
    char p[512];
    int r;
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    r = qstp_root_key_generate(&rk, su, "QSTP_example.qrr", now, 365, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_root_certificate_extract(&root, &rk, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_generate(&sk, su, "QSTP_example.qrc", now, 365, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(&cert, &sk);
    if (r == 0)
        r = qstp_server_certificate_sign(&cert, &rk, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_keyfile_save_root_key(ex_path(p, sizeof(p), argv[1], EX_ROOT_KEY), &rk, QSTP_ENCODING_BINARY);
    if (r == 0)
        r = qstp_keyfile_save_root_certificate(ex_path(p, sizeof(p), argv[1], EX_ROOT_CERT), &root, QSTP_ENCODING_BINARY);
    if (r == 0)
        r = qstp_keyfile_save_server_key(ex_path(p, sizeof(p), argv[1], EX_SERVER_KEY), &sk, QSTP_ENCODING_BINARY);
    if (r == 0)
        r = qstp_keyfile_save_server_certificate(ex_path(p, sizeof(p), argv[1], EX_SERVER_CERT), &cert, QSTP_ENCODING_BINARY);
    qstp_root_key_clear(&rk);
    qstp_server_key_clear(&sk);
    if (r != 0) {
        fprintf(stderr, "failed: %s\n", qstp_error_to_string(qstp_error_of(r)));
        return 1;
    }
    printf("wrote %s/{%s,%s,%s,%s}\n", argv[1], EX_ROOT_KEY, EX_ROOT_CERT, EX_SERVER_KEY, EX_SERVER_CERT);
    return 0;
}
