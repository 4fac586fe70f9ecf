/* Classic McEliece parameter sets (round-4 specification, "Parameter sets"; sizes as
 * QSTP-WIRE §1.2). */
#include "crypto/mceliece/mc_internal.h"

#define SET(M, N, T, NT, D0, C0, D1, C1, D2, C2, D3, C3)                                           \
    {                                                                                              \
        .m = (M), .t = (T), .n = (N), .mt = (M) * (T), .k = (N) - (M) * (T),                       \
        .pk_row_bytes = ((N) - (M) * (T) + 7) / 8, .synd_bytes = ((M) * (T) + 7) / 8,              \
        .irr_bytes = 2 * (T), .cond_bytes = (2 * (M) - 1) * (1u << ((M) - 4)),                     \
        .pk_bytes = (size_t)(M) * (T) * (((N) - (M) * (T) + 7) / 8),                               \
        .sk_bytes = 40u + 2 * (T) + (2 * (M) - 1) * (1u << ((M) - 4)) + (N) / 8, .nterms = (NT),   \
        .term_deg = { (D0), (D1), (D2), (D3) }, .term_coef = { (C0), (C1), (C2), (C3) }            \
    }

/* F(y) per set: 348864: y^64+y^3+y+z; 460896: y^96+y^10+y^9+y^6+1;
 * 6688128 and 8192128: y^128+y^7+y^2+y+1; 6960119: y^119+y^8+1. z is the element 2. */
static const mc_params sets[5] = {
    SET(12, 3488, 64, 3, 3, 1, 1, 1, 0, 2, 0, 0),
    SET(13, 4608, 96, 4, 10, 1, 9, 1, 6, 1, 0, 1),
    SET(13, 6688, 128, 4, 7, 1, 2, 1, 1, 1, 0, 1),
    SET(13, 6960, 119, 2, 8, 1, 0, 1, 0, 0, 0, 0),
    SET(13, 8192, 128, 4, 7, 1, 2, 1, 1, 1, 0, 1),
};

const mc_params *qstp_mceliece_params(qstp_mceliece_param p)
{
    if ((unsigned)p > (unsigned)QSTP_MCELIECE_8192128)
        return NULL;
    return &sets[p];
}

size_t qstp_mceliece_pk_size(qstp_mceliece_param p)
{
    const mc_params *P = qstp_mceliece_params(p);
    return P ? P->pk_bytes : 0;
}

size_t qstp_mceliece_sk_size(qstp_mceliece_param p)
{
    const mc_params *P = qstp_mceliece_params(p);
    return P ? P->sk_bytes : 0;
}

size_t qstp_mceliece_ct_size(qstp_mceliece_param p, int pc)
{
    const mc_params *P = qstp_mceliece_params(p);
    return P ? P->synd_bytes + (pc ? 32u : 0u) : 0;
}
