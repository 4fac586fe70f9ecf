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
 *  - misuse: full pool, wrong suite, expired key, bad init arguments, missing workspace;
 *  - threads: two fillers and two takers on a 3-slot pool (set 0x01): every response is taken
 *    exactly once, and each taken one verifies (signature, phash, sch1) and its secret key
 *    decapsulates what is encapsulated to its public key. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include "qstp/precompute.h"
#include "session_harness.h"

/* The record sent each way after a handshake (h_finish). */
static const uint8_t FINISH_MSG[] = "pooled hello";

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
    n1 = h_first_flight(&c, &s, &ks, &ks.scfg, 4242, fresh, rlen + 64);
    CHECK_MSG(n1 == rlen, "fresh response %zu bytes, expected %zu", n1, rlen);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    /* ... equals the pooled one built at t0 from the same random bytes, sent 10 s later by a
     * server whose own RNG differs. */
    CHECK(fill(&pool, &ks.keyref, 4242, work, worklen) == 0);
    CHECK(qstp_precompute_ready(&pool, t0) == 1 && qstp_precompute_vacant(&pool, t0) == 1);
    h_now = t0 + 10;
    n2 = h_first_flight(&c, &s, &ks, &cfg, 999, pooled, rlen + 64);
    CHECK_MSG(n2 == n1 && memcmp(fresh, pooled, n1) == 0, "suite 0x%02x: pooled response differs from fresh", id);
    CHECK(le64(pooled + 13) == t0); /* header time = build time (§4.4 construction 2) */
    CHECK(qstp_ct_is_zero(slot_ksk(mem, su, 0), su->kem_sk_size));
    CHECK(qstp_precompute_ready(&pool, h_now) == 0 && qstp_precompute_vacant(&pool, h_now) == 2);
    h_finish(&c, &s, pooled, n2, FINISH_MSG, sizeof(FINISH_MSG), 5);
    h_endpoint_free(&c);
    h_endpoint_free(&s);

    /* 2. Used once: one slot, two connections; the second builds its own (header time = now). */
    h_now = t0 + 20;
    CHECK(fill(&pool, &ks.keyref, 11, work, worklen) == 0);
    h_now = t0 + 22;
    n2 = h_first_flight(&c, &s, &ks, &cfg, 12, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 20);
    h_finish(&c, &s, pooled, n2, FINISH_MSG, sizeof(FINISH_MSG), 5);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    n2 = h_first_flight(&c, &s, &ks, &cfg, 13, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 22);
    h_finish(&c, &s, pooled, n2, FINISH_MSG, sizeof(FINISH_MSG), 5);
    h_endpoint_free(&c);
    h_endpoint_free(&s);

    /* 3. Another key's slot is not used (and stays ready for that key). */
    CHECK(fill(&pool, &ks2.keyref, 14, work, worklen) == 0);
    n2 = h_first_flight(&c, &s, &ks, &cfg, 15, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 22);
    CHECK(memcmp(pooled + QSTP_PACKET_HEADER_SIZE, fresh + QSTP_PACKET_HEADER_SIZE, 64) != 0);
    h_finish(&c, &s, pooled, n2, FINISH_MSG, sizeof(FINISH_MSG), 5);
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
    n2 = h_first_flight(&c, &s, &ks, &cfg, 17, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 100);
    h_finish(&c, &s, pooled, n2, FINISH_MSG, sizeof(FINISH_MSG), 5);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    /* ... 31 s is not, and the stale slot is wiped on the way. */
    CHECK(fill(&pool, &ks.keyref, 18, work, worklen) == 0);
    h_now = t0 + 161;
    CHECK(qstp_precompute_ready(&pool, h_now) == 0 && qstp_precompute_vacant(&pool, h_now) == 2);
    n2 = h_first_flight(&c, &s, &ks, &cfg, 19, pooled, rlen + 64);
    CHECK(n2 == rlen && le64(pooled + 13) == t0 + 161);
    CHECK(qstp_ct_is_zero(slot_ksk(mem, su, 0), su->kem_sk_size));
    CHECK(qstp_ct_is_zero(slot_ksk(mem, su, 1), su->kem_sk_size));
    h_finish(&c, &s, pooled, n2, FINISH_MSG, sizeof(FINISH_MSG), 5);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    qstp_precompute_get_stats(&pool, &st);
    CHECK(st.filled == 2 && st.taken == 1 && st.expired == 1);

    /* 5. A slot stamped in the future (the clock went back) is not used, and is wiped. */
    CHECK(fill(&pool, &ks.keyref, 20, work, worklen) == 0);
    h_now = t0 + 160;
    CHECK(qstp_precompute_ready(&pool, h_now) == 0);
    n2 = h_first_flight(&c, &s, &ks, &cfg, 21, pooled, rlen + 64);
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
    n2 = h_first_flight(&c, &s, &ks, &cfg, 23, pooled, rlen + 64);
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

/* ---------------------------------------------------------------- threads */

#define THR_FILLS 60 /* per filler */
#define THR_FILLERS 2
#define THR_TAKERS 2
#define THR_SPIN_LIMIT 20000000L

typedef struct {
    qstp_precompute_pool *pool;
    const keyset *k;
    uint64_t seed;
    uint8_t *work;
    size_t worklen;
    int errors;
} thr_filler;

typedef struct {
    qstp_precompute_pool *pool;
    const keyset *k;
    uint64_t seed;
    int taken, bad;
    uint8_t ids[THR_FILLS * THR_FILLERS][16]; /* first bytes of each taken pk */
} thr_taker;

static atomic_int thr_total_taken;

static void *filler_main(void *p)
{
    thr_filler *f = p;
    long spins = 0;
    for (int done = 0; done < THR_FILLS && spins < THR_SPIN_LIMIT;) {
        const int r = fill(f->pool, &f->k->keyref, f->seed++, f->work, f->worklen);
        if (r == 0)
            done++;
        else if (qstp_error_of(r) == qstp_error_invalid_state) {
            spins++;
            sched_yield();
        } else
            f->errors++;
    }
    if (spins >= THR_SPIN_LIMIT)
        f->errors++;
    return NULL;
}

/* Checks one taken response as a client would (§4.5 steps 2-5) and its key pair. */
static int taken_ok(const keyset *k, const uint8_t *pkt, const uint8_t *ksk, const uint8_t sch1[32], uint64_t *st)
{
    const qstp_suite *su = k->suite;
    const uint8_t *pk = pkt + QSTP_PACKET_HEADER_SIZE + su->signed_hash_size;
    uint8_t khash[32], phash[32], sch[32], ct[QSTP_CT_MAX], ss1[32], ss2[32];
    size_t mlen = 0;
    int ok = 0;
    if (su->sig_open_attached(khash, &mlen, pkt + QSTP_PACKET_HEADER_SIZE, su->signed_hash_size,
                              k->ccfg.server_verkey) != 0 || mlen != 32)
        return 0;
    qstp_transcript_phash(phash, pkt, k->ccfg.sch0, pk, su->kem_pk_size);
    memcpy(sch, k->ccfg.sch0, 32);
    qstp_transcript_next(sch, phash, 32);
    if (memcmp(khash, phash, 32) != 0 || memcmp(sch, sch1, 32) != 0 || pkt[0] != qstp_flag_connect_response)
        return 0;
    if (su->kem_encaps(ct, ss1, pk, h_random, st) != 0 || su->kem_decaps(ss2, ct, ksk, &ok) != 0 || !ok)
        return 0;
    return memcmp(ss1, ss2, 32) == 0;
}

static void *taker_main(void *p)
{
    thr_taker *t = p;
    const qstp_suite *su = t->k->suite;
    uint8_t *pkt = malloc(QSTP_PACKET_HEADER_SIZE + su->signed_hash_size + su->kem_pk_size);
    uint8_t *ksk = malloc(su->kem_sk_size);
    uint8_t sch[32];
    long spins = 0;
    uint64_t st = t->seed;
    while (atomic_load(&thr_total_taken) < THR_FILLS * THR_FILLERS && spins < THR_SPIN_LIMIT) {
        if (qstp_precompute_take(t->pool, &t->k->keyref, h_now, pkt, ksk, sch) != 0) {
            spins++;
            sched_yield();
            continue;
        }
        atomic_fetch_add(&thr_total_taken, 1);
        if (!taken_ok(t->k, pkt, ksk, sch, &st))
            t->bad++;
        memcpy(t->ids[t->taken++], pkt + QSTP_PACKET_HEADER_SIZE + su->signed_hash_size, 16);
    }
    free(pkt);
    free(ksk);
    return NULL;
}

static int cmp16(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

static void test_threads(void)
{
    static qstp_precompute_pool pool;
    static thr_filler f[THR_FILLERS];
    static thr_taker t[THR_TAKERS];
    static uint8_t all[THR_FILLS * THR_FILLERS][16];
    const qstp_suite *su = qstp_suite_by_id(0x01);
    const size_t slot = qstp_precompute_slot_size(su);
    uint8_t *mem = malloc(3 * slot);
    pthread_t ft[THR_FILLERS], tt[THR_TAKERS];
    qstp_precompute_stats st;
    size_t n = 0;
    int errors = 0, bad = 0;

    if (h_keyset_make(&ks, su, 4001) != 0) {
        CHECK_MSG(0, "threads: key generation");
        free(mem);
        return;
    }
    CHECK(qstp_precompute_init(&pool, su, mem, 3 * slot, 3, 0) == 0);
    atomic_store(&thr_total_taken, 0);
    for (int i = 0; i < THR_FILLERS; i++) {
        f[i] = (thr_filler){&pool, &ks, 1000u * (uint64_t)(i + 1), NULL, 0, 0};
        pthread_create(&ft[i], NULL, filler_main, &f[i]);
    }
    for (int i = 0; i < THR_TAKERS; i++) {
        memset(&t[i], 0, sizeof(t[i]));
        t[i].pool = &pool;
        t[i].k = &ks;
        t[i].seed = 77 + (uint64_t)i;
        pthread_create(&tt[i], NULL, taker_main, &t[i]);
    }
    for (int i = 0; i < THR_FILLERS; i++) {
        pthread_join(ft[i], NULL);
        errors += f[i].errors;
    }
    for (int i = 0; i < THR_TAKERS; i++) {
        pthread_join(tt[i], NULL);
        bad += t[i].bad;
        memcpy(all[n], t[i].ids, (size_t)t[i].taken * 16);
        n += (size_t)t[i].taken;
    }
    CHECK_MSG(errors == 0, "threads: %d fill errors", errors);
    CHECK_MSG(bad == 0, "threads: %d taken responses did not verify", bad);
    CHECK_MSG(n == THR_FILLS * THR_FILLERS, "threads: %zu of %d taken", n, THR_FILLS * THR_FILLERS);
    qsort(all, n, 16, cmp16);
    for (size_t i = 1; i < n; i++)
        CHECK_MSG(memcmp(all[i - 1], all[i], 16) != 0, "threads: one response taken twice");
    qstp_precompute_get_stats(&pool, &st);
    CHECK(st.filled == THR_FILLS * THR_FILLERS && st.taken == THR_FILLS * THR_FILLERS && st.expired == 0);
    CHECK(qstp_precompute_ready(&pool, h_now) == 0 && qstp_precompute_vacant(&pool, h_now) == 3);
    CHECK(qstp_ct_is_zero(slot_ksk(mem, su, 0), su->kem_sk_size));
    qstp_precompute_clear(&pool);
    free(mem);
    printf("threads: %d fillers, %d takers, %zu responses each taken once and verified\n", THR_FILLERS,
           THR_TAKERS, n);
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
    test_threads();
    return test_report();
}
