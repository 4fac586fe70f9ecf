/* 23-bit packed A^ (see mldsa_apack.h): portable code and the run-time dispatch. */
#include "crypto/mldsa/mldsa_apack.h"

#include <string.h>

#include "crypto/cpu.h"
#include "crypto/endian.h"
#include "crypto/mldsa/mldsa_sample.h"

/* Eight coefficients fill exactly 23 bytes: coefficient m of a group starts at bit 23 m.
 * Packing builds the group's 184 bits in three 64-bit words (ExpandA runs once per signature, so
 * this is on the one-shot signer's path: a bit-at-a-time loop cost more than the sampling). */

void qstp_mldsa_pack_a23_portable(uint8_t out[MLDSA_A23_BYTES], const qstp_mldsa_poly *a)
{
    for (unsigned g = 0; g < MLDSA_N / 8; g++, out += 23) {
        uint64_t c[8];
        for (unsigned m = 0; m < 8; m++)
            c[m] = (uint64_t)(uint32_t)a->c[8 * g + m] & 0x7FFFFF;
        /* bits 0-63: c0, c1, low 18 of c2; 64-127: high 5 of c2, c3 (69), c4 (92), low 13 of c5
         * (115); 128-183: high 10 of c5, c6 (138), c7 (161). */
        uint8_t last[8];
        qstp_store64_le(out, c[0] | c[1] << 23 | c[2] << 46);
        qstp_store64_le(out + 8, c[2] >> 18 | c[3] << 5 | c[4] << 28 | c[5] << 51);
        qstp_store64_le(last, c[5] >> 13 | c[6] << 10 | c[7] << 33);
        memcpy(out + 16, last, 7); /* the group's last 7 bytes: no write past the entry */
    }
}

/* Unpacking: a group is copied into a 24-byte buffer so that every coefficient can be read as
 * one little-endian 32-bit word (the last one needs only three bytes: 161 mod 8 = 1, 1 + 23 = 24
 * bits). */
static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

void qstp_mldsa_unpack_a23_portable(qstp_mldsa_poly *a, const uint8_t in[MLDSA_A23_BYTES])
{
    for (unsigned g = 0; g < MLDSA_N / 8; g++) {
        uint8_t buf[24];
        memcpy(buf, in + 23 * g, 23);
        buf[23] = 0;
        for (unsigned m = 0; m < 8; m++) {
            const unsigned bit = 23 * m;
            const uint32_t w = m < 7 ? le32(buf + bit / 8) : le32(buf + 20);
            a->c[8 * g + m] = (int32_t)((w >> (bit % 8)) & 0x7FFFFF);
        }
    }
}

void qstp_mldsa_poly_acc_a23_montgomery_portable(qstp_mldsa_poly *c, const uint8_t a[MLDSA_A23_BYTES],
                                                 const qstp_mldsa_poly *b)
{
    qstp_mldsa_poly t; /* public (A): no wipe needed */
    qstp_mldsa_unpack_a23_portable(&t, a);
    for (unsigned i = 0; i < MLDSA_N; i++)
        c->c[i] += qstp_mldsa_montgomery_reduce((int64_t)t.c[i] * b->c[i]);
}

void qstp_mldsa_pack_a23(uint8_t out[MLDSA_A23_BYTES], const qstp_mldsa_poly *a)
{
#if defined(QSTP_MLDSA_HAVE_A23_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_pack_a23_avx2(out, a);
        return;
    }
#endif
    qstp_mldsa_pack_a23_portable(out, a);
}

void qstp_mldsa_unpack_a23(qstp_mldsa_poly *a, const uint8_t in[MLDSA_A23_BYTES])
{
#if defined(QSTP_MLDSA_HAVE_A23_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_unpack_a23_avx2(a, in);
        return;
    }
#endif
    qstp_mldsa_unpack_a23_portable(a, in);
}

void qstp_mldsa_poly_acc_a23_montgomery(qstp_mldsa_poly *c, const uint8_t a[MLDSA_A23_BYTES],
                                        const qstp_mldsa_poly *b)
{
#if defined(QSTP_MLDSA_HAVE_A23_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_poly_acc_a23_montgomery_avx2(c, a, b);
        return;
    }
#endif
    qstp_mldsa_poly_acc_a23_montgomery_portable(c, a, b);
}

void qstp_mldsa_expand_a23(uint8_t *apack, const qstp_mldsa_params *p,
                           const uint8_t rho[MLDSA_SEED_BYTES], qstp_mldsa_poly scratch[8])
{
    qstp_mldsa_poly *const ap[8] = {&scratch[0], &scratch[1], &scratch[2], &scratch[3],
                                    &scratch[4], &scratch[5], &scratch[6], &scratch[7]};
    const unsigned total = p->k * p->l;
    unsigned e = 0;
    for (unsigned batch = qstp_mldsa_a_batch(); batch >= 4; batch /= 2) {
        for (; total - e >= batch; e += batch) {
            unsigned rows[8], cols[8];
            qstp_mldsa_sample_a_entries(ap, batch, p, rho, e, rows, cols);
            for (unsigned t = 0; t < batch; t++)
                qstp_mldsa_pack_a23(apack + (size_t)(e + t) * MLDSA_A23_BYTES, &scratch[t]);
        }
    }
    for (; e < total; e++) {
        qstp_mldsa_sample_a(&scratch[0], rho, e / p->l, e % p->l);
        qstp_mldsa_pack_a23(apack + (size_t)e * MLDSA_A23_BYTES, &scratch[0]);
    }
}
