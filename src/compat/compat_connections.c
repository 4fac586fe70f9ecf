/* The guide's connection collection (connections.h) as the compat server's table of states:
 * a fixed array of slots, made once, one entry per live tunnel. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat_internal.h"

static pthread_mutex_t table_mtx = PTHREAD_MUTEX_INITIALIZER;
static qstp_connection_state *slots;
static size_t nslots;
static uint32_t next_cid = 1;

void compat_table_lock(void)
{
    pthread_mutex_lock(&table_mtx);
}

void compat_table_unlock(void)
{
    pthread_mutex_unlock(&table_mtx);
}

static void make_table(size_t maximum)
{
    free(slots);
    slots = calloc(maximum, sizeof(*slots));
    nslots = slots != NULL ? maximum : 0;
}

void compat_table_ensure(void)
{
    compat_table_lock();
    if (slots == NULL)
        make_table(QSTP_CONNECTIONS_MAX);
    compat_table_unlock();
}

static qstp_connection_state *add_locked(void)
{
    for (size_t i = 0; i < nslots; i++) {
        if (!slots[i].active_) {
            memset(&slots[i], 0, sizeof(slots[i]));
            slots[i].active_ = 1;
            slots[i].target = -1;
            slots[i].cid = next_cid++;
            return &slots[i];
        }
    }
    return NULL;
}

qstp_connection_state *compat_table_bind(qstp_tunnel_id id)
{
    qstp_connection_state *c = add_locked();
    if (c != NULL) {
        c->tunnel_ = id;
        c->receiver = true;
        c->exflag = qstp_flag_session_established;
    }
    return c;
}

qstp_connection_state *compat_table_find(qstp_tunnel_id id)
{
    for (size_t i = 0; i < nslots; i++)
        if (slots[i].active_ && slots[i].tunnel_ == id)
            return &slots[i];
    return NULL;
}

void compat_table_release(qstp_connection_state *cns)
{
    memset(cns, 0, sizeof(*cns));
    cns->target = -1;
}

bool qstp_connections_active(size_t index)
{
    bool r;
    compat_table_lock();
    r = index < nslots && slots[index].active_;
    compat_table_unlock();
    return r;
}

qstp_connection_state *qstp_connections_add(void)
{
    qstp_connection_state *c;
    compat_table_lock();
    c = add_locked();
    compat_table_unlock();
    return c;
}

size_t qstp_connections_available(void)
{
    size_t n = 0;
    compat_table_lock();
    for (size_t i = 0; i < nslots; i++)
        n += !slots[i].active_;
    compat_table_unlock();
    return n;
}

qstp_connection_state *qstp_connections_get(uint32_t instance)
{
    qstp_connection_state *c = NULL;
    compat_table_lock();
    for (size_t i = 0; i < nslots && c == NULL; i++)
        if (slots[i].active_ && slots[i].cid == instance)
            c = &slots[i];
    compat_table_unlock();
    return c;
}

void qstp_connections_initialize(size_t count, size_t maximum)
{
    /* The guide grows from count to maximum; a fixed array of maximum slots keeps entries at
     * stable addresses, which the callbacks rely on. */
    (void)count;
    if (maximum == 0)
        return;
    compat_table_lock();
    make_table(maximum);
    compat_table_unlock();
}

void qstp_connections_clear(void)
{
    compat_table_lock();
    for (size_t i = 0; i < nslots; i++)
        compat_table_release(&slots[i]);
    compat_table_unlock();
}

void qstp_connections_dispose(void)
{
    compat_table_lock();
    free(slots);
    slots = NULL;
    nslots = 0;
    compat_table_unlock();
}

qstp_connection_state *qstp_connections_index(size_t index)
{
    qstp_connection_state *c;
    compat_table_lock();
    c = index < nslots ? &slots[index] : NULL;
    compat_table_unlock();
    return c;
}

bool qstp_connections_full(void)
{
    return qstp_connections_available() == 0;
}

qstp_connection_state *qstp_connections_next(void)
{
    qstp_connection_state *c = NULL;
    compat_table_lock();
    for (size_t i = 0; i < nslots && c == NULL; i++)
        if (!slots[i].active_)
            c = &slots[i];
    compat_table_unlock();
    return c;
}

void qstp_connections_reset(uint32_t instance)
{
    compat_table_lock();
    for (size_t i = 0; i < nslots; i++)
        if (slots[i].active_ && slots[i].cid == instance)
            compat_table_release(&slots[i]);
    compat_table_unlock();
}

size_t qstp_connections_size(void)
{
    size_t n;
    compat_table_lock();
    n = nslots;
    compat_table_unlock();
    return n;
}
