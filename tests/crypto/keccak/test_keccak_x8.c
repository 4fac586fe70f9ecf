/* The 8-way Keccak (keccak_x8_avx512.c behind qstp_keccak_f1600_x8_lanes), the no-scrub "public"
 * entries (x4 and x8) and the 8-way SHAKE API (sha3x8.h) against the portable single-state code:
 *   - every x8 entry (dispatcher, public dispatcher, AVX-512 backend and its public form) equals
 *     eight portable permutations on random states, zero/all-ones states and one-lane states
 *     (each lane position in each state slot, so an element mix-up cannot hide);
 *   - every x4 public entry (dispatcher, AVX2, AVX-512VL) equals four portable permutations;
 *   - qstp_shake128x8 / qstp_shake256x8 and absorb_once + squeezeblocks equal eight single
 *     SHAKE calls at block-boundary input and output lengths; a flipped input bit changes only
 *     its own instance.
 * The AVX-512 backend runs only when the CPU has it (a message says when it is skipped; valgrind
 * does not emulate AVX-512, so under valgrind the dispatcher takes the fallback). Everything runs
 * again with QSTP_NO_ASM=1 (two 4-way portable calls). */
#include <stdlib.h>
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/keccak.h"
#include "crypto/sha3.h"
#include "crypto/sha3x8.h"
#include "test.h"

typedef struct {
    const char *name;
    void (*lanes)(uint64_t s[25][8]);
    int available;
} backend8;

typedef struct {
    const char *name;
    void (*lanes)(uint64_t s[25][4]);
    int available;
} backend4;

static void check_x8(const uint64_t in[8][25], const char *what)
{
    backend8 b[4];
    size_t nb = 0;
    uint64_t want[8][25], lanes[25][8];

    b[nb++] = (backend8){"x8 dispatch", qstp_keccak_f1600_x8_lanes, 1};
    b[nb++] = (backend8){"x8 public dispatch", qstp_keccak_f1600_x8_lanes_public, 1};
#if defined(__x86_64__)
    b[nb++] = (backend8){"x8 avx512", qstp_keccak_f1600_x8_lanes_avx512, qstp_cpu_has_avx512()};
    b[nb++] = (backend8){"x8 avx512 public", qstp_keccak_f1600_x8_lanes_public_avx512, qstp_cpu_has_avx512()};
#endif
    memcpy(want, in, sizeof want);
    for (int j = 0; j < 8; j++)
        qstp_keccak_f1600_portable(want[j]);
    for (size_t k = 0; k < nb; k++) {
        if (!b[k].available)
            continue;
        for (int i = 0; i < 25; i++)
            for (int j = 0; j < 8; j++)
                lanes[i][j] = in[j][i];
        b[k].lanes(lanes);
        int same = 1;
        for (int i = 0; i < 25; i++)
            for (int j = 0; j < 8; j++)
                same &= lanes[i][j] == want[j][i];
        CHECK_MSG(same, "%s: %s differs from eight portable permutations", what, b[k].name);
    }
}

static void check_x4_public(const uint64_t in[4][25])
{
    backend4 b[3];
    size_t nb = 0;
    uint64_t want[4][25], lanes[25][4];

    b[nb++] = (backend4){"x4 public dispatch", qstp_keccak_f1600_x4_lanes_public, 1};
#if defined(__x86_64__)
    b[nb++] = (backend4){"x4 avx2 public", qstp_keccak_f1600_x4_lanes_public_avx2, qstp_cpu_has_avx2()};
    b[nb++] = (backend4){"x4 avx512 public", qstp_keccak_f1600_x4_lanes_public_avx512, qstp_cpu_has_avx512()};
#endif
    memcpy(want, in, sizeof want);
    qstp_keccak_f1600_x4_portable(want);
    for (size_t k = 0; k < nb; k++) {
        if (!b[k].available)
            continue;
        for (int i = 0; i < 25; i++)
            for (int j = 0; j < 4; j++)
                lanes[i][j] = in[j][i];
        b[k].lanes(lanes);
        int same = 1;
        for (int i = 0; i < 25; i++)
            for (int j = 0; j < 4; j++)
                same &= lanes[i][j] == want[j][i];
        CHECK_MSG(same, "%s differs from four portable permutations", b[k].name);
    }
}

static void test_states(uint64_t *prng)
{
    uint64_t s[8][25];

    for (int iter = 0; iter < 100; iter++) {
        for (int j = 0; j < 8; j++)
            for (int i = 0; i < 25; i++)
                s[j][i] = test_prng_u64(prng);
        check_x8((const uint64_t(*)[25])s, "random states");
        check_x4_public((const uint64_t(*)[25])s);
    }
    memset(s, 0, sizeof s);
    check_x8((const uint64_t(*)[25])s, "zero states");
    memset(s, 0xFF, sizeof s);
    check_x8((const uint64_t(*)[25])s, "all-ones states");
    for (int j = 0; j < 8; j++)
        for (int i = 0; i < 25; i++) {
            memset(s, 0, sizeof s);
            s[j][i] = 0x8000000000000001ULL ^ (uint64_t)(i * 8 + j);
            check_x8((const uint64_t(*)[25])s, "single lane");
        }
}

typedef void (*shake1_fn)(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);
typedef void (*shake8_fn)(uint8_t *const out[8], size_t outlen, const uint8_t *const in[8], size_t inlen);

static void test_shake_oneshot(uint64_t *prng, const char *name, shake1_fn one, shake8_fn eight)
{
    static const size_t inlens[] = {0, 1, 8, 32, 33, 34, 66, 135, 136, 137, 167, 168, 169, 271, 272, 273, 336, 500};
    static const size_t outlens[] = {0, 1, 32, 135, 136, 137, 167, 168, 169, 336, 505};
    static uint8_t in[8][500], want[505], got[8][505 + 8];
    uint8_t *outs[8];
    const uint8_t *ins[8];

    for (int j = 0; j < 8; j++)
        outs[j] = got[j], ins[j] = in[j];
    for (size_t a = 0; a < sizeof inlens / sizeof inlens[0]; a++) {
        const size_t inlen = inlens[a];
        for (int j = 0; j < 8; j++)
            test_prng_bytes(prng, in[j], inlen);
        for (size_t b = 0; b < sizeof outlens / sizeof outlens[0]; b++) {
            const size_t outlen = outlens[b];
            memset(got, 0xEE, sizeof got);
            eight(outs, outlen, ins, inlen);
            for (int j = 0; j < 8; j++) {
                one(want, outlen, in[j], inlen);
                CHECK_MSG(memcmp(got[j], want, outlen) == 0, "%s x8 inlen %zu outlen %zu lane %d", name, inlen,
                          outlen, j);
                CHECK_MSG(got[j][outlen] == 0xEE, "%s x8 wrote past outlen %zu", name, outlen);
            }
        }
    }
}

/* absorb_once + squeezeblocks in pieces = one long single SHAKE256; the wipe clears the state. */
static void test_shake_blocks(uint64_t *prng)
{
    const size_t rate = QSTP_KECCAK_RATE_256;
    static uint8_t in[8][300], want[4 * 136], got[8][4 * 136];
    static const size_t inlens[] = {33, 135, 136, 272, 299};
    uint8_t *outs[8], *outs2[8];
    const uint8_t *ins[8];

    for (size_t a = 0; a < sizeof inlens / sizeof inlens[0]; a++) {
        qstp_keccak_x8_state st;
        for (int j = 0; j < 8; j++) {
            test_prng_bytes(prng, in[j], inlens[a]);
            ins[j] = in[j], outs[j] = got[j], outs2[j] = got[j] + rate;
        }
        qstp_keccak_x8_absorb_once(&st, (unsigned)rate, QSTP_KECCAK_DOMAIN_SHAKE, ins, inlens[a]);
        qstp_keccak_x8_squeezeblocks(&st, (unsigned)rate, outs, 1);
        qstp_keccak_x8_squeezeblocks(&st, (unsigned)rate, outs2, 3);
        qstp_keccak_x8_wipe(&st);
        int zero = 1;
        for (size_t i = 0; i < sizeof st; i++)
            zero &= ((const uint8_t *)&st)[i] == 0;
        CHECK_MSG(zero, "qstp_keccak_x8_wipe left state bytes");
        for (int j = 0; j < 8; j++) {
            qstp_shake256(want, 4 * rate, in[j], inlens[a]);
            CHECK_MSG(memcmp(got[j], want, 4 * rate) == 0, "SHAKE256 x8 blocks inlen %zu lane %d", inlens[a], j);
        }
    }
}

static void test_lane_isolation(uint64_t *prng)
{
    uint8_t in[8][34], ref[8][64], got[8][64];
    uint8_t *refs[8], *gots[8];
    const uint8_t *ins[8];

    for (int j = 0; j < 8; j++) {
        test_prng_bytes(prng, in[j], sizeof in[j]);
        refs[j] = ref[j], gots[j] = got[j], ins[j] = in[j];
    }
    qstp_shake128x8(refs, 64, ins, 34);
    for (int t = 0; t < 8; t++) {
        in[t][t * 4] ^= 0x10;
        qstp_shake128x8(gots, 64, ins, 34);
        for (int j = 0; j < 8; j++)
            CHECK_MSG((memcmp(got[j], ref[j], 64) != 0) == (j == t), "flip in lane %d, lane %d", t, j);
        in[t][t * 4] ^= 0x10;
    }
}

static void run_all(uint64_t *prng)
{
    test_states(prng);
    test_shake_oneshot(prng, "SHAKE128", qstp_shake128, qstp_shake128x8);
    test_shake_oneshot(prng, "SHAKE256", qstp_shake256, qstp_shake256x8);
    test_shake_blocks(prng);
    test_lane_isolation(prng);
}

int main(void)
{
    uint64_t prng = 0x8a7e8a7eu;

    if (qstp_cpu_has_avx512())
        printf("AVX-512 present: 8-way backend compared (x8 native: %d)\n", qstp_keccak_x8_native());
    else
        printf("AVX-512 not available (or QSTP_NO_ASM set / valgrind): 8-way backend SKIPPED, fallback tested\n");
    run_all(&prng);
    setenv("QSTP_NO_ASM", "1", 1);
    qstp_cpu_refresh();
    CHECK(!qstp_cpu_has_avx512() && !qstp_keccak_x8_native());
    run_all(&prng);
    unsetenv("QSTP_NO_ASM");
    qstp_cpu_refresh();
    return test_report();
}
