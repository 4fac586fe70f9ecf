/* Shared pieces of the local forwarder tests (tests/net/test_net_local_fwd.c,
 * tests/review/test_review_local_fwd.c): a server with a small command protocol and a forwarder
 * (src/net/local_fwd.c) run on its own thread, with its events counted. Not a test by itself. */
#ifndef QSTP_TEST_LOCAL_FWD_HARNESS_H
#define QSTP_TEST_LOCAL_FWD_HARNESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "net/local_fwd.h"
#include "net_harness.h"
#include "qstp/server.h"

/* Byte i of test stream `stream`; the server's FLOOD answer is stream 9. */
uint8_t lf_pat(unsigned stream, size_t i);

/* The command server. The first record of a tunnel selects what it does: "DELAY" answers
 * "late" after 700 ms, "BYE" answers "bye" and closes the tunnel, "FLOOD" sends flood_bytes of
 * stream 9; anything else is echoed (every record). Set flood_bytes before starting. */
typedef struct lf_server {
    atomic_int established, closed, closed_normal;
    size_t flood_bytes;
} lf_server;

/* Options for the command server on address (ephemeral port, quiet log, no handshake rate
 * limit) counting into c; the caller sets loops, workers and the limits. */
void lf_server_options(qstp_server_options *o, lf_server *c, const char *address);

/* A forwarder on a local listener (127.0.0.1 or [::1], ephemeral port) run by its own thread. */
typedef struct lf_fwd {
    qstp_local_fwd *f;
    uint16_t port; /* the local listener's */
    int lfd;
    pthread_t th;
    atomic_int opened, failed, closed, closed_error; /* events */
    atomic_int last_error;                          /* of the last failed event */
    uint64_t cpu_ns; /* the loop thread's CPU time, when run() returned */
} lf_fwd;

/* A configuration of the forwarder (the rest zero: defaults). */
void lf_fwd_config(qstp_local_fwd_config *c, const qstp_root_certificate *root,
                   const qstp_server_certificate *cert, const char *host, uint16_t server_port,
                   uint32_t linger_ms, uint32_t timeout_ms);
/* Starts a forwarder with cfg (its on_event and ctx are the harness's). 0 or -1. */
int lf_fwd_start(lf_fwd *fr, const qstp_local_fwd_config *cfg, int local6);
/* Stops it (qstp_local_fwd_stop), joins the thread, frees it and closes the listener. */
void lf_fwd_stop(lf_fwd *fr);
/* A local connection through an open tunnel (the echo of "ping" came back), or -1. */
int lf_open_tunnel(uint16_t port);

#endif
