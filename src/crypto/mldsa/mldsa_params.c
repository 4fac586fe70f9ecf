/* FIPS 204 §4, Table 1 (parameters) and Table 2 (sizes). */
#include "crypto/mldsa/mldsa_params.h"

#include "crypto/mldsa/mldsa.h"

/* Sizes derived as in FIPS 204 Table 2:
 *   pk  = 32 + 320 k
 *   sk  = 128 + 32 ((k + l) bitlen(2 eta) + 13 k)
 *   sig = lambda/4 + l 32 (1 + bitlen(gamma1 - 1)) + omega + k */
static const qstp_mldsa_params mldsa_sets[3] = {
    {44, 4, 4, 2, 3, 39, 78, 1 << 17, 18, (MLDSA_Q - 1) / 88, 6, 80, 32, 1312, 2560, 2420},
    {65, 6, 5, 4, 4, 49, 196, 1 << 19, 20, (MLDSA_Q - 1) / 32, 4, 55, 48, 1952, 4032, 3309},
    {87, 8, 7, 2, 3, 60, 120, 1 << 19, 20, (MLDSA_Q - 1) / 32, 4, 75, 64, 2592, 4896, 4627},
};

const qstp_mldsa_params *qstp_mldsa_params_get(unsigned level)
{
    for (size_t i = 0; i < sizeof(mldsa_sets) / sizeof(mldsa_sets[0]); i++) {
        if (mldsa_sets[i].level == level)
            return &mldsa_sets[i];
    }
    return NULL;
}

size_t qstp_mldsa_pk_size(unsigned level)
{
    const qstp_mldsa_params *p = qstp_mldsa_params_get(level);
    return p ? p->pk_bytes : 0;
}

size_t qstp_mldsa_sk_size(unsigned level)
{
    const qstp_mldsa_params *p = qstp_mldsa_params_get(level);
    return p ? p->sk_bytes : 0;
}

size_t qstp_mldsa_sig_size(unsigned level)
{
    const qstp_mldsa_params *p = qstp_mldsa_params_get(level);
    return p ? p->sig_bytes : 0;
}
