/* splitmix64: a fast deterministic generator for property tests (sizes, random messages).
 * Not for keys; seed it with a constant so a failure reproduces. */
#include "test.h"

#include <string.h>

uint64_t test_prng_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void test_prng_bytes(uint64_t *state, uint8_t *out, size_t len)
{
    while (len > 0) {
        uint64_t r = test_prng_u64(state);
        size_t take = len < 8 ? len : 8;
        for (size_t i = 0; i < take; i++) {
            out[i] = (uint8_t)(r >> (8 * i));
        }
        out += take;
        len -= take;
    }
}
