/* H(ek) and J(z || c) of ML-KEM Decaps in two lanes of one 4-way Keccak (FIPS 202 sponges).
 *
 * Both hashes have rate 136 and inputs of nearly the same length (384k + 32 and 32 + ct bytes,
 * 11-12 blocks each for ML-KEM-1024): together they are most of Decaps' Keccak work, and one
 * vectorised 4-way permutation costs about what one single permutation does. So the two sponges
 * absorb in lockstep in lanes 0 and 1 of an interleaved state (qstp_keccak_f1600_x4_lanes; lanes
 * 2 and 3 idle), and each output is read right after the permutation of its last block (the other
 * lane may need one more). Without AVX2 the 4-way permutation is four single ones, so there the
 * plain one-at-a-time functions are called instead. The lengths are public; z (lane 1) is secret:
 * the state and block buffer are wiped. */
#include <string.h>

#include "crypto/cpu.h"
#include "crypto/ct.h"
#include "crypto/endian.h"
#include "crypto/keccak.h"
#include "crypto/mlkem/hash_pair.h"
#include "crypto/sha3.h"

#define RATE QSTP_KECCAK_RATE_256

/* Block b of the padded message m0 || m1 into blk (message bytes, then the domain suffix and
 * pad10*1, FIPS 202 §5.1 / B.2). Returns 1 if it is the last block. A message of n bytes has
 * n / RATE + 1 blocks: the padding starts a new block when n is a multiple of RATE. */
static int get_block(uint8_t blk[RATE], size_t b, const uint8_t *m0, size_t n0, const uint8_t *m1,
                     size_t n1, uint8_t domain)
{
    const size_t start = b * RATE, total = n0 + n1;
    size_t len = total > start ? total - start : 0;
    if (len > RATE)
        len = RATE;
    size_t from0 = 0;
    if (start < n0) {
        from0 = n0 - start < len ? n0 - start : len;
        memcpy(blk, m0 + start, from0);
    }
    if (len > from0)
        memcpy(blk + from0, m1 + (start + from0 - n0), len - from0);
    if (len == RATE)
        return 0;
    memset(blk + len, 0, RATE - len);
    blk[len] ^= domain;
    blk[RATE - 1] ^= 0x80;
    return 1;
}

static void xor_lane(uint64_t s[25][4], unsigned j, const uint8_t blk[RATE])
{
    for (unsigned i = 0; i < RATE / 8; i++)
        s[i][j] ^= qstp_load64_le(blk + 8 * i);
}

static void extract_lane(uint8_t out[32], uint64_t s[25][4], unsigned j)
{
    for (unsigned i = 0; i < 4; i++)
        qstp_store64_le(out + 8 * i, s[i][j]);
}

void qstp_mlkem_hash_h_j(uint8_t h[32], uint8_t kbar[32], const uint8_t *ek, size_t ek_len,
                         const uint8_t z[32], const uint8_t *c, size_t c_len)
{
    if (!qstp_cpu_has_avx2()) {
        qstp_keccak_state st;
        qstp_sha3_256(h, ek, ek_len);
        qstp_shake256_init(&st);
        qstp_shake_absorb(&st, z, 32);
        qstp_shake_absorb(&st, c, c_len);
        qstp_shake_squeeze(&st, kbar, 32);
        qstp_keccak_wipe(&st);
        return;
    }
    _Alignas(32) uint64_t s[25][4];
    uint8_t blk[RATE];
    int done_h = 0, done_j = 0;
    memset(s, 0, sizeof s);
    for (size_t b = 0; !(done_h && done_j); b++) {
        int last_h = 0, last_j = 0;
        if (!done_h) {
            last_h = get_block(blk, b, ek, ek_len, NULL, 0, QSTP_KECCAK_DOMAIN_SHA3);
            xor_lane(s, 0, blk);
        }
        if (!done_j) {
            last_j = get_block(blk, b, z, 32, c, c_len, QSTP_KECCAK_DOMAIN_SHAKE);
            xor_lane(s, 1, blk);
        }
        qstp_keccak_f1600_x4_lanes(s);
        if (last_h) {
            extract_lane(h, s, 0);
            done_h = 1;
        }
        if (last_j) {
            extract_lane(kbar, s, 1);
            done_j = 1;
        }
    }
    qstp_wipe(s, sizeof s);
    qstp_wipe(blk, sizeof blk);
}
