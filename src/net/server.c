/* Server API (include/qstp/server.h): start and stop, key sets, limits, logging. The event loops
 * are in loop.c and the handshake workers in workers.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "crypto/ct.h"
#include "net/server_internal.h"

void qstp_server_options_default(qstp_server_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->port = QSTP_SERVER_DEFAULT_PORT;
    opt->max_tunnels = QSTP_SERVER_DEFAULT_MAX_TUNNELS;
    opt->max_handshakes = QSTP_SERVER_DEFAULT_MAX_HANDSHAKES;
    opt->handshake_rate = QSTP_SERVER_DEFAULT_HANDSHAKE_RATE;
    opt->handshake_timeout = QSTP_SERVER_DEFAULT_HANDSHAKE_TIMEOUT;
    opt->idle_timeout = QSTP_SERVER_DEFAULT_IDLE_TIMEOUT;
    opt->max_queued = QSTP_SERVER_DEFAULT_MAX_QUEUED;
    opt->record_timeout = QSTP_SERVER_DEFAULT_RECORD_TIMEOUT;
    opt->precompute_slots = QSTP_SERVER_PRECOMPUTE_AUTO;
    opt->log_level = QSTP_LOG_INFO;
}

/* ---------------------------------------------------------------- logging */

static void default_log(void *ctx, qstp_log_level level, const char *line)
{
    static const char *names[] = { "debug", "info", "warn", "error" };
    (void)ctx;
    fprintf(stderr, "qstp-server %s: %s\n", names[(unsigned)level & 3u], line);
}

static void vlog(const struct qstp_server *srv, qstp_log_level level, const char *fmt, va_list ap)
{
    char line[320];
    if (level < srv->opt.log_level)
        return;
    vsnprintf(line, sizeof(line), fmt, ap);
    if (srv->opt.log != NULL)
        srv->opt.log(srv->opt.log_ctx, level, line);
    else
        default_log(NULL, level, line);
}

void srv_log(const struct qstp_server *srv, qstp_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(srv, level, fmt, ap);
    va_end(ap);
}

void qstp_server_log(const qstp_server *srv, qstp_log_level level, const char *fmt, ...)
{
    va_list ap;
    if (srv == NULL)
        return;
    va_start(ap, fmt);
    vlog(srv, level, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- key sets */

static void keyset_free(srv_keyset *ks)
{
    if (ks == NULL)
        return;
    if (ks->refs_arr != NULL) {
        for (size_t i = 0; i < ks->nkeys; i++) {
            void *mem = ks->refs_arr[i].sig_precomp;
            if (mem != NULL) {
                qstp_server_keyref_precompute_wipe(&ks->refs_arr[i]); /* expanded secret key */
                free(mem);
            }
        }
    }
    if (ks->keys != NULL) {
        for (size_t i = 0; i < ks->nkeys; i++)
            qstp_server_key_clear(&ks->keys[i]);
        free(ks->keys);
    }
    if (ks->pool != NULL) {
        qstp_precompute_clear(ks->pool); /* wipes the ephemeral secret keys in pool_mem */
        free(ks->pool);
    }
    free(ks->pool_mem);
    free(ks->refs_arr);
    free(ks->revroot);
    free(ks);
}

/* Slots of precomputed connect responses for a key set of `suite` (server.h precompute_slots). */
static size_t pool_slots(const qstp_server_options *opt, const qstp_suite *suite)
{
    if (opt->precompute_slots == QSTP_SERVER_PRECOMPUTE_AUTO)
        return suite->kem_family == QSTP_KEM_MCELIECE ? QSTP_SERVER_DEFAULT_PRECOMPUTE_MCELIECE : 0;
    return opt->precompute_slots > 0 ? (size_t)opt->precompute_slots : 0;
}

/* The pool lives as long as the key set: sessions made with the set point at it through cfg,
 * and each holds a reference to the set. */
static int keyset_pool(srv_keyset *ks, const qstp_server_options *opt)
{
    const qstp_suite *suite = ks->refs_arr[0].suite;
    const size_t nslots = pool_slots(opt, suite);
    size_t len;
    int ret;
    if (nslots == 0)
        return 0;
    len = (nslots * qstp_precompute_slot_size(suite) + 63u) & ~(size_t)63u;
    ks->pool = aligned_alloc(64, sizeof(*ks->pool));
    ks->pool_mem = aligned_alloc(64, len);
    if (ks->pool == NULL || ks->pool_mem == NULL)
        ret = qstp_fail(qstp_error_memory_allocation);
    else
        ret = qstp_precompute_init(ks->pool, suite, ks->pool_mem, len, nslots, opt->precompute_max_age);
    if (ret != 0) { /* nothing secret was written yet */
        free(ks->pool);
        free(ks->pool_mem);
        ks->pool = NULL;
        ks->pool_mem = NULL;
        return ret;
    }
    ks->pool_suite = suite;
    ks->pool_work_size = qstp_precompute_work_size(suite);
    ks->cfg.precompute = ks->pool;
    return 0;
}

static int schash_set(const qstp_server_key *k)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < sizeof(k->schash); i++)
        acc |= k->schash[i];
    return acc != 0;
}

/* Expand an ML-DSA signing key once per key set (session.h qstp_server_keyref_precompute): the
 * connect response is then signed in about half the time. Without memory, or for SLH-DSA, the
 * key signs the plain way; that is slower, not wrong. */
static void keyref_precompute(qstp_server_keyref *ref)
{
    size_t n = qstp_server_keyref_precompute_size(ref);
    void *mem;
    if (n == 0)
        return;
    mem = malloc(n); /* malloc's alignment covers the uint64_t the signer needs */
    if (mem == NULL)
        return;
    if (qstp_server_keyref_precompute(ref, mem, n) != 0)
        free(mem); /* already wiped by the callee */
}

static int keyset_make(srv_keyset **out, const qstp_server_options *opt, const qstp_server_key *keys,
                       size_t nkeys, const qstp_root_certificate *revroot)
{
    srv_keyset *ks;
    int ret = 0;
    *out = NULL;
    if (keys == NULL || nkeys == 0)
        return qstp_fail(qstp_error_invalid_input);
    for (size_t i = 0; i < nkeys; i++) {
        /* §9.1: the reference refuses a key set without its schash. */
        if (!schash_set(&keys[i]))
            return qstp_fail(qstp_error_invalid_input);
        if (qstp_suite_by_id(keys[i].algorithm) == NULL)
            return qstp_fail(qstp_error_unknown_configuration);
    }
    ks = calloc(1, sizeof(*ks));
    if (ks == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    ks->keys = malloc(nkeys * sizeof(*ks->keys));
    ks->refs_arr = calloc(nkeys, sizeof(*ks->refs_arr));
    if (ks->keys == NULL || ks->refs_arr == NULL) {
        keyset_free(ks);
        return qstp_fail(qstp_error_memory_allocation);
    }
    ks->nkeys = nkeys;
    memcpy(ks->keys, keys, nkeys * sizeof(*keys));
    for (size_t i = 0; i < nkeys && ret == 0; i++) {
        size_t w;
        ret = qstp_server_keyref_from_key(&ks->refs_arr[i], &ks->keys[i]);
        if (ret != 0)
            break;
        keyref_precompute(&ks->refs_arr[i]);
        w = qstp_session_handshake_workspace_size(ks->refs_arr[i].suite, QSTP_ROLE_SERVER);
        if (w > ks->ws_size)
            ks->ws_size = w;
    }
    if (ret == 0 && revroot != NULL) {
        ks->revroot = malloc(sizeof(*ks->revroot));
        if (ks->revroot == NULL)
            ret = qstp_fail(qstp_error_memory_allocation);
        else
            memcpy(ks->revroot, revroot, sizeof(*revroot));
    }
    if (ret != 0) {
        keyset_free(ks);
        return ret;
    }
    ks->cfg.keys = ks->refs_arr;
    ks->cfg.nkeys = nkeys;
    ks->cfg.idle_timeout = opt->idle_timeout;
    ks->cfg.handshake_timeout = opt->handshake_timeout;
    ks->cfg.revocation_root = ks->revroot;
    atomic_init(&ks->refs, 1);
    atomic_init(&ks->fill_next, 0);
    ret = keyset_pool(ks, opt);
    if (ret != 0) {
        keyset_free(ks);
        return ret;
    }
    *out = ks;
    return 0;
}

srv_keyset *srv_keyset_get(struct qstp_server *srv)
{
    srv_keyset *ks;
    pthread_mutex_lock(&srv->ks_mtx);
    ks = srv->ks;
    if (ks != NULL)
        atomic_fetch_add(&ks->refs, 1);
    pthread_mutex_unlock(&srv->ks_mtx);
    return ks;
}

void srv_keyset_put(srv_keyset *ks)
{
    if (ks != NULL && atomic_fetch_sub(&ks->refs, 1) == 1)
        keyset_free(ks);
}

static void keyset_swap(struct qstp_server *srv, srv_keyset *ks)
{
    srv_keyset *old;
    pthread_mutex_lock(&srv->ks_mtx);
    old = srv->ks;
    srv->ks = ks;
    pthread_mutex_unlock(&srv->ks_mtx);
    srv_keyset_put(old);
}

/* 1 if serial was withdrawn by a revocation notice (withdraw_mtx held). */
static int is_revoked(const struct qstp_server *srv, const uint8_t serial[16])
{
    for (size_t i = 0; i < srv->nrevoked; i++)
        if (memcmp(srv->revoked[i], serial, 16) == 0)
            return 1;
    return 0;
}

int qstp_server_reload(qstp_server *srv, const qstp_server_key *keys, size_t nkeys)
{
    srv_keyset *ks = NULL, *cur;
    qstp_server_key *keep;
    size_t n = 0;
    int ret;
    if (srv == NULL || keys == NULL || nkeys == 0)
        return qstp_fail(qstp_error_invalid_input);
    keep = malloc(nkeys * sizeof(*keep));
    if (keep == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    pthread_mutex_lock(&srv->withdraw_mtx);
    for (size_t i = 0; i < nkeys; i++) {
        if (is_revoked(srv, keys[i].serial))
            srv_log(srv, QSTP_LOG_WARN, "reload: key %zu was revoked by the root; not served", i + 1);
        else
            memcpy(&keep[n++], &keys[i], sizeof(*keep));
    }
    if (n == 0) {
        ret = qstp_fail(qstp_error_certificate_revoked); /* every key revoked: keep the current set */
    } else {
        cur = srv_keyset_get(srv);
        ret = keyset_make(&ks, &srv->opt, keep, n, cur != NULL ? cur->revroot : NULL);
        srv_keyset_put(cur);
        if (ret == 0)
            keyset_swap(srv, ks);
    }
    pthread_mutex_unlock(&srv->withdraw_mtx);
    for (size_t i = 0; i < n; i++)
        qstp_server_key_clear(&keep[i]);
    free(keep);
    if (ret == 0)
        srv_log(srv, QSTP_LOG_INFO, "keys reloaded: %zu key(s); existing tunnels kept", n);
    return ret;
}

void srv_withdraw_key(struct qstp_server *srv, const uint8_t serial[16])
{
    srv_keyset *cur, *ks = NULL;
    qstp_server_key *keep;
    size_t n = 0;
    pthread_mutex_lock(&srv->withdraw_mtx);
    /* Remember the serial (once) so a reload cannot bring it back. Only root-signed notices
     * get here, so the list grows only by what the root revoked. */
    if (!is_revoked(srv, serial)) {
        uint8_t (*r)[16] = realloc(srv->revoked, (srv->nrevoked + 1) * sizeof(*r));
        if (r != NULL) {
            srv->revoked = r;
            memcpy(r[srv->nrevoked++], serial, 16);
        }
    }
    cur = srv_keyset_get(srv);
    if (cur == NULL) {
        pthread_mutex_unlock(&srv->withdraw_mtx);
        return;
    }
    keep = malloc(cur->nkeys * sizeof(*keep));
    if (keep != NULL) {
        for (size_t i = 0; i < cur->nkeys; i++) {
            if (!qstp_ct_equal(cur->keys[i].serial, serial, 16))
                memcpy(&keep[n++], &cur->keys[i], sizeof(*keep));
        }
        if (n == cur->nkeys) {
            srv_log(srv, QSTP_LOG_INFO, "revocation notice for a serial this server does not hold");
        } else if (n == 0) {
            /* The last key is revoked: nothing may be served any more. An empty set cannot be
             * expressed (sessions need a key), so new connections are refused while paused. */
            atomic_store(&srv->paused, 1);
            srv_log(srv, QSTP_LOG_WARN, "the server's only key was revoked; accepting stopped");
        } else if (keyset_make(&ks, &srv->opt, keep, n, cur->revroot) == 0) {
            keyset_swap(srv, ks);
            srv_log(srv, QSTP_LOG_WARN, "key revoked by the root; %zu key(s) remain", n);
        }
        for (size_t i = 0; i < n; i++)
            qstp_server_key_clear(&keep[i]);
        free(keep);
    }
    srv_keyset_put(cur);
    pthread_mutex_unlock(&srv->withdraw_mtx);
}

/* ---------------------------------------------------------------- per-address rate */

static uint64_t addr_key(const struct sockaddr *sa)
{
    /* FNV-1a over the address bytes (not the port): one bucket per source address. */
    const uint8_t *p;
    size_t n;
    uint64_t h = 1469598103934665603ull;
    if (sa->sa_family == AF_INET) {
        p = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
        n = 4;
    } else if (sa->sa_family == AF_INET6) {
        p = (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        n = 16;
    } else {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h | 1u; /* never 0, which marks an empty bucket */
}

int srv_rate_allow(struct qstp_server *srv, const struct sockaddr *sa)
{
    /* Token bucket in thousandths of a handshake: refills at `rate` per second, holds 2 s worth.
     * Addresses that share a bucket share the allowance (conservative, never unsafe). */
    const uint64_t rate = srv->opt.handshake_rate, cap = rate * 2000u, now = qstp_net_mono_ms();
    const uint64_t key = addr_key(sa);
    int ok;
    size_t i = (size_t)(key % SRV_RATE_BUCKETS);
    pthread_mutex_lock(&srv->rate_mtx);
    if (srv->rate[i].key != key) {
        srv->rate[i].key = key;
        srv->rate[i].last_ms = now;
        srv->rate[i].tokens_milli = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
    } else {
        uint64_t t = srv->rate[i].tokens_milli + (now - srv->rate[i].last_ms) * rate;
        srv->rate[i].tokens_milli = (uint32_t)(t > cap ? (cap > UINT32_MAX ? UINT32_MAX : cap) : t);
        srv->rate[i].last_ms = now;
    }
    ok = srv->rate[i].tokens_milli >= 1000u;
    if (ok)
        srv->rate[i].tokens_milli -= 1000u;
    pthread_mutex_unlock(&srv->rate_mtx);
    return ok;
}

/* ---------------------------------------------------------------- start / stop */

static unsigned cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : (n > (long)SRV_MAX_LOOPS ? SRV_MAX_LOOPS : (unsigned)n);
}

static void server_free(qstp_server *srv)
{
    if (srv->loops != NULL) {
        for (unsigned i = 0; i < srv->nloops; i++)
            srv_loop_free(&srv->loops[i]);
        free(srv->loops);
    }
    srv_ws_pool_free(srv);
    keyset_swap(srv, NULL);
    pthread_mutex_destroy(&srv->ks_mtx);
    pthread_mutex_destroy(&srv->withdraw_mtx);
    free(srv->revoked);
    pthread_mutex_destroy(&srv->rate_mtx);
    pthread_mutex_destroy(&srv->job_mtx);
    pthread_cond_destroy(&srv->job_cv);
    pthread_mutex_destroy(&srv->ws_mtx);
    free(srv);
}

int qstp_server_start(qstp_server **out, const qstp_server_options *opt,
                      const qstp_server_key *keys, size_t nkeys,
                      const qstp_root_certificate *revocation_root)
{
    qstp_server_options d;
    qstp_server *srv;
    srv_keyset *ks;
    unsigned started = 0;
    int ret;

    if (out == NULL)
        return qstp_fail(qstp_error_invalid_input);
    *out = NULL;
    qstp_server_options_default(&d);
    if (opt != NULL) {
        /* Every zero means "the safe default": limits are never infinite. */
        qstp_server_options o = *opt;
        if (o.port == 0)
            o.port = d.port;
        if (o.max_tunnels == 0)
            o.max_tunnels = d.max_tunnels;
        if (o.max_handshakes == 0)
            o.max_handshakes = d.max_handshakes;
        if (o.handshake_rate == 0)
            o.handshake_rate = d.handshake_rate;
        if (o.handshake_timeout == 0)
            o.handshake_timeout = d.handshake_timeout;
        if (o.idle_timeout == 0)
            o.idle_timeout = d.idle_timeout;
        if (o.max_queued == 0)
            o.max_queued = d.max_queued;
        if (o.record_timeout == 0)
            o.record_timeout = d.record_timeout;
        d = o;
    }
    if (d.precompute_slots < QSTP_SERVER_PRECOMPUTE_AUTO || d.precompute_slots > (int)QSTP_PRECOMPUTE_MAX_SLOTS ||
        d.precompute_max_age > QSTP_PRECOMPUTE_MAX_AGE_LIMIT)
        return qstp_fail(qstp_error_invalid_input);
    srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    srv->opt = d;
    snprintf(srv->address, sizeof(srv->address), "%s", d.address != NULL ? d.address : "::");
    srv->opt.address = srv->address;
    srv->port = d.port;
    qstp_net_env(&srv->env);
    pthread_mutex_init(&srv->ks_mtx, NULL);
    pthread_mutex_init(&srv->withdraw_mtx, NULL);
    pthread_mutex_init(&srv->rate_mtx, NULL);
    pthread_mutex_init(&srv->job_mtx, NULL);
    {
        /* The workers' timed wait (workers.c wait_for_job) runs on the monotonic clock: on the
         * wall clock a step back would stall pool refills and expiry for as long (R3-PRE-2). */
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&srv->job_cv, &ca);
        pthread_condattr_destroy(&ca);
    }
    pthread_mutex_init(&srv->ws_mtx, NULL);
    ret = srv_fwd_resolve(srv);
    if (ret != 0) {
        server_free(srv);
        return ret;
    }
    ret = keyset_make(&ks, &srv->opt, keys, nkeys, revocation_root);
    if (ret != 0) {
        server_free(srv);
        return ret;
    }
    srv->ks = ks;
    srv->nloops = d.loops != 0 ? (d.loops > SRV_MAX_LOOPS ? SRV_MAX_LOOPS : d.loops) : cores();
    srv->nworkers = d.workers != 0 ? d.workers : cores();
    srv->loops = calloc(srv->nloops, sizeof(*srv->loops));
    if (srv->loops == NULL) {
        server_free(srv);
        return qstp_fail(qstp_error_memory_allocation);
    }
    for (unsigned i = 0; i < srv->nloops; i++) {
        ret = srv_loop_init(srv, &srv->loops[i], i);
        if (ret != 0) {
            srv->nloops = i + 1; /* srv_loop_free copes with a half-initialized loop */
            server_free(srv);
            return ret;
        }
    }
    ret = srv_workers_start(srv);
    if (ret != 0) {
        srv_workers_stop(srv);
        server_free(srv);
        return ret;
    }
    for (; started < srv->nloops; started++) {
        if (pthread_create(&srv->loops[started].thread, NULL, srv_loop_main, &srv->loops[started]) != 0)
            break;
    }
    if (started < srv->nloops) {
        atomic_store(&srv->quit, 1);
        for (unsigned i = 0; i < started; i++) {
            srv_loop_wake(&srv->loops[i]);
            pthread_join(srv->loops[i].thread, NULL);
        }
        srv_workers_stop(srv);
        server_free(srv);
        return qstp_fail(qstp_error_memory_allocation);
    }
    srv_log(srv, QSTP_LOG_INFO, "listening on %s port %u (%u loop(s), %u worker(s))", srv->address,
            (unsigned)srv->port, srv->nloops, srv->nworkers);
    *out = srv;
    return 0;
}

uint16_t qstp_server_port(const qstp_server *srv)
{
    return srv != NULL ? srv->port : 0;
}

int qstp_server_pause(qstp_server *srv)
{
    if (srv == NULL)
        return qstp_fail(qstp_error_invalid_input);
    atomic_store(&srv->paused, 1);
    srv_log(srv, QSTP_LOG_INFO, "paused: new connections are refused");
    return 0;
}

int qstp_server_resume(qstp_server *srv)
{
    if (srv == NULL)
        return qstp_fail(qstp_error_invalid_input);
    atomic_store(&srv->paused, 0);
    srv_log(srv, QSTP_LOG_INFO, "resumed");
    return 0;
}

int qstp_server_is_paused(const qstp_server *srv)
{
    return srv != NULL && atomic_load(&((qstp_server *)srv)->paused);
}

void qstp_server_quit(qstp_server *srv)
{
    if (srv == NULL)
        return;
    atomic_store(&srv->quit, 1);
    for (unsigned i = 0; i < srv->nloops; i++)
        srv_loop_wake(&srv->loops[i]);
    /* Each loop closes its tunnels (waiting for those a worker holds) and ends. */
    for (unsigned i = 0; i < srv->nloops; i++)
        pthread_join(srv->loops[i].thread, NULL);
    srv_workers_stop(srv);
    srv_log(srv, QSTP_LOG_INFO, "stopped");
    server_free(srv);
}

static srv_loop *loop_of(qstp_server *srv, qstp_tunnel_id id)
{
    unsigned li = (unsigned)(id & 0xffu);
    return li < srv->nloops ? &srv->loops[li] : NULL;
}

static int post(qstp_server *srv, int kind, qstp_tunnel_id id, const uint8_t *data, size_t len,
                qstp_errors code)
{
    srv_loop *l = loop_of(srv, id);
    srv_msg *m;
    int ret = 0;
    if (l == NULL || atomic_load(&srv->quit))
        return qstp_fail(qstp_error_channel_down);
    if (srv_loop_try_direct(l, kind, id, data, len, code, &ret))
        return ret;
    m = malloc(sizeof(*m) + len);
    if (m == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    m->next = NULL;
    m->kind = kind;
    m->id = id;
    m->code = code;
    m->len = len;
    if (len > 0)
        memcpy(m->data, data, len);
    return srv_loop_post(l, m);
}

int qstp_server_send(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len)
{
    if (srv == NULL || data == NULL || len == 0)
        return qstp_fail(qstp_error_invalid_input);
    return post(srv, MSG_SEND, id, data, len, qstp_error_none);
}

int qstp_server_close_tunnel(qstp_server *srv, qstp_tunnel_id id, qstp_errors code)
{
    if (srv == NULL)
        return qstp_fail(qstp_error_invalid_input);
    return post(srv, MSG_CLOSE, id, NULL, 0, code);
}

void qstp_server_get_stats(const qstp_server *srv, qstp_server_stats *st)
{
    qstp_server *s = (qstp_server *)srv;
    memset(st, 0, sizeof(*st));
    if (srv == NULL)
        return;
    st->accepted = atomic_load(&s->n_accepted);
    st->established = atomic_load(&s->n_established);
    st->refused = atomic_load(&s->n_refused);
    st->handshake_failures = atomic_load(&s->n_hs_failed);
    st->tunnels = atomic_load(&s->tunnels);
    st->handshakes = atomic_load(&s->handshakes);
    st->backends = atomic_load(&s->backends);
    {
        srv_keyset *ks = srv_keyset_get(s);
        if (ks != NULL && ks->pool != NULL) {
            qstp_precompute_stats ps;
            qstp_precompute_get_stats(ks->pool, &ps);
            st->precomputed_filled = ps.filled;
            st->precomputed_taken = ps.taken;
            st->precomputed_expired = ps.expired;
            st->precomputed_ready = (uint32_t)qstp_precompute_ready(ks->pool, qstp_net_unix_now(NULL));
        }
        srv_keyset_put(ks);
    }
}
