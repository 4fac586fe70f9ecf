/* example_echo_server DIR [PORT]: the native server API (server.h). Echoes every record back,
 * logs to stderr, and on SIGINT/SIGTERM quits (every tunnel gets a close record). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "example_files.h"
#include "qstp/server.h"

static void on_data(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx)
{
    (void)ctx;
    (void)qstp_server_send(srv, id, data, len); /* any thread may send; here the loop's own */
}

int main(int argc, char **argv)
{
    static qstp_server_key key;
    qstp_server_options opt;
    qstp_server *srv = NULL;
    sigset_t set;
    int sig = 0, r;
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR [PORT]\n", argv[0]);
        return 2;
    }
    r = ex_load_server(argv[1], &key);
    if (r != 0) {
        fprintf(stderr, "keys: %s\n", qstp_error_to_string(qstp_error_of(r)));
        return 1;
    }
    /* Block the signals before any thread starts so only sigwait sees them. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    qstp_server_options_default(&opt);
    opt.address = "::"; /* dual stack */
    if (argc > 2)
        opt.port = (uint16_t)atoi(argv[2]);
    opt.cb.on_data = on_data;
    r = qstp_server_start(&srv, &opt, &key, 1, NULL);
    qstp_server_key_clear(&key); /* the server keeps its own copy */
    if (r != 0) {
        fprintf(stderr, "start: %s\n", qstp_error_to_string(qstp_error_of(r)));
        return 1;
    }
    sigwait(&set, &sig);
    qstp_server_quit(srv);
    return 0;
}
