/* The NIST PQC KAT randombytes: SP 800-90A CTR_DRBG with AES-256, no derivation function, no
 * personalization, no reseed, exactly as NIST's rng.c and PQClean's nistkatrng.c
 * (vectors/pqclean/NISTKAT_PROCEDURE.txt §1). */
#include "test.h"

#include <string.h>

/* V = V + 1 as a 128-bit big-endian integer. */
static void increment_v(uint8_t v[16])
{
    for (int i = 15; i >= 0; i--) {
        if (++v[i] != 0) {
            break;
        }
    }
}

/* CTR_DRBG_Update: three blocks of AES(Key, ++V), XOR provided data, split into Key || V. */
static void drbg_update(test_drbg *d, const uint8_t *provided)
{
    test_aes256 aes;
    uint8_t temp[48];

    test_aes256_init(&aes, d->key);
    for (int i = 0; i < 3; i++) {
        increment_v(d->v);
        test_aes256_encrypt(&aes, d->v, temp + 16 * i);
    }
    if (provided != NULL) {
        for (int i = 0; i < 48; i++) {
            temp[i] ^= provided[i];
        }
    }
    memcpy(d->key, temp, 32);
    memcpy(d->v, temp + 32, 16);
}

void test_drbg_init(test_drbg *d, const uint8_t entropy[48])
{
    memset(d->key, 0, sizeof d->key);
    memset(d->v, 0, sizeof d->v);
    drbg_update(d, entropy);
}

int test_drbg_random(void *ctx, uint8_t *out, size_t len)
{
    test_drbg *d = ctx;
    test_aes256 aes;
    uint8_t block[16];

    test_aes256_init(&aes, d->key);
    while (len > 0) {
        size_t take = len < 16 ? len : 16;
        increment_v(d->v);
        test_aes256_encrypt(&aes, d->v, block);
        memcpy(out, block, take);
        out += take;
        len -= take;
    }
    /* Once per call, not per block: every call starts on a fresh block (procedure §1). */
    drbg_update(d, NULL);
    return 0;
}
