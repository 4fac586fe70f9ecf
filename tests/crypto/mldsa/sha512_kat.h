/* SHA-384 (outlen 48) / SHA-512 (outlen 64), test-only (see sha512_kat.c). */
#ifndef QSTP_TEST_MLDSA_SHA512_KAT_H
#define QSTP_TEST_MLDSA_SHA512_KAT_H
#include <stddef.h>
#include <stdint.h>
void kat_sha2_512(uint8_t *out, size_t outlen, const uint8_t *in, size_t len);
#endif
