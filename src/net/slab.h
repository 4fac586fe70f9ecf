/* Fixed-size object slab for the server's tunnels (server_internal.h).
 *
 * Why: an idle tunnel is a few KiB and a server holds 10^5 of them; one malloc each costs a header
 * and, for a 64-byte aligned object, alignment slack, and scatters tunnels over the heap. Here
 * objects are cut from 256 KiB chunks mapped with mmap and aligned to their own size, so an
 * object finds its chunk by masking its address. A chunk hands out never-used objects in order
 * (pages are touched only when used) and keeps a free list of returned ones; an empty chunk is
 * unmapped, except one kept to absorb churn at a chunk boundary.
 *
 * One thread per slab (each event loop owns one); no locks. */
#ifndef QSTP_NET_SLAB_H
#define QSTP_NET_SLAB_H

#include <stddef.h>
#include <stdint.h>

#define SRV_SLAB_CHUNK_SIZE ((size_t)256u << 10)
#define SRV_SLAB_HEADER_SIZE 64u /* chunk header; objects start 64-byte aligned after it */

struct srv_slab_chunk;

typedef struct srv_slab {
    size_t objsize;               /* a multiple of 64 */
    uint32_t per_chunk;           /* objects per chunk */
    struct srv_slab_chunk *avail; /* chunks with a free or never-used object */
    struct srv_slab_chunk *empty; /* the one empty chunk kept mapped, or NULL */
    size_t chunks;                /* mapped */
    size_t live;                  /* objects handed out */
} srv_slab;

/* objsize: rounded up to 64. 0, or -1 if one object does not fit a chunk. */
int srv_slab_init(srv_slab *s, size_t objsize);
/* A 64-byte aligned object (contents undefined), or NULL if out of memory. */
void *srv_slab_alloc(srv_slab *s);
/* p: from srv_slab_alloc on this slab. The caller has wiped what was secret in it. */
void srv_slab_free(srv_slab *s, void *p);
/* Unmaps every chunk (objects still handed out become invalid). */
void srv_slab_destroy(srv_slab *s);

#endif
