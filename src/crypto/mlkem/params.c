/* Parameter table (FIPS 203 §8 Table 2; k = 5 from QSTP-WIRE §1.5, a QRCS extension that keeps
 * eta1 = eta2 = 2 like ML-KEM-768/1024 and raises du/dv to 11/5 like ML-KEM-1024). */
#include "crypto/mlkem/params.h"

#define PARAMS(K, E1, E2, DU, DV)                                                                  \
    {                                                                                              \
        (K), (E1), (E2), (DU), (DV), 384u * (K) + 32u, 768u * (K) + 96u,                           \
            32u * ((DU) * (K) + (DV)), 32u * (DU) * (K)                                            \
    }

static const qstp_mlkem_params params_table[4] = {
    PARAMS(2, 3, 2, 10, 4), /* ML-KEM-512 */
    PARAMS(3, 2, 2, 10, 4), /* ML-KEM-768 */
    PARAMS(4, 2, 2, 11, 5), /* ML-KEM-1024 */
    PARAMS(5, 2, 2, 11, 5), /* QRCS Kyber k = 5 ("S6K5P1280"): pk 1952, sk 3936, ct 1920 */
};

const qstp_mlkem_params *qstp_mlkem_params_get(unsigned k)
{
    if (k < 2 || k > QSTP_MLKEM_K_MAX)
        return NULL;
    return &params_table[k - 2];
}
