/* A * v with A sampled on the fly (see mldsa_matrix.h). */
#include "crypto/mldsa/mldsa_matrix.h"

#include <string.h>

#include "crypto/mldsa/mldsa_sample.h"

void qstp_mldsa_matrix_mul(qstp_mldsa_poly *out, const qstp_mldsa_params *p,
                           const uint8_t rho[MLDSA_SEED_BYTES], const qstp_mldsa_poly *vhat,
                           qstp_mldsa_poly scratch[4])
{
    qstp_mldsa_poly *const a = scratch;
    qstp_mldsa_poly *const ap[4] = {&a[0], &a[1], &a[2], &a[3]};
    const unsigned total = p->k * p->l;
    unsigned e = 0;

    memset(out, 0, p->k * sizeof(*out));
    /* Entries in row-major order, four per batch; the last (total mod 4) one at a time. */
    for (; total - e >= 4; e += 4) {
        unsigned rows[4], cols[4];
        qstp_mldsa_sample_a_entries_x4(ap, p, rho, e, rows, cols);
        for (unsigned t = 0; t < 4; t++)
            qstp_mldsa_poly_pointwise_acc_montgomery(&out[rows[t]], &a[t], &vhat[cols[t]]);
    }
    for (; e < total; e++) {
        qstp_mldsa_sample_a(&a[0], rho, e / p->l, e % p->l);
        qstp_mldsa_poly_pointwise_acc_montgomery(&out[e / p->l], &a[0], &vhat[e % p->l]);
    }
}
