/* Pool of precomputed connect responses (include/qstp/precompute.h, QSTP-WIRE §4.4).
 *
 * Each slot has one atomic state word. A thread owns a slot while it is BUSY (filling, taking or
 * wiping it); READY slots are published with release order after their bytes and metadata are
 * written, and read only by the thread that moved them READY -> BUSY. `created` is atomic as
 * well so staleness can be judged without owning the slot (and re-checked once owned). */
#include <stdatomic.h>
#include <string.h>

#include "core/session_internal.h"
#include "crypto/ct.h"

#define ALIGN64(x) (((x) + 63u) & ~(size_t)63u)
#define POOL_MAGIC 0x51505245u /* "QPRE": init was called */

enum { SLOT_EMPTY = 0, SLOT_BUSY = 1, SLOT_READY = 2 };

typedef struct {
    _Atomic unsigned state;
    _Atomic uint64_t created; /* the response's header time (§2.3 is judged from it) */
    uint8_t serial[QSTP_SERIAL_SIZE];
    uint8_t sch0[32];
    uint8_t sch1[32];
} slot_meta;

typedef struct {
    uint32_t magic;
    uint32_t max_age;
    const qstp_suite *suite;
    uint8_t *mem;
    size_t nslots;
    size_t slot_size;
    size_t pkt_len; /* header + SIG + 32 + KPK */
    size_t ksk_off;
    _Atomic uint64_t filled, taken, expired;
    slot_meta slots[QSTP_PRECOMPUTE_MAX_SLOTS];
} pool_impl;

_Static_assert(sizeof(pool_impl) <= QSTP_PRECOMPUTE_POOL_SIZE, "qstp_precompute_pool too small");

static pool_impl *pimpl(qstp_precompute_pool *p)
{
    return (pool_impl *)(void *)p->opaque;
}

static const pool_impl *cpimpl(const qstp_precompute_pool *p)
{
    return (const pool_impl *)(const void *)p->opaque;
}

static size_t packet_len(const qstp_suite *su)
{
    return QSTP_PACKET_HEADER_SIZE + su->signed_hash_size + su->kem_pk_size;
}

size_t qstp_precompute_slot_size(const qstp_suite *suite)
{
    if (suite == NULL)
        return 0;
    return ALIGN64(packet_len(suite)) + ALIGN64(suite->kem_sk_size);
}

size_t qstp_precompute_work_size(const qstp_suite *suite)
{
    if (suite == NULL || suite->kem_keygen_workspace_size == NULL)
        return 0;
    return suite->kem_keygen_workspace_size();
}

/* Usable now: built at or before `now` and at most max_age seconds ago. A time in the future
 * (clock stepped back) is not trusted either. */
static int is_fresh(const pool_impl *P, uint64_t created, uint64_t now)
{
    return created <= now && now - created <= P->max_age;
}

/* R3-PRE-1: the client judges a pooled response by its build time against its own clock
 * (§2.3), and the server knows that clock from the connect request's header time (peer_time,
 * already checked to be within 60 s of `now`). A client whose clock runs ahead sees a pooled
 * response peer_time - created seconds old, more than a fresh one; such a slot is used only while
 * that leaves SKEW_MARGIN seconds for the response's transit, else the session builds a fresh
 * response (stamped now) and the slot stays for another client. A client not ahead of the server
 * sees at most the slot's age, which max_age bounds. peer_time is public (it came in clear). */
#define SKEW_MARGIN 10u
static int suits_peer(uint64_t created, uint64_t now, uint64_t peer_time)
{
    return peer_time <= now || peer_time - created <= QSTP_PACKET_TIME_THRESHOLD - SKEW_MARGIN;
}

static uint8_t *slot_pkt(const pool_impl *P, size_t i)
{
    return P->mem + i * P->slot_size;
}

static uint8_t *slot_ksk(const pool_impl *P, size_t i)
{
    return P->mem + i * P->slot_size + P->ksk_off;
}

/* Caller owns slot i (BUSY) and keeps it. The secret key and the transcript are wiped; the packet
 * bytes are public (they were, or would have been, sent in clear) and are left to be overwritten. */
static void slot_wipe_owned(pool_impl *P, size_t i)
{
    slot_meta *m = &P->slots[i];
    qstp_wipe(slot_ksk(P, i), P->suite->kem_sk_size);
    qstp_wipe(m->sch1, sizeof(m->sch1));
    memset(m->serial, 0, sizeof(m->serial));
    memset(m->sch0, 0, sizeof(m->sch0));
    atomic_store_explicit(&m->created, 0, memory_order_relaxed);
}

static void slot_release_empty(pool_impl *P, size_t i)
{
    atomic_store_explicit(&P->slots[i].state, SLOT_EMPTY, memory_order_release);
}

/* Try to own slot i if it is READY and stale at `now`; wipes it and returns 1 (the slot is then
 * still owned: BUSY, for the caller to fill or release). */
static int claim_stale(pool_impl *P, size_t i, uint64_t now)
{
    slot_meta *m = &P->slots[i];
    unsigned want = SLOT_READY;
    if (atomic_load_explicit(&m->state, memory_order_acquire) != SLOT_READY ||
        is_fresh(P, atomic_load_explicit(&m->created, memory_order_relaxed), now))
        return 0;
    if (!atomic_compare_exchange_strong_explicit(&m->state, &want, SLOT_BUSY, memory_order_acquire,
                                                 memory_order_relaxed))
        return 0;
    if (is_fresh(P, atomic_load_explicit(&m->created, memory_order_relaxed), now)) {
        /* Refilled between our two looks: give it back. */
        atomic_store_explicit(&m->state, SLOT_READY, memory_order_release);
        return 0;
    }
    slot_wipe_owned(P, i);
    atomic_fetch_add_explicit(&P->expired, 1, memory_order_relaxed);
    return 1;
}

int qstp_precompute_init(qstp_precompute_pool *pool, const qstp_suite *suite, void *mem, size_t memlen,
                         size_t nslots, uint32_t max_age)
{
    pool_impl *P;
    if (pool == NULL)
        return qstp_fail(qstp_error_invalid_input);
    P = pimpl(pool);
    memset(pool, 0, sizeof(*pool));
    if (suite == NULL || mem == NULL || nslots == 0 || nslots > QSTP_PRECOMPUTE_MAX_SLOTS ||
        max_age > QSTP_PRECOMPUTE_MAX_AGE_LIMIT || memlen / nslots < qstp_precompute_slot_size(suite))
        return qstp_fail(qstp_error_invalid_input);
    P->suite = suite;
    P->mem = mem;
    P->nslots = nslots;
    P->slot_size = qstp_precompute_slot_size(suite);
    P->pkt_len = packet_len(suite);
    P->ksk_off = ALIGN64(P->pkt_len);
    P->max_age = max_age != 0 ? max_age : QSTP_PRECOMPUTE_DEFAULT_MAX_AGE;
    for (size_t i = 0; i < nslots; i++) {
        atomic_init(&P->slots[i].state, SLOT_EMPTY);
        atomic_init(&P->slots[i].created, 0);
    }
    atomic_init(&P->filled, 0);
    atomic_init(&P->taken, 0);
    atomic_init(&P->expired, 0);
    P->magic = POOL_MAGIC;
    return 0;
}

/* Owns a vacant slot (EMPTY, or READY and stale, which is wiped first); nslots if none. */
static size_t claim_vacant(pool_impl *P, uint64_t now)
{
    for (size_t i = 0; i < P->nslots; i++) {
        unsigned want = SLOT_EMPTY;
        if (atomic_compare_exchange_strong_explicit(&P->slots[i].state, &want, SLOT_BUSY,
                                                    memory_order_acquire, memory_order_relaxed))
            return i;
    }
    for (size_t i = 0; i < P->nslots; i++) {
        if (claim_stale(P, i, now))
            return i;
    }
    return P->nslots;
}

int qstp_precompute_fill_one(qstp_precompute_pool *pool, const qstp_env *env, const qstp_server_keyref *key,
                             void *work, size_t worklen)
{
    pool_impl *P;
    slot_meta *m;
    uint64_t now;
    size_t i, kgw;
    uint8_t sch[32];
    int ret;

    if (pool == NULL || env == NULL || env->now == NULL || env->random == NULL || key == NULL)
        return qstp_fail(qstp_error_invalid_input);
    P = pimpl(pool);
    if (P->magic != POOL_MAGIC || key->suite != P->suite || key->sigkey == NULL)
        return qstp_fail(qstp_error_invalid_input);
    kgw = qstp_precompute_work_size(P->suite);
    if (kgw != 0 && (work == NULL || worklen < kgw))
        return qstp_fail(qstp_error_invalid_input);
    now = env->now(env->ctx);
    /* §4.4 check 2 would refuse this key at `now`; a response for it is useless. */
    if (now > key->expiration_to)
        return qstp_fail(qstp_error_key_expired);
    i = claim_vacant(P, now);
    if (i == P->nslots)
        return qstp_fail(qstp_error_invalid_state);
    m = &P->slots[i];

    /* The same construction as a session's (kex_server.c), sequence 0 (§2.4), time `now`. */
    memcpy(sch, key->sch0, sizeof(sch));
    ret = qstp_kex_server_build_response(key, now, 0, slot_pkt(P, i), slot_ksk(P, i), kgw ? work : NULL, kgw,
                                         env->random, env->ctx, sch);
    if (ret != 0) {
        qstp_wipe(sch, sizeof(sch));
        slot_wipe_owned(P, i); /* build wiped ksk already */
        slot_release_empty(P, i);
        return ret;
    }
    memcpy(m->serial, key->serial, sizeof(m->serial));
    memcpy(m->sch0, key->sch0, sizeof(m->sch0));
    memcpy(m->sch1, sch, sizeof(m->sch1));
    qstp_wipe(sch, sizeof(sch));
    atomic_store_explicit(&m->created, now, memory_order_relaxed);
    atomic_fetch_add_explicit(&P->filled, 1, memory_order_relaxed);
    atomic_store_explicit(&m->state, SLOT_READY, memory_order_release);
    return 0;
}

int qstp_precompute_take(qstp_precompute_pool *pool, const qstp_server_keyref *key, uint64_t now,
                         uint8_t *pkt, uint8_t *ksk, uint8_t sch[32])
{
    return qstp_precompute_take_peer(pool, key, now, now, pkt, ksk, sch);
}

int qstp_precompute_take_peer(qstp_precompute_pool *pool, const qstp_server_keyref *key, uint64_t now,
                              uint64_t peer_time, uint8_t *pkt, uint8_t *ksk, uint8_t sch[32])
{
    pool_impl *P = pimpl(pool);
    if (P->magic != POOL_MAGIC || key->suite != P->suite)
        return qstp_fail(qstp_error_invalid_state);
    for (size_t i = 0; i < P->nslots; i++) {
        slot_meta *m = &P->slots[i];
        unsigned want = SLOT_READY;
        uint64_t created;
        if (atomic_load_explicit(&m->state, memory_order_relaxed) != SLOT_READY)
            continue;
        created = atomic_load_explicit(&m->created, memory_order_relaxed);
        if (!is_fresh(P, created, now)) {
            /* Met a stale one: retire it now rather than leave a secret key lying around. */
            if (claim_stale(P, i, now))
                slot_release_empty(P, i);
            continue;
        }
        if (!atomic_compare_exchange_strong_explicit(&m->state, &want, SLOT_BUSY, memory_order_acquire,
                                                     memory_order_relaxed))
            continue;
        created = atomic_load_explicit(&m->created, memory_order_relaxed);
        /* Key match: serial and schash (the serial alone could repeat across roots). Neither is
         * secret (the serial is in the client's request, sch0 is a hash of two public
         * certificates), so plain compares are fine. */
        if (!is_fresh(P, created, now) || !suits_peer(created, now, peer_time) ||
            memcmp(m->serial, key->serial, sizeof(m->serial)) != 0 ||
            memcmp(m->sch0, key->sch0, sizeof(m->sch0)) != 0) {
            atomic_store_explicit(&m->state, SLOT_READY, memory_order_release);
            continue;
        }
        memcpy(pkt, slot_pkt(P, i), P->pkt_len);
        memcpy(ksk, slot_ksk(P, i), P->suite->kem_sk_size);
        memcpy(sch, m->sch1, sizeof(m->sch1));
        slot_wipe_owned(P, i); /* used at most once */
        slot_release_empty(P, i);
        atomic_fetch_add_explicit(&P->taken, 1, memory_order_relaxed);
        return 0;
    }
    return qstp_fail(qstp_error_invalid_state);
}

size_t qstp_precompute_expire(qstp_precompute_pool *pool, uint64_t now)
{
    pool_impl *P;
    size_t n = 0;
    if (pool == NULL || (P = pimpl(pool))->magic != POOL_MAGIC)
        return 0;
    for (size_t i = 0; i < P->nslots; i++) {
        if (claim_stale(P, i, now)) {
            slot_release_empty(P, i);
            n++;
        }
    }
    return n;
}

size_t qstp_precompute_vacant(const qstp_precompute_pool *pool, uint64_t now)
{
    const pool_impl *P;
    size_t n = 0;
    if (pool == NULL || (P = cpimpl(pool))->magic != POOL_MAGIC)
        return 0;
    for (size_t i = 0; i < P->nslots; i++) {
        unsigned st = atomic_load_explicit(&P->slots[i].state, memory_order_relaxed);
        if (st == SLOT_EMPTY ||
            (st == SLOT_READY && !is_fresh(P, atomic_load_explicit(&P->slots[i].created, memory_order_relaxed), now)))
            n++;
    }
    return n;
}

size_t qstp_precompute_ready(const qstp_precompute_pool *pool, uint64_t now)
{
    const pool_impl *P;
    size_t n = 0;
    if (pool == NULL || (P = cpimpl(pool))->magic != POOL_MAGIC)
        return 0;
    for (size_t i = 0; i < P->nslots; i++) {
        if (atomic_load_explicit(&P->slots[i].state, memory_order_relaxed) == SLOT_READY &&
            is_fresh(P, atomic_load_explicit(&P->slots[i].created, memory_order_relaxed), now))
            n++;
    }
    return n;
}

void qstp_precompute_get_stats(const qstp_precompute_pool *pool, qstp_precompute_stats *st)
{
    const pool_impl *P;
    memset(st, 0, sizeof(*st));
    if (pool == NULL || (P = cpimpl(pool))->magic != POOL_MAGIC)
        return;
    st->filled = atomic_load_explicit(&P->filled, memory_order_relaxed);
    st->taken = atomic_load_explicit(&P->taken, memory_order_relaxed);
    st->expired = atomic_load_explicit(&P->expired, memory_order_relaxed);
}

void qstp_precompute_clear(qstp_precompute_pool *pool)
{
    pool_impl *P;
    if (pool == NULL)
        return;
    P = pimpl(pool);
    if (P->magic == POOL_MAGIC && P->mem != NULL)
        qstp_wipe(P->mem, P->nslots * P->slot_size);
    qstp_wipe(pool, sizeof(*pool));
}
