/* Simultaneous ratchet (docs/PROTOCOL.md §2.5): client and server both start a ratchet before
 * either has seen the other's, with records in flight both ways under the old and the new keys,
 * delivered in every order and in odd chunks. The server's ratchet wins: afterwards both sides
 * hold exactly the state a lone server ratchet gives (rtcs' = next(rtcs0, server token)), all
 * data arrives intact, and further ratchets from either side work. Before, the session failed
 * with invalid_request. Also: a record tampered under the client's abandoned key still fails. */
#include <stdio.h>

#include "session_harness.h"

#define T0 1782129600ull

static keyset ks;
static endpoint c, s;

/* Bytes one side has put on the wire and the other has not read yet (TCP keeps order). */
typedef struct {
    uint8_t *p;
    size_t n, cap;
} wire;

static void wire_put(wire *w, const uint8_t *p, size_t n)
{
    if (w->n + n > w->cap) {
        w->cap = (w->n + n) * 2;
        w->p = realloc(w->p, w->cap);
    }
    memcpy(w->p + w->n, p, n);
    w->n += n;
}

/* Everything e has queued (control records) onto w. */
static void take_into(endpoint *e, wire *w)
{
    static uint8_t buf[4096];
    size_t n = h_take(e, buf, sizeof(buf));
    wire_put(w, buf, n);
}

/* total bytes of application data from e onto w as records of random sizes; the same bytes are
 * appended to *expect. */
static void send_into(endpoint *e, wire *w, size_t total, uint64_t seed, wire *expect)
{
    static uint8_t data[2000];
    static uint8_t out[2000 + 1024];
    uint64_t st = seed;
    while (total > 0) {
        size_t n = 1 + (size_t)(test_prng_u64(&st) % sizeof(data)), outlen = 0;
        if (n > total)
            n = total;
        test_prng_bytes(&st, data, n);
        CHECK(qstp_session_send(&e->s, data, n, out, sizeof(out), &outlen) == 0);
        wire_put(w, out, outlen);
        wire_put(expect, data, n);
        total -= n;
    }
}

/* got[off..off+n) == want[0..n); either may be NULL when n is 0. */
static int same(const uint8_t *got, size_t off, const uint8_t *want, size_t n)
{
    return n == 0 || memcmp(got + off, want, n) == 0;
}

/* Feed the whole of w to e and empty it. */
static void drain(wire *w, endpoint *e)
{
    if (w->n > 0)
        h_feed(e, w->p, w->n);
    w->n = 0;
}

static void connect_pair(uint64_t seed, size_t chunk)
{
    static qstp_client_config cc; /* the session keeps a pointer to it */
    cc = ks.ccfg;
    cc.options = QSTP_OPT_RATCHET_SEND;
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    h_now = T0;
    h_endpoint_client(&c, &cc, seed);
    h_endpoint_server(&s, &ks.scfg, ks.suite, seed + 1);
    c.peer = &s;
    s.peer = &c;
    CHECK(qstp_session_start(&c.s) == 0);
    h_pump(&c, &s);
    CHECK(c.established && s.established && !c.failed && !s.failed);
    c.chunk = chunk;
    s.chunk = chunk;
}

/* Data both ways through the live sessions; 1 if it all arrived. */
static int exchange(uint64_t seed)
{
    static wire wc, ws, ec, es;
    size_t c0 = s.gotlen, s0 = c.gotlen;
    int ok;
    ec.n = es.n = 0;
    send_into(&c, &wc, 3000, seed, &ec);
    send_into(&s, &ws, 3000, seed + 1, &es);
    drain(&wc, &s);
    drain(&ws, &c);
    ok = !c.failed && !s.failed && s.gotlen - c0 == ec.n && c.gotlen - s0 == es.n &&
         memcmp(s.got + c0, ec.p, ec.n) == 0 && memcmp(c.got + s0, es.p, es.n) == 0;
    return ok;
}

/* One simultaneous ratchet. order: 0 = the server reads the client's bytes first, 1 = the client
 * reads the server's first (and sends more under the server's new key before the server reads
 * anything), 2 = each reads half of the other's, then the rest. cdata/sdata: application bytes
 * each side sends after its own ratchet request, before it has seen the peer's. */
static void simultaneous(int order, size_t cdata, size_t sdata, size_t chunk, uint64_t seed)
{
    static wire wc, ws, ec, es;
    uint8_t rtcs0[32], stoken[32], expect_rtcs[32], prnd[128], field[QSTP_PROTOCOL_SET_SIZE];
    const qstp_session_impl *C = qstp_cimpl(&c.s), *S = qstp_cimpl(&s.s);
    size_t c0, s0;
    connect_pair(seed, chunk);
    wc.n = ws.n = ec.n = es.n = 0;
    c0 = s.gotlen;
    s0 = c.gotlen;
    CHECK(memcmp(C->rtcs, S->rtcs, 32) == 0);
    memcpy(rtcs0, S->rtcs, 32);

    CHECK(qstp_session_ratchet(&c.s) == 0);
    CHECK(qstp_session_ratchet(&s.s) == 0);
    memcpy(stoken, S->ratchet_seed + 32, 32); /* the server's token (white box) */
    take_into(&c, &wc);
    take_into(&s, &ws);
    send_into(&c, &wc, cdata, seed + 10, &ec); /* under the client's new key */
    send_into(&s, &ws, sdata, seed + 11, &es); /* under the server's new key */

    switch (order) {
    case 0:
        drain(&wc, &s);
        drain(&ws, &c);
        break;
    case 1:
        drain(&ws, &c);
        send_into(&c, &wc, 2500, seed + 12, &ec); /* after the client saw the server's ratchet */
        drain(&wc, &s);
        break;
    default: {
        size_t hc = wc.n / 2, hs = ws.n / 2;
        h_feed(&s, wc.p, hc);
        h_feed(&c, ws.p, hs);
        h_feed(&s, wc.p + hc, wc.n - hc);
        h_feed(&c, ws.p + hs, ws.n - hs);
        wc.n = ws.n = 0;
        break;
    }
    }
    h_pump(&c, &s);
    CHECK_MSG(!c.failed && !s.failed, "order %d, %zu/%zu bytes, chunk %zu: client err %d, server err %d",
              order, cdata, sdata, chunk, c.err, s.err);
    CHECK(c.ratchets == 1 && s.ratchets == 1);
    CHECK_MSG(s.gotlen - c0 == ec.n && same(s.got, c0, ec.p, ec.n),
              "order %d: client data intact at the server", order);
    CHECK_MSG(c.gotlen - s0 == es.n && same(c.got, s0, es.p, es.n),
              "order %d: server data intact at the client", order);

    /* The client's ratchet is gone; the chain is the lone server ratchet's. */
    qstp_suite_protocol_field(ks.suite, field);
    qstp_kdf_ratchet(stoken, field, rtcs0, prnd, expect_rtcs);
    CHECK_MSG(memcmp(C->rtcs, expect_rtcs, 32) == 0 && memcmp(S->rtcs, expect_rtcs, 32) == 0,
              "order %d: rtcs' = next(rtcs0, server token) on both sides", order);
    CHECK(C->ratchet_pending == 0);

    /* Traffic both ways confirms the server's pending key; then each side may ratchet again. */
    CHECK_MSG(exchange(seed + 20), "order %d: data after the simultaneous ratchet", order);
    CHECK(S->ratchet_pending == 0 && C->ratchet_pending == 0);
    CHECK(qstp_ct_is_zero(S->ratchet_seed, 64) && qstp_ct_is_zero(C->ratchet_seed, 64));
    CHECK(qstp_session_ratchet(&c.s) == 0);
    h_pump(&c, &s);
    CHECK(exchange(seed + 30));
    CHECK(qstp_session_ratchet(&s.s) == 0);
    h_pump(&c, &s);
    CHECK(exchange(seed + 40));
    CHECK(memcmp(C->rtcs, S->rtcs, 32) == 0);
    CHECK(c.ratchets == 2 && s.ratchets == 2 && !c.failed && !s.failed);
}

/* Twice in a row without traffic between: the second pair starts while the server's first
 * ratchet is still unconfirmed at the server, which refuses a second one of its own locally. */
static void back_to_back(void)
{
    connect_pair(900, 1000);
    CHECK(qstp_session_ratchet(&c.s) == 0);
    CHECK(qstp_session_ratchet(&s.s) == 0);
    h_pump(&c, &s);
    CHECK(!c.failed && !s.failed);
    CHECK(qstp_session_ratchet(&c.s) == 0);
    CHECK(qstp_session_ratchet(&s.s) == -(int)qstp_error_invalid_request);
    h_pump(&c, &s);
    CHECK(exchange(901) && exchange(902));
    CHECK(qstp_session_ratchet(&c.s) == 0);
    CHECK(qstp_session_ratchet(&s.s) == 0);
    h_pump(&c, &s);
    CHECK(exchange(903));
    CHECK(memcmp(qstp_cimpl(&c.s)->rtcs, qstp_cimpl(&s.s)->rtcs, 32) == 0);
}

/* A record the client sealed under its abandoned key, tampered in flight: still an
 * authentication failure at the server, and the session's secrets are wiped. */
static void tampered(void)
{
    static wire wc, ws, ec, es;
    wc.n = ws.n = ec.n = es.n = 0;
    connect_pair(950, 1000);
    CHECK(qstp_session_ratchet(&c.s) == 0);
    CHECK(qstp_session_ratchet(&s.s) == 0);
    take_into(&c, &wc);
    take_into(&s, &ws);
    send_into(&c, &wc, 100, 951, &ec);
    wc.p[wc.n - 5] ^= 0x01;
    drain(&wc, &s);
    CHECK(s.failed && s.err == qstp_error_authentication_failure && h_secrets_wiped(&s.s));
}

int main(void)
{
    static const size_t chunks[] = {1000000, 1, 7};
    const qstp_suite *su = qstp_suite_by_id(0x01);
    if (!qstp_suite_available(su)) {
        CHECK_MSG(0, "suite 0x01 primitives not built");
        return test_report();
    }
    h_now = T0;
    CHECK(h_keyset_make(&ks, su, 4242) == 0);
    for (int order = 0; order < 3; order++) {
        for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
            simultaneous(order, 0, 0, chunks[k], 100 + (uint64_t)order * 10 + k);
            simultaneous(order, 5000, 4000, chunks[k], 200 + (uint64_t)order * 10 + k);
        }
    }
    back_to_back();
    tampered();
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    return test_report();
}
