/* example_demo: everything in one process. Makes keys in memory (set 0x03), starts a server on
 * 127.0.0.1 with an ephemeral port, connects a client, echoes a message, quits. Exit code 0 on
 * success; it also runs as the test example_demo. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/random.h"
#include "qstp/client.h"
#include "qstp/server.h"

static void echo(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx)
{
    (void)ctx;
    (void)qstp_server_send(srv, id, data, len);
}

int main(void)
{
    static qstp_root_key rk;
    static qstp_root_certificate root;
    static qstp_server_key sk;
    static qstp_server_certificate cert;
    const qstp_suite *su = qstp_suite_by_id(QSTP_SUITE_DEFAULT_ID);
    const uint64_t now = (uint64_t)time(NULL);
    const char msg[] = "hello, post-quantum tunnel";
    char back[sizeof(msg)];
    qstp_server_options opt;
    qstp_server *srv = NULL;
    qstp_client *c = NULL;
    size_t got = 0, n;
    int r;

    /* 1. keys: a root, a server key, the server certificate signed by the root */
    r = qstp_root_key_generate(&rk, su, "QSTP_demo.qrr", now, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_root_certificate_extract(&root, &rk, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_generate(&sk, su, "QSTP_demo.qrc", now, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(&cert, &sk);
    if (r == 0)
        r = qstp_server_certificate_sign(&cert, &rk, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_set_schash(&sk, &root, &cert);
    qstp_root_key_clear(&rk);

    /* 2. server */
    qstp_server_options_default(&opt);
    opt.address = "127.0.0.1";
    opt.ephemeral_port = 1;
    opt.cb.on_data = echo;
    if (r == 0)
        r = qstp_server_start(&srv, &opt, &sk, 1, NULL);
    qstp_server_key_clear(&sk);

    /* 3. client: connect, send, receive the echo, close */
    if (r == 0)
        r = qstp_client_connect(&c, &root, &cert, "127.0.0.1", qstp_server_port(srv), NULL);
    if (r == 0)
        r = qstp_client_send(c, (const uint8_t *)msg, sizeof(msg));
    while (r == 0 && got < sizeof(msg)) {
        r = qstp_client_receive(c, (uint8_t *)back + got, sizeof(back) - got, &n, 5000);
        got += n;
    }
    qstp_client_close(c);
    qstp_server_quit(srv);
    if (r != 0 || memcmp(back, msg, sizeof(msg)) != 0) {
        fprintf(stderr, "demo failed: %s\n", qstp_error_to_string(qstp_error_of(r)));
        printf("example_demo: 0 passed, 1 failed\n");
        return 1;
    }
    printf("echoed: %s\nexample_demo: 1 passed, 0 failed\n", back);
    return 0;
}
