/* In-memory client <-> server sessions: handshake for every suite given on the command line
 * (default 0x01-0x04), records of random lengths both ways (1 MB for the first suite), delivery
 * byte by byte and in odd chunks, a ratchet started by each side, keep-alive, idle timeout, close,
 * and the memory budget of the established state. */
#include <stdio.h>

#include "session_harness.h"

static keyset ks;

static void connect_pair(endpoint *c, endpoint *s, const keyset *k, uint64_t seed)
{
    h_endpoint_client(c, &k->ccfg, seed);
    h_endpoint_server(s, &k->scfg, k->suite, seed + 1);
    c->peer = s;
    s->peer = c;
    CHECK(qstp_session_start(&c->s) == 0);
    h_pump(c, s);
    CHECK_MSG(c->established && s->established, "suite 0x%02x: handshake (client err %d, server err %d)",
              k->suite->id, c->err, s->err);
    CHECK(!c->failed && !s->failed);
}

/* Send len bytes from a to its peer as records of random sizes; check they arrive intact. */
static void stream(endpoint *a, size_t total, uint64_t seed, size_t maxrec)
{
    static uint8_t data[QSTP_SESSION_SEND_MAX];
    static uint8_t out[QSTP_SESSION_SEND_MAX + 1024];
    uint64_t st = seed;
    size_t sent = 0, before = a->peer->gotlen;
    uint8_t *all = malloc(total);
    test_prng_bytes(&st, all, total);
    while (sent < total) {
        size_t n = 1 + (size_t)(test_prng_u64(&st) % maxrec), outlen = 0;
        if (n > total - sent)
            n = total - sent;
        memcpy(data, all + sent, n);
        if (qstp_session_send(&a->s, data, n, out, sizeof(out), &outlen) != 0) {
            CHECK_MSG(0, "send failed at %zu", sent);
            break;
        }
        h_feed(a->peer, out, outlen);
        sent += n;
    }
    CHECK_MSG(a->peer->gotlen - before == total, "received %zu of %zu", a->peer->gotlen - before, total);
    if (a->peer->gotlen - before == total)
        CHECK(memcmp(a->peer->got + before, all, total) == 0);
    free(all);
}

static void test_suite_run(uint8_t id, int big)
{
    static endpoint c, s;
    const unsigned long fails0 = test_failures();
    const qstp_suite *su = qstp_suite_by_id(id);
    uint64_t t0 = h_now;
    if (su == NULL || !qstp_suite_available(su)) {
        printf("suite 0x%02x: primitives not built, skipped\n", id);
        return;
    }
    if (h_keyset_make(&ks, su, 1000 + id) != 0) {
        CHECK_MSG(0, "suite 0x%02x: key generation", id);
        return;
    }
    connect_pair(&c, &s, &ks, 77 + id);
    if (!c.established || !s.established) {
        h_endpoint_free(&c);
        h_endpoint_free(&s);
        return;
    }

    /* Workspace released and wiped after establishment. */
    CHECK(c.ws != NULL && qstp_ct_is_zero(c.ws, qstp_session_handshake_workspace_size(su, QSTP_ROLE_CLIENT)));
    CHECK(qstp_ct_is_zero(s.ws, qstp_session_handshake_workspace_size(su, QSTP_ROLE_SERVER)));

    stream(&c, big ? (1u << 20) : 40000, 1, big ? QSTP_SESSION_SEND_MAX : 3000);
    stream(&s, big ? (1u << 20) : 40000, 2, big ? QSTP_SESSION_SEND_MAX : 3000);
    /* Small records, including the KMAC-quirk lengths 68..70 (QSTP-WIRE §6.7). */
    stream(&c, 5000, 3, 140);
    stream(&s, 5000, 4, 140);

    /* Ratchet started by the server (reference-compatible direction), then by the client. */
    CHECK(qstp_session_ratchet(&s.s) == 0);
    CHECK(qstp_session_ratchet(&s.s) == -(int)qstp_error_invalid_request); /* one outstanding */
    stream(&c, 3000, 5, 500); /* client records in flight under the old key */
    h_pump(&c, &s);
    CHECK(c.ratchets == 1);
    stream(&c, 3000, 6, 500);
    stream(&s, 3000, 7, 500);
    CHECK(qstp_session_ratchet(&c.s) == -(int)qstp_error_invalid_request); /* option off */

    /* Keep-alive needs a client configured for it; and the client-side ratchet the option. */
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    ks.ccfg.options = QSTP_OPT_RATCHET_SEND;
    ks.ccfg.keepalive_interval = 30;
    ks.scfg.idle_timeout = 100;
    connect_pair(&c, &s, &ks, 99 + id);
    CHECK(qstp_session_ratchet(&c.s) == 0);
    h_pump(&c, &s);
    CHECK(s.ratchets == 1);
    stream(&s, 2000, 8, 300);
    stream(&c, 2000, 9, 300);

    CHECK(qstp_session_next_timeout(&c.s, h_now) == h_now + 30);
    CHECK(qstp_session_next_timeout(&s.s, h_now) == h_now + 100);
    h_now += 30;
    {
        qstp_event ev;
        qstp_session_timeout(&c.s, &ev);
        CHECK(ev.type == QSTP_EVENT_NONE);
        h_pump(&c, &s); /* request -> response */
        CHECK(c.keepalives == 1 && s.keepalives == 1);
        CHECK(qstp_session_next_timeout(&c.s, h_now) == h_now + 30);
        /* A lost response: the client gives up one interval later. */
        h_now += 30;
        qstp_session_timeout(&c.s, &ev);
        CHECK(ev.type == QSTP_EVENT_NONE);
        {
            uint8_t drop[256];
            CHECK(h_take(&c, drop, sizeof(drop)) == QSTP_KEEPALIVE_PACKET_SIZE);
        }
        h_now += 30;
        qstp_session_timeout(&c.s, &ev);
        CHECK(ev.type == QSTP_EVENT_ERROR && ev.error == qstp_error_channel_down);
        CHECK(h_secrets_wiped(&c.s));
        /* The server's idle timer. */
        h_now = t0 + 100 + 30 + 60 + 1;
        qstp_session_timeout(&s.s, &ev);
        CHECK(ev.type == QSTP_EVENT_ERROR && ev.error == qstp_error_channel_down);
        CHECK(h_secrets_wiped(&s.s));
    }
    h_now = t0;
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    ks.ccfg.options = 0;
    ks.ccfg.keepalive_interval = 0;
    ks.scfg.idle_timeout = 0;

    /* Byte-by-byte and odd-chunk delivery of the whole handshake, then a close. */
    h_endpoint_client(&c, &ks.ccfg, 5);
    h_endpoint_server(&s, &ks.scfg, su, 6);
    c.peer = &s;
    s.peer = &c;
    c.chunk = 1;
    s.chunk = 7;
    CHECK(qstp_session_start(&c.s) == 0);
    h_pump(&c, &s);
    CHECK(c.established && s.established);
    stream(&c, 3000, 10, 200);
    stream(&s, 3000, 11, 200);
    CHECK(qstp_session_close(&s.s, qstp_error_none) == 0);
    h_pump(&c, &s);
    CHECK(c.closed && c.has_peer_code && c.peer_code == 0);
    CHECK(h_secrets_wiped(&c.s) && h_secrets_wiped(&s.s));
    CHECK(qstp_session_is_closed(&c.s) && qstp_session_is_closed(&s.s));
    CHECK(qstp_session_error(&c.s) == qstp_error_none && !qstp_session_is_established(&c.s));
    {
        size_t outlen;
        uint8_t out[128];
        CHECK(qstp_session_send(&c.s, (const uint8_t *)"x", 1, out, sizeof(out), &outlen) ==
              -(int)qstp_error_channel_down);
    }
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    printf("suite 0x%02x (%s): %s\n", id, su->protocol_string,
           test_failures() == fails0 ? "handshake, records, ratchets, keep-alive, close ok" : "FAILED");
}

/* Several packets in one buffer: the whole server output of a burst fed in one call sequence. */
static void test_coalesced(void)
{
    static endpoint c, s;
    static uint8_t buf[1 << 16];
    size_t len = 0, outlen;
    const qstp_suite *su = qstp_suite_by_id(0x01);
    if (!qstp_suite_available(su))
        return;
    CHECK(h_keyset_make(&ks, su, 4242) == 0);
    connect_pair(&c, &s, &ks, 31);
    for (int i = 0; i < 20; i++) {
        uint8_t m[100];
        memset(m, i, sizeof(m));
        CHECK(qstp_session_send(&s.s, m, 1 + (size_t)i * 5, buf + len, sizeof(buf) - len, &outlen) == 0);
        len += outlen;
    }
    CHECK(qstp_session_close(&s.s, qstp_error_none) == 0);
    len += h_take(&s, buf + len, sizeof(buf) - len);
    c.peer = NULL;
    h_feed(&c, buf, len);
    CHECK(c.gotlen == 20 + 5 * 190 && c.closed);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
}


/* The receive buffer is lent per read (an event-driven server): it can be detached whenever no
 * partial record is held, and a session without one consumes nothing. */
static void test_rx_lending(void)
{
    static endpoint c, s;
    static uint8_t out[512], other[QSTP_SESSION_RX_BUFFER_SIZE];
    size_t outlen = 0;
    qstp_event ev;
    const qstp_suite *su = qstp_suite_by_id(0x01);
    if (!qstp_suite_available(su))
        return;
    CHECK(h_keyset_make(&ks, su, 99) == 0);
    connect_pair(&c, &s, &ks, 3);
    CHECK(qstp_session_send(&c.s, (const uint8_t *)"lend me a buffer", 16, out, sizeof(out), &outlen) == 0);
    CHECK(qstp_session_receive(&s.s, out, 30, &ev) == 30 && ev.type == QSTP_EVENT_NONE);
    CHECK(qstp_session_rx_pending(&s.s) == 9);
    CHECK(qstp_session_detach_rx_buffer(&s.s) == -(int)qstp_error_invalid_state);
    CHECK(qstp_session_receive(&s.s, out + 30, outlen - 30, &ev) == outlen - 30);
    CHECK(ev.type == QSTP_EVENT_DATA && ev.len == 16 && memcmp(ev.data, "lend me a buffer", 16) == 0);
    CHECK(qstp_session_rx_pending(&s.s) == 0);
    CHECK(qstp_session_detach_rx_buffer(&s.s) == 0);
    CHECK(qstp_ct_is_zero(s.rx, QSTP_SESSION_RX_BUFFER_SIZE)); /* plaintext wiped */
    CHECK(qstp_session_send(&c.s, (const uint8_t *)"again", 5, out, sizeof(out), &outlen) == 0);
    CHECK(qstp_session_receive(&s.s, out, outlen, &ev) == 0 && ev.type == QSTP_EVENT_NONE);
    CHECK(qstp_session_attach_rx_buffer(&s.s, other, sizeof(other)) == 0);
    CHECK(qstp_session_receive(&s.s, out, outlen, &ev) == outlen);
    CHECK(ev.type == QSTP_EVENT_DATA && ev.data == other && memcmp(ev.data, "again", 5) == 0);
    CHECK(qstp_session_attach_rx_buffer(&s.s, other, 100) == -(int)qstp_error_buffer_too_small);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
}

static void test_budget(void)
{
    printf("sizeof(qstp_session) = %zu, private state = %zu, qstp_rcs256_state = %zu\n",
           sizeof(qstp_session), qstp_session_state_size(), sizeof(qstp_rcs256_state));
    CHECK(qstp_session_state_size() <= sizeof(qstp_session));
    CHECK(sizeof(qstp_session) < 3072);
    for (uint8_t id = 1; id <= 14; id++) {
        const qstp_suite *su = qstp_suite_by_id(id);
        printf("  workspace 0x%02x: client %zu, server %zu\n", id,
               qstp_session_handshake_workspace_size(su, QSTP_ROLE_CLIENT),
               qstp_session_handshake_workspace_size(su, QSTP_ROLE_SERVER));
        CHECK(qstp_session_handshake_workspace_size(su, QSTP_ROLE_SERVER) >=
              21 + su->connect_response_size + su->kem_sk_size);
    }
}

int main(int argc, char **argv)
{
    test_budget();
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            test_suite_run((uint8_t)strtoul(argv[i], NULL, 0), 0);
    } else {
        test_suite_run(0x01, 1);
        test_suite_run(0x02, 0);
        test_suite_run(0x03, 0);
        test_suite_run(0x04, 0);
        test_coalesced();
        test_rx_lending();
    }
    return test_report();
}
