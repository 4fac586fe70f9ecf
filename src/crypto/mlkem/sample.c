/* Matrix and noise sampling (FIPS 203 §4.1, §4.2.2). The Keccak states are driven directly
 * (absorb of one padded block, then permute/extract one rate block at a time) so four independent
 * XOF instances can share one call of qstp_keccak_f1600_x4. */
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/ct.h"
#include "crypto/endian.h"
#include "crypto/keccak.h"
#include "crypto/mlkem/sample.h"

#define SHAKE128_RATE QSTP_KECCAK_RATE_128
#define SHAKE256_RATE QSTP_KECCAK_RATE_256

/* Zero the state and absorb the single-block message `in` (len < rate - 1) with SHAKE padding
 * (suffix 1111 then pad10*1, FIPS 202 §6.2 / B.2). */
static void shake_absorb_once(uint64_t s[25], unsigned rate, const uint8_t *in, size_t len)
{
    uint8_t block[QSTP_KECCAK_RATE_MAX];
    memset(block, 0, rate);
    memcpy(block, in, len);
    block[len] ^= QSTP_KECCAK_DOMAIN_SHAKE;
    block[rate - 1] ^= 0x80;
    memset(s, 0, 25 * sizeof(uint64_t));
    qstp_keccak_xor_bytes(s, block, rate);
    qstp_wipe(block, sizeof(block));
}

/* Permute the lanes whose flag is set: all four in one x4 call if all are needed, else one by one
 * (the portable x4 is four single calls, so idle lanes would be wasted work). */
static void permute_lanes(uint64_t s[4][25], const int need[4])
{
    if (need[0] && need[1] && need[2] && need[3]) {
        qstp_keccak_f1600_x4(s);
        return;
    }
    for (unsigned l = 0; l < 4; l++)
        if (need[l])
            qstp_keccak_f1600(s[l]);
}

/* ---- the matrix, with up to QSTP_MLKEM_LANE_HASH_MAX fixed-input hashes in spare lanes ----
 *
 * A lane scheduler over w = 4 or 8 Keccak states permuted together, stored interleaved (word i of
 * lane l at s[i w + l], the layout of qstp_keccak_f1600_x4_lanes / _x8_lanes, so no transposition):
 * every permutation advances the w jobs in the lanes, and a lane whose job ends takes the next job
 * at once. Jobs are the k^2 SampleNTT XOFs (about 3 blocks each, sometimes 4) and the caller's
 * hashes (12 blocks each for ML-KEM-1024), which start first because they are the longest.
 * Keeping all lanes busy this way replaces the single permutations that a fixed grouping needs
 * for the hashes and for the polynomials that want a 4th block. Eight lanes are used when the
 * 8-way permutation is native (AVX-512); with four and the 4-way permutation vectorised (AVX2) one
 * call costs about what one single permutation does; without it the busy lanes are permuted one
 * by one, so idle lanes cost nothing. Unless a hash is marked secret (z in J(z || c)) every lane
 * is public (the matrix is seeded by rho, H(ek) hashes the public key) and the no-scrub
 * permutations are used; with a secret hash the scrubbing ones are, and the state is wiped. */

enum { LANE_IDLE, LANE_XOF, LANE_HASH };
enum { LANES_MAX = 8 };

typedef struct {
    int kind;
    unsigned job;   /* matrix entry or hash index */
    size_t block;   /* LANE_HASH: block absorbed last */
    int last;       /* LANE_HASH: that block was the padded last one */
    unsigned ctr;   /* LANE_XOF: coefficients accepted */
} lane_state;

static void lane_clear(uint64_t *s, unsigned w, unsigned l)
{
    for (unsigned i = 0; i < 25; i++)
        s[i * w + l] = 0;
}

static void lane_xor(uint64_t *s, unsigned w, unsigned l, const uint8_t *blk, unsigned rate)
{
    for (unsigned i = 0; i < rate / 8; i++)
        s[i * w + l] ^= qstp_load64_le(blk + 8 * i);
}

/* len bytes (a multiple of 8) of lane l's state. */
static void lane_extract(uint8_t *out, const uint64_t *s, unsigned w, unsigned l, size_t len)
{
    for (unsigned i = 0; i < len / 8; i++)
        qstp_store64_le(out + 8 * i, s[i * w + l]);
}

/* Block b of the padded message m0 || m1 at rate HASH_RATE (message bytes, then the domain suffix
 * and pad10*1, FIPS 202 §5.1 / B.2). Returns 1 if it is the last block: a message of n bytes has
 * n / rate + 1 blocks (the padding starts a new block when n is a multiple of the rate). */
#define HASH_RATE QSTP_KECCAK_RATE_256
static int hash_block(uint8_t blk[HASH_RATE], size_t b, const qstp_mlkem_lane_hash *h)
{
    const size_t start = b * HASH_RATE, total = h->n0 + h->n1;
    size_t len = total > start ? total - start : 0;
    if (len > HASH_RATE)
        len = HASH_RATE;
    size_t from0 = 0;
    if (start < h->n0) {
        from0 = h->n0 - start < len ? h->n0 - start : len;
        memcpy(blk, h->m0 + start, from0);
    }
    if (len > from0)
        memcpy(blk + from0, h->m1 + (start + from0 - h->n0), len - from0);
    if (len == HASH_RATE)
        return 0;
    memset(blk + len, 0, HASH_RATE - len);
    blk[len] ^= h->domain;
    blk[HASH_RATE - 1] ^= 0x80;
    return 1;
}

/* Permute the lanes in use: the w-way call when it is vectorised, else (w = 4, no AVX2) the busy
 * lanes one at a time through a gathered copy (wiped when `secret`). */
static void permute_busy(uint64_t *s, unsigned w, const lane_state *lane, int secret)
{
    if (w == 8) {
        if (secret)
            qstp_keccak_f1600_x8_lanes((uint64_t (*)[8])s);
        else
            qstp_keccak_f1600_x8_lanes_public((uint64_t (*)[8])s);
        return;
    }
    if (qstp_cpu_has_avx2()) {
        if (secret)
            qstp_keccak_f1600_x4_lanes((uint64_t (*)[4])s);
        else
            qstp_keccak_f1600_x4_lanes_public((uint64_t (*)[4])s);
        return;
    }
    uint64_t t[25];
    for (unsigned l = 0; l < 4; l++) {
        if (lane[l].kind == LANE_IDLE)
            continue;
        for (unsigned i = 0; i < 25; i++)
            t[i] = s[i * 4 + l];
        qstp_keccak_f1600(t);
        for (unsigned i = 0; i < 25; i++)
            s[i * 4 + l] = t[i];
    }
    if (secret)
        qstp_wipe(t, sizeof t);
}

void qstp_mlkem_gen_matrix_hashes_lanes(qstp_mlkem_poly *a, const uint8_t rho[32], unsigned k,
                                        int transposed, const qstp_mlkem_lane_hash *hashes,
                                        unsigned nhash, unsigned w)
{
    _Alignas(64) uint64_t s[25 * LANES_MAX];
    uint8_t buf[SHAKE128_RATE]; /* 168 = 56 * 3: blocks hold whole 3-byte groups */
    lane_state lane[LANES_MAX];
    const unsigned total = k * k;
    int secret = 0;
    unsigned next_hash = 0, next_xof = 0;

    if (w != 8)
        w = 4;
    for (unsigned h = 0; h < nhash; h++)
        secret |= !hashes[h].public_input;
    memset(lane, 0, sizeof lane);
    memset(s, 0, sizeof s); /* idle lanes of a vector call are permuted too: defined contents */
    for (;;) {
        /* Give idle lanes the next job: hashes first (the longest), then matrix entries. */
        int busy = 0;
        for (unsigned l = 0; l < w; l++) {
            if (lane[l].kind == LANE_IDLE && next_hash < nhash) {
                lane[l].kind = LANE_HASH;
                lane[l].job = next_hash++;
                lane[l].block = 0;
                lane_clear(s, w, l);
                lane[l].last = hash_block(buf, 0, &hashes[lane[l].job]);
                lane_xor(s, w, l, buf, HASH_RATE);
            } else if (lane[l].kind == LANE_IDLE && next_xof < total) {
                const unsigned i = next_xof / k, j = next_xof % k;
                lane[l].kind = LANE_XOF;
                lane[l].job = next_xof++;
                lane[l].ctr = 0;
                /* A-hat[i][j] = SampleNTT(rho || j || i) (Alg. 13 steps 3-7); the transpose swaps.
                 * One padded SHAKE128 block (FIPS 202 §6.2). */
                memset(buf, 0, sizeof buf);
                memcpy(buf, rho, 32);
                buf[32] = (uint8_t)(transposed ? i : j);
                buf[33] = (uint8_t)(transposed ? j : i);
                buf[34] = QSTP_KECCAK_DOMAIN_SHAKE;
                buf[SHAKE128_RATE - 1] ^= 0x80;
                lane_clear(s, w, l);
                lane_xor(s, w, l, buf, SHAKE128_RATE);
            }
            busy |= lane[l].kind != LANE_IDLE;
        }
        if (!busy)
            break;
        permute_busy(s, w, lane, secret);
        for (unsigned l = 0; l < w; l++) {
            if (lane[l].kind == LANE_XOF) {
                lane_extract(buf, s, w, l, SHAKE128_RATE);
                lane[l].ctr = qstp_mlkem_rej_uniform(a[lane[l].job].c, lane[l].ctr, buf,
                                                     SHAKE128_RATE);
                if (lane[l].ctr >= QSTP_MLKEM_N)
                    lane[l].kind = LANE_IDLE;
            } else if (lane[l].kind == LANE_HASH) {
                const qstp_mlkem_lane_hash *h = &hashes[lane[l].job];
                if (lane[l].last) {
                    lane_extract(h->out, s, w, l, 32);
                    lane[l].kind = LANE_IDLE;
                } else {
                    lane[l].last = hash_block(buf, ++lane[l].block, h);
                    lane_xor(s, w, l, buf, HASH_RATE);
                }
            }
        }
    }
    if (secret) {
        qstp_wipe(s, sizeof s);
        qstp_wipe(buf, sizeof buf);
    }
}

/* Eight lanes or four: the permutation calls either needs are about max(longest hash, all blocks
 * / w) (SampleNTT ~3 blocks an entry), and a native 8-way call costs ~1.5 4-way calls (42 vs 57 ns
 * per state, docs/BENCHMARKS.md bench_keccak), so eight pay only when calls fall by more than a
 * third: ML-KEM-1024 and -768 keygen (48 blocks: 7 vs 13 calls; 27: 4 vs 7). A 12-block hash
 * sets the pace of encaps (12 vs 16) and decaps (12 vs 19, measured no faster with 8 lanes), so
 * with hashes four are kept. Public sizes only. */
static unsigned choose_lanes(unsigned k, const qstp_mlkem_lane_hash *hashes, unsigned nhash)
{
    if (!qstp_keccak_x8_native() || nhash > 0)
        return 4;
    size_t blocks = 3u * k * k, longest = 3;
    for (unsigned h = 0; h < nhash; h++) {
        const size_t hb = (hashes[h].n0 + hashes[h].n1) / HASH_RATE + 1;
        blocks += hb;
        longest = hb > longest ? hb : longest;
    }
    const size_t c4 = (blocks + 3) / 4 > longest ? (blocks + 3) / 4 : longest;
    const size_t c8 = (blocks + 7) / 8 > longest ? (blocks + 7) / 8 : longest;
    return 3 * c8 < 2 * c4 ? 8u : 4u;
}

void qstp_mlkem_gen_matrix_hashes(qstp_mlkem_poly *a, const uint8_t rho[32], unsigned k,
                                  int transposed, const qstp_mlkem_lane_hash *hashes,
                                  unsigned nhash)
{
    qstp_mlkem_gen_matrix_hashes_lanes(a, rho, k, transposed, hashes, nhash,
                                       choose_lanes(k, hashes, nhash));
}

void qstp_mlkem_gen_matrix(qstp_mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed)
{
    qstp_mlkem_gen_matrix_hashes(a, rho, k, transposed, NULL, 0);
}

void qstp_mlkem_sample_noise(qstp_mlkem_poly *out, unsigned count, const uint8_t seed[32],
                             uint8_t nonce0, const uint8_t *eta)
{
    uint64_t s[4][25];
    uint8_t buf[4][QSTP_MLKEM_PRF_MAX];
    uint8_t in[33];

    memcpy(in, seed, 32);
    for (unsigned base = 0; base < count; base += 4) {
        int need[4] = {0, 0, 0, 0}, need2[4] = {0, 0, 0, 0};
        size_t outlen[4] = {0, 0, 0, 0};
        for (unsigned l = 0; l < 4 && base + l < count; l++) {
            /* PRF_eta(s, b) = SHAKE256(s || b, 64 eta) (§4.1, eq. 4.3). */
            in[32] = (uint8_t)(nonce0 + base + l);
            shake_absorb_once(s[l], SHAKE256_RATE, in, sizeof(in));
            need[l] = 1;
            outlen[l] = 64u * eta[base + l];
            /* eta = 3 needs 192 > 136 bytes: a second block (eta is a public parameter). */
            need2[l] = outlen[l] > SHAKE256_RATE;
        }
        permute_lanes(s, need);
        for (unsigned l = 0; l < 4; l++)
            if (need[l])
                qstp_keccak_extract_bytes(s[l], buf[l],
                                          need2[l] ? SHAKE256_RATE : outlen[l]);
        if (need2[0] | need2[1] | need2[2] | need2[3]) {
            permute_lanes(s, need2);
            for (unsigned l = 0; l < 4; l++)
                if (need2[l])
                    qstp_keccak_extract_bytes(s[l], buf[l] + SHAKE256_RATE,
                                              outlen[l] - SHAKE256_RATE);
        }
        for (unsigned l = 0; l < 4; l++)
            if (need[l])
                qstp_mlkem_poly_cbd(&out[base + l], buf[l], eta[base + l]);
    }
    qstp_wipe(s, sizeof(s));
    qstp_wipe(buf, sizeof(buf));
    qstp_wipe(in, sizeof(in));
}
