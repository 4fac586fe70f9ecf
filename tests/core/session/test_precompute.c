/* Precomputed connect responses (include/qstp/precompute.h, QSTP-WIRE §4.4, §2.3).
 *
 * For each suite on the command line (default 0x01 0x03 0x05):
 *  - a pooled response is byte-identical to the one a server without a pool builds at the same
 *    time from the same random bytes, a client verifies it, and the tunnel works both ways;
 *  - a slot is used once; a slot for another key is not used; a slot older than max_age (or
 *    stamped in the future) is not used and is wiped; the boundary age is still used;
 *  - a pooled response is judged by the client from its build time: at build + 61 s it is refused
 *    with message_time_invalid (why max_age must stay under 60);
 *  - the slot's ephemeral secret key is wiped when taken, when stale and on clear;
 *  - misuse: full pool, wrong suite, expired key, bad init arguments, missing workspace. */
#include <stdio.h>

#include "qstp/precompute.h"
#include "session_harness.h"

static keyset ks, ks2;

#define ALIGN64(x) (((x) + 63u) & ~(size_t)63u)

/* Where the test expects a slot's secret key (the layout documented in precompute.c: packet,
 * then the secret key, each 64-byte aligned). */
static uint8_t *slot_ksk(uint8_t *mem, const qstp_suite *su, size_t i)
{
    return mem + i * qstp_precompute_slot_size(su) +
           ALIGN64(QSTP_PACKET_HEADER_SIZE + su->signed_hash_size + su->kem_pk_size);
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Client c and server s (config cfg, server RNG seed sseed) at h_now: connect request in, the
 * server's connect response out into resp. Returns its length. */
static size_t first_flight(endpoint *c, endpoint *s, const keyset *k, const qstp_server_config *cfg,
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

/* Finish the handshake with the response taken out of s, then one record each way. */
static void finish(endpoint *c, endpoint *s, const uint8_t *resp, size_t len)
{
    static uint8_t out[512];
    size_t outlen = 0;
    const uint8_t msg[] = "pooled hello";
    h_feed(c, resp, len);
    h_pump(c, s);
    CHECK_MSG(c->established && s->established, "handshake after a pooled response (client err %d, server err %d)",
              c->err, s->err);
    if (!c->established || !s->established)
        return;
    CHECK(qstp_session_send(&c->s, msg, sizeof(msg), out, sizeof(out), &outlen) == 0);
    h_feed(s, out, outlen);
    CHECK(s->gotlen == sizeof(msg) && memcmp(s->got, msg, sizeof(msg)) == 0);
    CHECK(qstp_session_send(&s->s, msg, 5, out, sizeof(out), &outlen) == 0);
    h_feed(c, out, outlen);
    CHECK(c->gotlen == 5 && memcmp(c->got, msg, 5) == 0);
}

static int fill(qstp_precompute_pool *pool, const qstp_server_keyref *key, uint64_t seed, uint8_t *work,
                size_t worklen)
{
    uint64_t st = seed;
    qstp_env env = {h_clock, h_random, &st};
    return qstp_precompute_fill_one(pool, &env, key, work, worklen);
}

static void test_suite(uint8_t id)
{
    static endpoint c, s;
    static qstp_precompute_pool pool;
    const qstp_suite *su = qstp_suite_by_id(id);
    const uint64_t t0 = h_now;
    const size_t rlen = QSTP_PACKET_HEADER_SIZE + su->signed_hash_size + su->kem_pk_size;
    const size_t slot = qstp_precompute_slot_size(su);
    const size_t worklen = qstp_precompute_work_size(su);
    uint8_t *fresh = malloc(rlen + 64), *pooled = malloc(rlen + 64);
    uint8_t *mem = malloc(2 * slot), *work = worklen ? malloc(worklen) : NULL;
    qstp_server_config cfg;
    qstp_precompute_stats st;
    qstp_server_keyref expired;
    size_t n1, n2;

    printf("suite 0x%02x: slot %zu bytes, fill workspace %zu bytes\n", id, slot, worklen);
    if (h_keyset_make(&ks, su, 2000 + id) != 0 || h_keyset_make(&ks2, su, 3000 + id) != 0) {
        CHECK_MSG(0, "suite 0x%02x: key generation", id);
        goto done;
    }
    cfg = ks.scfg;
    cfg.precompute = &pool;
    CHECK(qstp_precompute_init(&pool, su, mem, 2 * slot, 2, 0) == 0);

    /* 1. Byte identity: the fresh response at t0 from server seed 4242 ... */
    n1 = first_flight(&c, &s, &ks, &ks.scfg, 4242, fresh, rlen + 64);
    CHECK_MSG(n1 == rlen, "fresh response %zu bytes, expected %zu", n1, rlen);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    /* ... equals the pooled one built at t0 from the same random bytes, sent 10 s later by a
     * server whose own RNG differs. */
    CHECK(fill(&pool, &ks.keyref, 4242, work, worklen) == 0);
    CHECK(qstp_precompute_ready(&pool, t0) == 1 && qstp_precompute_vacant(&pool, t0) == 1);
    h_now = t0 + 10;
    n2 = first_flight(&c, &s, &ks, &cfg, 999, pooled, rlen + 64);
    CHECK_MSG(n2 == n1 && memcmp(fresh, pooled, n1) == 0, "suite 0x%02x: pooled response differs from fresh", id);
    CHECK(le64(pooled + 13) == t0); /* header time = build time (§4.4 construction 2) */
    CHECK(qstp_ct_is_zero(slot_ksk(mem, su, 0), su->kem_sk_size));
    CHECK(qstp_precompute_ready(&pool, h_now) == 0 && qstp_precompute_vacant(&pool, h_now) == 2);
    finish(&c, &s, pooled, n2);
    h_endpoint_free(&c);
    h_endpoint_free(&s);

    /* 2. Used once: one slot, two connections; the second builds its own (header time = now). */
    h_now = t0 + 20;
    CHECK(fill(&pool, &ks.keyref, 11, work, worklen) == 0);
    h_now = t0 + 22;
    n2 = first_flight(&c, &s, &ks, &cfg, 12, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 20);
    finish(&c, &s, pooled, n2);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    n2 = first_flight(&c, &s, &ks, &cfg, 13, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 22);
    finish(&c, &s, pooled, n2);
    h_endpoint_free(&c);
    h_endpoint_free(&s);

    /* 3. Another key's slot is not used (and stays ready for that key). */
    CHECK(fill(&pool, &ks2.keyref, 14, work, worklen) == 0);
    n2 = first_flight(&c, &s, &ks, &cfg, 15, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 22);
    CHECK(memcmp(pooled + QSTP_PACKET_HEADER_SIZE, fresh + QSTP_PACKET_HEADER_SIZE, 64) != 0);
    finish(&c, &s, pooled, n2);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    CHECK(qstp_precompute_ready(&pool, h_now) == 1);

    /* 4. Age: exactly max_age (30 s) is used ... */
    qstp_precompute_clear(&pool);
    CHECK(qstp_ct_is_zero(mem, 2 * slot));
    CHECK(qstp_precompute_init(&pool, su, mem, 2 * slot, 2, 0) == 0);
    h_now = t0 + 100;
    CHECK(fill(&pool, &ks.keyref, 16, work, worklen) == 0);
    h_now = t0 + 130;
    n2 = first_flight(&c, &s, &ks, &cfg, 17, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 100);
    finish(&c, &s, pooled, n2);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    /* ... 31 s is not, and the stale slot is wiped on the way. */
    CHECK(fill(&pool, &ks.keyref, 18, work, worklen) == 0);
    h_now = t0 + 161;
    CHECK(qstp_precompute_ready(&pool, h_now) == 0 && qstp_precompute_vacant(&pool, h_now) == 2);
    n2 = first_flight(&c, &s, &ks, &cfg, 19, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 161);
    CHECK(qstp_ct_is_zero(slot_ksk(mem, su, 0), su->kem_sk_size));
    CHECK(qstp_ct_is_zero(slot_ksk(mem, su, 1), su->kem_sk_size));
    finish(&c, &s, pooled, n2);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    qstp_precompute_get_stats(&pool, &st);
    CHECK(st.filled == 2 && st.taken == 1 && st.expired == 1);

    /* 5. A slot stamped in the future (the clock went back) is not used, and is wiped. */
    CHECK(fill(&pool, &ks.keyref, 20, work, worklen) == 0);
    h_now = t0 + 160;
    CHECK(qstp_precompute_ready(&pool, h_now) == 0);
    n2 = first_flight(&c, &s, &ks, &cfg, 21, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 160);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    CHECK(qstp_ct_is_zero(slot_ksk(mem, su, 0), su->kem_sk_size));
    /* expire() retires stale slots without a session passing by. */
    CHECK(fill(&pool, &ks.keyref, 30, work, worklen) == 0);
    CHECK(qstp_precompute_expire(&pool, h_now + 30) == 0);
    CHECK(qstp_precompute_expire(&pool, h_now + 31) == 1);
    CHECK(qstp_ct_is_zero(slot_ksk(mem, su, 0), su->kem_sk_size));
    qstp_precompute_get_stats(&pool, &st);
    CHECK(st.filled == 4 && st.taken == 1 && st.expired == 3);

    /* 6. The client judges a pooled response by its build time (§2.3): built at T, taken at
     * T + 59 (max_age 59), arriving at the client at T + 61: message_time_invalid. */
    qstp_precompute_clear(&pool);
    CHECK(qstp_precompute_init(&pool, su, mem, 2 * slot, 2, 60) < 0);
    CHECK(qstp_precompute_init(&pool, su, mem, 2 * slot, 2, 59) == 0);
    h_now = t0 + 200;
    CHECK(fill(&pool, &ks.keyref, 22, work, worklen) == 0);
    h_now = t0 + 259;
    n2 = first_flight(&c, &s, &ks, &cfg, 23, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 200);
    h_now = t0 + 261;
    h_feed(&c, pooled, n2);
    CHECK(c.failed && c.err == qstp_error_message_time_invalid && !c.established);
    h_endpoint_free(&c);
    h_endpoint_free(&s);

    /* 7. Misuse. */
    h_now = t0 + 300;
    CHECK(fill(&pool, &ks.keyref, 24, work, worklen) == 0);
    CHECK(fill(&pool, &ks.keyref, 25, work, worklen) == 0);
    CHECK(qstp_precompute_vacant(&pool, h_now) == 0);
    CHECK(qstp_error_of(fill(&pool, &ks.keyref, 26, work, worklen)) == qstp_error_invalid_state);
    if (worklen != 0)
        CHECK(qstp_error_of(fill(&pool, &ks.keyref, 26, NULL, 0)) == qstp_error_invalid_input);
    expired = ks.keyref;
    expired.expiration_to = h_now - 1;
    qstp_precompute_clear(&pool);
    CHECK(qstp_precompute_init(&pool, su, mem, 2 * slot, 2, 0) == 0);
    CHECK(qstp_error_of(fill(&pool, &expired, 27, work, worklen)) == qstp_error_key_expired);
    {
        qstp_server_keyref other = ks.keyref;
        other.suite = qstp_suite_by_id(id == 0x01 ? 0x02 : 0x01);
        CHECK(qstp_error_of(fill(&pool, &other, 28, work, worklen)) == qstp_error_invalid_input);
    }
    CHECK(qstp_precompute_vacant(&pool, h_now) == 2);
    CHECK(qstp_precompute_init(&pool, su, mem, 2 * slot - 1, 2, 0) < 0);
    CHECK(qstp_precompute_init(&pool, su, mem, 2 * slot, 0, 0) < 0);
    CHECK(qstp_precompute_init(&pool, su, mem, 2 * slot, QSTP_PRECOMPUTE_MAX_SLOTS + 1, 0) < 0);
    CHECK(qstp_precompute_init(&pool, NULL, mem, 2 * slot, 2, 0) < 0);
    /* A failed init leaves a pool that refuses fills and gives nothing. */
    CHECK(fill(&pool, &ks.keyref, 29, work, worklen) < 0);
    CHECK(qstp_precompute_ready(&pool, h_now) == 0);
    qstp_precompute_clear(&pool);

done:
    h_now = t0;
    free(fresh);
    free(pooled);
    free(mem);
    free(work);
}

int main(int argc, char **argv)
{
    static const uint8_t defaults[] = {0x01, 0x03, 0x05};
    CHECK(qstp_precompute_slot_size(NULL) == 0);
    CHECK(qstp_precompute_slot_size(qstp_suite_by_id(0x03)) >=
          QSTP_PACKET_HEADER_SIZE + qstp_suite_by_id(0x03)->connect_response_size);
    CHECK(qstp_precompute_work_size(qstp_suite_by_id(0x03)) == 0);
    CHECK(qstp_precompute_work_size(qstp_suite_by_id(0x05)) > 0);
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            test_suite((uint8_t)strtoul(argv[i], NULL, 0));
    } else {
        for (size_t i = 0; i < sizeof(defaults); i++)
            test_suite(defaults[i]);
    }
    return test_report();
}
