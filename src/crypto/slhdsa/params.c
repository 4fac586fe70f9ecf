/* SLH-DSA parameter sets (FIPS 205 Table 2) and their size accessors. */
#include <string.h>

#include "crypto/slhdsa/slh_params.h"

/* Signature = R (n) || SIG_FORS (k (1 + a) n) || SIG_HT ((h + d len) n); FIPS 205 §9.2. */
#define SLH_SIG_BYTES(n, h, d, a, k) ((size_t)(n) * (1u + (k) * (1u + (a)) + (h) + (d) * (2u * (n) + 3u)))
#define SLH_ROW(nm, n, h, d, a, k, m)                                                                  \
    { nm, n, h, d, (h) / (d), a, k, m, 2u * (n) + 3u, 2u * (n), 4u * (n), SLH_SIG_BYTES(n, h, d, a, k) }

static const qstp_slh_params slh_table[] = {
    SLH_ROW("SLH-DSA-SHAKE-128s", 16u, 63u, 7u, 12u, 14u, 30u),
    SLH_ROW("SLH-DSA-SHAKE-128f", 16u, 66u, 22u, 6u, 33u, 34u),
    SLH_ROW("SLH-DSA-SHAKE-192s", 24u, 63u, 7u, 14u, 17u, 39u),
    SLH_ROW("SLH-DSA-SHAKE-192f", 24u, 66u, 22u, 8u, 33u, 42u),
    SLH_ROW("SLH-DSA-SHAKE-256s", 32u, 64u, 8u, 14u, 22u, 47u),
    SLH_ROW("SLH-DSA-SHAKE-256f", 32u, 68u, 17u, 9u, 35u, 49u),
};

const qstp_slh_params *qstp_slh_params_get(qstp_slhdsa_param p)
{
    if ((unsigned)p >= sizeof slh_table / sizeof slh_table[0])
        return NULL;
    return &slh_table[(unsigned)p];
}

size_t qstp_slhdsa_pk_size(qstp_slhdsa_param p)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    return sp ? sp->pk_bytes : 0;
}

size_t qstp_slhdsa_sk_size(qstp_slhdsa_param p)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    return sp ? sp->sk_bytes : 0;
}

size_t qstp_slhdsa_sig_size(qstp_slhdsa_param p)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    return sp ? sp->sig_bytes : 0;
}

const char *qstp_slhdsa_name(qstp_slhdsa_param p)
{
    const qstp_slh_params *sp = qstp_slh_params_get(p);
    return sp ? sp->name : NULL;
}

int qstp_slhdsa_param_from_name(const char *name, qstp_slhdsa_param *p)
{
    if (name == NULL || p == NULL)
        return -1;
    for (unsigned i = 0; i < sizeof slh_table / sizeof slh_table[0]; i++) {
        if (strcmp(name, slh_table[i].name) == 0) {
            *p = (qstp_slhdsa_param)i;
            return 0;
        }
    }
    return -1;
}
