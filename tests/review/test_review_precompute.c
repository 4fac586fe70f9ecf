/* Review of the precomputed connect responses (src/core/precompute.c, include/qstp/precompute.h).
 *
 * R3-PRE-1: a pooled response carries its build time t0 in its header, and the client judges it
 * by that time (QSTP-WIRE §2.3, |client_now - t0| <= 60). The server accepts a connect request
 * whose header time is up to 60 s ahead of its own clock, so a client whose clock runs 45 s
 * ahead was accepted, was then handed a response built 20 s ago, saw 65 s of skew and failed
 * with message_time_invalid, while the same server without a pool (or with a younger slot)
 * would have served it. The server knows the client's clock from the request's header time:
 * it must not pick a slot the client will refuse. Checked here for both directions of skew and
 * with the slot left in the pool for a client it suits.
 *
 * Time is the harness's h_now, which both endpoints read; a client "ahead" is simulated by moving
 * h_now while the client stamps or checks a packet and back while the server works. */
#include <stdio.h>

#include "qstp/precompute.h"
#include "session_harness.h"

static keyset ks;

static int fill(qstp_precompute_pool *pool, uint64_t seed, uint8_t *work, size_t worklen)
{
    uint64_t st = seed;
    qstp_env env = {h_clock, h_random, &st};
    return qstp_precompute_fill_one(pool, &env, &ks.keyref, work, worklen);
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* One handshake where the client's clock reads server time + skew (skew may be negative). The
 * server (pool cfg) answers at server time `at`. Returns 1 when both ends are established and
 * writes the response's header time to *resp_time. */
static int skewed_handshake(const qstp_server_config *cfg, uint64_t at, int64_t skew, uint64_t *resp_time)
{
    static endpoint c, s;
    static uint8_t req[256], resp[1u << 21];
    size_t nreq, nresp;
    int ok;

    h_endpoint_client(&c, &ks.ccfg, 5);
    h_endpoint_server(&s, cfg, ks.suite, 77);
    c.peer = &s;
    s.peer = &c;
    h_now = (uint64_t)((int64_t)at + skew); /* the client stamps its request with its clock */
    CHECK(qstp_session_start(&c.s) == 0);
    nreq = h_take(&c, req, sizeof req);
    h_now = at; /* the server reads its own */
    h_feed(&s, req, nreq);
    nresp = h_take(&s, resp, sizeof resp);
    *resp_time = nresp >= QSTP_PACKET_HEADER_SIZE ? le64(resp + 13) : 0;
    h_now = (uint64_t)((int64_t)at + skew); /* and the client checks the response with its own */
    h_feed(&c, resp, nresp);
    /* The rest of the handshake at the client's time (its requests carry that time; the
     * server's checks allow the skew, which is under 60 s). */
    h_pump(&c, &s);
    ok = c.established && s.established;
    if (!ok)
        printf("  skew %+lld: client err %d, server err %d\n", (long long)skew, c.err, s.err);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    h_now = at;
    return ok;
}

static void test_skew(uint8_t id)
{
    static qstp_precompute_pool pool;
    const qstp_suite *su = qstp_suite_by_id(id);
    const size_t slot = qstp_precompute_slot_size(su), worklen = qstp_precompute_work_size(su);
    uint8_t *mem = malloc(2 * slot), *work = worklen ? malloc(worklen) : NULL;
    const uint64_t t0 = h_now;
    qstp_server_config cfg;
    uint64_t rt = 0;

    if (mem == NULL || h_keyset_make(&ks, su, 4100 + id) != 0) {
        CHECK_MSG(0, "suite 0x%02x: setup", id);
        goto done;
    }
    cfg = ks.scfg;
    cfg.precompute = &pool;
    CHECK(qstp_precompute_init(&pool, su, mem, 2 * slot, 2, 0) == 0);

    /* Without a pool a client 45 s ahead is served (the response is stamped now). */
    CHECK_MSG(skewed_handshake(&ks.scfg, t0 + 20, 45, &rt) && rt == t0 + 20,
              "suite 0x%02x: no pool, client 45 s ahead", id);

    /* R3-PRE-1: a slot built at t0, 20 s old when a client 45 s ahead connects: the client would
     * see 65 s. The server must build a fresh response (stamped t0 + 20) and leave the slot. */
    h_now = t0;
    CHECK(fill(&pool, 1, work, worklen) == 0);
    CHECK_MSG(skewed_handshake(&cfg, t0 + 20, 45, &rt), "suite 0x%02x: pool, client 45 s ahead, slot 20 s old", id);
    CHECK_MSG(rt == t0 + 20, "suite 0x%02x: response stamped %lld s after t0, expected a fresh one (20)", id,
              (long long)(rt - t0));
    /* The slot is still there for a client it suits: one 10 s behind takes it. */
    CHECK_MSG(qstp_precompute_ready(&pool, t0 + 20) == 1, "suite 0x%02x: the slot was consumed", id);
    CHECK(skewed_handshake(&cfg, t0 + 20, -10, &rt) && rt == t0);
    CHECK(qstp_precompute_ready(&pool, t0 + 20) == 0);

    /* A client 45 s ahead and a slot 5 s old: 50 s of skew, well inside the window: used. */
    h_now = t0 + 100;
    CHECK(fill(&pool, 2, work, worklen) == 0);
    CHECK(skewed_handshake(&cfg, t0 + 105, 45, &rt) && rt == t0 + 100);

    /* A client 55 s behind and a slot 25 s old (it sees -30 s): used. */
    h_now = t0 + 200;
    CHECK(fill(&pool, 3, work, worklen) == 0);
    CHECK(skewed_handshake(&cfg, t0 + 225, -55, &rt) && rt == t0 + 200);

    /* Clean clocks: any fresh slot is used (the pool still does its job). */
    h_now = t0 + 300;
    CHECK(fill(&pool, 4, work, worklen) == 0);
    CHECK(skewed_handshake(&cfg, t0 + 330, 0, &rt) && rt == t0 + 300);
    qstp_precompute_clear(&pool);
done:
    h_now = t0;
    free(mem);
    free(work);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            test_skew((uint8_t)strtoul(argv[i], NULL, 0));
    } else {
        test_skew(0x01);
        test_skew(0x03);
    }
    return test_report();
}
