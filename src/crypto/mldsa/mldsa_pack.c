/* FIPS 204 §7.1-7.2 encodings (see mldsa_pack.h). */
#include "crypto/mldsa/mldsa_pack.h"

#include <string.h>

#include "crypto/cpu.h"
#include "crypto/mldsa/mldsa_poly_backend.h"

/* Pack v_i = base + sign * a_i (sign = +1 or -1), bits bits each. */
static void pack_core(uint8_t *out, const qstp_mldsa_poly *a, unsigned bits, int32_t base,
                      int32_t sign)
{
    const uint64_t mask = ((uint64_t)1 << bits) - 1;
    uint64_t acc = 0;
    unsigned nacc = 0;
    for (unsigned i = 0; i < MLDSA_N; i++) {
        uint32_t v = (uint32_t)base + (uint32_t)sign * (uint32_t)a->c[i];
        acc |= ((uint64_t)v & mask) << nacc;
        nacc += bits;
        while (nacc >= 8) {
            *out++ = (uint8_t)acc;
            acc >>= 8;
            nacc -= 8;
        }
    }
}

/* a_i = base + sign * v_i. */
static void unpack_core(qstp_mldsa_poly *a, const uint8_t *in, unsigned bits, int32_t base,
                        int32_t sign)
{
    const uint64_t mask = ((uint64_t)1 << bits) - 1;
    uint64_t acc = 0;
    unsigned nacc = 0;
    for (unsigned i = 0; i < MLDSA_N; i++) {
        while (nacc < bits) {
            acc |= (uint64_t)*in++ << nacc;
            nacc += 8;
        }
        int32_t v = (int32_t)(acc & mask);
        acc >>= bits;
        nacc -= bits;
        a->c[i] = base + sign * v;
    }
}

void qstp_mldsa_simple_pack(uint8_t *out, const qstp_mldsa_poly *a, unsigned bits)
{
    /* w1Encode (Alg. 28) runs once per polynomial in every signing attempt: the two w1 widths
     * get whole-byte groups (same bytes as pack_core). */
    if (bits == 4) {
        for (unsigned i = 0; i < MLDSA_N; i += 2)
            *out++ = (uint8_t)((a->c[i] & 0xF) | ((a->c[i + 1] & 0xF) << 4));
    } else if (bits == 6) {
        for (unsigned i = 0; i < MLDSA_N; i += 4, out += 3) {
            const uint32_t v = ((uint32_t)a->c[i] & 0x3F) | (((uint32_t)a->c[i + 1] & 0x3F) << 6) |
                               (((uint32_t)a->c[i + 2] & 0x3F) << 12) |
                               (((uint32_t)a->c[i + 3] & 0x3F) << 18);
            out[0] = (uint8_t)v;
            out[1] = (uint8_t)(v >> 8);
            out[2] = (uint8_t)(v >> 16);
        }
    } else if (bits == 10) { /* t1 in key generation: four per five bytes */
        for (unsigned i = 0; i < MLDSA_N; i += 4, out += 5) {
            const uint64_t v = ((uint64_t)a->c[i] & 0x3FF) | (((uint64_t)a->c[i + 1] & 0x3FF) << 10) |
                               (((uint64_t)a->c[i + 2] & 0x3FF) << 20) |
                               (((uint64_t)a->c[i + 3] & 0x3FF) << 30);
            for (unsigned b = 0; b < 5; b++)
                out[b] = (uint8_t)(v >> (8 * b));
        }
    } else {
        pack_core(out, a, bits, 0, 1);
    }
}

void qstp_mldsa_simple_unpack(qstp_mldsa_poly *a, const uint8_t *in, unsigned bits)
{
    /* t1 (10 bits) in every verification: four coefficients per five bytes (same values as
     * unpack_core). */
    if (bits == 10) {
        for (unsigned i = 0; i < MLDSA_N; i += 4, in += 5) {
            const uint64_t v = (uint64_t)in[0] | ((uint64_t)in[1] << 8) | ((uint64_t)in[2] << 16) |
                               ((uint64_t)in[3] << 24) | ((uint64_t)in[4] << 32);
            for (unsigned m = 0; m < 4; m++)
                a->c[i + m] = (int32_t)((v >> (10 * m)) & 0x3FF);
        }
        return;
    }
    unpack_core(a, in, bits, 0, 1);
}

void qstp_mldsa_bitpack(uint8_t *out, const qstp_mldsa_poly *a, unsigned bits, int32_t b)
{
    /* z of every signature: the two gamma1 widths in whole-byte groups (same bytes as
     * pack_core: v = b - a, little-endian bit order). */
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (bits == 20 && qstp_cpu_has_avx2()) {
        qstp_mldsa_bitpack20_avx2(out, a, b);
        return;
    }
#endif
    if (bits == 20) {
        for (unsigned i = 0; i < MLDSA_N; i += 2, out += 5) {
            const uint64_t v = ((uint64_t)((uint32_t)b - (uint32_t)a->c[i]) & 0xFFFFF) |
                               (((uint64_t)((uint32_t)b - (uint32_t)a->c[i + 1]) & 0xFFFFF) << 20);
            for (unsigned k = 0; k < 5; k++)
                out[k] = (uint8_t)(v >> (8 * k));
        }
    } else if (bits == 18) {
        for (unsigned i = 0; i < MLDSA_N; i += 4, out += 9) {
            uint64_t v[4];
            for (unsigned k = 0; k < 4; k++)
                v[k] = (uint64_t)((uint32_t)b - (uint32_t)a->c[i + k]) & 0x3FFFF;
            const uint64_t lo = v[0] | (v[1] << 18) | (v[2] << 36) | (v[3] << 54);
            for (unsigned k = 0; k < 8; k++)
                out[k] = (uint8_t)(lo >> (8 * k));
            out[8] = (uint8_t)(v[3] >> 10);
        }
    } else {
        pack_core(out, a, bits, b, -1);
    }
}

/* BitUnpack for the two gamma1 sizes (z, ExpandMask: hot in signing): whole groups of bytes per
 * step instead of a bit accumulator. Same outputs as unpack_core. */
static void unpack_gamma1(qstp_mldsa_poly *a, const uint8_t *in, unsigned bits, int32_t b)
{
    if (bits == 20) { /* 2 coefficients per 5 bytes */
        for (unsigned i = 0; i < MLDSA_N; i += 2, in += 5) {
            const uint64_t v = (uint64_t)in[0] | ((uint64_t)in[1] << 8) | ((uint64_t)in[2] << 16) |
                               ((uint64_t)in[3] << 24) | ((uint64_t)in[4] << 32);
            a->c[i] = b - (int32_t)(v & 0xFFFFF);
            a->c[i + 1] = b - (int32_t)(v >> 20);
        }
    } else { /* 18: 4 coefficients per 9 bytes */
        for (unsigned i = 0; i < MLDSA_N; i += 4, in += 9) {
            uint64_t v = 0;
            for (unsigned k = 0; k < 8; k++)
                v |= (uint64_t)in[k] << (8 * k);
            a->c[i] = b - (int32_t)(v & 0x3FFFF);
            a->c[i + 1] = b - (int32_t)((v >> 18) & 0x3FFFF);
            a->c[i + 2] = b - (int32_t)((v >> 36) & 0x3FFFF);
            a->c[i + 3] = b - (int32_t)((v >> 54) | ((uint64_t)in[8] << 10));
        }
    }
}

void qstp_mldsa_bitunpack(qstp_mldsa_poly *a, const uint8_t *in, unsigned bits, int32_t b)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (bits == 20 && qstp_cpu_has_avx2()) {
        qstp_mldsa_bitunpack20_avx2(a, in, b);
        return;
    }
#endif
    if (bits == 20 || bits == 18)
        unpack_gamma1(a, in, bits, b);
    else
        unpack_core(a, in, bits, b, -1);
}

unsigned qstp_mldsa_unpack_eta(qstp_mldsa_poly *a, const uint8_t *in, const qstp_mldsa_params *p)
{
    const int32_t eta = (int32_t)p->eta;
    uint32_t bad = 0;
    /* Whole-byte groups for the two widths (s1, s2 are unpacked in every one-shot signing
     * attempt): 3 bits (eta = 2), eight coefficients per three bytes; 4 bits (eta = 4), two per
     * byte. Same values as unpack_core. */
    if (p->eta_bits == 3) {
        for (unsigned i = 0; i < MLDSA_N; i += 8, in += 3) {
            const uint32_t v = (uint32_t)in[0] | ((uint32_t)in[1] << 8) | ((uint32_t)in[2] << 16);
            for (unsigned m = 0; m < 8; m++)
                a->c[i + m] = eta - (int32_t)((v >> (3 * m)) & 7);
        }
    } else if (p->eta_bits == 4) {
        for (unsigned i = 0; i < MLDSA_N; i += 2, in++) {
            a->c[i] = eta - (int32_t)(in[0] & 15);
            a->c[i + 1] = eta - (int32_t)(in[0] >> 4);
        }
    } else {
        unpack_core(a, in, p->eta_bits, eta, -1);
    }
    /* Valid coefficients lie in [-eta, eta]; eta - c > 2 eta means c < -eta (the packed value is
     * never negative, so c <= eta always). Alg. 25 skDecode leaves such keys undefined; we refuse
     * them (Wycheproof "InvalidPrivateKey"). */
    for (unsigned i = 0; i < MLDSA_N; i++)
        bad |= (uint32_t)(a->c[i] + eta) >> 31;
    return (unsigned)bad;
}

void qstp_mldsa_pack_eta(uint8_t *out, const qstp_mldsa_poly *a, const qstp_mldsa_params *p)
{
    /* Key generation: eta = 2 as eight 3-bit values per three bytes (same bytes as pack_core). */
    if (p->eta_bits == 3) {
        for (unsigned i = 0; i < MLDSA_N; i += 8, out += 3) {
            uint32_t v = 0;
            for (unsigned m = 0; m < 8; m++)
                v |= ((uint32_t)(2 - a->c[i + m]) & 7) << (3 * m);
            out[0] = (uint8_t)v;
            out[1] = (uint8_t)(v >> 8);
            out[2] = (uint8_t)(v >> 16);
        }
        return;
    }
    pack_core(out, a, p->eta_bits, (int32_t)p->eta, -1);
}

void qstp_mldsa_pack_t0(uint8_t *out, const qstp_mldsa_poly *a)
{
    /* Eight 13-bit values per 13 bytes in a 64-bit and a 40-bit word (the inverse of
     * qstp_mldsa_unpack_t0; same bytes as pack_core). */
    const uint32_t base = 1u << (MLDSA_D - 1);
    for (unsigned i = 0; i < MLDSA_N; i += 8, out += 13) {
        uint64_t v[8];
        for (unsigned m = 0; m < 8; m++)
            v[m] = (uint64_t)((base - (uint32_t)a->c[i + m]) & 0x1FFF);
        const uint64_t lo = v[0] | v[1] << 13 | v[2] << 26 | v[3] << 39 | v[4] << 52;
        const uint64_t hi = v[4] >> 12 | v[5] << 1 | v[6] << 14 | v[7] << 27;
        for (unsigned b = 0; b < 8; b++)
            out[b] = (uint8_t)(lo >> (8 * b));
        for (unsigned b = 0; b < 5; b++)
            out[8 + b] = (uint8_t)(hi >> (8 * b));
    }
}

void qstp_mldsa_unpack_t0(qstp_mldsa_poly *a, const uint8_t *in)
{
    /* Eight 13-bit values per 13 bytes, read as a 64-bit and a 40-bit word (the one-shot signer
     * unpacks t0 in its attempts); same values as unpack_core: a_i = 2^12 - v_i. */
    const int32_t base = 1 << (MLDSA_D - 1);
    for (unsigned i = 0; i < MLDSA_N; i += 8, in += 13) {
        uint64_t lo = 0, hi = 0;
        for (unsigned b = 0; b < 8; b++)
            lo |= (uint64_t)in[b] << (8 * b);
        for (unsigned b = 0; b < 5; b++)
            hi |= (uint64_t)in[8 + b] << (8 * b);
        uint32_t v[8];
        v[0] = (uint32_t)lo;
        v[1] = (uint32_t)(lo >> 13);
        v[2] = (uint32_t)(lo >> 26);
        v[3] = (uint32_t)(lo >> 39);
        v[4] = (uint32_t)((lo >> 52) | (hi << 12));
        v[5] = (uint32_t)(hi >> 1);
        v[6] = (uint32_t)(hi >> 14);
        v[7] = (uint32_t)(hi >> 27);
        for (unsigned m = 0; m < 8; m++)
            a->c[i + m] = base - (int32_t)(v[m] & 0x1FFF);
    }
}

void qstp_mldsa_pack_hint(uint8_t *out, const qstp_mldsa_poly *h, const qstp_mldsa_params *p)
{
    /* The hint is part of the signature being output, so branching on it is fine. */
    unsigned idx = 0;
    memset(out, 0, p->omega + p->k);
    for (unsigned i = 0; i < p->k; i++) {
        for (unsigned j = 0; j < MLDSA_N; j++) {
            if (h[i].c[j] != 0 && idx < p->omega)
                out[idx++] = (uint8_t)j;
        }
        out[p->omega + i] = (uint8_t)idx;
    }
}

void qstp_mldsa_pack_hint_bits(uint8_t *out, const uint8_t hbits[][MLDSA_N / 8],
                               const qstp_mldsa_params *p)
{
    /* As qstp_mldsa_pack_hint, skipping the (mostly) zero bytes of the bitmaps. */
    unsigned idx = 0;
    memset(out, 0, p->omega + p->k);
    for (unsigned i = 0; i < p->k; i++) {
        for (unsigned b = 0; b < MLDSA_N / 8; b++) {
            const unsigned byte = hbits[i][b];
            if (byte == 0)
                continue;
            for (unsigned e = 0; e < 8; e++) {
                if (((byte >> e) & 1u) != 0 && idx < p->omega)
                    out[idx++] = (uint8_t)(8 * b + e);
            }
        }
        out[p->omega + i] = (uint8_t)idx;
    }
}

int qstp_mldsa_unpack_hint(qstp_mldsa_poly *h, const uint8_t *in, const qstp_mldsa_params *p)
{
    unsigned idx = 0;
    for (unsigned i = 0; i < p->k; i++) {
        memset(&h[i], 0, sizeof(h[i]));
        unsigned limit = in[p->omega + i];
        /* Cumulative counts must not decrease nor exceed omega. */
        if (limit < idx || limit > p->omega)
            return -1;
        unsigned first = idx;
        while (idx < limit) {
            /* Indices within one polynomial strictly increase (canonical encoding). */
            if (idx > first && in[idx - 1] >= in[idx])
                return -1;
            h[i].c[in[idx]] = 1;
            idx++;
        }
    }
    /* Unused index bytes must be zero. */
    for (unsigned j = idx; j < p->omega; j++) {
        if (in[j] != 0)
            return -1;
    }
    return 0;
}
