/* The server's tunnel slab (src/net/slab.h): alignment, no overlap between live objects, reuse
 * of freed objects, chunks unmapped when empty (all but one), and refusal of an object that does
 * not fit a chunk. */
#include <stdint.h>
#include <string.h>

#include "net/server_internal.h"
#include "net/slab.h"
#include "test.h"

#define N 1000u

static void *objs[N];

static void fill(void *p, size_t n, uint32_t tag)
{
    uint32_t *w = p;
    for (size_t i = 0; i < n / 4; i++)
        w[i] = tag;
}

static int intact(const void *p, size_t n, uint32_t tag)
{
    const uint32_t *w = p;
    for (size_t i = 0; i < n / 4; i++)
        if (w[i] != tag)
            return 0;
    return 1;
}

int main(void)
{
    srv_slab s;
    const size_t size = sizeof(srv_tunnel);
    int aligned = 1, ok = 1;

    CHECK(srv_slab_init(&s, SRV_SLAB_CHUNK_SIZE) == -1);
    CHECK(srv_slab_init(&s, size) == 0);
    CHECK(s.objsize == size && size % 64 == 0);
    CHECK_MSG(s.per_chunk == (SRV_SLAB_CHUNK_SIZE - SRV_SLAB_HEADER_SIZE) / size, "per chunk %u", s.per_chunk);

    for (uint32_t i = 0; i < N; i++) {
        objs[i] = srv_slab_alloc(&s);
        if (objs[i] == NULL) {
            CHECK_MSG(0, "allocation %u failed", i);
            return test_report();
        }
        aligned &= ((uintptr_t)objs[i] % 64) == 0;
        fill(objs[i], size, i + 1);
    }
    CHECK(aligned);
    CHECK(s.live == N && s.chunks == (N + s.per_chunk - 1) / s.per_chunk);
    for (uint32_t i = 0; i < N; i++)
        ok &= intact(objs[i], size, i + 1);
    CHECK_MSG(ok, "live objects overlap");

    /* Free every other object; the freed ones are handed out again before any new chunk. */
    for (uint32_t i = 0; i < N; i += 2)
        srv_slab_free(&s, objs[i]);
    CHECK(s.live == N / 2);
    {
        const size_t chunks = s.chunks;
        for (uint32_t i = 0; i < N; i += 2) {
            objs[i] = srv_slab_alloc(&s);
            fill(objs[i], size, 0xA0000000u + i);
        }
        CHECK(s.chunks == chunks);
    }
    ok = 1;
    for (uint32_t i = 0; i < N; i++)
        ok &= intact(objs[i], size, (i % 2) ? i + 1 : 0xA0000000u + i);
    CHECK_MSG(ok, "reused objects overlap live ones");

    /* Everything back: one empty chunk stays mapped, the rest are unmapped. */
    for (uint32_t i = 0; i < N; i++)
        srv_slab_free(&s, objs[i]);
    CHECK_MSG(s.live == 0 && s.chunks == 1, "%zu chunks left mapped", s.chunks);
    objs[0] = srv_slab_alloc(&s);
    CHECK(objs[0] != NULL && s.chunks == 1);
    srv_slab_free(&s, objs[0]);
    srv_slab_destroy(&s);
    CHECK(s.chunks == 0 && s.avail == NULL);
    srv_slab_free(&s, NULL); /* no-op */
    return test_report();
}
