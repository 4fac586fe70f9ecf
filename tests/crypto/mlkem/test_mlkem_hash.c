/* qstp_mlkem_hash_h_j (src/crypto/mlkem/hash_pair.c), the two Decaps hashes in two lanes of one
 * 4-way Keccak, against the one-at-a-time SHA3-256 and SHAKE256: every ML-KEM and k = 5 size,
 * and lengths around the block boundaries (the padding block, the lanes finishing one block
 * apart in either order), and with one input byte flipped. Runs through whatever backend the CPU
 * has; ctest runs it again with QSTP_NO_ASM=1 (the fallback path). */
#include <string.h>

#include "crypto/keccak.h"
#include "crypto/mlkem/hash_pair.h"
#include "crypto/sha3.h"
#include "test.h"

static void reference(uint8_t h[32], uint8_t kbar[32], const uint8_t *ek, size_t ek_len,
                      const uint8_t z[32], const uint8_t *c, size_t c_len)
{
    qstp_keccak_state st;
    qstp_sha3_256(h, ek, ek_len);
    qstp_shake256_init(&st);
    qstp_shake_absorb(&st, z, 32);
    qstp_shake_absorb(&st, c, c_len);
    qstp_shake_squeeze(&st, kbar, 32);
}

static unsigned long check_one(uint64_t *rs, size_t ek_len, size_t c_len)
{
    static uint8_t ek[2100], c[2100];
    uint8_t z[32], h0[32], k0[32], h1[32], k1[32];
    test_prng_bytes(rs, ek, ek_len);
    test_prng_bytes(rs, c, c_len);
    test_prng_bytes(rs, z, 32);
    reference(h0, k0, ek, ek_len, z, c, c_len);
    qstp_mlkem_hash_h_j(h1, k1, ek, ek_len, z, c, c_len);
    return (unsigned long)(memcmp(h0, h1, 32) != 0) + (memcmp(k0, k1, 32) != 0);
}

int main(void)
{
    uint64_t rs = 0x686173685f706169ULL;
    unsigned long bad = 0;
    /* (pk, ct) sizes of ML-KEM-512/768/1024 and the k = 5 set */
    static const size_t sizes[][2] = {{800, 768}, {1184, 1088}, {1568, 1568}, {1952, 1920}};
    for (unsigned i = 0; i < 4; i++)
        bad += check_one(&rs, sizes[i][0], sizes[i][1]);
    /* around block boundaries: z || c is 32 bytes longer than c */
    static const size_t lens[] = {0, 1, 103, 104, 105, 135, 136, 137, 271, 272, 273, 1000, 1360};
    for (unsigned i = 0; i < sizeof lens / sizeof lens[0]; i++)
        for (unsigned j = 0; j < sizeof lens / sizeof lens[0]; j++)
            bad += check_one(&rs, lens[i], lens[j]);
    CHECK_MSG(bad == 0, "%lu hash mismatches", bad);

    /* A flipped byte in ek changes only h, one in z or c only kbar. */
    uint8_t ek[1568], c[1568], z[32], h0[32], k0[32], h1[32], k1[32];
    test_prng_bytes(&rs, ek, sizeof ek);
    test_prng_bytes(&rs, c, sizeof c);
    test_prng_bytes(&rs, z, sizeof z);
    qstp_mlkem_hash_h_j(h0, k0, ek, sizeof ek, z, c, sizeof c);
    ek[1567] ^= 1;
    qstp_mlkem_hash_h_j(h1, k1, ek, sizeof ek, z, c, sizeof c);
    CHECK(memcmp(h0, h1, 32) != 0 && memcmp(k0, k1, 32) == 0);
    ek[1567] ^= 1;
    z[0] ^= 1;
    qstp_mlkem_hash_h_j(h1, k1, ek, sizeof ek, z, c, sizeof c);
    CHECK(memcmp(h0, h1, 32) == 0 && memcmp(k0, k1, 32) != 0);
    return test_report();
}
