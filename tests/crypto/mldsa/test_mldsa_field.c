/* Exhaustive check of the ML-DSA field and rounding operations against the CCTV accumulated
 * field-operation vector (vectors/mldsa/cctv/accumulated_README.md, "Field operation tests"):
 * for every r in [0, q) twelve decimal lines (r mod+- q, its norm, Power2Round, and for both
 * gamma2 values HighBits, UseHint(1, .), LowBits and its norm) are written to SHAKE128 and the
 * 32-byte result compared with the file. Also checks the multiply-shift Decompose against plain
 * division and reduce32/caddq/Montgomery reduction on edge values. */
#include <stdlib.h>
#include <string.h>

#include "crypto/mldsa/mldsa_poly.h"
#include "crypto/mldsa/mldsa_rounding.h"
#include "crypto/sha3.h"
#include "test.h"

#define Q MLDSA_Q

static char *put_int(char *p, int32_t v)
{
    char tmp[12];
    unsigned n = 0;
    uint32_t u;
    if (v < 0) {
        *p++ = '-';
        u = (uint32_t)(-(int64_t)v);
    } else {
        u = (uint32_t)v;
    }
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        *p++ = tmp[--n];
    *p++ = '\n';
    return p;
}

static int expected_field(uint8_t out[32])
{
    const char *path = test_vector_path("vectors/mldsa/cctv/accumulated_README.md");
    size_t len;
    char *text = path ? test_read_file(path, &len) : NULL;
    int ok = 0;
    if (!text)
        return 0;
    char *at = strstr(text, "## Field operation tests");
    at = at ? strstr(at, "```\n") : NULL;
    if (at) {
        char hex[65];
        memcpy(hex, at + 4, 64);
        hex[64] = '\0';
        ok = test_hex_decode(out, 32, hex) == 32;
    }
    CHECK_MSG(ok, "field-operation hash not found");
    free(text);
    return ok;
}

static void test_cctv_field(void)
{
    static const int32_t gammas[2] = {(Q - 1) / 88, (Q - 1) / 32};
    uint8_t want[32], got[32];
    static char buf[1 << 16];
    char *p = buf;
    qstp_keccak_state st;
    unsigned mismatch = 0;

    if (!expected_field(want))
        return;
    qstp_shake128_init(&st);
    for (int32_t r = 0; r < Q; r++) {
        int32_t c = r > (Q - 1) / 2 ? r - Q : r;
        p = put_int(p, c);
        p = put_int(p, c < 0 ? -c : c);
        int32_t r1, r0;
        qstp_mldsa_power2round(r, &r1, &r0);
        p = put_int(p, r1);
        p = put_int(p, r0 < 0 ? r0 + Q : r0);
        for (unsigned g = 0; g < 2; g++) {
            int32_t h1, l0;
            qstp_mldsa_decompose(gammas[g], r, &h1, &l0);
            p = put_int(p, h1);
            p = put_int(p, qstp_mldsa_use_hint(gammas[g], r, 1));
            p = put_int(p, l0);
            p = put_int(p, l0 < 0 ? -l0 : l0);
            /* Reference Decompose (FIPS 204 Alg. 36) with plain division. */
            int32_t m0 = r % (2 * gammas[g]);
            if (m0 > gammas[g])
                m0 -= 2 * gammas[g];
            int32_t m1;
            if (r - m0 == Q - 1) {
                m1 = 0;
                m0 -= 1;
            } else {
                m1 = (r - m0) / (2 * gammas[g]);
            }
            mismatch += (m1 != h1) || (m0 != l0);
            mismatch += qstp_mldsa_use_hint(gammas[g], r, 0) != h1;
        }
        if ((size_t)(p - buf) > sizeof(buf) - 256) {
            qstp_shake_absorb(&st, (const uint8_t *)buf, (size_t)(p - buf));
            p = buf;
        }
    }
    qstp_shake_absorb(&st, (const uint8_t *)buf, (size_t)(p - buf));
    qstp_shake_squeeze(&st, got, 32);
    CHECK_MSG(mismatch == 0, "Decompose differs from Alg. 36 for %u values", mismatch);
    CHECK_BYTES(got, want, 32, "cctv field operations");
}

static void test_reductions(void)
{
    /* reduce32 and caddq over a spread of values, including the documented extremes. */
    static const int32_t edge[] = {0, 1, -1, Q, -Q, Q - 1, 2 * Q, -2 * Q, 6283008, -6283008,
                                   INT32_MAX - (1 << 22), INT32_MIN, -256 * (Q - 1)};
    unsigned bad = 0;
    for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
        int32_t r = qstp_mldsa_reduce32(edge[i]);
        int64_t diff = (int64_t)edge[i] - r;
        bad += (diff % Q) != 0 || r > 6283008 || r < -6283008;
        int32_t f = qstp_mldsa_caddq(r);
        bad += f < 0 || f >= Q || ((int64_t)edge[i] - f) % Q != 0;
    }
    uint64_t s = 12345;
    for (unsigned i = 0; i < 100000; i++) {
        int64_t a = (int64_t)(test_prng_u64(&s) % ((uint64_t)Q << 31)) - ((int64_t)Q << 30);
        int32_t m = qstp_mldsa_montgomery_reduce(a);
        /* m * 2^32 = a (mod q) and |m| < q */
        int64_t lhs = (((int64_t)m % Q) * (((int64_t)1 << 32) % Q)) % Q;
        int64_t rhs = a % Q;
        bad += ((lhs - rhs) % Q) != 0 || m >= Q || m <= -Q;
    }
    CHECK_MSG(bad == 0, "%u reduction failures", bad);
}

static void test_ntt(void)
{
    /* NTT-based product against schoolbook multiplication in Z_q[X]/(X^256 + 1). */
    uint64_t s = 99;
    for (unsigned t = 0; t < 20; t++) {
        qstp_mldsa_poly a, b, c, ah, bh;
        int64_t ref[MLDSA_N] = {0};
        for (unsigned i = 0; i < MLDSA_N; i++) {
            a.c[i] = (int32_t)(test_prng_u64(&s) % (2 * Q - 1)) - (Q - 1);
            b.c[i] = (int32_t)(test_prng_u64(&s) % (2 * Q - 1)) - (Q - 1);
        }
        for (unsigned i = 0; i < MLDSA_N; i++) {
            for (unsigned j = 0; j < MLDSA_N; j++) {
                int64_t prod = ((int64_t)a.c[i] * b.c[j]) % Q;
                if (i + j < MLDSA_N)
                    ref[i + j] = (ref[i + j] + prod) % Q;
                else
                    ref[i + j - MLDSA_N] = (ref[i + j - MLDSA_N] - prod) % Q;
            }
        }
        ah = a, bh = b;
        qstp_mldsa_poly_ntt(&ah);
        qstp_mldsa_poly_ntt(&bh);
        qstp_mldsa_poly_pointwise_montgomery(&c, &ah, &bh);
        qstp_mldsa_poly_invntt_tomont(&c);
        qstp_mldsa_poly_freeze(&c);
        unsigned bad = 0;
        for (unsigned i = 0; i < MLDSA_N; i++)
            bad += c.c[i] != (int32_t)((ref[i] % Q + Q) % Q);
        CHECK_MSG(bad == 0, "NTT product differs in %u coefficients", bad);
    }
}

int main(void)
{
    test_reductions();
    test_ntt();
    test_cctv_field();
    return test_report();
}
