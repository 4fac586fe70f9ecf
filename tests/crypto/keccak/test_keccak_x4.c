/* The 4-way Keccak backends and the 4-way SHAKE API against the portable single-state code:
 *   - every x4 entry point (dispatcher, AVX2, AVX-512VL, interleaved and separate-state forms,
 *     and the QSTP_NO_ASM fallback) equals four portable permutations on random states;
 *   - the same on every "Input of permutation" / "State after permutation" pair of
 *     vectors/keccak/KeccakF-1600-IntermediateValues.txt (missing file = failure);
 *   - qstp_shake128x4 / qstp_shake256x4 (one-shot and absorb_once + squeezeblocks) equal four
 *     qstp_shake128 / qstp_shake256 calls for many input and output lengths;
 *   - a flipped input bit changes only its own instance's output. */
#include <stdlib.h>
#include <string.h>

#include "blockfile.h"
#include "crypto/cpu.h"
#include "crypto/keccak.h"
#include "crypto/sha3.h"
#include "crypto/sha3x4.h"
#include "test.h"

typedef struct {
    const char *name;
    void (*states)(uint64_t s[4][25]);
    void (*lanes)(uint64_t s[25][4]);
    int available;
} backend;

static backend backends[3];
static size_t nbackends;

static void setup_backends(void)
{
    nbackends = 0;
    backends[nbackends++] = (backend){"dispatch", qstp_keccak_f1600_x4, qstp_keccak_f1600_x4_lanes, 1};
#if defined(__x86_64__)
    backends[nbackends++] = (backend){"avx2", qstp_keccak_f1600_x4_avx2, qstp_keccak_f1600_x4_lanes_avx2,
                                      qstp_cpu_has_avx2()};
    backends[nbackends++] = (backend){"avx512", qstp_keccak_f1600_x4_avx512,
                                      qstp_keccak_f1600_x4_lanes_avx512, qstp_cpu_has_avx512()};
#endif
}

/* Runs every available backend on the four states `in` and compares with the portable result. */
static void check_all_backends(uint64_t in[4][25], const char *what)
{
    uint64_t want[4][25], got[4][25], lanes[25][4];

    memcpy(want, in, sizeof(want));
    qstp_keccak_f1600_x4_portable(want);
    for (size_t b = 0; b < nbackends; b++) {
        if (!backends[b].available)
            continue;
        memcpy(got, in, sizeof(got));
        backends[b].states(got);
        CHECK_MSG(memcmp(got, want, sizeof(want)) == 0, "%s: %s x4 (states) differs", what,
                  backends[b].name);
        for (int i = 0; i < 25; i++)
            for (int j = 0; j < 4; j++)
                lanes[i][j] = in[j][i];
        backends[b].lanes(lanes);
        int same = 1;
        for (int i = 0; i < 25; i++)
            for (int j = 0; j < 4; j++)
                same &= lanes[i][j] == want[j][i];
        CHECK_MSG(same, "%s: %s x4 (lanes) differs", what, backends[b].name);
    }
}

static void test_random_states(uint64_t *prng)
{
    uint64_t s[4][25];
    for (int iter = 0; iter < 200; iter++) {
        for (int j = 0; j < 4; j++)
            for (int i = 0; i < 25; i++)
                s[j][i] = test_prng_u64(prng);
        check_all_backends(s, "random states");
    }
    /* All-zero and all-ones states, and one lane in one state set (each lane position and each
     * state slot, so a transposition mistake cannot hide). */
    memset(s, 0, sizeof(s));
    check_all_backends(s, "zero states");
    memset(s, 0xFF, sizeof(s));
    check_all_backends(s, "all-ones states");
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 25; i++) {
            memset(s, 0, sizeof(s));
            s[j][i] = 0x8000000000000001ULL ^ (uint64_t)(i * 4 + j);
            check_all_backends(s, "single lane");
        }
}

static int test_permutation_vectors(void)
{
    const char *rel = "vectors/keccak/KeccakF-1600-IntermediateValues.txt";
    block_file f;
    char *label, *hex;
    uint8_t in[200], want[200], got[200];
    int have_in = 0, pairs = 0;

    if (!block_open(&f, test_vector_path(rel))) {
        TEST_FAIL("cannot open %s", rel);
        return 0;
    }
    while (block_next_labelled(&f, &label, &hex)) {
        if (strcmp(label, "Input of permutation") == 0) {
            have_in = test_hex_decode(in, sizeof(in), hex) == 200;
        } else if (strcmp(label, "State after permutation") == 0 && have_in) {
            CHECK(test_hex_decode(want, sizeof(want), hex) == 200);
            for (size_t b = 0; b < nbackends; b++) {
                if (!backends[b].available)
                    continue;
                uint64_t s[4][25], lanes[25][4];
                memset(s, 0, sizeof(s));
                for (int j = 0; j < 4; j++)
                    qstp_keccak_xor_bytes(s[j], in, 200);
                for (int i = 0; i < 25; i++)
                    for (int j = 0; j < 4; j++)
                        lanes[i][j] = s[j][i];
                backends[b].states(s);
                backends[b].lanes(lanes);
                for (int j = 0; j < 4; j++) {
                    qstp_keccak_extract_bytes(s[j], got, 200);
                    CHECK_BYTES(got, want, 200, backends[b].name);
                    uint64_t one[25];
                    for (int i = 0; i < 25; i++)
                        one[i] = lanes[i][j];
                    qstp_keccak_extract_bytes(one, got, 200);
                    CHECK_BYTES(got, want, 200, backends[b].name);
                }
            }
            have_in = 0;
            pairs++;
        }
    }
    block_close(&f);
    CHECK_MSG(pairs >= 2, "%s: expected permutation pairs, found %d", rel, pairs);
    return pairs;
}

typedef void (*shake1_fn)(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);
typedef void (*shake4_fn)(uint8_t *, uint8_t *, uint8_t *, uint8_t *, size_t, const uint8_t *,
                          const uint8_t *, const uint8_t *, const uint8_t *, size_t);

static void test_shake_oneshot(uint64_t *prng, const char *name, shake1_fn one, shake4_fn four)
{
    static const size_t inlens[] = {0,   1,   7,   8,   31,  32,  33,  34,  64,  65,  66,  71,  72,
                                    73,  135, 136, 137, 167, 168, 169, 200, 271, 272, 273, 335, 336,
                                    337, 500, 1000};
    static const size_t outlens[] = {0, 1, 32, 64, 135, 136, 137, 167, 168, 169, 336, 504, 505, 840};
    static uint8_t in[4][1000], want[4][840], got[4][840 + 8];

    for (size_t a = 0; a < sizeof(inlens) / sizeof(inlens[0]); a++) {
        const size_t inlen = inlens[a];
        for (int j = 0; j < 4; j++)
            test_prng_bytes(prng, in[j], inlen);
        for (size_t b = 0; b < sizeof(outlens) / sizeof(outlens[0]); b++) {
            const size_t outlen = outlens[b];
            memset(got, 0xEE, sizeof(got));
            four(got[0], got[1], got[2], got[3], outlen, in[0], in[1], in[2], in[3], inlen);
            for (int j = 0; j < 4; j++) {
                one(want[j], outlen, in[j], inlen);
                CHECK_MSG(memcmp(got[j], want[j], outlen) == 0, "%s x4 inlen %zu outlen %zu lane %d",
                          name, inlen, outlen, j);
                /* nothing written past outlen */
                CHECK_MSG(got[j][outlen] == 0xEE, "%s x4 wrote past outlen %zu", name, outlen);
            }
        }
    }
}

/* absorb_once + several squeezeblocks calls give the same stream as one long single SHAKE. */
static void test_shake_blocks(uint64_t *prng, int is128)
{
    const size_t rate = is128 ? QSTP_SHAKE128X4_BLOCK : QSTP_SHAKE256X4_BLOCK;
    static uint8_t in[4][300], want[4][6 * 168], got[4][6 * 168];
    static const size_t inlens[] = {33, 34, 66, 135, 168, 299};

    for (size_t a = 0; a < sizeof(inlens) / sizeof(inlens[0]); a++) {
        const size_t inlen = inlens[a];
        qstp_keccak_x4_state st;
        for (int j = 0; j < 4; j++)
            test_prng_bytes(prng, in[j], inlen);
        if (is128) {
            qstp_shake128x4_absorb_once(&st, in[0], in[1], in[2], in[3], inlen);
            qstp_shake128x4_squeezeblocks(got[0], got[1], got[2], got[3], 1, &st);
            qstp_shake128x4_squeezeblocks(got[0] + rate, got[1] + rate, got[2] + rate, got[3] + rate,
                                          3, &st);
            qstp_shake128x4_squeezeblocks(got[0] + 4 * rate, got[1] + 4 * rate, got[2] + 4 * rate,
                                          got[3] + 4 * rate, 2, &st);
        } else {
            qstp_shake256x4_absorb_once(&st, in[0], in[1], in[2], in[3], inlen);
            qstp_shake256x4_squeezeblocks(got[0], got[1], got[2], got[3], 1, &st);
            qstp_shake256x4_squeezeblocks(got[0] + rate, got[1] + rate, got[2] + rate, got[3] + rate,
                                          3, &st);
            qstp_shake256x4_squeezeblocks(got[0] + 4 * rate, got[1] + 4 * rate, got[2] + 4 * rate,
                                          got[3] + 4 * rate, 2, &st);
        }
        qstp_keccak_x4_wipe(&st);
        int zero = 1;
        for (size_t i = 0; i < sizeof(st); i++)
            zero &= ((const uint8_t *)&st)[i] == 0;
        CHECK_MSG(zero, "qstp_keccak_x4_wipe left state bytes");
        for (int j = 0; j < 4; j++) {
            if (is128)
                qstp_shake128(want[j], 6 * rate, in[j], inlen);
            else
                qstp_shake256(want[j], 6 * rate, in[j], inlen);
            CHECK_MSG(memcmp(got[j], want[j], 6 * rate) == 0, "SHAKE%s x4 blocks inlen %zu lane %d",
                      is128 ? "128" : "256", inlen, j);
        }
    }
}

/* Tampering: one flipped input bit in instance j changes instance j's output and no other. */
static void test_lane_isolation(uint64_t *prng)
{
    uint8_t in[4][34], ref[4][64], got[4][64];
    for (int j = 0; j < 4; j++)
        test_prng_bytes(prng, in[j], sizeof(in[j]));
    qstp_shake128x4(ref[0], ref[1], ref[2], ref[3], 64, in[0], in[1], in[2], in[3], 34);
    for (int t = 0; t < 4; t++) {
        in[t][t * 5] ^= 0x10;
        qstp_shake128x4(got[0], got[1], got[2], got[3], 64, in[0], in[1], in[2], in[3], 34);
        for (int j = 0; j < 4; j++)
            CHECK_MSG((memcmp(got[j], ref[j], 64) != 0) == (j == t), "flip in lane %d, lane %d", t, j);
        in[t][t * 5] ^= 0x10;
    }
}

static void run_all(uint64_t *prng)
{
    setup_backends();
    test_random_states(prng);
    test_permutation_vectors();
    test_shake_oneshot(prng, "SHAKE128", qstp_shake128, qstp_shake128x4);
    test_shake_oneshot(prng, "SHAKE256", qstp_shake256, qstp_shake256x4);
    test_shake_blocks(prng, 1);
    test_shake_blocks(prng, 0);
    test_lane_isolation(prng);
}

int main(void)
{
    uint64_t prng = 0x5eed4a11u;

    run_all(&prng);
    /* Again with QSTP_NO_ASM=1: the dispatchers fall back to four single permutations. */
    setenv("QSTP_NO_ASM", "1", 1);
    qstp_cpu_refresh();
    CHECK(!qstp_cpu_has_avx2());
    run_all(&prng);
    unsetenv("QSTP_NO_ASM");
    qstp_cpu_refresh();
    return test_report();
}
