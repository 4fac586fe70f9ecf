/* A * v with A sampled on the fly (see mldsa_matrix.h). */
#include "crypto/mldsa/mldsa_matrix.h"

#include <string.h>

#include "crypto/mldsa/mldsa_sample.h"

void qstp_mldsa_matrix_mul(qstp_mldsa_poly *out, const qstp_mldsa_params *p,
                           const uint8_t rho[MLDSA_SEED_BYTES], const qstp_mldsa_poly *vhat,
                           qstp_mldsa_poly scratch[8])
{
    qstp_mldsa_poly *const a = scratch;
    qstp_mldsa_poly *const ap[8] = {&a[0], &a[1], &a[2], &a[3], &a[4], &a[5], &a[6], &a[7]};
    const unsigned total = p->k * p->l;
    unsigned e = 0;

    memset(out, 0, p->k * sizeof(*out));
    /* Entries in row-major order, eight per batch when the 8-way Keccak is native, then four;
     * the last (total mod 4) one at a time. */
    for (unsigned batch = qstp_mldsa_a_batch(); batch >= 4; batch /= 2) {
        for (; total - e >= batch; e += batch) {
            unsigned rows[8], cols[8];
            qstp_mldsa_sample_a_entries(ap, batch, p, rho, e, rows, cols);
            for (unsigned t = 0; t < batch; t++)
                qstp_mldsa_poly_pointwise_acc_montgomery(&out[rows[t]], &a[t], &vhat[cols[t]]);
        }
    }
    for (; e < total; e++) {
        qstp_mldsa_sample_a(&a[0], rho, e / p->l, e % p->l);
        qstp_mldsa_poly_pointwise_acc_montgomery(&out[e / p->l], &a[0], &vhat[e % p->l]);
    }
}
