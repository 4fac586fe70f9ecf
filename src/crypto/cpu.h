/* Run-time CPU feature detection for the ISA-specific backends (*_aesni.c, *_avx2.c, *_avx512.c).
 *
 * Every query also requires the operating system to save the register state the feature needs
 * (XGETBV), so a "yes" means the instructions can really be executed. Setting the environment
 * variable QSTP_NO_ASM=1 makes every query answer "no", which forces the portable code; tests use
 * it to exercise both paths. The answers are computed once and cached (qstp_cpu_refresh recomputes
 * them, e.g. after a test changed QSTP_NO_ASM). On non-x86 targets every query answers "no". */
#ifndef QSTP_CRYPTO_CPU_H
#define QSTP_CRYPTO_CPU_H

/* AES-NI with SSSE3 and SSE4.1 (pshufb, pblendvb) and PCLMULQDQ: what *_aesni.c files need. */
int qstp_cpu_has_aesni(void);
/* AVX2, BMI1 and BMI2 with OS support for YMM state: what *_avx2.c files need. */
int qstp_cpu_has_avx2(void);
/* AVX-512 F/BW/VL and VAES with OS support for ZMM state: what *_avx512.c files need. */
int qstp_cpu_has_avx512(void);
/* Forget the cached answers and detect again (re-reads QSTP_NO_ASM). */
void qstp_cpu_refresh(void);

#endif
