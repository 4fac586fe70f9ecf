/* Tunnel slab (slab.h). */
#include "net/slab.h"

#include <string.h>
#include <sys/mman.h>

typedef struct srv_slab_chunk {
    struct srv_slab_chunk *prev, *next; /* in srv_slab.avail while listed */
    void *free;                         /* returned objects; each one's first word links the next */
    uint32_t used;                      /* objects handed out */
    uint32_t fresh;                     /* objects [0, fresh) have been handed out at least once */
    uint8_t listed;
} srv_slab_chunk;

_Static_assert(sizeof(srv_slab_chunk) <= SRV_SLAB_HEADER_SIZE, "slab chunk header too large");
_Static_assert((SRV_SLAB_CHUNK_SIZE & (SRV_SLAB_CHUNK_SIZE - 1)) == 0, "chunk size must be a power of two");

static uint8_t *chunk_objects(srv_slab_chunk *c)
{
    return (uint8_t *)c + SRV_SLAB_HEADER_SIZE;
}

static srv_slab_chunk *chunk_of(void *p)
{
    return (srv_slab_chunk *)((uintptr_t)p & ~(uintptr_t)(SRV_SLAB_CHUNK_SIZE - 1));
}

/* A chunk-sized mapping aligned to its size: map twice the size, unmap the ends. */
static void *map_aligned(void)
{
    const size_t size = SRV_SLAB_CHUNK_SIZE;
    uint8_t *p = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uintptr_t a;
    size_t head;
    if (p == MAP_FAILED)
        return NULL;
    a = ((uintptr_t)p + size - 1) & ~(uintptr_t)(size - 1);
    head = (size_t)(a - (uintptr_t)p);
    if (head > 0)
        (void)munmap(p, head);
    if (size - head > 0)
        (void)munmap((uint8_t *)a + size, size - head);
    return (void *)a;
}

static void list_add(srv_slab *s, srv_slab_chunk *c)
{
    c->prev = NULL;
    c->next = s->avail;
    if (s->avail != NULL)
        s->avail->prev = c;
    s->avail = c;
    c->listed = 1;
}

static void list_remove(srv_slab *s, srv_slab_chunk *c)
{
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        s->avail = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    c->listed = 0;
}

int srv_slab_init(srv_slab *s, size_t objsize)
{
    memset(s, 0, sizeof(*s));
    objsize = (objsize + 63u) & ~(size_t)63u;
    if (objsize == 0 || objsize > SRV_SLAB_CHUNK_SIZE - SRV_SLAB_HEADER_SIZE)
        return -1;
    s->objsize = objsize;
    s->per_chunk = (uint32_t)((SRV_SLAB_CHUNK_SIZE - SRV_SLAB_HEADER_SIZE) / objsize);
    return 0;
}

void *srv_slab_alloc(srv_slab *s)
{
    srv_slab_chunk *c = s->avail;
    void *p;
    if (c == NULL) {
        c = map_aligned();
        if (c == NULL)
            return NULL;
        memset(c, 0, sizeof(*c));
        s->chunks++;
        list_add(s, c);
    }
    if (c == s->empty)
        s->empty = NULL;
    if (c->free != NULL) {
        p = c->free;
        memcpy(&c->free, p, sizeof(void *));
    } else {
        p = chunk_objects(c) + (size_t)c->fresh * s->objsize;
        c->fresh++;
    }
    c->used++;
    s->live++;
    if (c->used == s->per_chunk)
        list_remove(s, c);
    return p;
}

void srv_slab_free(srv_slab *s, void *p)
{
    srv_slab_chunk *c;
    if (p == NULL)
        return;
    c = chunk_of(p);
    memcpy(p, &c->free, sizeof(void *));
    c->free = p;
    c->used--;
    s->live--;
    if (!c->listed)
        list_add(s, c);
    if (c->used > 0)
        return;
    if (s->empty == NULL) {
        s->empty = c; /* kept: the next allocation at this boundary need not map again */
        return;
    }
    list_remove(s, c);
    s->chunks--;
    (void)munmap(c, SRV_SLAB_CHUNK_SIZE);
}

void srv_slab_destroy(srv_slab *s)
{
    /* Only listed chunks can be found; a full chunk means objects are still out, which the
     * caller has ruled out (every tunnel is freed before its loop). */
    while (s->avail != NULL) {
        srv_slab_chunk *c = s->avail;
        list_remove(s, c);
        (void)munmap(c, SRV_SLAB_CHUNK_SIZE);
    }
    memset(s, 0, sizeof(*s));
}
