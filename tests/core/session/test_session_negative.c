/* Every check of QSTP-WIRE §2.5, §4.3-§4.7, §4.10 and §5.2 rejects with its documented error,
 * sends the documented code, and leaves no secret behind (session state and the server's
 * ephemeral KEM secret key in the workspace are inspected after each failure). Suite 0x01. */
#include <stdio.h>

#include "core/buf.h"
#include "qstp/revoke.h"
#include "session_harness.h"

static keyset ks;
static const qstp_suite *su;
static endpoint c, s;
static uint8_t req[128], resp[1 << 16], exch[4096], fin[128];
static size_t reqlen, resplen, exchlen, finlen;
static const uint64_t T0 = 1782129600;

static void fresh(void)
{
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    h_now = T0;
    h_endpoint_client(&c, &ks.ccfg, 11);
    h_endpoint_server(&s, &ks.scfg, su, 12);
}

/* Runs the handshake by hand, keeping each message, up to (not including) step `stop`:
 * 1 = connect request taken, 2 = response taken, 3 = exchange request taken, 4 = response taken. */
static void run_until(int stop)
{
    fresh();
    CHECK(qstp_session_start(&c.s) == 0);
    reqlen = h_take(&c, req, sizeof(req));
    if (stop <= 1)
        return;
    h_feed(&s, req, reqlen);
    resplen = h_take(&s, resp, sizeof(resp));
    if (stop <= 2)
        return;
    h_feed(&c, resp, resplen);
    exchlen = h_take(&c, exch, sizeof(exch));
    if (stop <= 3)
        return;
    h_feed(&s, exch, exchlen);
    finlen = h_take(&s, fin, sizeof(fin));
}

static void expect_error_packet(endpoint *e, uint8_t code, const char *what)
{
    uint8_t buf[256];
    size_t n = h_take(e, buf, sizeof(buf));
    CHECK_MSG(n == QSTP_PACKET_ERROR_SIZE && buf[0] == 0x13 && qstp_load_le32(buf + 1) == 1 &&
                  qstp_load_le64(buf + 5) == QSTP_PACKET_ERROR_SEQUENCE && buf[21] == code,
              "%s: error packet (len %zu, code 0x%02x, want 0x%02x)", what, n, n >= 22 ? buf[21] : 0, code);
}

static int server_ksk_wiped(void)
{
    qstp_ws_layout l;
    qstp_ws_layout_compute(su, QSTP_ROLE_SERVER, &l);
    return qstp_ct_is_zero(s.ws + l.ksk_off, l.ksk_len);
}

static void expect_fail(endpoint *e, qstp_errors local, uint8_t wire, const char *what)
{
    CHECK_MSG(e->failed && e->err == local, "%s: failed=%d err=0x%02x want 0x%02x", what, e->failed,
              e->err, local);
    CHECK_MSG(qstp_session_error(&e->s) == local, "%s: sticky error", what);
    expect_error_packet(e, wire, what);
    CHECK_MSG(h_secrets_wiped(&e->s), "%s: secrets left in the session", what);
    if (e == &s)
        CHECK_MSG(server_ksk_wiped(), "%s: ephemeral KEM key left in the workspace", what);
}

static void set_hdr(uint8_t *p, int flag, long long msglen, long long seq, long long t)
{
    if (flag >= 0)
        p[0] = (uint8_t)flag;
    if (msglen >= 0)
        qstp_store_le32(p + 1, (uint32_t)msglen);
    if (seq >= 0)
        qstp_store_le64(p + 5, (uint64_t)seq);
    if (t >= 0)
        qstp_store_le64(p + 13, (uint64_t)t);
}

/* ---- server: connect request (§2.5 then §4.4), code replaced by 0x14 for header faults ---- */
static void test_connect_request(void)
{
    struct {
        int flag;
        long long msglen, seq, t;
        qstp_errors local;
        uint8_t wire;
        const char *what;
    } hv[] = {
        {0x07, -1, -1, -1, qstp_error_invalid_request, 0x14, "request: wrong flag"},
        {-1, -1, 1, -1, qstp_error_packet_unsequenced, 0x14, "request: sequence 1"},
        {-1, -1, -1, (long long)T0 + 61, qstp_error_message_time_invalid, 0x14, "request: time +61"},
        {-1, -1, -1, (long long)T0 - 61, qstp_error_message_time_invalid, 0x14, "request: time -61"},
        {-1, 59, -1, -1, qstp_error_receive_failure, 0x14, "request: oversized msglen"},
        {-1, 57, -1, -1, qstp_error_receive_failure, 0x14, "request: short msglen"},
    };
    for (size_t i = 0; i < sizeof(hv) / sizeof(hv[0]); i++) {
        run_until(1);
        set_hdr(req, hv[i].flag, hv[i].msglen, hv[i].seq, hv[i].t);
        h_feed(&s, req, reqlen);
        expect_fail(&s, hv[i].local, hv[i].wire, hv[i].what);
    }
    /* ±60 is still fine. */
    run_until(1);
    set_hdr(req, -1, -1, -1, (long long)T0 + 60);
    h_feed(&s, req, reqlen);
    CHECK(!s.failed);

    /* A client error packet instead of a request: connection_failure, answered with 0x16. */
    run_until(1);
    {
        uint8_t ep[22];
        qstp_packet_error_create(ep, qstp_error_key_expired, T0);
        h_feed(&s, ep, sizeof(ep));
        expect_fail(&s, qstp_error_connection_failure, 0x16, "request: peer error packet");
        CHECK(s.has_peer_code && s.peer_code == 0x0E);
    }
    /* §4.4 checks: serial, expiry, protocol string (41 bytes). */
    run_until(1);
    req[21] ^= 1;
    h_feed(&s, req, reqlen);
    expect_fail(&s, qstp_error_key_unrecognized, 0x0F, "request: unknown serial");
    run_until(1);
    req[21 + 16 + 3] ^= 1;
    h_feed(&s, req, reqlen);
    expect_fail(&s, qstp_error_unknown_protocol, 0x19, "request: protocol string");
    run_until(1);
    req[21 + 16 + 41] = 'x'; /* the 42nd byte is not compared (§4.4) */
    h_feed(&s, req, reqlen);
    CHECK(!s.failed && qstp_session_output(&s.s, &resplen) != NULL);
    /* A request for another set's protocol string. */
    run_until(1);
    memcpy(req + 21 + 16, qstp_suite_by_id(0x03)->protocol_string, 38);
    h_feed(&s, req, reqlen);
    expect_fail(&s, qstp_error_unknown_protocol, 0x19, "request: other set");
    /* Expired server key: the client is told its certificate is fine (expiry far away). */
    {
        qstp_client_config cc = ks.ccfg;
        cc.server_expiration_to = UINT64_MAX;
        h_endpoint_free(&c);
        h_endpoint_free(&s);
        h_now = ks.skey.to + 1;
        h_endpoint_client(&c, &cc, 1);
        h_endpoint_server(&s, &ks.scfg, su, 2);
        CHECK(qstp_session_start(&c.s) == 0);
        reqlen = h_take(&c, req, sizeof(req));
        h_feed(&s, req, reqlen);
        expect_fail(&s, qstp_error_key_expired, 0x0E, "request: server key expired");
    }
    /* Truncated request, then EOF: receive_failure (0x16). */
    run_until(1);
    h_feed(&s, req, reqlen - 5);
    {
        qstp_event ev;
        qstp_session_peer_eof(&s.s, &ev);
        h_handle(&s, &ev);
    }
    expect_fail(&s, qstp_error_receive_failure, 0x16, "request: truncated");
}

/* ---- client: certificate expiry at start (§4.3) ---- */
static void test_client_expired(void)
{
    fresh();
    h_now = ks.cert.to + 1;
    CHECK(qstp_session_start(&c.s) == -(int)qstp_error_key_expired);
    c.failed = 1;
    c.err = qstp_error_key_expired;
    expect_fail(&c, qstp_error_key_expired, 0x0E, "client: certificate expired");
}

/* ---- client: connect response (§2.5 with 0x14, then §4.5) ---- */
static void test_connect_response(void)
{
    const size_t sig = su->sig_size;
    run_until(2);
    resp[21 + 10] ^= 0x40; /* signature */
    h_feed(&c, resp, resplen);
    expect_fail(&c, qstp_error_authentication_failure, 0x02, "response: bad signature");

    run_until(2);
    resp[21 + sig + 5] ^= 1; /* the signed phash itself */
    h_feed(&c, resp, resplen);
    expect_fail(&c, qstp_error_authentication_failure, 0x02, "response: tampered signed hash");

    run_until(2);
    resp[resplen - 1] ^= 1; /* the public key: signature fine, phash differs */
    h_feed(&c, resp, resplen);
    expect_fail(&c, qstp_error_verify_failure, 0x1A, "response: tampered public key");

    run_until(2);
    set_hdr(resp, -1, -1, -1, (long long)T0 + 1); /* header is inside phash */
    h_feed(&c, resp, resplen);
    expect_fail(&c, qstp_error_verify_failure, 0x1A, "response: tampered header time");

    run_until(2);
    h_now = T0 + 61;
    h_feed(&c, resp, resplen);
    expect_fail(&c, qstp_error_message_time_invalid, 0x14, "response: late (+61 s)");

    run_until(2);
    set_hdr(resp, -1, (long long)(resplen - 21 + 1), -1, -1);
    h_feed(&c, resp, resplen);
    expect_fail(&c, qstp_error_receive_failure, 0x14, "response: oversized msglen");

    run_until(2);
    set_hdr(resp, -1, -1, 1, -1);
    h_feed(&c, resp, resplen);
    expect_fail(&c, qstp_error_packet_unsequenced, 0x14, "response: sequence");

    run_until(2);
    set_hdr(resp, 0x08, -1, -1, -1);
    h_feed(&c, resp, resplen);
    expect_fail(&c, qstp_error_invalid_request, 0x14, "response: wrong flag");

    run_until(2);
    h_feed(&c, resp, resplen / 2);
    {
        qstp_event ev;
        qstp_session_peer_eof(&c.s, &ev);
        h_handle(&c, &ev);
    }
    expect_fail(&c, qstp_error_receive_failure, 0x16, "response: truncated");

    /* The reference's pre-establishment qstp_connection_close form: msglen says 33 but only one
     * code byte follows (REF-DEFECT §11.3). It is acted on without waiting for 33 bytes. */
    run_until(2);
    {
        uint8_t defect[22];
        qstp_packet_error_create(defect, qstp_error_unknown_protocol, T0);
        qstp_store_le32(defect + 1, 33);
        h_feed(&c, defect, sizeof(defect));
        expect_fail(&c, qstp_error_connection_failure, 0x16, "response: msglen-33 close form");
        CHECK(c.has_peer_code && c.peer_code == 0x19);
    }

    /* The A.6 exchange: the server refuses the serial, the client answers 0x16. */
    run_until(1);
    req[21] ^= 1;
    h_feed(&s, req, reqlen);
    {
        uint8_t ep[64];
        size_t n = h_take(&s, ep, sizeof(ep));
        CHECK(n == 22 && ep[21] == 0x0F);
        h_feed(&c, ep, n);
        expect_fail(&c, qstp_error_connection_failure, 0x16, "response: server error packet");
        CHECK(c.has_peer_code && c.peer_code == 0x0F);
    }
}

/* ---- server: exchange request (§2.5 codes not replaced, then §4.6) ---- */
static void test_exchange_request(void)
{
    run_until(3);
    exch[21 + 7] ^= 0x10; /* ciphertext: ML-KEM re-encryption check fails */
    h_feed(&s, exch, exchlen);
    expect_fail(&s, qstp_error_decapsulation_failure, 0x06, "exchange: tampered ciphertext");

    run_until(3);
    h_now = T0 - 61;
    h_feed(&s, exch, exchlen);
    expect_fail(&s, qstp_error_message_time_invalid, 0x13, "exchange: early (-61 s), not replaced");

    run_until(3);
    set_hdr(exch, -1, -1, 2, -1);
    h_feed(&s, exch, exchlen);
    expect_fail(&s, qstp_error_packet_unsequenced, 0x14, "exchange: sequence");

    run_until(3);
    set_hdr(exch, 0x01, -1, -1, -1);
    h_feed(&s, exch, exchlen);
    expect_fail(&s, qstp_error_invalid_request, 0x0D, "exchange: wrong flag, not replaced");

    run_until(3);
    set_hdr(exch, -1, (long long)exchlen - 21 - 1, -1, -1);
    h_feed(&s, exch, exchlen);
    expect_fail(&s, qstp_error_receive_failure, 0x16, "exchange: short msglen, not replaced");

    run_until(3);
    h_feed(&s, exch, exchlen - 1);
    {
        qstp_event ev;
        qstp_session_peer_eof(&s.s, &ev);
        h_handle(&s, &ev);
    }
    expect_fail(&s, qstp_error_receive_failure, 0x16, "exchange: truncated");

    /* Handshake timeout while waiting for the exchange request. */
    {
        qstp_server_config sc = ks.scfg;
        qstp_event ev;
        sc.handshake_timeout = 10;
        h_endpoint_free(&c);
        h_endpoint_free(&s);
        h_now = T0;
        h_endpoint_client(&c, &ks.ccfg, 1);
        h_endpoint_server(&s, &sc, su, 2);
        CHECK(qstp_session_start(&c.s) == 0);
        reqlen = h_take(&c, req, sizeof(req));
        h_feed(&s, req, reqlen);
        resplen = h_take(&s, resp, sizeof(resp));
        CHECK(qstp_session_next_timeout(&s.s, h_now) == T0 + 10);
        CHECK(!server_ksk_wiped()); /* the key is there while waiting ... */
        h_now = T0 + 10;
        qstp_session_timeout(&s.s, &ev);
        h_handle(&s, &ev);
        expect_fail(&s, qstp_error_timeout, 0x03, "exchange: handshake timeout"); /* ... and gone */
    }
}

/* ---- client: exchange response (§4.7) ---- */
static void test_exchange_response(void)
{
    run_until(4);
    CHECK(s.established);
    fin[21 + 31] ^= 1;
    h_feed(&c, fin, finlen);
    expect_fail(&c, qstp_error_authentication_failure, 0x02, "establish: tampered sch2");

    run_until(4);
    set_hdr(fin, -1, 33, -1, -1);
    h_feed(&c, fin, finlen);
    expect_fail(&c, qstp_error_receive_failure, 0x14, "establish: msglen");
}

/* ---- records after the handshake (§2.6, §5.2, §3.4) ---- */
static void established_pair(void)
{
    run_until(4);
    h_feed(&c, fin, finlen);
    CHECK(c.established && s.established);
}

static size_t seal(endpoint *e, const char *msg, uint8_t *out, size_t cap)
{
    size_t outlen = 0;
    CHECK(qstp_session_send(&e->s, (const uint8_t *)msg, strlen(msg), out, cap, &outlen) == 0);
    return outlen;
}

static void expect_record_fail(endpoint *e, qstp_errors local, const char *what)
{
    uint8_t buf[256];
    size_t n;
    CHECK_MSG(e->failed && e->err == local, "%s: failed=%d err=0x%02x want 0x%02x", what, e->failed,
              e->err, local);
    CHECK_MSG(h_secrets_wiped(&e->s), "%s: secrets left", what);
    /* It tells the peer with an encrypted close record carrying the code. */
    n = h_take(e, buf, sizeof(buf));
    CHECK_MSG(n == 54 && buf[0] == 0x13, "%s: close record (len %zu)", what, n);
    h_feed(e->peer, buf, n);
    CHECK_MSG(e->peer->closed && e->peer->peer_code == (uint8_t)qstp_error_wire_code(local),
              "%s: peer sees code 0x%02x", what, e->peer->peer_code);
}

static void test_records(void)
{
    uint8_t r1[256], r2[256];
    size_t n1, n2;

    established_pair();
    c.peer = &s;
    s.peer = &c;
    n1 = seal(&c, "first", r1, sizeof(r1));
    n2 = seal(&c, "second", r2, sizeof(r2));
    h_feed(&s, r1, n1);
    h_feed(&s, r1, n1); /* replay */
    expect_record_fail(&s, qstp_error_packet_unsequenced, "record: replay");

    established_pair();
    c.peer = &s;
    s.peer = &c;
    n1 = seal(&c, "first", r1, sizeof(r1));
    n2 = seal(&c, "second", r2, sizeof(r2));
    h_feed(&s, r2, n2); /* skipped one */
    expect_record_fail(&s, qstp_error_packet_unsequenced, "record: gap");

    established_pair();
    c.peer = &s;
    s.peer = &c;
    n1 = seal(&c, "first", r1, sizeof(r1));
    r1[n1 - 3] ^= 1;
    h_feed(&s, r1, n1);
    expect_record_fail(&s, qstp_error_authentication_failure, "record: tampered tag");

    established_pair();
    c.peer = &s;
    s.peer = &c;
    n1 = seal(&c, "first", r1, sizeof(r1));
    r1[0] = 0x05; /* unknown flag, still authenticated */
    h_feed(&s, r1, n1);
    expect_record_fail(&s, qstp_error_invalid_request, "record: unknown flag");

    established_pair();
    c.peer = &s;
    s.peer = &c;
    n1 = seal(&c, "first", r1, sizeof(r1));
    r1[13] ^= 1; /* utctime off by one second: still valid, but the AD differs */
    h_feed(&s, r1, n1);
    expect_record_fail(&s, qstp_error_authentication_failure, "record: tampered header");

    established_pair();
    c.peer = &s;
    s.peer = &c;
    n1 = seal(&c, "first", r1, sizeof(r1));
    h_now = T0 + 61;
    h_feed(&s, r1, n1);
    expect_record_fail(&s, qstp_error_message_time_invalid, "record: late (+61 s)");

    established_pair();
    c.peer = &s;
    s.peer = &c;
    set_hdr(r1, 0x04, 32, 3, (long long)T0);
    h_feed(&s, r1, 21);
    expect_record_fail(&s, qstp_error_receive_failure, "record: msglen 32 (§2.6)");

    established_pair();
    c.peer = &s;
    s.peer = &c;
    set_hdr(r1, 0x04, 65537, 3, (long long)T0);
    h_feed(&s, r1, 21);
    expect_record_fail(&s, qstp_error_receive_failure, "record: msglen 65537 (§2.6)");

    /* Control records with the wrong length or content, sealed properly by the peer. */
    {
        struct {
            uint8_t flag;
            size_t n;
            uint64_t id;
            qstp_errors want;
            const char *what;
        } cv[] = {
            {0x12, 31, 0, qstp_error_receive_failure, "ratchet: 31-byte token"},
            {0x13, 2, 0, qstp_error_receive_failure, "close: 2-byte body"},
            {QSTP_FLAG_KEEPALIVE_REQUEST, 9, 1, qstp_error_receive_failure, "keep-alive: 9-byte body"},
            {QSTP_FLAG_KEEPALIVE_RESPONSE, 8, 7, qstp_error_invalid_request, "keep-alive: unexpected id"},
        };
        for (size_t i = 0; i < sizeof(cv) / sizeof(cv[0]); i++) {
            uint8_t body[64] = {0};
            established_pair();
            c.peer = &s;
            s.peer = &c;
            qstp_store_le64(body, cv[i].id);
            CHECK(qstp_record_seal(qstp_impl(&s.s), cv[i].flag, cv[i].flag == 0x12 ? 0 : T0, body, cv[i].n,
                                   r1) == 0);
            h_feed(&c, r1, cv[i].n + 53);
            expect_record_fail(&c, cv[i].want, cv[i].what);
        }
    }

    /* 0x03 from the peer ends the session (§3.5). */
    established_pair();
    set_hdr(r1, 0x03, 33, 3, (long long)T0);
    h_feed(&c, r1, 21);
    CHECK(c.closed && !c.failed && h_secrets_wiped(&c.s));

    /* Both sides start a ratchet at once: the server's wins (PROTOCOL.md §2.5; the orders,
     * chunkings and data in flight are in test_session_ratchet.c). It used to fail. */
    {
        qstp_client_config cc = ks.ccfg;
        cc.options = QSTP_OPT_RATCHET_SEND;
        h_endpoint_free(&c);
        h_endpoint_free(&s);
        h_now = T0;
        h_endpoint_client(&c, &cc, 3);
        h_endpoint_server(&s, &ks.scfg, su, 4);
        c.peer = &s;
        s.peer = &c;
        CHECK(qstp_session_start(&c.s) == 0);
        h_pump(&c, &s);
        CHECK(c.established && s.established);
        CHECK(qstp_session_ratchet(&c.s) == 0);
        CHECK(qstp_session_ratchet(&s.s) == 0);
        n1 = h_take(&c, r1, sizeof(r1));
        n2 = h_take(&s, r2, sizeof(r2));
        h_feed(&s, r1, n1);
        h_feed(&c, r2, n2);
        CHECK(!s.failed && !c.failed && s.ratchets == 1 && c.ratchets == 1);
    }
}

/* Server key rotation: two keys, the request's serial picks one; the other still works. */
static void test_key_rotation(void)
{
    static keyset ks2, ks3;
    qstp_server_keyref refs[3];
    qstp_server_config sc;
    const qstp_suite *su3 = qstp_suite_by_id(0x03);
    const qstp_client_config *cc[3] = {&ks.ccfg, &ks2.ccfg, &ks3.ccfg};
    CHECK(h_keyset_make(&ks2, su, 777) == 0);
    CHECK(h_keyset_make(&ks3, su3, 778) == 0); /* a key of another set on the same server */
    refs[0] = ks.keyref;
    refs[1] = ks2.keyref;
    refs[2] = ks3.keyref;
    memset(&sc, 0, sizeof(sc));
    sc.keys = refs;
    sc.nkeys = 3;
    CHECK(qstp_server_config_workspace_size(&sc) == qstp_session_handshake_workspace_size(su3, QSTP_ROLE_SERVER));
    for (int k = 0; k < 3; k++) {
        h_endpoint_free(&c);
        h_endpoint_free(&s);
        h_now = T0;
        h_endpoint_client(&c, cc[k], 5);
        h_endpoint_server(&s, &sc, su3, 6);
        c.peer = &s;
        s.peer = &c;
        CHECK(qstp_session_start(&c.s) == 0);
        h_pump(&c, &s);
        CHECK_MSG(c.established && s.established, "key rotation: key %d", k);
        /* the session says which key served it (the net layer reports it per tunnel) */
        CHECK(qstp_session_server_serial(&s.s) != NULL &&
              memcmp(qstp_session_server_serial(&s.s), refs[k].serial, 16) == 0);
        CHECK(memcmp(qstp_session_server_serial(&c.s), cc[k]->server_serial, 16) == 0);
    }
}


/* Revocation notices in place of a connect request (docs/PROTOCOL.md "## Revocation"). */
static void test_revocation(void)
{
    static uint8_t notice[QSTP_REVOCATION_NOTICE_MAX], packet[QSTP_REVOCATION_NOTICE_MAX + 21];
    size_t nlen = 0, plen = 0;
    qstp_server_config sc = ks.scfg;
    uint64_t st = 5;
    sc.revocation_root = &ks.root;
    CHECK(qstp_revocation_notice_create(notice, sizeof(notice), &nlen, &ks.rootkey, ks.skey.serial, T0,
                                        h_random, &st) == 0);
    CHECK(qstp_revocation_packet_create(packet, sizeof(packet), &plen, notice, nlen, T0) == 0);

    /* Accepted: the serial is reported and 13|1|FF..|now|00 is the answer. */
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    h_now = T0;
    h_endpoint_server(&s, &sc, su, 7);
    s.chunk = 100;
    h_feed(&s, packet, plen);
    CHECK(s.revoked && memcmp(s.revoked_serial, ks.skey.serial, 16) == 0 && !s.failed);
    expect_error_packet(&s, 0x00, "revocation: accepted");

    /* Tampered signature: verify_failure (0x1A). */
    h_endpoint_free(&s);
    h_endpoint_server(&s, &sc, su, 7);
    packet[plen - 40] ^= 1;
    h_feed(&s, packet, plen);
    packet[plen - 40] ^= 1;
    CHECK(!s.revoked && s.failed);
    expect_error_packet(&s, 0x1A, "revocation: bad signature");

    /* Stale header: message_time_invalid (0x13). */
    h_endpoint_free(&s);
    h_endpoint_server(&s, &sc, su, 7);
    h_now = T0 + 61;
    h_feed(&s, packet, plen);
    CHECK(!s.revoked && s.failed && s.err == qstp_error_message_time_invalid);
    expect_error_packet(&s, 0x13, "revocation: stale header");
    h_now = T0;

    /* The notice's own time (when the revocation takes effect): dated beyond the 60 s skew
     * it is refused with message_time_invalid (0x13) and nothing is revoked; it used to take
     * effect at once. At the skew edge, and any time in the past (a replay), it is accepted. */
    {
        static const struct {
            uint64_t time;
            int ok;
        } cases[] = {{T0 + 61, 0}, {T0 + 86400ull * 30, 0}, {T0 + 60, 1}, {T0 - 1, 1},
                     {T0 - 86400ull * 3650, 1}};
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            CHECK(qstp_revocation_notice_create(notice, sizeof(notice), &nlen, &ks.rootkey,
                                                ks.skey.serial, cases[i].time, h_random, &st) == 0);
            CHECK(qstp_revocation_packet_create(packet, sizeof(packet), &plen, notice, nlen, T0) == 0);
            h_endpoint_free(&s);
            h_endpoint_server(&s, &sc, su, 7);
            h_feed(&s, packet, plen);
            if (cases[i].ok) {
                CHECK_MSG(s.revoked && !s.failed, "revocation: notice at T0%+lld accepted",
                          (long long)(cases[i].time - T0));
                expect_error_packet(&s, 0x00, "revocation: notice time accepted");
            } else {
                CHECK_MSG(!s.revoked && s.failed && s.err == qstp_error_message_time_invalid,
                          "revocation: notice at T0+%llu refused",
                          (unsigned long long)(cases[i].time - T0));
                expect_error_packet(&s, 0x13, "revocation: future notice");
            }
        }
    }

    /* A server without revocation treats 0x20 as a malformed connect request. */
    h_endpoint_free(&s);
    h_endpoint_server(&s, &ks.scfg, su, 7);
    h_feed(&s, packet, plen);
    CHECK(!s.revoked);
    expect_fail(&s, qstp_error_receive_failure, 0x14, "revocation: not enabled");
}

int main(void)
{
    su = qstp_suite_by_id(0x01);
    if (!qstp_suite_available(su)) {
        CHECK_MSG(0, "suite 0x01 primitives not built");
        return test_report();
    }
    CHECK(h_keyset_make(&ks, su, 2024) == 0);
    test_connect_request();
    test_client_expired();
    test_connect_response();
    test_exchange_request();
    test_exchange_response();
    test_records();
    test_key_rotation();
    test_revocation();
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    return test_report();
}
