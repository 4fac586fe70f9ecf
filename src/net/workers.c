/* Handshake worker pool and handshake-workspace pool of the server (server_internal.h).
 *
 * Why: the server's handshake crypto (KEM key generation and signing for the connect response,
 * decapsulation for the exchange) runs inside qstp_session_receive() when the last byte of a
 * handshake message arrives. Run on an event loop it would stall every established tunnel of
 * that loop; here a worker takes the session, runs the step, and hands it back to its loop
 * (srv_loop_handshake_done wakes the loop through its eventfd). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/ct.h"
#include "net/server_internal.h"

/* Runs one handshake step: feeds the bytes the loop read until an event ends the step or the
 * input is used up. After ESTABLISHED the rest of the input (records the client pipelined) is
 * left for the loop, which attaches a receive buffer first (session.h). */
static void run_step(srv_tunnel *t)
{
    srv_wsslot *w = t->ws;
    w->hs_event = QSTP_EVENT_NONE;
    w->hs_error = qstp_error_none;
    while (w->in_off < w->in_len) {
        qstp_event ev;
        size_t used = qstp_session_receive(&t->s, w->in + w->in_off, w->in_len - w->in_off, &ev);
        w->in_off += used;
        if (ev.type != QSTP_EVENT_NONE) {
            w->hs_event = ev.type;
            w->hs_error = ev.error;
            if (ev.type == QSTP_EVENT_REVOKED && ev.data != NULL && ev.len == 16)
                memcpy(w->hs_revoked, ev.data, 16);
            if (ev.type == QSTP_EVENT_PEER_CLOSED && ev.has_peer_code)
                w->hs_error = (qstp_errors)ev.peer_code;
            return;
        }
        if (used == 0)
            return; /* output must be drained first; the loop does that and calls again */
    }
}

/* ---------------------------------------------------------------- precompute pool */

/* The key-generation workspace of one worker for pool fills (McEliece only; 0 bytes for ML-KEM). */
typedef struct {
    uint8_t *mem;
    size_t len;
} fill_work;

/* One fill of the current key set's pool, if it has a vacant (or stale) slot. Keys of the pool's
 * set take turns (fill_next); an expired key is skipped. 1 if a slot was filled. */
static int fill_once(struct qstp_server *srv, fill_work *w)
{
    srv_keyset *ks = srv_keyset_get(srv);
    int filled = 0;
    if (ks == NULL || ks->pool == NULL || qstp_precompute_vacant(ks->pool, srv->env.now(srv->env.ctx)) == 0) {
        srv_keyset_put(ks);
        return 0;
    }
    if (w->len < ks->pool_work_size) {
        uint8_t *m = realloc(w->mem, ks->pool_work_size); /* fill_one wiped the old one */
        if (m == NULL) {
            srv_keyset_put(ks);
            return 0;
        }
        w->mem = m;
        w->len = ks->pool_work_size;
    }
    for (size_t tries = 0; tries < ks->nkeys && !filled; tries++) {
        const size_t i = atomic_fetch_add(&ks->fill_next, 1u) % ks->nkeys;
        const qstp_server_keyref *key = &ks->refs_arr[i];
        int ret;
        if (key->suite != ks->pool_suite)
            continue;
        ret = qstp_precompute_fill_one(ks->pool, &srv->env, key, w->mem, ks->pool_work_size);
        if (ret == 0)
            filled = 1;
        else if (ret == qstp_fail(qstp_error_invalid_state))
            break; /* another worker took the last vacant slot */
    }
    srv_keyset_put(ks);
    return filled;
}

/* At most nworkers - 1 workers fill at once so one is always free for a handshake (with a
 * single worker, that worker fills only while no handshake is queued). */
static unsigned fill_limit(const struct qstp_server *srv)
{
    return srv->nworkers > 1 ? srv->nworkers - 1u : 1u;
}

static void wait_for_job(struct qstp_server *srv)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* job_cv uses the monotonic clock (server.c) */
    ts.tv_sec += SRV_FILL_POLL_MS / 1000u;
    (void)pthread_cond_timedwait(&srv->job_cv, &srv->job_mtx, &ts);
}

static void *worker_main(void *arg)
{
    struct qstp_server *srv = arg;
    fill_work work = {NULL, 0};
    pthread_mutex_lock(&srv->job_mtx);
    for (;;) {
        srv_tunnel *t;
        /* Handshakes first; while none is queued, fill the precompute pool. */
        while (srv->job_head == NULL && !srv->workers_stop) {
            int filled = 0;
            if (srv->fillers < fill_limit(srv)) {
                srv->fillers++;
                pthread_mutex_unlock(&srv->job_mtx);
                filled = fill_once(srv, &work);
                pthread_mutex_lock(&srv->job_mtx);
                srv->fillers--;
            }
            if (!filled && srv->job_head == NULL && !srv->workers_stop)
                wait_for_job(srv); /* timed: slots go stale and need refilling */
        }
        if (srv->job_head == NULL)
            break; /* stop requested and nothing left */
        t = srv->job_head;
        srv->job_head = t->next_job;
        if (srv->job_head == NULL)
            srv->job_tail = NULL;
        pthread_mutex_unlock(&srv->job_mtx);
        run_step(t);
        srv_loop_handshake_done(t);
        pthread_mutex_lock(&srv->job_mtx);
    }
    pthread_mutex_unlock(&srv->job_mtx);
    free(work.mem); /* wiped by every fill */
    return NULL;
}

void srv_worker_submit(struct qstp_server *srv, srv_tunnel *t)
{
    pthread_mutex_lock(&srv->job_mtx);
    t->next_job = NULL;
    if (srv->job_tail != NULL)
        srv->job_tail->next_job = t;
    else
        srv->job_head = t;
    srv->job_tail = t;
    pthread_cond_signal(&srv->job_cv);
    pthread_mutex_unlock(&srv->job_mtx);
}

int srv_workers_start(struct qstp_server *srv)
{
    srv->workers = calloc(srv->nworkers, sizeof(pthread_t));
    if (srv->workers == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    for (unsigned i = 0; i < srv->nworkers; i++) {
        if (pthread_create(&srv->workers[i], NULL, worker_main, srv) != 0) {
            srv->nworkers = i;
            return qstp_fail(qstp_error_memory_allocation);
        }
    }
    return 0;
}

void srv_workers_stop(struct qstp_server *srv)
{
    pthread_mutex_lock(&srv->job_mtx);
    srv->workers_stop = 1;
    pthread_cond_broadcast(&srv->job_cv);
    pthread_mutex_unlock(&srv->job_mtx);
    for (unsigned i = 0; i < srv->nworkers; i++)
        pthread_join(srv->workers[i], NULL);
    free(srv->workers);
    srv->workers = NULL;
    srv->nworkers = 0;
}

/* ---------------------------------------------------------------- workspace pool */

srv_wsslot *srv_ws_get(struct qstp_server *srv, size_t wslen)
{
    srv_wsslot *w = NULL;
    pthread_mutex_lock(&srv->ws_mtx);
    /* Slots smaller than today's key set needs (after a reload to a larger set) are dropped. */
    while (srv->ws_free != NULL && w == NULL) {
        srv_wsslot *c = srv->ws_free;
        srv->ws_free = c->next;
        if (c->wslen >= wslen)
            w = c;
        else
            free(c);
    }
    pthread_mutex_unlock(&srv->ws_mtx);
    if (w == NULL) {
        w = malloc(sizeof(*w) + wslen);
        if (w == NULL)
            return NULL;
        w->wslen = wslen;
    }
    w->next = NULL;
    w->in_off = w->in_len = 0;
    return w;
}

void srv_ws_put(struct qstp_server *srv, srv_wsslot *w)
{
    if (w == NULL)
        return;
    /* The session wiped what it used (qstp_session_release_workspace); the input may hold a
     * partial handshake message, which is not secret but is cleared all the same. */
    qstp_wipe(w->in, sizeof(w->in));
    w->in_off = w->in_len = 0;
    pthread_mutex_lock(&srv->ws_mtx);
    w->next = srv->ws_free;
    srv->ws_free = w;
    pthread_mutex_unlock(&srv->ws_mtx);
}

void srv_ws_pool_free(struct qstp_server *srv)
{
    pthread_mutex_lock(&srv->ws_mtx);
    while (srv->ws_free != NULL) {
        srv_wsslot *c = srv->ws_free;
        srv->ws_free = c->next;
        qstp_wipe(c->ws, c->wslen);
        free(c);
    }
    pthread_mutex_unlock(&srv->ws_mtx);
}
