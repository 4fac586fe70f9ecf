/* Shared setup for the libFuzzer targets: deterministic keys for set 0x01, a fixed clock, a
 * resettable PRNG, so every input replays exactly (and the committed seeds stay valid). */
#ifndef QSTP_FUZZ_COMMON_H
#define QSTP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/cert.h"
#include "qstp/session.h"

#define FUZZ_TIME 1782129600u

typedef struct {
    uint64_t s;
} fuzz_rng;

int fuzz_random(void *ctx, uint8_t *out, size_t len);
uint64_t fuzz_clock(void *ctx);

/* Key material (built once per process). */
const qstp_client_config *fuzz_client_config(void);
const qstp_server_config *fuzz_server_config(void);
/* The same server, with revocation notices enabled (revocation_root = fuzz_root_certificate()). */
const qstp_server_config *fuzz_server_config_revocation(void);
const qstp_root_key *fuzz_root_key(void);
const qstp_root_certificate *fuzz_root_certificate(void);
const qstp_server_certificate *fuzz_server_certificate(void);
const qstp_server_key *fuzz_server_key(void);

/* A client/server session with its own workspace, receive buffer and RNG (seeded by `seed`). */
typedef struct {
    qstp_session s;
    qstp_env env;
    fuzz_rng rng;
    uint8_t *ws;
    size_t wslen;
    uint8_t *rx;
} fuzz_peer;

void fuzz_peer_client(fuzz_peer *p, uint64_t seed);
void fuzz_peer_server(fuzz_peer *p, uint64_t seed);
/* Feed bytes, handling events (workspace release, rx buffer). Returns 1 if the session died. */
int fuzz_feed(fuzz_peer *p, const uint8_t *in, size_t len);
/* Move p's pending output into q (q may be NULL: discard). Appends what moved to log if non-NULL. */
void fuzz_move(fuzz_peer *p, fuzz_peer *q, uint8_t *log, size_t *loglen, size_t logcap);
void fuzz_peer_free(fuzz_peer *p);

#endif
