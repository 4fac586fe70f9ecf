/* Rijndael-256 backend selection at run time (src/crypto/cpu.h). All backends give identical
 * output; the portable one is the reference the AES-NI one is tested against. */
#include "crypto/cpu.h"
#include "crypto/rijndael256.h"

void qstp_rijndael256_encrypt(const uint8_t *rk, unsigned rounds, const uint8_t in[32], uint8_t out[32])
{
    if (qstp_cpu_has_aesni())
        qstp_rijndael256_encrypt_aesni(rk, rounds, in, out);
    else
        qstp_rijndael256_encrypt_portable(rk, rounds, in, out);
}

void qstp_rijndael256_ctr_xor(const uint8_t *rk, unsigned rounds, uint8_t nonce[32], const uint8_t *in,
                              uint8_t *out, size_t len)
{
    if (qstp_cpu_has_avx512())
        qstp_rijndael256_ctr_xor_avx512(rk, rounds, nonce, in, out, len);
    else if (qstp_cpu_has_aesni())
        qstp_rijndael256_ctr_xor_aesni(rk, rounds, nonce, in, out, len);
    else
        qstp_rijndael256_ctr_xor_portable(rk, rounds, nonce, in, out, len);
}
