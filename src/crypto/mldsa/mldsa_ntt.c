/* Number-theoretic transform for ML-DSA (FIPS 204 §7.5 Alg. 41/42): portable C, and the
 * run-time dispatch to the AVX2 versions (mldsa_poly_backend.h).
 * Montgomery arithmetic with R = 2^32 (FIPS 204 Appendix A describes it as an allowed
 * optimisation); zetas are stored times R so a Montgomery product by a zeta is an exact product. */
#include "crypto/cpu.h"
#include "crypto/mldsa/mldsa_poly.h"
#include "crypto/mldsa/mldsa_poly_backend.h"

/* zetas[i] = 1753^brv8(i) * 2^32 mod q, centred; 1753 is the 512th root of unity zeta of
 * FIPS 204 §7.5 and brv8 the 8-bit reversal (Appendix B lists the plain values). */
const int32_t qstp_mldsa_zetas[MLDSA_N] = {
    0, 25847, -2608894, -518909, 237124, -777960, -876248, 466468,
    1826347, 2353451, -359251, -2091905, 3119733, -2884855, 3111497, 2680103,
    2725464, 1024112, -1079900, 3585928, -549488, -1119584, 2619752, -2108549,
    -2118186, -3859737, -1399561, -3277672, 1757237, -19422, 4010497, 280005,
    2706023, 95776, 3077325, 3530437, -1661693, -3592148, -2537516, 3915439,
    -3861115, -3043716, 3574422, -2867647, 3539968, -300467, 2348700, -539299,
    -1699267, -1643818, 3505694, -3821735, 3507263, -2140649, -1600420, 3699596,
    811944, 531354, 954230, 3881043, 3900724, -2556880, 2071892, -2797779,
    -3930395, -1528703, -3677745, -3041255, -1452451, 3475950, 2176455, -1585221,
    -1257611, 1939314, -4083598, -1000202, -3190144, -3157330, -3632928, 126922,
    3412210, -983419, 2147896, 2715295, -2967645, -3693493, -411027, -2477047,
    -671102, -1228525, -22981, -1308169, -381987, 1349076, 1852771, -1430430,
    -3343383, 264944, 508951, 3097992, 44288, -1100098, 904516, 3958618,
    -3724342, -8578, 1653064, -3249728, 2389356, -210977, 759969, -1316856,
    189548, -3553272, 3159746, -1851402, -2409325, -177440, 1315589, 1341330,
    1285669, -1584928, -812732, -1439742, -3019102, -3881060, -3628969, 3839961,
    2091667, 3407706, 2316500, 3817976, -3342478, 2244091, -2446433, -3562462,
    266997, 2434439, -1235728, 3513181, -3520352, -3759364, -1197226, -3193378,
    900702, 1859098, 909542, 819034, 495491, -1613174, -43260, -522500,
    -655327, -3122442, 2031748, 3207046, -3556995, -525098, -768622, -3595838,
    342297, 286988, -2437823, 4108315, 3437287, -3342277, 1735879, 203044,
    2842341, 2691481, -2590150, 1265009, 4055324, 1247620, 2486353, 1595974,
    -3767016, 1250494, 2635921, -3548272, -2994039, 1869119, 1903435, -1050970,
    -1333058, 1237275, -3318210, -1430225, -451100, 1312455, 3306115, -1962642,
    -1279661, 1917081, -2546312, -1374803, 1500165, 777191, 2235880, 3406031,
    -542412, -2831860, -1671176, -1846953, -2584293, -3724270, 594136, -3776993,
    -2013608, 2432395, 2454455, -164721, 1957272, 3369112, 185531, -1207385,
    -3183426, 162844, 1616392, 3014001, 810149, 1652634, -3694233, -1799107,
    -3038916, 3523897, 3866901, 269760, 2213111, -975884, 1717735, 472078,
    -426683, 1723600, -1803090, 1910376, -1667432, -1104333, -260646, -3833893,
    -2939036, -2235985, -420899, -2286327, 183443, -976891, 1612842, -3545687,
    -554416, 3919660, -48306, -1362209, 3937738, 1400424, -846154, 1976782,
};

int32_t qstp_mldsa_montgomery_reduce(int64_t a)
{
    /* t = a * q^-1 mod 2^32 as a signed value; then (a - t q) is divisible by 2^32. The
     * unsigned arithmetic avoids signed overflow; the final conversion is two's complement. */
    int32_t t = (int32_t)(uint32_t)((uint64_t)a * (uint64_t)MLDSA_QINV);
    return (int32_t)((a - (int64_t)t * MLDSA_Q) >> 32);
}

void qstp_mldsa_poly_ntt_portable(qstp_mldsa_poly *a)
{
    unsigned m = 0;
    for (unsigned len = 128; len > 0; len >>= 1) {
        for (unsigned start = 0; start < MLDSA_N; start += 2 * len) {
            int64_t zeta = qstp_mldsa_zetas[++m];
            for (unsigned j = start; j < start + len; j++) {
                int32_t t = qstp_mldsa_montgomery_reduce(zeta * a->c[j + len]);
                a->c[j + len] = a->c[j] - t;
                a->c[j] = a->c[j] + t;
            }
        }
    }
}

void qstp_mldsa_poly_invntt_tomont_portable(qstp_mldsa_poly *a)
{
    unsigned m = MLDSA_N;
    /* Gentleman-Sande butterflies with the zetas in reverse order and negated (Alg. 42).
     * The sums are not reduced: coefficient 0 collects 256 inputs of size < q, which still
     * fits in 31 bits (256 * (q - 1) < 2^31). */
    for (unsigned len = 1; len < MLDSA_N / 2; len <<= 1) {
        for (unsigned start = 0; start < MLDSA_N; start += 2 * len) {
            int64_t zeta = -(int64_t)qstp_mldsa_zetas[--m];
            for (unsigned j = start; j < start + len; j++) {
                int32_t t = a->c[j];
                a->c[j] = t + a->c[j + len];
                a->c[j + len] = qstp_mldsa_montgomery_reduce(zeta * (t - a->c[j + len]));
            }
        }
    }
    /* Last layer (len 128, zeta = -zetas[1]) with the final scaling by F folded in: the sum is
     * multiplied by F, the difference by MLDSA_F_ZETA1 = F (-zetas[1]) 2^-32, one Montgomery
     * product each instead of two for the lower half (the same values mod q; |ZF (t - b)| <
     * (q/2) 256 q < 2^31 q). */
    for (unsigned j = 0; j < MLDSA_N / 2; j++) {
        int32_t t = a->c[j], b = a->c[j + MLDSA_N / 2];
        a->c[j] = qstp_mldsa_montgomery_reduce((int64_t)MLDSA_F * (t + b));
        a->c[j + MLDSA_N / 2] = qstp_mldsa_montgomery_reduce((int64_t)MLDSA_F_ZETA1 * (t - b));
    }
}

void qstp_mldsa_poly_pointwise_montgomery_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                                   const qstp_mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        c->c[i] = qstp_mldsa_montgomery_reduce((int64_t)a->c[i] * b->c[i]);
}

void qstp_mldsa_poly_pointwise_acc_montgomery_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                                       const qstp_mldsa_poly *b)
{
    for (unsigned i = 0; i < MLDSA_N; i++)
        c->c[i] += qstp_mldsa_montgomery_reduce((int64_t)a->c[i] * b->c[i]);
}

void qstp_mldsa_poly_matrix_montgomery_portable(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                                const qstp_mldsa_poly *b, unsigned k, unsigned n)
{
    for (unsigned r = 0; r < k; r++) {
        for (unsigned i = 0; i < MLDSA_N; i++) {
            int64_t acc = 0;
            for (unsigned j = 0; j < n; j++)
                acc += (int64_t)a[r * n + j].c[i] * b[j].c[i];
            c[r].c[i] = qstp_mldsa_montgomery_reduce(acc);
        }
    }
}

/* ---- dispatch (QSTP_NO_ASM=1 forces the portable code; see crypto/cpu.h) ---- */

void qstp_mldsa_poly_matrix_montgomery(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                       const qstp_mldsa_poly *b, unsigned k, unsigned n)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_poly_matrix_montgomery_avx2(c, a, b, k, n);
        return;
    }
#endif
    qstp_mldsa_poly_matrix_montgomery_portable(c, a, b, k, n);
}

void qstp_mldsa_poly_ntt(qstp_mldsa_poly *a)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_poly_ntt_avx2(a);
        return;
    }
#endif
    qstp_mldsa_poly_ntt_portable(a);
}

void qstp_mldsa_poly_invntt_tomont(qstp_mldsa_poly *a)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_poly_invntt_tomont_avx2(a);
        return;
    }
#endif
    qstp_mldsa_poly_invntt_tomont_portable(a);
}

void qstp_mldsa_poly_pointwise_montgomery(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                          const qstp_mldsa_poly *b)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_poly_pointwise_montgomery_avx2(c, a, b);
        return;
    }
#endif
    qstp_mldsa_poly_pointwise_montgomery_portable(c, a, b);
}

void qstp_mldsa_poly_pointwise_acc_montgomery(qstp_mldsa_poly *c, const qstp_mldsa_poly *a,
                                              const qstp_mldsa_poly *b)
{
#if defined(QSTP_MLDSA_HAVE_AVX2)
    if (qstp_cpu_has_avx2()) {
        qstp_mldsa_poly_pointwise_acc_montgomery_avx2(c, a, b);
        return;
    }
#endif
    qstp_mldsa_poly_pointwise_acc_montgomery_portable(c, a, b);
}
