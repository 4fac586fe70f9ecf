/* A whole established session replayed against the independent Python model of the spec
 * (tests/core/session/stream_vectors.txt, made by gen_stream_vectors.py from
 * ../shared/spec/tools/qstp_vectors_lib.py): records both ways at the KMAC-quirk lengths, a
 * server-started and a client-started ratchet, a keep-alive pair and the close record. Every
 * packet our sessions emit must equal the model's bytes, and the other side must accept it. */
#include "session_harness.h"

static uint8_t token[32];
static int token_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    if (len != sizeof(token))
        return -1;
    memcpy(out, token, len);
    return 0;
}

static uint8_t rxc[QSTP_SESSION_RX_BUFFER_SIZE], rxs[QSTP_SESSION_RX_BUFFER_SIZE];

static void establish(qstp_session *s, const uint8_t prnd[128], const uint8_t rtcs[32], int client)
{
    qstp_session_impl *S = qstp_impl(s);
    S->state = ST_ESTABLISHED;
    qstp_session_set_keys(S, prnd, client);
    memcpy(S->rtcs, rtcs, 32);
    S->txseq = S->rxseq = 2;
    S->last_rx = h_now;
    CHECK(qstp_session_attach_rx_buffer(s, client ? rxc : rxs, QSTP_SESSION_RX_BUFFER_SIZE) == 0);
}

static size_t take(qstp_session *s, uint8_t *buf, size_t cap)
{
    size_t n = 0, total = 0;
    const uint8_t *o;
    while ((o = qstp_session_output(s, &n)) != NULL && total + n <= cap) {
        memcpy(buf + total, o, n);
        total += n;
        qstp_session_output_ack(s, n);
    }
    return total;
}

int main(void)
{
    static qstp_session cs, ss;
    static uint8_t dummy_key[8192];
    static uint8_t pkt[1024], want[1024], pt[1024];
    qstp_env env = {h_clock, token_rng, NULL};
    qstp_client_config ccfg;
    qstp_server_keyref kref;
    qstp_server_config scfg;
    uint8_t sec[32], sch2[32], prnd[128], rtcs[32], want_rtcs[32];
    test_rsp *f;
    test_rsp_record rec;
    int records = 0, header_done = 0;

    /* The vector file lives in the project (tests run from the project root), not in ../shared. */
    f = test_rsp_open("tests/core/session/stream_vectors.txt");
    CHECK_MSG(f != NULL, "tests/core/session/stream_vectors.txt missing");
    if (f == NULL)
        return test_report();

    memset(&ccfg, 0, sizeof(ccfg));
    ccfg.suite = qstp_suite_by_id(0x01);
    ccfg.server_verkey = dummy_key;
    ccfg.options = QSTP_OPT_RATCHET_SEND;
    memset(&kref, 0, sizeof(kref));
    kref.suite = ccfg.suite;
    kref.sigkey = dummy_key;
    memset(&scfg, 0, sizeof(scfg));
    scfg.keys = &kref;
    scfg.nkeys = 1;
    h_now = 1782129600;
    CHECK(qstp_session_client_init(&cs, &env, &ccfg) == 0);
    CHECK(qstp_session_server_init(&ss, &env, &scfg) == 0);

    while (test_rsp_next(f, &rec) == 1) {
        const char *dir = test_rsp_get(&rec, "dir");
        if (!header_done && test_rsp_get(&rec, "sec") != NULL) {
            CHECK(test_hex_decode(sec, 32, test_rsp_get(&rec, "sec")) == 32);
            CHECK(test_hex_decode(sch2, 32, test_rsp_get(&rec, "sch2")) == 32);
            CHECK(test_hex_decode(want_rtcs, 32, test_rsp_get(&rec, "rtcs")) == 32);
            qstp_kdf_session(sec, sch2, prnd, rtcs);
            CHECK_BYTES(rtcs, want_rtcs, 32, "stream rtcs");
            establish(&cs, prnd, rtcs, 1);
            establish(&ss, prnd, rtcs, 0);
            header_done = 1;
            continue;
        }
        if (dir == NULL || !header_done)
            continue;
        {
            const int c2s = strcmp(dir, "c2s") == 0;
            qstp_session *from = c2s ? &cs : &ss, *to = c2s ? &ss : &cs;
            const unsigned flag = (unsigned)strtoul(test_rsp_get(&rec, "flag"), NULL, 10);
            size_t ptlen, wantlen, got = 0, outlen = 0;
            qstp_event ev;
            h_now = strtoull(test_rsp_get(&rec, "time"), NULL, 10);
            ptlen = test_hex_decode(pt, sizeof(pt), test_rsp_get(&rec, "plaintext"));
            wantlen = test_hex_decode(want, sizeof(want), test_rsp_get(&rec, "packet"));
            CHECK(ptlen != (size_t)-1 && wantlen != (size_t)-1);
            switch (flag) {
            case 0x04:
                CHECK(qstp_session_send(from, pt, ptlen, pkt, sizeof(pkt), &got) == 0);
                break;
            case 0x12:
                memcpy(token, pt, 32);
                if (h_now == 0)
                    h_now = 1782129600 + 20; /* the ratchet header carries 0; the clock does not */
                CHECK(qstp_session_ratchet(from) == 0);
                got = take(from, pkt, sizeof(pkt));
                break;
            case QSTP_FLAG_KEEPALIVE_REQUEST:
                CHECK(qstp_keepalive_send_request(qstp_impl(from)) == 0);
                got = take(from, pkt, sizeof(pkt));
                break;
            case QSTP_FLAG_KEEPALIVE_RESPONSE:
                got = take(from, pkt, sizeof(pkt)); /* queued when the request arrived */
                break;
            case 0x13:
                CHECK(qstp_session_close(from, qstp_error_none) == 0);
                got = take(from, pkt, sizeof(pkt));
                break;
            default:
                CHECK_MSG(0, "unexpected flag %u", flag);
            }
            CHECK_MSG(got == wantlen && memcmp(pkt, want, wantlen) == 0,
                      "record %d (flag 0x%02x, %s, %zu bytes) differs from the model", records, flag, dir,
                      ptlen);
            /* The other side accepts it. */
            outlen = qstp_session_receive(to, pkt, got, &ev);
            CHECK(outlen == got);
            switch (flag) {
            case 0x04:
                CHECK(ev.type == QSTP_EVENT_DATA && ev.len == ptlen && memcmp(ev.data, pt, ptlen) == 0);
                break;
            case 0x12:
                CHECK(ev.type == QSTP_EVENT_RATCHET);
                break;
            case QSTP_FLAG_KEEPALIVE_REQUEST:
            case QSTP_FLAG_KEEPALIVE_RESPONSE:
                CHECK(ev.type == QSTP_EVENT_KEEPALIVE);
                break;
            case 0x13:
                CHECK(ev.type == QSTP_EVENT_PEER_CLOSED && ev.has_peer_code && ev.peer_code == 0);
                break;
            }
            records++;
        }
    }
    test_rsp_close(f);
    CHECK_MSG(records == 28, "records replayed: %d", records);
    qstp_session_wipe(&cs);
    qstp_session_wipe(&ss);
    return test_report();
}
