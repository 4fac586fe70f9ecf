/* Keccak-f[1600] (FIPS 202 §3) and the incremental sponge used by every Keccak function.
 * QSTP-WIRE §7.1: bytes enter and leave the state as the little-endian concatenation of the lanes;
 * squeezing permutes first, then outputs, so a finalized state stays unpermuted until the first
 * squeeze. */
#include "crypto/keccak.h"

#include <string.h>

#include "crypto/cpu.h"
#include "crypto/ct.h"
#include "crypto/endian.h"
#include "crypto/keccak_round.h"

void qstp_keccak_f1600_portable(uint64_t s[25])
{
    keccak_f1600_rounds(s);
}

void qstp_keccak_f1600(uint64_t s[25])
{
#if defined(__x86_64__)
    if (qstp_cpu_has_avx2()) {
        qstp_keccak_f1600_bmi(s); /* keccak_avx2.c: the same C with ANDN/RORX */
        return;
    }
#endif
    qstp_keccak_f1600_portable(s);
}

void qstp_keccak_f1600_x4_portable(uint64_t s[4][25])
{
    for (int i = 0; i < 4; i++)
        qstp_keccak_f1600_portable(s[i]);
}

/* Four states: AVX-512VL (vprolq/vpternlogq) if present, else AVX2 (keccak_x4_avx2.c), else the
 * four in turn. The vector backends work on lane vectors, so they transpose in and out (six 4x4
 * transposes each way, small next to 24 rounds); callers that keep the state interleaved use
 * qstp_keccak_f1600_x4_lanes and skip that. */
void qstp_keccak_f1600_x4(uint64_t s[4][25])
{
#if defined(__x86_64__)
    if (qstp_cpu_has_avx512()) {
        qstp_keccak_f1600_x4_avx512(s);
        return;
    }
    if (qstp_cpu_has_avx2()) {
        qstp_keccak_f1600_x4_avx2(s);
        return;
    }
#endif
    for (int i = 0; i < 4; i++)
        qstp_keccak_f1600(s[i]);
}

void qstp_keccak_f1600_x4_lanes(uint64_t s[25][4])
{
#if defined(__x86_64__)
    if (qstp_cpu_has_avx512()) {
        qstp_keccak_f1600_x4_lanes_avx512(s);
        return;
    }
    if (qstp_cpu_has_avx2()) {
        qstp_keccak_f1600_x4_lanes_avx2(s);
        return;
    }
#endif
    uint64_t t[4][25];
    for (int i = 0; i < 25; i++)
        for (int j = 0; j < 4; j++)
            t[j][i] = s[i][j];
    for (int j = 0; j < 4; j++)
        qstp_keccak_f1600(t[j]);
    for (int i = 0; i < 25; i++)
        for (int j = 0; j < 4; j++)
            s[i][j] = t[j][i];
    qstp_wipe(t, sizeof(t));
}

void qstp_keccak_f1600_x4_lanes_public(uint64_t s[25][4])
{
#if defined(__x86_64__)
    if (qstp_cpu_has_avx512()) {
        qstp_keccak_f1600_x4_lanes_public_avx512(s);
        return;
    }
    if (qstp_cpu_has_avx2()) {
        qstp_keccak_f1600_x4_lanes_public_avx2(s);
        return;
    }
#endif
    qstp_keccak_f1600_x4_lanes(s); /* the portable path copies anyway; its wipe is cheap there */
}

int qstp_keccak_x8_native(void)
{
#if defined(__x86_64__)
    return qstp_cpu_has_avx512();
#else
    return 0;
#endif
}

/* Eight states as two interleaved halves (states 0-3 and 4-7) through the 4-way dispatcher. */
static void keccak_x8_as_two_x4(uint64_t s[25][8], void (*x4)(uint64_t t[25][4]))
{
    uint64_t h[25][4];
    for (int half = 0; half < 2; half++) {
        for (int i = 0; i < 25; i++)
            memcpy(h[i], &s[i][4 * half], sizeof h[i]);
        x4(h);
        for (int i = 0; i < 25; i++)
            memcpy(&s[i][4 * half], h[i], sizeof h[i]);
    }
    qstp_wipe(h, sizeof(h));
}

void qstp_keccak_f1600_x8_lanes(uint64_t s[25][8])
{
#if defined(__x86_64__)
    if (qstp_cpu_has_avx512()) {
        qstp_keccak_f1600_x8_lanes_avx512(s);
        return;
    }
#endif
    keccak_x8_as_two_x4(s, qstp_keccak_f1600_x4_lanes);
}

void qstp_keccak_f1600_x8_lanes_public(uint64_t s[25][8])
{
#if defined(__x86_64__)
    if (qstp_cpu_has_avx512()) {
        qstp_keccak_f1600_x8_lanes_public_avx512(s);
        return;
    }
#endif
    keccak_x8_as_two_x4(s, qstp_keccak_f1600_x4_lanes_public);
}

void qstp_keccak_xor_bytes(uint64_t s[25], const uint8_t *in, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8)
        s[i / 8] ^= qstp_load64_le(in + i);
    for (; i < len; i++)
        s[i / 8] ^= (uint64_t)in[i] << (8 * (i % 8));
}

void qstp_keccak_extract_bytes(const uint64_t s[25], uint8_t *out, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8)
        qstp_store64_le(out + i, s[i / 8]);
    for (; i < len; i++)
        out[i] = (uint8_t)(s[i / 8] >> (8 * (i % 8)));
}

void qstp_keccak_init(qstp_keccak_state *st, unsigned rate)
{
    memset(st, 0, sizeof(*st));
    st->rate = (uint16_t)rate;
}

void qstp_keccak_absorb(qstp_keccak_state *st, const uint8_t *in, size_t len)
{
    const size_t rate = st->rate;

    if (len == 0)
        return;
    if (st->pos > 0) {
        size_t take = rate - st->pos;
        if (take > len)
            take = len;
        memcpy(st->buf + st->pos, in, take);
        st->pos = (uint16_t)(st->pos + take);
        in += take;
        len -= take;
        if (st->pos < rate)
            return;
        qstp_keccak_xor_bytes(st->s, st->buf, rate);
        qstp_keccak_f1600(st->s);
        st->pos = 0;
    }
    /* Whole blocks go straight into the state; only the tail is buffered, so the buffer always
     * holds the raw bytes of the current partial block (the KMAC quirk of §7.7 needs them). */
    while (len >= rate) {
        qstp_keccak_xor_bytes(st->s, in, rate);
        qstp_keccak_f1600(st->s);
        in += rate;
        len -= rate;
    }
    if (len > 0) {
        memcpy(st->buf, in, len);
        st->pos = (uint16_t)len;
    }
}

void qstp_keccak_pad_block(qstp_keccak_state *st)
{
    if (st->pos == 0)
        return;
    qstp_keccak_xor_bytes(st->s, st->buf, st->pos);
    qstp_keccak_f1600(st->s);
    st->pos = 0;
}

void qstp_keccak_finalize(qstp_keccak_state *st, uint8_t domain)
{
    qstp_keccak_xor_bytes(st->s, st->buf, st->pos);
    st->s[st->pos / 8] ^= (uint64_t)domain << (8 * (st->pos % 8));
    st->s[(st->rate - 1) / 8] ^= (uint64_t)0x80 << (8 * ((st->rate - 1) % 8));
    st->squeezing = 1;
    st->pos = st->rate; /* the current output block is "used up": the next squeeze permutes */
}

void qstp_keccak_squeeze(qstp_keccak_state *st, uint8_t *out, size_t len)
{
    const size_t rate = st->rate;

    while (len > 0) {
        if (st->pos == rate) {
            qstp_keccak_f1600(st->s);
            st->pos = 0;
        }
        size_t take = rate - st->pos;
        if (take > len)
            take = len;
        if (st->pos == 0 && take == rate) {
            qstp_keccak_extract_bytes(st->s, out, rate);
        } else {
            uint8_t block[QSTP_KECCAK_RATE_MAX];
            qstp_keccak_extract_bytes(st->s, block, st->pos + take);
            memcpy(out, block + st->pos, take);
            qstp_wipe(block, sizeof(block));
        }
        st->pos = (uint16_t)(st->pos + take);
        out += take;
        len -= take;
    }
}

void qstp_keccak_wipe(qstp_keccak_state *st)
{
    qstp_wipe(st, sizeof(*st));
}
