/* Shared pieces of the net tests: key material made at run time with the core functions (set
 * 0x03 by default), an echo server, a quiet logger that counts lines. Not a test by itself. */
#ifndef QSTP_TEST_NET_HARNESS_H
#define QSTP_TEST_NET_HARNESS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "qstp/cert.h"
#include "qstp/client.h"
#include "qstp/server.h"
#include "test.h"

typedef struct net_keys {
    qstp_root_key rootkey;
    qstp_root_certificate root;
    qstp_server_key skey;
    qstp_server_certificate cert;
} net_keys;

/* Root + server key + signed certificate of the set; schash set. 0 on success. */
int nh_keys_make(net_keys *k, uint8_t set_id);
/* Another server key under the same root (for reload/rotation tests). */
int nh_keys_another_server(net_keys *out, const net_keys *same_root);

typedef struct nh_counters {
    atomic_int established, closed, closed_normal, data_records;
    atomic_int log_lines, log_refused;
} nh_counters;

/* Options for an echo server on address with an ephemeral port, quiet logger into c. */
void nh_echo_options(qstp_server_options *o, const char *address, nh_counters *c);
/* 1 if the two buffers are equal (reports the first difference). */
int nh_same(const uint8_t *a, const uint8_t *b, size_t n);
/* Receive exactly n bytes (possibly over several records) within timeout_ms. 0 or error. */
int nh_recv_exact(qstp_client *c, uint8_t *buf, size_t n, int timeout_ms);
/* A TCP listener on 127.0.0.1 with an ephemeral port (written to *port; backlog 1024), or -1. */
int nh_listen_any(uint16_t *port);
/* accept4 on lfd if a connection arrives within ms, else -1. */
int nh_accept_within(int lfd, int ms);
/* A TCP listener on [::1] with an ephemeral port (written to *port; backlog 128), or -1. */
int nh_listen6_any(uint16_t *port);
/* A blocking TCP connection to 127.0.0.1:port (or [::1]:port), or -1. */
int nh_connect_local(uint16_t port);
int nh_connect6_local(uint16_t port);
/* Entries of a /proc directory other than . and .. (threads: /proc/self/task, descriptors:
 * /proc/self/fd, which counts the one it reads with), or -1. */
int nh_count_dir(const char *path);
/* CLOCK_MONOTONIC in milliseconds; a sleep of ms milliseconds. */
uint64_t nh_now_ms(void);
void nh_sleep_ms(unsigned ms);

#endif
