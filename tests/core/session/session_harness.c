/* Session test harness (see session_harness.h). */
#include "session_harness.h"

uint64_t h_now = 1782129600; /* 2026-06-22T12:00:00Z, the reference captures' time */

uint64_t h_clock(void *ctx)
{
    (void)ctx;
    return h_now;
}

int h_random(void *ctx, uint8_t *out, size_t len)
{
    test_prng_bytes((uint64_t *)ctx, out, len);
    return 0;
}

int h_keyset_make(keyset *k, const qstp_suite *su, uint64_t seed)
{
    uint64_t st = seed;
    int r;
    memset(k, 0, sizeof(*k));
    k->suite = su;
    r = qstp_root_key_generate(&k->rootkey, su, "QSTP_test.qrr", h_now - 10, 365, h_random, &st);
    if (r == 0)
        r = qstp_root_certificate_extract(&k->root, &k->rootkey, h_random, &st);
    if (r == 0)
        r = qstp_server_key_generate(&k->skey, su, "QSTP_test.qrc", h_now - 10, 365, h_random, &st);
    if (r == 0)
        r = qstp_server_certificate_extract(&k->cert, &k->skey);
    if (r == 0)
        r = qstp_server_certificate_sign(&k->cert, &k->rootkey, h_random, &st);
    if (r == 0)
        r = qstp_server_key_set_schash(&k->skey, &k->root, &k->cert);
    if (r == 0)
        r = qstp_server_certificate_verify(&k->cert, &k->root, h_now);
    if (r == 0)
        r = qstp_client_config_from_certs(&k->ccfg, &k->root, &k->cert);
    if (r == 0)
        r = qstp_server_keyref_from_key(&k->keyref, &k->skey);
    k->scfg.keys = &k->keyref;
    k->scfg.nkeys = 1;
    return r;
}

static void endpoint_common(endpoint *e, uint64_t seed, size_t wslen)
{
    memset(e, 0, sizeof(*e));
    e->rng_state = seed;
    e->env.now = h_clock;
    e->env.random = h_random;
    e->env.ctx = &e->rng_state;
    e->wslen = wslen;
    e->ws = malloc(wslen);
    memset(e->ws, 0xA5, wslen); /* so "wiped" means something */
    e->rx = calloc(1, QSTP_SESSION_RX_BUFFER_SIZE); /* zero, so "wiped after detach" is checkable */
    e->chunk = (size_t)-1;
}

void h_endpoint_client(endpoint *e, const qstp_client_config *cfg, uint64_t seed)
{
    endpoint_common(e, seed, qstp_session_handshake_workspace_size(cfg->suite, QSTP_ROLE_CLIENT));
    CHECK(qstp_session_client_init(&e->s, &e->env, cfg) == 0);
    CHECK(qstp_session_attach_workspace(&e->s, e->ws, e->wslen) == 0);
}

void h_endpoint_server(endpoint *e, const qstp_server_config *cfg, const qstp_suite *maxsuite,
                       uint64_t seed)
{
    endpoint_common(e, seed, qstp_session_handshake_workspace_size(maxsuite, QSTP_ROLE_SERVER));
    CHECK(qstp_session_server_init(&e->s, &e->env, cfg) == 0);
    CHECK(qstp_session_attach_workspace(&e->s, e->ws, e->wslen) == 0);
    CHECK(qstp_session_start(&e->s) == 0);
}

void h_endpoint_free(endpoint *e)
{
    qstp_session_wipe(&e->s);
    free(e->ws);
    free(e->rx);
    free(e->got);
    e->ws = e->rx = e->got = NULL;
}

void h_handle(endpoint *e, const qstp_event *ev)
{
    switch (ev->type) {
    case QSTP_EVENT_ESTABLISHED:
        e->established = 1;
        if (qstp_session_role(&e->s) == QSTP_ROLE_SERVER) {
            /* The ephemeral KEM secret key is gone as soon as the handshake succeeds, before the
             * caller releases the workspace (QSTP-WIRE §4.6 step 3). */
            qstp_ws_layout l;
            qstp_ws_layout_compute(qstp_session_suite(&e->s), QSTP_ROLE_SERVER, &l);
            CHECK(qstp_ct_is_zero(e->ws + l.ksk_off, l.ksk_len));
        }
        CHECK(qstp_session_release_workspace(&e->s) == 0);
        CHECK(qstp_session_attach_rx_buffer(&e->s, e->rx, QSTP_SESSION_RX_BUFFER_SIZE) == 0);
        break;
    case QSTP_EVENT_DATA:
        if (e->gotlen + ev->len > e->gotcap) {
            e->gotcap = (e->gotlen + ev->len) * 2;
            e->got = realloc(e->got, e->gotcap);
        }
        memcpy(e->got + e->gotlen, ev->data, ev->len);
        e->gotlen += ev->len;
        break;
    case QSTP_EVENT_RATCHET:
        e->ratchets++;
        break;
    case QSTP_EVENT_KEEPALIVE:
        e->keepalives++;
        break;
    case QSTP_EVENT_PEER_CLOSED:
        e->closed = 1;
        e->has_peer_code = ev->has_peer_code;
        e->peer_code = ev->peer_code;
        break;
    case QSTP_EVENT_REVOKED:
        CHECK(ev->len == 16);
        e->revoked = 1;
        memcpy(e->revoked_serial, ev->data, 16);
        break;
    case QSTP_EVENT_ERROR:
        e->failed = 1;
        e->err = ev->error;
        e->has_peer_code = ev->has_peer_code;
        e->peer_code = ev->peer_code;
        break;
    default:
        break;
    }
}

void h_feed(endpoint *e, const uint8_t *p, size_t n)
{
    size_t off = 0;
    int stuck = 0;
    while (off < n) {
        qstp_event ev;
        size_t lim = n - off < e->chunk ? n - off : e->chunk;
        size_t used = qstp_session_receive(&e->s, p + off, lim, &ev);
        h_handle(e, &ev);
        off += used;
        if (used == 0 && ev.type == QSTP_EVENT_NONE) {
            /* back-pressure: let the peer take our output, then retry once */
            if (e->peer != NULL && stuck++ < 4) {
                h_deliver(e);
                continue;
            }
            CHECK_MSG(0, "session stuck with %zu bytes unconsumed", n - off);
            return;
        }
        stuck = 0;
    }
}

size_t h_deliver(endpoint *from)
{
    size_t total = 0, n;
    const uint8_t *o;
    while ((o = qstp_session_output(&from->s, &n)) != NULL) {
        uint8_t *copy = malloc(n);
        memcpy(copy, o, n);
        qstp_session_output_ack(&from->s, n);
        if (from->peer != NULL)
            h_feed(from->peer, copy, n);
        free(copy);
        total += n;
    }
    return total;
}

void h_pump(endpoint *a, endpoint *b)
{
    for (int i = 0; i < 16; i++) {
        size_t moved = h_deliver(a) + h_deliver(b);
        if (moved == 0)
            break;
    }
}

size_t h_take(endpoint *e, uint8_t *buf, size_t cap)
{
    size_t total = 0, n;
    const uint8_t *o;
    while ((o = qstp_session_output(&e->s, &n)) != NULL) {
        if (total + n > cap) {
            CHECK_MSG(0, "h_take: output larger than %zu", cap);
            return total;
        }
        memcpy(buf + total, o, n);
        total += n;
        qstp_session_output_ack(&e->s, n);
    }
    return total;
}

int h_secrets_wiped(const qstp_session *s)
{
    const qstp_session_impl *S = qstp_cimpl(s);
    return qstp_ct_is_zero(&S->tx, sizeof(S->tx)) && qstp_ct_is_zero(&S->rx, sizeof(S->rx)) &&
           qstp_ct_is_zero(S->rtcs, sizeof(S->rtcs)) &&
           qstp_ct_is_zero(S->ratchet_seed, sizeof(S->ratchet_seed)) &&
           qstp_ct_is_zero(S->sch, sizeof(S->sch));
}

size_t h_first_flight(endpoint *c, endpoint *s, const keyset *k, const qstp_server_config *cfg,
                      uint64_t sseed, uint8_t *resp, size_t cap)
{
    h_endpoint_client(c, &k->ccfg, 5);
    h_endpoint_server(s, cfg, k->suite, sseed);
    c->peer = s;
    s->peer = c;
    CHECK(qstp_session_start(&c->s) == 0);
    h_deliver(c);
    return h_take(s, resp, cap);
}

void h_finish(endpoint *c, endpoint *s, const uint8_t *resp, size_t len, const uint8_t *msg,
              size_t msglen, size_t backlen)
{
    static uint8_t out[512];
    size_t outlen = 0;
    h_feed(c, resp, len);
    h_pump(c, s);
    CHECK_MSG(c->established && s->established, "handshake (client err %d, server err %d)", c->err,
              s->err);
    if (!c->established || !s->established)
        return;
    CHECK(qstp_session_send(&c->s, msg, msglen, out, sizeof(out), &outlen) == 0);
    h_feed(s, out, outlen);
    CHECK(s->gotlen == msglen && memcmp(s->got, msg, msglen) == 0);
    CHECK(qstp_session_send(&s->s, msg, backlen, out, sizeof(out), &outlen) == 0);
    h_feed(c, out, outlen);
    CHECK(c->gotlen == backlen && memcmp(c->got, msg, backlen) == 0);
}
