/* Keccak-f[1600] compiled with -mavx2 -mbmi -mbmi2 (see cmake/QstpModules.cmake): the scalar
 * round code gains ANDN and RORX. Called only when qstp_cpu_has_avx2() says so. */
#include "crypto/keccak.h"
#include "crypto/keccak_round.h"

void qstp_keccak_f1600_bmi(uint64_t s[25]);

void qstp_keccak_f1600_bmi(uint64_t s[25])
{
    keccak_f1600_rounds(s);
}
