/* Matrix and noise sampling (FIPS 203 §4.1, §4.2.2). The Keccak states are driven directly
 * (absorb of one padded block, then permute/extract one rate block at a time) so four independent
 * XOF instances can share one call of qstp_keccak_f1600_x4. */
#include <string.h>

#include "crypto/ct.h"
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

void qstp_mlkem_gen_matrix(qstp_mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed)
{
    uint64_t s[4][25];
    uint8_t buf[SHAKE128_RATE]; /* 168 = 56 * 3: blocks hold whole 3-byte groups */
    const unsigned total = k * k;

    for (unsigned base = 0; base < total; base += 4) {
        unsigned ctr[4] = {0, 0, 0, 0};
        int need[4] = {0, 0, 0, 0};
        for (unsigned l = 0; l < 4 && base + l < total; l++) {
            const unsigned i = (base + l) / k, j = (base + l) % k;
            uint8_t seed[34];
            memcpy(seed, rho, 32);
            /* A-hat[i][j] = SampleNTT(rho || j || i) (Alg. 13 steps 3-7); the transpose swaps. */
            seed[32] = (uint8_t)(transposed ? i : j);
            seed[33] = (uint8_t)(transposed ? j : i);
            shake_absorb_once(s[l], SHAKE128_RATE, seed, sizeof(seed));
            need[l] = 1;
        }
        for (;;) {
            permute_lanes(s, need);
            int more = 0;
            for (unsigned l = 0; l < 4; l++) {
                if (!need[l])
                    continue;
                qstp_keccak_extract_bytes(s[l], buf, SHAKE128_RATE);
                ctr[l] = qstp_mlkem_rej_uniform(a[base + l].c, ctr[l], buf, SHAKE128_RATE);
                need[l] = ctr[l] < QSTP_MLKEM_N;
                more |= need[l];
            }
            if (!more)
                break;
        }
    }
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
