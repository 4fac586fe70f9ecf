/* Precomputed connect responses: a pool of ready server key-exchange messages (QSTP-WIRE §4.4).
 *
 * Why this is possible: the connect response depends on the client only through its header's
 * time and sequence. The sequence is always 0 (§2.4) and the body is
 *     Sign(phash) || pk,   phash = H(hdr2 || sch0 || pk),   hdr2 = 02 | msglen | 0 | t
 * with a fresh ephemeral KEM key pair (pk, sk), sch0 fixed per server key (§4.2) and nothing from
 * the connect request. A response built at time t0 and sent at t0 + age is byte for byte the
 * response a server would have built freshly at t0, and the client accepts it while
 * |client_now - t0| <= 60 (§2.3). So the expensive part (KEM key generation: tens to hundreds of
 * milliseconds for McEliece; the signature) can run ahead of time, off the accept path.
 *
 * Rules the pool enforces:
 *  - each slot is used at most once (its ephemeral secret key moves into one session's workspace
 *    and is wiped from the slot at once);
 *  - a slot older than max_age seconds (default 30, at most 59) is never used: it is wiped when a
 *    take or a fill meets it, or by qstp_precompute_expire(). With max_age = 30 a pooled response
 *    still tolerates 30 s of client clock skew / transit time, against 60 s for a fresh one;
 *  - a slot is used only for a client that will accept it: the connect request's header time
 *    tells the server the client's clock, and a client running ahead of the server would see a
 *    pooled response older than a fresh one; a slot that would look more than 50 s old to it
 *    (60 s window, 10 s left for transit) is left in the pool and the session builds its own;
 *  - a slot is used only for the key that built it (same serial and sch0); withdrawing a key
 *    (revocation) therefore also retires its slots, since the session no longer selects that key.
 *
 * Memory: the caller owns everything. The pool object has a fixed public size; the slots live in
 * caller memory of nslots * qstp_precompute_slot_size(suite) bytes (McEliece 8192128: ~1.37 MB per
 * slot, ML-KEM-1024: ~6.3 KiB). fill_one needs a key-generation workspace of
 * qstp_precompute_work_size(suite) bytes (McEliece only; 0 for ML-KEM) per concurrent caller.
 *
 * Threads: the pool is lock-free (C11 atomics on a per-slot state word). Any number of threads may
 * call qstp_precompute_fill_one() and sessions may take slots concurrently; each slot is held by
 * one thread at a time. qstp_precompute_init() and qstp_precompute_clear() must not run
 * concurrently with anything else on the pool.
 *
 * Using it (net server):
 *   qstp_precompute_init(&pool, suite, mem, nslots * qstp_precompute_slot_size(suite), nslots, 0);
 *   server_cfg.precompute = &pool;          // sessions take a matching fresh slot by themselves
 *   // low-priority job on a worker when no handshake is queued (and at most every few ms):
 *   if (qstp_precompute_vacant(&pool, now) > 0)
 *       qstp_precompute_fill_one(&pool, &env, &server_cfg.keys[0], work, worklen);
 *   // on shutdown: qstp_precompute_clear(&pool); then free mem.
 * A session that finds no usable slot builds its response itself, exactly as without a pool. */
#ifndef QSTP_PRECOMPUTE_H
#define QSTP_PRECOMPUTE_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/session.h"
#include "qstp/suite.h"

#define QSTP_PRECOMPUTE_MAX_SLOTS 64u
#define QSTP_PRECOMPUTE_DEFAULT_MAX_AGE 30u /* seconds; half the §2.3 window */
#define QSTP_PRECOMPUTE_MAX_AGE_LIMIT 59u   /* a larger age could hand out an already-invalid response */

/* Storage of a pool (metadata only; the slots are caller memory). The private layout is in
 * src/core/precompute.c; a static assertion there keeps it within this size. */
#define QSTP_PRECOMPUTE_POOL_SIZE 8192u
typedef struct qstp_precompute_pool {
    _Alignas(64) unsigned char opaque[QSTP_PRECOMPUTE_POOL_SIZE];
} qstp_precompute_pool;

/* Bytes of one slot for this suite (connect response packet + ephemeral KEM secret key, each
 * 64-byte aligned); 0 for NULL. */
size_t qstp_precompute_slot_size(const qstp_suite *suite);
/* Key-generation workspace qstp_precompute_fill_one() needs for this suite (0 for ML-KEM). */
size_t qstp_precompute_work_size(const qstp_suite *suite);

/* Sets up an empty pool of nslots (1..QSTP_PRECOMPUTE_MAX_SLOTS) slots of `suite` in mem
 * (memlen >= nslots * qstp_precompute_slot_size(suite)). max_age in seconds: 0 means the default
 * (30); more than QSTP_PRECOMPUTE_MAX_AGE_LIMIT is refused. Returns 0 or -invalid_input. */
int qstp_precompute_init(qstp_precompute_pool *pool, const qstp_suite *suite, void *mem, size_t memlen,
                         size_t nslots, uint32_t max_age);

/* The expensive part: builds one connect response for `key` (§4.4 construction 1-6) at
 * env->now() into a vacant slot, with env->random. work/worklen: qstp_precompute_work_size()
 * bytes (may be NULL/0 for ML-KEM suites); wiped before return.
 * Returns 0 when a slot was filled; -invalid_state when no slot is vacant (nothing done);
 * -invalid_input for a key of another suite or a too small workspace; -key_expired if the key
 * is expired at env->now(); -random_failure / -signature_failure from the primitives (the slot
 * is wiped and stays vacant). Stale slots met on the way are wiped first. */
int qstp_precompute_fill_one(qstp_precompute_pool *pool, const qstp_env *env, const qstp_server_keyref *key,
                             void *work, size_t worklen);

/* Wipes every ready slot older than max_age at `now` (or stamped in the future: the clock went
 * back). Returns the number wiped. */
size_t qstp_precompute_expire(qstp_precompute_pool *pool, uint64_t now);

/* Number of slots a fill could use now: vacant ones plus ready ones that are stale at `now`.
 * A hint only while other threads work on the pool. */
size_t qstp_precompute_vacant(const qstp_precompute_pool *pool, uint64_t now);
/* Number of ready, fresh slots at `now` (any key). A hint, as above. */
size_t qstp_precompute_ready(const qstp_precompute_pool *pool, uint64_t now);

/* Counters since init (for logs and the benchmark): responses built, taken by a session, wiped
 * unused because stale. */
typedef struct qstp_precompute_stats {
    uint64_t filled;
    uint64_t taken;
    uint64_t expired;
} qstp_precompute_stats;
void qstp_precompute_get_stats(const qstp_precompute_pool *pool, qstp_precompute_stats *st);

/* Wipes every slot (secret keys included) and the pool's metadata. Not concurrently with any
 * other call on the pool; the caller then frees mem. */
void qstp_precompute_clear(qstp_precompute_pool *pool);

#endif
