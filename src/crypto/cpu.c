/* Run-time CPU feature detection (see cpu.h). */
#include "crypto/cpu.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define QSTP_CPU_X86 1
#endif

enum {
    CPU_DETECTED = 1u << 0,
    CPU_AESNI = 1u << 1,
    CPU_AVX2 = 1u << 2,
    CPU_AVX512 = 1u << 3,
};

/* Cached feature bits; 0 means "not detected yet". Relaxed atomics suffice: every thread computes
 * the same value. */
static atomic_uint cpu_features;

static int no_asm_requested(void)
{
    const char *v = getenv("QSTP_NO_ASM");
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

#ifdef QSTP_CPU_X86
static unsigned long long read_xcr0(void)
{
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#endif

static unsigned detect(void)
{
    unsigned f = CPU_DETECTED;
    if (no_asm_requested())
        return f;
#ifdef QSTP_CPU_X86
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return f;
    const int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1, aes = (c >> 25) & 1, pclmul = (c >> 1) & 1;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (aes && sse41 && ssse3 && pclmul)
        f |= CPU_AESNI;
    if (!osxsave || !avx)
        return f;
    const unsigned long long xcr0 = read_xcr0();
    const int ymm_ok = (xcr0 & 0x6) == 0x6;    /* XMM and YMM state */
    const int zmm_ok = (xcr0 & 0xE6) == 0xE6;  /* plus opmask, ZMM_Hi256, Hi16_ZMM */
    if (__get_cpuid_max(0, NULL) < 7)
        return f;
    __cpuid_count(7, 0, a, b, c, d);
    const int avx2 = (b >> 5) & 1, bmi1 = (b >> 3) & 1, bmi2 = (b >> 8) & 1;
    const int avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    const int vaes = (c >> 9) & 1;
    if (ymm_ok && avx2 && bmi1 && bmi2)
        f |= CPU_AVX2;
    if (zmm_ok && avx512f && avx512bw && avx512vl && vaes && (f & CPU_AESNI) && (f & CPU_AVX2))
        f |= CPU_AVX512;
#endif
    return f;
}

static unsigned features(void)
{
    unsigned f = atomic_load_explicit(&cpu_features, memory_order_relaxed);
    if (f == 0) {
        f = detect();
        atomic_store_explicit(&cpu_features, f, memory_order_relaxed);
    }
    return f;
}

int qstp_cpu_has_aesni(void)
{
    return (features() & CPU_AESNI) != 0;
}

int qstp_cpu_has_avx2(void)
{
    return (features() & CPU_AVX2) != 0;
}

int qstp_cpu_has_avx512(void)
{
    return (features() & CPU_AVX512) != 0;
}

void qstp_cpu_refresh(void)
{
    atomic_store_explicit(&cpu_features, 0u, memory_order_relaxed);
}
