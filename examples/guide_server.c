/* example_guide_server DIR: the integration guide's server (compat.h) with the guide's names.
 * Echoes every message; Ctrl-C calls qstp_server_quit() from a signal-waiting thread. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include "example_files.h"
#include "qstp/compat.h"

static void receive_callback(qstp_connection_state *cns, const char *message, size_t msglen)
{
    printf("connection %u: %zu bytes\n", (unsigned)cns->cid, msglen);
    (void)qstp_connection_send(cns, (const uint8_t *)message, msglen);
}

static void disconnect_callback(qstp_connection_state *cns)
{
    printf("connection %u closed\n", (unsigned)cns->cid);
}

static void *signal_thread(void *arg)
{
    sigset_t *set = arg;
    int sig = 0;
    sigwait(set, &sig);
    qstp_server_quit(); /* the guide's global quit; start_ipv4 below returns */
    return NULL;
}

int main(int argc, char **argv)
{
    static qstp_server_signature_key kset;
    static sigset_t set;
    pthread_t th;
    qstp_errors err;
    int r;
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    r = ex_load_server(argv[1], &kset);
    if (r != 0 || !qstp_server_expiration_check(&kset)) {
        fprintf(stderr, "server key: %s\n", r != 0 ? qstp_error_to_string(qstp_error_of(r)) : "expired");
        return 1;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_create(&th, NULL, signal_thread, &set);
    err = qstp_server_start_ipv4(NULL, &kset, receive_callback, disconnect_callback); /* blocks */
    qstp_server_key_clear(&kset);
    pthread_join(th, NULL);
    if (err != qstp_error_none)
        fprintf(stderr, "server: %s\n", qstp_error_to_string(err));
    return err == qstp_error_none ? 0 : 1;
}
