/* Shared harness for the session tests: two endpoints in memory, a fake clock, a deterministic
 * RNG, key material for a suite. Not a test by itself. */
#ifndef QSTP_TEST_SESSION_HARNESS_H
#define QSTP_TEST_SESSION_HARNESS_H

#include <stdlib.h>
#include <string.h>

#include "core/session_internal.h"
#include "crypto/ct.h"
#include "qstp/cert.h"
#include "qstp/session.h"
#include "test.h"

extern uint64_t h_now;
uint64_t h_clock(void *ctx);
/* ctx: a uint64_t PRNG state (test_prng_bytes). */
int h_random(void *ctx, uint8_t *out, size_t len);

typedef struct endpoint {
    qstp_session s;
    qstp_env env;
    uint64_t rng_state;
    uint8_t *ws;
    size_t wslen;
    uint8_t *rx;
    struct endpoint *peer;
    int established, closed, failed, ratchets, keepalives, revoked;
    uint8_t revoked_serial[16];
    qstp_errors err;
    int has_peer_code;
    uint8_t peer_code;
    uint8_t *got; /* application data received */
    size_t gotlen, gotcap;
    size_t chunk;  /* feed granularity (1 = byte by byte) */
} endpoint;

/* Key material of one suite (static storage: certificates are ~32 KiB). */
typedef struct {
    const qstp_suite *suite;
    qstp_root_key rootkey;
    qstp_root_certificate root;
    qstp_server_key skey;
    qstp_server_certificate cert;
    qstp_client_config ccfg;
    qstp_server_keyref keyref;
    qstp_server_config scfg;
} keyset;

/* Generates root + server keys and certificates at h_now; 0 on success. */
int h_keyset_make(keyset *k, const qstp_suite *su, uint64_t seed);

void h_endpoint_client(endpoint *e, const qstp_client_config *cfg, uint64_t seed);
void h_endpoint_server(endpoint *e, const qstp_server_config *cfg, const qstp_suite *maxsuite,
                       uint64_t seed);
void h_endpoint_free(endpoint *e);
void h_handle(endpoint *e, const qstp_event *ev);
/* Feed n bytes into e in chunks of e->chunk. */
void h_feed(endpoint *e, const uint8_t *p, size_t n);
/* Move all pending output of from into its peer. Returns bytes moved. */
size_t h_deliver(endpoint *from);
/* Run deliveries both ways until quiet. */
void h_pump(endpoint *a, endpoint *b);
/* Take all pending output of e into buf (cap); returns its length, acked. */
size_t h_take(endpoint *e, uint8_t *buf, size_t cap);
/* Client c and server s (config cfg, server RNG seed sseed) at h_now: connect request in, the
 * server's connect response out into resp. Returns its length. */
size_t h_first_flight(endpoint *c, endpoint *s, const keyset *k, const qstp_server_config *cfg,
                      uint64_t sseed, uint8_t *resp, size_t cap);
/* Finish the handshake with the response taken out of s, then one record each way: msg (msglen
 * bytes, at most 512) client to server, its first backlen bytes back. */
void h_finish(endpoint *c, endpoint *s, const uint8_t *resp, size_t len, const uint8_t *msg,
              size_t msglen, size_t backlen);
/* 1 if every secret field of the session is zero (after a failure or close). */
int h_secrets_wiped(const qstp_session *s);

#endif
