/* In-memory QSTP handshakes for the handshake benches (bench_handshake, bench_precompute): the
 * certificate chain they set up, and one handshake between a client and a server session wired
 * back to back through a buffer, each side's calls timed in thread CPU time (bench.h).
 *
 * A header of static functions rather than part of bench.c because it needs the core module,
 * which bench.c (linked into every bench, bench_keccak included) must not. */
#ifndef QSTP_BENCH_SESSION_H
#define QSTP_BENCH_SESSION_H

#include <string.h>
#include <time.h>

#include "bench.h"
#include "crypto/random.h"
#include "qstp/cert.h"
#include "qstp/session.h"
#include "qstp/suite.h"

/* The environment's clock: the real time, as a server's. */
static inline uint64_t bench_env_now(void *ctx)
{
    (void)ctx;
    return (uint64_t)time(NULL);
}

/* A root and a server key of one suite, the server certificate signed by the root and checked,
 * the client's configuration and the server's key reference. */
typedef struct {
    const qstp_suite *suite;
    qstp_root_key rootkey;
    qstp_root_certificate root;
    qstp_server_key skey;
    qstp_server_certificate cert;
    qstp_client_config ccfg;
    qstp_server_keyref keyref;
} bench_chain;

/* 0 on success, else nonzero (k is then to be cleared with bench_chain_clear). */
static inline int bench_chain_make(bench_chain *k, uint8_t id)
{
    const uint64_t now = (uint64_t)time(NULL);
    int r;

    memset(k, 0, sizeof(*k));
    k->suite = qstp_suite_by_id(id);
    if (k->suite == NULL)
        return -1;
    r = qstp_root_key_generate(&k->rootkey, k->suite, "bench_root.qrr", now - 60, 365, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_root_certificate_extract(&k->root, &k->rootkey, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_generate(&k->skey, k->suite, "bench_server.qrc", now - 60, 365, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(&k->cert, &k->skey);
    if (r == 0)
        r = qstp_server_certificate_sign(&k->cert, &k->rootkey, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_set_schash(&k->skey, &k->root, &k->cert);
    if (r == 0)
        r = qstp_server_certificate_verify(&k->cert, &k->root, now);
    if (r == 0)
        r = qstp_client_config_from_certs(&k->ccfg, &k->root, &k->cert);
    if (r == 0)
        r = qstp_server_keyref_from_key(&k->keyref, &k->skey);
    return r;
}

static inline void bench_chain_clear(bench_chain *k)
{
    qstp_root_key_clear(&k->rootkey);
    qstp_server_key_clear(&k->skey);
}

/* The "wire": one direction's bytes in flight (the transport belongs to neither side). */
typedef struct {
    uint8_t *buf;
    size_t cap;
} bench_wire;

/* Move all pending output of s onto the wire (the sender's work: output, copy, ack), one timed
 * interval of t. Returns the bytes moved. */
static inline size_t bench_take_output(const bench_wire *w, qstp_session *s, bench_cpu_timer *t)
{
    size_t total = 0, n;
    const uint8_t *o;

    bench_cpu_start(t);
    while ((o = qstp_session_output(s, &n)) != NULL && total + n <= w->cap) {
        memcpy(w->buf + total, o, n);
        total += n;
        qstp_session_output_ack(s, n);
    }
    bench_cpu_stop(t);
    return total;
}

/* Feed the wire's first len bytes to s, one timed interval of t. Returns 1 once established
 * (its workspace is then released), 0 if still handshaking, -1 on an error. */
static inline int bench_feed(const bench_wire *w, qstp_session *s, size_t len, bench_cpu_timer *t)
{
    size_t off = 0;
    int est = 0, bad = 0;

    bench_cpu_start(t);
    while (off < len) {
        qstp_event ev;
        const size_t used = qstp_session_receive(s, w->buf + off, len - off, &ev);
        off += used;
        if (ev.type == QSTP_EVENT_ESTABLISHED) {
            est = 1;
            qstp_session_release_workspace(s);
        } else if (ev.type == QSTP_EVENT_ERROR || (used == 0 && ev.type == QSTP_EVENT_NONE)) {
            bad = 1;
            break;
        }
    }
    bench_cpu_stop(t);
    return bad ? -1 : est;
}

/* The handshake's participants: configurations and their (reused) workspaces. */
typedef struct {
    const qstp_client_config *ccfg;
    uint8_t *cws;
    size_t cwslen;
    const qstp_server_config *scfg;
    uint8_t *sws;
    size_t swslen;
} bench_peers;

/* One handshake in memory. The server's calls (init, attach, start, every receive, taking its
 * output, the final wipe) are timed into *ts, the client's into *tc (not its wipe). c and s are
 * the caller's session objects (left wiped). Returns 0 once both ends are established. */
static inline int bench_handshake_once(const bench_peers *p, const bench_wire *w, qstp_session *c,
                                       qstp_session *s, bench_cpu_timer *ts, bench_cpu_timer *tc)
{
    const qstp_env env = {bench_env_now, qstp_random_os, NULL};
    int cest = 0, sest = 0, rc = -1;

    bench_cpu_start(tc);
    int r = qstp_session_client_init(c, &env, p->ccfg);
    r |= qstp_session_attach_workspace(c, p->cws, p->cwslen);
    r |= qstp_session_start(c);
    bench_cpu_stop(tc);
    bench_cpu_start(ts);
    r |= qstp_session_server_init(s, &env, p->scfg);
    r |= qstp_session_attach_workspace(s, p->sws, p->swslen);
    r |= qstp_session_start(s);
    bench_cpu_stop(ts);
    if (r != 0)
        goto done;
    /* connect request, connect response, exchange request, exchange response (QSTP-WIRE §4) */
    for (int step = 0; step < 8 && !(cest && sest); step++) {
        size_t n = bench_take_output(w, c, tc);
        if (n > 0 && (sest = bench_feed(w, s, n, ts)) < 0)
            goto done;
        n = bench_take_output(w, s, ts);
        if (n > 0 && (cest = bench_feed(w, c, n, tc)) < 0)
            goto done;
    }
    rc = (cest && sest) ? 0 : -1;
done:
    bench_cpu_start(ts);
    qstp_session_wipe(s);
    bench_cpu_stop(ts);
    qstp_session_wipe(c);
    return rc;
}

#endif
