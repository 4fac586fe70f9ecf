/* Adversarial session tests (suite 0x01):
 *  - every byte of every handshake message is flipped in turn: the pair either fails (the failing
 *    side is closed, reports an error and holds no secret) or, where the byte is not
 *    authenticated by design (a connect-request time stamp still inside ±60 s), completes with
 *    working keys; a session never reports ESTABLISHED with keys that do not match its peer's;
 *  - every truncation of every handshake message followed by EOF fails cleanly;
 *  - a failed session is sticky: valid traffic afterwards is swallowed without events and every
 *    API call is refused;
 *  - timers saturate near 2^64 instead of wrapping (regression: a deadline now + timeout that
 *    wrapped fired at once);
 *  - a session whose init failed is refused by qstp_session_start (regression: NULL dereference). */
#include <stdio.h>

#include "core/buf.h"
#include "session_harness.h"

static keyset ks;
static const qstp_suite *su;
static endpoint c, s;
static uint8_t msg[4][1 << 15];
static size_t msglen[4];
static const uint64_t T0 = 1782129600;

static void fresh(void)
{
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    h_now = T0;
    h_endpoint_client(&c, &ks.ccfg, 11);
    h_endpoint_server(&s, &ks.scfg, su, 12);
    c.peer = &s;
    s.peer = &c;
}

/* The four handshake messages of a clean run: 0 request, 1 response, 2 exchange, 3 finish. */
static void record_handshake(void)
{
    fresh();
    CHECK(qstp_session_start(&c.s) == 0);
    msglen[0] = h_take(&c, msg[0], sizeof(msg[0]));
    h_feed(&s, msg[0], msglen[0]);
    msglen[1] = h_take(&s, msg[1], sizeof(msg[1]));
    h_feed(&c, msg[1], msglen[1]);
    msglen[2] = h_take(&c, msg[2], sizeof(msg[2]));
    h_feed(&s, msg[2], msglen[2]);
    msglen[3] = h_take(&s, msg[3], sizeof(msg[3]));
    h_feed(&c, msg[3], msglen[3]);
    CHECK(c.established && s.established);
    CHECK(msglen[0] == 79 && msglen[3] == 53);
    /* session.h: release_workspace wiped what the handshake left there (the harness released
     * it on ESTABLISHED; it had been filled with 0xA5). */
    CHECK(qstp_ct_is_zero(c.ws, c.wslen) && qstp_ct_is_zero(s.ws, s.wslen));
}

/* After a failure: closed, error reported, no secret left. */
static int dead_and_clean(const endpoint *e)
{
    return e->failed && qstp_session_is_closed(&e->s) && qstp_session_error(&e->s) != qstp_error_none &&
           h_secrets_wiped(&e->s);
}

/* Both established: records must pass both ways. */
static int keys_work(void)
{
    uint8_t rec[256];
    size_t n = 0;
    size_t before_s = s.gotlen, before_c = c.gotlen;
    if (qstp_session_send(&c.s, (const uint8_t *)"ping", 4, rec, sizeof(rec), &n) != 0)
        return 0;
    h_feed(&s, rec, n);
    if (qstp_session_send(&s.s, (const uint8_t *)"pong", 4, rec, sizeof(rec), &n) != 0)
        return 0;
    h_feed(&c, rec, n);
    return !s.failed && !c.failed && s.gotlen == before_s + 4 && c.gotlen == before_c + 4 &&
           memcmp(s.got + before_s, "ping", 4) == 0 && memcmp(c.got + before_c, "pong", 4) == 0;
}

/* Replays the handshake with message m's byte at pos xor'ed with x. Returns 1 if the pair
 * completed (and then checked its keys), 0 if it failed. */
static int run_flipped(int m, size_t pos, uint8_t x)
{
    static uint8_t buf[1 << 15];
    endpoint *rx[4] = {&s, &c, &s, &c};
    endpoint *tx[4] = {&c, &s, &c, &s};
    fresh();
    CHECK(qstp_session_start(&c.s) == 0);
    for (int i = 0; i < 4; i++) {
        size_t n = h_take(tx[i], buf, sizeof(buf));
        if (tx[i]->failed || n == 0)
            break;
        if (i == m && pos < n)
            buf[pos] ^= x;
        h_feed(rx[i], buf, n);
        if (rx[i]->failed)
            break;
    }
    if (c.established && s.established) {
        CHECK_MSG(keys_work(), "flip m%d pos %zu ^%02x: established but keys differ", m, pos, x);
        return 1;
    }
    /* Nobody may think it is established when the other is not (the client's last message is
     * checked by the server before it answers; the server's by the client). */
    CHECK_MSG(!c.established || s.established, "flip m%d pos %zu: client alone established", m, pos);
    CHECK_MSG(!s.established || c.failed || !c.established,
              "flip m%d pos %zu: inconsistent", m, pos);
    /* The side that rejected is dead and clean. */
    CHECK_MSG(dead_and_clean(&c) || dead_and_clean(&s), "flip m%d pos %zu ^%02x: no clean failure", m, pos, x);
    if (c.failed)
        CHECK_MSG(h_secrets_wiped(&c.s), "flip m%d pos %zu: client secrets", m, pos);
    if (s.failed) {
        qstp_ws_layout l;
        qstp_ws_layout_compute(su, QSTP_ROLE_SERVER, &l);
        CHECK_MSG(h_secrets_wiped(&s.s) && qstp_ct_is_zero(s.ws + l.ksk_off, l.ksk_len),
                  "flip m%d pos %zu: server secrets", m, pos);
    }
    /* A failed session gives its workspace back wiped. */
    for (int i = 0; i < 2; i++) {
        endpoint *e = i ? &s : &c;
        if (e->failed)
            CHECK_MSG(qstp_session_release_workspace(&e->s) == 0 && qstp_ct_is_zero(e->ws, e->wslen),
                      "flip m%d pos %zu: workspace after failure", m, pos);
    }
    return 0;
}

static void test_flip_every_byte(void)
{
    size_t completed = 0, total = 0;
    for (int m = 0; m < 4; m++) {
        /* The connect response (SIG + hash + pk) is long: every byte of its header and signed
         * hash region, then a stride through the public key (all of it is hashed into phash). */
        for (size_t pos = 0; pos < msglen[m]; pos += (m == 1 && pos > 21 + su->signed_hash_size) ? 13 : 1) {
            completed += (size_t)run_flipped(m, pos, 0x80);
            total++;
            if (pos < QSTP_PACKET_HEADER_SIZE) {
                completed += (size_t)run_flipped(m, pos, 0x01);
                total++;
            }
        }
    }
    /* Only the unauthenticated parts may be changed without failing: the connect request's
     * time stamp (bit 0 of its low byte: 1 s, inside the window), the request's 42nd protocol
     * byte (not compared, §4.4 check 3), and the server's plaintext exchange-response time. */
    printf("# handshake flips: %zu runs, %zu completed\n", total, completed);
    CHECK_MSG(completed <= 12, "too many tampered handshakes completed: %zu", completed);
}

static void test_truncations(void)
{
    static uint8_t buf[1 << 15];
    endpoint *rx[4] = {&s, &c, &s, &c};
    endpoint *tx[4] = {&c, &s, &c, &s};
    for (int m = 0; m < 4; m++) {
        for (size_t cut = 0; cut < msglen[m]; cut += (m == 1 ? 97 : 1)) {
            qstp_event ev;
            fresh();
            CHECK(qstp_session_start(&c.s) == 0);
            for (int i = 0; i < m; i++) {
                size_t n = h_take(tx[i], buf, sizeof(buf));
                h_feed(rx[i], buf, n);
            }
            (void)h_take(tx[m], buf, sizeof(buf));
            h_feed(rx[m], buf, cut);
            CHECK_MSG(!rx[m]->failed && !rx[m]->established, "truncation m%d cut %zu: early event", m, cut);
            qstp_session_peer_eof(&rx[m]->s, &ev);
            CHECK_MSG(ev.type == QSTP_EVENT_ERROR && ev.error == qstp_error_receive_failure,
                      "truncation m%d cut %zu: EOF gives %d/%d", m, cut, ev.type, ev.error);
            CHECK_MSG(qstp_session_is_closed(&rx[m]->s) && h_secrets_wiped(&rx[m]->s),
                      "truncation m%d cut %zu: not clean", m, cut);
        }
    }
}

static void test_sticky(void)
{
    uint8_t r1[256], r2[256], out[512];
    size_t n1 = 0, n2 = 0, n = 0;
    qstp_event ev;
    record_handshake();
    CHECK(qstp_session_send(&c.s, (const uint8_t *)"one", 3, r1, sizeof(r1), &n1) == 0);
    CHECK(qstp_session_send(&c.s, (const uint8_t *)"two", 3, r2, sizeof(r2), &n2) == 0);
    r1[30] ^= 4; /* ciphertext byte */
    h_feed(&s, r1, n1);
    CHECK(s.failed && s.err == qstp_error_authentication_failure && h_secrets_wiped(&s.s));
    /* The next, valid record is swallowed: all bytes consumed, no event, no data. */
    CHECK(qstp_session_receive(&s.s, r2, n2, &ev) == n2 && ev.type == QSTP_EVENT_NONE);
    CHECK(s.gotlen == 0);
    CHECK(qstp_session_send(&s.s, (const uint8_t *)"x", 1, out, sizeof(out), &n) == -(int)qstp_error_channel_down && n == 0);
    CHECK(qstp_session_ratchet(&s.s) == -(int)qstp_error_channel_down);
    CHECK(qstp_session_close(&s.s, qstp_error_none) == -(int)qstp_error_invalid_state);
    CHECK(qstp_session_error(&s.s) == qstp_error_authentication_failure);
    qstp_session_timeout(&s.s, &ev);
    CHECK(ev.type == QSTP_EVENT_NONE && qstp_session_next_timeout(&s.s, T0) == UINT64_MAX);
    qstp_session_peer_eof(&s.s, &ev);
    CHECK(ev.type == QSTP_EVENT_NONE && qstp_session_error(&s.s) == qstp_error_authentication_failure);

    /* A tampered header length in the established state: receive_failure, same stickiness. */
    record_handshake();
    CHECK(qstp_session_send(&c.s, (const uint8_t *)"one", 3, r1, sizeof(r1), &n1) == 0);
    qstp_store_le32(r1 + 1, 0xFFFFFFFFu);
    h_feed(&s, r1, n1);
    CHECK(s.failed && s.err == qstp_error_receive_failure && h_secrets_wiped(&s.s));

    /* Detaching the receive buffer wipes the plaintext a DATA event pointed at. */
    record_handshake();
    CHECK(qstp_session_send(&c.s, (const uint8_t *)"secret", 6, r1, sizeof(r1), &n1) == 0);
    CHECK(qstp_session_receive(&s.s, r1, n1, &ev) == n1 && ev.type == QSTP_EVENT_DATA && ev.len == 6);
    CHECK(ev.data == s.rx && memcmp(s.rx, "secret", 6) == 0);
    {
        int r = qstp_session_detach_rx_buffer(&s.s);
        CHECK_MSG(r == 0, "detach: %d", r);
        CHECK_MSG(qstp_ct_is_zero(s.rx, QSTP_SESSION_RX_BUFFER_SIZE), "detach left plaintext");
    }
}

static void test_timer_saturation(void)
{
    qstp_client_config cc = ks.ccfg;
    qstp_server_config sc = ks.scfg;
    qstp_event ev;
    cc.handshake_timeout = 30;
    cc.keepalive_interval = 30;
    cc.server_expiration_to = UINT64_MAX;
    sc.handshake_timeout = 30;
    sc.idle_timeout = 300;

    /* Handshake deadline: now + 30 would wrap to 19. */
    h_endpoint_free(&c);
    h_now = UINT64_MAX - 10;
    h_endpoint_client(&c, &cc, 21);
    CHECK(qstp_session_start(&c.s) == 0);
    CHECK(qstp_session_next_timeout(&c.s, h_now) >= h_now);
    qstp_session_timeout(&c.s, &ev);
    CHECK_MSG(ev.type == QSTP_EVENT_NONE && !qstp_session_is_closed(&c.s), "handshake deadline wrapped");
    h_endpoint_free(&s);
    h_endpoint_server(&s, &sc, su, 22);
    CHECK(qstp_session_next_timeout(&s.s, h_now) >= h_now);
    qstp_session_timeout(&s.s, &ev);
    CHECK_MSG(ev.type == QSTP_EVENT_NONE && !qstp_session_is_closed(&s.s), "server handshake deadline wrapped");

    /* Established timers (keep-alive, idle) with a last receive time near the top. */
    h_now = T0;
    {
        qstp_client_config cc2 = ks.ccfg;
        cc2.keepalive_interval = 30;
        h_endpoint_free(&c);
        h_endpoint_free(&s);
        h_endpoint_client(&c, &cc2, 23);
        h_endpoint_server(&s, &sc, su, 24);
        c.peer = &s;
        s.peer = &c;
        CHECK(qstp_session_start(&c.s) == 0);
        h_pump(&c, &s);
        CHECK(c.established && s.established);
        qstp_impl(&c.s)->last_rx = UINT64_MAX - 5;
        qstp_impl(&s.s)->last_rx = UINT64_MAX - 5;
        h_now = UINT64_MAX - 4;
        CHECK(qstp_session_next_timeout(&c.s, h_now) >= h_now);
        CHECK(qstp_session_next_timeout(&s.s, h_now) >= h_now);
        qstp_session_timeout(&c.s, &ev);
        CHECK_MSG(ev.type == QSTP_EVENT_NONE && qstp_session_is_established(&c.s), "keep-alive timer wrapped");
        CHECK(qstp_session_output(&c.s, &(size_t){0}) == NULL); /* no keep-alive sent yet */
        qstp_session_timeout(&s.s, &ev);
        CHECK_MSG(ev.type == QSTP_EVENT_NONE && qstp_session_is_established(&s.s), "idle timer wrapped");
        h_now = T0;
    }
}

static void test_failed_init(void)
{
    qstp_session z;
    qstp_env env = {h_clock, h_random, NULL};
    qstp_client_config bad = ks.ccfg;
    qstp_event ev;
    uint8_t out[128];
    size_t n = 0;
    bad.suite = NULL;
    CHECK(qstp_session_client_init(&z, &env, &bad) == -(int)qstp_error_invalid_input);
    CHECK(qstp_ct_is_zero(&z, sizeof(z)));
    CHECK(qstp_session_start(&z) == -(int)qstp_error_invalid_state);
    CHECK(qstp_session_receive(&z, out, sizeof(out), &ev) == 0 && ev.type == QSTP_EVENT_NONE);
    CHECK(qstp_session_send(&z, out, 1, out, sizeof(out), &n) == -(int)qstp_error_channel_down);
    CHECK(qstp_session_ratchet(&z) == -(int)qstp_error_channel_down);
    qstp_session_timeout(&z, &ev);
    CHECK(ev.type == QSTP_EVENT_NONE);
    CHECK(qstp_session_close(&z, qstp_error_none) == -(int)qstp_error_invalid_state);
    CHECK(qstp_session_next_timeout(&z, T0) == UINT64_MAX);
    qstp_session_peer_eof(&z, &ev);
    CHECK(qstp_session_server_init(&z, &env, NULL) == -(int)qstp_error_invalid_input);
    CHECK(qstp_session_start(&z) == -(int)qstp_error_invalid_state);
}

int main(void)
{
    su = qstp_suite_by_id(0x01);
    CHECK(su != NULL);
    if (su == NULL)
        return test_report();
    CHECK(h_keyset_make(&ks, su, 4242) == 0);
    record_handshake();
    test_flip_every_byte();
    test_truncations();
    test_sticky();
    test_timer_saturation();
    test_failed_init();
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    return test_report();
}
