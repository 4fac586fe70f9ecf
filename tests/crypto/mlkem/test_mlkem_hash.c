/* qstp_mlkem_gen_matrix_hashes (src/crypto/mlkem/sample.c): the matrix sampling with hashes in its
 * spare Keccak lanes, against one-at-a-time references: each entry SampleNTT(rho || j || i) from
 * a plain SHAKE128 stream and the portable rejection step, each hash from qstp_sha3_256 /
 * qstp_shake256. Every k (2..5), both orientations, 0, 1 or 2 hashes, the ML-KEM input sizes
 * and lengths around the block boundaries (padding in a block of its own, hashes finishing
 * before, with or after the matrix), each on 4 lanes, on 8 lanes and as the dispatcher picks, with
 * the second hash marked secret or public (scrubbing or no-scrub permutations). ctest runs it
 * again with QSTP_NO_ASM=1 (single permutations of the busy lanes; 8 lanes as two 4-way calls). */
#include <string.h>

#include "crypto/keccak.h"
#include "crypto/mlkem/poly_backend.h"
#include "crypto/mlkem/sample.h"
#include "crypto/sha3.h"
#include "test.h"

static void ref_entry(int16_t c[256], const uint8_t rho[32], uint8_t b0, uint8_t b1)
{
    uint8_t seed[34], stream[168 * 8];
    memcpy(seed, rho, 32);
    seed[32] = b0;
    seed[33] = b1;
    qstp_shake128(stream, sizeof stream, seed, sizeof seed);
    unsigned n = qstp_mlkem_rej_uniform_portable(c, 0, stream, sizeof stream);
    if (n != 256)
        memset(c, 0, 512); /* 8 blocks always suffice in practice; a mismatch shows */
}

static void ref_hash(uint8_t out[32], const qstp_mlkem_lane_hash *h)
{
    qstp_keccak_state st;
    if (h->domain == QSTP_KECCAK_DOMAIN_SHA3) {
        qstp_sha3_256_init(&st);
        qstp_sha3_update(&st, h->m0, h->n0);
        if (h->n1)
            qstp_sha3_update(&st, h->m1, h->n1);
        qstp_sha3_256_final(&st, out);
    } else {
        qstp_shake256_init(&st);
        qstp_shake_absorb(&st, h->m0, h->n0);
        if (h->n1)
            qstp_shake_absorb(&st, h->m1, h->n1);
        qstp_shake_squeeze(&st, out, 32);
    }
}

/* w = 4 or 8: that lane count (8 runs as two 4-way passes where not native); 0: the dispatcher's
 * choice. pub: hash 1 marked public too (the no-scrub permutations with hashes in the lanes). */
static unsigned long check(uint64_t *rs, unsigned k, int transposed, unsigned nhash, size_t n0,
                           size_t n1, unsigned w, int pub)
{
    static uint8_t msg0[2100], msg1[2100];
    static qstp_mlkem_poly a[25];
    uint8_t rho[32], z[32], out[2][32], want[32];
    int16_t ref[256];
    unsigned long bad = 0;
    test_prng_bytes(rs, rho, 32);
    test_prng_bytes(rs, z, 32);
    test_prng_bytes(rs, msg0, n0);
    test_prng_bytes(rs, msg1, n1);
    /* hash 0 like H(ek) (one part), hash 1 like J(z || c) (two parts) */
    const qstp_mlkem_lane_hash h[2] = {{msg0, n0, NULL, 0, QSTP_KECCAK_DOMAIN_SHA3, out[0], 1},
                                       {z, 32, msg1, n1, QSTP_KECCAK_DOMAIN_SHAKE, out[1], pub}};
    memset(out, 0, sizeof out);
    memset(a, 0, sizeof a);
    if (w == 0)
        qstp_mlkem_gen_matrix_hashes(a, rho, k, transposed, h, nhash);
    else
        qstp_mlkem_gen_matrix_hashes_lanes(a, rho, k, transposed, h, nhash, w);
    for (unsigned i = 0; i < k; i++)
        for (unsigned j = 0; j < k; j++) {
            ref_entry(ref, rho, (uint8_t)(transposed ? i : j), (uint8_t)(transposed ? j : i));
            bad += memcmp(ref, a[i * k + j].c, sizeof ref) != 0;
        }
    for (unsigned t = 0; t < nhash; t++) {
        ref_hash(want, &h[t]);
        bad += memcmp(want, out[t], 32) != 0;
    }
    return bad;
}

int main(void)
{
    uint64_t rs = 0x686173685f706169ULL;
    unsigned long bad = 0;
    /* (ek, ct) sizes of ML-KEM-512/768/1024 and the k = 5 set */
    static const size_t sizes[][2] = {{800, 768}, {1184, 1088}, {1568, 1568}, {1952, 1920}};
    static const unsigned widths[3] = {0, 4, 8};
    for (unsigned k = 2; k <= 5; k++)
        for (unsigned nhash = 0; nhash <= 2; nhash++)
            for (int tr = 0; tr < 2; tr++)
                for (unsigned wi = 0; wi < 3; wi++)
                    for (int pub = 0; pub < 2; pub++)
                        bad += check(&rs, k, tr, nhash, sizes[k - 2][0], sizes[k - 2][1],
                                     widths[wi], pub);
    static const size_t lens[] = {0, 1, 103, 104, 105, 135, 136, 137, 271, 272, 273, 1000, 2040};
    for (unsigned i = 0; i < sizeof lens / sizeof lens[0]; i++)
        for (unsigned j = 0; j < sizeof lens / sizeof lens[0]; j++)
            for (unsigned wi = 0; wi < 3; wi++)
                bad += check(&rs, 2 + (i + j) % 4, (int)(j & 1), 2, lens[i], lens[j], widths[wi],
                             (int)(i & 1));
    CHECK_MSG(bad == 0, "%lu matrix/hash mismatches", bad);

    /* Tampering: a flipped input byte changes only its own hash. */
    uint8_t m0[1568], c[1568], z[32], o[2][32], o2[2][32];
    static qstp_mlkem_poly a[16];
    const uint8_t rho[32] = {1};
    test_prng_bytes(&rs, m0, sizeof m0);
    test_prng_bytes(&rs, c, sizeof c);
    test_prng_bytes(&rs, z, sizeof z);
    const qstp_mlkem_lane_hash h[2] = {{m0, sizeof m0, NULL, 0, QSTP_KECCAK_DOMAIN_SHA3, o[0], 1},
                                       {z, 32, c, sizeof c, QSTP_KECCAK_DOMAIN_SHAKE, o[1], 0}};
    const qstp_mlkem_lane_hash h2[2] = {{m0, sizeof m0, NULL, 0, QSTP_KECCAK_DOMAIN_SHA3, o2[0], 1},
                                        {z, 32, c, sizeof c, QSTP_KECCAK_DOMAIN_SHAKE, o2[1], 0}};
    qstp_mlkem_gen_matrix_hashes(a, rho, 4, 1, h, 2);
    m0[1567] ^= 1;
    qstp_mlkem_gen_matrix_hashes(a, rho, 4, 1, h2, 2);
    CHECK(memcmp(o[0], o2[0], 32) != 0 && memcmp(o[1], o2[1], 32) == 0);
    m0[1567] ^= 1;
    z[0] ^= 1;
    qstp_mlkem_gen_matrix_hashes(a, rho, 4, 1, h2, 2);
    CHECK(memcmp(o[0], o2[0], 32) == 0 && memcmp(o[1], o2[1], 32) != 0);
    return test_report();
}
